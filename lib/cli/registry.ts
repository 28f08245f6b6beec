/** CLI command registry: each command lives in lib/cli/commands/<name>.ts and is listed in main.ts. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Stage2Engine } from '../train/stage2';

export interface CliCommand {
  name: string;
  /** one line for `fsvae --help`. */
  summary: string;
  /** full usage text for `fsvae <name> --help`. */
  usage: string;
  /** returns the process exit code. */
  run(args: string[]): Promise<number>;
}

/**
 * What a flag takes: `bool` never takes a value; `string` needs one; `int` needs an integer ≥ 0,
 * `posint` one ≥ 1, `number` a finite number; `repeat` is a string flag that may be given several
 * times (its values joined by newlines; see repeated()).
 */
export type FlagKind = 'bool' | 'string' | 'int' | 'posint' | 'number' | 'repeat';
export type FlagSpec = Readonly<Record<string, FlagKind>>;

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

/** The known names closest to `name` (edit distance ≤ 2, or a prefix either way). */
export function didYouMean(name: string, known: readonly string[]): string[] {
  return known
    .map((k) => {
      const e = editDistance(name, k);
      return { k, e, d: k.startsWith(name) || name.startsWith(k) ? Math.min(1, e) : e };
    })
    .filter((x) => x.d <= 2)
    .sort((x, y) => x.d - y.d || x.e - y.e || (x.k < y.k ? -1 : 1))
    .slice(0, 3)
    .map((x) => x.k);
}

/**
 * The strict parser of every command: flags must be in `spec` (else an error with a "did you
 * mean"), value flags need a value (`--k v` or `--k=v`), boolean flags take none, numbers are
 * checked, a flag may be given once. `--help` is always known. Returns string values (numbers as
 * given, checked) and true for boolean flags.
 */
export function parseFlags(args: string[], spec: FlagSpec): { flags: Record<string, string | true>; positional: string[] } {
  const known: Record<string, FlagKind> = { help: 'bool', ...spec };
  const names = Object.keys(known);
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--') || a === '--') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const kind = known[name];
    if (!kind) {
      const near = didYouMean(name, names);
      throw new CliUsageError(
        `unknown flag --${name}${near.length ? `; did you mean ${near.map((n) => `--${n}`).join(' or ')}?` : ''} ` +
          `(known: ${names.map((n) => `--${n}`).join(', ')})`,
      );
    }
    if (name in flags && kind !== 'repeat') throw new CliUsageError(`--${name} is given twice; give it once.`);
    if (kind === 'bool') {
      if (eq > 0) throw new CliUsageError(`--${name} takes no value (got '${a.slice(eq + 1)}').`);
      flags[name] = true;
      continue;
    }
    let value: string;
    if (eq > 0) value = a.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) value = args[++i];
    else throw new CliUsageError(`--${name} needs a value.`);
    if (value.trim() === '') throw new CliUsageError(`--${name} needs a non-empty value.`);
    if (kind === 'int' && !/^\d+$/.test(value)) throw new CliUsageError(`--${name} must be an integer ≥ 0, got '${value}'.`);
    if (kind === 'posint' && !/^[1-9]\d*$/.test(value)) throw new CliUsageError(`--${name} must be an integer ≥ 1, got '${value}'.`);
    if ((kind === 'int' || kind === 'posint') && !Number.isSafeInteger(Number(value))) throw new CliUsageError(`--${name} is too large: '${value}'.`);
    if (kind === 'number' && !(value.trim() !== '' && Number.isFinite(Number(value)))) throw new CliUsageError(`--${name} must be a number, got '${value}'.`);
    flags[name] = kind === 'repeat' && typeof flags[name] === 'string' ? `${flags[name]}\n${value}` : value;
  }
  return { flags, positional };
}

/** The command line of this process (for provenance), arguments quoted where needed. */
export function commandLine(): string {
  return ['fsvae', ...process.argv.slice(2)].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
}

/** The values of a `repeat` flag, in the order given ([] when absent). */
export function repeated(value: string | true | undefined): string[] {
  return typeof value === 'string' ? value.split('\n') : [];
}

/** The text of `--set` in a command's usage: the settable keys of its preset. */
export function setUsage(paths: readonly string[]): string {
  return `  --set key=value  override one setting of the preset (repeatable), e.g. --set frequency.phi=35; keys: ${paths.join(', ')}`;
}

/** Error for bad command-line usage: printed without a stack trace, exit code 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/**
 * `--engine auto|fused|autodiff`: how stage 2 computes gradients (lib/train/fused-step.ts or the
 * tfjs gradient tape); 'auto' when the flag is absent. The command passes it to the run's options.
 */
export function parseStage2EngineFlag(value: string | true | undefined): Stage2Engine {
  if (value === undefined) return 'auto';
  if (value !== 'auto' && value !== 'fused' && value !== 'autodiff') {
    throw new CliUsageError(`--engine must be auto, fused or autodiff, got '${value === true ? '' : value}'.`);
  }
  return value;
}

/**
 * Checks before any work that an output path can be written: `file` (its folder is created when
 * missing; an existing folder in its place is an error) or `dir` (created when missing). A
 * scratch file is created and removed to prove it. Errors are CliUsageErrors naming the flag.
 */
export function checkWritable(p: string, flag: string, kind: 'file' | 'dir'): void {
  const abs = path.resolve(p);
  const why = (e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOTDIR'
      ? 'a part of the path is a file, not a folder'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'read-only file system'
          : code === 'EEXIST'
            ? 'exists and is not a folder'
            : `${code ?? (e as Error).message}`;
  };
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new CliUsageError(`${flag} ${p}: cannot be used (${why(e)}).`);
  }
  if (st && kind === 'file' && st.isDirectory()) throw new CliUsageError(`${flag} ${p}: is a folder; give a file name.`);
  if (st && kind === 'dir' && !st.isDirectory()) throw new CliUsageError(`${flag} ${p}: is a file; give a folder.`);
  const dir = kind === 'dir' ? abs : path.dirname(abs);
  try {
    fs.mkdirSync(dir, { recursive: true });
    const probe = path.join(dir, `.fsvae-write-test-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
  } catch (e) {
    throw new CliUsageError(`${flag} ${p}: cannot be written (${why(e)}); choose another path.`);
  }
}
