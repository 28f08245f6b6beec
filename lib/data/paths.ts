/**
 * Where data is looked for, in order: an explicit path, $FSVAE_DATA, <repo>/data/external,
 * <repo>/../shared/data. Every caller reports which one it used.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (the folder holding package.json of this project). */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'fsvae') return dir;
      } catch {
        /* keep looking */
      }
    }
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export interface DataLocation {
  /** the folder that holds `relative`, or null when none does. */
  path: string | null;
  /** which rule found it, e.g. '$FSVAE_DATA'. */
  source: 'explicit' | '$FSVAE_DATA' | 'data/external' | '../shared/data' | 'not found';
  /** every folder that was tried, for error messages. */
  tried: string[];
}

/**
 * Finds `relative` (e.g. 'nw-ucla/all_sqe') under the data roots. An explicit path is the only
 * candidate when given: a missing explicit folder is reported as not found, never replaced by
 * another data folder.
 */
export function locateData(relative: string, explicit?: string): DataLocation {
  if (explicit !== undefined && explicit !== '') {
    return fs.existsSync(explicit)
      ? { path: path.resolve(explicit), source: 'explicit', tried: [explicit] }
      : { path: null, source: 'not found', tried: [explicit] };
  }
  const root = repoRoot();
  const candidates: [DataLocation['source'], string | undefined][] = [
    ['explicit', explicit],
    ['$FSVAE_DATA', process.env.FSVAE_DATA ? path.join(process.env.FSVAE_DATA, relative) : undefined],
    ['data/external', path.join(root, 'data', 'external', relative)],
    ['../shared/data', path.join(root, '..', 'shared', 'data', relative)],
  ];
  const tried: string[] = [];
  for (const [source, p] of candidates) {
    if (!p) continue;
    tried.push(p);
    if (fs.existsSync(p)) return { path: path.resolve(p), source, tried };
  }
  return { path: null, source: 'not found', tried };
}

let chosenCacheRoot: string | undefined;

/**
 * The root of every cache the project writes (stage-1 features, text embeddings, downloaded
 * model files): the folder given to useCacheRoot (the CLI's `--cache-dir`), else $FSVAE_CACHE,
 * else <repo>/data/cache.
 */
export function cacheRoot(): string {
  if (chosenCacheRoot) return chosenCacheRoot;
  return process.env.FSVAE_CACHE ? path.resolve(process.env.FSVAE_CACHE) : path.join(repoRoot(), 'data', 'cache');
}

/**
 * Sets this process's cache root (undefined: back to $FSVAE_CACHE or data/cache). Called once at
 * the entry (the CLI's `--cache-dir`); the CLI processes that local-shards starts get it as
 * `--cache-dir`; worker threads never read it (their jobs name every path they write).
 */
export function useCacheRoot(dir: string | undefined): void {
  chosenCacheRoot = dir === undefined ? undefined : path.resolve(dir);
}
