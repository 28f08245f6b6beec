/**
 * The canonical skeleton sequence: bodies × frames × joints × xyz, float32, row-major.
 * Every reader produces this; stage 1 and the frequency analysis consume it.
 */
import { FsvaeInputError } from '../util/assert';

export type JointLayoutName = 'kinect-v2-25' | 'kinect-v1-20';

export interface SkeletonSequence {
  /** e.g. the file name without extension. */
  id: string;
  /** 0-based class index in the dataset's class list. */
  label: number;
  layout: JointLayoutName;
  bodies: number;
  frames: number;
  joints: number;
  /** length bodies·frames·joints·3; index ((b·frames + t)·joints + j)·3 + c. */
  data: Float32Array;
  /** free-form metadata (subject, view, trial, ...). */
  meta?: Record<string, string | number>;
}

/**
 * A sequence whose every coordinate is zero: the sensor recorded no skeleton. The policy is the
 * same for every reader: reading one such file is this error; folder readers skip such files and
 * warn once with their names (skipEmptySequences).
 */
export class AllZeroSequenceError extends FsvaeInputError {}

/**
 * Reads every item, skipping those whose sequence is all zeros (AllZeroSequenceError); the skipped
 * names are reported once through `warn` (default console.warn) and returned.
 */
export function skipEmptySequences<T>(
  items: readonly T[],
  read: (item: T) => SkeletonSequence[],
  name: (item: T) => string,
  where: string,
  warn: (line: string) => void = (l) => console.warn(l),
): { sequences: SkeletonSequence[]; skipped: string[] } {
  const sequences: SkeletonSequence[] = [];
  const skipped: string[] = [];
  for (const it of items) {
    try {
      sequences.push(...read(it));
    } catch (e) {
      if (e instanceof AllZeroSequenceError) skipped.push(name(it));
      else throw e;
    }
  }
  if (skipped.length) warn(`[data] ${where}: skipped ${skipped.length} sample(s) whose coordinates are all zero (no skeleton recorded): ${skipped.join(', ')}`);
  return { sequences, skipped };
}

/** The largest plausible |coordinate| of a joint, in metres (sensors see a few metres). */
export const MAX_COORDINATE_METRES = 100;

export function makeSequence(fields: Omit<SkeletonSequence, 'data'> & { data: Float32Array }): SkeletonSequence {
  const { bodies, frames, joints, data, id } = fields;
  const expected = bodies * frames * joints * 3;
  if (data.length !== expected) {
    throw new FsvaeInputError(`${id}: data has ${data.length} values, expected bodies·frames·joints·3 = ${bodies}·${frames}·${joints}·3 = ${expected}.`);
  }
  let nonzero = false;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== 0) nonzero = true;
    if (!Number.isFinite(v) || Math.abs(v) > MAX_COORDINATE_METRES) {
      const c = i % 3;
      const j = Math.floor(i / 3) % joints;
      const t = Math.floor(i / (3 * joints)) % frames;
      const b = Math.floor(i / (3 * joints * frames));
      throw new FsvaeInputError(
        !Number.isFinite(v)
          ? `${id}: coordinate ${'xyz'[c]} of joint ${j} in frame ${t} (body ${b}) is ${v}; sequences must be finite (drop or interpolate the frame).`
          : `${id}: coordinate ${'xyz'[c]} of joint ${j} in frame ${t} (body ${b}) is ${v}, beyond ±${MAX_COORDINATE_METRES} m: ` +
              'not a plausible skeleton coordinate in metres (a damaged file, or one in other units).',
      );
    }
  }
  if (!nonzero)
    throw new AllZeroSequenceError(
      `${id}: every coordinate of every frame is zero (no skeleton was recorded); the sample holds no data. ` + 'Folder reads skip such samples and list them.',
    );
  return { ...fields };
}

/**
 * Joint trajectories of one body as rows of length F (the paper's T_j, Sec. 3.2):
 * row index j·3 + c holds coordinate c of joint j over time.
 */
export function trajectories(seq: SkeletonSequence, body = 0): Float64Array[] {
  if (body < 0 || body >= seq.bodies) throw new FsvaeInputError(`${seq.id}: body ${body} does not exist (sequence has ${seq.bodies}).`);
  const rows: Float64Array[] = [];
  for (let j = 0; j < seq.joints; j++) {
    for (let c = 0; c < 3; c++) {
      const row = new Float64Array(seq.frames);
      for (let t = 0; t < seq.frames; t++) row[t] = seq.data[((body * seq.frames + t) * seq.joints + j) * 3 + c];
      rows.push(row);
    }
  }
  return rows;
}
