/**
 * Google Drive sources: files and folders shared by link, fetched by id without an account.
 *
 * What Drive answers, and what this module does with it:
 * - `/uc?export=download&id=ID` redirects a small file to its bytes (Content-Disposition:
 *   attachment); a large one (no virus scan) answers an HTML warning page whose form
 *   `download-form` (action + hidden inputs: id, export, confirm, uuid) or, on older pages, a link
 *   `/uc?export=download&confirm=TOKEN&id=ID` with a `download_warning_*` cookie leads to the
 *   bytes. Cookies are kept per host for the whole transfer.
 * - an error page (`uc-error-subcaption`): "Too many users have viewed or downloaded this file
 *   recently" is the daily quota (code 'quota', not retried); a redirect to a sign-in page means
 *   the file is not shared by link (code 'permission').
 * - the bytes honour Range: an interrupted transfer resumes from the `.part` it left.
 * - `/drive/folders/ID?hl=en` is an HTML page whose script `window['_DRIVE_ivd'] = '…'` holds a
 *   JS-escaped JSON array of the folder's entries [id, parents, name, mimeType, …]; the page shows
 *   at most 50 entries, so a folder with 50 is reported as possibly truncated.
 * Checksums cannot be pinned for these files (the owners may replace them): what arrives is
 * verified by format (the source's check), and the sha256 of every extracted file is recorded in
 * <data root>/.manifests/<source>.json, which `fsvae download --verify` re-checks later.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { ProgressBar } from '../util/progress';
import { writeFileAtomic } from '../util/atomic-file';
import { sha256FileSync } from '../util/hash';
import {
  CookieJar,
  Ctx,
  DownloadError,
  DownloadOptions,
  FetchOutcome,
  OpenResponse,
  TarSink,
  fetchWithRetries,
  openGet,
  readTarArchive,
  receiveInto,
  sleep,
  sourceStatus,
  statSize,
  statusError,
  unlinkQuiet,
  describeBadFiles,
} from './download';
import { DriveSource, FetchManifest, fetchManifestPath } from './sources';
import { readZipArchive, sniffArchive } from './zip';

export const DRIVE_BASE = 'https://drive.google.com';
const FOLDER_MIME = 'application/vnd.google-apps.folder';
/** Drive's folder page lists this many entries at most. */
export const DRIVE_FOLDER_PAGE_LIMIT = 50;

/** The Drive host: `explicit`, else $FSVAE_GDRIVE_BASE_URL (a test server), else https://drive.google.com. */
export function driveBaseUrl(explicit?: string): string {
  return (explicit || process.env.FSVAE_GDRIVE_BASE_URL || DRIVE_BASE).replace(/\/+$/, '');
}

export function driveFileUrl(id: string, base = driveBaseUrl()): string {
  return `${base}/uc?export=download&id=${encodeURIComponent(id)}`;
}

export function driveFolderUrl(id: string, base = driveBaseUrl()): string {
  return `${base}/drive/folders/${encodeURIComponent(id)}?hl=en`;
}

// ---------------------------------------------------------------------------------------------
// Pages

export type DrivePage =
  | { kind: 'confirm'; url: string }
  | { kind: 'quota'; message: string }
  | { kind: 'permission'; message: string }
  | { kind: 'error'; message: string }
  | { kind: 'unknown'; title: string };

function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

function titleOf(html: string): string {
  const m = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  return m ? decodeEntities(m[1].trim()) : '';
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return m ? decodeEntities(m[2] ?? m[3] ?? '') : undefined;
}

/** What an HTML answer of Drive means: the next URL to the bytes, or why there are none. */
export function classifyDrivePage(html: string, pageUrl: string): DrivePage {
  const title = titleOf(html);
  const form = /<form\b[^>]*\bid\s*=\s*["']download-form["'][^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (form) {
    const open = /<form\b[^>]*>/i.exec(form[0])![0];
    const action = new URL(attr(open, 'action') ?? pageUrl, pageUrl);
    for (const input of form[1].match(/<input\b[^>]*>/gi) ?? []) {
      const name = attr(input, 'name');
      if (name && (attr(input, 'type') ?? 'hidden').toLowerCase() === 'hidden') action.searchParams.set(name, attr(input, 'value') ?? '');
    }
    return { kind: 'confirm', url: action.href };
  }
  const link = /href\s*=\s*"(\/uc\?export=download[^"]*confirm=[^"]*)"/i.exec(html);
  if (link) return { kind: 'confirm', url: new URL(decodeEntities(link[1]), pageUrl).href };
  const json = /"downloadUrl"\s*:\s*"([^"]+)"/.exec(html);
  if (json)
    return {
      kind: 'confirm',
      url: json[1]
        .replace(/\\u003d/g, '=')
        .replace(/\\u0026/g, '&')
        .replace(/\\\//g, '/'),
    };
  const sub = /<p class="uc-error-subcaption">([\s\S]*?)<\/p>/i.exec(html);
  const message = sub ? decodeEntities(sub[1].replace(/<[^>]+>/g, '').trim()) : '';
  if (/too many users|quota/i.test(message) || /quota exceeded/i.test(title)) return { kind: 'quota', message: message || title };
  const u = new URL(pageUrl);
  if (/^accounts\./.test(u.hostname) || /servicelogin|signin/i.test(u.pathname) || /^sign in/i.test(title) || /need (access|permission)/i.test(message)) {
    return { kind: 'permission', message: message || title || 'a sign-in page' };
  }
  if (message) return { kind: 'error', message };
  return { kind: 'unknown', title };
}

/** Decodes the body of a single-quoted JavaScript string literal (\xHH, \uHHHH, \n, \', \\, …). */
export function decodeJsString(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]+\}|[\s\S])/g, (_, e: string) => {
    if (e[0] === 'x' && e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (e[0] === 'u' && e[1] === '{') return String.fromCodePoint(parseInt(e.slice(2, -1), 16));
    if (e[0] === 'u' && e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', '0': '\0' };
    return simple[e] ?? e;
  });
}

export interface DriveEntry {
  id: string;
  name: string;
  mimeType: string;
}

/** The folder's name (from the page title) and entries (from `_DRIVE_ivd`); throws DownloadError('listing'). */
export function parseDriveFolderPage(html: string, url: string): { name: string; entries: DriveEntry[] } {
  const at = html.indexOf('_DRIVE_ivd');
  if (at < 0) {
    const page = classifyDrivePage(html, url);
    const why = page.kind === 'quota' || page.kind === 'permission' || page.kind === 'error' ? page.message : `page '${titleOf(html) || 'untitled'}'`;
    throw new DownloadError(
      `${url}: no folder listing (${why}); the folder may not be shared by link`,
      page.kind === 'permission' ? 'permission' : 'listing',
      url,
    );
  }
  const from = html.lastIndexOf("'", at);
  const literals = html.slice(from, at + 20_000_000).matchAll(/'((?:[^'\\]|\\[\s\S])*)'/g);
  literals.next(); // '_DRIVE_ivd' itself
  const data = literals.next();
  if (data.done) throw new DownloadError(`${url}: the folder listing script holds no data string`, 'listing', url);
  let arr: unknown;
  try {
    arr = JSON.parse(decodeJsString(data.value[1]));
  } catch (e) {
    throw new DownloadError(`${url}: the folder listing is not JSON after unescaping (${(e as Error).message})`, 'listing', url);
  }
  const rows = Array.isArray(arr) ? (arr[0] ?? []) : null;
  if (!Array.isArray(rows)) throw new DownloadError(`${url}: the folder listing is not an array of entries`, 'listing', url);
  const entries: DriveEntry[] = rows.map((e: unknown, i: number) => {
    if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[2] !== 'string' || typeof e[3] !== 'string') {
      throw new DownloadError(`${url}: folder entry ${i + 1} is not [id, parents, name, mimeType, …]`, 'listing', url);
    }
    return { id: e[0], name: e[2], mimeType: e[3] };
  });
  const title = titleOf(html);
  const sep = title.lastIndexOf(' - ');
  return { name: sep > 0 ? title.slice(0, sep) : title, entries };
}

// ---------------------------------------------------------------------------------------------
// Transfers

const PAGE_LIMIT = 4 * 1024 * 1024;

async function readPage(o: OpenResponse): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of o.res as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > PAGE_LIMIT) {
      o.res.destroy();
      throw new DownloadError(`${o.url}: an HTML answer larger than ${PAGE_LIMIT} bytes; not a Drive page this reader knows`, 'http', o.url);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function pageError(page: DrivePage, url: string, viewUrl: string): DownloadError {
  switch (page.kind) {
    case 'quota':
      return new DownloadError(
        `Google Drive refuses the download: "${page.message}". Drive limits downloads of a shared file per day; ` +
          `run the command again later (it resumes), or open ${viewUrl} in a browser signed in to Google and place the file by hand`,
        'quota',
        url,
      );
    case 'permission':
      return new DownloadError(
        `Google Drive asks to sign in (${page.message}): the file is not shared by link, or the id is wrong (${viewUrl})`,
        'permission',
        url,
      );
    case 'error':
      return new DownloadError(`Google Drive answers an error page: "${page.message}" (${viewUrl})`, 'http', url);
    default:
      return new DownloadError(
        `Google Drive answered a page ('${page.kind === 'unknown' ? page.title || 'untitled' : page.kind}') ` +
          `instead of the file and no way on to it (${viewUrl})`,
        'http',
        url,
      );
  }
}

/** One attempt at the bytes of a Drive file into `part`: follows confirmation pages, resumes with Range. */
async function driveFetchOnce(startUrl: string, part: string, ctx: Ctx, jar: CookieJar, viewUrl: string): Promise<FetchOutcome> {
  let url = startUrl;
  for (let pages = 0; pages < 4; pages++) {
    const start = Math.max(0, statSize(part));
    const o = await openGet(url, { 'accept-language': 'en', ...(start > 0 ? { range: `bytes=${start}-` } : {}) }, ctx, jar);
    const status = o.res.statusCode ?? 0;
    if (status === 416) {
      o.res.resume();
      return { size: start, resumed: false, rangeNotSatisfiable: true };
    }
    const type = String(o.res.headers['content-type'] ?? '');
    const attachment = /attachment/i.test(String(o.res.headers['content-disposition'] ?? ''));
    if ((status === 200 || status === 206) && (attachment || !/text\/html/i.test(type))) return receiveInto(o, part, start, ctx);
    if (!/text\/html/i.test(type) || (status !== 200 && status !== 401 && status !== 403)) {
      o.res.resume();
      throw statusError(status, o.res.statusMessage, o.url) ?? new DownloadError(`${o.url}: unexpected answer`, 'http', o.url);
    }
    const page = classifyDrivePage(await readPage(o), o.url);
    if (page.kind !== 'confirm') throw pageError(page, o.url, viewUrl);
    url = page.url;
    ctx.log(`${viewUrl}: confirmation page (no virus scan for large files), following it`);
  }
  throw new DownloadError(`${startUrl}: Google Drive kept answering confirmation pages`, 'http', startUrl);
}

/** Downloads Drive file `id` to `final` through `final.part` (resumable, retried). */
export async function fetchDriveFile(id: string, final: string, ctx: Ctx, jar: CookieJar, base = driveBaseUrl()): Promise<void> {
  fs.mkdirSync(path.dirname(final), { recursive: true });
  const viewUrl = `https://drive.google.com/file/d/${id}`;
  await fetchWithRetries(driveFileUrl(id, base), `${final}.part`, ctx, undefined, (u, p, c) => driveFetchOnce(u, p, c, jar, viewUrl));
  fs.renameSync(`${final}.part`, final);
}

/** Every file below Drive folder `id`: paths relative to it ('/'-separated), recursing into sub-folders. */
export async function listDriveFolder(
  id: string,
  ctx: Ctx,
  jar: CookieJar,
  base = driveBaseUrl(),
): Promise<{ name: string; files: Array<{ path: string; id: string }> }> {
  const files: Array<{ path: string; id: string }> = [];
  const seen = new Set<string>();
  const visit = async (folderId: string, prefix: string, depth: number): Promise<string> => {
    if (seen.has(folderId)) throw new DownloadError(`Drive folder ${folderId} appears twice in the tree (a loop)`, 'listing');
    if (depth > 8) throw new DownloadError(`Drive folder tree deeper than 8 levels at '${prefix}'`, 'listing');
    seen.add(folderId);
    const url = driveFolderUrl(folderId, base);
    let html = '';
    for (let attempt = 0; ; attempt++) {
      try {
        const o = await openGet(url, { 'accept-language': 'en' }, ctx, jar);
        const err = statusError(o.res.statusCode ?? 0, o.res.statusMessage, o.url);
        if (err) {
          o.res.resume();
          throw err;
        }
        html = await readPage(o);
        break;
      } catch (e) {
        const err = e instanceof DownloadError ? e : new DownloadError(`${url}: ${(e as Error).message}`, 'network', url);
        if (!err.retryable || attempt >= ctx.retries) throw err;
        await sleep(ctx.backoffMs * 2 ** attempt);
      }
    }
    const page = parseDriveFolderPage(html, url);
    if (page.entries.length >= DRIVE_FOLDER_PAGE_LIMIT) {
      throw new DownloadError(
        `Drive folder '${prefix || page.name}' lists ${page.entries.length} entries, the most its page shows: the listing may be incomplete. ` +
          'Download it in a browser and place it by hand',
        'listing',
        url,
      );
    }
    for (const e of page.entries) {
      if (e.name.includes('/') || e.name === '..' || e.name === '.' || e.name === '')
        throw new DownloadError(`Drive folder entry '${e.name}' is not a usable file name`, 'listing', url);
      const p = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.mimeType === FOLDER_MIME) await visit(e.id, p, depth + 1);
      else if (e.mimeType.startsWith('application/vnd.google-apps.')) ctx.log(`Drive entry '${p}' is a Google document (${e.mimeType}), not a file: skipped`);
      else files.push({ path: p, id: e.id });
    }
    return page.name;
  };
  const name = await visit(id, '', 0);
  return { name, files };
}

// ---------------------------------------------------------------------------------------------
// Sources

/**
 * Where `p` ('/'-separated) holds the path component `member`: the rest after it, or null.
 * 'synse_resources/ntu_results/shift_5_r/train.npy' with member 'ntu_results' → 'shift_5_r/train.npy'.
 */
export function afterComponent(p: string, member: string): string | null {
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  const k = parts.indexOf(member);
  if (k < 0 || k === parts.length - 1) return null;
  const rest = parts.slice(k + 1);
  if (rest.some((x) => x === '..')) return null;
  return rest.join('/');
}

/**
 * Where an archive or folder entry goes under the source's target: after its `member` folder, or
 * (with `keep`) from the first of its components that is one of the kept folders, that folder
 * included. Null: the entry is not placed.
 */
export function placedPath(p: string, d: { member: string; keep?: readonly string[] }): string | null {
  if (!d.keep) return afterComponent(p, d.member);
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  const k = parts.findIndex((x) => d.keep!.includes(x));
  if (k < 0 || k === parts.length - 1 || parts.slice(k).some((x) => x === '..')) return null;
  return parts.slice(k).join('/');
}

/** What a source's archive or folder must hold, for error messages. */
function wantedFolders(d: { member: string; keep?: readonly string[] }): string {
  return d.keep ? `${d.keep.map((x) => `'${x}/'`).join(', ')} folder` : `'${d.member}/' folder`;
}

class HashingFileSink implements TarSink {
  private readonly hash = createHash('sha256');
  private readonly ws: fs.WriteStream;
  bytes = 0;
  constructor(
    readonly file: string,
    private readonly onDone: (sha256: string, bytes: number) => void,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.ws = fs.createWriteStream(file);
  }
  async write(c: Buffer): Promise<void> {
    this.hash.update(c);
    this.bytes += c.length;
    if (!this.ws.write(c)) await new Promise((r) => this.ws.once('drain', r));
  }
  async end(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.ws.on('error', reject);
      this.ws.end(() => resolve());
    });
    this.onDone(this.hash.digest('hex'), this.bytes);
  }
}

export interface DriveDownloadOptions extends Pick<DownloadOptions, 'dataDir' | 'timeoutMs' | 'retries' | 'backoffMs' | 'progress' | 'log' | 'keepArchive'> {
  /** the Drive host (tests: a loopback server); default driveBaseUrl(). */
  driveBaseUrl?: string;
  /** fetch even when a copy that passes the checks is present. */
  force?: boolean;
}

export interface DriveDownloadResult {
  source: string;
  dataDir: string;
  /** files placed (relative to the data root); empty when already present. */
  files: string[];
  alreadyPresent: boolean;
  /** the download record, or null for a copy placed by hand. */
  manifest: string | null;
}

function rmQuiet(p: string): void {
  fs.rmSync(p, { recursive: true, force: true });
}

/**
 * Fetches a Drive source into `opts.dataDir`: the file (an archive, members under the
 * `member` folder extracted) or the folder (files under `member`), all first into
 * <data root>/.downloads/<name>/staged/, then the source's format check on the staged tree, then
 * one rename into place. Nothing is written under a final name before the check passes; a failed
 * check leaves the final folder as it was.
 */
export async function downloadDriveSource(source: DriveSource, opts: DriveDownloadOptions): Promise<DriveDownloadResult> {
  const dataDir = path.resolve(opts.dataDir);
  const manifestFile = fetchManifestPath(dataDir, source.name);
  // present = the format check passes and every recorded sha256 matches (a copy placed by hand has
  // no record: it passes on its format); `force` fetches anew all the same
  const present = await sourceStatus(source, dataDir);
  if (present.state === 'present' && !opts.force)
    return {
      source: source.name,
      dataDir,
      files: [],
      alreadyPresent: true,
      manifest: fs.existsSync(manifestFile) ? manifestFile : null,
    };
  const log = opts.log ?? (() => {});
  const bar = opts.progress === false ? null : new ProgressBar({ label: source.name, stream: opts.progress ?? process.stdout });
  const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 2 }), https: new https.Agent({ keepAlive: true, maxSockets: 2 }) };
  const ctx: Ctx = {
    timeoutMs: opts.timeoutMs ?? 30_000,
    retries: opts.retries ?? 3,
    backoffMs: opts.backoffMs ?? 1000,
    log,
    onBytes: (n) => bar?.addBytes(n),
    agents,
  };
  const jar = new CookieJar();
  const base = driveBaseUrl(opts.driveBaseUrl);
  const work = path.join(dataDir, '.downloads', source.name);
  const staged = path.join(work, 'staged');
  const target = source.drive.target.replace(/\/+$/, '');
  const files: FetchManifest['files'] = {};
  const record = (rel: string) => (sha256: string, bytes: number) => {
    files[`${target}/${rel}`] = { sha256, bytes };
    bar?.addFiles(1);
  };
  let archive: { file: string; sha256: string; bytes: number } | undefined;
  try {
    rmQuiet(staged);
    fs.mkdirSync(staged, { recursive: true });
    const d = source.drive;
    if (d.type === 'file') {
      const file = path.join(work, `${d.id}.download`);
      if (!fs.existsSync(file)) await fetchDriveFile(d.id, file, ctx, jar, base);
      else log(`reusing ${file} from an earlier run`);
      const kind = sniffArchive(file);
      if (!kind) {
        unlinkQuiet(file);
        throw new DownloadError(
          `the Drive file ${d.id} is not a zip or tar archive ` +
            `(it was removed; if Drive served a page, open https://drive.google.com/file/d/${d.id} in a browser)`,
          'archive',
        );
      }
      archive = { file, sha256: sha256FileSync(file), bytes: statSize(file) };
      const tops = new Set<string>();
      const onEntry = (e: { path: string; type: string }): TarSink | null => {
        tops.add(e.path.split('/')[0]);
        const rest = e.type === 'file' ? placedPath(e.path, d) : null;
        return rest ? new HashingFileSink(path.join(staged, target, rest), record(rest)) : null;
      };
      if (kind === 'zip') await readZipArchive(file, onEntry);
      else await readTarArchive(file, onEntry);
      if (Object.keys(files).length === 0) {
        throw new DownloadError(
          `the archive of ${source.name} holds no ${wantedFolders(d)} ` +
            `(its top level: ${[...tops].slice(0, 8).join(', ') || 'nothing'}); it was kept at ${file}`,
          'archive',
        );
      }
    } else {
      const listing = await listDriveFolder(d.id, ctx, jar, base);
      const wanted = listing.files.map((f) => ({ ...f, rest: placedPath(`${listing.name}/${f.path}`, d) })).filter((f) => f.rest !== null);
      if (wanted.length === 0) {
        throw new DownloadError(
          `the Drive folder '${listing.name}' holds no ${wantedFolders(d)} ` +
            `(it holds: ${
              listing.files
                .slice(0, 8)
                .map((f) => f.path)
                .join(', ') || 'nothing'
            })`,
          'listing',
        );
      }
      if (bar) bar.totalFiles = wanted.length;
      for (const f of wanted) {
        const out = path.join(staged, target, f.rest!);
        await fetchDriveFile(f.id, out, ctx, jar, base);
        record(f.rest!)(sha256FileSync(out), statSize(out));
      }
    }
    const check = await source.check(staged);
    if (check.bad.length > 0 || check.missing.length > 0) {
      const lines = [...describeBadFiles(check.bad), ...check.missing.slice(0, 5).map((m) => `  missing: ${m}`)];
      throw new DownloadError(
        `what Drive served for ${source.name} fails its format check; nothing was placed under ${dataDir}:\n` +
          `${lines.join('\n')}${archive ? `\nthe archive was kept at ${archive.file}` : ''}`,
        'format',
      );
    }
    // into place: the old folder (partial, corrupt or hand-placed) is moved aside, then removed
    const final = path.join(dataDir, target);
    fs.mkdirSync(path.dirname(final), { recursive: true });
    const aside = path.join(work, `replaced-${Date.now()}`);
    if (fs.existsSync(final)) fs.renameSync(final, aside);
    fs.renameSync(path.join(staged, target), final);
    rmQuiet(aside);
    const manifest: FetchManifest = {
      source: source.name,
      drive: { type: d.type, id: d.id },
      fetchedAt: new Date().toISOString(),
      ...(archive ? { archive: { sha256: archive.sha256, bytes: archive.bytes } } : {}),
      files,
    };
    writeFileAtomic(manifestFile, JSON.stringify(manifest, null, 1) + '\n');
    if (archive && !opts.keepArchive) unlinkQuiet(archive.file);
    rmQuiet(staged);
    if (!opts.keepArchive) {
      try {
        fs.rmdirSync(work);
        fs.rmdirSync(path.dirname(work));
      } catch {
        /* other downloads still there */
      }
    }
    bar?.done('verified');
  } catch (e) {
    bar?.abort();
    rmQuiet(staged);
    throw e;
  } finally {
    agents.http.destroy();
    agents.https.destroy();
  }
  return { source: source.name, dataDir, files: Object.keys(files).sort(), alreadyPresent: false, manifest: manifestFile };
}
