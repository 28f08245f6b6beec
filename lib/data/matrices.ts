/**
 * The matrices that flow between the stages, defined once at the data level: a float32 matrix
 * (npy tables, text features), a labelled feature set (the SynSE/MSF layout's arrays in memory),
 * and Eq. 5, which turns a class's text parts into one text feature.
 */
import { FsvaeInputError } from '../util/assert';

/** rows × cols, row-major float32 (an .npy table, a text-feature matrix). */
export interface Float32Matrix {
  rows: number;
  cols: number;
  /** row-major, rows × cols */
  data: Float32Array;
}

/** Class text features: one row per class of the full class space. */
export type TextMatrix = Float32Matrix;

/** Parts (each C × d_p) side by side, in the given order, without normalisation. */
export function concatColumns(parts: readonly Float32Matrix[], what = 'concatColumns'): Float32Matrix {
  if (parts.length === 0) throw new FsvaeInputError(`${what}: no parts given; pass at least one.`);
  const rows = parts[0].rows;
  parts.forEach((p, i) => {
    if (p.rows !== rows)
      throw new FsvaeInputError(
        `${what}: part #${i} has ${p.rows} rows, part #0 has ${rows}; all parts must cover the same classes (${parts.map((q) => q.rows).join(' vs ')}).`,
      );
    if (p.data.length !== p.rows * p.cols) throw new FsvaeInputError(`${what}: part #${i} has ${p.data.length} values, expected ${p.rows}×${p.cols}.`);
  });
  const cols = parts.reduce((a, p) => a + p.cols, 0);
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let off = r * cols;
    for (const p of parts) {
      for (let c = 0; c < p.cols; c++) {
        const v = p.data[r * p.cols + c];
        if (!Number.isFinite(v)) throw new FsvaeInputError(`${what}: class ${r} has a non-finite value (${v}).`);
        data[off++] = v;
      }
    }
  }
  return { rows, cols, data };
}

/** Eq. 5: f_t = Concat(parts) / ‖Concat(parts)‖, one L2 norm over the whole concatenated row (the public code's order of operations). */
export function composeTextFeatures(parts: readonly Float32Matrix[], what = 'text features'): TextMatrix {
  const out = concatColumns(parts, what);
  const { rows, cols, data } = out;
  for (let r = 0; r < rows; r++) {
    let sq = 0;
    for (let c = r * cols; c < (r + 1) * cols; c++) sq += data[c] * data[c];
    if (!(sq > 0)) throw new FsvaeInputError(`${what}: class ${r} has zero norm (an all-zero embedding); it cannot be normalised.`);
    const inv = 1 / Math.sqrt(sq);
    for (let c = r * cols; c < (r + 1) * cols; c++) data[c] *= inv;
  }
  return out;
}

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
