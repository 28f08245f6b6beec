/**
 * Stage-1 export: trains the skeleton extractor twice per split and writes both SynSE folders
 * (lib/data/synse.ts layout) that stages 2-4 read.
 *
 *   shift_{u}_r/      extractor trained on the SEEN classes, train side of the protocol:
 *                     train  = seen classes, train side        (train.npy, train_label.npy)
 *                     ztest  = unseen classes, test side        (ztest.npy, z_label.npy, ztest_out.npy)
 *                     gtest  = all classes, test side           (gtest.npy, g_label.npy, gtest_out.npy)
 *   shift_val_{u}_r/  a second extractor trained on the VAL-SEEN classes only (seen minus
 *                     val-unseen), train side minus a held-out part — it never sees a val-unseen
 *                     or a test-unseen class (as SynSE's separately trained val Shift-GCN):
 *                     train  = val-seen, train side, not held out
 *                     ztest  = val-unseen classes, train side   (+ ztest_out.npy)
 *                     val    = the held-out val-seen samples     (+ val_out.npy)
 * u = number of unseen classes. Features are the 256-d pooled outputs (eval-mode BN), logits
 * cover all numClasses classes. Each folder is written to a temporary sibling and renamed into
 * place (writeFolderAtomically: a failed write leaves the old folder, or none), and gets an
 * extractor.json (configuration, seed, counts, accuracies, training history).
 */
import * as path from 'node:path';
import { FsvaeInputError } from '../util/assert';
import { makeFolders, removeCreatedFolders, toDiskWriteError, writeFileOrRemove, writeFolderAtomically } from '../util/atomic-file';
import { Random } from '../util/random';
import { SkeletonSequence } from '../data/skeleton';
import { SynsePhase, synseFolderName, writeSynseSplit } from '../data/synse';
import { fnv1a32 } from '../data/splits';
import { FeatureSet } from '../data/matrices';
import { ExtractorConfig, TrainedExtractor, fitExtractor } from './extractors';
import { SelectionCounts, SideOf, TrainingSelection } from './input';
import { Stage1EpochRecord, Stage1Progress, top1Accuracy } from './train';

/** The class lists of a zero-shot split (BenchmarkSplit and the generator's ZeroShotSplit both fit). */
export interface Stage1Split {
  unseen: readonly number[];
  seen: readonly number[];
  valUnseen: readonly number[];
  valSeen: readonly number[];
}

export interface Stage1ExportOptions {
  sequences: readonly SkeletonSequence[];
  split: Stage1Split;
  numClasses: number;
  /** train/test side under the protocol (sideFromProtocol / sideFromIds) */
  side: SideOf;
  /** the sk_feats root: shift_{u}_r and shift_val_{u}_r are written inside */
  outDir: string;
  config: ExtractorConfig;
  seed: number;
  /** fraction of the val-seen train-side samples (or groups) held out as the val set; default 0.2 */
  valFraction?: number;
  /** hold out whole groups of this meta key (e.g. 'subject') instead of samples per class */
  valGroupBy?: string;
  /** which folders to write (default both) */
  phases?: SynsePhase[];
  /** per-epoch checkpoints of the two trainings (stems stage1-train, stage1-val) */
  checkpointDir?: string;
  /** batch size of feature extraction (default 32) */
  extractBatch?: number;
  onProgress?: (phase: SynsePhase, p: Stage1Progress) => void;
  onEpoch?: (phase: SynsePhase, r: Stage1EpochRecord) => void;
  /** sees the ids and labels of every training batch of both extractors (audits) */
  onBatch?: (phase: SynsePhase, ids: readonly string[], labels: Int32Array) => void;
  log?: (line: string) => void;
}

export interface Stage1PhaseReport {
  phase: SynsePhase;
  dir: string;
  seed: number;
  /** classes the extractor was trained on */
  trainedClasses: number[];
  selection: SelectionCounts;
  rows: Partial<Record<'train' | 'ztest' | 'gtest' | 'val', number>>;
  history: Stage1EpochRecord[];
  trainSeconds: number;
  /** extractor-specific facts (e.g. the chosen shrinkage of dct-lda) */
  details?: Record<string, unknown>;
  sequencesPerSecond: number;
  /** top-1 of the extractor on its training samples (eval mode, argmax over all classes) */
  trainTop1: number;
  /**
   * phase train: seen-class gtest samples (test side); phase val: the held-out val set.
   * `all`: argmax over all classes; `amongTrained`: argmax over the trained classes only.
   */
  evalTop1: { all: number; amongTrained: number; rows: number };
}

export interface Stage1ExportReport {
  config: ExtractorConfig;
  numClasses: number;
  unseen: number[];
  valUnseen: number[];
  train?: Stage1PhaseReport;
  val?: Stage1PhaseReport;
  /** seen-class top-1 of the phase-train extractor on the test side (argmax over all classes) */
  seenTestTop1?: number;
}

function sortedUnique(list: readonly number[], what: string, C: number): number[] {
  const s = new Set<number>();
  for (const c of list) {
    if (!Number.isInteger(c) || c < 0 || c >= C) throw new FsvaeInputError(`stage 1 export: ${what} class ${c} is outside 0..${C - 1}.`);
    if (s.has(c)) throw new FsvaeInputError(`stage 1 export: ${what} class ${c} is listed twice.`);
    s.add(c);
  }
  return [...s].sort((a, b) => a - b);
}

/** Checks the split's four lists against each other and the class space. */
export function checkStage1Split(split: Stage1Split, C: number): { unseen: number[]; seen: number[]; valUnseen: number[]; valSeen: number[] } {
  const unseen = sortedUnique(split.unseen, 'unseen', C);
  const seen = sortedUnique(split.seen, 'seen', C);
  const valUnseen = sortedUnique(split.valUnseen, 'val-unseen', C);
  const valSeen = sortedUnique(split.valSeen, 'val-seen', C);
  const u = new Set(unseen);
  const both = seen.filter((c) => u.has(c));
  if (both.length) throw new FsvaeInputError(`stage 1 export: classes [${both.join(', ')}] are both seen and unseen.`);
  if (unseen.length + seen.length !== C)
    throw new FsvaeInputError(`stage 1 export: seen (${seen.length}) and unseen (${unseen.length}) ` + `classes must cover all ${C} classes.`);
  const s = new Set(seen);
  const bad = [...valUnseen, ...valSeen].filter((c) => !s.has(c));
  if (bad.length)
    throw new FsvaeInputError(`stage 1 export: val classes [${bad.join(', ')}] are not seen classes; ` + 'the pseudo split lies inside the seen classes.');
  const vu = new Set(valUnseen);
  const overlap = valSeen.filter((c) => vu.has(c));
  if (overlap.length) throw new FsvaeInputError(`stage 1 export: classes [${overlap.join(', ')}] are both val-seen and val-unseen.`);
  if (valUnseen.length + valSeen.length !== seen.length)
    throw new FsvaeInputError(
      `stage 1 export: val-seen (${valSeen.length}) ` + `and val-unseen (${valUnseen.length}) must partition the ${seen.length} seen classes.`,
    );
  if (unseen.length === 0 || valUnseen.length === 0 || valSeen.length === 0)
    throw new FsvaeInputError('stage 1 export: the unseen, val-unseen ' + 'and val-seen lists must be non-empty.');
  return { unseen, seen, valUnseen, valSeen };
}

/**
 * Ids of the val-phase held-out samples among `pool` (val-seen classes, train side):
 * per class ⌊fraction·n + ½⌋ samples (at least 1 when n ≥ 2) by a seeded shuffle, or with
 * `groupBy` whole groups (meta value) — the same share of the distinct values, at least 1 and
 * fewer than all — so a held-out sample's group (e.g. its subject) is never trained on.
 */
export function chooseValHoldOut(pool: readonly SkeletonSequence[], fraction: number, seed: number, groupBy?: string): Set<string> {
  if (!(fraction > 0 && fraction < 1)) throw new FsvaeInputError(`stage 1 export: valFraction must be in (0, 1), got ${fraction}.`);
  const rng = new Random(seed);
  const out = new Set<string>();
  if (groupBy) {
    const value = (s: SkeletonSequence) => {
      const v = s.meta?.[groupBy];
      if (v === undefined) throw new FsvaeInputError(`stage 1 export: sequence ${s.id} has no meta.${groupBy} to group the val hold-out by.`);
      return String(v);
    };
    const groups = [...new Set(pool.map(value))].sort();
    if (groups.length < 2)
      throw new FsvaeInputError(
        `stage 1 export: only ${groups.length} distinct ${groupBy} value(s) on the train side; ` + 'cannot hold out whole groups. Drop valGroupBy.',
      );
    const k = Math.min(groups.length - 1, Math.max(1, Math.round(fraction * groups.length)));
    const perm = rng.permutation(groups.length);
    const held = new Set(Array.from(perm.subarray(0, k), (i) => groups[i]));
    for (const s of pool) if (held.has(value(s))) out.add(s.id);
    return out;
  }
  const byClass = new Map<number, SkeletonSequence[]>();
  for (const s of pool) {
    const l = byClass.get(s.label) ?? [];
    l.push(s);
    byClass.set(s.label, l);
  }
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const list = byClass.get(c)!;
    const n = list.length;
    if (n < 2) continue;
    const k = Math.min(n - 1, Math.max(1, Math.round(fraction * n)));
    const perm = rng.permutation(n);
    for (let i = 0; i < k; i++) out.add(list[perm[i]].id);
  }
  return out;
}

async function toFeatureSet(ex: TrainedExtractor, seqs: readonly SkeletonSequence[], batch: number, withLogits: boolean): Promise<FeatureSet> {
  const e = await ex.extract(seqs, batch);
  const set: FeatureSet = { features: e.features, rows: e.rows, dim: e.dim, labels: e.labels };
  if (withLogits) {
    set.logits = e.logits;
    set.logitDim = e.numClasses;
  }
  return set;
}

function requireRows(rows: number, what: string): void {
  if (rows === 0)
    throw new FsvaeInputError(`stage 1 export: the ${what} set would be empty; ` + 'check the split and the protocol (which samples are on which side).');
}

function reportJson(r: Stage1PhaseReport, cfg: ExtractorConfig, extra: Record<string, unknown>): string {
  return JSON.stringify({ extractor: cfg, ...extra, report: r }, null, 2);
}

/** Trains the extractor(s) and writes the SynSE folder(s) of one split (see the module comment). */
export async function exportStage1Features(opts: Stage1ExportOptions): Promise<Stage1ExportReport> {
  const C = opts.numClasses;
  if (!Number.isInteger(C) || C < 2) throw new FsvaeInputError(`stage 1 export: numClasses must be an integer ≥ 2, got ${C}.`);
  const sp = checkStage1Split(opts.split, C);
  const phases = opts.phases ?? ['val', 'train'];
  for (const p of phases) if (p !== 'train' && p !== 'val') throw new FsvaeInputError(`stage 1 export: phase '${String(p)}' is not 'train' or 'val'.`);
  const batch = opts.extractBatch ?? 32;
  const log = opts.log ?? (() => undefined);
  for (const s of opts.sequences) {
    if (!Number.isInteger(s.label) || s.label < 0 || s.label >= C)
      throw new FsvaeInputError(`stage 1 export: sequence ${s.id} ` + `has label ${s.label}, outside 0..${C - 1}.`);
  }
  const sides = new Map<SkeletonSequence, 'train' | 'test'>();
  for (const s of opts.sequences) sides.set(s, opts.side(s));
  const isIn = (list: number[]) => {
    const set = new Set(list);
    return (s: SkeletonSequence) => set.has(s.label);
  };
  const trainSide = opts.sequences.filter((s) => sides.get(s) === 'train');
  const testSide = opts.sequences.filter((s) => sides.get(s) === 'test');
  const report: Stage1ExportReport = { config: opts.config, numClasses: C, unseen: sp.unseen, valUnseen: sp.valUnseen };
  let created: string | undefined;
  try {
    created = makeFolders(opts.outDir);
  } catch (e) {
    throw toDiskWriteError(e, opts.outDir);
  }
  // a folder that cannot be written (e.g. a full disk) leaves behind none of the empty folders this
  // export created (a folder the other phase wrote is kept, and so are its parents)
  const writeFolder = (dir: string, fill: (tmp: string) => void) => {
    try {
      writeFolderAtomically(dir, fill);
    } catch (e) {
      removeCreatedFolders(opts.outDir, created);
      throw e;
    }
  };

  const run = (phase: SynsePhase, classes: number[], seed: number, holdOut?: Set<string>): Promise<TrainedExtractor> => {
    const selection: TrainingSelection = { classes, side: (s) => sides.get(s) ?? opts.side(s), numClasses: C, holdOut };
    log(`[stage 1, phase ${phase}] training ${opts.config.name} on ${classes.length} classes (seed ${seed})`);
    return fitExtractor(opts.config, opts.sequences, selection, {
      seed,
      checkpointDir: opts.checkpointDir,
      checkpointName: `stage1-${phase}`,
      onProgress: (p) => opts.onProgress?.(phase, p),
      onEpoch: (r) => opts.onEpoch?.(phase, r),
      onBatch: (ids, labels) => opts.onBatch?.(phase, ids, labels),
      log,
    });
  };

  if (phases.includes('val')) {
    const pool = trainSide.filter(isIn(sp.valSeen));
    const holdOut = chooseValHoldOut(pool, opts.valFraction ?? 0.2, fnv1a32(`stage1-val:${opts.seed}`), opts.valGroupBy);
    const trainSeqs = pool.filter((s) => !holdOut.has(s.id));
    const valSeqs = pool.filter((s) => holdOut.has(s.id));
    const zSeqs = trainSide.filter(isIn(sp.valUnseen));
    requireRows(trainSeqs.length, 'val-phase train (val-seen classes, train side)');
    requireRows(valSeqs.length, 'val-phase val (held-out val-seen samples)');
    requireRows(zSeqs.length, 'val-phase ztest (val-unseen classes, train side)');
    const seed = opts.seed + 1;
    const res = await run('val', sp.valSeen, seed, holdOut);
    try {
      const { set: train, top1: trainTop1 } = await trainSetOf(res, trainSeqs, batch);
      const ztest = await toFeatureSet(res, zSeqs, batch, true);
      const val = await toFeatureSet(res, valSeqs, batch, true);
      const dir = path.join(opts.outDir, synseFolderName(sp.unseen.length, 'val'));
      const r: Stage1PhaseReport = {
        phase: 'val',
        dir,
        seed,
        trainedClasses: sp.valSeen,
        selection: res.counts,
        rows: { train: train.rows, ztest: ztest.rows, val: val.rows },
        history: res.history,
        trainSeconds: res.trainSeconds,
        sequencesPerSecond: res.sequencesPerSecond,
        details: res.details,
        trainTop1,
        evalTop1: { all: top1Accuracy(val.logits!, val.labels, C), amongTrained: top1Accuracy(val.logits!, val.labels, C, sp.valSeen), rows: val.rows },
      };
      writeFolder(dir, (tmp) => {
        writeSynseSplit(tmp, { phase: 'val', train, ztest, val });
        const extra = {
          valUnseen: sp.valUnseen,
          valSeen: sp.valSeen,
          absent: sp.unseen,
          valFraction: opts.valFraction ?? 0.2,
          valGroupBy: opts.valGroupBy ?? null,
        };
        writeFileOrRemove(path.join(tmp, 'extractor.json'), reportJson(r, opts.config, extra));
      });
      report.val = r;
      log(`[stage 1, phase val] wrote ${dir}: train ${train.rows}, ztest ${ztest.rows}, val ${val.rows}; held-out top-1 ${(r.evalTop1.all * 100).toFixed(1)}%`);
    } finally {
      res.dispose();
    }
  }

  if (phases.includes('train')) {
    const trainSeqs = trainSide.filter(isIn(sp.seen));
    const zSeqs = testSide.filter(isIn(sp.unseen));
    const gSeqs = testSide;
    requireRows(trainSeqs.length, 'train (seen classes, train side)');
    requireRows(zSeqs.length, 'ztest (unseen classes, test side)');
    const seed = opts.seed;
    const res = await run('train', sp.seen, seed);
    try {
      const { set: train, top1: trainTop1 } = await trainSetOf(res, trainSeqs, batch);
      const ztest = await toFeatureSet(res, zSeqs, batch, true);
      const gtest = await toFeatureSet(res, gSeqs, batch, true);
      const dir = path.join(opts.outDir, synseFolderName(sp.unseen.length, 'train'));
      const seenRows = seenRowsOf(gtest, new Set(sp.seen), C);
      const r: Stage1PhaseReport = {
        phase: 'train',
        dir,
        seed,
        trainedClasses: sp.seen,
        selection: res.counts,
        rows: { train: train.rows, ztest: ztest.rows, gtest: gtest.rows },
        history: res.history,
        trainSeconds: res.trainSeconds,
        sequencesPerSecond: res.sequencesPerSecond,
        details: res.details,
        trainTop1,
        evalTop1: {
          all: top1Accuracy(seenRows.logits, seenRows.labels, C),
          amongTrained: top1Accuracy(seenRows.logits, seenRows.labels, C, sp.seen),
          rows: seenRows.labels.length,
        },
      };
      writeFolder(dir, (tmp) => {
        writeSynseSplit(tmp, { phase: 'train', train, ztest, gtest });
        writeFileOrRemove(path.join(tmp, 'extractor.json'), reportJson(r, opts.config, { unseen: sp.unseen, seen: sp.seen }));
      });
      report.train = r;
      report.seenTestTop1 = r.evalTop1.all;
      log(
        `[stage 1, phase train] wrote ${dir}: train ${train.rows}, ztest ${ztest.rows}, gtest ${gtest.rows}; ` +
          `seen-class test top-1 ${(r.evalTop1.all * 100).toFixed(1)}%`,
      );
    } finally {
      res.dispose();
    }
  }
  return report;
}

/** The train set (features only, as train.npy has no logits) and the extractor's top-1 on it. */
async function trainSetOf(res: TrainedExtractor, seqs: readonly SkeletonSequence[], batch: number): Promise<{ set: FeatureSet; top1: number }> {
  const e = await res.extract(seqs, batch);
  return { set: { features: e.features, rows: e.rows, dim: e.dim, labels: e.labels }, top1: top1Accuracy(e.logits, e.labels, e.numClasses) };
}

function seenRowsOf(set: FeatureSet, seen: Set<number>, C: number): { logits: Float32Array; labels: Int32Array } {
  const idx: number[] = [];
  for (let i = 0; i < set.rows; i++) if (seen.has(set.labels[i])) idx.push(i);
  const logits = new Float32Array(idx.length * C);
  idx.forEach((r, k) => logits.set(set.logits!.subarray(r * C, (r + 1) * C), k * C));
  return { logits, labels: Int32Array.from(idx, (r) => set.labels[r]) };
}
