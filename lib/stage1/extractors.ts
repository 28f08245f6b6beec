/**
 * Every stage-1 extractor behind one interface: the skeleton GCNs (config.ts presets, trained by
 * train.ts) and the DCT-descriptor extractors (dct-extractor.ts). `fitExtractor` trains on the
 * samples a TrainingSelection allows and returns something that extracts features and logits of
 * any sequences.
 */
import { FsvaeInputError } from '../util/assert';
import { SkeletonSequence } from '../data/skeleton';
import { STAGE1_PRESETS, Stage1Config, stage1Config } from './config';
import { DCT_EXTRACTOR_PRESETS, DctExtractorConfig, fitDctExtractor, isDctExtractorConfig, validateDctExtractorConfig } from './dct-extractor';
import { SelectionCounts, TrainingSelection } from './input';
import { ExtractedFeatures, Stage1EpochRecord, Stage1TrainOptions, extractFeatures, trainStage1 } from './train';

export type ExtractorConfig = Stage1Config | DctExtractorConfig;

/** The extractor `fsvae extract` / `pipeline` and the notebooks use unless told otherwise. */
export const DEFAULT_EXTRACTOR = 'dct-lda';

export function extractorNames(): string[] {
  return [...Object.keys(DCT_EXTRACTOR_PRESETS), ...Object.keys(STAGE1_PRESETS)];
}

/** A preset by name (deep copy); GCN presets accept an epochs override. */
export function extractorConfig(name: string, overrides: { epochs?: number } = {}): ExtractorConfig {
  const dct = DCT_EXTRACTOR_PRESETS[name];
  if (dct) {
    if (overrides.epochs !== undefined) throw new FsvaeInputError(`stage 1 extractor '${name}' is not trained by epochs; drop --epochs.`);
    const c = JSON.parse(JSON.stringify(dct)) as DctExtractorConfig;
    validateDctExtractorConfig(c);
    return c;
  }
  if (!STAGE1_PRESETS[name]) throw new FsvaeInputError(`stage 1: unknown extractor '${name}'; known: ${extractorNames().join(', ')}.`);
  return stage1Config(name, overrides.epochs !== undefined ? { train: { epochs: overrides.epochs } } : {});
}

export interface TrainedExtractor {
  config: ExtractorConfig;
  counts: SelectionCounts;
  /** GCN epochs (empty for the DCT extractors) */
  history: Stage1EpochRecord[];
  trainSeconds: number;
  /** training sequences (with augmented copies) per second */
  sequencesPerSecond: number;
  /** extractor-specific facts for the report (e.g. the chosen shrinkage) */
  details: Record<string, unknown>;
  /** features and logits of `sequences` (asynchronous: the GCNs read them from the device) */
  extract(sequences: readonly SkeletonSequence[], batchSize?: number): Promise<ExtractedFeatures>;
  dispose(): void;
}

/** The GCN trainer's options (the DCT extractors use the seed only), plus a log for the DCT fit. */
export interface FitExtractorOptions extends Omit<Stage1TrainOptions, 'stopAfterEpochs'> {
  log?: (line: string) => void;
}

export async function fitExtractor(
  cfg: ExtractorConfig,
  sequences: readonly SkeletonSequence[],
  selection: TrainingSelection,
  opts: FitExtractorOptions,
): Promise<TrainedExtractor> {
  if (isDctExtractorConfig(cfg)) {
    const fit = fitDctExtractor(cfg, sequences, selection, { seed: opts.seed, log: opts.log });
    return {
      config: cfg,
      counts: fit.counts,
      history: [],
      trainSeconds: fit.fitSeconds,
      sequencesPerSecond: fit.fitSeconds > 0 ? fit.trainRows / fit.fitSeconds : 0,
      details: { shrinkage: fit.shrinkage, temperature: fit.temperature, trainRows: fit.trainRows, dim: fit.dim },
      extract: async (seqs) => fit.extract(seqs),
      dispose: () => undefined,
    };
  }
  const { log: _log, ...trainOpts } = opts;
  const res = await trainStage1(cfg, sequences, selection, trainOpts);
  return {
    config: cfg,
    counts: res.counts,
    history: res.history,
    trainSeconds: res.history.reduce((a, h) => a + h.seconds, 0),
    sequencesPerSecond: res.sequencesPerSecond,
    details: { epochsDone: res.epochsDone, resumedFromEpoch: res.resumedFromEpoch },
    extract: (seqs, batchSize) => extractFeatures(res.net, seqs, res.input, batchSize),
    dispose: () => res.net.dispose(),
  };
}
