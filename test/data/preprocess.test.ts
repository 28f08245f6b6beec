import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  centerSkeleton,
  checkBoneSymmetry,
  normalizeView,
  padBodies,
  preprocessSequence,
  resampleFrames,
  trimZeroFrames,
  viewRotation,
} from '../../lib/data/preprocess';
import { KINECT_V1_20, KINECT_V2_25 } from '../../lib/data/layouts';
import { SkeletonSequence, makeSequence } from '../../lib/data/skeleton';
import { Random } from '../../lib/util/random';
import { FsvaeInputError } from '../../lib/util/assert';
import { assertClose } from '../helpers';

/** A sequence from a function (b, t, j) → [x, y, z]. */
function seqOf(
  bodies: number,
  frames: number,
  joints: number,
  f: (b: number, t: number, j: number) => number[],
  layout: 'kinect-v1-20' | 'kinect-v2-25' = 'kinect-v1-20',
): SkeletonSequence {
  const data = new Float32Array(bodies * frames * joints * 3);
  for (let b = 0; b < bodies; b++) for (let t = 0; t < frames; t++) for (let j = 0; j < joints; j++) data.set(f(b, t, j), ((b * frames + t) * joints + j) * 3);
  return makeSequence({ id: 'synthetic', label: 0, layout, bodies, frames, joints, data });
}
const at = (s: SkeletonSequence, b: number, t: number, j: number) =>
  Array.from(s.data.subarray(((b * s.frames + t) * s.joints + j) * 3, ((b * s.frames + t) * s.joints + j) * 3 + 3));

/** Standing Kinect v1 pose in canonical view (hips along +x, spine along +y), centred at the spine joint. */
const CANON: number[][] = [
  [0, -0.1, 0],
  [0, 0, 0],
  [0, 0.35, 0],
  [0, 0.52, 0.03],
  [-0.18, 0.32, 0],
  [-0.22, 0.05, 0.02],
  [-0.24, -0.2, 0.01],
  [-0.25, -0.28, 0],
  [0.18, 0.32, 0],
  [0.22, 0.05, 0.02],
  [0.24, -0.2, 0.01],
  [0.25, -0.28, 0],
  [-0.09, -0.15, 0],
  [-0.1, -0.58, 0.01],
  [-0.1, -0.98, 0.02],
  [-0.1, -1.03, -0.08],
  [0.09, -0.15, 0],
  [0.1, -0.58, 0.01],
  [0.1, -0.98, 0.02],
  [0.1, -1.03, -0.08],
];

/** Rotation matrix (row-major) from a random unit quaternion. */
function randomRotation(rng: Random): number[] {
  let [w, x, y, z] = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
  const n = Math.hypot(w, x, y, z);
  [w, x, y, z] = [w / n, x / n, y / n, z / n];
  return [
    1 - 2 * (y * y + z * z),
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    2 * (x * y + w * z),
    1 - 2 * (x * x + z * z),
    2 * (y * z - w * x),
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    1 - 2 * (x * x + y * y),
  ];
}
const rot = (r: number[], p: number[]) => [0, 1, 2].map((i) => r[3 * i] * p[0] + r[3 * i + 1] * p[1] + r[3 * i + 2] * p[2]);

describe('trimZeroFrames / padBodies', () => {
  test('drops only leading and trailing empty frames', () => {
    // frames 0, 1, 4, 6 empty for both bodies; frame 3 has only body 1
    const s = seqOf(2, 7, 20, (b, t, j) => ([0, 1, 4, 6].includes(t) || (t === 3 && b === 0) ? [0, 0, 0] : [t, b, j + 1]));
    const r = trimZeroFrames(s);
    assert.equal(r.frames, 4);
    assert.deepEqual(at(r, 0, 0, 0), [2, 0, 1]);
    assert.deepEqual(at(r, 0, 2, 5), [0, 0, 0]); // interior empty frame 4 kept
    assert.deepEqual(at(r, 1, 1, 0), [3, 1, 1]);
    assert.throws(() => trimZeroFrames(seqOf(1, 3, 20, () => [0, 0, 0])), FsvaeInputError);
  });
  test('pads with zero bodies; refuses to drop bodies unless asked', () => {
    const s = seqOf(1, 2, 20, (_b, t, j) => [t, j, 1]);
    const p = padBodies(s, 3);
    assert.equal(p.bodies, 3);
    assert.deepEqual(Array.from(p.data.subarray(0, s.data.length)), Array.from(s.data));
    assert.ok(p.data.subarray(s.data.length).every((v) => v === 0));
    const two = seqOf(2, 2, 20, (b) => [b + 1, 0, 0]);
    assert.throws(() => padBodies(two, 1), /has 2 bodies, more than 1/);
    assert.deepEqual(Array.from(padBodies(two, 1, { truncate: true }).data), Array.from(two.data.subarray(0, 120)));
  });
});

describe('centerSkeleton', () => {
  test('first-frame: subtracts the spine joint of body 0 at its first present frame from every present joint', () => {
    // body 0 absent in frame 0; spine (joint 1) at frame 1 is (11, 1, 1·2); body 1 everywhere
    const s = seqOf(2, 3, 20, (b, t, j) => ((b === 0 && t === 0) || (j === 7 && t === 2) ? [0, 0, 0] : [10 * b + t * 10 + j, j, 2 + b]));
    const c = centerSkeleton(s, 'first-frame');
    const o = at(s, 0, 1, 1); // [11, 1, 2]
    assert.deepEqual(o, [11, 1, 2]);
    assert.deepEqual(at(c, 0, 2, 4), [24 - 11, 4 - 1, 2 - 2]);
    assert.deepEqual(at(c, 1, 0, 3), [13 - 11, 3 - 1, 3 - 2]);
    assert.deepEqual(at(c, 0, 0, 3), [0, 0, 0]); // absent body stays zero
    assert.deepEqual(at(c, 1, 2, 7), [0, 0, 0]); // missing joint stays zero
  });
  test('per-frame: subtracts the spine of body 0 in each frame (nearest present frame when absent)', () => {
    const s = seqOf(2, 3, 20, (b, t, j) => (b === 0 && t === 2 ? [0, 0, 0] : [50 * b + 10 * t + j, t, 1]));
    const c = centerSkeleton(s, 'per-frame', KINECT_V1_20);
    assert.deepEqual(at(c, 0, 0, 1), [0, 0, 0]);
    assert.deepEqual(at(c, 0, 1, 5), [4, 0, 0]);
    assert.deepEqual(at(c, 1, 1, 1), [50, 0, 0]);
    // frame 2: body 0 absent → origin from frame 1, spine (11, 1, 1)
    assert.deepEqual(at(c, 1, 2, 1), [71 - 11, 2 - 1, 0]);
  });
});

describe('normalizeView', () => {
  test('a randomly rotated canonical skeleton becomes canonical again (10 rotations)', () => {
    const rng = new Random(11);
    for (let k = 0; k < 10; k++) {
      const r = randomRotation(rng);
      const s = seqOf(1, 2, 20, (_b, t, j) => rot(r, [CANON[j][0] + 0.02 * t, CANON[j][1], CANON[j][2]]));
      const n = normalizeView(s);
      for (let j = 0; j < 20; j++) assertClose(at(n, 0, 0, j), CANON[j], 1e-5, `rotation ${k}, joint ${j}`);
      assertClose(at(n, 0, 1, 0), [0.02, -0.1, 0], 1e-5);
    }
  });
  test('the rotation is the hand-computed one for a 90° turn about y', () => {
    // flattened pose turned so that the hip line runs along −z: the rotation must map (0,0,−1) → +x
    const s = seqOf(1, 1, 20, (_b, _t, j) => [0, CANON[j][1], -CANON[j][0]]);
    const { rotation } = viewRotation(s);
    assertClose(rotation, [0, 0, -1, 0, 1, 0, 1, 0, 0], 1e-6);
  });
  test('Kinect v2 view joints (NTU) and degenerate hips', () => {
    const v2 = seqOf(1, 1, 25, (_b, _t, j) => [j === 16 ? 0.1 : j === 12 ? -0.1 : 0, j === 20 ? 0.5 : 0, 3], 'kinect-v2-25');
    const { rotation } = viewRotation(v2, KINECT_V2_25);
    assertClose(rotation, [1, 0, 0, 0, 1, 0, 0, 0, 1], 1e-7);
    const flat = seqOf(1, 1, 20, () => [1, 2, 3]);
    assert.throws(
      () => normalizeView(flat),
      (e: unknown) => e instanceof FsvaeInputError && /hips \(hip_left, hip_right\) coincide/.test(e.message),
    );
  });
});

describe('resampleFrames', () => {
  test('a linear ramp stays linear (up- and down-sampling), exact at the ends', () => {
    const ramp = seqOf(1, 11, 20, (_b, t, j) => [2 + 0.5 * t, -t, j + 1]);
    for (const L of [5, 6, 21, 40]) {
      const r = resampleFrames(ramp, L);
      assert.equal(r.frames, L);
      for (let i = 0; i < L; i++) {
        const p = (i * 10) / (L - 1);
        assertClose(at(r, 0, i, 3), [2 + 0.5 * p, -p, 4], 1e-5, `L=${L}, i=${i}`);
      }
    }
    assertClose(at(resampleFrames(ramp, 1), 0, 0, 0), [4.5, -5, 1], 1e-6); // the middle
  });
  test('frames where no body is present are dropped before interpolation', () => {
    // frames 1 and 2 empty: valid frames 0, 3, 4 with x = 0, 3, 4 → 5 samples at positions 0, .5, 1, 1.5, 2
    const s = seqOf(1, 5, 20, (_b, t, _j) => (t === 1 || t === 2 ? [0, 0, 0] : [t, 1, 1]));
    const r = resampleFrames(s, 5);
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((i) => at(r, 0, i, 0)[0]),
      [0, 1.5, 3, 3.5, 4],
    );
  });
  test('a body present at one neighbour only takes the nearer neighbour, else zero', () => {
    // body 1 present only in frame 0 of 2; resample to 5 → positions 0, .25, .5, .75, 1
    const s = seqOf(2, 2, 20, (b, t) => (b === 1 && t === 1 ? [0, 0, 0] : [5 + t, b, 1]));
    const r = resampleFrames(s, 5);
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((i) => at(r, 1, i, 0)[0]),
      [5, 5, 0, 0, 0],
    );
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((i) => at(r, 0, i, 0)[0]),
      [5, 5.25, 5.5, 5.75, 6],
    );
  });
});

describe('checkBoneSymmetry', () => {
  test('canonical pose: 8 pairs in Kinect v1, exact hand-computed lengths', () => {
    const s = seqOf(1, 1, 20, (_b, _t, j) => CANON[j]);
    const r = checkBoneSymmetry(s, KINECT_V1_20);
    assert.equal(r.pairs.length, 8);
    assert.equal(r.maxRelDiff, 0);
    const upperArm = r.pairs.find((p) => p.left === 'elbow_left-shoulder_left');
    assert.ok(upperArm);
    assertClose([upperArm.leftLength, upperArm.rightLength], [Math.hypot(0.04, 0.27, 0.02), Math.hypot(0.04, 0.27, 0.02)], 1e-6);
    assert.equal(upperArm.right, 'elbow_right-shoulder_right');
  });
  test('a longer right forearm shows up as that pair’s relative difference', () => {
    // right wrist moved 0.05 further down: forearm 0.2516 → 0.3015
    const s = seqOf(1, 1, 20, (_b, _t, j) => (j === 10 ? [0.24, -0.25, 0.01] : j === 11 ? [0.25, -0.33, 0] : CANON[j]));
    const r = checkBoneSymmetry(s);
    const fore = r.pairs.find((p) => p.left === 'wrist_left-elbow_left');
    assert.ok(fore);
    const l = Math.hypot(0.02, 0.25, 0.01);
    const rr = Math.hypot(0.02, 0.3, 0.01);
    assertClose([fore.relDiff], [(rr - l) / ((l + rr) / 2)], 1e-6);
    assert.equal(r.maxRelDiff, fore.relDiff);
  });
  test('Kinect v2 has 10 mirror bone pairs; an absent body is an error', () => {
    const s = seqOf(1, 1, 25, () => [1, 1, 1], 'kinect-v2-25');
    assert.equal(checkBoneSymmetry(s).pairs.length, 10);
    const absent = seqOf(2, 2, 20, (b, _t, j) => (b === 1 ? [0, 0, 0] : [1, j, 1]));
    assert.equal(checkBoneSymmetry(absent).framesUsed, 2);
    assert.throws(() => checkBoneSymmetry(absent, KINECT_V1_20, { body: 1 }), /body 1 is absent \(all zero\) in every frame/);
  });
});

describe('preprocessSequence', () => {
  test('trim → centre → view → resample → pad on a rotated, translated, zero-padded sequence', () => {
    const r = randomRotation(new Random(5));
    const s = seqOf(1, 6, 20, (_b, t, j) => (t === 0 || t === 5 ? [0, 0, 0] : rot(r, CANON[j]).map((v, c) => v + [1, 2, 3][c])));
    const p = preprocessSequence(s, { frames: 8, bodies: 2 });
    assert.equal(p.frames, 8);
    assert.equal(p.bodies, 2);
    for (let j = 0; j < 20; j++) assertClose(at(p, 0, 7, j), CANON[j], 1e-5, `joint ${j}`);
    assert.ok(p.data.subarray(8 * 60).every((v) => v === 0));
  });
});
