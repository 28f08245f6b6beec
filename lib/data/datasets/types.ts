/**
 * What a raw-skeleton dataset is to the pipeline: where its folder lies under a data root, how to
 * get it, how to read a folder into sequences with their train/test side, and the dataset's own
 * data (class names, registered splits, train/test protocols, download source, inspect format).
 * Each dataset's folder (datasets/<id>/index.ts) exports its spec; datasets/index.ts lists them.
 */
import type { SkeletonSequence } from '../skeleton';
import type { RandomSplitBenchmark, RawSkeletonDataset, SideOf, SplitDef, TrainTestProtocol } from '../dataset-types';

export type { RawSkeletonDataset } from '../dataset-types';

/** The formats `fsvae inspect` detects (lib/data/inspect.ts); the raw-skeleton ones each belong to a dataset spec. */
export type InspectFormat = 'ntu-skeleton' | 'nw-ucla-json' | 'utd-mhad-mat' | 'msr-action3d-txt' | 'pku-mmd' | 'npy' | 'synse-features';

export interface RawDatasetRead {
  sequences: SkeletonSequence[];
  /** the side of each sequence under the dataset's standard protocol */
  side: SideOf;
  /** what the reader left out or assumed, for result rows */
  note?: string;
}

export interface DatasetSpec {
  name: RawSkeletonDataset;
  /** the folder under a data root that locateData looks for */
  folder: string;
  /** how to get it: the command, or where its instructions are */
  download: string;
  read(dir: string): RawDatasetRead;
  /** class names, index = 0-based label (what classNames(name) returns) */
  classes: readonly string[];
  /** its zero-shot splits (lib/data/splits.ts registers them, in this order) */
  splits: readonly SplitDef[];
  /** its draws of the random-split protocol, when it has them (RANDOM_SPLIT_BENCHMARKS) */
  randomSplits?: RandomSplitBenchmark;
  /** its train/test protocols (getProtocol(name, p.name) returns each); the first is the one `read` assigns sides by */
  protocols: readonly TrainTestProtocol[];
  /** the name of its entry in DATA_SOURCES (lib/data/sources.ts), which fills `folder` */
  source?: string;
  /** the format `fsvae inspect` detects for its files */
  inspectFormat?: InspectFormat;
}
