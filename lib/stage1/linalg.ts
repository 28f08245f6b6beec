/**
 * Small dense float64 linear algebra for the metric-learning extractor: scatter matrices,
 * shrinkage, Cholesky, triangular inverse, symmetric eigendecomposition (ml-matrix's JAMA port).
 * Matrices are row-major Float64Array with an explicit size.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { FsvaeInputError } from '../util/assert';

/**
 * Rows per block of the scatter and columns per block of matmul: a block stays in the cache while
 * it is used. Blocking never changes the order in which an entry's terms are summed, so the
 * results are bit-for-bit those of the plain loops (test/stage1/linalg.test.ts checks this).
 */
const ROW_BLOCK = 64;
const COL_BLOCK = 128;

/**
 * Adds Σ_i (x_i − μ_{g(i)})(x_i − μ_{g(i)})ᵀ over `rows` into `into` (d×d, upper and lower
 * triangles), where μ_g is the mean of the rows of group g (e.g. a class). Returns the row count.
 * Each entry sums its rows in the order of `rowIndex` (skipping rows whose factor is 0).
 */
export function addGroupScatter(
  data: Float32Array | Float64Array,
  rowIndex: readonly number[],
  group: (row: number) => number,
  d: number,
  into: Float64Array,
): number {
  const sums = new Map<number, { n: number; s: Float64Array }>();
  for (const r of rowIndex) {
    const g = group(r);
    let e = sums.get(g);
    if (!e) sums.set(g, (e = { n: 0, s: new Float64Array(d) }));
    e.n++;
    for (let k = 0; k < d; k++) e.s[k] += data[r * d + k];
  }
  // a block of centred rows, stored by column: zt[k·ROW_BLOCK + q] = row q's centred entry k
  const zt = new Float64Array(d * ROW_BLOCK);
  for (let r0 = 0; r0 < rowIndex.length; r0 += ROW_BLOCK) {
    const nq = Math.min(ROW_BLOCK, rowIndex.length - r0);
    for (let q = 0; q < nq; q++) {
      const r = rowIndex[r0 + q];
      const e = sums.get(group(r))!;
      for (let k = 0; k < d; k++) zt[k * ROW_BLOCK + q] = data[r * d + k] - e.s[k] / e.n;
    }
    for (let a = 0; a < d; a++) {
      const za = a * ROW_BLOCK;
      const row = a * d;
      for (let b = a; b < d; b++) {
        const zb = b * ROW_BLOCK;
        let s = into[row + b];
        for (let q = 0; q < nq; q++) {
          const x = zt[za + q];
          if (x !== 0) s += x * zt[zb + q];
        }
        into[row + b] = s;
      }
    }
  }
  for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) into[b * d + a] = into[a * d + b];
  return rowIndex.length;
}

/** (1 − s)·S + s·(tr S / d)·I, the shrinkage estimate of a covariance (new array). */
export function shrinkCovariance(S: Float64Array, d: number, s: number): Float64Array {
  if (!(s > 0 && s <= 1)) throw new FsvaeInputError(`shrinkCovariance: shrinkage must be in (0, 1], got ${s}.`);
  let tr = 0;
  for (let a = 0; a < d; a++) tr += S[a * d + a];
  const out = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) out[i] = (1 - s) * S[i];
  const iso = Math.max((s * tr) / d, 1e-12);
  for (let a = 0; a < d; a++) out[a * d + a] += iso;
  return out;
}

/** Lower-triangular L with A = L·Lᵀ (A symmetric positive definite). */
export function cholesky(A: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * d + j];
      const ri = i * d;
      const rj = j * d;
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      if (i === j) {
        if (!(s > 0)) throw new FsvaeInputError(`cholesky: the matrix is not positive definite (pivot ${i} is ${s}); raise the shrinkage.`);
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j];
      }
    }
  }
  return L;
}

/** Inverse of a lower-triangular matrix (lower-triangular). */
export function lowerTriangularInverse(L: Float64Array, d: number): Float64Array {
  // column j of the inverse is built in row j of xt (contiguous), then transposed
  const xt = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const cj = j * d;
    xt[cj + j] = 1 / L[j * d + j];
    for (let i = j + 1; i < d; i++) {
      let s = 0;
      const ri = i * d;
      for (let k = j; k < i; k++) s += L[ri + k] * xt[cj + k];
      xt[cj + i] = -s / L[ri + i];
    }
  }
  return transpose(xt, d, d);
}

/**
 * C = A·B with A (n×k), B (k×m), for finite A and B. `shapeOfB` 'lower' or 'upper' (k = m) says
 * that B is triangular: its zeros are skipped. Skipping a term a·0 leaves every entry bit-for-bit
 * as it was, since an entry summed from +0 is never −0 and adding ±0 to it changes nothing.
 */
export function matmul(A: Float64Array, B: Float64Array, n: number, k: number, m: number, shapeOfB: 'full' | 'lower' | 'upper' = 'full'): Float64Array {
  if (shapeOfB !== 'full' && k !== m) throw new FsvaeInputError(`matmul: a triangular B must be square, got ${k}×${m}.`);
  const C = new Float64Array(n * m);
  for (let j0 = 0; j0 < m; j0 += COL_BLOCK) {
    const j1 = Math.min(m, j0 + COL_BLOCK);
    // rows p of B with a non-zero in columns j0..j1-1: lower, p ≥ j0; upper, p < j1
    const p0 = shapeOfB === 'lower' ? j0 : 0;
    const p1 = shapeOfB === 'upper' ? j1 : k;
    for (let i = 0; i < n; i++) {
      const ci = i * m;
      const ai = i * k;
      for (let p = p0; p < p1; p++) {
        const a = A[ai + p];
        if (a === 0) continue;
        const bp = p * m;
        const lo = shapeOfB === 'upper' ? Math.max(j0, p) : j0;
        const hi = shapeOfB === 'lower' ? Math.min(j1, p + 1) : j1;
        for (let j = lo; j < hi; j++) C[ci + j] += a * B[bp + j];
      }
    }
  }
  return C;
}

/** Transpose of A (n×m). */
export function transpose(A: Float64Array, n: number, m: number): Float64Array {
  const T = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) T[j * n + i] = A[i * m + j];
  return T;
}

/** Eigenvalues (descending) and unit eigenvectors (columns of a d×d row-major matrix) of a symmetric matrix. */
export function symmetricEigen(A: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const rows: number[][] = [];
  for (let i = 0; i < d; i++) {
    const r = new Array<number>(d);
    for (let j = 0; j < d; j++) r[j] = 0.5 * (A[i * d + j] + A[j * d + i]);
    rows.push(r);
  }
  const e = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const vals = e.realEigenvalues;
  const V = e.eigenvectorMatrix;
  const order = vals.map((_, i) => i).sort((a, b) => vals[b] - vals[a]);
  const values = Float64Array.from(order, (i) => vals[i]);
  const vectors = new Float64Array(d * d);
  for (let c = 0; c < d; c++) for (let r = 0; r < d; r++) vectors[r * d + c] = V.get(r, order[c]);
  return { values, vectors };
}
