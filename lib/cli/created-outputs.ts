/**
 * What a failed command leaves of its outputs: a snapshot of the output paths before it runs, and
 * the removal of what it created when a write was refused (full disk, quota, read-only file system).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { firstMissingPath } from '../util/atomic-file';
import { cacheRoot } from '../data/paths';

/**
 * Output paths of a command line and how much of them goes when the command fails for a refused
 * write: an output (--out, --log) that did not exist before goes whole (a failed command's output
 * is incomplete); of a checkpoint or cache folder (--checkpoint-dir, --cache-dir, --cache, and
 * the cache root: $FSVAE_CACHE or data/cache) only the empty folders this command created go, so
 * that complete checkpoints and cache entries stay for the next run.
 */
const OUTPUT_FLAGS: Readonly<Record<string, 'whole' | 'empty folders'>> = {
  out: 'whole',
  log: 'whole',
  'checkpoint-dir': 'empty folders',
  'cache-dir': 'empty folders',
  cache: 'empty folders',
};

interface OutputSnapshot {
  /** the outermost missing part of each output path, and how it is removed */
  missing: { path: string; remove: 'whole' | 'empty folders' }[];
  /** the entries of each existing checkpoint or cache folder (its new folders are emptied ones of this command) */
  folders: { dir: string; entries: Set<string> }[];
}

/** What exists of the output paths of `args` (`--flag value` or `--flag=value`) and of the cache root before the command runs. */
export function snapshotOutputs(args: readonly string[]): OutputSnapshot {
  const named: { value: string; remove: 'whole' | 'empty folders' }[] = [{ value: cacheRoot(), remove: 'empty folders' }];
  for (let i = 0; i < args.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(args[i]);
    const remove = m ? OUTPUT_FLAGS[m[1]] : undefined;
    if (!m || !remove) continue;
    const value = m[2] ?? (i + 1 < args.length && !args[i + 1].startsWith('--') ? args[i + 1] : undefined);
    if (value) named.push({ value, remove });
  }
  const snap: OutputSnapshot = { missing: [], folders: [] };
  for (const { value, remove } of named) {
    const created = firstMissingPath(value);
    if (created !== undefined) snap.missing.push({ path: created, remove });
    else if (remove === 'empty folders') {
      try {
        snap.folders.push({ dir: path.resolve(value), entries: new Set(fs.readdirSync(value)) });
      } catch {
        // not a readable folder: nothing of it is removed
      }
    }
  }
  return snap;
}

/** Removes the empty folders in `dir`, bottom-up, and `dir` itself when it ends up empty. */
function removeEmptyFolders(dir: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const d of entries) if (d.isDirectory()) removeEmptyFolders(path.join(dir, d.name));
  try {
    fs.rmdirSync(dir);
  } catch {
    // not empty: a complete checkpoint or cache entry
  }
}

/** Removes what the command created of the outputs in `snap` (see OUTPUT_FLAGS); never throws. */
export function removeCreatedOutputs(snap: OutputSnapshot): void {
  for (const o of snap.missing) {
    if (o.remove === 'empty folders') removeEmptyFolders(o.path);
    else {
      try {
        fs.rmSync(o.path, { recursive: true, force: true });
      } catch {
        // best effort: the error message matters more
      }
    }
  }
  for (const f of snap.folders) {
    let now: fs.Dirent[] = [];
    try {
      now = fs.readdirSync(f.dir, { withFileTypes: true });
    } catch {
      // gone or unreadable: nothing to remove
    }
    for (const d of now) if (d.isDirectory() && !f.entries.has(d.name)) removeEmptyFolders(path.join(f.dir, d.name));
  }
}
