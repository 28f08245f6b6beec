/**
 * Stage-1 feature-quality report: how much of what zero-shot transfer needs do an extractor's
 * features hold, measured before stage 2 runs. One row per dataset × split × extractor × seed.
 *
 * SELECTION criteria — the split's VAL PHASE only (the pseudo split inside the seen classes, built
 * exactly as stage-1 export builds shift_val_{u}_r, see valPhaseSets). The extractor is fitted on
 * the val-seen classes' train side minus the held-out part and only ever receives the seen
 * classes' train-side sequences; the split's real unseen classes and its test side are never read:
 *
 *   val_seen_top1          the extractor's own classifier on the held-out val-seen samples (argmax
 *                          among the val-seen classes; null for the parameter-free descriptor)
 *   val_seen_ncm           nearest class mean, means from the val-phase training rows, on the
 *                          held-out val-seen samples
 *   val_pseudo_unseen_ncm  nearest of the pseudo-unseen (val-unseen) classes' own means, on those
 *                          same samples (the val phase's ztest: val-unseen classes, train side).
 *                          Its labels are seen classes' labels: a legitimate validation criterion,
 *                          the val-phase analogue of the test-side oracle below.
 *   val_pseudo_unseen_ncm_raw  the same without the z-scoring (Euclidean in the extractor's own
 *                          feature space): a sensitivity check of the z-scoring, not the criterion
 *
 * DIAGNOSTICS — test side, never used for any choice (qualityMetrics; extractor fitted on the
 * split's seen classes, train side, as stage-1 export's phase train):
 *
 *   diag_test_seen_top1          the extractor's classifier on the test side of the seen classes
 *   diag_test_seen_ncm           nearest class mean (seen train-side means) on that test side
 *   diag_test_unseen_ncm_oracle  nearest of the real unseen classes' own test-side means: a CEILING
 *                                read off the test labels, never a zero-shot result
 *
 * Every NCM metric uses Euclidean distance after z-scoring each feature dimension with the mean
 * and standard deviation of its phase's training rows.
 */
import { FsvaeInputError } from '../util/assert';
import { SkeletonSequence } from '../data/skeleton';
import { BenchmarkSplit, fnv1a32 } from '../data/splits';
import { Row } from '../report/table';
import { Stage1Config } from './config';
import { DctExtractorConfig, isDctExtractorConfig, ownMeanAccuracy } from './dct-extractor';
import { ExtractorConfig, fitExtractor } from './extractors';
import { Stage1Split, checkStage1Split, chooseValHoldOut } from './export';
import { SideOf, TrainingSelection } from './input';
import { Stage1Progress, top1Accuracy } from './train';

export interface QualityMetrics {
  seen_top1: number | null;
  seen_ncm: number;
  unseen_ncm_oracle: number;
  rows: { seenTrain: number; seenTest: number; unseenTest: number };
}

function checkFeatures(what: string, features: Float32Array, dim: number, n: number): void {
  if (features.length !== n * dim) throw new FsvaeInputError(`${what}: ${features.length} feature values are not ${n} rows of ${dim}.`);
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i])) throw new FsvaeInputError(`${what}: feature ${i % dim} of row ${Math.floor(i / dim)} is ${features[i]}.`);
  }
}

/** z-scoring by the mean and (population) std of the rows `fit`; `of(idx)` z-scores rows idx. */
function zScorer(features: Float32Array, dim: number, fit: readonly number[]): (idx: readonly number[]) => Float64Array {
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (const i of fit) for (let k = 0; k < dim; k++) mean[k] += features[i * dim + k];
  for (let k = 0; k < dim; k++) mean[k] /= fit.length;
  for (const i of fit) for (let k = 0; k < dim; k++) sq[k] += (features[i * dim + k] - mean[k]) ** 2;
  const std = sq.map((s) => Math.max(Math.sqrt(s / fit.length), 1e-6));
  return (idx) => {
    const z = new Float64Array(idx.length * dim);
    idx.forEach((i, r) => {
      for (let k = 0; k < dim; k++) z[r * dim + k] = (features[i * dim + k] - mean[k]) / std[k];
    });
    return z;
  };
}

/** Accuracy of nearest class mean: means of the classes of (zTrain, trainLabels), applied to (zTest, testLabels). */
function ncmAccuracy(zTrain: Float64Array, trainLabels: readonly number[], zTest: Float64Array, testLabels: readonly number[], dim: number): number {
  const classes = [...new Set(trainLabels)].sort((a, b) => a - b);
  const means = classes.map((c) => {
    const m = new Float64Array(dim);
    let cnt = 0;
    trainLabels.forEach((l, r) => {
      if (l !== c) return;
      cnt++;
      for (let k = 0; k < dim; k++) m[k] += zTrain[r * dim + k];
    });
    return m.map((v) => v / cnt);
  });
  let ok = 0;
  testLabels.forEach((l, r) => {
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
    if (best === l) ok++;
  });
  return ok / testLabels.length;
}

/** Top-1 of the logits of rows `idx` (rows × numClasses), argmax among `among`. */
function top1Of(
  logits: Float32Array,
  n: number,
  numClasses: number,
  idx: readonly number[],
  labels: ArrayLike<number>,
  among: readonly number[],
  what: string,
): number {
  if (logits.length !== n * numClasses) throw new FsvaeInputError(`${what}: ${logits.length} logits are not ${n} rows of ${numClasses}.`);
  const lg = new Float32Array(idx.length * numClasses);
  idx.forEach((i, r) => lg.set(logits.subarray(i * numClasses, (i + 1) * numClasses), r * numClasses));
  return top1Accuracy(
    lg,
    Int32Array.from(idx, (i) => labels[i]),
    numClasses,
    among,
  );
}

/**
 * The test-side DIAGNOSTIC metrics from features (rows × dim), labels, sides and optional logits
 * (rows × numClasses): seen top-1 / seen NCM on the seen classes' test side, and the unseen
 * classes' own-test-mean oracle. Never a selection criterion (it reads test labels).
 */
export function qualityMetrics(args: {
  features: Float32Array;
  dim: number;
  labels: ArrayLike<number>;
  sides: readonly ('train' | 'test')[];
  seen: readonly number[];
  unseen: readonly number[];
  logits?: Float32Array;
  numClasses: number;
}): QualityMetrics {
  const { features, dim, labels, sides, numClasses } = args;
  const n = labels.length;
  checkFeatures('qualityMetrics', features, dim, n);
  if (sides.length !== n) throw new FsvaeInputError(`qualityMetrics: ${sides.length} sides for ${n} rows.`);
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
    throw new FsvaeInputError(
      `qualityMetrics: needs seen train-side (${seenTrain.length}), seen test-side (${seenTest.length}) ` + `and unseen test-side (${unseenTest.length}) rows.`,
    );
  }
  const z = zScorer(features, dim, seenTrain);
  const lab = (idx: number[]) => idx.map((i) => labels[i]);
  const seenNcm = ncmAccuracy(z(seenTrain), lab(seenTrain), z(seenTest), lab(seenTest), dim);
  const oracle = ownMeanAccuracy(z(unseenTest), dim, lab(unseenTest));
  const seenTop1 = args.logits ? top1Of(args.logits, n, numClasses, seenTest, labels, [...seen], 'qualityMetrics') : null;
  return {
    seen_top1: seenTop1,
    seen_ncm: seenNcm,
    unseen_ncm_oracle: oracle,
    rows: { seenTrain: seenTrain.length, seenTest: seenTest.length, unseenTest: unseenTest.length },
  };
}

/** Which val-phase set a row belongs to. */
export type ValPart = 'train' | 'heldOut' | 'pseudoUnseen';

export interface ValPhaseMetrics {
  val_seen_top1: number | null;
  val_seen_ncm: number;
  val_pseudo_unseen_ncm: number;
  /** the same without z-scoring: Euclidean in the extractor's own feature space (sensitivity only) */
  val_pseudo_unseen_ncm_raw: number;
  rows: { train: number; heldOut: number; pseudoUnseen: number };
}

/**
 * The val-phase SELECTION metrics from the features of the val phase's rows only: `parts` says
 * for each row whether it is a training row (val-seen, train side, not held out), a held-out
 * val-seen row, or a pseudo-unseen row (val-unseen, train side). z-scoring uses the training rows.
 *   val_seen_top1: logits' argmax among `valSeen` on the held-out rows (null without logits)
 *   val_seen_ncm: nearest training-row class mean on the held-out rows
 *   val_pseudo_unseen_ncm: nearest own-class mean among the pseudo-unseen rows (means and rows both
 *     from the pseudo-unseen side, as the test-side oracle does with the real unseen classes)
 *   val_pseudo_unseen_ncm_raw: the same on the features as they are (no z-scoring): each
 *     extractor's own Euclidean metric; reported as a sensitivity check of the z-scoring
 */
export function valPhaseMetrics(args: {
  features: Float32Array;
  dim: number;
  labels: ArrayLike<number>;
  parts: readonly ValPart[];
  valSeen: readonly number[];
  logits?: Float32Array;
  numClasses: number;
}): ValPhaseMetrics {
  const { features, dim, labels, parts, numClasses } = args;
  const n = labels.length;
  checkFeatures('valPhaseMetrics', features, dim, n);
  if (parts.length !== n) throw new FsvaeInputError(`valPhaseMetrics: ${parts.length} parts for ${n} rows.`);
  const vs = new Set(args.valSeen);
  const idx: Record<ValPart, number[]> = { train: [], heldOut: [], pseudoUnseen: [] };
  for (let i = 0; i < n; i++) {
    const p = parts[i];
    if (!(p in idx)) throw new FsvaeInputError(`valPhaseMetrics: row ${i} has part '${String(p)}', not train, heldOut or pseudoUnseen.`);
    if ((p === 'pseudoUnseen') === vs.has(labels[i])) {
      throw new FsvaeInputError(
        `valPhaseMetrics: row ${i} (class ${labels[i]}) is ${p}, ` + `but ${vs.has(labels[i]) ? 'its class is val-seen' : 'its class is not val-seen'}.`,
      );
    }
    idx[p].push(i);
  }
  const pseudoClasses = new Set(idx.pseudoUnseen.map((i) => labels[i])).size;
  if (idx.train.length < 2 || idx.heldOut.length === 0 || pseudoClasses < 2) {
    throw new FsvaeInputError(
      `valPhaseMetrics: needs val-phase training rows (${idx.train.length}, ≥ 2), ` +
        `held-out val-seen rows (${idx.heldOut.length}) and pseudo-unseen rows of ≥ 2 classes (${pseudoClasses}).`,
    );
  }
  const z = zScorer(features, dim, idx.train);
  const lab = (ix: number[]) => ix.map((i) => labels[i]);
  const seenNcm = ncmAccuracy(z(idx.train), lab(idx.train), z(idx.heldOut), lab(idx.heldOut), dim);
  const pseudo = ownMeanAccuracy(z(idx.pseudoUnseen), dim, lab(idx.pseudoUnseen));
  const rawPseudo = new Float64Array(idx.pseudoUnseen.length * dim);
  idx.pseudoUnseen.forEach((i, r) => {
    for (let k = 0; k < dim; k++) rawPseudo[r * dim + k] = features[i * dim + k];
  });
  const pseudoRaw = ownMeanAccuracy(rawPseudo, dim, lab(idx.pseudoUnseen));
  const top1 = args.logits
    ? top1Of(
        args.logits,
        n,
        numClasses,
        idx.heldOut,
        labels,
        [...vs].sort((a, b) => a - b),
        'valPhaseMetrics',
      )
    : null;
  return {
    val_seen_top1: top1,
    val_seen_ncm: seenNcm,
    val_pseudo_unseen_ncm: pseudo,
    val_pseudo_unseen_ncm_raw: pseudoRaw,
    rows: { train: idx.train.length, heldOut: idx.heldOut.length, pseudoUnseen: idx.pseudoUnseen.length },
  };
}

/** The val hold-out fraction of stage-1 export (exportStage1Features' valFraction default). */
export const VAL_PHASE_FRACTION = 0.2;

export interface ValPhaseSets {
  /** the only sequences the val phase reads: the seen classes' train side, in input order */
  pool: SkeletonSequence[];
  /** val-seen classes, train side, not held out (what the extractor is fitted on) */
  train: SkeletonSequence[];
  /** val-seen classes, train side, held out (export's val set) */
  heldOut: SkeletonSequence[];
  /** val-unseen (pseudo-unseen) classes, train side (export's val-phase ztest) */
  pseudoUnseen: SkeletonSequence[];
  holdOut: Set<string>;
  /** the seed export gives the val-phase extractor (seed + 1) */
  fitSeed: number;
  valSeen: number[];
  valUnseen: number[];
}

/**
 * The val phase of a split as stage-1 export builds it for `seed`: the held-out part is
 * chooseValHoldOut(val-seen train side, fraction, fnv1a32('stage1-val:<seed>'), groupBy) and the
 * extractor seed is seed + 1. A sequence of a class outside the seen classes is dropped on its
 * label alone (its side and its data are never read); the side of seen-class sequences is read.
 */
export function valPhaseSets(
  sequences: readonly SkeletonSequence[],
  side: SideOf,
  split: Stage1Split,
  numClasses: number,
  seed: number,
  opts: { valFraction?: number; valGroupBy?: string } = {},
): ValPhaseSets {
  const sp = checkStage1Split(split, numClasses);
  const seen = new Set(sp.seen);
  const vs = new Set(sp.valSeen);
  const vu = new Set(sp.valUnseen);
  const pool = sequences.filter((s) => seen.has(s.label) && side(s) === 'train');
  const valSeenPool = pool.filter((s) => vs.has(s.label));
  const holdOut = chooseValHoldOut(valSeenPool, opts.valFraction ?? VAL_PHASE_FRACTION, fnv1a32(`stage1-val:${seed}`), opts.valGroupBy);
  return {
    pool,
    train: valSeenPool.filter((s) => !holdOut.has(s.id)),
    heldOut: valSeenPool.filter((s) => holdOut.has(s.id)),
    pseudoUnseen: pool.filter((s) => vu.has(s.label)),
    holdOut,
    fitSeed: seed + 1,
    valSeen: sp.valSeen,
    valUnseen: sp.valUnseen,
  };
}

export type QualityExtractor = Stage1Config | DctExtractorConfig;

export interface QualityRowInput {
  dataset: string;
  split: BenchmarkSplit;
  sequences: readonly SkeletonSequence[];
  side: SideOf;
  extractor: QualityExtractor;
  seed: number;
  /** also fit on the seen classes and measure the test-side diagnostics (default true) */
  diagnostics?: boolean;
  log?: (l: string) => void;
  onStage1Progress?: (p: Stage1Progress) => void;
}

interface Fitted {
  features: Float32Array;
  dim: number;
  logits: Float32Array | undefined;
  labels: Int32Array;
  seconds: number;
  shrinkage: number | null;
}

/** Fits on the samples `selection` allows among `fitOn`, extracts `extractOn`. */
async function fitAndExtract(
  inp: QualityRowInput,
  fitOn: readonly SkeletonSequence[],
  selection: TrainingSelection,
  seed: number,
  extractOn: readonly SkeletonSequence[],
): Promise<Fitted> {
  const t0 = Date.now();
  const ex = await fitExtractor(inp.extractor as ExtractorConfig, fitOn, selection, { seed, onProgress: inp.onStage1Progress, log: inp.log });
  const seconds = (Date.now() - t0) / 1000;
  try {
    const e = await ex.extract(extractOn);
    const descriptorOnly = isDctExtractorConfig(inp.extractor) && inp.extractor.metric === null;
    const shrink = ex.details.shrinkage as { chosen?: number } | null | undefined;
    return { features: e.features, dim: e.dim, logits: descriptorOnly ? undefined : e.logits, labels: e.labels, seconds, shrinkage: shrink?.chosen ?? null };
  } finally {
    ex.dispose();
  }
}

/**
 * The val-phase selection metrics of one extractor and seed: fitted on valPhaseSets(...).train
 * (it receives the pool only), features of the training, held-out and pseudo-unseen rows.
 */
export async function valPhaseQuality(inp: QualityRowInput): Promise<ValPhaseMetrics & { seconds: number; dim: number; shrinkage: number | null }> {
  const { split } = inp;
  const v = valPhaseSets(inp.sequences, inp.side, split, split.numClasses, inp.seed);
  const selection: TrainingSelection = { classes: v.valSeen, side: inp.side, numClasses: split.numClasses, holdOut: v.holdOut };
  const rows = [...v.train, ...v.heldOut, ...v.pseudoUnseen];
  const parts: ValPart[] = [
    ...v.train.map(() => 'train' as const),
    ...v.heldOut.map(() => 'heldOut' as const),
    ...v.pseudoUnseen.map(() => 'pseudoUnseen' as const),
  ];
  const f = await fitAndExtract(inp, v.pool, selection, v.fitSeed, rows);
  const m = valPhaseMetrics({ features: f.features, dim: f.dim, labels: f.labels, parts, valSeen: v.valSeen, logits: f.logits, numClasses: split.numClasses });
  return { ...m, seconds: f.seconds, dim: f.dim, shrinkage: f.shrinkage };
}

/** The test-side diagnostics of one extractor and seed (fitted on the seen classes, train side). */
export async function testSideDiagnostics(inp: QualityRowInput): Promise<QualityMetrics & { seconds: number; shrinkage: number | null }> {
  const { split, sequences } = inp;
  const sides = sequences.map((s) => inp.side(s));
  const sideMap = new Map(sequences.map((s, i) => [s, sides[i]] as const));
  const selection: TrainingSelection = { classes: split.seen, side: (s) => sideMap.get(s) ?? inp.side(s), numClasses: split.numClasses };
  const f = await fitAndExtract(inp, sequences, selection, inp.seed, sequences);
  const m = qualityMetrics({
    features: f.features,
    dim: f.dim,
    labels: f.labels,
    sides,
    seen: split.seen,
    unseen: split.unseen,
    logits: f.logits,
    numClasses: split.numClasses,
  });
  return { ...m, seconds: f.seconds, shrinkage: f.shrinkage };
}

/**
 * One report row: the val-phase selection columns (val_*) and, unless `diagnostics` is false, the
 * test-side diagnostic columns (diag_test_*, null otherwise).
 */
export async function featureQualityRow(inp: QualityRowInput): Promise<Row> {
  const v = await valPhaseQuality(inp);
  const d = inp.diagnostics === false ? null : await testSideDiagnostics(inp);
  return {
    dataset: inp.dataset,
    split: inp.split.name,
    extractor: inp.extractor.name,
    seed: inp.seed,
    val_seen_top1: v.val_seen_top1,
    val_seen_ncm: v.val_seen_ncm,
    val_pseudo_unseen_ncm: v.val_pseudo_unseen_ncm,
    val_pseudo_unseen_ncm_raw: v.val_pseudo_unseen_ncm_raw,
    diag_test_seen_top1: d?.seen_top1 ?? null,
    diag_test_seen_ncm: d?.seen_ncm ?? null,
    diag_test_unseen_ncm_oracle: d?.unseen_ncm_oracle ?? null,
    val_fit_seconds: v.seconds,
    diag_fit_seconds: d?.seconds ?? null,
    feature_dim: v.dim,
    val_shrinkage: v.shrinkage,
    diag_shrinkage: d?.shrinkage ?? null,
    n_val_train: v.rows.train,
    n_val_heldout: v.rows.heldOut,
    n_val_pseudo_unseen: v.rows.pseudoUnseen,
    n_seen_train: d?.rows.seenTrain ?? null,
    n_seen_test: d?.rows.seenTest ?? null,
    n_unseen_test: d?.rows.unseenTest ?? null,
  };
}
