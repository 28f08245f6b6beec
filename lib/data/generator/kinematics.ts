/**
 * Rest skeleton and forward kinematics for the generated dataset, in the Kinect v2 25-joint order
 * (KINECT_V2_25).
 *
 * Body frame: origin at spine_base, +x towards the subject's LEFT, +y up, +z the direction the
 * subject faces (right-handed). A pose is one rotation vector (axis·angle, radians) per bone, in
 * the parent bone's frame, indexed by the bone's child joint; the root (spine_base) has its own
 * rotation vector and translation. Joint c sits at p_parent + G_c·offset_c with G_c = G_parent·R_c,
 * so every bone keeps its rest length exactly: motion can only rotate bones.
 */
import { KINECT_V2_25 } from '../layouts';

export const JOINT_COUNT = 25;

/** Joint index by KINECT_V2_25 name. */
export const J: Readonly<Record<string, number>> = Object.fromEntries(KINECT_V2_25.joints.map((n, i) => [n, i]));

/**
 * Anatomical parent of every joint (root: −1). Same edges as KINECT_V2_25.bones except that
 * hand_tip and thumb both hang from the hand (the NTU graph chains hand → thumb → hand_tip; both
 * are rigid with the hand here, so every graph edge still has constant length).
 */
export const PARENT: readonly number[] = (() => {
  const p = new Array<number>(JOINT_COUNT).fill(-1);
  const set = (child: string, parent: string) => (p[J[child]] = J[parent]);
  set('spine_mid', 'spine_base');
  set('spine_shoulder', 'spine_mid');
  set('neck', 'spine_shoulder');
  set('head', 'neck');
  for (const s of ['left', 'right']) {
    set(`shoulder_${s}`, 'spine_shoulder');
    set(`elbow_${s}`, `shoulder_${s}`);
    set(`wrist_${s}`, `elbow_${s}`);
    set(`hand_${s}`, `wrist_${s}`);
    set(`hand_tip_${s}`, `hand_${s}`);
    set(`thumb_${s}`, `hand_${s}`);
    set(`hip_${s}`, 'spine_base');
    set(`knee_${s}`, `hip_${s}`);
    set(`ankle_${s}`, `knee_${s}`);
    set(`foot_${s}`, `ankle_${s}`);
  }
  return p;
})();

/** Joints in an order where every parent precedes its children. */
export const FK_ORDER: readonly number[] = (() => {
  const order: number[] = [];
  const visit = (j: number) => {
    order.push(j);
    for (let c = 0; c < JOINT_COUNT; c++) if (PARENT[c] === j) visit(c);
  };
  visit(J.spine_base);
  return order;
})();

/** Body segment of every joint, used for per-subject proportions. */
export type Segment = 'torso' | 'head' | 'arm' | 'leg';
export const SEGMENT: readonly Segment[] = KINECT_V2_25.joints.map((n) =>
  /spine|neck/.test(n) ? 'torso' : n === 'head' ? 'head' : /shoulder|elbow|wrist|hand|thumb/.test(n) ? 'arm' : 'leg',
);

/**
 * Rest offsets (metres, body frame) of each joint from its parent for a 1.70 m adult, in Kinect
 * joint terms (joint centres, so shorter than anatomical segment lengths: e.g. NTU's
 * S001C001P001R001A011 has spine_base→spine_mid 0.25 m, hip→knee 0.31 m). Left side: +x.
 */
const LEFT_OFFSETS: Record<string, readonly [number, number, number]> = {
  shoulder: [0.16, -0.02, 0],
  elbow: [0, -0.26, 0],
  wrist: [0, -0.24, 0],
  hand: [0, -0.07, 0],
  hand_tip: [0, -0.07, 0],
  thumb: [-0.01, -0.02, 0.04],
  hip: [0.08, -0.05, 0],
  knee: [0, -0.4, 0],
  ankle: [0, -0.38, 0],
  foot: [0, -0.04, 0.1],
};

export const REST_OFFSETS: readonly (readonly [number, number, number])[] = (() => {
  const o: [number, number, number][] = new Array(JOINT_COUNT).fill(null).map(() => [0, 0, 0]);
  o[J.spine_mid] = [0, 0.26, 0];
  o[J.spine_shoulder] = [0, 0.23, 0];
  o[J.neck] = [0, 0.07, 0];
  // the head joint is the head centre, slightly in front of the neck axis (so a head turn moves it)
  o[J.head] = [0, 0.12, 0.035];
  for (const [part, [x, y, z]] of Object.entries(LEFT_OFFSETS)) {
    o[J[`${part}_left`]] = [x, y, z];
    o[J[`${part}_right`]] = [-x, y, z];
  }
  return o;
})();

/** 3×3 rotation matrices, row-major in a length-9 array. */
export type Mat3 = Float64Array;

/** Rodrigues: R = I + sinθ·K + (1 − cosθ)·K² for the rotation vector (x, y, z) = θ·k. */
export function rotationFromVector(x: number, y: number, z: number, out: Mat3 = new Float64Array(9)): Mat3 {
  const th = Math.hypot(x, y, z);
  if (th < 1e-12) {
    out.set([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    return out;
  }
  const kx = x / th,
    ky = y / th,
    kz = z / th;
  const s = Math.sin(th),
    c1 = 1 - Math.cos(th);
  out[0] = 1 - c1 * (ky * ky + kz * kz);
  out[1] = -s * kz + c1 * kx * ky;
  out[2] = s * ky + c1 * kx * kz;
  out[3] = s * kz + c1 * kx * ky;
  out[4] = 1 - c1 * (kx * kx + kz * kz);
  out[5] = -s * kx + c1 * ky * kz;
  out[6] = -s * ky + c1 * kx * kz;
  out[7] = s * kx + c1 * ky * kz;
  out[8] = 1 - c1 * (kx * kx + ky * ky);
  return out;
}

export function mul3(a: Mat3, b: Mat3, out: Mat3 = new Float64Array(9)): Mat3 {
  const r = out === a || out === b ? new Float64Array(9) : out;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) r[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  }
  if (r !== out) out.set(r);
  return out;
}

/** out[o..o+3] = R·v */
export function apply3(r: Mat3, vx: number, vy: number, vz: number, out: Float64Array, o: number): void {
  out[o] = r[0] * vx + r[1] * vy + r[2] * vz;
  out[o + 1] = r[3] * vx + r[4] * vy + r[5] * vz;
  out[o + 2] = r[6] * vx + r[7] * vy + r[8] * vz;
}

/** Bone offsets of one subject: rest offsets × overall scale × per-segment proportion. */
export function subjectOffsets(scale: number, proportions: Readonly<Record<Segment, number>> = { torso: 1, head: 1, arm: 1, leg: 1 }): Float64Array {
  const out = new Float64Array(JOINT_COUNT * 3);
  for (let j = 0; j < JOINT_COUNT; j++) {
    const f = scale * proportions[SEGMENT[j]];
    for (let c = 0; c < 3; c++) out[j * 3 + c] = REST_OFFSETS[j][c] * f;
  }
  return out;
}

/** A pose: per-bone rotation vectors (radians, parent frame, indexed by child joint), root rotation and translation. */
export interface Pose {
  /** length 25·3. */
  bones: Float64Array;
  root: Float64Array;
  translation: Float64Array;
}

export function emptyPose(): Pose {
  return { bones: new Float64Array(JOINT_COUNT * 3), root: new Float64Array(3), translation: new Float64Array(3) };
}

const scratchGlobal = new Float64Array(JOINT_COUNT * 9);
const scratchLocal = new Float64Array(9);
const scratchProduct = new Float64Array(9);

/** Forward kinematics: joint positions (25·3, body frame) of `pose` on a skeleton with `offsets`. */
export function forwardKinematics(pose: Pose, offsets: Float64Array, out: Float64Array = new Float64Array(JOINT_COUNT * 3)): Float64Array {
  const global = scratchGlobal;
  for (const j of FK_ORDER) {
    const p = PARENT[j];
    const g = global.subarray(j * 9, j * 9 + 9);
    if (p < 0) {
      rotationFromVector(pose.root[0], pose.root[1], pose.root[2], g);
      out[j * 3] = pose.translation[0];
      out[j * 3 + 1] = pose.translation[1];
      out[j * 3 + 2] = pose.translation[2];
      continue;
    }
    rotationFromVector(pose.bones[j * 3], pose.bones[j * 3 + 1], pose.bones[j * 3 + 2], scratchLocal);
    g.set(mul3(global.subarray(p * 9, p * 9 + 9), scratchLocal, scratchProduct));
    apply3(g, offsets[j * 3], offsets[j * 3 + 1], offsets[j * 3 + 2], out, j * 3);
    out[j * 3] += out[p * 3];
    out[j * 3 + 1] += out[p * 3 + 1];
    out[j * 3 + 2] += out[p * 3 + 2];
  }
  return out;
}

/** Rest skeleton (T = identity everywhere, arms hanging straight down), body frame, root at the origin. */
export function restSkeleton(scale = 1): Float64Array {
  return forwardKinematics(emptyPose(), subjectOffsets(scale));
}
