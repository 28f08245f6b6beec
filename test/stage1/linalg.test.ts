import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addGroupScatter, cholesky, lowerTriangularInverse, matmul, shrinkCovariance, symmetricEigen, transpose } from '../../lib/stage1/linalg';
import { Random } from '../../lib/util/random';
import { assertClose, maxAbs } from '../helpers';

function spd(d: number, seed: number): Float64Array {
  const r = new Random(seed);
  const B = Float64Array.from({ length: d * (d + 3) }, () => r.normal());
  return matmul(transpose(B, d + 3, d), B, d, d + 3, d);
}
const eye = (d: number) => Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0));

describe('dense linear algebra of the dct-lda extractor', () => {
  test('Cholesky: L·Lᵀ = A, L lower-triangular; a non-positive-definite matrix is refused', () => {
    const d = 7;
    const A = spd(d, 1);
    const L = cholesky(A, d);
    for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) assert.equal(L[i * d + j], 0);
    assertClose(matmul(L, transpose(L, d, d), d, d, d), A, 1e-9);
    assert.throws(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2), /positive definite/);
  });

  test('lower-triangular inverse: L·L⁻¹ = I', () => {
    const d = 9;
    const L = cholesky(spd(d, 2), d);
    assertClose(matmul(L, lowerTriangularInverse(L, d), d, d, d), eye(d), 1e-10);
  });

  test('symmetric eigendecomposition: A·v = λ·v, orthonormal vectors, descending values, trace kept', () => {
    const d = 6;
    const A = spd(d, 3);
    const { values, vectors } = symmetricEigen(A, d);
    const AV = matmul(A, vectors, d, d, d);
    for (let c = 0; c < d; c++) for (let r = 0; r < d; r++) assert.ok(Math.abs(AV[r * d + c] - values[c] * vectors[r * d + c]) < 1e-8);
    assertClose(matmul(transpose(vectors, d, d), vectors, d, d, d), eye(d), 1e-10);
    for (let c = 1; c < d; c++) assert.ok(values[c] <= values[c - 1]);
    let tr = 0;
    for (let i = 0; i < d; i++) tr += A[i * d + i];
    assert.ok(Math.abs(values.reduce((a, b) => a + b, 0) - tr) < 1e-8);
  });

  test('group scatter equals the sum of class-centred outer products (hand example)', () => {
    // rows (1,0),(3,2) in group A (mean (2,1)); (0,5) alone in group B
    const data = Float64Array.from([1, 0, 3, 2, 0, 5]);
    const S = new Float64Array(4);
    const n = addGroupScatter(data, [0, 1, 2], (r) => (r < 2 ? 0 : 1), 2, S);
    assert.equal(n, 3);
    assertClose(S, [2, 2, 2, 2], 1e-12); // (−1,−1)(−1,−1)ᵀ + (1,1)(1,1)ᵀ
  });

  test('shrinkage keeps the trace and moves towards the scaled identity', () => {
    const S = Float64Array.from([4, 1, 1, 2]);
    const out = shrinkCovariance(S, 2, 0.5);
    assertClose(out, [0.5 * 4 + 1.5, 0.5, 0.5, 0.5 * 2 + 1.5], 1e-12);
    assert.throws(() => shrinkCovariance(S, 2, 0), /shrinkage/);
    assert.ok(maxAbs(shrinkCovariance(S, 2, 1).map((v, i) => v - [3, 0, 0, 3][i])) < 1e-12);
  });
});

/** The plain loops the blocked kernels replace (the order of every sum is theirs). */
const plain = {
  scatter(data: Float64Array, rows: readonly number[], group: (r: number) => number, d: number, into: Float64Array): void {
    const sums = new Map<number, { n: number; s: Float64Array }>();
    for (const r of rows) {
      const g = group(r);
      if (!sums.has(g)) sums.set(g, { n: 0, s: new Float64Array(d) });
      const e = sums.get(g)!;
      e.n++;
      for (let k = 0; k < d; k++) e.s[k] += data[r * d + k];
    }
    const z = new Float64Array(d);
    for (const r of rows) {
      const e = sums.get(group(r))!;
      for (let k = 0; k < d; k++) z[k] = data[r * d + k] - e.s[k] / e.n;
      for (let a = 0; a < d; a++) for (let b = a; b < d; b++) if (z[a] !== 0) into[a * d + b] += z[a] * z[b];
    }
    for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) into[b * d + a] = into[a * d + b];
  },
  matmul(A: Float64Array, B: Float64Array, n: number, k: number, m: number): Float64Array {
    const C = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let p = 0; p < k; p++) for (let j = 0; j < m; j++) C[i * m + j] += A[i * k + p] * B[p * m + j];
    return C;
  },
  lowerInverse(L: Float64Array, d: number): Float64Array {
    const X = new Float64Array(d * d);
    for (let j = 0; j < d; j++) {
      X[j * d + j] = 1 / L[j * d + j];
      for (let i = j + 1; i < d; i++) {
        let s = 0;
        for (let k = j; k < i; k++) s += L[i * d + k] * X[k * d + j];
        X[i * d + j] = -s / L[i * d + i];
      }
    }
    return X;
  },
};

/** Index of the first entry that is not bit-for-bit equal (Object.is tells +0 from −0), or −1. */
const firstBitDifference = (a: Float64Array, b: Float64Array) => (a.length !== b.length ? 0 : a.findIndex((v, i) => !Object.is(v, b[i])));

describe("the blocked kernels sum in the plain loops' order: bit-for-bit equal results", () => {
  // sizes that are not multiples of the blocks (64 rows, 128 columns), some zero entries and a constant column
  const r = new Random(11);
  const n = 150;
  const d = 141;
  const data = Float64Array.from({ length: n * d }, (_, i) => (i % d === 5 ? 2.5 : r.uniform() < 0.05 ? 0 : r.normal()));
  const rows = Array.from(r.permutation(n)).slice(0, 137);
  const labels = Array.from({ length: n }, (_, i) => i % 7);

  test('group scatter (rows in a shuffled order, 7 groups) and total scatter', () => {
    for (const group of [(x: number) => labels[x], () => 0]) {
      const got = new Float64Array(d * d).fill(0.25);
      const want = new Float64Array(d * d).fill(0.25);
      addGroupScatter(data, rows, group, d, got);
      plain.scatter(data, rows, group, d, want);
      assert.equal(firstBitDifference(got, want), -1);
    }
  });

  test('lower-triangular inverse, and matmul with a full, lower or upper triangular B', () => {
    const L = cholesky(shrinkCovariance(spd(d, 5), d, 0.1), d);
    const Linv = lowerTriangularInverse(L, d);
    assert.equal(firstBitDifference(Linv, plain.lowerInverse(L, d)), -1);
    const U = transpose(Linv, d, d);
    assert.equal(firstBitDifference(matmul(data, U, n, d, d, 'upper'), plain.matmul(data, U, n, d, d)), -1);
    assert.equal(firstBitDifference(matmul(data, Linv, n, d, d, 'lower'), plain.matmul(data, Linv, n, d, d)), -1);
    const B = Float64Array.from({ length: d * 300 }, () => r.normal());
    assert.equal(firstBitDifference(matmul(data, B, n, d, 300), plain.matmul(data, B, n, d, 300)), -1);
    assert.throws(() => matmul(data, B, n, d, 300, 'upper'), /triangular B must be square/);
    // the test can fail: a different order of summation shows in the last bits
    const reversed = plain.matmul(data, B, n, d, 300);
    const other = new Float64Array(n * 300);
    for (let i = 0; i < n; i++) for (let p = d - 1; p >= 0; p--) for (let j = 0; j < 300; j++) other[i * 300 + j] += data[i * d + p] * B[p * 300 + j];
    assert.notEqual(firstBitDifference(other, reversed), -1);
  });
});
