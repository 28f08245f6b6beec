/**
 * Building blocks of the stage-1 GCNs, on channel-last activations [B, T, V, C] (B = N·M clips,
 * T frames, V joints, C channels), so every 1×1 convolution is one matmul over C.
 *
 * - ParamSet: the named variables of a network (trainable weights and batch-norm running
 *   statistics), created from a seeded Random, exportable as Float32Arrays for checkpoints.
 * - BatchNorm: PyTorch's BatchNorm written with tf ops: batch statistics (biased variance) in
 *   training, running averages of the mean and the unbiased batch variance at eval, ε = 1e-5.
 *   The k-th update uses momentum max(0.1, 1/k) (a cumulative average over the first ten
 *   batches, then PyTorch's 0.1), so short runs do not evaluate with the initial statistics
 *   (mean 0, variance 1) still weighing 0.9^k; long runs are unaffected.
 * - SpatialShift, temporalShift, temporalSubsample: exact index maps (kernels.ts) whose gradients
 *   are the inverse maps.
 * - temporalIm2col: the k×1 temporal convolution as an im2col index map (its gradient the
 *   scatter-add adjoint) + one matmul.
 */
import * as tf from '@tensorflow/tfjs';
import { FsvaeInputError } from '../util/assert';
import { Random } from '../util/random';
import { IndexMapGather } from './kernels';

export interface ForwardContext {
  /** batch statistics (true) or running averages (false) in batch norm */
  training: boolean;
  /** update the batch-norm running averages (training only) */
  updateStats: boolean;
}

export const EVAL: ForwardContext = { training: false, updateStats: false };

export interface ParamEntry {
  /** stable path inside the network, e.g. 'l3/gcn/W' */
  name: string;
  variable: tf.Variable;
  trainable: boolean;
}

let netCounter = 0;

/** The variables of one network, in creation order. */
export class ParamSet {
  readonly entries: ParamEntry[] = [];
  private readonly prefix: string;
  private readonly names = new Set<string>();
  private readonly restoreHooks: ((values: Record<string, Float32Array>) => void)[] = [];

  constructor(
    readonly rng: Random,
    label: string,
  ) {
    this.prefix = `stage1_${label}_${netCounter++}`;
  }

  add(name: string, values: Float32Array, shape: number[], trainable = true): tf.Variable {
    if (this.names.has(name)) throw new Error(`ParamSet: duplicate parameter name '${name}'`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new Error(`ParamSet: '${name}' has ${values.length} values for shape [${shape.join(', ')}]`);
    this.names.add(name);
    const variable = tf.variable(tf.tensor(values, shape), trainable, `${this.prefix}/${name}`);
    this.entries.push({ name, variable, trainable });
    return variable;
  }

  normal(name: string, shape: number[], std: number, mean = 0): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = mean + std * this.rng.normal();
    return this.add(name, v, shape);
  }

  uniform(name: string, shape: number[], bound: number): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = this.rng.range(-bound, bound);
    return this.add(name, v, shape);
  }

  constant(name: string, shape: number[], value: number, trainable = true): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    return this.add(name, new Float32Array(n).fill(value), shape, trainable);
  }

  trainable(): tf.Variable[] {
    return this.entries.filter((e) => e.trainable).map((e) => e.variable);
  }

  /** Every variable (trainable and running statistics) as a copy, by name (one asynchronous read of all). */
  async snapshot(): Promise<Record<string, Float32Array>> {
    const values = await Promise.all(this.entries.map((e) => e.variable.data()));
    const out: Record<string, Float32Array> = {};
    this.entries.forEach((e, i) => (out[e.name] = (values[i] as Float32Array).slice()));
    return out;
  }

  /** Calls `fn` with the values after every restore (state mirrored outside the variables). */
  onRestore(fn: (values: Record<string, Float32Array>) => void): void {
    this.restoreHooks.push(fn);
  }

  /** Restores a snapshot; every variable must be present with the right size. */
  restore(values: Record<string, Float32Array>, what = 'weights'): void {
    for (const e of this.entries) {
      const v = values[e.name];
      if (!v) throw new FsvaeInputError(`${what}: parameter '${e.name}' is missing; the weights were saved from a different network configuration.`);
      if (v.length !== e.variable.size) {
        throw new FsvaeInputError(
          `${what}: parameter '${e.name}' has ${v.length} values, ` +
            `the network expects ${e.variable.size} (shape [${e.variable.shape.join(', ')}]); the configuration differs.`,
        );
      }
    }
    tf.tidy(() => {
      for (const e of this.entries) e.variable.assign(tf.tensor(values[e.name], e.variable.shape));
    });
    for (const fn of this.restoreHooks) fn(values);
  }

  /** Total number of trainable scalars. */
  countTrainable(): number {
    return this.entries.filter((e) => e.trainable).reduce((s, e) => s + e.variable.size, 0);
  }

  dispose(): void {
    for (const e of this.entries) e.variable.dispose();
    this.entries.length = 0;
  }
}

/**
 * Batch normalisation over `reduceAxes` of the input; the affine parameters and statistics have
 * `shape`, which must broadcast against the input with the reduced axes kept as size 1
 * (e.g. [C] for per-channel BN on [B, T, V, C]; [V, C] for BatchNorm1d(V·C) over [B, T, V, C]).
 */
export class BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  /**
   * number of running-statistics updates so far (PyTorch's num_batches_tracked): counted in JS
   * (`count`, no read of the device per update) and mirrored into this variable, which snapshots
   * and checkpoints save; ParamSet.restore sets the count back from it. Assigning the variable
   * directly (the data-parallel worker's replica) leaves the count as it was; that replica's
   * running statistics are never used.
   */
  readonly tracked: tf.Variable;
  private count = 0;

  constructor(
    params: ParamSet,
    name: string,
    readonly shape: number[],
    readonly reduceAxes: number[],
    gammaInit: number | { mean: number; std: number } = 1,
    readonly momentum = 0.1,
    readonly eps = 1e-5,
  ) {
    this.gamma =
      typeof gammaInit === 'number' ? params.constant(`${name}/gamma`, shape, gammaInit) : params.normal(`${name}/gamma`, shape, gammaInit.std, gammaInit.mean);
    this.beta = params.constant(`${name}/beta`, shape, 0);
    this.runningMean = params.constant(`${name}/running_mean`, shape, 0, false);
    this.runningVar = params.constant(`${name}/running_var`, shape, 1, false);
    this.tracked = params.constant(`${name}/num_batches_tracked`, [1], 0, false);
    const trackedName = `${name}/num_batches_tracked`;
    params.onRestore((values) => (this.count = values[trackedName][0]));
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    if (ctx.training && this.leading(x)) return this.applyLeading(x, ctx);
    let scale: tf.Tensor;
    let shift: tf.Tensor;
    if (ctx.training) {
      const { mean, variance } = tf.moments(x, this.reduceAxes, true);
      const m = tf.reshape(mean, this.shape);
      const v = tf.reshape(variance, this.shape);
      scale = tf.mul(this.gamma, tf.rsqrt(tf.add(v, this.eps)));
      shift = tf.sub(this.beta, tf.mul(m, scale));
      if (ctx.updateStats)
        this.updateRunning(
          m,
          v,
          this.reduceAxes.reduce((s, a) => s * (x.shape[a] as number), 1),
        );
    } else {
      scale = tf.mul(this.gamma, tf.rsqrt(tf.add(this.runningVar, this.eps)));
      shift = tf.sub(this.beta, tf.mul(this.runningMean, scale));
    }
    return tf.add(tf.mul(x, scale), shift);
  }

  /** True when the reduced axes are the leading ones and the parameters cover the rest. */
  private leading(x: tf.Tensor): boolean {
    const k = this.reduceAxes.length;
    if (!this.reduceAxes.every((a, i) => a === i)) return false;
    const rest = x.shape.slice(k);
    return rest.length === this.shape.length && rest.every((d, i) => d === this.shape[i]);
  }

  private updateRunning(m: tf.Tensor, v: tf.Tensor, n: number): void {
    // outside the loss path: no gradient flows into the running statistics
    const unbiased = n > 1 ? n / (n - 1) : 1;
    const k = ++this.count;
    this.tracked.assign(tf.tensor1d([k]));
    const mo = Math.max(this.momentum, 1 / k);
    this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - mo), tf.mul(tf.reshape(m, this.shape), mo)));
    this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - mo), tf.mul(tf.reshape(v, this.shape), mo * unbiased)));
  }

  /**
   * Training-mode BN over the leading axes as one op with a hand-written backward; column sums
   * are matmuls with a row of ones (fast GEMV) instead of reductions over leading axes:
   *   x̂ = (x − μ)·r, r = (σ² + ε)^{-1/2}, y = γ x̂ + β;
   *   dβ = Σ dy, dγ = Σ dy·x̂, dx = (γ r / n)(n dy − dβ − x̂ dγ).
   * The summed operand (the matmul's B) is always a tensor created here: tfjs-backend-wasm caches
   * XNNPACK's packed B by data id, ignoring the shape, so a B that shares its data with a
   * reshaped view used as B elsewhere (an incoming gradient fanned out to two BNs of different
   * widths, for instance) would be multiplied with a stale packing.
   */
  private applyLeading(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const F = this.shape.reduce((a, b) => a * b, 1);
    const n = x.size / F;
    const shapeX = x.shape;
    const op = tf.customGrad(((x2: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, save: (t: tf.Tensor[]) => void) => {
      const ones = tf.ones([1, n]);
      const mean = tf.div(tf.matMul(ones, tf.add(x2, 0) as tf.Tensor2D), n);
      const xc = tf.sub(x2, mean);
      const variance = tf.div(tf.matMul(ones, tf.square(xc) as tf.Tensor2D), n);
      const r = tf.rsqrt(tf.add(variance, this.eps));
      if (ctx.updateStats) this.updateRunning(mean, variance, n);
      const g = tf.reshape(gamma, [1, F]);
      save([xc, r, g]);
      const y = tf.add(tf.mul(xc, tf.mul(r, g)), tf.reshape(beta, [1, F]));
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xcS, rS, gS] = saved;
          const xhat = tf.mul(xcS, rS);
          const sums = tf.matMul(tf.ones([1, n]), tf.concat([dy, tf.mul(dy, xhat)], 1) as tf.Tensor2D);
          const dBeta = tf.slice(sums, [0, 0], [1, F]);
          const dGamma = tf.slice(sums, [0, F], [1, F]);
          const k = tf.mul(rS, gS);
          const dx = tf.mul(tf.sub(dy, tf.div(tf.add(dBeta, tf.mul(xhat, dGamma)), n)), k);
          return [dx, tf.reshape(dGamma, this.shape), tf.reshape(dBeta, this.shape)];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.Tensor;
    return tf.reshape(op(tf.reshape(x, [n, F]), this.gamma, this.beta), shapeX);
  }
}

/** y = x·W + b over the last axis (a 1×1 convolution on channel-last activations). */
export class DenseLayer {
  constructor(
    readonly weight: tf.Variable,
    readonly bias: tf.Variable | null,
  ) {}

  static create(params: ParamSet, name: string, inDim: number, outDim: number, std: number, bias = true): DenseLayer {
    const w = params.normal(`${name}/W`, [inDim, outDim], std);
    const b = bias ? params.constant(`${name}/b`, [outDim], 0) : null;
    return new DenseLayer(w, b);
  }

  apply(x: tf.Tensor): tf.Tensor {
    const inDim = this.weight.shape[0] as number;
    const outDim = this.weight.shape[1] as number;
    const lead = x.shape.slice(0, -1);
    const x2 = tf.reshape(x, [-1, inDim]) as tf.Tensor2D;
    const y = this.bias ? linearWithBias(x2, this.weight as tf.Tensor2D, this.bias as tf.Tensor1D) : tf.matMul(x2, this.weight as tf.Tensor2D);
    return tf.reshape(y, [...lead, outDim]);
  }
}

/**
 * x·W + b with the bias gradient as a matmul with a row of ones (tf.add's broadcast gradient
 * reduces over the leading axis, which costs a transpose on wasm). dy is the B operand of both
 * gradient matmuls with the same 2-D shape (see BatchNorm.applyLeading on wasm's packing cache).
 */
const linearWithBias = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: (t: tf.Tensor[]) => void) => {
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved;
      const rows = dy.shape[0] as number;
      return [
        tf.matMul(dy as tf.Tensor2D, ws as tf.Tensor2D, false, true),
        tf.matMul(xs as tf.Tensor2D, dy as tf.Tensor2D, true, false),
        tf.reshape(tf.matMul(tf.ones([1, rows]), dy as tf.Tensor2D), [dy.shape[1] as number]),
      ];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/**
 * Shift-GCN's non-local spatial shift on (V, C) as an exact permutation: output (v, c) takes input
 * ((v + dir·c) mod V, c). dir = +1 is the shift before the 1×1 conv (shift_in of
 * model/shift_gcn.py: index (i·C + j + j·C) mod V·C), dir = −1 the one after it (shift_out).
 */
export function spatialShiftPermutation(V: number, C: number, dir: 1 | -1): Int32Array {
  const perm = new Int32Array(V * C);
  for (let v = 0; v < V; v++) {
    for (let c = 0; c < C; c++) {
      const src = (((v + dir * c) % V) + V) % V;
      perm[v * C + c] = src * C + c;
    }
  }
  return perm;
}

/** The spatial shift of [..., V, C] activations (see spatialShiftPermutation). */
export class SpatialShift {
  private readonly gather: IndexMapGather;
  constructor(
    readonly V: number,
    readonly C: number,
    dir: 1 | -1,
  ) {
    this.gather = new IndexMapGather(V * C, spatialShiftPermutation(V, C, dir));
  }
  apply(x: tf.Tensor): tf.Tensor {
    const s = x.shape;
    if (s[s.length - 2] !== this.V || s[s.length - 1] !== this.C) throw new Error(`SpatialShift: expected [..., ${this.V}, ${this.C}], got [${s.join(', ')}]`);
    return tf.reshape(this.gather.apply(tf.reshape(x, [-1, this.V * this.C]) as tf.Tensor2D), s);
  }
}

/** Channel groups of the fixed temporal shift: [n0, n1, n2] with n0 = n2 = ⌊C/3⌋. */
export function temporalShiftGroups(C: number): [number, number, number] {
  const a = Math.floor(C / 3);
  return [a, C - 2 * a, a];
}

/** Output length of a stride-s subsampling (frames 0, s, 2s, ...) or a 'same'-padded temporal conv. */
export function stridedLength(T: number, stride: number): number {
  return Math.ceil(T / stride);
}

/**
 * Index map over one clip's (T, V, C) values for the fixed temporal shift followed by stride-s
 * subsampling: output frame t' reads frame t = t'·s shifted per channel group —
 * channels [0, n0) read t + 1 (a shift by −1 in time), [n0, n0 + n1) read t, the last n2 read
 * t − 1 (a shift by +1) — and 0 outside 0..T−1. `shift = false` gives the plain subsampling.
 */
export function temporalShiftMap(T: number, V: number, C: number, stride: number, shift: boolean): Int32Array {
  const [n0, n1] = temporalShiftGroups(C);
  const Tout = stridedLength(T, stride);
  const map = new Int32Array(Tout * V * C);
  for (let t = 0; t < Tout; t++) {
    for (let c = 0; c < C; c++) {
      const off = !shift ? 0 : c < n0 ? 1 : c < n0 + n1 ? 0 : -1;
      const src = t * stride + off;
      for (let v = 0; v < V; v++) map[(t * V + v) * C + c] = src >= 0 && src < T ? (src * V + v) * C + c : -1;
    }
  }
  return map;
}

const temporalMaps = new Map<string, IndexMapGather>();

function temporalGather(T: number, V: number, C: number, stride: number, shift: boolean): IndexMapGather {
  const key = `${T},${V},${C},${stride},${shift}`;
  let g = temporalMaps.get(key);
  if (!g) {
    g = new IndexMapGather(T * V * C, temporalShiftMap(T, V, C, stride, shift));
    temporalMaps.set(key, g);
  }
  return g;
}

/**
 * Fixed temporal shift on [B, T, V, C] with zero padding, then frames 0, s, 2s, ... (stride s):
 * channels [0, n0) take frame t + 1, [n0, n0 + n1) stay, the last n2 take frame t − 1.
 */
export function temporalShift(x: tf.Tensor4D, stride = 1): tf.Tensor4D {
  const [B, T, V, C] = x.shape;
  const y = temporalGather(T, V, C, stride, true).apply(tf.reshape(x, [B, T * V * C]) as tf.Tensor2D);
  return tf.reshape(y, [B, stridedLength(T, stride), V, C]) as tf.Tensor4D;
}

/** Frames 0, s, 2s, ... of [B, T, V, C] (the output frames of a stride-s convolution with kernel 1). */
export function temporalSubsample(x: tf.Tensor4D, stride: number): tf.Tensor4D {
  if (stride === 1) return x;
  const [B, T, V, C] = x.shape;
  const y = temporalGather(T, V, C, stride, false).apply(tf.reshape(x, [B, T * V * C]) as tf.Tensor2D);
  return tf.reshape(y, [B, stridedLength(T, stride), V, C]) as tf.Tensor4D;
}

/**
 * Index map of the im2col of a k×1 temporal convolution (padding (k − 1)/2, stride s) over one
 * clip's (T, V, C) values: output (t', v, j, c) — channel j·C + c of [⌈T/s⌉, V, k·C] — reads frame
 * t'·s + j − (k − 1)/2, or 0 outside 0..T−1.
 */
export function temporalIm2colMap(T: number, V: number, C: number, kernel: number, stride: number): Int32Array {
  const pad = (kernel - 1) / 2;
  const Tout = stridedLength(T, stride);
  const map = new Int32Array(Tout * V * kernel * C);
  let p = 0;
  for (let t = 0; t < Tout; t++) {
    for (let v = 0; v < V; v++) {
      for (let j = 0; j < kernel; j++) {
        const src = t * stride + j - pad;
        for (let c = 0; c < C; c++) map[p++] = src >= 0 && src < T ? (src * V + v) * C + c : -1;
      }
    }
  }
  return map;
}

const im2colMaps = new Map<string, IndexMapGather>();

/**
 * im2col of a k×1 temporal convolution (padding (k − 1)/2, stride s) on [B, T, V, C]:
 * [B, ⌈T/s⌉, V, k·C] (temporalIm2colMap); a matmul with a [k·C, C'] weight is then the
 * convolution. The gradient is the scatter-add adjoint (col2im).
 */
export function temporalIm2col(x: tf.Tensor4D, kernel: number, stride: number): tf.Tensor4D {
  if (!Number.isInteger(kernel) || kernel < 1 || kernel % 2 !== 1) throw new Error(`temporalIm2col: kernel ${kernel} must be odd`);
  const [B, T, V, C] = x.shape;
  const key = `${T},${V},${C},${kernel},${stride}`;
  let g = im2colMaps.get(key);
  if (!g) {
    g = new IndexMapGather(T * V * C, temporalIm2colMap(T, V, C, kernel, stride));
    im2colMaps.set(key, g);
  }
  const y = g.apply(tf.reshape(x, [B, T * V * C]) as tf.Tensor2D);
  return tf.reshape(y, [B, stridedLength(T, stride), V, kernel * C]) as tf.Tensor4D;
}
