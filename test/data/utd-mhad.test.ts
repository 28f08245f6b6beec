import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { MAT_MI, encodeMat5, encodeMatElement, encodeMatHeader, encodeMatMatrix, encodeMatNumbers, matNumeric, parseMat5 } from '../../lib/data/mat5';
import {
  UTD_MHAD_JOINT_ORDER,
  UTD_MHAD_TO_KINECT_V1,
  parseUtdMhadMat,
  parseUtdMhadName,
  readUtdMhadFile,
  readUtdMhadFolder,
} from '../../lib/data/datasets/utd-mhad';
import { KINECT_V1_20 } from '../../lib/data/layouts';
import { locateData } from '../../lib/data/paths';
import { checkBoneSymmetry } from '../../lib/data/preprocess';
import { SkeletonSequence } from '../../lib/data/skeleton';
import { FsvaeInputError } from '../../lib/util/assert';
import { assertClose } from '../helpers';

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

// Written by scipy 1.17.1 `savemat` (do_compression=True):
//   a = [[0.5, -1.25, 3], [4, 5e-3, -6e10]], cplx = [1+2j], ch = 'hi', ce = {1, 'x'} (cell), i32 = int32([7, -8, 9])
const SCIPY_COMPRESSED =
  'TUFUTEFCIDUuMCBNQVQtZmlsZSBQbGF0Zm9ybTogcG9zaXgsIENyZWF0ZWQgb246IFdlZCBOb3YgMjUgMTg6MTk6NTQgMjAyNgAAAAAAAAAAAAAAAAAAAAAA' +
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABSU0PAAAAQwAAAHic42NgYEgAYjYg5oDSIMAK5TMBMTMQMwJhIpDmBGIDBhh4YA+hBRwg9Jf9' +
  '1SLr3B9WlUDFOUDiG/o+aB8CABTvC0gPAAAALAAAAHic42NgYPAAYjYg5gDRIAIIWKF8RjhmYUguyKnghIpDwAd7VD6DAwB4dwPPDwAAACsAAAB4nONjYGAw' +
  'AGI2IOYAYhYGCGCF8hmBmAlMMzEkZzAwCADpjEwGBgAelwISDwAAAEAAAAB4nONjYGBYAMRsQMwBxIwMEMCKxGcC00wMyakMDHxAtgWSej4s6hmRzOFBMxek' +
  '3gBJPwsB/QJAVgWQBgAvhAMJDwAAADEAAAB4nONjYGBwAGI2IOYAYh4GCGCF8hmBmBlMMzNkGhuBxUFq2IH4x////zmh6gFgKQVi';
// scipy `savemat` without compression (small data elements for the short names and the uint8):
//   b = [[1], [2]] (double), u8 = uint8(200), f = float32([0.25, -0.5])
const SCIPY_PLAIN =
  'TUFUTEFCIDUuMCBNQVQtZmlsZSBQbGF0Zm9ybTogcG9zaXgsIENyZWF0ZWQgb246IFdlZCBOb3YgMjUgMTg6MTk6NTQgMjAyNgAAAAAAAAAAAAAAAAAAAAAA' +
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABSU0OAAAAQAAAAAYAAAAIAAAABgAAAAAAAAAFAAAACAAAAAIAAAABAAAAAQABAGIAAAAJAAAA' +
  'EAAAAAAAAAAAAPA/AAAAAAAAAEAOAAAAMAAAAAYAAAAIAAAACQAAAAAAAAAFAAAACAAAAAEAAAABAAAAAQACAHU4AAACAAEAyAAAAA4AAAA4AAAABgAAAAgA' +
  'AAAHAAAAAAAAAAUAAAAIAAAAAQAAAAIAAAABAAEAZgAAAAcAAAAIAAAAAACAPgAAAL8=';

describe('MAT v5 reader on files written by scipy', () => {
  test('compressed file: numeric arrays read column-major; complex/char/cell listed as unsupported', () => {
    const m = parseMat5(b64(SCIPY_COMPRESSED), 'scipy.mat');
    assert.equal(m.littleEndian, true);
    assert.deepEqual(
      m.variables.map((v) => [v.name, v.className]),
      [
        ['a', 'double'],
        ['cplx', 'double'],
        ['ch', 'char'],
        ['ce', 'cell'],
        ['i32', 'int32'],
      ],
    );
    const a = matNumeric(m, 'a', 'scipy.mat');
    assert.deepEqual(a.dims, [2, 3]);
    assert.deepEqual(Array.from(a.data), [0.5, 4, -1.25, 5e-3, 3, -6e10]);
    assert.deepEqual(Array.from(matNumeric(m, 'i32', 'scipy.mat').data), [7, -8, 9]);
    assert.throws(() => matNumeric(m, 'cplx', 'scipy.mat'), /variable 'cplx' \(double, complex \[1×1\]\) cannot be read: complex arrays are not supported/);
    assert.throws(() => matNumeric(m, 'ce', 'scipy.mat'), /cell arrays are not supported/);
    assert.throws(() => matNumeric(m, 'ch', 'scipy.mat'), /char arrays are not supported/);
    assert.throws(() => matNumeric(m, 'zz', 'scipy.mat'), /no variable 'zz' \(the file holds 'a', 'cplx', 'ch', 'ce', 'i32'\)/);
  });
  test('uncompressed file with small data elements: uint8, single, double', () => {
    const m = parseMat5(b64(SCIPY_PLAIN), 'plain.mat');
    assert.deepEqual(Array.from(matNumeric(m, 'b', 'p').data), [1, 2]);
    const u8 = matNumeric(m, 'u8', 'p');
    assert.equal(u8.className, 'uint8');
    assert.deepEqual(Array.from(u8.data), [200]);
    assert.deepEqual(Array.from(matNumeric(m, 'f', 'p').data), [0.25, -0.5]);
  });
});

describe('MAT v5 writer/reader round trip', () => {
  const values = Array.from({ length: 24 }, (_, i) => (i - 7) * 0.375);
  for (const compress of [false, true]) {
    for (const littleEndian of [true, false]) {
      test(`double, compress=${compress}, ${littleEndian ? 'little' : 'big'}-endian`, () => {
        const buf = encodeMat5(
          [
            { name: 'd_skel', dims: [2, 3, 4], data: values },
            { name: 'k', dims: [1, 2], data: [-3, 4], className: 'int16' },
          ],
          { compress, littleEndian },
        );
        const m = parseMat5(buf, 'rt.mat');
        assert.equal(m.littleEndian, littleEndian);
        assert.deepEqual(Array.from(matNumeric(m, 'd_skel', 'rt').data), values);
        assert.deepEqual(matNumeric(m, 'd_skel', 'rt').dims, [2, 3, 4]);
        assert.deepEqual(Array.from(matNumeric(m, 'k', 'rt').data), [-3, 4]);
      });
    }
  }
  test('double class stored as miUINT8 and miINT16 (MATLAB compacts integer-valued doubles)', () => {
    const m = parseMat5(
      encodeMat5([
        { name: 'a', dims: [1, 3], data: [0, 7, 255], storage: MAT_MI.UINT8 },
        { name: 'b', dims: [1, 2], data: [-300, 2], storage: MAT_MI.INT16 },
      ]),
      'st.mat',
    );
    const a = matNumeric(m, 'a', 'st');
    assert.equal(a.className, 'double');
    assert.deepEqual(Array.from(a.data), [0, 7, 255]);
    assert.deepEqual(Array.from(matNumeric(m, 'b', 'st').data), [-300, 2]);
  });
  test('sparse and struct classes are listed, not read', () => {
    const sparse = encodeMatMatrix({ name: 'sp', dims: [2, 2], classId: 5, parts: [] });
    const struct = encodeMatMatrix({ name: 'st', dims: [1, 1], classId: 2, parts: [] });
    const buf = new Uint8Array([...encodeMatHeader(), ...sparse, ...struct]);
    const m = parseMat5(buf, 'x.mat');
    assert.deepEqual(
      m.variables.map((v) => v.className),
      ['sparse', 'struct'],
    );
    assert.throws(
      () => matNumeric(m, 'sp', 'x.mat'),
      (e: unknown) => e instanceof FsvaeInputError && /x\.mat: variable 'sp' \(sparse \[2×2\]\) cannot be read: sparse arrays/.test(e.message),
    );
  });
  test('v7.3 (HDF5) and v4 files are rejected by their headers', () => {
    const h = encodeMatHeader(true, 'MATLAB 7.3 MAT-file, Platform: GLNXA64');
    assert.throws(() => parseMat5(h, 'new.mat'), /MATLAB 7\.3 \(HDF5\).*-v7/);
    assert.throws(() => parseMat5(new Uint8Array(200), 'v4.mat'), /not a Level 5 MAT-file/);
  });
  test('compressed element helpers agree with zlib', () => {
    const inner = encodeMatMatrix({ name: 'x', dims: [1, 1], classId: 6, parts: [encodeMatElement(MAT_MI.DOUBLE, encodeMatNumbers(MAT_MI.DOUBLE, [2.5]))] });
    const buf = new Uint8Array([...encodeMatHeader(), ...encodeMatElement(MAT_MI.COMPRESSED, zlib.deflateSync(inner), true, false)]);
    assert.deepEqual(Array.from(matNumeric(parseMat5(buf, 'c.mat'), 'x', 'c').data), [2.5]);
  });
});

describe('UTD-MHAD reader', () => {
  test('file names', () => {
    assert.deepEqual(parseUtdMhadName('/x/a27_s8_t4_skeleton.mat'), { action: 27, subject: 8, trial: 4 });
    assert.equal(parseUtdMhadName('a28_s1_t1_skeleton.mat'), null);
    assert.equal(parseUtdMhadName('a1_s9_t1_skeleton.mat'), null);
    assert.equal(parseUtdMhadName('a1_s1_t1.mat'), null);
  });
  test('joint permutation: file order of Skeleton_joint_order.txt → Kinect SDK order', () => {
    // hand-derived: head→3, shoulder_center→2, spine→1, hip_center→0, the limbs keep their index
    assert.deepEqual(UTD_MHAD_TO_KINECT_V1, [3, 2, 1, 0, ...Array.from({ length: 16 }, (_, i) => i + 4)]);
    assert.equal(UTD_MHAD_JOINT_ORDER.length, 20);
  });
  test('generated file: column-major d_skel(j, c, t) lands at canonical joint, frame t; one-frame 20×3 accepted', () => {
    const T = 3;
    const data: number[] = [];
    // quarters: exact in float32, within ±100 m
    for (let t = 0; t < T; t++) for (let c = 0; c < 3; c++) for (let j = 0; j < 20; j++) data[j + 20 * c + 60 * t] = (100 * t + 10 * c + j + 1) / 4;
    const s = parseUtdMhadMat(encodeMat5([{ name: 'd_skel', dims: [20, 3, T], data }], { compress: true }), '/tmp/a5_s2_t3_skeleton.mat');
    assert.equal(s.label, 4);
    assert.deepEqual(s.meta, { action: 5, subject: 2, trial: 3 });
    assert.equal(s.frames, 3);
    const at = (t: number, j: number) => Array.from(s.data.subarray((t * 20 + j) * 3, (t * 20 + j) * 3 + 3));
    assert.deepEqual(at(2, 3), [201 / 4, 211 / 4, 221 / 4]); // canonical head = file joint 1 (j = 0)
    assert.deepEqual(at(1, 0), [104 / 4, 114 / 4, 124 / 4]); // canonical hip_center = file joint 4 (j = 3)
    assert.deepEqual(at(0, 19), [20 / 4, 30 / 4, 40 / 4]);
    const one = parseUtdMhadMat(encodeMat5([{ name: 'd_skel', dims: [20, 3], data: data.slice(0, 60) }]), 'a1_s1_t1_skeleton.mat');
    assert.equal(one.frames, 1);
  });
});

describe('UTD-MHAD real data (utd-mhad/Skeleton)', () => {
  const loc = locateData('utd-mhad/Skeleton');
  let cache: SkeletonSequence[] | null = null;
  const all = () => (cache ??= readUtdMhadFolder(loc.path as string));

  test('861 sequences, 27 classes of 32 except a8, a23, a27 (31); frame ranges', (t) => {
    if (!loc.path) return t.skip(`utd-mhad/Skeleton not found (tried ${loc.tried.join(', ')})`);
    const seqs = all();
    assert.equal(seqs.length, 861);
    const counts = new Array(27).fill(0);
    for (const s of seqs) counts[s.label]++;
    assert.deepEqual(
      counts,
      Array.from({ length: 27 }, (_, i) => ([7, 22, 26].includes(i) ? 31 : 32)),
    );
    const frames = seqs.map((s) => s.frames);
    assert.equal(Math.min(...frames), 41);
    assert.equal(Math.max(...frames), 125);
    assert.equal(
      frames.reduce((a, b) => a + b, 0),
      58299,
    ); // scipy.io.loadmat, summed over the 861 files
    // per-class ranges from scipy for a few classes
    const range = (a: number) => {
      const f = seqs.filter((s) => s.label === a - 1).map((s) => s.frames);
      return [Math.min(...f), Math.max(...f)];
    };
    assert.deepEqual(range(1), [48, 76]);
    assert.deepEqual(range(21), [68, 125]);
    assert.deepEqual(range(27), [50, 116]);
  });

  test('a1_s1_t1: shape 20×3×48 and the first frame as scipy reads it, permuted', (t) => {
    if (!loc.path) return t.skip('utd-mhad/Skeleton not found');
    const s = readUtdMhadFile(path.join(loc.path, 'a1_s1_t1_skeleton.mat'));
    assert.equal(s.frames, 48);
    const at = (j: number) => Array.from(s.data.subarray(j * 3, j * 3 + 3));
    // scipy: d_skel[0, :, 0] (head) and d_skel[3, :, 0] (hip centre)
    assertClose(at(3), [-0.04576265, 0.48398542, 2.83018947], 1e-7);
    assertClose(at(0), [-0.02558481, -0.11209317, 2.83903909], 1e-7);
    assertClose(at(4), [-0.19882302, 0.18704501, 2.87782931], 1e-7); // shoulder_left
  });

  test('after permutation: long limb bones left/right symmetric in every file; torso column upright', (t) => {
    if (!loc.path) return t.skip('utd-mhad/Skeleton not found');
    const limb: number[] = [];
    for (const s of all()) {
      const r = checkBoneSymmetry(s, KINECT_V1_20);
      assert.equal(r.pairs.length, 8);
      limb.push(r.limbMedianRelDiff);
      // mean height over frames: head > shoulder centre > spine > hip centre (a swapped midline is invisible to bone symmetry)
      const y = [0, 1, 2, 3].map((j) => {
        let m = 0;
        for (let f = 0; f < s.frames; f++) m += s.data[(f * 20 + j) * 3 + 1];
        return m / s.frames;
      });
      assert.ok(y[3] > y[2] && y[2] > y[1] && y[1] > y[0], `${s.id}: torso heights ${y}`);
    }
    limb.sort((a, b) => a - b);
    // measured: median 0.026, 95th percentile 0.100, worst 0.204 (a6_s4_t1, crossed arms)
    const q = (f: number) => limb[Math.floor(f * (limb.length - 1))];
    assert.ok(q(1) < 0.25, `worst limb median ${q(1)}`);
    assert.ok(q(0.95) < 0.11, `95th percentile ${q(0.95)}`);
    assert.ok(q(0.5) < 0.04, `median limb asymmetry ${q(0.5)}`);
  });

  test('negative control: a wrong permutation (left elbow ↔ left knee) is flagged', (t) => {
    if (!loc.path) return t.skip('utd-mhad/Skeleton not found');
    const s = all()[0];
    const data = s.data.slice();
    for (let f = 0; f < s.frames; f++) {
      for (let c = 0; c < 3; c++) {
        const a = (f * 20 + 5) * 3 + c;
        const b = (f * 20 + 13) * 3 + c;
        [data[a], data[b]] = [data[b], data[a]];
      }
    }
    const r = checkBoneSymmetry({ ...s, data }, KINECT_V1_20);
    assert.ok(r.limbMedianRelDiff > 0.3, `wrong permutation gives ${r.limbMedianRelDiff}`);
  });
});

describe('UTD-MHAD files with defects raise FsvaeInputError naming the file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-utd-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, buf: Uint8Array) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, buf);
    return p;
  };
  const cases: [string, Uint8Array, RegExp][] = [
    ['a1_s1_t1_skeleton.mat', encodeMat5([{ name: 'skel', dims: [20, 3, 2], data: new Array(120).fill(1) }]), /no variable 'd_skel' \(the file holds 'skel'\)/],
    ['a1_s1_t2_skeleton.mat', encodeMat5([{ name: 'd_skel', dims: [25, 3, 2], data: new Array(150).fill(1) }]), /d_skel is \[25×3×2\]; expected 20 joints/],
    [
      'a1_s1_t3_skeleton.mat',
      encodeMat5([{ name: 'd_skel', dims: [20, 3, 2], data: new Array(120).fill(1), className: 'int32' }]),
      /d_skel is int32; expected double/,
    ],
    ['a1_s1_t4_skeleton.mat', encodeMat5([{ name: 'd_skel', dims: [20, 3, 0], data: [] }]), /0 frames/],
    ['a1_s2_t1_skeleton.mat', encodeMat5([{ name: 'd_skel', dims: [20, 3, 1], data: new Array(60).fill(0) }]), /every coordinate of d_skel is 0/],
    ['a1_s2_t2_skeleton.mat', encodeMat5([{ name: 'd_skel', dims: [20, 3, 1], data: [NaN, ...new Array(59).fill(1)] }]), /d_skel\(1, 1, 1\) is NaN/],
    ['skeleton_a1.mat', encodeMat5([{ name: 'd_skel', dims: [20, 3, 1], data: new Array(60).fill(1) }]), /file name does not match/],
  ];
  for (const [name, buf, re] of cases) {
    test(name, () => {
      const p = write(name, buf);
      assert.throws(
        () => readUtdMhadFile(p),
        (e: unknown) => e instanceof FsvaeInputError && e.message.startsWith(p) && re.test(e.message),
      );
    });
  }
});
