/**
 * Google Drive sources against a loopback server that answers as Drive does: a small file
 * redirected to its bytes, the large-file warning page with its download form (uuid) or, on the
 * older page, a confirm link with a download_warning cookie; an interrupted body resumed with
 * Range; folder pages with the JS-escaped `_DRIVE_ivd` listing; the daily-quota page; a redirect
 * to a sign-in page. Never the internet.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { DownloadError, sourceStatus } from '../../lib/data/download';
import { afterComponent, classifyDrivePage, decodeJsString, downloadDriveSource, parseDriveFolderPage, placedPath } from '../../lib/data/gdrive';
import { DriveSource, fetchManifestPath, getDataSource } from '../../lib/data/sources';
import { crc32, readZipArchive, readZipDirectory, sniffArchive } from '../../lib/data/zip';
import { runDownload } from '../../lib/cli/commands/download';
import { repoRoot } from '../../lib/data/paths';
import { f4, i8, textFeatsFiles, writeShiftLayout } from '../fixtures/shift-features';
import { sadvaeArchiveFiles, sadvaeSplitClasses } from '../fixtures/sadvae-resources';
import { tinyConfig } from '../fixtures/stage2-tiny';
import { useTestBackend } from '../helpers';
import { pkuMmdPreset, runPkuMmd, writePkuMmdResults } from '../../lib/experiments/pku-mmd';

const hasJupyter = spawnSync('/usr/bin/python3', ['-c', 'import nbclient, nbformat'], { stdio: 'ignore' }).status === 0;
const made: string[] = [];
const tmp = (tag: string): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `fsvae-gdrive-${tag}-`));
  made.push(d);
  return d;
};
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

// ---------------------------------------------------------------------------------------------
// archives written here, independently of the readers under test

const nodeCrc = (zlib as unknown as { crc32?: (b: Buffer) => number }).crc32;

/** A zip of `files` (deflated when `deflate(name)`), local headers + central directory + end record. */
function buildZip(files: Map<string, Buffer>, deflate: (name: string) => boolean = () => true): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, body] of files) {
    const method = deflate(name) ? 8 : 0;
    const data = method === 8 ? zlib.deflateRawSync(body) : body;
    const crc = nodeCrc ? nodeCrc(body) >>> 0 : crc32(body);
    const n = Buffer.from(name, 'utf8');
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x800, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(data.length, 18);
    lh.writeUInt32LE(body.length, 22);
    lh.writeUInt16LE(n.length, 26);
    locals.push(lh, n, data);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x800, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(data.length, 20);
    ch.writeUInt32LE(body.length, 24);
    ch.writeUInt16LE(n.length, 28);
    ch.writeUInt32LE(offset, 42);
    central.push(ch, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.size, 8);
  end.writeUInt16LE(files.size, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

function buildTarGz(files: Map<string, Buffer>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, body] of files) {
    const h = Buffer.alloc(512);
    h.write(name, 0, 100, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('0', 156);
    h.write('ustar\0' + '00', 257, 'latin1');
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const x of h) sum += x;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    blocks.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(blocks));
}

/** The SynSE archive's layout: synse_resources/ntu_results/<sk_feats layout> plus files outside it. */
function synseArchiveFiles(mutate?: (rel: string, body: Buffer) => Buffer): { archive: Map<string, Buffer>; placed: Map<string, Buffer> } {
  const archive = new Map<string, Buffer>();
  const placed = new Map<string, Buffer>();
  writeShiftLayout('', (rel, body) => {
    const b = mutate ? mutate(rel, body) : body;
    archive.set(`synse_resources/ntu_results/${rel.slice('sk_feats/'.length)}`, b);
    placed.set(rel, b);
  });
  const weights = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 13) % 251));
  archive.set('synse_resources/ntu_results/shift_5_r/weights/best.pt', weights);
  placed.set('sk_feats/shift_5_r/weights/best.pt', weights);
  archive.set('synse_resources/language/w2v_60.npy', f4(60, 300)); // outside ntu_results: not placed
  return { archive, placed };
}

// ---------------------------------------------------------------------------------------------
// a loopback "Google Drive"

type FileMode = 'small' | 'big' | 'legacy' | 'quota' | 'private';
interface DriveFile {
  name: string;
  body: Buffer;
  mode: FileMode;
  /** cut the first body transfer off halfway (the client must resume with Range). */
  dropOnce?: boolean;
}
interface DriveFolder {
  name: string;
  entries: Array<{ id: string; name: string; mime: string }>;
}
interface Req {
  path: string;
  query: string;
  range?: string;
  cookie?: string;
  status: number;
}

const FOLDER = 'application/vnd.google-apps.folder';
const UUID = '5e8f-uuid';
const TOKEN = 'Xy9Z';

/** Drive's escaping of the listing: every character outside [A-Za-z0-9 ] as \xHH or \uHHHH. */
function jsEscape(s: string): string {
  return s.replace(/[^A-Za-z0-9 ]/g, (c) => {
    const k = c.charCodeAt(0);
    return k < 0x100 ? `\\x${k.toString(16).padStart(2, '0')}` : `\\u${k.toString(16).padStart(4, '0')}`;
  });
}

async function startDrive(): Promise<{
  base: string;
  files: Map<string, DriveFile>;
  folders: Map<string, DriveFolder>;
  requests: Req[];
  close(): Promise<void>;
}> {
  const files = new Map<string, DriveFile>();
  const folders = new Map<string, DriveFolder>();
  const requests: Req[] = [];
  const served = new Map<string, number>();
  let base = '';
  const page = (title: string, body: string): string => `<!DOCTYPE html><html><head><title>${title}</title></head><body>${body}</body></html>`;
  const warning = (f: DriveFile, id: string): string =>
    page(
      'Google Drive - Virus scan warning',
      `<p class="uc-warning-caption">Google Drive can't scan this file for viruses.</p><p>${f.name} (${f.body.length} bytes) is ` +
        `too large for Google to scan.</p>` +
        `<form id="download-form" action="${base}/download" method="get"><input type="submit" id="uc-download-link" value="Download anyway"/>` +
        `<input type="hidden" name="id" value="${id}"><input type="hidden" name="export" value="download"><input type="hidden" ` +
        `name="confirm" value="t"><input type="hidden" name="uuid" value="${UUID}"></form>`,
    );
  const sendBytes = (req: http.IncomingMessage, res: http.ServerResponse, id: string, f: DriveFile, log: (s: number) => void): void => {
    const n = (served.get(id) ?? 0) + 1;
    served.set(id, n);
    const headers = {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${f.name}"; filename*=UTF-8''${encodeURIComponent(f.name)}`,
      'accept-ranges': 'bytes',
    };
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m) {
      const start = Number(m[1]);
      if (start >= f.body.length) {
        log(416);
        res.writeHead(416, { 'content-range': `bytes */${f.body.length}` }).end();
        return;
      }
      log(206);
      res.writeHead(206, { ...headers, 'content-length': f.body.length - start, 'content-range': `bytes ${start}-${f.body.length - 1}/${f.body.length}` });
      res.end(f.body.subarray(start));
      return;
    }
    log(200);
    res.writeHead(200, { ...headers, 'content-length': f.body.length });
    if (f.dropOnce && n === 1) {
      res.write(f.body.subarray(0, f.body.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(f.body);
  };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const log = (status: number): void => {
      requests.push({ path: u.pathname, query: u.search, range: req.headers.range, cookie: req.headers.cookie, status });
    };
    if (requests.length > 2000) {
      log(500);
      res.writeHead(500).end();
      return;
    }
    const html = (status: number, body: string, extra: Record<string, string | string[]> = {}): void => {
      log(status);
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...extra }).end(body);
    };
    const id = u.searchParams.get('id') ?? '';
    const f = files.get(id);
    if (u.pathname === '/uc') {
      if (!f) return html(404, page('Google Drive - Page Not Found', '<p>Sorry, the file you have requested does not exist.</p>'));
      if (f.mode === 'quota') {
        return html(
          200,
          page(
            'Google Drive - Quota exceeded',
            `<p class="uc-error-caption">Sorry, you can&#39;t view or download this file at this time.</p><p ` +
              `class="uc-error-subcaption">Too many users have viewed or downloaded this file recently. Please try accessing the file ` +
              `again later. If the file you are trying to access is particularly large or is shared with many people, it may take up to ` +
              `24 hours to be able to view or download the file.</p>`,
          ),
        );
      }
      if (f.mode === 'private') {
        log(302);
        res.writeHead(302, { location: `${base}/ServiceLogin?continue=${encodeURIComponent(req.url ?? '')}` }).end();
        return;
      }
      if (f.mode === 'legacy') {
        const cookieOk = (req.headers.cookie ?? '').split(/;\s*/).includes(`download_warning_13058_${id}=${TOKEN}`);
        if (u.searchParams.get('confirm') === TOKEN && cookieOk) return sendBytes(req, res, id, f, log);
        return html(
          200,
          page(
            'Google Drive - Virus scan warning',
            `<a id="uc-download-link" href="/uc?export=download&amp;confirm=${TOKEN}&amp;id=${id}">Download anyway</a>`,
          ),
          {
            'set-cookie': [`download_warning_13058_${id}=${TOKEN}; Path=/; HttpOnly`, 'NID=511=abc; Domain=127.0.0.1; Path=/'],
          },
        );
      }
      if (f.mode === 'big') return html(200, warning(f, id), { 'set-cookie': ['NID=511=abc; Path=/'] });
      log(303);
      res.writeHead(303, { location: `${base}/download?id=${id}&export=download` }).end();
      return;
    }
    if (u.pathname === '/download') {
      if (!f) return html(404, page('Not Found', ''));
      if (f.mode === 'big' && (u.searchParams.get('confirm') !== 't' || u.searchParams.get('uuid') !== UUID)) return html(200, warning(f, id));
      return sendBytes(req, res, id, f, log);
    }
    if (u.pathname === '/ServiceLogin') return html(200, page('Sign in - Google Accounts', '<form action="/signin"><input name="identifier"></form>'));
    const fm = /^\/drive\/folders\/([^/]+)$/.exec(u.pathname);
    if (fm) {
      const folder = folders.get(fm[1]);
      if (!folder) return html(404, page('Google Drive - Page Not Found', ''));
      const rows = folder.entries.map((e) => [e.id, [fm[1]], e.name, e.mime, 0, null, 0, 0, 0, 0, 0]);
      return html(
        200,
        page(
          `${folder.name} - Google Drive`,
          `<div id="drive"></div><script nonce="n1">window['_DRIVE_ivd'] = '${jsEscape(JSON.stringify([rows, null, 0]))}';if ` +
            `(window['_DRIVE_ivdc']) {window['_DRIVE_ivdc']();}</script>`,
        ),
      );
    }
    html(404, page('Not Found', ''));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    files,
    folders,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Runs `body` against a fresh loopback Drive and always shuts it down. */
async function withDrive(body: (drive: Awaited<ReturnType<typeof startDrive>>) => Promise<void>): Promise<void> {
  const drive = await startDrive();
  try {
    await body(drive);
  } finally {
    await drive.close();
  }
}

const quick = { retries: 2, backoffMs: 5, timeoutMs: 5000, progress: false as const };

function treeOf(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(root, p).split(path.sep).join('/'), fs.readFileSync(p));
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out;
}

function assertPlaced(dataDir: string, placed: Map<string, Buffer>, top: string): void {
  const got = treeOf(path.join(dataDir, top));
  const want = new Map([...placed].map(([k, v]) => [k.slice(top.length + 1), v]));
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [k, v] of want) assert.ok(got.get(k)!.equals(v), `${k} differs`);
}

const synse = getDataSource('synse-shift-features') as DriveSource;
const fsvaeText = getDataSource('fsvae-text-features') as DriveSource;
const sadvae = getDataSource('sadvae-resources') as DriveSource;

// ---------------------------------------------------------------------------------------------

describe('Google Drive sources through a loopback Drive', () => {
  test(
    'SynSE archive (zip): warning page → download form with uuid, body cut off halfway → resumed with Range; ntu_results/ ' +
      'placed as sk_feats/, sha256 recorded',
    async () => {
      await withDrive(async (drive) => {
        const { archive, placed } = synseArchiveFiles();
        const zip = buildZip(archive, (n) => !n.endsWith('.pt'));
        drive.files.set(synse.drive.id, { name: 'synse_resources.zip', body: zip, mode: 'big', dropOnce: true });
        const dir = tmp('zip');
        const logs: string[] = [];
        const r = await downloadDriveSource(synse, { dataDir: dir, driveBaseUrl: drive.base, ...quick, log: (l) => logs.push(l) });
        assert.equal(r.alreadyPresent, false);
        assert.equal(r.files.length, placed.size);
        assertPlaced(dir, placed, 'sk_feats');
        // the exchange: warning page, form submitted with its hidden fields, cut-off body, Range resume
        const dl = drive.requests.filter((q) => q.path === '/download');
        assert.equal(drive.requests[0].path, '/uc');
        assert.equal(drive.requests[0].status, 200);
        assert.match(dl[0].query, /confirm=t/);
        assert.match(dl[0].query, new RegExp(`uuid=${UUID}`));
        assert.match(dl[0].cookie ?? '', /NID=511=abc/, 'the cookie set by the warning page goes back');
        assert.equal(dl[0].status, 200);
        const resumed = dl.find((q) => q.status === 206);
        assert.ok(resumed, JSON.stringify(drive.requests));
        assert.equal(resumed!.range, `bytes=${zip.length >> 1}-`);
        assert.ok(logs.some((l) => /confirmation page/.test(l)));
        // the record: every placed file with its sha256, and the archive's
        const m = JSON.parse(fs.readFileSync(fetchManifestPath(dir, synse.name), 'utf8'));
        assert.equal(m.archive.sha256, sha(zip));
        assert.equal(m.archive.bytes, zip.length);
        for (const [rel, body] of placed) assert.equal(m.files[rel].sha256, sha(body), rel);
        assert.ok(!fs.existsSync(path.join(dir, '.downloads', synse.name)), 'work folder removed');
        const st = await sourceStatus(synse, dir);
        assert.equal(st.state, 'present', JSON.stringify(st.bad));
        assert.ok(st.notes.some((n) => n.startsWith(`${placed.size} file(s) match the sha256 recorded`)));
        // a second run fetches nothing
        const before = drive.requests.length;
        assert.equal((await downloadDriveSource(synse, { dataDir: dir, driveBaseUrl: drive.base, ...quick })).alreadyPresent, true);
        assert.equal(drive.requests.length, before);
        // --verify re-checks the record: a changed byte (same size, format intact) is found
        const victim = path.join(dir, 'sk_feats/shift_12_r/train.npy');
        const b = fs.readFileSync(victim);
        b[b.length - 1] ^= 0x01;
        fs.writeFileSync(victim, b);
        const out: string[] = [];
        assert.equal(await runDownload(['--verify', synse.name, '--dir', dir], { out: (l) => out.push(l), err: () => {}, progress: false }), 1);
        assert.match(out.join('\n'), /sk_feats\/shift_12_r\/train\.npy: expected sha256 [0-9a-f]{64} as fetched on/);
        // downloading again replaces the changed copy as a whole
        await downloadDriveSource(synse, { dataDir: dir, driveBaseUrl: drive.base, ...quick });
        assertPlaced(dir, placed, 'sk_feats');
      });
    },
  );

  test('older confirm page (tar.gz): the confirm link is followed with its download_warning cookie', async () => {
    await withDrive(async (drive) => {
      const { archive, placed } = synseArchiveFiles();
      const tgz = buildTarGz(archive);
      const src: DriveSource = { ...synse, name: 'synse-legacy', drive: { ...synse.drive, id: 'LEGACY1' } };
      drive.files.set('LEGACY1', { name: 'synse_resources.tar.gz', body: tgz, mode: 'legacy' });
      const dir = tmp('tgz');
      await downloadDriveSource(src, { dataDir: dir, driveBaseUrl: drive.base, ...quick });
      assertPlaced(dir, placed, 'sk_feats');
      const confirmed = drive.requests.find((q) => q.path === '/uc' && q.query.includes(`confirm=${TOKEN}`));
      assert.ok(confirmed?.cookie?.includes(`download_warning_13058_LEGACY1=${TOKEN}`), JSON.stringify(drive.requests));
    });
  });

  test('FS-VAE text folder: the listing is read recursively, only text_feats/ is fetched, a cut-off file resumes', async () => {
    await withDrive(async (drive) => {
      const feats = textFeatsFiles();
      drive.folders.set(fsvaeText.drive.id, {
        name: 'FS-VAE semantics',
        entries: [
          { id: 'TF', name: 'text_feats', mime: FOLDER },
          { id: 'README', name: 'notes – café.md', mime: 'text/markdown' },
          { id: 'DOC', name: 'draft', mime: 'application/vnd.google-apps.document' },
        ],
      });
      drive.folders.set('TF', { name: 'text_feats', entries: [{ id: 'VB', name: 'ViT-B', mime: FOLDER }] });
      drive.folders.set('VB', { name: 'ViT-B', entries: [{ id: 'V32', name: '32', mime: FOLDER }] });
      const ids: Array<{ id: string; name: string; mime: string }> = [];
      [...feats].forEach(([rel, body], i) => {
        const id = `F${i}`;
        ids.push({ id, name: path.posix.basename(rel), mime: 'application/octet-stream' });
        drive.files.set(id, { name: path.posix.basename(rel), body, mode: i === 0 ? 'big' : 'small', dropOnce: i === 1 });
      });
      drive.folders.set('V32', { name: '32', entries: ids });
      drive.files.set('README', { name: 'notes.md', body: Buffer.from('x'), mode: 'small' });
      const dir = tmp('folder');
      const r = await downloadDriveSource(fsvaeText, { dataDir: dir, driveBaseUrl: drive.base, ...quick });
      assert.equal(r.files.length, 6);
      assertPlaced(dir, new Map([...feats].map(([k, v]) => [`fsvae-text/text_feats/${k}`, v])), 'fsvae-text');
      assert.ok(!drive.requests.some((q) => q.query.includes('id=README')), 'files outside text_feats/ are not fetched');
      assert.ok(drive.requests.some((q) => q.status === 206 && q.query.includes('id=F1')));
      assert.equal((await sourceStatus(fsvaeText, dir)).state, 'present');
    });
  });

  test('quota page, sign-in redirect, missing id: clear errors, no retries of a refusal, nothing placed; the CLI prints how to place it by hand', async () => {
    await withDrive(async (drive) => {
      const dir = tmp('refused');
      drive.files.set(synse.drive.id, { name: 'synse_resources.zip', body: Buffer.alloc(10), mode: 'quota' });
      await assert.rejects(
        downloadDriveSource(synse, { dataDir: dir, driveBaseUrl: drive.base, ...quick }),
        (e: unknown) =>
          e instanceof DownloadError &&
          e.code === 'quota' &&
          /Too many users have viewed or downloaded this file recently/.test(e.message) &&
          /run the command again later/.test(e.message),
      );
      assert.equal(drive.requests.length, 1, 'a quota page is not retried');
      assert.ok(!fs.existsSync(path.join(dir, 'sk_feats')));
      assert.ok(!fs.existsSync(fetchManifestPath(dir, synse.name)));
      const out: string[] = [];
      const err: string[] = [];
      const code = await runDownload([synse.name, '--dir', dir, '--drive-url', drive.base, '--retries', '0'], {
        out: (l) => out.push(l),
        err: (l) => err.push(l),
        progress: false,
      });
      assert.equal(code, 1);
      assert.match(err.join('\n'), /Google Drive refuses the download/);
      assert.match(out.join('\n'), /To place it by hand instead, get it here:[\s\S]*drive\.google\.com\/file\/d\/167xoVJQ684XU1uFhSKD6j9nAwHsnmEky/);

      drive.files.set(synse.drive.id, { name: 'x', body: Buffer.alloc(10), mode: 'private' });
      await assert.rejects(
        downloadDriveSource(synse, { dataDir: dir, driveBaseUrl: drive.base, ...quick }),
        (e: unknown) => e instanceof DownloadError && e.code === 'permission' && /not shared by link/.test(e.message),
      );
      drive.files.clear();
      await assert.rejects(
        downloadDriveSource(synse, { dataDir: dir, driveBaseUrl: drive.base, ...quick }),
        (e: unknown) => e instanceof DownloadError && e.code === 'not-found',
      );
      assert.ok(!fs.existsSync(path.join(dir, 'sk_feats')));
    });
  });

  test('an archive that fails the format check, or is no archive, places nothing and keeps an earlier good copy', async () => {
    await withDrive(async (drive) => {
      const dir = tmp('format');
      const good = synseArchiveFiles();
      drive.files.set(synse.drive.id, { name: 'a.zip', body: buildZip(good.archive), mode: 'small' });
      await downloadDriveSource(synse, { dataDir: dir, driveBaseUrl: drive.base, ...quick });
      fs.unlinkSync(fetchManifestPath(dir, synse.name)); // as if placed by hand: it passes on its format, nothing is fetched
      const before = drive.requests.length;
      const hand = await downloadDriveSource(synse, { dataDir: dir, driveBaseUrl: drive.base, ...quick });
      assert.deepEqual([hand.alreadyPresent, hand.manifest, drive.requests.length], [true, null, before]);
      // --force fetches; logits of the wrong width in one folder fail the format check
      const bad = synseArchiveFiles((rel, body) => (rel === 'sk_feats/shift_5_r/gtest_out.npy' ? f4(60, 59) : body));
      drive.files.set(synse.drive.id, { name: 'a.zip', body: buildZip(bad.archive), mode: 'small' });
      await assert.rejects(
        downloadDriveSource(synse, { dataDir: dir, driveBaseUrl: drive.base, ...quick, force: true }),
        (e: unknown) =>
          e instanceof DownloadError &&
          e.code === 'format' &&
          /sk_feats\/shift_5_r\/gtest_out\.npy: expected dim 1 = 60/.test(e.message) &&
          /the archive was kept at/.test(e.message),
      );
      assertPlaced(dir, good.placed, 'sk_feats');
      // not an archive at all (an HTML page saved as the file, say)
      fs.rmSync(path.join(dir, '.downloads'), { recursive: true, force: true });
      drive.files.set(synse.drive.id, { name: 'a.zip', body: Buffer.from('<html>not a zip</html>'), mode: 'small' });
      await assert.rejects(
        downloadDriveSource(synse, { dataDir: dir, driveBaseUrl: drive.base, ...quick, force: true }),
        (e: unknown) => e instanceof DownloadError && e.code === 'archive' && /not a zip or tar archive/.test(e.message),
      );
      assertPlaced(dir, good.placed, 'sk_feats');
    });
  });

  test('SA-DVAE resources.zip, with or without its top folder: its three folders placed under sadvae/, the random splits checked', async () => {
    await withDrive(async (drive) => {
      for (const top of ['resources/', '']) {
        // in the second archive, split 1 has the unseen classes of the registry's SMIE split 7
        const { archive, placed } = sadvaeArchiveFiles(top, undefined, top ? {} : { 1: [1, 9, 20, 34, 50] });
        drive.files.set(sadvae.drive.id, { name: 'resources.zip', body: buildZip(archive), mode: 'big' });
        const dir = tmp('sadvae');
        const r = await downloadDriveSource(sadvae, { dataDir: dir, driveBaseUrl: drive.base, ...quick });
        assert.equal(r.files.length, placed.size, `top '${top}'`);
        assertPlaced(dir, placed, 'sadvae');
        const st = await sourceStatus(sadvae, dir);
        assert.equal(st.state, 'present', JSON.stringify(st.bad));
        assert.ok(st.notes.includes('pku51_split2: ok (unseen 2, 12, 22, 32, 42; no registered SMIE split has these unseen classes)'), st.notes.join('\n'));
        assert.ok(st.notes.includes('ntu60_split2: not in this copy (optional)'));
        if (!top) assert.ok(st.notes.includes("pku51_split1: ok (unseen 1, 9, 20, 34, 50; the registry's pku51-46/5-smie7)"), st.notes.join('\n'));
      }
    });
  });

  test('SA-DVAE archive whose features hold a seen class among the unseen, or whose pseudo split leaks: format errors naming the file', async () => {
    await withDrive(async (drive) => {
      const { rs, rv } = sadvaeSplitClasses(2);
      const cases: Array<[string, Buffer, RegExp]> = [
        // z_label of split 2 gets seen class rs[0] in place of its first unseen class
        [
          'sk_feats/stgcn_pku51_split2_5_r/z_label.npy',
          i8([rs[0], 2, 12, 12, 22, 22, 32, 32, 42, 42]),
          /sadvae\/sk_feats\/stgcn_pku51_split2_5_r\/z_label\.npy: expected exactly the unseen classes \(ru5\.npy\): 2, 12, 22, 32, 42/,
        ],
        // the pseudo-unseen list of split 2 names an unseen class
        [
          'label_splits/pku51_split2/rv5_0.npy',
          i8([2, ...rv.slice(1)]),
          /sadvae\/label_splits\/pku51_split2\/rv5_0\.npy: expected with rs41_0\.npy, a partition of rs46\.npy/,
        ],
        // a feature file of the wrong width
        ['sk_feats/stgcn_pku51_split3_val_5_r/val_out.npy', f4(rs.length - 5, 50), /val_out\.npy: expected dim 1 = 51/],
      ];
      for (const [victim, body, message] of cases) {
        const { archive } = sadvaeArchiveFiles('resources/', (rel, b) => (rel === victim ? body : b));
        drive.files.set(sadvae.drive.id, { name: 'resources.zip', body: buildZip(archive), mode: 'big' });
        const dir = tmp('sadvae-bad');
        await assert.rejects(
          downloadDriveSource(sadvae, { dataDir: dir, driveBaseUrl: drive.base, ...quick }),
          (e: unknown) => e instanceof DownloadError && e.code === 'format' && message.test(e.message),
          victim,
        );
        assert.ok(!fs.existsSync(path.join(dir, 'sadvae')), 'nothing placed');
      }
    });
  });

  test('SA-DVAE resources.zip downloaded, then Table 6 from its features: three splits averaged, published numbers beside, every run stored', async () => {
    await withDrive(async (drive) => {
      const { archive } = sadvaeArchiveFiles('resources/', undefined, { 1: [1, 9, 20, 34, 50] });
      drive.files.set(sadvae.drive.id, { name: 'resources.zip', body: buildZip(archive), mode: 'big' });
      const dir = tmp('sadvae-table6');
      await downloadDriveSource(sadvae, { dataDir: dir, driveBaseUrl: drive.base, ...quick });
      await useTestBackend();
      const cfg = pkuMmdPreset('quick', { sadvae: path.join(dir, 'sadvae') });
      cfg.entries = [];
      cfg.archive.seeds = [1, 2];
      const tiny = tinyConfig(2, 20);
      tiny.classifier.steps = 50;
      cfg.archive.benchmarks[0].stage2 = tiny;
      const r = await runPkuMmd(cfg);
      assert.equal(r.archive.runs.length, 3);
      assert.deepEqual(r.archive.missing, []);
      const rows = r.table6.filter((x) => x.status === 'run');
      const names = ['pku51-46/5-sadvae1', 'pku51-46/5-sadvae2', 'pku51-46/5-sadvae3', 'mean of 3 splits'];
      assert.deepEqual([...new Set(rows.map((x) => x.split))], names);
      assert.equal(rows.length, 4 * 3 * 2, 'per split and for the mean: 3 variants × 2 protocols');
      assert.ok(rows.every((x) => x['SA-DVAE ZSL (published)'] === '66.54' && x['TDSM ZSL (published)'] === '70.76'));
      assert.match(String(rows[0].note), /= the registry's pku51-46\/5-smie7/);
      assert.deepEqual(
        r.table6
          .filter((x) => x.status === 'published')
          .map((x) => x.method)
          .slice(-2),
        ['SA-DVAE', 'FS-VAE (Ours)'],
      );
      const out = tmp('sadvae-results');
      const old = process.env.FSVAE_RESULTS;
      process.env.FSVAE_RESULTS = out;
      try {
        writePkuMmdResults(r, 'cpu');
      } finally {
        if (old === undefined) delete process.env.FSVAE_RESULTS;
        else process.env.FSVAE_RESULTS = old;
      }
      assert.match(fs.readFileSync(path.join(out, 'table6_pku_mmd.md'), 'utf8'), /mean of 3 splits/);
      // the mean row, recomputed from the stored per-seed values: mean of the three split means
      type Stored = { split: string; method: string; perSeed: { zsl: { clean: number } }[] };
      const stored = (JSON.parse(fs.readFileSync(path.join(out, 'table6_pku_mmd.json'), 'utf8')) as { runs: Stored[] }).runs;
      assert.equal(stored.length, 9);
      const ours = stored.filter((x) => x.method === 'Ours').map((x) => x.perSeed.reduce((a, s) => a + s.zsl.clean, 0) / x.perSeed.length);
      const meanRow = rows.find((x) => x.split === 'mean of 3 splits' && x.method === 'Ours' && x.protocol === 'clean')!;
      assert.equal(String(meanRow.ZSL).split(' ')[0], ((100 * (ours[0] + ours[1] + ours[2])) / 3).toFixed(1));
      assert.equal(meanRow['split means'], ours.map((m) => (100 * m).toFixed(1)).join(' / '));
    });
  });

  test('notebook 05 end to end: fsvae download sadvae-resources from the loopback Drive, then the notebook writes Table 6 from those features', {
    skip: hasJupyter ? false : 'Jupyter not installed: run `sudo apt-get install -y jupyter-nbconvert python3-nbclient jupyter-notebook python3-ipykernel`',
  }, async () => {
    const dir = tmp('sadvae-nb05');
    await withDrive(async (drive) => {
      drive.files.set(sadvae.drive.id, { name: 'resources.zip', body: buildZip(sadvaeArchiveFiles('resources/').archive), mode: 'big' });
      const out: string[] = [];
      const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), progress: false as const };
      const code = await runDownload(['sadvae-resources', '--dir', dir, '--drive-url', drive.base], io);
      assert.equal(code, 0, out.join('\n'));
    });
    // a copy next to notebooks/ (so '../dist/lib' resolves), with the archive as its only input: the
    // raw PKU-MMD and stand-in entries have tests of their own and would add a stage-1 training
    const root = repoRoot();
    const copyDir = path.join(root, '.smoke-notebooks-05');
    fs.rmSync(copyDir, { recursive: true, force: true });
    fs.mkdirSync(copyDir);
    const nb = JSON.parse(fs.readFileSync(path.join(root, 'notebooks', '05_pku_mmd.ipynb'), 'utf8')) as { cells: { source: string[] }[] };
    const setup = nb.cells.find((c) => c.source.join('').includes('fsvae.pkuMmdPreset('))!;
    setup.source.push(
      '\nconfig.entries = [];\nconfig.archive.seeds = [1];\n' +
        'config.archive.benchmarks[0].stage2.schedule = fsvae.scaledSchedule(40, 2);\nconfig.archive.benchmarks[0].stage2.classifier.steps = 50;',
    );
    const copy = path.join(copyDir, '05_pku_mmd.ipynb');
    fs.writeFileSync(copy, JSON.stringify(nb));
    const results = tmp('sadvae-nb05-results');
    try {
      const r = spawnSync('bash', [path.join(root, 'scripts', 'run-notebooks.sh'), copy], {
        encoding: 'utf8',
        env: { ...process.env, FSVAE_DATA: dir, FSVAE_RESULTS: results, FSVAE_NOTEBOOK_TIMEOUT: '600' },
        timeout: 700_000,
      });
      assert.equal(r.status, 0, `notebook 05 failed:\n${r.stdout}\n${r.stderr}`);
      const md = fs.readFileSync(path.join(results, 'table6_pku_mmd.md'), 'utf8');
      for (const k of [1, 2, 3]) assert.match(md, new RegExp(`\\| pku51-46/5-sadvae${k} \\| run \\| Ours \\| clean \\| 1 \\|`));
      assert.match(md, /\| mean of 3 splits \| run \| Baseline \(no SD, FM, CL\) \| clean \|/);
      assert.match(md, /\| 66\.54 \| 70\.76 \| 71\.20 \|/);
      assert.ok(!md.includes('| missing |'), 'nothing missing: the notebook read the downloaded archive');
      assert.ok(!fs.existsSync(path.join(results, 'table6_chain_check.md')), 'no stand-in in this run');
    } finally {
      fs.rmSync(copyDir, { recursive: true, force: true });
    }
  });

  test('Table 6 without the archive: one missing row naming the download, no numbers', async () => {
    const cfg = pkuMmdPreset('quick', { sadvae: path.join(tmp('no-sadvae'), 'absent') });
    cfg.entries = [];
    const r = await runPkuMmd(cfg);
    const miss = r.table6.filter((x) => x.status === 'missing');
    assert.equal(miss.length, 1);
    assert.equal(miss[0].split, 'pku51_split1, pku51_split2, pku51_split3');
    assert.match(String(miss[0].note), /npx fsvae download sadvae-resources/);
    assert.ok(r.table6.every((x) => x.status !== 'run'));
  });

  test('a folder page with 50 entries (the most Drive lists) is refused as possibly incomplete', async () => {
    await withDrive(async (drive) => {
      drive.folders.set(fsvaeText.drive.id, {
        name: 'big',
        entries: Array.from({ length: 50 }, (_, i) => ({ id: `E${i}`, name: `f${i}.npy`, mime: 'application/octet-stream' })),
      });
      await assert.rejects(
        downloadDriveSource(fsvaeText, { dataDir: tmp('fifty'), driveBaseUrl: drive.base, ...quick }),
        (e: unknown) => e instanceof DownloadError && e.code === 'listing' && /50 entries/.test(e.message),
      );
    });
  });
});

describe('Drive page parsing', () => {
  test('confirmation forms and links, error pages', () => {
    const form = classifyDrivePage(
      '<form id="download-form" action="https://drive.usercontent.google.com/download" method="get"><input type="submit" ' +
        'value="Download anyway"/><input type="hidden" name="id" value="ABC"><input type="hidden" name="export" ' +
        'value="download"><input type="hidden" name="confirm" value="t"><input type="hidden" name="uuid" value="u-1"></form>',
      'https://drive.google.com/uc?id=ABC',
    );
    assert.deepEqual(form, { kind: 'confirm', url: 'https://drive.usercontent.google.com/download?id=ABC&export=download&confirm=t&uuid=u-1' });
    const link = classifyDrivePage('<a href="/uc?export=download&amp;confirm=Q1w&amp;id=ABC">Download anyway</a>', 'https://docs.google.com/uc?id=ABC');
    assert.deepEqual(link, { kind: 'confirm', url: 'https://docs.google.com/uc?export=download&confirm=Q1w&id=ABC' });
    assert.equal(classifyDrivePage('<title>Google Drive - Quota exceeded</title>', 'https://drive.google.com/uc').kind, 'quota');
    assert.equal(classifyDrivePage('<title>Sign in - Google Accounts</title>', 'https://accounts.google.com/ServiceLogin').kind, 'permission');
    assert.deepEqual(classifyDrivePage('<p class="uc-error-subcaption">The file is in the owner&#39;s trash.</p>', 'https://drive.google.com/uc'), {
      kind: 'error',
      message: "The file is in the owner's trash.",
    });
  });

  test('JS string escapes and the folder listing', () => {
    assert.equal(decodeJsString("\\x5b\\x22a\\\\b\\x22,\\u00e9\\n\\/\\'x\\u{1F600}"), '["a\\b",é\n/\'x😀');
    const html = `<title>text_feats - Google Drive</title><script>window['_DRIVE_ivd'] = '${jsEscape(
      JSON.stringify([
        [
          ['id1', ['p'], 'lb_60.npy', 'application/octet-stream'],
          ['id2', ['p'], 'ViT-B', FOLDER],
        ],
      ]),
    )}';</script>`;
    assert.deepEqual(parseDriveFolderPage(html, 'u'), {
      name: 'text_feats',
      entries: [
        { id: 'id1', name: 'lb_60.npy', mimeType: 'application/octet-stream' },
        { id: 'id2', name: 'ViT-B', mimeType: FOLDER },
      ],
    });
    assert.deepEqual(
      parseDriveFolderPage(`<title>empty - Google Drive</title><script>window['_DRIVE_ivd'] = '${jsEscape('[null,null,0]')}';</script>`, 'u').entries,
      [],
    );
    assert.throws(
      () => parseDriveFolderPage('<title>Sign in - Google Accounts</title>', 'https://accounts.google.com/x'),
      (e: unknown) => e instanceof DownloadError && e.code === 'permission',
    );
  });

  test('kept folders: placed with their names from wherever they sit; parent steps refused', () => {
    const d = { member: 'resources', keep: ['label_splits', 'sk_feats'] };
    assert.equal(placedPath('resources/label_splits/pku51_split1/ru5.npy', d), 'label_splits/pku51_split1/ru5.npy');
    assert.equal(placedPath('label_splits/pku51_split1/ru5.npy', d), 'label_splits/pku51_split1/ru5.npy');
    assert.equal(placedPath('x/y/sk_feats/a/train.npy', d), 'sk_feats/a/train.npy');
    assert.equal(placedPath('resources/README.txt', d), null);
    assert.equal(placedPath('resources/sk_feats', d), null);
    assert.equal(placedPath('sk_feats/../etc/passwd', d), null);
    assert.equal(placedPath('synse/ntu_results/shift_5_r/x.npy', { member: 'ntu_results' }), 'shift_5_r/x.npy');
  });

  test('member paths: the part after the named folder; parent steps refused', () => {
    assert.equal(afterComponent('synse_resources/ntu_results/shift_5_r/train.npy', 'ntu_results'), 'shift_5_r/train.npy');
    assert.equal(afterComponent('./ntu_results/a.npy', 'ntu_results'), 'a.npy');
    assert.equal(afterComponent('x/ntu_results/', 'ntu_results'), null);
    assert.equal(afterComponent('x/ntu_results/../../etc/passwd', 'ntu_results'), null);
    assert.equal(afterComponent('x/other/a.npy', 'ntu_results'), null);
  });
});

describe('zip reader', () => {
  test('stored and deflated members, CRC and sizes checked; damage is an archive error', async () => {
    const files = new Map([
      ['a/b.txt', Buffer.from('hello '.repeat(100))],
      ['a/c.bin', Buffer.from([0, 1, 2, 3, 250])],
      ['empty', Buffer.alloc(0)],
    ]);
    const dir = tmp('zipr');
    const file = path.join(dir, 'x.zip');
    fs.writeFileSync(
      file,
      buildZip(files, (n) => n.endsWith('.txt')),
    );
    assert.equal(sniffArchive(file), 'zip');
    const got = new Map<string, Buffer>();
    await readZipArchive(file, (e) => {
      const parts: Buffer[] = [];
      return { write: (c) => void parts.push(Buffer.from(c)), end: () => void got.set(e.path, Buffer.concat(parts)) };
    });
    assert.deepEqual([...got.keys()].sort(), ['a/b.txt', 'a/c.bin', 'empty']);
    for (const [k, v] of files) assert.ok(got.get(k)!.equals(v), k);
    // one flipped byte inside the stored member: CRC mismatch
    const z = fs.readFileSync(file);
    const at = z.indexOf(Buffer.from([0, 1, 2, 3, 250]));
    z[at + 2] ^= 0xff;
    fs.writeFileSync(file, z);
    await assert.rejects(
      readZipArchive(file, () => ({ write: () => {}, end: () => {} })),
      (e: unknown) => e instanceof DownloadError && e.code === 'archive' && /CRC-32/.test(e.message),
    );
    // cut off: no end record
    fs.writeFileSync(file, z.subarray(0, z.length - 30));
    assert.throws(
      () => readZipDirectory(file),
      (e: unknown) => e instanceof DownloadError && e.code === 'archive' && /end-of-central-directory|truncated/.test(e.message),
    );
  });

  const py = spawnSync('python3', ['-c', 'import zipfile'], { encoding: 'utf8' });
  test("Zip64 archives written by Python's zipfile (an independent writer) read back byte for byte", {
    skip: py.status === 0 ? false : 'python3 not available',
  }, async () => {
    const dir = tmp('zip64');
    const file = path.join(dir, 'z64.zip');
    const script = [
      'import sys, zipfile',
      'with zipfile.ZipFile(sys.argv[1], "w", compression=zipfile.ZIP_DEFLATED) as z:',
      '    with z.open("r/ntu_results/a.npy", "w", force_zip64=True) as f: f.write(bytes(range(256)) * 40)',
      '    z.writestr("r/ntu_results/b.txt", "caf\\u00e9 " * 50)',
      '    z.writestr(zipfile.ZipInfo("r/dir/"), b"")',
    ].join('\n');
    const r = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const got = new Map<string, Buffer>();
    const types: string[] = [];
    await readZipArchive(file, (e) => {
      types.push(`${e.path}:${e.type}`);
      const parts: Buffer[] = [];
      return { write: (c) => void parts.push(Buffer.from(c)), end: () => void got.set(e.path, Buffer.concat(parts)) };
    });
    assert.ok(got.get('r/ntu_results/a.npy')!.equals(Buffer.concat(Array(40).fill(Buffer.from(Array.from({ length: 256 }, (_, i) => i))))));
    assert.equal(got.get('r/ntu_results/b.txt')!.toString('utf8'), 'café '.repeat(50));
    assert.ok(types.includes('r/dir/:directory'));
  });
});
