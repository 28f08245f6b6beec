/**
 * `fsvae download` against a loopback HTTP server (127.0.0.1, ephemeral port): good download,
 * checksum mismatch, dropped connection resumed with Range, a server that ignores Range, 404,
 * idle timeout, archive extraction, mirrors, --list / --verify, manual sources, progress output.
 * Real files from the shared data folder are served when it is present; otherwise generated
 * files with their computed checksums.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, pbkdf2 } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ChecksumMismatchError, DownloadError, downloadSource, extractWanted, readTarArchive, receiveInto, sourceStatus } from '../../lib/data/download';
import { Readable } from 'node:stream';
import {
  ChecksumManifest,
  DOWNLOAD_SOURCES,
  DRIVE_SOURCES,
  DownloadSource,
  MANUAL_SOURCES,
  archiveUrl,
  checksumDir,
  getDataSource,
  loadManifest,
  planFiles,
  rawFileUrl,
} from '../../lib/data/sources';
import { locateData } from '../../lib/data/paths';
import { getSplit } from '../../lib/data/splits';
import { runDownload } from '../../lib/cli/commands/download';
import { ProgressBar } from '../../lib/util/progress';
import { f4, i8, npy, writeShiftLayout } from '../fixtures/shift-features';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const made: string[] = [];
const tmp = (tag: string): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `fsvae-dl-${tag}-`));
  made.push(d);
  return d;
};
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

const shared = locateData('checksums.json');
const sharedRoot = shared.path ? path.dirname(shared.path) : null;
const haveShared = sharedRoot !== null && fs.existsSync(path.join(sharedRoot, 'synse-language'));

// ---------------------------------------------------------------------------------------------
// loopback server

type Mode = 'ok' | 'drop-once' | 'drop-stale' | 'ignore-range' | 'slow' | 'wrong';

interface Served {
  body: Buffer;
  mode: Mode;
}

interface Server {
  base: string;
  files: Map<string, Served>;
  requests: Array<{ path: string; range?: string; status: number }>;
  count(p: string): number;
  close(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const files = new Map<string, Served>();
  const requests: Server['requests'] = [];
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const range = req.headers.range;
    const f = files.get(p);
    const log = (status: number): void => {
      requests.push({ path: p, range, status });
    };
    if (requests.length > 5000) {
      // bounded: a runaway client fails loudly instead of looping
      log(500);
      res.writeHead(500).end();
      return;
    }
    if (!f) {
      log(404);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const nth = requests.filter((r) => r.path === p).length + 1;
    let body = f.body;
    if (f.mode === 'wrong') {
      body = Buffer.from(body);
      body[body.length >> 1] ^= 0xff;
    }
    if (f.mode === 'slow') {
      log(200);
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 10)); // then nothing until the client gives up
      return;
    }
    if (f.mode === 'drop-stale' && nth === 1) {
      // first answer: other bytes (a stale copy), cut off halfway
      body = Buffer.from(Buffer.from(body).map((x) => x ^ 0x55));
    }
    if ((f.mode === 'drop-once' || f.mode === 'drop-stale') && nth === 1) {
      log(200);
      res.writeHead(200, { 'content-length': body.length });
      const half = body.length >> 1;
      res.write(body.subarray(0, half), () => setTimeout(() => res.socket?.destroy(), 30));
      return;
    }
    const m = /^bytes=(\d+)-$/.exec(range ?? '');
    if (m && f.mode !== 'ignore-range') {
      const start = Number(m[1]);
      if (start >= body.length) {
        log(416);
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      log(206);
      res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
      res.end(body.subarray(start));
      return;
    }
    log(200);
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    files,
    requests,
    count: (p) => requests.filter((r) => r.path === p).length,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// fixtures: a scripted source, its files, and the URL path of each

interface Fixture {
  source: DownloadSource;
  files: Map<string, Buffer>;
  /** URL path (as the server sees it) of each local file. */
  urlPath: Map<string, string>;
  real: boolean;
}

function pathOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname);
}

function fixtureFor(source: DownloadSource, files: Map<string, Buffer>, base: string, real: boolean): Fixture {
  const manifest = loadManifest(source);
  const plan = planFiles(source, manifest);
  const urlPath = new Map<string, string>();
  for (const [rel, { part, remote }] of plan) urlPath.set(rel, pathOf(rawFileUrl(part.repo, remote, base)));
  return { source, files, urlPath, real };
}

function generatedBytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0; // LCG: deterministic bytes, no Math.random
    b[i] = x >>> 24;
  }
  return b;
}

function manifestOf(name: string, files: Map<string, Buffer>): ChecksumManifest {
  const m: ChecksumManifest = { source: name, algorithm: 'sha256', files: {} };
  for (const [rel, b] of files) m.files[rel] = { sha256: sha(b), bytes: b.length };
  return m;
}

/** The real synse-language source with the shared files, or a generated stand-in. */
function fileFixture(base: string): Fixture {
  if (haveShared) {
    const source = getDataSource('synse-language') as DownloadSource;
    const files = new Map<string, Buffer>();
    for (const rel of Object.keys(loadManifest(source).files)) files.set(rel, fs.readFileSync(path.join(sharedRoot!, rel)));
    return fixtureFor(source, files, base, true);
  }
  const files = new Map<string, Buffer>([
    ['gen/a.bin', generatedBytes(300_000, 1)],
    ['gen/b.bin', generatedBytes(4_000, 2)],
    ['gen/sub/c.bin', generatedBytes(70_000, 3)],
  ]);
  const source: DownloadSource = {
    kind: 'download',
    name: 'generated',
    title: 'generated files',
    origin: 'test',
    folder: 'gen',
    parts: [{ repo: { owner: 'test', name: 'gen', ref: 'main', pinned: 'branch' }, folder: 'files/', target: 'gen/', prefer: 'files' }],
    manifest: manifestOf('generated', files),
  };
  return fixtureFor(source, files, base, false);
}

function serve(server: Server, fx: Fixture, modes: Record<string, Mode> = {}): void {
  for (const [rel, body] of fx.files) server.files.set(fx.urlPath.get(rel)!, { body, mode: modes[rel] ?? 'ok' });
}

function largest(fx: Fixture): string {
  return [...fx.files.entries()].sort((a, b) => b[1].length - a[1].length)[0][0];
}

const quick = { retries: 2, backoffMs: 5, timeoutMs: 5000, progress: false as const, concurrency: 2 };

function assertTreeEquals(dataDir: string, files: Map<string, Buffer>): void {
  for (const [rel, body] of files) {
    const p = path.join(dataDir, rel);
    assert.ok(fs.existsSync(p), `${rel} should be in place`);
    assert.equal(sha(fs.readFileSync(p)), sha(body), `${rel} content`);
    assert.ok(!fs.existsSync(`${p}.part`), `${rel}.part must be gone`);
  }
}

// ---------------------------------------------------------------------------------------------

test('good download: every file verified and in place; a second run makes no request', async () => {
  const server = await startServer();
  try {
    const fx = fileFixture(server.base);
    serve(server, fx);
    const dir = tmp('good');
    const lines: string[] = [];
    const stream = { write: (s: string) => lines.push(s), isTTY: false };
    const r = await downloadSource(fx.source, { ...quick, dataDir: dir, baseUrl: server.base, progress: stream });
    assert.equal(r.fetched.length, fx.files.size);
    assert.equal(r.alreadyPresent, 0);
    assertTreeEquals(dir, fx.files);
    assert.equal(server.requests.length, fx.files.size, 'one request per file');
    // non-TTY progress: a handful of lines (10 % steps + the final one), the last at 100 %
    assert.ok(lines.length >= 1 && lines.length <= 12, `progress printed ${lines.length} lines`);
    assert.match(lines[lines.length - 1], /100%/);
    assert.match(lines[lines.length - 1], new RegExp(`${fx.files.size}/${fx.files.size} files`));

    const before = server.requests.length;
    const again = await downloadSource(fx.source, { ...quick, dataDir: dir, baseUrl: server.base });
    assert.equal(again.fetched.length, 0);
    assert.equal(again.alreadyPresent, fx.files.size);
    assert.equal(server.requests.length, before, 'verified files are not fetched again');
    const st = await sourceStatus(fx.source, dir);
    assert.equal(st.state, 'present');
    assert.equal(st.good, fx.files.size);
  } finally {
    await server.close();
  }
});

test('checksum mismatch: error names the file, expected and got; nothing under the final name', async () => {
  const server = await startServer();
  try {
    const fx = fileFixture(server.base);
    const victim = largest(fx);
    serve(server, fx, { [victim]: 'wrong' });
    const dir = tmp('bad');
    const err = await downloadSource(fx.source, { ...quick, dataDir: dir, baseUrl: server.base, concurrency: 1 }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ChecksumMismatchError, `expected ChecksumMismatchError, got ${String(err)}`);
    assert.equal(err.file, victim);
    const entry = loadManifest(fx.source).files[victim];
    assert.ok(err.message.includes(victim));
    assert.ok(err.message.includes(entry.sha256), 'expected sha256 in the message');
    const wrong = Buffer.from(fx.files.get(victim)!);
    wrong[wrong.length >> 1] ^= 0xff;
    assert.ok(err.message.includes(`got sha256 ${sha(wrong)}`), err.message);
    assert.ok(!fs.existsSync(path.join(dir, victim)), 'no file under the final name');
    assert.ok(!fs.existsSync(path.join(dir, `${victim}.part`)), 'the bad bytes are discarded');
    assert.equal(server.count(fx.urlPath.get(victim)!), 1, 'a fresh (not resumed) download is not retried on mismatch');
  } finally {
    await server.close();
  }
});

test('connection dropped mid-file: resumed with one Range request, final file correct', async () => {
  const server = await startServer();
  try {
    const fx = fileFixture(server.base);
    const victim = largest(fx);
    serve(server, fx, { [victim]: 'drop-once' });
    const dir = tmp('drop');
    await downloadSource(fx.source, { ...quick, dataDir: dir, baseUrl: server.base });
    assertTreeEquals(dir, fx.files);
    const reqs = server.requests.filter((r) => r.path === fx.urlPath.get(victim));
    assert.equal(reqs.length, 2, 'the dropped request and one resume');
    assert.equal(reqs[0].range, undefined);
    const m = /^bytes=(\d+)-$/.exec(reqs[1].range ?? '');
    assert.ok(m, `second request must be a Range request, got ${String(reqs[1].range)}`);
    const start = Number(m[1]);
    const half = fx.files.get(victim)!.length >> 1;
    assert.ok(start > 0 && start <= half, `resumed from byte ${start}, the server had sent ${half}`);
    assert.equal(reqs[1].status, 206);
    assert.equal(server.requests.filter((r) => r.range !== undefined).length, 1, 'exactly one Range request in all');
  } finally {
    await server.close();
  }
});

test('resumed file with a wrong checksum (bytes of two versions): fetched whole once more', async () => {
  const server = await startServer();
  try {
    const fx = fileFixture(server.base);
    const victim = largest(fx);
    serve(server, fx, { [victim]: 'drop-stale' });
    const dir = tmp('stale');
    const logs: string[] = [];
    await downloadSource(fx.source, { ...quick, dataDir: dir, baseUrl: server.base, log: (l) => logs.push(l) });
    assertTreeEquals(dir, fx.files);
    const reqs = server.requests.filter((r) => r.path === fx.urlPath.get(victim));
    assert.deepEqual(
      reqs.map((r) => [r.range === undefined ? 'full' : 'range', r.status]),
      [
        ['full', 200],
        ['range', 206],
        ['full', 200],
      ],
    );
    assert.ok(logs.some((l) => l.includes(`${victim}: checksum wrong after resuming`)));
  } finally {
    await server.close();
  }
});

test('server ignoring Range: the .part is restarted from byte 0, final file correct', async () => {
  const server = await startServer();
  try {
    const fx = fileFixture(server.base);
    const victim = largest(fx);
    serve(server, fx, { [victim]: 'ignore-range' });
    const dir = tmp('norange');
    // a stale .part of garbage: appending to it would give a wrong checksum
    fs.mkdirSync(path.dirname(path.join(dir, victim)), { recursive: true });
    fs.writeFileSync(path.join(dir, `${victim}.part`), generatedBytes(1000, 99));
    await downloadSource(fx.source, { ...quick, dataDir: dir, baseUrl: server.base });
    assertTreeEquals(dir, fx.files);
    const reqs = server.requests.filter((r) => r.path === fx.urlPath.get(victim));
    assert.equal(reqs.length, 1);
    assert.equal(reqs[0].range, 'bytes=1000-', 'the client asked to resume');
    assert.equal(reqs[0].status, 200, 'the server answered with the whole file');
  } finally {
    await server.close();
  }
});

test('404: clear error naming the file and URL, not retried', async () => {
  const server = await startServer();
  try {
    const fx = fileFixture(server.base);
    serve(server, fx);
    const victim = largest(fx);
    server.files.delete(fx.urlPath.get(victim)!);
    const dir = tmp('404');
    const err = await downloadSource(fx.source, { ...quick, dataDir: dir, baseUrl: server.base, concurrency: 1 }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof DownloadError, String(err));
    assert.equal(err.code, 'not-found');
    assert.equal(err.file, victim);
    assert.ok(err.message.includes(victim) && err.message.includes('HTTP 404'), err.message);
    assert.ok(err.message.includes(fx.urlPath.get(victim)!.split('/').map(encodeURIComponent).join('/')) || err.message.includes(server.base), err.message);
    assert.equal(server.count(fx.urlPath.get(victim)!), 1, '404 is not retried');
    assert.ok(!fs.existsSync(path.join(dir, victim)));
  } finally {
    await server.close();
  }
});

test('slow server with a short idle timeout: timeout error after bounded retries, no file', async () => {
  const server = await startServer();
  try {
    const fx = fileFixture(server.base);
    const victim = largest(fx);
    serve(server, fx, { [victim]: 'slow' });
    const dir = tmp('slow');
    const err = await downloadSource(fx.source, { ...quick, dataDir: dir, baseUrl: server.base, timeoutMs: 150, retries: 1, concurrency: 1 }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof DownloadError, String(err));
    assert.equal(err.code, 'timeout');
    assert.match(err.message, /timed out/);
    assert.match(err.message, /gave up after 2 attempts/);
    assert.ok(err.message.includes(victim));
    assert.equal(server.count(fx.urlPath.get(victim)!), 2, 'first attempt + 1 retry');
    assert.ok(!fs.existsSync(path.join(dir, victim)), 'nothing under the final name');
    // what arrived stays as a resumable .part, a prefix of the true file
    const part = path.join(dir, `${victim}.part`);
    if (fs.existsSync(part)) {
      const got = fs.readFileSync(part);
      assert.ok(got.length <= fx.files.get(victim)!.length);
      assert.deepEqual(got, fx.files.get(victim)!.subarray(0, got.length));
    }
    const st = await sourceStatus(fx.source, dir);
    assert.notEqual(st.state, 'present');
  } finally {
    await server.close();
  }
});

test('mirror: a 404 at the primary falls back to the mirror, same checksums', async () => {
  const server = await startServer();
  try {
    const files = new Map([
      ['splits/ru5.npy', generatedBytes(168, 5)],
      ['splits/rs55.npy', generatedBytes(568, 6)],
    ]);
    const mirror = { owner: 'mirror', name: 'm', ref: 'abc', pinned: 'branch' as const };
    const source: DownloadSource = {
      kind: 'download',
      name: 'mirrored',
      title: 't',
      origin: 'test',
      folder: 'splits',
      parts: [
        {
          repo: { owner: 'primary', name: 'p', ref: 'def', pinned: 'branch' },
          folder: 'label_splits/',
          target: 'splits/',
          prefer: 'files',
          mirrors: [{ repo: mirror, folder: 'other/label_splits/', why: 'test' }],
        },
      ],
      manifest: manifestOf('mirrored', files),
    };
    for (const [rel, body] of files) {
      server.files.set(pathOf(rawFileUrl(mirror, `other/label_splits/${path.basename(rel)}`, server.base)), { body, mode: 'ok' });
    }
    const dir = tmp('mirror');
    const logs: string[] = [];
    await downloadSource(source, { ...quick, dataDir: dir, baseUrl: server.base, log: (l) => logs.push(l) });
    assertTreeEquals(dir, files);
    assert.equal(server.requests.filter((r) => r.status === 404).length, 2);
    assert.ok(logs.some((l) => l.includes('trying the mirror')));
  } finally {
    await server.close();
  }
});

// ---------------------------------------------------------------------------------------------
// tar

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function tarHeader(name: string, size: number, type: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write(octal(0o644, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(0, 12), 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function paxBody(records: Record<string, string>): Buffer {
  let out = '';
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    let len = rest.length + 1;
    while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
    out += `${len}${rest}`;
  }
  return Buffer.from(out, 'utf8');
}

function member(name: string, body: Buffer, type = '0'): Buffer[] {
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return [tarHeader(name, body.length, type), body, pad];
}

interface TarItem {
  name: string;
  body?: Buffer;
  dir?: boolean;
}

/** A GitHub-style tar.gz: pax global header with the commit, a top folder, long names via pax. */
function buildTarGz(items: TarItem[], commit = 'a'.repeat(40)): Buffer {
  const parts: Buffer[] = [...member('pax_global_header', paxBody({ comment: commit }), 'g')];
  for (const it of items) {
    if (it.dir) {
      parts.push(...member(it.name, Buffer.alloc(0), '5'));
      continue;
    }
    if (Buffer.byteLength(it.name) > 100) parts.push(...member('PaxHeader/long', paxBody({ path: it.name }), 'x'));
    parts.push(...member(it.name, it.body!));
  }
  parts.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(parts), { level: 1 });
}

test('archive mode: only the needed folder is extracted from a GitHub-style tar.gz, each file verified', async () => {
  const server = await startServer();
  try {
    const repo = { owner: 'test', name: 'arch', ref: '0123abcd', pinned: 'branch' as const };
    const top = `${repo.name}-${repo.ref}`;
    const longRel = `${'deep/'.repeat(20)}x.bin`; // > 100 bytes: needs a pax path record
    const needed = new Map<string, Buffer>([
      ['needed/a.bin', generatedBytes(5000, 11)],
      ['needed/sub/b.json', Buffer.from('{"k": [1, 2, 3]}\n')],
      ['needed/empty.txt', Buffer.alloc(0)],
      [`needed/${longRel}`, generatedBytes(1234, 12)],
    ]);
    const items: TarItem[] = [
      { name: `${top}/`, dir: true },
      { name: `${top}/README.md`, body: Buffer.from('# readme\n') },
      { name: `${top}/data/OTHER/c.bin`, body: generatedBytes(7000, 13) },
      { name: `${top}/data/NEEDED/`, dir: true },
    ];
    for (const [rel, body] of needed) items.push({ name: `${top}/data/NEEDED/${rel.slice('needed/'.length)}`, body });
    items.push({ name: `${top}/data/NEEDED_TOO/a.bin`, body: generatedBytes(100, 14) }); // same prefix, other folder
    const source: DownloadSource = {
      kind: 'download',
      name: 'archived',
      title: 't',
      origin: 'test',
      folder: 'needed',
      parts: [{ repo, folder: 'data/NEEDED/', target: 'needed/', prefer: 'archive' }],
      manifest: manifestOf('archived', needed),
    };
    const archive = buildTarGz(items);
    server.files.set(pathOf(archiveUrl(repo, server.base)), { body: archive, mode: 'drop-once' });
    const dir = tmp('arch');
    const r = await downloadSource(source, { ...quick, dataDir: dir, baseUrl: server.base });
    assert.equal(r.fetched.length, needed.size);
    assertTreeEquals(dir, needed);
    const top_ = fs.readdirSync(dir);
    assert.deepEqual(top_, ['needed'], 'nothing outside the needed folder is written');
    assert.ok(!fs.existsSync(path.join(dir, 'needed', 'c.bin')));
    assert.ok(!fs.existsSync(path.join(dir, '.downloads')), 'the archive (and its empty folder) is removed after extraction');
    const reqs = server.requests.filter((q) => q.path === pathOf(archiveUrl(repo, server.base)));
    assert.equal(reqs.length, 2, 'the archive download was dropped once and resumed');
    assert.equal(reqs[1].status, 206);

    // a damaged member: checksum error naming it, no final file, the good ones still verified
    const bad = new Map(needed);
    bad.set('needed/a.bin', generatedBytes(5000, 99));
    const items2 = items.map((it) => (it.name.endsWith('/data/NEEDED/a.bin') ? { ...it, body: bad.get('needed/a.bin') } : it));
    const dir2 = tmp('arch-bad');
    const archive2 = path.join(dir2, 'x.tar.gz');
    fs.writeFileSync(archive2, buildTarGz(items2));
    const wanted = [...needed.entries()].map(([rel, body]) => ({
      remote: `data/NEEDED/${rel.slice(7)}`,
      local: rel,
      entry: { sha256: sha(body), bytes: body.length },
    }));
    const err = await extractWanted(archive2, dir2, wanted).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ChecksumMismatchError, String(err));
    assert.equal(err.file, 'needed/a.bin');
    assert.ok(!fs.existsSync(path.join(dir2, 'needed/a.bin')) && !fs.existsSync(path.join(dir2, 'needed/a.bin.part')));
    assert.ok(fs.existsSync(path.join(dir2, 'needed/sub/b.json')));

    // a truncated archive is an error, not a silent partial extraction
    const dir3 = tmp('arch-trunc');
    const archive3 = path.join(dir3, 't.tar');
    fs.writeFileSync(archive3, zlib.gunzipSync(archive).subarray(0, 3000));
    await assert.rejects(
      readTarArchive(archive3, () => null),
      (e: unknown) => e instanceof DownloadError && e.code === 'archive' && /truncated/.test(e.message),
    );
  } finally {
    await server.close();
  }
});

test('tar reader agrees with GNU tar (gnu and pax formats, long names)', async (t) => {
  if (spawnSync('tar', ['--version']).status !== 0) {
    t.skip('no tar binary on this machine');
    return;
  }
  const dir = tmp('gnutar');
  const src = path.join(dir, 'src');
  const files = new Map<string, Buffer>([
    ['top/a.txt', Buffer.from('alpha\n')],
    [`top/${'long_folder_name_'.repeat(8)}/b.bin`, generatedBytes(3000, 21)],
    ['top/dataset sample/c d.skeleton', generatedBytes(513, 22)],
  ]);
  for (const [rel, body] of files) {
    fs.mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
    fs.writeFileSync(path.join(src, rel), body);
  }
  for (const format of ['gnu', 'pax', 'ustar']) {
    const out = path.join(dir, `${format}.tar.gz`);
    const args = ['-czf', out, `--format=${format}`, '-C', src, 'top'];
    const r = spawnSync('tar', args);
    if (r.status !== 0) {
      // ustar cannot store names longer than 255 bytes: expected to fail there
      assert.equal(format, 'ustar', `tar ${args.join(' ')}: ${String(r.stderr)}`);
      continue;
    }
    const got = new Map<string, Buffer>();
    await readTarArchive(out, (e) => {
      if (e.type !== 'file') return null;
      const chunks: Buffer[] = [];
      return { write: (c: Buffer) => void chunks.push(Buffer.from(c)), end: () => void got.set(e.path, Buffer.concat(chunks)) };
    });
    assert.deepEqual([...got.keys()].sort(), [...files.keys()].sort(), format);
    for (const [rel, body] of files) assert.equal(sha(got.get(rel)!), sha(body), `${format}: ${rel}`);
  }
});

test('real nw-ucla source: extracted from an archive laid out like GitHub codeload', async (t) => {
  const ucla = sharedRoot && path.join(sharedRoot, 'nw-ucla', 'all_sqe');
  if (!ucla || !fs.existsSync(ucla)) {
    t.skip('shared NW-UCLA data not found ($FSVAE_DATA or ../shared/data): archive test runs on generated data only');
    return;
  }
  const server = await startServer();
  try {
    const source = getDataSource('nw-ucla') as DownloadSource;
    const repo = source.parts[0].repo;
    const top = `${repo.name}-${repo.ref}`;
    const items: TarItem[] = [{ name: `${top}/main.py`, body: Buffer.from('print(1)\n') }];
    const names = fs.readdirSync(ucla).sort();
    for (const n of names) items.push({ name: `${top}/data/NW-UCLA/all_sqe/${n}`, body: fs.readFileSync(path.join(ucla, n)) });
    server.files.set(pathOf(archiveUrl(repo, server.base)), { body: buildTarGz(items, repo.ref), mode: 'ok' });
    const dir = tmp('ucla');
    const r = await downloadSource(source, { ...quick, dataDir: dir, baseUrl: server.base });
    assert.equal(r.fetched.length, 1484);
    assert.equal(fs.readdirSync(path.join(dir, 'nw-ucla', 'all_sqe')).length, 1484);
    assert.ok(!fs.existsSync(path.join(dir, 'main.py')));
    const st = await sourceStatus(source, dir);
    assert.equal(st.state, 'present');
    assert.equal(st.good, 1484);
  } finally {
    await server.close();
  }
});

// ---------------------------------------------------------------------------------------------
// checksum files and source definitions

test('checksum files: every scripted source has one, each file belongs to exactly one part', () => {
  const expected: Record<string, number> = {
    'nw-ucla': 1484,
    'utd-mhad': 862,
    'ntu-text-features': 18,
    'ntu-splits': 18,
    'ucla-utd-splits': 10,
    'ntu-samples': 7,
    'synse-language': 9,
  };
  let total = 0;
  for (const s of DOWNLOAD_SOURCES) {
    const m = loadManifest(s);
    const n = Object.keys(m.files).length;
    assert.equal(n, expected[s.name], `${s.name}: ${n} files`);
    total += n;
    const plan = planFiles(s, m);
    assert.equal(plan.size, n);
    for (const part of s.parts) {
      assert.match(part.repo.ref, /^[0-9a-f]{40}$/, `${s.name}: pinned to a full commit`);
      assert.equal(part.repo.pinned, 'commit');
      assert.ok(part.target.endsWith('/') && (part.folder === '' || part.folder.endsWith('/')));
    }
  }
  assert.equal(total, 2408);
  assert.deepEqual(
    fs.readdirSync(checksumDir()).sort(),
    Object.keys(expected)
      .map((n) => `${n}.json`)
      .sort(),
  );
});

test("checksum files equal the shared copies' checksum list", (t) => {
  if (!sharedRoot) {
    t.skip('shared data (checksums.json) not found');
    return;
  }
  const list = JSON.parse(fs.readFileSync(path.join(sharedRoot, 'checksums.json'), 'utf8')) as Record<string, { sha256: Record<string, string> }>;
  const flat = new Map<string, string>();
  for (const [group, v] of Object.entries(list)) for (const [rel, h] of Object.entries(v.sha256)) flat.set(`${group}/${rel}`, h);
  let n = 0;
  for (const s of DOWNLOAD_SOURCES) {
    for (const [rel, e] of Object.entries(loadManifest(s).files)) {
      assert.equal(e.sha256, flat.get(rel), rel);
      assert.equal(e.bytes, fs.statSync(path.join(sharedRoot, rel)).size, `${rel} size`);
      n++;
    }
  }
  assert.equal(n, flat.size, 'every shared file is covered');
});

test('URLs follow GitHub raw/codeload patterns; a base URL maps them to the same paths', () => {
  const samples = getDataSource('ntu-samples') as DownloadSource;
  const plan = planFiles(samples, loadManifest(samples));
  const a = plan.get('ntu-samples/S001C003P008R002A058.skeleton')!;
  assert.equal(
    rawFileUrl(a.part.repo, a.remote),
    'https://raw.githubusercontent.com/LevelCA/NTU-RGB-D-skeleton-dataset-visualization/9add5ac9286cc2825e5cd55d3e58f24bbd7ca' +
      '0eb/dataset%20sample/S001C003P008R002A058.skeleton',
  );
  const ucla = getDataSource('nw-ucla') as DownloadSource;
  assert.equal(archiveUrl(ucla.parts[0].repo), 'https://codeload.github.com/zjyyjz556/ctrgcn/tar.gz/99850735b2e33cb69cd760fdd7590ce03f93f4ea');
  assert.equal(
    archiveUrl(ucla.parts[0].repo, 'http://127.0.0.1:9/'),
    'http://127.0.0.1:9/codeload/zjyyjz556/ctrgcn/tar.gz/99850735b2e33cb69cd760fdd7590ce03f93f4ea',
  );
  const splits = getDataSource('ucla-utd-splits') as DownloadSource;
  const sp = planFiles(splits, loadManifest(splits)).get('label-splits/utd-mhad/ru9.npy')!;
  assert.equal(
    rawFileUrl(sp.part.repo, sp.remote),
    'https://raw.githubusercontent.com/azzh1/PURLS/fbede19a602a4f63af1530a5c63a5d2240b2af7f/supplements/label_splits/utd-mhad/ru9.npy',
  );
  const text = getDataSource('ntu-text-features') as DownloadSource;
  const tp = planFiles(text, loadManifest(text)).get('msf-text/text_feats/ViT-B/16/md_120.npy')!;
  assert.equal(
    rawFileUrl(tp.part.repo, tp.remote),
    'https://raw.githubusercontent.com/EHZ9NIWI7/MSF-GZSSAR/14f9f5b16f1818e8e36267d06a19f640d16ccb01/text_feats/ViT-B/16/md_120.npy',
  );
  assert.throws(() => getDataSource('nope'), /unknown data source 'nope'.*nw-ucla/);
});

// ---------------------------------------------------------------------------------------------
// CLI: --list, --verify, download through --base-url

function captureIO(): { io: { out: (l: string) => void; err: (l: string) => void; progress: false }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l), progress: false }, out, err };
}

function lineOf(lines: string[], name: string): string {
  const l = lines.find((x) => x.startsWith(`${name} `));
  assert.ok(l, `no line for ${name} in:\n${lines.join('\n')}`);
  return l;
}

test('--list: present / missing / corrupt (n bad files) / partial; --verify names the bad files', async () => {
  const dir = tmp('list');
  const splits = loadManifest(getDataSource('ntu-splits') as DownloadSource).files;
  // corrupt: one file with the right size but wrong bytes, one with the wrong size
  fs.mkdirSync(path.join(dir, 'label-splits', 'ntu'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'label-splits/ntu/ru5.npy'), Buffer.alloc(splits['label-splits/ntu/ru5.npy'].bytes!));
  fs.writeFileSync(path.join(dir, 'label-splits/ntu/ru12.npy'), Buffer.alloc(3));
  // partial: an interrupted download
  fs.mkdirSync(path.join(dir, 'ntu-samples'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'ntu-samples/samples_with_missing_skeletons.txt.part'), 'S001C002P005R002A008\n');
  if (haveShared) {
    for (const rel of Object.keys(loadManifest(getDataSource('synse-language') as DownloadSource).files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.copyFileSync(path.join(sharedRoot!, rel), path.join(dir, rel));
    }
  }
  const { io, out } = captureIO();
  assert.equal(await runDownload(['--list', '--dir', dir], io), 0);
  assert.match(out[0], new RegExp(`data dir: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(--dir\\)`));
  assert.match(lineOf(out, 'ntu-splits'), /corrupt \(2 bad files\)\s+0\/18/);
  assert.match(lineOf(out, 'ntu-samples'), /partial\s+0\/7/);
  assert.match(lineOf(out, 'nw-ucla'), /missing\s+0\/1484/);
  assert.match(lineOf(out, 'synse-shift-features'), /gdrive\s+missing/);
  assert.match(lineOf(out, 'pku-mmd'), /manual\s+missing/);
  if (haveShared) assert.match(lineOf(out, 'synse-language'), /present\s+9\/9/);
  assert.equal(out.length, 2 + DOWNLOAD_SOURCES.length + DRIVE_SOURCES.length + MANUAL_SOURCES.length + 1);
  assert.match(out[out.length - 1], /^kinds: download = .*gdrive = Google Drive/);

  const v = captureIO();
  assert.equal(await runDownload(['--verify', 'ntu-splits', '--dir', dir], v.io), 1);
  const text = v.out.join('\n');
  assert.ok(
    text.includes(
      `label-splits/ntu/ru5.npy: expected sha256 ${splits['label-splits/ntu/ru5.npy'].sha256}, got sha256 ` +
        `${sha(Buffer.alloc(splits['label-splits/ntu/ru5.npy'].bytes!))}`,
    ),
    text,
  );
  assert.ok(text.includes(`label-splits/ntu/ru12.npy: expected ${splits['label-splits/ntu/ru12.npy'].bytes} bytes, got 3 bytes`), text);
  assert.ok(text.includes("run 'fsvae download ntu-splits'"));
});

test('CLI download through --base-url fetches and verifies; unknown names and bad flags are usage errors', async () => {
  const server = await startServer();
  try {
    const fx = fileFixture(server.base);
    serve(server, fx);
    const dir = tmp('cli');
    if (fx.real) {
      const { io, out } = captureIO();
      const code = await runDownload(['synse-language', '--dir', dir, '--base-url', server.base, '--timeout', '5'], io);
      assert.equal(code, 0, out.join('\n'));
      assert.ok(
        out.some((l) => /synse-language: 9 files verified .* \(9 fetched, 0 already present\)/.test(l)),
        out.join('\n'),
      );
      assertTreeEquals(dir, fx.files);
      // --verify on the result, and a corrupted copy found by --verify
      const v = captureIO();
      assert.equal(await runDownload(['--verify', 'synse-language', '--dir', dir], v.io), 0);
      fs.appendFileSync(path.join(dir, 'synse-language/labels.npy'), 'x');
      const v2 = captureIO();
      assert.equal(await runDownload(['--verify', 'synse-language', '--dir', dir], v2.io), 1);
      assert.match(v2.out.join('\n'), /corrupt \(1 bad file\)/);
      // download replaces the corrupt file
      const again = captureIO();
      assert.equal(await runDownload(['synse-language', '--dir', dir, '--base-url', server.base], again.io), 0);
      assert.ok(
        again.out.some((l) => /1 fetched, 8 already present, 1 corrupt file\(s\) replaced/.test(l)),
        again.out.join('\n'),
      );
    }
    // a 404 through the CLI: exit 1, message on stderr naming the file
    server.files.clear();
    const e = captureIO();
    assert.equal(await runDownload(['ntu-splits', '--dir', dir, '--base-url', server.base, '--retries', '0'], e.io), 1);
    assert.match(e.err.join('\n'), /label-splits\/ntu\/.*HTTP 404/);
    await assert.rejects(runDownload(['--dir', dir, 'no-such-source'], captureIO().io), /unknown data source 'no-such-source'/);
    await assert.rejects(runDownload(['nw-ucla', '--mode', 'zip'], captureIO().io), /--mode zip/);
    await assert.rejects(runDownload(['nw-ucla', '--timeout', '-1'], captureIO().io), /--timeout -1/);
    await assert.rejects(runDownload(['nw-ucla', '--frobnicate'], captureIO().io), /unknown flag --frobnicate/);
  } finally {
    await server.close();
  }
});

// ---------------------------------------------------------------------------------------------
// manual sources

test('Drive source synse-shift-features placed by hand: a structural check (shapes, dtypes, label ranges, the classes of each split)', async () => {
  const dir = tmp('manual');
  const src = getDataSource('synse-shift-features');
  assert.equal((await sourceStatus(src, dir)).state, 'missing');
  writeShiftLayout(dir);
  const ok = await sourceStatus(src, dir);
  assert.equal(ok.state, 'present', JSON.stringify(ok.bad));
  // 4 splits x (7 required files in shift_*_r + 8 in shift_val_*_r)
  assert.equal(ok.good, 60);
  assert.equal(ok.total, 60);
  // the generated folders are far smaller than the authors' features: reported, not failed
  assert.ok(ok.notes.some((n) => /shift_val_5_r\/train.npy has \d+ rows/.test(n) && n.includes('31216')));
  assert.ok(ok.notes.some((n) => n.includes('no download record (placed by hand?)')));
  const again = captureIO();
  assert.equal(await runDownload(['--verify', 'synse-shift-features', '--dir', dir], again.io), 0);

  // the class structure: an unseen class among the seen training samples, a ztest of the wrong
  // split, a pseudo split that shares a class with its train side
  const rel = (p: string) => path.join(dir, 'sk_feats', p);
  fs.writeFileSync(rel('shift_5_r/train_label.npy'), i8([10, ...getSplit('ntu60-55/5').seen.slice(1)]));
  fs.writeFileSync(rel('shift_12_r/z_label.npy'), i8([10, 11, 19, 26, 56, 0, 1, 2, 4, 6, 7, 8]));
  const vs = await sourceStatus(src, dir);
  const classBad = new Map(vs.bad.map((b) => [b.path, b]));
  assert.match(classBad.get('sk_feats/shift_5_r/train_label.npy')!.got, /unseen classes 10 \(1 classes\)/);
  assert.match(classBad.get('sk_feats/shift_12_r/z_label.npy')!.expected, /the unseen classes of ntu60-48\/12: 3, 5, 9, 12/);
  assert.equal(vs.state, 'corrupt');
  writeShiftLayout(dir);

  // wrong logit width, wrong dtype, out-of-range label, row mismatch between features and labels
  fs.writeFileSync(path.join(dir, 'sk_feats/shift_5_r/gtest_out.npy'), f4(60, 59));
  fs.writeFileSync(path.join(dir, 'sk_feats/shift_12_r/train.npy'), npy('<f8', [6, 256], Buffer.alloc(6 * 256 * 8)));
  fs.writeFileSync(path.join(dir, 'sk_feats/shift_10_r/z_label.npy'), i8([...getSplit('ntu120-110/10').unseen.slice(0, 9), 120]));
  fs.writeFileSync(path.join(dir, 'sk_feats/shift_val_24_r/val_label.npy'), i8([0, 1]));
  fs.unlinkSync(path.join(dir, 'sk_feats/shift_val_12_r/val_out.npy'));
  const bad = await sourceStatus(src, dir);
  assert.equal(bad.state, 'corrupt');
  const byPath = new Map(bad.bad.map((b) => [b.path, b]));
  assert.deepEqual([...byPath.keys()].sort(), [
    'sk_feats/shift_10_r/z_label.npy',
    'sk_feats/shift_12_r/train.npy',
    'sk_feats/shift_5_r/gtest_out.npy',
    'sk_feats/shift_val_24_r/val_label.npy',
  ]);
  assert.equal(byPath.get('sk_feats/shift_5_r/gtest_out.npy')!.expected, 'dim 1 = 60');
  assert.equal(byPath.get('sk_feats/shift_12_r/train.npy')!.got, '<f8');
  assert.equal(byPath.get('sk_feats/shift_10_r/z_label.npy')!.got, 'value 120');
  assert.match(byPath.get('sk_feats/shift_val_24_r/val_label.npy')!.expected, /dim 0 = 3 \(as in val.npy\)/);
  assert.deepEqual(bad.missing, ['sk_feats/shift_val_12_r/val_out.npy']);
  assert.equal(bad.good, 60 - 4 - 1);
});

test('manual sources ntu-rgbd, pku-mmd, msr-action3d: layout checks on small placed copies', async () => {
  const dir = tmp('manual2');
  for (const name of ['ntu-rgbd', 'pku-mmd', 'msr-action3d', 'fsvae-text-features']) {
    assert.equal((await sourceStatus(getDataSource(name), dir)).state, 'missing', name);
  }
  // NTU: a few files in the NTU-60 folder -> partial (far fewer than the release), and a
  // genuine sample is checked against its pinned sha256
  const ntu = path.join(dir, 'ntu-rgbd/nturgb+d_skeletons');
  fs.mkdirSync(ntu, { recursive: true });
  const body = (frames: number): string => {
    const joint = '0.1 0.2 3.0 200 100 900 500 0 0 1 0 2';
    const lines = [String(frames)];
    for (let f = 0; f < frames; f++) lines.push('1', '72057594037931648 0 1 1 1 1 0 -0.1 0.1 2', '25', ...Array(25).fill(joint));
    return `${lines.join('\r\n')}\r\n`;
  };
  fs.writeFileSync(path.join(ntu, 'S001C001P001R001A001.skeleton'), body(3));
  fs.writeFileSync(path.join(ntu, 'S017C003P020R002A060.skeleton'), body(1));
  let s = await sourceStatus(getDataSource('ntu-rgbd'), dir);
  assert.equal(s.state, 'partial', JSON.stringify(s));
  assert.ok(s.notes.some((n) => n.includes('2 .skeleton files')));
  fs.writeFileSync(path.join(ntu, 'S018C001P001R001A061.skeleton'), body(1)); // NTU-120 setup in the NTU-60 folder
  fs.writeFileSync(path.join(ntu, 'S002C001P003R001A003.skeleton'), body(2)); // name of a pinned sample, other bytes
  s = await sourceStatus(getDataSource('ntu-rgbd'), dir);
  assert.equal(s.state, 'corrupt');
  assert.ok(s.bad.some((b) => b.path.endsWith('S018C001P001R001A061.skeleton') && /S001-S017/.test(b.expected)));
  assert.ok(s.bad.some((b) => b.path.endsWith('S002C001P003R001A003.skeleton') && b.expected.startsWith('sha256 ')));

  // PKU-MMD: one skeleton + label pair with the right line formats -> partial; a bad label -> corrupt
  const pk = path.join(dir, 'pku-mmd');
  fs.mkdirSync(path.join(pk, 'PKU_Skeleton_Renew'), { recursive: true });
  fs.mkdirSync(path.join(pk, 'Train_Label_PKU_final'), { recursive: true });
  fs.writeFileSync(path.join(pk, 'PKU_Skeleton_Renew/0002-L.txt'), `${Array(150).fill('0.5').join(' ')}\n`);
  fs.writeFileSync(path.join(pk, 'Train_Label_PKU_final/0002-L.txt'), '41,39,127,1\n33,157,251,1\n');
  assert.equal((await sourceStatus(getDataSource('pku-mmd'), dir)).state, 'partial');
  fs.writeFileSync(path.join(pk, 'Train_Label_PKU_final/0002-L.txt'), '52,39,127,1\n');
  const p = await sourceStatus(getDataSource('pku-mmd'), dir);
  assert.equal(p.state, 'corrupt');
  assert.match(p.bad[0].got, /line 1: '52,39,127,1'/);

  // MSR Action3D: 20 lines per frame, 4 numbers per line
  const msr = path.join(dir, 'msr-action3d');
  fs.mkdirSync(msr);
  fs.writeFileSync(path.join(msr, 'a01_s01_e01_skeleton3D.txt'), `${Array(40).fill('0.1 0.2 0.3 1').join('\n')}\n`);
  assert.equal((await sourceStatus(getDataSource('msr-action3d'), dir)).state, 'partial');
  fs.writeFileSync(path.join(msr, 'a01_s01_e02_skeleton3D.txt'), `${Array(30).fill('0.1 0.2 0.3 1').join('\n')}\n`);
  assert.equal((await sourceStatus(getDataSource('msr-action3d'), dir)).state, 'corrupt');
});

// ---------------------------------------------------------------------------------------------

test('progress bar: sparse lines on a pipe, throttled redraws on a TTY', () => {
  const lines: string[] = [];
  const bar = new ProgressBar({ label: 'x', totalBytes: 1000, totalFiles: 10, stream: { write: (s: string) => lines.push(s) }, tty: false });
  for (let i = 0; i < 1000; i++) bar.addBytes(1);
  bar.addFiles(10);
  bar.done();
  // one line per 10 % step below 100 % (0 %, 10 %, ..., 90 %) plus the final one
  assert.equal(lines.length, 11);
  assert.equal(lines[10], 'x [########################] 100% 1000 B/1000 B, 10/10 files\n');
  let now = 0;
  const tty: string[] = [];
  const t = new ProgressBar({
    label: 'y',
    totalBytes: 1000 << 10,
    stream: { write: (s: string) => tty.push(s), columns: 200 },
    tty: true,
    now: () => now,
    minIntervalMs: 100,
  });
  for (let i = 0; i < 1000; i++) {
    now += 1; // 1 ms per update: 1000 ms in all
    t.addBytes(1 << 10);
  }
  t.done();
  assert.equal(tty.length, 10 + 1, 'one redraw per 100 ms, then the final line');
  assert.ok(tty.slice(0, -1).every((s) => s.startsWith('\r') && !s.endsWith('\n')));
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a progress line on a terminal ends with the erase-line escape
  assert.match(tty[tty.length - 1], /100% 1000\.0 KiB\/1000\.0 KiB, 0 files\x1b\[K\n$/);
});

test('a body broken off while the .part is still opening keeps every received byte (the retry resumes where it stopped)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-receive-'));
  try {
    const chunk = Buffer.alloc(64 * 1024, 7);
    // a response that has 3 chunks for us, then breaks (as a reset connection does)
    const res = new Readable({ read() {} }) as Readable & { statusCode: number; headers: Record<string, string>; complete: boolean };
    Object.assign(res, { statusCode: 200, headers: { 'content-length': String(10 * chunk.length) }, complete: false });
    for (let i = 0; i < 3; i++) res.push(chunk);
    const ctx = { timeoutMs: 1000, retries: 0, backoffMs: 0, log: () => {}, onBytes: () => {}, agents: { http: new http.Agent(), https: new https.Agent() } };
    const part = path.join(dir, 'f.part');
    // keep libuv's thread pool (4 threads) busy, so that opening the .part waits behind it
    const busy = Array.from({ length: 4 }, () => new Promise((r) => pbkdf2('x', 'y', 300_000, 32, 'sha256', r)));
    const done = receiveInto({ res: res as unknown as http.IncomingMessage, url: 'http://x/f', timedOut: () => false }, part, 0, ctx);
    setImmediate(() => res.destroy(new Error('socket hang up')));
    await assert.rejects(done, (e: unknown) => e instanceof DownloadError && e.code === 'network' && /connection lost after 196608 bytes/.test(e.message));
    assert.equal(fs.statSync(part).size, 3 * chunk.length, 'every byte that arrived is in the .part');
    await Promise.all(busy);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
