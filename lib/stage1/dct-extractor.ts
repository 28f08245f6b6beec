/**
 * Stage-1 extractors built on the temporal-DCT descriptor (descriptor.ts):
 *
 *   dct-descriptor  parameter-free: the z-scored descriptor itself (scaler fitted on the training
 *                   rows); its classifier is the nearest class mean.
 *   dct-lda         learned on the training classes: the descriptor of each training clip and of
 *                   `augmentCopies` augmented copies (yaw, scale, temporal crop; seeded) is
 *                   z-scored and whitened by the shrinkage estimate of the within-class covariance
 *                   S_w (Cholesky, x ↦ L⁻¹x with (1 − s)S_w + s·tr(S_w)/d·I = L·Lᵀ), then projected
 *                   on the top `outDim` principal axes of the whitened training rows. Distances in
 *                   that space discount the variation that every training class shows (performer,
 *                   view, speed), which transfers to unseen classes. The shrinkage s is chosen by
 *                   class-fold cross-validation inside the training classes (whiten on the other
 *                   folds' classes, nearest-own-class-mean accuracy on the held-out classes), never
 *                   on an unseen class or a test-side sample. Classifier: nearest class mean with
 *                   a temperature fitted by cross-entropy on the training rows.
 *
 * Every training clip comes from TrainingBatchBuilder, so the zero-shot guard (training classes,
 * train side, not held out) is the same as the GCNs'.
 */
import { FsvaeInputError } from '../util/assert';
import { Random } from '../util/random';
import { SkeletonSequence } from '../data/skeleton';
import { Stage1AugmentConfig } from './config';
import { DctDescriptorConfig, DescriptorScaler, describeClip, descriptorDim, validateDescriptorConfig } from './descriptor';
import { ResolvedInput, SelectionCounts, TrainingBatchBuilder, TrainingSelection, commonLayout, prepareClip } from './input';
import { addGroupScatter, cholesky, lowerTriangularInverse, matmul, shrinkCovariance, symmetricEigen, transpose } from './linalg';

export interface DctMetricConfig {
  /** candidate shrinkage values; the cross-validation picks one */
  shrinkage: number[];
  /** output feature width (≤ descriptor width) */
  outDim: number;
  /** augmented copies of each training clip added to the within-class scatter */
  augmentCopies: number;
  augment: Stage1AugmentConfig;
  /** class folds of the shrinkage cross-validation (at most; ≥ 2 classes per fold) */
  folds: number;
}

export interface DctExtractorConfig {
  kind: 'dct';
  name: string;
  description: string;
  descriptor: DctDescriptorConfig;
  /** null: the parameter-free descriptor */
  metric: DctMetricConfig | null;
}

const DESCRIPTOR: DctDescriptorConfig = { frames: 32, coefficients: 8, bodies: 1, velocity: true };

export const DCT_EXTRACTOR_PRESETS: Readonly<Record<string, DctExtractorConfig>> = {
  'dct-descriptor': {
    kind: 'dct',
    name: 'dct-descriptor',
    description:
      "parameter-free: 8 low-frequency DCT coefficients of each joint coordinate's position and velocity trajectory " +
      '(32 frames, centred, view-normalised), z-scored',
    descriptor: DESCRIPTOR,
    metric: null,
  },
  'dct-lda': {
    kind: 'dct',
    name: 'dct-lda',
    description:
      'DCT descriptor whitened by the within-class covariance of the training classes ' +
      '(shrinkage by class-fold CV, 4 augmented copies per clip), 256 principal axes; nearest-class-mean classifier',
    descriptor: DESCRIPTOR,
    metric: { shrinkage: [0.05, 0.1, 0.2, 0.5], outDim: 256, augmentCopies: 4, augment: { maxYawDeg: 15, scale: 0.1, cropMin: 0.85 }, folds: 3 },
  },
};

export function isDctExtractorConfig(c: unknown): c is DctExtractorConfig {
  return typeof c === 'object' && c !== null && (c as { kind?: unknown }).kind === 'dct';
}

export function validateDctExtractorConfig(cfg: DctExtractorConfig): void {
  const what = `stage 1 extractor '${cfg.name}'`;
  validateDescriptorConfig(cfg.descriptor, what);
  const m = cfg.metric;
  if (m === null) return;
  if (!Array.isArray(m.shrinkage) || m.shrinkage.length === 0 || m.shrinkage.some((s) => !(s > 0 && s <= 1))) {
    throw new FsvaeInputError(`${what}: metric.shrinkage must list values in (0, 1], got ${JSON.stringify(m.shrinkage)}.`);
  }
  if (!Number.isInteger(m.outDim) || m.outDim < 1) throw new FsvaeInputError(`${what}: metric.outDim must be a positive integer, got ${m.outDim}.`);
  if (!Number.isInteger(m.augmentCopies) || m.augmentCopies < 0)
    throw new FsvaeInputError(`${what}: metric.augmentCopies must be an integer ≥ 0, ` + `got ${m.augmentCopies}.`);
  if (!Number.isInteger(m.folds) || m.folds < 2) throw new FsvaeInputError(`${what}: metric.folds must be an integer ≥ 2, got ${m.folds}.`);
}

function inputOf(d: DctDescriptorConfig): ResolvedInput {
  return { frames: d.frames, bodies: d.bodies, center: 'first-frame', view: true };
}

/** The shrinkage cross-validation: candidate → mean held-out accuracy (null when too few classes). */
export interface ShrinkageSelection {
  candidates: number[];
  /** mean nearest-own-class-mean accuracy on the held-out class folds, per candidate */
  scores: (number | null)[];
  chosen: number;
  folds: number[][];
  note: string;
}

export interface FittedDctExtractor {
  config: DctExtractorConfig;
  /** sorted training classes */
  classes: number[];
  numClasses: number;
  dim: number;
  counts: SelectionCounts;
  trainRows: number;
  shrinkage: ShrinkageSelection | null;
  temperature: number;
  fitSeconds: number;
  /** features (rows × dim) and logits (rows × numClasses) of any sequences */
  extract(sequences: readonly SkeletonSequence[]): {
    rows: number;
    dim: number;
    features: Float32Array;
    logits: Float32Array;
    numClasses: number;
    labels: Int32Array;
    ids: string[];
  };
}

/** NCM accuracy of `rows` classified among the means of their own classes (the oracle of the report). */
export function ownMeanAccuracy(data: Float64Array | Float32Array, d: number, labels: readonly number[]): number {
  const classes = [...new Set(labels)];
  if (classes.length < 2) return NaN;
  const means = new Map<number, Float64Array>();
  const counts = new Map<number, number>();
  labels.forEach((c, i) => {
    let m = means.get(c);
    if (!m) means.set(c, (m = new Float64Array(d)));
    counts.set(c, (counts.get(c) ?? 0) + 1);
    for (let k = 0; k < d; k++) m[k] += data[i * d + k];
  });
  for (const [c, m] of means) for (let k = 0; k < d; k++) m[k] /= counts.get(c)!;
  let ok = 0;
  labels.forEach((c, i) => {
    let best = -1;
    let bestD = Infinity;
    for (const [k2, m] of means) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const z = data[i * d + k] - m[k];
        s += z * z;
      }
      if (s < bestD) {
        bestD = s;
        best = k2;
      }
    }
    if (best === c) ok++;
  });
  return ok / labels.length;
}

/** Fits a DCT extractor on the samples `selection` allows (see the module comment). */
export function fitDctExtractor(
  cfg: DctExtractorConfig,
  sequences: readonly SkeletonSequence[],
  selection: TrainingSelection,
  opts: { seed: number; log?: (l: string) => void },
): FittedDctExtractor {
  validateDctExtractorConfig(cfg);
  const t0 = Date.now();
  const layout = commonLayout(sequences, `stage 1 (${cfg.name})`);
  const V = layout.joints.length;
  const input = inputOf(cfg.descriptor);
  const builder = new TrainingBatchBuilder(sequences, selection, input);
  const D = descriptorDim(cfg.descriptor, V);
  const C = selection.numClasses;
  const clipSize = input.bodies * input.frames * V * 3;
  const rng = new Random(opts.seed);

  // descriptors of the training clips (copy 0 = unaugmented), every clip through the guard
  const copies = 1 + (cfg.metric?.augmentCopies ?? 0);
  const n0 = builder.eligible.length;
  const raw = new Float32Array(copies * n0 * D);
  const labels: number[] = [];
  const chunk = 256;
  for (let copy = 0; copy < copies; copy++) {
    for (let s = 0; s < n0; s += chunk) {
      const idx = builder.eligible.slice(s, s + chunk);
      const batch = builder.build(idx, copy === 0 ? undefined : { config: cfg.metric!.augment, rng });
      for (let i = 0; i < idx.length; i++) {
        describeClip(batch.data.subarray(i * clipSize, (i + 1) * clipSize), V, cfg.descriptor, raw, (copy * n0 + s + i) * D);
        labels.push(batch.labels[i]);
      }
    }
  }
  const scaler = DescriptorScaler.fit(raw.subarray(0, n0 * D), n0, D);
  const z = scaler.transform(raw);
  const classes = [...new Set(labels)].sort((a, b) => a - b);

  // linear map f = A·z − offset, A: dim × D, offset: dim (the identity for the plain descriptor: A null)
  let A: Float64Array | null = null;
  let dim: number;
  let offset: Float64Array;
  let shrink: ShrinkageSelection | null = null;
  if (cfg.metric === null) {
    dim = D;
    offset = new Float64Array(D);
  } else {
    const m = cfg.metric;
    const allRows = Array.from({ length: copies * n0 }, (_, i) => i);
    shrink = chooseShrinkage(z, D, labels, allRows, n0, classes, m, opts.seed);
    opts.log?.(`[stage 1, ${cfg.name}] shrinkage ${shrink.chosen} (${shrink.note})`);
    const Sw = new Float64Array(D * D);
    addGroupScatter(z, allRows, (r) => labels[r], D, Sw);
    for (let i = 0; i < D * D; i++) Sw[i] /= allRows.length;
    const Linv = lowerTriangularInverse(cholesky(shrinkCovariance(Sw, D, shrink.chosen), D), D);
    // whitened rows y = L⁻¹ z, then their principal axes
    const y = matmul(Float64Array.from(z), transpose(Linv, D, D), allRows.length, D, D, 'upper');
    const centre = new Float64Array(D);
    for (let r = 0; r < allRows.length; r++) for (let k = 0; k < D; k++) centre[k] += y[r * D + k];
    for (let k = 0; k < D; k++) centre[k] /= allRows.length;
    const St = new Float64Array(D * D);
    addGroupScatter(y, allRows, () => 0, D, St);
    const { vectors } = symmetricEigen(St, D);
    dim = Math.min(m.outDim, D);
    const P = new Float64Array(dim * D); // rows = principal axes
    for (let a = 0; a < dim; a++) for (let k = 0; k < D; k++) P[a * D + k] = vectors[k * D + a];
    A = matmul(P, Linv, dim, D, D, 'lower');
    // f = P·(y − centre) = A·z − P·centre
    offset = new Float64Array(dim);
    for (let a = 0; a < dim; a++) for (let k = 0; k < D; k++) offset[a] += P[a * D + k] * centre[k];
  }
  const project = (zRows: Float32Array, rows: number): Float32Array => {
    if (A === null) return zRows.slice();
    const out = new Float32Array(rows * dim);
    for (let r = 0; r < rows; r++) {
      const zr = r * D;
      for (let a = 0; a < dim; a++) {
        let s = -offset[a];
        const ar = a * D;
        for (let k = 0; k < D; k++) s += A[ar + k] * zRows[zr + k];
        out[r * dim + a] = s;
      }
    }
    return out;
  };

  // nearest-class-mean classifier over the unaugmented training rows, temperature by cross-entropy
  const f0 = project(z.subarray(0, n0 * D), n0);
  const means = new Map<number, Float64Array>();
  for (const c of classes) means.set(c, new Float64Array(dim));
  const cnt = new Map<number, number>();
  for (let i = 0; i < n0; i++) {
    const mu = means.get(labels[i])!;
    cnt.set(labels[i], (cnt.get(labels[i]) ?? 0) + 1);
    for (let a = 0; a < dim; a++) mu[a] += f0[i * dim + a];
  }
  for (const [c, mu] of means) for (let a = 0; a < dim; a++) mu[a] /= cnt.get(c)!;
  const sqDist = (f: Float32Array, rows: number): Float64Array => {
    const out = new Float64Array(rows * classes.length);
    for (let i = 0; i < rows; i++) {
      classes.forEach((c, j) => {
        const mu = means.get(c)!;
        let s = 0;
        for (let a = 0; a < dim; a++) {
          const q = f[i * dim + a] - mu[a];
          s += q * q;
        }
        out[i * classes.length + j] = s;
      });
    }
    return out;
  };
  const d0 = sqDist(f0, n0);
  const temperature = fitTemperature(
    d0,
    labels.slice(0, n0).map((c) => classes.indexOf(c)),
    classes.length,
  );

  const trained = new Set(classes);
  const extract = (seqs: readonly SkeletonSequence[]) => {
    const rows = seqs.length;
    const rawRows = new Float32Array(rows * D);
    seqs.forEach((s, i) => {
      if (s.layout !== layout.name)
        throw new FsvaeInputError(`stage 1 (${cfg.name}): sequence ${s.id} has layout ${s.layout}, ` + `the extractor was fitted on ${layout.name}.`);
      describeClip(prepareClip(s, input), V, cfg.descriptor, rawRows, i * D);
    });
    const features = project(scaler.transform(rawRows), rows);
    const dist = sqDist(features, rows);
    const logits = new Float32Array(rows * C);
    for (let i = 0; i < rows; i++) {
      let lo = Infinity;
      classes.forEach((c, j) => {
        const v = (-0.5 * dist[i * classes.length + j]) / temperature;
        logits[i * C + c] = v;
        lo = Math.min(lo, v);
      });
      for (let c = 0; c < C; c++) if (!trained.has(c)) logits[i * C + c] = lo - 20; // never trained: below every trained class
    }
    return { rows, dim, features, logits, numClasses: C, labels: Int32Array.from(seqs.map((s) => s.label)), ids: seqs.map((s) => s.id) };
  };
  return {
    config: cfg,
    classes,
    numClasses: C,
    dim,
    counts: { ...builder.counts },
    trainRows: copies * n0,
    shrinkage: shrink,
    temperature,
    fitSeconds: (Date.now() - t0) / 1000,
    extract,
  };
}

/** Class-fold cross-validation of the shrinkage (see the module comment). */
function chooseShrinkage(
  z: Float32Array,
  D: number,
  labels: number[],
  rows: number[],
  n0: number,
  classes: number[],
  m: DctMetricConfig,
  seed: number,
): ShrinkageSelection {
  const candidates = [...m.shrinkage].sort((a, b) => a - b);
  const nFolds = Math.min(m.folds, Math.floor(classes.length / 2));
  if (nFolds < 2 || candidates.length === 1) {
    const chosen = candidates[Math.floor((candidates.length - 1) / 2)];
    return {
      candidates,
      scores: candidates.map(() => null),
      chosen,
      folds: [],
      note: `${classes.length} training classes: too few for class folds of ≥ 2; the middle candidate`,
    };
  }
  const perm = new Random(seed + 7919).permutation(classes.length);
  const folds: number[][] = Array.from({ length: nFolds }, () => []);
  Array.from(perm).forEach((ci, k) => folds[k % nFolds].push(classes[ci]));
  folds.forEach((f) => f.sort((a, b) => a - b));
  const foldOf = new Map<number, number>();
  folds.forEach((f, k) => f.forEach((c) => foldOf.set(c, k)));
  // scatter of each fold (class-centred), summed for the complement
  const scat = folds.map(() => new Float64Array(D * D));
  const nRows = folds.map(() => 0);
  for (let k = 0; k < nFolds; k++) {
    const rk = rows.filter((r) => foldOf.get(labels[r]) === k);
    nRows[k] = addGroupScatter(z, rk, (r) => labels[r], D, scat[k]);
  }
  const scores = candidates.map((s) => {
    let acc = 0;
    for (let k = 0; k < nFolds; k++) {
      const S = new Float64Array(D * D);
      let n = 0;
      for (let q = 0; q < nFolds; q++) {
        if (q === k) continue;
        n += nRows[q];
        for (let i = 0; i < D * D; i++) S[i] += scat[q][i];
      }
      for (let i = 0; i < D * D; i++) S[i] /= n;
      const Linv = lowerTriangularInverse(cholesky(shrinkCovariance(S, D, s), D), D);
      const held = rows.filter((r) => r < n0 && foldOf.get(labels[r]) === k);
      const zh = new Float64Array(held.length * D);
      held.forEach((r, i) => zh.set(z.subarray(r * D, (r + 1) * D), i * D));
      const yh = matmul(zh, transpose(Linv, D, D), held.length, D, D, 'upper');
      acc += ownMeanAccuracy(
        yh,
        D,
        held.map((r) => labels[r]),
      );
    }
    return acc / nFolds;
  });
  let best = 0;
  for (let i = 1; i < candidates.length; i++) if (scores[i] > scores[best] + 1e-12) best = i;
  return {
    candidates,
    scores,
    chosen: candidates[best],
    folds,
    note: `${nFolds} class folds, held-out nearest-own-mean accuracy ${scores.map((v) => v.toFixed(3)).join(' / ')}`,
  };
}

/** τ > 0 minimising the mean cross-entropy of softmax(−d²/(2τ)) (golden-section search on log τ). */
function fitTemperature(dist: Float64Array, target: number[], K: number): number {
  const n = target.length;
  const ce = (logT: number) => {
    const T = Math.exp(logT);
    let s = 0;
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let j = 0; j < K; j++) mx = Math.max(mx, (-0.5 * dist[i * K + j]) / T);
      let z = 0;
      for (let j = 0; j < K; j++) z += Math.exp((-0.5 * dist[i * K + j]) / T - mx);
      s += -((-0.5 * dist[i * K + target[i]]) / T - mx - Math.log(z));
    }
    return s / n;
  };
  let a = Math.log(1e-3);
  let b = Math.log(1e5);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = ce(c);
  let fd = ce(d);
  for (let it = 0; it < 60; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = ce(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = ce(d);
    }
  }
  return Math.exp((a + b) / 2);
}
