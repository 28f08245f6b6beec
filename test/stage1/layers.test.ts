import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../lib/util/random';
import {
  BatchNorm,
  EVAL,
  DenseLayer,
  ParamSet,
  SpatialShift,
  spatialShiftPermutation,
  temporalIm2col,
  temporalShift,
  temporalShiftGroups,
  temporalSubsample,
} from '../../lib/stage1/layers';
import { IndexMapGather } from '../../lib/stage1/kernels';
import { assertClose, useTestBackend } from '../helpers';

before(async () => {
  await useTestBackend();
});

/** x[v][c] = 10·v + c on a [1, 1, V, C] tensor. */
function grid(V: number, C: number): tf.Tensor4D {
  const a: number[] = [];
  for (let v = 0; v < V; v++) for (let c = 0; c < C; c++) a.push(10 * v + c);
  return tf.tensor4d(a, [1, 1, V, C]);
}

test('spatial shift in: channel c of joint v takes joint (v + c) mod V (V = C = 3, by hand)', () => {
  const y = new SpatialShift(3, 3, 1).apply(grid(3, 3));
  // v0: (x00, x11, x22); v1: (x10, x21, x02); v2: (x20, x01, x12)
  assert.deepEqual(Array.from(y.dataSync()), [0, 11, 22, 10, 21, 2, 20, 1, 12]);
});

test('spatial shift out: channel c of joint v takes joint (v − c) mod V (by hand), and undoes the shift in', () => {
  const x = grid(3, 3);
  const out = new SpatialShift(3, 3, -1);
  // v0: (x00, x21, x12); v1: (x10, x01, x22); v2: (x20, x11, x02)
  assert.deepEqual(Array.from(out.apply(x).dataSync()), [0, 21, 12, 10, 1, 22, 20, 11, 2]);
  assert.deepEqual(Array.from(out.apply(new SpatialShift(3, 3, 1).apply(x)).dataSync()), Array.from(x.dataSync()));
});

test("spatial shift equals Shift-GCN's index arrays (i·C + j ± j·C) mod V·C for V = 25, C = 64", () => {
  const V = 25;
  const C = 64;
  const pin = spatialShiftPermutation(V, C, 1);
  const pout = spatialShiftPermutation(V, C, -1);
  for (let i = 0; i < V; i++) {
    for (let j = 0; j < C; j++) {
      assert.equal(pin[i * C + j], (i * C + j + j * C) % (C * V));
      assert.equal(pout[i * C + j], (((i * C + j - j * C) % (C * V)) + C * V) % (C * V));
    }
  }
});

test('spatial shift gradient is the inverse permutation (by hand on V = C = 3)', () => {
  const x = tf.variable(grid(3, 3));
  const w = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
  const shift = new SpatialShift(3, 3, 1);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(shift.apply(x), w)) as tf.Scalar, [x]);
  // output (v, c) reads input ((v + c) mod 3, c): input (u, c) receives w at ((u − c) mod 3, c)
  // u0: (w00, w21, w12) = (1, 8, 6); u1: (w10, w01, w22) = (4, 2, 9); u2: (w20, w11, w02) = (7, 5, 3)
  assert.deepEqual(Array.from(grads[x.name].dataSync()), [1, 8, 6, 4, 2, 9, 7, 5, 3]);
  x.dispose();
});

/** x[t][c] = 10·t + c on [1, T, 1, C]. */
function frames(T: number, C: number): tf.Tensor4D {
  const a: number[] = [];
  for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) a.push(10 * t + c);
  return tf.tensor4d(a, [1, T, 1, C]);
}

test('temporal shift: thirds of the channels move by −1, 0, +1 frame with zero padding (by hand)', () => {
  assert.deepEqual(temporalShiftGroups(3), [1, 1, 1]);
  assert.deepEqual(temporalShiftGroups(64), [21, 22, 21]);
  const y = temporalShift(frames(4, 3));
  // channel 0 reads t + 1: 10, 20, 30, 0; channel 1 stays: 1, 11, 21, 31; channel 2 reads t − 1: 0, 2, 12, 22
  assert.deepEqual(Array.from(y.dataSync()), [10, 1, 0, 20, 11, 2, 30, 21, 12, 0, 31, 22]);
  // stride 2 keeps frames 0 and 2 of the shifted clip
  const s = temporalShift(frames(4, 3), 2);
  assert.deepEqual(s.shape, [1, 2, 1, 3]);
  assert.deepEqual(Array.from(s.dataSync()), [10, 1, 0, 30, 21, 12]);
  // odd length: frames 0, 2, 4 of 5 (⌈5/2⌉ = 3, as a stride-2 kernel-1 convolution)
  assert.deepEqual(Array.from(temporalSubsample(frames(5, 1), 2).dataSync()), [0, 20, 40]);
});

test('temporal shift gradient is the adjoint shift (by hand)', () => {
  const x = tf.variable(frames(4, 3));
  const w = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [1, 4, 1, 3]);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(temporalShift(x), w)) as tf.Scalar, [x]);
  // input frame t of channel 0 feeds output t − 1; channel 2 feeds output t + 1
  // channel 0: (0, w0,0, w1,0, w2,0) = (0, 1, 4, 7); channel 1: (2, 5, 8, 11); channel 2: (w1,2, w2,2, w3,2, 0) = (6, 9, 12, 0)
  assert.deepEqual(Array.from(grads[x.name].dataSync()), [0, 2, 6, 1, 5, 9, 4, 8, 12, 7, 11, 0]);
  x.dispose();
});

test('index-map gather: −1 gives 0, non-injective maps backpropagate by scatter-add', () => {
  const x = tf.variable(tf.tensor2d([[1, 2, 3]]));
  const g = new IndexMapGather(3, Int32Array.from([2, -1, 0, 0]));
  assert.equal(g.inverse, null);
  assert.deepEqual(Array.from(g.apply(x).dataSync()), [3, 0, 1, 1]);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(g.apply(x), tf.tensor2d([[10, 20, 30, 40]]))) as tf.Scalar, [x]);
  assert.deepEqual(Array.from(grads[x.name].dataSync()), [70, 0, 10]);
  x.dispose();
});

test('temporal im2col: hand case, and im2col·W equals tf.conv2d with a k×1 kernel (stride 1 and 2)', () => {
  const x = tf.tensor4d([1, 2, 3], [1, 3, 1, 1]);
  assert.deepEqual(Array.from(temporalIm2col(x, 3, 1).dataSync()), [0, 1, 2, 1, 2, 3, 2, 3, 0]);
  const rng = new Random(3);
  const [B, T, V, C, Co, K] = [2, 7, 4, 3, 5, 5];
  const xr = tf.tensor4d(
    Float32Array.from({ length: B * T * V * C }, () => rng.normal()),
    [B, T, V, C],
  );
  const w = Float32Array.from({ length: K * C * Co }, () => rng.normal());
  for (const stride of [1, 2]) {
    const cols = temporalIm2col(xr, K, stride);
    const ours = tf.reshape(tf.matMul(tf.reshape(cols, [-1, K * C]) as tf.Tensor2D, tf.tensor2d(w, [K * C, Co])), [B, Math.ceil(T / stride), V, Co]);
    const ref = tf.conv2d(
      xr,
      tf.tensor4d(w, [K, 1, C, Co]),
      [stride, 1],
      [
        [0, 0],
        [2, 2],
        [0, 0],
        [0, 0],
      ],
    );
    assert.deepEqual(ours.shape, ref.shape);
    assertClose(ours.dataSync(), ref.dataSync(), 1e-4, `stride ${stride}`);
  }
});

test('batch norm: first update sets the running statistics to the batch mean and unbiased variance', () => {
  const ps = new ParamSet(new Random(1), 'bn-test');
  const bn = new BatchNorm(ps, 'bn', [2], [0, 1]);
  // channel 0: 1, 3, 5, 7 (mean 4, biased var 5, unbiased 20/3); channel 1: 0, 0, 2, 2 (mean 1, var 1, 4/3)
  const x = tf.tensor3d([1, 0, 3, 0, 5, 2, 7, 2], [2, 2, 2]);
  const y = bn.apply(x, { training: true, updateStats: true });
  assertClose(
    y.dataSync(),
    [
      -3 / Math.sqrt(5 + 1e-5),
      -1 / Math.sqrt(1 + 1e-5),
      -1 / Math.sqrt(5 + 1e-5),
      -1 / Math.sqrt(1 + 1e-5),
      1 / Math.sqrt(5 + 1e-5),
      1 / Math.sqrt(1 + 1e-5),
      3 / Math.sqrt(5 + 1e-5),
      1 / Math.sqrt(1 + 1e-5),
    ],
    1e-5,
  );
  assertClose(bn.runningMean.dataSync(), [4, 1], 1e-6);
  assertClose(bn.runningVar.dataSync(), [20 / 3, 4 / 3], 1e-5);
  // the second update blends with momentum max(0.1, 1/2) = 1/2
  bn.apply(tf.mul(x, 0), { training: true, updateStats: true });
  assertClose(bn.runningMean.dataSync(), [2, 0.5], 1e-6);
  // eval uses the running statistics
  const e = bn.apply(tf.tensor3d([2, 0.5, 2, 0.5], [1, 2, 2]), EVAL);
  assertClose(e.dataSync(), [0, 0, 0, 0], 1e-6);
  ps.dispose();
});

test('batch norm fast path (leading axes, custom gradient) equals the generic tf.moments path', () => {
  const rng = new Random(7);
  const ps = new ParamSet(new Random(2), 'bn-eq');
  const fast = new BatchNorm(ps, 'fast', [3], [0, 1]);
  const slow = new BatchNorm(ps, 'slow', [3, 1], [1]); // same statistics on the transposed layout → generic path
  for (const bn of [fast, slow]) bn.gamma.assign(tf.tensor(Float32Array.from([0.5, 2, -1]), bn.gamma.shape));
  const x = tf.tensor3d(
    Float32Array.from({ length: 4 * 5 * 3 }, () => 1 + 2 * rng.normal()),
    [4, 5, 3],
  );
  const w = tf.tensor3d(
    Float32Array.from({ length: 60 }, () => rng.normal()),
    [4, 5, 3],
  );
  const xv = tf.variable(x);
  const ctx = { training: true, updateStats: false };
  const a = tf.variableGrads(() => tf.sum(tf.mul(fast.apply(xv, ctx), w)) as tf.Scalar, [xv, fast.gamma, fast.beta]);
  const xt = tf.variable(tf.transpose(tf.reshape(x, [20, 3])));
  const b = tf.variableGrads(() => tf.sum(tf.mul(slow.apply(xt, ctx), tf.transpose(tf.reshape(w, [20, 3])))) as tf.Scalar, [xt, slow.gamma, slow.beta]);
  assertClose([a.value.dataSync()[0]], [b.value.dataSync()[0]], 1e-4, 'loss');
  assertClose(a.grads[xv.name].dataSync(), tf.transpose(b.grads[xt.name]).dataSync(), 1e-4, 'dx');
  assertClose(a.grads[fast.gamma.name].dataSync(), b.grads[slow.gamma.name].dataSync(), 1e-4, 'dγ');
  assertClose(a.grads[fast.beta.name].dataSync(), b.grads[slow.beta.name].dataSync(), 1e-4, 'dβ');
  ps.dispose();
});

test('linear with bias: custom gradient equals tf.matMul + tf.add', () => {
  const rng = new Random(11);
  const ps = new ParamSet(new Random(3), 'lin-eq');
  const lin = DenseLayer.create(ps, 'lin', 4, 3, 1);
  lin.bias!.assign(tf.tensor1d([0.1, -0.2, 0.3]));
  const x = tf.variable(
    tf.tensor3d(
      Float32Array.from({ length: 24 }, () => rng.normal()),
      [2, 3, 4],
    ),
  );
  const w = tf.tensor3d(
    Float32Array.from({ length: 18 }, () => rng.normal()),
    [2, 3, 3],
  );
  const vars = [x, lin.weight, lin.bias!];
  const a = tf.variableGrads(() => tf.sum(tf.mul(lin.apply(x), w)) as tf.Scalar, vars);
  const b = tf.variableGrads(
    () => tf.sum(tf.mul(tf.add(tf.matMul(tf.reshape(x, [6, 4]) as tf.Tensor2D, lin.weight as tf.Tensor2D), lin.bias!).reshape([2, 3, 3]), w)) as tf.Scalar,
    vars,
  );
  for (const v of vars) assertClose(a.grads[v.name].dataSync(), b.grads[v.name].dataSync(), 1e-5, v.name);
  ps.dispose();
  x.dispose();
});

test("one gradient fanned out to two batch norms of different widths (Shift-GCN's BN1d(V·C) and down BN(C))", () => {
  // regression: wasm's XNNPACK matmul caches the packed B operand by data id, ignoring its shape
  const rng = new Random(13);
  const ps = new ParamSet(new Random(5), 'bn-fan');
  const a = new BatchNorm(ps, 'a', [3, 2], [0, 1]);
  const b = new BatchNorm(ps, 'b', [2], [0, 1, 2]);
  const x = tf.variable(
    tf.tensor4d(
      Float32Array.from({ length: 4 * 5 * 3 * 2 }, () => rng.normal()),
      [4, 5, 3, 2],
    ),
  );
  const w = tf.tensor4d(
    Float32Array.from({ length: 120 }, () => rng.normal()),
    [4, 5, 3, 2],
  );
  const ctx = { training: true, updateStats: false };
  const ref = (t: tf.Tensor, axes: number[]) => {
    const { mean, variance } = tf.moments(t, axes, true);
    return tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, 1e-5)));
  };
  const fast = tf.variableGrads(() => tf.sum(tf.mul(tf.relu(tf.add(a.apply(x, ctx), b.apply(x, ctx))), w)) as tf.Scalar, [x, a.beta, b.beta]);
  const slow = tf.variableGrads(
    () => tf.sum(tf.mul(tf.relu(tf.add(tf.add(ref(x, [0, 1]), a.beta), tf.add(ref(x, [0, 1, 2]), b.beta))), w)) as tf.Scalar,
    [x, a.beta, b.beta],
  );
  for (const v of [x, a.beta, b.beta]) assertClose(fast.grads[v.name].dataSync(), slow.grads[v.name].dataSync(), 1e-4, v.name);
  ps.dispose();
  x.dispose();
});
