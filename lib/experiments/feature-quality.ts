/**
 * The stage-1 feature-quality report (lib/stage1/quality.ts) over datasets × splits × extractors ×
 * seeds, written to results/stage1_quality.{csv,md} (one row per run) and
 * results/stage1_quality_summary.{csv,md} (means per split and extractor, and whether the default
 * extractor reaches the parameter-free descriptor on both criteria).
 */
import { listSplits, BenchmarkSplit, getSplit } from '../data/splits';
import { locateData } from '../data/paths';
import { SkeletonSequence } from '../data/skeleton';
import { meanStd } from '../eval/metrics';
import { provenance } from '../report/provenance';
import { Row, writeResultTable } from '../report/table';
import { DEFAULT_EXTRACTOR, extractorConfig } from '../stage1/extractors';
import { SideOf } from '../stage1/input';
import { featureQualityRow } from '../stage1/quality';
import { Stage1Progress } from '../stage1/train';
import { FsvaeInputError } from '../util/assert';
import { RAW_SKELETON_DATASETS, RawSkeletonDataset, readRawSkeletons } from './datasets';

export interface FeatureQualityConfig {
  datasets: RawSkeletonDataset[];
  /** split names; default every registered split of each dataset */
  splits?: string[];
  extractors: string[];
  seeds: number[];
}

export const FEATURE_QUALITY_PRESETS: Readonly<Record<'quick' | 'full', FeatureQualityConfig>> = {
  /** the DCT extractors only (about a minute per dataset) */
  quick: { datasets: ['nw-ucla', 'utd-mhad'], extractors: ['dct-descriptor', 'dct-lda'], seeds: [1, 2, 3] },
  /** plus the GCN quick-run extractor */
  full: { datasets: ['nw-ucla', 'utd-mhad'], extractors: ['dct-descriptor', 'dct-lda', 'shift-gcn-tiny'], seeds: [1, 2, 3] },
};

const RAW_DIRS: Record<RawSkeletonDataset, string> = {
  'nw-ucla': 'nw-ucla/all_sqe', 'utd-mhad': 'utd-mhad/Skeleton', 'msr-action3d': 'msr-action3d', ntu60: 'ntu-rgbd', ntu120: 'ntu-rgbd', pku51: 'pku-mmd',
};

export interface FeatureQualityResult {
  rows: Row[];
  summary: Row[];
  missing: string[];
  wallSeconds: number;
}

/** Runs the report. `dirs` overrides where each dataset is read from. */
export function runFeatureQuality(cfg: FeatureQualityConfig, opts: {
  dirs?: Partial<Record<RawSkeletonDataset, string>>; log?: (l: string) => void;
  onRow?: (done: number, total: number, row: Row) => void; onStage1Progress?: (p: Stage1Progress) => void;
} = {}): FeatureQualityResult {
  const t0 = Date.now();
  const log = opts.log ?? (() => undefined);
  for (const d of cfg.datasets) if (!RAW_SKELETON_DATASETS.includes(d)) throw new FsvaeInputError(`feature report: dataset '${d}' has no raw-skeleton reader; known: ${RAW_SKELETON_DATASETS.join(', ')}.`);
  const extractors = cfg.extractors.map((e) => extractorConfig(e));
  for (const s of cfg.seeds) if (!Number.isInteger(s) || s < 0) throw new FsvaeInputError(`feature report: seed ${s} is not a non-negative integer.`);
  const rows: Row[] = [];
  const missing: string[] = [];
  const plan: { dataset: RawSkeletonDataset; split: BenchmarkSplit; seqs: SkeletonSequence[]; side: SideOf }[] = [];
  for (const dataset of cfg.datasets) {
    const loc = locateData(RAW_DIRS[dataset], opts.dirs?.[dataset]);
    if (!loc.path) {
      missing.push(`${dataset}: not found (tried ${loc.tried.join(', ')})`);
      continue;
    }
    const { sequences, side } = readRawSkeletons(dataset, loc.path);
    const splits = cfg.splits ? cfg.splits.map(getSplit).filter((s) => s.dataset === dataset) : listSplits(dataset);
    for (const split of splits) plan.push({ dataset, split, seqs: sequences, side });
  }
  const total = plan.length * extractors.length * cfg.seeds.length;
  for (const p of plan) {
    for (const ex of extractors) {
      for (const seed of cfg.seeds) {
        log(`[features-report] ${p.split.name} ${ex.name} seed ${seed}`);
        const row = featureQualityRow({ dataset: p.dataset, split: p.split, sequences: p.seqs, side: p.side, extractor: ex, seed, onStage1Progress: opts.onStage1Progress });
        rows.push(row);
        opts.onRow?.(rows.length, total, row);
      }
    }
  }
  return { rows, summary: summariseQuality(rows), missing, wallSeconds: (Date.now() - t0) / 1000 };
}

const pct = (v: number) => Math.round(1000 * v) / 10;

/**
 * Means (± std over seeds) per split and extractor, and for the default extractor whether its mean
 * seen_top1 reaches the descriptor's seen-class classifier (its nearest class mean, seen_ncm) and
 * its mean unseen_ncm_oracle reaches the descriptor's.
 */
export function summariseQuality(rows: readonly Row[]): Row[] {
  const keys = [...new Set(rows.map((r) => `${r.dataset}\u0000${r.split}\u0000${r.extractor}`))];
  const out: Row[] = [];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const of = (split: unknown, ex: string) => rows.filter((r) => r.split === split && r.extractor === ex);
  for (const k of keys) {
    const [dataset, split, extractor] = k.split('\u0000');
    const rs = rows.filter((r) => r.dataset === dataset && r.split === split && r.extractor === extractor);
    const col = (c: string) => rs.map((r) => r[c]).filter((v): v is number => typeof v === 'number');
    const f = (c: string) => {
      const xs = col(c);
      if (xs.length === 0) return 'n/a';
      const m = meanStd(xs.map((x) => 100 * x));
      return `${m.mean.toFixed(1)} ± ${m.std.toFixed(1)}`;
    };
    const row: Row = {
      dataset, split, extractor, seeds: rs.length, seen_top1: f('seen_top1'), seen_ncm: f('seen_ncm'), unseen_ncm_oracle: f('unseen_ncm_oracle'),
      train_seconds: Math.round(10 * mean(col('train_seconds'))) / 10, verdict: '',
    };
    const desc = of(split, 'dct-descriptor');
    if (extractor !== 'dct-descriptor' && desc.length > 0 && col('seen_top1').length > 0) {
      const dSeen = mean(desc.map((r) => r.seen_ncm as number));
      const dOracle = mean(desc.map((r) => r.unseen_ncm_oracle as number));
      const mSeen = mean(col('seen_top1'));
      const mOracle = mean(col('unseen_ncm_oracle'));
      const a = mSeen >= dSeen;
      const b = mOracle >= dOracle;
      row.verdict = `${a && b ? 'reaches' : 'below'} the descriptor: seen ${pct(mSeen)} ${a ? '≥' : '<'} ${pct(dSeen)}, unseen oracle ${pct(mOracle)} ${b ? '≥' : '<'} ${pct(dOracle)}`;
    }
    out.push(row);
  }
  return out;
}

export function writeFeatureQuality(res: FeatureQualityResult, backend: string, cfgName: string, dir?: string): string[] {
  const prov = provenance(backend, { wallSeconds: res.wallSeconds, preset: cfgName, defaultExtractor: DEFAULT_EXTRACTOR });
  const notes = [
    'seen_top1: the extractor\'s own classifier on the test side of the seen classes (argmax among the seen classes); n/a for the parameter-free descriptor, whose classifier is its nearest class mean (seen_ncm).',
    'seen_ncm: nearest class mean (means from the train side of the seen classes) on their test side; unseen_ncm_oracle: nearest of the unseen classes\' own test-side means. The oracle uses test labels: it is a CEILING of what the features hold for zero-shot transfer, never a zero-shot result.',
    'Both NCM metrics: Euclidean distance after z-scoring each feature dimension with the seen classes\' train-side mean and std. Every extractor is fitted on the seen classes, train side only.',
    ...res.missing.map((m) => `missing: ${m}`),
  ];
  const a = writeResultTable({ name: 'stage1_quality', title: 'Stage-1 feature quality: one row per dataset × split × extractor × seed', rows: res.rows, notes }, prov, dir);
  const b = writeResultTable({
    name: 'stage1_quality_summary', title: 'Stage-1 feature quality: mean ± std over seeds (percent)', rows: res.summary,
    notes: [`verdict: does the extractor's mean seen_top1 reach the descriptor's seen_ncm, and its mean unseen_ncm_oracle the descriptor's? The default extractor is ${DEFAULT_EXTRACTOR}.`, ...notes],
  }, prov, dir);
  return [a.csv, a.md, b.csv, b.md];
}
