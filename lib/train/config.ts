/**
 * Stage 2-3 configuration: one object per experiment. Presets document where each number comes
 * from (the public scripts fsvae_60.sh / fsvae_120.sh, the paper's Table 12, or our small runs).
 */
import { FrequencyConfig, FrequencyPresetName, frequencyConfig } from '../frequency/enhancer';
import { ReparameterisationMode } from '../model/fsvae';
import { AlignmentConfig, AlignmentLossName, alignmentCoefficient } from '../losses/alignment';
import { FsvaeInputError } from '../util/assert';

export type { AlignmentConfig, AlignmentLossName };

/** Step schedules within a cycle (docs/paper-vs-code.md §2), restarted every cycle. */
export interface ScheduleConfig {
  cycles: number;
  stepsPerCycle: number;
  /** β_s = scale·max(0, (step − skeletonKlStart)/klRamp). */
  skeletonKlStart: number;
  /** alignment window: steps > alignStart (the code's cr_fact_epoch); β_t ramps from here too. */
  alignStart: number;
  klRamp: number;
  klScale: number;
  /** text KL is off in cycles < textKlFromCycle. */
  textKlFromCycle: number;
}

export interface ClassifierConfig {
  samplesPerClass: number;
  steps: number;
  learningRate: number;
}

/** The whole FS-VAE run: model (encoders, FM, latent), stage-2 training, the alignment loss and the stage-3 classifier. */
export interface FsvaeConfig {
  name: string;
  description: string;
  latentDim: number;
  decoderActivation: 'relu' | 'linear';
  reparameterisation: ReparameterisationMode;
  skeletonFrequency: FrequencyConfig;
  textFrequency: FrequencyConfig;
  /** text parts, e.g. 'lb_ad_md' (= AL ‖ GD ‖ LD). */
  textMode: string;
  batchSize: number;
  learningRate: number;
  schedule: ScheduleConfig;
  alignment: AlignmentConfig;
  classifier: ClassifierConfig;
}

/** The code's schedule for a cycle length of 1700 (NTU-60 scripts) or 1900 (NTU-120 scripts). */
export function referenceSchedule(stepsPerCycle: 1700 | 1900, cycles = 10): ScheduleConfig {
  return { cycles, stepsPerCycle, skeletonKlStart: 1000, alignStart: stepsPerCycle === 1700 ? 1400 : 1500, klRamp: 3000, klScale: 0.1, textKlFromCycle: 2 };
}

/** The 1700-step schedule shrunk proportionally to `stepsPerCycle` (same shape, fewer steps). */
export function scaledSchedule(stepsPerCycle: number, cycles: number): ScheduleConfig {
  const f = stepsPerCycle / 1700;
  return {
    cycles,
    stepsPerCycle,
    skeletonKlStart: Math.round(1000 * f),
    alignStart: Math.round(1400 * f),
    klRamp: Math.round(3000 * f),
    klScale: 0.1,
    textKlFromCycle: Math.min(2, cycles - 1),
  };
}

const CLASSIFIER: ClassifierConfig = { samplesPerClass: 500, steps: 300, learningRate: 1e-3 };

function base(name: string, description: string, latentDim: number, schedule: ScheduleConfig, alpha: number, freq: FrequencyPresetName): FsvaeConfig {
  return {
    name,
    description,
    latentDim,
    decoderActivation: 'relu',
    reparameterisation: 'reference',
    skeletonFrequency: frequencyConfig(freq),
    textFrequency: frequencyConfig(freq),
    textMode: 'lb_ad_md',
    batchSize: 64,
    learningRate: 1e-4,
    schedule,
    alignment: { loss: 'calibrated-reference', alpha, lambda: 100, margin: 1, when: 'window' },
    classifier: { ...CLASSIFIER },
  };
}

/** The settings a small-dataset preset picks (lib/experiments/small-data.ts chooses them on validation splits). */
export interface SmallDataSettings {
  latentDim: number;
  alpha: number;
  /** 'code': the public code's alignment window (last ~18 % of each cycle); 'early': from 30 % of the cycle. */
  window: 'code' | 'early';
  cycles: number;
  stepsPerCycle: number;
}

/** `quick` (reference losses and FM, lr 1e-3) with batch 32, a lighter unseen classifier and the given settings. */
export function smallDataConfig(name: string, description: string, s: SmallDataSettings): FsvaeConfig {
  const schedule = scaledSchedule(s.stepsPerCycle, s.cycles);
  if (s.window === 'early') schedule.alignStart = Math.round(0.3 * s.stepsPerCycle);
  const cfg = base(name, description, s.latentDim, schedule, s.alpha, 'reference');
  return { ...cfg, learningRate: 1e-3, batchSize: 32, classifier: { samplesPerClass: 200, steps: 150, learningRate: 1e-3 } };
}

/**
 * The settings chosen for NW-UCLA and UTD-MHAD on their pseudo-unseen validation splits
 * (`fsvae select-preset`, log in results/preset_selection_<dataset>.md; a test checks they match).
 */
export const SMALL_DATA_SETTINGS: Readonly<Record<'nw-ucla' | 'utd-mhad', SmallDataSettings>> = {
  'nw-ucla': { latentDim: 64, alpha: 2, window: 'code', cycles: 3, stepsPerCycle: 300 },
  'utd-mhad': { latentDim: 64, alpha: 2, window: 'code', cycles: 3, stepsPerCycle: 300 },
};

export const FSVAE_PRESETS = {
  /** fsvae_60.sh: 10 cycles × 1700 steps, latent 100, α = 0.5, λ = 100, φ = 30 (model.py default). */
  'reference-ntu60': base('reference-ntu60', 'public code, NTU-60 script (fsvae_60.sh)', 100, referenceSchedule(1700), 0.5, 'reference'),
  /** fsvae_120.sh: 10 cycles × 1900 steps, latent 200, α = 0.1, λ = 100. */
  'reference-ntu120': base(
    'reference-ntu120',
    'public code, NTU-120 script (fsvae_120.sh, pointed at train.py)',
    200,
    referenceSchedule(1900),
    0.1,
    'reference',
  ),
  /** Paper Table 12: 1900 steps, α = 0.1, λ = 100, φ = 35, b = 30; Eq. 6 with negatives on both sides. */
  paper: {
    ...base('paper', 'paper Table 12 and Eq. 2-3, 6 as printed', 100, referenceSchedule(1900), 0.1, 'paper'),
    alignment: { loss: 'calibrated-paper', alpha: 0.1, lambda: 100, margin: 1, when: 'window' },
  } as FsvaeConfig,
  /**
   * Small and fast, the code's losses and FM: for tests and the default notebooks on generated data.
   * 4 cycles × 400 steps (the 1700-step schedule shrunk), latent 64, and lr 1e-3 (10× the code's) to
   * converge in ~1/10 of the code's 17,000 steps.
   */
  quick: {
    ...base('quick', 'reference losses and FM; 4 cycles × 400 steps (shrunk schedule), latent 64, lr 1e-3', 64, scaledSchedule(400, 4), 0.5, 'reference'),
    learningRate: 1e-3,
  },
  /** NW-UCLA (10 classes): settings chosen on its pseudo-unseen validation splits. */
  'small-nw-ucla': smallDataConfig(
    'small-nw-ucla',
    'NW-UCLA: settings chosen on the pseudo-unseen validation splits (results/preset_selection_nw-ucla.md)',
    SMALL_DATA_SETTINGS['nw-ucla'],
  ),
  /** UTD-MHAD (27 classes): settings chosen on its pseudo-unseen validation splits. */
  'small-utd-mhad': smallDataConfig(
    'small-utd-mhad',
    'UTD-MHAD: settings chosen on the pseudo-unseen validation splits (results/preset_selection_utd-mhad.md)',
    SMALL_DATA_SETTINGS['utd-mhad'],
  ),
} satisfies Record<string, FsvaeConfig>;

export function fsvaePreset(name: string, overrides: Partial<FsvaeConfig> = {}): FsvaeConfig {
  const p = (FSVAE_PRESETS as Record<string, FsvaeConfig>)[name];
  if (!p) throw new FsvaeInputError(`Unknown stage-2 preset '${name}'. Known: ${Object.keys(FSVAE_PRESETS).join(', ')}.`);
  return structuredClone({ ...p, ...overrides });
}

/** β_s, β_t and the alignment coefficient at `step` (0-based, within the cycle) of `cycle` (docs/paper-vs-code.md §2). */
export function scheduleAt(
  cfg: FsvaeConfig,
  cycle: number,
  step: number,
): { betaSkeleton: number; betaText: number; alignCoefficient: number; alignActive: boolean } {
  const s = cfg.schedule;
  const betaSkeleton = s.klScale * Math.max(0, (step - s.skeletonKlStart) / s.klRamp);
  const betaText = cycle >= s.textKlFromCycle ? s.klScale * Math.max(0, (step - s.alignStart) / s.klRamp) : 0;
  const alignActive = cfg.alignment.loss !== 'none' && (cfg.alignment.when === 'always' || step > s.alignStart);
  return { betaSkeleton, betaText, alignCoefficient: alignActive ? alignmentCoefficient(cfg.alignment) : 0, alignActive };
}

/** A copy of `cfg` with fewer cycles and/or a proportionally shrunk cycle (same schedule shape). */
export function withSchedule(cfg: FsvaeConfig, o: { cycles?: number; steps?: number }): FsvaeConfig {
  const out = structuredClone(cfg);
  const s = out.schedule;
  if (o.cycles !== undefined) {
    if (!Number.isInteger(o.cycles) || o.cycles < 1) throw new FsvaeInputError(`cycles must be a positive integer, got ${o.cycles}.`);
    s.cycles = o.cycles;
  }
  if (o.steps !== undefined) {
    if (!Number.isInteger(o.steps) || o.steps < 1) throw new FsvaeInputError(`steps must be a positive integer, got ${o.steps}.`);
    const f = o.steps / s.stepsPerCycle;
    out.schedule = {
      ...s,
      stepsPerCycle: o.steps,
      skeletonKlStart: Math.round(s.skeletonKlStart * f),
      alignStart: Math.round(s.alignStart * f),
      klRamp: Math.max(1, Math.round(s.klRamp * f)),
    };
  }
  return out;
}
