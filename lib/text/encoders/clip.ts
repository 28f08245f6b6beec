/**
 * CLIP ViT-B/32 and ViT-B/16 text towers (Radford et al. 2021), the text encoders of MSF-GZSSAR
 * and FS-VAE (their text_feats/ViT-B/{32,16}/*.npy tables), run with transformers.js
 * (@huggingface/transformers, ONNX Runtime on the CPU) from a local model folder in the Hugging
 * Face layout (e.g. a copy of Xenova/clip-vit-base-patch32):
 *   config.json, tokenizer.json, tokenizer_config.json, onnx/text_model.onnx (fp32)
 * When no local folder exists, the four files are downloaded once from the Hugging Face hub
 * (through transformers.js, into <cache>/clip/<hub id>/; $FSVAE_HF_HOST sets another host) unless
 * $FSVAE_CLIP_REMOTE=0; offline, the error names the folder layout to place by hand.
 * What is computed is CLIPTextModelWithProjection's `text_embeds`: the final-layer-norm hidden
 * state at the end-of-text token (EOT pooling) times the text projection, NOT normalised — the
 * same as OpenAI's `model.encode_text(clip.tokenize(text))` that produced the MSF tables (raw
 * row norms ≈ 8–13). No prompt template is added; the context is 77 tokens (<|startoftext|>,
 * at most 75 text tokens, <|endoftext|>; longer texts are truncated like
 * clip.tokenize(truncate=True)); batches are padded with 0 after <|endoftext|>. Before tokenising, texts get the cleaning of OpenAI's
 * tokenizer (`basic_clean` + `whitespace_clean`), see clipBasicClean.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsvaeInputError } from '../../util/assert';
import { sha256FileSync } from '../../util/hash';
import { cacheRoot, locateData } from '../../data/paths';
import { TextEncoder, checkEmbeddings, checkTexts, optionalRequire } from './types';

export const TRANSFORMERS_PACKAGE = '@huggingface/transformers';
export const TRANSFORMERS_VERSION = '4.3.1';

export type ClipEncoderId = 'clip-vit-b32' | 'clip-vit-b16';

export interface ClipModelInfo {
  id: ClipEncoderId;
  /** OpenAI's name, also the folder name of the MSF tables: text_feats/ViT-B/32. */
  variant: 'ViT-B/32' | 'ViT-B/16';
  /** vision patch size recorded in a full CLIP config.json (checked when present). */
  patchSize: number;
  /** the ONNX export on the Hugging Face hub (used only when remote loading is allowed). */
  hubId: string;
  /** folder names searched under $FSVAE_CLIP_DIR and the data roots. */
  dirNames: string[];
}

export const CLIP_MODELS: Readonly<Record<ClipEncoderId, ClipModelInfo>> = {
  'clip-vit-b32': {
    id: 'clip-vit-b32',
    variant: 'ViT-B/32',
    patchSize: 32,
    hubId: 'Xenova/clip-vit-base-patch32',
    dirNames: ['clip-vit-base-patch32', 'Xenova/clip-vit-base-patch32', 'openai/clip-vit-base-patch32', 'ViT-B-32'],
  },
  'clip-vit-b16': {
    id: 'clip-vit-b16',
    variant: 'ViT-B/16',
    patchSize: 16,
    hubId: 'Xenova/clip-vit-base-patch16',
    dirNames: ['clip-vit-base-patch16', 'Xenova/clip-vit-base-patch16', 'openai/clip-vit-base-patch16', 'ViT-B-16'],
  },
};

export const CLIP_DIR_ENV = 'FSVAE_CLIP_DIR';
/** Set to 0 to never download the model from the hub when no local folder is found. */
export const CLIP_REMOTE_ENV = 'FSVAE_CLIP_REMOTE';
/** The hub host files are downloaded from (default https://huggingface.co/; tests: a loopback server). */
export const CLIP_HUB_ENV = 'FSVAE_HF_HOST';
export const HF_HUB = 'https://huggingface.co/';

/** Where downloaded models go: <cache>/clip/<hub id>/ (the hub's own file layout). */
export function clipCacheDir(): string {
  return path.join(cacheRoot(), 'clip');
}
/** Files a local model folder must hold (relative paths). */
export const CLIP_REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/text_model.onnx'] as const;
/** CLIP's text context length. */
export const CLIP_CONTEXT_LENGTH = 77;
export const CLIP_SOT_ID = 49406;
export const CLIP_EOT_ID = 49407;

/** How to enable the CLIP encoders, for error and skip messages. */
export function clipSetupHint(id: ClipEncoderId = 'clip-vit-b32'): string {
  const m = CLIP_MODELS[id];
  return (
    `set ${CLIP_DIR_ENV} to a folder holding ${CLIP_REQUIRED_FILES.join(', ')} ` +
    `(a copy of the Hugging Face repository ${m.hubId}; fp32 ONNX export of CLIPTextModelWithProjection), ` +
    `or to a parent folder with a subfolder ${m.dirNames[0]}/; or place the files in ${path.join(clipCacheDir(), m.hubId)}/ ` +
    `(where a machine that reaches the hub downloads them by itself)`
  );
}

export function isClipEncoderId(s: string): s is ClipEncoderId {
  return Object.hasOwn(CLIP_MODELS, s);
}

function missingFiles(dir: string): string[] {
  return CLIP_REQUIRED_FILES.filter((f) => !fs.existsSync(path.join(dir, f)));
}

export interface ClipModelLocation {
  /** the model folder, or null when none was found. */
  dir: string | null;
  /** where it came from. */
  source: 'explicit' | `$${typeof CLIP_DIR_ENV}` | 'data root' | 'download cache' | 'not found';
  /** folders tried, for messages. */
  tried: string[];
}

/**
 * Finds the local model folder of `id`: the explicit folder, else $FSVAE_CLIP_DIR (the model
 * folder itself or a parent holding <dirName>/), else <data root>/clip/<dirName> under the data
 * roots of locateData, else the download cache <cache>/clip/<hub id>. A folder counts when it holds
 * config.json; the other files are checked by the loader (with a message listing what is missing).
 */
export function resolveClipModelDir(id: ClipEncoderId, explicit?: string): ClipModelLocation {
  const m = CLIP_MODELS[id];
  const tried: string[] = [];
  const isModelDir = (d: string) => fs.existsSync(path.join(d, 'config.json'));
  if (explicit !== undefined) {
    const d = path.resolve(explicit);
    tried.push(d);
    if (isModelDir(d)) return { dir: d, source: 'explicit', tried };
    for (const n of m.dirNames) {
      const s = path.join(d, n);
      tried.push(s);
      if (isModelDir(s)) return { dir: s, source: 'explicit', tried };
    }
    return { dir: null, source: 'not found', tried };
  }
  const env = process.env[CLIP_DIR_ENV];
  if (env) {
    const d = path.resolve(env);
    for (const n of m.dirNames) {
      const s = path.join(d, n);
      tried.push(s);
      if (isModelDir(s)) return { dir: s, source: `$${CLIP_DIR_ENV}`, tried };
    }
    tried.push(d);
    if (isModelDir(d)) return { dir: d, source: `$${CLIP_DIR_ENV}`, tried };
  }
  for (const n of m.dirNames) {
    const loc = locateData(path.join('clip', n));
    tried.push(...loc.tried);
    if (loc.path && isModelDir(loc.path)) return { dir: loc.path, source: 'data root', tried };
  }
  const cached = path.join(clipCacheDir(), m.hubId);
  tried.push(cached);
  if (isModelDir(cached) && missingFiles(cached).length === 0) return { dir: cached, source: 'download cache', tried };
  return { dir: null, source: 'not found', tried };
}

// ---------------------------------------------------------------------------------------------
// Text cleaning

const HTML_NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function htmlUnescape(s: string): string {
  return s.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);/g, (all, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return HTML_NAMED[body] ?? all;
  });
}

/**
 * OpenAI CLIP's `whitespace_clean(basic_clean(text))`: ftfy.fix_text, html.unescape twice, strip,
 * whitespace runs → one space. Of ftfy.fix_text only the steps that change English text are
 * reproduced: curly quotes → straight (U+02BC, U+2018–U+201B → ', U+201C–U+201F → "), full-width
 * ASCII → ASCII, NFC. E.g. MSF's NTU-120 label "grab other person’s stuff" reaches the BPE as
 * "grab other person's stuff", whose "'s" is one token. Lower-casing is the tokenizer's.
 */
export function clipBasicClean(text: string): string {
  let t = text.replace(/[\u02bc\u2018-\u201b]/g, "'").replace(/[\u201c-\u201f]/g, '"');
  t = t.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
  t = t.normalize('NFC');
  t = htmlUnescape(htmlUnescape(t)).trim();
  return t.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// transformers.js (loaded at run time; minimal typings of what is used)

interface HfTensor {
  dims: number[];
  data: ArrayLike<number | bigint>;
  dispose?(): void;
}
interface HfTokenizer {
  encode(text: string): number[];
}
interface HfModel {
  (inputs: Record<string, HfTensor>): Promise<Record<string, HfTensor>>;
  dispose(): Promise<unknown>;
}
interface TransformersEnv {
  allowRemoteModels: boolean;
  allowLocalModels: boolean;
  cacheDir: string | null;
  useFSCache: boolean;
  remoteHost: string;
  remotePathTemplate: string;
  version: string;
}
interface TransformersModule {
  Tensor: new (type: 'int64', data: BigInt64Array, dims: number[]) => HfTensor;
  env: TransformersEnv;
  AutoTokenizer: { from_pretrained(id: string, opts: Record<string, unknown>): Promise<HfTokenizer> };
  CLIPTextModelWithProjection: { from_pretrained(id: string, opts: Record<string, unknown>): Promise<HfModel> };
}

export function loadTransformers(): TransformersModule {
  return optionalRequire<TransformersModule>(TRANSFORMERS_PACKAGE, 'The CLIP text encoder', TRANSFORMERS_VERSION);
}

// ---------------------------------------------------------------------------------------------

export interface ClipEncoderOptions {
  id: ClipEncoderId;
  /** the model folder (default: resolveClipModelDir). */
  modelDir?: string;
  /** download from the hub when no folder is found and none was given (default: unless $FSVAE_CLIP_REMOTE === '0'). */
  allowRemote?: boolean;
  /** the hub host for that download (default $FSVAE_HF_HOST, else https://huggingface.co/). */
  hubHost?: string;
  /** one line per download step (default: stderr). */
  log?: (line: string) => void;
  /** texts per forward pass (default 32). */
  batchSize?: number;
}

interface ClipConfig {
  projection_dim?: number;
  text_config?: { max_position_embeddings?: number; projection_dim?: number };
  vision_config?: { patch_size?: number };
  max_position_embeddings?: number;
}

export interface ClipDownloadOptions {
  /** the hub host (default $FSVAE_HF_HOST, else https://huggingface.co/). */
  host?: string;
  /** the cache root; files go to <cacheDir>/<hub id>/ (default clipCacheDir()). */
  cacheDir?: string;
  log?: (line: string) => void;
}

/**
 * Downloads the text tower of `id` (config.json, tokenizer.json, tokenizer_config.json,
 * onnx/text_model.onnx; the vision tower is not fetched) through transformers.js into
 * <cacheDir>/<hub id>/, each file under a temporary name until complete. Returns the folder.
 * Throws FsvaeInputError naming the layout to place by hand when the hub cannot be reached.
 */
export async function downloadClipModel(id: ClipEncoderId, opts: ClipDownloadOptions = {}): Promise<string> {
  const info = CLIP_MODELS[id];
  const host = (opts.host ?? process.env[CLIP_HUB_ENV] ?? HF_HUB).replace(/\/*$/, '/');
  const root = opts.cacheDir ?? clipCacheDir();
  const dir = path.join(root, info.hubId);
  const log = opts.log ?? ((l: string) => console.error(l));
  const tr = loadTransformers();
  const saved = { ...tr.env };
  Object.assign(tr.env, {
    allowRemoteModels: true,
    allowLocalModels: false,
    useFSCache: true,
    cacheDir: root,
    remoteHost: host,
    remotePathTemplate: '{model}/resolve/{revision}/',
  });
  const reported = new Map<string, number>();
  const progress_callback = (d: { status?: string; file?: string; loaded?: number; total?: number; progress?: number }) => {
    if (d.status === 'progress' && d.file && d.total) {
      const step = Math.floor((d.progress ?? 0) / 25);
      if (step > (reported.get(d.file) ?? -1)) {
        reported.set(d.file, step);
        log(`[clip] ${info.hubId}/${d.file}: ${Math.min(100, step * 25)}% of ${(d.total / 2 ** 20).toFixed(1)} MiB`);
      }
    } else if (d.status === 'done' && d.file) log(`[clip] ${info.hubId}/${d.file}: done`);
  };
  log(`[clip] no local ${info.variant} text tower: downloading ${info.hubId} from ${host} into ${dir}`);
  try {
    await tr.AutoTokenizer.from_pretrained(info.hubId, { progress_callback });
    const model = await tr.CLIPTextModelWithProjection.from_pretrained(info.hubId, { dtype: 'fp32', device: 'cpu', progress_callback });
    await model.dispose();
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    throw new FsvaeInputError(
      `CLIP encoder ${id}: no local model folder, and the download of ${info.hubId} from ${host} ` +
        `failed (${err.message}${err.cause?.code ? ` ${err.cause.code}` : ''}). ` +
        `Offline, place the files by hand: ${dir}/{${CLIP_REQUIRED_FILES.join(', ')}} (from ${HF_HUB}${info.hubId}), ` +
        `or point ${CLIP_DIR_ENV} at a folder holding them.`,
    );
  } finally {
    Object.assign(tr.env, saved);
  }
  const missing = missingFiles(dir);
  if (missing.length)
    throw new FsvaeInputError(`CLIP encoder ${id}: the download from ${host} left ${dir} without ${missing.join(', ')}; ` + 'delete the folder and run again.');
  return dir;
}

export class ClipTextEncoder implements TextEncoder {
  private disposed = false;

  private constructor(
    readonly id: ClipEncoderId,
    readonly identity: string,
    readonly dim: number,
    /** tokens per text including <|startoftext|> and <|endoftext|>. */
    readonly contextLength: number,
    private readonly tokenizer: HfTokenizer,
    private readonly model: HfModel,
    private readonly batchSize: number,
    /** the model folder, or the hub id when loaded remotely. */
    readonly source: string,
    private readonly tr: TransformersModule,
    /** id of <|endoftext|> in this tokenizer (49407 in CLIP's vocabulary). */
    readonly eotId: number,
  ) {}

  static async load(opts: ClipEncoderOptions): Promise<ClipTextEncoder> {
    if (!isClipEncoderId(opts.id)) {
      throw new FsvaeInputError(`CLIP encoder: unknown id '${String(opts.id)}'; use ${Object.keys(CLIP_MODELS).join(' or ')}.`);
    }
    const info = CLIP_MODELS[opts.id];
    const batchSize = opts.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new FsvaeInputError(`CLIP encoder: batchSize must be a positive integer, got ${batchSize}.`);
    const allowRemote = opts.allowRemote ?? process.env[CLIP_REMOTE_ENV] !== '0';
    const loc = resolveClipModelDir(opts.id, opts.modelDir);
    const tr = loadTransformers();
    let dir = loc.dir;
    if (!dir && allowRemote && opts.modelDir === undefined) dir = await downloadClipModel(opts.id, { host: opts.hubHost, log: opts.log });
    if (!dir) {
      throw new FsvaeInputError(
        `CLIP encoder ${opts.id}: no local model folder found (tried ${loc.tried.join(', ') || 'nothing'}); ${clipSetupHint(opts.id)}.`,
      );
    }
    const missing = missingFiles(dir);
    if (missing.length) {
      throw new FsvaeInputError(
        `CLIP encoder ${opts.id}: model folder ${dir} lacks ${missing.join(', ')}. It needs ${CLIP_REQUIRED_FILES.join(', ')} ` +
          `(download them from the Hugging Face repository ${info.hubId}).`,
      );
    }
    let config: ClipConfig;
    try {
      config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as ClipConfig;
    } catch (e) {
      throw new FsvaeInputError(`CLIP encoder: ${path.join(dir, 'config.json')} is not valid JSON (${(e as Error).message}).`);
    }
    const patch = config.vision_config?.patch_size;
    if (patch !== undefined && patch !== info.patchSize) {
      throw new FsvaeInputError(
        `CLIP encoder ${opts.id}: ${dir} holds a CLIP with vision patch size ${patch}, not ${info.patchSize} (${info.variant}); ` +
          `point ${CLIP_DIR_ENV} (or --clip-dir) at the ${info.hubId} folder, or at a parent holding ${info.dirNames[0]}/.`,
      );
    }
    const d = createHash('sha256');
    for (const f of CLIP_REQUIRED_FILES)
      d.update(`${f}:${f.endsWith('.onnx') ? sha256FileSync(path.join(dir, f)) : fs.readFileSync(path.join(dir, f), 'utf8')}\n`);
    const source = dir;
    const identity = `${opts.id}|transformers.js@${tr.env.version}|fp32|sha256:${d.digest('hex').slice(0, 16)}`;
    tr.env.allowLocalModels = true;
    tr.env.allowRemoteModels = false;
    const loadOpts = { local_files_only: true };
    const tokenizer = await tr.AutoTokenizer.from_pretrained(source, loadOpts);
    const model = await tr.CLIPTextModelWithProjection.from_pretrained(source, { ...loadOpts, dtype: 'fp32', device: 'cpu' });
    const cfg = (model as unknown as { config?: ClipConfig }).config ?? config;
    const dim = cfg.projection_dim ?? cfg.text_config?.projection_dim ?? 512;
    const ctx = Math.min(CLIP_CONTEXT_LENGTH, cfg.text_config?.max_position_embeddings ?? cfg.max_position_embeddings ?? CLIP_CONTEXT_LENGTH);
    const probe = Array.from(tokenizer.encode('a'), Number);
    const eot = probe[probe.length - 1];
    if (probe.length !== 3 || eot <= probe[0]) {
      throw new FsvaeInputError(
        `CLIP encoder ${opts.id}: the tokenizer of ${source} encodes 'a' as [${probe.join(', ')}], ` +
          'expected [<|startoftext|>, a, <|endoftext|>]; it is not a CLIP tokenizer.',
      );
    }
    return new ClipTextEncoder(opts.id, identity, dim, ctx, tokenizer, model, batchSize, source, tr, eot);
  }

  /** Token ids of each cleaned text with <|startoftext|> … <|endoftext|>, not truncated. */
  tokenize(texts: string[]): number[][] {
    checkTexts(texts, this.id);
    return texts.map((t) => Array.from(this.tokenizer.encode(clipBasicClean(t)), Number));
  }

  /**
   * clip.tokenize(truncate=True): a sequence longer than the context keeps its first
   * contextLength − 1 tokens and ends with <|endoftext|>. (transformers.js' own truncation cuts
   * after the special tokens are added and would drop <|endoftext|>, the pooled token.)
   */
  private truncate(ids: number[]): number[] {
    if (ids[ids.length - 1] !== this.eotId)
      throw new FsvaeInputError(`${this.id}: tokenizer output does not end with <|endoftext|> (${this.eotId}); ` + "check tokenizer.json's post_processor.");
    return ids.length <= this.contextLength ? ids : [...ids.slice(0, this.contextLength - 1), this.eotId];
  }

  /** How many of `texts` exceed the context and are truncated by `encode`. */
  countTruncated(texts: string[]): number {
    return this.tokenize(texts).filter((ids) => ids.length > this.contextLength).length;
  }

  async encode(texts: string[]): Promise<Float32Array> {
    if (this.disposed) throw new FsvaeInputError(`${this.id}: encode called after dispose().`);
    checkTexts(texts, this.id);
    const ids = this.tokenize(texts).map((t) => this.truncate(t));
    const out = new Float32Array(texts.length * this.dim);
    for (let b0 = 0; b0 < ids.length; b0 += this.batchSize) {
      const batch = ids.slice(b0, b0 + this.batchSize);
      // Pad with 0 after <|endoftext|> as clip.tokenize does: with CLIP's causal mask padding
      // cannot change the EOT state, and 0 never wins the argmax that locates <|endoftext|>.
      const len = Math.max(...batch.map((t) => t.length));
      const inputIds = new BigInt64Array(batch.length * len);
      const mask = new BigInt64Array(batch.length * len);
      batch.forEach((t, i) =>
        t.forEach((id, j) => {
          inputIds[i * len + j] = BigInt(id);
          mask[i * len + j] = 1n;
        }),
      );
      const inputs = {
        input_ids: new this.tr.Tensor('int64', inputIds, [batch.length, len]),
        attention_mask: new this.tr.Tensor('int64', mask, [batch.length, len]),
      };
      const result = await this.model(inputs);
      const te = result.text_embeds;
      if (!te) throw new FsvaeInputError(`${this.id}: the ONNX model has no 'text_embeds' output; export CLIPTextModelWithProjection (text_model.onnx).`);
      if (te.dims.length !== 2 || te.dims[0] !== batch.length || te.dims[1] !== this.dim) {
        throw new FsvaeInputError(`${this.id}: text_embeds has shape [${te.dims.join(', ')}], expected [${batch.length}, ${this.dim}].`);
      }
      out.set(Float32Array.from(te.data as ArrayLike<number>), b0 * this.dim);
      for (const t of [...Object.values(result), ...Object.values(inputs)]) t.dispose?.();
    }
    checkEmbeddings(out, texts.length, this.dim, this.id);
    return out;
  }

  async dispose(): Promise<void> {
    if (!this.disposed) await this.model.dispose();
    this.disposed = true;
  }
}
