/**
 * PKU-MMD Part I (Liu et al. 2017): untrimmed videos with per-video skeleton and label files.
 *
 * Skeleton file (`PKU_Skeleton_Renew/0002-L.txt`): one line per frame of 150 values,
 *   2 bodies × 25 joints × (x y z), Kinect v2 order (= KINECT_V2_25); the second body is all
 *   zeros when only one person is present.
 * Label file (`Train_Label_PKU_final/0002-L.txt`): one line per action instance,
 *   `class,start,end,confidence` with class 1..51 and inclusive frame bounds.
 *
 * Frame numbers are taken as 1-based by default (`frameBase: 1`, frame 1 = the first line);
 * pass `frameBase: 0` for label files that count from 0. Segments become SkeletonSequences with
 * label = class − 1, keeping the second body only when it is non-zero somewhere in the segment.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsvaeInputError, describeFsError, listInputFolder, readInputText } from '../../../util/assert';
import { SkeletonSequence, makeSequence, skipEmptySequences } from '../../skeleton';
import type { DatasetSpec } from '../types';
import { PKU51_CLASS_NAMES } from './classes';
import { PKU51_PROTOCOLS, PKU51_RANDOM_SPLITS, PKU51_SMIE_SPLITS, pkuMmdCrossSubject, pkuMmdSide } from './splits';

export {
  PKU_MMD_XSUB_DEFAULT_SOURCE,
  PKU_MMD_XSUB_TEST_VIDEOS_DEFAULT,
  PkuMmdCrossSubject,
  parsePkuMmdSplitFile,
  pkuMmdCrossSubject,
  pkuMmdSide,
  pkuMmdVideoSide,
} from './splits';

export const PKU_MMD_NUM_CLASSES = 51;
const JOINTS = 25;
const VALUES_PER_FRAME = 2 * JOINTS * 3;

const FLOAT_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const INT_RE = /^[-+]?\d+$/;

export interface PkuMmdLabel {
  /** 1-based class id as in the file. */
  classId: number;
  start: number;
  end: number;
  confidence: number;
  /** 1-based line in the label file. */
  line: number;
}

export interface PkuMmdVideo {
  id: string;
  frames: number;
  /** 2 × frames × 25 × 3, body-major. */
  data: Float32Array;
}

function readText(file: string, what: string): string {
  return readInputText(file, `Check the path to the PKU-MMD ${what}.`, 256 * 2 ** 20);
}

/** Parses a label file (`class,start,end,confidence` per line). */
export function parsePkuMmdLabels(text: string, source: string): PkuMmdLabel[] {
  const out: PkuMmdLabel[] = [];
  text.split('\n').forEach((raw, i) => {
    const s = raw.trim();
    if (!s) return;
    const tok = s.split(',').map((x) => x.trim());
    if (tok.length !== 4) {
      throw new FsvaeInputError(
        `${source}: line ${i + 1} ('${s.slice(0, 40)}') has ${tok.length} comma-separated fields, ` + 'expected 4 (class,start,end,confidence).',
      );
    }
    for (let k = 0; k < 3; k++) {
      if (!INT_RE.test(tok[k]))
        throw new FsvaeInputError(`${source}: line ${i + 1}: ${['class', 'start', 'end'][k]} '${tok[k].slice(0, 20)}' is not an integer.`);
    }
    if (!FLOAT_RE.test(tok[3])) throw new FsvaeInputError(`${source}: line ${i + 1}: confidence '${tok[3].slice(0, 20)}' is not a number.`);
    const [classId, start, end, confidence] = tok.map(Number);
    if (classId < 1 || classId > PKU_MMD_NUM_CLASSES) {
      throw new FsvaeInputError(`${source}: line ${i + 1}: class ${classId} is outside PKU-MMD's 1..${PKU_MMD_NUM_CLASSES}.`);
    }
    out.push({ classId, start, end, confidence, line: i + 1 });
  });
  if (out.length === 0) throw new FsvaeInputError(`${source}: no label lines; a PKU-MMD label file lists class,start,end,confidence per action instance.`);
  return out;
}

/** Parses a skeleton file (150 values per line). */
export function parsePkuMmdSkeleton(text: string, source: string): PkuMmdVideo {
  const lines = text.split('\n');
  const values: Float32Array[] = [];
  lines.forEach((raw, i) => {
    const s = raw.trim();
    if (!s) return;
    const tok = s.split(/\s+/);
    if (tok.length !== VALUES_PER_FRAME) {
      throw new FsvaeInputError(
        `${source}: line ${i + 1} has ${tok.length} values, expected ${VALUES_PER_FRAME} (2 bodies × 25 joints × xyz). ` +
          'The file is truncated or not a PKU-MMD skeleton file.',
      );
    }
    const row = new Float32Array(VALUES_PER_FRAME);
    for (let k = 0; k < VALUES_PER_FRAME; k++) {
      const x = Number(tok[k]);
      if (!FLOAT_RE.test(tok[k]) || !Number.isFinite(x) || Math.abs(x) > 3.4e38) {
        throw new FsvaeInputError(`${source}: line ${i + 1}: value ${k + 1} '${tok[k].slice(0, 30)}' is not a finite number.`);
      }
      row[k] = x;
    }
    values.push(row);
  });
  const frames = values.length;
  if (frames === 0) throw new FsvaeInputError(`${source}: no frames (empty skeleton file).`);
  const data = new Float32Array(2 * frames * JOINTS * 3);
  const per = JOINTS * 3;
  for (let t = 0; t < frames; t++) {
    data.set(values[t].subarray(0, per), t * per);
    data.set(values[t].subarray(per), (frames + t) * per);
  }
  return { id: path.basename(source).replace(/\.txt$/, ''), frames, data };
}

export interface PkuMmdOptions {
  /** first frame number in the label file (default 1). */
  frameBase?: 0 | 1;
}

/** Cuts a video into its labelled segments; `labelSource` names the label file in errors. */
export function pkuMmdSegments(video: PkuMmdVideo, labels: readonly PkuMmdLabel[], labelSource: string, opts: PkuMmdOptions = {}): SkeletonSequence[] {
  const base = opts.frameBase ?? 1;
  const last = video.frames - 1 + base;
  for (const l of labels) {
    if (l.end < l.start) {
      throw new FsvaeInputError(`${labelSource}: line ${l.line}: segment ${l.start}..${l.end} is empty (end before start).`);
    }
    if (l.start < base || l.end > last) {
      throw new FsvaeInputError(
        `${labelSource}: line ${l.line}: segment ${l.start}..${l.end} is outside the video's frames ${base}..${last} ` +
          `(${video.frames} lines in the skeleton file${base === 1 && l.start === 0 ? '; frame 0 suggests 0-based numbering: pass frameBase 0' : ''}).`,
      );
    }
  }
  const sorted = [...labels].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].start <= sorted[i - 1].end) {
      throw new FsvaeInputError(
        `${labelSource}: segments on lines ${sorted[i - 1].line} (${sorted[i - 1].start}..${sorted[i - 1].end}) ` +
          `and ${sorted[i].line} (${sorted[i].start}..${sorted[i].end}) overlap.`,
      );
    }
  }
  const per = JOINTS * 3;
  const indexed = labels.map((l, k) => ({ l, k }));
  return skipEmptySequences(
    indexed,
    ({ l, k }) => [segment(l, k)],
    ({ l, k }) => `${video.id}#${k + 1} (line ${l.line})`,
    labelSource,
  ).sequences;
  function segment(l: PkuMmdLabel, k: number): SkeletonSequence {
    const t0 = l.start - base;
    const frames = l.end - l.start + 1;
    const b0 = video.data.subarray(t0 * per, (t0 + frames) * per);
    const b1 = video.data.subarray((video.frames + t0) * per, (video.frames + t0 + frames) * per);
    const second = b1.some((x) => x !== 0);
    const data = new Float32Array((second ? 2 : 1) * frames * per);
    data.set(b0, 0);
    if (second) data.set(b1, frames * per);
    return makeSequence({
      id: `${video.id}#${k + 1}`,
      label: l.classId - 1,
      layout: 'kinect-v2-25',
      bodies: second ? 2 : 1,
      frames,
      joints: JOINTS,
      data,
      meta: { video: video.id, segment: k + 1, start: l.start, end: l.end, confidence: l.confidence },
    });
  }
}

/** Reads one video's skeleton file and label file and returns its labelled segments. */
export function readPkuMmdVideo(skeletonFile: string, labelFile: string, opts: PkuMmdOptions = {}): SkeletonSequence[] {
  const video = parsePkuMmdSkeleton(readText(skeletonFile, 'skeleton file'), skeletonFile);
  const labels = parsePkuMmdLabels(readText(labelFile, 'label file'), labelFile);
  return pkuMmdSegments(video, labels, labelFile, opts);
}

/** What the first non-blank line of a text file looks like. */
export function sniffTextLine(file: string): 'pku-skeleton' | 'pku-label' | 'xyzc' | 'other' {
  let fd: number | undefined;
  try {
    if (!fs.statSync(file).isFile()) return 'other'; // never open a FIFO or a device: it can block or never end
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(8192);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const line =
      buf
        .subarray(0, n)
        .toString('utf8')
        .split('\n')
        .map((s) => s.trim())
        .find((s) => s.length > 0) ?? '';
    if (/^\d+\s*,\s*\d+\s*,\s*\d+\s*,\s*[\d.]+$/.test(line)) return 'pku-label';
    const tok = line.split(/\s+/);
    if (tok.every((x) => FLOAT_RE.test(x))) {
      if (tok.length === VALUES_PER_FRAME) return 'pku-skeleton';
      if (tok.length === 4) return 'xyzc';
    }
    return 'other';
  } catch {
    return 'other';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export interface PkuMmdDirs {
  skeletonDir: string;
  labelDir: string;
}

/**
 * Finds the skeleton and label folders under `root` (e.g. PKU_Skeleton_Renew/ and
 * Train_Label_PKU_final/) by looking at the first `.txt` file of each subfolder; null when absent.
 */
export function findPkuMmdDirs(root: string): PkuMmdDirs | null {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) return null;
  let skeletonDir: string | null = null;
  let labelDir: string | null = null;
  let entries: string[];
  try {
    entries = fs.readdirSync(root).sort();
  } catch (e) {
    throw describeFsError(root, e, 'Point to the PKU-MMD folder.');
  }
  for (const d of entries) {
    const p = path.join(root, d);
    let isDir = false;
    try {
      isDir = fs.statSync(p).isDirectory();
    } catch {
      continue; // a dangling link or an unreadable entry is not a PKU-MMD subfolder
    }
    if (!isDir) continue;
    let names: string[];
    try {
      names = fs.readdirSync(p);
    } catch (e) {
      throw describeFsError(p, e, 'Every subfolder of the PKU-MMD folder must be readable.');
    }
    const first = names.filter((f) => f.endsWith('.txt')).sort()[0];
    if (!first) continue;
    const kind = sniffTextLine(path.join(p, first));
    if (kind === 'pku-skeleton' && !skeletonDir) skeletonDir = p;
    if (kind === 'pku-label' && !labelDir) labelDir = p;
  }
  return skeletonDir && labelDir ? { skeletonDir, labelDir } : null;
}

/** Pairs of (skeleton file, label file) with the same name; errors list unpaired skeletons. */
export function listPkuMmdVideos(dirs: PkuMmdDirs): { skeleton: string; label: string }[] {
  const skel = listInputFolder(dirs.skeletonDir, '.txt', 'Point to the PKU-MMD skeleton folder.').map((f) => path.basename(f));
  const labels = new Set(listInputFolder(dirs.labelDir, '.txt', 'Point to the PKU-MMD label folder.').map((f) => path.basename(f)));
  const unpaired = skel.filter((f) => !labels.has(f));
  if (unpaired.length) {
    throw new FsvaeInputError(
      `${dirs.labelDir}: no label file for ${unpaired.length} skeleton file(s) of ${dirs.skeletonDir} ` +
        `(${unpaired.slice(0, 3).join(', ')}${unpaired.length > 3 ? ', ...' : ''}). Each video needs both files with the same name.`,
    );
  }
  return skel.map((f) => ({ skeleton: path.join(dirs.skeletonDir, f), label: path.join(dirs.labelDir, f) }));
}

/** Reads every video of a PKU-MMD root folder (see findPkuMmdDirs) into labelled segments. */
export function readPkuMmdFolder(root: string, opts: PkuMmdOptions & { limit?: number } = {}): { sequences: SkeletonSequence[]; videos: number } {
  const dirs = findPkuMmdDirs(root);
  if (!dirs) {
    throw new FsvaeInputError(
      `${root}: no PKU-MMD layout found; expected a folder holding a skeleton subfolder ` +
        '(lines of 150 values, e.g. PKU_Skeleton_Renew/) and a label subfolder (class,start,end,confidence lines, e.g. Train_Label_PKU_final/).',
    );
  }
  let pairs = listPkuMmdVideos(dirs);
  if (opts.limit !== undefined) pairs = pairs.slice(0, opts.limit);
  const sequences = pairs.flatMap((p) => readPkuMmdVideo(p.skeleton, p.label, opts));
  return { sequences, videos: pairs.length };
}

/** PKU-MMD Part I as a raw-skeleton dataset, cross-subject by video id (pkuMmdCrossSubject). */
export const PKU51: DatasetSpec = {
  name: 'pku51',
  folder: 'pku-mmd',
  download: 'npx fsvae download pku-mmd (manual: see its instructions)',
  read: (dir) => {
    const xsub = pkuMmdCrossSubject({ root: dir });
    return { sequences: readPkuMmdFolder(dir).sequences, side: pkuMmdSide(xsub.testVideos, xsub.trainVideos), note: `cross-subject sides: ${xsub.source}` };
  },
  classes: PKU51_CLASS_NAMES,
  splits: PKU51_SMIE_SPLITS,
  randomSplits: PKU51_RANDOM_SPLITS,
  protocols: PKU51_PROTOCOLS,
  source: 'pku-mmd',
  inspectFormat: 'pku-mmd',
};
