/**
 * Joint layouts: joint names in the canonical order of each sensor and the bone graph (pairs of
 * 0-based joint indices, child → parent, as in the ST-GCN / Shift-GCN / CTR-GCN graphs).
 * Readers permute their file's joint order into these canonical orders.
 */
import { JointLayoutName } from './skeleton';

export interface JointLayout {
  name: JointLayoutName;
  joints: readonly string[];
  /** [child, parent], 0-based. */
  bones: readonly (readonly [number, number])[];
  /** the joint used as the body centre (spine middle / spine). */
  center: number;
  /** left/right joint pairs, for mirror augmentation and bone-symmetry checks. */
  mirrorPairs: readonly (readonly [number, number])[];
  /** joints that define the view normalisation: [left hip, right hip, spine base, spine top]. */
  viewJoints: { leftHip: number; rightHip: number; spineBase: number; spineTop: number };
}

/** Kinect v2, 25 joints, NTU RGB+D / PKU-MMD order. */
export const KINECT_V2_25: JointLayout = {
  name: 'kinect-v2-25',
  joints: [
    'spine_base',
    'spine_mid',
    'neck',
    'head',
    'shoulder_left',
    'elbow_left',
    'wrist_left',
    'hand_left',
    'shoulder_right',
    'elbow_right',
    'wrist_right',
    'hand_right',
    'hip_left',
    'knee_left',
    'ankle_left',
    'foot_left',
    'hip_right',
    'knee_right',
    'ankle_right',
    'foot_right',
    'spine_shoulder',
    'hand_tip_left',
    'thumb_left',
    'hand_tip_right',
    'thumb_right',
  ],
  // 1-based pairs of the NTU graph (ST-GCN, 2s-AGCN, Shift-GCN), converted to 0-based
  bones: (
    [
      [1, 2],
      [2, 21],
      [3, 21],
      [4, 3],
      [5, 21],
      [6, 5],
      [7, 6],
      [8, 7],
      [9, 21],
      [10, 9],
      [11, 10],
      [12, 11],
      [13, 1],
      [14, 13],
      [15, 14],
      [16, 15],
      [17, 1],
      [18, 17],
      [19, 18],
      [20, 19],
      [22, 23],
      [23, 8],
      [24, 25],
      [25, 12],
    ] as const
  ).map(([a, b]) => [a - 1, b - 1] as const),
  center: 1,
  mirrorPairs: [
    [4, 8],
    [5, 9],
    [6, 10],
    [7, 11],
    [12, 16],
    [13, 17],
    [14, 18],
    [15, 19],
    [21, 23],
    [22, 24],
  ],
  viewJoints: { leftHip: 12, rightHip: 16, spineBase: 0, spineTop: 20 },
};

/** Kinect v1, 20 joints, Microsoft SDK order (NW-UCLA's order; UTD-MHAD and MSR Action3D are permuted into it). */
export const KINECT_V1_20: JointLayout = {
  name: 'kinect-v1-20',
  joints: [
    'hip_center',
    'spine',
    'shoulder_center',
    'head',
    'shoulder_left',
    'elbow_left',
    'wrist_left',
    'hand_left',
    'shoulder_right',
    'elbow_right',
    'wrist_right',
    'hand_right',
    'hip_left',
    'knee_left',
    'ankle_left',
    'foot_left',
    'hip_right',
    'knee_right',
    'ankle_right',
    'foot_right',
  ],
  // the NW-UCLA graph of CTR-GCN (1-based), converted to 0-based
  bones: (
    [
      [1, 2],
      [2, 3],
      [4, 3],
      [5, 3],
      [6, 5],
      [7, 6],
      [8, 7],
      [9, 3],
      [10, 9],
      [11, 10],
      [12, 11],
      [13, 1],
      [14, 13],
      [15, 14],
      [16, 15],
      [17, 1],
      [18, 17],
      [19, 18],
      [20, 19],
    ] as const
  ).map(([a, b]) => [a - 1, b - 1] as const),
  center: 1,
  mirrorPairs: [
    [4, 8],
    [5, 9],
    [6, 10],
    [7, 11],
    [12, 16],
    [13, 17],
    [14, 18],
    [15, 19],
  ],
  viewJoints: { leftHip: 12, rightHip: 16, spineBase: 0, spineTop: 2 },
};

export const JOINT_LAYOUTS: Readonly<Record<JointLayoutName, JointLayout>> = {
  'kinect-v2-25': KINECT_V2_25,
  'kinect-v1-20': KINECT_V1_20,
};

export function jointLayout(name: JointLayoutName): JointLayout {
  const l = JOINT_LAYOUTS[name];
  if (!l) throw new Error(`Unknown joint layout '${name}'. Known: ${Object.keys(JOINT_LAYOUTS).join(', ')}.`);
  return l;
}

/** Canonical index of each joint of a file order given by names (throws on unknown names). */
export function permutationFromNames(fileOrder: readonly string[], layout: JointLayout): number[] {
  return fileOrder.map((n) => {
    const i = layout.joints.indexOf(n);
    if (i < 0) throw new Error(`joint '${n}' is not in layout ${layout.name}`);
    return i;
  });
}
