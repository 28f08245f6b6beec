/**
 * Atomic file writes: the bytes go to a temporary name in the same folder, are flushed to disk
 * (fsync), and the temporary file is renamed over the final name, so a reader — or a run resumed
 * after kill -9 — sees either the old file or the new one, never a part.
 *
 * `setFaultHook` lets tests stop a write between any two filesystem operations (it is called
 * with a label before each one), to check what a killed process leaves behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';

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

/** Writes `data` to `file` atomically (temporary name, fsync, rename, fsync of the folder). */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${process.hrtime.bigint()}`);
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
  fsyncPath(dir, 'r');
}

/** sha256 of bytes, hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
