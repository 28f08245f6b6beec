import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  MSR_ACTION3D_JOINT_ORDER,
  MSR_ACTION3D_TO_KINECT_V1,
  MsrAllZeroError,
  parseMsrAction3d,
  parseMsrAction3dName,
  readMsrAction3dFile,
  readMsrAction3dFolder,
} from '../../lib/data/datasets/msr-action3d';
import { KINECT_V1_20 } from '../../lib/data/layouts';
import { checkBoneSymmetry } from '../../lib/data/preprocess';
import { makeSequence } from '../../lib/data/skeleton';
import { FsvaeInputError } from '../../lib/util/assert';
import { assertClose } from '../helpers';

/**
 * R3DG's process_skeletal_data.m (Vemulapalli et al., CVPR 2014): MSR row k holds Kinect SDK
 * joint R3DG_ORDER[k] (1-based). Kept here as the raw index vector, independent of the joint
 * names in lib/data/datasets/msr-action3d/.
 */
const R3DG_ORDER = [5, 9, 3, 2, 13, 17, 1, 6, 10, 7, 11, 8, 12, 14, 18, 15, 19, 16, 20, 4];

/** A standing Kinect v1 skeleton (SDK order, metres, facing the sensor: left at smaller x). */
const REST: number[][] = [
  [0, 0, 3],
  [0, 0.1, 3],
  [0, 0.45, 3],
  [0, 0.62, 3.02],
  [-0.18, 0.42, 3],
  [-0.22, 0.15, 3.02],
  [-0.24, -0.1, 3.01],
  [-0.25, -0.18, 3],
  [0.18, 0.42, 3],
  [0.22, 0.15, 3.02],
  [0.24, -0.1, 3.01],
  [0.25, -0.18, 3],
  [-0.09, -0.05, 3],
  [-0.1, -0.48, 3.01],
  [-0.1, -0.88, 3.02],
  [-0.1, -0.93, 2.92],
  [0.09, -0.05, 3],
  [0.1, -0.48, 3.01],
  [0.1, -0.88, 3.02],
  [0.1, -0.93, 2.92],
];

/** Frame t: the body walks along x and raises the right arm about the right shoulder (rigid, so bone lengths stay). */
function pose(t: number): number[][] {
  const th = 0.05 * t;
  const [sx, sy] = REST[8];
  return REST.map((p, j) => {
    let [x, y, z] = p;
    if (j >= 9 && j <= 11) {
      const dx = x - sx;
      const dy = y - sy;
      [x, y] = [sx + dx * Math.cos(th) + dy * Math.sin(th), sy - dx * Math.sin(th) + dy * Math.cos(th)];
    }
    return [x + 0.01 * t, y, z];
  });
}

/** The MSR text of `frames` poses, rows in R3DG order, with optional formatting quirks. */
function msrText(frames: number, quirks: { trailing?: boolean; blank?: boolean } = {}): string {
  const L: string[] = [];
  for (let t = 0; t < frames; t++) {
    const p = pose(t);
    for (let k = 0; k < 20; k++) {
      const [x, y, z] = p[R3DG_ORDER[k] - 1];
      L.push(`${x.toFixed(6)} ${y.toFixed(6)} ${z.toFixed(6)} ${k % 3 === 0 ? 0 : 1}${quirks.trailing ? '  \t' : ''}`);
    }
    if (quirks.blank) L.push('');
  }
  return L.join('\n') + '\n';
}

describe('MSR Action3D joint order (R3DG convention)', () => {
  test('names agree with the R3DG index vector', () => {
    // MSR row k → canonical index R3DG_ORDER[k] − 1, since KINECT_V1_20 is the SDK order
    assert.deepEqual(
      MSR_ACTION3D_TO_KINECT_V1,
      R3DG_ORDER.map((i) => i - 1),
    );
    assert.equal(new Set(MSR_ACTION3D_TO_KINECT_V1).size, 20);
    assert.equal(MSR_ACTION3D_JOINT_ORDER[0], 'shoulder_left');
    assert.equal(MSR_ACTION3D_JOINT_ORDER[19], 'head');
  });

  test('synthetic skeleton written in MSR order reads back in SDK order, with symmetric bones', () => {
    const s = parseMsrAction3d(msrText(12), 'a03_s04_e02_skeleton3D.txt');
    assert.equal(s.frames, 12);
    assert.equal(s.label, 2);
    assert.deepEqual({ ...s.meta, meanConfidence: undefined }, { action: 3, subject: 4, episode: 2, meanConfidence: undefined });
    assertClose([s.meta?.meanConfidence as number], [13 / 20], 1e-12); // rows 0,3,...,18 (7 of 20) have c = 0
    for (const t of [0, 7, 11]) {
      const expect = pose(t).flat();
      assertClose(Array.from(s.data.subarray(t * 60, t * 60 + 60)), expect, 1e-6, `frame ${t}`);
    }
    const r = checkBoneSymmetry(s, KINECT_V1_20);
    assert.equal(r.pairs.length, 8);
    assert.ok(r.maxRelDiff < 1e-5, `max relative difference ${r.maxRelDiff}`);
  });

  test('negative control: the same file read as if it were in SDK order is asymmetric', () => {
    const text = msrText(5);
    const rows = text
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).slice(0, 3).map(Number));
    const wrong = makeSequence({ id: 'wrong', label: 0, layout: 'kinect-v1-20', bodies: 1, frames: 5, joints: 20, data: Float32Array.from(rows.flat()) });
    const r = checkBoneSymmetry(wrong, KINECT_V1_20);
    assert.ok(r.medianRelDiff > 0.3, `median relative difference ${r.medianRelDiff}`);
  });
});

describe('MSR Action3D file format and quirks', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-msr-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  test('file names', () => {
    assert.deepEqual(parseMsrAction3dName('/d/a20_s10_e03_skeleton3D.txt'), { action: 20, subject: 10, episode: 3 });
    assert.equal(parseMsrAction3dName('a21_s01_e01_skeleton3D.txt'), null);
    assert.equal(parseMsrAction3dName('a01_s01_e01_skeleton.txt'), null);
  });

  test('trailing whitespace, blank lines and CRLF are accepted', () => {
    const a = parseMsrAction3d(msrText(4, { trailing: true, blank: true }), 'a01_s01_e01_skeleton3D.txt');
    const b = parseMsrAction3d(msrText(4).replace(/\n/g, '\r\n'), 'a01_s01_e01_skeleton3D.txt');
    const c = parseMsrAction3d(msrText(4), 'a01_s01_e01_skeleton3D.txt');
    assert.deepEqual(a.data, c.data);
    assert.deepEqual(b.data, c.data);
  });

  test('a 936-frame file is accepted', () => {
    const s = readMsrAction3dFile(write('a16_s06_e02_skeleton3D.txt', msrText(936)));
    assert.equal(s.frames, 936);
    assertClose(Array.from(s.data.subarray(935 * 60, 935 * 60 + 3)), pose(935)[0], 1e-5);
  });

  test('an all-zero file is rejected with a clear error; the folder reader skips and reports it', () => {
    const zero = write('a13_s09_e02_skeleton3D.txt', '0 0 0 0\n'.repeat(40));
    assert.throws(
      () => readMsrAction3dFile(zero),
      (e: unknown) =>
        e instanceof FsvaeInputError &&
        e instanceof MsrAllZeroError &&
        e.name === 'FsvaeInputError' &&
        /a13_s09_e02_skeleton3D\.txt: all 2 frames are zero/.test(e.message),
    );
    write('a01_s01_e01_skeleton3D.txt', msrText(3));
    const r = readMsrAction3dFolder(dir);
    assert.deepEqual(r.skipped, ['a13_s09_e02_skeleton3D.txt']);
    assert.deepEqual(r.sequences.map((s) => s.id).sort(), ['a01_s01_e01_skeleton3D', 'a16_s06_e02_skeleton3D']);
  });

  test('row count not a multiple of 20 is an error naming the file', () => {
    const lines = msrText(3).trim().split('\n');
    const p = write('a02_s01_e01_skeleton3D.txt', lines.slice(0, 47).join('\n'));
    assert.throws(
      () => readMsrAction3dFile(p),
      (e: unknown) =>
        e instanceof FsvaeInputError && e.message.includes(p) && /47 joint rows is not a multiple of 20 .*2 whole frames \+ 7 rows/.test(e.message),
    );
  });
});
