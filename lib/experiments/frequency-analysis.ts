/**
 * Notebook 01 (paper Sec. 3.2 and App. F): energy preservation of the DCT on real and random
 * signals, orthogonality of the basis in high precision, the gain profiles of the presets
 * (Fig. 5 redrawn; the public code's profile at N = 256 and at the 1536-d text input), and the
 * per-joint energy redistribution caused by the enhancement. One config object per run.
 */
import * as tf from '@tensorflow/tfjs';
import { locateRawDataset } from '../data/datasets';
import { readNwUclaFolder } from '../data/datasets/nw-ucla';
import { generateActionDataset } from '../data/generator';
import { SkeletonSequence, trajectories } from '../data/skeleton';
import { dct1d } from '../frequency/dct';
import { checkEnergyPreservation, checkEnhancedEnergy, checkOrthogonality, enhanceTrajectory, sumOfSquares } from '../frequency/energy';
import { FrequencyConfig, FrequencyEnhancer, frequencyConfig, gainProfile } from '../frequency/enhancer';
import { Random } from '../util/random';
import { ResultTable, Row, writeResultTable } from '../report/table';
import { provenance } from '../report/provenance';
import { Figure } from '../viz/plotly';
import {
  ENERGY_IDENTITIES_NOTE,
  ENERGY_RESCALED_NOTE,
  GAIN_PRESETS_NOTE,
  HIGH_FREQUENCY_GAIN_NOTE,
  ROUNDING_NOTE,
  TEXT_INPUT_GAIN_NOTE,
  skeletonsNote,
} from './narrative/frequency-analysis';

export interface FrequencyAnalysisConfig {
  name: 'quick' | 'full';
  /** NW-UCLA all_sqe folder; found automatically (explicit, $FSVAE_DATA, data/external, ../shared/data) when unset. */
  nwUclaDir?: string;
  /** how many NW-UCLA files to read (sorted order); null = all 1484. */
  maxRealSequences: number | null;
  /** random Gaussian signals: how many of each length. */
  randomSignalsPerLength: number;
  randomSignalLengths: number[];
  /** lengths F whose basis orthogonality is checked with mathjs BigNumber. */
  orthogonalityLengths: number[];
  precisionDigits: number;
  /** Fig. 5 of the paper: 20 coefficients, φ = 15 (b = 19 so that each band is one coefficient). */
  fig5: { n: number; phi: number; bands: number };
  /** lengths whose gain profiles are reported (256 = skeleton feature, 1536 = lb_ad_md text). */
  profileLengths: number[];
  /** enhancement applied along time for the per-joint energy redistribution. */
  timeEnhancement: FrequencyConfig;
  /** sequences shorter than this are skipped in the redistribution (need ≥ b+1 frames). */
  minFramesForRedistribution: number;
  seed: number;
}

export const FREQUENCY_ANALYSIS_PRESETS: Record<'quick' | 'full', FrequencyAnalysisConfig> = {
  quick: {
    name: 'quick',
    maxRealSequences: 300,
    randomSignalsPerLength: 200,
    randomSignalLengths: [16, 64, 256, 1536],
    orthogonalityLengths: [4, 8, 16],
    precisionDigits: 64,
    fig5: { n: 20, phi: 15, bands: 19 },
    profileLengths: [256, 512, 1024, 1536],
    timeEnhancement: frequencyConfig('reference'),
    minFramesForRedistribution: 32,
    seed: 1,
  },
  full: {
    name: 'full',
    maxRealSequences: null,
    randomSignalsPerLength: 1000,
    randomSignalLengths: [16, 64, 256, 512, 1024, 1536],
    orthogonalityLengths: [4, 8, 16, 32],
    precisionDigits: 80,
    fig5: { n: 20, phi: 15, bands: 19 },
    profileLengths: [256, 512, 1024, 1536],
    timeEnhancement: frequencyConfig('reference'),
    minFramesForRedistribution: 32,
    seed: 1,
  },
};

export interface GainProfileResult {
  preset: string;
  n: number;
  gains: number[];
}

export interface FrequencyAnalysisResult {
  config: FrequencyAnalysisConfig;
  /** where the skeletons came from: real folder or 'generated'. */
  skeletonSource: string;
  skeletonCount: number;
  energyRows: Row[];
  orthogonalityRows: Row[];
  profileRows: Row[];
  profiles: GainProfileResult[];
  fig5: GainProfileResult[];
  jointRows: Row[];
  /** mean C_i² over sequences (centred NW-UCLA trajectories, resampled index i/F), for a spectrum plot. */
  spectrum: { relativeFrequency: number[]; meanEnergy: number[] };
  /** the same sequence before and after enhancement along time (first long sequence, joint 11 = right hand). */
  example: { id: string; joint: number; before: number[]; after: number[] };
  wallSeconds: number;
}

/** Subtracts the per-coordinate mean over frames and joints (camera distance would dominate the DC term). */
function centred(seq: SkeletonSequence): SkeletonSequence {
  const data = Float32Array.from(seq.data);
  const n = seq.frames * seq.joints * seq.bodies;
  for (let c = 0; c < 3; c++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += data[i * 3 + c];
    m /= n;
    for (let i = 0; i < n; i++) data[i * 3 + c] -= m;
  }
  return { ...seq, data };
}

function loadSkeletons(config: FrequencyAnalysisConfig): { seqs: SkeletonSequence[]; source: string } {
  const loc = locateRawDataset('nw-ucla', config.nwUclaDir);
  if (loc.path) {
    return { seqs: readNwUclaFolder(loc.path, config.maxRealSequences ?? undefined), source: `NW-UCLA (real, ${loc.source}: ${loc.path})` };
  }
  return {
    seqs: generateActionDataset('quick', config.seed).sequences.slice(0, 80),
    source: `generated dataset (synthetic; NW-UCLA not found, tried ${loc.tried.join(', ')})`,
  };
}

/** tfjs float32 FrequencyEnhancer vs the float64 reference on the same rows: max relative error. */
async function tfjsAgreement(rows: Float64Array[], config: FrequencyConfig): Promise<number> {
  const n = rows[0].length;
  const enh = new FrequencyEnhancer(n, config);
  try {
    const out = tf.tidy(() => enh.apply(tf.tensor2d(rows.map((r) => Array.from(r)))));
    const got = (await out.array()) as number[][]; // an asynchronous read: any backend, a GPU's too
    out.dispose();
    const gains = gainProfile(n, config);
    let worst = 0;
    rows.forEach((r, i) => {
      const want = enhanceTrajectory(r, gains);
      const scale = Math.sqrt(sumOfSquares(want) / n) || 1;
      for (let f = 0; f < n; f++) worst = Math.max(worst, Math.abs(got[i][f] - want[f]) / scale);
    });
    return worst;
  } finally {
    enh.dispose();
  }
}

export async function runFrequencyAnalysis(config: FrequencyAnalysisConfig): Promise<FrequencyAnalysisResult> {
  const t0 = Date.now();
  const rng = new Random(config.seed);
  const { seqs, source } = loadSkeletons(config);
  const energyRows: Row[] = [];
  const timeCfg = config.timeEnhancement;

  // Eq. 32 and Eq. 34 on real (or generated) skeleton trajectories, raw and centred.
  for (const [label, list] of [
    ['raw', seqs],
    ['centred', seqs.map(centred)],
  ] as const) {
    const rows = list.flatMap((s) => trajectories(s));
    const e = checkEnergyPreservation(rows);
    let eq34 = 0;
    for (const s of list) {
      if (s.frames < 2) continue;
      eq34 = Math.max(eq34, checkEnhancedEnergy(trajectories(s), gainProfile(s.frames, timeCfg)).maxRowRelativeError);
    }
    energyRows.push({
      signals: `${source.split(' (')[0]} skeletons, ${label}`,
      count: list.length,
      length: `${Math.min(...list.map((s) => s.frames))}..${Math.max(...list.map((s) => s.frames))}`,
      'E_freq/E_time - 1': e.ratio - 1,
      'max row rel. error (Eq. 32)': e.maxRowRelativeError,
      'max row rel. error (Eq. 34)': eq34,
      'tfjs float32 vs float64 (max rel.)': null,
    });
  }
  // random Gaussian signals
  for (const n of config.randomSignalLengths) {
    const rows = Array.from({ length: config.randomSignalsPerLength }, () => rng.normals(n));
    const e = checkEnergyPreservation(rows);
    const cfg = frequencyConfig('reference');
    const eq34 = checkEnhancedEnergy(rows, gainProfile(n, cfg)).maxRowRelativeError;
    energyRows.push({
      signals: 'random Gaussian',
      count: rows.length,
      length: String(n),
      'E_freq/E_time - 1': e.ratio - 1,
      'max row rel. error (Eq. 32)': e.maxRowRelativeError,
      'max row rel. error (Eq. 34)': eq34,
      'tfjs float32 vs float64 (max rel.)': await tfjsAgreement(rows.slice(0, 32), cfg),
    });
  }

  const orthogonalityRows: Row[] = config.orthogonalityLengths.map((n) => {
    const o = checkOrthogonality(n, config.precisionDigits);
    return { F: n, 'BigNumber digits': o.precision, 'max |ΦΦᵀ − I| (BigNumber)': o.maxErrorBig, 'max |ΦΦᵀ − I| (float64)': o.maxErrorFloat64 };
  });

  // gain profiles of every preset at the feature lengths the model uses
  const profiles: GainProfileResult[] = [];
  const profileRows: Row[] = [];
  for (const n of config.profileLengths) {
    for (const preset of ['reference', 'paper', 'learnable-only'] as const) {
      const g = Array.from(gainProfile(n, frequencyConfig(preset)));
      profiles.push({ preset, n, gains: g });
      const boosted = g.filter((v) => v > 1 + 1e-12).length;
      const damped = g.filter((v) => v < 1 - 1e-12);
      profileRows.push({
        N: n,
        preset,
        'boosted coefficients': boosted,
        'damped coefficients': damped.length,
        'max gain': Math.max(...g),
        'min gain': Math.min(...g),
        'gain just above φ': damped.length ? damped[0] : null,
        'gain of last band': g[n - 2],
        'gain of coefficient N−1': g[n - 1],
      });
    }
  }

  // Fig. 5: 20 coefficients, φ = 15, one coefficient per band
  const { n: n5, phi: phi5, bands: b5 } = config.fig5;
  const fig5: GainProfileResult[] = [
    { preset: 'reference (code: k=0.3, w=1)', n: n5, gains: Array.from(gainProfile(n5, frequencyConfig('reference', { phi: phi5, bands: b5 }))) },
    { preset: 'paper Eq. 2-3 (w=0.3, no k)', n: n5, gains: Array.from(gainProfile(n5, frequencyConfig('paper', { phi: phi5, bands: b5 }))) },
    {
      preset: 'App. F.4 attenuation −w(1−i/b)',
      n: n5,
      gains: Array.from(gainProfile(n5, frequencyConfig('paper', { phi: phi5, bands: b5, highForm: 'appendix-f4' }))),
    },
  ];

  // per-joint energy redistribution along time (centred trajectories)
  const long = seqs.filter((s) => s.frames >= config.minFramesForRedistribution).map(centred);
  const joints = long.length ? long[0].joints : 0;
  const before = new Float64Array(joints);
  const after = new Float64Array(joints);
  const bins = 50;
  const spectrum = new Float64Array(bins);
  const spectrumCount = new Float64Array(bins);
  for (const s of long) {
    const g = gainProfile(s.frames, timeCfg);
    trajectories(s).forEach((row, r) => {
      const j = Math.floor(r / 3);
      before[j] += sumOfSquares(row);
      after[j] += sumOfSquares(enhanceTrajectory(row, g));
      const c = dct1d(row);
      for (let i = 0; i < c.length; i++) {
        const bin = Math.min(bins - 1, Math.floor((i / c.length) * bins));
        spectrum[bin] += c[i] * c[i];
        spectrumCount[bin] += 1;
      }
    });
  }
  const totalBefore = before.reduce((a, b) => a + b, 0);
  const jointRows: Row[] = Array.from({ length: joints }, (_, j) => ({
    joint: j,
    'share of energy before': before[j] / totalBefore,
    "E'/E after enhancement": after[j] / before[j],
  }));
  const ex = long[0];
  const exJoint = ex ? Math.min(11, ex.joints - 1) : 0;
  const exRow = ex ? trajectories(ex)[exJoint * 3 + 1] : new Float64Array();
  return {
    config,
    skeletonSource: source,
    skeletonCount: seqs.length,
    energyRows,
    orthogonalityRows,
    profileRows,
    profiles,
    fig5,
    jointRows,
    spectrum: {
      relativeFrequency: Array.from({ length: bins }, (_, b) => (b + 0.5) / bins),
      meanEnergy: Array.from(spectrum, (v, b) => (spectrumCount[b] ? v / spectrumCount[b] : 0)),
    },
    example: {
      id: ex?.id ?? 'none',
      joint: exJoint,
      before: Array.from(exRow),
      after: ex ? Array.from(enhanceTrajectory(exRow, gainProfile(ex.frames, timeCfg))) : [],
    },
    wallSeconds: (Date.now() - t0) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------
// Figures

export function fig5Figure(r: FrequencyAnalysisResult): Figure {
  return {
    data: r.fig5.map((p) => ({ type: 'scatter', mode: 'lines+markers', name: p.preset, x: p.gains.map((_, i) => i), y: p.gains })),
    layout: {
      title: { text: `Fig. 5 redrawn: gain g(i) per DCT coefficient (N=${r.config.fig5.n}, φ=${r.config.fig5.phi})` },
      xaxis: { title: { text: 'coefficient index i' } },
      yaxis: { title: { text: 'g(i)' } },
      shapes: [{ type: 'line', x0: r.config.fig5.phi, x1: r.config.fig5.phi, yref: 'paper', y0: 0, y1: 1, line: { dash: 'dot' } }],
    },
  };
}

export function gainProfileFigure(r: FrequencyAnalysisResult, n: number): Figure {
  return {
    data: r.profiles.filter((p) => p.n === n).map((p) => ({ type: 'scatter', mode: 'lines', name: p.preset, x: p.gains.map((_, i) => i), y: p.gains })),
    layout: {
      title: { text: `Gain profile at initialisation, N = ${n}${n === 256 ? ' (skeleton feature)' : n === 1536 ? ' (lb_ad_md text input)' : ''}` },
      xaxis: { title: { text: 'DCT coefficient index' } },
      yaxis: { title: { text: 'gain' } },
    },
  };
}

export function spectrumFigure(r: FrequencyAnalysisResult): Figure {
  return {
    data: [{ type: 'bar', x: r.spectrum.relativeFrequency, y: r.spectrum.meanEnergy, name: 'mean C²' }],
    layout: {
      title: { text: `Where the energy of joint trajectories lies (${r.skeletonSource.split(' (')[0]}, centred)` },
      xaxis: { title: { text: 'relative frequency i/F' } },
      yaxis: { title: { text: 'mean C_i²' }, type: 'log' },
    },
  };
}

export function jointEnergyFigure(r: FrequencyAnalysisResult): Figure {
  return {
    data: [{ type: 'bar', x: r.jointRows.map((row) => row.joint), y: r.jointRows.map((row) => row["E'/E after enhancement"]), name: "E'/E" }],
    layout: {
      title: { text: `Per-joint energy after enhancement along time (${r.config.timeEnhancement.preset} gains)` },
      xaxis: { title: { text: 'joint' } },
      yaxis: { title: { text: "E'_time / E_time" } },
    },
  };
}

export function exampleTrajectoryFigure(r: FrequencyAnalysisResult): Figure {
  const x = r.example.before.map((_, t) => t);
  return {
    data: [
      { type: 'scatter', mode: 'lines', name: 'before', x, y: r.example.before },
      { type: 'scatter', mode: 'lines', name: 'after (IDCT(g ⊙ DCT))', x, y: r.example.after },
    ],
    layout: {
      title: { text: `${r.example.id}: joint ${r.example.joint}, y coordinate (centred)` },
      xaxis: { title: { text: 'frame' } },
      yaxis: { title: { text: 'metres' } },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Results files

/** Writes results/frequency_{energy,orthogonality,gain_profiles,joint_energy}.{csv,md}. */
export function writeFrequencyAnalysisResults(r: FrequencyAnalysisResult, backend: string): string[] {
  const prov = provenance(backend, { notebook: '01_frequency_analysis', mode: r.config.name, data: r.skeletonSource, wallSeconds: r.wallSeconds });
  const files: string[] = [];
  const write = (t: ResultTable) => {
    const { csv, md } = writeResultTable(t, prov);
    files.push(csv, md);
  };
  write({
    name: 'frequency_energy',
    title: 'Energy preservation of the orthonormal DCT (App. F, Eq. 32) and after frequency gains (Eq. 34)',
    rows: r.energyRows,
    notes: [skeletonsNote(r.skeletonSource, r.skeletonCount), ENERGY_IDENTITIES_NOTE, ROUNDING_NOTE, ENERGY_RESCALED_NOTE],
  });
  write({
    name: 'frequency_orthogonality',
    title: 'Orthogonality of the DCT basis, Σ_i φ_i(f)φ_i(f′) = δ_ff′ (App. F), in mathjs BigNumber and float64',
    rows: r.orthogonalityRows,
    notes: ['A BigNumber error of 0 means the residual vanished at that precision (symmetric terms cancel exactly); float64 shows its rounding.'],
  });
  write({
    name: 'frequency_gain_profiles',
    title: 'Gain profiles at initialisation of the frequency presets',
    rows: r.profileRows,
    notes: [GAIN_PRESETS_NOTE, HIGH_FREQUENCY_GAIN_NOTE, TEXT_INPUT_GAIN_NOTE],
  });
  write({
    name: 'frequency_joint_energy',
    title: `Per-joint energy redistribution along time with the ${r.config.timeEnhancement.preset} gains (centred trajectories)`,
    rows: r.jointRows,
    notes: ['E′/E > 1 where low-frequency (slow, large) motion dominates: boosted low bands outweigh the damped high bands.'],
  });
  return files;
}
