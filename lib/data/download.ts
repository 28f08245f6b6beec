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
 *
 * This module fetches a source (file mode and archive mode); its parts live in lib/data/download/:
 * errors.ts (the errors), http.ts (the HTTP client), tar.ts (the tar reader), verify.ts (checking
 * bytes against their checksums, archive extraction) and status.ts (a source's state on disk).
 * Every name of those parts that callers use is re-exported here.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { FsvaeInputError } from '../util/assert';
import { ProgressBar, ProgressStream } from '../util/progress';
import { repoRoot } from './paths';
import { ChecksumEntry, DownloadSource, GithubRepo, SourcePart, archiveUrl, loadManifest, planFiles, rawFileUrl, sha256File } from './sources';
import { ChecksumMismatchError, DownloadError } from './download/errors';
import { Ctx, TransferOptions, fetchWithRetries, statSize, unlinkQuiet } from './download/http';
import { ExtractWanted, extractWanted, verifyPart } from './download/verify';
import { archivePath, repoKey } from './download/status';

export { DownloadError, ChecksumMismatchError } from './download/errors';
export type { DownloadErrorCode } from './download/errors';
export { statSize, unlinkQuiet, CookieJar, openGet, receiveInto, statusError, sleep, fetchWithRetries } from './download/http';
export type { TransferOptions, Ctx, FetchOutcome, OpenResponse } from './download/http';
export { TarReader, readTarArchive } from './download/tar';
export type { TarEntry, TarSink } from './download/tar';
export { extractWanted } from './download/verify';
export type { ExtractWanted } from './download/verify';
export { sourceStatus, describeSourceState, describeBadFiles } from './download/status';
export type { StatusOptions } from './download/status';

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
// Options

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

function defaultBaseUrl(): string | undefined {
  return process.env.FSVAE_DOWNLOAD_BASE_URL || undefined;
}

// ---------------------------------------------------------------------------------------------
// Fetch one file

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
