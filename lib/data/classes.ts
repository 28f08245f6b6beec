/**
 * Class lists of the skeleton action datasets the project supports. Index i of each list is the
 * 0-based class label used by the label splits, feature files and text tables. Each raw dataset's
 * list lives in its folder (datasets/<id>/classes.ts); this module gathers them with the
 * generated dataset's.
 */
import { FsvaeInputError } from '../util/assert';
import { ACTION_CATALOGUE } from './generator/catalogue';
import { describeComposition } from './generator/composition';
import { NW_UCLA_CLASS_NAMES } from './datasets/nw-ucla/classes';
import { UTD_MHAD_CLASS_NAMES } from './datasets/utd-mhad/classes';
import { MSR_ACTION3D_CLASS_NAMES } from './datasets/msr-action3d/classes';
import { NTU120_CLASS_NAMES, NTU60_CLASS_NAMES } from './datasets/ntu/classes';
import { PKU51_CLASS_NAMES } from './datasets/pku51/classes';

export { NW_UCLA_CLASS_NAMES } from './datasets/nw-ucla/classes';
export { UTD_MHAD_CLASS_NAMES } from './datasets/utd-mhad/classes';
export { MSR_ACTION3D_CLASS_NAMES } from './datasets/msr-action3d/classes';
export { NTU120_CLASS_NAMES, NTU60_CLASS_NAMES, NTU60_PAPER_TABLE11_NAMES } from './datasets/ntu/classes';
export { PKU51_CLASS_NAMES } from './datasets/pku51/classes';

export type DatasetName = 'ntu60' | 'ntu120' | 'pku51' | 'nw-ucla' | 'utd-mhad' | 'msr-action3d' | 'generated';

export const DATASET_NAMES: readonly DatasetName[] = ['ntu60', 'ntu120', 'pku51', 'nw-ucla', 'utd-mhad', 'msr-action3d', 'generated'];

/** The built-in generated dataset's class labels (AL), from its action catalogue (seed-independent). */
export const GENERATED_CLASS_NAMES: readonly string[] = ACTION_CATALOGUE.map((c) => describeComposition(c).label);

const CLASS_NAMES: Record<DatasetName, readonly string[]> = {
  ntu60: NTU60_CLASS_NAMES,
  ntu120: NTU120_CLASS_NAMES,
  pku51: PKU51_CLASS_NAMES,
  'nw-ucla': NW_UCLA_CLASS_NAMES,
  'utd-mhad': UTD_MHAD_CLASS_NAMES,
  'msr-action3d': MSR_ACTION3D_CLASS_NAMES,
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
