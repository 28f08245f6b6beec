/**
 * The raw-skeleton datasets, one spec each from its own folder (datasets/<id>/: reader and spec in
 * index.ts, class names in classes.ts, splits and protocols in splits.ts, the on-disk format check
 * in check.ts where there is one): the one place that says where a dataset lies and how it is
 * read. lib/data/classes.ts and splits.ts gather every dataset's classes, splits and protocols
 * from here. Adding a dataset is its folder, its line here and its name in RawSkeletonDataset
 * (lib/data/dataset-types.ts); test/data/datasets.test.ts checks every spec field by field.
 */
import { FsvaeInputError } from '../../util/assert';
import { DataLocation, locateData } from '../paths';
import { DatasetSpec, RawSkeletonDataset } from './types';
import { NW_UCLA } from './nw-ucla';
import { UTD_MHAD } from './utd-mhad';
import { MSR_ACTION3D } from './msr-action3d';
import { NTU60, NTU120 } from './ntu';
import { PKU51 } from './pku51';

export type { DatasetSpec, InspectFormat, RawDatasetRead, RawSkeletonDataset } from './types';

/** Every dataset spec, in the order the datasets are listed and tried. */
const SPECS: readonly DatasetSpec[] = [NTU60, NTU120, PKU51, NW_UCLA, UTD_MHAD, MSR_ACTION3D];

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
