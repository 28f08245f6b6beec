/**
 * Small dense float64 linear algebra for the metric-learning extractor: scatter matrices,
 * shrinkage, Cholesky, triangular inverse, symmetric eigendecomposition (ml-matrix's JAMA port).
 * Matrices are row-major Float64Array with an explicit size.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { FsvaeInputError } from '../util/assert';

/**
 * Adds Σ_i (x_i − μ_{g(i)})(x_i − μ_{g(i)})ᵀ over `rows` into `into` (d×d, upper and lower
 * triangles), where μ_g is the mean of the rows of group g (e.g. a class). Returns the row count.
 */
export function addGroupScatter(data: Float32Array | Float64Array, rowIndex: readonly number[], group: (row: number) => number, d: number, into: Float64Array): number {
  const sums = new Map<number, { n: number; s: Float64Array }>();
  for (const r of rowIndex) {
    const g = group(r);
    let e = sums.get(g);
    if (!e) sums.set(g, (e = { n: 0, s: new Float64Array(d) }));
    e.n++;
    for (let k = 0; k < d; k++) e.s[k] += data[r * d + k];
  }
  const z = new Float64Array(d);
  for (const r of rowIndex) {
    const e = sums.get(group(r))!;
    for (let k = 0; k < d; k++) z[k] = data[r * d + k] - e.s[k] / e.n;
    for (let a = 0; a < d; a++) {
      const za = z[a];
      if (za === 0) continue;
      const row = a * d;
      for (let b = a; b < d; b++) into[row + b] += za * z[b];
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
  const X = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    X[j * d + j] = 1 / L[j * d + j];
    for (let i = j + 1; i < d; i++) {
      let s = 0;
      const ri = i * d;
      for (let k = j; k < i; k++) s += L[ri + k] * X[k * d + j];
      X[ri + j] = -s / L[ri + i];
    }
  }
  return X;
}

/** C = A·B with A (n×k), B (k×m). */
export function matmul(A: Float64Array, B: Float64Array, n: number, k: number, m: number): Float64Array {
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const ci = i * m;
    for (let p = 0; p < k; p++) {
      const a = A[i * k + p];
      if (a === 0) continue;
      const bp = p * m;
      for (let j = 0; j < m; j++) C[ci + j] += a * B[bp + j];
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
