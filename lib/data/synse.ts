/**
 * Pre-extracted skeleton features in the SynSE / MSF-GZSSAR / FS-VAE layout (SynSE's
 * `synse_resources/ntu_results`, renamed `sk_feats/`):
 *
 *   sk_feats/shift_{ss}_r/      train.npy (N,256) train_label.npy   seen classes, xsub-train
 *                               ztest.npy z_label.npy [ztest_out.npy] unseen classes, xsub-test
 *                               gtest.npy g_label.npy gtest_out.npy   all classes, xsub-test
 *   sk_feats/shift_val_{ss}_r/  train, train_label                    val-seen classes
 *                               ztest, z_label, ztest_out             val-unseen classes
 *                               val, val_label, val_out               held-out val-seen samples
 *
 * Features are float32 (N, 256) Shift-GCN pooled outputs; labels are integer class indices in the
 * original 0..C−1 space; `*_out.npy` are the Shift-GCN logits (N, C) over all C classes.
 * In memory each set is a FeatureSet (lib/data/matrices.ts): features rows×dim, labels, and the
 * logits rows×C where the folder has them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsvaeInputError } from '../util/assert';
import { readNpy, npyToFloat32Matrix, npyToLabels, writeNpy } from './npy';
import type { BenchmarkSplit } from './splits';
import type { FeatureSet } from './matrices';

export type SynsePhase = 'train' | 'val';
export type SynseSetName = 'train' | 'ztest' | 'gtest' | 'val';

interface SetFiles {
  features: string;
  labels: string;
  logits: string | null;
  /** whether the logits file is required */
  logitsRequired: boolean;
}

/** File names per phase and set (exact upstream names). */
export const SYNSE_FILES: Readonly<Record<SynsePhase, Partial<Record<SynseSetName, SetFiles>>>> = {
  train: {
    train: { features: 'train.npy', labels: 'train_label.npy', logits: null, logitsRequired: false },
    ztest: { features: 'ztest.npy', labels: 'z_label.npy', logits: 'ztest_out.npy', logitsRequired: false },
    gtest: { features: 'gtest.npy', labels: 'g_label.npy', logits: 'gtest_out.npy', logitsRequired: true },
  },
  val: {
    train: { features: 'train.npy', labels: 'train_label.npy', logits: null, logitsRequired: false },
    ztest: { features: 'ztest.npy', labels: 'z_label.npy', logits: 'ztest_out.npy', logitsRequired: true },
    val: { features: 'val.npy', labels: 'val_label.npy', logits: 'val_out.npy', logitsRequired: true },
  },
};

export interface SynseReadOptions {
  numClasses: number;
  /** phase train: the split's unseen classes; phase val: the val-unseen (pseudo) classes */
  unseen: readonly number[];
  phase: SynsePhase;
  /** classes that must occur in no file (phase val: the main split's test-unseen classes) */
  absent?: readonly number[];
  /** expected feature width (256 for Shift-GCN); default: whatever train.npy has */
  dim?: number;
}

export interface SynseSplitData {
  dir: string;
  phase: SynsePhase;
  numClasses: number;
  /** sorted */
  unseen: number[];
  /** 0..C−1 minus unseen minus absent, sorted */
  seen: number[];
  dim: number;
  train: FeatureSet;
  ztest: FeatureSet;
  /** phase train only */
  gtest?: FeatureSet;
  /** phase val only */
  val?: FeatureSet;
}

/** Folder name of a split: shift_{ss}_r (phase train) or shift_val_{ss}_r (phase val). */
export function synseFolderName(numUnseen: number, phase: SynsePhase): string {
  return phase === 'train' ? `shift_${numUnseen}_r` : `shift_val_${numUnseen}_r`;
}

const FOLDER_RE = /^shift_(val_)?\d+_r$/;

function hasSplitFolders(dir: string): boolean {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory() && FOLDER_RE.test(e.name));
  } catch {
    return false;
  }
}

/**
 * The `sk_feats` folder: `dir` itself when it holds shift_*_r folders, else `dir/sk_feats`,
 * `dir/ntu_results` or `dir/synse_resources/ntu_results` (SynSE's original name).
 */
export function findSynseRoot(dir: string): string {
  const candidates = [dir, path.join(dir, 'sk_feats'), path.join(dir, 'ntu_results'), path.join(dir, 'synse_resources', 'ntu_results')];
  for (const c of candidates) if (hasSplitFolders(c)) return path.resolve(c);
  throw new FsvaeInputError(
    `${dir}: no SynSE feature folders (shift_{ss}_r / shift_val_{ss}_r) found; tried ${candidates.join(', ')}. ` +
      "Download SynSE's synse_resources (ntu_results) and point to it or to its parent.",
  );
}

/** Names of the shift_*_r folders under a root, sorted. */
export function listSynseFolders(root: string): string[] {
  const r = findSynseRoot(root);
  return fs
    .readdirSync(r, { withFileTypes: true })
    .filter((e) => e.isDirectory() && FOLDER_RE.test(e.name))
    .map((e) => e.name)
    .sort();
}

function checkClassList(list: readonly number[], numClasses: number, what: string): number[] {
  const s = new Set<number>();
  for (const v of list) {
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) throw new FsvaeInputError(`${what}: class ${v} is not an integer in 0..${numClasses - 1}.`);
    if (s.has(v)) throw new FsvaeInputError(`${what}: class ${v} is listed twice.`);
    s.add(v);
  }
  return [...s].sort((a, b) => a - b);
}

function readSet(dir: string, files: SetFiles, setName: SynseSetName, numClasses: number): FeatureSet {
  const fFile = path.join(dir, files.features);
  const lFile = path.join(dir, files.labels);
  const fm = npyToFloat32Matrix(readNpy(fFile), fFile);
  if (fm.rows === 0) throw new FsvaeInputError(`${fFile}: the ${setName} set has no rows; re-export the features.`);
  if (fm.cols === 0) throw new FsvaeInputError(`${fFile}: features have width 0; re-export the features.`);
  if (fm.data.every((v) => v === 0))
    throw new FsvaeInputError(
      `${fFile}: every value of the ${setName} features is zero, ` + 'so they carry no information (a failed export?); re-export the features.',
    );
  const zeroRows = [];
  for (let r = 0; r < fm.rows && zeroRows.length < 4; r++) if (fm.data.subarray(r * fm.cols, (r + 1) * fm.cols).every((v) => v === 0)) zeroRows.push(r);
  if (zeroRows.length)
    console.warn(
      `[data] ${fFile}: row(s) ${zeroRows.join(', ')}${zeroRows.length === 4 ? ', ...' : ''} of the ${setName} features ` + 'are all zero; check the export.',
    );
  const labels = npyToLabels(readNpy(lFile), lFile);
  if (labels.length !== fm.rows) {
    throw new FsvaeInputError(`${lFile}: ${labels.length} labels but ${files.features} has ${fm.rows} rows; the two files must describe the same samples.`);
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= numClasses) {
      throw new FsvaeInputError(
        `${lFile}: label #${i} is ${labels[i]}, outside the ${numClasses}-class space 0..${numClasses - 1}; check numClasses (60 or 120).`,
      );
    }
  }
  const set: FeatureSet = { features: fm.data, rows: fm.rows, dim: fm.cols, labels };
  if (files.logits) {
    const oFile = path.join(dir, files.logits);
    if (fs.existsSync(oFile)) {
      const om = npyToFloat32Matrix(readNpy(oFile), oFile);
      if (om.rows !== fm.rows) {
        throw new FsvaeInputError(`${oFile}: ${om.rows} logit rows but ${files.features} has ${fm.rows}; the two files must describe the same samples.`);
      }
      if (om.cols !== numClasses) {
        throw new FsvaeInputError(
          `${oFile}: logits have width ${om.cols}, expected numClasses = ${numClasses} ` + '(Shift-GCN keeps all class outputs); check numClasses or the file.',
        );
      }
      set.logits = om.data;
      set.logitDim = om.cols;
    } else if (files.logitsRequired) {
      throw new FsvaeInputError(`${oFile}: missing; the ${setName} set needs the Shift-GCN logits (N, ${numClasses}) for the seen/unseen gate.`);
    }
  }
  return set;
}

function checkMembership(set: FeatureSet, file: string, allowed: (c: number) => boolean, rule: string): void {
  for (let i = 0; i < set.labels.length; i++) {
    if (!allowed(set.labels[i])) {
      throw new FsvaeInputError(`${file}: label #${i} is class ${set.labels[i]}, but ${rule}. Check the unseen list / split size against this folder.`);
    }
  }
}

/**
 * Reads one split folder (e.g. sk_feats/shift_5_r) and checks it: feature/label/logit row counts
 * agree, widths agree across sets, labels lie in 0..C−1, train (and val) labels are seen, ztest
 * labels are unseen, logits are (N, C), no NaN/Inf.
 */
export function readSynseSplit(dir: string, opts: SynseReadOptions): SynseSplitData {
  const what = `readSynseSplit(${dir})`;
  if (opts.phase !== 'train' && opts.phase !== 'val') throw new FsvaeInputError(`${what}: phase must be 'train' or 'val', got '${String(opts.phase)}'.`);
  if (!Number.isInteger(opts.numClasses) || opts.numClasses < 2)
    throw new FsvaeInputError(`${what}: numClasses must be an integer ≥ 2, got ${opts.numClasses}.`);
  const C = opts.numClasses;
  const unseen = checkClassList(opts.unseen, C, `${what} unseen`);
  if (unseen.length === 0) throw new FsvaeInputError(`${what}: the unseen list is empty.`);
  const absent = checkClassList(opts.absent ?? [], C, `${what} absent`);
  const overlap = absent.filter((c) => unseen.includes(c));
  if (overlap.length) throw new FsvaeInputError(`${what}: classes [${overlap.join(', ')}] are both unseen and absent.`);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new FsvaeInputError(`${dir}: not a folder; expected a SynSE split folder such as sk_feats/${synseFolderName(unseen.length, opts.phase)}.`);
  }
  const u = new Set(unseen);
  const a = new Set(absent);
  const seen: number[] = [];
  for (let c = 0; c < C; c++) if (!u.has(c) && !a.has(c)) seen.push(c);
  if (seen.length === 0) throw new FsvaeInputError(`${what}: no seen class left.`);
  const isSeen = (c: number) => !u.has(c) && !a.has(c);

  const layout = SYNSE_FILES[opts.phase];
  const setNames = Object.keys(layout) as SynseSetName[];
  const sets: Partial<Record<SynseSetName, FeatureSet>> = {};
  for (const name of setNames) sets[name] = readSet(dir, layout[name]!, name, C);

  const train = sets.train!;
  const dim = opts.dim ?? train.dim;
  for (const name of setNames) {
    const s = sets[name]!;
    if (s.dim !== dim) {
      throw new FsvaeInputError(
        `${path.join(dir, layout[name]!.features)}: feature width ${s.dim}, expected ${dim} ` +
          `(${opts.dim !== undefined ? 'requested' : 'the width of train.npy'}); all sets must come from the same extractor.`,
      );
    }
  }
  const seenRule =
    `${opts.phase === 'val' ? 'the val-phase' : 'the'} training classes must be seen ` +
    `(not in unseen [${unseen.join(', ')}]${absent.length ? ` nor absent [${absent.join(', ')}]` : ''})`;
  checkMembership(train, path.join(dir, layout.train!.labels), isSeen, seenRule);
  checkMembership(sets.ztest!, path.join(dir, layout.ztest!.labels), (c) => u.has(c), `ztest must hold only unseen classes [${unseen.join(', ')}]`);
  if (sets.val) checkMembership(sets.val, path.join(dir, layout.val!.labels), isSeen, seenRule.replace('training', 'val'));
  if (sets.gtest && absent.length)
    checkMembership(sets.gtest, path.join(dir, layout.gtest!.labels), (c) => !a.has(c), `classes [${absent.join(', ')}] must be absent`);

  return { dir: path.resolve(dir), phase: opts.phase, numClasses: C, unseen, seen, dim, train, ztest: sets.ztest!, gtest: sets.gtest, val: sets.val };
}

/**
 * Reads one phase folder of a split: phase train with the split's unseen classes; phase val with
 * the val-unseen classes, the test-unseen classes required absent.
 */
export function readSynsePhase(dir: string, split: BenchmarkSplit, phase: SynsePhase, dim?: number): SynseSplitData {
  return phase === 'train'
    ? readSynseSplit(dir, { numClasses: split.numClasses, unseen: split.unseen, phase, dim })
    : readSynseSplit(dir, { numClasses: split.numClasses, unseen: split.valUnseen, absent: split.unseen, phase, dim });
}

/** The phase folder of a registered split under a SynSE root: shift_{u}_r or shift_val_{u}_r (readSynsePhase). */
export function readSynseBenchmark(root: string, split: BenchmarkSplit, phase: SynsePhase, dim?: number): SynseSplitData {
  return readSynsePhase(path.join(findSynseRoot(root), synseFolderName(split.unseen.length, phase)), split, phase, dim);
}

export interface SynseFolderData {
  phase: SynsePhase;
  train: FeatureSet;
  ztest: FeatureSet;
  gtest?: FeatureSet;
  val?: FeatureSet;
}

function checkSetShape(s: FeatureSet, what: string): void {
  if (!Number.isInteger(s.rows) || !Number.isInteger(s.dim) || s.rows < 0 || s.dim < 0 || s.features.length !== s.rows * s.dim) {
    throw new FsvaeInputError(`${what}: features have ${s.features.length} values, expected rows × dim = ${s.rows} × ${s.dim}.`);
  }
  if (s.labels.length !== s.rows) throw new FsvaeInputError(`${what}: ${s.labels.length} labels for ${s.rows} rows.`);
  if (s.logits !== undefined) {
    if (s.logitDim === undefined || s.logits.length !== s.rows * s.logitDim) {
      throw new FsvaeInputError(`${what}: logits have ${s.logits.length} values, expected rows × logitDim = ${s.rows} × ${s.logitDim}.`);
    }
  }
}

/**
 * Writes a split folder in the upstream layout (features and logits float32, labels int64, as
 * SynSE ships them). Checks array shapes only; class-membership rules are the reader's job, so
 * deliberately inconsistent layouts can be written for tests. Phase train writes gtest (and
 * ztest_out when ztest has logits); phase val writes val, ztest_out and val_out.
 */
export function writeSynseSplit(dir: string, folderData: SynseFolderData): void {
  const layout = SYNSE_FILES[folderData.phase];
  if (!layout) throw new FsvaeInputError(`writeSynseSplit(${dir}): phase must be 'train' or 'val'.`);
  for (const name of Object.keys(layout) as SynseSetName[]) {
    const files = layout[name]!;
    const set = folderData[name];
    if (!set) throw new FsvaeInputError(`writeSynseSplit(${dir}): phase ${folderData.phase} needs the '${name}' set.`);
    checkSetShape(set, `writeSynseSplit(${dir}) ${name}`);
    if (files.logitsRequired && !set.logits) throw new FsvaeInputError(`writeSynseSplit(${dir}): the '${name}' set needs logits (${files.logits}).`);
    writeNpy(path.join(dir, files.features), { dtype: 'float32', shape: [set.rows, set.dim], data: set.features });
    const lab = new BigInt64Array(set.labels.length);
    for (let i = 0; i < lab.length; i++) lab[i] = BigInt(set.labels[i]);
    writeNpy(path.join(dir, files.labels), { dtype: 'int64', shape: [set.rows], data: lab });
    if (files.logits && set.logits) {
      writeNpy(path.join(dir, files.logits), { dtype: 'float32', shape: [set.rows, set.logitDim!], data: set.logits });
    }
  }
}
