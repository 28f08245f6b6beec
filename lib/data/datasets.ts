/**
 * The raw-skeleton datasets, one spec each from its own module (folder, download, reader and
 * protocol side): the one place that says where a dataset lies and how it is read.
 */
import { FsvaeInputError } from '../util/assert';
import { DataLocation, locateData } from './paths';
import { RawDatasetSpec, RawSkeletonDataset } from './raw-dataset';
import { NW_UCLA } from './nwucla';
import { UTD_MHAD } from './utd-mhad';
import { MSR_ACTION3D } from './msr-action3d';
import { NTU60, NTU120 } from './ntu-skeleton';
import { PKU51 } from './pku-mmd';

export type { RawDatasetRead, RawDatasetSpec, RawSkeletonDataset } from './raw-dataset';

export const RAW_DATASETS: Readonly<Record<RawSkeletonDataset, RawDatasetSpec>> = {
  'nw-ucla': NW_UCLA, 'utd-mhad': UTD_MHAD, 'msr-action3d': MSR_ACTION3D, ntu60: NTU60, ntu120: NTU120, pku51: PKU51,
};

/** Datasets with a raw-skeleton reader and a registered split. */
export const RAW_SKELETON_DATASETS: readonly RawSkeletonDataset[] = ['nw-ucla', 'utd-mhad', 'msr-action3d', 'ntu60', 'ntu120', 'pku51'];

/** The spec of a dataset, or an error listing the known ones. */
export function rawDataset(name: string): RawDatasetSpec {
  const spec = RAW_DATASETS[name as RawSkeletonDataset];
  if (!spec) throw new FsvaeInputError(`no raw-skeleton reader for dataset '${String(name)}'; known: ${RAW_SKELETON_DATASETS.join(', ')}.`);
  return spec;
}

/** Where a dataset's folder lies: `dir` when given, else its folder under the data roots (locateData). */
export function locateRawDataset(name: RawSkeletonDataset, dir?: string): DataLocation {
  return locateData(rawDataset(name).folder, dir);
}
