/**
 * Notebook 02 (paper App. E): Theorem 1 on the calibrated alignment loss, checked two ways.
 *
 * 1. Monte-Carlo of App. E.1. Class 2 reconstructions g_t^s(i) ~ P2 = N(μ2, σ²I); the mislabelled
 *    set S̃ (ñ points of P2 labelled class 1) and S2 (n2 points of P2). Term A (Eq. 13) is
 *    λ Σ_{i∈S̃} Σ_{j∈S2} ℓ¹(i,j), term C (Eq. 15) is λ Σ_{i∈S2} Σ_{j∈S̃} ℓ²(i,j), with
 *    ℓ^q(i,j) = 1/(1 + exp((‖f^q − g(j)‖² − ‖f^q − g(i)‖²)/λ)) (Eq. 11). Since i and j are drawn from
 *    the same distribution and ℓ(i,j) + ℓ(j,i) = 1 (Eq. 21), E[ℓ] = 1/2 and
 *    E[A] = E[C] = λ·ñ·n2/2 — not 1 as Eq. 19 prints (the proof's "(ℓ(i,j) + ℓ(j,i))/2 = 1" drops the
 *    1/2). The same terms with the per-pair summands of L_T1..L_T4 (Eq. 25-28) have expectations that
 *    move with the distribution (σ, the distance ‖f¹ − μ2‖).
 * 2. Training with injected label noise: a fraction r of the seen-class training labels of a
 *    generated feature dataset is flipped to another seen class, stage 2 is trained with each
 *    alignment loss active at every step, and the ZSL accuracy on clean unseen test samples is
 *    reported per (loss, r) over seeds.
 */
import * as tf from '@tensorflow/tfjs';
import { generateFeatureDataset, SyntheticFeatureConfig } from '../data/synthetic-features';
import { composeTextFeatures } from '../text/compose';
import { FeatureSet, checkFeatureSet, subsetByClass } from '../data/matrices';
import { AlignmentLossName, scaledSchedule, fsvaePreset } from '../train/config';
import { trainStage2 } from '../train/stage2';
import { Random } from '../util/random';
import { FsvaeInputError } from '../util/assert';
import { ResultTable, Row, writeResultTable } from '../report/table';
import { provenance } from '../report/provenance';
import { Figure } from '../viz/plotly';
import { PairTermParams, pairTerm } from '../losses/pair-terms';
import {
  NOISE_INJECTION_NOTE,
  NOISE_LIMITS_NOTE,
  SUMMARY_SE_NOTE,
  SUMMARY_SWEEPS_NOTE,
  T2_UNBOUNDED_NOTE,
  TERMS_DEFINITION_NOTE,
  TERM_B_NOTE,
  calibratedZNote,
  derivationNote,
  failedRunsNote,
  monteCarloSettingNote,
  noiseDataNote,
  noiseTrainingNote,
} from './narrative/theorem1';

// ---------------------------------------------------------------------------------------------
// Per-pair losses in float64

export type PairLossName = 'calibrated' | 'T1' | 'T2' | 'T3' | 'T4';
export const PAIR_LOSSES: readonly PairLossName[] = ['calibrated', 'T1', 'T2', 'T3', 'T4'];

export type PairLossParams = PairTermParams;

/**
 * ℓ(i, j) for a positive i and a negative j seen from one text feature f, given pos = ‖f − g(i)‖²
 * and neg = ‖f − g(j)‖²: the summand of Eq. 11 (calibrated) or of Eq. 25-28 (T1..T4), without
 * their outer weights (1/B, λ/B, λ of Eq. 27), so that every term below is λ·Σℓ as in Eq. 10.
 * The terms are defined once, in lib/losses/pair-terms.ts.
 */
export function pairLoss(name: PairLossName, pos: number, neg: number, p: PairLossParams): number {
  return pairTerm(name, pos, neg, p)[0];
}

/** ℓ(i,j) + ℓ(j,i): identically 1 for the calibrated loss (Eq. 21), a function of (pos, neg) for T1..T4. */
export function pairSymmetrySum(name: PairLossName, pos: number, neg: number, p: PairLossParams): number {
  return pairLoss(name, pos, neg, p) + pairLoss(name, neg, pos, p);
}

function checkPairParams(p: PairLossParams, what: string): void {
  if (!(p.lambda > 0) || !Number.isFinite(p.lambda)) throw new FsvaeInputError(`${what}: lambda must be a finite number > 0, got ${p.lambda}.`);
  if (!(p.margin >= 0) || !Number.isFinite(p.margin)) throw new FsvaeInputError(`${what}: margin must be a finite number ≥ 0, got ${p.margin}.`);
}

function sqDist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const d = a[k] - b[k];
    s += d * d;
  }
  return s;
}

/**
 * Σ_{i∈P} Σ_{j∈N} ℓ(i, j) seen from text feature f (points as rows). With P = N = S this is the
 * symmetric double sum: for the calibrated loss the pairs (i,j), (j,i) add to 1 and the diagonal
 * terms are σ(0) = 1/2, so it equals |S|²/2 exactly, whatever the points.
 */
export function pairDoubleSum(
  name: PairLossName,
  positives: readonly ArrayLike<number>[],
  negatives: readonly ArrayLike<number>[],
  f: ArrayLike<number>,
  p: PairLossParams,
): number {
  checkPairParams(p, 'pairDoubleSum');
  for (const [set, label] of [
    [positives, 'positives'],
    [negatives, 'negatives'],
  ] as const) {
    if (set.length === 0) throw new FsvaeInputError(`pairDoubleSum: ${label} is empty; pass at least one point.`);
    set.forEach((x, i) => {
      if (x.length !== f.length) throw new FsvaeInputError(`pairDoubleSum: ${label}[${i}] has ${x.length} dims, the text feature f has ${f.length}.`);
    });
  }
  const dp = positives.map((x) => sqDist(f, x));
  const dn = negatives.map((x) => sqDist(f, x));
  let s = 0;
  for (const a of dp) for (const b of dn) s += pairLoss(name, a, b, p);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Monte-Carlo of Theorem 1

export type Theorem1Term = 'A' | 'C' | 'B';
export type Theorem1Sweep = 'sigma' | 'distance' | 'lambda';

export interface Theorem1MonteCarloConfig {
  /** feature dimension of f_t^q and g_t^s. */
  dim: number;
  /** ñ = |S̃| (points of P2 labelled class 1), n2 = |S2|, n3 = |S3|. */
  nTilde: number;
  n2: number;
  n3: number;
  /** independent draws of (S̃, S2, S3) per sweep point. */
  draws: number;
  margin: number;
  /** base setting: σ of P2 (per coordinate), ‖f¹ − μ2‖, λ. */
  base: { sigma: number; distance: number; lambda: number };
  /** each sweep varies one of the three, the others at base. */
  sigmas: number[];
  distances: number[];
  lambdas: number[];
  /** P3 = N(μ3, sigma3²I) with ‖μ3 − μ2‖ = distance3 (orthogonal to f¹ − μ2); enters term B only. */
  sigma3: number;
  distance3: number;
  seed: number;
}

/** One sweep point, one term, one loss. */
export interface TermEstimate {
  sweep: Theorem1Sweep;
  sigma: number;
  distance: number;
  lambda: number;
  term: Theorem1Term;
  loss: PairLossName;
  draws: number;
  /** pairs per draw: ñ·n2 (A, C) or ñ·n3 (B). */
  pairs: number;
  /** Monte-Carlo mean of the term over draws and its standard error (sd/√draws). */
  mean: number;
  se: number;
  /** mean/(λ·pairs) = the estimate of E[ℓ] and its standard error. */
  normalised: number;
  normalisedSe: number;
}

export interface Theorem1MonteCarloResult {
  config: Theorem1MonteCarloConfig;
  estimates: TermEstimate[];
  rows: Row[];
  /** constancySummary(estimates). */
  summaryRows: Row[];
  wallSeconds: number;
}

function checkMonteCarlo(c: Theorem1MonteCarloConfig): void {
  for (const k of ['dim', 'nTilde', 'n2', 'n3', 'draws'] as const) {
    if (!Number.isInteger(c[k]) || c[k] <= 0) throw new FsvaeInputError(`theorem-1 Monte-Carlo config: ${k} must be a positive integer, got ${c[k]}.`);
  }
  if (c.draws < 2) throw new FsvaeInputError(`theorem-1 Monte-Carlo config: draws must be ≥ 2 for a standard error, got ${c.draws}.`);
  const pos = (v: number, what: string, zeroOk = false) => {
    if (!Number.isFinite(v) || v < 0 || (!zeroOk && v === 0))
      throw new FsvaeInputError(`theorem-1 Monte-Carlo config: ${what} must be a finite number ${zeroOk ? '≥' : '>'} 0, got ${v}.`);
  };
  pos(c.base.sigma, 'base.sigma');
  pos(c.base.distance, 'base.distance', true);
  pos(c.base.lambda, 'base.lambda');
  pos(c.margin, 'margin', true);
  pos(c.sigma3, 'sigma3');
  pos(c.distance3, 'distance3', true);
  c.sigmas.forEach((v, i) => pos(v, `sigmas[${i}]`));
  c.distances.forEach((v, i) => pos(v, `distances[${i}]`, true));
  c.lambdas.forEach((v, i) => pos(v, `lambdas[${i}]`));
  if (c.dim < 2) throw new FsvaeInputError(`theorem-1 Monte-Carlo config: dim must be ≥ 2 (f¹ and μ3 are placed along two axes), got ${c.dim}.`);
}

interface RunningMoments {
  n: number;
  mean: number;
  m2: number;
}

function push(m: RunningMoments, x: number): void {
  // Welford: stable mean and variance of the per-draw term values
  m.n += 1;
  const d = x - m.mean;
  m.mean += d / m.n;
  m.m2 += d * (x - m.mean);
}

/**
 * Monte-Carlo estimate of the terms A, C (Theorem 1) and B (Eq. 14) at one setting, for every loss.
 * Geometry: μ2 = 0, f² = μ2 (class 2's text at the centre of its reconstructions), f¹ = distance·e1,
 * μ3 = distance3·e2. All losses see the same draws (common random numbers).
 */
export function estimateTerms(
  c: Theorem1MonteCarloConfig,
  setting: { sigma: number; distance: number; lambda: number },
  seed: number,
  losses: readonly PairLossName[] = PAIR_LOSSES,
): Record<PairLossName, Record<Theorem1Term, { mean: number; se: number; pairs: number }>> {
  checkMonteCarlo({ ...c, base: setting });
  const rng = new Random(seed);
  const D = c.dim;
  const p: PairLossParams = { lambda: setting.lambda, margin: c.margin };
  const f1 = new Float64Array(D);
  f1[0] = setting.distance;
  const f2 = new Float64Array(D);
  const mu3 = new Float64Array(D);
  mu3[1] = c.distance3;
  const moments = {} as Record<PairLossName, Record<Theorem1Term, RunningMoments>>;
  for (const l of losses) moments[l] = { A: { n: 0, mean: 0, m2: 0 }, C: { n: 0, mean: 0, m2: 0 }, B: { n: 0, mean: 0, m2: 0 } };
  const point = (mu: Float64Array | null, sigma: number) => {
    const x = rng.normals(D);
    for (let k = 0; k < D; k++) x[k] = (mu ? mu[k] : 0) + sigma * x[k];
    return x;
  };
  const d1T = new Float64Array(c.nTilde);
  const d2T = new Float64Array(c.nTilde);
  const d1S2 = new Float64Array(c.n2);
  const d2S2 = new Float64Array(c.n2);
  const d1S3 = new Float64Array(c.n3);
  for (let draw = 0; draw < c.draws; draw++) {
    for (let i = 0; i < c.nTilde; i++) {
      const g = point(null, setting.sigma); // S̃ ⊂ S1: drawn from P2
      d1T[i] = sqDist(f1, g);
      d2T[i] = sqDist(f2, g);
    }
    for (let j = 0; j < c.n2; j++) {
      const g = point(null, setting.sigma);
      d1S2[j] = sqDist(f1, g);
      d2S2[j] = sqDist(f2, g);
    }
    for (let j = 0; j < c.n3; j++) d1S3[j] = sqDist(f1, point(mu3, c.sigma3));
    for (const l of losses) {
      let a = 0;
      let cc = 0;
      let b = 0;
      for (let i = 0; i < c.nTilde; i++) {
        for (let j = 0; j < c.n2; j++) {
          a += pairLoss(l, d1T[i], d1S2[j], p); // Eq. 13 (A): i ∈ S̃, j ∈ S2, seen from f¹
          cc += pairLoss(l, d2S2[j], d2T[i], p); // Eq. 15 (C): i ∈ S2, j ∈ S̃, seen from f²
        }
        for (let j = 0; j < c.n3; j++) b += pairLoss(l, d1T[i], d1S3[j], p); // Eq. 14 (B)
      }
      push(moments[l].A, setting.lambda * a);
      push(moments[l].C, setting.lambda * cc);
      push(moments[l].B, setting.lambda * b);
    }
  }
  const out = {} as Record<PairLossName, Record<Theorem1Term, { mean: number; se: number; pairs: number }>>;
  for (const l of losses) {
    const fin = (m: RunningMoments, pairs: number) => ({ mean: m.mean, se: Math.sqrt(m.m2 / (m.n - 1) / m.n), pairs });
    out[l] = { A: fin(moments[l].A, c.nTilde * c.n2), C: fin(moments[l].C, c.nTilde * c.n2), B: fin(moments[l].B, c.nTilde * c.n3) };
  }
  return out;
}

export function runTheorem1MonteCarlo(c: Theorem1MonteCarloConfig): Theorem1MonteCarloResult {
  checkMonteCarlo(c);
  const t0 = Date.now();
  const estimates: TermEstimate[] = [];
  const settings: { sweep: Theorem1Sweep; sigma: number; distance: number; lambda: number }[] = [
    ...c.sigmas.map((sigma) => ({ sweep: 'sigma' as const, sigma, distance: c.base.distance, lambda: c.base.lambda })),
    ...c.distances.map((distance) => ({ sweep: 'distance' as const, sigma: c.base.sigma, distance, lambda: c.base.lambda })),
    ...c.lambdas.map((lambda) => ({ sweep: 'lambda' as const, sigma: c.base.sigma, distance: c.base.distance, lambda })),
  ];
  for (const s of settings) {
    // the same seed at every sweep point: the draws differ only through σ, ‖f¹ − μ2‖ or λ
    const est = estimateTerms(c, s, c.seed);
    for (const term of ['A', 'C', 'B'] as const) {
      for (const loss of PAIR_LOSSES) {
        const e = est[loss][term];
        const scale = s.lambda * e.pairs;
        estimates.push({ ...s, term, loss, draws: c.draws, pairs: e.pairs, mean: e.mean, se: e.se, normalised: e.mean / scale, normalisedSe: e.se / scale });
      }
    }
  }
  const rows: Row[] = estimates.map((e) => {
    const theorem = e.term !== 'B';
    // the constant λ·pairs/2 is the calibrated loss's; T1..T4 have no such constant, so no z for them
    const constant = theorem && e.loss === 'calibrated' ? (e.lambda * e.pairs) / 2 : null;
    return {
      sweep: e.sweep,
      'σ (P2)': e.sigma,
      '‖f¹−μ₂‖': e.distance,
      λ: e.lambda,
      term: e.term,
      loss: e.loss,
      draws: e.draws,
      'pairs (ñ·n₂ or ñ·n₃)': e.pairs,
      'E[term] (MC)': e.mean,
      SE: e.se,
      'E[term]/(λ·pairs)': e.normalised,
      'SE/(λ·pairs)': e.normalisedSe,
      'λ·pairs/2 (derivation, calibrated)': constant,
      'z = (E − λ·pairs/2)/SE': constant === null || e.se === 0 ? null : (e.mean - constant) / e.se,
      'Eq. 19 as printed': theorem ? 1 : null,
    };
  });
  return { config: c, estimates, rows, summaryRows: constancySummary(estimates), wallSeconds: (Date.now() - t0) / 1000 };
}

/**
 * Per (sweep, term, loss): the range of E[ℓ] = E[term]/(λ·pairs) over the sweep, and that range in
 * units of its standard error √(SE_max² + SE_min²). A term that is constant in expectation stays
 * within a few units; term C does not involve f¹, so it is left out of the distance sweep.
 */
export function constancySummary(estimates: readonly TermEstimate[]): Row[] {
  const rows: Row[] = [];
  for (const sweep of ['sigma', 'distance', 'lambda'] as const) {
    for (const term of ['A', 'C', 'B'] as const) {
      if (sweep === 'distance' && term === 'C') continue;
      for (const loss of PAIR_LOSSES) {
        const es = estimates.filter((e) => e.sweep === sweep && e.term === term && e.loss === loss);
        if (es.length < 2) continue;
        let lo = es[0];
        let hi = es[0];
        for (const e of es) {
          if (e.normalised < lo.normalised) lo = e;
          if (e.normalised > hi.normalised) hi = e;
        }
        const se = Math.hypot(lo.normalisedSe, hi.normalisedSe);
        const at = (e: TermEstimate) => (sweep === 'sigma' ? e.sigma : sweep === 'distance' ? e.distance : e.lambda);
        rows.push({
          sweep,
          term,
          loss,
          points: es.length,
          'min E[ℓ]': lo.normalised,
          'at min': at(lo),
          'max E[ℓ]': hi.normalised,
          'at max': at(hi),
          'max − min': hi.normalised - lo.normalised,
          '(max − min)/SE': se > 0 ? (hi.normalised - lo.normalised) / se : null,
          'Theorem 1 covers it': term !== 'B' && loss === 'calibrated' ? 'yes: E[ℓ] = 1/2' : term === 'B' ? 'no (term B)' : 'no (not symmetric)',
        });
      }
    }
  }
  return rows;
}

/** The estimates at the base setting (from the σ sweep when it contains base.sigma, else the first one found). */
export function baseEstimates(r: Theorem1MonteCarloResult): TermEstimate[] {
  const b = r.config.base;
  const hit = r.estimates.filter((e) => e.sigma === b.sigma && e.distance === b.distance && e.lambda === b.lambda);
  const sweep = hit.find((e) => e.sweep === 'sigma')?.sweep ?? hit[0]?.sweep;
  return hit.filter((e) => e.sweep === sweep);
}

// ---------------------------------------------------------------------------------------------
// Training with injected label noise

/**
 * Flips round(rate·rows) training labels, chosen without replacement, each to a uniformly drawn
 * other class of `classes` (seeded). Features are untouched: a flipped row is a skeleton of its true
 * class paired with another class's text, the S̃ of App. E.1.
 */
export function injectLabelNoise(set: FeatureSet, classes: readonly number[], rate: number, seed: number): { set: FeatureSet; flipped: Int32Array } {
  checkFeatureSet(set, 'injectLabelNoise: training set');
  if (!(rate >= 0 && rate < 1)) throw new FsvaeInputError(`injectLabelNoise: rate must be in [0, 1), got ${rate}.`);
  const cls = [...new Set(classes)];
  if (cls.length < 2) throw new FsvaeInputError(`injectLabelNoise: need at least 2 classes to flip between, got [${classes.join(', ')}].`);
  const allowed = new Set(cls);
  for (let i = 0; i < set.rows; i++) {
    if (!allowed.has(set.labels[i]))
      throw new FsvaeInputError(`injectLabelNoise: row ${i} has class ${set.labels[i]}, which is not in the given classes [${cls.join(', ')}].`);
  }
  const rng = new Random(seed);
  const k = Math.round(rate * set.rows);
  const flipped = rng.sampleWithoutReplacement(set.rows, k).sort();
  const labels = Int32Array.from(set.labels);
  for (const i of flipped) {
    const others = cls.filter((c) => c !== labels[i]);
    labels[i] = others[rng.int(others.length)];
  }
  return { set: { ...set, labels }, flipped };
}

export interface Theorem1NoiseConfig {
  /** generated dataset (generateFeatureDataset). */
  dataset: Partial<SyntheticFeatureConfig>;
  unseen: number[];
  rates: number[];
  losses: AlignmentLossName[];
  seeds: number[];
  /** stage 2: the 'quick' preset with this schedule (scaledSchedule), latent size and classifier; alignment at every step. */
  cycles: number;
  stepsPerCycle: number;
  latentDim: number;
  classifierSamplesPerClass: number;
  classifierSteps: number;
}

export interface NoiseRun {
  loss: AlignmentLossName;
  rate: number;
  seed: number;
  flippedRows: number;
  /** ZSL accuracy averaged over all cycles (the primary number: no cycle is selected on the test set); null when the run failed. */
  zslMean: number | null;
  /** ZSL accuracy of the last cycle. */
  zslFinal: number | null;
  zslByCycle: number[];
  /** mean reconstruction loss and alignment term of the last cycle (null when the run failed): shows runs whose features blew up. */
  finalReconstruction: number | null;
  finalAlignment: number | null;
  /** the error message of a failed run (e.g. divergence); null otherwise. */
  error: string | null;
  wallSeconds: number;
}

export interface Theorem1NoiseResult {
  config: Theorem1NoiseConfig;
  runs: NoiseRun[];
  rows: Row[];
  trainRows: number;
  chance: number;
  wallSeconds: number;
}

function meanStd(v: number[]): { mean: number | null; std: number | null } {
  if (v.length === 0) return { mean: null, std: null };
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  if (v.length < 2) return { mean: m, std: null };
  return { mean: m, std: Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) };
}

export async function runLabelNoiseExperiment(c: Theorem1NoiseConfig, onRun?: (r: NoiseRun) => void): Promise<Theorem1NoiseResult> {
  if (c.seeds.length === 0 || c.rates.length === 0 || c.losses.length === 0) {
    throw new FsvaeInputError(
      `theorem-1 noise config: seeds, rates and losses must be non-empty (got ${c.seeds.length}, ${c.rates.length}, ${c.losses.length}).`,
    );
  }
  for (const [k, v] of [
    ['cycles', c.cycles],
    ['stepsPerCycle', c.stepsPerCycle],
    ['latentDim', c.latentDim],
    ['classifierSamplesPerClass', c.classifierSamplesPerClass],
    ['classifierSteps', c.classifierSteps],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new FsvaeInputError(`theorem-1 noise config: ${k} must be a positive integer, got ${v}.`);
  }
  const t0 = Date.now();
  const ds = generateFeatureDataset(c.dataset);
  const C = ds.config.numClasses;
  for (const u of c.unseen)
    if (!Number.isInteger(u) || u < 0 || u >= C) throw new FsvaeInputError(`theorem-1 noise config: unseen class ${u} is outside 0..${C - 1}.`);
  const seen = [...Array(C).keys()].filter((k) => !c.unseen.includes(k));
  const cleanTrain = subsetByClass(ds.trainPool, seen);
  const text = composeTextFeatures([ds.textParts.lb, ds.textParts.ad, ds.textParts.md]);
  const ztest = subsetByClass(ds.testPool, c.unseen);
  const runs: NoiseRun[] = [];
  for (const rate of c.rates) {
    for (const seed of c.seeds) {
      // the same noisy labels for every loss at a given (rate, seed): paired comparison
      const noisy = injectLabelNoise(cleanTrain, seen, rate, 1000 * seed + Math.round(rate * 1000));
      for (const loss of c.losses) {
        const cfg = fsvaePreset('quick');
        cfg.schedule = scaledSchedule(c.stepsPerCycle, c.cycles);
        cfg.latentDim = c.latentDim;
        cfg.classifier.samplesPerClass = c.classifierSamplesPerClass;
        cfg.classifier.steps = c.classifierSteps;
        cfg.alignment.loss = loss;
        cfg.alignment.when = 'always';
        const r0 = Date.now();
        const before = new Set(Object.keys(tf.engine().registeredVariables));
        let run: NoiseRun;
        try {
          const res = await trainStage2(cfg, { train: noisy.set, unseen: c.unseen, text, evalSets: { ztest } }, { seed });
          const accs = res.cycles.map((x) => x.zslAccuracy);
          const zslMean = accs.reduce((a, b) => a + b, 0) / accs.length;
          const last = res.cycles[res.cycles.length - 1].losses;
          run = {
            loss,
            rate,
            seed,
            flippedRows: noisy.flipped.length,
            zslMean,
            zslFinal: accs[accs.length - 1],
            zslByCycle: accs,
            finalReconstruction: last.reconstruction,
            finalAlignment: last.alignment,
            error: null,
            wallSeconds: (Date.now() - r0) / 1000,
          };
        } catch (e) {
          if (e instanceof FsvaeInputError) throw e;
          // a run that throws (e.g. divergence) leaves its model's variables registered; free them so the next run can build its own
          for (const [name, v] of Object.entries(tf.engine().registeredVariables)) if (!before.has(name)) v.dispose();
          run = {
            loss,
            rate,
            seed,
            flippedRows: noisy.flipped.length,
            zslMean: null,
            zslFinal: null,
            zslByCycle: [],
            finalReconstruction: null,
            finalAlignment: null,
            error: (e as Error).message,
            wallSeconds: (Date.now() - r0) / 1000,
          };
        }
        runs.push(run);
        onRun?.(run);
      }
    }
  }
  const rows: Row[] = [];
  for (const loss of c.losses) {
    const ok = (sel: NoiseRun[]) => sel.filter((r) => r.zslMean !== null && r.zslFinal !== null);
    const clean = meanStd(ok(runs.filter((r) => r.loss === loss && r.rate === 0)).map((r) => r.zslMean as number));
    for (const rate of c.rates) {
      const sel = runs.filter((r) => r.loss === loss && r.rate === rate);
      const good = ok(sel);
      const s = meanStd(good.map((r) => r.zslMean as number));
      const last = meanStd(good.map((r) => r.zslFinal as number));
      const pct = (v: number | null) => (v === null ? null : 100 * v);
      rows.push({
        loss,
        'noise rate r': rate,
        seeds: sel.length,
        'failed runs': sel.length - good.length,
        'ZSL acc. mean (%)': pct(s.mean),
        'ZSL acc. std (%)': pct(s.std),
        'Δ vs r=0 (points)': s.mean === null || clean.mean === null ? null : 100 * (s.mean - clean.mean),
        'last cycle mean (%)': pct(last.mean),
        'last cycle std (%)': pct(last.std),
        'last-cycle reconstruction loss': meanStd(good.map((r) => r.finalReconstruction as number)).mean,
        'last-cycle alignment term': meanStd(good.map((r) => r.finalAlignment as number)).mean,
        'per seed, mean over cycles (%)': sel.map((r) => (r.zslMean === null ? 'failed' : (100 * r.zslMean).toFixed(1))).join(' / '),
      });
    }
  }
  return { config: c, runs, rows, trainRows: cleanTrain.rows, chance: 1 / c.unseen.length, wallSeconds: (Date.now() - t0) / 1000 };
}

/** The base setting's A and C for every loss, and the calibrated A at every λ: the numbers Eq. 19 is about. */
export function theorem1HeadlineRows(r: Theorem1MonteCarloResult): Row[] {
  const row = (e: TermEstimate): Row => ({
    term: e.term,
    loss: e.loss,
    σ: e.sigma,
    '‖f¹−μ₂‖': e.distance,
    λ: e.lambda,
    'ñ·n₂': e.pairs,
    'E[term] (MC)': e.mean,
    SE: e.se,
    'E[term]/(λñn₂)': e.normalised,
    'SE/(λñn₂)': e.normalisedSe,
    'λñn₂/2': e.loss === 'calibrated' ? (e.lambda * e.pairs) / 2 : null,
    'z vs λñn₂/2': e.loss === 'calibrated' && e.se > 0 ? (e.mean - (e.lambda * e.pairs) / 2) / e.se : null,
    'Eq. 19 as printed': 1,
  });
  const base = baseEstimates(r).filter((e) => e.term !== 'B');
  const lambdas = r.estimates.filter((e) => e.sweep === 'lambda' && e.loss === 'calibrated' && e.term === 'A' && e.lambda !== r.config.base.lambda);
  return [...base.filter((e) => e.term === 'A'), ...base.filter((e) => e.term === 'C'), ...lambdas].map(row);
}

/**
 * The exact identity behind Eq. 20-21 on one finite set S (S̃ = S2 = S): Σ_{i,j∈S} ℓ(i,j) for every
 * loss, on S and on S spread 3× about f, against the calibrated closed form |S|²/2.
 */
export function finiteSetIdentityRows(n: number, dim: number, seed: number, p: PairLossParams): Row[] {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(dim) || dim < 1)
    throw new FsvaeInputError(`finiteSetIdentityRows: n and dim must be positive integers, got ${n}, ${dim}.`);
  checkPairParams(p, 'finiteSetIdentityRows');
  const rng = new Random(seed);
  const f = rng.normals(dim);
  const S = Array.from({ length: n }, () => rng.normals(dim));
  const wide = S.map((x) => x.map((v, k) => f[k] + 3 * (v - f[k])));
  return PAIR_LOSSES.map((loss) => {
    const a = pairDoubleSum(loss, S, S, f, p);
    const b = pairDoubleSum(loss, wide, wide, f, p);
    return {
      loss,
      '|S|': n,
      'Σ ℓ(i,j) on S': a,
      'Σ ℓ(i,j) on S spread 3×': b,
      '|S|²/2': (n * n) / 2,
      '|Σ − |S|²/2| on S': Math.abs(a - (n * n) / 2),
      'changes with the spread': Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a)),
    };
  });
}

/** Plain sentences computed from the noise table (so that the text always matches the numbers shown). */
export function describeNoiseOutcome(r: Theorem1NoiseResult): string[] {
  const rates = r.config.rates;
  const lo = Math.min(...rates);
  const hi = Math.max(...rates);
  const get = (loss: string, rate: number) => r.rows.find((row) => row.loss === loss && row['noise rate r'] === rate);
  const fmt = (v: unknown) => (typeof v === 'number' ? v.toFixed(1) : 'n/a');
  const lines: string[] = [];
  let maxStd = 0;
  for (const row of r.rows) if (typeof row['ZSL acc. std (%)'] === 'number') maxStd = Math.max(maxStd, row['ZSL acc. std (%)'] as number);
  const drops: { loss: string; d: number }[] = [];
  for (const loss of r.config.losses) {
    const a = get(loss, lo);
    const b = get(loss, hi);
    const failed = r.runs.filter((x) => x.loss === loss && x.error);
    let line =
      `${loss}: r=${lo} ${fmt(a?.['ZSL acc. mean (%)'])} ± ${fmt(a?.['ZSL acc. std (%)'])} %, ` +
      `r=${hi} ${fmt(b?.['ZSL acc. mean (%)'])} ± ${fmt(b?.['ZSL acc. std (%)'])} %`;
    if (typeof a?.['ZSL acc. mean (%)'] === 'number' && typeof b?.['ZSL acc. mean (%)'] === 'number') {
      const d = (b['ZSL acc. mean (%)'] as number) - (a['ZSL acc. mean (%)'] as number);
      drops.push({ loss, d });
      line += ` (change ${d >= 0 ? '+' : ''}${d.toFixed(1)} points)`;
    }
    const rec = b?.['last-cycle reconstruction loss'];
    if (typeof rec === 'number' && rec > 1e3) line += `; last-cycle reconstruction loss ${rec.toExponential(1)}: the features blew up`;
    if (failed.length) line += `; ${failed.length} run(s) failed: ${failed[0].error}`;
    lines.push(line + '.');
  }
  if (drops.length >= 2) {
    drops.sort((x, y) => x.d - y.d);
    const signed = (d: number) => `${d >= 0 ? '+' : ''}${d.toFixed(1)}`;
    lines.push(
      `From r=${lo} to r=${hi}: lowest change ${drops[0].loss} (${signed(drops[0].d)} points), ` +
        `highest ${drops[drops.length - 1].loss} (${signed(drops[drops.length - 1].d)} points).`,
    );
  }
  lines.push(
    `Seed-to-seed std reaches ${maxStd.toFixed(1)} points with ${r.config.seeds.length} seeds, ` +
      `so differences of that size are not resolved; chance is ${(100 * r.chance).toFixed(0)} %.`,
  );
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Presets

export interface Theorem1Config {
  name: 'quick' | 'full';
  monteCarlo: Theorem1MonteCarloConfig;
  noise: Theorem1NoiseConfig;
}

const MC_BASE: Omit<Theorem1MonteCarloConfig, 'draws'> = {
  dim: 8,
  nTilde: 10,
  n2: 20,
  n3: 20,
  margin: 1,
  base: { sigma: 0.5, distance: 1, lambda: 1 },
  sigmas: [0.1, 0.25, 0.5, 1, 2],
  distances: [0, 0.5, 1, 2, 4],
  lambdas: [0.1, 1, 10, 100],
  sigma3: 0.5,
  distance3: 2,
  seed: 7,
};

const NOISE_LOSSES: AlignmentLossName[] = ['calibrated-paper', 'triplet-T1', 'triplet-T2', 'triplet-T3', 'triplet-T4'];

export const THEOREM1_PRESETS: Record<'quick' | 'full', Theorem1Config> = {
  quick: {
    name: 'quick',
    monteCarlo: { ...MC_BASE, draws: 2000 },
    noise: {
      dataset: { numClasses: 20, skeletonDim: 64, textPartDim: 32, trainPerClass: 40, testPerClass: 40, seed: 3 },
      unseen: [2, 7, 11, 15, 18],
      rates: [0, 0.2, 0.4],
      losses: NOISE_LOSSES,
      seeds: [1, 2],
      cycles: 3,
      stepsPerCycle: 200,
      latentDim: 32,
      classifierSamplesPerClass: 100,
      classifierSteps: 200,
    },
  },
  full: {
    name: 'full',
    monteCarlo: { ...MC_BASE, draws: 20000, sigmas: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3], distances: [0, 0.25, 0.5, 1, 1.5, 2, 3, 4] },
    noise: {
      dataset: { numClasses: 20, skeletonDim: 64, textPartDim: 32, trainPerClass: 60, testPerClass: 40, seed: 3 },
      unseen: [2, 7, 11, 15, 18],
      rates: [0, 0.1, 0.2, 0.3, 0.4, 0.5],
      losses: ['calibrated-paper', 'calibrated-reference', ...NOISE_LOSSES.slice(1)],
      seeds: [1, 2, 3, 4, 5],
      cycles: 4,
      stepsPerCycle: 250,
      latentDim: 32,
      classifierSamplesPerClass: 100,
      classifierSteps: 300,
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Figures

const SWEEP_AXIS: Record<Theorem1Sweep, string> = { sigma: 'σ of P2 (per coordinate)', distance: '‖f¹ − μ₂‖', lambda: 'λ' };

/** E[term]/(λ·pairs) (= E[ℓ]) per loss along one sweep, error bars ±2 SE. */
export function termExpectationFigure(r: Theorem1MonteCarloResult, term: Theorem1Term, sweep: Theorem1Sweep): Figure {
  const key = (e: TermEstimate) => (sweep === 'sigma' ? e.sigma : sweep === 'distance' ? e.distance : e.lambda);
  const data = PAIR_LOSSES.map((loss) => {
    const es = r.estimates.filter((e) => e.sweep === sweep && e.term === term && e.loss === loss);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: loss === 'calibrated' ? 'calibrated (Eq. 11)' : `L_${loss}`,
      x: es.map(key),
      y: es.map((e) => e.normalised),
      error_y: { type: 'data', array: es.map((e) => 2 * e.normalisedSe), visible: true },
    };
  });
  const pairs = term === 'B' ? 'ñ·n₃' : 'ñ·n₂';
  return {
    data,
    layout: {
      title: { text: `Term ${term}: E[${term}]/(λ·${pairs}) vs ${SWEEP_AXIS[sweep]} (${r.config.draws} draws per point, ±2 SE)` },
      xaxis: { title: { text: SWEEP_AXIS[sweep] }, type: sweep === 'lambda' ? 'log' : 'linear' },
      yaxis: { title: { text: `E[${term}]/(λ·${pairs}) = E[ℓ]` } },
      shapes: term === 'B' ? [] : [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: 0.5, y1: 0.5, line: { dash: 'dot', color: 'gray' } }],
    },
  };
}

/** Mean ZSL accuracy (±1 std over seeds) vs noise rate, one line per alignment loss. */
export function noiseAccuracyFigure(r: Theorem1NoiseResult): Figure {
  const data: Record<string, unknown>[] = r.config.losses.map((loss) => {
    const rows = r.rows.filter((row) => row.loss === loss);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: loss,
      x: rows.map((row) => row['noise rate r']),
      y: rows.map((row) => row['ZSL acc. mean (%)']),
      error_y: { type: 'data', array: rows.map((row) => row['ZSL acc. std (%)'] ?? 0), visible: true },
    };
  });
  return {
    data,
    layout: {
      title: { text: `ZSL accuracy on clean unseen samples vs training-label noise (generated features, ${r.config.seeds.length} seeds, ±1 std)` },
      xaxis: { title: { text: 'fraction r of training labels flipped' } },
      yaxis: { title: { text: 'ZSL accuracy (%)' } },
      shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: 100 * r.chance, y1: 100 * r.chance, line: { dash: 'dot', color: 'gray' } }],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Results files

/** Writes results/theorem1_terms.{csv,md} and, when given, results/theorem1_noise.{csv,md}. */
export function writeTheorem1Results(mc: Theorem1MonteCarloResult, noise: Theorem1NoiseResult | null, backend: string, mode: string): string[] {
  const files: string[] = [];
  const write = (t: ResultTable, extra: Record<string, string | number>) => {
    const { csv, md } = writeResultTable(t, provenance(backend, { notebook: '02_theorem1_calibrated_loss', mode, ...extra }));
    files.push(csv, md);
  };
  const c = mc.config;
  const base = baseEstimates(mc).filter((e) => e.loss === 'calibrated' && e.term === 'A')[0];
  const calZ = mc.estimates.filter((e) => e.loss === 'calibrated' && e.term !== 'B' && e.se > 0).map((e) => Math.abs(e.mean - (e.lambda * e.pairs) / 2) / e.se);
  write(
    {
      name: 'theorem1_terms',
      title:
        'Theorem 1 (App. E.1): Monte-Carlo of the noisy-label terms A (Eq. 13), C (Eq. 15) and B (Eq. 14), ' +
        'calibrated loss vs the per-pair summands of L_T1..L_T4',
      rows: mc.rows,
      notes: [
        monteCarloSettingNote(c),
        TERMS_DEFINITION_NOTE,
        derivationNote(c.base, base, (c.base.lambda * c.nTilde * c.n2) / 2),
        calibratedZNote(calZ.length, Math.max(...calZ).toFixed(2)),
        TERM_B_NOTE,
      ],
    },
    { wallSeconds: mc.wallSeconds },
  );
  write(
    {
      name: 'theorem1_terms_summary',
      title: 'Is E[ℓ] = E[term]/(λ·pairs) constant along each sweep? Range over the sweep in standard errors',
      rows: mc.summaryRows,
      notes: [SUMMARY_SE_NOTE, SUMMARY_SWEEPS_NOTE],
    },
    { wallSeconds: mc.wallSeconds },
  );
  if (noise) {
    const n = noise.config;
    const failed = noise.runs.filter((r) => r.error);
    write(
      {
        name: 'theorem1_noise',
        title: 'ZSL accuracy under injected training-label noise, per alignment loss (generated features, not NTU)',
        rows: noise.rows,
        notes: [
          noiseDataNote(JSON.stringify(n.dataset), n.unseen, (100 * noise.chance).toFixed(0), noise.trainRows),
          NOISE_INJECTION_NOTE,
          noiseTrainingNote(n),
          failedRunsNote(failed),
          T2_UNBOUNDED_NOTE,
          NOISE_LIMITS_NOTE,
        ],
      },
      { wallSeconds: noise.wallSeconds },
    );
  }
  return files;
}
