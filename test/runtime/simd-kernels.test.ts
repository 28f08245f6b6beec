/** The WebAssembly SIMD kernels on the tfjs-wasm heap, against float64 / plain-JS references. */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/runtime/backend';
import { heapOffset, simdKernels, SimdKernels } from '../../lib/runtime/simd-kernels';
import { hostView } from '../../lib/runtime/host-memory';
import { reconstructionPass } from '../../lib/train/fused-step';
import { Random } from '../../lib/util/random';

let k: SimdKernels;
before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
  await tf.setBackend('wasm');
  const kernels = simdKernels();
  assert.ok(kernels, 'the SIMD kernels load on the wasm backend');
  k = kernels;
});

const rng = new Random(5);
const randomTensor = (n: number, lo = -1, hi = 1) => tf.tensor1d(Float32Array.from({ length: n }, () => rng.range(lo, hi)));

describe('wasm SIMD kernels', () => {
  test('adam and adamTransposing = the float64 Adam rule, on shapes with 4-lane tails and odd rows', () => {
    for (const [rows, cols] of [
      [7, 9],
      [8, 12],
      [1, 1],
      [13, 4],
      [3, 5],
    ]) {
      const n = rows * cols;
      const p = randomTensor(n),
        g = randomTensor(n),
        m = randomTensor(n, -0.1, 0.1),
        v = randomTensor(n, 0, 0.02);
      const [P, G, M, V] = [p, g, m, v].map((t) => Float64Array.from(t.dataSync()));
      const [b1, b2, s, c, e] = [0.9, 0.999, 1e-3, 1.3, 1e-8];
      const expected = (q: number) => {
        const mm = b1 * M[q] + (1 - b1) * G[q];
        const vv = b2 * V[q] + (1 - b2) * G[q] * G[q];
        return { mm, vv, next: P[q] - (s * mm) / (Math.sqrt(vv) * c + e) };
      };
      // plain
      const [m1, v1] = [m.clone(), v.clone()].map((t) => tf.add(t, 0));
      const out = tf.zeros([n]);
      k.adam(heapOffset(p), heapOffset(g), heapOffset(m1), heapOffset(v1), heapOffset(out), n, b1, b2, s, c, e);
      // transposing
      const [m2, v2] = [m, v].map((t) => tf.add(t, 0));
      const out2 = tf.zeros([n]),
        outT = tf.zeros([n]);
      k.adamTransposing(heapOffset(p), heapOffset(g), heapOffset(m2), heapOffset(v2), heapOffset(out2), heapOffset(outT), rows, cols, b1, b2, s, c, e);
      const [o, o2, oT, mm1, vv1, mm2, vv2] = [out, out2, outT, m1, v1, m2, v2].map(hostView);
      for (let r = 0; r < rows; r++) {
        for (let col = 0; col < cols; col++) {
          const q = r * cols + col;
          const x = expected(q);
          for (const [got, want, what] of [
            [o[q], x.next, 'adam'],
            [o2[q], x.next, 'adamTransposing'],
            [oT[col * rows + r], x.next, 'adamTransposing (transposed copy)'],
            [mm1[q], x.mm, 'm'],
            [vv1[q], x.vv, 'v'],
            [mm2[q], x.mm, 'm (transposing)'],
            [vv2[q], x.vv, 'v (transposing)'],
          ] as [number, number, string][]) {
            assert.ok(Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want)), `${rows}×${cols} ${what}[${r},${col}]: ${got} vs ${want}`);
          }
        }
      }
      tf.dispose([p, g, m, v, m1, v1, out, m2, v2, out2, outT]);
    }
  });

  test('dot and combineRows = float64 sums (lengths with and without a 4-lane tail)', () => {
    for (const n of [1, 3, 4, 37, 1536]) {
      const a = randomTensor(n),
        b = randomTensor(n);
      const A = a.dataSync(),
        Bv = b.dataSync();
      let want = 0;
      for (let j = 0; j < n; j++) want += A[j] * Bv[j];
      assert.ok(Math.abs(k.dot(heapOffset(a), heapOffset(b), n) - want) <= 1e-5 * Math.max(1, Math.sqrt(n)), `dot n=${n}`);
      const K = 5;
      const P = randomTensor(K * n),
        gains = randomTensor(K),
        out = tf.zeros([n]);
      k.combineRows(heapOffset(out), heapOffset(P), heapOffset(gains), K, n);
      const Pv = P.dataSync(),
        gv = gains.dataSync(),
        ov = hostView(out);
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < K; q++) s += gv[q] * Pv[q * n + j];
        assert.ok(Math.abs(ov[j] - s) <= 1e-5, `combineRows n=${n}, j=${j}: ${ov[j]} vs ${s}`);
      }
      tf.dispose([a, b, P, gains, out]);
    }
  });

  test('transpose = element by element, with 4×4 blocks and both edges', () => {
    for (const [rows, cols] of [
      [4, 4],
      [7, 9],
      [1, 6],
      [13, 5],
      [38, 1536],
    ]) {
      const src = randomTensor(rows * cols),
        dst = tf.zeros([rows * cols]);
      k.transpose(heapOffset(src), rows, cols, heapOffset(dst));
      const a = src.dataSync(),
        b = hostView(dst);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) assert.equal(b[c * rows + r], a[r * cols + c], `${rows}×${cols} [${r},${c}]`);
      tf.dispose([src, dst]);
    }
  });

  test('reconstructionPass = its JS twin (relu and linear): loss, both gradient layouts, bias gradient', () => {
    const B = 8,
      D = 11;
    for (const relu of [true, false]) {
      const pre = randomTensor(D * B),
        bias = randomTensor(D, -0.3, 0.3),
        target = randomTensor(D * B, 0, 1);
      const gT = tf.zeros([D * B]),
        gRows = tf.zeros([B * D]),
        gBias = tf.zeros([D]);
      const sum = k.reconstructionPass(
        heapOffset(pre),
        heapOffset(bias),
        heapOffset(target),
        heapOffset(gT),
        heapOffset(gRows),
        heapOffset(gBias),
        B,
        D,
        relu ? 1 : 0,
        2 / (B * D),
      );
      const jsT = new Float32Array(D * B),
        jsRows = new Float32Array(B * D),
        jsBias = new Float32Array(D);
      const mse = reconstructionPass(
        pre.dataSync() as Float32Array,
        bias.dataSync() as Float32Array,
        target.dataSync() as Float32Array,
        jsT,
        jsRows,
        jsBias,
        B,
        D,
        relu,
      );
      assert.ok(Math.abs(sum / (B * D) - mse) <= 1e-6, `mse ${sum / (B * D)} vs ${mse}`);
      const [a, b2, c] = [gT, gRows, gBias].map(hostView);
      for (let i = 0; i < D * B; i++) assert.ok(Math.abs(a[i] - jsT[i]) <= 1e-7 && Math.abs(b2[i] - jsRows[i]) <= 1e-7, `gradient ${i}`);
      for (let d = 0; d < D; d++) assert.ok(Math.abs(c[d] - jsBias[d]) <= 1e-6, `bias gradient ${d}`);
      if (relu)
        assert.ok(
          Array.from(a).some((x) => x === 0),
          'some pre-activations are ≤ 0 (relu masks them)',
        );
      tf.dispose([pre, bias, target, gT, gRows, gBias]);
    }
  });

  test('the committed binary is exactly the assembled simd-kernels.wat', async () => {
    const root = path.join(__dirname, '..', '..', '..');
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { assemble, render } = require(path.join(root, 'scripts', 'build-kernels.js')) as { assemble(): Promise<Buffer>; render(b: Buffer): string };
    const committed = fs.readFileSync(path.join(root, 'lib', 'runtime', 'kernels', 'simd-kernels-wasm.ts'), 'utf8');
    assert.equal(committed, render(await assemble()), 'run node scripts/build-kernels.js after editing the .wat');
  });

  test('FSVAE_SIMD_KERNELS=0 turns them off; other backends have none', async () => {
    process.env.FSVAE_SIMD_KERNELS = '0';
    try {
      assert.equal(simdKernels(), null);
    } finally {
      delete process.env.FSVAE_SIMD_KERNELS;
    }
    await tf.setBackend('cpu');
    assert.equal(simdKernels(), null);
    await tf.setBackend('wasm');
    assert.ok(simdKernels());
  });
});
