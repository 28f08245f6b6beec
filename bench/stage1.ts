/**
 * Throughput of the stage-1 skeleton networks on the wasm backend (single-threaded XNNPACK, with
 * the transposed-matmul fix and the extra kernels that initBackend installs): sequences per
 * second of an eval-mode forward pass (feature extraction) and of a full training step
 * (forward, backward, SGD update), on random one-body clips of 25 joints — on one thread and on
 * both cores (data-parallel.ts) — next to a plain PyTorch ST-GCN of st-gcn-small's shapes
 * (bench/torch_stgcn.py) when python3-torch is installed.
 *
 * Cases: the small CPU configurations (shift-gcn-small, st-gcn-small) at batch 16 and 32
 * frames, shift-gcn-tiny at batch 16 and 20 frames, and the published 10-block configurations (shift-gcn-original, st-gcn-original) at
 * batch 4 and 32 frames. Each case runs one untimed warm-up and then timed repetitions until
 * `reps` or a time budget is reached (at least 2). The wasm backend is used whatever backend
 * initBackend picked; the previous backend is restored afterwards.
 */
import * as tf from '@tensorflow/tfjs';
import { KINECT_V2_25 } from '../lib/data/layouts';
import { installWasmExtraKernels } from '../lib/runtime/wasm-extra-kernels';
import { installWasmMatmulFix } from '../lib/runtime/wasm-matmul-fix';
import { Random } from '../lib/util/random';
import { stage1Config } from '../lib/stage1/config';
import { EVAL } from '../lib/stage1/layers';
import { createSkeletonNet } from '../lib/stage1/net';
import { Stage1Opt } from '../lib/stage1/optim';
import { DataParallelGradients, dataParallelAvailable } from '../lib/stage1/data-parallel';
import { stage1Step } from '../lib/stage1/train';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export interface Stage1BenchCase {
  preset: string;
  batch: number;
  frames: number;
}

export interface BenchStage1Options {
  /** skip the 10-block configurations */
  quick?: boolean;
  cases?: Stage1BenchCase[];
  /** timed repetitions per measurement (default 5) */
  reps?: number;
  /** time budget per measurement in ms (default 20000) */
  budgetMs?: number;
}

const DEFAULT_CASES: Stage1BenchCase[] = [
  { preset: 'shift-gcn-tiny', batch: 16, frames: 20 },
  { preset: 'shift-gcn-small', batch: 16, frames: 32 },
  { preset: 'st-gcn-small', batch: 16, frames: 32 },
  { preset: 'shift-gcn-original', batch: 4, frames: 32 },
  { preset: 'st-gcn-original', batch: 4, frames: 32 },
];

async function timeIt(run: () => Promise<unknown>, reps: number, budgetMs: number): Promise<{ ms: number; reps: number }> {
  await run(); // warm-up: kernel set-up, XNNPACK packing, index maps
  const times: number[] = [];
  const start = Date.now();
  while (times.length < reps && (times.length < 2 || Date.now() - start < budgetMs)) {
    const t0 = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], reps: times.length };
}

export async function benchStage1(opts: BenchStage1Options = {}): Promise<Record<string, unknown>[]> {
  const cases = opts.cases ?? DEFAULT_CASES.filter((c) => !opts.quick || !c.preset.endsWith('-original'));
  const reps = opts.reps ?? 5;
  const budgetMs = opts.budgetMs ?? 20000;
  const previous = tf.getBackend();
  if (previous !== 'wasm') {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    require('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('benchStage1: the wasm backend could not be initialised');
  }
  installWasmMatmulFix();
  installWasmExtraKernels();
  const rows: Record<string, unknown>[] = [];
  try {
    for (const c of cases) {
      const cfg = stage1Config(c.preset);
      const net = createSkeletonNet(cfg.model, { layout: KINECT_V2_25, bodies: 1, numClasses: 60 }, new Random(1));
      const rng = new Random(2);
      const shape = [c.batch, 1, c.frames, 25, 3];
      const x = tf.tensor(
        Float32Array.from({ length: c.batch * c.frames * 75 }, () => 0.3 * rng.normal()),
        shape,
      );
      const y = tf.oneHot(
        tf.tensor1d(
          Array.from({ length: c.batch }, (_, i) => i % 60),
          'int32',
        ),
        60,
      );
      const opt = new Stage1Opt(net.params.trainable(), { kind: 'sgd', learningRate: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
      const fwd = await timeIt(
        async () => {
          const o = net.forward(x, EVAL);
          await o.features.data();
          tf.dispose([o.features, o.logits]);
        },
        reps,
        budgetMs,
      );
      const step = await timeIt(
        () => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, net.forward(x, { training: true, updateStats: true }).logits) as tf.Scalar, 0.01),
        reps,
        budgetMs,
      );
      // the same step on both cores (data-parallel.ts): this thread and a worker take half a batch each
      let dpStep: { ms: number; reps: number } | null = null;
      if (dataParallelAvailable()) {
        const dp = new DataParallelGradients({
          model: cfg.model,
          layout: 'kinect-v2-25',
          bodies: 1,
          numClasses: 60,
          frames: c.frames,
          maxRows: c.batch - Math.ceil(c.batch / 2),
          all: net.params.entries.map((e) => e.variable),
          trainable: opt.params,
        });
        const batch = {
          data: (await x.data()) as Float32Array,
          shape: shape as [number, number, number, number, number],
          labels: Int32Array.from({ length: c.batch }, (_, i) => i % 60),
          ids: [],
        };
        try {
          dpStep = await timeIt(() => stage1Step({ net, opt, dp, numClasses: 60, clipSize: c.frames * 75 }, batch, 0.01), reps, budgetMs);
        } finally {
          dp.dispose();
        }
      }
      rows.push({
        preset: c.preset,
        blocks: cfg.model.channels.length,
        channels: cfg.model.channels.join(','),
        params: net.params.countTrainable(),
        batch: c.batch,
        frames: c.frames,
        'forward ms/batch': +fwd.ms.toFixed(1),
        'forward seq/s': +((c.batch * 1000) / fwd.ms).toFixed(1),
        'train step ms/batch': +step.ms.toFixed(1),
        'train seq/s': +((c.batch * 1000) / step.ms).toFixed(1),
        'train seq/s, 2 threads': dpStep ? +((c.batch * 1000) / dpStep.ms).toFixed(1) : 'n/a (one core)',
        reps: fwd.reps === step.reps ? fwd.reps : `${fwd.reps}/${step.reps}`,
      });
      tf.dispose([x, y]);
      net.dispose();
      opt.dispose();
    }
  } finally {
    if (previous && previous !== 'wasm') await tf.setBackend(previous);
  }
  rows.push(...torchReference());
  return rows;
}

/**
 * The PyTorch reference (bench/torch_stgcn.py: a plain ST-GCN of st-gcn-small's shapes, batch 16,
 * 32 frames) on 1 and 2 CPU threads, when a python3 with torch is installed (Debian python3-torch);
 * otherwise one row saying so. Never a dependency of the project.
 */
export function torchReference(): Record<string, unknown>[] {
  const script = path.join(__dirname, '..', '..', 'bench', 'torch_stgcn.py');
  for (const py of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    const r = spawnSync(py, [script, '1', '2'], { encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) return [{ preset: 'PyTorch st-gcn (reference)', note: `bench/torch_stgcn.py failed: ${(r.stderr || '').trim().split('\n').pop()}` }];
    return r.stdout
      .trim()
      .split('\n')
      .map((l) => {
        const j = JSON.parse(l) as Record<string, number | string>;
        return {
          preset: `PyTorch ${j.torch} st-gcn-small shapes (reference), ${j.threads} thread${j.threads === 1 ? '' : 's'}`,
          batch: j.batch,
          frames: j.frames,
          'train step ms/batch': j['train step ms/batch'],
          'train seq/s': j['train seq/s'],
        };
      });
  }
  return [{ preset: 'PyTorch st-gcn (reference)', note: 'no python3 with torch found (apt-get install python3-torch)' }];
}

if (require.main === module) {
  benchStage1({ quick: process.argv.includes('--quick') })
    .then((rows) => console.table(rows))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    });
}
