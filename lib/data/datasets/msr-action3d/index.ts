/**
 * MSR Action3D skeletons (Li, Zhang & Liu, CVPR-W 2010), real-world coordinates:
 * `a{aa}_s{ss}_e{ee}_skeleton3D.txt` (20 actions, 10 subjects, 2–3 episodes), one row
 * `x y z c` per joint (c = confidence), 20 rows per frame, frames in order, no header.
 * Label = action − 1.
 *
 * Joint order. The files do not use the Kinect SDK order. We use the order encoded in the
 * public code of Vemulapalli, Arrate & Chellappa (CVPR 2014, "R3DG", process_skeletal_data.m),
 * which re-orders Kinect-SDK skeletons (UTKinect) into the MSR Action3D order with
 *   joints_order = [5 9 3 2 13 17 1 6 10 7 11 8 12 14 18 15 19 16 20 4]   (SDK indices, 1-based),
 * i.e. MSR row k holds SDK joint joints_order(k): left shoulder, right shoulder, shoulder centre,
 * spine, left hip, right hip, hip centre, left elbow, right elbow, left wrist, right wrist, left
 * hand, right hand, left knee, right knee, left ankle, right ankle, left foot, right foot, head.
 * Another public loader names the same rows with left and right exchanged (row 1 "right
 * shoulder"); bone lengths cannot tell these apart, so the side convention is the R3DG one.
 * The test suite checks this permutation against the R3DG index vector and for bone-length
 * left/right symmetry.
 *
 * Known quirks of the public release: a13_s09_e02 is all zeros (rejected here; the folder reader
 * skips and reports it), and one file has 936 frames (accepted).
 */
import * as path from 'node:path';
import { FsvaeInputError, listInputFolder, readInputText } from '../../../util/assert';
import { KINECT_V1_20, permutationFromNames } from '../../layouts';
import { AllZeroSequenceError, SkeletonSequence, makeSequence, skipEmptySequences } from '../../skeleton';
import { sideFromProtocol } from '../../protocol-side';
import type { DatasetSpec } from '../types';
import { MSR_ACTION3D_CLASS_NAMES } from './classes';
import { MSR_ACTION3D_PROTOCOLS, MSR_ACTION3D_SPLITS, MSR_ACTION3D_XSUB } from './splits';

/** File joint order in layouts.ts names (see the module comment for the source). */
export const MSR_ACTION3D_JOINT_ORDER: readonly string[] = [
  'shoulder_left',
  'shoulder_right',
  'shoulder_center',
  'spine',
  'hip_left',
  'hip_right',
  'hip_center',
  'elbow_left',
  'elbow_right',
  'wrist_left',
  'wrist_right',
  'hand_left',
  'hand_right',
  'knee_left',
  'knee_right',
  'ankle_left',
  'ankle_right',
  'foot_left',
  'foot_right',
  'head',
];

/** MSR_ACTION3D_TO_KINECT_V1[i] = canonical index of file row i (within a frame). */
export const MSR_ACTION3D_TO_KINECT_V1: readonly number[] = permutationFromNames(MSR_ACTION3D_JOINT_ORDER, KINECT_V1_20);

export const MSR_ACTION3D_NAME_RE = /^a(\d{2})_s(\d{2})_e(\d{2})_skeleton3D\.txt$/;

export interface MsrAction3dName {
  action: number;
  subject: number;
  episode: number;
}

/** Parses `a01_s02_e03_skeleton3D.txt`; null when it does not match or is out of range. */
export function parseMsrAction3dName(fileName: string): MsrAction3dName | null {
  const m = MSR_ACTION3D_NAME_RE.exec(path.basename(fileName));
  if (!m) return null;
  const [action, subject, episode] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (action < 1 || action > 20 || subject < 1 || subject > 10 || episode < 1 || episode > 3) return null;
  return { action, subject, episode };
}

const FLOAT_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Thrown for a file whose coordinates are all zero (the folder reader skips those). */
export class MsrAllZeroError extends AllZeroSequenceError {
  constructor(message: string) {
    super(message);
    this.name = 'FsvaeInputError';
  }
}

/** Parses the text of one skeleton3D file; `source` is its path (the name gives the label). */
export function parseMsrAction3d(text: string, source: string): SkeletonSequence {
  const info = parseMsrAction3dName(source);
  if (!info) {
    throw new FsvaeInputError(
      `${source}: the file name does not match a{01..20}_s{01..10}_e{01..03}_skeleton3D.txt, so the action label is unknown. ` +
        'Keep the original MSR Action3D file names.',
    );
  }
  const rows: number[] = [];
  let nRows = 0;
  let confSum = 0;
  text.split('\n').forEach((raw, i) => {
    const s = raw.trim();
    if (!s) return;
    const tok = s.split(/\s+/);
    if (tok.length !== 4) {
      throw new FsvaeInputError(
        `${source}: line ${i + 1} has ${tok.length} values, expected 4 (x y z confidence). ` + 'The file is damaged or not an MSR Action3D skeleton3D file.',
      );
    }
    for (let k = 0; k < 4; k++) {
      const x = Number(tok[k]);
      if (!FLOAT_RE.test(tok[k]) || !Number.isFinite(x) || Math.abs(x) > 3.4e38) {
        throw new FsvaeInputError(`${source}: line ${i + 1}: value ${k + 1} '${tok[k].slice(0, 30)}' is not a finite number. The file is damaged.`);
      }
      if (k < 3) rows.push(x);
      else confSum += x;
    }
    nRows++;
  });
  if (nRows === 0) throw new FsvaeInputError(`${source}: no joint rows (empty file).`);
  if (nRows % 20 !== 0) {
    throw new FsvaeInputError(
      `${source}: ${nRows} joint rows is not a multiple of 20 (20 joints per frame); ` +
        `the file is truncated or damaged (${Math.floor(nRows / 20)} whole frames + ${nRows % 20} rows).`,
    );
  }
  const frames = nRows / 20;
  if (rows.every((x) => x === 0)) {
    throw new MsrAllZeroError(
      `${source}: all ${frames} frames are zero (a known defect of a13_s09_e02 in the public release); ` + 'the file holds no skeleton. Exclude it.',
    );
  }
  const data = new Float32Array(frames * 20 * 3);
  for (let t = 0; t < frames; t++) {
    for (let r = 0; r < 20; r++) {
      const cj = MSR_ACTION3D_TO_KINECT_V1[r];
      for (let c = 0; c < 3; c++) data[(t * 20 + cj) * 3 + c] = rows[(t * 20 + r) * 3 + c];
    }
  }
  checkFraming(data, frames, source);
  const id = path.basename(source).replace(/\.txt$/, '');
  return makeSequence({
    id,
    label: info.action - 1,
    layout: 'kinect-v1-20',
    bodies: 1,
    frames,
    joints: 20,
    data,
    meta: { action: info.action, subject: info.subject, episode: info.episode, meanConfidence: confSum / nRows },
  });
}

/**
 * The format has no frame separators, so a file written with 19 or 21 rows per frame still has a
 * row count that can be a multiple of 20, and would be cut into frames whose rows belong to other
 * joints. Bones are rigid: in a real recording each bone keeps its length from frame to frame
 * (up to sensor noise), whatever the body does; in a mis-framed file the "bones" join different
 * joints in every frame and their lengths swing. Refused when the median over bones of the
 * coefficient of variation of the bone length exceeds 0.35. (Measured on the real Kinect v1
 * recordings of NW-UCLA and UTD-MHAD, 2,345 sequences: at most 0.23, median 0.05-0.12; the same
 * sequences written with 21 rows per frame: about 0.78.)
 */
function checkFraming(data: Float32Array, frames: number, source: string): void {
  if (frames < 3) return;
  const present = (o: number) => data[o] !== 0 || data[o + 1] !== 0 || data[o + 2] !== 0;
  const cvs: number[] = [];
  for (const [a, b] of KINECT_V1_20.bones) {
    let n = 0;
    let sum = 0;
    let sq = 0;
    for (let t = 0; t < frames; t++) {
      const oa = (t * 20 + a) * 3;
      const ob = (t * 20 + b) * 3;
      if (!present(oa) || !present(ob)) continue;
      const len = Math.hypot(data[oa] - data[ob], data[oa + 1] - data[ob + 1], data[oa + 2] - data[ob + 2]);
      n++;
      sum += len;
      sq += len * len;
    }
    if (n < 3 || sum === 0) continue;
    const mean = sum / n;
    cvs.push(Math.sqrt(Math.max(0, sq / n - mean * mean)) / mean);
  }
  if (cvs.length === 0) return;
  cvs.sort((x, y) => x - y);
  const cv = cvs[Math.floor(cvs.length / 2)];
  if (cv > 0.35) {
    throw new FsvaeInputError(
      `${source}: the rows do not form frames of 20 joints: bone lengths vary by ${(100 * cv).toFixed(0)}% from frame to frame ` +
        '(median over bones; a recorded skeleton keeps them within sensor noise); the file was likely written with another number of rows per frame. ' +
        'Re-export it with 20 rows (joints) per frame.',
    );
  }
}

export function readMsrAction3dFile(file: string): SkeletonSequence {
  return parseMsrAction3d(readInputText(file, 'Check the path to the MSR Action3D file.', 64 * 2 ** 20), file);
}

/** Sorted `*_skeleton3D.txt` files of a folder. */
export function listMsrAction3dFolder(folder: string): string[] {
  const files = listInputFolder(folder, '_skeleton3D.txt', "Point to MSR Action3D's folder of a01_s01_e01_skeleton3D.txt files.");
  if (files.length === 0) throw new FsvaeInputError(`${folder}: no *_skeleton3D.txt files; expected MSR Action3D's real-world skeleton folder.`);
  return files;
}

export interface MsrFolderResult {
  sequences: SkeletonSequence[];
  /** files skipped because every coordinate is zero. */
  skipped: string[];
}

/** Reads a folder; all-zero files are skipped and reported, any other defect throws. */
export function readMsrAction3dFolder(folder: string, limit?: number): MsrFolderResult {
  let files = listMsrAction3dFolder(folder);
  if (limit !== undefined) files = files.slice(0, limit);
  return skipEmptySequences(
    files,
    (f) => [readMsrAction3dFile(f)],
    (f) => path.basename(f),
    folder,
  );
}

/** MSR Action3D as a raw-skeleton dataset: odd subjects train, even test; all-zero files skipped and counted. */
export const MSR_ACTION3D: DatasetSpec = {
  name: 'msr-action3d',
  folder: 'msr-action3d',
  download: 'npx fsvae download msr-action3d (manual: see its instructions)',
  read: (dir) => {
    const r = readMsrAction3dFolder(dir);
    return {
      sequences: r.sequences,
      side: sideFromProtocol(MSR_ACTION3D_XSUB),
      note: r.skipped.length ? `${r.skipped.length} all-zero files skipped` : undefined,
    };
  },
  classes: MSR_ACTION3D_CLASS_NAMES,
  splits: MSR_ACTION3D_SPLITS,
  protocols: MSR_ACTION3D_PROTOCOLS,
  source: 'msr-action3d',
  inspectFormat: 'msr-action3d-txt',
};
