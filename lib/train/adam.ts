/**
 * Adam (Kingma & Ba) with PyTorch's defaults and update rule, state kept in variable order so it
 * can be checkpointed and restored into a fresh model:
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε)
 */
import * as tf from '@tensorflow/tfjs';
import { allocateTensor, hostMemoryKind, hostView, tensorFrom } from '../runtime/host-memory';
import { heapOffset, simdKernels } from '../runtime/simd-kernels';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** A gradient for Adam.applyGradients: a tensor, a host array of the parameter's size, or null (none). */
export type GradSource = tf.Tensor | Float32Array | null;

export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

/** The fused update over one parameter array (kept monomorphic for the JIT). */
function adamKernel(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  next: Float32Array,
  b1: number,
  b2: number,
  stepSize: number,
  invSqrtC2: number,
  eps: number,
): void {
  const a1 = 1 - b1;
  const a2 = 1 - b2;
  const n = w.length;
  for (let j = 0; j < n; j++) {
    const gj = g[j];
    const mj = b1 * m[j] + a1 * gj;
    const vj = b2 * v[j] + a2 * gj * gj;
    m[j] = mj;
    v[j] = vj;
    next[j] = w[j] - (stepSize * mj) / (Math.sqrt(vj) * invSqrtC2 + eps);
  }
}

/** adamKernel for a rows×cols parameter that also writes the new value transposed (cols×rows) into `nextT`. */
function adamKernelTransposing(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  next: Float32Array,
  nextT: Float32Array,
  rows: number,
  cols: number,
  b1: number,
  b2: number,
  stepSize: number,
  invSqrtC2: number,
  eps: number,
): void {
  const a1 = 1 - b1;
  const a2 = 1 - b2;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const j = r * cols + c;
      const gj = g[j];
      const mj = b1 * m[j] + a1 * gj;
      const vj = b2 * v[j] + a2 * gj * gj;
      m[j] = mj;
      v[j] = vj;
      const nj = w[j] - (stepSize * mj) / (Math.sqrt(vj) * invSqrtC2 + eps);
      next[j] = nj;
      nextT[c * rows + r] = nj;
    }
  }
}

export class Adam {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private t = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  /** transposed copies of some 2-D parameters, refreshed with every update (see keepTransposed). */
  private readonly transposedCopies = new Map<number, tf.Tensor2D>();

  constructor(
    readonly params: tf.Variable[],
    opts: AdamOptions,
  ) {
    this.lr = opts.learningRate;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.epsilon ?? 1e-8;
    this.m = tf.tidy(() => params.map((p) => tf.variable(tf.zerosLike(p), false)));
    this.v = tf.tidy(() => params.map((p) => tf.variable(tf.zerosLike(p), false)));
  }

  /**
   * From now on, keep a transposed copy of each of these 2-D parameters, written by the same
   * update loop (a strided store is cheaper than a separate transpose, or than XNNPACK re-packing
   * a fresh weight matrix as a right-hand operand every step). Read it with transposed(p).
   */
  keepTransposed(params: tf.Variable[]): void {
    for (const p of params) {
      const i = this.params.indexOf(p);
      if (i < 0) throw new Error(`Adam.keepTransposed: '${p.name}' is not one of this optimizer's parameters`);
      if (p.rank !== 2) throw new Error(`Adam.keepTransposed: '${p.name}' has rank ${p.rank}, expected 2`);
      this.transposedCopies.get(i)?.dispose();
      this.transposedCopies.set(i, tf.keep(tf.transpose(p as unknown as tf.Tensor2D)));
    }
  }

  /** pᵀ as of the last update (p must have been passed to keepTransposed). */
  transposed(p: tf.Variable): tf.Tensor2D {
    const t = this.transposedCopies.get(this.params.indexOf(p));
    if (!t) throw new Error(`Adam.transposed: no transposed copy of '${p.name}' is kept`);
    return t;
  }

  get step(): number {
    return this.t;
  }

  /**
   * Computes the loss and its gradients w.r.t. every parameter, applies one update, returns the
   * loss as a tensor (the caller reads and disposes it: on a GPU a read per step would stall it).
   */
  minimize(loss: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, this.params);
    // a parameter outside this loss's graph keeps its state (as torch does for grad=None)
    this.applyGradients(this.params.map((p) => grads[p.name] ?? null));
    tf.dispose(Object.values(grads));
    return value;
  }

  /**
   * One update from given gradients, in parameter order (null: no gradient, state untouched).
   * A gradient may be a tensor or a host array of the parameter's size. On backends whose storage
   * JS can see (wasm heap, cpu arrays) the update is one fused loop per parameter (a wasm SIMD
   * kernel on the wasm heap) that writes the new value straight into fresh storage; elsewhere it
   * is ~10 tensor ops per parameter.
   * Parameters are never mutated in place: wasm's XNNPACK matmul caches packed weights by tensor
   * id, so a parameter gets new storage (assign) every step.
   */
  applyGradients(grads: GradSource[]): void {
    if (grads.length !== this.params.length) throw new Error(`Adam: ${grads.length} gradients for ${this.params.length} parameters`);
    grads.forEach((g, i) => {
      if (g && g instanceof Float32Array && g.length !== this.params[i].size) {
        throw new Error(`Adam: gradient ${i} has ${g.length} values, parameter '${this.params[i].name}' has ${this.params[i].size}`);
      }
    });
    this.t += 1;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    const stepSize = this.lr / c1;
    const sqrtC2 = Math.sqrt(c2);
    if (hostMemoryKind() && !process.env.FSVAE_ADAM_UNFUSED) {
      const simd = simdKernels(); // wasm: the SIMD kernels work on the heap by offset; else plain-JS loops over views
      const [b1, b2, eps, invSqrtC2] = [this.beta1, this.beta2, this.eps, 1 / sqrtC2];
      this.params.forEach((p, i) => {
        const g = grads[i];
        if (!g) return;
        // allocate first: an allocation may grow the heap and detach older views
        const gt = simd && g instanceof Float32Array ? tensorFrom(p.shape, (v) => v.set(g)) : g;
        const next = allocateTensor(p.shape);
        const oldT = this.transposedCopies.get(i);
        const nextT = oldT ? allocateTensor<tf.Rank.R2>([p.shape[1]!, p.shape[0]!]) : null;
        if (simd) {
          const [po, go, mo, vo, no] = [p, gt as tf.Tensor, this.m[i], this.v[i], next].map(heapOffset);
          if (nextT) simd.adamTransposing(po, go, mo, vo, no, heapOffset(nextT), p.shape[0]!, p.shape[1]!, b1, b2, stepSize, invSqrtC2, eps);
          else simd.adam(po, go, mo, vo, no, p.size, b1, b2, stepSize, invSqrtC2, eps);
        } else {
          const [pv, mv, vv, nv] = [p, this.m[i], this.v[i], next].map(hostView);
          const gv = gt instanceof Float32Array ? gt : hostView(gt);
          if (nextT) adamKernelTransposing(pv, gv, mv, vv, nv, hostView(nextT), p.shape[0]!, p.shape[1]!, b1, b2, stepSize, invSqrtC2, eps);
          else adamKernel(pv, gv, mv, vv, nv, b1, b2, stepSize, invSqrtC2, eps);
        }
        if (gt !== g) (gt as tf.Tensor).dispose();
        if (nextT) {
          oldT!.dispose();
          this.transposedCopies.set(i, tf.keep(nextT));
        }
        p.assign(next);
        next.dispose();
      });
      return;
    }
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const src = grads[i];
        if (!src) return;
        const g = src instanceof Float32Array ? tf.tensor(src, p.shape) : src;
        const m = tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        // p − (lr/c1)·m / (√v/√c2 + ε)  ≡ torch's  p − lr·m̂/(√v̂ + ε)
        p.assign(tf.sub(p, tf.mul(stepSize, tf.div(m, tf.add(tf.div(tf.sqrt(v), sqrtC2), this.eps)))));
      });
    });
    for (const [i, old] of this.transposedCopies) {
      if (!grads[i]) continue;
      old.dispose();
      this.transposedCopies.set(i, tf.keep(tf.transpose(this.params[i] as unknown as tf.Tensor2D)));
    }
  }

  /** Step count and moments as host arrays (copies), read asynchronously (any backend). */
  async getState(): Promise<AdamState> {
    const read = (xs: tf.Variable[]) => Promise.all(xs.map(async (x) => ((await x.data()) as Float32Array).slice()));
    return { step: this.t, m: await read(this.m), v: await read(this.v) };
  }

  setState(s: AdamState): void {
    if (s.m.length !== this.m.length) throw new Error(`Adam state has ${s.m.length} tensors, optimizer has ${this.m.length}`);
    this.t = s.step;
    tf.tidy(() => {
      s.m.forEach((a, i) => this.m[i].assign(tf.tensor(a, this.m[i].shape)));
      s.v.forEach((a, i) => this.v[i].assign(tf.tensor(a, this.v[i].shape)));
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v, ...this.transposedCopies.values()]);
    this.transposedCopies.clear();
  }
}
