/**
 * Lever (b) for the text → skeleton transfer on the small datasets (an extension of FS-VAE, not in
 * the paper): part-aware alignment in the spirit of PURLS (Zhu et al., CVPR 2024), which aligns
 * body-part descriptions with skeleton features pooled over those parts. Here, within FS-VAE's
 * single cross-modal VAE, both modalities gain part blocks:
 *  - skeleton: Table 1's feature [global] next to one stage-1 feature per body part
 *    (lib/data/body-parts.ts: the part's joints plus the reference joints, the rest set missing),
 *    each the same extractor as Table 1 with `PART_FEATURE_DIM` principal axes, so the four parts
 *    together are as wide as the global feature;
 *  - text: the preset's class text next to the four part descriptions
 *    (data/descriptions/parts/, lib/text/part-descriptions.ts), each half unit-norm.
 * Modes (a 2 × 2 design, so the table says which side helps): none (Table 1), parts-text (text
 * only), parts-skeleton (skeleton only), parts (both). The mode is chosen per dataset on the
 * validation phase only (lib/experiments/levers.ts); test ZSL is reported for every mode.
 */
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { BODY_PARTS, BodyPart, partJoints, partSequence } from '../data/body-parts';
import { BenchmarkSplit } from '../data/splits';
import { FeatureSet, TextMatrix, composeTextFeatures, concatColumns } from '../data/matrices';
import { SynseSplitData, readSynseBenchmark } from '../data/synse';
import { exportStage1Features } from '../stage1/export';
import { ExtractorConfig } from '../stage1/extractors';
import { DctExtractorConfig, isDctExtractorConfig } from '../stage1/dct-extractor';
import { cachedClassEmbeddings, loadClassDescriptions } from '../text/cache';
import { createTextEncoder } from '../text/encoders';
import { loadPartDescriptions } from '../text/part-descriptions';
import { ZeroShotData } from '../pipeline/zero-shot';
import { Row, resultsDir, writeResultTableWithJson } from '../report/table';
import { provenance } from '../report/provenance';
import { FsvaeInputError } from '../util/assert';
import { Figure } from '../viz/plotly';
import { EvidenceDataset, codeVersion, evidencePreset } from './evidence';
import { LeverRun, SequenceReader, leverCacheDir, leverFigure, leverRows, leverRun, leverSelectionNotes, readLeverResults, sequenceReader } from './levers';
import { featureCacheDir, prepareFeaturesParallel, readCacheReport, textFeaturesFor, writeCacheReport } from '../pipeline/features';
import { PART_EXTENSION_NOTE, PART_TEXT_NOTE, partSkeletonNote } from './narrative/part-alignment';
import { leverSeedsNote } from './narrative/levers';

export type PartMode = 'none' | 'parts-text' | 'parts-skeleton' | 'parts';
export const PART_MODES: readonly PartMode[] = ['none', 'parts-text', 'parts-skeleton', 'parts'];

/** Principal axes of each part feature: 4 × 64 = 256, the width of Table 1's global feature. */
export const PART_FEATURE_DIM = 64;

/** Table 1's extractor with PART_FEATURE_DIM output axes (a DCT extractor; the GCNs have no such width). */
export function partExtractor(stage1: ExtractorConfig): DctExtractorConfig {
  if (!isDctExtractorConfig(stage1) || !stage1.metric) {
    throw new FsvaeInputError(`part-aware alignment: needs a learned DCT extractor (dct-lda) for the part features, got '${stage1.name}'.`);
  }
  return { ...stage1, name: `${stage1.name}-part${PART_FEATURE_DIM}`, metric: { ...stage1.metric, outDim: PART_FEATURE_DIM } };
}

/** Columns of `blocks` side by side, row for row; every block must hold the same rows with the same labels. */
export function concatFeatureSets(blocks: readonly FeatureSet[], what: string): FeatureSet {
  const [first] = blocks;
  blocks.forEach((b, i) => {
    if (b.rows !== first.rows || !b.labels.every((l, r) => l === first.labels[r])) {
      throw new FsvaeInputError(
        `${what}: block #${i} has ${b.rows} rows with other labels than block #0 (${first.rows} rows); ` +
          'the part features must come from the same sequences in the same order.',
      );
    }
  });
  const m = concatColumns(
    blocks.map((b) => ({ rows: b.rows, cols: b.dim, data: b.features })),
    what,
  );
  return { features: m.data, rows: m.rows, dim: m.cols, labels: first.labels };
}

/** [global text, part texts] with each half L2-normalised per class, then the whole row (so the halves weigh the same). */
export function partText(global: TextMatrix, parts: readonly TextMatrix[], what: string): TextMatrix {
  return composeTextFeatures([composeTextFeatures([global], what), composeTextFeatures(parts, `${what} (parts)`)], what);
}

interface PartPhases {
  trainPhase: SynseSplitData;
  valPhase: SynseSplitData;
}

/** One part's stage-1 features of a split (Table 1's protocol, seed and held-out set), cached like Table 1's. */
async function partFeatures(
  split: BenchmarkSplit,
  part: BodyPart,
  target: ReturnType<SequenceReader>,
  stage1: ExtractorConfig,
  log: (l: string) => void,
): Promise<PartPhases> {
  const identity = { target: target.datasetId, split, part, joints: partJoints(part), stage1, seed: 1, v: 1 };
  const key = createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
  const dir = path.join(featureCacheDir(), `${split.dataset}-${split.name.replace(/\//g, '_')}-part-${part}-${key}`);
  const report = path.join(dir, 'stage1-report.json');
  if (!readCacheReport(report, log)) {
    log(`[parts] stage 1 (${stage1.name}) on ${split.name}, part ${part} (joints ${partJoints(part).join(',')}); writing ${dir}`);
    const r = await exportStage1Features({
      sequences: target.sequences.map((s) => partSequence(s, part)),
      split,
      numClasses: split.numClasses,
      side: target.side,
      outDir: path.join(dir, 'sk_feats'),
      config: stage1,
      seed: 1,
    });
    writeCacheReport(report, r);
  }
  const root = path.join(dir, 'sk_feats');
  return { trainPhase: readSynseBenchmark(root, split, 'train'), valPhase: readSynseBenchmark(root, split, 'val') };
}

/** The phase with every set's columns extended by the same set of each part. */
function withParts(base: SynseSplitData, parts: readonly SynseSplitData[], what: string): SynseSplitData {
  const set = (name: 'train' | 'ztest' | 'gtest' | 'val') => {
    const b = base[name];
    if (!b) return undefined;
    return concatFeatureSets([b, ...parts.map((p) => p[name]!)], `${what} ${name}`);
  };
  const train = set('train')!;
  return { ...base, dim: train.dim, train, ztest: set('ztest')!, gtest: set('gtest'), val: set('val') };
}

interface PreparedModes {
  data: Record<PartMode, ZeroShotData>;
  features: Record<PartMode, string>;
}

/** One encoder per id for the whole run (loading USE-Lite costs seconds; every split embeds with it). */
const encoders = new Map<string, ReturnType<typeof createTextEncoder>>();
function encoderFor(id: string): ReturnType<typeof createTextEncoder> {
  if (!encoders.has(id)) encoders.set(id, createTextEncoder(id as Parameters<typeof createTextEncoder>[0]));
  return encoders.get(id)!;
}

async function prepareModes(
  ds: EvidenceDataset,
  splitName: string,
  stage1: ExtractorConfig,
  sequences: SequenceReader,
  log: (l: string) => void,
): Promise<PreparedModes> {
  const src = ds.sources.find((s) => (typeof s.split === 'string' ? s.split : s.split.name) === splitName)!;
  const prepared = await prepareFeaturesParallel(src, { stage1, seed: 1, log });
  if ('missing' in prepared) throw new FsvaeInputError(prepared.message);
  const split = prepared.split;
  if (ds.text.kind !== 'encoder')
    throw new FsvaeInputError(`part-aware alignment: the part descriptions need a sentence encoder, but ${ds.name}'s text is '${ds.text.kind}'.`);
  const text = await textFeaturesFor(prepared, ds.stage2.textMode, ds.text);
  const encoder = await encoderFor(ds.text.id ?? 'use-lite');
  const described = loadPartDescriptions(loadClassDescriptions(prepared.textDataset));
  const partEmbeddings = [];
  for (const part of BODY_PARTS) partEmbeddings.push(await cachedClassEmbeddings(encoder, prepared.textDataset, `part-${part}`, described.texts[part]));
  const textParts = partText(text, partEmbeddings, `${prepared.textDataset} text with part descriptions`);
  const target = sequences(split.dataset as 'nw-ucla' | 'utd-mhad');
  const partStage1 = partExtractor(stage1);
  const parts: PartPhases[] = [];
  for (const p of BODY_PARTS) parts.push(await partFeatures(split, p, target, partStage1, log));
  const base = { trainPhase: readSynseBenchmark(prepared.featuresRoot, split, 'train'), valPhase: readSynseBenchmark(prepared.featuresRoot, split, 'val') };
  const skeletonParts = {
    trainPhase: withParts(
      base.trainPhase,
      parts.map((p) => p.trainPhase),
      `${split.name} train phase`,
    ),
    valPhase: withParts(
      base.valPhase,
      parts.map((p) => p.valPhase),
      `${split.name} val phase`,
    ),
  };
  const baseId = path.basename(path.dirname(prepared.featuresRoot));
  const partsId = `${baseId}+parts${PART_FEATURE_DIM}`;
  return {
    data: {
      none: { split, ...base, text },
      'parts-text': { split, ...base, text: textParts },
      'parts-skeleton': { split, ...skeletonParts, text },
      parts: { split, ...skeletonParts, text: textParts },
    },
    features: { none: baseId, 'parts-text': baseId, 'parts-skeleton': partsId, parts: partsId },
  };
}

export interface PartAlignmentResult {
  rows: Row[];
  runs: LeverRun[];
  chosen: Record<string, string>;
  notes: string[];
  seconds: number;
  provenance?: Record<string, unknown>;
}

export interface PartAlignmentOptions {
  mode: 'quick' | 'full';
  /** seeds per split and mode (default quick 1-3, full 1-10). */
  seeds?: number[];
  splits?: string[];
  modes?: readonly PartMode[];
  log?: (line: string) => void;
  cacheDir?: string;
}

/** Trains (or reads from the cache) every split × mode × seed and builds the rows. */
export async function runPartAlignment(opts: PartAlignmentOptions): Promise<PartAlignmentResult> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const config = evidencePreset(opts.mode, ['nw-ucla', 'utd-mhad']);
  const datasets = config.datasets.filter((d) => d.name !== 'generated');
  if (datasets.length === 0) {
    throw new FsvaeInputError('part-aware alignment: needs NW-UCLA or UTD-MHAD skeletons (npx fsvae download nw-ucla; npx fsvae download utd-mhad).');
  }
  const seeds = opts.seeds ?? (opts.mode === 'quick' ? [1, 2, 3] : Array.from({ length: 10 }, (_, i) => i + 1));
  const modes = opts.modes ?? PART_MODES;
  if (!modes.includes('none')) throw new FsvaeInputError("part-aware alignment: the modes must include 'none' (every other mode is compared with it).");
  const cacheDir = opts.cacheDir ?? leverCacheDir();
  const code = codeVersion();
  const runs: LeverRun[] = [];
  const sequences = sequenceReader();
  for (const ds of datasets) {
    for (const src of ds.sources) {
      const splitName = typeof src.split === 'string' ? src.split : src.split.name;
      if (opts.splits && !opts.splits.includes(splitName)) continue;
      const prepared = await prepareModes(ds, splitName, config.stage1, sequences, log);
      for (const mode of modes) {
        for (const seed of seeds) {
          const cell = {
            dataset: ds.name,
            split: splitName,
            mode,
            seed,
            cfg: ds.stage2,
            data: prepared.data[mode],
            features: prepared.features[mode],
            code,
            cacheDir,
          };
          const run = await leverRun(cell, log);
          runs.push(run);
          log(`[parts] ${splitName} ${mode} seed ${seed}: ZSL ${(100 * run.zsl).toFixed(1)}, val ${(100 * run.valFinal).toFixed(1)}`);
        }
      }
    }
  }
  const { rows, chosen } = leverRows(runs, modes, 'none');
  return { rows, runs, chosen, notes: partNotes(config.stage1, seeds, chosen), seconds: (Date.now() - t0) / 1000 };
}

function partNotes(stage1: ExtractorConfig, seeds: readonly number[], chosen: Record<string, string>): string[] {
  const parts = BODY_PARTS.map((p) => `${p} (joints ${partJoints(p).join(',')})`).join('; ');
  return [
    PART_EXTENSION_NOTE,
    partSkeletonNote(stage1.name, PART_FEATURE_DIM, parts),
    PART_TEXT_NOTE,
    leverSeedsNote(seeds, 'the unseen classes'),
    ...leverSelectionNotes(chosen),
  ];
}

/** Writes results/transfer_part_alignment[_full].{md,csv,json} with every run's values. */
export function writePartAlignmentResults(r: PartAlignmentResult, backend: string, mode: 'quick' | 'full'): string[] {
  const suffix = mode === 'full' ? '_full' : '';
  const prov = provenance(backend, { notebook: '03_main_results', mode, seeds: [...new Set(r.runs.map((x) => x.seed))].join(',') });
  const main = writeResultTableWithJson(
    {
      name: `transfer_part_alignment${suffix}`,
      title: 'Lever (b): part-aware alignment (body-part descriptions and per-part skeleton features), ZSL (%)',
      rows: r.rows,
      notes: r.notes,
    },
    prov,
    { runs: r.runs, chosen: r.chosen },
  );
  return [main.md];
}

/** The stored table, its rows recomputed from its runs; null when none was written. */
export function readPartAlignmentResults(mode: 'quick' | 'full', dir = resultsDir()): PartAlignmentResult | null {
  const rowsOf = (runs: LeverRun[]) =>
    leverRows(
      runs,
      PART_MODES.filter((m) => runs.some((r) => r.mode === m)),
      'none',
    );
  const r = readLeverResults(`transfer_part_alignment${mode === 'full' ? '_full' : ''}`, (runs) => rowsOf(runs).rows, dir);
  if (!r) return null;
  return { rows: r.rows, runs: r.runs, chosen: rowsOf(r.runs).chosen, notes: r.notes, seconds: NaN, provenance: r.provenance };
}

export function partAlignmentFigure(rows: readonly Row[]): Figure {
  return leverFigure(rows, 'Lever (b): test ZSL (%) per split with part-aware alignment');
}
