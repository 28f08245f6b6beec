/**
 * NTU RGB+D 60/120 `.skeleton` text files (Shahroudy et al. 2016; Liu et al. 2019).
 *
 * Format (as written by the dataset's Kinect v2 recorder, CRLF line ends):
 *   line 1: frame count T
 *   per frame: body count (0 when nobody is tracked), then per body
 *     a line of 10 values: bodyID clipedEdges handLeftConfidence handLeftState
 *       handRightConfidence handRightState isResticted leanX leanY trackingState
 *     the joint count (25), then 25 lines of 12 values:
 *       x y z depthX depthY colorX colorY orientationW orientationX orientationY orientationZ trackingState
 * x, y, z are camera-space metres in the Kinect v2 joint order (= KINECT_V2_25, no permutation).
 *
 * Bodies are tracked by bodyID across frames; a body absent in a frame is zero there. The
 * `maxBodies` (default 2) most active bodies are kept, most active first. Activity is, by default,
 * the sum over joints and axes of the variance over the frames where the body appears
 * ('motion'); 'pooled' is the variance of the body's joints pooled over frames and joints, summed
 * over axes, as in the `get_raw_skes_data.py` script of SGN / CTR-GCN. They can rank the two
 * actors differently (they do on S001C003P008R002A058).
 *
 * File names SsssCcccPpppRrrrAaaa give setup, camera, performer (subject), replication and
 * action; label = action − 1. Samples on the official missing-skeleton lists are refused.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsvaeInputError, listInputFolder, readInputText } from '../../../util/assert';
import { locateData } from '../../paths';
import { SkeletonSequence, makeSequence, skipEmptySequences } from '../../skeleton';
import { sideFromProtocol } from '../../protocol-side';
import type { DatasetSpec, RawDatasetRead } from '../types';
import { NTU120_CLASS_NAMES, NTU60_CLASS_NAMES } from './classes';
import {
  NTU120_PROTOCOLS,
  NTU120_RANDOM_SPLITS,
  NTU120_SMIE_SPLITS,
  NTU120_SPLITS,
  NTU120_XSUB,
  NTU60_PROTOCOLS,
  NTU60_RANDOM_SPLITS,
  NTU60_SMIE_SPLITS,
  NTU60_SPLITS,
  NTU60_XSUB,
} from './splits';

export const NTU_JOINTS = 25;
/** Kinect v2 tracks at most 6 bodies. */
const MAX_BODIES_PER_FRAME = 6;

export const NTU_NAME_RE = /^S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})$/;

export interface NtuSampleName {
  name: string;
  setup: number;
  camera: number;
  performer: number;
  replication: number;
  action: number;
}

/** Parses `S001C002P003R002A013` (with or without `.skeleton`); null when it does not match. */
export function parseNtuSampleName(fileName: string): NtuSampleName | null {
  const name = path.basename(fileName).replace(/\.skeleton$/, '');
  const m = NTU_NAME_RE.exec(name);
  if (!m) return null;
  return { name, setup: Number(m[1]), camera: Number(m[2]), performer: Number(m[3]), replication: Number(m[4]), action: Number(m[5]) };
}

/** The union of official missing-skeleton lists (sample names without extension). */
export interface NtuMissingList {
  names: Set<string>;
  /** the files it was read from. */
  sources: string[];
}

/** Reads one or more missing-skeleton lists (one sample name per line). */
export function loadNtuMissingList(files: readonly string[]): NtuMissingList {
  const names = new Set<string>();
  for (const f of files) {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch (e) {
      throw new FsvaeInputError(
        `${f}: cannot read the NTU missing-skeleton list (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the path.`,
      );
    }
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim();
      if (!line) return;
      if (!NTU_NAME_RE.test(line)) {
        throw new FsvaeInputError(
          `${f}: line ${i + 1} ('${line.slice(0, 40)}') is not an NTU sample name like S001C002P005R002A008; ` + 'is this the missing-skeleton list?',
        );
      }
      names.add(line);
    });
  }
  return { names, sources: [...files] };
}

const DEFAULT_LISTS = ['ntu-samples/samples_with_missing_skeletons.txt', 'ntu-samples/NTU_RGBD120_samples_with_missing_skeletons.txt'];
let defaultList: NtuMissingList | null | undefined;

/**
 * The official NTU-60 (302) and NTU-120 (535, a superset) lists, found with locateData under
 * `ntu-samples/`; null when neither is found.
 */
export function defaultNtuMissingList(): NtuMissingList | null {
  if (defaultList === undefined) {
    const found = DEFAULT_LISTS.map((r) => locateData(r).path).filter((p): p is string => p !== null);
    defaultList = found.length ? loadNtuMissingList(found) : null;
  }
  return defaultList;
}

export type NtuActivity = 'motion' | 'pooled';

export interface NtuReadOptions {
  /** bodies kept, most active first (default 2). */
  maxBodies?: number;
  /** body activity measure (default 'motion'). */
  activity?: NtuActivity;
  /** missing-skeleton list; default: defaultNtuMissingList(); null: do not check. */
  missing?: NtuMissingList | null;
}

interface BodyTrack {
  id: string;
  order: number;
  present: Uint8Array;
  xyz: Float32Array; // T × 25 × 3
}

const INT_RE = /^\d+$/;
const FLOAT_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Activity of one body over the frames where it appears. */
export function bodyActivity(xyz: Float32Array, present: Uint8Array, joints: number, measure: NtuActivity): number {
  const frames = present.length;
  let n = 0;
  for (let t = 0; t < frames; t++) n += present[t];
  if (n === 0) return 0;
  if (measure === 'motion') {
    let total = 0;
    for (let j = 0; j < joints; j++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        let s2 = 0;
        for (let t = 0; t < frames; t++) {
          if (!present[t]) continue;
          const v = xyz[(t * joints + j) * 3 + c];
          s += v;
          s2 += v * v;
        }
        const mean = s / n;
        total += Math.max(0, s2 / n - mean * mean);
      }
    }
    return total;
  }
  let total = 0;
  const m = n * joints;
  for (let c = 0; c < 3; c++) {
    let s = 0;
    let s2 = 0;
    for (let t = 0; t < frames; t++) {
      if (!present[t]) continue;
      for (let j = 0; j < joints; j++) {
        const v = xyz[(t * joints + j) * 3 + c];
        s += v;
        s2 += v * v;
      }
    }
    const mean = s / m;
    total += Math.max(0, s2 / m - mean * mean);
  }
  return total;
}

/** Parses the text of one `.skeleton` file; `source` is its path (the name gives the label). */
export function parseNtuSkeleton(text: string, source: string, opts: NtuReadOptions = {}): SkeletonSequence {
  const info = parseNtuSampleName(source);
  if (!info) {
    throw new FsvaeInputError(
      `${source}: the file name does not match SsssCcccPpppRrrrAaaa.skeleton, so the action label is unknown. ` + 'Keep the original NTU file names.',
    );
  }
  if (info.action < 1 || info.action > 120)
    throw new FsvaeInputError(`${source}: action A${String(info.action).padStart(3, '0')} is outside NTU RGB+D 120's A001..A120.`);
  const missing = opts.missing === undefined ? defaultNtuMissingList() : opts.missing;
  if (missing?.names.has(info.name)) {
    throw new FsvaeInputError(
      `${source}: ${info.name} is on the official NTU missing-skeleton list ` +
        `(${missing.sources.map((s) => path.basename(s)).join(', ')}); ` +
        'its skeletons are missing or incomplete, and every benchmark excludes it. Skip this sample.',
    );
  }
  const maxBodies = opts.maxBodies ?? 2;
  if (!Number.isInteger(maxBodies) || maxBodies < 1)
    throw new FsvaeInputError(`parseNtuSkeleton(${source}): maxBodies must be a positive integer, got ${maxBodies}.`);
  const measure = opts.activity ?? 'motion';

  const lines = text.split('\n');
  let li = 0;
  let lineNo = 0;
  const next = (what: string): string[] => {
    while (li < lines.length) {
      const s = lines[li++].trim();
      lineNo = li;
      if (s) return s.split(/\s+/);
    }
    throw new FsvaeInputError(
      `${source}: the file ends (after line ${lineNo}) while ${what} was expected; ` +
        'the file is truncated or its counts are wrong. Re-extract it from the NTU archive.',
    );
  };
  const bad = (what: string): never => {
    throw new FsvaeInputError(`${source}: line ${lineNo}: ${what}. The file is damaged or not an NTU .skeleton file.`);
  };
  const int = (tok: string[], what: string, max: number): number => {
    if (tok.length !== 1 || !INT_RE.test(tok[0])) bad(`expected ${what} (one non-negative integer), found '${tok.join(' ').slice(0, 60)}'`);
    const v = Number(tok[0]);
    if (v > max) bad(`${what} is ${v}, more than ${max}`);
    return v;
  };

  const frames = int(next('the frame count'), 'the frame count', 1e6);
  if (frames === 0) throw new FsvaeInputError(`${source}: the frame count is 0 (empty sequence). Skip this sample.`);
  const tracks = new Map<string, BodyTrack>();
  for (let t = 0; t < frames; t++) {
    const nb = int(next(`the body count of frame ${t + 1}`), `the body count of frame ${t + 1}`, MAX_BODIES_PER_FRAME);
    const seen = new Set<string>();
    for (let b = 0; b < nb; b++) {
      const head = next(`the body line of frame ${t + 1}, body ${b + 1}`);
      if (head.length !== 10)
        bad(
          `frame ${t + 1}, body ${b + 1}: the body line has ${head.length} values, ` +
            'expected 10 (bodyID, clipedEdges, hand states, isResticted, lean, trackingState)',
        );
      if (!INT_RE.test(head[0])) bad(`frame ${t + 1}, body ${b + 1}: bodyID '${head[0]}' is not an integer`);
      for (let k = 1; k < 10; k++) {
        if (!FLOAT_RE.test(head[k])) bad(`frame ${t + 1}, body ${b + 1}: body value ${k + 1} '${head[k]}' is not a number`);
        if (Math.abs(Number(head[k])) > 3.4e38) bad(`frame ${t + 1}, body ${b + 1}: body value ${k + 1} = ${head[k]} is beyond the 32-bit float range`);
      }
      const id = head[0];
      if (seen.has(id)) bad(`frame ${t + 1}: bodyID ${id} appears twice`);
      seen.add(id);
      const nj = int(next(`the joint count of frame ${t + 1}, body ${b + 1}`), `the joint count of frame ${t + 1}, body ${b + 1}`, 1e6);
      if (nj !== NTU_JOINTS) bad(`frame ${t + 1}, body ${b + 1}: joint count ${nj}, expected ${NTU_JOINTS} (Kinect v2)`);
      let tr = tracks.get(id);
      if (!tr) {
        tr = { id, order: tracks.size, present: new Uint8Array(frames), xyz: new Float32Array(frames * NTU_JOINTS * 3) };
        tracks.set(id, tr);
      }
      tr.present[t] = 1;
      for (let j = 0; j < NTU_JOINTS; j++) {
        const v = next(`joint ${j + 1} of frame ${t + 1}, body ${b + 1}`);
        if (v.length !== 12)
          bad(
            `frame ${t + 1}, body ${b + 1}, joint ${j + 1}: ${v.length} values, ` +
              'expected 12 (x y z depthX depthY colorX colorY orientationWXYZ trackingState)',
          );
        for (let k = 0; k < 12; k++) {
          if (!FLOAT_RE.test(v[k])) bad(`frame ${t + 1}, body ${b + 1}, joint ${j + 1}: value ${k + 1} '${v[k].slice(0, 30)}' is not a finite number`);
          // the Kinect SDK writes 32-bit floats: a value beyond their range is damage, even in a column not read
          if (Math.abs(Number(v[k])) > 3.4e38) bad(`frame ${t + 1}, body ${b + 1}, joint ${j + 1}: value ${k + 1} = ${v[k]} is beyond the 32-bit float range`);
        }
        for (let c = 0; c < 3; c++) {
          const x = Number(v[c]);
          if (!Number.isFinite(x) || Math.abs(x) > 3.4e38)
            bad(`frame ${t + 1}, body ${b + 1}, joint ${j + 1}: coordinate ${'xyz'[c]} = ${v[c]} is out of range`);
          tr.xyz[(t * NTU_JOINTS + j) * 3 + c] = x;
        }
      }
    }
  }
  while (li < lines.length) {
    const s = lines[li++].trim();
    if (s) {
      lineNo = li;
      bad(`unexpected content after the ${frames} frames the header announces ('${s.slice(0, 40)}'); the frame count is wrong or the file is damaged`);
    }
  }
  if (tracks.size === 0) {
    throw new FsvaeInputError(`${source}: no body is tracked in any of the ${frames} frames (NTU lists such samples as missing skeletons). Skip this sample.`);
  }
  const ranked = [...tracks.values()]
    .map((tr) => ({ tr, activity: bodyActivity(tr.xyz, tr.present, NTU_JOINTS, measure) }))
    .sort((a, b) => b.activity - a.activity || a.tr.order - b.tr.order);
  const kept = ranked.slice(0, maxBodies);
  const bodies = kept.length;
  const data = new Float32Array(bodies * frames * NTU_JOINTS * 3);
  kept.forEach(({ tr }, b) => data.set(tr.xyz, b * frames * NTU_JOINTS * 3));
  let framesWithBody = 0;
  for (let t = 0; t < frames; t++) if (ranked.some(({ tr }) => tr.present[t])) framesWithBody++;
  return makeSequence({
    id: info.name,
    label: info.action - 1,
    layout: 'kinect-v2-25',
    bodies,
    frames,
    joints: NTU_JOINTS,
    data,
    meta: {
      setup: info.setup,
      camera: info.camera,
      subject: info.performer,
      replication: info.replication,
      action: info.action,
      bodiesInFile: tracks.size,
      framesWithBody,
      bodyIds: kept.map(({ tr }) => tr.id).join(','),
    },
  });
}

export function readNtuSkeleton(file: string, opts: NtuReadOptions = {}): SkeletonSequence {
  return parseNtuSkeleton(readInputText(file, 'Check the path to the .skeleton file.', 64 * 2 ** 20), file, opts);
}

export interface NtuFolderResult {
  sequences: SkeletonSequence[];
  /** sample names skipped because they are on the missing-skeleton list. */
  skipped: string[];
  /** the missing-skeleton list files used (empty when none was found or checking was off). */
  missingListSources: string[];
}

/** Sorted `.skeleton` files of a folder and the ones on the missing list (shared with inspect). */
export function listNtuFolder(folder: string, missing: NtuMissingList | null): { files: string[]; skipped: string[] } {
  const all = listInputFolder(folder, '.skeleton', 'Point to a folder of NTU .skeleton files (nturgb+d_skeletons/).').map((f) => path.basename(f));
  if (all.length === 0) throw new FsvaeInputError(`${folder}: no .skeleton files; expected NTU RGB+D's nturgb+d_skeletons/ folder.`);
  const files: string[] = [];
  const skipped: string[] = [];
  for (const f of all) {
    const name = f.replace(/\.skeleton$/, '');
    if (missing?.names.has(name)) skipped.push(name);
    else files.push(path.join(folder, f));
  }
  return { files, skipped };
}

/** Reads a folder of `.skeleton` files, skipping (and reporting) the missing-list samples. */
export function readNtuFolder(folder: string, opts: NtuReadOptions & { limit?: number } = {}): NtuFolderResult {
  const missing = opts.missing === undefined ? defaultNtuMissingList() : opts.missing;
  const { files, skipped } = listNtuFolder(folder, missing);
  const chosen = opts.limit === undefined ? files : files.slice(0, opts.limit);
  const sequences = skipEmptySequences(
    chosen,
    (f) => [readNtuSkeleton(f, { ...opts, missing })],
    (f) => path.basename(f),
    folder,
  ).sequences;
  return { sequences, skipped, missingListSources: missing ? missing.sources : [] };
}

/**
 * NTU-60 or NTU-120 from a folder of .skeleton files or the release root with
 * nturgb+d_skeletons[120]/; NTU-60 keeps actions A001..A060.
 */
function readNtuDataset(dataset: 'ntu60' | 'ntu120', dir: string): RawDatasetRead {
  const direct = fs.readdirSync(dir).some((f) => f.endsWith('.skeleton'));
  const folders = direct
    ? [dir]
    : ['nturgb+d_skeletons', ...(dataset === 'ntu120' ? ['nturgb+d_skeletons120'] : [])].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f));
  if (folders.length === 0) throw new FsvaeInputError(`${dir}: no .skeleton files and no nturgb+d_skeletons/ folder; point --dir at the NTU skeleton folder.`);
  const limit = dataset === 'ntu60' ? 60 : 120;
  const all = folders.flatMap((f) => readNtuFolder(f).sequences);
  const sequences = all.filter((s) => s.label < limit);
  if (sequences.length === 0)
    throw new FsvaeInputError(`${dir}: none of the ${all.length} samples has an action of ${dataset} (A001..A${String(limit).padStart(3, '0')}).`);
  return {
    sequences,
    side: sideFromProtocol(dataset === 'ntu60' ? NTU60_XSUB : NTU120_XSUB),
    note: all.length > sequences.length ? `${all.length - sequences.length} samples of NTU-120-only actions left out` : undefined,
  };
}

const NTU_DOWNLOAD = 'npx fsvae download ntu-rgbd (manual: ROSE Lab skeleton release)';

/** NTU RGB+D 60 / 120 as raw-skeleton datasets, cross-subject. */
export const NTU60: DatasetSpec = {
  name: 'ntu60',
  folder: 'ntu-rgbd',
  download: NTU_DOWNLOAD,
  read: (dir) => readNtuDataset('ntu60', dir),
  classes: NTU60_CLASS_NAMES,
  splits: [...NTU60_SPLITS, ...NTU60_SMIE_SPLITS],
  randomSplits: NTU60_RANDOM_SPLITS,
  protocols: NTU60_PROTOCOLS,
  source: 'ntu-rgbd',
  inspectFormat: 'ntu-skeleton',
};
export const NTU120: DatasetSpec = {
  name: 'ntu120',
  folder: 'ntu-rgbd',
  download: NTU_DOWNLOAD,
  read: (dir) => readNtuDataset('ntu120', dir),
  classes: NTU120_CLASS_NAMES,
  splits: [...NTU120_SPLITS, ...NTU120_SMIE_SPLITS],
  randomSplits: NTU120_RANDOM_SPLITS,
  protocols: NTU120_PROTOCOLS,
  source: 'ntu-rgbd',
  inspectFormat: 'ntu-skeleton',
};
