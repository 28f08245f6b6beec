/**
 * NumPy `.npy` reader and writer (format versions 1.0, 2.0 and 3.0).
 *
 * File layout (numpy/lib/format.py): the 6-byte magic `\x93NUMPY`, a major and a minor version
 * byte, the header length (uint16 LE in 1.0, uint32 LE in 2.0/3.0), then a Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (60, 512), }` padded with spaces and ended
 * by '\n' (latin-1 in 1.0/2.0, UTF-8 in 3.0), then the raw array bytes in C order.
 *
 * Supported dtypes: float32, float64, int64, int32, uint8 and bool; big-endian variants of the
 * multi-byte ones are byte-swapped on read. Fortran order, object/string/structured dtypes and
 * files whose data length differs from the header's shape are rejected with FsvaeInputError.
 *
 * Besides the full reader: readNpyHeader reads only a file's preamble and header (dtype, shape,
 * data offset) for layout checks of large files; readNpyIntegers reads a 1-D vector of any
 * integer dtype; readNpyStrings reads a 1-D array of fixed-width unicode strings ('<U…').
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsvaeInputError, describeFsError, readInputFile } from '../util/assert';
import { makeFolders, removeCreatedFolders, toDiskWriteError, writeFileOrRemove } from '../util/atomic-file';

export type NpyDtype = 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'bool';
export type NpyData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

export interface NpyArray {
  dtype: NpyDtype;
  /** C-order shape; [] for a 0-d scalar. */
  shape: number[];
  /** Float32Array (float32), Float64Array (float64), BigInt64Array (int64), Int32Array (int32), Uint8Array (uint8 and bool, values 0/1). */
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const ITEMSIZE: Record<NpyDtype, number> = { float32: 4, float64: 8, int64: 8, int32: 4, uint8: 1, bool: 1 };
/** numpy's `descr` strings as written on a little-endian machine. */
const DESCR_OUT: Record<NpyDtype, string> = { float32: '<f4', float64: '<f8', int64: '<i8', int32: '<i4', uint8: '|u1', bool: '|b1' };
const KIND_SIZE_TO_DTYPE: Record<string, NpyDtype> = { f4: 'float32', f8: 'float64', i8: 'int64', i4: 'int32', u1: 'uint8', b1: 'bool' };

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Python-style tuple text of a shape: (5,), (3, 4), (). */
export function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function fail(source: string, what: string, fix: string): never {
  throw new FsvaeInputError(`${source}: ${what}. ${fix}`);
}

// ---------------------------------------------------------------------------------------------
// Header dict literal parser (the small subset of Python syntax numpy writes).

type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue };

class HeaderParser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly source: string,
  ) {}

  private err(msg: string): never {
    fail(
      this.source,
      `malformed .npy header (${msg}) in ${JSON.stringify(this.s.trim())}`,
      'The file is damaged or was not written by numpy.save; re-export it with numpy.save.',
    );
  }
  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }
  private peek(): string {
    this.ws();
    return this.s[this.i] ?? '';
  }
  private expect(ch: string): void {
    if (this.peek() !== ch) this.err(`expected '${ch}' at offset ${this.i}`);
    this.i++;
  }
  parseTop(): PyValue {
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) this.err(`unexpected text after the dict at offset ${this.i}`);
    return v;
  }
  private value(): PyValue {
    const c = this.peek();
    if (c === '{') return this.dict();
    if (c === '(' || c === '[') return this.seq(c === '(' ? ')' : ']');
    if (c === "'" || c === '"') return this.str();
    if (/[-0-9]/.test(c)) return this.num();
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*/.exec(this.s.slice(this.i));
      const word = m ? m[0] : '';
      this.i += word.length;
      if (word === 'True') return true;
      if (word === 'False') return false;
      if (word === 'None') return null;
      this.err(`unknown name '${word}'`);
    }
    this.err(c === '' ? 'unexpected end' : `unexpected character '${c}' at offset ${this.i}`);
  }
  private dict(): { [k: string]: PyValue } {
    this.expect('{');
    const out: { [k: string]: PyValue } = {};
    while (this.peek() !== '}') {
      const k = this.value();
      if (typeof k !== 'string') this.err('dict key is not a string');
      this.expect(':');
      if (Object.hasOwn(out, k)) this.err(`duplicate key '${k}'`);
      out[k] = this.value();
      if (this.peek() === ',') this.i++;
      else if (this.peek() !== '}') this.err(`expected ',' or '}' at offset ${this.i}`);
    }
    this.i++;
    return out;
  }
  private seq(close: string): PyValue[] {
    this.i++;
    const out: PyValue[] = [];
    while (this.peek() !== close) {
      out.push(this.value());
      if (this.peek() === ',') this.i++;
      else if (this.peek() !== close) this.err(`expected ',' or '${close}' at offset ${this.i}`);
    }
    this.i++;
    return out;
  }
  private str(): string {
    const q = this.s[this.i++];
    let out = '';
    while (this.i < this.s.length && this.s[this.i] !== q) {
      if (this.s[this.i] === '\\') this.i++;
      out += this.s[this.i++] ?? '';
    }
    if (this.i >= this.s.length) this.err('unterminated string');
    this.i++;
    return out;
  }
  private num(): number {
    // Python 2 pickles could write long integers as `3L`; numpy still reads those.
    const m = /^-?\d+L?/.exec(this.s.slice(this.i));
    if (!m) this.err(`bad number at offset ${this.i}`);
    this.i += m[0].length;
    if (this.s[this.i] === '.' || this.s[this.i] === 'e') this.err('non-integer number');
    return Number(m[0].replace('L', ''));
  }
}

interface ParsedHeader {
  dtype: NpyDtype;
  bigEndian: boolean;
  shape: number[];
  dataOffset: number;
}

function parseDescr(descr: PyValue, source: string): { dtype: NpyDtype; bigEndian: boolean } {
  if (Array.isArray(descr)) {
    fail(source, 'structured (record) dtype is not supported', 'Save each field as its own plain numeric array.');
  }
  if (typeof descr !== 'string') fail(source, `'descr' is ${JSON.stringify(descr)}, not a dtype string`, 'Re-export the file with numpy.save.');
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (!m) fail(source, `unknown dtype '${descr}'`, 'Supported: float32, float64, int64, int32, uint8, bool.');
  const [, order, kind, size] = m;
  if (kind === 'O') {
    fail(
      source,
      `object array ('${descr}') cannot be read without unpickling`,
      'Convert it to a numeric array (e.g. np.asarray(x, dtype=np.float32)) and save again.',
    );
  }
  if (kind === 'U' || kind === 'S' || kind === 'V') {
    fail(source, `string/void dtype '${descr}' is not supported`, 'Only numeric arrays (float32, float64, int64, int32, uint8, bool) are read.');
  }
  const dtype = KIND_SIZE_TO_DTYPE[kind + size];
  if (!dtype) fail(source, `unsupported dtype '${descr}'`, 'Convert to one of float32, float64, int64, int32, uint8, bool.');
  // '=' is native order; numpy writes '<' or '>' explicitly, so treat '=' as the writer's (little-endian) order.
  return { dtype, bigEndian: order === '>' && ITEMSIZE[dtype] > 1 };
}

/** The preamble and header dict of a .npy file, checked up to its keys; the dtype and shape are not judged yet. */
interface HeaderDict {
  dict: { [k: string]: PyValue };
  /** the header text as written (padding included) */
  text: string;
  major: number;
  dataOffset: number;
}

function parseHeaderDict(buf: Uint8Array, source: string): HeaderDict {
  if (MAGIC.some((b, i) => i < buf.length && buf[i] !== b) || buf.length < MAGIC.length) {
    const got = Array.from(buf.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(' ');
    fail(
      source,
      `not a .npy file (magic bytes are [${got}], expected 93 4e 55 4d 50 59 = \\x93NUMPY)`,
      'Pass a file written by numpy.save (.npz archives and pickles are not .npy).',
    );
  }
  if (buf.length < 10) {
    fail(
      source,
      `file ends inside the .npy preamble (${buf.length} bytes; magic, version and header length need 10)`,
      'The file is truncated; copy or download it again.',
    );
  }
  const major = buf[6];
  const minor = buf[7];
  if (![1, 2, 3].includes(major) || minor !== 0) {
    fail(source, `unsupported .npy format version ${major}.${minor}`, 'Versions 1.0, 2.0 and 3.0 are supported; re-save with a current numpy.');
  }
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = buf[8] | (buf[9] << 8);
    start = 10;
  } else {
    if (buf.length < 12) fail(source, `file ends inside the .npy preamble (${buf.length} bytes)`, 'The file is truncated; copy or download it again.');
    headerLen = (buf[8] | (buf[9] << 8) | (buf[10] << 16)) + buf[11] * 2 ** 24;
    start = 12;
  }
  const dataOffset = start + headerLen;
  if (dataOffset > buf.length) {
    fail(
      source,
      `file ends inside the .npy header (header needs ${dataOffset} bytes, file has ${buf.length})`,
      'The file is truncated; copy or download it again.',
    );
  }
  const bytes = buf.subarray(start, dataOffset);
  const text = major === 3 ? new TextDecoder('utf-8').decode(bytes) : Buffer.from(bytes).toString('latin1');
  const parsed = new HeaderParser(text, source).parseTop();
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    fail(source, 'the .npy header is not a dict', 'Re-export the file with numpy.save.');
  const keys = Object.keys(parsed).sort();
  if (keys.join(',') !== 'descr,fortran_order,shape') {
    fail(source, `the .npy header has keys [${keys.join(', ')}], expected exactly descr, fortran_order, shape`, 'Re-export the file with numpy.save.');
  }
  return { dict: parsed, text, major, dataOffset };
}

function checkFortranOrder(v: PyValue, source: string): boolean {
  if (typeof v !== 'boolean') fail(source, `'fortran_order' is ${JSON.stringify(v)}, not True/False`, 'Re-export the file with numpy.save.');
  return v;
}

function checkShape(v: PyValue, source: string): number[] {
  if (!Array.isArray(v) || v.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
    fail(source, `'shape' is ${JSON.stringify(v)}, not a tuple of non-negative integers`, 'Re-export the file with numpy.save.');
  }
  return v as number[];
}

function parseHeader(buf: Uint8Array, source: string): ParsedHeader {
  const { dict: parsed, dataOffset } = parseHeaderDict(buf, source);
  const { dtype, bigEndian } = parseDescr(parsed.descr, source);
  const fortranOrder = checkFortranOrder(parsed.fortran_order, source);
  const shape = checkShape(parsed.shape, source);
  if (fortranOrder) {
    fail(
      source,
      `array is stored in Fortran (column-major) order, shape ${shapeText(shape)}`,
      'Save a C-ordered copy: numpy.save(path, numpy.ascontiguousarray(x)).',
    );
  }
  return { dtype, bigEndian, shape, dataOffset };
}

function byteSwap(bytes: Uint8Array, itemsize: number): void {
  for (let o = 0; o < bytes.length; o += itemsize) {
    for (let a = o, b = o + itemsize - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/** Parses the bytes of a `.npy` file; `source` names the file in error messages. */
export function parseNpy(buf: Uint8Array, source: string): NpyArray {
  const { dtype, bigEndian, shape, dataOffset } = parseHeader(buf, source);
  const count = shape.reduce((a, b) => a * b, 1);
  const itemsize = ITEMSIZE[dtype];
  const expected = count * itemsize;
  const have = buf.length - dataOffset;
  if (have < expected) {
    fail(
      source,
      `truncated data: shape ${shapeText(shape)} of ${dtype} needs ${expected} bytes after the header, the file has ${have}`,
      'The file is incomplete; copy or download it again.',
    );
  }
  if (have > expected) {
    fail(
      source,
      `header shape ${shapeText(shape)} of ${dtype} accounts for ${expected} data bytes but the file has ${have}`,
      'The header does not describe the data; re-export the file with numpy.save.',
    );
  }
  // Copy into a fresh, aligned buffer (the data offset is only guaranteed 16- or 64-byte aligned in the file).
  const bytes = new Uint8Array(expected);
  bytes.set(buf.subarray(dataOffset, dataOffset + expected));
  if (itemsize > 1 && bigEndian === HOST_LITTLE_ENDIAN) byteSwap(bytes, itemsize);
  const ab = bytes.buffer;
  let data: NpyData;
  switch (dtype) {
    case 'float32':
      data = new Float32Array(ab);
      break;
    case 'float64':
      data = new Float64Array(ab);
      break;
    case 'int64':
      data = new BigInt64Array(ab);
      break;
    case 'int32':
      data = new Int32Array(ab);
      break;
    case 'uint8':
      data = bytes;
      break;
    case 'bool': {
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] > 1)
          fail(source, `bool array holds byte ${bytes[i]} at element ${i} (must be 0 or 1)`, 'The file is damaged; re-export it with numpy.save.');
      }
      data = bytes;
      break;
    }
  }
  return { dtype, shape: [...shape], data };
}

const READ_HINT = 'Check the path; see the data README for where the file comes from.';

/** Reads a `.npy` file. */
export function readNpy(file: string): NpyArray {
  return parseNpy(readInputFile(file, READ_HINT), file);
}

// ---------------------------------------------------------------------------------------------
// Header only, any integer vector, unicode strings

/** What the header of a `.npy` file says, read without its data. */
export interface NpyHeader {
  /** the dtype as numpy wrote it, e.g. '<f4', '|u1', '<i8', '<U12' (not judged: any plain dtype string) */
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** byte offset of the data (preamble + header length) */
  dataOffset: number;
  /** format version, major part (1, 2 or 3) */
  version: number;
}

function headerFields(h: HeaderDict, source: string): NpyHeader {
  const descr = h.dict.descr;
  if (typeof descr !== 'string') {
    fail(source, `'descr' is ${JSON.stringify(descr)}, not a dtype string (structured dtypes have no single descr)`, 'Save each field as its own plain array.');
  }
  const fortranOrder = checkFortranOrder(h.dict.fortran_order, source);
  return { descr, fortranOrder, shape: checkShape(h.dict.shape, source), dataOffset: h.dataOffset, version: h.major };
}

/**
 * The header of `.npy` bytes (all of the file, or at least its preamble and header); `source`
 * names the file in error messages. The dtype is returned as written, whatever it is.
 */
export function parseNpyHeader(buf: Uint8Array, source: string): NpyHeader {
  return headerFields(parseHeaderDict(buf, source), source);
}

/**
 * Reads only the preamble and header of a `.npy` file (feature files run to hundreds of MB; a
 * layout check needs dtype and shape). Errors are FsvaeInputErrors naming the file.
 */
export function readNpyHeader(file: string): NpyHeader {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw describeFsError(file, e, READ_HINT);
  }
  try {
    const size = fs.fstatSync(fd).size;
    const pre = new Uint8Array(12);
    const n = fs.readSync(fd, pre, 0, 12, 0);
    let head = pre.subarray(0, n);
    if (n >= 10 && MAGIC.every((b, i) => pre[i] === b) && (pre[6] === 1 || n === 12)) {
      const end = pre[6] === 1 ? 10 + (pre[8] | (pre[9] << 8)) : 12 + (pre[8] | (pre[9] << 8) | (pre[10] << 16)) + pre[11] * 2 ** 24;
      head = new Uint8Array(Math.min(end, size));
      head = head.subarray(0, fs.readSync(fd, head, 0, head.length, 0));
    }
    return parseNpyHeader(head, file);
  } catch (e) {
    if (e instanceof FsvaeInputError) throw e;
    throw describeFsError(file, e, READ_HINT);
  } finally {
    fs.closeSync(fd);
  }
}

/** Bytes per element of a plain dtype string ('<f4' → 4, '|u1' → 1, '<U12' → 48); NaN when it is not one. */
export function npyItemSize(descr: string): number {
  const m = /^[<>|=]?([a-zA-Z])(\d+)$/.exec(descr);
  if (!m) return NaN;
  return m[1] === 'U' ? 4 * Number(m[2]) : Number(m[2]);
}

/**
 * Reads a 1-D vector of any integer dtype (int8..int64, uint8..uint64, either byte order) as
 * numbers, e.g. label files whose exporter chose an unusual width. `header` saves re-reading it.
 */
export function readNpyIntegers(file: string, header: NpyHeader = readNpyHeader(file)): number[] {
  const size = npyItemSize(header.descr);
  const kind = header.descr.replace(/^[<>|=]/, '')[0];
  if ((kind !== 'i' && kind !== 'u') || ![1, 2, 4, 8].includes(size)) {
    fail(file, `expected an integer dtype, got '${header.descr}'`, 'Save the vector as integers (e.g. np.int64).');
  }
  if (header.shape.length !== 1) fail(file, `expected a 1-D integer vector, got shape ${shapeText(header.shape)}`, 'Save the vector as a 1-D array.');
  const n = header.shape[0];
  const buf = Buffer.from(readInputFile(file, READ_HINT)).subarray(header.dataOffset);
  if (buf.length < n * size) throw new FsvaeInputError(`${file}: ${buf.length} data bytes, expected ${n * size} for shape (${n},).`);
  const big = header.descr.startsWith('>');
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * size;
    if (size === 8)
      out[i] = Number(kind === 'u' ? (big ? buf.readBigUInt64BE(o) : buf.readBigUInt64LE(o)) : big ? buf.readBigInt64BE(o) : buf.readBigInt64LE(o));
    else if (size === 4) out[i] = kind === 'u' ? (big ? buf.readUInt32BE(o) : buf.readUInt32LE(o)) : big ? buf.readInt32BE(o) : buf.readInt32LE(o);
    else if (size === 2) out[i] = kind === 'u' ? (big ? buf.readUInt16BE(o) : buf.readUInt16LE(o)) : big ? buf.readInt16BE(o) : buf.readInt16LE(o);
    else out[i] = kind === 'u' ? buf.readUInt8(o) : buf.readInt8(o);
  }
  return out;
}

/**
 * Reads a 1-d numpy array of fixed-width unicode strings ('<U<k>', UTF-32LE), e.g. SynSE's
 * language_data/labels.npy; trailing NULs are dropped.
 */
export function readNpyStrings(file: string): string[] {
  const buf = Buffer.from(readInputFile(file, READ_HINT));
  if (buf.length < 10 || buf.readUInt8(0) !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY')
    throw new FsvaeInputError(`${file}: not a .npy file (bad magic).`);
  const dict = parseHeaderDict(buf, file);
  const h = headerFields(dict, file);
  const descr = /^([<>|=]?)U(\d+)$/.exec(h.descr);
  if (!descr || h.shape.length !== 1) {
    throw new FsvaeInputError(`${file}: expected a 1-d array of unicode strings (dtype '<U…'), header is ${dict.text.trim()}.`);
  }
  if (descr[1] === '>') throw new FsvaeInputError(`${file}: big-endian unicode arrays are not supported; re-save with numpy on a little-endian machine.`);
  if (h.fortranOrder) throw new FsvaeInputError(`${file}: fortran_order arrays are not supported.`);
  const width = Number(descr[2]);
  const n = h.shape[0];
  const data = h.dataOffset;
  if (buf.length < data + n * width * 4) throw new FsvaeInputError(`${file}: ${buf.length - data} data bytes, the header needs ${n * width * 4}.`);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let s = '';
    for (let c = 0; c < width; c++) {
      const cp = buf.readUInt32LE(data + (i * width + c) * 4);
      if (cp === 0) break;
      s += String.fromCodePoint(cp);
    }
    out.push(s);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writer

function dataTypeMatches(dtype: NpyDtype, data: NpyData): boolean {
  switch (dtype) {
    case 'float32':
      return data instanceof Float32Array;
    case 'float64':
      return data instanceof Float64Array;
    case 'int64':
      return data instanceof BigInt64Array;
    case 'int32':
      return data instanceof Int32Array;
    case 'uint8':
    case 'bool':
      return data instanceof Uint8Array;
  }
}

/** Encodes an array as `.npy` bytes, byte-identical to numpy.save for these dtypes (version 1.0, or 2.0 for huge headers). */
export function encodeNpy(array: NpyArray, what = 'encodeNpy'): Uint8Array {
  const { dtype, shape, data } = array;
  if (!(dtype in ITEMSIZE)) throw new FsvaeInputError(`${what}: unknown dtype '${String(dtype)}'; use float32, float64, int64, int32, uint8 or bool.`);
  if (!dataTypeMatches(dtype, data)) {
    throw new FsvaeInputError(`${what}: dtype '${dtype}' does not match the data (${data.constructor.name}); pass the matching typed array.`);
  }
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new FsvaeInputError(`${what}: shape ${JSON.stringify(shape)} must be non-negative integers.`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new FsvaeInputError(`${what}: shape ${shapeText(shape)} has ${count} elements but the data has ${data.length}; fix the shape.`);
  }
  if (dtype === 'bool') {
    for (let i = 0; i < data.length; i++) {
      if ((data as Uint8Array)[i] > 1) throw new FsvaeInputError(`${what}: bool data must be 0/1, element ${i} is ${(data as Uint8Array)[i]}.`);
    }
  }
  const dict = `{'descr': '${DESCR_OUT[dtype]}', 'fortran_order': False, 'shape': ${shapeText(shape)}, }`;
  // numpy pads so that preamble + header (+ '\n') is a multiple of 64 bytes.
  let major = 1;
  let pre = 10;
  let total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  if (total - pre > 0xffff) {
    major = 2;
    pre = 12;
    total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  }
  const headerLen = total - pre;
  const header = dict + ' '.repeat(headerLen - dict.length - 1) + '\n';
  const itemBytes = data.byteLength;
  const out = new Uint8Array(total + itemBytes);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  if (major === 1) {
    out[8] = headerLen & 0xff;
    out[9] = headerLen >> 8;
  } else {
    new DataView(out.buffer).setUint32(8, headerLen, true);
  }
  out.set(Buffer.from(header, 'latin1'), pre);
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  if (!HOST_LITTLE_ENDIAN && ITEMSIZE[dtype] > 1) byteSwap(raw, ITEMSIZE[dtype]);
  out.set(raw, total);
  return out;
}

/**
 * Writes a `.npy` file (creating its folder). A failed write leaves no part behind: the file, and
 * the folders this call created, are removed; a refused write (full disk, quota, read-only file
 * system, file too large) is thrown as a DiskWriteError naming the file.
 */
export function writeNpy(file: string, array: NpyArray): void {
  const bytes = encodeNpy(array, file);
  const dir = path.dirname(file);
  let created: string | undefined;
  try {
    created = makeFolders(dir);
  } catch (e) {
    throw toDiskWriteError(e, file);
  }
  try {
    writeFileOrRemove(file, bytes);
  } catch (e) {
    removeCreatedFolders(dir, created);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Typed conveniences

export type { Float32Matrix } from './matrices';
import type { Float32Matrix } from './matrices';

/**
 * Converts a 2-D float32/float64 array to a row-major Float32Array, rejecting NaN/Inf (and float64
 * values outside the float32 range) with the row and column named. Integer arrays are rejected:
 * features must be floats.
 */
export function npyToFloat32Matrix(arr: NpyArray, source: string, expectedCols?: number): Float32Matrix {
  if (arr.shape.length !== 2) {
    fail(source, `expected a 2-D (rows, cols) feature matrix, got shape ${shapeText(arr.shape)}`, 'Save the features as an (N, D) array.');
  }
  const [rows, cols] = arr.shape;
  if (expectedCols !== undefined && cols !== expectedCols) {
    fail(source, `expected ${expectedCols} columns, got shape (${rows}, ${cols})`, 'Check that this is the right file for the chosen feature/text dimension.');
  }
  let data: Float32Array;
  if (arr.dtype === 'float32') data = arr.data as Float32Array;
  else if (arr.dtype === 'float64') data = Float32Array.from(arr.data as Float64Array);
  else fail(source, `features must be float32 or float64, got ${arr.dtype}`, 'Save the features as floats (np.float32).');
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const r = Math.floor(i / cols);
      const c = i % cols;
      const orig = arr.dtype === 'float64' ? (arr.data as Float64Array)[i] : data[i];
      const why = Number.isFinite(orig) ? `${orig} overflows float32` : `${orig}`;
      fail(source, `non-finite value at row ${r}, column ${c} (${why})`, 'NaN/Inf features are not allowed; fix or drop that sample before export.');
    }
  }
  return { rows, cols, data };
}

/** Reads a 2-D float feature matrix as float32 (float64 files are converted). */
export function readNpyFloat32Matrix(file: string, expectedCols?: number): Float32Matrix {
  return npyToFloat32Matrix(readNpy(file), file, expectedCols);
}

/**
 * Converts a label vector to Int32Array. Shapes (N,) and (N, 1) are accepted. int64/int32/uint8
 * are accepted when every value lies in [0, 2^31); float32/float64 labels are accepted only when
 * every value is an exact non-negative integer (some exporters save labels as floats, and such
 * values round-trip exactly), otherwise rejected. bool is rejected. Class-range checks belong to
 * the caller, which knows the number of classes.
 */
export function npyToLabels(arr: NpyArray, source: string): Int32Array {
  const s = arr.shape;
  if (!(s.length === 1 || (s.length === 2 && s[1] === 1))) {
    fail(source, `expected a label vector of shape (N,) or (N, 1), got ${shapeText(s)}`, 'Save labels as a 1-D integer array.');
  }
  const n = s[0];
  const out = new Int32Array(n);
  const bad = (i: number, v: unknown, why: string): never =>
    fail(source, `label #${i} is ${String(v)} (${why})`, 'Labels must be 0-based class indices stored as integers.');
  switch (arr.dtype) {
    case 'int64': {
      const d = arr.data as BigInt64Array;
      for (let i = 0; i < n; i++) {
        if (d[i] < 0n || d[i] > 2147483647n) bad(i, d[i], 'outside 0..2^31-1');
        out[i] = Number(d[i]);
      }
      break;
    }
    case 'int32': {
      const d = arr.data as Int32Array;
      for (let i = 0; i < n; i++) {
        if (d[i] < 0) bad(i, d[i], 'negative');
        out[i] = d[i];
      }
      break;
    }
    case 'uint8':
      out.set(arr.data as Uint8Array);
      break;
    case 'float32':
    case 'float64': {
      const d = arr.data as Float32Array | Float64Array;
      for (let i = 0; i < n; i++) {
        const v = d[i];
        if (!Number.isInteger(v)) bad(i, v, 'not an integer');
        if (v < 0 || v > 2147483647) bad(i, v, 'outside 0..2^31-1');
        out[i] = v;
      }
      break;
    }
    case 'bool':
      fail(source, 'labels are stored as bool', 'Save labels as integer class indices (np.int64).');
  }
  return out;
}

/** Reads a label vector (see npyToLabels for what is accepted). */
export function readNpyLabels(file: string): Int32Array {
  return npyToLabels(readNpy(file), file);
}

/** Reads a 1-D integer index list (e.g. a label split `ru5.npy`) as plain numbers. */
export function readNpyIndexList(file: string): number[] {
  const arr = readNpy(file);
  if (arr.shape.length !== 1) fail(file, `expected a 1-D index list, got shape ${shapeText(arr.shape)}`, 'Save the list as a 1-D integer array.');
  return Array.from(npyToLabels(arr, file));
}
