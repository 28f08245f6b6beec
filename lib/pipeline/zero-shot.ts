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
import { BenchmarkSplit } from '../data/splits';
import { SynseSplitData } from '../data/synse';
import { TextMatrix } from '../text/compose';
import { Stage2Config } from '../train/config';
import { Stage2Progress, Stage2Result, trainStage2 } from '../train/stage2';
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
  log?: (line: string) => void;
}

function argmax(a: number[]): number {
  let b = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[b]) b = i;
  return b;
}

/** Runs both phases for every seed and applies both protocols. */
export function runZeroShotSeeds(cfg: Stage2Config, data: ZeroShotData, opts: ZeroShotRunOptions): SeedOutcome[] {
  const { split, trainPhase, valPhase, text } = data;
  if (!trainPhase.gtest) throw new FsvaeInputError(`${trainPhase.dir}: phase-train folder has no gtest (needed for GZSL).`);
  if (!valPhase.val) throw new FsvaeInputError(`${valPhase.dir}: phase-val folder has no val set (needed for the gate).`);
  if (text.rows !== split.numClasses) throw new FsvaeInputError(`text features have ${text.rows} classes, split ${split.name} has ${split.numClasses}.`);
  if (opts.seeds.length === 0) throw new FsvaeInputError('runZeroShotSeeds: no seeds given.');
  const out: SeedOutcome[] = [];
  for (const seed of opts.seeds) {
    const ckpt = (phase: string) => (opts.checkpointDir ? `${opts.checkpointDir}/${phase}` : undefined);
    opts.log?.(`[seed ${seed}] phase val: ${valPhase.train.rows} training rows, pseudo-unseen [${split.valUnseen.join(', ')}]`);
    const valResult = trainStage2(cfg, { train: valPhase.train, unseen: split.valUnseen, text, evalSets: { ztest: valPhase.ztest, val: valPhase.val } }, {
      seed, checkpointDir: ckpt('val'), onProgress: (p) => opts.onProgress?.('val', seed, p),
    });
    opts.log?.(`[seed ${seed}] phase train: ${trainPhase.train.rows} training rows, unseen [${split.unseen.join(', ')}]`);
    const trainResult = trainStage2(cfg, { train: trainPhase.train, unseen: split.unseen, text, evalSets: { ztest: trainPhase.ztest, gtest: trainPhase.gtest } }, {
      seed, checkpointDir: ckpt('train'), onProgress: (p) => opts.onProgress?.('train', seed, p),
    });
    const testZslByCycle = trainResult.cycles.map((c) => c.zslAccuracy);
    const valZslByCycle = valResult.cycles.map((c) => c.zslAccuracy);
    const cycle = { clean: argmax(valZslByCycle), reference: argmax(testZslByCycle) };
    out.push({
      seed, testZslByCycle, valZslByCycle, cycle,
      zsl: { clean: testZslByCycle[cycle.clean], reference: testZslByCycle[cycle.reference] },
      trainResult, valResult,
    });
    opts.log?.(`[seed ${seed}] ZSL clean ${(100 * testZslByCycle[cycle.clean]).toFixed(1)} (cycle ${cycle.clean}), reference ${(100 * testZslByCycle[cycle.reference]).toFixed(1)} (cycle ${cycle.reference}, test-selected)`);
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
    throw new FsvaeInputError(`split ${split.name}: precomputed MSF text tables exist for 60 or 120 classes; got ${split.numClasses}. Use an encoder from lib/text for other datasets.`);
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
