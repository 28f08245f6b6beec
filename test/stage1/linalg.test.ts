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
