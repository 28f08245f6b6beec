/**
 * NW-UCLA Multiview Action3D skeletons in the JSON layout of the public CTR-GCN copy:
 * `{file_name: "a01_s01_e00_v01", skeletons: [T][20][3] (metres), label: 1..10}`.
 * Kinect v1, 20 joints, one body. 10 classes: a01..a06, a08, a09, a11, a12 (label = rank + 1).
 */
import * as path from 'node:path';
import { FsvaeInputError, listInputFolder, readInputText } from '../../../util/assert';
import { SkeletonSequence, makeSequence, skipEmptySequences } from '../../skeleton';
import { sideFromProtocol } from '../../protocol-side';
import type { DatasetSpec } from '../types';
import { NW_UCLA_ACTION_IDS, NW_UCLA_CLASS_NAMES } from './classes';
import { NW_UCLA_PROTOCOLS, NW_UCLA_SPLITS, NW_UCLA_XVIEW } from './splits';

export { NW_UCLA_ACTION_IDS, NW_UCLA_CLASS_NAMES } from './classes';

const NAME_RE = /^a(\d{2})_s(\d{2})_e(\d{2})_v(\d{2})$/;

/** Parses one NW-UCLA JSON text; `source` names the file in error messages. */
export function parseNwUclaJson(text: string, source: string): SkeletonSequence {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new FsvaeInputError(`${source}: not valid JSON (${(e as Error).message}). Expected an NW-UCLA file {file_name, skeletons, label}.`);
  }
  const rec = obj as { file_name?: unknown; skeletons?: unknown; label?: unknown };
  if (typeof rec !== 'object' || rec === null || typeof rec.file_name !== 'string' || !Array.isArray(rec.skeletons) || typeof rec.label !== 'number') {
    throw new FsvaeInputError(`${source}: missing fields; an NW-UCLA file needs file_name (string), skeletons ([T][20][3]) and label (1..10).`);
  }
  const m = NAME_RE.exec(rec.file_name);
  if (!m) throw new FsvaeInputError(`${source}: file_name '${rec.file_name}' does not match aNN_sNN_eNN_vNN.`);
  const action = Number(m[1]);
  const classIndex = NW_UCLA_ACTION_IDS.indexOf(action as (typeof NW_UCLA_ACTION_IDS)[number]);
  if (classIndex < 0) throw new FsvaeInputError(`${source}: action a${m[1]} is not an NW-UCLA class (${NW_UCLA_ACTION_IDS.join(', ')}).`);
  if (rec.label !== classIndex + 1) {
    throw new FsvaeInputError(`${source}: label ${rec.label} disagrees with file name a${m[1]} (expected ${classIndex + 1}).`);
  }
  const frames = rec.skeletons.length;
  if (frames === 0) throw new FsvaeInputError(`${source}: empty sequence (0 frames).`);
  const data = new Float32Array(frames * 20 * 3);
  rec.skeletons.forEach((frame: unknown, t: number) => {
    if (!Array.isArray(frame) || frame.length !== 20) {
      throw new FsvaeInputError(`${source}: frame ${t} has ${Array.isArray(frame) ? frame.length : 'no'} joints, expected 20.`);
    }
    frame.forEach((joint: unknown, j: number) => {
      if (!Array.isArray(joint) || joint.length !== 3 || joint.some((v) => typeof v !== 'number')) {
        throw new FsvaeInputError(`${source}: frame ${t}, joint ${j} is not [x, y, z] numbers.`);
      }
      if ((joint as number[]).some((v) => !Number.isFinite(v) || Math.abs(v) > 3.4e38)) {
        throw new FsvaeInputError(
          `${source}: frame ${t}, joint ${j} has a non-finite coordinate [${joint.join(', ')}]; coordinates must be finite float32 numbers.`,
        );
      }
      data.set(joint as number[], (t * 20 + j) * 3);
    });
  });
  return makeSequence({
    id: rec.file_name,
    label: classIndex,
    layout: 'kinect-v1-20',
    bodies: 1,
    frames,
    joints: 20,
    data,
    meta: { subject: Number(m[2]), episode: Number(m[3]), view: Number(m[4]) },
  });
}

/** No NW-UCLA sequence file is near this size (the largest public one is about 0.2 MB). */
const NW_UCLA_MAX_BYTES = 64 * 2 ** 20;

/** Reads the `all_sqe` folder (or any folder of NW-UCLA JSON files); `limit` reads only the first files (sorted). */
export function readNwUclaFolder(folder: string, limit?: number): SkeletonSequence[] {
  let files = listInputFolder(folder, '.json', "Point to NW-UCLA's all_sqe/ folder of a01_s01_e00_v01.json-style files.");
  if (files.length === 0) throw new FsvaeInputError(`${folder}: no .json files; expected NW-UCLA's all_sqe/ folder.`);
  if (limit !== undefined) files = files.slice(0, limit);
  return skipEmptySequences(
    files,
    (p) => [parseNwUclaJson(readInputText(p, 'Check the NW-UCLA file.', NW_UCLA_MAX_BYTES), p)],
    (p) => path.basename(p),
    folder,
  ).sequences;
}

/** NW-UCLA as a raw-skeleton dataset: views 1+2 train, view 3 test. */
export const NW_UCLA: DatasetSpec = {
  name: 'nw-ucla',
  folder: 'nw-ucla/all_sqe',
  download: 'npx fsvae download nw-ucla',
  read: (dir) => ({ sequences: readNwUclaFolder(dir), side: sideFromProtocol(NW_UCLA_XVIEW) }),
  classes: NW_UCLA_CLASS_NAMES,
  splits: NW_UCLA_SPLITS,
  protocols: NW_UCLA_PROTOCOLS,
  source: 'nw-ucla',
  inspectFormat: 'nw-ucla-json',
};
