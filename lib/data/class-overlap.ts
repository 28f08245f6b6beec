/**
 * Classes of NW-UCLA and UTD-MHAD that name the same action, or the same whole-body motion. Both
 * datasets are Kinect-v1 skeletons in one 20-joint layout, so one can lend the other seen classes
 * (lib/experiments/auxiliary-classes.ts); a lent class that overlaps a class the target must
 * recognise zero-shot would leak it, so it is removed. The table is written from the class names
 * alone (lib/data/classes.ts), conservatively: a shared verb or a shared posture change counts.
 */
import { FsvaeInputError } from '../util/assert';
import { numClassesOf } from './classes';

/** One NW-UCLA class (0-based) and the UTD-MHAD classes (0-based) that overlap it, with the reason. */
export interface ClassOverlap {
  nwUcla: number;
  utdMhad: readonly number[];
  why: string;
}

export const NW_UCLA_UTD_MHAD_OVERLAP: readonly ClassOverlap[] = [
  { nwUcla: 0, utdMhad: [20], why: 'pick up (with one hand) ~ right hand pick up and throw' },
  { nwUcla: 1, utdMhad: [20], why: 'pick up (with two hands) ~ right hand pick up and throw' },
  { nwUcla: 3, utdMhad: [21, 22], why: 'walk around ~ jogging / walking in place (gait)' },
  { nwUcla: 4, utdMhad: [24, 26], why: 'sit down ~ stand to sit, squat (the body lowers)' },
  { nwUcla: 5, utdMhad: [23, 26], why: 'stand up ~ sit to stand, squat (the body rises)' },
  { nwUcla: 8, utdMhad: [4, 6, 11, 20], why: 'throw ~ right arm throw, basketball shoot, bowling, pick up and throw' },
];

export type OverlapDataset = 'nw-ucla' | 'utd-mhad';

/** The classes of `other` that overlap class `cls` of `dataset`, each with the reason. */
export function overlappingClasses(dataset: OverlapDataset, cls: number, other: OverlapDataset): { cls: number; why: string }[] {
  if (dataset === other) throw new FsvaeInputError(`overlappingClasses: give two different datasets (got ${dataset} twice).`);
  const n = numClassesOf(dataset);
  if (!Number.isInteger(cls) || cls < 0 || cls >= n) throw new FsvaeInputError(`overlappingClasses: ${dataset} has classes 0..${n - 1}, got ${cls}.`);
  if (dataset === 'nw-ucla') {
    const row = NW_UCLA_UTD_MHAD_OVERLAP.find((o) => o.nwUcla === cls);
    return (row?.utdMhad ?? []).map((c) => ({ cls: c, why: row!.why }));
  }
  return NW_UCLA_UTD_MHAD_OVERLAP.filter((o) => o.utdMhad.includes(cls)).map((o) => ({ cls: o.nwUcla, why: o.why }));
}
