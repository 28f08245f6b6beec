import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../lib/util/random';
import { FsvaeInputError } from '../../lib/util/assert';
import { makeSequence, SkeletonSequence } from '../../lib/data/skeleton';
import { KINECT_V2_25 } from '../../lib/data/layouts';
import { getProtocol } from '../../lib/data/splits';
import { TrainingBatchBuilder, TrainingLeakError, augmentClip, packClips, resolveInput, sideFromIds, sideFromProtocol } from '../../lib/stage1/input';
import { stage1Config } from '../../lib/stage1/config';
import { trainStage1 } from '../../lib/stage1/train';
import { assertClose, useTestBackend } from '../helpers';

before(async () => {
  await useTestBackend();
});

/** A standing skeleton (spine up along y, hips along x) with a small per-frame sway, 25 joints. */
function tinySequence(id: string, label: number, subject: number, frames = 6, phase = 0): SkeletonSequence {
  const J = 25;
  const data = new Float32Array(frames * J * 3);
  for (let t = 0; t < frames; t++) {
    for (let j = 0; j < J; j++) {
      const o = (t * J + j) * 3;
      data[o] = 0.02 * j + 0.05 * Math.sin(t + phase + label);
      data[o + 1] = 0.04 * j;
      data[o + 2] = 3 + 0.01 * Math.cos(j + t);
    }
    // hips left/right of the spine base so the view is defined
    data[(t * J + 12) * 3] = -0.15;
    data[(t * J + 16) * 3] = 0.15;
    data[(t * J + 12) * 3 + 1] = 0;
    data[(t * J + 16) * 3 + 1] = 0;
  }
  return makeSequence({ id, label, layout: 'kinect-v2-25', bodies: 1, frames, joints: J, data, meta: { subject } });
}

function dataset(): SkeletonSequence[] {
  const out: SkeletonSequence[] = [];
  for (const label of [0, 1, 2]) for (const subject of [1, 2, 3]) out.push(tinySequence(`c${label}s${subject}`, label, subject, 6, subject));
  return out;
}

const side = sideFromIds([1, 2], [3]);

test('sides: explicit id lists and a registered protocol (NTU-60 xsub reads meta.subject)', () => {
  assert.equal(side(tinySequence('a', 0, 1)), 'train');
  assert.equal(side(tinySequence('b', 0, 3)), 'test');
  assert.throws(() => side(tinySequence('c', 0, 4)), /in neither the train/);
  assert.throws(() => sideFromIds([1, 2], [2]), /both the train and the test side/);
  const xsub = sideFromProtocol(getProtocol('ntu60', 'xsub'));
  assert.equal(xsub(tinySequence('p1', 0, 1)), 'train');
  assert.equal(xsub(tinySequence('p3', 0, 3)), 'test');
  const noMeta = { ...tinySequence('x', 0, 1), meta: {} };
  assert.throws(() => xsub(noMeta), /no integer meta\.subject/);
});

test('guard: unseen-class, test-side and held-out samples never enter a batch, even when asked for', () => {
  const seqs = dataset();
  const input = resolveInput({ frames: 4, center: 'first-frame', view: true }, seqs);
  const b = new TrainingBatchBuilder(seqs, { classes: [0, 2], side, numClasses: 3, holdOut: new Set(['c2s2']) }, input);
  // eligible: classes 0 and 2, subjects 1-2, minus held-out c2s2 → c0s1, c0s2, c2s1
  assert.deepEqual(
    b.eligible.map((i) => seqs[i].id),
    ['c0s1', 'c0s2', 'c2s1'],
  );
  assert.deepEqual(b.counts, { eligible: 3, otherClass: 3, testSide: 2, heldOut: 1 });
  const batch = b.build(b.eligible);
  assert.deepEqual(batch.shape, [3, 1, 4, 25, 3]);
  assert.deepEqual(Array.from(batch.labels), [0, 0, 2]);
  const index = (id: string) => seqs.findIndex((s) => s.id === id);
  assert.throws(
    () => b.build([index('c0s1'), index('c1s1')]),
    (e: unknown) => e instanceof TrainingLeakError && /class 1 reached a training batch/.test((e as Error).message),
  );
  assert.throws(
    () => b.build([index('c0s3')]),
    (e: unknown) => e instanceof TrainingLeakError && /test side/.test((e as Error).message),
  );
  assert.throws(
    () => b.build([index('c2s2')]),
    (e: unknown) => e instanceof TrainingLeakError && /held out/.test((e as Error).message),
  );
  assert.throws(() => b.build([99]), TrainingLeakError);
  assert.throws(() => new TrainingBatchBuilder(seqs, { classes: [0], side: () => 'test', numClasses: 3 }, input), FsvaeInputError);
});

test('a training run only ever batches train-side samples of the training classes', async () => {
  const seqs = dataset();
  const cfg = stage1Config('shift-gcn-small', {
    model: { channels: [4, 8], strides: [1, 2] },
    input: { frames: 4 },
    train: {
      epochs: 3,
      batchSize: 2,
      optimizer: { kind: 'adam', learningRate: 0.01 },
      schedule: { kind: 'constant' },
      augment: { maxYawDeg: 20, scale: 0.1, cropMin: 0.7 },
    },
  });
  const seen = new Set<string>();
  const res = await trainStage1(
    cfg,
    seqs,
    { classes: [1, 2], side, numClasses: 3 },
    {
      seed: 3,
      onBatch: (ids, labels) => {
        ids.forEach((id, i) => {
          const s = seqs.find((q) => q.id === id)!;
          assert.ok(s.label === 1 || s.label === 2, `${id} of class ${s.label} was batched`);
          assert.equal(side(s), 'train', `${id} is test-side`);
          assert.equal(labels[i], s.label, 'labels are the original class ids');
          seen.add(id);
        });
      },
    },
  );
  assert.deepEqual([...seen].sort(), ['c1s1', 'c1s2', 'c2s1', 'c2s2']);
  assert.equal(res.net.shape.numClasses, 3, 'the classifier keeps all classes');
  res.net.dispose();
});

test('augmentation: identity when disabled; yaw about y keeps y and horizontal radii, scale multiplies; zero bodies stay zero', () => {
  const seqs = dataset();
  const input = resolveInput({ frames: 5, center: 'first-frame', view: true, bodies: 2 }, seqs);
  const clip = packClips([seqs[0]], input, KINECT_V2_25).data;
  const [M, T, V] = [2, 5, 25];
  assert.deepEqual(Array.from(augmentClip(clip, M, T, V, { maxYawDeg: 0, scale: 0, cropMin: 1 }, new Random(1))), Array.from(clip));
  const rot = augmentClip(clip, M, T, V, { maxYawDeg: 90, scale: 0, cropMin: 1 }, new Random(2));
  const half = clip.length / 2;
  for (let o = 0; o < half; o += 3) {
    assertClose([rot[o + 1]], [clip[o + 1]], 1e-6, 'y');
    assertClose([Math.hypot(rot[o], rot[o + 2])], [Math.hypot(clip[o], clip[o + 2])], 1e-5, 'xz radius');
  }
  assert.ok(
    rot.subarray(half).every((v) => v === 0),
    'the padded second body stays zero',
  );
  const sc = augmentClip(clip, M, T, V, { maxYawDeg: 0, scale: 0.3, cropMin: 1 }, new Random(3));
  const k = sc[3 * 5 + 1] / clip[3 * 5 + 1];
  assert.ok(k >= 0.7 && k <= 1.3 && Math.abs(k - 1) > 1e-6);
  for (let o = 0; o < half; o++) assertClose([sc[o]], [k * clip[o]], 1e-5);
  const cr = augmentClip(clip, M, T, V, { maxYawDeg: 0, scale: 0, cropMin: 0.5 }, new Random(4));
  assert.equal(cr.length, clip.length);
  assert.ok(cr.subarray(half).every((v) => v === 0));
});
