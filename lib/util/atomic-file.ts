/**
 * Atomic file writes: the bytes go to a temporary name in the same folder, are flushed to disk
 * (fsync), and the temporary file is renamed over the final name, so a reader — or a run resumed
 * after kill -9 — sees either the old file or the new one, never a part.
 *
 * A write the file system refuses (full disk ENOSPC, quota EDQUOT, read-only EROFS, file too
 * large EFBIG) becomes a DiskWriteError: one line naming the file and the fix, printed by the CLI
 * without a stack. The writers here remove what they had written (temporary files and folders,
 * folders they created) before they throw.
 *
 * `setFaultHook` lets tests stop a write between any two filesystem operations (it is called
 * with a label before each one), to check what a killed process leaves behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { FsvaeInputError } from './assert';

/** The error codes of a write the file system refused for lack of room or permission to change it. */
export const DISK_WRITE_CODES = ['ENOSPC', 'EDQUOT', 'EROFS', 'EFBIG'] as const;
export type DiskWriteCode = (typeof DISK_WRITE_CODES)[number];

const WHERE = 'write elsewhere (--out, --checkpoint-dir, --cache-dir or FSVAE_CACHE)';
/** What each code means and what to do about it. */
const DISK_WRITE_TEXT: Record<DiskWriteCode, { why: string; fix: string }> = {
  ENOSPC: { why: 'no space left on device', fix: `free space on that file system or ${WHERE}` },
  EDQUOT: { why: 'disk quota exceeded', fix: `free space within your quota on that file system or ${WHERE}` },
  EROFS: { why: 'read-only file system', fix: `remount it read-write or ${WHERE}` },
  EFBIG: { why: 'file too large for that file system', fix: `${WHERE} on a file system that allows larger files` },
};

/** True for the codes of DISK_WRITE_CODES. */
export function isDiskWriteCode(code: unknown): code is DiskWriteCode {
  return typeof code === 'string' && (DISK_WRITE_CODES as readonly string[]).includes(code);
}

/**
 * A write the file system refused (see DISK_WRITE_CODES), as one line naming the file, e.g.
 * `cannot write <path>: no space left on device (ENOSPC); free space on that file system or write
 * elsewhere (--out, --checkpoint-dir, --cache-dir or FSVAE_CACHE).` An input error for the CLI:
 * printed without a stack, exit code 1.
 */
export class DiskWriteError extends FsvaeInputError {
  constructor(
    readonly path: string,
    readonly code: DiskWriteCode,
  ) {
    super(`cannot write ${path}: ${DISK_WRITE_TEXT[code].why} (${code}); ${DISK_WRITE_TEXT[code].fix}.`);
    this.name = 'DiskWriteError';
  }
}

/** A DiskWriteError's message, and Node's message of such an error (`ENOSPC: no space left on device, copyfile 'a' -> 'b'`). */
const CODES = DISK_WRITE_CODES.join('|');
const RELAYED_OWN = new RegExp(`^cannot write (.+): (?:${DISK_WRITE_CODES.map((c) => DISK_WRITE_TEXT[c].why).join('|')}) \\((${CODES})\\);`);
const RELAYED_NODE = new RegExp(`^(${CODES}): [^,]*, \\w+(?: '([^']*)')?(?: -> '([^']*)')?`);

/**
 * `e` as a DiskWriteError naming `file` when it is a Node error with one of DISK_WRITE_CODES
 * (without `file`: the error's destination or path, else 'a file'); a DiskWriteError is kept
 * (renamed to `file` when given). An error relayed from a worker thread keeps only its text: a
 * first line that is a DiskWriteError's message or Node's `ENOSPC: no space left on device, open
 * '<path>'` is recognised too. Every other error is returned unchanged.
 */
export function toDiskWriteError(e: unknown, file?: string): unknown {
  if (e instanceof DiskWriteError) return file === undefined || file === e.path ? e : new DiskWriteError(file, e.code);
  const err = e as (NodeJS.ErrnoException & { dest?: string }) | null;
  if (err && typeof err === 'object' && isDiskWriteCode(err.code)) return new DiskWriteError(file ?? err.dest ?? err.path ?? 'a file', err.code);
  if (!(e instanceof Error)) return e;
  // a worker's error arrives as its message (or its whole stack): read the first line
  const first = e.message.split('\n', 1)[0].replace(/^\w*Error: /, '');
  const own = RELAYED_OWN.exec(first);
  if (own) return new DiskWriteError(file ?? own[1], own[2] as DiskWriteCode);
  const node = RELAYED_NODE.exec(first);
  if (node) return new DiskWriteError(file ?? node[3] ?? node[2] ?? 'a file', node[1] as DiskWriteCode);
  return e;
}

/**
 * The outermost of `p` and its parent folders that does not exist yet — what creating `p` (with
 * its folders) creates first — or undefined when `p` exists. A link counts as existing.
 */
export function firstMissingPath(p: string): string | undefined {
  let missing: string | undefined;
  for (let d = path.resolve(p); ; d = path.dirname(d)) {
    try {
      fs.lstatSync(d);
      return missing;
    } catch {
      missing = d;
    }
    if (path.dirname(d) === d) return missing;
  }
}

/**
 * fs.mkdirSync(dir, { recursive: true }) — returns the first folder it made, or undefined — that
 * throws the real reason when a folder cannot be made: Node reports ENOENT for a missing folder
 * it may not create (e.g. on a read-only file system), so the first missing one is then made
 * alone to learn why (EROFS, ENOSPC, EACCES, ...).
 */
export function makeFolders(dir: string): string | undefined {
  try {
    return fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    const first = (e as NodeJS.ErrnoException).code === 'ENOENT' ? firstMissingPath(dir) : undefined;
    if (first === undefined) throw e;
    try {
      fs.mkdirSync(first);
    } catch (why) {
      throw (why as NodeJS.ErrnoException).code === 'ENOENT' ? e : why;
    }
    fs.rmdirSync(first);
    throw e;
  }
}

/**
 * Removes the empty folders from `deepest` up to and including `created` (the value of
 * fs.mkdirSync(deepest, { recursive: true }): the first folder it made, or undefined when it made
 * none). A folder that is not empty (another writer's files) is kept, and so are its parents.
 */
export function removeCreatedFolders(deepest: string, created: string | undefined): void {
  if (created === undefined) return;
  const top = path.resolve(created);
  for (let d = path.resolve(deepest); ; d = path.dirname(d)) {
    const rel = path.relative(top, d);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return;
    try {
      fs.rmdirSync(d);
    } catch {
      return;
    }
    if (d === top) return;
  }
}

type FaultHook = (op: string) => void;
let faultHook: FaultHook | null = null;

/** Installs (or with null removes) the hook called before each filesystem operation of a save. */
export function setFaultHook(hook: FaultHook | null): void {
  faultHook = hook;
}

/** Called by savers before each filesystem operation. */
export function faultPoint(op: string): void {
  faultHook?.(op);
}

function fsyncPath(p: string, flags: 'r' | 'r+'): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(p, flags);
    fs.fsyncSync(fd);
  } catch {
    // some filesystems refuse fsync on folders; the rename is still atomic
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes `data` to `file` atomically (temporary name, fsync, rename, fsync of the folder). On any
 * failure the temporary file, and the folders this call created, are removed; a refused write
 * (see DISK_WRITE_CODES) is thrown as a DiskWriteError naming `file`, other errors unchanged.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  let created: string | undefined;
  try {
    created = makeFolders(dir);
  } catch (e) {
    throw toDiskWriteError(e, file);
  }
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${process.hrtime.bigint()}`);
  try {
    faultPoint(`write ${path.basename(file)}`);
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    faultPoint(`rename ${path.basename(file)}`);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    removeCreatedFolders(dir, created);
    throw toDiskWriteError(e, file);
  }
  fsyncPath(dir, 'r');
}

/**
 * Writes `data` to `file` directly (no temporary name: for files inside a folder that is itself
 * written atomically, or that a reader checks). On any failure the partly written file is removed;
 * a refused write is thrown as a DiskWriteError naming `file`, other errors unchanged.
 */
export function writeFileOrRemove(file: string, data: string | Uint8Array): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'w');
  } catch (e) {
    throw toDiskWriteError(e, file);
  }
  try {
    try {
      faultPoint(`write ${path.basename(file)}`);
      fs.writeFileSync(fd, data);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    fs.rmSync(file, { force: true });
    throw toDiskWriteError(e, file);
  }
}

/**
 * Writes the folder `dir` atomically: `write` fills a temporary sibling, which then replaces
 * `dir` (an existing `dir` is moved aside, the new one renamed into place, the old one removed).
 * On any failure the temporary folder (and any parent folder this call created) is removed and
 * an existing `dir` is left as it was; a refused write is thrown as a DiskWriteError (a file of
 * the temporary folder is named by its path under `dir`), other errors unchanged.
 */
export function writeFolderAtomically(dir: string, write: (tmp: string) => void): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  let movedAside = false;
  let created: string | undefined;
  try {
    fs.rmSync(tmp, { recursive: true, force: true });
    created = makeFolders(tmp);
    write(tmp);
    faultPoint(`rename ${path.basename(dir)}`);
    if (fs.existsSync(dir)) {
      fs.renameSync(dir, old);
      movedAside = true;
    }
    faultPoint(`replace ${path.basename(dir)}`);
    fs.renameSync(tmp, dir);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    removeCreatedFolders(path.dirname(tmp), created);
    if (movedAside) fs.renameSync(old, dir);
    // name the file by where it was going to be, not by the temporary folder that is gone now
    const at = e instanceof DiskWriteError ? e.path : (e as NodeJS.ErrnoException | null)?.path;
    const named = at !== undefined && isInside(tmp, at) ? path.join(dir, path.relative(tmp, at)) : e instanceof DiskWriteError ? e.path : dir;
    throw toDiskWriteError(e, named);
  }
  fs.rmSync(old, { recursive: true, force: true });
}

function isInside(folder: string, p: string): boolean {
  const rel = path.relative(path.resolve(folder), path.resolve(p));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** sha256 of bytes, hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
