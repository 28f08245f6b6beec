/** Feature matrices as stages 2-4 consume them (the SynSE/MSF layout's arrays, in memory). */
import { FsvaeInputError } from '../util/assert';

export interface FeatureSet {
  /** rows × dim, row-major float32. */
  features: Float32Array;
  rows: number;
  dim: number;
  /** class index of each row in the dataset's full class space. */
  labels: Int32Array;
  /** optional seen-classifier logits (rows × logitDim), the `*_out.npy` arrays. */
  logits?: Float32Array;
  logitDim?: number;
}

export function checkFeatureSet(f: FeatureSet, what: string, numClasses?: number): void {
  if (f.features.length !== f.rows * f.dim) throw new FsvaeInputError(`${what}: ${f.features.length} values for ${f.rows}×${f.dim}.`);
  if (f.labels.length !== f.rows) throw new FsvaeInputError(`${what}: ${f.labels.length} labels for ${f.rows} rows.`);
  if (f.rows === 0) throw new FsvaeInputError(`${what}: no rows.`);
  for (let i = 0; i < f.features.length; i++) {
    if (!Number.isFinite(f.features[i])) throw new FsvaeInputError(`${what}: row ${Math.floor(i / f.dim)}, column ${i % f.dim} is ${f.features[i]}.`);
  }
  if (numClasses !== undefined) {
    for (let i = 0; i < f.rows; i++) {
      if (f.labels[i] < 0 || f.labels[i] >= numClasses) throw new FsvaeInputError(`${what}: label ${f.labels[i]} of row ${i} is outside 0..${numClasses - 1}.`);
    }
  }
}

/** The rows `idx` of `f` (features, labels and logits), in that order. */
export function rowsOf(f: FeatureSet, idx: readonly number[]): FeatureSet {
  const features = new Float32Array(idx.length * f.dim);
  const labels = new Int32Array(idx.length);
  const logits = f.logits && f.logitDim ? new Float32Array(idx.length * f.logitDim) : undefined;
  idx.forEach((r, k) => {
    features.set(f.features.subarray(r * f.dim, (r + 1) * f.dim), k * f.dim);
    labels[k] = f.labels[r];
    if (logits && f.logits && f.logitDim) logits.set(f.logits.subarray(r * f.logitDim, (r + 1) * f.logitDim), k * f.logitDim);
  });
  return { features, rows: idx.length, dim: f.dim, labels, logits, logitDim: logits ? f.logitDim : undefined };
}

/** Rows of `f` whose label is in `classes`. */
export function subsetByClass(f: FeatureSet, classes: readonly number[]): FeatureSet {
  const keep = new Set(classes);
  const idx: number[] = [];
  for (let i = 0; i < f.rows; i++) if (keep.has(f.labels[i])) idx.push(i);
  return rowsOf(f, idx);
}
