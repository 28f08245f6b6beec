/**
 * Stage-2 step time with the NTU-60 shapes of the public scripts: skeleton 256-d, text lb_ad_md
 * 1536-d, latent 100, batch 64, 60 classes (55 seen); FM on both branches, the reference losses.
 *
 * - Full steps through trainStage2 for both engines (fused: hand-written backward; autodiff: the
 *   tfjs gradient tape), outside and inside the alignment window: median, 10th percentile and mean
 *   ms per step, and the median over a 1700-step cycle (1401 steps outside, 299 inside the window).
 * - The fused step's per-part breakdown (lib/train/fused-step.ts profiling).
 * - The dense 1536² text DCT the public code runs every step, for reference.
 */
import * as tf from '@tensorflow/tfjs';
import { generateFeatureDataset } from '../lib/data/synthetic-features';
import { composeTextFeatures } from '../lib/text/compose';
import { subsetByClass } from '../lib/data/matrices';
import { fsvaePreset } from '../lib/train/config';
import { Stage2Engine, Stage2Inputs, trainStage2 } from '../lib/train/stage2';
import { FsvaeModel } from '../lib/model/fsvae';
import { Adam } from '../lib/train/adam';
import { FusedStage2Step } from '../lib/train/fused-step';
import { Random } from '../lib/util/random';

export function quantile(a: number[], q: number): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** Median of the union of two samples weighted to `wa` and `wb` steps. */
export function weightedMedian(a: number[], wa: number, b: number[], wb: number): number {
  const items = [...a.map((x) => [x, wa / a.length]), ...b.map((x) => [x, wb / b.length])].sort((x, y) => x[0] - y[0]);
  const half = (wa + wb) / 2;
  let acc = 0;
  for (const [x, w] of items) {
    acc += w;
    if (acc >= half) return x;
  }
  return items[items.length - 1][0];
}

const round = (x: number) => Number(x.toFixed(2));

/** The benchmark's stage-2 inputs: generated NTU-60-sized features (55 seen classes, 5 unseen), text lb_ad_md. */
export function stage2BenchInputs(): Stage2Inputs {
  const ds = generateFeatureDataset({ numClasses: 60, textPartDim: 512, trainPerClass: 30, testPerClass: 5, seed: 2 });
  const unseen = [10, 11, 19, 26, 56];
  const seen = [...Array(60).keys()].filter((c) => !unseen.includes(c));
  const text = composeTextFeatures([ds.textParts.lb, ds.textParts.ad, ds.textParts.md]);
  return { train: subsetByClass(ds.trainPool, seen), unseen, text, evalSets: { ztest: subsetByClass(ds.testPool, unseen) } };
}

export async function benchStage2(opts: { quick: boolean }): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const inputs = stage2BenchInputs();
  const { train, text } = inputs;
  const steps = opts.quick ? 80 : 400;
  const warmup = 20;
  for (const engine of ['fused', 'autodiff'] as Stage2Engine[]) {
    const samples: Record<string, number[]> = {};
    for (const [label, alignStart] of [
      ['outside the alignment window', steps],
      ['inside the alignment window', -1],
    ] as const) {
      const cfg = fsvaePreset('reference-ntu60');
      cfg.schedule = { ...cfg.schedule, cycles: 1, stepsPerCycle: steps, alignStart };
      cfg.classifier.steps = 1;
      const times: number[] = [];
      await trainStage2(cfg, inputs, { seed: 1, engine, stepTimes: times });
      const t = times.slice(warmup);
      samples[label] = t;
      rows.push({
        engine,
        part: `full step, ${label}`,
        'median ms': round(quantile(t, 0.5)),
        'p10 ms': round(quantile(t, 0.1)),
        'mean ms': round(t.reduce((x, y) => x + y, 0) / t.length),
        steps: t.length,
      });
    }
    const outside = samples['outside the alignment window'];
    const inside = samples['inside the alignment window'];
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    rows.push({
      engine,
      part: 'a 1700-step cycle (1401 steps outside the window, 299 inside)',
      'median ms': round(weightedMedian(outside, 1401, inside, 299)),
      'p10 ms': '',
      'mean ms': round((1401 * mean(outside) + 299 * mean(inside)) / 1700),
      steps: '',
    });
  }

  // per-part breakdown of the fused step (host-timed; the wasm and cpu backends run synchronously)
  const cfg = fsvaePreset('reference-ntu60');
  const model = new FsvaeModel(
    {
      skeletonDim: 256,
      textDim: 1536,
      latentDim: 100,
      decoderActivation: 'relu',
      skeletonFrequency: cfg.skeletonFrequency,
      textFrequency: cfg.textFrequency,
      reparameterisation: 'reference',
      initGain: 0.5,
    },
    1,
  );
  const table = tf.tensor2d(text.data, [60, 1536]);
  const bands = model.textEncoder.frequency.precomputeBands(table);
  const adam = new Adam(model.variables, { learningRate: 1e-4 });
  const fused = new FusedStage2Step(model, cfg, train, text, bands);
  const rng = new Random(1);
  const reps = opts.quick ? 40 : 200;
  const parts: Record<string, Map<string, number>> = {};
  for (const [label, stepInCycle] of [
    ['outside', 1000],
    ['inside', 1600],
  ] as const) {
    const run = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await fused.step(adam, 2, stepInCycle, {
          batch: rng.sampleWithoutReplacement(train.rows, 64),
          negatives: rng.permutation(64),
          skeletonNegatives: null,
          epsSkeleton: rng.normals(64),
          epsText: rng.normals(64),
        });
      }
    };
    await run(warmup);
    fused.enableProfile();
    await run(reps);
    parts[label] = fused.profileParts();
  }
  for (const [part, ms] of parts.outside) {
    rows.push({
      engine: 'fused',
      part: `  ${part}`,
      'median ms': '',
      'p10 ms': '',
      'mean ms': round(ms / reps),
      steps: reps,
      'mean ms inside the window': round((parts.inside.get(part) ?? 0) / reps),
    });
  }
  fused.dispose();
  adam.dispose();

  // what the public code does every step: a dense 1536² DCT and inverse on the 64 text rows, fwd + bwd
  const vars = model.variables;
  const time = (fn: () => void, n: number) => {
    fn();
    const t: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      fn();
      t.push(performance.now() - t0);
    }
    return quantile(t, 0.5);
  };
  const dense = time(
    () => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(model.textEncoder.frequency.apply(tf.concat([table, tf.slice(table, [0, 0], [4, 1536])]) as tf.Tensor2D)),
        vars,
      );
      tf.dispose([value, ...Object.values(grads)]);
    },
    opts.quick ? 5 : 20,
  );
  rows.push({
    engine: 'autodiff',
    part: 'text FM as the public code runs it (dense 1536² DCT + inverse, 64 rows, fwd+bwd)',
    'median ms': round(dense),
    'p10 ms': '',
    'mean ms': '',
    steps: opts.quick ? 5 : 20,
  });
  bands.dispose();
  table.dispose();
  model.dispose();
  return rows;
}
