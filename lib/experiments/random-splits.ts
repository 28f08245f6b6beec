/**
 * The random-split protocol (SMIE; SA-DVAE and TDSM report it): per benchmark three draws of the
 * unseen classes, results averaged — NTU-60 55/5, NTU-120 110/10, PKU-MMD 46/5. It runs on
 * SA-DVAE's archive (`npx fsvae download sadvae-resources`): its ST-GCN features and its own split
 * lists (lib/data/sadvae.ts). Each split × variant × seed goes through stages 2-4 as every table
 * does; a benchmark's row is the mean of its split means with a stratified 95 % interval, and the
 * split means are shown beside it. Missing data gives rows that name the download, never numbers.
 */
import { SadvaeBenchmark, SADVAE_RANDOM_SPLITS, sadvaeSplitId } from '../data/sadvae';
import { RANDOM_SPLIT_BENCHMARKS } from '../data/splits';
import { PreparedFeatures, sadvaeFeatures, TextSourceSpec } from '../pipeline/features';
import { Protocol } from '../pipeline/zero-shot';
import { fsvaePreset, FsvaeConfig } from '../train/config';
import { stratifiedInterval, STRATIFIED_INTERVAL_METHOD } from '../eval/stats';
import { formatMeanStd } from '../eval/metrics';
import { Row, writeResultTableWithJson } from '../report/table';
import { provenance } from '../report/provenance';
import { BASELINE, OURS, OURS_DAGGER, runVariants, Variant, VariantRun } from './variants';
import { notebookStage2 } from './main-results';
import { PUBLISHED_RANDOM_SPLITS } from './paper-numbers';
import { PROTOCOLS_NOTE, PUBLISHED_COLUMNS_NOTE, RANDOM_SPLIT_PROTOCOL_NOTE, meanRowNote } from './narrative/random-splits';

export interface RandomSplitBenchmarkConfig {
  dataset: SadvaeBenchmark;
  stage2: FsvaeConfig;
  text: TextSourceSpec;
}

export interface RandomSplitConfig {
  name: 'quick' | 'full';
  benchmarks: RandomSplitBenchmarkConfig[];
  variants: Variant[];
  seeds: number[];
  /** SA-DVAE's archive folder (default: locateData('sadvae')). */
  dir?: string;
}

const USE: TextSourceSpec = { kind: 'encoder', id: 'use-lite' };
const CLIP32: TextSourceSpec = { kind: 'msf-table', encoder: 'ViT-B/32' };

/**
 * NTU: the public scripts' presets and MSF's CLIP ViT-B/32 tables, as Table 1; PKU-MMD: the
 * notebooks' stage-2 budget and this project's PKU-MMD descriptions with USE-Lite, as Table 6.
 */
export function randomSplitPreset(name: 'quick' | 'full', only?: readonly SadvaeBenchmark[], dir?: string): RandomSplitConfig {
  const all: RandomSplitBenchmarkConfig[] = [
    { dataset: 'ntu60', stage2: fsvaePreset('reference-ntu60'), text: CLIP32 },
    { dataset: 'ntu120', stage2: fsvaePreset('reference-ntu120'), text: CLIP32 },
    { dataset: 'pku51', stage2: notebookStage2(name), text: USE },
  ];
  return {
    name,
    benchmarks: all.filter((b) => !only || only.includes(b.dataset)),
    variants: [OURS, OURS_DAGGER, BASELINE],
    seeds: name === 'quick' ? [1, 2] : [1, 2, 3, 4, 5],
    dir,
  };
}

export interface RandomSplitRun {
  dataset: SadvaeBenchmark;
  prepared: PreparedFeatures;
  runs: VariantRun[];
}

export interface RandomSplitMissing {
  dataset: SadvaeBenchmark;
  /** the archive's split name, e.g. 'pku51_split1' */
  split: string;
  message: string;
}

export interface RandomSplitResult {
  config: RandomSplitConfig;
  runs: RandomSplitRun[];
  missing: RandomSplitMissing[];
  rows: Row[];
  wallSeconds: number;
}

/** Every split of every configured benchmark that the archive holds, each variant and seed. */
export async function runRandomSplits(cfg: RandomSplitConfig, log: (l: string) => void = () => {}): Promise<RandomSplitResult> {
  const t0 = Date.now();
  const runs: RandomSplitRun[] = [];
  const missing: RandomSplitMissing[] = [];
  for (const b of cfg.benchmarks) {
    for (const ref of SADVAE_RANDOM_SPLITS.filter((r) => r.benchmark === b.dataset)) {
      const prepared = sadvaeFeatures(ref.benchmark, ref.index, cfg.dir);
      if ('missing' in prepared) {
        log(`[skip] ${sadvaeSplitId(ref)}: ${prepared.message}`);
        missing.push({ dataset: b.dataset, split: sadvaeSplitId(ref), message: prepared.message });
        continue;
      }
      log(`[${prepared.split.name}] ${prepared.description}; unseen ${prepared.split.source}`);
      const vr = await runVariants(prepared, b.stage2, cfg.variants, { seeds: cfg.seeds, text: b.text, log });
      runs.push({ dataset: b.dataset, prepared, runs: vr });
    }
  }
  return { config: cfg, runs, missing, rows: randomSplitRows(runs, missing, cfg), wallSeconds: (Date.now() - t0) / 1000 };
}

const pct = (x: number) => (100 * x).toFixed(1);
const PROTOCOL_NAME: Record<Protocol, string> = { clean: 'clean', reference: 'reference (test-selected)' };

/** The values of one metric per (split, seed) of a variant: the split's seeds grouped. */
type Metric = (r: VariantRun, p: Protocol) => number[];
const METRICS: Record<'ZSL' | 'S' | 'U' | 'H', Metric> = {
  ZSL: (r, p) => r.result.perSeed.map((s) => s.zsl[p]),
  S: (r, p) => r.result.perSeed.map((s) => s.gzsl[p].S),
  U: (r, p) => r.result.perSeed.map((s) => s.gzsl[p].U),
  H: (r, p) => r.result.perSeed.map((s) => s.gzsl[p].H),
};

/** 'mean [lo, hi]' of a stratified interval in percent (no interval when a split has one seed). */
function intervalCell(groups: number[][]): string {
  const ci = stratifiedInterval(groups);
  return Number.isNaN(ci.lo) ? `${pct(ci.mean)} (no interval: 1 seed)` : `${pct(ci.mean)} [${pct(ci.lo)}, ${pct(ci.hi)}]`;
}

function publishedCells(dataset: SadvaeBenchmark): Row {
  const pub = PUBLISHED_RANDOM_SPLITS[dataset];
  return Object.fromEntries(Object.entries(pub).map(([method, zsl]) => [`${method} ZSL (published)`, zsl.toFixed(2)]));
}

/**
 * Rows: per split × variant × protocol the seeds' mean ± std; per benchmark × variant × protocol
 * the mean of the split means with its stratified interval and the split means; one 'missing' row
 * per benchmark with absent splits. Published random-split numbers stand beside every row.
 */
export function randomSplitRows(runs: readonly RandomSplitRun[], missing: readonly RandomSplitMissing[], cfg: RandomSplitConfig): Row[] {
  const rows: Row[] = [];
  for (const b of cfg.benchmarks) {
    const label = `${RANDOM_SPLIT_BENCHMARKS.find((x) => x.dataset === b.dataset)!.label} (SA-DVAE ST-GCN features)`;
    const br = runs.filter((r) => r.dataset === b.dataset);
    for (const r of br) {
      for (const v of r.runs) {
        for (const p of ['clean', 'reference'] as const) {
          rows.push({
            dataset: label,
            split: r.prepared.split.name,
            status: 'run',
            method: v.variant.name,
            protocol: PROTOCOL_NAME[p],
            seeds: v.result.seeds.length,
            ...Object.fromEntries(Object.entries(METRICS).map(([k, f]) => [k, formatMeanStd(f(v, p), { scale: 100, digits: 1 })])),
            'split means': '',
            ...publishedCells(b.dataset),
            note: r.prepared.split.source,
          });
        }
      }
    }
    if (br.length >= 2) {
      for (const variant of cfg.variants) {
        const per = br.map((r) => r.runs.find((v) => v.variant.name === variant.name)!);
        for (const p of ['clean', 'reference'] as const) {
          rows.push({
            dataset: label,
            split: `mean of ${br.length} splits`,
            status: 'run',
            method: variant.name,
            protocol: PROTOCOL_NAME[p],
            seeds: per.reduce((a, v) => a + v.result.seeds.length, 0),
            ...Object.fromEntries(Object.entries(METRICS).map(([k, f]) => [k, intervalCell(per.map((v) => f(v, p)))])),
            'split means': per.map((v) => pct(METRICS.ZSL(v, p).reduce((a, x) => a + x, 0) / v.result.seeds.length)).join(' / '),
            ...publishedCells(b.dataset),
            note: STRATIFIED_INTERVAL_METHOD,
          });
        }
      }
    }
    const bm = missing.filter((m) => m.dataset === b.dataset);
    if (bm.length) {
      rows.push({
        dataset: label,
        split: bm.map((m) => m.split).join(', '),
        status: 'missing',
        method: '',
        protocol: '',
        seeds: 0,
        ZSL: '',
        S: '',
        U: '',
        H: '',
        'split means': '',
        ...publishedCells(b.dataset),
        note: bm[0].message,
      });
    }
  }
  return rows;
}

/** Every run's per-seed values (ZSL, S, U, H per protocol, chosen cycles), so any row can be recomputed. */
export function storedRandomSplitRuns(r: RandomSplitResult): unknown[] {
  return r.runs.flatMap((x) =>
    x.runs.map((v) => ({
      dataset: x.dataset,
      split: x.prepared.split.name,
      unseen: x.prepared.split.unseen,
      valUnseen: x.prepared.split.valUnseen,
      splitSource: x.prepared.split.source,
      features: x.prepared.description,
      method: v.variant.name,
      preset: v.result.preset,
      textMode: v.result.textMode,
      perSeed: v.result.perSeed.map((s) => ({ seed: s.seed, cycle: s.cycle, zsl: s.zsl, gzsl: s.gzsl })),
    })),
  );
}

/** results/<name>.{csv,md,json}: the rows, how to read them, and every run's per-seed values. */
export function writeRandomSplitResults(r: RandomSplitResult, backend: string, name: string, notebook: string): string[] {
  const prov = provenance(backend, { notebook, mode: r.config.name, seeds: r.config.seeds.join(','), wallSeconds: r.wallSeconds });
  const notes = [RANDOM_SPLIT_PROTOCOL_NOTE, meanRowNote(STRATIFIED_INTERVAL_METHOD), PROTOCOLS_NOTE, PUBLISHED_COLUMNS_NOTE];
  const rows = r.rows.length ? r.rows : [{ status: 'nothing configured' }];
  const { csv, md, json } = writeResultTableWithJson({ name, title: 'Random-split protocol: ZSL and GZSL S / U / H (%)', rows, notes }, prov, {
    runs: storedRandomSplitRuns(r),
  });
  return [csv, md, json];
}

/** README lines for stored random-split rows: per benchmark its clean mean rows, or why it did not run. */
export function randomSplitSummaryLines(rows: readonly Row[]): string[] {
  const lines: string[] = [];
  for (const b of RANDOM_SPLIT_BENCHMARKS) {
    const mine = rows.filter((r) => String(r.dataset ?? '').startsWith(b.label));
    if (!mine.length) continue;
    const means = mine.filter((r) => r.status === 'run' && String(r.split).startsWith('mean of') && r.protocol === 'clean');
    const published = Object.entries(PUBLISHED_RANDOM_SPLITS[b.dataset])
      .map(([m, v]) => `${m} ${v}`)
      .join(', ');
    if (means.length) {
      const cells = means.map((r) => `${r.method} ${r.ZSL} (split means ${r['split means']})`).join('; ');
      lines.push(`${b.label}, clean ZSL, mean of the split means [95 % interval]: ${cells}; published: ${published}.`);
    } else {
      const miss = mine.find((r) => r.status === 'missing');
      lines.push(`${b.label}: not run here${miss ? ` (${String(miss.note).replace(/ \(tried [^)]*\)/, '')})` : ''}; published: ${published}.`);
    }
  }
  return lines;
}
