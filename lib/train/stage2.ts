/**
 * Stage 2 (cross-modal VAE training), the way the public code runs it (docs/paper-vs-code.md §2-3):
 * cycles × steps, a fresh random batch every step, KL and alignment schedules restarted each
 * cycle, Adam; after every cycle the stage-3 unseen classifier (stage3.ts) is trained on sampled
 * text latents and evaluated on the skeleton encoder's μ of the evaluation sets.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { loadedModuleGraphVersion } from '../util/code-version';
import { FsvaeModel } from '../model/fsvae';
import { LossPartTensors, fsvaeLoss, readLossParts } from '../model/loss';
import { configuredAlignmentForm } from '../losses';
import { Random } from '../util/random';
import { FsvaeInputError } from '../util/assert';
import { TextMatrix } from '../data/matrices';
import { Adam, AdamState } from './adam';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { FsvaeConfig, scheduleAt } from './config';
import { FeatureSet, checkFeatureSet } from '../data/matrices';
import { FusedStage2Step, StepDraws, StepLosses, fusedStepUnsupported } from './fused-step';
import { PrecomputedBands } from '../frequency/enhancer';
import { encodeSkeletonMeans, hostArray, trainUnseenClassifier, zslAccuracy } from './stage3';

export { argmaxRows, encodeSkeletonMeans, hostArray, trainUnseenClassifier, zslAccuracy } from './stage3';

export interface Stage2Inputs {
  /** seen-class training samples. */
  train: FeatureSet;
  /** class ids of the unseen classes (any order; sorted internally as the code does). */
  unseen: number[];
  /** normalised text features (Eq. 5), one row per class of the full class space. */
  text: TextMatrix;
  /** evaluated after every cycle; must contain 'ztest' (unseen-class samples: ZSL accuracy). */
  evalSets: Record<string, FeatureSet>;
}

/** The loss terms of a step (StepLosses); averaged over a cycle's steps in a CycleRecord. */
export type LossMeans = StepLosses;

export interface CycleRecord {
  cycle: number;
  /** per-sample top-1 accuracy on evalSets.ztest among the unseen classes. */
  zslAccuracy: number;
  /** mean losses over the cycle's steps. */
  losses: LossMeans;
  /** frequency parameters at the end of the cycle. */
  skeletonFrequency: { k: number; wMean: number };
  textFrequency: { k: number; wMean: number };
  wallSeconds: number;
}

export interface Stage2Result {
  config: FsvaeConfig;
  seed: number;
  unseenSorted: number[];
  cycles: CycleRecord[];
  /** per cycle, per evaluation set: unseen-classifier softmax (rows × |unseen|). */
  softmax: Record<string, Float32Array>[];
  /** per cycle, for opts.latentsOf: skeleton-encoder means μ_s (rows × latentDim). Not checkpointed: empty for cycles before a resume. */
  latents: Record<string, Float32Array>[];
  stepsPerSecond: number;
  resumedFromCycle: number | null;
  /** how gradients were computed (see Stage2Options.engine). */
  engine: 'fused' | 'autodiff';
}

export interface Stage2Progress {
  cycle: number;
  step: number;
  stepsPerCycle: number;
  cycles: number;
  loss: number;
  stepsPerSecond: number;
}

export interface Stage2Options {
  seed: number;
  /** checkpoint at the end of every cycle; resume from it when present and matching. */
  checkpointDir?: string;
  onProgress?: (p: Stage2Progress) => void;
  /** every cycle of the run, also those restored from a checkpoint (then `restored` is true) */
  onCycle?: (c: CycleRecord & { restored?: boolean }) => void;
  /** rows per chunk when evaluating large sets. */
  evalChunk?: number;
  /** evaluation sets whose skeleton-encoder means μ_s (rows × latent) are kept after every cycle (e.g. for t-SNE). */
  latentsOf?: string[];
  /**
   * How gradients are computed: 'fused' (hand-written backward, lib/train/fused-step.ts; wasm and
   * cpu backends), 'autodiff' (tfjs gradient tape), 'auto' (default: fused where supported, else
   * autodiff). Same loss and random draws; results agree up to
   * float32 rounding.
   */
  engine?: Stage2Engine;
  /** when given, the wall time of every training step (ms) is appended to it (benchmarks). */
  stepTimes?: number[];
}

export type Stage2Engine = 'auto' | 'fused' | 'autodiff';

/**
 * The engine a run with `requested` uses for `cfg` on the active backend: the one place where the
 * stage-2 engine is decided (trainStage2, runZeroShotSeeds for both phases, the CLI's labels).
 * The answer depends on the backend, so it needs one: before any backend is active (before
 * initBackend, or before the first tensor) it throws instead of answering 'autodiff' for a run
 * that will then train on the fused engine.
 */
export function resolveStage2Engine(cfg: FsvaeConfig, requested: Stage2Engine = 'auto'): 'fused' | 'autodiff' {
  if (!tf.getBackend()) {
    throw new Error('resolveStage2Engine: no tfjs backend is active yet, and the stage-2 engine depends on it; call it after initBackend().');
  }
  if (!['auto', 'fused', 'autodiff'].includes(requested)) throw new FsvaeInputError(`stage-2 engine '${requested}': use auto, fused or autodiff.`);
  const why = fusedStepUnsupported(cfg);
  if (requested === 'fused' && why) throw new FsvaeInputError(`stage 2: the fused engine cannot run this configuration: ${why}. Use engine 'autodiff'.`);
  return requested === 'autodiff' || why ? 'autodiff' : 'fused';
}

function fingerprint(cfg: FsvaeConfig, seed: number, inputs: Stage2Inputs): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(cfg));
  h.update(String(seed));
  h.update(JSON.stringify(inputs.unseen));
  for (const f of [inputs.train, ...Object.values(inputs.evalSets)]) {
    h.update(Buffer.from(f.features.buffer, f.features.byteOffset, f.features.byteLength));
    h.update(Buffer.from(f.labels.buffer, f.labels.byteOffset, f.labels.byteLength));
  }
  h.update(Buffer.from(inputs.text.data.buffer, inputs.text.data.byteOffset, inputs.text.data.byteLength));
  return h.digest('hex');
}

function validate(cfg: FsvaeConfig, inputs: Stage2Inputs): number[] {
  const C = inputs.text.rows;
  checkFeatureSet(inputs.train, 'stage 2 training features', C);
  if (!inputs.evalSets.ztest) throw new FsvaeInputError("stage 2: evalSets must contain 'ztest' (unseen-class test samples) for the ZSL accuracy.");
  for (const [k, f] of Object.entries(inputs.evalSets)) {
    checkFeatureSet(f, `evaluation set '${k}'`, C);
    if (f.dim !== inputs.train.dim) throw new FsvaeInputError(`evaluation set '${k}' has ${f.dim} features, training has ${inputs.train.dim}.`);
  }
  const unseen = [...inputs.unseen].sort((a, b) => a - b);
  if (unseen.length < 2) throw new FsvaeInputError(`stage 2: need at least 2 unseen classes, got [${unseen.join(', ')}].`);
  if (new Set(unseen).size !== unseen.length) throw new FsvaeInputError(`stage 2: duplicate unseen classes in [${inputs.unseen.join(', ')}].`);
  for (const u of unseen) if (u < 0 || u >= C) throw new FsvaeInputError(`stage 2: unseen class ${u} is outside the ${C} text rows.`);
  const unseenSet = new Set(unseen);
  for (let i = 0; i < inputs.train.rows; i++) {
    if (unseenSet.has(inputs.train.labels[i])) {
      throw new FsvaeInputError(`stage 2: training row ${i} has unseen class ${inputs.train.labels[i]}; training must use seen classes only.`);
    }
  }
  const z = inputs.evalSets.ztest;
  for (let i = 0; i < z.rows; i++) {
    if (!unseenSet.has(z.labels[i])) throw new FsvaeInputError(`stage 2: ztest row ${i} has class ${z.labels[i]}, which is not unseen.`);
  }
  if (inputs.train.rows < cfg.batchSize) throw new FsvaeInputError(`stage 2: ${inputs.train.rows} training rows < batch size ${cfg.batchSize}.`);
  return unseen;
}

/** Negatives i⁻: the code's random permutation of the batch (a negative may share the anchor's class). */
function drawNegatives(rng: Random, batchSize: number): Int32Array {
  return rng.permutation(batchSize);
}

/**
 * The code version a checkpoint records: a hash of the compiled modules that define a stage-2
 * step (this trainer, the unseen classifier, the fused step, Adam, the model, the losses, the
 * frequency enhancer), so a
 * checkpoint is never resumed by different training code.
 */
export function stage2CodeVersion(): string {
  // every library module stage 2 reaches (its static import graph), not a hand list
  if (cachedCodeVersion === null) cachedCodeVersion = `stage-2 code ${loadedModuleGraphVersion(__filename).slice(0, 12)}`;
  return cachedCodeVersion;
}
let cachedCodeVersion: string | null = null;

interface CheckpointMeta {
  fingerprint: string;
  /** what a resume must match besides the fingerprint (configuration, seed, data): engine, preset name, code version */
  run: { engine: 'fused' | 'autodiff'; preset: string; code: string };
  nextCycle: number;
  rng: { state: number; spareNormal: number | null };
  adamStep: number;
  cycles: CycleRecord[];
  stepsDone: number;
  trainSeconds: number;
}

/**
 * The stage-2 loss of one step: the model's loss (lib/model/loss.ts, Eq. 8) on the step's batch,
 * draws and schedule weights — what the autodiff engine minimises, and the reference the fused
 * engine's hand-written gradients are tested against.
 */
export function stage2LossAutodiff(
  model: FsvaeModel,
  cfg: FsvaeConfig,
  sched: ReturnType<typeof scheduleAt>,
  train: FeatureSet,
  text: TextMatrix,
  textBands: PrecomputedBands,
  draws: StepDraws,
): { loss: tf.Scalar; parts: LossPartTensors } {
  const B = draws.batch.length;
  const labels = new Int32Array(B);
  // constant inputs are assembled in JS (wasm's GatherV2 is slow on wide rows and they need no gradient)
  const xsData = new Float32Array(B * train.dim);
  const xtData = new Float32Array(B * text.cols);
  for (let i = 0; i < B; i++) {
    const r = draws.batch[i];
    labels[i] = train.labels[r];
    xsData.set(train.features.subarray(r * train.dim, (r + 1) * train.dim), i * train.dim);
    xtData.set(text.data.subarray(labels[i] * text.cols, (labels[i] + 1) * text.cols), i * text.cols);
  }
  const batch = { xs: tf.tensor2d(xsData, [B, train.dim]), xt: tf.tensor2d(xtData, [B, text.cols]), y: tf.tensor1d(labels, 'int32'), textBands };
  return fsvaeLoss(model, batch, draws, {
    betaSkeleton: sched.betaSkeleton,
    betaText: sched.betaText,
    alignActive: sched.alignActive,
    alignCoefficient: sched.alignCoefficient,
    alignment: configuredAlignmentForm(cfg.alignment, { text: text.cols, skeleton: train.dim }),
    reparameterisation: cfg.reparameterisation,
  });
}

/** Runs stages 2 and 3 for one seed. */
/** The model a stage-2 configuration trains (the config's latent size, decoder, FM of both encoders). */
export function stage2Model(cfg: FsvaeConfig, skeletonDim: number, textDim: number, seed: number): FsvaeModel {
  return new FsvaeModel(
    {
      skeletonDim,
      textDim,
      latentDim: cfg.latentDim,
      decoderActivation: cfg.decoderActivation,
      skeletonFrequency: cfg.skeletonFrequency,
      textFrequency: cfg.textFrequency,
      reparameterisation: cfg.reparameterisation,
      initGain: 0.5,
    },
    seed,
  );
}

export async function trainStage2(cfg: FsvaeConfig, inputs: Stage2Inputs, opts: Stage2Options): Promise<Stage2Result> {
  const unseenSorted = validate(cfg, inputs);
  const { train, text } = inputs;
  const model = stage2Model(cfg, train.dim, text.cols, opts.seed);
  const rng = new Random(opts.seed * 7919 + 1);
  const params = model.variables;
  const adam = new Adam(params, { learningRate: cfg.learningRate });
  const textTable = tf.keep(tf.tensor2d(text.data, [text.rows, text.cols]));
  const textBands = model.textEncoder.frequency.precomputeBands(textTable);
  const fp = fingerprint(cfg, opts.seed, inputs);
  const ckptName = `stage2-seed${opts.seed}`;
  let cycles: CycleRecord[] = [];
  const softmax: Record<string, Float32Array>[] = [];
  const latents: Record<string, Float32Array>[] = [];
  let startCycle = 0;
  let resumedFromCycle: number | null = null;
  let stepsDone = 0;
  let trainSeconds = 0;

  const engine = resolveStage2Engine(cfg, opts.engine);
  const runId: CheckpointMeta['run'] = { engine, preset: cfg.name, code: stage2CodeVersion() };
  if (opts.checkpointDir) {
    const ck = loadCheckpoint<CheckpointMeta>(opts.checkpointDir, ckptName);
    if (ck) {
      const was = ck.meta.run ?? { engine: '?', preset: '?', code: '?' };
      const diff = [
        ck.meta.fingerprint !== fp ? 'the configuration, seed or data' : '',
        was.engine !== runId.engine ? `the stage-2 engine (checkpoint ${was.engine}, now ${runId.engine})` : '',
        was.preset !== runId.preset ? `the preset (checkpoint ${was.preset}, now ${runId.preset})` : '',
        was.code !== runId.code ? `the code version (checkpoint ${was.code}, now ${runId.code})` : '',
      ].filter((d) => d);
      if (diff.length) {
        adam.dispose();
        textBands.dispose();
        tf.dispose([textTable]);
        model.dispose();
        throw new FsvaeInputError(
          `stage 2: the checkpoint ${opts.checkpointDir}/${ckptName} was written by a different run (${diff.join('; ')}), ` +
            'so it cannot be resumed; use another checkpoint folder or delete it to start over.',
        );
      }
      tf.tidy(() => params.forEach((p, i) => p.assign(tf.tensor(ck.arrays[`param${i}`], p.shape))));
      adam.setState({ step: ck.meta.adamStep, m: params.map((_, i) => ck.arrays[`m${i}`]), v: params.map((_, i) => ck.arrays[`v${i}`]) });
      rng.setState(ck.meta.rng);
      cycles = ck.meta.cycles;
      for (let c = 0; c < cycles.length; c++) {
        const rec: Record<string, Float32Array> = {};
        for (const name of Object.keys(inputs.evalSets)) rec[name] = ck.arrays[`softmax${c}/${name}`];
        softmax.push(rec);
      }
      startCycle = ck.meta.nextCycle;
      resumedFromCycle = startCycle;
      stepsDone = ck.meta.stepsDone;
      trainSeconds = ck.meta.trainSeconds;
      for (const c of cycles) opts.onCycle?.({ ...c, restored: true });
    }
  }

  const B = cfg.batchSize;
  const align = cfg.alignment;
  let fused: FusedStage2Step | null = null;
  // The autodiff engine's step losses stay on the device until read together at the next progress
  // point (a read per step would stall a GPU); the fused engine's are host numbers already.
  let unread: { step: number; parts: StepLosses | LossPartTensors }[] = [];
  const disposeUnread = () => tf.dispose(unread.flatMap(({ parts }) => (typeof parts.total === 'number' ? [] : Object.values(parts as LossPartTensors))));
  try {
    if (engine === 'fused') fused = new FusedStage2Step(model, cfg, train, text, model.textEncoder.frequency.w ? textBands : null);
    for (let cycle = startCycle; cycle < cfg.schedule.cycles; cycle++) {
      const t0 = Date.now();
      const sums: LossMeans = { total: 0, reconstruction: 0, kl: 0, alignment: 0 };
      /** Checks and sums one step's losses, in step order; reports progress every 25 steps and at the last. */
      const account = (step: number, parts: StepLosses) => {
        const loss = parts.total;
        if (!Number.isFinite(loss)) {
          throw new Error(
            `stage 2 diverged: loss ${loss} at cycle ${cycle}, step ${step} ` +
              `(reconstruction ${parts.reconstruction}, KL ${parts.kl}, alignment ${parts.alignment}). ` +
              'Lower the learning rate or check the input features.',
          );
        }
        sums.total += loss;
        sums.reconstruction += parts.reconstruction;
        sums.kl += parts.kl;
        sums.alignment += parts.alignment;
        stepsDone++;
        if (opts.onProgress && (step % 25 === 0 || step === cfg.schedule.stepsPerCycle - 1)) {
          const elapsed = trainSeconds + (Date.now() - t0) / 1000;
          opts.onProgress({
            cycle,
            step,
            stepsPerCycle: cfg.schedule.stepsPerCycle,
            cycles: cfg.schedule.cycles,
            loss,
            stepsPerSecond: stepsDone / Math.max(elapsed, 1e-9),
          });
        }
      };
      for (let step = 0; step < cfg.schedule.stepsPerCycle; step++) {
        const stepStart = opts.stepTimes ? performance.now() : 0;
        const sched = scheduleAt(cfg, cycle, step);
        const batch = rng.sampleWithoutReplacement(train.rows, B);
        const labels = new Int32Array(B);
        for (let i = 0; i < B; i++) labels[i] = train.labels[batch[i]];
        // random draws happen every step whether or not the alignment term is active, so the stream does not depend on it
        const negatives = drawNegatives(rng, labels.length);
        const skeletonNegatives = align.loss === 'calibrated-reference' ? null : drawNegatives(rng, labels.length);
        const epsDraws = { s: new Random(0), t: new Random(0) };
        epsDraws.s.setState({ state: Math.floor(rng.uniform() * 2 ** 32), spareNormal: null });
        epsDraws.t.setState({ state: Math.floor(rng.uniform() * 2 ** 32), spareNormal: null });
        const epsCount = cfg.reparameterisation === 'reference' ? B : B * cfg.latentDim;
        const draws: StepDraws = { batch, negatives, skeletonNegatives, epsSkeleton: epsDraws.s.normals(epsCount), epsText: epsDraws.t.normals(epsCount) };
        if (fused) unread.push({ step, parts: fused.step(adam, cycle, step, draws) });
        else {
          let terms: Omit<LossPartTensors, 'total'> | null = null;
          const total = adam.minimize(() => {
            const { loss, parts } = stage2LossAutodiff(model, cfg, sched, train, text, textBands, draws);
            terms = { reconstruction: tf.keep(parts.reconstruction), kl: tf.keep(parts.kl), alignment: tf.keep(parts.alignment) };
            return loss;
          });
          unread.push({ step, parts: { ...terms!, total } });
        }
        // step times include the read, so they measure finished work
        if (opts.stepTimes || step % 25 === 0 || step === cfg.schedule.stepsPerCycle - 1) {
          const values = await Promise.all(unread.map(({ parts }) => readLossParts(parts)));
          const steps = unread.map(({ step }) => step);
          disposeUnread();
          unread = [];
          values.forEach((v, i) => account(steps[i], v));
        }
        opts.stepTimes?.push(performance.now() - stepStart);
      }
      trainSeconds += (Date.now() - t0) / 1000;
      // stage 3: fresh unseen classifier on this cycle's text encoder
      const enhancedText = model.textEncoder.frequency.applyPrecomputed(textBands);
      const out = await trainUnseenClassifier(model, enhancedText, unseenSorted, cfg, rng, inputs.evalSets, opts.evalChunk);
      enhancedText.dispose();
      softmax.push(out);
      const kept: Record<string, Float32Array> = {};
      for (const name of opts.latentsOf ?? []) {
        const set = inputs.evalSets[name];
        if (!set)
          throw new FsvaeInputError(
            `stage 2 latentsOf: '${name}' is not an evaluation set of this phase ` + `(have ${Object.keys(inputs.evalSets).join(', ')}).`,
          );
        kept[name] = await hostArray(() => encodeSkeletonMeans(model, set, opts.evalChunk));
      }
      latents[cycle] = kept;
      const n = cfg.schedule.stepsPerCycle;
      const snapS = await model.skeletonEncoder.frequency.snapshot();
      const snapT = await model.textEncoder.frequency.snapshot();
      const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
      const record: CycleRecord = {
        cycle,
        zslAccuracy: zslAccuracy(out.ztest, unseenSorted, inputs.evalSets.ztest.labels),
        losses: { total: sums.total / n, reconstruction: sums.reconstruction / n, kl: sums.kl / n, alignment: sums.alignment / n },
        skeletonFrequency: { k: snapS.k, wMean: mean(snapS.w) },
        textFrequency: { k: snapT.k, wMean: mean(snapT.w) },
        wallSeconds: (Date.now() - t0) / 1000,
      };
      cycles.push(record);
      opts.onCycle?.(record);
      if (opts.checkpointDir) {
        const st: AdamState = await adam.getState();
        const arrays: Record<string, Float32Array> = {};
        const values = await Promise.all(params.map(async (p) => ((await p.data()) as Float32Array).slice()));
        values.forEach((v, i) => (arrays[`param${i}`] = v));
        st.m.forEach((a, i) => (arrays[`m${i}`] = a));
        st.v.forEach((a, i) => (arrays[`v${i}`] = a));
        softmax.forEach((rec, c) => Object.entries(rec).forEach(([name, a]) => (arrays[`softmax${c}/${name}`] = a)));
        saveCheckpoint<CheckpointMeta>(opts.checkpointDir, ckptName, {
          meta: { fingerprint: fp, run: runId, nextCycle: cycle + 1, rng: rng.getState(), adamStep: st.step, cycles, stepsDone, trainSeconds },
          arrays,
        });
      }
    }
  } finally {
    // also on divergence or bad input: free the model so later runs in this process can register theirs
    disposeUnread();
    fused?.dispose();
    adam.dispose();
    textBands.dispose();
    tf.dispose([textTable]);
    model.dispose();
  }
  for (let c = 0; c < cycles.length; c++) latents[c] ??= {};
  return {
    config: cfg,
    seed: opts.seed,
    unseenSorted,
    cycles,
    softmax,
    latents,
    stepsPerSecond: stepsDone / Math.max(trainSeconds, 1e-9),
    resumedFromCycle,
    engine,
  };
}
