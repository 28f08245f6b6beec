/**
 * Fetches the scripted data sources of lib/data/sources.ts and verifies every file against its
 * pinned sha256.
 *
 * Guarantees:
 * - nothing unverified is ever under a final name: bytes go to `<name>.part`, are hashed, and are
 *   renamed only when size and sha256 match;
 * - an interrupted transfer resumes with an HTTP Range request (206); a server that ignores Range
 *   (200) restarts the file from byte 0;
 * - every request has an idle timeout (default 30 s without data) and a bounded number of retries
 *   with exponential backoff; 404 is not retried;
 * - archive mode downloads one tar.gz of the pinned ref (itself resumable) and extracts only the
 *   needed files, with a streaming tar reader (POSIX ustar, pax and GNU long names).
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { FsvaeInputError } from '../util/assert';
import { ProgressBar, ProgressStream } from '../util/progress';
import { repoRoot } from './paths';
import {
  BadFile,
  ChecksumEntry,
  DownloadSource,
  GithubRepo,
  DataSource,
  DriveSource,
  verifyFetchManifest,
  SourcePart,
  SourceStatus,
  archiveUrl,
  loadManifest,
  planFiles,
  rawFileUrl,
  sha256File,
} from './sources';

// ---------------------------------------------------------------------------------------------
// Data root

export interface DataDir {
  path: string;
  from: '--dir' | '$FSVAE_DATA' | 'data/external';
}

/** Where downloads go: `explicit` (--dir), else $FSVAE_DATA, else <repo>/data/external. */
export function resolveDataDir(explicit?: string): DataDir {
  if (explicit) return { path: path.resolve(explicit), from: '--dir' };
  if (process.env.FSVAE_DATA) return { path: path.resolve(process.env.FSVAE_DATA), from: '$FSVAE_DATA' };
  return { path: path.join(repoRoot(), 'data', 'external'), from: 'data/external' };
}

// ---------------------------------------------------------------------------------------------
// Errors

/**
 * not-found: 404/410; http: other refusals; http-retry: 5xx/408/429 (retried); timeout, network: retried;
 * checksum: wrong bytes; archive: not a readable archive; quota / permission: a Google Drive page
 * instead of the file; listing: a Drive folder page that cannot be read; format: fetched files that
 * fail the format check of their source.
 */
export type DownloadErrorCode =
  'not-found' | 'http' | 'http-retry' | 'timeout' | 'network' | 'checksum' | 'archive' | 'quota' | 'permission' | 'listing' | 'format' | 'io';

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly code: DownloadErrorCode,
    readonly url?: string,
    /** the file (relative to the data root) it concerns, when one. */
    readonly file?: string,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
  get retryable(): boolean {
    return this.code === 'timeout' || this.code === 'network' || this.code === 'http-retry';
  }
}

export class ChecksumMismatchError extends DownloadError {
  readonly expected: string;
  readonly got: string;
  constructor(file: string, expected: string, got: string, url?: string, more = 0) {
    super(
      `${file}: checksum mismatch, expected ${expected}, got ${got}${url ? ` (from ${url})` : ''}` +
        `${more > 0 ? `; and ${more} more file(s)` : ''}. The bad bytes were discarded; nothing was written under the final name. ` +
        'Run the command again (a transient proxy or mirror error), or report it if it persists (the pinned source changed).',
      'checksum',
      url,
      file,
    );
    this.name = 'ChecksumMismatchError';
    this.expected = expected;
    this.got = got;
  }
}

// ---------------------------------------------------------------------------------------------
// Options

export interface TransferOptions {
  /** idle timeout per request in ms (no byte received for this long): default 30 000. */
  timeoutMs?: number;
  /** retries after the first attempt for timeouts, dropped connections and 5xx: default 3. */
  retries?: number;
  /** first backoff in ms, doubled each retry: default 1000. */
  backoffMs?: number;
}

export interface DownloadOptions extends TransferOptions {
  /** the data root (see resolveDataDir). */
  dataDir: string;
  /** replaces https://raw.githubusercontent.com and https://codeload.github.com by <base>/raw and <base>/codeload; default $FSVAE_DOWNLOAD_BASE_URL. */
  baseUrl?: string;
  /** 'auto' (each part's preference), 'archive' or 'files'. */
  mode?: 'auto' | 'archive' | 'files';
  /** parallel file requests in file mode: default 4. */
  concurrency?: number;
  /** keep the downloaded tar.gz under <dataDir>/.downloads after extraction. */
  keepArchive?: boolean;
  /** where the progress bar draws; false for none. Default process.stdout. */
  progress?: ProgressStream | false;
  /** one line of information (fallbacks, retries); default none. */
  log?: (line: string) => void;
}

export interface Ctx {
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  log: (line: string) => void;
  onBytes: (n: number) => void;
  agents: { http: http.Agent; https: https.Agent };
}

function defaultBaseUrl(): string | undefined {
  return process.env.FSVAE_DOWNLOAD_BASE_URL || undefined;
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface FetchOutcome {
  /** the .part now holds this many bytes. */
  size: number;
  /** bytes were appended to an existing .part (206). */
  resumed: boolean;
  /** 416: the server says the .part is already as long as the file or longer. */
  rangeNotSatisfiable?: boolean;
}

export function statSize(p: string): number {
  try {
    return fs.statSync(p).size;
  } catch {
    return -1;
  }
}

export function unlinkQuiet(p: string): void {
  try {
    fs.unlinkSync(p);
  } catch {
    /* already gone */
  }
}

/** Per-host cookies (name → value), sent back to the host that set them or to its domain. */
export class CookieJar {
  private readonly byDomain = new Map<string, Map<string, string>>();

  /** Stores the cookies of a response's set-cookie headers (attributes other than Domain are ignored). */
  store(host: string, setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const domainAttr = attrs.map((a) => a.trim()).find((a) => /^domain=/i.test(a));
      const domain = (domainAttr ? domainAttr.slice(7) : host).replace(/^\./, '').toLowerCase();
      if (domain !== host && !host.endsWith(`.${domain}`)) continue; // a host may not set cookies for another
      if (!this.byDomain.has(domain)) this.byDomain.set(domain, new Map());
      this.byDomain.get(domain)!.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  /** The Cookie header for `host`, or undefined when none applies. */
  header(host: string): string | undefined {
    const parts: string[] = [];
    for (const [domain, cookies] of this.byDomain) {
      if (domain !== host && !host.endsWith(`.${domain}`)) continue;
      for (const [k, v] of cookies) parts.push(`${k}=${v}`);
    }
    return parts.length ? parts.join('; ') : undefined;
  }
}

/** An open response (redirects followed) and whether its request has hit the idle timeout. */
export interface OpenResponse {
  res: http.IncomingMessage;
  /** the URL that answered (after redirects). */
  url: string;
  timedOut(): boolean;
}

function timeoutError(url: string, ctx: Ctx): DownloadError {
  return new DownloadError(`timed out: no data from ${url} for ${ctx.timeoutMs / 1000} s (raise --timeout on a slow link)`, 'timeout', url);
}

/** GET `url` with `headers`, following up to 5 redirects (cookies kept in `jar` when given); the idle timeout covers the body too. */
export function openGet(url: string, headers: Record<string, string>, ctx: Ctx, jar?: CookieJar, redirectsLeft = 5): Promise<OpenResponse> {
  return new Promise<OpenResponse>((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new DownloadError(`invalid URL '${url}'`, 'http', url));
      return;
    }
    const mod = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : null;
    if (!mod) {
      reject(new DownloadError(`unsupported URL scheme '${u.protocol}' in ${url} (only http and https)`, 'http', url));
      return;
    }
    const h: Record<string, string> = { 'user-agent': 'fsvae-download', 'accept-encoding': 'identity', ...headers };
    const cookie = jar?.header(u.hostname);
    if (cookie) h.cookie = cookie;
    let timedOut = false;
    let answered = false;
    const agent = u.protocol === 'https:' ? ctx.agents.https : ctx.agents.http;
    const req = mod.get(u, { headers: h, agent }, (res) => {
      answered = true;
      jar?.store(u.hostname, res.headers['set-cookie']);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.resume();
        if (redirectsLeft <= 0) {
          reject(new DownloadError(`too many redirects at ${url}`, 'http', url));
          return;
        }
        openGet(new URL(location, u).href, headers, ctx, jar, redirectsLeft - 1).then(resolve, reject);
        return;
      }
      resolve({ res, url: u.href, timedOut: () => timedOut });
    });
    req.setTimeout(ctx.timeoutMs, () => {
      timedOut = true;
      req.destroy(timeoutError(url, ctx));
    });
    req.on('error', (e) => {
      if (answered) return; // surfaces through the response stream
      reject(timedOut ? timeoutError(url, ctx) : e instanceof DownloadError ? e : new DownloadError(`${url}: ${e.message}`, 'network', url));
    });
  });
}

/**
 * Writes the body of a 200 or 206 response into `partPath`: a 206 must continue exactly at
 * `start` (else the .part is dropped), a 200 rewrites the file from byte 0. Rejects on a short or
 * broken body.
 */
export function receiveInto(o: OpenResponse, partPath: string, start: number, ctx: Ctx): Promise<FetchOutcome> {
  const { res, url } = o;
  const status = res.statusCode ?? 0;
  let offset = 0;
  let flags = 'w';
  if (status === 206) {
    const cr = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? '').trim());
    if (!cr || Number(cr[1]) !== start) {
      res.destroy();
      unlinkQuiet(partPath); // cannot tell where the bytes belong: start over
      return Promise.reject(new DownloadError(
        `asked for bytes ${start}- of ${url}, got Content-Range '${String(res.headers['content-range'] ?? '')}'`, 'network', url,
      ));
    }
    offset = start;
    flags = 'a';
  } else if (start > 0) {
    // the server ignored Range: the body is the whole file, so the .part is rewritten
    ctx.log(`${url}: server ignored the Range request, restarting from byte 0`);
    ctx.onBytes(-start);
  }
  const lengthHeader = res.headers['content-length'];
  const expected = lengthHeader !== undefined ? Number(lengthHeader) : undefined;
  // Every chunk the connection delivers is handed to the file stream at once (no pipe/pipeline):
  // with backpressure, bytes that already arrived wait in the response's buffer, and a broken
  // connection discards them (pipeline also drops the writes still queued, e.g. while the file is
  // opening), so the .part would hold fewer bytes than arrived and the retry would start from too
  // early or from 0. The file is closed before the outcome is reported, so the next attempt's Range
  // starts exactly where this one stopped. The response is paused only when a very slow disk lets
  // MAX_QUEUED bytes pile up.
  const MAX_QUEUED = 32 * 1024 * 1024;
  const ws = fs.createWriteStream(partPath, { flags });
  let got = 0;
  return new Promise<FetchOutcome>((resolve, reject) => {
    let bodyError: Error | null = null;
    let writeError: Error | null = null;
    let bodyDone = false;
    const endBody = (e: Error | null) => {
      if (bodyDone) return;
      bodyDone = true;
      bodyError = e;
      ws.end();
    };
    res.on('data', (c: Buffer) => {
      got += c.length;
      ctx.onBytes(c.length);
      if (!ws.write(c) && ws.writableLength > MAX_QUEUED) {
        res.pause();
        ws.once('drain', () => res.resume());
      }
    });
    res.on('end', () => endBody(null));
    res.on('error', (e) => endBody(e));
    res.on('close', () => endBody(res.complete ? null : new Error('the connection closed before the body ended')));
    ws.on('error', (e) => {
      writeError = e;
      res.destroy();
    });
    ws.on('close', () => {
      if (writeError) return reject(new DownloadError(`writing ${partPath}: ${writeError.message}`, 'io', url));
      if (bodyError) return reject(o.timedOut()
        ? timeoutError(url, ctx)
        : new DownloadError(`connection lost after ${got} bytes from ${url}: ${bodyError.message}`, 'network', url));
      if (expected !== undefined && got < expected) return reject(
        new DownloadError(`connection closed after ${got} of ${expected} bytes from ${url}`, 'network', url),
      );
      if (!res.complete) return reject(new DownloadError(`connection closed early (${got} bytes) from ${url}`, 'network', url));
      resolve({ size: offset + got, resumed: status === 206 });
    });
  });
}

/** Maps a status that is neither a redirect nor 200/206 to its error (404/410 not found; 5xx, 408, 429 retried); null for 200/206. */
export function statusError(status: number, statusMessage: string | undefined, url: string): DownloadError | null {
  if (status === 200 || status === 206) return null;
  if (status === 404 || status === 410) return new DownloadError(`HTTP ${status} (not found): ${url}`, 'not-found', url);
  const retry = status >= 500 || status === 429 || status === 408;
  return new DownloadError(`HTTP ${status} ${statusMessage ?? ''} from ${url}`.trim(), retry ? 'http-retry' : 'http', url);
}

/** One GET of `url` into `partPath`, resuming from its current size with a Range request. */
async function fetchOnce(url: string, partPath: string, ctx: Ctx): Promise<FetchOutcome> {
  const start = Math.max(0, statSize(partPath));
  const o = await openGet(url, start > 0 ? { range: `bytes=${start}-` } : {}, ctx);
  const status = o.res.statusCode ?? 0;
  if (status === 416) {
    o.res.resume();
    return { size: start, resumed: false, rangeNotSatisfiable: true };
  }
  const err = statusError(status, o.res.statusMessage, o.url);
  if (err) {
    o.res.resume();
    throw err;
  }
  return receiveInto(o, partPath, start, ctx);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** fetchOnce with bounded retries and exponential backoff; `size` is the expected length when known. */
export async function fetchWithRetries(
  url: string, partPath: string, ctx: Ctx, size?: number, once: (url: string, partPath: string, ctx: Ctx) => Promise<FetchOutcome> = fetchOnce,
): Promise<FetchOutcome> {
  let lastErr: DownloadError | undefined;
  for (let attempt = 0; attempt <= ctx.retries; attempt++) {
    const have = statSize(partPath);
    if (size !== undefined && have === size) return { size: have, resumed: true }; // complete already
    if (size !== undefined && have > size) {
      unlinkQuiet(partPath);
      ctx.onBytes(-have);
    }
    try {
      const r = await once(url, partPath, ctx);
      if (r.rangeNotSatisfiable) {
        // our .part is not a prefix the server can extend: drop it and start over
        ctx.onBytes(-Math.max(0, statSize(partPath)));
        unlinkQuiet(partPath);
        throw new DownloadError(`server refused to resume ${url} (HTTP 416); restarting from byte 0`, 'network', url);
      }
      return r;
    } catch (e) {
      const err = e instanceof DownloadError ? e : new DownloadError(`${url}: ${(e as Error).message}`, 'network', url);
      if (!err.retryable) throw err;
      lastErr = err;
      if (attempt < ctx.retries) {
        const wait = ctx.backoffMs * 2 ** attempt;
        ctx.log(`${err.message}; retry ${attempt + 1}/${ctx.retries} in ${wait} ms`);
        await sleep(wait);
      }
    }
  }
  throw new DownloadError(`${lastErr!.message} (gave up after ${ctx.retries + 1} attempts)`, lastErr!.code, url);
}

/**
 * Downloads one file to `final` through `final.part`, trying `urls` in order (mirrors) on 404 or a
 * wrong checksum; `rel` names it in messages.
 */
async function downloadOne(urls: string[], final: string, rel: string, entry: ChecksumEntry, ctx: Ctx): Promise<void> {
  fs.mkdirSync(path.dirname(final), { recursive: true });
  const part = `${final}.part`;
  let lastErr: DownloadError | undefined;
  for (const [i, url] of urls.entries()) {
    try {
      let r = await fetchWithRetries(url, part, ctx, entry.bytes);
      let got = await verifyPart(part, entry);
      if (got !== null && r.resumed) {
        // a resumed file may join bytes of two different versions: fetch it whole once more
        ctx.log(`${rel}: checksum wrong after resuming, fetching it whole again`);
        ctx.onBytes(-Math.max(0, statSize(part)));
        unlinkQuiet(part);
        r = await fetchWithRetries(url, part, ctx, entry.bytes);
        got = await verifyPart(part, entry);
      }
      if (got !== null) {
        ctx.onBytes(-Math.max(0, statSize(part)));
        unlinkQuiet(part);
        throw new ChecksumMismatchError(rel, got.expected, got.got, url);
      }
      fs.renameSync(part, final);
      return;
    } catch (e) {
      const err = e as DownloadError;
      const next = i + 1 < urls.length && (err.code === 'not-found' || err.code === 'checksum');
      if (!next) {
        if (err instanceof ChecksumMismatchError || err.file) throw err;
        throw new DownloadError(`${rel}: ${err.message}`, err.code ?? 'network', err.url ?? url, rel);
      }
      lastErr = err;
      ctx.log(`${rel}: ${err.message}; trying the mirror ${urls[i + 1]}`);
    }
  }
  throw lastErr!;
}

/** null when `part` matches `entry`, else what was expected and found. */
async function verifyPart(part: string, entry: ChecksumEntry): Promise<{ expected: string; got: string } | null> {
  const size = statSize(part);
  if (entry.bytes !== undefined && size !== entry.bytes) {
    return { expected: `${entry.bytes} bytes (sha256 ${entry.sha256})`, got: `${size} bytes` };
  }
  const got = await sha256File(part);
  return got === entry.sha256 ? null : { expected: `sha256 ${entry.sha256}`, got: `sha256 ${got}` };
}

// ---------------------------------------------------------------------------------------------
// tar (POSIX.1-1988 ustar blocks, pax 'x'/'g' extended headers, GNU 'L' long names)

export interface TarEntry {
  /** member path as stored (GitHub archives start with `<repo>-<ref>/`). */
  path: string;
  type: 'file' | 'directory' | 'other';
  size: number;
}

export interface TarSink {
  write(chunk: Buffer): Promise<void> | void;
  end(): Promise<void> | void;
}

function cstring(b: Buffer, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const z = s.indexOf(0);
  return s.toString('utf8', 0, z < 0 ? len : z);
}

function parseNumeric(b: Buffer, off: number, len: number): number {
  if (b[off] & 0x80) {
    // GNU base-256 for sizes >= 8 GiB: big-endian, first byte's high bit is the flag
    let v = b[off] & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + b[off + i];
    return v;
  }
  const t = cstring(b, off, len).trim();
  return t === '' ? 0 : parseInt(t, 8);
}

/** Feeds tar bytes in, calls `onEntry` per member; members get a sink, or null to skip. */
export class TarReader {
  private buf: Buffer = Buffer.alloc(0);
  private state: 'header' | 'data' | 'done' = 'header';
  private remaining = 0;
  private padding = 0;
  private sink: TarSink | null = null;
  private meta: Buffer[] | null = null;
  private metaType = '';
  private paxPath?: string;
  private paxSize?: number;
  private longName?: string;
  private zeroBlocks = 0;
  private offset = 0;
  entries = 0;

  constructor(
    private readonly onEntry: (e: TarEntry) => Promise<TarSink | null> | TarSink | null,
    private readonly what: string,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    this.buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      if (this.state === 'done') {
        pos = this.buf.length;
        break;
      }
      if (this.state === 'header') {
        if (this.buf.length - pos < 512) break;
        const h = this.buf.subarray(pos, pos + 512);
        pos += 512;
        this.offset += 512;
        await this.header(h);
        continue;
      }
      // data of the current member, then its padding to the 512-byte block
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, this.buf.length - pos);
        if (n === 0) break;
        const piece = this.buf.subarray(pos, pos + n);
        pos += n;
        this.offset += n;
        this.remaining -= n;
        if (this.meta) this.meta.push(Buffer.from(piece));
        else if (this.sink) await this.sink.write(piece);
        if (this.remaining > 0) break;
        await this.memberDone();
      }
      if (this.padding > 0) {
        const n = Math.min(this.padding, this.buf.length - pos);
        pos += n;
        this.offset += n;
        this.padding -= n;
        if (this.padding > 0) break;
      }
      this.state = 'header';
    }
    this.buf = this.buf.subarray(pos);
  }

  /** Call at the end of input; throws when the archive stopped inside a member. */
  async end(): Promise<void> {
    if (this.state === 'data' && (this.remaining > 0 || this.padding > 0)) {
      throw new DownloadError(`${this.what}: archive truncated inside a member (at byte ${this.offset}); delete it and download again`, 'archive');
    }
    if (this.state === 'header' && this.buf.length > 0 && this.buf.some((x) => x !== 0)) {
      throw new DownloadError(`${this.what}: archive truncated inside a header (at byte ${this.offset})`, 'archive');
    }
  }

  private async memberDone(): Promise<void> {
    if (this.meta) {
      const body = Buffer.concat(this.meta);
      this.meta = null;
      if (this.metaType === 'x') this.parsePax(body);
      else if (this.metaType === 'L') this.longName = cstring(body, 0, body.length);
      // 'g' (global pax: GitHub stores the commit id there) and 'K' (long link name) are not needed
    } else if (this.sink) {
      const s = this.sink;
      this.sink = null;
      await s.end();
    }
  }

  private parsePax(body: Buffer): void {
    let p = 0;
    while (p < body.length) {
      const sp = body.indexOf(0x20, p);
      if (sp < 0) break;
      const len = parseInt(body.toString('ascii', p, sp), 10);
      if (!Number.isFinite(len) || len <= 0) break;
      const rec = body.toString('utf8', sp + 1, p + len - 1); // drop the trailing '\n'
      const eq = rec.indexOf('=');
      if (eq > 0) {
        const key = rec.slice(0, eq);
        const value = rec.slice(eq + 1);
        if (key === 'path') this.paxPath = value;
        else if (key === 'size') this.paxSize = Number(value);
      }
      p += len;
    }
  }

  private async header(h: Buffer): Promise<void> {
    if (h.every((x) => x === 0)) {
      if (++this.zeroBlocks >= 2) this.state = 'done';
      return;
    }
    this.zeroBlocks = 0;
    const stored = parseNumeric(h, 148, 8);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
    if (stored !== sum) {
      throw new DownloadError(
        `${this.what}: not a tar archive or damaged (header checksum ${stored} != ${sum} at byte ${this.offset - 512}); delete it and download again`,
        'archive',
      );
    }
    const typeflag = h[156] === 0 ? '0' : String.fromCharCode(h[156]);
    let size = parseNumeric(h, 124, 12);
    const ustar = h.toString('latin1', 257, 262) === 'ustar';
    const name = cstring(h, 0, 100);
    const prefix = ustar ? cstring(h, 345, 155) : '';
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      this.meta = [];
      this.metaType = typeflag;
      this.startData(size);
      return;
    }
    const full = this.paxPath ?? this.longName ?? (prefix ? `${prefix}/${name}` : name);
    if (this.paxSize !== undefined) size = this.paxSize;
    this.paxPath = undefined;
    this.paxSize = undefined;
    this.longName = undefined;
    this.entries++;
    const type: TarEntry['type'] = typeflag === '0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'directory' : 'other';
    const sink = await this.onEntry({ path: full, type, size: type === 'file' ? size : 0 });
    this.sink = type === 'file' ? sink : null;
    // hard/symbolic links and devices carry no data; directories may declare 0
    this.startData(type === 'file' || type === 'directory' ? size : typeflag === '1' || typeflag === '2' ? 0 : size);
    if (this.remaining === 0) await this.memberDone();
  }

  private startData(size: number): void {
    this.remaining = size;
    this.padding = (512 - (size % 512)) % 512;
    this.state = 'data';
  }
}

/** Streams a .tar.gz (or plain .tar) through a TarReader. */
export async function readTarArchive(file: string, onEntry: (e: TarEntry) => Promise<TarSink | null> | TarSink | null): Promise<number> {
  const fd = fs.openSync(file, 'r');
  const magic = Buffer.alloc(2);
  fs.readSync(fd, magic, 0, 2, 0);
  fs.closeSync(fd);
  const gz = magic[0] === 0x1f && magic[1] === 0x8b;
  const reader = new TarReader(onEntry, file);
  const consume = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const c of source) await reader.write(c);
    await reader.end();
  };
  try {
    if (gz) await pipeline(fs.createReadStream(file), zlib.createGunzip(), consume);
    else await pipeline(fs.createReadStream(file), consume);
  } catch (e) {
    if (e instanceof DownloadError) throw e;
    throw new DownloadError(`${file}: cannot read the archive (${(e as Error).message}); delete it and download again`, 'archive');
  }
  return reader.entries;
}

/** A sink that writes `final.part`, hashes it, and renames it only if the checksum matches. */
class VerifiedFileSink implements TarSink {
  private readonly hash = createHash('sha256');
  private readonly ws: fs.WriteStream;
  private bytes = 0;
  readonly part: string;
  result: { ok: true } | { ok: false; expected: string; got: string } | null = null;

  constructor(
    readonly final: string,
    readonly entry: ChecksumEntry,
  ) {
    fs.mkdirSync(path.dirname(final), { recursive: true });
    this.part = `${final}.part`;
    this.ws = fs.createWriteStream(this.part);
  }

  async write(chunk: Buffer): Promise<void> {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.ws.write(chunk)) await once(this.ws, 'drain');
  }

  async end(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.ws.on('error', reject);
      this.ws.end(() => resolve());
    });
    const got = this.hash.digest('hex');
    if (this.entry.bytes !== undefined && this.bytes !== this.entry.bytes) {
      this.result = { ok: false, expected: `${this.entry.bytes} bytes (sha256 ${this.entry.sha256})`, got: `${this.bytes} bytes` };
    } else if (got !== this.entry.sha256) {
      this.result = { ok: false, expected: `sha256 ${this.entry.sha256}`, got: `sha256 ${got}` };
    } else this.result = { ok: true };
    if (this.result.ok) fs.renameSync(this.part, this.final);
    else unlinkQuiet(this.part);
  }

  abort(): void {
    this.ws.destroy();
    unlinkQuiet(this.part);
  }
}

export interface ExtractWanted {
  /** path inside the repository (after the archive's top folder). */
  remote: string;
  /** path relative to the data root. */
  local: string;
  entry: ChecksumEntry;
}

/**
 * Extracts the `wanted` files of a GitHub archive (top folder `<repo>-<ref>/` stripped) under
 * `dataDir`, each verified; other members are skipped. Throws ChecksumMismatchError for bad
 * members and DownloadError('archive') for members that are not in the archive.
 */
export async function extractWanted(archive: string, dataDir: string, wanted: ExtractWanted[], onFile: () => void = () => {}): Promise<string[]> {
  const byRemote = new Map(wanted.map((w) => [w.remote, w]));
  const done: string[] = [];
  const bad: Array<{ local: string; expected: string; got: string }> = [];
  let current: VerifiedFileSink | null = null;
  try {
    await readTarArchive(archive, (e) => {
      if (e.type !== 'file') return null;
      const slash = e.path.indexOf('/');
      const inRepo = slash >= 0 ? e.path.slice(slash + 1) : e.path;
      const w = byRemote.get(inRepo);
      if (!w) return null;
      byRemote.delete(inRepo);
      const sink = new VerifiedFileSink(path.join(dataDir, w.local), w.entry);
      current = sink;
      return {
        write: (c: Buffer) => sink.write(c),
        end: async () => {
          await sink.end();
          current = null;
          if (sink.result && !sink.result.ok) bad.push({ local: w.local, expected: sink.result.expected, got: sink.result.got });
          else done.push(w.local);
          onFile();
        },
      };
    });
  } catch (e) {
    (current as VerifiedFileSink | null)?.abort();
    throw e;
  }
  if (bad.length > 0) throw new ChecksumMismatchError(bad[0].local, bad[0].expected, bad[0].got, undefined, bad.length - 1);
  if (byRemote.size > 0) {
    const names = [...byRemote.keys()];
    throw new DownloadError(
      `${archive}: ${names.length} expected file(s) are not in the archive, e.g. '${names[0]}' (the pinned folder moved?); try --mode files`,
      'archive',
      undefined,
      byRemote.get(names[0])!.local,
    );
  }
  return done;
}

// ---------------------------------------------------------------------------------------------
// Status

export interface StatusOptions {
  /** hash every present file (default true); false checks sizes only. */
  hash?: boolean;
}

function repoKey(r: GithubRepo): string {
  return `${r.owner}-${r.name}-${r.ref}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

function archivePath(dataDir: string, r: GithubRepo): string {
  return path.join(dataDir, '.downloads', `${repoKey(r)}.tar.gz`);
}

/** present / missing / partial / corrupt (with the bad files) of one source under `dataDir`. */
export async function sourceStatus(source: DataSource, dataDir: string, opts: StatusOptions = {}): Promise<SourceStatus> {
  if (source.kind === 'manual') return source.check(dataDir);
  if (source.kind === 'gdrive') return driveStatus(source, dataDir, opts);
  const manifest = loadManifest(source);
  const s: SourceStatus = { name: source.name, kind: 'download', state: 'missing', total: 0, good: 0, missing: [], bad: [], partFiles: [], notes: [] };
  for (const [rel, entry] of Object.entries(manifest.files)) {
    s.total++;
    const p = path.join(dataDir, rel);
    if (fs.existsSync(`${p}.part`)) s.partFiles.push(`${rel}.part`);
    const size = statSize(p);
    if (size < 0) {
      s.missing.push(rel);
      continue;
    }
    if (entry.bytes !== undefined && size !== entry.bytes) {
      s.bad.push({ path: rel, expected: `${entry.bytes} bytes`, got: `${size} bytes` });
      continue;
    }
    if (opts.hash !== false) {
      const got = await sha256File(p);
      if (got !== entry.sha256) {
        s.bad.push({ path: rel, expected: `sha256 ${entry.sha256}`, got: `sha256 ${got}` });
        continue;
      }
    }
    s.good++;
  }
  for (const part of source.parts) {
    const a = archivePath(dataDir, part.repo);
    if (fs.existsSync(`${a}.part`)) s.partFiles.push(path.relative(dataDir, `${a}.part`).split(path.sep).join('/'));
  }
  s.partFiles = [...new Set(s.partFiles)];
  if (s.bad.length > 0) s.state = 'corrupt';
  else if (s.good === s.total) s.state = 'present';
  else if (s.good === 0 && s.partFiles.length === 0) s.state = 'missing';
  else s.state = 'partial';
  return s;
}

/**
 * A Drive source: its format check, then the sha256 of every file its download recorded (a copy
 * placed by hand has no record and gets the format check only).
 */
async function driveStatus(source: DriveSource, dataDir: string, opts: StatusOptions): Promise<SourceStatus> {
  const s = await source.check(dataDir);
  s.kind = 'gdrive';
  const m = await verifyFetchManifest(dataDir, source.name, opts.hash !== false);
  const work = path.join(dataDir, '.downloads', source.name);
  if (fs.existsSync(work)) {
    for (const f of fs.readdirSync(work)) if (f.endsWith('.part') || f.endsWith('.download')) s.partFiles.push(`.downloads/${source.name}/${f}`);
  }
  if (m === null) {
    if (s.state !== 'missing') s.notes.push('no download record (placed by hand?): checked by format only');
    return s;
  }
  s.bad.push(...m.bad);
  s.missing.push(...m.missing);
  s.notes.push(`${m.good} file(s) match the sha256 recorded when they were fetched (${m.fetchedAt})`);
  if (m.bad.length > 0) s.state = 'corrupt';
  else if (m.missing.length > 0 && s.state === 'present') s.state = 'partial';
  return s;
}

/** 'present', 'missing', 'partial' or 'corrupt (3 bad files)'. */
export function describeSourceState(s: SourceStatus): string {
  if (s.state === 'corrupt') return `corrupt (${s.bad.length} bad file${s.bad.length === 1 ? '' : 's'})`;
  return s.state;
}

// ---------------------------------------------------------------------------------------------
// Download

export interface DownloadResult {
  source: string;
  dataDir: string;
  /** files written (relative to the data root). */
  fetched: string[];
  /** files that were already present and verified. */
  alreadyPresent: number;
  /** files that were present but wrong and have been replaced. */
  replaced: string[];
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        if (failure === null) failure = e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  if (failure !== null) throw failure;
}

/** Fetches every file of a scripted source that is missing or wrong under `opts.dataDir`, and verifies it. */
export async function downloadSource(source: DownloadSource, opts: DownloadOptions): Promise<DownloadResult> {
  const manifest = loadManifest(source);
  const plan = planFiles(source, manifest);
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const baseUrl = opts.baseUrl ?? defaultBaseUrl();
  const mode = opts.mode ?? 'auto';
  const concurrency = opts.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new FsvaeInputError(`concurrency must be a positive integer, got ${concurrency}.`);
  const log = opts.log ?? (() => {});

  // what is already there and right is not fetched again
  const todo: string[] = [];
  const replaced: string[] = [];
  for (const [rel, entry] of Object.entries(manifest.files)) {
    const p = path.join(dataDir, rel);
    const size = statSize(p);
    if (size < 0) {
      todo.push(rel);
      continue;
    }
    if ((entry.bytes === undefined || size === entry.bytes) && (await sha256File(p)) === entry.sha256) continue;
    todo.push(rel);
    replaced.push(rel);
  }
  const result: DownloadResult = { source: source.name, dataDir, fetched: [], alreadyPresent: Object.keys(manifest.files).length - todo.length, replaced };
  if (todo.length === 0) return result;

  const useArchive = (p: SourcePart): boolean => (mode === 'auto' ? p.prefer === 'archive' : mode === 'archive');
  const fileJobs = todo.filter((rel) => !useArchive(plan.get(rel)!.part));
  const archiveJobs = todo.filter((rel) => useArchive(plan.get(rel)!.part));
  const knownBytes = archiveJobs.length === 0 ? fileJobs.reduce((a, rel) => a + (manifest.files[rel].bytes ?? 0), 0) : 0;
  const bar =
    opts.progress === false
      ? null
      : new ProgressBar({ label: source.name, totalBytes: knownBytes, totalFiles: todo.length, stream: opts.progress ?? process.stdout });
  const agents = { http: new http.Agent({ keepAlive: true, maxSockets: concurrency }), https: new https.Agent({ keepAlive: true, maxSockets: concurrency }) };
  const ctx: Ctx = {
    timeoutMs: opts.timeoutMs ?? 30_000,
    retries: opts.retries ?? 3,
    backoffMs: opts.backoffMs ?? 1000,
    log,
    onBytes: (n) => bar?.addBytes(n),
    agents,
  };
  if (!(ctx.timeoutMs > 0)) throw new FsvaeInputError(`timeout must be a positive number of ms, got ${ctx.timeoutMs}.`);
  if (!Number.isInteger(ctx.retries) || ctx.retries < 0) throw new FsvaeInputError(`retries must be a non-negative integer, got ${ctx.retries}.`);

  try {
    // archive mode: one tar.gz per repository and ref
    const groups = new Map<string, { repo: GithubRepo; wanted: ExtractWanted[] }>();
    for (const rel of archiveJobs) {
      const { part, remote } = plan.get(rel)!;
      const key = repoKey(part.repo);
      if (!groups.has(key)) groups.set(key, { repo: part.repo, wanted: [] });
      groups.get(key)!.wanted.push({ remote, local: rel, entry: manifest.files[rel] });
    }
    for (const { repo, wanted } of groups.values()) {
      const archive = archivePath(dataDir, repo);
      fs.mkdirSync(path.dirname(archive), { recursive: true });
      const url = archiveUrl(repo, baseUrl);
      let reused = fs.existsSync(archive);
      for (;;) {
        if (!reused) {
          await fetchWithRetries(url, `${archive}.part`, ctx);
          fs.renameSync(`${archive}.part`, archive);
        }
        try {
          const done = await extractWanted(archive, dataDir, wanted, () => bar?.addFiles(1));
          result.fetched.push(...done);
          break;
        } catch (e) {
          if (reused && e instanceof DownloadError && e.code === 'archive' && !e.file) {
            // an archive left by an earlier run is damaged: fetch it once more
            log(`${archive}: ${e.message}; downloading it again`);
            unlinkQuiet(archive);
            reused = false;
            continue;
          }
          if (!opts.keepArchive) unlinkQuiet(archive);
          throw e;
        }
      }
      if (!opts.keepArchive) {
        unlinkQuiet(archive);
        try {
          fs.rmdirSync(path.dirname(archive)); // only when empty
        } catch {
          /* other downloads still there */
        }
      }
    }

    // file mode
    await pool(fileJobs, concurrency, async (rel) => {
      const { part, remote } = plan.get(rel)!;
      const urls = [rawFileUrl(part.repo, remote, baseUrl)];
      for (const m of part.mirrors ?? []) urls.push(rawFileUrl(m.repo, m.folder + remote.slice(part.folder.length), baseUrl));
      try {
        await downloadOne(urls, path.join(dataDir, rel), rel, manifest.files[rel], ctx);
      } catch (e) {
        if (e instanceof DownloadError && e.code === 'not-found' && part.note) {
          throw new DownloadError(`${e.message}\nnote: ${part.note}`, e.code, e.url, e.file);
        }
        throw e;
      }
      result.fetched.push(rel);
      bar?.addFiles(1);
    });
    bar?.done('verified');
  } catch (e) {
    bar?.abort();
    throw e;
  } finally {
    agents.http.destroy();
    agents.https.destroy();
  }
  return result;
}

/** Formats the bad files of a status, one line each. */
export function describeBadFiles(bad: BadFile[], max = 10): string[] {
  const lines = bad.slice(0, max).map((b) => `  ${b.path}: expected ${b.expected}, got ${b.got}`);
  if (bad.length > max) lines.push(`  ... and ${bad.length - max} more`);
  return lines;
}
