/** UTD-MHAD's zero-shot splits (PURLS supplements/label_splits) and its cross-subject protocol. */
import type { SplitDef, TrainTestProtocol } from '../../dataset-types';

const PURLS = 'PURLS supplements/label_splits';

export const UTD_MHAD_SPLITS: readonly SplitDef[] = [
  { name: 'utd-mhad-22/5', dataset: 'utd-mhad', unseen: [4, 14, 17, 23, 24], source: `${PURLS}/utd-mhad/ru5.npy (seen rs22.npy)` },
  { name: 'utd-mhad-18/9', dataset: 'utd-mhad', unseen: [0, 1, 3, 6, 7, 11, 13, 16, 18], source: `${PURLS}/utd-mhad/ru9.npy (seen rs18.npy)` },
  {
    name: 'utd-mhad-14/13',
    dataset: 'utd-mhad',
    unseen: [0, 1, 6, 8, 9, 10, 12, 13, 19, 20, 21, 23, 24],
    source: `${PURLS}/utd-mhad/ru13.npy (seen rs14.npy)`,
  },
];

export const UTD_MHAD_XSUB: TrainTestProtocol = {
  dataset: 'utd-mhad',
  name: 'xsub',
  key: 'subject',
  train: [1, 3, 5, 7],
  test: [2, 4, 6, 8],
  source: 'UTD-MHAD (Chen et al., ICIP 2015): odd subjects train, even test',
};

export const UTD_MHAD_PROTOCOLS: readonly TrainTestProtocol[] = [UTD_MHAD_XSUB];
