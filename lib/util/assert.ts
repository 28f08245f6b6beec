/** Input validation helpers: every message names what was checked and how to fix it. */
import * as fs from 'node:fs';

export class FsvaeInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FsvaeInputError';
  }
}

/** Throws unless every value is finite; `what` names the source (file, tensor, argument). */
export function assertFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      throw new FsvaeInputError(
        `${what}: value #${i} is ${v}; NaN/Inf are not allowed. Clean the input (drop or interpolate the bad frames) before calling.`,
      );
    }
  }
}

export function assertPositiveInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new FsvaeInputError(`${what} must be a positive integer, got ${value}.`);
  }
}

export function assertShape(shape: readonly number[], expected: readonly (number | null)[], what: string): void {
  const ok = shape.length === expected.length && expected.every((e, i) => e === null || e === shape[i]);
  if (!ok) {
    const exp = `[${expected.map((e) => (e === null ? '*' : e)).join(', ')}]`;
    throw new FsvaeInputError(`${what}: expected shape ${exp}, got [${shape.join(', ')}].`);
  }
}

/** Reads a user's input file; a missing or unreadable file is an FsvaeInputError naming it. */
export function readInputFile(file: string, hint = 'Check the path.'): Uint8Array {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new FsvaeInputError(`${file}: ${err.code === 'ENOENT' ? 'file not found' : `cannot read (${err.code ?? err.message})`}. ${hint}`);
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** readInputFile as UTF-8 text. */
export function readInputText(file: string, hint?: string): string {
  return Buffer.from(readInputFile(file, hint)).toString('utf8');
}
