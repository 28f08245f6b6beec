/** The FS-VAE library: everything the notebooks and the CLI use. */
export * from './util/random';
export * from './util/assert';
export * from './frequency/dct';
export * from './frequency/enhancer';
export * from './frequency/energy';
export * from './data/skeleton';
export * from './data/paths';
export * from './data/datasets/nw-ucla';
export * from './report/table';
export * from './report/provenance';
export * from './report/notebook-output';
export * from './viz/plotly';
export * from './experiments/frequency-analysis';
export * from './runtime/backend';
export * from './data/layouts';
export {
  DESCRIPTION_PARTS,
  DESCRIPTION_REGISTRY,
  DESCRIPTION_DATASETS,
  defaultDescriptionsDir,
  parseDescriptions,
  loadDescriptions,
  descriptionTexts,
  descriptionHash,
} from './text/descriptions';
export type {
  DescriptionPart,
  DescriptionDataset,
  ActionDescription,
  DescriptionSet,
  DescriptionFileEntry,
} from './text/descriptions';
export * from './data/npy';
export * from './data/synse';
export * from './data/text-tables';
export * from './data/splits';
export * from './data/classes';
export * from './model/fsvae';
export * from './model/loss';
export * from './losses';
export * from './train/adam';
export * from './train/config';
export * from './data/matrices';
export * from './train/stage2';
export * from './text/compose';
export * from './data/synthetic-features';
export * from './data/sources';
export * from './data/download';
export * from './util/progress';
export * from './util/step-progress';
export * from './pipeline/zero-shot';
export * from './data/mat5';
export * from './data/datasets/ntu';
export * from './data/datasets/utd-mhad';
export * from './data/datasets/msr-action3d';
export * from './data/datasets/pku51';
export * from './data/sadvae';
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
export * from './pipeline/features';
export * from './experiments/variants';
export * from './experiments/paper-numbers';
export * from './experiments/main-results';
export * from './experiments/ablations';
export * from './experiments/pku-mmd';
export * from './experiments/random-splits';
export * from './experiments/reproducibility';
export * from './experiments/text-encoders';
export * from './viz/skeleton';
export * from './viz/png';
export * from './viz/html-export';
export * from './viz/notebook-browser';
export * from './experiments/embedding-analysis';
export * from './eval/stats';
export * from './eval/comparison-rows';
export * from './experiments/evidence';
export * from './experiments/evidence-tables';
export * from './experiments/local-shards';
export * from './experiments/transfer-diagnosis';
export * from './experiments/auxiliary-classes';
export * from './experiments/levers';
export * from './experiments/regularisation';
export * from './experiments/part-alignment';
export * from './data/body-parts';
export * from './text/part-descriptions';
export * from './data/class-overlap';
export * from './experiments/small-data';
export * from './text/random';
