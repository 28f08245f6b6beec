/**
 * Skeleton preprocessing for stage 1 (all functions return new sequences; inputs are untouched).
 *
 * Conventions shared by every function: a joint whose three coordinates are exactly 0 is
 * missing, a body-frame with every joint missing is absent (NTU/PKU-MMD zero padding), and
 * missing joints stay exactly 0 through every transform (as the `* mask` in the pre_normalization
 * of 2s-AGCN / CTR-GCN does).
 *
 * - trimZeroFrames: drop leading/trailing frames in which no body is present.
 * - centerSkeleton: subtract the centre joint (layout.center; spine middle for NTU, spine for
 *   Kinect v1) of the first body, either at its first present frame ('first-frame', as in SGN's
 *   seq_transformation.py) or at each frame ('per-frame', as in 2s-AGCN's pre_normalization).
 * - normalizeView: one rotation, from the first present frame of the first body, that makes the
 *   hip line (left → right hip) parallel to +x and the spine (base → top, orthogonalised) parallel
 *   to +y; z = x × y. (2s-AGCN aligns the spine with z and the shoulders with x instead; the
 *   y-up choice here keeps Kinect's own axes for an upright subject facing the sensor.)
 * - resampleFrames: fixed length by linear interpolation over the frames where some body is present.
 * - padBodies: zero bodies up to M.
 * - checkBoneSymmetry: mean left vs right bone lengths, for validating joint permutations.
 */
import { FsvaeInputError } from '../util/assert';
import { JointLayout, jointLayout } from './layouts';
import { SkeletonSequence, makeSequence } from './skeleton';

function layoutOf(seq: SkeletonSequence, layout?: JointLayout): JointLayout {
  const l = layout ?? jointLayout(seq.layout);
  if (l.joints.length !== seq.joints) {
    throw new FsvaeInputError(`${seq.id}: layout ${l.name} has ${l.joints.length} joints but the sequence has ${seq.joints}.`);
  }
  return l;
}

function off(seq: SkeletonSequence, b: number, t: number, j = 0): number {
  return ((b * seq.frames + t) * seq.joints + j) * 3;
}

function jointPresent(d: Float32Array, o: number): boolean {
  return d[o] !== 0 || d[o + 1] !== 0 || d[o + 2] !== 0;
}

/** True when body `b` has any non-zero coordinate in frame `t`. */
export function bodyPresent(seq: SkeletonSequence, b: number, t: number): boolean {
  const o = off(seq, b, t);
  const n = seq.joints * 3;
  for (let i = 0; i < n; i++) if (seq.data[o + i] !== 0) return true;
  return false;
}

/** True when some body is present in frame `t`. */
export function framePresent(seq: SkeletonSequence, t: number): boolean {
  for (let b = 0; b < seq.bodies; b++) if (bodyPresent(seq, b, t)) return true;
  return false;
}

function withData(seq: SkeletonSequence, fields: { bodies?: number; frames?: number; data: Float32Array }): SkeletonSequence {
  return makeSequence({
    ...seq,
    bodies: fields.bodies ?? seq.bodies,
    frames: fields.frames ?? seq.frames,
    data: fields.data,
    meta: seq.meta ? { ...seq.meta } : undefined,
  });
}

function allZeroError(seq: SkeletonSequence, what: string): never {
  throw new FsvaeInputError(`${seq.id}: ${what}: every frame of every body is zero (no skeleton). Drop this sample.`);
}

/** Removes leading and trailing frames in which no body is present. */
export function trimZeroFrames(seq: SkeletonSequence): SkeletonSequence {
  let first = 0;
  while (first < seq.frames && !framePresent(seq, first)) first++;
  if (first === seq.frames) allZeroError(seq, 'trimZeroFrames');
  let last = seq.frames - 1;
  while (!framePresent(seq, last)) last--;
  const frames = last - first + 1;
  if (frames === seq.frames) return withData(seq, { data: seq.data.slice() });
  const per = seq.joints * 3;
  const data = new Float32Array(seq.bodies * frames * per);
  for (let b = 0; b < seq.bodies; b++) data.set(seq.data.subarray(off(seq, b, first), off(seq, b, first) + frames * per), b * frames * per);
  return withData(seq, { frames, data });
}

/** The first body with any present frame and that frame (the reference of centring and view). */
function referenceFrame(seq: SkeletonSequence, what: string): { body: number; frame: number } {
  for (let b = 0; b < seq.bodies; b++) for (let t = 0; t < seq.frames; t++) if (bodyPresent(seq, b, t)) return { body: b, frame: t };
  allZeroError(seq, what);
}

export type CenterMode = 'first-frame' | 'per-frame';

/**
 * Subtracts the centre joint of the first present body: at its first present frame
 * ('first-frame', default) or at each frame ('per-frame'; a frame where that body is absent uses
 * the nearest frame where it is present). Missing joints stay 0.
 */
export function centerSkeleton(seq: SkeletonSequence, mode: CenterMode = 'first-frame', layout?: JointLayout): SkeletonSequence {
  const l = layoutOf(seq, layout);
  if (mode !== 'first-frame' && mode !== 'per-frame')
    throw new FsvaeInputError(`centerSkeleton(${seq.id}): mode must be 'first-frame' or 'per-frame', got '${mode}'.`);
  const ref = referenceFrame(seq, 'centerSkeleton');
  const origins = new Float64Array(seq.frames * 3);
  const setOrigin = (t: number, src: number) => {
    const o = off(seq, ref.body, src, l.center);
    origins.set([seq.data[o], seq.data[o + 1], seq.data[o + 2]], t * 3);
  };
  if (mode === 'first-frame') {
    for (let t = 0; t < seq.frames; t++) setOrigin(t, ref.frame);
  } else {
    const present = Array.from({ length: seq.frames }, (_, t) => bodyPresent(seq, ref.body, t));
    for (let t = 0; t < seq.frames; t++) {
      let src = -1;
      for (let d = 0; src < 0; d++) {
        if (t - d >= 0 && present[t - d]) src = t - d;
        else if (t + d < seq.frames && present[t + d]) src = t + d;
      }
      setOrigin(t, src);
    }
  }
  const data = seq.data.slice();
  for (let b = 0; b < seq.bodies; b++) {
    for (let t = 0; t < seq.frames; t++) {
      for (let j = 0; j < seq.joints; j++) {
        const o = off(seq, b, t, j);
        if (!jointPresent(seq.data, o)) continue;
        for (let c = 0; c < 3; c++) data[o + c] = seq.data[o + c] - origins[t * 3 + c];
      }
    }
  }
  return withData(seq, { data });
}

/**
 * The rotation (3×3, row-major, rows = new x, y, z axes) that normalizeView applies, and the
 * reference body/frame it was computed from.
 */
export function viewRotation(seq: SkeletonSequence, layout?: JointLayout): { rotation: number[]; body: number; frame: number } {
  const l = layoutOf(seq, layout);
  const ref = referenceFrame(seq, 'normalizeView');
  const p = (j: number) => {
    const o = off(seq, ref.body, ref.frame, j);
    return [seq.data[o], seq.data[o + 1], seq.data[o + 2]];
  };
  const { leftHip, rightHip, spineBase, spineTop } = l.viewJoints;
  const sub = (a: number[], b: number[]) => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
  const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const x = sub(p(rightHip), p(leftHip));
  const xn = Math.sqrt(dot(x, x));
  if (!(xn > 1e-6)) {
    throw new FsvaeInputError(
      `${seq.id}: normalizeView: the hips (${l.joints[leftHip]}, ${l.joints[rightHip]}) coincide ` +
        `in frame ${ref.frame} of body ${ref.body}, so the view is undefined. Check the joint order or drop the sample.`,
    );
  }
  const ex = x.map((v) => v / xn);
  const s = sub(p(spineTop), p(spineBase));
  const sp = dot(s, ex);
  const y = [s[0] - sp * ex[0], s[1] - sp * ex[1], s[2] - sp * ex[2]];
  const yn = Math.sqrt(dot(y, y));
  if (!(yn > 1e-6)) {
    throw new FsvaeInputError(
      `${seq.id}: normalizeView: the spine (${l.joints[spineBase]} → ${l.joints[spineTop]}) is parallel to the hip line ` +
        `in frame ${ref.frame} of body ${ref.body}, so the view is undefined. Check the joint order or drop the sample.`,
    );
  }
  const ey = y.map((v) => v / yn);
  const ez = [ex[1] * ey[2] - ex[2] * ey[1], ex[2] * ey[0] - ex[0] * ey[2], ex[0] * ey[1] - ex[1] * ey[0]];
  return { rotation: [...ex, ...ey, ...ez], body: ref.body, frame: ref.frame };
}

/** Rotates every present joint by viewRotation (about the origin: centre first). */
export function normalizeView(seq: SkeletonSequence, layout?: JointLayout): SkeletonSequence {
  const { rotation: r } = viewRotation(seq, layout);
  const data = seq.data.slice();
  for (let o = 0; o < data.length; o += 3) {
    if (!jointPresent(seq.data, o)) continue;
    const [a, b, c] = [seq.data[o], seq.data[o + 1], seq.data[o + 2]];
    data[o] = r[0] * a + r[1] * b + r[2] * c;
    data[o + 1] = r[3] * a + r[4] * b + r[5] * c;
    data[o + 2] = r[6] * a + r[7] * b + r[8] * c;
  }
  return withData(seq, { data });
}

/**
 * Resamples to `length` frames. The frames where some body is present are kept in order (absent
 * frames are dropped) and sampled at positions i·(V−1)/(length−1), V = their count (the middle for
 * length 1), by linear interpolation. A body present at both neighbours is interpolated; otherwise
 * it takes the nearer neighbour (0 when that one is absent).
 */
export function resampleFrames(seq: SkeletonSequence, length: number): SkeletonSequence {
  if (!Number.isInteger(length) || length < 1) throw new FsvaeInputError(`resampleFrames(${seq.id}): length must be a positive integer, got ${length}.`);
  const valid: number[] = [];
  for (let t = 0; t < seq.frames; t++) if (framePresent(seq, t)) valid.push(t);
  if (valid.length === 0) allZeroError(seq, 'resampleFrames');
  const V = valid.length;
  const per = seq.joints * 3;
  const data = new Float32Array(seq.bodies * length * per);
  const present = Array.from({ length: seq.bodies }, (_, b) => valid.map((t) => bodyPresent(seq, b, t)));
  for (let i = 0; i < length; i++) {
    const p = length === 1 ? (V - 1) / 2 : (i * (V - 1)) / (length - 1);
    const k0 = Math.min(Math.floor(p), V - 1);
    const k1 = Math.min(k0 + 1, V - 1);
    const w = p - k0;
    for (let b = 0; b < seq.bodies; b++) {
      const dst = (b * length + i) * per;
      const o0 = off(seq, b, valid[k0]);
      const o1 = off(seq, b, valid[k1]);
      const v0 = present[b][k0];
      const v1 = present[b][k1];
      if (v0 && v1) {
        for (let q = 0; q < per; q++) {
          const a = seq.data[o0 + q];
          const c = seq.data[o1 + q];
          data[dst + q] = w === 0 ? a : a + w * (c - a);
        }
      } else {
        const src = w < 0.5 ? (v0 ? o0 : -1) : v1 ? o1 : -1;
        if (src >= 0) data.set(seq.data.subarray(src, src + per), dst);
      }
    }
  }
  return withData(seq, { frames: length, data });
}

/** Adds all-zero bodies up to `m`; more than `m` bodies is an error unless `truncate` keeps the first m. */
export function padBodies(seq: SkeletonSequence, m: number, opts: { truncate?: boolean } = {}): SkeletonSequence {
  if (!Number.isInteger(m) || m < 1) throw new FsvaeInputError(`padBodies(${seq.id}): m must be a positive integer, got ${m}.`);
  if (seq.bodies > m && !opts.truncate) {
    throw new FsvaeInputError(`${seq.id}: has ${seq.bodies} bodies, more than ${m}; pass truncate to keep the first ${m} (readers order bodies by activity).`);
  }
  const per = seq.frames * seq.joints * 3;
  const data = new Float32Array(m * per);
  data.set(seq.data.subarray(0, Math.min(seq.bodies, m) * per));
  return withData(seq, { bodies: m, data });
}

export interface PreprocessOptions {
  /** drop leading/trailing empty frames (default true). */
  trim?: boolean;
  /** centring mode, or false for none (default 'first-frame'). */
  center?: CenterMode | false;
  /** rotate to the canonical view (default true). */
  view?: boolean;
  /** resample to this many frames (default: keep). */
  frames?: number;
  /** pad (or truncate) to this many bodies (default: keep). */
  bodies?: number;
}

/** trim → centre → view → resample → pad, each step optional. */
export function preprocessSequence(seq: SkeletonSequence, opts: PreprocessOptions = {}): SkeletonSequence {
  let s = seq;
  if (opts.trim ?? true) s = trimZeroFrames(s);
  const center = opts.center ?? 'first-frame';
  if (center) s = centerSkeleton(s, center);
  if (opts.view ?? true) s = normalizeView(s);
  if (opts.frames !== undefined) s = resampleFrames(s, opts.frames);
  if (opts.bodies !== undefined) s = padBodies(s, opts.bodies, { truncate: true });
  return s;
}

const LIMB_ENDS = new Set(['elbow_left', 'wrist_left', 'knee_left', 'ankle_left']);

export interface BoneSymmetryPair {
  left: string;
  right: string;
  leftLength: number;
  rightLength: number;
  /** |left − right| / mean(left, right). */
  relDiff: number;
}

export interface BoneSymmetryReport {
  pairs: BoneSymmetryPair[];
  medianRelDiff: number;
  maxRelDiff: number;
  /**
   * median over the four long limb bones (upper arm, forearm, thigh, shank: the bones ending at
   * elbow, wrist, knee, ankle), which Kinect tracks far more stably than hands, feet and hips.
   */
  limbMedianRelDiff: number;
  /** frames in which the body is present (the ones averaged over). */
  framesUsed: number;
}

/**
 * Mean length of each left bone vs its mirror image (bones whose endpoints map to each other
 * through layout.mirrorPairs), over the frames where `body` is present. A wrong
 * joint permutation typically pairs bones of different lengths and shows up as a large
 * medianRelDiff (a swap within the midline or of left with right does not).
 */
export function checkBoneSymmetry(seq: SkeletonSequence, layout?: JointLayout, opts: { body?: number } = {}): BoneSymmetryReport {
  const l = layoutOf(seq, layout);
  const body = opts.body ?? 0;
  if (!Number.isInteger(body) || body < 0 || body >= seq.bodies)
    throw new FsvaeInputError(`checkBoneSymmetry(${seq.id}): body ${body} does not exist (sequence has ${seq.bodies}).`);
  const mirror = Array.from({ length: l.joints.length }, (_, j) => j);
  for (const [a, b] of l.mirrorPairs) {
    mirror[a] = b;
    mirror[b] = a;
  }
  const isLeft = (j: number) => /left/.test(l.joints[j]);
  const pairs: [number, number][] = [];
  l.bones.forEach(([a, b], i) => {
    if (!isLeft(a) && !isLeft(b)) return;
    const k = l.bones.findIndex(([c, d]) => (c === mirror[a] && d === mirror[b]) || (c === mirror[b] && d === mirror[a]));
    if (k >= 0 && k !== i) pairs.push([i, k]);
  });
  // Frames where the body is present. (Not "every joint non-zero": after centring, the centre
  // joint is exactly 0 and would otherwise count as missing.)
  const frames: number[] = [];
  for (let t = 0; t < seq.frames; t++) if (bodyPresent(seq, body, t)) frames.push(t);
  if (frames.length === 0) {
    throw new FsvaeInputError(`${seq.id}: checkBoneSymmetry: body ${body} is absent (all zero) in every frame; bone lengths are undefined.`);
  }
  const boneLength = (bi: number) => {
    const [a, b] = l.bones[bi];
    let s = 0;
    for (const t of frames) {
      const oa = off(seq, body, t, a);
      const ob = off(seq, body, t, b);
      s += Math.hypot(seq.data[oa] - seq.data[ob], seq.data[oa + 1] - seq.data[ob + 1], seq.data[oa + 2] - seq.data[ob + 2]);
    }
    return s / frames.length;
  };
  const name = (bi: number) => `${l.joints[l.bones[bi][0]]}-${l.joints[l.bones[bi][1]]}`;
  const out = pairs.map(([i, k]) => {
    const leftLength = boneLength(i);
    const rightLength = boneLength(k);
    const mean = (leftLength + rightLength) / 2;
    return { left: name(i), right: name(k), leftLength, rightLength, relDiff: mean > 0 ? Math.abs(leftLength - rightLength) / mean : 0 };
  });
  const median = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    const mid = v.length >> 1;
    return v.length === 0 ? 0 : v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  };
  const rd = out.map((p) => p.relDiff);
  const limbs = out.filter((p) => LIMB_ENDS.has(p.left.split('-')[0])).map((p) => p.relDiff);
  return { pairs: out, medianRelDiff: median(rd), maxRelDiff: Math.max(0, ...rd), limbMedianRelDiff: median(limbs), framesUsed: frames.length };
}
