/**
 * Stage-1 training: a skeleton GCN trained on the train-side samples of the training classes
 * only (the split's seen classes, or the val-seen classes for the gate's extractor), with their
 * ORIGINAL labels and a classifier over all numClasses outputs (docs/paper-vs-code.md §1: SynSE's
 * Shift-GCN keeps the full 60/120 outputs). Every batch passes TrainingBatchBuilder's guard.
 *
 * Loop: per epoch a seeded permutation of the allowed samples, batches of batchSize (the last
 * incomplete batch is dropped, as Shift-GCN's drop_last, unless there are fewer samples than one
 * batch), augmentation, softmax cross-entropy, SGD (momentum, Nesterov, weight decay) or Adam,
 * LR schedule per step. A checkpoint (weights, BN statistics, optimiser slots, RNG state, history)
 * is written atomically after every epoch and resumed from when its fingerprint (configuration,
 * seed, training samples) matches. Deterministic by seed on a given backend.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { FsvaeInputError } from '../util/assert';
import { Random } from '../util/random';
import { JointLayout } from '../data/layouts';
import { SkeletonSequence } from '../data/skeleton';
import { loadCheckpoint, saveCheckpoint } from '../train/checkpoint';
import { Stage1Config, lrFactor, validateStage1Config } from './config';
import { ClipBatch, ResolvedInput, SelectionCounts, TrainingBatchBuilder, TrainingSelection, commonLayout, packClips, resolveInput } from './input';
import { EVAL } from './layers';
import { SkeletonNet } from './model';
import { createSkeletonNet } from './net';
import { Stage1Opt } from './optim';
import { DataParallelGradients, dataParallelAvailable } from './data-parallel';

export interface Stage1Progress {
  epoch: number;
  epochs: number;
  /** step inside the epoch, 1-based */
  step: number;
  stepsPerEpoch: number;
  loss: number;
  /** running top-1 accuracy over the epoch's batches so far (augmented samples, all-class argmax) */
  trainAccuracy: number;
  learningRate: number;
  stepsPerSecond: number;
  sequencesPerSecond: number;
}

export interface Stage1EpochRecord {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  learningRate: number;
  seconds: number;
}

export interface Stage1TrainOptions {
  seed: number;
  /** checkpoint after every epoch; resume from it when present and matching */
  checkpointDir?: string;
  /** file stem of the checkpoint (default 'stage1') */
  checkpointName?: string;
  onProgress?: (p: Stage1Progress) => void;
  onEpoch?: (r: Stage1EpochRecord) => void;
  /** sees the ids of every training batch (audits) */
  onBatch?: (ids: readonly string[], labels: Int32Array) => void;
  /** stop after this many epochs in this call (the checkpoint then resumes the rest) */
  stopAfterEpochs?: number;
}

export interface Stage1TrainResult {
  net: SkeletonNet;
  config: Stage1Config;
  input: ResolvedInput;
  layout: JointLayout;
  numClasses: number;
  /** sorted training classes */
  classes: number[];
  counts: SelectionCounts;
  history: Stage1EpochRecord[];
  /** epochs completed (less than config.train.epochs when stopped early) */
  epochsDone: number;
  stepsPerSecond: number;
  sequencesPerSecond: number;
  /** the epoch training resumed from, or null */
  resumedFromEpoch: number | null;
  fingerprint: string;
  /** threads that computed each batch's gradient (1, or 2 with data parallelism) */
  workers: number;
}

interface CheckpointMeta {
  fingerprint: string;
  nextEpoch: number;
  rng: { state: number; spareNormal: number | null };
  optStep: number;
  history: Stage1EpochRecord[];
  weightNames: string[];
}

function fingerprintOf(
  cfg: Stage1Config,
  seed: number,
  input: ResolvedInput,
  selection: TrainingSelection,
  builder: TrainingBatchBuilder,
  workers: number,
): string {
  const h = createHash('sha256');
  h.update(
    JSON.stringify({
      model: cfg.model,
      input,
      train: cfg.train,
      seed,
      numClasses: selection.numClasses,
      classes: [...selection.classes].sort((a, b) => a - b),
      workers,
    }),
  );
  for (const i of builder.eligible) {
    const s = builder.sequences[i];
    h.update(`${s.id}\u0000${s.label}\u0000${s.bodies}\u0000${s.frames}\u0000`);
    h.update(new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength));
  }
  return h.digest('hex');
}

/** Trains a stage-1 network (see the module comment). The caller disposes result.net. */
export async function trainStage1(
  cfg: Stage1Config,
  sequences: readonly SkeletonSequence[],
  selection: TrainingSelection,
  opts: Stage1TrainOptions,
): Promise<Stage1TrainResult> {
  validateStage1Config(cfg);
  if (!Number.isInteger(opts.seed) || opts.seed < 0) throw new FsvaeInputError(`stage 1 training: seed must be a non-negative integer, got ${opts.seed}.`);
  const layout = commonLayout(sequences, 'stage 1 training');
  const input = resolveInput(cfg.input, sequences);
  const builder = new TrainingBatchBuilder(sequences, selection, input);
  const classes = [...new Set(selection.classes)].sort((a, b) => a - b);
  const C = selection.numClasses;
  const { epochs, batchSize, augment } = cfg.train;

  const rng = new Random(opts.seed);
  const net = createSkeletonNet(cfg.model, { layout, bodies: input.bodies, numClasses: C }, rng.fork());
  const dataRng = rng.fork();
  const opt = new Stage1Opt(net.params.trainable(), cfg.train.optimizer);
  const n = builder.eligible.length;
  const bs = Math.min(batchSize, n);
  // dataParallelAvailable() is false on backends without host memory (the worker is a CPU route)
  const workers = (cfg.train.workers ?? 1) > 1 && bs >= 2 && dataParallelAvailable() ? 2 : 1;
  const fp = fingerprintOf(cfg, opts.seed, input, selection, builder, workers);
  const ckName = opts.checkpointName ?? 'stage1';
  let history: Stage1EpochRecord[] = [];
  let startEpoch = 0;
  let resumedFromEpoch: number | null = null;
  const weightNames = net.params.entries.map((e) => e.name);
  if (opts.checkpointDir) {
    const ck = loadCheckpoint<CheckpointMeta>(opts.checkpointDir, ckName);
    if (ck && ck.meta.fingerprint === fp) {
      const w: Record<string, Float32Array> = {};
      for (const n of ck.meta.weightNames) w[n] = ck.arrays[`w/${n}`];
      net.params.restore(w, `checkpoint ${opts.checkpointDir}/${ckName}`);
      const slots: Float32Array[] = [];
      for (let k = 0; ck.arrays[`opt/${k}`]; k++) slots.push(ck.arrays[`opt/${k}`]);
      opt.setState({ step: ck.meta.optStep, slots });
      dataRng.setState(ck.meta.rng);
      history = ck.meta.history;
      startEpoch = ck.meta.nextEpoch;
      resumedFromEpoch = startEpoch;
    }
  }

  const stepsPerEpoch = n < batchSize ? 1 : Math.floor(n / batchSize);
  const clipSize = input.bodies * input.frames * layout.joints.length * 3;
  const dp =
    workers > 1
      ? new DataParallelGradients({
          model: cfg.model,
          layout: layout.name,
          bodies: input.bodies,
          numClasses: C,
          frames: input.frames,
          maxRows: bs - Math.ceil(bs / 2),
          all: net.params.entries.map((e) => e.variable),
          trainable: opt.params,
        })
      : null;
  const lastEpoch = Math.min(epochs, opts.stopAfterEpochs !== undefined ? startEpoch + opts.stopAfterEpochs : epochs);
  let trainSeconds = 0;
  let stepsRun = 0;
  try {
    for (let epoch = startEpoch; epoch < lastEpoch; epoch++) {
      const t0 = Date.now();
      const perm = dataRng.permutation(n);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let lr = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const idx = Array.from(perm.subarray(s * bs, (s + 1) * bs), (k) => builder.eligible[k]);
        const batch = builder.build(idx, { config: augment, rng: dataRng });
        opts.onBatch?.(batch.ids, batch.labels);
        lr = cfg.train.optimizer.learningRate * lrFactor(cfg.train.schedule, epochs, epoch, s / stepsPerEpoch);
        const { loss, correct: ok } = await stage1Step({ net, opt, dp, numClasses: C, clipSize }, batch, lr);
        correct += ok;
        if (!Number.isFinite(loss)) {
          net.dispose();
          throw new FsvaeInputError(
            `stage 1 training: the loss became ${loss} at epoch ${epoch + 1}, step ${s + 1} (lr ${lr}); ` +
              'lower the learning rate or check the input for extreme coordinates.',
          );
        }
        seen += idx.length;
        lossSum += loss;
        stepsRun++;
        const elapsed = trainSeconds + (Date.now() - t0) / 1000;
        opts.onProgress?.({
          epoch: epoch + 1,
          epochs,
          step: s + 1,
          stepsPerEpoch,
          loss,
          trainAccuracy: correct / seen,
          learningRate: lr,
          stepsPerSecond: elapsed > 0 ? stepsRun / elapsed : 0,
          sequencesPerSecond: elapsed > 0 ? (stepsRun * bs) / elapsed : 0,
        });
      }
      const seconds = (Date.now() - t0) / 1000;
      trainSeconds += seconds;
      const rec: Stage1EpochRecord = { epoch: epoch + 1, loss: lossSum / stepsPerEpoch, trainAccuracy: correct / seen, learningRate: lr, seconds };
      history.push(rec);
      opts.onEpoch?.(rec);
      if (opts.checkpointDir) {
        const arrays: Record<string, Float32Array> = {};
        const snap = await net.params.snapshot();
        for (const k of weightNames) arrays[`w/${k}`] = snap[k];
        const st = await opt.getState();
        st.slots.forEach((a, k) => (arrays[`opt/${k}`] = a));
        saveCheckpoint<CheckpointMeta>(opts.checkpointDir, ckName, {
          meta: { fingerprint: fp, nextEpoch: epoch + 1, rng: dataRng.getState(), optStep: st.step, history, weightNames },
          arrays,
        });
      }
    }
  } finally {
    dp?.dispose();
    opt.dispose();
  }
  return {
    net,
    config: cfg,
    input,
    layout,
    numClasses: C,
    classes,
    counts: { ...builder.counts },
    history,
    workers,
    epochsDone: Math.max(startEpoch, lastEpoch),
    stepsPerSecond: trainSeconds > 0 ? stepsRun / trainSeconds : 0,
    sequencesPerSecond: trainSeconds > 0 ? (stepsRun * bs) / trainSeconds : 0,
    resumedFromEpoch,
    fingerprint: fp,
  };
}

/** What one training step needs: the network, its optimiser and, for data parallelism, the worker. */
export interface Stage1StepContext {
  net: SkeletonNet;
  opt: Stage1Opt;
  dp: DataParallelGradients | null;
  numClasses: number;
  /** values per clip (M·T·V·3) */
  clipSize: number;
}

/**
 * One training step on a batch: softmax cross-entropy over all classes, gradient, optimiser
 * update. With a data-parallel worker (backends with host memory only) the worker takes the second
 * half of the batch and this thread the first; the gradients and losses are averaged with weights
 * proportional to the halves. Resolves to the batch's mean loss and how many argmax predictions
 * were right, read asynchronously after the update is issued.
 */
export async function stage1Step(ctx: Stage1StepContext, batch: ClipBatch, lr: number): Promise<{ loss: number; correct: number }> {
  const { net, opt, dp, numClasses: C, clipSize } = ctx;
  const rows = batch.labels.length;
  const half = dp ? Math.ceil(rows / 2) : rows;
  if (dp && rows - half > 0) dp.start(batch.data.subarray(half * clipSize), batch.labels.subarray(half), batch.shape[2]);
  const labelsA = batch.labels.subarray(0, half);
  const x = tf.tensor(batch.data.subarray(0, half * clipSize), [half, ...batch.shape.slice(1)] as [number, number, number, number, number]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labelsA, 'int32'), C));
  const kept: { pred?: tf.Tensor } = {};
  const { value, grads } = tf.variableGrads(() => {
    const out = net.forward(x, { training: true, updateStats: true });
    kept.pred = tf.keep(tf.argMax(out.logits, 1));
    return tf.losses.softmaxCrossEntropy(y, out.logits) as tf.Scalar;
  }, opt.params);
  let update: tf.NamedTensorMap = grads;
  try {
    let dpPart: { loss: number; correct: number; wa: number } | null = null;
    if (dp && rows - half > 0) {
      const other = dp.finish();
      const wa = half / rows;
      const live = opt.params.flatMap((v, i) => (grads[v.name] ? [i] : []));
      const own = await Promise.all(live.map((i) => grads[opt.params[i].name].data()));
      update = {};
      live.forEach((i, k) => {
        const v = opt.params[i];
        const a = own[k] as Float32Array;
        const b = other.grads[i];
        const g = new Float32Array(a.length);
        for (let j = 0; j < a.length; j++) g[j] = wa * a[j] + (1 - wa) * b[j];
        update[v.name] = tf.tensor(g, v.shape);
      });
      dpPart = { loss: other.loss, correct: other.correct, wa };
    }
    await opt.apply(update, lr);
    const [lossValue, p] = await Promise.all([value.data(), kept.pred!.data()]);
    let loss = lossValue[0];
    let correct = 0;
    for (let i = 0; i < half; i++) if (p[i] === labelsA[i]) correct++;
    if (dpPart) {
      correct += dpPart.correct;
      loss = dpPart.wa * loss + (1 - dpPart.wa) * dpPart.loss;
    }
    return { loss, correct };
  } finally {
    tf.dispose([x, y, kept.pred!, value, ...Object.values(grads), ...(update === grads ? [] : Object.values(update))]);
  }
}

export interface ExtractedFeatures {
  rows: number;
  dim: number;
  /** rows × dim */
  features: Float32Array;
  numClasses: number;
  /** rows × numClasses */
  logits: Float32Array;
  labels: Int32Array;
  ids: string[];
}

/** Eval-mode features and logits of `sequences` (any classes, any side), in batches (one asynchronous read per batch). */
export async function extractFeatures(
  net: SkeletonNet,
  sequences: readonly SkeletonSequence[],
  input: ResolvedInput,
  batchSize = 32,
): Promise<ExtractedFeatures> {
  const D = net.featureDim;
  const C = net.shape.numClasses;
  const rows = sequences.length;
  const features = new Float32Array(rows * D);
  const logits = new Float32Array(rows * C);
  if (rows > 0) commonLayout(sequences, 'stage 1 feature extraction');
  for (const s of sequences) {
    if (s.layout !== net.shape.layout.name)
      throw new FsvaeInputError(
        `stage 1 feature extraction: sequence ${s.id} has layout ${s.layout}, ` + `the network was built for ${net.shape.layout.name}.`,
      );
  }
  for (let r = 0; r < rows; r += batchSize) {
    const part = sequences.slice(r, r + batchSize);
    const b = packClips(part, input, net.shape.layout);
    const x = tf.tensor(b.data, b.shape);
    const out = net.forward(x, EVAL);
    try {
      const [f, l] = await Promise.all([out.features.data(), out.logits.data()]);
      features.set(f, r * D);
      logits.set(l, r * C);
    } finally {
      tf.dispose([x, out.features, out.logits]);
    }
  }
  return { rows, dim: D, features, numClasses: C, logits, labels: Int32Array.from(sequences.map((s) => s.label)), ids: sequences.map((s) => s.id) };
}

/**
 * Top-1 accuracy of logits (rows × C) against labels; with `among`, the argmax runs over those
 * classes only (e.g. the seen classes). NaN when there are no rows.
 */
export function top1Accuracy(logits: Float32Array, labels: Int32Array, numClasses: number, among?: readonly number[]): number {
  const rows = labels.length;
  if (rows === 0) return NaN;
  const cand = among ? [...among] : Array.from({ length: numClasses }, (_, c) => c);
  let ok = 0;
  for (let i = 0; i < rows; i++) {
    let best = cand[0];
    for (const c of cand) if (logits[i * numClasses + c] > logits[i * numClasses + best]) best = c;
    if (best === labels[i]) ok++;
  }
  return ok / rows;
}
