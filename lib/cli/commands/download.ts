/** `fsvae download`: fetch and verify the public data sets; list their state; explain the manual ones. */
import { checkWritable, CliCommand, CliUsageError, parseFlags } from '../registry';
import { DataDir, DownloadError, describeBadFiles, describeSourceState, downloadSource, resolveDataDir, sourceStatus } from '../../data/download';
import { DOWNLOAD_SOURCES, DriveSource, ManualSource, DATA_SOURCES, DataSource, SourceStatus, getDataSource } from '../../data/sources';
import { downloadDriveSource } from '../../data/gdrive';
import { ProgressStream } from '../../util/progress';

const USAGE = `usage:
  fsvae download --list [--dir DIR]           every source and its state in the data dir
  fsvae download NAME... [options]            fetch and verify (NAME 'all' = every GitHub-hosted source)
  fsvae download --verify [NAME...] [--dir DIR]   re-check files against the pinned sha256 (all when no NAME)

Google Drive sources (kind gdrive: synse-shift-features, fsvae-text-features) are fetched by
name; they have no pinned checksum, so what arrives is checked by format and its sha256 is
recorded in DIR/.manifests/NAME.json, which --verify re-checks. When Drive refuses (daily quota,
sign-in) the command prints how to place them by hand. Manual sources (request forms) print where
to get them and the layout to place under the data dir, then verify what is there.

options:
  --dir DIR          data root (default: $FSVAE_DATA, else data/external in the repository)
  --mode MODE        auto (default: each source's choice), archive (one tar.gz per repository),
                     files (one request per file)
  --timeout S        idle timeout per request in seconds (default 30)
  --retries N        retries after a timeout, dropped connection or 5xx (default 3)
  --concurrency N    parallel file requests (default 4)
  --keep-archive     keep downloaded tar.gz files under DIR/.downloads
  --base-url URL     fetch from a mirror laid out as URL/raw/<owner>/<repo>/<ref>/<path> and
                     URL/codeload/<owner>/<repo>/tar.gz/<ref> (default $FSVAE_DOWNLOAD_BASE_URL)
  --drive-url URL    the Google Drive host (default $FSVAE_GDRIVE_BASE_URL, else https://drive.google.com)
  --force            Drive sources: fetch again even when a copy that passes the checks is present
  --quiet            no progress bar`;

export interface DownloadIO {
  out(line: string): void;
  err(line: string): void;
  /** where progress bars draw; false for none. */
  progress: ProgressStream | false;
}

const defaultIO: DownloadIO = {
  out: (l) => console.log(l),
  err: (l) => console.error(l),
  progress: process.stdout,
};

const BOOLEAN_FLAGS = ['list', 'keep-archive', 'quiet', 'force'];
const VALUE_FLAGS = ['dir', 'mode', 'timeout', 'retries', 'concurrency', 'base-url', 'drive-url'];

function parse(args: string[]): { flags: Record<string, string | true>; names: string[] } {
  const spec: Record<string, 'bool' | 'string'> = { verify: 'bool' };
  for (const f of BOOLEAN_FLAGS) spec[f] = 'bool';
  for (const f of VALUE_FLAGS) spec[f] = 'string';
  const { flags, positional } = parseFlags(args, spec);
  return { flags, names: [...positional] };
}

function numberFlag(flags: Record<string, string | true>, name: string, check: (v: number) => boolean, what: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!check(n)) throw new CliUsageError(`--${name} ${String(v)}: expected ${what}`);
  return n;
}

function statusLine(s: SourceStatus, source: DataSource): string {
  const files = s.kind === 'download' ? `${s.good}/${s.total}` : `${s.good}/${s.total}`;
  return `${source.name.padEnd(21)} ${source.kind.padEnd(9)} ${describeSourceState(s).padEnd(22)} ${files.padStart(9)}  ${source.folder}`;
}

function printDetails(s: SourceStatus, io: DownloadIO): void {
  if (s.bad.length > 0) {
    io.out(`${s.name}: ${s.bad.length} bad:`);
    for (const l of describeBadFiles(s.bad)) io.out(l);
  }
  if (s.missing.length > 0) {
    io.out(`${s.name}: ${s.missing.length} missing, e.g. ${s.missing.slice(0, 3).join(', ')}`);
  }
  if (s.partFiles.length > 0)
    io.out(`${s.name}: interrupted download(s) to resume: ` + `${s.partFiles.slice(0, 3).join(', ')}${s.partFiles.length > 3 ? ', ...' : ''}`);
  for (const n of s.notes) io.out(`${s.name}: ${n}`);
}

function printManual(source: ManualSource | DriveSource, dir: DataDir, io: DownloadIO): void {
  io.out(`${source.name}: ${source.title}`);
  io.out(source.kind === 'gdrive' ? 'To place it by hand instead, get it here:' : 'This source cannot be fetched by a script. Get it here:');
  for (const l of source.where) io.out(`  ${l}`);
  io.out(`Put it under the data dir ${dir.path} as:`);
  for (const l of source.layout) io.out(`  ${l}`);
  io.out(`Then run 'fsvae download --verify ${source.name}${dir.from === '--dir' ? ` --dir ${dir.path}` : ''}'.`);
}

/** The command, with its output sent to `io` (tests capture it). Returns the exit code. */
export async function runDownload(args: string[], io: DownloadIO = defaultIO): Promise<number> {
  const { flags, names } = parse(args);
  const dir = resolveDataDir(typeof flags.dir === 'string' ? flags.dir : undefined);

  if (flags.list) {
    if (names.length > 0) throw new CliUsageError(`--list takes no source name (got ${names.join(' ')})`);
    io.out(`data dir: ${dir.path} (${dir.from})`);
    io.out(`${'source'.padEnd(21)} ${'kind'.padEnd(9)} ${'status'.padEnd(22)} ${'ok/total'.padStart(9)}  folder`);
    for (const source of DATA_SOURCES) io.out(statusLine(await sourceStatus(source, dir.path), source));
    io.out(
      'kinds: download = GitHub, pinned sha256; gdrive = Google Drive, fetched by name, checked by format, sha256 recorded at download; ' +
        "manual = placed by hand ('fsvae download NAME' says how)",
    );
    return 0;
  }

  if (flags.verify) {
    const targets = names.length === 0 ? DATA_SOURCES : names.map((n) => getDataSource(n));
    io.out(`data dir: ${dir.path} (${dir.from})`);
    let ok = true;
    for (const source of targets) {
      const s = await sourceStatus(source, dir.path);
      io.out(statusLine(s, source));
      if (s.state !== 'present') {
        ok = false;
        printDetails(s, io);
        if (source.kind !== 'manual') io.out(`${source.name}: run 'fsvae download ${source.name}' to fetch what is missing or wrong.`);
        else if (s.state === 'missing') printManual(source, dir, io);
      }
    }
    return ok ? 0 : 1;
  }

  if (names.length === 0) throw new CliUsageError('name a source (or use --list / --verify)');
  const mode = flags.mode ?? 'auto';
  if (mode !== 'auto' && mode !== 'archive' && mode !== 'files') throw new CliUsageError(`--mode ${String(mode)}: expected auto, archive or files`);
  const timeout = numberFlag(flags, 'timeout', (v) => Number.isFinite(v) && v > 0, 'a positive number of seconds');
  const retries = numberFlag(flags, 'retries', (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
  const concurrency = numberFlag(flags, 'concurrency', (v) => Number.isInteger(v) && v >= 1 && v <= 64, 'an integer in 1..64');
  const targets: DataSource[] = names.includes('all') ? DOWNLOAD_SOURCES : names.map((n) => getDataSource(n));
  checkWritable(dir.path, '--dir', 'dir');

  io.out(`data dir: ${dir.path} (${dir.from})`);
  let exit = 0;
  for (const source of targets) {
    if (source.kind === 'manual') {
      printManual(source, dir, io);
      const s = await sourceStatus(source, dir.path);
      io.out(`${source.name}: ${describeSourceState(s)} in ${dir.path}`);
      if (s.state !== 'missing') printDetails(s, io);
      if (s.state !== 'present') exit = 1;
      continue;
    }
    if (source.kind === 'gdrive') {
      try {
        const r = await downloadDriveSource(source, {
          dataDir: dir.path,
          driveBaseUrl: typeof flags['drive-url'] === 'string' ? flags['drive-url'] : undefined,
          timeoutMs: timeout !== undefined ? timeout * 1000 : undefined,
          retries,
          keepArchive: flags['keep-archive'] === true,
          force: flags.force === true,
          progress: flags.quiet ? false : io.progress,
          log: (l) => io.err(`${source.name}: ${l}`),
        });
        io.out(
          r.alreadyPresent
            ? `${source.name}: already present under ${dir.path}/${source.folder} ` +
                `(format checked; ${r.manifest ? `sha256 as recorded in ${r.manifest}` : 'placed by hand, no download record; --force fetches it'}).`
            : `${source.name}: ${r.files.length} files placed under ${dir.path}/${source.folder}, format checked; sha256 recorded in ${r.manifest}.`,
        );
      } catch (e) {
        if (!(e instanceof DownloadError)) throw e;
        io.err(`fsvae download ${source.name}: ${e.message}`);
        if (e.code === 'quota' || e.code === 'permission' || e.code === 'listing' || e.code === 'network' || e.code === 'timeout') printManual(source, dir, io);
        else io.err(`${source.name}: from ${source.origin}. Run the same command again to resume.`);
        exit = 1;
      }
      continue;
    }
    try {
      const r = await downloadSource(source, {
        dataDir: dir.path,
        baseUrl: typeof flags['base-url'] === 'string' ? flags['base-url'] : undefined,
        mode,
        timeoutMs: timeout !== undefined ? timeout * 1000 : undefined,
        retries,
        concurrency,
        keepArchive: flags['keep-archive'] === true,
        progress: flags.quiet ? false : io.progress,
        log: (l) => io.err(`${source.name}: ${l}`),
      });
      const total = r.fetched.length + r.alreadyPresent;
      const extra = r.replaced.length > 0 ? `, ${r.replaced.length} corrupt file(s) replaced` : '';
      io.out(
        `${source.name}: ${total} files verified under ${dir.path}/${source.folder} ` +
          `(${r.fetched.length} fetched, ${r.alreadyPresent} already present${extra}).`,
      );
    } catch (e) {
      if (!(e instanceof DownloadError)) throw e;
      io.err(`fsvae download ${source.name}: ${e.message}`);
      io.err(`${source.name}: from ${source.origin}. Run the same command again to resume.`);
      exit = 1;
    }
  }
  return exit;
}

export const command: CliCommand = {
  name: 'download',
  summary: 'fetch and verify the public data sets; --list shows their state',
  usage: USAGE,
  run: (args) => runDownload(args),
};
