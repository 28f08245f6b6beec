import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  NpyArray,
  encodeNpy,
  npyItemSize,
  parseNpy,
  parseNpyHeader,
  readNpy,
  readNpyFloat32Matrix,
  readNpyHeader,
  readNpyIndexList,
  readNpyIntegers,
  readNpyLabels,
  readNpyStrings,
  writeNpy,
} from '../../lib/data/npy';
import { locateData } from '../../lib/data/paths';
import { FsvaeInputError } from '../../lib/util/assert';
import { tempDir } from '../temp-dirs';

/**
 * A .npy file built by hand from the format spec (independent of encodeNpy): magic, version,
 * little-endian header length, header text padded with spaces to a 64-byte boundary and '\n'.
 */
function handNpy(dict: string, data: Uint8Array, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  const hlen = total - pre;
  const header = dict + ' '.repeat(hlen - dict.length - 1) + '\n';
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) {
    out[8] = hlen & 0xff;
    out[9] = hlen >> 8;
  } else {
    out[8] = hlen & 0xff;
    out[9] = (hlen >> 8) & 0xff;
    out[10] = (hlen >> 16) & 0xff;
    out[11] = hlen >>> 24;
  }
  out.set(Buffer.from(header, version === 3 ? 'utf8' : 'latin1'), pre);
  out.set(data, total);
  return out;
}
const dictOf = (descr: string, shape: string, fortran = 'False') => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
/** Bytes of numbers written with a DataView in the given endianness. */
function bytesOf(kind: 'f4' | 'f8' | 'i4' | 'i8', values: (number | bigint)[], little = true): Uint8Array {
  const size = kind[1] === '4' ? 4 : 8;
  const dv = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, i) => {
    if (kind === 'f4') dv.setFloat32(i * size, v as number, little);
    if (kind === 'f8') dv.setFloat64(i * size, v as number, little);
    if (kind === 'i4') dv.setInt32(i * size, v as number, little);
    if (kind === 'i8') dv.setBigInt64(i * size, BigInt(v), little);
  });
  return new Uint8Array(dv.buffer);
}

function tmpDir(): string {
  return tempDir('npy');
}

function throwsInput(fn: () => unknown, ...parts: (string | RegExp)[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FsvaeInputError, `expected FsvaeInputError, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    for (const p of parts) {
      if (typeof p === 'string') assert.ok(e.message.includes(p), `message lacks '${p}': ${e.message}`);
      else assert.match(e.message, p);
    }
    return true;
  });
}

describe('parseNpy on hand-built buffers', () => {
  test('float32 (2, 3) C order, values and shape', () => {
    const vals = [1.5, -2, 0.25, 3e-8, 1e20, -0];
    const a = parseNpy(handNpy(dictOf('<f4', '(2, 3)'), bytesOf('f4', vals)), 'x.npy');
    assert.equal(a.dtype, 'float32');
    assert.deepEqual(a.shape, [2, 3]);
    assert.ok(a.data instanceof Float32Array);
    assert.deepEqual(
      Array.from(a.data as Float32Array),
      vals.map((v) => Math.fround(v)),
    );
  });
  test('float64, int32, int64 (beyond 2^53), uint8 and bool', () => {
    const f8 = parseNpy(handNpy(dictOf('<f8', '(2,)'), bytesOf('f8', [Math.PI, -1e300])), 'a');
    assert.deepEqual(Array.from(f8.data as Float64Array), [Math.PI, -1e300]);
    const i4 = parseNpy(handNpy(dictOf('<i4', '(3,)'), bytesOf('i4', [-2147483648, 0, 7])), 'b');
    assert.deepEqual(Array.from(i4.data as Int32Array), [-2147483648, 0, 7]);
    const big = 2n ** 60n + 3n;
    const i8 = parseNpy(handNpy(dictOf('<i8', '(2,)'), bytesOf('i8', [big, -5n])), 'c');
    assert.deepEqual(Array.from(i8.data as BigInt64Array), [big, -5n]);
    const u1 = parseNpy(handNpy(dictOf('|u1', '(4,)'), new Uint8Array([0, 1, 200, 255])), 'd');
    assert.equal(u1.dtype, 'uint8');
    assert.deepEqual(Array.from(u1.data as Uint8Array), [0, 1, 200, 255]);
    const b1 = parseNpy(handNpy(dictOf('|b1', '(2, 2)'), new Uint8Array([1, 0, 0, 1])), 'e');
    assert.equal(b1.dtype, 'bool');
    assert.deepEqual(Array.from(b1.data as Uint8Array), [1, 0, 0, 1]);
  });
  test('big-endian >f4, >f8, >i4, >i8 are byte-swapped to the right values', () => {
    // 1.5 as big-endian float32 is 3f c0 00 00.
    const f4 = parseNpy(handNpy(dictOf('>f4', '(1,)'), new Uint8Array([0x3f, 0xc0, 0, 0])), 'be');
    assert.equal((f4.data as Float32Array)[0], 1.5);
    const f8 = parseNpy(handNpy(dictOf('>f8', '(2,)'), bytesOf('f8', [-0.1, 6.02e23], false)), 'be');
    assert.deepEqual(Array.from(f8.data as Float64Array), [-0.1, 6.02e23]);
    const i4 = parseNpy(handNpy(dictOf('>i4', '(2,)'), new Uint8Array([0, 0, 1, 2, 0xff, 0xff, 0xff, 0xfe])), 'be');
    assert.deepEqual(Array.from(i4.data as Int32Array), [258, -2]);
    const i8 = parseNpy(handNpy(dictOf('>i8', '(1,)'), bytesOf('i8', [-(2n ** 40n)], false)), 'be');
    assert.equal((i8.data as BigInt64Array)[0], -(2n ** 40n));
  });
  test('format versions 2.0 and 3.0 (4-byte header length)', () => {
    for (const v of [2, 3]) {
      const a = parseNpy(handNpy(dictOf('<f4', '(2,)'), bytesOf('f4', [7, 8]), v), `v${v}`);
      assert.deepEqual(Array.from(a.data as Float32Array), [7, 8]);
    }
  });
  test('0-d scalar, zero-size (0, 256) and Python-2 long shapes (3L,)', () => {
    const s = parseNpy(handNpy(dictOf('<f8', '()'), bytesOf('f8', [2.5])), 's');
    assert.deepEqual(s.shape, []);
    assert.deepEqual(Array.from(s.data as Float64Array), [2.5]);
    const z = parseNpy(handNpy(dictOf('<f4', '(0, 256)'), new Uint8Array(0)), 'z');
    assert.deepEqual(z.shape, [0, 256]);
    assert.equal(z.data.length, 0);
    const l = parseNpy(handNpy(dictOf('<i4', '(3L,)'), bytesOf('i4', [1, 2, 3])), 'l');
    assert.deepEqual(l.shape, [3]);
  });
  test('the header may list keys in any order and use double quotes', () => {
    const dict = `{"shape": (2,), "fortran_order": False, "descr": "<i4"}`;
    const a = parseNpy(handNpy(dict, bytesOf('i4', [4, 5])), 'q');
    assert.deepEqual(Array.from(a.data as Int32Array), [4, 5]);
  });
  test('unaligned data offset inside a larger buffer is copied, not viewed', () => {
    const file = handNpy(dictOf('<f8', '(1,)'), bytesOf('f8', [1.25]));
    const big = new Uint8Array(file.length + 3);
    big.set(file, 3);
    const a = parseNpy(big.subarray(3), 'u');
    assert.equal((a.data as Float64Array)[0], 1.25);
  });
});

describe('parseNpy rejects bad input with the file named', () => {
  const good = () => handNpy(dictOf('<f4', '(2, 2)'), bytesOf('f4', [1, 2, 3, 4]));
  test('bad magic', () => {
    const b = good();
    b[1] = 0x6e; // 'n'
    throwsInput(() => parseNpy(b, '/data/bad.npy'), '/data/bad.npy', 'magic');
  });
  test('Fortran order', () => {
    throwsInput(() => parseNpy(handNpy(dictOf('<f4', '(2, 2)', 'True'), bytesOf('f4', [1, 2, 3, 4])), 'f.npy'), 'f.npy', 'Fortran');
  });
  test('truncated data and header lies (too short / too long)', () => {
    const b = good();
    throwsInput(() => parseNpy(b.subarray(0, b.length - 1), 't.npy'), 't.npy', 'truncated', '16 bytes', '15');
    throwsInput(() => parseNpy(b.subarray(0, 8), 'p.npy'), 'p.npy', 'ends inside the .npy preamble (8 bytes');
    throwsInput(
      () => parseNpy(b.subarray(0, 70), 'h.npy'),
      'h.npy',
      'ends inside the .npy header (header needs 64 bytes, file has 70)'.replace('64', String(b.length - 16)),
    );
    throwsInput(() => parseNpy(handNpy(dictOf('<f4', '(2, 3)'), bytesOf('f4', [1, 2, 3, 4])), 'l.npy'), 'l.npy', 'truncated');
    throwsInput(() => parseNpy(handNpy(dictOf('<f4', '(1, 2)'), bytesOf('f4', [1, 2, 3, 4])), 'm.npy'), 'm.npy', 'accounts for 8', '16');
  });
  test('object, string and structured arrays, unknown dtypes', () => {
    throwsInput(() => parseNpy(handNpy(dictOf('|O', '(2,)'), new Uint8Array(16)), 'o.npy'), 'o.npy', 'object');
    throwsInput(() => parseNpy(handNpy(dictOf('<U25', '(1,)'), new Uint8Array(100)), 'u.npy'), 'u.npy', 'string');
    throwsInput(
      () => parseNpy(handNpy(`{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(4)), 's.npy'),
      's.npy',
      'structured',
    );
    throwsInput(() => parseNpy(handNpy(dictOf('<c8', '(1,)'), new Uint8Array(8)), 'c.npy'), 'c.npy', "unsupported dtype '<c8'");
    throwsInput(() => parseNpy(handNpy(dictOf('<f2', '(1,)'), new Uint8Array(2)), 'h.npy'), 'h.npy', '<f2');
  });
});

describe('real .npy files (label splits, MSF text features)', () => {
  const loc = locateData('label-splits');
  const text = locateData('msf-text');
  test('ru5.npy is int64 [10, 11, 19, 26, 56]; encodeNpy reproduces every real file byte for byte', (t) => {
    if (!loc.path || !text.path) return t.skip(`real data not found (tried ${loc.tried.join(', ')})`);
    const ru5 = readNpy(path.join(loc.path, 'ntu', 'ru5.npy'));
    assert.equal(ru5.dtype, 'int64');
    assert.deepEqual(Array.from(ru5.data as BigInt64Array), [10n, 11n, 19n, 26n, 56n]);
    assert.deepEqual(readNpyIndexList(path.join(loc.path, 'ntu', 'ru12.npy')), [9, 42, 12, 58, 15, 51, 47, 59, 5, 3, 56, 40]);
    const files: string[] = [];
    for (const sub of ['ntu', 'nw-ucla', 'utd-mhad']) {
      for (const f of fs.readdirSync(path.join(loc.path, sub))) files.push(path.join(loc.path, sub, f));
    }
    for (const enc of ['32', '16']) {
      for (const f of fs.readdirSync(path.join(text.path, 'text_feats', 'ViT-B', enc))) files.push(path.join(text.path, 'text_feats', 'ViT-B', enc, f));
    }
    assert.equal(files.length, 28 + 12);
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      assert.equal(Buffer.compare(Buffer.from(encodeNpy(readNpy(f))), bytes), 0, `${f} re-encodes differently`);
    }
  });
  test('text table lb_60 (ViT-B/32) is float32 (60, 512) and readNpyLabels reads split lists', (t) => {
    if (!loc.path || !text.path) return t.skip('real data not found');
    const m = readNpyFloat32Matrix(path.join(text.path, 'text_feats', 'ViT-B', '32', 'lb_60.npy'), 512);
    assert.equal(m.rows, 60);
    assert.equal(m.cols, 512);
    assert.equal(m.data.length, 60 * 512);
    assert.deepEqual(Array.from(readNpyLabels(path.join(loc.path, 'nw-ucla', 'ru2.npy'))), [1, 4]);
  });
});

describe('writeNpy / encodeNpy', () => {
  test('round trip of every dtype through a file', () => {
    const dir = tmpDir();
    const arrays: NpyArray[] = [
      { dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-3, 7]) },
      { dtype: 'float64', shape: [3], data: Float64Array.from([Math.E, -0.5, 1e-310]) },
      { dtype: 'int64', shape: [2, 1], data: BigInt64Array.from([-(2n ** 62n), 5n]) },
      { dtype: 'int32', shape: [4], data: Int32Array.from([1, -1, 2147483647, 0]) },
      { dtype: 'uint8', shape: [2, 2], data: Uint8Array.from([0, 9, 128, 255]) },
      { dtype: 'bool', shape: [3], data: Uint8Array.from([1, 0, 1]) },
      { dtype: 'float32', shape: [], data: Float32Array.from([4]) },
      { dtype: 'float32', shape: [0, 5], data: new Float32Array(0) },
    ];
    arrays.forEach((a, i) => {
      const f = path.join(dir, `a${i}.npy`);
      writeNpy(f, a);
      const b = readNpy(f);
      assert.equal(b.dtype, a.dtype);
      assert.deepEqual(b.shape, a.shape);
      assert.deepEqual(Array.from(b.data as ArrayLike<number>), Array.from(a.data as ArrayLike<number>));
      assert.equal((fs.statSync(f).size - a.data.byteLength) % 64, 0, 'header padded to 64 bytes');
    });
  });
  test('the header follows numpy exactly: 1-D shape "(5,)", descr "<i8", 128-byte preamble', () => {
    const b = encodeNpy({ dtype: 'int64', shape: [5], data: new BigInt64Array(5) });
    const header = Buffer.from(b.subarray(10, 128)).toString('latin1');
    assert.equal(header.trimEnd(), "{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }");
    assert.equal(b[8] | (b[9] << 8), 118);
    assert.equal(b.length, 128 + 40);
  });
  test('a header longer than 65535 bytes switches to format 2.0', () => {
    const shape = new Array(22000).fill(1);
    const b = encodeNpy({ dtype: 'uint8', shape, data: Uint8Array.from([7]) });
    assert.equal(b[6], 2);
    const a = parseNpy(b, 'v2');
    assert.equal(a.shape.length, 22000);
    assert.equal((a.data as Uint8Array)[0], 7);
  });
  test('encodeNpy rejects mismatched dtype, shape and bool values', () => {
    throwsInput(() => encodeNpy({ dtype: 'float32', shape: [2], data: new Float64Array(2) }, 'w.npy'), 'w.npy', 'does not match');
    throwsInput(() => encodeNpy({ dtype: 'float32', shape: [3], data: new Float32Array(2) }, 'w.npy'), 'w.npy', '3 elements');
    throwsInput(() => encodeNpy({ dtype: 'bool', shape: [1], data: Uint8Array.from([2]) }, 'w.npy'), 'w.npy', '0/1');
  });
});

describe('readNpyFloat32Matrix and readNpyLabels', () => {
  test('float64 features are converted to float32; NaN/Inf are reported with row and column', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'f64.npy');
    writeNpy(f, { dtype: 'float64', shape: [2, 3], data: Float64Array.from([0.1, 2, 3, 4, 5, 6]) });
    const m = readNpyFloat32Matrix(f, 3);
    assert.equal(m.data[0], Math.fround(0.1));
    assert.deepEqual([m.rows, m.cols], [2, 3]);
    throwsInput(() => readNpyFloat32Matrix(f, 4), f, 'expected 4 columns');
    const bad = path.join(dir, 'nan.npy');
    writeNpy(bad, { dtype: 'float32', shape: [2, 3], data: Float32Array.from([0, 0, 0, 0, 0, NaN]) });
    throwsInput(() => readNpyFloat32Matrix(bad), bad, 'row 1, column 2', 'NaN');
    const ovf = path.join(dir, 'ovf.npy');
    writeNpy(ovf, { dtype: 'float64', shape: [1, 2], data: Float64Array.from([1, 1e300]) });
    throwsInput(() => readNpyFloat32Matrix(ovf), ovf, 'row 0, column 1', 'overflows float32');
    const ints = path.join(dir, 'int.npy');
    writeNpy(ints, { dtype: 'int32', shape: [1, 2], data: Int32Array.from([1, 2]) });
    throwsInput(() => readNpyFloat32Matrix(ints), ints, 'float32 or float64');
    const vec = path.join(dir, 'vec.npy');
    writeNpy(vec, { dtype: 'float32', shape: [3], data: new Float32Array(3) });
    throwsInput(() => readNpyFloat32Matrix(vec), vec, '2-D');
  });
  test('labels: int64/int32/uint8 and integral floats accepted, (N, 1) flattened; others rejected', () => {
    const dir = tmpDir();
    const w = (name: string, a: NpyArray) => {
      const f = path.join(dir, name);
      writeNpy(f, a);
      return f;
    };
    assert.deepEqual(Array.from(readNpyLabels(w('a.npy', { dtype: 'int64', shape: [3], data: BigInt64Array.from([0n, 59n, 7n]) }))), [0, 59, 7]);
    assert.deepEqual(Array.from(readNpyLabels(w('b.npy', { dtype: 'float64', shape: [2, 1], data: Float64Array.from([3, 119]) }))), [3, 119]);
    assert.deepEqual(Array.from(readNpyLabels(w('c.npy', { dtype: 'uint8', shape: [2], data: Uint8Array.from([4, 9]) }))), [4, 9]);
    const frac = w('d.npy', { dtype: 'float32', shape: [2], data: Float32Array.from([1, 2.5]) });
    throwsInput(() => readNpyLabels(frac), frac, 'label #1 is 2.5', 'not an integer');
    const neg = w('e.npy', { dtype: 'int64', shape: [2], data: BigInt64Array.from([1n, -1n]) });
    throwsInput(() => readNpyLabels(neg), neg, 'label #1 is -1');
    const huge = w('f.npy', { dtype: 'int64', shape: [1], data: BigInt64Array.from([2n ** 31n]) });
    throwsInput(() => readNpyLabels(huge), huge, '2147483648');
    const twoD = w('g.npy', { dtype: 'int32', shape: [2, 2], data: new Int32Array(4) });
    throwsInput(() => readNpyLabels(twoD), twoD, '(N,)');
    const bools = w('h.npy', { dtype: 'bool', shape: [1], data: Uint8Array.from([1]) });
    throwsInput(() => readNpyLabels(bools), bools, 'bool');
  });
  test('a missing file is an FsvaeInputError naming the path', () => {
    const f = path.join(tmpDir(), 'nope.npy');
    throwsInput(() => readNpy(f), f, 'not found');
  });
});

describe('readNpyHeader: the preamble and header only', () => {
  test('a hand-written 1.0 header: descr, shape, fortran order and data offset, without reading (or needing) the data', () => {
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 1000), }";
    // 6 magic bytes, version 1.0, header length 118 (uint16 LE), the dict, 52 spaces, '\n': 10 + 118 = 128 bytes
    const bytes = Buffer.concat([
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]),
      Buffer.from(dict + ' '.repeat(52) + '\n', 'latin1'),
      Buffer.from([1, 2, 3, 4]),
    ]);
    assert.equal(bytes.length, 132);
    const file = path.join(tmpDir(), 'big.npy');
    fs.writeFileSync(file, bytes);
    assert.deepEqual(readNpyHeader(file), { descr: '<f4', fortranOrder: false, shape: [1000, 1000], dataOffset: 128, version: 1 });
    assert.deepEqual(parseNpyHeader(bytes, file), readNpyHeader(file));
    // the full reader wants the 4,000,000 data bytes the header announces
    throwsInput(() => readNpy(file), file, 'truncated data');
  });

  test('a 2.0 header with a dtype and order the full reader refuses is reported as written', () => {
    const dict = "{'descr': '>i2', 'fortran_order': True, 'shape': (3,), }";
    const bytes = Buffer.concat([
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 116, 0, 0, 0]),
      Buffer.from(dict + ' '.repeat(59) + '\n', 'latin1'),
      Buffer.from([0, 1, 0, 2, 0, 3]),
    ]);
    const file = path.join(tmpDir(), 'be.npy');
    fs.writeFileSync(file, bytes);
    assert.deepEqual(readNpyHeader(file), { descr: '>i2', fortranOrder: true, shape: [3], dataOffset: 128, version: 2 });
    throwsInput(() => readNpy(file), file);
    // agrees with handNpy's layout, and with the full reader's header on a file both read
    const ok = path.join(tmpDir(), 'ok.npy');
    fs.writeFileSync(ok, handNpy(dictOf('<i8', '(2, 3)'), bytesOf('i8', [1, 2, 3, 4, 5, 6])));
    assert.deepEqual(readNpyHeader(ok), { descr: '<i8', fortranOrder: false, shape: [2, 3], dataOffset: 128, version: 1 });
    assert.deepEqual(readNpy(ok).shape, [2, 3]);
  });

  test('bad files are FsvaeInputErrors naming the file', () => {
    const dir = tmpDir();
    const write = (name: string, bytes: Uint8Array) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, bytes);
      return f;
    };
    const magic = write('magic.npy', Buffer.from('PK\x03\x04 not numpy at all', 'latin1'));
    throwsInput(() => readNpyHeader(magic), magic, 'not a .npy file');
    const full = handNpy(dictOf('<f4', '(2,)'), bytesOf('f4', [1, 2]));
    const cut = write('cut.npy', full.subarray(0, 40));
    throwsInput(() => readNpyHeader(cut), cut, 'file ends inside the .npy header');
    const short = write('short.npy', full.subarray(0, 7));
    throwsInput(() => readNpyHeader(short), short, 'preamble');
    const rec = write('rec.npy', handNpy("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)));
    throwsInput(() => readNpyHeader(rec), rec, 'structured');
    const shape = write('shape.npy', handNpy(dictOf('<f4', '(-1,)'), new Uint8Array(0)));
    throwsInput(() => readNpyHeader(shape), shape, "'shape'");
    const absent = path.join(dir, 'absent.npy');
    throwsInput(() => readNpyHeader(absent), absent);
  });

  test('npyItemSize and readNpyIntegers: any integer width and byte order', () => {
    assert.equal(npyItemSize('<f4'), 4);
    assert.equal(npyItemSize('|u1'), 1);
    assert.equal(npyItemSize('<U12'), 48);
    assert.ok(Number.isNaN(npyItemSize('|O')));
    const dir = tmpDir();
    const i2 = path.join(dir, 'i2.npy');
    fs.writeFileSync(i2, handNpy(dictOf('<i2', '(3,)'), Uint8Array.from([0xff, 0xff, 7, 0, 0, 1])));
    assert.deepEqual(readNpyIntegers(i2), [-1, 7, 256]);
    const u4 = path.join(dir, 'u4.npy');
    fs.writeFileSync(u4, handNpy(dictOf('>u4', '(2,)'), Uint8Array.from([0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff])));
    assert.deepEqual(readNpyIntegers(u4, readNpyHeader(u4)), [5, 4294967295]);
    const f4 = path.join(dir, 'f4.npy');
    fs.writeFileSync(f4, handNpy(dictOf('<f4', '(1,)'), bytesOf('f4', [1])));
    throwsInput(() => readNpyIntegers(f4), f4, 'integer dtype');
  });
});

describe('readNpyStrings: fixed-width unicode arrays', () => {
  /** UTF-32LE code points of each string, NUL-padded to `width`. */
  const utf32 = (strings: string[], width: number): Uint8Array => {
    const dv = new DataView(new ArrayBuffer(strings.length * width * 4));
    strings.forEach((str, i) => [...str].forEach((ch, c) => dv.setUint32((i * width + c) * 4, ch.codePointAt(0)!, true)));
    return new Uint8Array(dv.buffer);
  };

  test('a hand-written <U6 array, astral characters included; trailing NULs dropped', () => {
    const file = path.join(tmpDir(), 'labels.npy');
    fs.writeFileSync(file, handNpy(dictOf('<U6', '(3,)'), utf32(['throw', 'hüg', 'a🙂b'], 6)));
    assert.deepEqual(readNpyHeader(file), { descr: '<U6', fortranOrder: false, shape: [3], dataOffset: 128, version: 1 });
    assert.deepEqual(readNpyStrings(file), ['throw', 'hüg', 'a🙂b']);
    // the numeric reader refuses it
    throwsInput(() => readNpy(file), file, "string/void dtype '<U6'");
  });

  test('not strings, not 1-d, big-endian, Fortran order, short data and bad magic are refused naming the file', () => {
    const dir = tmpDir();
    const write = (name: string, bytes: Uint8Array) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, bytes);
      return f;
    };
    const f4 = write('f4.npy', handNpy(dictOf('<f4', '(1,)'), bytesOf('f4', [1])));
    throwsInput(() => readNpyStrings(f4), f4, 'expected a 1-d array of unicode strings');
    const twoD = write('2d.npy', handNpy(dictOf('<U2', '(1, 1)'), utf32(['ab'], 2)));
    throwsInput(() => readNpyStrings(twoD), twoD, 'expected a 1-d array of unicode strings');
    const be = write('be.npy', handNpy(dictOf('>U2', '(1,)'), new Uint8Array(8)));
    throwsInput(() => readNpyStrings(be), be, 'big-endian');
    const fo = write('fo.npy', handNpy(dictOf('<U2', '(1,)', 'True'), utf32(['ab'], 2)));
    throwsInput(() => readNpyStrings(fo), fo, 'fortran_order');
    const short = write('short.npy', handNpy(dictOf('<U4', '(2,)'), utf32(['ab'], 4)));
    throwsInput(() => readNpyStrings(short), short, '16 data bytes, the header needs 32');
    const magic = write('magic.npy', Buffer.from('not a numpy file', 'latin1'));
    throwsInput(() => readNpyStrings(magic), magic, 'bad magic');
  });
});

describe('cross-check with numpy (optional)', () => {
  const py = '/usr/bin/python3';
  const hasNumpy = fs.existsSync(py) && spawnSync(py, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
  test('numpy reads what we write and we read what numpy writes (incl. big-endian, versions 2.0/3.0)', (t) => {
    if (!hasNumpy) return t.skip(`${py} with numpy not available`);
    const dir = tmpDir();
    writeNpy(path.join(dir, 'ours_f4.npy'), { dtype: 'float32', shape: [2, 2], data: Float32Array.from([1.5, -2, 0.125, 3]) });
    writeNpy(path.join(dir, 'ours_i8.npy'), { dtype: 'int64', shape: [3], data: BigInt64Array.from([-(2n ** 50n), 0n, 119n]) });
    writeNpy(path.join(dir, 'ours_b1.npy'), { dtype: 'bool', shape: [2], data: Uint8Array.from([1, 0]) });
    const script = `
import numpy as np, os
d = ${JSON.stringify(dir)}
a = np.load(os.path.join(d, 'ours_f4.npy')); b = np.load(os.path.join(d, 'ours_i8.npy')); c = np.load(os.path.join(d, 'ours_b1.npy'))
print(a.dtype, a.shape, a.ravel().tolist(), b.dtype, b.tolist(), c.dtype, c.tolist())
np.save(os.path.join(d, 'np_be.npy'), np.array([[1.25, -3.0], [7.0, 0.5]], dtype='>f8'))
np.save(os.path.join(d, 'np_bei.npy'), np.array([258, -2], dtype='>i4'))
with open(os.path.join(d, 'np_v2.npy'), 'wb') as f: np.lib.format.write_array(f, np.arange(6, dtype=np.int32).reshape(2, 3), version=(2, 0))
with open(os.path.join(d, 'np_v3.npy'), 'wb') as f: np.lib.format.write_array(f, np.arange(3, dtype=np.float32), version=(3, 0))
np.save(os.path.join(d, 'np_fortran.npy'), np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.save(os.path.join(d, 'np_obj.npy'), np.array([{'a': 1}], dtype=object), allow_pickle=True)
`;
    const r = spawnSync(py, ['-c', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'float32 (2, 2) [1.5, -2.0, 0.125, 3.0] int64 [-1125899906842624, 0, 119] bool [True, False]');
    assert.deepEqual(Array.from(readNpy(path.join(dir, 'np_be.npy')).data as Float64Array), [1.25, -3, 7, 0.5]);
    assert.deepEqual(Array.from(readNpy(path.join(dir, 'np_bei.npy')).data as Int32Array), [258, -2]);
    const v2 = readNpy(path.join(dir, 'np_v2.npy'));
    assert.deepEqual(
      [v2.shape, Array.from(v2.data as Int32Array)],
      [
        [2, 3],
        [0, 1, 2, 3, 4, 5],
      ],
    );
    assert.deepEqual(Array.from(readNpy(path.join(dir, 'np_v3.npy')).data as Float32Array), [0, 1, 2]);
    throwsInput(() => readNpy(path.join(dir, 'np_fortran.npy')), 'np_fortran.npy', 'Fortran');
    throwsInput(() => readNpy(path.join(dir, 'np_obj.npy')), 'np_obj.npy', 'object');
  });

  test('readNpyHeader, readNpyIntegers and readNpyStrings agree with numpy on files numpy wrote', (t) => {
    if (!hasNumpy) return t.skip(`${py} with numpy not available`);
    const dir = tmpDir();
    const script = `
import numpy as np, os, json
d = ${JSON.stringify(dir)}
np.save(os.path.join(d, 'u.npy'), np.array(['throw', 'h\u00fcg', 'a\\U0001F642b']))
np.save(os.path.join(d, 'u2.npy'), np.array([7, 65535, 0], dtype='<u2'))
np.save(os.path.join(d, 'fo.npy'), np.asfortranarray(np.zeros((2, 3), dtype='>f8')))
with open(os.path.join(d, 'v2.npy'), 'wb') as f: np.lib.format.write_array(f, np.zeros((4, 5), dtype=np.int8), version=(2, 0))
with open(os.path.join(d, 'v3.npy'), 'wb') as f: np.lib.format.write_array(f, np.array(['x\u00e9'], dtype='<U2'), version=(3, 0))
out = {}
for n in ['u', 'u2', 'fo', 'v2', 'v3']:
  with open(os.path.join(d, n + '.npy'), 'rb') as f:
    v = np.lib.format.read_magic(f)
    shape, fo, dt = (np.lib.format.read_array_header_1_0 if v == (1, 0) else np.lib.format.read_array_header_2_0)(f)
    out[n] = {'descr': dt.str, 'fortranOrder': fo, 'shape': list(shape), 'dataOffset': f.tell(), 'version': v[0]}
print(json.dumps(out))
`;
    const r = spawnSync(py, ['-c', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const want = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const [n, h] of Object.entries(want)) assert.deepEqual(readNpyHeader(path.join(dir, `${n}.npy`)), h, n);
    assert.deepEqual(readNpyStrings(path.join(dir, 'u.npy')), ['throw', 'hüg', 'a🙂b']);
    assert.deepEqual(readNpyStrings(path.join(dir, 'v3.npy')), ['xé']);
    assert.deepEqual(readNpyIntegers(path.join(dir, 'u2.npy')), [7, 65535, 0]);
  });
});
