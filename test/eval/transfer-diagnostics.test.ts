/** Transfer diagnostics: every function against hand-computed cases or an independent derivation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { assertClose } from '../helpers';
import { Random } from '../../lib/util/random';
import { FeatureSet } from '../../lib/data/matrices';
import { ridgePrototypes, ridgeZslAccuracy, unseenNcmOracle } from '../../lib/eval/comparison-rows';
import {
  allClassMeans,
  averageRanks,
  ckaPermutationTest,
  confusionAccuracy,
  confusionMatrix,
  cosineDistances,
  linearCka,
  nearestNeighbourAgreement,
  perClassConfusion,
  ridgeLeaveOneClassOut,
  ridgePredictions,
  ridgeTextUpperBound,
  rsaPermutationTest,
  spearman,
  affineSpan,
  pairwiseDistanceCv,
  projectOntoSpan,
  seenSpanDiagnostic,
} from '../../lib/eval/transfer-diagnostics';

// ---------------------------------------------------------------------------------------------
// Confusion matrix

test('confusion matrix and per-class summary on a hand case', () => {
  // classes in the given (not sorted) order [7, 3, 5]
  const truth = [7, 7, 7, 3, 3, 5, 5, 5, 5];
  const pred = [7, 3, 3, 5, 5, 5, 7, 3, 7];
  const cm = confusionMatrix(truth, pred, [7, 3, 5]);
  assert.deepEqual(cm.classes, [7, 3, 5]);
  // rows = true (7, 3, 5), columns = predicted (7, 3, 5)
  assert.deepEqual(Array.from(cm.counts), [1, 2, 0, 0, 0, 2, 2, 1, 1]);
  assert.equal(confusionAccuracy(cm), 2 / 9);
  const pc = perClassConfusion(cm);
  assert.deepEqual(
    pc.map((p) => [p.classId, p.count, p.correct, p.takenFor, p.takenForCount, p.mostPredicted]),
    [
      [7, 3, 1, 3, 2, 3],
      [3, 2, 0, 5, 2, 5],
      [5, 4, 1, 7, 2, 7], // 7 (2) beats 3 (1)
    ],
  );
  assertClose(
    pc.map((p) => p.accuracy),
    [1 / 3, 0, 1 / 4],
    1e-15,
  );
  assertClose(
    pc.map((p) => p.takenForShare),
    [2 / 3, 1, 1 / 2],
    1e-15,
  );
});

test('per-class summary: a never-wrong class has no "taken for", a class without samples has NaN accuracy; ties go to the first class', () => {
  const cm = confusionMatrix([0, 0, 1, 1], [0, 0, 0, 2], [0, 1, 2, 3]);
  const pc = perClassConfusion(cm);
  assert.equal(pc[0].takenFor, null);
  assert.equal(pc[0].accuracy, 1);
  assert.equal(pc[1].takenFor, 0); // 1 → 0 once, 1 → 2 once: first in order
  assert.ok(Number.isNaN(pc[2].accuracy));
  assert.equal(pc[2].count, 0);
});

test('confusion matrix rejects bad inputs with clear errors', () => {
  assert.throws(() => confusionMatrix([0, 1], [0], [0, 1]), /2 true labels but 1 predictions/);
  assert.throws(() => confusionMatrix([0, 2], [0, 1], [0, 1]), /true label #1 is 2/);
  assert.throws(() => confusionMatrix([0, 1], [0, 9], [0, 1]), /prediction #1 is 9/);
  assert.throws(() => confusionMatrix([0, 1], [0, 1], [0, 1, 1]), /listed twice/);
  assert.throws(() => confusionMatrix([], [], [0]), /no samples/);
  assert.throws(() => confusionMatrix([0.5], [0], [0]), /not an integer/);
});

// ---------------------------------------------------------------------------------------------
// Linear CKA

test('linear CKA: closed form on a 3×2 example (by hand)', () => {
  // X = [[2,1],[1,2],[0,0]] centres to [[1,0],[0,1],[-1,-1]]; Y = [[1],[0],[0]] centres to [[2/3],[-1/3],[-1/3]].
  // YᵀX = [2/3 + 1/3, -1/3 + 1/3] = [1, 0], ‖YᵀX‖² = 1; XᵀX = [[2,1],[1,2]], ‖·‖_F = √10; YᵀY = 2/3.
  // CKA = 1 / (√10 · 2/3) = 3 / (2√10).
  const got = linearCka([2, 1, 1, 2, 0, 0], 3, 2, [1, 0, 0], 1);
  assertClose([got], [3 / (2 * Math.sqrt(10))], 1e-15);
  // symmetric in its two arguments
  assertClose([linearCka([1, 0, 0], 3, 1, [2, 1, 1, 2, 0, 0], 2)], [got], 1e-15);
});

function randomMatrix(rng: Random, n: number, d: number): Float64Array {
  return Float64Array.from({ length: n * d }, () => rng.normal());
}

/** A random d × d orthogonal matrix (Gram-Schmidt on Gaussian columns). */
function randomOrthogonal(rng: Random, d: number): Float64Array {
  const q = randomMatrix(rng, d, d);
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += q[i * d + j] * q[i * d + k];
      for (let i = 0; i < d; i++) q[i * d + j] -= dot * q[i * d + k];
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += q[i * d + j] ** 2;
    for (let i = 0; i < d; i++) q[i * d + j] /= Math.sqrt(norm);
  }
  return q;
}

function matmul(a: Float64Array, n: number, k: number, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[i * k + t] * b[t * m + j];
      out[i * m + j] = s;
    }
  return out;
}

test('linear CKA invariances: CKA(X, X) = 1, orthogonal transform, isotropic scaling and a column shift of one side leave it unchanged', () => {
  const rng = new Random(11);
  const n = 9;
  const dx = 5;
  const dy = 4;
  const X = randomMatrix(rng, n, dx);
  const Y = randomMatrix(rng, n, dy);
  assertClose([linearCka(X, n, dx, X, dx)], [1], 1e-12);
  const base = linearCka(X, n, dx, Y, dy);
  assert.ok(base > 0 && base < 1);
  const Q = randomOrthogonal(rng, dy);
  assertClose([linearCka(X, n, dx, matmul(Y, n, dy, Q, dy), dy)], [base], 1e-12, 'orthogonal');
  assertClose(
    [
      linearCka(
        X,
        n,
        dx,
        Y.map((v) => -3.7 * v),
        dy,
      ),
    ],
    [base],
    1e-12,
    'isotropic scaling',
  );
  assertClose(
    [
      linearCka(
        X.map((v, i) => v + (i % dx) * 10),
        n,
        dx,
        Y,
        dy,
      ),
    ],
    [base],
    1e-10,
    'column shift',
  );
  // NOT invariant to an anisotropic scaling (the check has teeth)
  const Ys = Y.map((v, i) => (i % dy === 0 ? 10 * v : v));
  assert.ok(Math.abs(linearCka(X, n, dx, Ys, dy) - base) > 1e-3);
});

test('linear CKA equals the feature-space formula ‖YᵀX‖²/(‖XᵀX‖‖YᵀY‖) computed directly', () => {
  const rng = new Random(5);
  const n = 7;
  const dx = 3;
  const dy = 6;
  const X = randomMatrix(rng, n, dx);
  const Y = randomMatrix(rng, n, dy);
  const centre = (M: Float64Array, d: number) => {
    const out = M.slice();
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += M[i * d + k];
      for (let i = 0; i < n; i++) out[i * d + k] -= s / n;
    }
    return out;
  };
  const Xc = centre(X, dx);
  const Yc = centre(Y, dy);
  // transpose of an r × c matrix (c × r): out[a][b] = M[b][a]
  const tr = (M: Float64Array, r: number, c: number) => Float64Array.from({ length: r * c }, (_, i) => M[(i % r) * c + Math.floor(i / r)]);
  const fro2 = (M: Float64Array) => M.reduce((a, v) => a + v * v, 0);
  const YtX = matmul(tr(Yc, n, dy), dy, n, Xc, dx);
  const XtX = matmul(tr(Xc, n, dx), dx, n, Xc, dx);
  const YtY = matmul(tr(Yc, n, dy), dy, n, Yc, dy);
  assertClose([linearCka(X, n, dx, Y, dy)], [fro2(YtX) / Math.sqrt(fro2(XtX) * fro2(YtY))], 1e-12);
});

test('linear CKA rejects bad inputs', () => {
  assert.throws(() => linearCka([1, 2, 3], 3, 1, [1, 2], 1), /Y .*2 values, expected 3 rows × 1 columns/);
  assert.throws(() => linearCka([1, 1, 1], 3, 1, [1, 2, 3], 1), /X is the same for every item/);
  assert.throws(() => linearCka([1, NaN, 3], 3, 1, [1, 2, 3], 1), /row 1, column 0 is NaN/);
  assert.throws(() => linearCka([1], 1, 1, [1], 1), /nx must be an integer ≥ 2/);
});

test('CKA permutation test: identical spaces give p at the floor, the null mean is below the observed value', () => {
  const rng = new Random(2);
  const n = 12;
  const X = randomMatrix(rng, n, 3);
  const r = ckaPermutationTest(
    X,
    n,
    3,
    X.map((v) => 2 * v),
    3,
    200,
    1,
  );
  assertClose([r.observed], [1], 1e-12);
  assert.ok(r.nullMean < 0.6, `null mean ${r.nullMean}`);
  assert.ok(r.pValue <= 2 / 201 + 1e-12, `p ${r.pValue}`); // only the identity permutation (if drawn) ties
  // deterministic for a seed
  assert.deepEqual(
    ckaPermutationTest(X, n, 3, randomMatrix(new Random(3), n, 4), 4, 50, 7),
    ckaPermutationTest(X, n, 3, randomMatrix(new Random(3), n, 4), 4, 50, 7),
  );
});

test('linear CKA: cross-check against numpy (skipped without a python3 that has numpy)', (t) => {
  const py = [process.env.FSVAE_PYTHON, '/usr/bin/python3', 'python3']
    .filter((p): p is string => !!p)
    .find((p) => spawnSync(p, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0);
  if (!py) {
    t.skip('no python3 with numpy found (set FSVAE_PYTHON); the hand-computed and invariance checks above still run');
    return;
  }
  const rng = new Random(17);
  const n = 10;
  const X = randomMatrix(rng, n, 6);
  const Y = randomMatrix(rng, n, 3).map((v, i) => v + 0.5 * X[Math.floor(i / 3) * 6 + (i % 3)]);
  const script = [
    'import sys, json, numpy as np',
    'd = json.load(sys.stdin)',
    'X = np.array(d["X"]).reshape(d["n"], -1); Y = np.array(d["Y"]).reshape(d["n"], -1)',
    'X = X - X.mean(0); Y = Y - Y.mean(0)',
    'print(json.dumps(np.linalg.norm(Y.T @ X, "fro")**2 / (np.linalg.norm(X.T @ X, "fro") * np.linalg.norm(Y.T @ Y, "fro"))))',
  ].join('\n');
  const r = spawnSync(py, ['-c', script], { input: JSON.stringify({ X: Array.from(X), Y: Array.from(Y), n }), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assertClose([linearCka(X, n, 6, Y, 3)], [JSON.parse(r.stdout) as number], 1e-12);
});

// ---------------------------------------------------------------------------------------------
// Ranks, Spearman, nearest neighbours

test('average ranks and Spearman with ties against a hand case', () => {
  assert.deepEqual(Array.from(averageRanks([1, 2, 2, 3])), [1, 2.5, 2.5, 4]);
  assert.deepEqual(Array.from(averageRanks([3, 1, 3, 3])), [3, 1, 3, 3]);
  // ranks a: 1, 2.5, 2.5, 4; b = [1, 3, 2, 2]: 1, 4, 2.5, 2.5. Deviations from 2.5: (−1.5, 0, 0, 1.5) and
  // (−1.5, 1.5, 0, 0): Σ = 2.25, Σa² = Σb² = 4.5, ρ = 0.5.
  assertClose([spearman([1, 2, 2, 3], [1, 3, 2, 2])], [0.5], 1e-15);
  assertClose([spearman([1, 2, 3, 4], [10, 20, 30, 40])], [1], 1e-15);
  assertClose([spearman([1, 2, 3, 4], [4, 3, 2, 1])], [-1], 1e-15);
  assert.ok(Number.isNaN(spearman([1, 2, 3], [5, 5, 5])));
  assert.throws(() => spearman([1, 2], [1]), /2 values against 1/);
});

test('nearest-neighbour agreement and RSA on a hand case', () => {
  // unit vectors at angles (degrees); cosine distance 1 − cos increases with the angle between two items (≤ 180°)
  // A: 0, 10, 90, 105 → NN 0→1, 1→0, 2→3 (15°), 3→2.   B: 0, 80, 95, 170 → NN 0→1, 1→2 (15°), 2→1, 3→2 (75°).
  const deg = (a: number) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)];
  const A = [0, 10, 90, 105].flatMap(deg);
  const B = [0, 80, 95, 170].flatMap(deg);
  const r = nearestNeighbourAgreement(A, B, 4, 2, 2);
  assert.deepEqual(Array.from(r.nnA), [1, 0, 3, 2]);
  assert.deepEqual(Array.from(r.nnB), [1, 2, 1, 2]);
  assert.equal(r.agreement, 2 / 4); // items 0 (→1) and 3 (→2) agree
  assert.equal(r.chance, 1 / 3);
  assert.equal(r.pairs, 6);
  // pairs (0,1),(0,2),(0,3),(1,2),(1,3),(2,3): A angles 10, 90, 105, 80, 95, 15 → ranks 1, 4, 6, 3, 5, 2;
  // B angles 80, 95, 170, 15, 90, 75 → ranks 3, 5, 6, 1, 4, 2. d = (−2, −1, 0, 2, 1, 0), Σd² = 10,
  // ρ = 1 − 6·10/(6·35) = 5/7.
  assertClose([r.spearman], [5 / 7], 1e-12);
  assertClose([cosineDistances(A, 4, 2)[0 * 4 + 2]], [1 - Math.cos(Math.PI / 2)], 1e-15);
});

test('nearest-neighbour agreement: scale of rows does not matter; identical spaces agree fully; errors are clear', () => {
  const rng = new Random(8);
  const n = 8;
  const A = randomMatrix(rng, n, 5);
  const scaled = A.map((v, i) => v * (1 + Math.floor(i / 5)));
  const r = nearestNeighbourAgreement(A, scaled, n, 5, 5);
  assert.equal(r.agreement, 1);
  assertClose([r.spearman], [1], 1e-12);
  assert.throws(() => nearestNeighbourAgreement([0, 0, 1, 1], [1, 0, 0, 1], 2, 2, 2), /row 0 is all zeros/);
  assert.throws(() => nearestNeighbourAgreement([1, 2], [1, 2], 1, 2, 2), /n must be an integer ≥ 2/);
  const two = nearestNeighbourAgreement([1, 0, 0, 1], [1, 1, 1, 0], 2, 2, 2);
  assert.equal(two.agreement, 1);
  assert.ok(Number.isNaN(two.spearman));
});

test('RSA permutation test: a monotone transform of the distances gives ρ = 1 and a small p; unrelated spaces do not', () => {
  const rng = new Random(21);
  const n = 10;
  const A = randomMatrix(rng, n, 4);
  const same = rsaPermutationTest(
    A,
    A.map((v) => 5 * v),
    n,
    4,
    4,
    300,
    3,
  );
  assertClose([same.observed], [1], 1e-12);
  assert.ok(same.pValue < 0.02, `p ${same.pValue}`);
  const other = rsaPermutationTest(A, randomMatrix(new Random(99), n, 4), n, 4, 4, 300, 3);
  assert.ok(other.pValue > 0.02, `unrelated p ${other.pValue}`);
  assert.throws(() => rsaPermutationTest(A.subarray(0, 12), A.subarray(0, 12), 3, 4, 4), /n must be an integer ≥ 4/);
});

// ---------------------------------------------------------------------------------------------
// Ridge predictions and the labelled ceilings

function set(rows: number[][], labels: number[]): FeatureSet {
  return { features: Float32Array.from(rows.flat()), rows: rows.length, dim: rows[0].length, labels: Int32Array.from(labels) };
}

/** A random zero-shot problem: C classes, text D-d, visual dim-d, unseen classes given. */
function randomProblem(seed: number, C: number, D: number, dim: number, unseen: number[], perClass = 6, noise = 0.6, link = 1) {
  const rng = new Random(seed);
  const text = { rows: C, cols: D, data: Float32Array.from({ length: C * D }, () => rng.normal()) };
  const M = Array.from({ length: dim }, () => Array.from({ length: D }, () => rng.normal()));
  const centre = (c: number) => M.map((r) => link * r.reduce((s, v, k) => s + v * text.data[c * D + k], 0) + (1 - link) * 3 * rng.normal());
  const centres = Array.from({ length: C }, (_, c) => centre(c));
  const sample = (cs: number[]) => {
    const rows: number[][] = [];
    const labels: number[] = [];
    for (const c of cs)
      for (let i = 0; i < perClass; i++) {
        rows.push(centres[c].map((v) => v + noise * rng.normal()));
        labels.push(c);
      }
    return set(rows, labels);
  };
  const seen = Array.from({ length: C }, (_, c) => c).filter((c) => !unseen.includes(c));
  return { text, train: sample(seen), test: sample(unseen), unseen };
}

test('ridge predictions reproduce ridgeZslAccuracy and its prototypes (independent path through ridgePrototypes)', () => {
  for (const [seed, alpha] of [
    [1, 0.1],
    [2, 1],
    [3, 10],
  ] as const) {
    const p = randomProblem(seed, 9, 6, 4, [2, 5, 7], 5, 1.5, 0.5);
    const r = ridgePredictions(p, alpha);
    assert.equal(r.accuracy, ridgeZslAccuracy(p, alpha));
    assert.deepEqual(r.unseen, [2, 5, 7]);
    assert.equal(r.predicted.length, p.test.rows);
  }
});

test('ridge upper bound and LOCO are exact when visual means are a linear function of the text', () => {
  // as the comparison-rows test: visual mean of class c = M·text_c (+ jitter in training); all maps recover it
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
  const inp = { train, test, unseen: [4, 5], text };
  assert.equal(ridgeTextUpperBound(inp, 1e-6).accuracy, 1);
  assert.equal(ridgeLeaveOneClassOut(inp, 1e-6).accuracy, 1);
});

test('all-class ceiling: with α → 0 it interpolates the class means (prototypes = own test means) and equals the NCM oracle', () => {
  // text width ≥ classes − 1: centred text rows independent, so the ridge map can interpolate
  const p = randomProblem(4, 8, 12, 5, [1, 3, 6], 8, 2.5, 0);
  const a = allClassMeans(p);
  const protos = ridgePrototypes(p.text, a.classes, a.means, a.dim, a.unseen, 1e-9);
  const own = Float64Array.from(a.unseen.flatMap((u) => Array.from(a.means.subarray(a.classes.indexOf(u) * a.dim, (a.classes.indexOf(u) + 1) * a.dim))));
  assertClose(Array.from(protos), Array.from(own), 1e-5, 'interpolated prototypes');
  assert.equal(ridgeTextUpperBound(p, 1e-9).accuracy, unseenNcmOracle(p.train, p.test));
  // with text unrelated to the visual means (link 0), the zero-shot map is far below that ceiling
  assert.ok(ridgePredictions(p, 1).accuracy < unseenNcmOracle(p.train, p.test));
});

test('allClassMeans: seen means from the training rows, unseen from the test rows, z-scored with the training statistics', () => {
  const train = set(
    [
      [0, 10],
      [2, 10],
      [4, 30],
      [6, 30],
    ],
    [0, 0, 2, 2],
  );
  const test = set(
    [
      [1, 20],
      [3, 20],
      [9, 0],
    ],
    [1, 1, 3],
  );
  const a = allClassMeans({ train, test, unseen: [3, 1], text: { rows: 4, cols: 1, data: Float32Array.from([1, 2, 3, 4]) } });
  // training mean (3, 20), population std (√5, 10); raw class means (1,10) (2,20) (5,30) (9,0)
  const s5 = Math.sqrt(5);
  assert.deepEqual(a.classes, [0, 1, 2, 3]);
  assert.deepEqual(a.unseen, [1, 3]);
  assertClose(Array.from(a.means), [-2 / s5, -1, -1 / s5, 0, 2 / s5, 1, 6 / s5, -2], 1e-12);
});

test('ridge diagnostics reject inconsistent inputs', () => {
  const p = randomProblem(6, 6, 4, 3, [1, 4]);
  assert.throws(() => ridgePredictions({ ...p, unseen: [1] }, 1), /at least 2 unseen classes/);
  assert.throws(() => ridgePredictions({ ...p, unseen: [1, 2] }, 1), /class 2 is both in the training rows and unseen/);
  assert.throws(
    () => ridgeTextUpperBound({ ...p, unseen: [4].concat([1]), test: { ...p.test, labels: p.test.labels.map(() => 1) } }, 1),
    /unseen class 4 has no test row/,
  );
  assert.throws(
    () => ridgeLeaveOneClassOut({ ...p, test: { ...p.test, dim: 2, features: p.test.features.subarray(0, p.test.rows * 2) } }, 1),
    /test rows have 2 features, training rows 3/,
  );
  assert.throws(() => ridgePredictions(p, 0), /α must be > 0/);
});

// ---------------------------------------------------------------------------------------------
// Geometry of the class means

test('pairwise distance CV: 0 for a regular simplex, hand value otherwise', () => {
  assertClose([pairwiseDistanceCv([1, 0, 0, 0, 1, 0, 0, 0, 1], 3, 3)], [0], 1e-15);
  // points 0, 1, 3 on a line: distances 1, 3, 2 → mean 2, population std √(2/3), CV √(2/3)/2
  assertClose([pairwiseDistanceCv([0, 1, 3], 3, 1)], [Math.sqrt(2 / 3) / 2], 1e-15);
  assert.throws(() => pairwiseDistanceCv([1, 1, 1, 1], 2, 2), /every row is the same point/);
});

test('affine span and projection: hand case', () => {
  // seen means (1,0,0), (−1,0,0): origin 0, span = x-axis
  const span = affineSpan([1, 0, 0, -1, 0, 0], 2, 3);
  assert.equal(span.rank, 1);
  assertClose(Array.from(span.origin), [0, 0, 0], 1e-15);
  assertClose(Array.from(projectOntoSpan(span, [3, 0, 4, 0, 0, 2], 2)), [3, 0, 0, 0, 0, 0], 1e-15);
  // a repeated point adds no dimension; three points in general position span a plane
  assert.equal(affineSpan([1, 0, 0, -1, 0, 0, 1, 0, 0], 3, 3).rank, 1);
  assert.equal(affineSpan([1, 0, 0, 0, 1, 0, 0, 0, 1], 3, 3).rank, 2);
});

test('seen-span diagnostic: share of the unseen offset outside the span, norm ratio and in-span NCM on a hand case', () => {
  // the diagnostic z-scores with the seen training rows, so they are built with mean 0 and unit
  // population std in every dimension (z-scoring leaves them as they are).
  // seen class 0: (1, 1, 1), (1, −1, −1); class 1: (−1, 1, 1), (−1, −1, −1) → means (1,0,0), (−1,0,0); std 1, mean 0.
  const train = set(
    [
      [1, 1, 1],
      [1, -1, -1],
      [-1, 1, 1],
      [-1, -1, -1],
    ],
    [0, 0, 1, 1],
  );
  // unseen class 2 at (0,0,2), class 3 at (3,0,4) (two rows each, symmetric about the mean)
  const test = set(
    [
      [0, 0.5, 2],
      [0, -0.5, 2],
      [3, 0.5, 4],
      [3, -0.5, 4],
    ],
    [2, 2, 3, 3],
  );
  const text = { rows: 4, cols: 2, data: Float32Array.from([1, 0, 0, 1, 1, 1, 1, -1]) };
  const d = seenSpanDiagnostic({ train, test, unseen: [2, 3], text });
  assert.equal(d.rank, 1);
  // offsets (0,0,2) and (3,0,4): outside energy 4 + 16 = 20 of 4 + 25 = 29
  assertClose([d.outsideFraction], [20 / 29], 1e-12);
  // unseen means about their own mean (1.5, 0, 3): (−1.5, 0, −1), (1.5, 0, 1): outside the x-axis 2 of 6.5
  assertClose([d.spreadOutsideFraction], [2 / 6.5], 1e-12);
  // mean unseen norm (2 + 5)/2 over mean seen norm 1
  assertClose([d.normRatio], [3.5], 1e-12);
  assertClose([d.seenDistanceCv], [0], 1e-15);
  assert.ok(Number.isNaN(d.unseenDistanceCv));
  // projected prototypes (0,0,0) and (3,0,0): every test row is nearer its own class's projection
  assert.equal(d.inSpanAccuracy, 1);
});

test("seen-span diagnostic: the ridge map's prototypes lie in the affine span of the seen means", () => {
  const p = randomProblem(12, 10, 6, 12, [2, 5, 8], 5, 1, 0.5);
  const a = allClassMeans(p);
  const seenMeans = Float64Array.from(a.seen.flatMap((c) => Array.from(a.means.subarray(a.classes.indexOf(c) * a.dim, (a.classes.indexOf(c) + 1) * a.dim))));
  const protos = ridgePrototypes(p.text, a.seen, seenMeans, a.dim, a.unseen, 0.3);
  const span = affineSpan(seenMeans, a.seen.length, a.dim);
  assert.equal(span.rank, a.seen.length - 1);
  assertClose(Array.from(projectOntoSpan(span, protos, a.unseen.length)), Array.from(protos), 1e-9);
});
