/**
 * What a raw-skeleton dataset is to the pipeline: where its folder lies under a data root, how to
 * get it, and how to read a folder into sequences with their train/test side. Each dataset's
 * module (nwucla.ts, utd-mhad.ts, …) exports its spec; datasets.ts lists them.
 */
import type { SkeletonSequence } from './skeleton';
import type { SideOf } from './splits';

export type RawSkeletonDataset = 'nw-ucla' | 'utd-mhad' | 'msr-action3d' | 'ntu60' | 'ntu120' | 'pku51';

export interface RawDatasetRead {
  sequences: SkeletonSequence[];
  /** the side of each sequence under the dataset's standard protocol */
  side: SideOf;
  /** what the reader left out or assumed, for result rows */
  note?: string;
}

export interface RawDatasetSpec {
  name: RawSkeletonDataset;
  /** the folder under a data root that locateData looks for */
  folder: string;
  /** how to get it: the command, or where its instructions are */
  download: string;
  read(dir: string): RawDatasetRead;
}
