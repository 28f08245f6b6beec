/**
 * Notebook 07 (paper Fig. 3, Sec. 4.4): per-class GZSL accuracy of Ours − the MSF-style baseline
 * (Fig. 3a) and t-SNE maps of the skeleton-encoder latents μ_s of the test samples for both
 * (Fig. 3b-c), with the separation measured in latent space (silhouette, leave-one-out k-NN
 * accuracy) so the comparison does not rest on a picture. Also the skeleton viewer grids of a
 * few samples per class of the generated dataset and of NW-UCLA / UTD-MHAD when present.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TSNE } from '@saehrimnir/druidjs';
import { ExtractorConfig } from '../stage1/extractors';
import { FsvaeConfig } from '../train/config';
import { DatasetSource, MissingDataset, PreparedFeatures, TextSourceSpec, prepareFeatures } from '../pipeline/features';
import { BASELINE, OURS, Variant, VariantRun, runVariants } from './variants';
import { mainResultsPreset } from './main-results';
import { readSynseBenchmark } from '../data/synse';
import { getSplit } from '../data/splits';
import { classNames } from '../data/classes';
import { locateRawDataset } from '../data/datasets';
import { GeneratedDataset, generateActionDataset } from '../data/generator';
import { parseNwUclaJson, NW_UCLA_CLASS_NAMES } from '../data/datasets/nw-ucla';
import { listUtdMhadFolder, parseUtdMhadName, readUtdMhadFile } from '../data/datasets/utd-mhad';
import { UTD_MHAD_CLASS_NAMES } from '../data/classes';
import { SkeletonSequence } from '../data/skeleton';
import { AnimatedFigure, samplesPerClass, skeletonGridFigure } from '../viz/skeleton';
import { Figure } from '../viz/plotly';
import { Row, ResultTable, writeResultTable } from '../report/table';
import { provenance } from '../report/provenance';
import { Random } from '../util/random';
import { FsvaeInputError } from '../util/assert';
import {
  GATE_NOTE,
  MEASURED_IN_EMBEDDING_NOTE,
  PAPER_FIG3A_NOTE,
  PAPER_TSNE_NOTE,
  PER_CLASS_ACCURACY_NOTE,
  SEPARATION_METRICS_NOTE,
  STAGE1_REFERENCE_NOTE,
  aheadOnlyNote,
  meanDifferenceNote,
  runSummaryNote,
  tsneNote,
} from './narrative/embedding-analysis';

export interface EmbeddingEntry {
  source: DatasetSource;
  text: TextSourceSpec;
  stage2: FsvaeConfig;
}

export interface TsneConfig {
  perplexity: number;
  iterations: number;
  /** learning rate of the gradient descent (druid's epsilon). */
  learningRate: number;
  seed: number;
}

export interface EmbeddingAnalysisConfig {
  name: 'quick' | 'full';
  /** tried in order; the first dataset present is analysed (Fig. 3 of the paper is NTU-60 55/5). */
  entries: EmbeddingEntry[];
  stage1: ExtractorConfig;
  /** stage-1 seed (1, shared with notebook 03's feature cache). */
  stage1Seed: number;
  /** stage-2 seed: one run per variant, as Fig. 3 shows one run. */
  seed: number;
  /** [ours, baseline]. */
  variants: [Variant, Variant];
  /** 'gtest' = every test sample (seen and unseen classes), 'ztest' = unseen classes only. */
  latentSet: 'gtest' | 'ztest';
  /** stratified subsample (by class) above this many points, for the O(n²) t-SNE and metrics. */
  maxPoints: number;
  tsne: TsneConfig;
  /** k of the leave-one-out k-NN accuracy. */
  knnK: number;
  viewer: {
    perClass: number;
    /** seen classes shown next to the unseen ones for the generated dataset. */
    seenClassesShown: number;
    realPerClass: number;
    realDatasets: ('nw-ucla' | 'utd-mhad')[];
    maxFrames: number;
    columns: number;
  };
}

/**
 * Stage-1 config, stage-2 presets and text sources are notebook 03's (mainResultsPreset), so the
 * stage-1 feature cache is shared: quick = the generated dataset; full = NTU-60 55/5 when its
 * SynSE features are present (the paper's Fig. 3), else the generated dataset at full size.
 */
export function embeddingAnalysisPreset(name: 'quick' | 'full'): EmbeddingAnalysisConfig {
  const main = mainResultsPreset(name);
  const splitName = (e: EmbeddingEntry) => (typeof e.source.split === 'string' ? e.source.split : e.source.split.name);
  const pick = (kind: DatasetSource['kind'], split: string) => main.entries.find((e) => e.source.kind === kind && splitName(e) === split);
  const entries = (name === 'quick' ? [pick('generated', 'generated-35/5')] : [pick('synse', 'ntu60-55/5'), pick('generated', 'generated-35/5')])
    .filter((e): e is EmbeddingEntry => e !== undefined)
    .map((e) => ({ source: e.source, text: e.text, stage2: e.stage2 }));
  if (!entries.length) throw new Error(`embeddingAnalysisPreset(${name}): notebook 03's preset has no generated-35/5 entry.`);
  return {
    name,
    entries,
    stage1: main.stage1,
    stage1Seed: 1,
    seed: 1,
    variants: [OURS, BASELINE],
    latentSet: 'gtest',
    knnK: 5,
    maxPoints: name === 'quick' ? 1000 : 2000,
    tsne: { perplexity: 30, iterations: 1000, learningRate: 10, seed: 1 },
    viewer:
      name === 'quick'
        ? { perClass: 2, seenClassesShown: 5, realPerClass: 1, realDatasets: ['nw-ucla', 'utd-mhad'], maxFrames: 16, columns: 6 }
        : { perClass: 3, seenClassesShown: 10, realPerClass: 2, realDatasets: ['nw-ucla', 'utd-mhad'], maxFrames: 24, columns: 6 },
  };
}

// ---------------------------------------------------------------------------------------------
// Embedding helpers (rows × dim, row-major)

function checkMatrix(x: ArrayLike<number>, n: number, dim: number, what: string): void {
  if (!Number.isInteger(n) || !Number.isInteger(dim) || n < 1 || dim < 1) throw new FsvaeInputError(`${what}: n=${n}, dim=${dim} must be positive integers.`);
  if (x.length !== n * dim) throw new FsvaeInputError(`${what}: ${x.length} values, expected n·dim = ${n}·${dim} = ${n * dim}.`);
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i])) throw new FsvaeInputError(`${what}: value #${i} (row ${Math.floor(i / dim)}) is ${x[i]}; embeddings must be finite.`);
}

/** Euclidean distance matrix (n × n, float64). */
export function pairwiseDistances(x: ArrayLike<number>, n: number, dim: number): Float64Array {
  checkMatrix(x, n, dim, 'pairwiseDistances');
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const v = x[i * dim + k] - x[j * dim + k];
        s += v * v;
      }
      d[i * n + j] = d[j * n + i] = Math.sqrt(s);
    }
  }
  return d;
}

/**
 * Mean silhouette (Rousseeuw 1987) from a distance matrix: s_i = (b_i − a_i)/max(a_i, b_i), a_i the
 * mean distance to the other points of i's class, b_i the smallest mean distance to another class;
 * s_i = 0 for a point alone in its class (scikit-learn's convention). Needs ≥ 2 classes.
 */
export function silhouetteScore(dist: Float64Array, labels: ArrayLike<number>): number {
  const n = labels.length;
  if (dist.length !== n * n) throw new FsvaeInputError(`silhouetteScore: distance matrix has ${dist.length} entries, expected ${n}² for ${n} labels.`);
  const classes = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  if (classes.length < 2) throw new FsvaeInputError(`silhouetteScore: needs at least 2 classes, got ${classes.length}.`);
  const idx = new Map(classes.map((c, i) => [c, i]));
  const count = new Float64Array(classes.length);
  for (let i = 0; i < n; i++) count[idx.get(labels[i])!]++;
  let total = 0;
  const sums = new Float64Array(classes.length);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[idx.get(labels[j])!] += dist[i * n + j];
    const own = idx.get(labels[i])!;
    if (count[own] < 2) continue;
    const a = sums[own] / (count[own] - 1);
    let b = Infinity;
    for (let c = 0; c < classes.length; c++) if (c !== own) b = Math.min(b, sums[c] / count[c]);
    const m = Math.max(a, b);
    total += m > 0 ? (b - a) / m : 0;
  }
  return total / n;
}

/**
 * Leave-one-out k-NN accuracy from a distance matrix: each point is classified by the majority
 * class of its k nearest other points (ties: the tied class whose members among the k are
 * nearest in summed distance; equal distances ordered by index).
 */
export function knnAccuracy(dist: Float64Array, labels: ArrayLike<number>, k: number): number {
  const n = labels.length;
  if (dist.length !== n * n) throw new FsvaeInputError(`knnAccuracy: distance matrix has ${dist.length} entries, expected ${n}² for ${n} labels.`);
  if (!Number.isInteger(k) || k < 1 || k >= n) throw new FsvaeInputError(`knnAccuracy: k must be an integer in 1..${n - 1}, got ${k}.`);
  let correct = 0;
  const order = Array.from({ length: n }, (_, j) => j);
  for (let i = 0; i < n; i++) {
    const others = order
      .filter((j) => j !== i)
      .sort((p, q) => dist[i * n + p] - dist[i * n + q] || p - q)
      .slice(0, k);
    const votes = new Map<number, { n: number; d: number }>();
    for (const j of others) {
      const v = votes.get(labels[j]) ?? { n: 0, d: 0 };
      v.n++;
      v.d += dist[i * n + j];
      votes.set(labels[j], v);
    }
    let best: number | null = null;
    let bv = { n: -1, d: Infinity };
    for (const [c, v] of votes) {
      if (v.n > bv.n || (v.n === bv.n && v.d < bv.d)) {
        best = c;
        bv = v;
      }
    }
    if (best === labels[i]) correct++;
  }
  return correct / n;
}

/** Row indices, at most `maxPoints`, spread evenly over classes (seeded; all rows when n ≤ maxPoints). */
export function stratifiedSubsample(labels: ArrayLike<number>, maxPoints: number, rng: Random): number[] {
  const n = labels.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (!byClass.has(labels[i])) byClass.set(labels[i], []);
    byClass.get(labels[i])!.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const per = Math.max(1, Math.floor(maxPoints / classes.length));
  const out: number[] = [];
  for (const c of classes) {
    const rows = byClass.get(c)!;
    const pick = rows.length <= per ? rows : Array.from(rng.sampleWithoutReplacement(rows.length, per)).map((k) => rows[k]);
    out.push(...pick);
  }
  return out.sort((a, b) => a - b);
}

function selectRows(x: ArrayLike<number>, dim: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * dim);
  rows.forEach((r, i) => {
    for (let k = 0; k < dim; k++) out[i * dim + k] = x[r * dim + k];
  });
  return out;
}

/**
 * Exact t-SNE (van der Maaten & Hinton 2008) to 2 dimensions with druid.js (@saehrimnir/druidjs):
 * perplexity calibrated per point by bisection on the Gaussian precision, early exaggeration ×4
 * for 100 iterations, momentum 0.5 → 0.8 after 250, per-parameter gains. Deterministic by seed
 * (druid's own seeded generator draws the initial map). Returns n × 2, row-major.
 */
export function tsneEmbedding(x: ArrayLike<number>, n: number, dim: number, cfg: TsneConfig): Float64Array {
  checkMatrix(x, n, dim, 'tsneEmbedding');
  if (n < 5) throw new FsvaeInputError(`tsneEmbedding: needs at least 5 points, got ${n}.`);
  if (!(cfg.perplexity > 1)) throw new FsvaeInputError(`tsneEmbedding: perplexity must exceed 1, got ${cfg.perplexity}.`);
  if (!Number.isInteger(cfg.iterations) || cfg.iterations < 1)
    throw new FsvaeInputError(`tsneEmbedding: iterations must be a positive integer, got ${cfg.iterations}.`);
  if (!Number.isInteger(cfg.seed)) throw new FsvaeInputError(`tsneEmbedding: seed must be an integer, got ${cfg.seed}.`);
  // a perplexity near n cannot be met (entropy ≤ log(n − 1)); cap it as the usual (n − 1)/3
  const perplexity = Math.min(cfg.perplexity, (n - 1) / 3);
  const rows = Array.from({ length: n }, (_, i) => Array.from({ length: dim }, (_, k) => Number(x[i * dim + k])));
  const y = new TSNE(rows, { perplexity, epsilon: cfg.learningRate, d: 2, seed: cfg.seed }).transform(cfg.iterations) as unknown as ArrayLike<
    ArrayLike<number>
  >;
  const out = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[i * 2] = y[i][0];
    out[i * 2 + 1] = y[i][1];
  }
  for (let i = 0; i < out.length; i++)
    if (!Number.isFinite(out[i])) throw new Error(`tsneEmbedding: the map has a non-finite coordinate at point ${Math.floor(i / 2)}; lower the learning rate.`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Run

export interface EmbeddingMap {
  /** 'Baseline μ_s' / 'Ours μ_s'. */
  name: string;
  /** n × 2 t-SNE coordinates, row-major. */
  xy: Float64Array;
  labels: Int32Array;
}

export interface EmbeddingAnalysisResult {
  config: EmbeddingAnalysisConfig;
  prepared: PreparedFeatures;
  /** datasets of config.entries that were absent (what to download). */
  skipped: MissingDataset[];
  runs: VariantRun[];
  perClassRows: Row[];
  separationRows: Row[];
  maps: EmbeddingMap[];
  unseen: number[];
  classNames: readonly string[];
  timings: { stage2Seconds: number; tsneSeconds: number; metricsSeconds: number };
  wallSeconds: number;
}

function nameOf(names: readonly string[], c: number): string {
  return names[c] ?? `class ${c}`;
}

const pct = (v: number) => Math.round(v * 1000) / 10;

export async function runEmbeddingAnalysis(config: EmbeddingAnalysisConfig, log: (line: string) => void = () => {}): Promise<EmbeddingAnalysisResult> {
  const t0 = Date.now();
  const skipped: MissingDataset[] = [];
  let entry: EmbeddingEntry | null = null;
  let prepared: PreparedFeatures | null = null;
  for (const e of config.entries) {
    const p = await prepareFeatures(e.source, { stage1: config.stage1, seed: config.stage1Seed, log });
    if ('missing' in p) {
      log(`[skip] ${p.message}`);
      skipped.push(p);
      continue;
    }
    entry = e;
    prepared = p;
    break;
  }
  if (!entry || !prepared) throw new FsvaeInputError(`embedding analysis: none of the datasets is present: ${skipped.map((s) => s.message).join('; ')}`);
  const split = prepared.split;
  const names = classNames(split.dataset);
  const unseen = new Set(split.unseen);

  const tS = Date.now();
  const runs = await runVariants(prepared, entry.stage2, config.variants, { seeds: [config.seed], text: entry.text, latentsOf: [config.latentSet], log });
  const stage2Seconds = (Date.now() - tS) / 1000;
  const [ours, base] = runs;

  // Fig. 3a: per-class GZSL accuracy (clean protocol), matched by class id
  const pb = new Map(base.result.firstSeedGzsl.clean.perClass.map((c) => [c.classId, c]));
  const perClassRows: Row[] = ours.result.firstSeedGzsl.clean.perClass
    .map((a) => {
      const b = pb.get(a.classId);
      if (!b) throw new Error(`per-class accuracy: class ${a.classId} missing from the baseline's GZSL result.`);
      return {
        split: split.name,
        class: a.classId,
        name: nameOf(names, a.classId),
        kind: unseen.has(a.classId) ? 'unseen' : 'seen',
        'test samples': a.count,
        [`${ours.variant.name} acc (%)`]: pct(a.accuracy),
        [`${base.variant.name} acc (%)`]: pct(b.accuracy),
        'difference (points)': Math.round((a.accuracy - b.accuracy) * 1000) / 10,
      } as Row;
    })
    .sort((p, q) => (p.kind === q.kind ? (p.class as number) - (q.class as number) : p.kind === 'unseen' ? -1 : 1));

  // latents of both runs over the same evaluation rows
  const lo = ours.result.firstSeedLatents[config.latentSet];
  const lb = base.result.firstSeedLatents[config.latentSet];
  for (const [r, l] of [
    [ours, lo],
    [base, lb],
  ] as const) {
    if (!l?.latents || l.latents.length === 0) {
      throw new Error(
        `${r.variant.name}: stage 2 returned no latents of '${config.latentSet}' ` + '(trainStage2 must record μ_s for opts.latentsOf after each cycle).',
      );
    }
  }
  if (lo.labels.length !== lb.labels.length || lo.labels.some((v, i) => v !== lb.labels[i]))
    throw new Error('latents of the two runs do not cover the same evaluation rows.');
  const features = readSynseBenchmark(prepared.featuresRoot, split, 'train')[config.latentSet];
  if (!features) throw new FsvaeInputError(`${prepared.featuresRoot}: phase-train folder has no ${config.latentSet}.`);
  const rows = stratifiedSubsample(lo.labels, config.maxPoints, new Random(config.seed));
  const labels = Int32Array.from(rows.map((r) => lo.labels[r]));
  const embeddings = [
    { name: 'stage-1 features (VAE input)', x: selectRows(features.features, features.dim, rows), dim: features.dim, map: false },
    { name: `${base.variant.name} μ_s`, x: selectRows(lb.latents, lb.dim, rows), dim: lb.dim, map: true },
    { name: `${ours.variant.name} μ_s`, x: selectRows(lo.latents, lo.dim, rows), dim: lo.dim, map: true },
  ];

  const maps: EmbeddingMap[] = [];
  let tsneSeconds = 0;
  let metricsSeconds = 0;
  const separationRows: Row[] = [];
  const subsets: [string, (c: number) => boolean][] = [
    ['all test classes', () => true],
    ['unseen classes', (c) => unseen.has(c)],
    ['seen classes', (c) => !unseen.has(c)],
  ];
  for (const e of embeddings) {
    const n = rows.length;
    let xy: Float64Array | null = null;
    if (e.map) {
      const t = Date.now();
      xy = tsneEmbedding(e.x, n, e.dim, config.tsne);
      tsneSeconds += (Date.now() - t) / 1000;
      maps.push({ name: e.name, xy, labels });
    }
    const tm = Date.now();
    for (const [subset, keep] of subsets) {
      const idx = Array.from({ length: n }, (_, i) => i).filter((i) => keep(labels[i]));
      const sub = Int32Array.from(idx.map((i) => labels[i]));
      const nc = new Set(sub).size;
      if (nc < 2 || idx.length <= config.knnK) continue;
      const d = pairwiseDistances(selectRows(e.x, e.dim, idx), idx.length, e.dim);
      const row: Row = {
        split: split.name,
        embedding: e.name,
        dim: e.dim,
        classes: subset,
        'class count': nc,
        points: idx.length,
        silhouette: silhouetteScore(d, sub),
        [`k-NN acc (k=${config.knnK}, leave-one-out)`]: knnAccuracy(d, sub, config.knnK),
        [`k-NN acc in the t-SNE map`]: xy ? knnAccuracy(pairwiseDistances(selectRows(xy, 2, idx), idx.length, 2), sub, config.knnK) : null,
      };
      separationRows.push(row);
    }
    metricsSeconds += (Date.now() - tm) / 1000;
  }
  return {
    config,
    prepared,
    skipped,
    runs,
    perClassRows,
    separationRows,
    maps,
    unseen: split.unseen,
    classNames: names,
    timings: { stage2Seconds, tsneSeconds, metricsSeconds },
    wallSeconds: (Date.now() - t0) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------
// Figures

/** Fig. 3a: per-class GZSL accuracy difference, red = Ours better, blue = not; dark = unseen, light = seen. */
export function perClassDifferenceBars(r: EmbeddingAnalysisResult): Figure {
  const rows = r.perClassRows;
  const y = rows.map((row) => row['difference (points)'] as number);
  const colour = rows.map((row, i) => (y[i] > 0 ? (row.kind === 'unseen' ? '#b2182b' : '#f4a582') : row.kind === 'unseen' ? '#2166ac' : '#92c5de'));
  const nUnseen = rows.filter((row) => row.kind === 'unseen').length;
  const [ours, base] = r.runs;
  return {
    data: [
      {
        type: 'bar',
        x: rows.map((row) => `${row.class}`),
        y,
        marker: { color: colour },
        text: rows.map((row) => `${row.name} (${row.kind})`),
        textposition: 'none',
        hovertemplate: 'class %{x}: %{text}<br>%{y:.1f} points<extra></extra>',
      },
    ],
    layout: {
      title: {
        text:
          `Fig. 3a-style: per-class GZSL accuracy, ${ours.variant.name} − ${base.variant.name}` +
          `<br><sub>${r.prepared.split.name}, clean protocol, seed ${r.config.seed}</sub>`,
        x: 0.02,
        xanchor: 'left',
      },
      xaxis: { title: { text: `class id (first ${nUnseen}: unseen; dark = unseen, light = seen; red = better, blue = not)` }, type: 'category' },
      yaxis: { title: { text: 'accuracy difference (points)' } },
      shapes: [{ type: 'line', xref: 'x', yref: 'paper', x0: nUnseen - 0.5, x1: nUnseen - 0.5, y0: 0, y1: 1, line: { dash: 'dot', color: '#555' } }],
    },
  };
}

const UNSEEN_COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#000000', '#7f7f7f', '#393b79'];

/** Fig. 3b-c: t-SNE maps side by side; unseen classes in strong colours and larger markers, seen classes muted, class ids at cluster medians. */
export function tsneFigure(r: EmbeddingAnalysisResult): Figure {
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: {
      text:
        `Fig. 3b-c-style: t-SNE of skeleton latents μ_s<br><sub>${r.config.latentSet}, ${r.prepared.split.name}; ` +
        `perplexity ${r.config.tsne.perplexity}, seed ${r.config.tsne.seed}; ◆ = unseen classes</sub>`,
      x: 0.02,
      xanchor: 'left',
    },
    legend: { font: { size: 9 }, traceorder: 'reversed' },
    annotations: [] as Record<string, unknown>[],
    hovermode: 'closest',
  };
  const unseenIdx = new Map(r.unseen.map((c, i) => [c, i]));
  const m = r.maps.length;
  r.maps.forEach((map, k) => {
    const ax = k === 0 ? '' : String(k + 1);
    const classes = [...new Set(Array.from(map.labels))].sort((a, b) => (unseenIdx.has(a) === unseenIdx.has(b) ? a - b : unseenIdx.has(a) ? 1 : -1));
    const text: Record<string, unknown> = {
      type: 'scatter',
      mode: 'text',
      xaxis: `x${ax}`,
      yaxis: `y${ax}`,
      x: [] as number[],
      y: [] as number[],
      text: [] as string[],
      showlegend: false,
      hoverinfo: 'skip',
      textfont: { size: 10 },
    };
    for (const c of classes) {
      const idx = Array.from(map.labels.keys()).filter((i) => map.labels[i] === c);
      const xs = idx.map((i) => map.xy[i * 2]);
      const ys = idx.map((i) => map.xy[i * 2 + 1]);
      const u = unseenIdx.get(c);
      const isUnseen = u !== undefined;
      const hue = (c * 137.508) % 360; // golden-angle hues for the many seen classes
      data.push({
        type: 'scatter',
        mode: 'markers',
        xaxis: `x${ax}`,
        yaxis: `y${ax}`,
        x: xs,
        y: ys,
        name: `${isUnseen ? '★ ' : ''}${c}: ${nameOf(r.classNames, c)}`,
        legendgroup: String(c),
        showlegend: k === 0,
        marker: isUnseen
          ? { size: 8, symbol: 'diamond', color: UNSEEN_COLOURS[u % UNSEEN_COLOURS.length], line: { width: 1, color: '#000' } }
          : { size: 5, color: `hsl(${hue.toFixed(0)},45%,65%)`, opacity: 0.55 },
        hovertemplate: `${c}: ${nameOf(r.classNames, c).replace(/%/g, '%%')}${isUnseen ? ' (unseen)' : ''}<extra></extra>`,
      });
      const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
      (text.x as number[]).push(med(xs));
      (text.y as number[]).push(med(ys));
      (text.text as string[]).push(isUnseen ? `<b>${c}</b>` : String(c));
    }
    data.push(text);
    const x0 = k / m + 0.01;
    const x1 = (k + 1) / m - 0.01;
    layout[`xaxis${ax}`] = { domain: [x0, x1], anchor: `y${ax}`, showticklabels: false, zeroline: false, title: { text: '' } };
    layout[`yaxis${ax}`] = { anchor: `x${ax}`, showticklabels: false, zeroline: false, scaleanchor: `x${ax}`, scaleratio: 1 };
    const sep = r.separationRows.find((row) => row.embedding === map.name && row.classes === 'all test classes');
    (layout.annotations as Record<string, unknown>[]).push({
      text: `${map.name}${sep ? ` — silhouette ${(sep.silhouette as number).toFixed(3)} (latent space)` : ''}`,
      showarrow: false,
      xref: 'paper',
      yref: 'paper',
      x: (x0 + x1) / 2,
      y: 1.0,
      xanchor: 'center',
      yanchor: 'bottom',
    });
  });
  return { data, layout };
}

/** Plain-language reading of the measured numbers (nothing here is fixed in advance). */
export function describeEmbeddingAnalysis(r: EmbeddingAnalysisResult): string[] {
  const [ours, base] = r.runs;
  const lines: string[] = [];
  for (const kind of ['unseen', 'seen']) {
    const d = r.perClassRows.filter((row) => row.kind === kind).map((row) => row['difference (points)'] as number);
    if (!d.length) continue;
    const m = d.reduce((a, b) => a + b, 0) / d.length;
    lines.push(
      `${kind} classes: ${ours.variant.name} better on ${d.filter((x) => x > 0).length}, worse on ${d.filter((x) => x < 0).length}, ` +
        `equal on ${d.filter((x) => x === 0).length} of ${d.length}; mean difference ${m >= 0 ? '+' : ''}${m.toFixed(1)} points.`,
    );
  }
  const knnCol = `k-NN acc (k=${r.config.knnK}, leave-one-out)`;
  for (const subset of ['all test classes', 'unseen classes']) {
    const get = (name: string) => r.separationRows.find((row) => row.classes === subset && String(row.embedding).startsWith(name));
    const o = get(ours.variant.name);
    const b = get(base.variant.name);
    const i = get('stage-1');
    if (!o || !b) continue;
    const s = (row: Row | undefined, col: string) => (row ? (row[col] as number).toFixed(3) : 'n/a');
    const verdict =
      (o.silhouette as number) > (b.silhouette as number)
        ? 'better separated with Ours'
        : (o.silhouette as number) < (b.silhouette as number)
          ? 'better separated with the baseline'
          : 'equally separated';
    lines.push(
      `${subset}: silhouette ${s(o, 'silhouette')} (Ours) vs ${s(b, 'silhouette')} (baseline), stage-1 input ${s(i, 'silhouette')}; ` +
        `k-NN ${s(o, knnCol)} vs ${s(b, knnCol)} (input ${s(i, knnCol)}) → ${verdict} by silhouette.`,
    );
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Skeleton grids of a few samples per class

export interface SkeletonGrid {
  name: string;
  title: string;
  /** where the sequences came from. */
  source: string;
  figure: AnimatedFigure;
}

const generatedCache = new Map<string, GeneratedDataset>();

function generatedDataset(preset: 'quick' | 'full', seed: number): GeneratedDataset {
  const key = `${preset}:${seed}`;
  if (!generatedCache.has(key)) generatedCache.set(key, generateActionDataset(preset, seed));
  return generatedCache.get(key)!;
}

function generatedSource(config: EmbeddingAnalysisConfig): Extract<DatasetSource, { kind: 'generated' }> | undefined {
  return config.entries.find((e) => e.source.kind === 'generated')?.source as Extract<DatasetSource, { kind: 'generated' }> | undefined;
}

/**
 * A generated sequence for the before/after enhancement view: the first unseen class of the
 * config's generated split, first test subject (null when the config has no generated entry).
 */
export function enhancementExample(config: EmbeddingAnalysisConfig): SkeletonSequence | null {
  const gen = generatedSource(config);
  if (!gen) return null;
  const ds = generatedDataset(gen.preset, gen.seed);
  const split = typeof gen.split === 'string' ? getSplit(gen.split) : gen.split;
  const testSubject = ds.protocol.testSubjects[0];
  return ds.sequences.find((s) => s.label === split.unseen[0] && s.meta?.subject === testSubject) ?? ds.sequences[0];
}

/** Evenly spaced picks from a sorted list: indices floor(i·len/k). */
function evenPicks<T>(list: readonly T[], k: number): T[] {
  if (list.length <= k) return [...list];
  return Array.from({ length: k }, (_, i) => list[Math.floor((i * list.length) / k)]);
}

function nwUclaSamples(dir: string, perClass: number): SkeletonSequence[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^a\d{2}_s\d{2}_e\d{2}_v\d{2}\.json$/.test(f))
    .sort();
  const byAction = new Map<string, string[]>();
  for (const f of files) {
    const a = f.slice(0, 3);
    if (!byAction.has(a)) byAction.set(a, []);
    byAction.get(a)!.push(f);
  }
  return [...byAction.keys()]
    .sort()
    .flatMap((a) => evenPicks(byAction.get(a)!, perClass).map((f) => parseNwUclaJson(fs.readFileSync(path.join(dir, f), 'utf8'), path.join(dir, f))));
}

function utdMhadSamples(dir: string, perClass: number): SkeletonSequence[] {
  const byAction = new Map<number, string[]>();
  for (const f of listUtdMhadFolder(dir)) {
    const m = parseUtdMhadName(path.basename(f));
    if (!m) continue;
    if (!byAction.has(m.action)) byAction.set(m.action, []);
    byAction.get(m.action)!.push(f);
  }
  return [...byAction.keys()].sort((a, b) => a - b).flatMap((a) => evenPicks(byAction.get(a)!, perClass).map(readUtdMhadFile));
}

/**
 * Animated grids (front view) of a few samples per class: the generated dataset (its unseen
 * classes of the analysed split plus a few seen ones) and the real datasets that are present.
 */
export function skeletonGrids(config: EmbeddingAnalysisConfig, log: (line: string) => void = () => {}): { grids: SkeletonGrid[]; missing: string[] } {
  const v = config.viewer;
  const grids: SkeletonGrid[] = [];
  const missing: string[] = [];
  const gen = generatedSource(config);
  if (gen) {
    const ds = generatedDataset(gen.preset, gen.seed);
    const genSplit = typeof gen.split === 'string' ? getSplit(gen.split) : gen.split;
    const held = genSplit.unseen;
    const seenShown = ds.classes
      .map((c) => c.id)
      .filter((c) => !held.includes(c))
      .slice(0, v.seenClassesShown);
    const classes = [...held, ...seenShown];
    const seqs = samplesPerClass(ds.sequences, v.perClass, { classes });
    const titles = seqs.map((s) => `${held.includes(s.label) ? '★ ' : ''}${s.label}: ${ds.classes[s.label].label}<br>${s.id.replace(/^gen_/, '')}`);
    grids.push({
      name: 'skeletons_generated',
      source: `generated dataset (preset ${gen.preset}, seed ${gen.seed})`,
      title: `Generated dataset: ★ unseen classes of ${genSplit.name}, then seen ones`,
      figure: skeletonGridFigure(seqs, {
        titles,
        columns: v.columns,
        maxFrames: v.maxFrames,
        title: `Generated dataset (${gen.preset}): ${v.perClass} samples per class, ★ = unseen in ${genSplit.name} (front view)`,
      }),
    });
    log(`[viewer] generated: ${seqs.length} sequences of ${classes.length} classes`);
  }
  for (const d of v.realDatasets) {
    const loc = locateRawDataset(d);
    if (!loc.path) {
      missing.push(`${d}: not found (tried ${loc.tried.join(', ')}); get it with npx fsvae download ${d}`);
      continue;
    }
    const seqs = d === 'nw-ucla' ? nwUclaSamples(loc.path, v.realPerClass) : utdMhadSamples(loc.path, v.realPerClass);
    const names: readonly string[] = d === 'nw-ucla' ? NW_UCLA_CLASS_NAMES : UTD_MHAD_CLASS_NAMES;
    const titles = seqs.map((s) => `${s.label}: ${names[s.label] ?? ''}<br>${s.id.replace(/_skeleton$/, '')}`);
    const label = d === 'nw-ucla' ? 'NW-UCLA' : 'UTD-MHAD';
    grids.push({
      name: `skeletons_${d.replace('-', '_')}`,
      source: `${label} (real, ${loc.source}: ${loc.path})`,
      title: `${label}: ${v.realPerClass} sample(s) per class`,
      figure: skeletonGridFigure(seqs, {
        titles,
        columns: v.columns,
        maxFrames: v.maxFrames,
        title: `${label} (real skeletons): ${v.realPerClass} sample(s) per class (front view)`,
      }),
    });
    log(`[viewer] ${label}: ${seqs.length} sequences from ${loc.path}`);
  }
  return { grids, missing };
}

// ---------------------------------------------------------------------------------------------
// Results files

/** Writes results/fig3_per_class.{csv,md} and results/fig3_latent_separation.{csv,md}. */
export function writeEmbeddingAnalysis(r: EmbeddingAnalysisResult, backend: string): string[] {
  const [ours, base] = r.runs;
  const prov = provenance(backend, {
    notebook: '07_embedding_analysis',
    mode: r.config.name,
    data: r.prepared.description,
    split: r.prepared.split.name,
    seed: r.config.seed,
    stage2: ours.result.preset,
    wallSeconds: r.wallSeconds,
  });
  const files: string[] = [];
  const w = (t: ResultTable) => {
    const { csv, md } = writeResultTable(t, prov);
    files.push(csv, md);
  };
  const s = (run: VariantRun) => {
    const p = run.result.perSeed[0].gzsl.clean;
    return runSummaryNote(run.variant.name, pct(run.result.perSeed[0].zsl.clean), { S: pct(p.S), U: pct(p.U), H: pct(p.H) }, r.config.seed);
  };
  const diffs = (kind: string) => r.perClassRows.filter((row) => row.kind === kind).map((row) => row['difference (points)'] as number);
  const mean = (v: number[]) => (v.length ? Math.round((10 * v.reduce((a, b) => a + b, 0)) / v.length) / 10 : NaN);
  const count = (v: number[], f: (x: number) => boolean) => v.filter(f).length;
  const dU = diffs('unseen');
  const dS = diffs('seen');
  const counts = (d: number[]) => ({
    mean: mean(d),
    better: count(d, (x) => x > 0),
    worse: count(d, (x) => x < 0),
    equal: count(d, (x) => x === 0),
    of: d.length,
  });
  const skippedNote = r.skipped.length ? [`Not analysed (absent): ${r.skipped.map((m) => m.message).join('; ')}.`] : [];
  w({
    name: 'fig3_per_class',
    title: `Fig. 3a: per-class GZSL accuracy, ${ours.variant.name} − ${base.variant.name} (${r.prepared.split.name})`,
    rows: r.perClassRows,
    notes: [
      s(ours),
      s(base),
      meanDifferenceNote(counts(dU), counts(dS)),
      PER_CLASS_ACCURACY_NOTE,
      PAPER_FIG3A_NOTE,
      ...(['unseen', 'seen'] as const)
        .map((kind) => ({ kind, d: kind === 'unseen' ? dU : dS }))
        .filter(({ d }) => d.length && count(d, (x) => x > 0) * 2 <= d.length)
        .map(({ kind, d }) =>
          aheadOnlyNote(
            count(d, (x) => x > 0),
            d.length,
            kind,
          ),
        ),
      GATE_NOTE,
      `Data: ${r.prepared.description}.`,
      ...skippedNote,
    ],
  });
  w({
    name: 'fig3_latent_separation',
    title: `Fig. 3b-c in numbers: class separation of the skeleton latents μ_s (${r.config.latentSet}, ${r.prepared.split.name})`,
    rows: r.separationRows,
    notes: [
      MEASURED_IN_EMBEDDING_NOTE,
      SEPARATION_METRICS_NOTE,
      STAGE1_REFERENCE_NOTE,
      tsneNote(r.config.tsne, r.maps[0]?.labels.length, r.runs[0].result.firstSeedLatents[r.config.latentSet]?.labels.length ?? 0),
      PAPER_TSNE_NOTE,
      s(ours),
      s(base),
      ...skippedNote,
    ],
  });
  return files;
}
