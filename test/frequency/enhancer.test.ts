import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { FrequencyEnhancer, frequencyConfig, gainProfile, splitPoints, FrequencyConfig } from '../../lib/frequency/enhancer';
import { FsvaeInputError } from '../../lib/util/assert';
import { Random } from '../../lib/util/random';
import { assertClose, useTestBackend } from '../helpers';

before(async () => {
  await useTestBackend();
});

/** Independent float64 implementation of the public code's loop (docs/paper-vs-code.md §4), for comparison. */
function referenceLoop(x: number[], w: number[], k: number, phi: number, b: number, form: 'code' | 'paper' | 'learnable'): number[] {
  const n = x.length;
  const X = x.map((_, i) => x.reduce((acc, v, f) => acc + v * Math.sqrt((i === 0 ? 1 : 2) / n) * Math.cos((Math.PI * (2 * f + 1) * i) / (2 * n)), 0));
  const p = Array.from({ length: b + 1 }, (_, i) => Math.trunc(((n - 1) * i) / b));
  for (let i = 0; i < b; i++) {
    const end = form === 'paper' && i === b - 1 ? n : p[i + 1];
    for (let j = p[i]; j < end; j++) {
      if (form === 'learnable') X[j] *= w[i];
      else if (p[i + 1] <= phi) X[j] *= 1 + w[i] * k * (1 - i / b);
      else X[j] *= 1 - w[i] * k * (1 - (i - b) / b);
    }
  }
  return x.map((_, f) => X.reduce((acc, c, i) => acc + c * Math.sqrt((i === 0 ? 1 : 2) / n) * Math.cos((Math.PI * (2 * f + 1) * i) / (2 * n)), 0));
}

describe('band layout', () => {
  test('split points for N = 256 equal the reference list (step 8.5)', () => {
    assert.deepEqual(
      Array.from(splitPoints(256, 30)),
      [0, 8, 17, 25, 34, 42, 51, 59, 68, 76, 85, 93, 102, 110, 119, 127, 136, 144, 153, 161, 170, 178, 187, 195, 204, 212, 221, 229, 238, 246, 255],
    );
  });
  test('split points for the text widths', () => {
    const p512 = splitPoints(512, 30);
    assert.deepEqual([p512[0], p512[1], p512[2], p512[29], p512[30]], [0, 17, 34, 493, 511]);
    const p1024 = splitPoints(1024, 30);
    assert.deepEqual([p1024[1], p1024[2], p1024[29], p1024[30]], [34, 68, 988, 1023]);
    const p1536 = splitPoints(1536, 30);
    assert.deepEqual([p1536[1], p1536[2], p1536[29], p1536[30]], [51, 102, 1483, 1535]);
  });
});

describe('gain profiles at initialisation', () => {
  test('reference preset, N = 256: 1.30, 1.29, 1.28 then 0.43 … 0.69, last coefficient 1', () => {
    const g = gainProfile(256, frequencyConfig('reference'));
    assertClose([g[0], g[8], g[17], g[24]], [1.3, 1.29, 1.28, 1.28], 1e-12);
    assertClose([g[25], g[33], g[34], g[246], g[254]], [0.43, 0.43, 0.44, 0.69, 0.69], 1e-12);
    assert.equal(g[255], 1);
    assert.equal(g.filter((v) => v > 1).length, 25);
  });
  test('paper preset (φ = 35): band 3 becomes low (×1.27), 34 coefficients boosted, last coefficient scaled', () => {
    const g = gainProfile(256, frequencyConfig('paper'));
    assertClose([g[25], g[33], g[34]], [1.27, 1.27, 0.44], 1e-12);
    assert.equal(g.filter((v) => v > 1).length, 34);
    assertClose([g[255]], [0.69], 1e-12);
  });
  test('reference preset on the 1536-d text input boosts nothing', () => {
    const g = gainProfile(1536, frequencyConfig('reference'));
    assert.equal(g.filter((v) => v > 1).length, 0);
    assertClose([g[0], g[50], g[51], g[1534], g[1535]], [0.4, 0.4, 0.41, 0.69, 1], 1e-12);
  });
  test('learnable-only and off are the identity at initialisation', () => {
    for (const p of ['learnable-only', 'off'] as const) assert.ok(gainProfile(256, frequencyConfig(p)).every((v) => v === 1));
  });
  test('unknown preset is a clear error', () => {
    assert.throws(
      () => frequencyConfig('papr' as never),
      (e: Error) => e instanceof FsvaeInputError && /Known: reference, paper/.test(e.message),
    );
  });
  test('overriding a field marks the config custom', () => {
    assert.equal(frequencyConfig('reference', { phi: 15 }).preset, 'custom');
    assert.equal(frequencyConfig('reference', { phi: 30 }).preset, 'reference');
  });
});

describe('FrequencyEnhancer (tfjs) against an independent float64 loop', () => {
  const rng = new Random(8);
  const cases: [string, FrequencyConfig, 'code' | 'paper' | 'learnable'][] = [
    ['reference', frequencyConfig('reference'), 'code'],
    ['paper', frequencyConfig('paper'), 'paper'],
    ['learnable-only', frequencyConfig('learnable-only'), 'learnable'],
  ];
  for (const [name, cfg, form] of cases) {
    test(`${name}: output equals the loop with random w, k (N = 256 and 100)`, () => {
      for (const n of [256, 100]) {
        const enh = new FrequencyEnhancer(n, cfg);
        const w = Array.from({ length: cfg.bands }, () => rng.range(0.2, 1.5));
        const k = rng.range(0.1, 0.5);
        enh.w!.assign(tf.tensor1d(w));
        if (enh.k) enh.k.assign(tf.scalar(k));
        const x = Array.from({ length: 3 }, () => Array.from(rng.normals(n)));
        const got = tf.tidy(() => enh.apply(tf.tensor2d(x)).arraySync() as number[][]);
        x.forEach((row, i) => assertClose(got[i], referenceLoop(row, w, cfg.useK ? k : 1, cfg.phi, cfg.bands, form), 2e-5, `${name} N=${n} row ${i}`));
        enh.dispose();
      }
    });
  }
  test('off preset returns the input unchanged and has no variables', () => {
    const enh = new FrequencyEnhancer(16, frequencyConfig('off'));
    const x = tf.tensor2d([Array.from({ length: 16 }, (_, i) => i)]);
    assertClose(enh.apply(x).dataSync(), x.dataSync(), 0);
    assert.equal(enh.variables.length, 0);
    enh.dispose();
  });
  test('wrong input width is a clear error', () => {
    const enh = new FrequencyEnhancer(256, frequencyConfig('reference'));
    assert.throws(() => enh.apply(tf.zeros([4, 255])), /built for N=256 features, got input of shape \[4, 255\]/);
    enh.dispose();
  });
  test('no tensors leak from apply()', () => {
    const enh = new FrequencyEnhancer(64, frequencyConfig('reference'));
    const x = tf.ones([2, 64]);
    enh.apply(x).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) enh.apply(x).dispose();
    assert.equal(tf.memory().numTensors, before);
    enh.dispose();
    x.dispose();
  });
});

describe('gradients of w and k against finite differences', () => {
  test('reference preset: d/dw_i and d/dk of ½‖x′ − t‖² (float64 central differences)', () => {
    const rng = new Random(13);
    const n = 64;
    const cfg = frequencyConfig('reference', { phi: 20, bands: 8 });
    const x = Array.from({ length: 4 }, () => Array.from(rng.normals(n)));
    const target = Array.from({ length: 4 }, () => Array.from(rng.normals(n)));
    const w0 = Array.from({ length: 8 }, () => rng.range(0.5, 1.5));
    const k0 = 0.3;
    const loss64 = (w: number[], k: number) =>
      x.reduce((acc, row, r) => acc + referenceLoop(row, w, k, cfg.phi, cfg.bands, 'code').reduce((a, v, f) => a + 0.5 * (v - target[r][f]) ** 2, 0), 0);
    const h = 1e-6;
    const numW = w0.map((_, i) => {
      const up = [...w0];
      up[i] += h;
      const dn = [...w0];
      dn[i] -= h;
      return (loss64(up, k0) - loss64(dn, k0)) / (2 * h);
    });
    const numK = (loss64(w0, k0 + h) - loss64(w0, k0 - h)) / (2 * h);

    const enh = new FrequencyEnhancer(n, cfg);
    enh.w!.assign(tf.tensor1d(w0));
    const xt = tf.tensor2d(x);
    const tt = tf.tensor2d(target);
    const { grads } = tf.variableGrads(() => tf.mul(0.5, tf.sum(tf.square(tf.sub(enh.apply(xt), tt)))) as tf.Scalar, enh.variables);
    const gw = Array.from(grads[enh.w!.name].dataSync());
    const gk = grads[enh.k!.name].dataSync()[0];
    const scale = Math.max(...numW.map(Math.abs));
    numW.forEach((v, i) => assert.ok(Math.abs(gw[i] - v) <= 2e-3 * scale, `dL/dw_${i}: autodiff ${gw[i]} vs finite difference ${v}`));
    assert.ok(Math.abs(gk - numK) <= 2e-3 * Math.abs(numK), `dL/dk: autodiff ${gk} vs finite difference ${numK}`);
    // the gradients are not trivially zero
    assert.ok(scale > 1e-3 && Math.abs(numK) > 1e-3);
    enh.dispose();
    tf.dispose([xt, tt, ...Object.values(grads)]);
  });
  test('gradient w.r.t. the input x (hand-written backward) matches float64 finite differences', () => {
    const rng = new Random(19);
    const n = 24;
    const cfg = frequencyConfig('reference', { phi: 8, bands: 6 });
    const x0 = Array.from(rng.normals(n));
    const r = Array.from(rng.normals(n));
    const w = [1, 0.8, 1.2, 0.9, 1.1, 0.7];
    const loss64 = (x: number[]) => referenceLoop(x, w, 0.3, cfg.phi, cfg.bands, 'code').reduce((a, v, f) => a + Math.sin(v) * r[f], 0);
    const enh = new FrequencyEnhancer(n, cfg);
    enh.w!.assign(tf.tensor1d(w));
    const g = tf
      .grad((x: tf.Tensor) => tf.sum(tf.mul(tf.sin(enh.apply(x)), tf.tensor1d(r))))(tf.tensor2d([x0]))
      .dataSync();
    const h = 1e-6;
    for (let j = 0; j < n; j++) {
      const up = [...x0];
      up[j] += h;
      const dn = [...x0];
      dn[j] -= h;
      const num = (loss64(up) - loss64(dn)) / (2 * h);
      assert.ok(Math.abs(g[j] - num) <= 1e-4 + 1e-3 * Math.abs(num), `dL/dx_${j}: ${g[j]} vs ${num}`);
    }
    enh.dispose();
  });
  test('precomputed bands give the same output and w/k gradients as the dense transform', () => {
    const rng = new Random(23);
    const n = 96;
    const cfg = frequencyConfig('reference', { phi: 20, bands: 10 });
    const enh = new FrequencyEnhancer(n, cfg);
    enh.w!.assign(tf.tensor1d(Array.from({ length: 10 }, () => rng.range(0.5, 1.5))));
    const table = tf.tensor2d(Array.from(rng.normals(7 * n)), [7, n]);
    const bands = enh.precomputeBands(table);
    assertClose(enh.applyPrecomputed(bands).dataSync(), enh.apply(table).dataSync(), 2e-5, 'enhanced rows');
    const t = tf.tensor2d(Array.from(rng.normals(7 * n)), [7, n]);
    const dense = tf.variableGrads(() => tf.sum(tf.square(tf.sub(enh.apply(table), t))) as tf.Scalar, enh.variables).grads;
    const pre = tf.variableGrads(() => tf.sum(tf.square(tf.sub(enh.applyPrecomputed(bands), t))) as tf.Scalar, enh.variables).grads;
    for (const v of enh.variables) {
      const a = dense[v.name].dataSync();
      const b = pre[v.name].dataSync();
      const scale = Math.max(...Array.from(a).map(Math.abs));
      assertClose(b, a, 1e-4 * scale, `grad ${v.name}`);
    }
    bands.dispose();
    enh.dispose();
  });
  test('learnable-only preset: d/dw_i = Σ_{j ∈ band i} C_j · ∂L/∂C′_j (closed form for L = Σ x′·r)', () => {
    const rng = new Random(17);
    const n = 30;
    const cfg = frequencyConfig('learnable-only', { bands: 5 });
    const x = Array.from(rng.normals(n));
    const r = Array.from(rng.normals(n));
    const enh = new FrequencyEnhancer(n, cfg);
    const xt = tf.tensor2d([x]);
    const rt = tf.tensor2d([r]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(enh.apply(xt), rt)) as tf.Scalar, enh.variables);
    // L = Σ_f x′_f r_f = Σ_j g_j C_j R_j with C = DCT(x), R = DCT(r): dL/dw_i = Σ_{j∈band i} C_j R_j
    const dctOf = (v: number[]) =>
      v.map((_, i) => v.reduce((a, s, f) => a + s * Math.sqrt((i === 0 ? 1 : 2) / n) * Math.cos((Math.PI * (2 * f + 1) * i) / (2 * n)), 0));
    const C = dctOf(x);
    const R = dctOf(r);
    const p = splitPoints(n, 5);
    const expected = Array.from({ length: 5 }, (_, i) => {
      let s = 0;
      for (let j = p[i]; j < p[i + 1]; j++) s += C[j] * R[j];
      return s;
    });
    assertClose(grads[enh.w!.name].dataSync(), expected, 1e-4, 'dL/dw');
    enh.dispose();
    tf.dispose([xt, rt, ...Object.values(grads)]);
  });
});

describe('band gains on a GPU backend', () => {
  test('the tensor-op form (what a GPU evaluates) equals bandGain in value and in the gradients of w and k', () => {
    for (const preset of ['reference', 'paper', 'learnable-only'] as const) {
      const enh = new FrequencyEnhancer(64, frequencyConfig(preset));
      tf.tidy(() => {
        // random w and k, and a weighted sum so every band's gradient differs
        (enh.w as tf.Variable).assign(tf.randomUniform([enh.config.bands], 0.2, 1.5, 'float32', 3));
        if (enh.k) enh.k.assign(tf.scalar(0.45));
        const c = tf.range(1, enh.config.bands + 1);
        const run = (onDevice: boolean) => {
          const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(c, enh.bandGains(onDevice))) as tf.Scalar, enh.variables);
          return [enh.bandGains(onDevice), value, ...enh.variables.map((v) => grads[v.name])].map((t) => Array.from(t.dataSync()));
        };
        const host = run(false);
        const device = run(true);
        assert.equal(device.length, host.length, preset);
        host.forEach((h, i) => assertClose(device[i], h, 2e-6 * Math.max(1, ...h.map(Math.abs)), `${preset} [gains, Σc·g, ∂w, ∂k][${i}]`));
      });
      enh.dispose();
    }
  });
});
