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

export class Adam {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private t = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

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
    tf.tidy(() => {
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
