/**
 * MATLAB Level 5 MAT-file reader (and a small writer) for real numeric arrays.
 *
 * Layout (MathWorks, "MAT-File Format", R2024a, ch. 1): a 128-byte header (116 bytes of text,
 * 8 bytes subsystem offset, uint16 version 0x0100, 2-byte endian indicator 'IM' for a
 * little-endian file, 'MI' for big-endian), then data elements. Each element has an 8-byte tag
 * (uint32 type, uint32 byte count) followed by its data padded to 8 bytes, or the 4-byte
 * "small data element" form (uint16 byte count, uint16 type, ≤ 4 bytes of data) when the upper
 * 16 bits of the first tag word are non-zero. Variables are miMATRIX elements holding, in order:
 * array flags (miUINT32 × 2: class in the low byte, complex/global/logical bits 0x0800/0x0400/
 * 0x0200 above it), dimensions (miINT32), name (miINT8), real part, [imaginary part].
 * miCOMPRESSED elements hold one zlib-compressed element (usually an miMATRIX).
 * Numeric data are column-major and may be stored in a smaller type than the class
 * (e.g. a double array of small integers stored as miUINT8).
 *
 * Supported: real double/single/int8..uint64 arrays (logical as uint8). Complex, sparse, char,
 * cell, struct and object variables are listed but cannot be read as numbers; v4 and v7.3
 * (HDF5) files are rejected.
 */
import * as zlib from 'node:zlib';
import { FsvaeInputError } from '../util/assert';

// Data types (Table 1-1).
export const MAT_MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
  UTF32: 18,
} as const;

// Array classes (Table 1-3).
export const MX_CLASS_NAMES: Readonly<Record<number, string>> = {
  1: 'cell',
  2: 'struct',
  3: 'object',
  4: 'char',
  5: 'sparse',
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
};

export type MatNumericClass = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

const NUMERIC_CLASS_BY_ID: Readonly<Record<number, MatNumericClass>> = {
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
};
const CLASS_ID: Readonly<Record<MatNumericClass, number>> = {
  double: 6,
  single: 7,
  int8: 8,
  uint8: 9,
  int16: 10,
  uint16: 11,
  int32: 12,
  uint32: 13,
  int64: 14,
  uint64: 15,
};

const ELEMENT_SIZE: Readonly<Record<number, number>> = {
  1: 1,
  2: 1,
  3: 2,
  4: 2,
  5: 4,
  6: 4,
  7: 4,
  9: 8,
  12: 8,
  13: 8,
};
const MI_NAMES: Readonly<Record<number, string>> = {
  1: 'miINT8',
  2: 'miUINT8',
  3: 'miINT16',
  4: 'miUINT16',
  5: 'miINT32',
  6: 'miUINT32',
  7: 'miSINGLE',
  9: 'miDOUBLE',
  12: 'miINT64',
  13: 'miUINT64',
  14: 'miMATRIX',
  15: 'miCOMPRESSED',
  16: 'miUTF8',
  17: 'miUTF16',
  18: 'miUTF32',
};

/** One variable of a MAT-file. `data` is set only for real numeric arrays (column-major). */
export interface MatVariable {
  name: string;
  /** 'double', 'single', 'int32', ... or 'cell', 'struct', 'char', 'sparse', 'object'. */
  className: string;
  dims: number[];
  complex: boolean;
  logical: boolean;
  /** column-major values; null when the variable is not a real numeric array. */
  data: Float64Array | null;
  /** why `data` is null. */
  unsupported?: string;
}

export interface MatFile {
  /** the descriptive header text (trimmed). */
  header: string;
  littleEndian: boolean;
  variables: MatVariable[];
}

function fail(
  source: string,
  what: string,
  fix = "The file is damaged or not a MATLAB v5 MAT-file; re-save it in MATLAB with save(..., '-v7') or scipy.io.savemat.",
): never {
  throw new FsvaeInputError(`${source}: ${what}. ${fix}`);
}

/** Bounds-checked reader over a byte range. */
class Cursor {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly le: boolean,
    readonly source: string,
    readonly where: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(offset: number, n: number, what: string): void {
    if (offset < 0 || offset + n > this.bytes.length) {
      fail(this.source, `${this.where} is truncated: ${what} needs bytes ${offset}..${offset + n - 1} but only ${this.bytes.length} are there`);
    }
  }
  u32(o: number): number {
    this.need(o, 4, 'a 32-bit word');
    return this.view.getUint32(o, this.le);
  }
}

interface Element {
  type: number;
  /** the element's payload. */
  data: Uint8Array;
  /** offset of the next element in the enclosing range. */
  next: number;
}

function readTag(c: Cursor, offset: number, topLevel: boolean): Element {
  c.need(offset, 8, 'a data element tag');
  const w0 = c.u32(offset);
  if (w0 >>> 16 !== 0) {
    // Small data element: [nbytes:uint16 | type:uint16] in the file's byte order, data in the next 4 bytes.
    const type = w0 & 0xffff;
    const n = w0 >>> 16;
    if (n > 4) fail(c.source, `small data element at byte ${offset} of ${c.where} claims ${n} bytes (at most 4 fit)`);
    return { type, data: c.bytes.subarray(offset + 4, offset + 4 + n), next: offset + 8 };
  }
  const type = w0;
  const n = c.u32(offset + 4);
  const start = offset + 8;
  c.need(start, n, `element of type ${MI_NAMES[type] ?? type} at byte ${offset} (${n} bytes declared)`);
  // Compressed top-level elements are not padded; everything else is padded to 8 bytes.
  const padded = type === MAT_MI.COMPRESSED && topLevel ? n : Math.ceil(n / 8) * 8;
  return { type, data: c.bytes.subarray(start, start + n), next: Math.min(start + padded, c.bytes.length) };
}

function numericValues(c: Cursor, el: Element, count: number, what: string): Float64Array {
  const size = ELEMENT_SIZE[el.type];
  if (size === undefined) {
    fail(c.source, `${what} is stored as ${MI_NAMES[el.type] ?? `type ${el.type}`}, not a numeric data type`);
  }
  if (el.data.length !== count * size) {
    fail(
      c.source,
      `${what}: the dimensions give ${count} elements (${count * size} bytes of ${MI_NAMES[el.type]}) ` + `but the element holds ${el.data.length} bytes`,
    );
  }
  const v = new DataView(el.data.buffer, el.data.byteOffset, el.data.byteLength);
  const out = new Float64Array(count);
  const le = c.le;
  for (let i = 0; i < count; i++) {
    const o = i * size;
    switch (el.type) {
      case MAT_MI.INT8:
        out[i] = v.getInt8(o);
        break;
      case MAT_MI.UINT8:
        out[i] = v.getUint8(o);
        break;
      case MAT_MI.INT16:
        out[i] = v.getInt16(o, le);
        break;
      case MAT_MI.UINT16:
        out[i] = v.getUint16(o, le);
        break;
      case MAT_MI.INT32:
        out[i] = v.getInt32(o, le);
        break;
      case MAT_MI.UINT32:
        out[i] = v.getUint32(o, le);
        break;
      case MAT_MI.SINGLE:
        out[i] = v.getFloat32(o, le);
        break;
      case MAT_MI.DOUBLE:
        out[i] = v.getFloat64(o, le);
        break;
      case MAT_MI.INT64:
      case MAT_MI.UINT64: {
        const b = el.type === MAT_MI.INT64 ? v.getBigInt64(o, le) : v.getBigUint64(o, le);
        const n = Number(b);
        if (!Number.isSafeInteger(n))
          fail(
            c.source,
            `${what}: 64-bit integer ${b} at element ${i} cannot be represented exactly as a double`,
            'Convert the variable to double before saving.',
          );
        out[i] = n;
        break;
      }
    }
  }
  return out;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function parseMatrix(c: Cursor, payload: Uint8Array, at: string): MatVariable {
  const sub = new Cursor(payload, c.le, c.source, `miMATRIX ${at}`);
  if (payload.length === 0) {
    // An empty miMATRIX is how MATLAB writes an empty cell entry; it has no name.
    return { name: '', className: 'empty', dims: [0, 0], complex: false, logical: false, data: null, unsupported: 'empty matrix element' };
  }
  const flagsEl = readTag(sub, 0, false);
  if (flagsEl.type !== MAT_MI.UINT32 || flagsEl.data.length !== 8) {
    fail(c.source, `${at}: array flags must be 8 bytes of miUINT32, got ${flagsEl.data.length} bytes of ${MI_NAMES[flagsEl.type] ?? flagsEl.type}`);
  }
  const f0 = new DataView(flagsEl.data.buffer, flagsEl.data.byteOffset, 8).getUint32(0, c.le);
  const classId = f0 & 0xff;
  const complex = (f0 & 0x0800) !== 0;
  const logical = (f0 & 0x0200) !== 0;
  const className = MX_CLASS_NAMES[classId];
  if (className === undefined) fail(c.source, `${at}: unknown array class ${classId}`);

  const dimsEl = readTag(sub, flagsEl.next, false);
  if (dimsEl.type !== MAT_MI.INT32 || dimsEl.data.length % 4 !== 0 || dimsEl.data.length < 8) {
    fail(c.source, `${at}: dimensions must be at least two miINT32 values, got ${dimsEl.data.length} bytes of ${MI_NAMES[dimsEl.type] ?? dimsEl.type}`);
  }
  const dv = new DataView(dimsEl.data.buffer, dimsEl.data.byteOffset, dimsEl.data.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < dimsEl.data.length / 4; i++) {
    const d = dv.getInt32(i * 4, c.le);
    if (d < 0) fail(c.source, `${at}: negative dimension ${d}`);
    dims.push(d);
  }
  const nameEl = readTag(sub, dimsEl.next, false);
  if (nameEl.type !== MAT_MI.INT8 && nameEl.type !== MAT_MI.UINT8) {
    fail(c.source, `${at}: array name must be miINT8, got ${MI_NAMES[nameEl.type] ?? nameEl.type}`);
  }
  const name = latin1(nameEl.data);
  const label = name ? `variable '${name}'` : at;
  const base: MatVariable = { name, className, dims, complex, logical, data: null };

  const numeric = NUMERIC_CLASS_BY_ID[classId];
  if (!numeric) return { ...base, unsupported: `${className} arrays are not supported (only real numeric arrays are)` };
  if (complex) return { ...base, unsupported: 'complex arrays are not supported (only real numeric arrays are)' };

  const count = dims.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count) || count > 2 ** 31) fail(c.source, `${label}: dimensions [${dims.join(', ')}] are implausibly large`);
  const realEl = readTag(sub, nameEl.next, false);
  const data = numericValues(sub, realEl, count, `${label} (${className} [${dims.join('×')}])`);
  if (realEl.next < payload.length) {
    // Only padding may follow the real part of a real array.
    for (let i = realEl.next; i < payload.length; i++) {
      if (payload[i] !== 0) fail(c.source, `${label}: unexpected data after the real part (a real array has no imaginary part)`);
    }
  }
  return { ...base, data };
}

const MAX_INFLATED = 1 << 30;

function parseElements(c: Cursor, start: number, topLevel: boolean, out: MatVariable[]): void {
  let offset = start;
  while (offset < c.bytes.length) {
    // Trailing zero padding at the end of a file or decompressed block is harmless (type 0 is not a data type).
    if (offset + 4 <= c.bytes.length && c.u32(offset) === 0 && c.bytes.subarray(offset).every((b) => b === 0)) return;
    const el = readTag(c, offset, topLevel);
    const at = `element at byte ${offset} of ${c.where}`;
    if (el.type === MAT_MI.COMPRESSED) {
      let inflated: Buffer;
      try {
        inflated = zlib.inflateSync(el.data, { maxOutputLength: MAX_INFLATED });
      } catch (e) {
        fail(c.source, `miCOMPRESSED ${at} does not decompress (${(e as Error).message})`);
      }
      const inner = new Cursor(new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength), c.le, c.source, `the compressed ${at}`);
      parseElements(inner, 0, false, out);
    } else if (el.type === MAT_MI.MATRIX) {
      out.push(parseMatrix(c, el.data, at));
    } else {
      fail(c.source, `${at} has type ${MI_NAMES[el.type] ?? el.type}; a MAT-file holds only miMATRIX and miCOMPRESSED elements at the top level`);
    }
    offset = el.next;
  }
}

/** Parses the bytes of a Level 5 MAT-file; `source` names the file in error messages. */
export function parseMat5(buf: Uint8Array, source: string): MatFile {
  if (buf.length < 128) fail(source, `${buf.length} bytes is shorter than the 128-byte MAT-file header`);
  const text = latin1(buf.subarray(0, 116));
  if (text.startsWith('MATLAB 7.3')) {
    fail(source, 'this is a MATLAB 7.3 (HDF5) MAT-file, which this reader does not support', "Re-save it in MATLAB with save(file, '-v7').");
  }
  if (!text.startsWith('MATLAB 5.0 MAT-file')) {
    fail(
      source,
      `the header does not start with 'MATLAB 5.0 MAT-file' (found ${JSON.stringify(text.slice(0, 24))}); ` +
        'not a Level 5 MAT-file (v4 files are not supported)',
    );
  }
  const endian = String.fromCharCode(buf[126], buf[127]);
  if (endian !== 'IM' && endian !== 'MI') fail(source, `endian indicator at bytes 126-127 is ${JSON.stringify(endian)}, expected 'IM' or 'MI'`);
  const le = endian === 'IM';
  const version = new DataView(buf.buffer, buf.byteOffset + 124, 2).getUint16(0, le);
  if (version !== 0x0100) fail(source, `version field is 0x${version.toString(16)}, expected 0x0100`);
  const c = new Cursor(buf, le, source, 'the file');
  const variables: MatVariable[] = [];
  parseElements(c, 128, true, variables);
  return { header: text.replace(/[\s\0]+$/, ''), littleEndian: le, variables };
}

/** The real numeric variable `name`, with a clear error when it is missing or not numeric. */
export function matNumeric(file: MatFile, name: string, source: string): MatVariable & { data: Float64Array } {
  const v = file.variables.find((x) => x.name === name);
  if (!v) {
    const names = file.variables.map((x) => x.name).filter(Boolean);
    throw new FsvaeInputError(
      `${source}: no variable '${name}' (the file holds ${names.length ? names.map((n) => `'${n}'`).join(', ') : 'no named variables'}).`,
    );
  }
  if (!v.data)
    throw new FsvaeInputError(
      `${source}: variable '${name}' (${v.className}${v.complex ? ', complex' : ''} [${v.dims.join('×')}]) cannot be read: ${v.unsupported}.`,
    );
  return v as MatVariable & { data: Float64Array };
}

// ---------------------------------------------------------------------------------------------
// Writer (used to make test files; output is readable by scipy.io.loadmat and MATLAB).

export interface MatWriteVariable {
  name: string;
  dims: number[];
  /** column-major values. */
  data: ArrayLike<number>;
  className?: MatNumericClass;
  /** storage type of the real part (default: the class's own type). */
  storage?: number;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One data element: 8-byte tag + payload padded to 8 bytes (no padding for `pad = false`). */
export function encodeMatElement(type: number, payload: Uint8Array, littleEndian = true, pad = true): Uint8Array {
  const padded = pad ? Math.ceil(payload.length / 8) * 8 : payload.length;
  const out = new Uint8Array(8 + padded);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, littleEndian);
  v.setUint32(4, payload.length, littleEndian);
  out.set(payload, 8);
  return out;
}

const STORAGE_FOR_CLASS: Readonly<Record<MatNumericClass, number>> = {
  double: MAT_MI.DOUBLE,
  single: MAT_MI.SINGLE,
  int8: MAT_MI.INT8,
  uint8: MAT_MI.UINT8,
  int16: MAT_MI.INT16,
  uint16: MAT_MI.UINT16,
  int32: MAT_MI.INT32,
  uint32: MAT_MI.UINT32,
  int64: MAT_MI.INT64,
  uint64: MAT_MI.UINT64,
};

/** Packs numbers as the given mi type. */
export function encodeMatNumbers(type: number, values: ArrayLike<number>, littleEndian = true): Uint8Array {
  const size = ELEMENT_SIZE[type];
  if (!size) throw new Error(`encodeMatNumbers: ${type} is not a numeric mi type`);
  const out = new Uint8Array(values.length * size);
  const v = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    const o = i * size;
    switch (type) {
      case MAT_MI.INT8:
        v.setInt8(o, x);
        break;
      case MAT_MI.UINT8:
        v.setUint8(o, x);
        break;
      case MAT_MI.INT16:
        v.setInt16(o, x, littleEndian);
        break;
      case MAT_MI.UINT16:
        v.setUint16(o, x, littleEndian);
        break;
      case MAT_MI.INT32:
        v.setInt32(o, x, littleEndian);
        break;
      case MAT_MI.UINT32:
        v.setUint32(o, x, littleEndian);
        break;
      case MAT_MI.SINGLE:
        v.setFloat32(o, x, littleEndian);
        break;
      case MAT_MI.DOUBLE:
        v.setFloat64(o, x, littleEndian);
        break;
      case MAT_MI.INT64:
        v.setBigInt64(o, BigInt(x), littleEndian);
        break;
      case MAT_MI.UINT64:
        v.setBigUint64(o, BigInt(x), littleEndian);
        break;
    }
  }
  return out;
}

/**
 * The miMATRIX element of a variable. `classId`/`flags` allow writing other classes (e.g. a
 * complex or cell header) in tests; `parts` are the elements after the name.
 */
export function encodeMatMatrix(opts: {
  name: string;
  dims: number[];
  classId: number;
  flags?: number;
  parts: Uint8Array[];
  littleEndian?: boolean;
}): Uint8Array {
  const le = opts.littleEndian ?? true;
  const flags = new Uint8Array(8);
  new DataView(flags.buffer).setUint32(0, (opts.flags ?? 0) | opts.classId, le);
  const dims = encodeMatNumbers(MAT_MI.INT32, opts.dims, le);
  const name = Uint8Array.from(opts.name, (ch) => ch.charCodeAt(0));
  const payload = concat([
    encodeMatElement(MAT_MI.UINT32, flags, le),
    encodeMatElement(MAT_MI.INT32, dims, le),
    encodeMatElement(MAT_MI.INT8, name, le),
    ...opts.parts,
  ]);
  return encodeMatElement(MAT_MI.MATRIX, payload, le);
}

/** The 128-byte header. */
export function encodeMatHeader(littleEndian = true, text = 'MATLAB 5.0 MAT-file, written by fsvae'): Uint8Array {
  const out = new Uint8Array(128).fill(0x20);
  for (let i = 0; i < Math.min(text.length, 116); i++) out[i] = text.charCodeAt(i);
  out.fill(0, 116, 124);
  const v = new DataView(out.buffer);
  v.setUint16(124, 0x0100, littleEndian);
  // 'IM' read in the file's own byte order: the bytes are 'I','M' for little-endian files.
  const e = littleEndian ? 'IM' : 'MI';
  out[126] = e.charCodeAt(0);
  out[127] = e.charCodeAt(1);
  return out;
}

/** Encodes real numeric variables as a Level 5 MAT-file (optionally zlib-compressed per variable). */
export function encodeMat5(vars: MatWriteVariable[], opts: { compress?: boolean; littleEndian?: boolean } = {}): Uint8Array {
  const le = opts.littleEndian ?? true;
  const parts: Uint8Array[] = [encodeMatHeader(le)];
  for (const v of vars) {
    const cls = v.className ?? 'double';
    const count = v.dims.reduce((a, b) => a * b, 1);
    if (count !== v.data.length) throw new Error(`encodeMat5: '${v.name}' has ${v.data.length} values for dims [${v.dims.join(', ')}]`);
    const storage = v.storage ?? STORAGE_FOR_CLASS[cls];
    const real = encodeMatElement(storage, encodeMatNumbers(storage, v.data, le), le);
    const m = encodeMatMatrix({ name: v.name, dims: v.dims, classId: CLASS_ID[cls], parts: [real], littleEndian: le });
    parts.push(opts.compress ? encodeMatElement(MAT_MI.COMPRESSED, zlib.deflateSync(m), le, false) : m);
  }
  return concat(parts);
}
