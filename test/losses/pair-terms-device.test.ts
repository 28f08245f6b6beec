/**
 * pairTermOnDevice (the alignment terms as tensor ops, what a GPU backend evaluates) against
 * pairTerm (the float64 definition, evaluated on the host by pairTermTensor): value and both
 * derivatives of every term, kinks included, on the cpu backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertClose } from '../helpers';
import { PairTermName, pairTerm, pairTermTensor } from '../../lib/losses';

const P = { lambda: 0.7, margin: 1 };
const NAMES: PairTermName[] = ['calibrated', 'calibrated-no-negative', 'T1', 'T2', 'T3', 'T4', 'squared-distance'];
// pairs away from kinks, and on them: T1's pos − neg + m = 0 (3, 4), T4's 1 − neg/(pos + m) = 0 (1, 2)
const POS = [0.8, 2.5, 1.3, 0.05, 3, 1, 6.2];
const NEG = [2.3, 0.9, 1.7, 4.1, 4, 2, 0.3];

/** ℓ per row and the gradient of Σ_i c_i ℓ_i w.r.t. pos and neg (c_i distinct, so rows cannot trade places). */
function valueAndGrads(term: PairTermName, onDevice?: boolean): number[][] {
  return tf.tidy(() => {
    const pos = tf.tensor1d(POS);
    const neg = tf.tensor1d(NEG);
    const c = tf.tensor1d(POS.map((_, i) => 1 + i / 10));
    // + 0·Σn: terms without a negative still give neg a (zero) gradient path
    const f = (p: tf.Tensor, n: tf.Tensor) =>
      tf.add(tf.sum(tf.mul(c, pairTermTensor(term, p as tf.Tensor1D, n as tf.Tensor1D, P, onDevice))), tf.mul(0, tf.sum(n)));
    const [dPos, dNeg] = tf.grads(f)([pos, neg]);
    return [pairTermTensor(term, pos, neg, P, onDevice), dPos, dNeg].map((t) => Array.from(t.dataSync()));
  });
}

test('pairTermOnDevice equals pairTerm in value and both derivatives for every term, at kinks too', () => {
  for (const term of NAMES) {
    const [value, dPos, dNeg] = valueAndGrads(term, true);
    const expected = POS.map((p, i) => pairTerm(term, p, NEG[i], P));
    const c = POS.map((_, i) => 1 + i / 10);
    assertClose(
      value,
      expected.map((e) => e[0]),
      2e-6,
      `${term} value`,
    );
    assertClose(
      dPos,
      expected.map((e, i) => c[i] * e[1]),
      2e-6,
      `${term} ∂/∂pos`,
    );
    assertClose(
      dNeg,
      expected.map((e, i) => c[i] * e[2]),
      2e-6,
      `${term} ∂/∂neg`,
    );
  }
});

test('pairTermTensor takes the host route on cpu by default (values computed in float64 then rounded once)', () => {
  for (const term of NAMES) {
    const [host] = valueAndGrads(term);
    const exact = POS.map((p, i) => Math.fround(pairTerm(term, Math.fround(p), Math.fround(NEG[i]), P)[0]));
    assert.deepEqual(host, exact, term);
  }
});
