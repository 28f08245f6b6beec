import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { dct, dct1d, idct, idct1d, dctBasis64 } from '../../lib/frequency/dct';
import { checkEnergyPreservation, checkEnhancedEnergy, checkOrthogonality, sumOfSquares } from '../../lib/frequency/energy';
import { Random } from '../../lib/util/random';
import { assertClose, useTestBackend } from '../helpers';

before(async () => {
  await useTestBackend();
});

describe('DCT-II (Eq. 1, 29-30) against hand-computed values', () => {
  test('N = 2: x = [1, 2] → [3/√2, −1/√2]', () => {
    assertClose(dct1d([1, 2]), [3 / Math.SQRT2, -1 / Math.SQRT2], 1e-15);
  });
  test('N = 3: unit impulse → first column of Φ = [1/√3, 1/√2, 1/√6]', () => {
    assertClose(dct1d([1, 0, 0]), [1 / Math.sqrt(3), 1 / Math.SQRT2, 1 / Math.sqrt(6)], 1e-15);
  });
  test('N = 4: x = [1, 2, 3, 4] → [5, −2.2304425, 0, −0.1585127] (scipy dct norm=ortho)', () => {
    // C1 = √(1/2)·Σ x_f cos(π(2f+1)/8) = √(1/2)·(−3cos(π/8) − sin(π/8)); C3 likewise with 3π/8.
    const c1 = Math.SQRT1_2 * (-3 * Math.cos(Math.PI / 8) - Math.sin(Math.PI / 8));
    const c3 = Math.SQRT1_2 * (Math.cos((3 * Math.PI) / 8) * (1 - 4) + Math.cos((9 * Math.PI) / 8) * (2 - 3));
    assertClose(dct1d([1, 2, 3, 4]), [5, c1, 0, c3], 1e-14);
    assertClose([c1, c3], [-2.2304425, -0.1585127], 1e-7);
  });
  test('constant signal has only a DC coefficient equal to √N·value', () => {
    const c = dct1d(new Array(9).fill(2));
    assertClose(c, [2 * 3, 0, 0, 0, 0, 0, 0, 0, 0], 1e-14);
  });
  test('float64 inverse recovers the signal', () => {
    const x = new Random(3).normals(37);
    assertClose(idct1d(dct1d(x)), x, 1e-13);
  });
});

describe('tfjs DCT (float32, differentiable)', () => {
  test('matches float64 on a batch, N = 7, 64, 256', () => {
    const rng = new Random(5);
    for (const n of [7, 64, 256]) {
      const rows = Array.from({ length: 5 }, () => Array.from(rng.normals(n)));
      const got = tf.tidy(() => dct(tf.tensor2d(rows)).arraySync() as number[][]);
      rows.forEach((r, i) => assertClose(got[i], dct1d(r), 2e-5 * Math.sqrt(n), `dct N=${n} row ${i}`));
    }
  });
  test('IDCT(DCT(x)) = x within 1e-6 relative (B×N and along time of J×C×F)', () => {
    const rng = new Random(11);
    for (const n of [5, 100, 512]) {
      const x = tf.tensor2d(Array.from(rng.normals(8 * n)), [8, n]);
      const back = tf.tidy(() => idct(dct(x)));
      const rel = tf.tidy(() => tf.norm(tf.sub(back, x)).div(tf.norm(x)).dataSync()[0]);
      assert.ok(rel <= 1e-6, `N=${n}: relative error ${rel}`);
      tf.dispose([x, back]);
    }
    // skeleton trajectories J×C×F, transform along the frame axis
    const seq = tf.tensor3d(Array.from(rng.normals(25 * 3 * 40)), [25, 3, 40]);
    const coeffs = dct(seq, 2);
    const traj = Array.from(seq.dataSync().slice(0, 40));
    assertClose(Array.from(coeffs.dataSync().slice(0, 40)), dct1d(traj), 5e-5, 'joint 0 x trajectory');
    const rel = tf.tidy(
      () =>
        tf
          .norm(tf.sub(idct(coeffs, 2), seq))
          .div(tf.norm(seq))
          .dataSync()[0],
    );
    assert.ok(rel <= 1e-6, `J×C×F along time: relative error ${rel}`);
    // along an inner axis: compare with moving that axis last
    const inner = tf.tidy(() => dct(seq, 0).transpose([1, 2, 0]));
    const last = tf.tidy(() => dct(seq.transpose([1, 2, 0])));
    assertClose(inner.dataSync(), last.dataSync(), 1e-5, 'axis 0');
    tf.dispose([seq, coeffs, inner, last]);
  });
  test('bad axis is a clear error', () => {
    const x = tf.zeros([2, 3]);
    assert.throws(() => dct(x, 2), /axis 2 is out of range for a rank-2 tensor/);
    x.dispose();
  });
});

describe('energy (App. F, Eq. 32 and 34)', () => {
  test('energy ratio is 1 ± 1e-6 in float64 and float32', () => {
    const rng = new Random(21);
    const rows = Array.from({ length: 50 }, (_, i) => rng.normals(10 + i * 7));
    const e = checkEnergyPreservation(rows);
    assert.ok(Math.abs(e.ratio - 1) <= 1e-12 && e.maxRowRelativeError <= 1e-12, JSON.stringify(e));
    const x = tf.tensor2d(Array.from(rng.normals(16 * 300)), [16, 300]);
    const ratio = tf.tidy(
      () =>
        tf
          .sum(tf.square(dct(x)))
          .div(tf.sum(tf.square(x)))
          .dataSync()[0],
    );
    assert.ok(Math.abs(ratio - 1) <= 1e-6, `float32 ratio ${ratio}`);
    x.dispose();
  });
  test('Eq. 34: energy after gains equals Σ g(i)² C_i²', () => {
    const rng = new Random(4);
    const n = 48;
    const gains = Array.from({ length: n }, () => rng.range(0.2, 2));
    const rows = Array.from({ length: 20 }, () => rng.normals(n));
    const r = checkEnhancedEnergy(rows, gains);
    // independent right-hand side: Σ g² (Φx)² with Φ built here from Eq. 30
    let rhs = 0;
    for (const row of rows) {
      for (let i = 0; i < n; i++) {
        let c = 0;
        for (let f = 0; f < n; f++) c += Math.sqrt((i === 0 ? 1 : 2) / n) * Math.cos((Math.PI / n) * (f + 0.5) * i) * row[f];
        rhs += gains[i] * gains[i] * c * c;
      }
    }
    assert.ok(Math.abs(r.enhancedTimeEnergy - rhs) / rhs <= 1e-12, `${r.enhancedTimeEnergy} vs ${rhs}`);
    assert.ok(r.maxRowRelativeError <= 1e-12);
    // and it really changes the energy (gains ≠ 1), so the check is not vacuous
    const original = rows.reduce((a, row) => a + sumOfSquares(row), 0);
    assert.ok(Math.abs(r.enhancedTimeEnergy / original - 1) > 0.05);
  });
  test('basis orthogonality in 64-digit BigNumber arithmetic is far below float64 rounding', () => {
    for (const n of [3, 8]) {
      const o = checkOrthogonality(n, 64);
      assert.ok(o.maxErrorBigNumber <= 1e-60, `n=${n}: ${o.maxErrorBig}`);
      assert.ok((o.maxErrorFloat64 <= 1e-14 && o.maxErrorFloat64 > 0) || n === 3, `float64 error ${o.maxErrorFloat64}`);
    }
    // low precision shows a visible error, proving the check measures something
    assert.ok(checkOrthogonality(8, 12).maxErrorBigNumber > 1e-14);
  });
  test('basis rows have unit norm (Eq. 30 normalisation)', () => {
    const n = 10;
    const phi = dctBasis64(n);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(sumOfSquares(phi.slice(i * n, (i + 1) * n)) - 1) < 1e-14);
  });
});
