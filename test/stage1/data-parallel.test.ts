import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/runtime/backend';
import { KINECT_V2_25 } from '../../lib/data/layouts';
import { stage1Config } from '../../lib/stage1/config';
import { DataParallelGradients } from '../../lib/stage1/data-parallel';
import { createSkeletonNet } from '../../lib/stage1/net';
import { Stage1Opt } from '../../lib/stage1/optim';
import { stage1Step } from '../../lib/stage1/train';
import { Random } from '../../lib/util/random';

describe('data-parallel stage-1 step (two threads)', () => {
  for (const preset of ['shift-gcn-tiny', 'st-gcn-small']) {
    test(`${preset}: the update equals the size-weighted mean of the two halves' gradients, computed on one thread`, async () => {
      await initBackend({ quiet: true });
      const cfg = stage1Config(preset);
      const shape = { layout: KINECT_V2_25, bodies: 1, numClasses: 6 };
      const rows = 7; // halves of 4 and 3
      const T = 12;
      const clipSize = T * 25 * 3;
      const rng = new Random(5);
      const data = Float32Array.from({ length: rows * clipSize }, () => 0.3 * rng.normal());
      const labels = Int32Array.from({ length: rows }, (_, i) => i % 6);
      const batch = { data, shape: [rows, 1, T, 25, 3] as [number, number, number, number, number], labels, ids: [] as string[] };
      const sgd = { kind: 'sgd' as const, learningRate: 1, momentum: 0, nesterov: false, weightDecay: 0 };

      // two threads
      const netA = createSkeletonNet(cfg.model, shape, new Random(1));
      const optA = new Stage1Opt(netA.params.trainable(), sgd);
      const before = netA.params.trainable().map((v) => (v.dataSync() as Float32Array).slice());
      const dp = new DataParallelGradients({
        model: cfg.model,
        layout: 'kinect-v2-25',
        bodies: 1,
        numClasses: 6,
        frames: T,
        maxRows: 3,
        all: netA.params.entries.map((e) => e.variable),
        trainable: optA.params,
      });
      let res: { loss: number; correct: number };
      try {
        res = await stage1Step({ net: netA, opt: optA, dp, numClasses: 6, clipSize }, batch, 1);
      } finally {
        dp.dispose();
      }
      const deltaA = netA.params.trainable().map((v, i) => (v.dataSync() as Float32Array).map((w, j) => before[i][j] - w));

      // one thread, each half separately (training-mode BN on each half, as the two threads do)
      const netB = createSkeletonNet(cfg.model, shape, new Random(1));
      const half = (lo: number, hi: number) => {
        const x = tf.tensor(data.subarray(lo * clipSize, hi * clipSize), [hi - lo, 1, T, 25, 3]);
        const y = tf.oneHot(tf.tensor1d(labels.subarray(lo, hi), 'int32'), 6);
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy(y, netB.forward(x, { training: true, updateStats: false }).logits) as tf.Scalar,
          netB.params.trainable(),
        );
        const g = netB.params.trainable().map((v) => (grads[v.name].dataSync() as Float32Array).slice());
        const l = value.dataSync()[0];
        tf.dispose([x, y, value, ...Object.values(grads)]);
        return { g, l };
      };
      const a = half(0, 4);
      const b = half(4, 7);
      let worst = 0;
      let scale = 0;
      deltaA.forEach((d, i) =>
        d.forEach((v, j) => {
          const want = (4 / 7) * a.g[i][j] + (3 / 7) * b.g[i][j];
          worst = Math.max(worst, Math.abs(v - want));
          scale = Math.max(scale, Math.abs(want));
        }),
      );
      assert.ok(scale > 1e-4, 'gradients are not trivially zero');
      assert.ok(worst <= 1e-5 + 1e-4 * scale, `max |Δw − mean gradient| = ${worst} (scale ${scale})`);
      assert.ok(Math.abs(res.loss - ((4 / 7) * a.l + (3 / 7) * b.l)) < 1e-5);
      netA.dispose();
      netB.dispose();
    });
  }

  test('a worker failure is an error on the main thread, not a hang', async () => {
    await initBackend({ quiet: true });
    const cfg = stage1Config('shift-gcn-tiny');
    const net = createSkeletonNet(cfg.model, { layout: KINECT_V2_25, bodies: 1, numClasses: 4 }, new Random(1));
    const opt = new Stage1Opt(net.params.trainable(), { kind: 'adam', learningRate: 1e-3 });
    // the worker builds a wider network: the main thread's weights do not fill it, its step fails
    const wide = { ...cfg.model, channels: cfg.model.channels.map((c) => 2 * c) };
    const dp = new DataParallelGradients({
      model: wide,
      layout: 'kinect-v2-25',
      bodies: 1,
      numClasses: 4,
      frames: 8,
      maxRows: 2,
      all: net.params.entries.map((e) => e.variable),
      trainable: opt.params,
      timeoutMs: 60_000,
    });
    const batch = {
      data: new Float32Array(4 * 8 * 75).fill(0.1),
      shape: [4, 1, 8, 25, 3] as [number, number, number, number, number],
      labels: Int32Array.from([0, 1, 2, 3]),
      ids: [],
    };
    try {
      await assert.rejects(stage1Step({ net, opt, dp, numClasses: 4, clipSize: 8 * 75 }, batch, 1e-3), /data-parallel worker: step 1 failed: .+/);
    } finally {
      dp.dispose();
      net.dispose();
    }
  });
});
