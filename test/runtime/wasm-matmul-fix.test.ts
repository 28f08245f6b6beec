import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installWasmMatmulFix, isWasmMatmulFixInstalled, uninstallWasmMatmulFix } from '../../lib/runtime/wasm-matmul-fix';

// Deterministic data: mulberry32, values in [-1, 1).
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function data(shape: number[], seed: number): Float32Array {
  const r = rng(seed);
  const n = shape.reduce((x, y) => x * y, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = r() * 2 - 1;
  return out;
}

/** Stored shape of an operand whose logical (rows, cols) are given, with the transpose flag. */
function stored(batch: number[], rows: number, cols: number, transposed: boolean): number[] {
  return transposed ? [...batch, cols, rows] : [...batch, rows, cols];
}

interface Result {
  shape: number[];
  values: Float32Array;
}

async function on(backend: 'cpu' | 'wasm', fn: () => tf.Tensor | tf.Tensor[]): Promise<Result[]> {
  assert.ok(await tf.setBackend(backend), `could not set backend ${backend}`);
  return tf.tidy(() => {
    const out = fn();
    const list = Array.isArray(out) ? out : [out];
    return list.map((t) => ({ shape: t.shape, values: t.dataSync() as Float32Array }));
  });
}

function maxAbsDiff(x: Float32Array, y: Float32Array): number {
  assert.equal(x.length, y.length);
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}

/** Runs fn on cpu and on wasm (fix installed) and asserts equal shapes and values. */
async function assertSameAsCpu(label: string, fn: () => tf.Tensor | tf.Tensor[], tol = 1e-4): Promise<void> {
  const ref = await on('cpu', fn);
  const got = await on('wasm', fn);
  assert.equal(got.length, ref.length, label);
  for (let i = 0; i < ref.length; i++) {
    assert.deepEqual(got[i].shape, ref[i].shape, `${label}: shape of output ${i}`);
    const d = maxAbsDiff(got[i].values, ref[i].values);
    assert.ok(d <= tol, `${label}: output ${i} max |wasm - cpu| = ${d} > ${tol}`);
  }
}

const FLAGS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

test('setup: wasm backend initialises and the fix installs idempotently', async () => {
  assert.ok(await tf.setBackend('wasm'));
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const originalFused = tf.getKernel('_FusedMatMul', 'wasm');
  assert.ok(original && originalFused);
  uninstallWasmMatmulFix(); // no-op when not installed
  assert.equal(tf.getKernel('BatchMatMul', 'wasm'), original);

  assert.equal(installWasmMatmulFix(), true);
  assert.equal(installWasmMatmulFix(), true);
  assert.ok(isWasmMatmulFixInstalled());
  const patched = tf.getKernel('BatchMatMul', 'wasm');
  assert.notEqual(patched?.kernelFunc, original.kernelFunc);
  assert.equal(patched?.setupFunc, original.setupFunc, 'keeps the original setupFunc');

  uninstallWasmMatmulFix();
  assert.equal(tf.getKernel('BatchMatMul', 'wasm'), original);
  assert.equal(tf.getKernel('_FusedMatMul', 'wasm'), originalFused);
  assert.ok(!isWasmMatmulFixInstalled());
  assert.equal(installWasmMatmulFix(), true);
});

test('matMul, rank 2, all transpose combinations, equals cpu', async () => {
  const dims: [number, number, number][] = [
    [5, 7, 6],
    [64, 256, 100], // the model's dense layer
    [64, 100, 1536],
    [1, 13, 9], // single row
    [37, 1, 11], // outer product
    [17, 17, 17],
    [3, 29, 1], // single column
  ];
  let seed = 1;
  for (const [m, k, n] of dims) {
    for (const [ta, tb] of FLAGS) {
      const aShape = stored([], m, k, ta);
      const bShape = stored([], k, n, tb);
      const av = data(aShape, seed++);
      const bv = data(bShape, seed++);
      await assertSameAsCpu(`${m}x${k}·${k}x${n} tA=${ta} tB=${tb}`, () => tf.matMul(tf.tensor(av, aShape), tf.tensor(bv, bShape), ta, tb));
    }
  }
});

test('matMul, batched rank 3/4 with broadcasting, equals cpu', async () => {
  // [batchA, batchB, m, k, n]
  const cases: [number[], number[], number, number, number][] = [
    [[3], [3], 5, 7, 6],
    [[1], [4], 5, 7, 6], // broadcast a
    [[4], [1], 5, 7, 6], // broadcast b
    [[1], [1], 9, 8, 10], // batch 1: goes through the fix
    [[2, 1], [1, 3], 4, 5, 6], // rank 4, both broadcast
    [[1, 1], [1], 6, 5, 4], // batch 1, mixed ranks
    [[3], [], 5, 7, 6], // rank 3 · rank 2
    [[], [2], 5, 7, 6], // rank 2 · rank 3
  ];
  let seed = 100;
  for (const [ba, bb, m, k, n] of cases) {
    for (const [ta, tb] of FLAGS) {
      const aShape = stored(ba, m, k, ta);
      const bShape = stored(bb, k, n, tb);
      const av = data(aShape, seed++);
      const bv = data(bShape, seed++);
      await assertSameAsCpu(`[${aShape}]·[${bShape}] tA=${ta} tB=${tb}`, () => tf.matMul(tf.tensor(av, aShape), tf.tensor(bv, bShape), ta, tb));
    }
  }
});

test('fused matMul with bias + relu (and other activations) equals cpu', async () => {
  const cases: [number[], number[], number, number, number][] = [
    [[], [], 64, 256, 100],
    [[], [], 5, 7, 6],
    [[], [], 1, 7, 6],
    [[1], [1], 5, 7, 6],
    [[3], [3], 5, 7, 6],
    [[3], [1], 5, 7, 6],
  ];
  let seed = 1000;
  for (const [ba, bb, m, k, n] of cases) {
    for (const [ta, tb] of FLAGS) {
      for (const biasShape of [[n], [1]]) {
        const aShape = stored(ba, m, k, ta);
        const bShape = stored(bb, k, n, tb);
        const av = data(aShape, seed++);
        const bv = data(bShape, seed++);
        const biasV = data(biasShape, seed++);
        await assertSameAsCpu(`fused relu [${aShape}]·[${bShape}] + bias[${biasShape}] tA=${ta} tB=${tb}`, () =>
          tf.fused.matMul({
            a: tf.tensor(av, aShape),
            b: tf.tensor(bv, bShape),
            transposeA: ta,
            transposeB: tb,
            bias: tf.tensor(biasV, biasShape),
            activation: 'relu',
          }),
        );
      }
    }
  }
  // Every activation the wasm kernel fuses, on a transposed product.
  const acts: tf.fused.Activation[] = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'];
  for (const activation of acts) {
    for (const [ta, tb] of FLAGS) {
      const aShape = stored([], 6, 5, ta);
      const bShape = stored([], 5, 4, tb);
      const av = data(aShape, seed++);
      const bv = data(bShape, seed++);
      const biasV = data([4], seed++);
      const alphaV = data([4], seed++);
      await assertSameAsCpu(`fused ${activation} tA=${ta} tB=${tb}`, () =>
        tf.fused.matMul({
          a: tf.tensor(av, aShape),
          b: tf.tensor(bv, bShape),
          transposeA: ta,
          transposeB: tb,
          bias: tf.tensor(biasV, [4]),
          activation,
          preluActivationWeights: activation === 'prelu' ? tf.tensor(alphaV, [4]) : undefined,
          leakyreluAlpha: 0.3,
        }),
      );
    }
  }
});

test('gradients through tf.grads equal cpu (matMul and fused dense layer)', async () => {
  let seed = 5000;
  for (const [ta, tb] of FLAGS) {
    const aShape = stored([], 12, 20, ta);
    const bShape = stored([], 20, 9, tb);
    const av = data(aShape, seed++);
    const bv = data(bShape, seed++);
    await assertSameAsCpu(`grad matMul tA=${ta} tB=${tb}`, () => {
      const f = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.sum(tf.sin(tf.matMul(a, b, ta, tb)));
      return tf.grads(f)([tf.tensor(av, aShape), tf.tensor(bv, bShape)]);
    });
  }
  // Dense layer as in the model: loss = mean(relu(x·W + b)²), gradients for x, W and b.
  const xv = data([64, 256], seed++);
  const wv = data([256, 100], seed++);
  const bv = data([100], seed++);
  await assertSameAsCpu('grad fused dense 64x256 -> 100', () => {
    const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor =>
      tf.mean(tf.square(tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b, activation: 'relu' })));
    return tf.grads(f)([tf.tensor(xv, [64, 256]), tf.tensor(wv, [256, 100]), tf.tensor(bv, [100])]);
  });
});

test('no tensor or wasm buffer leaks', async () => {
  assert.ok(await tf.setBackend('wasm'));
  assert.ok(isWasmMatmulFixInstalled());
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const before = tf.memory().numTensors;
  const idsBefore = backend.numDataIds();
  tf.tidy(() => {
    for (const [ta, tb] of FLAGS) {
      const a = tf.tensor(data(stored([], 8, 6, ta), 1), stored([], 8, 6, ta));
      const b = tf.tensor(data(stored([], 6, 5, tb), 2), stored([], 6, 5, tb));
      tf.matMul(a, b, ta, tb).dataSync();
      tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias: tf.ones([5]), activation: 'relu' }).dataSync();
      tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias: tf.ones([1]), activation: 'relu' }).dataSync();
      tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y, ta, tb)))([a, b]).forEach((g) => g.dataSync());
    }
  });
  assert.equal(tf.memory().numTensors, before, 'tf.memory().numTensors changed');
  assert.equal(backend.numDataIds(), idsBefore, 'wasm backend data ids changed (kernel-internal leak)');
});

test('the fix makes a transposed product much faster (loose bound: 2x; measured ~10x)', async () => {
  assert.ok(await tf.setBackend('wasm'));
  const a = tf.tensor(data([192, 192], 7), [192, 192]);
  const b = tf.tensor(data([192, 192], 8), [192, 192]);
  const medianMs = (): number => {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      const c = tf.matMul(a, b, true, true);
      c.dataSync();
      c.dispose();
      if (i >= 2) times.push(performance.now() - t0); // first two are warm-up
    }
    return times.sort((x, y) => x - y)[times.length >> 1];
  };
  try {
    uninstallWasmMatmulFix();
    const original = medianMs();
    installWasmMatmulFix();
    const fixed = medianMs();
    assert.ok(fixed * 2 < original, `fixed ${fixed.toFixed(2)} ms vs original ${original.toFixed(2)} ms`);
  } finally {
    installWasmMatmulFix();
    a.dispose();
    b.dispose();
  }
});

test('a reshaped right operand sharing data with an earlier one gives correct products (XNNPACK cache keyed by data id)', async () => {
  const tfm = await import('@tensorflow/tfjs');
  await tfm.setBackend('wasm');
  const x = tfm.tensor2d(
    Array.from({ length: 24 }, (_, i) => i + 1),
    [4, 6],
  );
  const a1 = tfm.ones([1, 4]);
  const first = tfm.matMul(a1, x).dataSync(); // packs x as 4×6
  const a2 = tfm.ones([1, 8]);
  const got = Array.from(tfm.matMul(a2, tfm.reshape(x, [8, 3])).dataSync());
  // column sums of the 8×3 view of 1..24: [1+4+…+22, 2+5+…+23, 3+6+…+24]
  assert.deepEqual(got, [92, 100, 108]);
  assert.deepEqual(Array.from(first), [40, 44, 48, 52, 56, 60]);
  tfm.dispose([x, a1, a2]);
});
