/**
 * Optimisers of stage 1 with the learning rate given per step (for the LR schedules) and their
 * state as plain Float32Arrays (checkpointable as is).
 *
 * On the backends with host memory (wasm, cpu) the update runs as one JS loop per parameter over
 * copies of the parameter and gradient, read with one asynchronous read per step, and the
 * parameter gets new storage (assign), which XNNPACK's packed-weight cache on wasm requires (see
 * lib/train/adam.ts). On the others (webgpu, tensorflow) the same update runs as tensor ops on the
 * device, with the slots in variables there, so a step never reads the weights back to the host;
 * its float32 arithmetic differs from the JS loop's (float64 per element) by rounding only.
 *
 * - SGD, PyTorch semantics (torch.optim.SGD, dampening 0): g ← g + wd·p; b ← μ·b + g (b = g at the
 *   first step); Nesterov: p ← p − lr·(g + μ·b), else p ← p − lr·b. Weight decay applies to every
 *   parameter, as Shift-GCN's optimizer does (model.parameters()).
 * - Adam, PyTorch semantics (no weight decay): m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
 *   p ← p − lr·m̂/(√v̂ + ε).
 */
import * as tf from '@tensorflow/tfjs';
import { hostMemoryKind } from '../runtime/host-memory';
import { Stage1Optimizer } from './config';

export interface OptimizerState {
  step: number;
  /** SGD: [momentum buffers]; Adam: [m..., v...] */
  slots: Float32Array[];
}

const B1 = 0.9;
const B2 = 0.999;
const EPS = 1e-8;

export class Stage1Opt {
  private t = 0;
  /** the slots on the host (wasm, cpu), else empty */
  private readonly slots: Float32Array[] = [];
  /** the slots as variables on the device (backends without host memory), else empty */
  private readonly deviceSlots: tf.Variable[] = [];
  /** whether the update runs as tensor ops (decided by the backend active at construction) */
  readonly onDevice: boolean;

  constructor(
    readonly params: tf.Variable[],
    readonly cfg: Stage1Optimizer,
  ) {
    const n = cfg.kind === 'adam' ? 2 : 1;
    this.onDevice = hostMemoryKind() === null;
    for (let k = 0; k < n; k++) {
      for (const p of params) {
        if (this.onDevice) this.deviceSlots.push(tf.tidy(() => tf.variable(tf.zeros(p.shape), false)));
        else this.slots.push(new Float32Array(p.size));
      }
    }
  }

  get step(): number {
    return this.t;
  }

  /** Computes loss and gradients, applies one update with learning rate `lr`, returns the loss. */
  async minimize(loss: () => tf.Scalar, lr: number): Promise<number> {
    const { value, grads } = tf.variableGrads(loss, this.params);
    try {
      await this.apply(grads, lr);
      return (await value.data())[0];
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  }

  /** One update from named gradients (tf.variableGrads output); resolves once the parameters are assigned. */
  async apply(grads: tf.NamedTensorMap, lr: number): Promise<void> {
    this.t += 1;
    if (this.onDevice) {
      this.applyOnDevice(grads, lr);
      return;
    }
    const live = this.params.flatMap((p, i) => (grads[p.name] ? [i] : []));
    // one asynchronous read per step: every gradient and the parameters it updates
    const read = await Promise.all(live.flatMap((i) => [grads[this.params[i].name].data(), this.params[i].data()]));
    live.forEach((i, k) => this.applyOnHost(i, read[2 * k] as Float32Array, (read[2 * k + 1] as Float32Array).slice(), lr));
  }

  /** The update of parameter i from its gradient g and a copy w of its values (the JS loop). */
  private applyOnHost(i: number, g: Float32Array, w: Float32Array, lr: number): void {
    const p = this.params[i];
    const cfg = this.cfg;
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
      const P = this.params.length;
      const m = this.slots[i];
      const v = this.slots[P + i];
      const c1 = 1 - B1 ** this.t;
      const sqrtC2 = Math.sqrt(1 - B2 ** this.t);
      const stepSize = lr / c1;
      for (let j = 0; j < w.length; j++) {
        const gj = g[j];
        m[j] = B1 * m[j] + (1 - B1) * gj;
        v[j] = B2 * v[j] + (1 - B2) * gj * gj;
        w[j] -= (stepSize * m[j]) / (Math.sqrt(v[j]) / sqrtC2 + EPS);
      }
    }
    tf.tidy(() => p.assign(tf.tensor(w, p.shape)));
  }

  /** The same update as tensor ops (float32 on the device). */
  private applyOnDevice(grads: tf.NamedTensorMap, lr: number): void {
    const cfg = this.cfg;
    const P = this.params.length;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = grads[p.name];
        if (!g) return;
        if (cfg.kind === 'sgd') {
          const b = this.deviceSlots[i];
          const mu = cfg.momentum;
          const gj = cfg.weightDecay !== 0 ? tf.add(g, tf.mul(p, cfg.weightDecay)) : g;
          const bj = mu > 0 && this.t > 1 ? tf.add(tf.mul(b, mu), gj) : gj;
          if (mu > 0) b.assign(bj);
          p.assign(tf.sub(p, tf.mul(cfg.nesterov ? tf.add(gj, tf.mul(bj, mu)) : bj, lr)));
        } else {
          const m = this.deviceSlots[i];
          const v = this.deviceSlots[P + i];
          const c1 = 1 - B1 ** this.t;
          const sqrtC2 = Math.sqrt(1 - B2 ** this.t);
          m.assign(tf.add(tf.mul(m, B1), tf.mul(g, 1 - B1)));
          v.assign(tf.add(tf.mul(v, B2), tf.mul(tf.square(g), 1 - B2)));
          p.assign(tf.sub(p, tf.div(tf.mul(m, lr / c1), tf.add(tf.div(tf.sqrt(v), sqrtC2), EPS))));
        }
      });
    });
  }

  /** The step count and a copy of the slots (read from the device there). */
  async getState(): Promise<OptimizerState> {
    if (!this.onDevice) return { step: this.t, slots: this.slots.map((s) => s.slice()) };
    const slots = await Promise.all(this.deviceSlots.map((s) => s.data()));
    return { step: this.t, slots: slots.map((s) => Float32Array.from(s as Float32Array)) };
  }

  setState(s: OptimizerState): void {
    const sizes = this.onDevice ? this.deviceSlots.map((v) => v.size) : this.slots.map((a) => a.length);
    if (s.slots.length !== sizes.length) throw new Error(`stage 1 optimizer: state has ${s.slots.length} slots, expected ${sizes.length}`);
    s.slots.forEach((a, i) => {
      if (a.length !== sizes[i]) throw new Error(`stage 1 optimizer: slot ${i} has ${a.length} values, expected ${sizes[i]}`);
    });
    if (this.onDevice) tf.tidy(() => this.deviceSlots.forEach((v, i) => v.assign(tf.tensor(s.slots[i], v.shape))));
    else s.slots.forEach((a, i) => this.slots[i].set(a));
    this.t = s.step;
  }

  /** Frees the device slots (nothing to free on the host). */
  dispose(): void {
    tf.dispose(this.deviceSlots);
    this.deviceSlots.length = 0;
  }
}
