/**
 * Data-parallel stage-1 training on both cores: a worker thread holds a replica of the network and
 * computes the gradient of the second half of every batch while the main thread computes the
 * first half's; the two gradients are averaged (weighted by the halves' sizes) and the main
 * thread's optimiser applies the update. As PyTorch's DistributedDataParallel without SyncBN:
 * batch normalisation uses each half's own batch statistics, and the running statistics are the
 * main replica's (the worker's are overwritten with the main weights before every step).
 *
 * Weights, the half batch and the gradients travel through SharedArrayBuffers and the threads
 * signal each other with Atomics.wait/notify (the main thread blocks in finish() until the
 * worker's gradient is there). A worker error or a stalled worker becomes an FsvaeInputError on
 * the main thread, never a hang.
 *
 * A CPU route only: start() copies every weight to the host with synchronous reads and the worker
 * runs on the main thread's backend, so dataParallelAvailable() is false (trainStage1 and
 * prepareFeaturesParallel never pick it) and the constructor refuses when the main backend keeps
 * tensors outside JS memory (hostMemoryKind() null: webgpu, tensorflow); its synchronous reads
 * only ever run on cpu or wasm.
 */
import * as tf from '@tensorflow/tfjs';
import * as os from 'node:os';
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { FsvaeInputError } from '../util/assert';
import { Random } from '../util/random';
import { BackendName, getBackendInfo, initBackend } from '../runtime/backend';
import { hostMemoryKind } from '../runtime/host-memory';
import { Stage1ModelConfig } from './config';
import { jointLayout } from '../data/layouts';
import { JointLayoutName } from '../data/skeleton';
import { createSkeletonNet } from './net';

/** ctrl slots */
const REQ = 0; // step id requested by the main thread
const DONE = 1; // step id finished by the worker (−1: error)
const READY = 2; // 1 when the worker is ready
const ROWS = 3; // rows of the worker's half batch
const FRAMES = 4;

interface WorkerSetup {
  fsvaeDataParallel: true;
  model: Stage1ModelConfig;
  layout: JointLayoutName;
  bodies: number;
  numClasses: number;
  backend: BackendName;
  ctrl: SharedArrayBuffer;
  weights: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  input: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  result: SharedArrayBuffer;
  error: SharedArrayBuffer;
}

/**
 * Whether data-parallel training can run here: a second core, not already inside a worker, and a
 * main backend with host memory (cpu, wasm; see the module comment).
 */
export function dataParallelAvailable(): boolean {
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  return isMainThread && cores >= 2 && hostMemoryKind() !== null;
}

export class DataParallelGradients {
  private readonly worker: Worker;
  private readonly ctrl: Int32Array;
  private readonly weights: Float32Array;
  private readonly grads: Float32Array;
  private readonly input: Float32Array;
  private readonly labels: Int32Array;
  private readonly result: Float64Array;
  private readonly error: Uint8Array;
  private stepId = 0;
  private readonly all: tf.Variable[];
  private readonly trainable: tf.Variable[];
  private readonly clipSize: number;
  private exited = false;

  /**
   * `all`: every variable of the main network in ParamSet order (trainable and statistics);
   * `trainable`: the optimised ones in the optimiser's order. `maxRows`: the largest half batch.
   */
  constructor(opts: {
    model: Stage1ModelConfig;
    layout: JointLayoutName;
    bodies: number;
    numClasses: number;
    frames: number;
    maxRows: number;
    all: tf.Variable[];
    trainable: tf.Variable[];
    timeoutMs?: number;
  }) {
    if (hostMemoryKind() === null) throw new Error(`DataParallelGradients: a CPU route; the '${tf.getBackend()}' backend keeps tensors outside JS memory`);
    this.all = opts.all;
    this.trainable = opts.trainable;
    const V = jointLayout(opts.layout).joints.length;
    this.clipSize = opts.bodies * opts.frames * V * 3;
    const nAll = opts.all.reduce((s, v) => s + v.size, 0);
    const nTrain = opts.trainable.reduce((s, v) => s + v.size, 0);
    const sab = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
    const setup: WorkerSetup = {
      fsvaeDataParallel: true,
      model: opts.model,
      layout: opts.layout,
      bodies: opts.bodies,
      numClasses: opts.numClasses,
      backend: getBackendInfo()?.name ?? 'wasm',
      ctrl: sab(8 * 4),
      weights: sab(nAll * 4),
      grads: sab(nTrain * 4),
      input: sab(opts.maxRows * this.clipSize * 4),
      labels: sab(opts.maxRows * 4),
      result: sab(2 * 8),
      error: sab(4096),
    };
    this.ctrl = new Int32Array(setup.ctrl);
    this.weights = new Float32Array(setup.weights);
    this.grads = new Float32Array(setup.grads);
    this.input = new Float32Array(setup.input);
    this.labels = new Int32Array(setup.labels);
    this.result = new Float64Array(setup.result);
    this.error = new Uint8Array(setup.error);
    this.ctrl[DONE] = 0;
    this.worker = new Worker(__filename, { workerData: setup });
    this.worker.on('exit', () => (this.exited = true));
    this.worker.on('error', () => (this.exited = true));
    this.timeoutMs = opts.timeoutMs ?? 300_000;
    this.waitFor(READY, 1, 'start');
  }

  private readonly timeoutMs: number;

  private failure(what: string): never {
    const len = this.error.indexOf(0);
    const msg = Buffer.from(this.error.subarray(0, len < 0 ? this.error.length : len)).toString('utf8');
    this.dispose();
    throw new FsvaeInputError(
      `stage 1 data-parallel worker: ${what} failed${msg ? `: ${msg}` : ' (the worker exited or stalled)'}. ` +
        "Set the GCN preset's train.workers to 1 to train on one core.",
    );
  }

  private waitFor(slot: number, value: number, what: string): void {
    const t0 = Date.now();
    while (Atomics.load(this.ctrl, slot) !== value) {
      if (Atomics.load(this.ctrl, DONE) === -1) this.failure(what);
      if (this.exited || Date.now() - t0 > this.timeoutMs) this.failure(what);
      Atomics.wait(this.ctrl, slot, Atomics.load(this.ctrl, slot), 200);
    }
  }

  /** Starts the worker's gradient of `rows` clips (data [rows·clip], labels) with the current weights. */
  start(data: Float32Array, labels: Int32Array, frames: number): void {
    const rows = labels.length;
    if (data.length !== rows * this.clipSize) throw new Error(`DataParallelGradients.start: ${data.length} values for ${rows} clips of ${this.clipSize}`);
    let o = 0;
    for (const v of this.all) {
      this.weights.set(v.dataSync() as Float32Array, o);
      o += v.size;
    }
    this.input.set(data);
    this.labels.set(labels);
    this.ctrl[ROWS] = rows;
    this.ctrl[FRAMES] = frames;
    this.stepId++;
    Atomics.store(this.ctrl, REQ, this.stepId);
    Atomics.notify(this.ctrl, REQ);
  }

  /** Waits for the worker; returns its gradients (trainable order, copies), mean loss and correct count. */
  finish(): { grads: Float32Array[]; loss: number; correct: number } {
    this.waitFor(DONE, this.stepId, `step ${this.stepId}`);
    const grads: Float32Array[] = [];
    let o = 0;
    for (const v of this.trainable) {
      grads.push(this.grads.slice(o, o + v.size));
      o += v.size;
    }
    return { grads, loss: this.result[0], correct: this.result[1] };
  }

  dispose(): void {
    if (!this.exited) {
      Atomics.store(this.ctrl, REQ, -1);
      Atomics.notify(this.ctrl, REQ);
      void this.worker.terminate();
      this.exited = true;
    }
  }
}

if (!isMainThread && (workerData as WorkerSetup | undefined)?.fsvaeDataParallel) {
  const s = workerData as WorkerSetup;
  const ctrl = new Int32Array(s.ctrl);
  const fail = (e: unknown) => {
    const msg = Buffer.from(String((e as Error)?.message ?? e).slice(0, 4000), 'utf8');
    new Uint8Array(s.error).set(msg.subarray(0, 4095));
    Atomics.store(ctrl, DONE, -1);
    Atomics.notify(ctrl, DONE);
  };
  (async () => {
    try {
      await initBackend({ prefer: s.backend, strict: true, quiet: true });
      const layout = jointLayout(s.layout);
      const net = createSkeletonNet(s.model, { layout, bodies: s.bodies, numClasses: s.numClasses }, new Random(0));
      const all = net.params.entries.map((e) => e.variable);
      const trainable = net.params.trainable();
      const weights = new Float32Array(s.weights);
      const grads = new Float32Array(s.grads);
      const input = new Float32Array(s.input);
      const labels = new Int32Array(s.labels);
      const result = new Float64Array(s.result);
      const V = layout.joints.length;
      Atomics.store(ctrl, READY, 1);
      Atomics.notify(ctrl, READY);
      let last = 0;
      for (;;) {
        while (Atomics.load(ctrl, REQ) === last) Atomics.wait(ctrl, REQ, last);
        const req = Atomics.load(ctrl, REQ);
        if (req < 0) break;
        last = req;
        const rows = ctrl[ROWS];
        const T = ctrl[FRAMES];
        tf.tidy(() => {
          let o = 0;
          for (const v of all) {
            v.assign(tf.tensor(weights.slice(o, o + v.size), v.shape));
            o += v.size;
          }
        });
        const x = tf.tensor5d(input.slice(0, rows * s.bodies * T * V * 3), [rows, s.bodies, T, V, 3]);
        const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels.slice(0, rows), 'int32'), s.numClasses));
        let pred: tf.Tensor | null = null;
        const { value, grads: g } = tf.variableGrads(() => {
          const out = net.forward(x, { training: true, updateStats: true });
          pred = tf.keep(tf.argMax(out.logits, 1));
          return tf.losses.softmaxCrossEntropy(y, out.logits) as tf.Scalar;
        }, trainable);
        let o = 0;
        for (const v of trainable) {
          const gv = g[v.name];
          if (gv) grads.set(gv.dataSync() as Float32Array, o);
          else grads.fill(0, o, o + v.size);
          o += v.size;
        }
        const p = (pred as tf.Tensor | null)!.dataSync();
        let correct = 0;
        for (let i = 0; i < rows; i++) if (p[i] === labels[i]) correct++;
        result[0] = value.dataSync()[0];
        result[1] = correct;
        tf.dispose([x, y, value, pred!, ...Object.values(g)]);
        Atomics.store(ctrl, DONE, req);
        Atomics.notify(ctrl, DONE);
      }
      net.dispose();
    } catch (e) {
      fail(e);
    }
  })();
}
