/**
 * MSR Action3D: the three action sets of Li et al. (2010), this project's zero-shot splits (no
 * public one exists) and the cross-subject protocol.
 */
import type { SplitDef, TrainTestProtocol } from '../../dataset-types';

/**
 * The three MSR Action3D action subsets of Li et al. (2010), as 0-based labels. AS1 and AS2 hold
 * similar movements; AS3 complex ones. AS3 overlaps both others.
 */
export const MSR_ACTION3D_ACTION_SETS: Readonly<Record<'AS1' | 'AS2' | 'AS3', readonly number[]>> = {
  AS1: [1, 2, 4, 5, 9, 12, 17, 19], // horizontal arm wave, hammer, forward punch, high throw, hand clap, bend, tennis serve, pick up & throw
  AS2: [0, 3, 6, 7, 8, 10, 11, 13], // high arm wave, hand catch, draw x, draw tick, draw circle, two hand wave, side-boxing, forward kick
  AS3: [5, 13, 14, 15, 16, 17, 18, 19], // high throw, forward kick, side kick, jogging, tennis swing, tennis serve, golf swing, pick up & throw
};

/**
 * MSR Action3D zero-shot splits of this project (no public one exists). Rule, on 1-based action
 * ids a01..a20: 5 unseen = ids ≡ 3 (mod 4) → a03 hammer, a07 draw x, a11 two hand wave,
 * a15 side kick, a19 golf swing; 10 unseen = even ids a02..a20. Both touch every action set
 * AS1/AS2/AS3 of Li et al. (2010) and keep seen classes in each, so no subset is all-unseen.
 */
export const MSR_ACTION3D_UNSEEN_5: readonly number[] = [2, 6, 10, 14, 18];
export const MSR_ACTION3D_UNSEEN_10: readonly number[] = [1, 3, 5, 7, 9, 11, 13, 15, 17, 19];

export const MSR_ACTION3D_SPLITS: readonly SplitDef[] = [
  { name: 'msr-action3d-15/5', dataset: 'msr-action3d', unseen: MSR_ACTION3D_UNSEEN_5, source: 'this project: 1-based ids ≡ 3 (mod 4)' },
  { name: 'msr-action3d-10/10', dataset: 'msr-action3d', unseen: MSR_ACTION3D_UNSEEN_10, source: 'this project: even 1-based ids' },
];

export const MSR_ACTION3D_XSUB: TrainTestProtocol = {
  dataset: 'msr-action3d',
  name: 'xsub',
  key: 'subject',
  train: [1, 3, 5, 7, 9],
  test: [2, 4, 6, 8, 10],
  source: 'MSR Action3D (Li et al., CVPR-W 2010): odd subjects train, even test',
};

export const MSR_ACTION3D_PROTOCOLS: readonly TrainTestProtocol[] = [MSR_ACTION3D_XSUB];
