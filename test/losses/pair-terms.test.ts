/** The shared per-sample alignment terms: derivatives against central finite differences, and hand values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers';
import * as tf from '@tensorflow/tfjs';
import { PairTermName, pairTerm, sigmoid, softplus } from '../../lib/losses/pair-terms';
import { klTerm2, klTerm2GradLogvar, klTerm2GradMu, squaredError, squaredErrorGrad } from '../../lib/losses/vae-terms';
import { klDivergence, mseMean } from '../../lib/losses';

const P = { lambda: 0.7, margin: 1 };
const NAMES: PairTermName[] = ['calibrated', 'calibrated-no-negative', 'T1', 'T2', 'T3', 'T4', 'squared-distance'];

test('∂ℓ/∂pos and ∂ℓ/∂neg match central differences away from kinks', () => {
  const h = 1e-6;
  for (const name of NAMES) {
    for (const [pos, neg] of [
      [0.8, 2.3],
      [2.5, 0.9],
      [1.3, 1.7],
    ]) {
      const [, dp, dn] = pairTerm(name, pos, neg, P);
      const fdPos = (pairTerm(name, pos + h, neg, P)[0] - pairTerm(name, pos - h, neg, P)[0]) / (2 * h);
      const fdNeg = (pairTerm(name, pos, neg + h, P)[0] - pairTerm(name, pos, neg - h, P)[0]) / (2 * h);
      assertClose([dp, dn], [fdPos, fdNeg], 1e-6, `${name} at (${pos}, ${neg})`);
    }
  }
});

test('hand values: Eq. 21 symmetry of the calibrated term, T1/T4 hinges, T2 = −softplus, T3 = σ(√p − √n)²', () => {
  for (const [p, n] of [
    [0.3, 4],
    [5, 1],
    [2, 2],
  ])
    assertClose([pairTerm('calibrated', p, n, P)[0] + pairTerm('calibrated', n, p, P)[0]], [1], 1e-15);
  assert.equal(pairTerm('T1', 1, 3, P)[0], 0); // 1 − 3 + 1 < 0
  assert.equal(pairTerm('T1', 3, 1, P)[0], 3);
  assert.equal(pairTerm('T4', 1, 0.5, P)[0], 0.75); // 1 − 0.5/2
  assert.equal(pairTerm('T4', 1, 3, P)[0], 0);
  assertClose([pairTerm('T2', 1, 2, P)[0]], [-Math.log(1 + Math.exp(1 / 0.7))], 1e-14);
  assertClose([pairTerm('T3', 4, 1, P)[0]], [(Math.exp(2) / (Math.exp(2) + Math.E)) ** 2], 1e-14);
  assert.equal(sigmoid(-800), 0);
  assert.equal(softplus(800), 800);
});

test('VAE terms of Eq. 7: derivatives against central differences; the tensor forms are their means', () => {
  const h = 1e-6;
  for (const [y, t] of [
    [0.3, -1.2],
    [2, 2.5],
  ]) {
    assertClose([squaredErrorGrad(y, t)], [(squaredError(y + h, t) - squaredError(y - h, t)) / (2 * h)], 1e-7);
  }
  for (const [mu, lv] of [
    [0.4, -0.7],
    [-1.5, 0.9],
  ]) {
    const f = (m: number, l: number) => klTerm2(m, l, Math.exp(l));
    assertClose(
      [klTerm2GradMu(mu), klTerm2GradLogvar(Math.exp(lv))],
      [(f(mu + h, lv) - f(mu - h, lv)) / (2 * h), (f(mu, lv + h) - f(mu, lv - h)) / (2 * h)],
      1e-7,
    );
  }
  const T = [
    [0.1, -2, 3],
    [1, 0.5, -0.25],
  ];
  const Y = [
    [0.4, -1, 2],
    [0.7, 0.5, 0.5],
  ];
  const mse = T.flat().reduce((a, t, i) => a + squaredError(Y.flat()[i], t), 0) / 6;
  assertClose([mseMean(tf.tensor2d(T), tf.tensor2d(Y)).dataSync()[0]], [mse], 1e-6);
  const MU = [
    [0.3, -0.8],
    [1.1, 0],
  ];
  const LV = [
    [-0.2, 0.4],
    [0, -1.3],
  ];
  const kl = (0.5 * MU.flat().reduce((a, m, i) => a + klTerm2(m, LV.flat()[i], Math.exp(LV.flat()[i])), 0)) / 2;
  assertClose([klDivergence(tf.tensor2d(MU), tf.tensor2d(LV)).dataSync()[0]], [kl], 1e-6);
});
