/** NW-UCLA's zero-shot splits (PURLS supplements/label_splits) and its cross-view protocol. */
import type { SplitDef, TrainTestProtocol } from '../../dataset-types';

const PURLS = 'PURLS supplements/label_splits';

export const NW_UCLA_SPLITS: readonly SplitDef[] = [
  { name: 'nw-ucla-5/5', dataset: 'nw-ucla', unseen: [1, 3, 4, 6, 8], source: `${PURLS}/nw-ucla/ru5.npy (seen rs5.npy)` },
  { name: 'nw-ucla-8/2', dataset: 'nw-ucla', unseen: [1, 4], source: `${PURLS}/nw-ucla/ru2.npy (seen rs8.npy)` },
];

export const NW_UCLA_XVIEW: TrainTestProtocol = {
  dataset: 'nw-ucla',
  name: 'xview',
  key: 'view',
  train: [1, 2],
  test: [3],
  source: 'NW-UCLA (Wang et al., CVPR 2014): views 1+2 train, view 3 test',
};

export const NW_UCLA_PROTOCOLS: readonly TrainTestProtocol[] = [NW_UCLA_XVIEW];
