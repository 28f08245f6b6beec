/**
 * UTD-MHAD skeletons (Chen, Jafari & Kehtarnavaz, ICIP 2015): one MATLAB v5 file per sequence,
 * `a{1..27}_s{1..8}_t{1..4}_skeleton.mat`, variable `d_skel` of size 20 joints × 3 × T (metres,
 * Kinect v1). Label = action − 1. The joint order is the dataset's `Skeleton_joint_order.txt`
 * (head first, hip centre fourth), which is permuted here into the Kinect SDK order KINECT_V1_20.
 * The public release has 861 sequences (a8, a23 and a27 lack one each).
 */
import * as path from 'node:path';
import { FsvaeInputError, listInputFolder, readInputFile } from '../../../util/assert';
import { KINECT_V1_20, permutationFromNames } from '../../layouts';
import { parseMat5, matNumeric } from '../../mat5';
import { AllZeroSequenceError, SkeletonSequence, makeSequence, skipEmptySequences } from '../../skeleton';
import { sideFromProtocol } from '../../protocol-side';
import type { DatasetSpec } from '../types';
import { UTD_MHAD_CLASS_NAMES } from './classes';
import { UTD_MHAD_PROTOCOLS, UTD_MHAD_SPLITS, UTD_MHAD_XSUB } from './splits';

/** Joint order of the files, verbatim from Skeleton_joint_order.txt (1-based there). */
export const UTD_MHAD_JOINT_ORDER: readonly string[] = [
  'head',
  'shoulder_center',
  'spine',
  'hip_center',
  'left_shoulder',
  'left_elbow',
  'left_wrist',
  'left_hand',
  'right_shoulder',
  'right_elbow',
  'right_wrist',
  'right_hand',
  'left_hip',
  'left_knee',
  'left_ankle',
  'left_foot',
  'right_hip',
  'right_knee',
  'right_ankle',
  'right_foot',
];

/** `left_elbow` → `elbow_left` (the naming of layouts.ts). */
function toLayoutName(n: string): string {
  const m = /^(left|right)_(.+)$/.exec(n);
  return m ? `${m[2]}_${m[1]}` : n;
}

/** UTD_MHAD_TO_KINECT_V1[i] = canonical index of file joint i. */
export const UTD_MHAD_TO_KINECT_V1: readonly number[] = permutationFromNames(UTD_MHAD_JOINT_ORDER.map(toLayoutName), KINECT_V1_20);

export const UTD_MHAD_NAME_RE = /^a(\d{1,2})_s(\d{1,2})_t(\d{1,2})_skeleton\.mat$/;

export interface UtdMhadName {
  action: number;
  subject: number;
  trial: number;
}

/** Parses `a12_s3_t4_skeleton.mat`; null when it does not match or is out of range. */
export function parseUtdMhadName(fileName: string): UtdMhadName | null {
  const m = UTD_MHAD_NAME_RE.exec(path.basename(fileName));
  if (!m) return null;
  const [action, subject, trial] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (action < 1 || action > 27 || subject < 1 || subject > 8 || trial < 1 || trial > 4) return null;
  return { action, subject, trial };
}

/** Parses the bytes of one UTD-MHAD `.mat`; `source` is its path (the name gives the label). */
export function parseUtdMhadMat(buf: Uint8Array, source: string): SkeletonSequence {
  const info = parseUtdMhadName(source);
  if (!info) {
    throw new FsvaeInputError(
      `${source}: the file name does not match a{1..27}_s{1..8}_t{1..4}_skeleton.mat, so the action label is unknown. ` +
        'Keep the original UTD-MHAD file names.',
    );
  }
  const mat = parseMat5(buf, source);
  const v = matNumeric(mat, 'd_skel', source);
  if (v.className !== 'double' && v.className !== 'single') {
    throw new FsvaeInputError(
      `${source}: d_skel is ${v.className}; expected double (or single) joint coordinates in metres. ` + 'The file is not a UTD-MHAD skeleton file.',
    );
  }
  // MATLAB drops trailing singleton dimensions: a one-frame sequence is stored as 20 × 3.
  const dims = v.dims.length === 2 ? [...v.dims, 1] : v.dims;
  if (dims.length !== 3 || dims[0] !== 20 || dims[1] !== 3) {
    throw new FsvaeInputError(`${source}: d_skel is [${v.dims.join('×')}]; expected 20 joints × 3 coordinates × T frames.`);
  }
  const frames = dims[2];
  if (frames === 0) throw new FsvaeInputError(`${source}: d_skel has 0 frames (empty sequence).`);
  const data = new Float32Array(frames * 20 * 3);
  let nonzero = false;
  for (let t = 0; t < frames; t++) {
    for (let j = 0; j < 20; j++) {
      const cj = UTD_MHAD_TO_KINECT_V1[j];
      for (let c = 0; c < 3; c++) {
        const x = v.data[j + 20 * c + 60 * t]; // column-major (joint, coordinate, frame)
        if (!Number.isFinite(x) || Math.abs(x) > 3.4e38) {
          throw new FsvaeInputError(
            `${source}: d_skel(${j + 1}, ${c + 1}, ${t + 1}) is ${x}; coordinates must be finite (float32 range). ` + 'Drop or interpolate that frame.',
          );
        }
        if (x !== 0) nonzero = true;
        data[(t * 20 + cj) * 3 + c] = x;
      }
    }
  }
  if (!nonzero)
    throw new AllZeroSequenceError(`${source}: every coordinate of d_skel is 0; the file holds no skeleton. ` + 'Folder reads skip such files and list them.');
  const id = path.basename(source).replace(/\.mat$/, '');
  return makeSequence({
    id,
    label: info.action - 1,
    layout: 'kinect-v1-20',
    bodies: 1,
    frames,
    joints: 20,
    data,
    meta: { action: info.action, subject: info.subject, trial: info.trial },
  });
}

export function readUtdMhadFile(file: string): SkeletonSequence {
  return parseUtdMhadMat(readInputFile(file, 'Check the UTD-MHAD file.', 64 * 2 ** 20), file);
}

/** Sorted `*_skeleton.mat` files of a UTD-MHAD Skeleton/ folder. */
export function listUtdMhadFolder(folder: string): string[] {
  const files = listInputFolder(folder, '.mat', "Point to UTD-MHAD's Skeleton/ folder of a1_s1_t1_skeleton.mat-style files.");
  if (files.length === 0) throw new FsvaeInputError(`${folder}: no .mat files; expected UTD-MHAD's Skeleton/ folder.`);
  return files;
}

/** Reads UTD-MHAD's Skeleton/ folder; `limit` reads only the first files (sorted by name). */
export function readUtdMhadFolder(folder: string, limit?: number): SkeletonSequence[] {
  let files = listUtdMhadFolder(folder);
  if (limit !== undefined) files = files.slice(0, limit);
  return skipEmptySequences(
    files,
    (f) => [readUtdMhadFile(f)],
    (f) => path.basename(f),
    folder,
  ).sequences;
}

/** UTD-MHAD as a raw-skeleton dataset: odd subjects train, even test. */
export const UTD_MHAD: DatasetSpec = {
  name: 'utd-mhad',
  folder: 'utd-mhad/Skeleton',
  download: 'npx fsvae download utd-mhad',
  read: (dir) => ({ sequences: readUtdMhadFolder(dir), side: sideFromProtocol(UTD_MHAD_XSUB) }),
  classes: UTD_MHAD_CLASS_NAMES,
  splits: UTD_MHAD_SPLITS,
  protocols: UTD_MHAD_PROTOCOLS,
  source: 'utd-mhad',
  inspectFormat: 'utd-mhad-mat',
};
