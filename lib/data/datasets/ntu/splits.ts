/**
 * NTU RGB+D 60 / 120 splits and protocols: the seen/unseen splits of FS-VAE/MSF/SynSE
 * `label_splits/` (ru*.npy unseen, rv*_0.npy val-unseen), SMIE's random splits (config.py
 * split_1..6) with the random-split benchmarks they form, and the cross-subject, cross-view and
 * cross-setup protocols with their subject lists.
 */
import { RandomSplitBenchmark, SplitDef, TrainTestProtocol, smieSplits } from '../../dataset-types';

const NTU_SPLITS = 'FS-VAE/MSF/SynSE label_splits';

export const NTU60_SPLITS: readonly SplitDef[] = [
  {
    name: 'ntu60-55/5',
    dataset: 'ntu60',
    unseen: [10, 11, 19, 26, 56],
    source: `${NTU_SPLITS}/ru5.npy`,
    valUnseen: [16, 21, 25, 31, 48],
    valSource: `${NTU_SPLITS}/rv5_0.npy (val-seen = seen − val-unseen = rs50_0.npy)`,
  },
  {
    name: 'ntu60-48/12',
    dataset: 'ntu60',
    unseen: [3, 5, 9, 12, 15, 40, 42, 47, 51, 56, 58, 59],
    source: `${NTU_SPLITS}/ru12.npy`,
    valUnseen: [4, 8, 10, 13, 17, 22, 30, 33, 39, 46, 50, 54],
    valSource: `${NTU_SPLITS}/rv12_0.npy (val-seen = rs36_0.npy)`,
  },
];

export const NTU120_SPLITS: readonly SplitDef[] = [
  {
    name: 'ntu120-110/10',
    dataset: 'ntu120',
    unseen: [4, 13, 37, 43, 49, 65, 88, 95, 99, 106],
    source: `${NTU_SPLITS}/ru10.npy`,
    valUnseen: [5, 10, 32, 61, 72, 74, 76, 77, 83, 96],
    valSource: `${NTU_SPLITS}/rv10_0.npy (val-seen derived as seen − val-unseen; upstream rs100_0.npy is broken: 81 entries)`,
  },
  {
    name: 'ntu120-96/24',
    dataset: 'ntu120',
    unseen: [5, 9, 11, 16, 18, 20, 22, 29, 35, 39, 45, 49, 59, 68, 70, 81, 84, 87, 93, 94, 104, 113, 114, 119],
    source: `${NTU_SPLITS}/ru24.npy`,
    valUnseen: [1, 3, 4, 10, 17, 19, 27, 47, 48, 53, 58, 63, 66, 79, 83, 86, 89, 92, 97, 98, 100, 103, 105, 108],
    valSource: `${NTU_SPLITS}/rv24_0.npy (val-seen = rs72_0.npy)`,
  },
];

// SMIE's random-split protocol (config.py split_1..9): three draws per benchmark, results averaged
export const NTU60_SMIE_SPLITS: readonly SplitDef[] = smieSplits('ntu60', '55/5', 1, 'NTU-60 action order', [
  [4, 19, 31, 47, 51],
  [12, 29, 32, 44, 59],
  [7, 20, 28, 39, 58],
]);
export const NTU120_SMIE_SPLITS: readonly SplitDef[] = smieSplits('ntu120', '110/10', 4, 'NTU-120 action order', [
  [3, 18, 26, 38, 41, 60, 87, 99, 102, 110],
  [5, 12, 14, 15, 17, 42, 67, 82, 100, 119],
  [6, 20, 27, 33, 42, 55, 71, 97, 104, 118],
]);

export const NTU60_RANDOM_SPLITS: RandomSplitBenchmark = { dataset: 'ntu60', label: 'NTU-60 55/5', splits: NTU60_SMIE_SPLITS.map((s) => s.name) };
export const NTU120_RANDOM_SPLITS: RandomSplitBenchmark = {
  dataset: 'ntu120',
  label: 'NTU-120 110/10',
  splits: NTU120_SMIE_SPLITS.map((s) => s.name),
};

/** NTU RGB+D 60 cross-subject training subjects (Shahroudy et al. 2016); the other 20 of P001..P040 test. */
export const NTU60_XSUB_TRAIN_SUBJECTS: readonly number[] = [1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38];
/** NTU RGB+D 120 cross-subject training subjects (Liu et al. 2019), 53 of P001..P106. */
export const NTU120_XSUB_TRAIN_SUBJECTS: readonly number[] = [
  1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38, 45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81, 82, 83, 84,
  85, 86, 89, 91, 92, 93, 94, 95, 97, 98, 100, 103,
];

function range1(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
function complement(all: number[], train: readonly number[]): number[] {
  const t = new Set(train);
  return all.filter((x) => !t.has(x));
}

export const NTU60_XSUB: TrainTestProtocol = {
  dataset: 'ntu60',
  name: 'xsub',
  key: 'subject',
  train: NTU60_XSUB_TRAIN_SUBJECTS,
  test: complement(range1(40), NTU60_XSUB_TRAIN_SUBJECTS),
  source: 'NTU RGB+D (Shahroudy et al., CVPR 2016), cross-subject; used by SynSE/MSF/FS-VAE features',
};
export const NTU120_XSUB: TrainTestProtocol = {
  dataset: 'ntu120',
  name: 'xsub',
  key: 'subject',
  train: NTU120_XSUB_TRAIN_SUBJECTS,
  test: complement(range1(106), NTU120_XSUB_TRAIN_SUBJECTS),
  source: 'NTU RGB+D 120 (Liu et al., TPAMI 2019), cross-subject; used by SynSE/MSF/FS-VAE features',
};

/** NTU-60's protocols, cross-subject (the standard one) first. */
export const NTU60_PROTOCOLS: readonly TrainTestProtocol[] = [
  NTU60_XSUB,
  { dataset: 'ntu60', name: 'xview', key: 'camera', train: [2, 3], test: [1], source: 'NTU RGB+D (Shahroudy et al., CVPR 2016), cross-view' },
];
/** NTU-120's protocols, cross-subject (the standard one) first. */
export const NTU120_PROTOCOLS: readonly TrainTestProtocol[] = [
  NTU120_XSUB,
  {
    dataset: 'ntu120',
    name: 'xset',
    key: 'setup',
    train: range1(32).filter((s) => s % 2 === 0),
    test: range1(32).filter((s) => s % 2 === 1),
    source: 'NTU RGB+D 120 (Liu et al., TPAMI 2019), cross-setup',
  },
];
