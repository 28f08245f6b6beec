/**
 * The version of the code a run executes: a hash over every compiled module of this project's
 * library that an entry module reaches, so a cache key or checkpoint built from it changes when
 * any of them changes (a loss term, the fused step, a schedule, the gate, …), not only when a
 * module on a hand-written list does.
 *
 * The module graph is the union of two walks, both restricted to the library root (dist/lib by
 * default; never node_modules):
 *  - `require.cache`: each loaded module's `Module.children`, recursively. On Node 20 a require of
 *    an already-cached module does append it to the requirer's children (it is `module.parent`
 *    that names only the first requirer), but children only list requires that have EXECUTED: a
 *    lazy require (inside a function, a compiled `await import()`) is missing until its code runs,
 *    a module not loaded yet has no entry at all, and what is there depends on load order and on
 *    require.cache deletions. This walk alone can miss modules a run executes.
 *  - the compiled source: every `require("./…")` / `require("../…")` call with a literal relative
 *    path in a module's JavaScript (tsc emits one per runtime import, lazy `await import()`
 *    included; type-only imports emit none), resolved from that module's folder with
 *    createRequire (Node's own resolution). This is the static import graph, independent of load
 *    order and of which branches have run, and it also covers modules that are not loaded yet.
 * The source walk is the reliable one; the cache walk adds modules loaded through a computed path
 * (`require(variable)`) after they have been loaded.
 *
 * Files are hashed as they are on disk now (their bytes), named by their path relative to the
 * root, in sorted order: the same tree gives the same version wherever the repository lies.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

/** The compiled library this module belongs to (dist/lib). */
export const LIBRARY_ROOT = path.resolve(__dirname, '..');

export interface ModuleGraphOptions {
  /** only files under this folder count (default LIBRARY_ROOT); files under a node_modules folder never do. */
  root?: string;
}

/** A literal relative require in compiled JavaScript: require("./x"), require('../y/z'). */
const RELATIVE_REQUIRE = /\brequire\s*\(\s*(["'])(\.{1,2}\/[^"'\n]*)\1\s*\)/g;

function isUnder(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && !rel.split(path.sep).includes('node_modules');
}

/**
 * The files of the library root that `entry` (an absolute path of a compiled module, e.g.
 * `require.resolve('../pipeline/zero-shot')`) reaches, the entry included: absolute paths, sorted.
 * Throws when the entry is outside the root or cannot be read.
 */
export function loadedModuleGraphFiles(entry: string, opts: ModuleGraphOptions = {}): string[] {
  const root = path.resolve(opts.root ?? LIBRARY_ROOT);
  const start = path.resolve(entry);
  if (!isUnder(start, root)) throw new Error(`loadedModuleGraphFiles: ${start} is not a module of ${root}`);
  if (!fs.existsSync(start)) throw new Error(`loadedModuleGraphFiles: ${start} does not exist`);
  const seen = new Set<string>();
  const pending = [start];
  while (pending.length) {
    const file = pending.pop()!;
    if (seen.has(file) || !isUnder(file, root)) continue;
    seen.add(file);
    // modules it loaded first (Module.children)
    for (const child of require.cache[file]?.children ?? []) pending.push(child.filename);
    // every literal relative require of its compiled source
    if (!/\.[cm]?js$/.test(file)) continue;
    let source: string;
    try {
      source = fs.readFileSync(file, 'utf8');
    } catch {
      continue; // removed since it was loaded: hashed as unreadable below
    }
    const req = createRequire(file);
    for (const m of source.matchAll(RELATIVE_REQUIRE)) {
      try {
        pending.push(req.resolve(m[2]));
      } catch {
        // a require that cannot be resolved (inside a comment or string, or a missing optional file): not part of the graph
      }
    }
  }
  return [...seen].sort();
}

/**
 * sha256 (16 hex digits) over the sorted relative paths and contents of loadedModuleGraphFiles(entry).
 * Not cached: call it once per process where a fixed version is needed.
 */
export function loadedModuleGraphVersion(entry: string, opts: ModuleGraphOptions = {}): string {
  const root = path.resolve(opts.root ?? LIBRARY_ROOT);
  const h = createHash('sha256');
  for (const file of loadedModuleGraphFiles(entry, opts)) {
    const rel = path.relative(root, file).split(path.sep).join('/');
    h.update(rel).update('\0');
    try {
      h.update(fs.readFileSync(file));
    } catch {
      h.update('unreadable');
    }
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}
