import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  calibratedAlignmentPaper,
  calibratedAlignmentReference,
  calibratedSigmoid,
  calibratedTerm,
  crossReconstruction,
  klDivergence,
  mseMean,
  tripletAlignment,
  AlignmentSide,
} from '../../lib/losses';
import { Random } from '../../lib/util/random';
import { assertClose, useTestBackend } from '../helpers';

before(async () => {
  await useTestBackend();
});

const sig = (a: number) => 1 / (1 + Math.exp(-a));
const sq = (a: number[], b: number[]) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);

// tiny case used throughout: B = 2, D = 2
const F = [
  [1, 0],
  [0, 1],
];
const G = [
  [0.5, 0.5],
  [2, 1],
];
const NEG = Int32Array.from([1, 0]);
const side = (neg: Int32Array | null = NEG): AlignmentSide => ({ anchor: tf.tensor2d(F), reconstruction: tf.tensor2d(G), negatives: neg });
// pos = ‖F_i − G_i‖², neg = ‖F_i − G_{i⁻}‖²
const pos = [sq(F[0], G[0]), sq(F[1], G[1])]; // [0.5, 4]
const neg = [sq(F[0], G[1]), sq(F[1], G[0])]; // [2, 0.5]

describe('VAE terms (Eq. 7)', () => {
  test('MSE is the mean over batch and dims', () => {
    const v = mseMean(
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.tensor2d([
        [1, 0],
        [0, 4],
      ]),
    ).dataSync()[0];
    assert.equal(v, (0 + 4 + 9 + 0) / 4);
  });
  test('KL(N(μ,σ²)‖N(0,1)) summed over dims, averaged over batch, against the closed form', () => {
    const mu = [
      [0.5, -1],
      [0, 2],
    ];
    const lv = [
      [0, Math.log(2)],
      [-1, 0.3],
    ];
    const kl1 = (m: number, l: number) => 0.5 * (m * m + Math.exp(l) - 1 - l);
    const expected = (kl1(0.5, 0) + kl1(-1, Math.log(2)) + kl1(0, -1) + kl1(2, 0.3)) / 2;
    assertClose([klDivergence(tf.tensor2d(mu), tf.tensor2d(lv)).dataSync()[0]], [expected], 1e-6);
    assert.equal(klDivergence(tf.zeros([3, 4]), tf.zeros([3, 4])).dataSync()[0], 0);
  });
  test('cross-reconstruction is MSE(f_s, s̃) + MSE(f_t, t̃)', () => {
    const v = crossReconstruction(tf.tensor2d(F), tf.tensor2d(G), tf.tensor2d(G), tf.tensor2d(F)).dataSync()[0];
    assertClose([v], [(2 * (sq(F[0], G[0]) + sq(F[1], G[1]))) / 4], 1e-6);
  });
});

describe('calibrated alignment (Eq. 6, 11)', () => {
  test('symmetry ℓ(a) + ℓ(−a) = 1 on a grid, including large |a|', () => {
    for (const a of [-50, -3.2, -1, -1e-3, 0, 0.7, 2, 30]) assert.ok(Math.abs(calibratedSigmoid(a) + calibratedSigmoid(-a) - 1) < 1e-15, `a=${a}`);
  });
  test('one side: mean σ((pos − neg)/λ) by hand, λ = 2', () => {
    const v = calibratedTerm(side(), 2).dataSync()[0];
    assertClose([v], [(sig((pos[0] - neg[0]) / 2) + sig((pos[1] - neg[1]) / 2)) / 2], 1e-6);
  });
  test("no negatives (the code's skeleton side): mean σ(pos/λ), minimum 0.5 at pos = 0", () => {
    assertClose([calibratedTerm(side(null), 2).dataSync()[0]], [(sig(pos[0] / 2) + sig(pos[1] / 2)) / 2], 1e-6);
    assertClose([calibratedTerm({ anchor: tf.tensor2d(F), reconstruction: tf.tensor2d(F), negatives: null }, 5).dataSync()[0]], [0.5], 1e-7);
  });
  test('paper form = λ·(text term + skeleton term); reference form = text term + negative-free skeleton term', () => {
    const lambda = 3;
    const t = (sig((pos[0] - neg[0]) / lambda) + sig((pos[1] - neg[1]) / lambda)) / 2;
    assertClose([calibratedAlignmentPaper(side(), side(), lambda).dataSync()[0]], [lambda * 2 * t], 1e-5);
    const s = (sig(pos[0] / lambda) + sig(pos[1] / lambda)) / 2;
    assertClose([calibratedAlignmentReference(side(), tf.tensor2d(F), tf.tensor2d(G), lambda).dataSync()[0]], [t + s], 1e-6);
  });
  test('swapping the roles of positive and negative gives 1 − loss (symmetry, per sample)', () => {
    // with i⁻ = the other sample, exchanging the two reconstructions swaps pos and neg
    const swapped: AlignmentSide = { anchor: tf.tensor2d(F), reconstruction: tf.tensor2d([G[1], G[0]]), negatives: NEG };
    const a = calibratedTerm(side(), 1.5).dataSync()[0];
    const b = calibratedTerm(swapped, 1.5).dataSync()[0];
    assertClose([a + b], [1], 1e-6);
  });
  test('gradient w.r.t. the reconstructions matches float64 finite differences', () => {
    const rng = new Random(2);
    const B = 4;
    const D = 3;
    const f = Array.from({ length: B }, () => Array.from(rng.normals(D)));
    const g0 = Array.from({ length: B }, () => Array.from(rng.normals(D)));
    const negs = Int32Array.from([2, 0, 3, 1]);
    const lambda = 1.7;
    const loss64 = (g: number[][]) => (lambda / B) * f.reduce((acc, fi, i) => acc + sig((sq(fi, g[i]) - sq(fi, g[negs[i]])) / lambda), 0);
    const gt = tf.variable(tf.tensor2d(g0));
    const grad = tf
      .grad((x: tf.Tensor) => tf.mul(lambda, calibratedTerm({ anchor: tf.tensor2d(f), reconstruction: x as tf.Tensor2D, negatives: negs }, lambda)))(gt)
      .arraySync() as number[][];
    const h = 1e-6;
    for (let i = 0; i < B; i++) {
      for (let d = 0; d < D; d++) {
        const up = g0.map((r) => [...r]);
        up[i][d] += h;
        const dn = g0.map((r) => [...r]);
        dn[i][d] -= h;
        const num = (loss64(up) - loss64(dn)) / (2 * h);
        assert.ok(Math.abs(grad[i][d] - num) <= 1e-4 + 1e-3 * Math.abs(num), `d/dg[${i}][${d}]: autodiff ${grad[i][d]} vs ${num}`);
      }
    }
  });
});

describe('triplet-style alignment losses (Eq. 25-28)', () => {
  const lambda = 2;
  const m = 1;
  const both = (f: (p: number, n: number) => number) => 2 * ((f(pos[0], neg[0]) + f(pos[1], neg[1])) / 2);
  const cases: ['T1' | 'T2' | 'T3' | 'T4', (p: number, n: number) => number][] = [
    ['T1', (p, n) => Math.max(p - n + m, 0)],
    ['T2', (p, n) => Math.log(1 / (1 + Math.exp((n - p) / lambda)))],
    ['T3', (p, n) => lambda * (Math.exp(Math.sqrt(p)) / (Math.exp(Math.sqrt(p)) + Math.exp(Math.sqrt(n)))) ** 2],
    ['T4', (p, n) => Math.max(1 - n / (p + m), 0)],
  ];
  for (const [v, f] of cases) {
    test(`L_${v} by hand (both sides identical here, so twice one side)`, () => {
      assertClose([tripletAlignment(v, side(), side(), lambda, m).dataSync()[0]], [both(f)], 1e-5);
    });
  }
  test('every triplet loss is differentiable w.r.t. the reconstructions (gradient vs finite differences)', () => {
    for (const v of ['T1', 'T2', 'T3', 'T4'] as const) {
      const g0 = [
        [0.3, 0.2],
        [1.5, 0.4],
      ];
      const f = (g: number[][]) =>
        tripletAlignment(
          v,
          { anchor: tf.tensor2d(F), reconstruction: tf.tensor2d(g), negatives: NEG },
          { anchor: tf.tensor2d(F), reconstruction: tf.tensor2d(g), negatives: NEG },
          lambda,
          m,
        ).dataSync()[0];
      const grad = tf
        .grad((x: tf.Tensor) =>
          tripletAlignment(
            v,
            { anchor: tf.tensor2d(F), reconstruction: x as tf.Tensor2D, negatives: NEG },
            { anchor: tf.tensor2d(F), reconstruction: x as tf.Tensor2D, negatives: NEG },
            lambda,
            m,
          ),
        )(tf.tensor2d(g0))
        .arraySync() as number[][];
      const h = 1e-3;
      for (let i = 0; i < 2; i++) {
        for (let d = 0; d < 2; d++) {
          const up = g0.map((r) => [...r]);
          up[i][d] += h;
          const dn = g0.map((r) => [...r]);
          dn[i][d] -= h;
          const num = (f(up) - f(dn)) / (2 * h);
          assert.ok(Math.abs(grad[i][d] - num) <= 2e-3 + 2e-2 * Math.abs(num), `${v} d/dg[${i}][${d}]: ${grad[i][d]} vs ${num}`);
        }
      }
    }
  });
  test('the triplet terms are not symmetric: ℓ(a) + ℓ(−a) varies with a (unlike the calibrated loss)', () => {
    const t1 = (a: number) => Math.max(a + m, 0);
    const t2 = (a: number) => Math.log(sig(a / lambda));
    assert.notEqual(t1(0.3) + t1(-0.3), t1(3) + t1(-3));
    assert.ok(Math.abs(t2(0.3) + t2(-0.3) - (t2(3) + t2(-3))) > 0.1);
  });
});
