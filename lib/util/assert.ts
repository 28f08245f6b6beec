/** Input validation helpers: every message names what was checked and how to fix it. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export class FsvaeInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FsvaeInputError';
  }
}

export function assertPositiveInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new FsvaeInputError(`${what} must be a positive integer, got ${value}.`);
  }
}

/** One line for a filesystem error on `p`: what happened and the fix. */
export function describeFsError(p: string, e: unknown, hint = 'Check the path.'): FsvaeInputError {
  const err = e as NodeJS.ErrnoException;
  const why =
    err.code === 'ENOENT'
      ? 'no such file or folder (not found, or a link whose target is missing)'
      : err.code === 'EACCES' || err.code === 'EPERM'
        ? 'permission denied; make it readable (chmod) or run as a user who may read it'
        : err.code === 'EISDIR'
          ? 'is a folder, not a file'
          : err.code === 'ENOTDIR'
            ? 'a part of the path is not a folder'
            : err.code === 'ELOOP'
              ? 'a link that points to itself (link loop)'
              : `cannot be read (${err.code ?? err.message})`;
  return new FsvaeInputError(`${p}: ${why}. ${hint}`);
}

/** Default size limit of an input file (Node cannot hold a larger Buffer). */
export const MAX_INPUT_BYTES = 2 ** 31 - 1;

/**
 * The stat of an input file that may be read: a regular file (links followed) of at most
 * `maxBytes`. FIFOs, devices, sockets and folders are refused before anything opens them, so a
 * named pipe cannot hang a reader and /dev/zero cannot fill the memory.
 */
export function statInputFile(file: string, hint = 'Check the path.', maxBytes = MAX_INPUT_BYTES): fs.Stats {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw describeFsError(file, e, hint);
  }
  if (st.isDirectory()) throw new FsvaeInputError(`${file}: is a folder, not a file. ${hint}`);
  if (!st.isFile()) {
    const kind = st.isFIFO()
      ? 'a named pipe (FIFO)'
      : st.isCharacterDevice() || st.isBlockDevice()
        ? 'a device'
        : st.isSocket()
          ? 'a socket'
          : 'not a regular file';
    throw new FsvaeInputError(`${file}: is ${kind}, not a regular file; refusing to read it. Remove it from the data folder or point to the real file.`);
  }
  if (st.size > maxBytes)
    throw new FsvaeInputError(
      `${file}: is ${st.size} bytes, more than the ${maxBytes} bytes a file of this kind may have; ` + 'it is not a file of this format (or a damaged one).',
    );
  return st;
}

/** Reads a user's input file (regular files only, see statInputFile); errors name the file. */
export function readInputFile(file: string, hint = 'Check the path.', maxBytes = MAX_INPUT_BYTES): Uint8Array {
  statInputFile(file, hint, maxBytes);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw describeFsError(file, e, hint);
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * The sorted paths of the entries of `folder` whose names end with `suffix`; the folder must be
 * a readable folder and every matching entry a regular file (else an error naming the entry).
 */
export function listInputFolder(folder: string, suffix: string, hint: string): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(folder);
  } catch (e) {
    throw describeFsError(folder, e, hint);
  }
  if (!st.isDirectory()) throw new FsvaeInputError(`${folder}: not a folder. ${hint}`);
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch (e) {
    throw describeFsError(folder, e, hint);
  }
  const files = names
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => path.join(folder, f));
  for (const f of files) statInputFile(f, `Every ${suffix} entry of ${folder} must be a regular file; remove or rename this one.`);
  return files;
}

/** readInputFile as UTF-8 text. */
export function readInputText(file: string, hint?: string, maxBytes?: number): string {
  return Buffer.from(readInputFile(file, hint, maxBytes)).toString('utf8');
}
