/**
 * Optimisers of stage 1 with the learning rate given per step (for the LR schedules) and their
 * state in plain Float32Arrays (checkpointable as is). The update runs as one JS loop per
 * parameter over copies of the parameter and gradient, and the parameter gets new storage
 * (assign), which XNNPACK's packed-weight cache on wasm requires (see lib/train/adam.ts).
 *
 * - SGD, PyTorch semantics (torch.optim.SGD, dampening 0): g ← g + wd·p; b ← μ·b + g (b = g at the
 *   first step); Nesterov: p ← p − lr·(g + μ·b), else p ← p − lr·b. Weight decay applies to every
 *   parameter, as Shift-GCN's optimizer does (model.parameters()).
 * - Adam, PyTorch semantics (no weight decay): m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
 *   p ← p − lr·m̂/(√v̂ + ε).
 */
import * as tf from '@tensorflow/tfjs';
import { Stage1Optimizer } from './config';

export interface OptimizerState {
  step: number;
  /** SGD: [momentum buffers]; Adam: [m..., v...] */
  slots: Float32Array[];
}

export class Stage1Opt {
  private t = 0;
  private readonly slots: Float32Array[];

  constructor(
    readonly params: tf.Variable[],
    readonly cfg: Stage1Optimizer,
  ) {
    const n = cfg.kind === 'adam' ? 2 : 1;
    this.slots = [];
    for (let k = 0; k < n; k++) for (const p of params) this.slots.push(new Float32Array(p.size));
  }

  get step(): number {
    return this.t;
  }

  /** Computes loss and gradients, applies one update with learning rate `lr`, returns the loss and any extra outputs. */
  minimize(loss: () => tf.Scalar, lr: number): number {
    const { value, grads } = tf.variableGrads(loss, this.params);
    try {
      this.apply(grads, lr);
      return value.dataSync()[0];
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  }

  /** One update from named gradients (tf.variableGrads output). */
  apply(grads: tf.NamedTensorMap, lr: number): void {
    this.t += 1;
    const P = this.params.length;
    const cfg = this.cfg;
    this.params.forEach((p, i) => {
      const gt = grads[p.name];
      if (!gt) return;
      const g = gt.dataSync() as Float32Array;
      const w = (p.dataSync() as Float32Array).slice();
      if (cfg.kind === 'sgd') {
        const b = this.slots[i];
        const mu = cfg.momentum;
        const wd = cfg.weightDecay;
        const first = this.t === 1;
        for (let j = 0; j < w.length; j++) {
          const gj = g[j] + wd * w[j];
          const bj = mu > 0 ? (first ? gj : mu * b[j] + gj) : gj;
          b[j] = bj;
          w[j] -= lr * (cfg.nesterov ? gj + mu * bj : bj);
        }
      } else {
        const m = this.slots[i];
        const v = this.slots[P + i];
        const b1 = 0.9;
        const b2 = 0.999;
        const eps = 1e-8;
        const c1 = 1 - b1 ** this.t;
        const sqrtC2 = Math.sqrt(1 - b2 ** this.t);
        const stepSize = lr / c1;
        for (let j = 0; j < w.length; j++) {
          const gj = g[j];
          m[j] = b1 * m[j] + (1 - b1) * gj;
          v[j] = b2 * v[j] + (1 - b2) * gj * gj;
          w[j] -= (stepSize * m[j]) / (Math.sqrt(v[j]) / sqrtC2 + eps);
        }
      }
      tf.tidy(() => p.assign(tf.tensor(w, p.shape)));
    });
  }

  getState(): OptimizerState {
    return { step: this.t, slots: this.slots.map((s) => s.slice()) };
  }

  setState(s: OptimizerState): void {
    if (s.slots.length !== this.slots.length) throw new Error(`stage 1 optimizer: state has ${s.slots.length} slots, expected ${this.slots.length}`);
    s.slots.forEach((a, i) => {
      if (a.length !== this.slots[i].length) throw new Error(`stage 1 optimizer: slot ${i} has ${a.length} values, expected ${this.slots[i].length}`);
      this.slots[i].set(a);
    });
    this.t = s.step;
  }
}
