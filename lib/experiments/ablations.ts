/**
 * Notebook 04 (paper Sec. 4.3 and App. E.2): the parameter sweeps of FS-VAE on prepared features,
 * clean protocol, several seeds.
 *
 *   Table 5  α and λ of the calibrated alignment loss (Eq. 8-9)
 *   Fig. 4   φ and b of the frequency module (Eq. 2-3), on both encoders
 *
 * Tables 3, 4 and 9 (modules, text descriptions, alignment losses) are evidence tables
 * (one file each in lib/experiments/tables/). Every sweep is a list of variants
 * (lib/experiments/variants.ts) of the same stage-2 preset; identical configurations (e.g. the
 * paper's best value, which appears in two sweeps) run once per dataset and are reused.
 *
 * On a cluster the distinct runs are split over the tasks of a job array (planAblations,
 * trainAblationShard; prepareAblationFeatures computes the features they read once), and
 * runAblations with `runs: 'cache'` builds the results from the shared cache.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheRoot } from '../data/paths';
import { writeFileAtomic } from '../util/atomic-file';
import { PlannedCell, codeVersion, evidenceCellChecksum, evidenceCellKey } from './evidence';
import { Shard, assignShards } from './shards';
import { DEFAULT_EXTRACTOR, ExtractorConfig, extractorConfig } from '../stage1/extractors';
import { FsvaeConfig, scaledSchedule, fsvaePreset } from '../train/config';
import { DatasetSource, MissingDataset, PreparedFeatures, TextSourceSpec, prepareFeatures, resolveSplit, textFeaturesFor } from '../pipeline/features';
import { OURS, VariantRun, applyVariant, runConfiguredVariants } from './variants';
import { AblationVariant } from './tables/types';
import { notebookStage2 } from './main-results';
import { PAPER_SWEEP_BEST, PAPER_TABLE5_ALPHA, PAPER_TABLE5_LAMBDA } from './paper-numbers';
import { GateConfig, zeroShotStage2Engine } from '../pipeline/zero-shot';
import { Row, ResultTable, writeResultTableWithJson } from '../report/table';
import { provenance } from '../report/provenance';
import { Figure } from '../viz/plotly';
import { formatMeanStd, MeanStd } from '../eval/metrics';
import { PairedComparison, formatInterval, pairedComparison } from '../eval/stats';
import { FsvaeInputError } from '../util/assert';
import { readSynseBenchmark } from '../data/synse';
import {
  CLEAN_PROTOCOL_NOTE,
  FREQUENCY_ON_VECTOR_NOTE,
  GENERATED_DATASET_NOTE,
  MODULE_SWITCHES_NOTE,
  PAPER_COLUMNS_NOTE,
  TEXT_LOSSES_NOTE,
  binomialSeNote,
  reusedRunsNote,
  stage2Settings,
  sweepClaimsNote,
  sweepObservation,
} from './narrative/ablations';

export type SweepId = 'table5-alpha' | 'table5-lambda' | 'fig4-phi' | 'fig4-bands';

export const SWEEP_IDS: readonly SweepId[] = ['table5-alpha', 'table5-lambda', 'fig4-phi', 'fig4-bands'];

/** A variant with the key of its row in the paper's table: defined with the table specs (lib/experiments/tables/types.ts). */
export type { AblationVariant } from './tables/types';

function checkGrid(values: readonly number[], what: string, integer: boolean, min: number): void {
  if (!Array.isArray(values) || values.length === 0) throw new FsvaeInputError(`ablations: the ${what} grid is empty; give at least one value.`);
  for (const v of values) {
    if (!Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
      const range = integer ? `integers ≥ ${min}` : 'finite numbers > 0';
      throw new FsvaeInputError(`ablations: ${what} grid value ${v} is invalid; use ${range}.`);
    }
  }
  if (new Set(values).size !== values.length)
    throw new FsvaeInputError(`ablations: ${what} grid [${values.join(', ')}] repeats a value; list each value once.`);
}

/** Table 5, α sweep of the calibrated loss (λ from the preset). */
export function table5AlphaVariants(alphas: readonly number[]): AblationVariant[] {
  checkGrid(alphas, 'α', false, Number.MIN_VALUE);
  return alphas.map((a) => ({ ...OURS, key: String(a), x: a, name: `α = ${a}`, alpha: a }));
}

/** Table 5, λ sweep of the calibrated loss (α from the preset). */
export function table5LambdaVariants(lambdas: readonly number[]): AblationVariant[] {
  checkGrid(lambdas, 'λ', false, Number.MIN_VALUE);
  return lambdas.map((l) => ({ ...OURS, key: String(l), x: l, name: `λ = ${l}`, lambda: l }));
}

/** Fig. 4(a): φ sweep at fixed b, the 'reference' module on both encoders. */
export function fig4PhiVariants(phis: readonly number[], bands: number): AblationVariant[] {
  checkGrid(phis, 'φ', true, 0);
  checkGrid([bands], 'b (of the φ sweep)', true, 1);
  return phis.map((phi) => ({ ...OURS, key: String(phi), x: phi, name: `φ = ${phi}, b = ${bands}`, frequency: 'reference', phi, bands }));
}

/** Fig. 4(b): b sweep at fixed φ. */
export function fig4BandVariants(bandsGrid: readonly number[], phi: number): AblationVariant[] {
  checkGrid(bandsGrid, 'b', true, 1);
  checkGrid([phi], 'φ (of the b sweep)', true, 0);
  return bandsGrid.map((bands) => ({ ...OURS, key: String(bands), x: bands, name: `b = ${bands}, φ = ${phi}`, frequency: 'reference', phi, bands }));
}

export interface AblationGrids {
  alpha: number[];
  lambda: number[];
  phi: number[];
  /** b of the φ sweep. */
  phiSweepBands: number;
  bands: number[];
  /** φ of the b sweep. */
  bandSweepPhi: number;
}

export interface AblationEntry {
  source: DatasetSource;
  text: TextSourceSpec;
  stage2: FsvaeConfig;
}

export interface AblationConfig {
  name: 'quick' | 'full';
  entries: AblationEntry[];
  stage1: ExtractorConfig;
  /** seed of stage 1 (the feature cache key; notebook 03 uses 1). */
  stage1Seed: number;
  seeds: number[];
  tables: SweepId[];
  grids: AblationGrids;
  gate?: GateConfig;
}

/**
 * The quick stage-2 budget of this notebook (≈ 23 distinct runs must fit in about 2 minutes on 2
 * cores): notebookStage2('quick') shortened to 2 cycles × 150 steps and 100 classifier steps.
 */
export function ablationStage2Quick(): FsvaeConfig {
  const cfg = notebookStage2('quick');
  cfg.schedule = scaledSchedule(150, 2);
  cfg.classifier = { ...cfg.classifier, steps: 100 };
  return cfg;
}

const USE: TextSourceSpec = { kind: 'encoder', id: 'use-lite' };
const CLIP32: TextSourceSpec = { kind: 'msf-table', encoder: 'ViT-B/32' };

export function ablationPreset(name: 'quick' | 'full'): AblationConfig {
  if (name === 'quick') {
    return {
      name,
      seeds: [1],
      stage1Seed: 1,
      stage1: extractorConfig(DEFAULT_EXTRACTOR),
      tables: [...SWEEP_IDS],
      entries: [{ source: { kind: 'generated', preset: 'quick', seed: 0, split: 'generated-35/5' }, text: USE, stage2: ablationStage2Quick() }],
      grids: { alpha: [0.1, 0.5, 2], lambda: [10, 100, 1000], phi: [15, 30, 35, 60], phiSweepBands: 30, bands: [10, 20, 30, 40], bandSweepPhi: 35 },
    };
  }
  const full = notebookStage2('full');
  return {
    name,
    seeds: [1, 2, 3],
    stage1Seed: 1,
    stage1: extractorConfig(DEFAULT_EXTRACTOR),
    tables: [...SWEEP_IDS],
    entries: [
      { source: { kind: 'generated', preset: 'full', seed: 0, split: 'generated-35/5' }, text: USE, stage2: full },
      { source: { kind: 'skeletons', dataset: 'nw-ucla', split: 'nw-ucla-5/5' }, text: USE, stage2: full },
      { source: { kind: 'synse', dataset: 'ntu60', split: 'ntu60-55/5' }, text: CLIP32, stage2: fsvaePreset('reference-ntu60') },
    ],
    grids: {
      alpha: [0.01, 0.05, 0.1, 0.5, 1, 2],
      lambda: [70, 80, 90, 100, 110, 120],
      phi: [15, 20, 25, 30, 35, 40, 50, 60],
      phiSweepBands: 30,
      bands: [10, 15, 20, 25, 30, 35, 40],
      bandSweepPhi: 35,
    },
  };
}

/** The variants of one table under a config's grids. */
export function ablationVariants(id: SweepId, g: AblationGrids): AblationVariant[] {
  switch (id) {
    case 'table5-alpha':
      return table5AlphaVariants(g.alpha);
    case 'table5-lambda':
      return table5LambdaVariants(g.lambda);
    case 'fig4-phi':
      return fig4PhiVariants(g.phi, g.phiSweepBands);
    case 'fig4-bands':
      return fig4BandVariants(g.bands, g.bandSweepPhi);
    default:
      throw new FsvaeInputError(`ablations: unknown sweep '${String(id)}'; known: ${SWEEP_IDS.join(', ')}.`);
  }
}

export interface AblationPoint {
  table: SweepId;
  variant: AblationVariant;
  /** the stage-2 configuration that ran (base preset + variant). */
  config: FsvaeConfig;
  run: VariantRun;
  /** the same configuration already ran for an earlier row (its result is reused). */
  reused: boolean;
}

export interface AblationDatasetResult {
  source: DatasetSource;
  prepared?: PreparedFeatures;
  missing?: MissingDataset;
  points: AblationPoint[];
  /** distinct stage-2 configurations trained. */
  uniqueRuns: number;
  /** ZSL test samples (ztest rows of the train phase): one sample is 100/n points. */
  zslTestRows: number;
  wallSeconds: number;
}

export interface RunAblationOptions {
  seeds: number[];
  text?: TextSourceSpec;
  gate?: GateConfig;
  log?: (line: string) => void;
  /**
   * Folder of finished runs (one JSON per configuration, seeds, text, gate and code version), so
   * that an interrupted sweep resumes where it stopped; none when absent.
   */
  cacheDir?: string;
  /** read every run from cacheDir and train none: a run missing there is an error (the assembly of shards). */
  cacheOnly?: boolean;
}

/**
 * A run from the cache folder, or null (absent, unreadable, not a run, or failing its checksum:
 * such an entry counts as missing and is trained again; entries written without a checksum are
 * read as they are).
 */
function readCachedRun(file: string): VariantRun | null {
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as VariantRun & { check?: string };
    if (raw.check !== undefined && raw.check !== evidenceCellChecksum(raw as unknown as Record<string, unknown>)) return null;
    const { check: _check, ...run } = raw;
    return run?.result?.summary?.clean ? (run as VariantRun) : null;
  } catch {
    return null;
  }
}

/** Stores a run (typed arrays as plain arrays; latents are not kept) with the checksum of what is stored. */
function writeCachedRun(file: string, run: VariantRun): void {
  const plain = { ...run, result: { ...run.result, firstSeedLatents: {} } };
  const stored = JSON.parse(JSON.stringify(plain, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)));
  writeFileAtomic(file, JSON.stringify({ ...stored, check: evidenceCellChecksum(stored) }));
}

/** The tables to run, each with its variants. */
export type AblationTableVariants = ReadonlyArray<{ id: SweepId; variants: AblationVariant[] }>;

/** A row of a table with its stage-2 configuration; `configKey` identifies the configuration (one run each per dataset entry). */
interface RowConfig {
  table: SweepId;
  variant: AblationVariant;
  config: FsvaeConfig;
  configKey: string;
}

/** Every row of the tables, in table order, with its configuration. */
function rowConfigs(base: FsvaeConfig, tables: AblationTableVariants): RowConfig[] {
  return tables.flatMap((t) =>
    t.variants.map((variant) => {
      const config = applyVariant(base, variant);
      return { table: t.id, variant, config, configKey: JSON.stringify(config) };
    }),
  );
}

/**
 * The cache file of a configuration's run on prepared features: named by the features, the
 * configuration, the seeds, the text matrix, the gate, the code version and the stage-2 engine.
 * Changing what goes into the key orphans every cached run.
 */
async function runCacheFile(prepared: PreparedFeatures, config: FsvaeConfig, opts: RunAblationOptions & { cacheDir: string }): Promise<string> {
  const tf = await textFeaturesFor(prepared, config.textMode, opts.text);
  const textSha = createHash('sha256')
    .update(Buffer.from(tf.data.buffer, tf.data.byteOffset, tf.data.byteLength))
    .digest('hex');
  const key = evidenceCellKey(prepared, {
    kind: 'ablation',
    cfg: config,
    seeds: opts.seeds,
    textSha,
    gate: opts.gate ?? null,
    code: codeVersion(),
    engine: await zeroShotStage2Engine(config),
  });
  return path.join(opts.cacheDir, `${key}.json`);
}

/** Trains one row's configuration (every seed) and, with a cache file, stores the run there (atomic write). */
async function trainRun(
  prepared: PreparedFeatures,
  row: Pick<RowConfig, 'variant' | 'config'>,
  file: string | null,
  opts: RunAblationOptions,
): Promise<VariantRun> {
  const run = (await runConfiguredVariants(prepared, [row], { seeds: opts.seeds, text: opts.text, gate: opts.gate, log: opts.log }))[0];
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeCachedRun(file, run);
  }
  return run;
}

/** Runs every table's variants on prepared features; identical configurations run once. */
export async function runAblationTables(
  prepared: PreparedFeatures,
  base: FsvaeConfig,
  tables: AblationTableVariants,
  opts: RunAblationOptions,
): Promise<AblationPoint[]> {
  if (opts.seeds.length === 0) throw new FsvaeInputError('runAblationTables: no seeds given; pass e.g. seeds: [1].');
  if (opts.cacheOnly && !opts.cacheDir) throw new FsvaeInputError('runAblationTables: cacheOnly needs a cacheDir to read the runs from.');
  const done = new Map<string, VariantRun>();
  const points: AblationPoint[] = [];
  const zsl = (r: VariantRun) => formatMeanStd(r.result.summary.clean.zsl, { scale: 100, digits: 1 });
  for (const { table, variant: v, config, configKey } of rowConfigs(base, tables)) {
    const prior = done.get(configKey);
    if (prior) {
      opts.log?.(`[${prepared.split.name}] ${table} ${v.key}: same configuration as '${prior.variant.name}', reused`);
      points.push({ table, variant: v, config, run: prior, reused: true });
      continue;
    }
    const file = opts.cacheDir ? await runCacheFile(prepared, config, { ...opts, cacheDir: opts.cacheDir }) : null;
    const cached = file ? readCachedRun(file) : null;
    if (cached) opts.log?.(`[${prepared.split.name}] ${table} ${v.key}: ZSL ${zsl(cached)} (cached run)`);
    else if (opts.cacheOnly) throw new FsvaeInputError(`${prepared.split.name} ${table} ${v.key}: the run is not in the cache (${file}); train it first.`);
    const run = cached ?? (await trainRun(prepared, { variant: v, config }, file, opts));
    done.set(configKey, run);
    points.push({ table, variant: v, config, run, reused: false });
  }
  return points;
}

/**
 * The distinct runs of the tables on prepared features (one per distinct configuration, in the
 * order runAblationTables meets them), keyed by their cache file's name, without training any.
 * A run's train() reads the cache again first (another shard may have written the run since) and
 * trains and stores it only when it is still missing.
 */
export async function planAblationRuns(
  prepared: PreparedFeatures,
  base: FsvaeConfig,
  tables: AblationTableVariants,
  opts: RunAblationOptions & { cacheDir: string },
): Promise<PlannedCell[]> {
  if (opts.seeds.length === 0) throw new FsvaeInputError('planAblationRuns: no seeds given; pass e.g. seeds: [1].');
  const planned = new Map<string, PlannedCell>();
  for (const { variant, config, configKey } of rowConfigs(base, tables)) {
    if (planned.has(configKey)) continue;
    const file = await runCacheFile(prepared, config, opts);
    const s = config.schedule;
    planned.set(configKey, {
      key: path.basename(file, '.json'),
      label: `${prepared.split.name} ${variant.name}`,
      cost: 2 * s.cycles * s.stepsPerCycle * config.batchSize * opts.seeds.length,
      cached: readCachedRun(file) !== null,
      train: async () => {
        if (!readCachedRun(file)) await trainRun(prepared, { variant, config }, file, opts);
      },
    });
  }
  return [...planned.values()];
}

export interface AblationResults {
  config: AblationConfig;
  datasets: AblationDatasetResult[];
  wallSeconds: number;
}

function validateConfig(cfg: AblationConfig): void {
  if (cfg.seeds.length === 0) throw new FsvaeInputError(`ablations (${cfg.name}): seeds is empty; give at least one seed.`);
  if (cfg.entries.length === 0) throw new FsvaeInputError(`ablations (${cfg.name}): no dataset entries; add one, e.g. the generated dataset.`);
  if (cfg.tables.length === 0) throw new FsvaeInputError(`ablations (${cfg.name}): tables is empty; pick from ${SWEEP_IDS.join(', ')}.`);
  for (const id of cfg.tables) ablationVariants(id, cfg.grids); // validates ids and grids before any training
}

/** Where runAblations caches its runs: <cache>/ablations (FSVAE_CACHE, set by --cache-dir). */
export function ablationCacheDir(): string {
  return path.join(cacheRoot(), 'ablations');
}

const tablesOf = (cfg: AblationConfig) => cfg.tables.map((id) => ({ id, variants: ablationVariants(id, cfg.grids) }));

const entryOptions = (cfg: AblationConfig, e: AblationEntry, log: (line: string) => void) => ({
  seeds: cfg.seeds,
  text: e.text,
  gate: cfg.gate,
  log,
  cacheDir: ablationCacheDir(),
});

/** An entry's stage-1 features (stage 1 runs unless they are cached); a dataset that is not found is logged as skipped. */
async function prepareEntry(cfg: AblationConfig, e: AblationEntry, log: (line: string) => void): Promise<PreparedFeatures | MissingDataset> {
  const prepared = await prepareFeatures(e.source, { stage1: cfg.stage1, seed: cfg.stage1Seed, log });
  if ('missing' in prepared) log(`[skip] ${prepared.message}`);
  return prepared;
}

/** Each entry's features and distinct runs (runs of a missing dataset: none). */
async function planEntries(cfg: AblationConfig, log: (line: string) => void): Promise<{ prepared: PreparedFeatures | MissingDataset; runs: PlannedCell[] }[]> {
  const tables = tablesOf(cfg);
  const out: { prepared: PreparedFeatures | MissingDataset; runs: PlannedCell[] }[] = [];
  for (const e of cfg.entries) {
    const prepared = await prepareEntry(cfg, e, log);
    out.push({ prepared, runs: 'missing' in prepared ? [] : await planAblationRuns(prepared, e.stage2, tables, entryOptions(cfg, e, log)) });
  }
  return out;
}

/** Distinct runs, each key once (entries with the same features and configuration share a run). */
function distinctRuns(runs: PlannedCell[]): PlannedCell[] {
  return [...new Map(runs.map((r) => [r.key, r] as const)).values()];
}

/**
 * Every distinct run of a sweep config over its dataset entries (planning: the stage-1 features
 * are prepared where they are not cached, nothing trains). Shards split this list
 * (lib/experiments/shards.ts assignShards with the runs' costs).
 */
export async function planAblations(cfg: AblationConfig, log: (line: string) => void = () => {}): Promise<PlannedCell[]> {
  validateConfig(cfg);
  return distinctRuns((await planEntries(cfg, log)).flatMap((p) => p.runs));
}

/**
 * One shard of a cluster job array: plans every run, then trains this shard's share of the runs
 * that are not cached into the shared cache (assignShards on the runs' costs, the same assignment
 * in every task). Writes no results: runAblations with `runs: 'cache'` builds them afterwards.
 */
export async function trainAblationShard(
  cfg: AblationConfig,
  shard: Shard,
  log: (line: string) => void = () => {},
): Promise<{ runs: number; mine: number; trained: number }> {
  const t0 = Date.now();
  const runs = await planAblations(cfg, log);
  const owner = assignShards(runs, shard.count);
  const mine = runs.filter((r) => owner.get(r.key) === shard.index);
  const todo = mine.filter((r) => !r.cached);
  const name = `shard ${shard.index + 1}/${shard.count}`;
  const counts = `${mine.length} of ${runs.length} runs are this shard's: ${todo.length} to train, ${mine.length - todo.length} cached`;
  log(`[sweeps] ${name} (${shard.source}): ${counts}`);
  for (const [k, r] of todo.entries()) {
    const t1 = Date.now();
    await r.train();
    log(`[sweeps] ${name}: trained ${k + 1}/${todo.length} ${r.label} in ${((Date.now() - t1) / 1000).toFixed(0)} s`);
  }
  log(`[sweeps] ${name}: done, ${todo.length} run(s) trained in ${((Date.now() - t0) / 1000).toFixed(0)} s; build the tables with --assemble`);
  return { runs: runs.length, mine: mine.length, trained: todo.length };
}

/**
 * Computes the features the runs read, training nothing: stage 1 (prepareFeatures) and the text
 * features of every text mode the tables use (textFeaturesFor), for a shard's share of the dataset
 * entries (assignShards, cost 1 each) or, without a shard, for every entry. Returns how many
 * entries were prepared.
 */
export async function prepareAblationFeatures(cfg: AblationConfig, shard: Shard | null, log: (line: string) => void = () => {}): Promise<number> {
  validateConfig(cfg);
  const tables = tablesOf(cfg);
  const keyOf = (e: AblationEntry) => JSON.stringify({ source: e.source, text: e.text });
  const owner = shard
    ? assignShards(
        cfg.entries.map((e) => ({ key: keyOf(e), cost: 1 })),
        shard.count,
      )
    : null;
  const mine = cfg.entries.filter((e) => !owner || owner.get(keyOf(e)) === shard!.index);
  log(`[sweeps] prepare (${shard ? `shard ${shard.index + 1}/${shard.count}` : 'all'}): ${mine.length} of ${cfg.entries.length} dataset entries`);
  for (const e of mine) {
    const prepared = await prepareEntry(cfg, e, log);
    if ('missing' in prepared) continue;
    for (const mode of new Set(rowConfigs(e.stage2, tables).map((r) => r.config.textMode))) {
      const tf = await textFeaturesFor(prepared, mode, e.text);
      log(`[features] text ${mode} of ${prepared.split.name}: ${tf.rows} × ${tf.cols} (${tf.source})`);
    }
  }
  return mine.length;
}

export interface RunAblationsOptions {
  /**
   * 'train' (default): train the runs the cache lacks. 'cache': build the results from the cache
   * alone (the assembly step after the shards); when runs are missing, throw an FsvaeInputError
   * listing them before any result is built.
   */
  runs?: 'train' | 'cache';
  /** the command named in that error to compute the missing runs. */
  computeWith?: string;
}

/** The error of an assembly with runs missing from the cache: the first 12 of them and how to compute them. */
function missingRunsError(runs: PlannedCell[], computeWith: string): FsvaeInputError {
  const missing = runs.filter((r) => !r.cached);
  const shown = missing
    .slice(0, 12)
    .map((r) => `  ${r.label} (${r.key})`)
    .join('\n');
  const more = missing.length > 12 ? `\n  … and ${missing.length - 12} more` : '';
  const head = `${missing.length} of ${runs.length} runs are not in the cache (${ablationCacheDir()})`;
  return new FsvaeInputError(`${head}:\n${shown}${more}\ncompute them with: ${computeWith}`);
}

/**
 * Runs a sweep config: per dataset entry, its stage-1 features, then every table's rows (each
 * distinct configuration read from <cache>/ablations or trained and stored there). With
 * `runs: 'cache'` nothing trains (the assembly after the shards of a cluster job).
 */
export async function runAblations(cfg: AblationConfig, log: (line: string) => void = () => {}, opts: RunAblationsOptions = {}): Promise<AblationResults> {
  validateConfig(cfg);
  const t0 = Date.now();
  const tables = tablesOf(cfg);
  const fromCache = opts.runs === 'cache';
  // the assembly checks every run first, so that a missing one is reported before any result is built
  const plan = fromCache ? await planEntries(cfg, log) : null;
  if (plan) {
    const runs = distinctRuns(plan.flatMap((p) => p.runs));
    if (runs.some((r) => !r.cached)) throw missingRunsError(runs, opts.computeWith ?? 'fsvae sweeps --shard i/n for every i');
  }
  const datasets: AblationDatasetResult[] = [];
  for (const [i, e] of cfg.entries.entries()) {
    const t1 = Date.now();
    const prepared = plan ? plan[i].prepared : await prepareEntry(cfg, e, log);
    if ('missing' in prepared) {
      datasets.push({ source: e.source, missing: prepared, points: [], uniqueRuns: 0, zslTestRows: 0, wallSeconds: 0 });
      continue;
    }
    const points = await runAblationTables(prepared, e.stage2, tables, { ...entryOptions(cfg, e, log), cacheOnly: fromCache });
    const zslTestRows = readSynseBenchmark(prepared.featuresRoot, prepared.split, 'train').ztest.rows;
    const uniqueRuns = points.filter((p) => !p.reused).length;
    datasets.push({ source: e.source, prepared, points, uniqueRuns, zslTestRows, wallSeconds: (Date.now() - t1) / 1000 });
  }
  return { config: cfg, datasets, wallSeconds: (Date.now() - t0) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// Tables

/** The four NTU splits of the paper's tables, in column order. */
export const PAPER_SPLITS: ReadonlyArray<{ split: string; label: string }> = [
  { split: 'ntu60-55/5', label: 'paper NTU-60 55/5' },
  { split: 'ntu60-48/12', label: 'paper NTU-60 48/12' },
  { split: 'ntu120-110/10', label: 'paper NTU-120 110/10' },
  { split: 'ntu120-96/24', label: 'paper NTU-120 96/24' },
];

const PAPER_TABLE_OF: Partial<Record<SweepId, Record<string, Record<string, number>>>> = {
  'table5-alpha': PAPER_TABLE5_ALPHA,
  'table5-lambda': PAPER_TABLE5_LAMBDA,
};

/** The symbol of each sweep's parameter. */
const SWEEP_SYMBOL: Partial<Record<SweepId, string>> = { 'table5-alpha': 'α', 'table5-lambda': 'λ', 'fig4-phi': 'φ', 'fig4-bands': 'b' };

/** The paper's best value of a sweep (undefined for the tables that are no sweep). */
const paperBest = (id: SweepId): number | undefined => (PAPER_SWEEP_BEST as Partial<Record<SweepId, number>>)[id];

/** The paper's ZSL (%) for a row key, per NTU split ('' where the paper has no such row). */
export function paperColumns(id: SweepId, key: string): Row {
  const t = PAPER_TABLE_OF[id];
  const row: Row = {};
  for (const s of PAPER_SPLITS) row[s.label] = t?.[key]?.[s.split] ?? '';
  return row;
}

function descriptorColumns(p: AblationPoint): Row {
  const c = p.config;
  switch (p.table) {
    case 'table5-alpha':
    case 'table5-lambda':
      return { parameter: SWEEP_SYMBOL[p.table]!, α: c.alignment.alpha, λ: c.alignment.lambda };
    case 'fig4-phi':
    case 'fig4-bands':
      return { sweep: SWEEP_SYMBOL[p.table]!, φ: c.skeletonFrequency.phi, b: c.skeletonFrequency.bands };
  }
}

const PCT = { scale: 100, digits: 1 };

/** Binomial standard error (percentage points) of one seed's accuracy p measured on n samples. */
export function binomialSe(p: number, n: number): number {
  if (!(n > 0) || !(p >= 0 && p <= 1)) throw new FsvaeInputError(`binomialSe: need 0 ≤ p ≤ 1 and n > 0 samples, got p = ${p}, n = ${n}.`);
  return 100 * Math.sqrt((p * (1 - p)) / n);
}

/**
 * One row per point of the given tables: our clean-protocol ZSL (with the binomial SE of one seed
 * on the ztest samples) and H, the pseudo-unseen validation ZSL behind the clean choice, the
 * test-selected ZSL, and the paper's NTU values.
 */
export function ablationRows(d: AblationDatasetResult, ids: readonly SweepId[]): Row[] {
  const rows: Row[] = [];
  if (!d.prepared) {
    const s = d.source;
    rows.push({
      dataset: s.kind === 'generated' ? 'generated' : s.dataset,
      split: resolveSplit(s.split).name,
      row: '(not run)',
      note: d.missing?.message ?? '',
    });
    return rows;
  }
  const claims = new Map<SweepId, SweepClaim[] | null>();
  const claimsOf = (id: SweepId) => {
    if (!claims.has(id)) claims.set(id, sweepClaims(d, id));
    return claims.get(id)!;
  };
  for (const p of d.points) {
    if (!ids.includes(p.table)) continue;
    const s = p.run.result.summary;
    rows.push({
      dataset: d.prepared.textDataset,
      split: d.prepared.split.name,
      row: p.variant.key,
      ...descriptorColumns(p),
      seeds: p.run.result.seeds.length,
      'ZSL (clean)': formatMeanStd(s.clean.zsl, PCT),
      'SE 1 seed': d.zslTestRows > 0 ? Number(binomialSe(s.clean.zsl.mean, d.zslTestRows).toFixed(1)) : '',
      'H (clean)': formatMeanStd(s.clean.harmonic, PCT),
      'val ZSL at chosen cycle': formatMeanStd(
        p.run.result.perSeed.map((q) => q.valZslByCycle[q.cycle.clean]),
        PCT,
      ),
      'ZSL (test-selected cycle)': formatMeanStd(s.reference.zsl, PCT),
      'reused run': p.reused ? p.run.variant.name : '',
      ...sweepClaimColumns(p, claimsOf(p.table)),
      ...paperColumns(p.table, p.variant.key),
    });
  }
  return rows;
}

/** One sweep point tested against the paper's best setting of its sweep (PAPER_SWEEP_BEST). */
export interface SweepClaim {
  table: SweepId;
  /** "φ = 35 > φ = 15" */
  claim: string;
  /** the swept value of the other side */
  x: number;
  /** Δ = ZSL(paper's best) − ZSL(x) per seed, as fractions */
  comparison: PairedComparison;
  /**
   * every seed and cycle gave exactly the paper's setting's accuracies: the same module ran (φ is
   * compared with band edges, so thresholds between the same two edges build the same gains);
   * such a row is no test of the claim.
   */
  identical: boolean;
}

/** The per-seed record of a run that a different configuration cannot reproduce by chance. */
function runFingerprint(p: AblationPoint): string {
  return JSON.stringify(p.run.result.perSeed.map((q) => [q.seed, q.testZslByCycle, q.valZslByCycle, q.gzsl]));
}

/** Clean-protocol ZSL of each seed of a run, keyed by seed. */
function zslBySeed(p: AblationPoint): Map<number, number> {
  return new Map(p.run.result.perSeed.map((q) => [q.seed, q.zsl.clean]));
}

/**
 * The paper's "this setting is best" claim of a sweep, tested against every other value of the
 * sweep on one dataset: Δ = ZSL(best) − ZSL(x), paired by seed (same seeds, same features), 95 %
 * t-interval over seeds (lib/eval/stats.ts pairedComparison). Null when the table is not a sweep
 * or the paper's value is not in the grid.
 */
export function sweepClaims(d: AblationDatasetResult, id: SweepId): SweepClaim[] | null {
  const best = paperBest(id);
  const sym = SWEEP_SYMBOL[id];
  if (best === undefined || sym === undefined) return null;
  const pts = d.points.filter((p) => p.table === id && p.variant.x !== undefined);
  const top = pts.find((p) => p.variant.x === best);
  if (!top) return null;
  const a = zslBySeed(top);
  return pts
    .filter((p) => p !== top)
    .map((p) => {
      const b = zslBySeed(p);
      const seeds = [...a.keys()];
      if (seeds.length !== b.size || seeds.some((s) => !b.has(s))) {
        throw new FsvaeInputError(
          `sweep ${sym}: ${sym} = ${best} ran seeds ${seeds.join(', ')} but ${sym} = ${p.variant.x} ran ` +
            `${[...b.keys()].join(', ')}; a paired comparison needs the same seeds.`,
        );
      }
      const comparison = pairedComparison(
        seeds.map((s) => a.get(s)!),
        seeds.map((s) => b.get(s)!),
        `sweep ${sym} = ${best} vs ${p.variant.x}`,
      );
      return {
        table: id,
        claim: `${sym} = ${best} > ${sym} = ${p.variant.x}`,
        x: p.variant.x!,
        comparison,
        identical: runFingerprint(p) === runFingerprint(top),
      };
    });
}

/** The claim columns of a sweep row: the paper's best against this value, with Δ and verdict. */
function sweepClaimColumns(p: AblationPoint, claims: SweepClaim[] | null): Row {
  const sym = SWEEP_SYMBOL[p.table];
  if (sym === undefined) return {};
  const best = paperBest(p.table);
  const none = { claim: '', 'n pairs': '', 'Δ [95% CI]': '', verdict: '' };
  if (!claims) return { ...none, claim: `(${sym} = ${best}, the paper's best, is not in the grid)` };
  if (p.variant.x === best) return { ...none, claim: `${sym} = ${best}: the paper's best` };
  const c = claims.find((x) => x.x === p.variant.x)!;
  if (c.identical) return { ...none, claim: `${sym} = ${p.variant.x}: the same module as ${sym} = ${best} (identical runs), not a test` };
  return { claim: c.claim, 'n pairs': c.comparison.n, 'Δ [95% CI]': formatInterval(c.comparison), verdict: c.comparison.verdict };
}

/**
 * Observations under a sweep table, generated from the runs: per dataset and sweep, how often the
 * paper's best setting is supported / contradicted against the other values, and the setting with
 * the highest mean (a description, not a test).
 */
export function sweepObservations(r: AblationResults, name: string): string[] {
  const t = ABLATION_RESULT_TABLES.find((x) => x.name === name);
  if (!t) throw new FsvaeInputError(`sweepObservations: unknown table '${name}'; known: ${ABLATION_RESULT_TABLES.map((x) => x.name).join(', ')}.`);
  const lines: string[] = [];
  for (const d of r.datasets) {
    if (!d.prepared) continue;
    for (const id of t.ids) {
      const all = sweepClaims(d, id);
      if (!all || all.length === 0) continue;
      const same = all.filter((c) => c.identical);
      const claims = all.filter((c) => !c.identical);
      if (claims.length === 0) continue;
      const sym = SWEEP_SYMBOL[id]!;
      const best = paperBest(id)!;
      const count = (v: string) => claims.filter((c) => c.comparison.verdict === v).length;
      const s = sweepSeries(d, id);
      const top = s.x[s.mean.indexOf(Math.max(...s.mean))];
      const n = claims[0].comparison.n;
      lines.push(
        sweepObservation({
          dataset: `${d.prepared.textDataset} ${d.prepared.split.name}`,
          sym,
          best,
          others: claims.length,
          n,
          supports: count('supports'),
          contradicts: count('contradicts'),
          inconclusive: count('inconclusive'),
          same: same.map((c) => c.x),
          top,
        }),
      );
    }
  }
  return lines;
}

/** The result tables (results/ablation_*.csv/.md) and which ids each holds. */
export const ABLATION_RESULT_TABLES: ReadonlyArray<{ name: string; title: string; ids: SweepId[] }> = [
  { name: 'ablation_table5', title: 'Table 5: α and λ of the calibrated alignment loss — ZSL (%)', ids: ['table5-alpha', 'table5-lambda'] },
  { name: 'ablation_fig4', title: 'Fig. 4: φ and b of the frequency-enhanced module — ZSL (%)', ids: ['fig4-phi', 'fig4-bands'] },
];

/** Rows of one result table over every dataset of the run. */
export function ablationTable(r: AblationResults, name: string): Row[] {
  const t = ABLATION_RESULT_TABLES.find((x) => x.name === name);
  if (!t) throw new FsvaeInputError(`ablationTable: unknown table '${name}'; known: ${ABLATION_RESULT_TABLES.map((x) => x.name).join(', ')}.`);
  const ids = t.ids.filter((id) => r.config.tables.includes(id));
  if (ids.length === 0) return [];
  return r.datasets.flatMap((d) => ablationRows(d, ids));
}

// ---------------------------------------------------------------------------------------------
// Figures

function sweepSeries(d: AblationDatasetResult, id: SweepId): { x: number[]; mean: number[]; std: number[]; stats: MeanStd[] } {
  const pts = d.points.filter((p) => p.table === id && p.variant.x !== undefined).sort((a, b) => a.variant.x! - b.variant.x!);
  const stats = pts.map((p) => p.run.result.summary.clean.zsl);
  return { x: pts.map((p) => p.variant.x!), mean: stats.map((s) => 100 * s.mean), std: stats.map((s) => 100 * s.std), stats };
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

function datasetLabel(d: AblationDatasetResult): string {
  return `${d.prepared!.textDataset} ${d.prepared!.split.name}`;
}

/** Fig. 4(a)/(b): clean-protocol ZSL vs φ or b, one line per dataset (error bars: std over seeds). */
export function fig4Figure(r: AblationResults, which: 'phi' | 'bands'): Figure | null {
  const id: SweepId = which === 'phi' ? 'fig4-phi' : 'fig4-bands';
  const ds = r.datasets.filter((d) => d.prepared && d.points.some((p) => p.table === id));
  if (ds.length === 0) return null;
  const g = r.config.grids;
  const data = ds.map((d, i) => {
    const s = sweepSeries(d, id);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: `${datasetLabel(d)} (${s.stats[0]?.n ?? 0} seed${s.stats[0]?.n === 1 ? '' : 's'})`,
      x: s.x,
      y: s.mean,
      error_y: { type: 'data', array: s.std, visible: true },
      line: { color: COLORS[i % COLORS.length] },
    };
  });
  const fixed = which === 'phi' ? `b = ${g.phiSweepBands}` : `φ = ${g.bandSweepPhi}`;
  return {
    data,
    layout: {
      title: { text: `Fig. 4(${which === 'phi' ? 'a' : 'b'})-style: ZSL vs ${which === 'phi' ? 'φ' : 'b'} (${fixed}; FM on both encoders; clean protocol)` },
      xaxis: { title: { text: which === 'phi' ? 'φ (low/high split index)' : 'b (number of bands)' } },
      yaxis: { title: { text: 'ZSL accuracy (%)' } },
    },
  };
}

/** Table 5 as line plots: ZSL vs α or λ (log axis), ours per dataset; the paper's NTU values dashed. */
export function table5Figure(r: AblationResults, which: 'alpha' | 'lambda'): Figure | null {
  const id: SweepId = which === 'alpha' ? 'table5-alpha' : 'table5-lambda';
  const ds = r.datasets.filter((d) => d.prepared && d.points.some((p) => p.table === id));
  if (ds.length === 0) return null;
  const data: Record<string, unknown>[] = ds.map((d, i) => {
    const s = sweepSeries(d, id);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: `ours: ${datasetLabel(d)}`,
      x: s.x,
      y: s.mean,
      error_y: { type: 'data', array: s.std, visible: true },
      line: { color: COLORS[i % COLORS.length] },
    };
  });
  const paper = which === 'alpha' ? PAPER_TABLE5_ALPHA : PAPER_TABLE5_LAMBDA;
  const px = Object.keys(paper)
    .map(Number)
    .sort((a, b) => a - b);
  PAPER_SPLITS.forEach((s, i) => {
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: `${s.label} (reported)`,
      x: px,
      y: px.map((x) => paper[String(x)][s.split]),
      line: { dash: 'dash', color: '#7f7f7f', width: 1 + (i === 0 ? 1 : 0) },
      marker: { symbol: 'circle-open' },
      opacity: i === 0 ? 0.9 : 0.5,
    });
  });
  const fixed =
    which === 'alpha'
      ? `λ = ${ds[0].points.find((p) => p.table === id)!.config.alignment.lambda}`
      : `α = ${ds[0].points.find((p) => p.table === id)!.config.alignment.alpha}`;
  return {
    data,
    layout: {
      title: {
        text: `Table 5 as a plot: ZSL vs ${which === 'alpha' ? 'α' : 'λ'} (${fixed}; clean protocol). Dashed: the paper's NTU numbers (another dataset)`,
      },
      xaxis: { type: 'log', title: { text: which === 'alpha' ? 'α (weight of the alignment loss)' : 'λ (temperature of the calibrated loss)' } },
      yaxis: { title: { text: 'ZSL accuracy (%)' } },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Writing

export function ablationNotes(r: AblationResults): string[] {
  const s2 = r.config.entries
    .map((e) =>
      stage2Settings(
        resolveSplit(e.source.split).name,
        e.stage2.schedule.cycles,
        e.stage2.schedule.stepsPerCycle,
        e.stage2.latentDim,
        e.stage2.alignment.alpha,
        e.stage2.alignment.lambda,
      ),
    )
    .join('; ');
  const samples = r.datasets.map((d) => `${d.prepared ? d.prepared.split.name : resolveSplit(d.source.split).name}: n = ${d.zslTestRows}`).join('; ');
  return [
    CLEAN_PROTOCOL_NOTE,
    binomialSeNote(samples),
    PAPER_COLUMNS_NOTE,
    GENERATED_DATASET_NOTE,
    MODULE_SWITCHES_NOTE,
    FREQUENCY_ON_VECTOR_NOTE,
    TEXT_LOSSES_NOTE,
    reusedRunsNote(s2, r.config.seeds.join(', ')),
    sweepClaimsNote(PAPER_SWEEP_BEST['table5-alpha'], PAPER_SWEEP_BEST['table5-lambda'], PAPER_SWEEP_BEST['fig4-phi'], PAPER_SWEEP_BEST['fig4-bands']),
  ];
}

export function writeAblations(r: AblationResults, backend: string): string[] {
  // wallSeconds: this invocation (small when the runs came from the cache); trainingSeconds: the
  // distinct runs' own training time, cached ones included — what the sweep costs from scratch
  const trainingSeconds = Number(r.datasets.reduce((a, d) => a + d.points.filter((p) => !p.reused).reduce((b, p) => b + p.run.wallSeconds, 0), 0).toFixed(1));
  const prov = provenance(backend, {
    notebook: '04_ablations',
    mode: r.config.name,
    seeds: r.config.seeds.join(','),
    stage1: r.config.stage1.name,
    wallSeconds: r.wallSeconds,
    trainingSeconds,
  });
  const notes = ablationNotes(r);
  const files: string[] = [];
  for (const t of ABLATION_RESULT_TABLES) {
    const rows = ablationTable(r, t.name);
    if (rows.length === 0) continue;
    // full-mode sweeps sit next to the main job's (quick) ones: <name>_full
    const full = r.config.name === 'full';
    const table: ResultTable = { name: full ? `${t.name}_full` : t.name, title: full ? `${t.title} — full mode` : t.title, rows, notes };
    const { csv, md, json } = writeResultTableWithJson(table, prov);
    files.push(csv, md, json);
  }
  return files;
}

/** The stored sweep tables of a mode (results/ablation_{table5,fig4}[_full].json) that exist. */
export function readSweepTables(dir: string, mode: 'quick' | 'full'): { name: string; rows: Row[] }[] {
  const out: { name: string; rows: Row[] }[] = [];
  for (const t of ABLATION_RESULT_TABLES) {
    const name = mode === 'full' ? `${t.name}_full` : t.name;
    const f = path.join(dir, `${name}.json`);
    if (!fs.existsSync(f)) continue;
    const j = JSON.parse(fs.readFileSync(f, 'utf8')) as { rows?: Row[] };
    if (!Array.isArray(j.rows)) throw new FsvaeInputError(`${f}: no 'rows' array; write it again with writeAblations (npx fsvae sweeps).`);
    out.push({ name, rows: j.rows });
  }
  return out;
}
