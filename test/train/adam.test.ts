/** Adam.applyGradients on every path (wasm SIMD kernel, plain-JS host loop, tensor ops) against PyTorch's rule in float64. */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/runtime/backend';
import { Adam } from '../../lib/train/adam';

before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

/** Two torch.optim.Adam steps (lr, β=(0.9, 0.999), ε=1e-8), in float64. */
function torchAdam(p0: number[], grads: number[][], lr: number): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let j = 0; j < p.length; j++) {
      m[j] = 0.9 * m[j] + 0.1 * g[j];
      v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
      const mHat = m[j] / (1 - 0.9 ** t);
      const vHat = v[j] / (1 - 0.999 ** t);
      p[j] -= (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
    }
  });
  return p;
}

const paths: [string, string, Record<string, string>][] = [
  ['wasm SIMD kernel', 'wasm', {}],
  ['plain-JS loop (cpu)', 'cpu', {}],
  ['plain-JS loop (wasm, SIMD off)', 'wasm', { FSVAE_SIMD_KERNELS: '0' }],
  ['tensor ops', 'wasm', { FSVAE_ADAM_UNFUSED: '1' }],
];

describe('Adam', () => {
  for (const [label, backend, env] of paths) {
    test(`${label}: two steps = torch's rule; the kept transpose follows; a null gradient leaves the parameter alone`, async () => {
      await tf.setBackend(backend);
      Object.assign(process.env, env);
      try {
        const rows = 3,
          cols = 5; // odd sizes: SIMD tails
        const w0 = Array.from({ length: rows * cols }, (_, i) => Math.sin(i + 1));
        const b0 = [0.5, -0.25];
        const w = tf.variable(tf.tensor2d(w0, [rows, cols]), true, `adamtest-${label}-w`);
        const b = tf.variable(tf.tensor1d(b0), true, `adamtest-${label}-b`);
        const opt = new Adam([w, b], { learningRate: 0.01 });
        opt.keepTransposed([w]);
        const gw = [w0.map((x) => 0.3 * x - 0.1), w0.map((x) => -0.2 * x + 0.05)];
        opt.applyGradients([tf.tensor2d(gw[0], [rows, cols]), null]);
        opt.applyGradients([Float32Array.from(gw[1]), null]); // host-array gradients too
        const want = torchAdam(w0, gw, 0.01);
        const got = w.dataSync();
        const gotT = opt.transposed(w).dataSync();
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            const q = r * cols + c;
            assert.ok(Math.abs(got[q] - want[q]) < 1e-6, `w[${r},${c}]: ${got[q]} vs ${want[q]}`);
            assert.equal(gotT[c * rows + r], got[q], `transposed copy [${c},${r}]`);
          }
        }
        assert.deepEqual(Array.from(b.dataSync()), b0);
        assert.equal(opt.step, 2);
        opt.dispose();
        tf.dispose([w, b]);
      } finally {
        for (const k of Object.keys(env)) delete process.env[k];
        await tf.setBackend('wasm');
      }
    });
  }
});
