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
import { FsvaeInputError, describeFsError, listInputFolder, readInputText } from '../util/assert';
import { SkeletonSequence, makeSequence, skipEmptySequences } from './skeleton';
import type { RawDatasetSpec } from './raw-dataset';

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
      throw new FsvaeInputError(`${source}: line ${i + 1} ('${s.slice(0, 40)}') has ${tok.length} comma-separated fields, `
        + 'expected 4 (class,start,end,confidence).');
    }
    for (let k = 0; k < 3; k++) {
      if (!INT_RE.test(tok[k])) throw new FsvaeInputError(
        `${source}: line ${i + 1}: ${['class', 'start', 'end'][k]} '${tok[k].slice(0, 20)}' is not an integer.`,
      );
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
      throw new FsvaeInputError(`${source}: line ${i + 1} has ${tok.length} values, expected ${VALUES_PER_FRAME} (2 bodies × 25 joints × xyz). `
        + 'The file is truncated or not a PKU-MMD skeleton file.');
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
      throw new FsvaeInputError(`${labelSource}: line ${l.line}: segment ${l.start}..${l.end} is outside the video's frames ${base}..${last} `
        + `(${video.frames} lines in the skeleton file${base === 1 && l.start === 0 ? '; frame 0 suggests 0-based numbering: pass frameBase 0' : ''}).`);
    }
  }
  const sorted = [...labels].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].start <= sorted[i - 1].end) {
      throw new FsvaeInputError(`${labelSource}: segments on lines ${sorted[i - 1].line} (${sorted[i - 1].start}..${sorted[i - 1].end}) `
        + `and ${sorted[i].line} (${sorted[i].start}..${sorted[i].end}) overlap.`);
    }
  }
  const per = JOINTS * 3;
  const indexed = labels.map((l, k) => ({ l, k }));
  return skipEmptySequences(indexed, ({ l, k }) => [segment(l, k)], ({ l, k }) => `${video.id}#${k + 1} (line ${l.line})`, labelSource).sequences;
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
      id: `${video.id}#${k + 1}`, label: l.classId - 1, layout: 'kinect-v2-25', bodies: second ? 2 : 1, frames, joints: JOINTS, data,
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
    const line = buf.subarray(0, n).toString('utf8').split('\n').map((s) => s.trim()).find((s) => s.length > 0) ?? '';
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
    throw new FsvaeInputError(`${dirs.labelDir}: no label file for ${unpaired.length} skeleton file(s) of ${dirs.skeletonDir} `
      + `(${unpaired.slice(0, 3).join(', ')}${unpaired.length > 3 ? ', ...' : ''}). Each video needs both files with the same name.`);
  }
  return skel.map((f) => ({ skeleton: path.join(dirs.skeletonDir, f), label: path.join(dirs.labelDir, f) }));
}

/** Reads every video of a PKU-MMD root folder (see findPkuMmdDirs) into labelled segments. */
export function readPkuMmdFolder(root: string, opts: PkuMmdOptions & { limit?: number } = {}): { sequences: SkeletonSequence[]; videos: number } {
  const dirs = findPkuMmdDirs(root);
  if (!dirs) {
    throw new FsvaeInputError(`${root}: no PKU-MMD layout found; expected a folder holding a skeleton subfolder `
      + '(lines of 150 values, e.g. PKU_Skeleton_Renew/) and a label subfolder (class,start,end,confidence lines, e.g. Train_Label_PKU_final/).');
  }
  let pairs = listPkuMmdVideos(dirs);
  if (opts.limit !== undefined) pairs = pairs.slice(0, opts.limit);
  const sequences = pairs.flatMap((p) => readPkuMmdVideo(p.skeleton, p.label, opts));
  return { sequences, videos: pairs.length };
}

// ---------------------------------------------------------------------------------------------
// Cross-subject side
//
// PKU-MMD file names (NNNN-{L,M,R}.txt) carry no performer id; the official protocol is a list of
// video ids (Split/cross-subject.txt: "Training videos:" then "Validataion videos:", the upstream
// spelling). The side is therefore decided by video id (seq.meta.video), from an explicit list:
// the split file when present, else the caller's list, else PKU_MMD_XSUB_TEST_VIDEOS_DEFAULT (see
// there for what it is and how sure it is).

const VIDEO_ID = /^\d{4}-[LMR]$/;

/**
 * Default cross-subject TEST videos of PKU-MMD Part I: video numbers 0291..0334 in all three views
 * (132 of the 1076 videos). This is the "Validataion videos" list of the official
 * Split/cross-subject.txt as it appears verbatim in public preprocessing code (e.g. the PKU-MMD
 * v1 generator of ViewAdaptiveLSTM); it has not been checked here against the official file, which
 * is distributed with the dataset. When <pku-mmd>/Split/cross-subject.txt exists it is used
 * instead, and every result names the list it used.
 */
export const PKU_MMD_XSUB_TEST_VIDEOS_DEFAULT: readonly string[] = (() => {
  const out: string[] = [];
  for (let n = 291; n <= 334; n++) for (const v of ['L', 'M', 'R']) out.push(`${String(n).padStart(4, '0')}-${v}`);
  return out;
})();

export const PKU_MMD_XSUB_DEFAULT_SOURCE =
  'default list: test = videos 0291..0334 × {L,M,R} (132 videos), the validation list of the official Split/cross-subject.txt '
    + 'as reproduced in public preprocessing code; not verified against the official file here';

/** Which videos form each side of the cross-subject protocol, and where the lists came from. */
export interface PkuMmdCrossSubject {
  testVideos: string[];
  /** null: every video not in testVideos is on the train side. */
  trainVideos: string[] | null;
  source: string;
}

function checkVideoList(list: readonly string[], what: string): string[] {
  if (!Array.isArray(list) || list.length === 0) throw new FsvaeInputError(`${what}: the video list is empty; give PKU-MMD video ids like '0291-L'.`);
  const seen = new Set<string>();
  for (const v of list) {
    const s = typeof v === 'string' ? v.trim() : '';
    if (!VIDEO_ID.test(s)) throw new FsvaeInputError(`${what}: '${String(v)}' is not a PKU-MMD video id; ids look like '0291-L' (4 digits, view L/M/R).`);
    if (seen.has(s)) throw new FsvaeInputError(`${what}: video '${s}' is listed twice.`);
    seen.add(s);
  }
  return [...seen];
}

/**
 * Parses the official split file (Split/cross-subject.txt or cross-view.txt): a line
 * "Training videos:", a comma-separated list, a line "Validataion videos:" (upstream spelling;
 * "Validation" is accepted too), a comma-separated list. The validation list is the test side.
 */
export function parsePkuMmdSplitFile(text: string, source: string): { train: string[]; test: string[] } {
  const t = String(text).replace(/\r/g, '');
  const tr = t.search(/Training videos\s*:/i);
  const va = t.search(/Valid(?:at)?aion videos\s*:|Validation videos\s*:/i);
  if (tr < 0 || va < 0 || va < tr) {
    throw new FsvaeInputError(`${source}: not a PKU-MMD split file; expected a 'Training videos:' section followed by a 'Validataion videos:' section `
      + '(Split/cross-subject.txt of the dataset).');
  }
  const body = (s: string) => s.slice(s.indexOf(':') + 1).split(/[,\s]+/).map((x) => x.trim()).filter((x) => x.length > 0);
  const train = checkVideoList(body(t.slice(tr, va)), `${source} (training videos)`);
  const test = checkVideoList(body(t.slice(va)), `${source} (validation videos)`);
  const both = test.filter((v) => train.includes(v));
  if (both.length) throw new FsvaeInputError(`${source}: videos [${both.slice(0, 5).join(', ')}] are on both sides.`);
  return { train, test };
}

/**
 * The cross-subject lists: an explicit `testVideos` list wins, then `splitFile`, then
 * <root>/Split/cross-subject.txt when it exists, else PKU_MMD_XSUB_TEST_VIDEOS_DEFAULT.
 */
export function pkuMmdCrossSubject(opts: { testVideos?: readonly string[]; splitFile?: string; root?: string } = {}): PkuMmdCrossSubject {
  if (opts.testVideos !== undefined) {
    return {
      testVideos: checkVideoList(opts.testVideos, 'pkuMmdCrossSubject(testVideos)'), trainVideos: null,
      source: `explicit list of ${opts.testVideos.length} test videos`,
    };
  }
  const file = opts.splitFile ?? (opts.root ? path.join(opts.root, 'Split', 'cross-subject.txt') : undefined);
  if (opts.splitFile !== undefined && !fs.existsSync(opts.splitFile)) {
    throw new FsvaeInputError(`${opts.splitFile}: split file not found; give the path of PKU-MMD's Split/cross-subject.txt, `
      + 'or leave splitFile unset to use the default list.');
  }
  if (file && fs.existsSync(file)) {
    const { train, test } = parsePkuMmdSplitFile(fs.readFileSync(file, 'utf8'), file);
    return { testVideos: test, trainVideos: train, source: `official split file ${file} (${train.length} training, ${test.length} test videos)` };
  }
  return { testVideos: [...PKU_MMD_XSUB_TEST_VIDEOS_DEFAULT], trainVideos: null, source: PKU_MMD_XSUB_DEFAULT_SOURCE };
}

/**
 * Cross-subject side of a PKU-MMD video id: 'test' when listed in `testVideos`; with
 * `trainVideos` given, 'train' only when listed there (a video in neither list is an error), else
 * every other video is 'train'.
 */
export function pkuMmdVideoSide(testVideos: readonly string[], trainVideos: readonly string[] | null = null): (video: string) => 'train' | 'test' {
  const te = new Set(checkVideoList(testVideos, 'pkuMmdSide(testVideos)'));
  const tr = trainVideos === null ? null : new Set(checkVideoList(trainVideos, 'pkuMmdSide(trainVideos)'));
  if (tr) {
    const both = [...te].filter((v) => tr.has(v));
    if (both.length) throw new FsvaeInputError(`pkuMmdSide: videos [${both.slice(0, 5).join(', ')}] are on both the train and the test side.`);
  }
  return (v: string) => {
    if (te.has(v)) return 'test';
    if (!tr || tr.has(v)) return 'train';
    throw new FsvaeInputError(`pkuMmdSide: video ${v} is in neither the training nor the test list of the split file; the file does not match these videos.`);
  };
}

/** The same side for a segment read by readPkuMmdFolder, from its seq.meta.video. */
export function pkuMmdSide(testVideos: readonly string[], trainVideos: readonly string[] | null = null): (seq: SkeletonSequence) => 'train' | 'test' {
  const sideOf = pkuMmdVideoSide(testVideos, trainVideos);
  return (seq: SkeletonSequence) => {
    const v = seq.meta?.video;
    if (typeof v !== 'string' || !VIDEO_ID.test(v)) {
      throw new FsvaeInputError(`pkuMmdSide: sequence ${seq.id} has no PKU-MMD video id in meta.video (got ${JSON.stringify(v)}); `
        + 'read the data with readPkuMmdFolder (lib/data/pku-mmd.ts), which records it.');
    }
    return sideOf(v);
  };
}

/** PKU-MMD Part I as a raw-skeleton dataset, cross-subject by video id (pkuMmdCrossSubject). */
export const PKU51: RawDatasetSpec = {
  name: 'pku51', folder: 'pku-mmd', download: 'npx fsvae download pku-mmd (manual: see its instructions)',
  read: (dir) => {
    const xsub = pkuMmdCrossSubject({ root: dir });
    return { sequences: readPkuMmdFolder(dir).sequences, side: pkuMmdSide(xsub.testVideos, xsub.trainVideos), note: `cross-subject sides: ${xsub.source}` };
  },
};
