/**
 * Format detection and dataset summaries for `fsvae inspect`.
 *
 * Detected formats: NTU RGB+D `.skeleton`, NW-UCLA JSON, UTD-MHAD `.mat`, MSR Action3D
 * `*_skeleton3D.txt`, a PKU-MMD folder (skeleton + label subfolders), `.npy` arrays and the
 * SynSE feature layout (`shift_*_r/` subfolders, or one such folder with train.npy and
 * train_label.npy). Folders of skeleton files are summarised one file at a time, so large
 * datasets need no more memory than one sequence.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsvaeInputError, describeFsError, listInputFolder, readInputText } from '../util/assert';
import { DatasetName, classNames } from './classes';
import { readNpy, npyToLabels } from './npy';
import { RAW_DATASETS, InspectFormat } from './datasets';
import { NW_UCLA, parseNwUclaJson } from './datasets/nw-ucla';
import { NTU60, NTU120, NtuMissingList, defaultNtuMissingList, listNtuFolder, readNtuSkeleton } from './datasets/ntu';
import { UTD_MHAD, listUtdMhadFolder, readUtdMhadFile } from './datasets/utd-mhad';
import { MSR_ACTION3D, MsrAllZeroError, listMsrAction3dFolder, readMsrAction3dFile } from './datasets/msr-action3d';
import { PKU51, PkuMmdDirs, findPkuMmdDirs, listPkuMmdVideos, readPkuMmdVideo, sniffTextLine } from './datasets/pku51';
import { SkeletonSequence } from './skeleton';

export type { InspectFormat } from './datasets';

export const INSPECT_FORMAT_LABELS: Readonly<Record<InspectFormat, string>> = {
  'ntu-skeleton': 'NTU RGB+D .skeleton',
  'nw-ucla-json': 'NW-UCLA JSON',
  'utd-mhad-mat': 'UTD-MHAD .mat (MATLAB v5)',
  'msr-action3d-txt': 'MSR Action3D skeleton3D.txt',
  'pku-mmd': 'PKU-MMD Part I (skeleton + label folders)',
  npy: 'NumPy .npy',
  'synse-features': 'SynSE / FS-VAE pre-extracted features (shift_*_r)',
};

/**
 * The dataset whose class names label an inspected format: the spec with that inspectFormat; of
 * several (NTU-60 and NTU-120 share .skeleton files), the one with the most classes, whose names
 * extend the others'.
 */
const DATASET_OF: Partial<Record<InspectFormat, DatasetName>> = {};
for (const spec of Object.values(RAW_DATASETS).sort((a, b) => a.classes.length - b.classes.length)) {
  if (spec.inspectFormat) DATASET_OF[spec.inspectFormat] = spec.name;
}

export interface FormatDetection {
  format: InspectFormat;
  kind: 'file' | 'folder';
  path: string;
}

const SUPPORTED =
  'NTU .skeleton, NW-UCLA .json, UTD-MHAD .mat, MSR Action3D *_skeleton3D.txt, a PKU-MMD folder (skeleton + label subfolders), .npy, ' +
  'or a SynSE feature folder (shift_*_r/ or train.npy + train_label.npy)';

function startsWith(file: string, magic: number[]): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(magic.length);
    const n = fs.readSync(fd, buf, 0, magic.length, 0);
    return n === magic.length && magic.every((b, i) => buf[i] === b);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const MAT_MAGIC = Array.from('MATLAB', (c) => c.charCodeAt(0));
const SHIFT_DIR_RE = /^shift_(val_)?\d+_r$/;

function detectFile(p: string): InspectFormat {
  const base = path.basename(p);
  if (base.endsWith('.skeleton')) return 'ntu-skeleton';
  if (base.endsWith('.npy') || startsWith(p, NPY_MAGIC)) return 'npy';
  if (base.endsWith('.mat') || startsWith(p, MAT_MAGIC)) return 'utd-mhad-mat';
  if (base.endsWith('.json')) return 'nw-ucla-json';
  if (base.endsWith('_skeleton3D.txt')) return 'msr-action3d-txt';
  if (base.endsWith('.txt')) {
    const kind = sniffTextLine(p);
    if (kind === 'xyzc') return 'msr-action3d-txt';
    if (kind === 'pku-skeleton' || kind === 'pku-label') {
      throw new FsvaeInputError(
        `${p}: looks like a PKU-MMD ${kind === 'pku-skeleton' ? 'skeleton' : 'label'} file; ` +
          'a PKU-MMD video needs both files, so inspect the folder that holds the skeleton and label subfolders.',
      );
    }
  }
  throw new FsvaeInputError(`${p}: unrecognised file format. Supported: ${SUPPORTED}.`);
}

/** Detects the format of a file or folder (FsvaeInputError when unknown or missing). */
export function detectFormat(p: string): FormatDetection {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (e) {
    throw describeFsError(p, e, 'Check the path.');
  }
  if (st.isFile()) return { format: detectFile(p), kind: 'file', path: p };
  if (!st.isDirectory()) throw new FsvaeInputError(`${p}: neither a file nor a folder.`);
  let entries: string[];
  try {
    entries = fs.readdirSync(p).sort();
  } catch (e) {
    throw describeFsError(p, e, 'Point to a readable data folder.');
  }
  const isDir = (e: string) => {
    try {
      return fs.statSync(path.join(p, e)).isDirectory();
    } catch {
      return false; // dangling link or unreadable entry
    }
  };
  if (entries.some((e) => SHIFT_DIR_RE.test(e) && isDir(e))) return { format: 'synse-features', kind: 'folder', path: p };
  if (entries.includes('train.npy') && entries.includes('train_label.npy')) return { format: 'synse-features', kind: 'folder', path: p };
  if (findPkuMmdDirs(p)) return { format: 'pku-mmd', kind: 'folder', path: p };
  const counts: [InspectFormat, number][] = [
    ['ntu-skeleton', entries.filter((e) => e.endsWith('.skeleton')).length],
    ['nw-ucla-json', entries.filter((e) => e.endsWith('.json')).length],
    ['utd-mhad-mat', entries.filter((e) => e.endsWith('.mat')).length],
    ['msr-action3d-txt', entries.filter((e) => e.endsWith('_skeleton3D.txt')).length],
    ['npy', entries.filter((e) => e.endsWith('.npy')).length],
  ];
  counts.sort((a, b) => b[1] - a[1]);
  if (counts[0][1] === 0) throw new FsvaeInputError(`${p}: no recognised files in this folder. Supported: ${SUPPORTED}.`);
  return { format: counts[0][0], kind: 'folder', path: p };
}

export interface InspectArrayInfo {
  file: string;
  dtype: string;
  shape: number[];
  /** for label arrays: number of distinct labels and their range. */
  labels?: { distinct: number; min: number; max: number };
}

export interface InspectSummary {
  path: string;
  format: InspectFormat;
  kind: 'file' | 'folder';
  sequences: number;
  /** 0-based label → count, ascending labels. */
  classes: { label: number; name: string | null; count: number }[];
  frames: { min: number; median: number; max: number } | null;
  joints: number | null;
  layout: string | null;
  bodies: { min: number; max: number } | null;
  /** files or samples left out, with why. */
  skipped: { count: number; reason: string }[];
  arrays: InspectArrayInfo[];
  notes: string[];
}

class SkeletonStats {
  private frames: number[] = [];
  private classes = new Map<number, number>();
  private joints = new Set<number>();
  private layouts = new Set<string>();
  private bodyMin = Infinity;
  private bodyMax = 0;
  add(s: SkeletonSequence): void {
    this.frames.push(s.frames);
    this.classes.set(s.label, (this.classes.get(s.label) ?? 0) + 1);
    this.joints.add(s.joints);
    this.layouts.add(s.layout);
    this.bodyMin = Math.min(this.bodyMin, s.bodies);
    this.bodyMax = Math.max(this.bodyMax, s.bodies);
  }
  fill(sum: InspectSummary, dataset: DatasetName | undefined): void {
    const f = [...this.frames].sort((a, b) => a - b);
    const n = f.length;
    sum.sequences = n;
    if (n === 0) return;
    const mid = n >> 1;
    sum.frames = { min: f[0], median: n % 2 ? f[mid] : (f[mid - 1] + f[mid]) / 2, max: f[n - 1] };
    sum.joints = this.joints.size === 1 ? [...this.joints][0] : null;
    sum.layout = [...this.layouts].join(', ');
    sum.bodies = { min: this.bodyMin, max: this.bodyMax };
    const names = dataset ? classNames(dataset) : [];
    sum.classes = [...this.classes.entries()].sort((a, b) => a[0] - b[0]).map(([label, count]) => ({ label, name: names[label] ?? null, count }));
  }
}

function npyInfo(file: string, shown: string): InspectArrayInfo {
  const arr = readNpy(file);
  const info: InspectArrayInfo = { file: shown, dtype: arr.dtype, shape: arr.shape };
  if (/label/.test(path.basename(file)) && arr.shape.length === 1) {
    const labels = npyToLabels(arr, file);
    let min = Infinity;
    let max = -Infinity;
    const set = new Set<number>();
    for (const v of labels) {
      set.add(v);
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    info.labels = { distinct: set.size, min: labels.length ? min : 0, max: labels.length ? max : 0 };
  }
  return info;
}

export interface InspectOptions {
  /** summarise only the first `limit` files (sorted) of a folder. */
  limit?: number;
  /** NTU missing-skeleton list; default: defaultNtuMissingList(). */
  ntuMissing?: NtuMissingList | null;
}

/** Detects the format of `p` and summarises it. Any defect raises FsvaeInputError naming the file. */
export function inspectPath(p: string, opts: InspectOptions = {}): InspectSummary {
  const det = detectFormat(p);
  const sum: InspectSummary = {
    path: p,
    format: det.format,
    kind: det.kind,
    sequences: 0,
    classes: [],
    frames: null,
    joints: null,
    layout: null,
    bodies: null,
    skipped: [],
    arrays: [],
    notes: [],
  };
  const stats = new SkeletonStats();
  const limit = <T>(xs: T[]): T[] => (opts.limit === undefined ? xs : xs.slice(0, opts.limit));
  if (opts.limit !== undefined && det.kind === 'folder') sum.notes.push(`only the first ${opts.limit} files (sorted by name) were read`);
  switch (det.format) {
    case 'ntu-skeleton': {
      const missing = opts.ntuMissing === undefined ? defaultNtuMissingList() : opts.ntuMissing;
      if (det.kind === 'file') {
        stats.add(readNtuSkeleton(p, { missing }));
      } else {
        const { files, skipped } = listNtuFolder(p, missing);
        for (const f of limit(files)) stats.add(readNtuSkeleton(f, { missing }));
        if (missing)
          sum.skipped.push({
            count: skipped.length,
            reason: `on the NTU missing-skeleton list (${missing.sources.map((s) => path.basename(s)).join(', ')})`,
          });
      }
      if (!missing) sum.notes.push('no NTU missing-skeleton list was found (ntu-samples/ under the data roots); samples were not checked against it');
      sum.notes.push('bodies: the 2 most active (motion) bodies per sample are kept');
      break;
    }
    case 'nw-ucla-json': {
      const files = det.kind === 'file' ? [p] : limit(listInputFolder(p, '.json', "Point to NW-UCLA's all_sqe/ folder."));
      for (const f of files) stats.add(parseNwUclaJson(readInputText(f, 'Check the NW-UCLA file.', 64 * 2 ** 20), f));
      break;
    }
    case 'utd-mhad-mat': {
      const files = det.kind === 'file' ? [p] : limit(listUtdMhadFolder(p));
      for (const f of files) stats.add(readUtdMhadFile(f));
      break;
    }
    case 'msr-action3d-txt': {
      const files = det.kind === 'file' ? [p] : limit(listMsrAction3dFolder(p));
      const zero: string[] = [];
      for (const f of files) {
        try {
          stats.add(readMsrAction3dFile(f));
        } catch (e) {
          if (e instanceof MsrAllZeroError && det.kind === 'folder') zero.push(path.basename(f));
          else throw e;
        }
      }
      if (det.kind === 'folder') sum.skipped.push({ count: zero.length, reason: `all-zero files${zero.length ? ` (${zero.join(', ')})` : ''}` });
      break;
    }
    case 'pku-mmd': {
      const dirs = findPkuMmdDirs(p) as PkuMmdDirs;
      const videos = limit(listPkuMmdVideos(dirs));
      for (const v of videos) for (const s of readPkuMmdVideo(v.skeleton, v.label)) stats.add(s);
      sum.notes.push(
        `${videos.length} videos; skeletons in ${path.basename(dirs.skeletonDir)}/, labels in ${path.basename(dirs.labelDir)}/; ` +
          'sequences are the labelled segments',
      );
      break;
    }
    case 'npy': {
      const files = det.kind === 'file' ? [p] : limit(listInputFolder(p, '.npy', 'Point to a folder of .npy files.'));
      for (const f of files) sum.arrays.push(npyInfo(f, det.kind === 'file' ? path.basename(f) : path.relative(p, f)));
      break;
    }
    case 'synse-features': {
      const entries = fs.readdirSync(p).sort();
      const shiftDirs = entries.filter((e) => {
        if (!SHIFT_DIR_RE.test(e)) return false;
        try {
          return fs.statSync(path.join(p, e)).isDirectory();
        } catch {
          return false;
        }
      });
      const dirs = shiftDirs.length ? shiftDirs.map((d) => path.join(p, d)) : [p];
      for (const d of dirs) {
        const npys = listInputFolder(d, '.npy', 'Point to a SynSE feature folder.');
        if (npys.length === 0) sum.notes.push(`${path.relative(p, d) || '.'}: no .npy files`);
        for (const f of npys) sum.arrays.push(npyInfo(f, path.relative(p, f)));
      }
      break;
    }
  }
  stats.fill(sum, DATASET_OF[det.format]);
  if (sum.sequences === 0 && det.format !== 'npy' && det.format !== 'synse-features') {
    throw new FsvaeInputError(`${p}: no readable sequence (${sum.skipped.map((s) => `${s.count} ${s.reason}`).join('; ') || 'nothing to read'}).`);
  }
  return sum;
}

/** The human-readable summary printed by `fsvae inspect`. */
export function formatInspectSummary(s: InspectSummary): string {
  const L: string[] = [];
  const row = (k: string, v: string) => L.push(`${(k + ':').padEnd(11)}${v}`);
  row('path', s.path);
  row('format', `${INSPECT_FORMAT_LABELS[s.format]} [${s.format}], ${s.kind}`);
  if (s.format !== 'npy' && s.format !== 'synse-features') {
    row('sequences', String(s.sequences));
    for (const k of s.skipped) row('skipped', `${k.count} ${k.reason}`);
    row('classes', String(s.classes.length));
    const w = Math.max(5, ...s.classes.map((c) => String(c.label).length));
    const cw = Math.max(5, ...s.classes.map((c) => String(c.count).length));
    L.push(`  ${'label'.padStart(w)}  ${'count'.padStart(cw)}  name`);
    for (const c of s.classes) L.push(`  ${String(c.label).padStart(w)}  ${String(c.count).padStart(cw)}  ${c.name ?? ''}`.trimEnd());
    if (s.frames) row('frames', `min ${s.frames.min}, median ${s.frames.median}, max ${s.frames.max}`);
    row('joints', `${s.joints ?? 'mixed'} (${s.layout})`);
    if (s.bodies) row('bodies', s.bodies.min === s.bodies.max ? String(s.bodies.min) : `${s.bodies.min}..${s.bodies.max}`);
  } else {
    row('arrays', String(s.arrays.length));
    const w = Math.max(4, ...s.arrays.map((a) => a.file.length));
    for (const a of s.arrays) {
      const lab = a.labels ? `  ${a.labels.distinct} distinct labels in ${a.labels.min}..${a.labels.max}` : '';
      L.push(`  ${a.file.padEnd(w)}  ${a.dtype.padEnd(7)}  (${a.shape.join(', ')})${lab}`);
    }
  }
  for (const n of s.notes) row('note', n);
  return L.join('\n');
}

/** Folder names (relative to a data root) where each dataset lives, in the order they are tried. */
export const KNOWN_DATASET_FOLDERS: readonly string[] = [
  NW_UCLA.folder,
  UTD_MHAD.folder,
  MSR_ACTION3D.folder,
  `${NTU60.folder}/nturgb+d_skeletons`,
  `${NTU120.folder}/nturgb+d_skeletons120`,
  'ntu-samples',
  PKU51.folder,
  'sk_feats',
  'pku-mmd-features',
];

export interface InspectTreeEntry {
  path: string;
  /** how the folder was chosen */
  reason: string;
  summary?: InspectSummary;
  /** the error of a folder that was chosen but could not be read */
  error?: string;
}

/**
 * A data root rather than a dataset: the known dataset folders below `root` (by name, see
 * KNOWN_DATASET_FOLDERS), then any other subfolder up to two levels down whose content is a
 * recognised format. Each is summarised (or its error kept); the reason says how it was chosen.
 * Returns an empty list when nothing below is recognised.
 */
export function inspectTree(root: string, opts: InspectOptions = {}): InspectTreeEntry[] {
  const out: InspectTreeEntry[] = [];
  const seen = new Set<string>();
  const isDir = (p: string) => {
    try {
      return fs.statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  const visit = (p: string, reason: string) => {
    const abs = path.resolve(p);
    if (seen.has(abs)) return;
    seen.add(abs);
    try {
      out.push({ path: p, reason, summary: inspectPath(p, opts) });
    } catch (e) {
      if (!(e instanceof FsvaeInputError)) throw e;
      out.push({ path: p, reason, error: e.message });
    }
  };
  for (const rel of KNOWN_DATASET_FOLDERS) {
    const p = path.join(root, rel);
    if (isDir(p)) visit(p, `known dataset folder name '${rel}'`);
  }
  const covered = (p: string) =>
    [...seen].some((s) => path.resolve(p) === s || path.resolve(p).startsWith(s + path.sep) || s.startsWith(path.resolve(p) + path.sep));
  const list = (d: string) => {
    try {
      return fs
        .readdirSync(d)
        .sort()
        .map((e) => path.join(d, e))
        .filter(isDir);
    } catch {
      return [];
    }
  };
  for (const d1 of list(root)) {
    for (const d of [d1, ...list(d1)]) {
      if (covered(d)) continue;
      try {
        detectFormat(d);
      } catch {
        continue; // not a dataset folder
      }
      visit(d, `recognised content ${path.relative(root, d).split(path.sep).length === 1 ? 'one level' : 'two levels'} down`);
    }
  }
  return out;
}
