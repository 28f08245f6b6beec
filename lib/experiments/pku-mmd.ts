/**
 * Notebook 05 (paper Table 6): FS-VAE on PKU-MMD Part I, 46 seen / 5 unseen classes (the three
 * SMIE splits 'pku51-46/5-smie7/8/9'), skeleton features from an ST-GCN, text from the PKU-MMD
 * class descriptions (USE-Lite). Sources, in the order a preset lists them:
 *
 *   archive     SA-DVAE's resources.zip (`npx fsvae download sadvae-resources`): the features the
 *               paper used, its three random splits averaged (random-splits.ts), Ours, Ours† and
 *               the baseline;
 *   'pku-mmd'   raw Part I skeletons (PKU_Skeleton_Renew + Train_Label_PKU_final) → segments →
 *               stage 1 (ST-GCN) on each split's seen classes, cross-subject sides → stages 2-4;
 *   'pku-synse' a user's ST-GCN features already in the SynSE layout, one sk_feats-style root per
 *               split (shift_5_r/ and shift_val_5_r/ inside);
 *   'generated' the built-in generated dataset through the same ST-GCN stage 1 — a stand-in that
 *               exercises the chain end to end; its numbers are not PKU-MMD numbers.
 *
 * Missing data gives a 'missing' row naming what to download, never an exception. The stand-in
 * goes to its own table (table6_chain_check), never into Table 6.
 *
 * Cross-subject protocol: by video id, lib/data/datasets/pku51/splits.ts (pkuMmdCrossSubject, pkuMmdSide).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { getSplit, BenchmarkSplit } from '../data/splits';
import { PKU51_CLASS_NAMES } from '../data/classes';
import { locateData } from '../data/paths';
import {
  findPkuMmdDirs,
  listPkuMmdVideos,
  readPkuMmdVideo,
  PKU_MMD_NUM_CLASSES,
  pkuMmdCrossSubject,
  pkuMmdSide,
  pkuMmdVideoSide,
} from '../data/datasets/pku51';
import { readSynseBenchmark, findSynseRoot } from '../data/synse';
import { SkeletonSequence } from '../data/skeleton';
import { Stage1Config, stage1Config } from '../stage1/config';
import { Stage1ExportReport, exportStage1Features } from '../stage1/export';
import { SideOf } from '../stage1/input';
import { FsvaeConfig } from '../train/config';
import { runZeroShotBenchmark, ZeroShotBenchmarkResult } from '../pipeline/zero-shot';
import { createTextEncoder, TextEncoderId } from '../text/encoders';
import { TextEncoder } from '../text/encoders/types';
import { classTextFeatures } from '../text/cache';
import { formatMeanStd, meanStd } from '../eval/metrics';
import { Random } from '../util/random';
import { FsvaeInputError } from '../util/assert';
import { Row, ResultTable, writeResultTable, writeResultTableWithJson } from '../report/table';
import { provenance } from '../report/provenance';
import { featureCacheDir, prepareFeatures, readCacheReport, writeCacheReport } from '../pipeline/features';
import { applyVariant, OURS, Variant } from './variants';
import { notebookStage2 } from './main-results';
import { PAPER_TABLE6, PAPER_TABLE6_ROWS } from './paper-numbers';
import { randomSplitPreset, RandomSplitConfig, RandomSplitResult, runRandomSplits, storedRandomSplitRuns } from './random-splits';
import {
  PKU_FEATURES_HINT,
  PKU_MMD_DOWNLOAD_HINT,
  TABLE6_ARCHIVE_NOTE,
  TABLE6_MISSING_NOTE,
  TABLE6_NO_STAND_IN_NOTE,
  TABLE6_PROTOCOL_NOTE,
  TABLE6_TEXT_NOTE,
  chainCheckNote,
  table6PaperNote,
} from './narrative/pku-mmd';

/**
 * A subset of videos for quick runs: `train` train-side and `test` test-side videos, evenly spaced
 * over each side's sorted ids (deterministic; every performer block of the id range is touched).
 */
export function selectPkuVideos(videos: readonly string[], sideOf: (v: string) => 'train' | 'test', subset: { train: number; test: number }): string[] {
  for (const k of ['train', 'test'] as const) {
    if (!Number.isInteger(subset[k]) || subset[k] < 1) throw new FsvaeInputError(`selectPkuVideos: subset.${k} must be a positive integer, got ${subset[k]}.`);
  }
  const pick = (ids: string[], n: number) => (ids.length <= n ? ids : Array.from({ length: n }, (_, i) => ids[Math.floor((i * ids.length) / n)]));
  const sorted = [...videos].sort();
  return [
    ...pick(
      sorted.filter((v) => sideOf(v) === 'train'),
      subset.train,
    ),
    ...pick(
      sorted.filter((v) => sideOf(v) === 'test'),
      subset.test,
    ),
  ].sort();
}

/**
 * At most `max` sequences per (class, side), drawn by a seeded shuffle of each bucket; order of
 * the input is kept. For quick runs on the full PKU-MMD (about 21 500 segments).
 */
export function subsampleByClassAndSide(seqs: readonly SkeletonSequence[], side: SideOf, max: number, seed: number): SkeletonSequence[] {
  if (!Number.isInteger(max) || max < 1) throw new FsvaeInputError(`subsampleByClassAndSide: max must be a positive integer, got ${max}.`);
  const buckets = new Map<string, number[]>();
  seqs.forEach((s, i) => {
    const k = `${s.label}|${side(s)}`;
    const b = buckets.get(k);
    if (b) b.push(i);
    else buckets.set(k, [i]);
  });
  const keep = new Set<number>();
  const rng = new Random(seed);
  for (const k of [...buckets.keys()].sort()) {
    const b = buckets.get(k)!;
    const perm = rng.permutation(b.length);
    for (let i = 0; i < Math.min(max, b.length); i++) keep.add(b[perm[i]]);
  }
  return seqs.filter((_, i) => keep.has(i));
}

// ---------------------------------------------------------------------------------------------
// Sources and preparation

/** The three SMIE PKU-MMD 46/5 splits of Table 6. */
export const PKU_TABLE6_SPLITS: readonly string[] = ['pku51-46/5-smie7', 'pku51-46/5-smie8', 'pku51-46/5-smie9'];

/** What to download for PKU-MMD, and where user features go (lib/experiments/narrative/pku-mmd.ts). */
export { PKU_FEATURES_HINT, PKU_MMD_DOWNLOAD_HINT };

export type Table6Source =
  /** raw PKU-MMD Part I (found with locateData('pku-mmd') unless `dir` is given). */
  | {
      kind: 'pku-mmd';
      dir?: string;
      /** Split/cross-subject.txt (default <dir>/Split/cross-subject.txt when present). */
      splitFile?: string;
      /** explicit test videos (overrides the split file). */
      testVideos?: readonly string[];
      frameBase?: 0 | 1;
      /** read only this many train-side and test-side videos (selectPkuVideos); null = all 1076. */
      videoSubset?: { train: number; test: number } | null;
      /** keep at most this many segments per (class, side); null = all. */
      maxPerClassAndSide?: number | null;
    }
  /** a user's ST-GCN features in the SynSE layout, one root per split name (default: locateData('pku-mmd-features/<smieN>')). */
  | { kind: 'pku-synse'; features?: Partial<Record<string, string>> }
  /** the built-in generated dataset (stand-in; pipeline/features.ts DatasetSource of kind 'generated'). */
  | { kind: 'generated'; preset: 'quick' | 'full'; seed: number; split: string };

export interface Table6Entry {
  /** row label of the dataset column, e.g. 'PKU-MMD I' or 'generated (ST-GCN stand-in, not PKU-MMD)'. */
  label: string;
  source: Table6Source;
  /** splits to run (generated: its own split). */
  splits: string[];
  /** stage 1 used when features are extracted here. */
  stage1: Stage1Config;
}

export interface PkuPrepared {
  entry: Table6Entry;
  split: BenchmarkSplit;
  description: string;
  /** sk_feats root holding shift_{u}_r and shift_val_{u}_r. */
  featuresRoot: string;
  textDataset: string;
  stage1?: Stage1ExportReport;
  cached: boolean;
  /** the cross-subject lists used ('pku-mmd' only). */
  crossSubject?: string;
}

export interface PkuMissing {
  missing: true;
  entry: Table6Entry;
  split: string;
  message: string;
}

export interface PkuPrepareOptions {
  seed: number;
  cache?: boolean;
  log?: (line: string) => void;
}

function splitTag(name: string): string {
  const m = /smie(\d+)$/.exec(name);
  return m ? `smie${m[1]}` : name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Reads PKU-MMD once per (root, options, lists) within a process: the three splits share the segments. */
const pkuReadCache = new Map<string, SkeletonSequence[]>();

/**
 * Features in the SynSE layout for one entry and split, or a 'missing' record naming what to
 * download (never throws for absent data; malformed data still throws FsvaeInputError).
 */
export async function preparePkuFeatures(entry: Table6Entry, splitName: string, opts: PkuPrepareOptions): Promise<PkuPrepared | PkuMissing> {
  const src = entry.source;
  const log = opts.log ?? (() => {});
  if (src.kind === 'generated') {
    const p = await prepareFeatures({ ...src, split: splitName }, { stage1: entry.stage1, seed: opts.seed, cache: opts.cache, log });
    if ('missing' in p) return { missing: true, entry, split: splitName, message: p.message };
    return { entry, split: p.split, description: p.description, featuresRoot: p.featuresRoot, textDataset: p.textDataset, stage1: p.stage1, cached: p.cached };
  }
  const split = getSplit(splitName);
  if (split.dataset !== 'pku51')
    throw new FsvaeInputError(
      `Table 6: split '${splitName}' is a ${split.dataset} split; PKU-MMD entries take the pku51 splits (${PKU_TABLE6_SPLITS.join(', ')}).`,
    );
  if (src.kind === 'pku-synse') {
    const explicit = src.features?.[splitName];
    const loc = locateData(path.join('pku-mmd-features', splitTag(splitName)), explicit);
    if (!loc.path)
      return {
        missing: true,
        entry,
        split: splitName,
        message: `no ST-GCN features for ${splitName} (tried ${loc.tried.join(', ')}). ${PKU_FEATURES_HINT}`,
      };
    const root = findSynseRoot(loc.path);
    return {
      entry,
      split,
      description: `PKU-MMD I ST-GCN features, SynSE layout (${loc.source}: ${root})`,
      featuresRoot: root,
      textDataset: 'pku-mmd',
      cached: false,
    };
  }
  const loc = locateData('pku-mmd', src.dir);
  if (!loc.path)
    return {
      missing: true,
      entry,
      split: splitName,
      message: `PKU-MMD Part I not found (tried ${loc.tried.join(', ')}). ${PKU_MMD_DOWNLOAD_HINT}`,
    };
  if (!findPkuMmdDirs(loc.path)) {
    return {
      missing: true,
      entry,
      split: splitName,
      message: `${loc.path} holds no PKU-MMD skeleton + label folders (PKU_Skeleton_Renew/, Train_Label_PKU_final/). ${PKU_MMD_DOWNLOAD_HINT}`,
    };
  }
  const xsub = pkuMmdCrossSubject({ testVideos: src.testVideos, splitFile: src.splitFile, root: loc.path });
  const side = pkuMmdSide(xsub.testVideos, xsub.trainVideos);
  const subset = src.videoSubset ?? null;
  let pairs = listPkuMmdVideos(findPkuMmdDirs(loc.path)!);
  const videoId = (p: { skeleton: string }) => path.basename(p.skeleton, '.txt');
  if (subset) {
    const keep = new Set(selectPkuVideos(pairs.map(videoId), pkuMmdVideoSide(xsub.testVideos, xsub.trainVideos), subset));
    pairs = pairs.filter((p) => keep.has(videoId(p)));
  }
  const max = src.maxPerClassAndSide ?? null;
  // the cache key names the files (ids, sizes, modification times), so a cache hit reads no skeleton file
  const files = pairs.map((p) => {
    const sk = fs.statSync(p.skeleton);
    const lb = fs.statSync(p.label);
    return [videoId(p), sk.size, sk.mtimeMs, lb.size, lb.mtimeMs];
  });
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        files,
        frameBase: src.frameBase ?? 1,
        test: xsub.testVideos,
        train: xsub.trainVideos,
        max,
        split,
        stage1: entry.stage1,
        seed: opts.seed,
        v: 2,
      }),
    )
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(featureCacheDir(), `pku-mmd-${split.name.replace(/\//g, '_')}-${key}`);
  const reportFile = path.join(dir, 'stage1-report.json');
  const origin = `PKU-MMD I (real, ${loc.source}: ${loc.path}; ${pairs.length} videos${max === null ? '' : `, at most ${max} segments per class and side`})`;
  const description = `${origin} → stage 1 ${entry.stage1.name} (seed ${opts.seed})`;
  const cachedReport = (opts.cache ?? true) ? readCacheReport(reportFile, log) : null;
  if (cachedReport) {
    log(`[features] cached: ${dir}`);
    const stage1 = cachedReport;
    return { entry, split, description, featuresRoot: path.join(dir, 'sk_feats'), textDataset: 'pku-mmd', stage1, cached: true, crossSubject: xsub.source };
  }
  const readKey = JSON.stringify([loc.path, files, src.frameBase ?? 1]);
  let read = pkuReadCache.get(readKey);
  if (!read) {
    log(`[pku-mmd] reading ${pairs.length} videos of ${loc.path}`);
    read = pairs.flatMap((p) => readPkuMmdVideo(p.skeleton, p.label, { frameBase: src.frameBase }));
    pkuReadCache.set(readKey, read);
  }
  const sequences = max === null ? read : subsampleByClassAndSide(read, side, max, opts.seed);
  log(`[features] stage 1 (${entry.stage1.name}) on ${sequences.length} PKU-MMD segments; cross-subject: ${xsub.source}; writing ${dir}`);
  const stage1 = await exportStage1Features({
    sequences,
    split,
    numClasses: PKU_MMD_NUM_CLASSES,
    side,
    outDir: path.join(dir, 'sk_feats'),
    config: entry.stage1,
    seed: opts.seed,
    log,
  });
  writeCacheReport(reportFile, stage1); // written last (with the feature files' hashes): marks a complete cache entry
  return { entry, split, description, featuresRoot: path.join(dir, 'sk_feats'), textDataset: 'pku-mmd', stage1, cached: false, crossSubject: xsub.source };
}

// ---------------------------------------------------------------------------------------------
// Config, run, rows

export interface PkuMmdConfig {
  name: 'quick' | 'full';
  entries: Table6Entry[];
  /** stage-2 budget; the variant's edits (FM, CL, text mode) are applied on top. */
  stage2: FsvaeConfig;
  variant: Variant;
  /** text encoder for the class descriptions (AL + GD + LD of data/descriptions/pku-mmd.json). */
  textEncoder: TextEncoderId;
  seeds: number[];
  /** stage-1 seed (1: the value every notebook uses, so caches are shared). */
  stage1Seed: number;
  /** SA-DVAE's archive: PKU-MMD's three random splits (random-splits.ts). */
  archive: RandomSplitConfig;
}

/** The stand-in's row label: says plainly that it is not PKU-MMD. */
export const STAND_IN_LABEL = 'generated (ST-GCN stand-in, not PKU-MMD)';

/**
 * ST-GCN for the stand-in. Quick: the st-gcn-small preset cut down so that stage 1 fits the
 * notebook's budget on 2 cores (about 3.5× the cost of Shift-GCN at equal widths): 4 blocks
 * 16,32,64,128 with strides 1,2,2,2, 5×1 temporal kernels, 20 frames, 3 epochs of Adam (lr 3e-3,
 * cosine, no warm-up). Still an ST-GCN (spatial partition with edge importance), but its features
 * are 128-d, not SynSE's 256. Full: st-gcn-small as is.
 */
export function standInStage1(kind: 'quick' | 'full'): Stage1Config {
  if (kind === 'full') return stage1Config('st-gcn-small');
  const cfg = stage1Config('st-gcn-small', {
    model: { channels: [16, 32, 64, 128], strides: [1, 2, 2, 2], temporalKernel: 5 },
    input: { frames: 20 },
    train: { epochs: 3, optimizer: { kind: 'adam', learningRate: 3e-3 }, schedule: { kind: 'cosine', warmupEpochs: 0, minFactor: 0.05 } },
  });
  return {
    ...cfg,
    name: 'st-gcn-quick',
    description: `${cfg.description} — cut for quick runs: 4 blocks 16,32,64,128, strides 1,2,2,2, 5×1 kernels, 20 frames, 3 epochs Adam 3e-3`,
  };
}

/** Where the user's PKU-MMD data lies (each optional; found with locateData otherwise). */
export interface PkuMmdDataOptions {
  /** PKU-MMD Part I root (holding PKU_Skeleton_Renew/ and Train_Label_PKU_final/). */
  dir?: string;
  /** the official Split/cross-subject.txt (default <dir>/Split/cross-subject.txt when present). */
  splitFile?: string;
  /** explicit cross-subject test videos (overrides the split file). */
  testVideos?: readonly string[];
  /** per split name: a SynSE-layout root of ST-GCN features. */
  features?: Partial<Record<string, string>>;
  /** SA-DVAE's archive folder (default: locateData('sadvae')). */
  sadvae?: string;
}

export function pkuMmdPreset(name: 'quick' | 'full', data: PkuMmdDataOptions = {}): PkuMmdConfig {
  // quick on the real data: the stand-in's reduced ST-GCN on 48 + 24 videos (several minutes for
  // the three splits); full: st-gcn-small on all 1076 videos (hours on 2 cores)
  const pkuStage1 = name === 'quick' ? standInStage1('quick') : stage1Config('st-gcn-small');
  return {
    name,
    stage2: notebookStage2(name),
    variant: OURS,
    textEncoder: 'use-lite',
    seeds: name === 'quick' ? [1] : [1, 2, 3],
    stage1Seed: 1,
    archive: randomSplitPreset(name, ['pku51'], data.sadvae),
    entries: [
      {
        label: 'PKU-MMD I (raw skeletons → ST-GCN)',
        source: {
          kind: 'pku-mmd',
          dir: data.dir,
          splitFile: data.splitFile,
          testVideos: data.testVideos,
          videoSubset: name === 'quick' ? { train: 48, test: 24 } : null,
          maxPerClassAndSide: null,
        },
        splits: [...PKU_TABLE6_SPLITS],
        stage1: pkuStage1,
      },
      {
        label: 'PKU-MMD I (user ST-GCN features, SynSE layout)',
        source: { kind: 'pku-synse', features: data.features },
        splits: [...PKU_TABLE6_SPLITS],
        stage1: pkuStage1,
      },
      {
        label: STAND_IN_LABEL,
        source: { kind: 'generated', preset: 'quick', seed: 0, split: 'generated-35/5' },
        splits: ['generated-35/5'],
        stage1: standInStage1(name),
      },
    ],
  };
}

/** The three SMIE splits: unseen classes by name, the gate's pseudo split size, provenance. */
export function table6SplitRows(): Row[] {
  return PKU_TABLE6_SPLITS.map((name) => {
    const sp = getSplit(name);
    return {
      split: name,
      unseen: sp.unseen.map((c) => `${c} ${PKU51_CLASS_NAMES[c]}`).join('; '),
      seen: sp.seen.length,
      'val-unseen (gate)': sp.valUnseen.length,
      source: sp.source,
      'val source': sp.valSource,
    };
  });
}

/** One row per entry of a config: what it reads, with which stage 1. */
export function table6EntryRows(cfg: PkuMmdConfig): Row[] {
  return cfg.entries.map((e) => {
    const s = e.source;
    const input =
      s.kind === 'pku-mmd'
        ? `raw skeletons (${s.dir ?? "locateData('pku-mmd')"})` +
          `${s.videoSubset ? `, ${s.videoSubset.train} train-side + ${s.videoSubset.test} test-side videos` : ', all videos'}`
        : s.kind === 'pku-synse'
          ? `SynSE-layout features (${Object.keys(s.features ?? {}).length ? 'given paths' : "locateData('pku-mmd-features/<smieN>')"})`
          : `generated dataset, preset ${s.preset}, seed ${s.seed}`;
    const m = e.stage1.model;
    return {
      dataset: e.label,
      input,
      splits: e.splits.join(', '),
      'stage 1':
        s.kind === 'pku-synse'
          ? '(features given)'
          : `${e.stage1.name}: ${m.arch}, channels ${m.channels.join(',')}, ` +
            `kernel ${m.temporalKernel}, ${e.stage1.input.frames} frames, ${e.stage1.train.epochs} epochs`,
    };
  });
}

export interface PkuRun {
  prepared: PkuPrepared;
  result: ZeroShotBenchmarkResult;
  textSource: string;
  wallSeconds: number;
}

export interface PkuMmdResult {
  config: PkuMmdConfig;
  /** SA-DVAE's archive: the three random splits (or what is missing) */
  archive: RandomSplitResult;
  runs: PkuRun[];
  missing: PkuMissing[];
  /** Table 6: the paper's rows, then PKU-MMD rows only (archive, raw skeletons, user features) */
  table6: Row[];
  /** the generated stand-in's rows: a check that the chain runs, not Table 6 */
  chainCheck: Row[];
  stage1Rows: Row[];
  wallSeconds: number;
}

/** Every row with every column of the table (blank where a kind of row has none), the note last. */
function noteLast(rows: Row[]): Row[] {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) => c !== 'note');
  return rows.map((r) => ({ ...Object.fromEntries(cols.map((c) => [c, r[c] ?? ''])), note: r.note ?? '' }));
}

/** The paper's Table 6, one row per method, status 'published'. */
export function publishedTable6Rows(): Row[] {
  const f = (x?: number) => (x === undefined ? '–' : x.toFixed(1));
  return PAPER_TABLE6_ROWS.map((r) => ({
    dataset: 'PKU-MMD I (paper Table 6)',
    split: '46/5',
    status: 'published',
    method: r.method,
    protocol: '',
    seeds: '',
    ZSL: f(r.ZSL),
    S: f(r.S),
    U: f(r.U),
    H: f(r.H),
    note: r.venue,
  }));
}

const encoders = new Map<string, TextEncoder>();
async function encoderFor(id: TextEncoderId): Promise<TextEncoder> {
  let e = encoders.get(id);
  if (!e) {
    e = await createTextEncoder(id);
    encoders.set(id, e);
  }
  return e;
}

/** Stages 2-4 of the config's variant on prepared features. */
export async function runPkuStage2(cfg: PkuMmdConfig, p: PkuPrepared, log: (l: string) => void = () => {}): Promise<PkuRun> {
  const t0 = Date.now();
  const s2 = applyVariant(cfg.stage2, cfg.variant);
  const enc = await encoderFor(cfg.textEncoder);
  const text = await classTextFeatures(enc, p.textDataset, s2.textMode);
  if (text.rows !== p.split.numClasses)
    throw new FsvaeInputError(`text features of ${p.textDataset} have ${text.rows} rows, split ${p.split.name} has ${p.split.numClasses} classes.`);
  const data = {
    split: p.split,
    trainPhase: readSynseBenchmark(p.featuresRoot, p.split, 'train'),
    valPhase: readSynseBenchmark(p.featuresRoot, p.split, 'val'),
    text: { rows: text.rows, cols: text.cols, data: text.data },
  };
  log(`[${p.split.name}] ${cfg.variant.name}: text ${s2.textMode} (${text.cols}-d, ${text.source}), features ${data.trainPhase.dim}-d`);
  const result = await runZeroShotBenchmark(s2, data, { seeds: cfg.seeds });
  const wallSeconds = (Date.now() - t0) / 1000;
  log(`[${p.split.name}] ZSL ${formatMeanStd(result.summary.clean.zsl, { scale: 100 })} (clean) in ${wallSeconds.toFixed(0)} s`);
  return { prepared: p, result, textSource: text.source, wallSeconds };
}

const PCT = { scale: 100, digits: 1 };

/** 'S / U / H' with one decimal, as the paper prints them. */
const suh = (g: { S: number; U: number; H: number }) => `${g.S.toFixed(1)} / ${g.U.toFixed(1)} / ${g.H.toFixed(1)}`;

function paperCols(isPku: boolean): Row {
  return isPku ? { 'paper ZSL': PAPER_TABLE6.ZSL, 'paper S/U/H': suh(PAPER_TABLE6) } : { 'paper ZSL': '', 'paper S/U/H': '' };
}

/** Table 6 rows: one per (entry, split, protocol), a mean over the SMIE splits, one per missing entry. */
export function table6Rows(runs: readonly PkuRun[], missing: readonly PkuMissing[], entries: readonly Table6Entry[]): Row[] {
  const rows: Row[] = [];
  for (const e of entries) {
    const er = runs.filter((r) => r.prepared.entry === e);
    const em = missing.filter((m) => m.entry === e);
    const isPku = e.source.kind !== 'generated';
    for (const r of er) {
      for (const p of ['clean', 'reference'] as const) {
        const s = r.result.summary[p];
        rows.push({
          dataset: e.label,
          split: r.prepared.split.name,
          status: 'run',
          method: 'Ours',
          protocol: p === 'clean' ? 'clean' : 'reference (test-selected)',
          seeds: r.result.seeds.length,
          ZSL: formatMeanStd(s.zsl, PCT),
          S: formatMeanStd(s.seen, PCT),
          U: formatMeanStd(s.unseen, PCT),
          H: formatMeanStd(s.harmonic, PCT),
          ...paperCols(isPku),
          note: r.prepared.crossSubject ?? '',
        });
      }
    }
    if (isPku && er.length >= 2) {
      // the paper's single number is read as the mean over the three SMIE splits
      for (const p of ['clean', 'reference'] as const) {
        const m = (f: (r: PkuRun) => number[]) => formatMeanStd(meanStd(er.flatMap(f)), PCT);
        rows.push({
          dataset: e.label,
          split: `mean of ${er.length} splits`,
          status: 'run',
          method: 'Ours',
          protocol: p === 'clean' ? 'clean' : 'reference (test-selected)',
          seeds: er.reduce((a, r) => a + r.result.seeds.length, 0),
          ZSL: m((r) => r.result.perSeed.map((s) => s.zsl[p])),
          S: m((r) => r.result.perSeed.map((s) => s.gzsl[p].S)),
          U: m((r) => r.result.perSeed.map((s) => s.gzsl[p].U)),
          H: m((r) => r.result.perSeed.map((s) => s.gzsl[p].H)),
          ...paperCols(true),
          note: 'mean ± std over splits × seeds',
        });
      }
    }
    if (em.length) {
      rows.push({
        dataset: e.label,
        split: em.map((m) => m.split).join(', '),
        status: 'missing',
        method: 'Ours',
        protocol: '',
        seeds: 0,
        ZSL: '',
        S: '',
        U: '',
        H: '',
        ...paperCols(isPku),
        note: em[0].message,
      });
    }
  }
  return rows;
}

export async function runPkuMmd(cfg: PkuMmdConfig, log: (l: string) => void = () => {}): Promise<PkuMmdResult> {
  const t0 = Date.now();
  const archive = await runRandomSplits(cfg.archive, log);
  const runs: PkuRun[] = [];
  const missing: PkuMissing[] = [];
  for (const e of cfg.entries) {
    for (const s of e.splits) {
      const p = await preparePkuFeatures(e, s, { seed: cfg.stage1Seed, log });
      if ('missing' in p) {
        log(`[skip] ${e.label} ${s}: ${p.message}`);
        missing.push(p);
        continue;
      }
      runs.push(await runPkuStage2(cfg, p, log));
    }
  }
  const stage1Rows: Row[] = runs
    .filter((r) => r.prepared.stage1)
    .map((r) => {
      const st = r.prepared.stage1!;
      return {
        dataset: r.prepared.entry.label,
        split: r.prepared.split.name,
        extractor: st.config.name,
        arch: 'model' in st.config ? st.config.model.arch : st.config.name,
        cached: r.prepared.cached,
        'seen-class top-1 (test side)': st.seenTestTop1 ?? '',
        'train-phase seconds': st.train?.trainSeconds ?? '',
        'val-phase seconds': st.val?.trainSeconds ?? '',
      };
    });
  const standIn = (e: Table6Entry) => e.source.kind === 'generated';
  return {
    config: cfg,
    archive,
    runs,
    missing,
    stage1Rows,
    wallSeconds: (Date.now() - t0) / 1000,
    table6: noteLast([
      ...publishedTable6Rows(),
      ...archive.rows,
      ...table6Rows(
        runs,
        missing,
        cfg.entries.filter((e) => !standIn(e)),
      ),
    ]),
    chainCheck: table6Rows(runs, missing, cfg.entries.filter(standIn)),
  };
}

export function writePkuMmdResults(r: PkuMmdResult, backend: string): string[] {
  const prov = provenance(backend, {
    notebook: '05_pku_mmd',
    mode: r.config.name,
    seeds: r.config.seeds.join(','),
    textEncoder: r.config.textEncoder,
    wallSeconds: r.wallSeconds,
  });
  const files: string[] = [];
  const notes = [
    table6PaperNote(PAPER_TABLE6.ZSL.toFixed(1), suh(PAPER_TABLE6)),
    TABLE6_ARCHIVE_NOTE,
    TABLE6_PROTOCOL_NOTE,
    TABLE6_MISSING_NOTE,
    TABLE6_TEXT_NOTE,
    TABLE6_NO_STAND_IN_NOTE,
  ];
  const w = (t: ResultTable) => {
    const { csv, md } = writeResultTable(t, prov);
    files.push(csv, md);
  };
  const { csv, md, json } = writeResultTableWithJson(
    { name: 'table6_pku_mmd', title: 'Table 6: PKU-MMD I 46/5 with ST-GCN features, ZSL and GZSL S / U / H (%)', rows: r.table6, notes },
    prov,
    { runs: storedRandomSplitRuns(r.archive) },
  );
  files.push(csv, md, json);
  if (r.chainCheck.length)
    w({
      name: 'table6_chain_check',
      title: 'Not Table 6: the ST-GCN chain on the generated dataset (a check that the path runs)',
      rows: r.chainCheck,
      notes: [chainCheckNote(STAND_IN_LABEL)],
    });
  if (r.stage1Rows.length) w({ name: 'table6_stage1', title: 'Table 6: stage 1 (ST-GCN) on the seen classes', rows: r.stage1Rows });
  return files;
}
