/**
 * From a dataset (built-in generated, raw skeletons, or a user's pre-extracted features) to the
 * inputs of stages 2-4: SynSE-layout features (stage 1 trained on the split's seen classes, cached
 * on disk so every notebook reuses them) and the class text features for a text mode.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { BenchmarkSplit, getSplit } from '../data/splits';
import { cacheRoot, locateData } from '../data/paths';
import { readSynseBenchmark, readSynsePhase, SynsePhase, SynseSplitData } from '../data/synse';
import { locateRawDataset, rawDataset, RawDatasetRead, RawSkeletonDataset } from '../data/datasets';
import { readSadvaeSplit, SADVAE_FOLDER, SadvaeBenchmark, sadvaePaths, sadvaeSplitId, sadvaeSplitRef } from '../data/sadvae';
import { SkeletonSequence } from '../data/skeleton';
import { generateActionDataset } from '../data/generator';
import { ExtractorConfig } from '../stage1/extractors';
import { isDctExtractorConfig } from '../stage1/dct-extractor';
import { dataParallelAvailable } from '../stage1/data-parallel';
import { Stage1ExportReport, exportStage1Features } from '../stage1/export';
import { SideOf, sideFromIds } from '../stage1/input';
import { Stage1Progress } from '../stage1/train';
import { TextEncoderName } from '../data/text-tables';
import { PrecomputedTextSource } from '../text/encoders/precomputed';
import { createTextEncoder, TextEncoderId } from '../text/encoders';
import { TextEncoder } from '../text/encoders/types';
import { classTextFeatures } from '../text/cache';
import { randomTextFeatures } from '../text/random';
import { ZeroShotData } from './zero-shot';
import { FsvaeInputError } from '../util/assert';
import { getBackendInfo } from '../runtime/backend';
import { runWorkerJob, serveWorkerJob } from '../runtime/worker-job';
import { canRunPhasesInParallel } from './phase-worker';
import { sha256Hex, writeFileAtomic } from '../util/atomic-file';

export type DatasetSource =
  /** the built-in procedural dataset (lib/data/generator): always available. */
  | { kind: 'generated'; preset: 'quick' | 'full'; seed: number; split: SplitRef }
  /** raw skeleton files through stage 1 (found with locateData unless `dir` is given). */
  | { kind: 'skeletons'; dataset: RawSkeletonDataset; split: SplitRef; dir?: string }
  /** a user's SynSE-layout features (the paper's NTU inputs) with MSF CLIP text tables. */
  | { kind: 'synse'; dataset: 'ntu60' | 'ntu120'; split: SplitRef; features?: string; text?: string }
  /** split `index` of SA-DVAE's archive in `dir` (lib/data/sadvae.ts): its ST-GCN features; made by sadvaeSource, which reads the split. */
  | { kind: 'sadvae'; dataset: SadvaeBenchmark; index: number; split: BenchmarkSplit; dir: string };

export type SadvaeSource = Extract<DatasetSource, { kind: 'sadvae' }>;

/** A registered split's name, or a split object (e.g. from splitFromUnseen for an ad hoc --unseen list). */
export type SplitRef = string | BenchmarkSplit;

export function resolveSplit(ref: SplitRef): BenchmarkSplit {
  return typeof ref === 'string' ? getSplit(ref) : ref;
}

export interface PreparedFeatures {
  source: DatasetSource;
  /** human-readable origin, e.g. 'NW-UCLA (real, ../shared/data: …) → shift-gcn-small'. */
  description: string;
  split: BenchmarkSplit;
  /** the sk_feats folder holding shift_{u}_r and shift_val_{u}_r. */
  featuresRoot: string;
  /** the two phase folders when they are not shift_{u}_r and shift_val_{u}_r under featuresRoot (SA-DVAE's archive). */
  phaseDirs?: Record<SynsePhase, string>;
  /** dataset name for the text side (descriptions / tables). */
  textDataset: string;
  /** stage-1 report when features were extracted here. */
  stage1?: Stage1ExportReport;
  /** true when the features came from the on-disk cache. */
  cached: boolean;
}

export interface MissingDataset {
  missing: true;
  source: DatasetSource;
  /** what to download and where to put it. */
  message: string;
}

export { RAW_SKELETON_DATASETS } from '../data/datasets';
export type { RawSkeletonDataset } from '../data/datasets';

/** Where the SynSE-layout NTU features come from. */
const SYNSE_FEATURES_HINT = 'npx fsvae download synse-shift-features (SynSE Google Drive) and npx fsvae download ntu-text-features';

export function featureCacheDir(): string {
  return process.env.FSVAE_FEATURE_CACHE ?? path.join(cacheRoot(), 'features');
}

function sourceName(src: DatasetSource): string {
  return src.kind === 'generated' ? `generated-${src.preset}` : src.dataset;
}

export interface PrepareOptions {
  stage1: ExtractorConfig;
  seed: number;
  /** reuse cached features when the key matches (default true). */
  cache?: boolean;
  log?: (line: string) => void;
  onStage1Progress?: (phase: 'train' | 'val', p: Stage1Progress) => void;
}

interface LoadedSequences {
  sequences: SkeletonSequence[];
  side: SideOf;
  origin: string;
  datasetId: string;
}

/** The skeleton sequences of a generated or raw-skeleton source, with their train/test side. */
export function loadSequences(src: DatasetSource): LoadedSequences | MissingDataset {
  if (src.kind === 'synse' || src.kind === 'sadvae') throw new FsvaeInputError(`loadSequences: a ${src.kind} source holds features, not skeleton sequences.`);
  if (src.kind === 'generated') {
    const ds = generateActionDataset(src.preset, src.seed);
    const h = createHash('sha256');
    for (const q of ds.sequences) h.update(`${q.id}\0${q.label}\0`).update(new Uint8Array(q.data.buffer, q.data.byteOffset, q.data.byteLength));
    return {
      sequences: ds.sequences,
      side: sideFromIds(ds.protocol.trainSubjects, ds.protocol.testSubjects, 'subject'),
      origin: `generated dataset (lib/data/generator, preset ${src.preset}, seed ${src.seed}; synthetic)`,
      datasetId: `generated:${src.preset}:${src.seed}:${h.digest('hex').slice(0, 24)}`,
    };
  }
  const loc = locateRawDataset(src.dataset, src.dir);
  if (!loc.path)
    return {
      missing: true,
      source: src,
      message: `${src.dataset} skeletons not found (tried ${loc.tried.join(', ')}); get them with: ${rawDataset(src.dataset).download}`,
    };
  const { sequences, side, note } = readRawSkeletons(src.dataset, loc.path);
  return {
    sequences,
    side,
    origin: `${src.dataset} (real, ${loc.source}: ${loc.path}${note ? `; ${note}` : ''})`,
    datasetId: `${src.dataset}:${contentIdentity(loc.path)}`,
  };
}

/** Reads a raw dataset folder with its reader and the dataset's standard train/test protocol (lib/data/datasets/). */
export function readRawSkeletons(dataset: RawSkeletonDataset, dir: string): RawDatasetRead {
  return rawDataset(dataset).read(dir);
}

/** Folders up to this many bytes are identified by their bytes; larger ones (a full NTU release) by names, sizes and times. */
export const CONTENT_HASH_LIMIT = 1 << 30;

/**
 * Identity of a data folder's content for cache keys: sha256 over the relative path and bytes of
 * every file below it (depth ≤ 4), so a copied or re-mounted folder keeps its caches while
 * replacing one file changes the key. Folders above CONTENT_HASH_LIMIT bytes hash path, size and
 * modification time instead (reading tens of GB on every run would cost more than re-extracting).
 */
export function contentIdentity(dir: string): string {
  const h = createHash('sha256');
  const st = fs.statSync(dir);
  if (!st.isDirectory())
    return h
      .update(`${path.basename(dir)}\0${st.size}\0`)
      .update(st.size <= CONTENT_HASH_LIMIT ? fs.readFileSync(dir) : String(st.mtimeMs))
      .digest('hex')
      .slice(0, 24);
  const files: { rel: string; p: string; f: fs.Stats | null }[] = [];
  walkFiles(dir, 4, (rel, p) => {
    let f: fs.Stats | null = null;
    try {
      f = fs.statSync(p);
    } catch {
      // dangling link: part of the identity as such
    }
    files.push({ rel, p, f });
  });
  const bytes = files.reduce((a, x) => a + (x.f?.isFile() ? x.f.size : 0), 0);
  const byContent = bytes <= CONTENT_HASH_LIMIT;
  h.update(byContent ? 'content\n' : 'stat\n');
  for (const { rel, p, f } of files) {
    if (!f) h.update(`${rel}\0dangling\n`);
    else if (byContent && f.isFile()) h.update(`${rel}\0${f.size}\0`).update(fs.readFileSync(p)).update('\n');
    else h.update(`${rel}\0${f.size}\0${f.mtimeMs}\n`);
  }
  return h.digest('hex').slice(0, 24);
}

/** Calls `visit` for every non-folder entry below `dir` (folders up to `maxDepth` deep), in sorted order. */
function walkFiles(dir: string, maxDepth: number, visit: (rel: string, full: string) => void): void {
  const walk = (d: string, rel: string, depth: number) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (depth < maxDepth) walk(p, r, depth + 1);
      } else visit(r, p);
    }
  };
  walk(dir, '', 0);
}

/** Features in the SynSE layout for a dataset + split (stage 1 runs unless cached or pre-extracted). */
export async function prepareFeatures(src: DatasetSource, opts: PrepareOptions): Promise<PreparedFeatures | MissingDataset> {
  if (src.kind === 'sadvae') return prepareSadvae(src);
  const split = resolveSplit(src.split);
  if (src.kind === 'synse') {
    const loc = locateData('sk_feats', src.features);
    if (!loc.path)
      return {
        missing: true,
        source: src,
        message: `${src.dataset} SynSE features not found (tried ${loc.tried.join(', ')}); get them with: ${SYNSE_FEATURES_HINT}`,
      };
    return {
      source: src,
      description: `${src.dataset} SynSE Shift-GCN features (${loc.source}: ${loc.path})`,
      split,
      featuresRoot: loc.path,
      textDataset: src.dataset,
      cached: false,
    };
  }
  const loaded = loadSequences(src);
  if ('missing' in loaded) return loaded;
  const { sequences, side, origin, datasetId } = loaded;
  const dir = featureCacheEntry(src, split, datasetId, opts);
  const reportFile = path.join(dir, 'stage1-report.json');
  const description = `${origin} → stage 1 ${opts.stage1.name} (seed ${opts.seed})`;
  const cachedReport = (opts.cache ?? true) ? readCacheReport(reportFile, opts.log) : null;
  if (cachedReport) {
    opts.log?.(`[features] cached: ${dir}`);
    const stage1 = cachedReport;
    return {
      source: src,
      description,
      split,
      featuresRoot: path.join(dir, 'sk_feats'),
      textDataset: src.kind === 'generated' ? 'generated' : src.dataset,
      stage1,
      cached: true,
    };
  }
  opts.log?.(`[features] stage 1 (${opts.stage1.name}) on ${sequences.length} sequences of ${origin}; writing ${dir}`);
  const stage1 = await exportStage1Features({
    sequences,
    split,
    numClasses: split.numClasses,
    side,
    outDir: path.join(dir, 'sk_feats'),
    config: opts.stage1,
    seed: opts.seed,
    onProgress: (phase, p) => opts.onStage1Progress?.(phase, p),
    log: opts.log,
  });
  writeCacheReport(reportFile, stage1); // written last: marks a complete cache entry
  return {
    source: src,
    description,
    split,
    featuresRoot: path.join(dir, 'sk_feats'),
    textDataset: src.kind === 'generated' ? 'generated' : src.dataset,
    stage1,
    cached: false,
  };
}

/**
 * Split `index` of SA-DVAE's archive as a feature source, the split read from its label files
 * (lib/data/sadvae.ts); or, when the archive or this split is absent, what to download.
 */
export function sadvaeSource(dataset: SadvaeBenchmark, index: number, dir?: string): SadvaeSource | { missing: true; message: string } {
  const ref = sadvaeSplitRef(dataset, index);
  const loc = locateData(SADVAE_FOLDER, dir);
  const fetch = 'npx fsvae download sadvae-resources';
  if (!loc.path) return { missing: true, message: `SA-DVAE's archive not found (tried ${loc.tried.join(', ')}); get it with: ${fetch}` };
  const dirs = sadvaePaths(loc.path, ref);
  const absent = [dirs.labels, dirs.train, dirs.val].filter((d) => !fs.existsSync(d));
  if (absent.length) return { missing: true, message: `${sadvaeSplitId(ref)} is not in ${loc.path} (no ${absent.join(', ')}); get it with: ${fetch}` };
  return { kind: 'sadvae', dataset, index, split: readSadvaeSplit(loc.path, ref), dir: loc.path };
}

const SADVAE_TEXT_DATASET: Record<SadvaeBenchmark, string> = { ntu60: 'ntu60', ntu120: 'ntu120', pku51: 'pku-mmd' };

/** sadvaeSource, then its features (no stage 1: the archive holds them). */
export function sadvaeFeatures(dataset: SadvaeBenchmark, index: number, dir?: string): PreparedFeatures | { missing: true; message: string } {
  const src = sadvaeSource(dataset, index, dir);
  return 'missing' in src ? src : prepareSadvae(src);
}

function prepareSadvae(src: SadvaeSource): PreparedFeatures {
  const ref = sadvaeSplitRef(src.dataset, src.index);
  const dirs = sadvaePaths(src.dir, ref);
  return {
    source: src,
    description: `SA-DVAE ST-GCN features, ${sadvaeSplitId(ref)} (${src.dir})`,
    split: src.split,
    featuresRoot: path.dirname(dirs.train),
    phaseDirs: { train: dirs.train, val: dirs.val },
    textDataset: SADVAE_TEXT_DATASET[src.dataset],
    cached: false,
  };
}

/** One phase of prepared features (readSynsePhase on its folder). */
export function readPreparedPhase(prepared: PreparedFeatures, phase: SynsePhase): SynseSplitData {
  return prepared.phaseDirs
    ? readSynsePhase(prepared.phaseDirs[phase], prepared.split, phase)
    : readSynseBenchmark(prepared.featuresRoot, prepared.split, phase);
}

/** sha256 of every file below `dir`, by relative path. */
function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  walkFiles(dir, Infinity, (rel, p) => (out[rel] = sha256Hex(fs.readFileSync(p))));
  return out;
}

/** The report of a cache entry with the hashes of its feature files; written last (the entry's commit point). */
export function writeCacheReport(file: string, stage1: Stage1ExportReport): void {
  writeFileAtomic(file, JSON.stringify({ ...stage1, cacheFiles: hashTree(path.join(path.dirname(file), 'sk_feats')) }, null, 1));
}

/**
 * The report of a complete cache entry, or null: absent, damaged, or a feature file that is not
 * the one the report was written for (then the entry is recomputed, with a log line).
 */
export function readCacheReport(file: string, log?: (l: string) => void): Stage1ExportReport | null {
  if (!fs.existsSync(file)) return null;
  let rep: Stage1ExportReport & { cacheFiles?: Record<string, string> };
  try {
    rep = JSON.parse(fs.readFileSync(file, 'utf8')) as Stage1ExportReport & { cacheFiles?: Record<string, string> };
  } catch (e) {
    log?.(`[features] ${file} is damaged (${(e as Error).message}); recomputing this cache entry`);
    return null;
  }
  const now = (() => {
    try {
      return hashTree(path.join(path.dirname(file), 'sk_feats'));
    } catch {
      return null;
    }
  })();
  const want = rep.cacheFiles;
  if (!want || !now || JSON.stringify(now) !== JSON.stringify(want)) {
    log?.(
      `[features] the feature files of ${path.dirname(file)} do not match its report (changed, missing or from an older version); ` +
        'recomputing this cache entry',
    );
    return null;
  }
  const { cacheFiles: _files, ...report } = rep;
  return report;
}

function featureCacheEntry(src: DatasetSource, split: BenchmarkSplit, datasetId: string, opts: PrepareOptions): string {
  const key = createHash('sha256')
    .update(JSON.stringify({ datasetId, split, stage1: opts.stage1, seed: opts.seed, v: 2 }))
    .digest('hex')
    .slice(0, 16);
  return path.join(featureCacheDir(), `${sourceName(src)}-${split.name.replace(/\//g, '_')}-${key}`);
}

/**
 * Like prepareFeatures, but the two stage-1 trainings (phase val and phase train) run at the same
 * time, the val one in a worker thread (both cores). Same files and numbers as prepareFeatures.
 */
export async function prepareFeaturesParallel(src: DatasetSource, opts: PrepareOptions): Promise<PreparedFeatures | MissingDataset> {
  // a GCN that trains data-parallel already uses both cores: its phases run one after the other
  const dataParallel = !isDctExtractorConfig(opts.stage1) && (opts.stage1.train.workers ?? 1) > 1 && dataParallelAvailable();
  if (src.kind === 'synse' || src.kind === 'sadvae' || !canRunPhasesInParallel() || dataParallel) return prepareFeatures(src, opts);
  const split = resolveSplit(src.split);
  const loaded = loadSequences(src);
  if ('missing' in loaded) return loaded;
  const dir = featureCacheEntry(src, split, loaded.datasetId, opts);
  if ((opts.cache ?? true) && readCacheReport(path.join(dir, 'stage1-report.json'))) return prepareFeatures(src, opts);
  opts.log?.(`[features] stage 1 (${opts.stage1.name}) on ${loaded.sequences.length} sequences of ${loaded.origin}; both phases in parallel; writing ${dir}`);
  const valPending = exportStage1InWorker({ source: src, split, stage1: opts.stage1, seed: opts.seed, outDir: path.join(dir, 'sk_feats') });
  const trainReport = await exportStage1Features({
    sequences: loaded.sequences,
    split,
    numClasses: split.numClasses,
    side: loaded.side,
    outDir: path.join(dir, 'sk_feats'),
    config: opts.stage1,
    seed: opts.seed,
    phases: ['train'],
    onProgress: (phase, p) => opts.onStage1Progress?.(phase, p),
    log: opts.log,
  });
  const valReport = await valPending;
  const stage1: Stage1ExportReport = { ...trainReport, val: valReport.val };
  writeCacheReport(path.join(dir, 'stage1-report.json'), stage1);
  return {
    source: src,
    description: `${loaded.origin} → stage 1 ${opts.stage1.name} (seed ${opts.seed})`,
    split,
    featuresRoot: path.join(dir, 'sk_feats'),
    textDataset: src.kind === 'generated' ? 'generated' : src.dataset,
    stage1,
    cached: false,
  };
}

const STAGE1_JOB = 'stage-1';

interface Stage1WorkerJob {
  source: DatasetSource;
  split: BenchmarkSplit;
  stage1: ExtractorConfig;
  seed: number;
  outDir: string;
}

/** The val phase's stage-1 export in a worker thread, on the main thread's backend (wasm when none is chosen yet). */
function exportStage1InWorker(job: Stage1WorkerJob): Promise<Stage1ExportReport> {
  return runWorkerJob<Stage1WorkerJob, Stage1ExportReport>(__filename, STAGE1_JOB, getBackendInfo()?.name ?? 'wasm', job);
}

serveWorkerJob<Stage1WorkerJob, Stage1ExportReport>(STAGE1_JOB, (job) => {
  const loaded = loadSequences(job.source);
  if ('missing' in loaded) throw new Error(loaded.message);
  return exportStage1Features({
    sequences: loaded.sequences,
    split: job.split,
    numClasses: job.split.numClasses,
    side: loaded.side,
    outDir: job.outDir,
    config: job.stage1,
    seed: job.seed,
    phases: ['val'],
  });
});

export type TextSourceSpec =
  /** an encoder from lib/text (default: USE-Lite, offline); `paraphrases`: the several-descriptions extension (lib/text/paraphrases.ts). */
  | { kind: 'encoder'; id?: string; paraphrases?: boolean }
  /** precomputed MSF CLIP tables (NTU only). */
  | { kind: 'msf-table'; encoder: TextEncoderName; root?: string }
  /** a control: i.i.d. Gaussian class vectors (512-d per text part, Eq. 5 composition), no semantics. */
  | { kind: 'random'; seed: number };

const encoderCache = new Map<string, TextEncoder>();

/** Class text features (Eq. 5) for the prepared dataset and a text mode such as 'lb_ad_md'. */
export async function textFeaturesFor(prepared: PreparedFeatures, mode: string, spec: TextSourceSpec = { kind: 'encoder' }) {
  if (spec.kind === 'random') {
    return randomTextFeatures(prepared.split.numClasses, mode, spec.seed);
  }
  if (spec.kind === 'msf-table') {
    const src = spec.root ? new PrecomputedTextSource(spec.root, spec.encoder) : PrecomputedTextSource.locate(spec.encoder);
    return classTextFeatures(src, prepared.textDataset, mode);
  }
  const id = spec.id ?? 'use-lite';
  let enc = encoderCache.get(id);
  if (!enc) {
    enc = await createTextEncoder(id as TextEncoderId);
    encoderCache.set(id, enc);
  }
  return classTextFeatures(enc, prepared.textDataset, mode, { paraphrases: spec.paraphrases === true });
}

/** Stage 2-4 inputs: the two SynSE folders + the text features. */
export function zeroShotDataFor(prepared: PreparedFeatures, text: { rows: number; cols: number; data: Float32Array }): ZeroShotData {
  if (text.rows !== prepared.split.numClasses)
    throw new FsvaeInputError(`text features have ${text.rows} rows, split ${prepared.split.name} has ${prepared.split.numClasses} classes.`);
  return {
    split: prepared.split,
    trainPhase: readPreparedPhase(prepared, 'train'),
    valPhase: readPreparedPhase(prepared, 'val'),
    text: { rows: text.rows, cols: text.cols, data: text.data },
  };
}
