/** The ridge-map and NCM-oracle comparison rows: dual solve against the primal normal equations, and hand cases. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers';
import { Random } from '../../lib/util/random';
import { ridgePrototypes, ridgeComparison, ridgeZslAccuracy, unseenNcmOracle } from '../../lib/eval/comparison-rows';
import { FeatureSet } from '../../lib/data/matrices';

/** Solves (AᵀA + αI) W = AᵀY by Gaussian elimination with partial pivoting (the primal form). */
function primalRidge(A: number[][], Y: number[][], alpha: number): number[][] {
  const D = A[0].length;
  const M = Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => A.reduce((s, r) => s + r[i] * r[j], 0) + (i === j ? alpha : 0)));
  const B = Array.from({ length: D }, (_, i) => Y[0].map((_, c) => A.reduce((s, r, k) => s + r[i] * Y[k][c], 0)));
  for (let col = 0; col < D; col++) {
    let p = col;
    for (let r = col + 1; r < D; r++) if (Math.abs(M[r][col]) > Math.abs(M[p][col])) p = r;
    [M[col], M[p]] = [M[p], M[col]];
    [B[col], B[p]] = [B[p], B[col]];
    for (let r = 0; r < D; r++) {
      if (r === col) continue;
      const f = M[r][col] / M[col][col];
      for (let c = col; c < D; c++) M[r][c] -= f * M[col][c];
      for (let c = 0; c < B[0].length; c++) B[r][c] -= f * B[col][c];
    }
  }
  return B.map((row, i) => row.map((v) => v / M[i][i]));
}

test('ridge prototypes: the dual solve equals the primal normal equations with centring', () => {
  const rng = new Random(3);
  const C = 7;
  const D = 4;
  const dim = 3;
  const text = { rows: C, cols: D, data: Float32Array.from({ length: C * D }, () => rng.normal()) };
  const source = [0, 2, 3, 5, 6];
  const protos = Float64Array.from({ length: source.length * dim }, () => rng.normal());
  const target = [1, 4];
  const alpha = 0.7;
  const got = ridgePrototypes(text, source, protos, dim, target, alpha);
  const T = (c: number) => Array.from(text.data.subarray(c * D, (c + 1) * D));
  const tbar = T(0).map((_, k) => source.reduce((s, c) => s + T(c)[k], 0) / source.length);
  const pbar = Array.from({ length: dim }, (_, k) => source.reduce((s, _c, j) => s + protos[j * dim + k], 0) / source.length);
  const W = primalRidge(
    source.map((c) => T(c).map((v, k) => v - tbar[k])),
    source.map((_, j) => Array.from({ length: dim }, (_, k) => protos[j * dim + k] - pbar[k])),
    alpha,
  );
  const want = target.flatMap((c) => Array.from({ length: dim }, (_, col) => pbar[col] + T(c).reduce((s, v, k) => s + (v - tbar[k]) * W[k][col], 0)));
  assertClose(Array.from(got), want, 1e-9);
});

function set(rows: number[][], labels: number[]): FeatureSet {
  return { features: Float32Array.from(rows.flat()), rows: rows.length, dim: rows[0].length, labels: Int32Array.from(labels) };
}

test('ridge ZSL is exact when visual class means are a linear function of the text', () => {
  // 3-d text codes, seen classes 0-3 (their centred codes span 3-d), visual mean of class c = M·text_c;
  // unseen classes 4 and 5
  const text = { rows: 6, cols: 3, data: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1]) };
  const M = [
    [2, 0, 1],
    [0, 3, -1],
  ];
  const mean = (c: number) => M.map((r) => r.reduce((s, v, k) => s + v * text.data[c * 3 + k], 0));
  const jitter = [
    [0.1, -0.1],
    [-0.1, 0.1],
  ];
  const train = set(
    [0, 1, 2, 3].flatMap((c) => jitter.map((j) => mean(c).map((v, k) => v + j[k]))),
    [0, 0, 1, 1, 2, 2, 3, 3],
  );
  const test = set(
    [4, 5, 4, 5].map((c) => mean(c)),
    [4, 5, 4, 5],
  );
  assert.equal(ridgeZslAccuracy({ train, test, unseen: [4, 5], text }, 1e-6), 1);
  // swapping the unseen text rows makes every prediction wrong
  const swapped = { ...text, data: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0]) };
  assert.equal(ridgeZslAccuracy({ train, test, unseen: [4, 5], text: swapped }, 1e-6), 0);
  // α is chosen on the validation input: here validation = test, so it picks an α with accuracy 1
  const r = ridgeComparison({ train, test, unseen: [4, 5], text }, { train, test, unseen: [4, 5], text });
  assert.equal(r.valAccuracy, 1);
  assert.equal(r.testAccuracy, 1);
  assert.throws(() => ridgeZslAccuracy({ train, test, unseen: [4, 5], text }, 0), /α must be > 0/);
});

test('NCM oracle: a hand case with one sample nearer the other class mean', () => {
  // 1-d after z-scoring with train mean 0, std 1: class 3 at {0, 0.2, 1.1}, class 4 at {1, 1.2}
  const train = set([[-1], [1]], [0, 1]);
  const test = set([[0], [0.2], [1.1], [1], [1.2]], [3, 3, 3, 4, 4]);
  // means: class 3 = 0.433, class 4 = 1.1 → 1.1 (class 3) is nearer class 4: 4 of 5 correct
  assert.equal(unseenNcmOracle(train, test), 4 / 5);
});
