/**
 * Stages 2-4 on one dataset + split + preset, for several seeds, under an explicit protocol.
 *
 *  phase train: VAE + unseen classifier on the split's seen classes (folder shift_{ss}_r),
 *               evaluated after every cycle on ztest (ZSL) and gtest (GZSL);
 *  phase val:   the same on the pseudo split inside the seen classes (shift_val_{ss}_r):
 *               train on val-seen, evaluate on val-unseen (ztest) and held-out val-seen (val).
 *
 * Protocols (which cycle's model is reported):
 *  'clean'     — the cycle with the best val-phase ZSL accuracy (validation classes only); the
 *                test set is never used for a choice. Default.
 *  'reference' — the public code's choice: the cycle with the best ZSL accuracy ON THE TEST SET.
 *                Test-set model selection; every output labels it so.
 */
import * as tf from '@tensorflow/tfjs';
import { BenchmarkSplit } from '../data/splits';
import { canRunPhasesInParallel, trainStage2InWorker } from './phase-worker';
import { SynseSplitData } from '../data/synse';
import { TextMatrix } from '../text/compose';
import { FsvaeConfig } from '../train/config';
import { CycleRecord, Stage2Engine, Stage2Progress, Stage2Result, resolveStage2Engine, trainStage2 } from '../train/stage2';
import { FsvaeInputError } from '../util/assert';

export type Protocol = 'clean' | 'reference';

export const PROTOCOL_LABEL: Record<Protocol, string> = {
  clean: 'clean (cycle chosen on the pseudo-unseen validation split)',
  reference: 'reference (cycle chosen on the TEST set, as the public code does)',
};

export interface ZeroShotData {
  split: BenchmarkSplit;
  trainPhase: SynseSplitData;
  valPhase: SynseSplitData;
  text: TextMatrix;
}

export interface SeedOutcome {
  seed: number;
  /** per cycle ZSL accuracy of the train phase (test unseen classes) and of the val phase (pseudo-unseen). */
  testZslByCycle: number[];
  valZslByCycle: number[];
  /** cycle reported by each protocol. */
  cycle: Record<Protocol, number>;
  zsl: Record<Protocol, number>;
  /** the raw stage-2 results (softmax outputs per cycle), for the gate and GZSL. */
  trainResult: Stage2Result;
  valResult: Stage2Result;
}

export interface ZeroShotRunOptions {
  seeds: number[];
  checkpointDir?: string;
  onProgress?: (phase: 'train' | 'val', seed: number, p: Stage2Progress) => void;
  /** called after every cycle of every phase (e.g. to append a JSON line to a log). */
  onCycle?: (phase: 'train' | 'val', seed: number, c: CycleRecord) => void;
  log?: (line: string) => void;
  /** run the val phase in a worker thread next to the train phase (default: when ≥ 2 cores). */
  parallel?: boolean;
  /** train-phase evaluation sets ('ztest', 'gtest') whose latent means are kept per cycle (Stage2Result.latents). */
  latentsOf?: string[];
  /**
   * The stage-2 engine requested (default 'auto'; the CLI's --engine). It is
   * resolved ONCE per run, by resolveStage2Engine on the main thread's active backend, and both
   * phases (the val phase also in its worker thread) train with that engine: they never choose
   * on their own.
   */
  engine?: Stage2Engine;
}

/** The stage-2 engine a run of runZeroShotSeeds/runZeroShotBenchmark with `opts` uses for `cfg` (both phases). */
export async function zeroShotStage2Engine(cfg: FsvaeConfig, opts: Pick<ZeroShotRunOptions, 'engine'> = {}): Promise<'fused' | 'autodiff'> {
  // no backend yet: start the one tfjs would start at the first tensor of the run (registered, highest priority)
  if (!tf.getBackend()) await tf.ready();
  return resolveStage2Engine(cfg, opts.engine);
}

function argmax(a: number[]): number {
  let b = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[b]) b = i;
  return b;
}

/** Runs both phases for every seed and applies both protocols. */
export async function runZeroShotSeeds(cfg: FsvaeConfig, data: ZeroShotData, opts: ZeroShotRunOptions): Promise<SeedOutcome[]> {
  const { split, trainPhase, valPhase, text } = data;
  if (!trainPhase.gtest) throw new FsvaeInputError(`${trainPhase.dir}: phase-train folder has no gtest (needed for GZSL).`);
  if (!valPhase.val) throw new FsvaeInputError(`${valPhase.dir}: phase-val folder has no val set (needed for the gate).`);
  if (text.rows !== split.numClasses) throw new FsvaeInputError(`text features have ${text.rows} classes, split ${split.name} has ${split.numClasses}.`);
  if (opts.seeds.length === 0) throw new FsvaeInputError('runZeroShotSeeds: no seeds given.');
  const parallel = opts.parallel ?? canRunPhasesInParallel();
  // one decision for every seed and both phases (see ZeroShotRunOptions.engine)
  const engine = await zeroShotStage2Engine(cfg, opts);
  const out: SeedOutcome[] = [];
  for (const seed of opts.seeds) {
    const ckpt = (phase: string) => (opts.checkpointDir ? `${opts.checkpointDir}/${phase}` : undefined);
    const valInputs = { train: valPhase.train, unseen: split.valUnseen, text, evalSets: { ztest: valPhase.ztest, val: valPhase.val } };
    const valOpts = {
      seed,
      engine,
      checkpointDir: ckpt('val'),
      onProgress: (p: Stage2Progress) => opts.onProgress?.('val', seed, p),
      onCycle: (c: CycleRecord) => opts.onCycle?.('val', seed, c),
    };
    opts.log?.(
      `[seed ${seed}] phase val: ${valPhase.train.rows} training rows, pseudo-unseen [${split.valUnseen.join(', ')}]` +
        `${parallel ? ' (worker thread)' : ''}, stage-2 engine ${engine}`,
    );
    // the val phase starts first: in a worker it runs while the main thread trains the train phase
    const valPending = parallel ? trainStage2InWorker(cfg, valInputs, valOpts) : trainStage2(cfg, valInputs, valOpts);
    if (!parallel) await valPending; // on one thread the phases run one after the other, never interleaved
    opts.log?.(`[seed ${seed}] phase train: ${trainPhase.train.rows} training rows, unseen [${split.unseen.join(', ')}], stage-2 engine ${engine}`);
    const trainResult = await trainStage2(
      cfg,
      {
        train: trainPhase.train,
        unseen: split.unseen,
        text,
        evalSets: { ztest: trainPhase.ztest, gtest: trainPhase.gtest },
      },
      {
        seed,
        engine,
        checkpointDir: ckpt('train'),
        onProgress: (p) => opts.onProgress?.('train', seed, p),
        onCycle: (c) => opts.onCycle?.('train', seed, c),
        latentsOf: opts.latentsOf,
      },
    );
    const valResult = await valPending;
    for (const [phase, r] of [
      ['train', trainResult],
      ['val', valResult],
    ] as const) {
      if (r.engine !== engine) throw new Error(`seed ${seed}, phase ${phase}: stage 2 ran on the ${r.engine} engine, the run resolved ${engine}`);
    }
    const testZslByCycle = trainResult.cycles.map((c) => c.zslAccuracy);
    const valZslByCycle = valResult.cycles.map((c) => c.zslAccuracy);
    const cycle = { clean: argmax(valZslByCycle), reference: argmax(testZslByCycle) };
    out.push({
      seed,
      testZslByCycle,
      valZslByCycle,
      cycle,
      zsl: { clean: testZslByCycle[cycle.clean], reference: testZslByCycle[cycle.reference] },
      trainResult,
      valResult,
    });
    opts.log?.(
      `[seed ${seed}] ZSL clean ${(100 * testZslByCycle[cycle.clean]).toFixed(1)} (cycle ${cycle.clean}), ` +
        `reference ${(100 * testZslByCycle[cycle.reference]).toFixed(1)} (cycle ${cycle.reference}, test-selected), stage-2 engine ${engine}`,
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Loading a user's files

import { readSynseBenchmark } from '../data/synse';
import { readTextFeatures, TextEncoderName, NtuClassCount } from '../data/text-tables';
import { parseTextMode } from '../text/compose';

export interface ZeroShotFiles {
  /** the sk_feats folder (or its parent). */
  features: string;
  /** the folder holding text_feats/ (MSF layout). */
  text: string;
  textMode: string;
  encoder: TextEncoderName;
}

export function loadZeroShotData(files: ZeroShotFiles, split: BenchmarkSplit): ZeroShotData {
  if (split.numClasses !== 60 && split.numClasses !== 120) {
    throw new FsvaeInputError(
      `split ${split.name}: precomputed MSF text tables exist for 60 or 120 classes; got ${split.numClasses}. ` +
        'Use an encoder from lib/text for other datasets.',
    );
  }
  const parts = parseTextMode(files.textMode);
  const text = readTextFeatures(files.text, { encoder: files.encoder, parts, numClasses: split.numClasses as NtuClassCount });
  return {
    split,
    trainPhase: readSynseBenchmark(files.features, split, 'train'),
    valPhase: readSynseBenchmark(files.features, split, 'val'),
    text: { rows: text.rows, cols: text.cols, data: text.data },
  };
}

// ---------------------------------------------------------------------------------------------
// Stage 4: gate + GZSL, and the whole stages 2-4 run

import { REFERENCE_GATE_TEMPERATURE, REFERENCE_GATE_THRESHOLD, trainGate, TrainedGate } from '../eval/gate';
import { evaluateGzslWithGate, GzslResult } from '../eval/gzsl';
import { meanStd, MeanStd } from '../eval/metrics';
import { FeatureSet } from '../data/matrices';

export interface GateConfig {
  /** a fixed temperature (the scripts: 2) or 'search' on the gate-validation hold-out. */
  temperature: number | 'search';
  /** a fixed threshold on P(unseen) (the scripts: 0.5) or 'search'. */
  threshold: number | 'search';
}

export const REFERENCE_GATE: GateConfig = { temperature: REFERENCE_GATE_TEMPERATURE, threshold: REFERENCE_GATE_THRESHOLD };

function matrixOf(data: Float32Array, cols: number): { rows: number; cols: number; data: Float32Array } {
  return { rows: data.length / cols, cols, data };
}

function logitsOf(f: FeatureSet, what: string): { rows: number; cols: number; data: Float32Array } {
  if (!f.logits || !f.logitDim) throw new FsvaeInputError(`${what}: the seen classifier's logits (*_out.npy) are missing; the gate needs them.`);
  return matrixOf(f.logits, f.logitDim);
}

export interface SeedGzsl {
  gate: Omit<TrainedGate, 'model' | 'candidates'>;
  /** GZSL at the cycle each protocol reports. */
  gzsl: Record<Protocol, GzslResult>;
}

/**
 * Trains the gate on the val phase's outputs at its best pseudo-unseen cycle (validation data, as
 * the code does) and evaluates GZSL on gtest with the train phase's classifier of each protocol's cycle.
 * Gate features use k = min(|val-unseen|, |unseen|) so both phases give the same width.
 */
export function gzslForSeed(o: SeedOutcome, data: ZeroShotData, gateCfg: GateConfig): SeedGzsl {
  const { split, trainPhase, valPhase } = data;
  const vCycle = o.cycle.clean;
  const kVal = split.valUnseen.length;
  const k = Math.min(kVal, split.unseen.length);
  const gate = trainGate({
    pZsUnseen: matrixOf(o.valResult.softmax[vCycle].ztest, kVal),
    logitsUnseen: logitsOf(valPhase.ztest, `${valPhase.dir} ztest`),
    pZsSeen: matrixOf(o.valResult.softmax[vCycle].val, kVal),
    logitsSeen: logitsOf(valPhase.val!, `${valPhase.dir} val`),
    k,
    temperature: gateCfg.temperature,
    threshold: gateCfg.threshold,
    seed: o.seed,
  });
  const gtest = trainPhase.gtest!;
  const gzsl = {} as Record<Protocol, GzslResult>;
  for (const p of ['clean', 'reference'] as Protocol[]) {
    gzsl[p] = evaluateGzslWithGate(gate, {
      pZs: matrixOf(o.trainResult.softmax[o.cycle[p]].gtest, split.unseen.length),
      logits: logitsOf(gtest, `${trainPhase.dir} gtest`),
      labels: gtest.labels,
      seenIds: split.seen,
      unseenIds: split.unseen,
    });
  }
  const { model: _m, candidates: _c, ...gateSummary } = gate;
  return { gate: gateSummary, gzsl };
}

export interface ProtocolSummary {
  zsl: MeanStd;
  seen: MeanStd;
  unseen: MeanStd;
  harmonic: MeanStd;
}

export interface ZeroShotBenchmarkResult {
  split: string;
  preset: string;
  textMode: string;
  seeds: number[];
  gate: GateConfig;
  perSeed: {
    seed: number;
    cycle: Record<Protocol, number>;
    zsl: Record<Protocol, number>;
    testZslByCycle: number[];
    valZslByCycle: number[];
    gzsl: Record<Protocol, { S: number; U: number; H: number }>;
    gateValidationAccuracy: number;
    stepsPerSecond: number;
    /** the engine of the train phase (kept for older readers; both phases use the same one). */
    stage2Engine: string;
    /** the engine each phase actually ran (Stage2Result.engine). */
    stage2EngineByPhase: { train: string; val: string };
  }[];
  summary: Record<Protocol, ProtocolSummary>;
  /** GZSL details of the first seed (per-class accuracy, confusion), for plots. */
  firstSeedGzsl: Record<Protocol, GzslResult>;
  /** first seed: train-phase latents of opts.latentsOf at the clean protocol's cycle, with their labels. */
  firstSeedLatents: Record<string, { latents: Float32Array; labels: Int32Array; dim: number }>;
  protocolLabels: Record<Protocol, string>;
}

/** Stages 2-4 for every seed: ZSL and GZSL under both protocols, with mean ± std. */
export async function runZeroShotBenchmark(
  cfg: FsvaeConfig,
  data: ZeroShotData,
  opts: ZeroShotRunOptions & { gate?: GateConfig },
): Promise<ZeroShotBenchmarkResult> {
  const gateCfg = opts.gate ?? REFERENCE_GATE;
  const outcomes = await runZeroShotSeeds(cfg, data, opts);
  const gz = outcomes.map((o) => gzslForSeed(o, data, gateCfg));
  const perSeed = outcomes.map((o, i) => ({
    seed: o.seed,
    cycle: o.cycle,
    zsl: o.zsl,
    testZslByCycle: o.testZslByCycle,
    valZslByCycle: o.valZslByCycle,
    gzsl: {
      clean: { S: gz[i].gzsl.clean.seenAccuracy, U: gz[i].gzsl.clean.unseenAccuracy, H: gz[i].gzsl.clean.harmonicMean },
      reference: { S: gz[i].gzsl.reference.seenAccuracy, U: gz[i].gzsl.reference.unseenAccuracy, H: gz[i].gzsl.reference.harmonicMean },
    },
    gateValidationAccuracy: gz[i].gate.validationAccuracy,
    stepsPerSecond: o.trainResult.stepsPerSecond,
    stage2Engine: o.trainResult.engine,
    stage2EngineByPhase: { train: o.trainResult.engine, val: o.valResult.engine },
  }));
  const summary = {} as Record<Protocol, ProtocolSummary>;
  for (const p of ['clean', 'reference'] as Protocol[]) {
    summary[p] = {
      zsl: meanStd(perSeed.map((s) => s.zsl[p])),
      seen: meanStd(perSeed.map((s) => s.gzsl[p].S)),
      unseen: meanStd(perSeed.map((s) => s.gzsl[p].U)),
      harmonic: meanStd(perSeed.map((s) => s.gzsl[p].H)),
    };
  }
  return {
    split: data.split.name,
    preset: cfg.name,
    textMode: cfg.textMode,
    seeds: opts.seeds,
    gate: gateCfg,
    perSeed,
    summary,
    firstSeedGzsl: gz[0].gzsl,
    protocolLabels: PROTOCOL_LABEL,
    firstSeedLatents: Object.fromEntries(
      (opts.latentsOf ?? []).map((name) => {
        const o = outcomes[0];
        const set = name === 'gtest' ? data.trainPhase.gtest! : data.trainPhase.ztest;
        return [name, { latents: o.trainResult.latents[o.cycle.clean][name], labels: set.labels, dim: cfg.latentDim }];
      }),
    ),
  };
}

/**
 * The stage-2 engine(s) the runs of one or more benchmark results actually used, over every seed and
 * both phases: 'fused' or 'autodiff', or e.g. 'mixed: autodiff, fused' when they differ (what a
 * result line or provenance should name).
 */
export function stage2EnginesUsed(results: Pick<ZeroShotBenchmarkResult, 'perSeed'> | Pick<ZeroShotBenchmarkResult, 'perSeed'>[]): string {
  const used = new Set<string>();
  for (const r of Array.isArray(results) ? results : [results]) {
    for (const s of r.perSeed) {
      used.add(s.stage2EngineByPhase?.train ?? s.stage2Engine);
      used.add(s.stage2EngineByPhase?.val ?? s.stage2Engine);
    }
  }
  const names = [...used].sort();
  return names.length === 1 ? names[0] : names.length === 0 ? 'none' : `mixed: ${names.join(', ')}`;
}
