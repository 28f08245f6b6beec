/**
 * Two comparison rows for the zero-shot tables, computed on the same features as FS-VAE:
 *
 *  ridge map  — a linear text → visual-prototype map (ridge regression, with intercept) fitted on
 *               the seen classes' (text row, feature mean) pairs; an unseen test sample is given the
 *               unseen class whose predicted prototype is nearest (Euclidean). The regulariser is
 *               chosen on the val phase (val-seen → pseudo-unseen) only.
 *  NCM oracle — the nearest of the unseen classes' OWN test-side means: it uses test labels, so it
 *               is a ceiling of what the features hold, never a zero-shot result.
 *
 * Both z-score every feature dimension with the seen training rows' mean and standard deviation.
 */
import { FeatureSet, checkFeatureSet } from '../data/matrices';
import { TextMatrix } from '../data/matrices';
import { cholesky } from '../stage1/linalg';
import { ownMeanAccuracy } from '../stage1/dct-extractor';
import { FsvaeInputError } from '../util/assert';

/** Ridge regularisers tried on the val phase. */
export const RIDGE_ALPHAS: readonly number[] = [0.01, 0.1, 1, 10, 100];

export interface Standardizer {
  mean: Float64Array;
  std: Float64Array;
}

/** Per-dimension mean and (population) standard deviation, floored at 1e-6, of a feature set. */
export function fitStandardizer(f: FeatureSet): Standardizer {
  checkFeatureSet(f, 'fitStandardizer');
  const { rows, dim, features } = f;
  const mean = new Float64Array(dim);
  const std = new Float64Array(dim);
  for (let i = 0; i < rows; i++) for (let k = 0; k < dim; k++) mean[k] += features[i * dim + k];
  for (let k = 0; k < dim; k++) mean[k] /= rows;
  for (let i = 0; i < rows; i++) for (let k = 0; k < dim; k++) std[k] += (features[i * dim + k] - mean[k]) ** 2;
  for (let k = 0; k < dim; k++) std[k] = Math.max(Math.sqrt(std[k] / rows), 1e-6);
  return { mean, std };
}

export function standardize(f: FeatureSet, s: Standardizer): Float64Array {
  if (s.mean.length !== f.dim) throw new FsvaeInputError(`standardize: the standardizer has ${s.mean.length} dimensions, the features ${f.dim}.`);
  const out = new Float64Array(f.rows * f.dim);
  for (let i = 0; i < out.length; i++) out[i] = (f.features[i] - s.mean[i % f.dim]) / s.std[i % f.dim];
  return out;
}

/** Means of the rows of each class of `classes` (in that order); a class without rows is an error. */
export function classMeansOf(z: ArrayLike<number>, dim: number, labels: ArrayLike<number>, classes: readonly number[], what = 'classMeansOf'): Float64Array {
  if (!(Number.isInteger(dim) && dim >= 1)) throw new FsvaeInputError(`${what}: dim must be a positive integer, got ${dim}.`);
  if (z.length !== labels.length * dim) throw new FsvaeInputError(`${what}: ${z.length} values for ${labels.length} labelled rows of width ${dim}.`);
  const at = new Map(classes.map((c, j) => [c, j]));
  const out = new Float64Array(classes.length * dim);
  const count = new Float64Array(classes.length);
  for (let i = 0; i < labels.length; i++) {
    const j = at.get(labels[i]);
    if (j === undefined) continue;
    count[j]++;
    for (let k = 0; k < dim; k++) out[j * dim + k] += z[i * dim + k];
  }
  classes.forEach((c, j) => {
    if (count[j] === 0) throw new FsvaeInputError(`${what}: class ${c} has no row.`);
    for (let k = 0; k < dim; k++) out[j * dim + k] /= count[j];
  });
  return out;
}

/**
 * Prototypes of `target` classes predicted from text by ridge regression with intercept fitted on
 * the `source` classes: W = argmin ‖(T_s − t̄)W − (P_s − p̄)‖² + α‖W‖², solved in the dual
 * (|source| × |source| system), P_t = (T_t − t̄)W + p̄.
 */
export function ridgePrototypes(
  text: TextMatrix,
  source: readonly number[],
  protos: Float64Array,
  dim: number,
  target: readonly number[],
  alpha: number,
): Float64Array {
  if (!(alpha > 0)) throw new FsvaeInputError(`ridge map: α must be > 0, got ${alpha}.`);
  const m = source.length;
  const D = text.cols;
  const tbar = new Float64Array(D);
  for (const c of source) for (let k = 0; k < D; k++) tbar[k] += text.data[c * D + k] / m;
  const pbar = new Float64Array(dim);
  for (let j = 0; j < m; j++) for (let k = 0; k < dim; k++) pbar[k] += protos[j * dim + k] / m;
  const centred = (c: number) => Float64Array.from({ length: D }, (_, k) => text.data[c * D + k] - tbar[k]);
  const A = source.map(centred);
  // K = A Aᵀ + αI; dual coefficients C = K⁻¹ (P − p̄)
  const K = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < D; k++) s += A[i][k] * A[j][k];
      K[i * m + j] = K[j * m + i] = s + (i === j ? alpha : 0);
    }
  }
  const L = cholesky(K, m);
  const C = new Float64Array(m * dim);
  for (let col = 0; col < dim; col++) {
    const y = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = protos[i * dim + col] - pbar[col];
      for (let k = 0; k < i; k++) s -= L[i * m + k] * y[k];
      y[i] = s / L[i * m + i];
    }
    for (let i = m - 1; i >= 0; i--) {
      let s = y[i];
      for (let k = i + 1; k < m; k++) s -= L[k * m + i] * C[k * dim + col];
      C[i * dim + col] = s / L[i * m + i];
    }
  }
  const out = new Float64Array(target.length * dim);
  target.forEach((c, t) => {
    const a = centred(c);
    const kv = A.map((row) => row.reduce((s, v, k) => s + v * a[k], 0));
    for (let col = 0; col < dim; col++) {
      let s = pbar[col];
      for (let i = 0; i < m; i++) s += kv[i] * C[i * dim + col];
      out[t * dim + col] = s;
    }
  });
  return out;
}

export interface RidgeZslInput {
  /** seen-class training rows. */
  train: FeatureSet;
  /** unseen-class test rows. */
  test: FeatureSet;
  unseen: readonly number[];
  text: TextMatrix;
}

/** ZSL accuracy of the ridge map with regulariser α. */
export function ridgeZslAccuracy(inp: RidgeZslInput, alpha: number): number {
  checkFeatureSet(inp.train, 'ridge map: training rows', inp.text.rows);
  checkFeatureSet(inp.test, 'ridge map: test rows', inp.text.rows);
  if (inp.test.dim !== inp.train.dim) throw new FsvaeInputError(`ridge map: test rows have ${inp.test.dim} features, training rows ${inp.train.dim}.`);
  const dim = inp.train.dim;
  const s = fitStandardizer(inp.train);
  const seen = [...new Set(inp.train.labels)].sort((a, b) => a - b);
  const unseen = [...inp.unseen].sort((a, b) => a - b);
  const protos = ridgePrototypes(
    inp.text,
    seen,
    classMeansOf(standardize(inp.train, s), dim, inp.train.labels, seen, 'ridge map: seen class means'),
    dim,
    unseen,
    alpha,
  );
  const z = standardize(inp.test, s);
  let ok = 0;
  for (let i = 0; i < inp.test.rows; i++) {
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < unseen.length; j++) {
      let d = 0;
      for (let k = 0; k < dim; k++) d += (z[i * dim + k] - protos[j * dim + k]) ** 2;
      if (d < bestD) {
        bestD = d;
        best = unseen[j];
      }
    }
    if (best === inp.test.labels[i]) ok++;
  }
  return ok / inp.test.rows;
}

export interface RidgeComparison {
  /** α with the best val-phase accuracy (first of the grid on ties). */
  alpha: number;
  valAccuracy: number;
  testAccuracy: number;
}

/** α chosen on the val phase (val-seen → pseudo-unseen), then fitted on the seen classes and tested on the unseen ones. */
export function ridgeComparison(val: RidgeZslInput, test: RidgeZslInput, alphas: readonly number[] = RIDGE_ALPHAS): RidgeComparison {
  let best = { alpha: alphas[0], valAccuracy: -1 };
  for (const a of alphas) {
    const acc = ridgeZslAccuracy(val, a);
    if (acc > best.valAccuracy) best = { alpha: a, valAccuracy: acc };
  }
  return { ...best, testAccuracy: ridgeZslAccuracy(test, best.alpha) };
}

/** The unseen NCM oracle (a ceiling; uses test labels), z-scored with the seen training rows. */
export function unseenNcmOracle(train: FeatureSet, test: FeatureSet): number {
  const s = fitStandardizer(train);
  return ownMeanAccuracy(standardize(test, s), test.dim, Array.from(test.labels));
}
