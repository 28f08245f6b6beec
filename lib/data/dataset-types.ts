/**
 * What the dataset folders (datasets/<id>/) and the all-dataset views (classes.ts, splits.ts)
 * share, so that the folders import neither view: the dataset names, the shapes of split and
 * protocol definitions, and the one builder they share, SMIE's random splits.
 */
import type { SkeletonSequence } from './skeleton';

/** The datasets with a folder under datasets/ (a new dataset adds its name here). */
export type RawSkeletonDataset = 'nw-ucla' | 'utd-mhad' | 'msr-action3d' | 'ntu60' | 'ntu120' | 'pku51';

/** Every dataset: the raw ones and the built-in generated one. */
export type DatasetName = RawSkeletonDataset | 'generated';

export interface SplitDef {
  name: string;
  dataset: DatasetName;
  unseen: readonly number[];
  source: string;
  /** upstream val-unseen list, when one exists */
  valUnseen?: readonly number[];
  valSource?: string;
}

export interface TrainTestProtocol {
  dataset: DatasetName;
  name: string;
  /** what the lists index: NTU/PKU/UTD/MSR performer ids, NW-UCLA view ids, NTU camera or setup ids */
  key: 'subject' | 'view' | 'camera' | 'setup';
  /** ids of the training side; null when not known exactly (see note) */
  train: readonly number[] | null;
  /** ids of the test side; null when not known exactly */
  test: readonly number[] | null;
  source: string;
  note?: string;
}

export type ProtocolSideName = 'train' | 'test';
/** Train/test side of a sequence under a protocol. */
export type SideOf = (seq: SkeletonSequence) => ProtocolSideName;

/** One benchmark of the random-split protocol: the registered draws whose results are averaged. */
export interface RandomSplitBenchmark {
  dataset: 'ntu60' | 'ntu120' | 'pku51';
  label: string;
  splits: readonly string[];
}

/**
 * SMIE's random splits `<dataset>-<seen/unseen>-smie<k>`, numbered from `first` as SMIE's
 * config.py numbers them; `order` names the class order its indices follow.
 */
export function smieSplits(dataset: DatasetName, sizes: string, first: number, order: string, lists: number[][]): SplitDef[] {
  return lists.map((unseen, i) => ({
    name: `${dataset}-${sizes}-smie${first + i}`,
    dataset,
    unseen,
    source: `SMIE split_${first + i} (${order})`,
  }));
}
