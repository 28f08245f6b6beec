/**
 * Class lists of the skeleton action datasets the project supports. Index i of each list is the
 * 0-based class label used by the label splits, feature files and text tables. Each raw dataset's
 * list lives in its folder (datasets/<id>/classes.ts) and its spec; this module gathers them from
 * the registry, with the generated dataset's.
 */
import { FsvaeInputError } from '../util/assert';
import type { DatasetName, RawSkeletonDataset } from './dataset-types';
import { RAW_DATASETS, RAW_SKELETON_DATASETS } from './datasets';
import { ACTION_CATALOGUE } from './generator/catalogue';
import { describeComposition } from './generator/composition';

export { NW_UCLA_CLASS_NAMES } from './datasets/nw-ucla/classes';
export { UTD_MHAD_CLASS_NAMES } from './datasets/utd-mhad/classes';
export { MSR_ACTION3D_CLASS_NAMES } from './datasets/msr-action3d/classes';
export { NTU120_CLASS_NAMES, NTU60_CLASS_NAMES, NTU60_PAPER_TABLE11_NAMES } from './datasets/ntu/classes';
export { PKU51_CLASS_NAMES } from './datasets/pku51/classes';

export type { DatasetName } from './dataset-types';

/** The registered raw datasets, then the generated one. */
export const DATASET_NAMES: readonly DatasetName[] = [...RAW_SKELETON_DATASETS, 'generated'];

/** The built-in generated dataset's class labels (AL), from its action catalogue (seed-independent). */
export const GENERATED_CLASS_NAMES: readonly string[] = ACTION_CATALOGUE.map((c) => describeComposition(c).label);

const CLASS_NAMES: Record<DatasetName, readonly string[]> = {
  ...(Object.fromEntries(RAW_SKELETON_DATASETS.map((d) => [d, RAW_DATASETS[d].classes])) as Record<RawSkeletonDataset, readonly string[]>),
  generated: GENERATED_CLASS_NAMES,
};

export function assertDatasetName(name: string, what = 'dataset'): DatasetName {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new FsvaeInputError(`${what}: unknown dataset '${name}'; use one of ${DATASET_NAMES.join(', ')}.`);
  }
  return name as DatasetName;
}

/** The class names of a dataset, index = 0-based label. */
export function classNames(dataset: DatasetName): readonly string[] {
  return CLASS_NAMES[assertDatasetName(dataset)];
}

export function numClassesOf(dataset: DatasetName): number {
  return classNames(dataset).length;
}
