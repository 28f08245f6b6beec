/**
 * Notebook 03 (paper Tables 1 and 2): ZSL accuracy and GZSL S/U/H of Ours, Ours† (only w_i) and
 * an MSF-style baseline (no SD, no FM, no CL) on every dataset present: the built-in generated
 * dataset (always), NW-UCLA and UTD-MHAD from raw skeletons through stage 1, and NTU-60/120 from
 * the user's SynSE features. Both protocols; the paper's numbers side by side where it has them.
 */
import { DEFAULT_EXTRACTOR, ExtractorConfig, extractorConfig } from '../stage1/extractors';
import { FsvaeConfig, fsvaePreset, scaledSchedule } from '../train/config';
import { DatasetSource, MissingDataset, PreparedFeatures, TextSourceSpec, prepareFeaturesParallel } from '../pipeline/features';
import { BASELINE, OURS, OURS_DAGGER, Variant, VariantRun, runVariants, variantRows } from './variants';
import { PAPER_TABLE1_ZSL, PAPER_TABLE2_GZSL } from './paper-numbers';
import { Row, ResultTable, writeResultTableWithJson } from '../report/table';
import { provenance } from '../report/provenance';
import { BASELINE_NOTE, GENERATED_DATASET_NOTE, PAPER_VALUES_NOTE, PROTOCOLS_NOTE } from './narrative/main-results';

export interface BenchmarkEntry {
  source: DatasetSource;
  /** text side: encoder (generated, NW-UCLA, UTD-MHAD) or the MSF CLIP tables (NTU). */
  text: TextSourceSpec;
  stage2: FsvaeConfig;
}

export interface MainResultsConfig {
  name: 'quick' | 'full';
  entries: BenchmarkEntry[];
  variants: Variant[];
  stage1: ExtractorConfig;
  seeds: number[];
}

/**
 * The generated-dataset stage-2 budget of the notebooks: 'full' is the `quick` preset as it is
 * (4 × 400 steps, latent 64); 'quick' shrinks it to 3 × 300 steps, latent 32, batch 32.
 */
export function notebookStage2(kind: 'quick' | 'full'): FsvaeConfig {
  const cfg = fsvaePreset('quick');
  cfg.name = `notebook-${kind}`;
  cfg.description = kind === 'quick' ? 'quick preset shrunk: 3 × 300 steps, latent 32, batch 32' : 'the quick preset (4 × 400 steps, latent 64)';
  if (kind === 'quick') {
    cfg.schedule = scaledSchedule(300, 3);
    cfg.latentDim = 32;
    cfg.batchSize = 32;
    cfg.classifier = { samplesPerClass: 200, steps: 150, learningRate: 1e-3 };
  }
  return cfg;
}

const USE: TextSourceSpec = { kind: 'encoder', id: 'use-lite' };
const CLIP32: TextSourceSpec = { kind: 'msf-table', encoder: 'ViT-B/32' };

export function mainResultsPreset(name: 'quick' | 'full'): MainResultsConfig {
  if (name === 'quick') {
    return {
      name,
      variants: [OURS, OURS_DAGGER, BASELINE],
      seeds: [1],
      stage1: extractorConfig(DEFAULT_EXTRACTOR),
      entries: [{ source: { kind: 'generated', preset: 'quick', seed: 0, split: 'generated-35/5' }, text: USE, stage2: notebookStage2('quick') }],
    };
  }
  const full = notebookStage2('full');
  return {
    name,
    variants: [OURS, OURS_DAGGER, BASELINE],
    seeds: [1, 2, 3],
    stage1: extractorConfig(DEFAULT_EXTRACTOR),
    entries: [
      { source: { kind: 'generated', preset: 'full', seed: 0, split: 'generated-35/5' }, text: USE, stage2: full },
      { source: { kind: 'skeletons', dataset: 'nw-ucla', split: 'nw-ucla-5/5' }, text: USE, stage2: full },
      { source: { kind: 'skeletons', dataset: 'utd-mhad', split: 'utd-mhad-22/5' }, text: USE, stage2: full },
      { source: { kind: 'synse', dataset: 'ntu60', split: 'ntu60-55/5' }, text: CLIP32, stage2: fsvaePreset('reference-ntu60') },
      { source: { kind: 'synse', dataset: 'ntu60', split: 'ntu60-48/12' }, text: CLIP32, stage2: fsvaePreset('reference-ntu60') },
      { source: { kind: 'synse', dataset: 'ntu120', split: 'ntu120-110/10' }, text: CLIP32, stage2: fsvaePreset('reference-ntu120') },
      { source: { kind: 'synse', dataset: 'ntu120', split: 'ntu120-96/24' }, text: CLIP32, stage2: fsvaePreset('reference-ntu120') },
    ],
  };
}

/**
 * The paper's own data: NTU-60/120 SynSE features with the MSF CLIP ViT-B/32 tables, the public
 * scripts' presets, on the four splits (rows 'not run' with a download hint where absent).
 */
export function ntuResultsPreset(mode: 'quick' | 'full'): MainResultsConfig {
  const full = mainResultsPreset('full');
  return { ...full, name: mode, seeds: mode === 'quick' ? [1, 2, 3] : [1, 2, 3, 4, 5], entries: full.entries.filter((e) => e.source.kind === 'synse') };
}

export interface MainResultsEntry {
  prepared?: PreparedFeatures;
  missing?: MissingDataset;
  runs: VariantRun[];
}

export interface MainResults {
  config: MainResultsConfig;
  entries: MainResultsEntry[];
  table1: Row[];
  table2: Row[];
  stage1Rows: Row[];
  wallSeconds: number;
}

export async function runMainResults(cfg: MainResultsConfig, log: (l: string) => void = () => {}): Promise<MainResults> {
  const t0 = Date.now();
  const entries: MainResultsEntry[] = [];
  for (const e of cfg.entries) {
    const prepared = await prepareFeaturesParallel(e.source, { stage1: cfg.stage1, seed: 1, log });
    if ('missing' in prepared) {
      log(`[skip] ${prepared.message}`);
      entries.push({ missing: prepared, runs: [] });
      continue;
    }
    const runs = await runVariants(prepared, e.stage2, cfg.variants, { seeds: cfg.seeds, text: e.text, log });
    entries.push({ prepared, runs });
  }
  const table1: Row[] = [];
  const table2: Row[] = [];
  const stage1Rows: Row[] = [];
  for (const en of entries) {
    if (!en.prepared) {
      const s = en.missing!.source;
      table1.push({
        dataset: s.kind === 'generated' ? 'generated' : s.dataset,
        split: typeof s.split === 'string' ? s.split : s.split.name,
        method: '(not run)',
        protocol: '',
        seeds: 0,
        ZSL: '',
        'paper ZSL': '',
        note: en.missing!.message,
      });
      continue;
    }
    const p = en.prepared;
    for (const row of variantRows(p, en.runs)) {
      const method = String(row.method);
      const paperZ = PAPER_TABLE1_ZSL[method]?.[p.split.name];
      const paperG = PAPER_TABLE2_GZSL[method]?.[p.split.name];
      table1.push({
        dataset: row.dataset,
        split: row.split,
        method,
        protocol: row.protocol,
        seeds: row.seeds,
        ZSL: row.ZSL,
        'paper ZSL': paperZ ?? '',
      });
      table2.push({
        dataset: row.dataset,
        split: row.split,
        method,
        protocol: row.protocol,
        seeds: row.seeds,
        S: row.S,
        U: row.U,
        H: row.H,
        'paper S/U/H': paperG ? `${paperG.S} / ${paperG.U} / ${paperG.H}` : '',
      });
    }
    if (p.stage1) {
      stage1Rows.push({
        dataset: p.textDataset,
        split: p.split.name,
        extractor: p.stage1.config.name,
        cached: p.cached,
        'seen-class top-1 (test side)': p.stage1.seenTestTop1 ?? '',
        'train-phase seconds': p.stage1.train?.trainSeconds ?? '',
        'val-phase seconds': p.stage1.val?.trainSeconds ?? '',
      });
    }
  }
  return { config: cfg, entries, table1, table2, stage1Rows, wallSeconds: (Date.now() - t0) / 1000 };
}

export function writeMainResults(r: MainResults, backend: string, suffix = ''): string[] {
  const prov = provenance(backend, {
    notebook: '03_main_results',
    mode: r.config.name,
    seeds: r.config.seeds.join(','),
    stage1: r.config.stage1.name,
    wallSeconds: r.wallSeconds,
  });
  const files: string[] = [];
  const w = (t: ResultTable) => {
    const { csv, md, json } = writeResultTableWithJson(t, prov);
    files.push(csv, md, json);
  };
  const notes = [PROTOCOLS_NOTE, PAPER_VALUES_NOTE, GENERATED_DATASET_NOTE, BASELINE_NOTE];
  w({ name: `table1_zsl${suffix}`, title: 'Table 1: zero-shot accuracy (%)', rows: r.table1, notes });
  if (r.table2.length) w({ name: `table2_gzsl${suffix}`, title: 'Table 2: generalized zero-shot S / U / H (%)', rows: r.table2, notes });
  if (r.stage1Rows.length) w({ name: `stage1_extractor${suffix}`, title: 'Stage 1 (skeleton feature extractor) on the seen classes', rows: r.stage1Rows });
  return files;
}
