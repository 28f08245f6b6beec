/**
 * Tables with evidence: every row of notebooks 03, 04 and 06 is measured over splits × seeds on the
 * real datasets found (NW-UCLA: 2 splits, UTD-MHAD: 3 splits; else the generated dataset, labelled
 * so) and reported as mean, 95 % t-interval and n. A row that tests a claim of the paper is compared
 * with its counterpart over the SAME splits × seeds (paired differences, 95 % t-interval) and gets
 * a verdict: supports / contradicts / inconclusive (lib/eval/stats.ts).
 *
 * Every (dataset, split, seed, configuration, text) cell is trained once and stored under
 * data/cache/evidence (keyed by the stage-1 cache entry of the features, the configuration, the
 * text matrix, the seed and the stage-2 code), so the full model, which appears in every table,
 * runs once for all notebooks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { cacheRoot, locateData } from '../data/paths';
import { listSplits } from '../data/splits';
import { ExtractorConfig, DEFAULT_EXTRACTOR, extractorConfig } from '../stage1/extractors';
import { Stage2Config, stage2Preset } from '../train/config';
import { stage2CodeVersion } from '../train/stage2';
import { GateConfig, REFERENCE_GATE, runZeroShotBenchmark } from '../pipeline/zero-shot';
import { DatasetSource, PreparedFeatures, TextSourceSpec, prepareFeaturesParallel, textFeaturesFor, zeroShotDataFor } from './datasets';
import { Variant, applyVariant } from './variants';
import { notebookStage2 } from './main-results';
import { ridgeReference, unseenNcmOracle } from '../eval/reference-zsl';
import { formatInterval, groupBy, pairedComparison, stratifiedInterval } from '../eval/stats';
import { Row } from '../report/table';
import { writeFileAtomic } from '../util/atomic-file';
import { FsvaeInputError } from '../util/assert';
import { Figure } from '../viz/plotly';

export type EvidenceDatasetName = 'nw-ucla' | 'utd-mhad' | 'generated';

export interface EvidenceDataset {
  name: EvidenceDatasetName;
  /** one source per split. */
  sources: DatasetSource[];
  /** the dataset's stage-2 preset (chosen on validation splits for the real datasets). */
  stage2: Stage2Config;
  text: TextSourceSpec;
  /** where the data was found, or why it is the generated fallback. */
  origin: string;
  /** seeds of this dataset (default: the config's seeds). */
  seeds?: number[];
}

/** The seeds a dataset runs. */
export function seedsOf(config: EvidenceConfig, ds: EvidenceDataset): number[] {
  return ds.seeds ?? config.seeds;
}

export interface EvidenceConfig {
  mode: 'quick' | 'full';
  seeds: number[];
  stage1: ExtractorConfig;
  datasets: EvidenceDataset[];
  gate: GateConfig;
  /** true when at least one real dataset was found. */
  real: boolean;
}

const USE: TextSourceSpec = { kind: 'encoder', id: 'use-lite' };
const RAW_FOLDERS: Record<'nw-ucla' | 'utd-mhad', string> = { 'nw-ucla': 'nw-ucla/all_sqe', 'utd-mhad': 'utd-mhad/Skeleton' };

/**
 * The datasets of the evidence tables: NW-UCLA and UTD-MHAD with every registered split when
 * found by the data lookup; the generated dataset otherwise. full: 5 seeds per split. quick (the
 * main job, which must fit 40 minutes on 2 cores): 3 seeds per split, except UTD-MHAD's three
 * splits with 2 seeds each — n = 6 runs per row on both datasets.
 */
export function evidencePreset(mode: 'quick' | 'full', only?: EvidenceDatasetName[]): EvidenceConfig {
  const seeds = mode === 'quick' ? [1, 2, 3] : [1, 2, 3, 4, 5];
  const perDataset: Partial<Record<EvidenceDatasetName, number[]>> = mode === 'quick' ? { 'utd-mhad': [1, 2] } : {};
  const datasets: EvidenceDataset[] = [];
  for (const name of ['nw-ucla', 'utd-mhad'] as const) {
    if (only && !only.includes(name)) continue;
    const loc = locateData(RAW_FOLDERS[name]);
    if (!loc.path) continue;
    datasets.push({
      name, sources: listSplits(name).map((s) => ({ kind: 'skeletons', dataset: name, split: s.name })),
      stage2: stage2Preset(`small-${name}`), text: USE, origin: `${name} (real, ${loc.source}: ${loc.path})`, seeds: perDataset[name],
    });
  }
  const real = datasets.length > 0;
  if (!real || only?.includes('generated')) {
    datasets.push({
      name: 'generated', sources: [{ kind: 'generated', preset: 'quick', seed: 0, split: 'generated-35/5' }], stage2: notebookStage2('quick'), text: USE,
      origin: real ? 'generated dataset (synthetic, lib/data/generator)' : 'generated dataset (synthetic, lib/data/generator): no NW-UCLA or UTD-MHAD skeletons were found by the data lookup',
    });
  }
  return { mode, seeds, stage1: extractorConfig(DEFAULT_EXTRACTOR), datasets, gate: REFERENCE_GATE, real };
}

/** One trained configuration on one split and seed (fractions). */
export interface EvidenceCell {
  dataset: EvidenceDatasetName;
  split: string;
  seed: number;
  /** clean protocol (cycle chosen on the pseudo-unseen validation split). */
  zsl: number;
  /** the public code's test-selected cycle, for comparison only. */
  zslTestSelected: number;
  S: number;
  U: number;
  H: number;
  /** 1 / |unseen| of the split. */
  chance: number;
  seconds: number;
  cached: boolean;
}

/** A table row: a stage-2 variant, or a reference computed on the features. */
export interface EvidenceRowSpec {
  key: string;
  /** the row's label (defaults to the variant's name). */
  label?: string;
  variant?: Variant;
  /** replaces the dataset's text source (Table 7 controls). */
  text?: TextSourceSpec;
  reference?: 'ridge' | 'ncm-oracle';
  /** the paper's numbers for this row (already formatted). */
  paper?: string;
  /**
   * A claim of the paper about this row and row `vs`: this row is better (`thisBetter`) or worse
   * than it. `paper`: the paper's differences (claimed-better − other) on its NTU splits.
   */
  claim?: { vs: string; thisBetter: boolean; statement: string; paper?: string };
}

export type EvidenceMetric = 'zsl' | 'H';

export interface EvidenceProgress {
  done: number;
  cached: number;
  seconds: number;
}

/**
 * Version of the code behind a cached run (stages 2-4): part of every cache key of evidence cells
 * and ablation runs. Computed once per process from the modules as loaded.
 */
export function codeVersion(): string {
  if (cachedVersion === null) cachedVersion = computeCodeVersion();
  return cachedVersion;
}
let cachedVersion: string | null = null;

function computeCodeVersion(): string {
  const h = createHash('sha256').update(stage2CodeVersion());
  for (const rel of ['../pipeline/zero-shot', '../eval/gate', '../eval/gzsl', '../eval/logistic', './datasets']) {
    try {
      h.update(rel).update(fs.readFileSync(require.resolve(rel)));
    } catch {
      h.update(`${rel}: unreadable`);
    }
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * The cache key of one cell. Features extracted here are named by their stage-1 cache entry (whose
 * name holds a hash of the data's identity, the split, the extractor and its seed), not by their
 * absolute path, so moving the repository or the cache keeps the cells; a user's pre-extracted
 * features are named by their path.
 */
export function evidenceCellKey(prepared: Pick<PreparedFeatures, 'featuresRoot' | 'stage1'>, rest: Record<string, unknown>): string {
  const features = prepared.stage1 ? path.basename(path.dirname(prepared.featuresRoot)) : path.resolve(prepared.featuresRoot);
  return createHash('sha256').update(JSON.stringify({ features, ...rest })).digest('hex').slice(0, 24);
}

/** Runs and caches the cells of evidence tables. */
export class Evidence {
  readonly progress: EvidenceProgress = { done: 0, cached: 0, seconds: 0 };
  private readonly prepared = new Map<string, PreparedFeatures>();
  private readonly memo = new Map<string, EvidenceCell[]>();
  private readonly code = codeVersion();

  constructor(readonly config: EvidenceConfig, private readonly log: (line: string) => void = () => {}, readonly cacheDir = path.join(cacheRoot(), 'evidence')) {
    if (config.seeds.length === 0) throw new FsvaeInputError('evidence: no seeds given.');
    if (config.datasets.length === 0) throw new FsvaeInputError('evidence: no datasets given.');
  }

  dataset(name: EvidenceDatasetName): EvidenceDataset {
    const d = this.config.datasets.find((x) => x.name === name);
    if (!d) throw new FsvaeInputError(`evidence: dataset ${name} is not part of this run (have ${this.config.datasets.map((x) => x.name).join(', ')}).`);
    return d;
  }

  private async features(src: DatasetSource): Promise<PreparedFeatures> {
    const key = JSON.stringify(src);
    let p = this.prepared.get(key);
    if (!p) {
      const r = await prepareFeaturesParallel(src, { stage1: this.config.stage1, seed: 1, log: this.log });
      if ('missing' in r) throw new FsvaeInputError(r.message);
      p = r;
      this.prepared.set(key, p);
    }
    return p;
  }

  /** The cells (splits × seeds) of a stage-2 variant on a dataset. */
  async cells(ds: EvidenceDataset, variant: Variant, text: TextSourceSpec = ds.text): Promise<EvidenceCell[]> {
    const cfg = applyVariant(ds.stage2, variant);
    const memoKey = JSON.stringify([ds.name, cfg, text, seedsOf(this.config, ds)]);
    const hit = this.memo.get(memoKey);
    if (hit) return hit;
    const out: EvidenceCell[] = [];
    for (const src of ds.sources) {
      const prepared = await this.features(src);
      const tf = await textFeaturesFor(prepared, cfg.textMode, text);
      const data = zeroShotDataFor(prepared, tf);
      const textSha = createHash('sha256').update(Buffer.from(tf.data.buffer, tf.data.byteOffset, tf.data.byteLength)).digest('hex');
      for (const seed of seedsOf(this.config, ds)) {
        const key = evidenceCellKey(prepared, { cfg, textSha, seed, gate: this.config.gate, code: this.code });
        const file = path.join(this.cacheDir, `${key}.json`);
        const t0 = Date.now();
        let cell: EvidenceCell | null = null;
        if (fs.existsSync(file)) {
          try {
            cell = { ...(JSON.parse(fs.readFileSync(file, 'utf8')) as EvidenceCell), cached: true };
          } catch {
            cell = null; // a damaged entry is recomputed
          }
        }
        if (!cell) {
          const r = await runZeroShotBenchmark(cfg, data, { seeds: [seed], gate: this.config.gate });
          const s = r.perSeed[0];
          cell = {
            dataset: ds.name, split: prepared.split.name, seed, zsl: s.zsl.clean, zslTestSelected: s.zsl.reference,
            S: s.gzsl.clean.S, U: s.gzsl.clean.U, H: s.gzsl.clean.H, chance: 1 / prepared.split.unseen.length, seconds: (Date.now() - t0) / 1000, cached: false,
          };
          fs.mkdirSync(this.cacheDir, { recursive: true });
          writeFileAtomic(file, JSON.stringify(cell));
        }
        this.progress.done++;
        if (cell.cached) this.progress.cached++;
        this.progress.seconds += (Date.now() - t0) / 1000;
        this.log(`[evidence ${this.progress.done}] ${prepared.split.name} ${variant.name}${text !== ds.text ? ` (text ${text.kind})` : ''} seed ${seed}: ZSL ${(100 * cell.zsl).toFixed(1)}, H ${(100 * cell.H).toFixed(1)}${cell.cached ? ' (cached)' : ` in ${cell.seconds.toFixed(0)} s`}`);
        out.push(cell);
      }
    }
    this.memo.set(memoKey, out);
    return out;
  }

  /**
   * The reference rows on the same features: the ridge map (α chosen on the val phase) and the
   * unseen NCM oracle (a ceiling: it uses test labels). Deterministic: one cell per split, repeated for every seed so rows pair with the others.
   */
  async referenceCells(ds: EvidenceDataset, which: 'ridge' | 'ncm-oracle'): Promise<EvidenceCell[]> {
    const out: EvidenceCell[] = [];
    for (const src of ds.sources) {
      const prepared = await this.features(src);
      const tf = await textFeaturesFor(prepared, ds.stage2.textMode, ds.text);
      const data = zeroShotDataFor(prepared, tf);
      const test = { train: data.trainPhase.train, test: data.trainPhase.ztest, unseen: data.split.unseen, text: data.text };
      const val = { train: data.valPhase.train, test: data.valPhase.ztest, unseen: data.split.valUnseen, text: data.text };
      let acc: number;
      if (which === 'ncm-oracle') acc = unseenNcmOracle(data.trainPhase.train, data.trainPhase.ztest);
      else acc = ridgeReference(val, test).testAccuracy;
      for (const seed of seedsOf(this.config, ds)) {
        out.push({ dataset: ds.name, split: prepared.split.name, seed, zsl: acc, zslTestSelected: acc, S: NaN, U: NaN, H: NaN, chance: 1 / prepared.split.unseen.length, seconds: 0, cached: false });
      }
    }
    return out;
  }

  async rowCells(ds: EvidenceDataset, spec: EvidenceRowSpec): Promise<EvidenceCell[]> {
    if (spec.reference) return this.referenceCells(ds, spec.reference);
    if (!spec.variant) throw new FsvaeInputError(`evidence row ${spec.key}: give a variant or a reference.`);
    return this.cells(ds, spec.variant, spec.text ?? ds.text);
  }
}

const metricOf = (c: EvidenceCell, m: EvidenceMetric) => (m === 'zsl' ? c.zsl : c.H);

/** Mean, 95 % CI, n, and the verdict of each claim, one row per dataset × row spec. */
export async function evidenceRows(ev: Evidence, specs: EvidenceRowSpec[], metric: EvidenceMetric = 'zsl'): Promise<Row[]> {
  const rows: Row[] = [];
  const label = metric === 'zsl' ? 'ZSL' : 'H';
  for (const ds of ev.config.datasets) {
    const byKey = new Map<string, EvidenceCell[]>();
    for (const s of specs) byKey.set(s.key, await ev.rowCells(ds, s));
    for (const s of specs) {
      const cells = byKey.get(s.key)!;
      const isRef = s.reference !== undefined;
      const values = cells.map((c) => metricOf(c, metric));
      const usable = values.every(Number.isFinite);
      // stratified by split (the splits are fixed strata; the interval reflects the spread over seeds);
      // reference rows are deterministic per split: one value per split, a zero-width interval
      const strata = cells.map((c) => c.split);
      const first = (_: unknown, i: number) => i % seedsOf(ev.config, ds).length === 0;
      const ci = usable ? stratifiedInterval(groupBy(isRef ? values.filter(first) : values, isRef ? strata.filter(first) : strata), 0.95, `${ds.name} ${s.key}`) : null;
      const row: Row = {
        dataset: ds.name, splits: ds.sources.length, row: s.label ?? s.variant?.name ?? s.key, n: ci?.n ?? 0,
        [label]: ci ? Number((100 * ci.mean).toFixed(1)) : 'n/a', '95% CI': isRef ? 'deterministic' : ci && Number.isFinite(ci.lo) ? `[${(100 * ci.lo).toFixed(1)}, ${(100 * ci.hi).toFixed(1)}]` : '',
      };
      // chance of the ZSL task (1/|unseen|); H has no such simple chance level
      if (metric === 'zsl') row.chance = Number((100 * cells.reduce((a, c) => a + c.chance, 0) / cells.length).toFixed(1));
      if (metric === 'H') {
        row.S = usable ? Number((100 * cells.reduce((a, c) => a + c.S, 0) / cells.length).toFixed(1)) : 'n/a';
        row.U = usable ? Number((100 * cells.reduce((a, c) => a + c.U, 0) / cells.length).toFixed(1)) : 'n/a';
      }
      row.paper = s.paper ?? '';
      if (s.claim) {
        const other = byKey.get(s.claim.vs);
        if (!other) throw new FsvaeInputError(`evidence row ${s.key}: its claim compares with '${s.claim.vs}', which is not a row of this table.`);
        const otherValues = other.map((c) => metricOf(c, metric));
        const what = `${ds.name} ${s.key} vs ${s.claim.vs}`;
        const strata = cells.map((c) => c.split);
        const cmp = s.claim.thisBetter ? pairedComparison(values, otherValues, what, strata) : pairedComparison(otherValues, values, what, strata);
        row.claim = s.claim.statement;
        row['paper Δ'] = s.claim.paper ?? '';
        row['Δ [95% CI]'] = formatInterval(cmp, 100, 1);
        row['n pairs'] = cmp.n;
        row.verdict = cmp.verdict;
      } else {
        row.claim = '';
        row['paper Δ'] = '';
        row['Δ [95% CI]'] = '';
        row['n pairs'] = '';
        row.verdict = '';
      }
      rows.push(row);
    }
  }
  return rows;
}

/** Notes every evidence table carries. */
export function evidenceNotes(ev: Evidence): string[] {
  const c = ev.config;
  return [
    `Data: ${c.datasets.map((d) => `${d.origin}; splits ${d.sources.map((s) => (typeof s.split === 'string' ? s.split : s.split.name)).join(', ')}; seeds ${seedsOf(c, d).join(', ')}; stage-2 preset ${d.stage2.name}`).join(' | ')}. Stage 1: ${c.stage1.name}.`,
    'Each row: the clean protocol (the cycle is chosen on the pseudo-unseen validation split; the test set is never used for a choice), averaged over the splits (each split: mean over seeds), with n = splits × seeds. 95 % CI: the splits are fixed strata of the benchmark, so the interval comes from the spread over seeds within each split, pooled over the splits (s_p² = Σ(n_s − 1)s_s²/Σ(n_s − 1), Var = s_p²·Σ(1/n_s)/S², df = Σ(n_s − 1)); reference rows are deterministic. Chance = mean of 1/|unseen| over the splits.',
    'verdict: the row\'s claim tested with a paired comparison over the same splits × seeds — Δ = (the side the paper says is better) − (the other side), per run, averaged like the rows and with the same pooled stratified 95 % interval, in points; supports = interval above 0, contradicts = below 0, inconclusive = contains 0.',
    'paper / paper Δ: the paper\'s numbers on NTU-60 55/5 | 48/12 and NTU-120 110/10 | 96/24 (Shift-GCN features, CLIP text): another dataset and text encoder, so only the direction of a claim is comparable.',
  ];
}

/** Bar chart of a table's rows with their 95 % intervals, one group per dataset. */
export function evidenceFigure(rows: Row[], title: string, metric = 'ZSL'): Figure {
  const datasets = [...new Set(rows.map((r) => String(r.dataset)))];
  const data = datasets.map((d) => {
    const rs = rows.filter((r) => r.dataset === d && typeof r[metric] === 'number');
    const ci = rs.map((r) => /\[(-?[\d.]+), (-?[\d.]+)\]/.exec(String(r['95% CI'])));
    return {
      type: 'bar', name: d, x: rs.map((r) => String(r.row)), y: rs.map((r) => r[metric] as number),
      error_y: { type: 'data', symmetric: false, array: rs.map((r, i) => (ci[i] ? Number(ci[i]![2]) - (r[metric] as number) : 0)), arrayminus: rs.map((r, i) => (ci[i] ? (r[metric] as number) - Number(ci[i]![1]) : 0)), visible: true },
    };
  });
  return { data, layout: { title: { text: title }, barmode: 'group', yaxis: { title: { text: `${metric} (%), mean and 95 % CI` } }, xaxis: { automargin: true } } };
}

