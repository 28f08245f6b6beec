/**
 * Generated pre-extracted features in the SynSE/MSF layout, for tests and quick checks of stages
 * 2-4 when no real features are at hand. Each class has a few latent attributes a_c (like "which
 * limb, how fast"); its text embedding t_c = M·a_c + small noise (three 'parts' like lb/ad/md) and
 * its skeleton features ReLU(A·a_c + b + noise), for fixed random maps M and A. Seen classes span
 * the attribute space, so an unseen class's skeleton features are predictable from its text —
 * zero-shot transfer is possible, by construction. Seen-classifier logits are a noisy score of the true class.
 * Clearly generated data: never reported as a paper result.
 */
import * as path from 'node:path';
import { Random } from '../util/random';
import { FeatureSet, TextMatrix, rowsOf, subsetByClass } from './matrices';
import { BenchmarkSplit } from './splits';
import { synseFolderName, writeSynseSplit } from './synse';
import { writeNpy } from './npy';

export interface SyntheticFeatureConfig {
  numClasses: number;
  skeletonDim: number;
  /** width of each text part (three parts: lb, ad, md). */
  textPartDim: number;
  trainPerClass: number;
  testPerClass: number;
  /** number of latent attributes per class (must be < number of seen classes for transfer). */
  attributes: number;
  /** std of the per-sample noise relative to the class-mean spread. */
  noise: number;
  /** how well the seen-classifier logits separate classes. */
  logitMargin: number;
  seed: number;
}

export interface SyntheticFeatureDataset {
  config: SyntheticFeatureConfig;
  /** raw text parts (lb, ad, md), not normalised, like the CLIP tables. */
  textParts: Record<'lb' | 'ad' | 'md', TextMatrix>;
  /** all-class pools: training samples (train split) and test samples (test split), with logits. */
  trainPool: FeatureSet;
  testPool: FeatureSet;
}

export function generateFeatureDataset(partial: Partial<SyntheticFeatureConfig> = {}): SyntheticFeatureDataset {
  const cfg: SyntheticFeatureConfig = {
    numClasses: 20,
    skeletonDim: 256,
    textPartDim: 64,
    trainPerClass: 60,
    testPerClass: 30,
    attributes: 6,
    noise: 0.5,
    logitMargin: 3,
    seed: 1,
    ...partial,
  };
  const rng = new Random(cfg.seed);
  const C = cfg.numClasses;
  const P = cfg.textPartDim;
  const K = cfg.attributes;
  const attrs = Array.from({ length: C }, () => rng.normals(K));
  const textParts = {} as Record<'lb' | 'ad' | 'md', TextMatrix>;
  (['lb', 'ad', 'md'] as const).forEach((part) => {
    const M = new Float64Array(P * K).map(() => (rng.normal() * 3) / Math.sqrt(K)); // raw scale, like CLIP rows of norm ~8-13
    const data = new Float32Array(C * P);
    for (let c = 0; c < C; c++) {
      for (let j = 0; j < P; j++) {
        let v = 0.3 * rng.normal();
        for (let k = 0; k < K; k++) v += M[j * K + k] * attrs[c][k];
        data[c * P + j] = v;
      }
    }
    textParts[part] = { rows: C, cols: P, data };
  });
  const D = cfg.skeletonDim;
  const A = new Float64Array(D * K).map(() => (rng.normal() * 3) / Math.sqrt(K));
  const bias = new Float64Array(D).map(() => rng.normal() * 0.5);
  const means = attrs.map((a) => {
    const m = new Float64Array(D);
    for (let d = 0; d < D; d++) {
      let acc = bias[d];
      for (let k = 0; k < K; k++) acc += A[d * K + k] * a[k];
      m[d] = acc;
    }
    return m;
  });
  const makePool = (perClass: number): FeatureSet => {
    const rows = C * perClass;
    const features = new Float32Array(rows * D);
    const labels = new Int32Array(rows);
    const logits = new Float32Array(rows * C);
    let r = 0;
    for (let c = 0; c < C; c++) {
      for (let k = 0; k < perClass; k++, r++) {
        labels[r] = c;
        for (let d = 0; d < D; d++) features[r * D + d] = Math.max(0, means[c][d] + cfg.noise * 3 * rng.normal());
        for (let j = 0; j < C; j++) logits[r * C + j] = rng.normal() + (j === c ? cfg.logitMargin : 0);
      }
    }
    return { features, rows, dim: D, labels, logits, logitDim: C };
  };
  return { config: cfg, textParts, trainPool: makePool(cfg.trainPerClass), testPool: makePool(cfg.testPerClass) };
}

/**
 * Writes a generated dataset as a user's download would look: `<root>/sk_feats/shift_{ss}_r`,
 * `<root>/sk_feats/shift_val_{ss}_r` (SynSE layout) and `<root>/text_feats/ViT-B/32/{lb,ad,md}_{C}.npy`
 * (MSF layout), following `split` (train side = the train pool, test side = the test pool; the val
 * folder holds out 1/5 of each val-seen class as `val`). C must be 60 or 120 (the text-table names).
 */
export function writeSyntheticBenchmark(root: string, split: BenchmarkSplit, partial: Partial<SyntheticFeatureConfig> = {}): SyntheticFeatureDataset {
  if (split.numClasses !== 60 && split.numClasses !== 120) {
    throw new Error(`writeSyntheticBenchmark: the MSF text-table layout exists for 60 or 120 classes, split ${split.name} has ${split.numClasses}.`);
  }
  const ds = generateFeatureDataset({ textPartDim: 512, ...partial, numClasses: split.numClasses });
  const sk = path.join(root, 'sk_feats');
  const test = ds.testPool;
  writeSynseSplit(path.join(sk, synseFolderName(split.unseen.length, 'train')), {
    phase: 'train',
    train: subsetByClass(ds.trainPool, split.seen),
    ztest: subsetByClass(test, split.unseen),
    gtest: test,
  });
  const valSeenPool = subsetByClass(ds.trainPool, split.valSeen);
  const held: number[] = [];
  const kept: number[] = [];
  const perClass = new Map<number, number>();
  for (let i = 0; i < valSeenPool.rows; i++) {
    const c = valSeenPool.labels[i];
    const k = perClass.get(c) ?? 0;
    perClass.set(c, k + 1);
    (k % 5 === 0 ? held : kept).push(i);
  }
  writeSynseSplit(path.join(sk, synseFolderName(split.unseen.length, 'val')), {
    phase: 'val',
    train: rowsOf(valSeenPool, kept),
    ztest: subsetByClass(ds.trainPool, split.valUnseen),
    val: rowsOf(valSeenPool, held),
  });
  for (const part of ['lb', 'ad', 'md'] as const) {
    const t = ds.textParts[part];
    writeNpy(path.join(root, 'text_feats', 'ViT-B', '32', `${part}_${split.numClasses}.npy`), { dtype: 'float32', shape: [t.rows, t.cols], data: t.data });
  }
  return ds;
}
