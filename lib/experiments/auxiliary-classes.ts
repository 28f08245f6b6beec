/**
 * Lever (c) for the text → skeleton transfer on the small datasets (an extension of FS-VAE, not in
 * the paper): lend the target split the classes of the other small dataset as extra SEEN classes.
 * NW-UCLA (10 classes) and UTD-MHAD (27) are both Kinect-v1 skeletons in one 20-joint layout
 * (lib/data/layouts.ts), so a split with 5-22 seen classes gets 10-27 more text ↔ skeleton pairs.
 *
 * Every lent class that overlaps one of the target's unseen OR val-unseen classes
 * (lib/data/class-overlap.ts) is removed and listed, so neither the test nor the validation score
 * sees a leaked class. Lent samples (both sides of their dataset) are training data only. Modes:
 *  - none:    the split as Table 1 runs it (the same cached stage-1 features);
 *  - project: stage 1 as in Table 1 (fitted on the target's seen classes, so every target feature
 *             is unchanged); the lent samples go through the same fitted extractors, are
 *             standardised per dimension to the target's training rows (standardiseLike), and
 *             join stage 2's training set;
 *  - joint:   stage 1 fitted on the target's seen and the lent classes together, then stage 2.
 * The mode is chosen per dataset on the validation phase only (mean chance-normalised final-cycle
 * val ZSL, as lib/experiments/small-data.ts); test ZSL is reported for every mode.
 */
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { BenchmarkSplit, fnv1a32, getSplit } from '../data/splits';
import { classNames } from '../data/classes';
import { OverlapDataset, overlappingClasses } from '../data/class-overlap';
import { SkeletonSequence } from '../data/skeleton';
import { FeatureSet } from '../data/matrices';
import { readSynseBenchmark, SynseSplitData } from '../data/synse';
import { chooseValHoldOut, exportStage1Features } from '../stage1/export';
import { ExtractorConfig, fitExtractor } from '../stage1/extractors';
import { SideOf } from '../stage1/input';
import { ZeroShotData } from '../pipeline/zero-shot';
import { Row, resultsDir, writeResultTableWithJson } from '../report/table';
import { provenance } from '../report/provenance';
import { FsvaeInputError } from '../util/assert';
import { Figure } from '../viz/plotly';
import { EvidenceDataset, codeVersion, evidencePreset } from './evidence';
import {
  LeverRun,
  SequenceReader,
  TargetSequences,
  leverCacheDir,
  leverFigure,
  leverRows,
  leverRun,
  leverSelectionNotes,
  readLeverResults,
  sequenceReader,
} from './levers';
import { featureCacheDir, prepareFeaturesParallel, readCacheReport, textFeaturesFor, writeCacheReport } from '../pipeline/features';
import { AUXILIARY_EXTENSION_NOTE, AUXILIARY_MODES_NOTE } from './narrative/auxiliary-classes';
import { leverSeedsNote } from './narrative/levers';

export type AuxiliaryMode = 'none' | 'project' | 'joint';
export const AUXILIARY_MODES: readonly AuxiliaryMode[] = ['none', 'project', 'joint'];

/** Which lent classes a target split keeps, which it removes and why, and the combined class space. */
export interface AuxiliaryClassPlan {
  target: BenchmarkSplit;
  auxDataset: OverlapDataset;
  /** lent class ids (0-based in the other dataset) kept; kept[i] becomes class target.numClasses + i. */
  kept: number[];
  removed: { cls: number; name: string; because: string }[];
  /** the target split in the combined class space: the lent classes join seen and val-seen. */
  combined: BenchmarkSplit;
}

export function auxiliaryClassPlan(target: BenchmarkSplit): AuxiliaryClassPlan {
  if (target.dataset !== 'nw-ucla' && target.dataset !== 'utd-mhad') {
    throw new FsvaeInputError(`auxiliary classes: split ${target.name} is not an NW-UCLA or UTD-MHAD split.`);
  }
  const own = target.dataset;
  const auxDataset: OverlapDataset = own === 'nw-ucla' ? 'utd-mhad' : 'nw-ucla';
  const names = classNames(auxDataset);
  const ownNames = classNames(own);
  const blocked = new Map<number, string>();
  const block = (list: number[], role: string) => {
    for (const t of list) {
      for (const o of overlappingClasses(own, t, auxDataset)) if (!blocked.has(o.cls)) blocked.set(o.cls, `overlaps ${role} '${ownNames[t]}' (${o.why})`);
    }
  };
  block(target.unseen, 'unseen');
  block(target.valUnseen, 'val-unseen');
  const kept = names.map((_, c) => c).filter((c) => !blocked.has(c));
  const removed = [...blocked].sort((a, b) => a[0] - b[0]).map(([cls, because]) => ({ cls, name: names[cls], because }));
  const extra = kept.map((_, i) => target.numClasses + i);
  const combined: BenchmarkSplit = {
    ...target,
    name: `${target.name}+${auxDataset}`,
    numClasses: target.numClasses + kept.length,
    seen: [...target.seen, ...extra],
    valSeen: [...target.valSeen, ...extra],
  };
  return { target, auxDataset, kept, removed, combined };
}

/** The lent sequences relabelled into the combined class space (ids prefixed with the dataset). */
export function lentSequences(plan: AuxiliaryClassPlan, aux: readonly SkeletonSequence[]): SkeletonSequence[] {
  const to = new Map(plan.kept.map((c, i) => [c, plan.target.numClasses + i]));
  return aux.filter((s) => to.has(s.label)).map((s) => ({ ...s, id: `${plan.auxDataset}:${s.id}`, label: to.get(s.label)! }));
}

function appendRows(set: FeatureSet, add: { features: Float32Array; rows: number; labels: Int32Array }): FeatureSet {
  const features = new Float32Array((set.rows + add.rows) * set.dim);
  features.set(set.features);
  features.set(add.features, set.rows * set.dim);
  const labels = new Int32Array(set.rows + add.rows);
  labels.set(set.labels);
  labels.set(add.labels, set.rows);
  return { features, rows: set.rows + add.rows, dim: set.dim, labels };
}

/**
 * The lent rows standardised per dimension to the target's training rows: (x − μ_lent)/σ_lent·σ_target + μ_target.
 * Projected through an extractor whitened on the target's classes, the other dataset's clips come out
 * several times larger (the whitening amplifies the directions in which only they vary) and stage 2
 * diverges on them; the lent rows keep their class structure and take the target's scale.
 */
export function standardiseLike(x: Float32Array, rows: number, like: FeatureSet): Float32Array {
  const d = like.dim;
  if (x.length !== rows * d) throw new FsvaeInputError(`standardiseLike: ${x.length} values are not ${rows} rows of ${d}.`);
  const stats = (m: Float32Array, n: number) => {
    const mu = new Float64Array(d);
    const sd = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += m[i * d + j] / n;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sd[j] += (m[i * d + j] - mu[j]) ** 2 / Math.max(1, n - 1);
    for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]);
    return { mu, sd };
  };
  const from = stats(x, rows);
  const to = stats(like.features, like.rows);
  const out = new Float32Array(x.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = from.sd[j] > 0 ? ((x[i * d + j] - from.mu[j]) / from.sd[j]) * to.sd[j] + to.mu[j] : to.mu[j];
  }
  return out;
}

/** Same values, bit for bit (the refitted extractor must reproduce the cached Table 1 features). */
function sameRows(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

interface PreparedMode {
  data: ZeroShotData;
  /** a name of the features (part of the lever runs' cache key). */
  features: string;
  /** lent rows in the train phase's training set. */
  lentRows: number;
}

/**
 * 'project': refits the two stage-1 extractors of the Table 1 export (same classes, seeds and
 * held-out set as lib/stage1/export.ts), checks that they reproduce the cached training rows, and
 * adds the lent samples' features to both phases' training sets.
 */
async function projectLent(
  base: ZeroShotData,
  plan: AuxiliaryClassPlan,
  target: TargetSequences,
  lent: SkeletonSequence[],
  stage1: ExtractorConfig,
  seed: number,
): Promise<{ trainPhase: SynseSplitData; valPhase: SynseSplitData }> {
  const split = plan.target;
  const C = split.numClasses;
  const pool = target.sequences.filter((s) => target.side(s) === 'train' && split.valSeen.includes(s.label));
  const holdOut = chooseValHoldOut(pool, 0.2, fnv1a32(`stage1-val:${seed}`));
  const phases = [
    { set: base.trainPhase, classes: split.seen, seed, holdOut: undefined },
    { set: base.valPhase, classes: split.valSeen, seed: seed + 1, holdOut },
  ];
  const out: SynseSplitData[] = [];
  // one phase after the other (one extractor in memory at a time)
  for (const p of phases) {
    const ex = await fitExtractor(stage1, target.sequences, { classes: p.classes, side: target.side, numClasses: C, holdOut: p.holdOut }, { seed: p.seed });
    try {
      const trained = (s: SkeletonSequence) => target.side(s) === 'train' && p.classes.includes(s.label) && !p.holdOut?.has(s.id);
      const again = await ex.extract(target.sequences.filter(trained), 32);
      if (!sameRows(again.features, p.set.train.features)) {
        throw new FsvaeInputError(
          `auxiliary classes (${split.name}): the refitted stage-1 extractor does not reproduce the cached training features ` +
            `of ${p.set.dir}; delete that cache entry and run again.`,
        );
      }
      const e = await ex.extract(lent, 32);
      const features = standardiseLike(e.features, e.rows, p.set.train);
      out.push({ ...p.set, train: appendRows(p.set.train, { features, rows: e.rows, labels: e.labels }) });
    } finally {
      ex.dispose();
    }
  }
  return { trainPhase: out[0], valPhase: out[1] };
}

/** 'joint': stage 1 on the target's seen and the lent classes together (cached like Table 1's features). */
async function jointFeatures(
  plan: AuxiliaryClassPlan,
  target: TargetSequences,
  lent: SkeletonSequence[],
  auxId: string,
  stage1: ExtractorConfig,
  seed: number,
  log: (l: string) => void,
) {
  const identity = { target: target.datasetId, auxId, plan: plan.combined, kept: plan.kept, stage1, seed, v: 1 };
  const key = createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
  const dir = path.join(featureCacheDir(), `${plan.target.dataset}-${plan.combined.name.replace(/\//g, '_')}-${key}`);
  const report = path.join(dir, 'stage1-report.json');
  if (!readCacheReport(report, log)) {
    const lentIds = new Set(lent.map((s) => s.id));
    const side: SideOf = (s) => (lentIds.has(s.id) ? 'train' : target.side(s));
    log(`[auxiliary] stage 1 (${stage1.name}) on ${plan.combined.name}: ${target.sequences.length} + ${lent.length} lent sequences; writing ${dir}`);
    const r = await exportStage1Features({
      sequences: [...target.sequences, ...lent],
      split: plan.combined,
      numClasses: plan.combined.numClasses,
      side,
      outDir: path.join(dir, 'sk_feats'),
      config: stage1,
      seed,
    });
    writeCacheReport(report, r);
  }
  const root = path.join(dir, 'sk_feats');
  return { root, trainPhase: readSynseBenchmark(root, plan.combined, 'train'), valPhase: readSynseBenchmark(root, plan.combined, 'val') };
}

export interface AuxiliaryResult {
  rows: Row[];
  planRows: Row[];
  runs: LeverRun[];
  /** per dataset: the mode with the best validation score. */
  chosen: Record<string, string>;
  notes: string[];
  seconds: number;
  /** a stored table's provenance (readAuxiliaryResults). */
  provenance?: Record<string, unknown>;
}

export interface AuxiliaryOptions {
  mode: 'quick' | 'full';
  /** seeds per split and mode (default quick 1-3, full 1-10). */
  seeds?: number[];
  /** keep only these split names. */
  splits?: string[];
  modes?: readonly AuxiliaryMode[];
  log?: (line: string) => void;
  cacheDir?: string;
}

async function modeData(
  ds: EvidenceDataset,
  splitName: string,
  mode: AuxiliaryMode,
  stage1: ExtractorConfig,
  sequences: SequenceReader,
  log: (l: string) => void,
): Promise<PreparedMode> {
  const src = ds.sources.find((s) => (typeof s.split === 'string' ? s.split : s.split.name) === splitName)!;
  const prepared = await prepareFeaturesParallel(src, { stage1, seed: 1, log });
  if ('missing' in prepared) throw new FsvaeInputError(prepared.message);
  const split = prepared.split;
  const own = await textFeaturesFor(prepared, ds.stage2.textMode, ds.text);
  const base: ZeroShotData = {
    split,
    trainPhase: readSynseBenchmark(prepared.featuresRoot, split, 'train'),
    valPhase: readSynseBenchmark(prepared.featuresRoot, split, 'val'),
    text: own,
  };
  const baseId = path.basename(path.dirname(prepared.featuresRoot));
  if (mode === 'none') return { data: base, features: baseId, lentRows: 0 };
  const plan = auxiliaryClassPlan(split);
  const auxText = await textFeaturesFor({ ...prepared, textDataset: plan.auxDataset }, ds.stage2.textMode, ds.text);
  const cols = own.cols;
  const text = new Float32Array(plan.combined.numClasses * cols);
  text.set(own.data.subarray(0, split.numClasses * cols));
  plan.kept.forEach((c, i) => text.set(auxText.data.subarray(c * cols, (c + 1) * cols), (split.numClasses + i) * cols));
  const target = sequences(split.dataset as OverlapDataset);
  const aux = sequences(plan.auxDataset);
  const lent = lentSequences(plan, aux.sequences);
  const zsSplit: BenchmarkSplit = { ...split, numClasses: plan.combined.numClasses };
  const joint = mode === 'joint' ? await jointFeatures(plan, target, lent, aux.datasetId, stage1, 1, log) : null;
  const phases = joint ?? (await projectLent(base, plan, target, lent, stage1, 1));
  const features = joint ? path.basename(path.dirname(joint.root)) : `${baseId}+${aux.datasetId}`;
  return {
    data: { split: zsSplit, trainPhase: phases.trainPhase, valPhase: phases.valPhase, text: { rows: plan.combined.numClasses, cols, data: text } },
    features,
    lentRows: phases.trainPhase.train.labels.filter((l) => l >= split.numClasses).length,
  };
}

/** Trains (or reads from the cache) every split × mode × seed and builds the rows. */
export async function runAuxiliaryClasses(opts: AuxiliaryOptions): Promise<AuxiliaryResult> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const config = evidencePreset(opts.mode, ['nw-ucla', 'utd-mhad']);
  const datasets = config.datasets.filter((d) => d.name !== 'generated');
  if (datasets.length === 0) {
    throw new FsvaeInputError('auxiliary classes: needs NW-UCLA and UTD-MHAD skeletons (npx fsvae download nw-ucla; npx fsvae download utd-mhad).');
  }
  if (datasets.length < 2) {
    const other = datasets[0].name === 'nw-ucla' ? 'utd-mhad' : 'nw-ucla';
    throw new FsvaeInputError(
      `auxiliary classes: only ${datasets[0].name} was found; the lent classes come from the other dataset ` + `(npx fsvae download ${other}).`,
    );
  }
  const seeds = opts.seeds ?? (opts.mode === 'quick' ? [1, 2, 3] : Array.from({ length: 10 }, (_, i) => i + 1));
  const modes = opts.modes ?? AUXILIARY_MODES;
  if (!modes.includes('none')) throw new FsvaeInputError("auxiliary classes: the modes must include 'none' (every other mode is compared with it).");
  const cacheDir = opts.cacheDir ?? leverCacheDir();
  const code = codeVersion();
  const runs: LeverRun[] = [];
  const planRows: Row[] = [];
  const sequences = sequenceReader();
  for (const ds of datasets) {
    for (const src of ds.sources) {
      const splitName = typeof src.split === 'string' ? src.split : src.split.name;
      if (opts.splits && !opts.splits.includes(splitName)) continue;
      const plan = auxiliaryClassPlan(getSplit(splitName));
      planRows.push({
        dataset: ds.name,
        split: splitName,
        lent: plan.auxDataset,
        kept: plan.kept.length,
        removed: plan.removed.map((r) => `${r.name} (${r.because})`).join('; ') || 'none',
      });
      for (const mode of modes) {
        const prepared = await modeData(ds, splitName, mode, config.stage1, sequences, log);
        for (const seed of seeds) {
          const cell = { dataset: ds.name, split: splitName, mode, seed, cfg: ds.stage2, data: prepared.data, features: prepared.features, code, cacheDir };
          const run = await leverRun(cell, log);
          runs.push(run);
          const lentNote = mode === 'none' ? '' : ` (+${prepared.lentRows} lent rows)`;
          log(`[auxiliary] ${splitName} ${mode}${lentNote} seed ${seed}: ZSL ${(100 * run.zsl).toFixed(1)}, val ${(100 * run.valFinal).toFixed(1)}`);
        }
      }
    }
  }
  const { rows, chosen } = leverRows(runs, modes, 'none');
  const notes = auxiliaryNotes(seeds, chosen);
  return { rows, planRows, runs, chosen, notes, seconds: (Date.now() - t0) / 1000 };
}

function auxiliaryNotes(seeds: readonly number[], chosen: Record<string, string>): string[] {
  return [AUXILIARY_EXTENSION_NOTE, AUXILIARY_MODES_NOTE, leverSeedsNote(seeds, "the target's unseen classes"), ...leverSelectionNotes(chosen)];
}

/** Writes results/transfer_auxiliary_classes[_full].{md,csv,json} with every run's values. */
export function writeAuxiliaryResults(r: AuxiliaryResult, backend: string, mode: 'quick' | 'full'): string[] {
  const suffix = mode === 'full' ? '_full' : '';
  const prov = provenance(backend, { notebook: '03_main_results', mode, seeds: [...new Set(r.runs.map((x) => x.seed))].join(',') });
  const main = writeResultTableWithJson(
    {
      name: `transfer_auxiliary_classes${suffix}`,
      title: 'Lever (c): auxiliary seen classes from the other Kinect-v1 dataset, ZSL (%)',
      rows: r.rows,
      notes: r.notes,
    },
    prov,
    { runs: r.runs, chosen: r.chosen, plan: r.planRows },
  );
  const plan = writeResultTableWithJson(
    {
      name: `transfer_auxiliary_classes_plan${suffix}`,
      title: 'Lever (c): lent classes kept and removed per split',
      rows: r.planRows,
      notes: ['A lent class is removed when it overlaps an unseen or val-unseen class of the target split (lib/data/class-overlap.ts).'],
    },
    prov,
  );
  return [main.md, plan.md];
}

/** The stored full-mode (or quick) table, its rows recomputed from its runs; null when none was written. */
export function readAuxiliaryResults(mode: 'quick' | 'full', dir = resultsDir()): AuxiliaryResult | null {
  const rowsOf = (runs: LeverRun[]) =>
    leverRows(
      runs,
      AUXILIARY_MODES.filter((m) => runs.some((r) => r.mode === m)),
      'none',
    );
  const r = readLeverResults(`transfer_auxiliary_classes${mode === 'full' ? '_full' : ''}`, (runs) => rowsOf(runs).rows, dir);
  if (!r) return null;
  const planRows = (r.extra.plan as Row[]) ?? [];
  return { rows: r.rows, planRows, runs: r.runs, chosen: rowsOf(r.runs).chosen, notes: r.notes, seconds: NaN, provenance: r.provenance };
}

export function auxiliaryFigure(rows: readonly Row[]): Figure {
  return leverFigure(rows, 'Lever (c): test ZSL (%) per split with lent seen classes');
}
