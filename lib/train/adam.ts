/**
 * Adam (Kingma & Ba) with PyTorch's defaults and update rule, state kept in variable order so it
 * can be checkpointed and restored into a fresh model:
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε)
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

type HeapView = (t: tf.Tensor) => Float32Array;

/**
 * Float32 views of tensor storage on backends that keep it in JS-visible memory (wasm heap, cpu
 * arrays). They let the update run as one fused loop instead of ~10 tensor ops per parameter.
 * Views are taken right before use (the wasm heap can grow and detach older views). Moments are
 * updated in place; parameters are NOT: wasm's XNNPACK matmul caches packed weights by tensor id,
 * so a parameter gets new storage (assign) every step.
 */
function heapView(): HeapView | null {
  const name = tf.getBackend();
  const backend = tf.backend() as unknown as {
    typedArrayFromHeap?: (t: { dataId: object; shape: number[]; dtype: string }) => Float32Array;
    data?: { get(id: object): { values: Float32Array } };
  };
  if (name === 'wasm' && backend.typedArrayFromHeap) {
    return (t) => backend.typedArrayFromHeap!({ dataId: t.dataId, shape: t.shape, dtype: 'float32' });
  }
  if (name === 'cpu' && backend.data) {
    return (t) => {
      const v = backend.data!.get(t.dataId).values;
      if (!(v instanceof Float32Array)) throw new Error('Adam: expected float32 storage');
      return v;
    };
  }
  return null;
}

/** The fused update over one parameter array (kept monomorphic for the JIT). */
function adamKernel(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, next: Float32Array,
  b1: number, b2: number, stepSize: number, invSqrtC2: number, eps: number): void {
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

export class Adam {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private t = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private readonly scratch: Float32Array[] = [];

  constructor(readonly params: tf.Variable[], opts: AdamOptions) {
    this.lr = opts.learningRate;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.epsilon ?? 1e-8;
    this.m = params.map((p) => tf.variable(tf.zerosLike(p), false));
    this.v = params.map((p) => tf.variable(tf.zerosLike(p), false));
  }

  get step(): number {
    return this.t;
  }

  /** Computes the loss and its gradients w.r.t. every parameter, applies one update, returns the loss value. */
  minimize(loss: () => tf.Scalar): number {
    const { value, grads } = tf.variableGrads(loss, this.params);
    this.t += 1;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    const stepSize = this.lr / c1;
    const sqrtC2 = Math.sqrt(c2);
    const view = process.env.FSVAE_ADAM_UNFUSED ? null : heapView();
    if (view) {
      const b1 = this.beta1;
      const b2 = this.beta2;
      const eps = this.eps;
      this.params.forEach((p, i) => {
        const gt = grads[p.name];
        if (!gt) return;
        const g = view(gt);
        const m = view(this.m[i]);
        const v = view(this.v[i]);
        const w = view(p);
        const next = this.scratch[i] ?? (this.scratch[i] = new Float32Array(w.length));
        adamKernel(w, g, m, v, next, b1, b2, stepSize, 1 / sqrtC2, eps);
        tf.tidy(() => p.assign(tf.tensor(next, p.shape)));
      });
    } else tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = grads[p.name];
        if (!g) return; // a parameter outside this loss's graph keeps its state (as torch does for grad=None)
        const m = tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        // p − (lr/c1)·m / (√v/√c2 + ε)  ≡ torch's  p − lr·m̂/(√v̂ + ε)
        p.assign(tf.sub(p, tf.mul(stepSize, tf.div(m, tf.add(tf.div(tf.sqrt(v), sqrtC2), this.eps)))));
      });
    });
    const lossValue = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    return lossValue;
  }

  getState(): AdamState {
    return { step: this.t, m: this.m.map((x) => x.dataSync().slice() as Float32Array), v: this.v.map((x) => x.dataSync().slice() as Float32Array) };
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
    tf.dispose([...this.m, ...this.v]);
  }
}
