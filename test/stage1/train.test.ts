import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { GENERATOR_PRESETS, generateActionDataset } from '../../lib/data/generator';
import { lrFactor, stage1Config } from '../../lib/stage1/config';
import { sideFromIds } from '../../lib/stage1/input';
import { Stage1Opt } from '../../lib/stage1/optim';
import { extractFeatures, top1Accuracy, trainStage1 } from '../../lib/stage1/train';
import { assertClose, useTestBackend } from '../helpers';

before(async () => {
  await useTestBackend();
});

const ds = generateActionDataset({ ...GENERATOR_PRESETS.quick, subjects: 3, trainSubjects: 2, repetitionsPerSubject: 2, frames: 16 }, 0);
const side = sideFromIds(ds.protocol.trainSubjects, ds.protocol.testSubjects);

test('learning works: a tiny Shift-GCN overfits 16 generated sequences of 4 classes (train accuracy ≥ 0.9)', async () => {
  const classes = [0, 5, 10, 15];
  const cfg = stage1Config('shift-gcn-small', {
    model: { channels: [8, 16], strides: [1, 2] },
    input: { frames: 6 },
    train: {
      epochs: 20,
      batchSize: 16,
      optimizer: { kind: 'adam', learningRate: 0.03 },
      schedule: { kind: 'constant' },
      augment: { maxYawDeg: 0, scale: 0, cropMin: 1 },
    },
  });
  const res = await trainStage1(cfg, ds.sequences, { classes, side, numClasses: 40 }, { seed: 1 });
  assert.equal(res.counts.eligible, 16);
  const last = res.history[res.history.length - 1];
  assert.ok(last.trainAccuracy >= 0.9, `train accuracy ${last.trainAccuracy}`);
  assert.ok(last.loss < res.history[0].loss / 3, `loss ${res.history[0].loss} → ${last.loss}`);
  // eval mode (running BN statistics) on the same samples, argmax over all 40 outputs
  const train = ds.sequences.filter((s) => classes.includes(s.label) && side(s) === 'train');
  const e = await extractFeatures(res.net, train, res.input);
  assert.ok(top1Accuracy(e.logits, e.labels, 40) >= 0.9, `eval-mode accuracy ${top1Accuracy(e.logits, e.labels, 40)}`);
  res.net.dispose();
});

test('checkpoint/resume: 2 epochs in one go equal 1 epoch + resume (weights, history); other configs start fresh', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-stage1-ckpt-'));
  try {
    const classes = [1, 2, 3];
    const cfg = stage1Config('st-gcn-small', {
      model: { channels: [4, 8], strides: [1, 2], temporalKernel: 3 },
      input: { frames: 5 },
      train: {
        epochs: 2,
        batchSize: 4,
        optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4 },
        schedule: { kind: 'cosine', warmupEpochs: 1, minFactor: 0.01 },
        augment: { maxYawDeg: 30, scale: 0.1, cropMin: 0.8 },
      },
    });
    const sel = { classes, side, numClasses: 40 };
    const full = await trainStage1(cfg, ds.sequences, sel, { seed: 9 });
    const a = await full.net.params.snapshot();
    full.net.dispose();
    const first = await trainStage1(cfg, ds.sequences, sel, { seed: 9, checkpointDir: dir, stopAfterEpochs: 1 });
    assert.equal(first.epochsDone, 1);
    first.net.dispose();
    const resumed = await trainStage1(cfg, ds.sequences, sel, { seed: 9, checkpointDir: dir });
    assert.equal(resumed.resumedFromEpoch, 1);
    assert.equal(resumed.epochsDone, 2);
    const b = await resumed.net.params.snapshot();
    resumed.net.dispose();
    for (const k of Object.keys(a)) assert.deepEqual(Array.from(b[k]), Array.from(a[k]), k);
    assert.deepEqual(
      resumed.history.map((h) => h.loss),
      full.history.map((h) => h.loss),
    );
    // a different seed does not pick up this checkpoint
    const other = await trainStage1(cfg, ds.sequences, sel, { seed: 10, checkpointDir: dir, stopAfterEpochs: 1 });
    assert.equal(other.resumedFromEpoch, null);
    other.net.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('learning-rate schedules: warm-up, cosine and steps by hand', () => {
  const cos = { kind: 'cosine' as const, warmupEpochs: 2, minFactor: 0.1 };
  assertClose([lrFactor(cos, 12, 1, 0)], [0.5], 1e-12);
  assertClose([lrFactor(cos, 12, 2, 0)], [1], 1e-12);
  assertClose([lrFactor(cos, 12, 7, 0)], [0.1 + 0.9 * 0.5], 1e-12); // halfway through epochs 2..12
  assertClose([lrFactor(cos, 12, 12, 0)], [0.1], 1e-12);
  const step = { kind: 'step' as const, milestones: [60, 80, 100], gamma: 0.1, warmupEpochs: 0 };
  assert.equal(lrFactor(step, 140, 59, 0.9), 1);
  assertClose([lrFactor(step, 140, 60, 0), lrFactor(step, 140, 85, 0), lrFactor(step, 140, 139, 0)], [0.1, 0.01, 0.001], 1e-12);
});

test('SGD with Nesterov momentum and weight decay follows torch.optim.SGD (two steps by hand)', async () => {
  const p = tf.variable(tf.tensor1d([1, -2]));
  const opt = new Stage1Opt([p], { kind: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 });
  // loss = Σ p²/2 → g = p
  await opt.minimize(() => tf.sum(tf.mul(tf.square(p), 0.5)) as tf.Scalar, 0.1);
  // step 1: g' = p + 0.01 p = 1.01 p; b = g'; p ← p − 0.1 (g' + 0.9 b) = p (1 − 0.1·1.01·1.9)
  const k1 = 1 - 0.1 * 1.01 * 1.9;
  assertClose(p.dataSync(), [k1, -2 * k1], 1e-6);
  await opt.minimize(() => tf.sum(tf.mul(tf.square(p), 0.5)) as tf.Scalar, 0.1);
  // step 2: g' = 1.01 p1; b = 0.9 b1 + g'; p ← p1 − 0.1 (g' + 0.9 b)
  const p1 = [k1, -2 * k1];
  const b1 = [1.01, -2.02];
  const expected = p1.map((v, i) => {
    const g = 1.01 * v;
    const b = 0.9 * b1[i] + g;
    return v - 0.1 * (g + 0.9 * b);
  });
  assertClose(p.dataSync(), expected, 1e-6);
  p.dispose();
});
