/**
 * The HTTP client of lib/data/download.ts: GET with redirects, cookies and an idle timeout, a 200/206
 * body written into a `.part` file (resumed with a Range request), and bounded retries with
 * exponential backoff; the transfer options and context it runs with.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { DownloadError } from './errors';

export interface TransferOptions {
  /** idle timeout per request in ms (no byte received for this long): default 30 000. */
  timeoutMs?: number;
  /** retries after the first attempt for timeouts, dropped connections and 5xx: default 3. */
  retries?: number;
  /** first backoff in ms, doubled each retry: default 1000. */
  backoffMs?: number;
}

export interface Ctx {
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  log: (line: string) => void;
  onBytes: (n: number) => void;
  agents: { http: http.Agent; https: https.Agent };
}

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
      return Promise.reject(
        new DownloadError(`asked for bytes ${start}- of ${url}, got Content-Range '${String(res.headers['content-range'] ?? '')}'`, 'network', url),
      );
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
      if (bodyError)
        return reject(
          o.timedOut() ? timeoutError(url, ctx) : new DownloadError(`connection lost after ${got} bytes from ${url}: ${bodyError.message}`, 'network', url),
        );
      if (expected !== undefined && got < expected)
        return reject(new DownloadError(`connection closed after ${got} of ${expected} bytes from ${url}`, 'network', url));
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
  url: string,
  partPath: string,
  ctx: Ctx,
  size?: number,
  once: (url: string, partPath: string, ctx: Ctx) => Promise<FetchOutcome> = fetchOnce,
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
