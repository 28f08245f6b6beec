/** The FS-VAE library: everything the notebooks and the CLI use. */
export * from './util/random';
export * from './util/assert';
export * from './frequency/dct';
export * from './frequency/enhancer';
export * from './frequency/energy';
export * from './data/skeleton';
export * from './data/paths';
export * from './data/nwucla';
export * from './report/table';
export * from './report/provenance';
export * from './viz/plotly';
export * from './experiments/frequency-analysis';
export * from './runtime/backend';
export * from './data/layouts';
export {
  DESCRIPTION_PARTS, DESCRIPTION_REGISTRY, DESCRIPTION_DATASETS, defaultDescriptionsDir,
  parseDescriptions, loadDescriptions, descriptionTexts, descriptionHash,
} from './text/descriptions';
export type {
  DescriptionPart, DescriptionDataset, ActionDescription, DescriptionSet, DescriptionFileEntry,
} from './text/descriptions';
export * from './data/npy';
export * from './data/synse';
export * from './data/text-tables';
export * from './data/splits';
export * from './data/classes';
export * from './model/fsvae';
export * from './losses';
export * from './train/adam';
export * from './train/config';
export * from './train/features';
export * from './train/stage2';
export * from './text/compose';
export * from './data/synthetic-features';
export * from './data/sources';
export * from './data/download';
export * from './util/progress';
export * from './util/step-progress';
export * from './pipeline/zero-shot';
export * from './data/mat5';
export * from './data/ntu-skeleton';
export * from './data/utd-mhad';
export * from './data/msr-action3d';
export * from './data/pku-mmd';
export * from './data/preprocess';
export * from './data/inspect';
export * from './data/generator';
export * from './eval/logistic';
export * from './eval/gate';
export * from './eval/gzsl';
export * from './eval/metrics';
export * from './pipeline/phase-worker';
export * from './text/encoders';
export * from './text/cache';
export * from './experiments/theorem1';
export * from './stage1';
export * from './experiments/datasets';
export * from './experiments/variants';
export * from './experiments/paper-numbers';
export * from './experiments/main-results';
export * from './experiments/ablations';
export * from './experiments/pku-mmd';
export * from './experiments/text-encoders';
export * from './viz/skeleton';
export * from './viz/png';
export * from './experiments/embedding-analysis';
