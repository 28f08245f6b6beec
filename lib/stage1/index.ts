/** Stage 1, the skeleton feature extractor: public API (re-exported by lib/index.ts). */
export {
  STAGE1_PRESETS,
  stage1Config,
  validateStage1Config,
  lrFactor,
} from './config';
export type {
  Stage1Arch,
  Stage1ModelConfig,
  Stage1InputConfig,
  Stage1AugmentConfig,
  Stage1Optimizer,
  Stage1LrSchedule,
  Stage1TrainConfig,
  Stage1Config,
  Stage1PresetName,
} from './config';
export {
  adjacencyMatrix,
  normalizedAdjacency,
  degreesWithSelfLoops,
  hopDistances,
  spatialPartition,
  countNonZero,
  graphEntry,
  PARTITION_NAMES,
} from './graph';
export type { GraphMatrix, SpatialPartition } from './graph';
export { createSkeletonNet } from './net';
export type { SkeletonNet, SkeletonNetOutput, SkeletonNetShape } from './model';
export { ShiftGcn } from './shift-gcn';
export { StGcn } from './st-gcn';
export { EVAL as STAGE1_EVAL, spatialShiftPermutation, temporalShiftGroups, temporalShiftMap } from './layers';
export type { ForwardContext as Stage1ForwardContext } from './layers';
export {
  sideFromProtocol,
  sideFromIds,
  resolveInput,
  prepareClip,
  augmentClip,
  packClips,
  commonLayout,
  TrainingBatchBuilder,
  TrainingLeakError,
} from './input';
export type { SideOf, ProtocolSideName, ResolvedInput, ClipBatch, TrainingSelection, SelectionCounts } from './input';
export { Stage1Opt } from './optim';
export type { OptimizerState as Stage1OptimizerState } from './optim';
export { trainStage1, extractFeatures, top1Accuracy } from './train';
export type { Stage1Progress, Stage1EpochRecord, Stage1TrainOptions, Stage1TrainResult, ExtractedFeatures } from './train';
export { exportStage1Features, checkStage1Split, chooseValHoldOut } from './export';
export type { Stage1Split, Stage1ExportOptions, Stage1PhaseReport, Stage1ExportReport } from './export';
export { DCT_DESCRIPTOR_DEFAULT, DescriptorScaler, describeClip, describeSequences, descriptorDim } from './descriptor';
export type { DctDescriptorConfig } from './descriptor';
export { DCT_EXTRACTOR_PRESETS, fitDctExtractor, isDctExtractorConfig, ownMeanAccuracy } from './dct-extractor';
export type { DctExtractorConfig, DctMetricConfig, FittedDctExtractor, ShrinkageSelection } from './dct-extractor';
export { DEFAULT_EXTRACTOR, extractorConfig, extractorNames, fitExtractor } from './extractors';
export type { ExtractorConfig, FitExtractorOptions, TrainedExtractor } from './extractors';
export { qualityMetrics, featureQualityRow } from './quality';
export type { QualityMetrics } from './quality';
export { DataParallelGradients, dataParallelAvailable } from './data-parallel';
export { stage1Step } from './train';
