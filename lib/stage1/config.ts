/**
 * Stage-1 (skeleton feature extractor) configuration: network, input, augmentation, optimiser.
 *
 * The 'original' presets follow the public configurations: Shift-GCN (Cheng et al. CVPR 2020,
 * kchengiva/Shift-GCN config/nturgbd-cross-subject/train_joint.yaml: 10 blocks, channels
 * 64,64,64,64,128,128,128,256,256,256, stride 2 at blocks 5 and 8, SGD momentum 0.9 Nesterov,
 * lr 0.1, weight decay 1e-4, batch 64, steps at epochs 60/80/100, 140 epochs) and ST-GCN (Yan
 * et al. AAAI 2018, same channel plan, 9×1 temporal kernels, spatial partition with edge
 * importance). The 'small' presets are the CPU configurations of this project: fewer, narrower
 * blocks that still end in 256 channels (the SynSE feature width), 32 frames, cosine LR. Their
 * strides sit one block before each width change (blocks 3 and 5), so the widest 1×1 convs run
 * at the lowest frame rate: about 1.1 GMAC per forward pass of 16 one-body clips, against 1.9
 * GMAC with the strides on the widening blocks. 'shift-gcn-tiny' (4 blocks 16→256, 20 frames) is
 * for quick end-to-end runs of the whole pipeline on the generated dataset.
 */
import { FsvaeInputError } from '../util/assert';

export type Stage1Arch = 'shift-gcn' | 'st-gcn';

export interface Stage1ModelConfig {
  arch: Stage1Arch;
  /** output channels of each block; the last entry is the feature width (256 for SynSE files) */
  channels: number[];
  /** temporal stride of each block (1 or 2) */
  strides: number[];
  /** ST-GCN: temporal kernel size (odd); ignored by Shift-GCN */
  temporalKernel: number;
  /** ST-GCN: centre joint of the spatial partition (default: the layout's centre) */
  partitionCenter?: number;
}

export interface Stage1InputConfig {
  /** frames after resampling */
  frames: number;
  /** bodies M (zero-padded); undefined: the most bodies of any training sequence, at most 2 */
  bodies?: number;
  /** centring mode of preprocessSequence, or false */
  center: 'first-frame' | 'per-frame' | false;
  /** rotate to the canonical view (preprocessSequence) */
  view: boolean;
}

export interface Stage1AugmentConfig {
  /** random rotation about the vertical (y) axis, uniform in ±maxYawDeg; 0 disables */
  maxYawDeg: number;
  /** isotropic scale uniform in [1 − s, 1 + s]; 0 disables */
  scale: number;
  /** temporal crop of a random window of ⌈u·T⌉ frames, u uniform in [cropMin, 1], resampled to T; 1 disables */
  cropMin: number;
}

export type Stage1Optimizer =
  | { kind: 'sgd'; learningRate: number; momentum: number; nesterov: boolean; weightDecay: number }
  | { kind: 'adam'; learningRate: number };

export type Stage1LrSchedule =
  | { kind: 'cosine'; warmupEpochs: number; minFactor: number }
  | { kind: 'step'; milestones: number[]; gamma: number; warmupEpochs: number }
  | { kind: 'constant' };

export interface Stage1TrainConfig {
  epochs: number;
  batchSize: number;
  /**
   * threads computing each batch's gradient (data parallel, data-parallel.ts); 1 or 2. Falls back
   * to 1 where no second core is free (inside a worker thread, one-core machines); the count used
   * is recorded with the result. Default 1.
   */
  workers?: number;
  optimizer: Stage1Optimizer;
  schedule: Stage1LrSchedule;
  augment: Stage1AugmentConfig;
}

export interface Stage1Config {
  name: string;
  description: string;
  model: Stage1ModelConfig;
  input: Stage1InputConfig;
  train: Stage1TrainConfig;
}

const ORIGINAL_CHANNELS = [64, 64, 64, 64, 128, 128, 128, 256, 256, 256];
const ORIGINAL_STRIDES = [1, 1, 1, 1, 2, 1, 1, 2, 1, 1];
const SMALL_CHANNELS = [32, 64, 64, 128, 128, 256];
const SMALL_STRIDES = [1, 1, 2, 1, 2, 1];

const SGD_ORIGINAL: Stage1Optimizer = { kind: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 };

const INPUT_DEFAULT: Stage1InputConfig = { frames: 64, center: 'first-frame', view: true };
const AUGMENT_DEFAULT: Stage1AugmentConfig = { maxYawDeg: 30, scale: 0.1, cropMin: 0.8 };

export const STAGE1_PRESETS: Readonly<Record<string, Stage1Config>> = {
  'shift-gcn-original': {
    name: 'shift-gcn-original',
    description:
      'Shift-GCN joint stream as published: 10 blocks 64→256, stride 2 at blocks 5 and 8; ' +
      'SGD(0.9, Nesterov) lr 0.1, wd 1e-4, steps 60/80/100, 140 epochs, batch 64',
    model: { arch: 'shift-gcn', channels: ORIGINAL_CHANNELS, strides: ORIGINAL_STRIDES, temporalKernel: 9 },
    input: { ...INPUT_DEFAULT, bodies: 2 },
    train: {
      epochs: 140,
      batchSize: 64,
      optimizer: SGD_ORIGINAL,
      schedule: { kind: 'step', milestones: [60, 80, 100], gamma: 0.1, warmupEpochs: 0 },
      augment: { maxYawDeg: 0, scale: 0, cropMin: 1 },
    },
  },
  'st-gcn-original': {
    name: 'st-gcn-original',
    description:
      'ST-GCN as published: 10 blocks 64→256, 9×1 temporal kernels, spatial partition with edge importance; ' +
      'SGD(0.9, Nesterov) lr 0.1, wd 1e-4, steps at 10/50, 80 epochs',
    model: { arch: 'st-gcn', channels: ORIGINAL_CHANNELS, strides: ORIGINAL_STRIDES, temporalKernel: 9 },
    input: { ...INPUT_DEFAULT, bodies: 2 },
    train: {
      epochs: 80,
      batchSize: 64,
      optimizer: SGD_ORIGINAL,
      schedule: { kind: 'step', milestones: [10, 50], gamma: 0.1, warmupEpochs: 0 },
      augment: { maxYawDeg: 0, scale: 0, cropMin: 1 },
    },
  },
  'shift-gcn-small': {
    name: 'shift-gcn-small',
    description:
      'CPU Shift-GCN: 6 blocks 32,64,64,128,128,256, stride 2 at blocks 3 and 5, 32 frames; ' +
      'SGD(0.9, Nesterov) lr 0.05, wd 1e-4, cosine, 30 epochs, batch 16, yaw/scale/crop augmentation',
    model: { arch: 'shift-gcn', channels: SMALL_CHANNELS, strides: SMALL_STRIDES, temporalKernel: 9 },
    input: { ...INPUT_DEFAULT, frames: 32 },
    train: {
      epochs: 30,
      batchSize: 16,
      workers: 2,
      optimizer: { ...SGD_ORIGINAL, learningRate: 0.05 } as Stage1Optimizer,
      schedule: { kind: 'cosine', warmupEpochs: 1, minFactor: 0.01 },
      augment: AUGMENT_DEFAULT,
    },
  },
  'shift-gcn-tiny': {
    name: 'shift-gcn-tiny',
    description:
      'CPU Shift-GCN for quick end-to-end runs: 4 blocks 16,32,64,256, stride 2 at blocks 2 and 3, 20 frames; ' +
      'Adam lr 3e-3, cosine, 15 epochs, batch 16, yaw/scale/crop augmentation',
    model: { arch: 'shift-gcn', channels: [16, 32, 64, 256], strides: [1, 2, 2, 1], temporalKernel: 9 },
    input: { ...INPUT_DEFAULT, frames: 20 },
    train: {
      epochs: 15,
      batchSize: 16,
      workers: 2,
      optimizer: { kind: 'adam', learningRate: 3e-3 },
      schedule: { kind: 'cosine', warmupEpochs: 1, minFactor: 0.05 },
      augment: AUGMENT_DEFAULT,
    },
  },
  'st-gcn-small': {
    name: 'st-gcn-small',
    description:
      'CPU ST-GCN: 6 blocks 32,64,64,128,128,256, stride 2 at blocks 3 and 5, 32 frames, 9×1 kernels; ' +
      'SGD(0.9, Nesterov) lr 0.05, wd 1e-4, cosine, 30 epochs, batch 16',
    model: { arch: 'st-gcn', channels: SMALL_CHANNELS, strides: SMALL_STRIDES, temporalKernel: 9 },
    input: { ...INPUT_DEFAULT, frames: 32 },
    train: {
      epochs: 30,
      batchSize: 16,
      workers: 2,
      optimizer: { ...SGD_ORIGINAL, learningRate: 0.05 } as Stage1Optimizer,
      schedule: { kind: 'cosine', warmupEpochs: 1, minFactor: 0.01 },
      augment: AUGMENT_DEFAULT,
    },
  },
};

export type Stage1PresetName = 'shift-gcn-original' | 'st-gcn-original' | 'shift-gcn-small' | 'st-gcn-small' | 'shift-gcn-tiny';

/** A preset by name (deep copy), optionally with overrides merged per section. */
export function stage1Config(
  name: Stage1PresetName | string,
  overrides: { model?: Partial<Stage1ModelConfig>; input?: Partial<Stage1InputConfig>; train?: Partial<Stage1TrainConfig> } = {},
): Stage1Config {
  const p = STAGE1_PRESETS[name];
  if (!p) throw new FsvaeInputError(`stage 1: unknown preset '${name}'; known: ${Object.keys(STAGE1_PRESETS).join(', ')}.`);
  const c = JSON.parse(JSON.stringify(p)) as Stage1Config;
  const cfg: Stage1Config = {
    ...c,
    model: { ...c.model, ...(overrides.model ?? {}) },
    input: { ...c.input, ...(overrides.input ?? {}) },
    train: { ...c.train, ...(overrides.train ?? {}) },
  };
  validateStage1Config(cfg);
  return cfg;
}

/** Throws FsvaeInputError naming the first bad field. */
export function validateStage1Config(cfg: Stage1Config): void {
  const bad = (field: string, msg: string): never => {
    throw new FsvaeInputError(`stage 1 config '${cfg.name}': ${field} ${msg}`);
  };
  const m = cfg.model;
  if (m.arch !== 'shift-gcn' && m.arch !== 'st-gcn') bad('model.arch', `must be 'shift-gcn' or 'st-gcn', got '${String(m.arch)}'.`);
  if (!Array.isArray(m.channels) || m.channels.length === 0) bad('model.channels', 'must list the output channels of at least one block.');
  m.channels.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 1) bad(`model.channels[${i}]`, `must be a positive integer, got ${c}.`);
  });
  if (!Array.isArray(m.strides) || m.strides.length !== m.channels.length)
    bad('model.strides', `must have one entry per block (${m.channels.length}), ` + `got ${m.strides?.length}.`);
  m.strides.forEach((s, i) => {
    if (s !== 1 && s !== 2) bad(`model.strides[${i}]`, `must be 1 or 2, got ${s}.`);
  });
  if (m.arch === 'st-gcn' && (!Number.isInteger(m.temporalKernel) || m.temporalKernel < 1 || m.temporalKernel % 2 !== 1)) {
    bad('model.temporalKernel', `must be an odd positive integer, got ${m.temporalKernel}.`);
  }
  const inp = cfg.input;
  if (!Number.isInteger(inp.frames) || inp.frames < 1) bad('input.frames', `must be a positive integer, got ${inp.frames}.`);
  if (inp.bodies !== undefined && (!Number.isInteger(inp.bodies) || inp.bodies < 1))
    bad('input.bodies', 'must be a positive integer or undefined, ' + `got ${inp.bodies}.`);
  const t = cfg.train;
  if (!Number.isInteger(t.epochs) || t.epochs < 1) bad('train.epochs', `must be a positive integer, got ${t.epochs}.`);
  if (!Number.isInteger(t.batchSize) || t.batchSize < 1) bad('train.batchSize', `must be a positive integer, got ${t.batchSize}.`);
  if (t.workers !== undefined && t.workers !== 1 && t.workers !== 2) bad('train.workers', `must be 1 or 2, got ${t.workers}.`);
  if (!(t.optimizer.learningRate > 0)) bad('train.optimizer.learningRate', `must be > 0, got ${t.optimizer.learningRate}.`);
  if (t.optimizer.kind === 'sgd') {
    if (!(t.optimizer.momentum >= 0 && t.optimizer.momentum < 1)) bad('train.optimizer.momentum', `must be in [0, 1), got ${t.optimizer.momentum}.`);
    if (!(t.optimizer.weightDecay >= 0)) bad('train.optimizer.weightDecay', `must be ≥ 0, got ${t.optimizer.weightDecay}.`);
  } else if (t.optimizer.kind !== 'adam') bad('train.optimizer.kind', `must be 'sgd' or 'adam'.`);
  const a = t.augment;
  if (!(a.maxYawDeg >= 0 && a.maxYawDeg <= 180)) bad('train.augment.maxYawDeg', `must be in [0, 180], got ${a.maxYawDeg}.`);
  if (!(a.scale >= 0 && a.scale < 1)) bad('train.augment.scale', `must be in [0, 1), got ${a.scale}.`);
  if (!(a.cropMin > 0 && a.cropMin <= 1)) bad('train.augment.cropMin', `must be in (0, 1], got ${a.cropMin}.`);
  const s = t.schedule;
  if (s.kind === 'step') {
    if (!(s.gamma > 0)) bad('train.schedule.gamma', `must be > 0, got ${s.gamma}.`);
  } else if (s.kind !== 'cosine' && s.kind !== 'constant') bad('train.schedule.kind', `must be 'cosine', 'step' or 'constant'.`);
}

/**
 * Learning-rate factor at the start of `epoch` (0-based) plus `frac` of it: linear warm-up
 * from 1/(warmup·stepsPerEpoch) over `warmupEpochs`, then cosine from 1 to minFactor over the
 * remaining epochs, or ×gamma at each milestone epoch.
 */
export function lrFactor(schedule: Stage1LrSchedule, epochs: number, epoch: number, frac: number): number {
  if (schedule.kind === 'constant') return 1;
  const e = epoch + frac;
  const w = schedule.warmupEpochs;
  if (w > 0 && e < w) return Math.max(e / w, 1e-3);
  if (schedule.kind === 'cosine') {
    const span = Math.max(epochs - w, 1e-9);
    const p = Math.min(1, Math.max(0, (e - w) / span));
    return schedule.minFactor + (1 - schedule.minFactor) * 0.5 * (1 + Math.cos(Math.PI * p));
  }
  let f = 1;
  for (const m of schedule.milestones) if (epoch >= m) f *= schedule.gamma;
  return f;
}
