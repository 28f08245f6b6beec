/**
 * Body parts of the Kinect-v1 20-joint layout (lib/data/layouts.ts, NW-UCLA and UTD-MHAD) for the
 * part-aware alignment extension (lib/experiments/part-alignment.ts), and the part sequence that
 * stage 1 describes for a part.
 *
 * A part sequence keeps the part's joints and the five reference joints that stage 1's
 * preprocessing reads (hip centre, spine, shoulder centre, both hips: the centre joint and the
 * view joints); every other joint is set to zero, which preprocessing treats as a missing joint and
 * keeps at zero through centring, view rotation, resampling and augmentation. A missing joint's DCT
 * coefficients are zero in every row, so they carry no information and no variance. The reference
 * joints are kept because without them the centre and the view are undefined; every part feature
 * therefore also sees the trunk's translation and turn.
 */
import { FsvaeInputError } from '../util/assert';
import { KINECT_V1_20 } from './layouts';
import { SkeletonSequence } from './skeleton';

export type BodyPart = 'trunk-head' | 'left-arm' | 'right-arm' | 'legs';
export const BODY_PARTS: readonly BodyPart[] = ['trunk-head', 'left-arm', 'right-arm', 'legs'];

/** The joints (0-based, Kinect-v1 order) each part adds to the reference joints. */
export const KINECT_V1_PART_JOINTS: Readonly<Record<BodyPart, readonly number[]>> = {
  'trunk-head': [0, 1, 2, 3],
  'left-arm': [4, 5, 6, 7],
  'right-arm': [8, 9, 10, 11],
  legs: [12, 13, 14, 15, 16, 17, 18, 19],
};

/** The centre joint and the view joints of the layout: hip centre, spine, shoulder centre, left hip, right hip. */
export const KINECT_V1_REFERENCE_JOINTS: readonly number[] = [
  KINECT_V1_20.viewJoints.spineBase,
  KINECT_V1_20.center,
  KINECT_V1_20.viewJoints.spineTop,
  KINECT_V1_20.viewJoints.leftHip,
  KINECT_V1_20.viewJoints.rightHip,
];

/** The joints a part sequence keeps, sorted. */
export function partJoints(part: BodyPart): number[] {
  const own = KINECT_V1_PART_JOINTS[part];
  if (!own) throw new FsvaeInputError(`body parts: unknown part '${part}'; known: ${BODY_PARTS.join(', ')}.`);
  return [...new Set([...KINECT_V1_REFERENCE_JOINTS, ...own])].sort((a, b) => a - b);
}

/** The sequence with every joint outside partJoints(part) set to zero (same id, label, meta). */
export function partSequence(seq: SkeletonSequence, part: BodyPart): SkeletonSequence {
  if (seq.layout !== KINECT_V1_20.name || seq.joints !== KINECT_V1_20.joints.length) {
    throw new FsvaeInputError(
      `${seq.id}: body parts are defined for the ${KINECT_V1_20.name} layout (NW-UCLA, UTD-MHAD); ` +
        `this sequence is ${seq.layout} with ${seq.joints} joints.`,
    );
  }
  const keep = new Set(partJoints(part));
  const data = seq.data.slice();
  const J = seq.joints;
  for (let bt = 0; bt < seq.bodies * seq.frames; bt++) {
    for (let j = 0; j < J; j++) if (!keep.has(j)) data.fill(0, (bt * J + j) * 3, (bt * J + j) * 3 + 3);
  }
  return { ...seq, data };
}
