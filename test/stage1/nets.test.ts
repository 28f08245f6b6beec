import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../lib/util/random';
import { KINECT_V1_20, KINECT_V2_25, JointLayout } from '../../lib/data/layouts';
import { Stage1ModelConfig, stage1Config } from '../../lib/stage1/config';
import { EVAL } from '../../lib/stage1/layers';
import { createSkeletonNet } from '../../lib/stage1/net';
import { useTestBackend } from '../helpers';

before(async () => {
  await useTestBackend();
});

const TINY: Omit<Stage1ModelConfig, 'arch'> = { channels: [4, 8, 12], strides: [1, 2, 1], temporalKernel: 3 };

function randomInput(rng: Random, shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.normal()),
    shape,
  );
}

for (const arch of ['shift-gcn', 'st-gcn'] as const) {
  for (const layout of [KINECT_V2_25, KINECT_V1_20] as JointLayout[]) {
    test(`${arch} on ${layout.name}: features [N, D] ≥ 0 and logits [N, numClasses], 1 and 2 bodies`, () => {
      for (const bodies of [1, 2]) {
        const net = createSkeletonNet({ arch, ...TINY }, { layout, bodies, numClasses: 7 }, new Random(1));
        const x = randomInput(new Random(2), [3, bodies, 9, layout.joints.length, 3]);
        for (const ctx of [EVAL, { training: true, updateStats: false }]) {
          const { features, logits } = net.forward(x, ctx);
          assert.deepEqual(features.shape, [3, 12]);
          assert.deepEqual(logits.shape, [3, 7]);
          assert.ok(Math.min(...features.dataSync()) >= 0, 'pooled post-ReLU features are non-negative');
          tf.dispose([features, logits]);
        }
        assert.throws(() => net.forward(randomInput(new Random(2), [3, bodies, 9, 3, 3]), EVAL), /input must be \[N, M=/);
        net.dispose();
      }
    });
  }

  test(`${arch}: every trainable variable gets a non-zero gradient on a random batch`, () => {
    const net = createSkeletonNet({ arch, ...TINY }, { layout: KINECT_V1_20, bodies: 2, numClasses: 5 }, new Random(4));
    const x = randomInput(new Random(5), [4, 2, 8, 20, 3]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 5);
    const vars = net.params.trainable();
    const { value, grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(y, net.forward(x, { training: true, updateStats: true }).logits) as tf.Scalar,
      vars,
    );
    assert.ok(Number.isFinite(value.dataSync()[0]));
    const names = net.params.entries.filter((e) => e.trainable).map((e) => e.name);
    vars.forEach((v, i) => {
      const g = grads[v.name];
      assert.ok(g, `${names[i]} has no gradient`);
      const m = tf.max(tf.abs(g)).dataSync()[0];
      assert.ok(m > 0 && Number.isFinite(m), `${names[i]}: max |grad| = ${m}`);
    });
    net.dispose();
  });

  test(`${arch}: same seed, same weights and outputs; the training forward updates only BN statistics`, async () => {
    const x = randomInput(new Random(6), [2, 1, 6, 25, 3]);
    const outs: number[][] = [];
    for (const seed of [1, 1, 2]) {
      const net = createSkeletonNet({ arch, ...TINY }, { layout: KINECT_V2_25, bodies: 1, numClasses: 4 }, new Random(seed));
      const before = await net.params.snapshot();
      const o = net.forward(x, { training: true, updateStats: true });
      const after = await net.params.snapshot();
      for (const e of net.params.entries) {
        const changed = before[e.name].some((v, i) => v !== after[e.name][i]);
        if (e.trainable) assert.ok(!changed, `${e.name} changed in a forward pass`);
        else if (/running_mean|num_batches_tracked/.test(e.name)) assert.ok(changed, `${e.name} was not updated`);
      }
      outs.push(Array.from(o.logits.dataSync()));
      net.dispose();
    }
    assert.deepEqual(outs[0], outs[1]);
    assert.notDeepEqual(outs[0], outs[2]);
  });
}

test('the published 10-block channel plan builds (Shift-GCN and ST-GCN) with 256-d features', () => {
  for (const name of ['shift-gcn-original', 'st-gcn-original', 'shift-gcn-small', 'st-gcn-small']) {
    const cfg = stage1Config(name);
    assert.equal(cfg.model.channels[cfg.model.channels.length - 1], 256);
    const net = createSkeletonNet(cfg.model, { layout: KINECT_V2_25, bodies: 2, numClasses: 60 }, new Random(1));
    assert.equal(net.featureDim, 256);
    if (name === 'shift-gcn-original') {
      // 10 blocks, stride 2 at blocks 5 and 8 (0-based strides[4], strides[7])
      assert.deepEqual(cfg.model.strides, [1, 1, 1, 1, 2, 1, 1, 2, 1, 1]);
      // Shift-GCN l1 (3→64): mask 25·3, linear 3·64 + 64, BN1d 25·64 ·2, down 3·64 + 64 + BN 2·64, tcn: 2 BN + 64·64 + 64
      const l1 = net.params.entries.filter((e) => e.trainable && e.name.startsWith('l1/')).reduce((s, e) => s + e.variable.size, 0);
      assert.equal(l1, 75 + 192 + 64 + 2 * 1600 + 192 + 64 + 128 + 2 * 128 + 4096 + 64);
    }
    net.dispose();
  }
});
