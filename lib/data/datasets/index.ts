/**
 * The raw-skeleton datasets, one spec each from its own folder (datasets/<id>/: reader and spec in
 * index.ts, class names in classes.ts, splits and protocols in splits.ts, the on-disk format check
 * in check.ts where there is one): the one place that says where a dataset lies and how it is
 * read. Adding a dataset is its folder and its line here, plus its name in RawSkeletonDataset
 * (types.ts) and DatasetName, and its lists gathered by lib/data/classes.ts and splits.ts (those
 * import the folders' classes.ts and splits.ts, not this registry: the readers import splits.ts).
 * test/data/datasets.test.ts fails until all of these agree.
 */
import { FsvaeInputError } from '../../util/assert';
import { DataLocation, locateData } from '../paths';
import { DatasetSpec, RawSkeletonDataset } from './types';
import { NW_UCLA } from './nw-ucla';
import { UTD_MHAD } from './utd-mhad';
import { MSR_ACTION3D } from './msr-action3d';
import { NTU60, NTU120 } from './ntu';
import { PKU51 } from './pku51';

export type { DatasetSpec, InspectFormat, RawDatasetRead, RawDatasetSpec, RawSkeletonDataset } from './types';

/** Every dataset spec, in the order the datasets are listed and tried. */
const SPECS: readonly DatasetSpec[] = [NW_UCLA, UTD_MHAD, MSR_ACTION3D, NTU60, NTU120, PKU51];

export const RAW_DATASETS: Readonly<Record<RawSkeletonDataset, DatasetSpec>> = Object.fromEntries(SPECS.map((s) => [s.name, s])) as Record<
  RawSkeletonDataset,
  DatasetSpec
>;

/** Datasets with a raw-skeleton reader and a registered split. */
export const RAW_SKELETON_DATASETS: readonly RawSkeletonDataset[] = SPECS.map((s) => s.name);

/** The spec of a dataset, or an error listing the known ones. */
export function rawDataset(name: string): DatasetSpec {
  const spec = RAW_DATASETS[name as RawSkeletonDataset];
  if (!spec) throw new FsvaeInputError(`no raw-skeleton reader for dataset '${String(name)}'; known: ${RAW_SKELETON_DATASETS.join(', ')}.`);
  return spec;
}

/** Where a dataset's folder lies: `dir` when given, else its folder under the data roots (locateData). */
export function locateRawDataset(name: RawSkeletonDataset, dir?: string): DataLocation {
  return locateData(rawDataset(name).folder, dir);
}
