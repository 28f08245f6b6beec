/**
 * Stage-1 feature-quality report: how much of what zero-shot transfer needs do an extractor's
 * features hold, measured before stage 2 runs. One row per dataset × split × extractor × seed:
 *
 *   seen_top1          the extractor's own classifier on the test side of the seen classes (argmax
 *                      among the seen classes; null for the parameter-free descriptor)
 *   seen_ncm           nearest class mean, means from the train side of the seen classes, on their
 *                      test side
 *   unseen_ncm_oracle  nearest of the unseen classes' own test-side means, on those same samples:
 *                      a CEILING of the features (it uses the test labels), never a zero-shot result
 *
 * Both NCM metrics use Euclidean distance after z-scoring every feature dimension with the mean
 * and standard deviation of the seen classes' train-side rows. The extractor is fitted on the
 * split's seen classes, train side only (the same guard as stage-1 export).
 */
import { FsvaeInputError } from '../util/assert';
import { SkeletonSequence } from '../data/skeleton';
import { BenchmarkSplit } from '../data/splits';
import { Row } from '../report/table';
import { Stage1Config } from './config';
import { DctExtractorConfig, fitDctExtractor, isDctExtractorConfig, ownMeanAccuracy } from './dct-extractor';
import { SideOf, TrainingSelection } from './input';
import { Stage1Progress, extractFeatures, top1Accuracy, trainStage1 } from './train';

export interface QualityMetrics {
  seen_top1: number | null;
  seen_ncm: number;
  unseen_ncm_oracle: number;
  rows: { seenTrain: number; seenTest: number; unseenTest: number };
}

/** The three metrics from features (rows × dim), labels, sides and optional logits (rows × numClasses). */
export function qualityMetrics(args: {
  features: Float32Array; dim: number; labels: ArrayLike<number>; sides: readonly ('train' | 'test')[];
  seen: readonly number[]; unseen: readonly number[]; logits?: Float32Array; numClasses: number;
}): QualityMetrics {
  const { features, dim, labels, sides, numClasses } = args;
  const n = labels.length;
  if (features.length !== n * dim) throw new FsvaeInputError(`qualityMetrics: ${features.length} feature values are not ${n} rows of ${dim}.`);
  if (sides.length !== n) throw new FsvaeInputError(`qualityMetrics: ${sides.length} sides for ${n} rows.`);
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i])) throw new FsvaeInputError(`qualityMetrics: feature ${i % dim} of row ${Math.floor(i / dim)} is ${features[i]}.`);
  }
  const seen = new Set(args.seen);
  const unseen = new Set(args.unseen);
  const seenTrain: number[] = [];
  const seenTest: number[] = [];
  const unseenTest: number[] = [];
  for (let i = 0; i < n; i++) {
    if (seen.has(labels[i])) (sides[i] === 'train' ? seenTrain : seenTest).push(i);
    else if (unseen.has(labels[i]) && sides[i] === 'test') unseenTest.push(i);
  }
  if (seenTrain.length < 2 || seenTest.length === 0 || unseenTest.length === 0) {
    throw new FsvaeInputError(`qualityMetrics: needs seen train-side (${seenTrain.length}), seen test-side (${seenTest.length}) and unseen test-side (${unseenTest.length}) rows.`);
  }
  // z-score with the seen train-side statistics
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (const i of seenTrain) for (let k = 0; k < dim; k++) mean[k] += features[i * dim + k];
  for (let k = 0; k < dim; k++) mean[k] /= seenTrain.length;
  for (const i of seenTrain) for (let k = 0; k < dim; k++) sq[k] += (features[i * dim + k] - mean[k]) ** 2;
  const std = sq.map((s) => Math.max(Math.sqrt(s / seenTrain.length), 1e-6));
  const zOf = (idx: number[]) => {
    const z = new Float64Array(idx.length * dim);
    idx.forEach((i, r) => {
      for (let k = 0; k < dim; k++) z[r * dim + k] = (features[i * dim + k] - mean[k]) / std[k];
    });
    return z;
  };
  const zTrain = zOf(seenTrain);
  const zTest = zOf(seenTest);
  // seen NCM: means from the train side
  const classes = [...new Set(seenTrain.map((i) => labels[i]))].sort((a, b) => a - b);
  const means = classes.map((c) => {
    const m = new Float64Array(dim);
    let cnt = 0;
    seenTrain.forEach((i, r) => {
      if (labels[i] !== c) return;
      cnt++;
      for (let k = 0; k < dim; k++) m[k] += zTrain[r * dim + k];
    });
    return m.map((v) => v / cnt);
  });
  let ok = 0;
  seenTest.forEach((i, r) => {
    let best = -1;
    let bestD = Infinity;
    means.forEach((m, j) => {
      let s = 0;
      for (let k = 0; k < dim; k++) s += (zTest[r * dim + k] - m[k]) ** 2;
      if (s < bestD) {
        bestD = s;
        best = classes[j];
      }
    });
    if (best === labels[i]) ok++;
  });
  const seenNcm = ok / seenTest.length;
  const oracle = ownMeanAccuracy(zOf(unseenTest), dim, unseenTest.map((i) => labels[i]));
  let seenTop1: number | null = null;
  if (args.logits) {
    if (args.logits.length !== n * numClasses) throw new FsvaeInputError(`qualityMetrics: ${args.logits.length} logits are not ${n} rows of ${numClasses}.`);
    const lg = new Float32Array(seenTest.length * numClasses);
    seenTest.forEach((i, r) => lg.set(args.logits!.subarray(i * numClasses, (i + 1) * numClasses), r * numClasses));
    seenTop1 = top1Accuracy(lg, Int32Array.from(seenTest, (i) => labels[i]), numClasses, [...seen]);
  }
  return { seen_top1: seenTop1, seen_ncm: seenNcm, unseen_ncm_oracle: oracle, rows: { seenTrain: seenTrain.length, seenTest: seenTest.length, unseenTest: unseenTest.length } };
}

export type QualityExtractor = Stage1Config | DctExtractorConfig;

export interface QualityRowInput {
  dataset: string;
  split: BenchmarkSplit;
  sequences: readonly SkeletonSequence[];
  side: SideOf;
  extractor: QualityExtractor;
  seed: number;
  log?: (l: string) => void;
  onStage1Progress?: (p: Stage1Progress) => void;
}

/** Fits one extractor on the split's seen classes (train side) and measures its features. */
export function featureQualityRow(inp: QualityRowInput): Row {
  const { split, sequences, extractor, seed } = inp;
  const sides = sequences.map((s) => inp.side(s));
  const sideMap = new Map(sequences.map((s, i) => [s, sides[i]] as const));
  const selection: TrainingSelection = { classes: split.seen, side: (s) => sideMap.get(s) ?? inp.side(s), numClasses: split.numClasses };
  const t0 = Date.now();
  let features: Float32Array;
  let dim: number;
  let logits: Float32Array;
  let descriptorOnly = false;
  let extra: Row = {};
  if (isDctExtractorConfig(extractor)) {
    const fit = fitDctExtractor(extractor, sequences, selection, { seed, log: inp.log });
    const trainSeconds = (Date.now() - t0) / 1000;
    const e = fit.extract(sequences);
    features = e.features;
    dim = e.dim;
    logits = e.logits;
    descriptorOnly = extractor.metric === null;
    extra = { train_seconds: trainSeconds, shrinkage: fit.shrinkage?.chosen ?? null };
  } else {
    const res = trainStage1(extractor, sequences, selection, { seed, onProgress: inp.onStage1Progress });
    const trainSeconds = (Date.now() - t0) / 1000;
    try {
      const e = extractFeatures(res.net, sequences, res.input);
      features = e.features;
      dim = e.dim;
      logits = e.logits;
    } finally {
      res.net.dispose();
    }
    extra = { train_seconds: trainSeconds, shrinkage: null };
  }
  const m = qualityMetrics({ features, dim, labels: sequences.map((s) => s.label), sides, seen: split.seen, unseen: split.unseen, logits: descriptorOnly ? undefined : logits, numClasses: split.numClasses });
  return {
    dataset: inp.dataset, split: split.name, extractor: extractor.name, seed,
    seen_top1: m.seen_top1, seen_ncm: m.seen_ncm, unseen_ncm_oracle: m.unseen_ncm_oracle,
    train_seconds: extra.train_seconds as number, feature_dim: dim, shrinkage: extra.shrinkage ?? null,
    n_seen_train: m.rows.seenTrain, n_seen_test: m.rows.seenTest, n_unseen_test: m.rows.unseenTest,
  };
}
