/**
 * Stage-2 step time with the NTU-60 shapes of the public scripts: skeleton 256-d, text lb_ad_md
 * 1536-d, latent 100, batch 64, 60 classes; FM on both branches, the reference losses.
 * Reports the median ms per step outside and inside the alignment window, the per-part costs,
 * and the weighted mean for a 1700-step cycle (window = last 299 steps).
 */
import * as tf from '@tensorflow/tfjs';
import { generateFeatureDataset } from '../lib/data/synthetic-features';
import { composeTextFeatures } from '../lib/text/compose';
import { subsetByClass } from '../lib/train/features';
import { stage2Preset } from '../lib/train/config';
import { trainStage2 } from '../lib/train/stage2';
import { FsvaeModel } from '../lib/model/fsvae';
import { frequencyConfig } from '../lib/frequency/enhancer';
import { Adam } from '../lib/train/adam';
import { Random } from '../lib/util/random';

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

function timeIt(fn: () => void, reps: number): number {
  fn();
  fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

export async function benchStage2(opts: { quick: boolean }): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const ds = generateFeatureDataset({ numClasses: 60, textPartDim: 512, trainPerClass: 30, testPerClass: 5, seed: 2 });
  const unseen = [10, 11, 19, 26, 56];
  const seen = [...Array(60).keys()].filter((c) => !unseen.includes(c));
  const text = composeTextFeatures([ds.textParts.lb, ds.textParts.ad, ds.textParts.md]);
  const steps = opts.quick ? 60 : 200;
  for (const [label, alignStart] of [['outside the alignment window', steps], ['inside the alignment window', -1]] as const) {
    const cfg = stage2Preset('reference-ntu60');
    cfg.schedule = { ...cfg.schedule, cycles: 1, stepsPerCycle: steps, alignStart };
    cfg.classifier.steps = 1;
    const r = trainStage2(cfg, { train: subsetByClass(ds.trainPool, seen), unseen, text, evalSets: { ztest: subsetByClass(ds.testPool, unseen) } }, { seed: 1 });
    rows.push({ part: `full step, ${label}`, 'ms (median of steps/s)': Number((1000 / r.stepsPerSecond).toFixed(2)), steps });
  }
  // per-part costs (forward + backward), same shapes
  const model = new FsvaeModel({
    skeletonDim: 256, textDim: 1536, latentDim: 100, encoderHidden: [], decoderActivation: 'relu',
    skeletonFrequency: frequencyConfig('reference'), textFrequency: frequencyConfig('reference'), reparameterisation: 'reference', initGain: 0.5,
  }, 1);
  const rng = new Random(1);
  const xs = tf.tensor2d(Float32Array.from(rng.normals(64 * 256)), [64, 256]);
  const table = tf.tensor2d(text.data, [60, 1536]);
  const bands = model.textEncoder.frequency.precomputeBands(table);
  const z = tf.tensor2d(Float32Array.from(rng.normals(64 * 100)), [64, 100]);
  const vars = model.variables;
  const grad = (f: () => tf.Scalar) => () => {
    const { value, grads } = tf.variableGrads(f, vars);
    tf.dispose([value, ...Object.values(grads)]);
  };
  const reps = opts.quick ? 10 : 30;
  const parts: [string, () => void][] = [
    ['skeleton FM (dense 256², fwd+bwd)', grad(() => tf.sum(model.skeletonEncoder.frequency.apply(xs)))],
    ['text FM (precomputed bands, fwd+bwd)', grad(() => tf.sum(model.textEncoder.frequency.applyPrecomputed(bands)))],
    ['text FM (dense 1536², batch 64, fwd+bwd) — what the code does', grad(() => tf.sum(model.textEncoder.frequency.apply(tf.slice(table.concat(table.slice([0, 0], [4, 1536])), [0, 0], [64, 1536]))))],
    ['skeleton encoder, no FM (fwd+bwd)', grad(() => tf.sum(model.skeletonEncoder.fromEnhanced(xs).mu))],
    ['text encoder on 60 class rows, no FM (fwd+bwd)', grad(() => tf.sum(model.textEncoder.fromEnhanced(table).mu))],
    ['skeleton decoder, 64 rows (fwd+bwd)', grad(() => tf.sum(model.skeletonDecoder.apply(z)))],
    ['text decoder, 64 rows (fwd+bwd)', grad(() => tf.sum(model.textDecoder.apply(z)))],
  ];
  for (const [name, fn] of parts) rows.push({ part: name, 'ms (median of steps/s)': Number(timeIt(fn, reps).toFixed(2)), steps: reps });
  const opt = new Adam(vars, { learningRate: 1e-4 });
  const trivial = () => tf.add(tf.sum(model.textDecoder.apply(z)), tf.add(tf.sum(model.textEncoder.fromEnhanced(table).mu), tf.sum(model.skeletonEncoder.apply(xs).mu))) as tf.Scalar;
  const withAdam = timeIt(() => opt.minimize(trivial), reps);
  const without = timeIt(grad(trivial), reps);
  rows.push({ part: 'Adam update of all parameters (fused loop)', 'ms (median of steps/s)': Number((withAdam - without).toFixed(2)), steps: reps });
  opt.dispose();
  bands.dispose();
  tf.dispose([xs, table, z]);
  model.dispose();
  const outside = rows[0]['ms (median of steps/s)'] as number;
  const inside = rows[1]['ms (median of steps/s)'] as number;
  rows.splice(2, 0, { part: 'mean over a 1700-step cycle (1401 outside, 299 inside)', 'ms (median of steps/s)': Number(((1401 * outside + 299 * inside) / 1700).toFixed(2)), steps: '' });
  return rows;
}
