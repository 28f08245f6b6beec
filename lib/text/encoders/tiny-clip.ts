/**
 * A small, randomly initialised CLIP text tower written as a Hugging Face model folder
 * (config.json, tokenizer.json, tokenizer_config.json, onnx/text_model.onnx), so the CLIP code
 * path (transformers.js loading, CLIP BPE tokenisation, EOT pooling, text projection) runs with
 * no download. Its embeddings mean nothing; the real towers are loaded from a copy of
 * Xenova/clip-vit-base-patch{32,16} (see clip.ts).
 *
 * The ONNX file is encoded here directly (protobuf wire format of onnx.proto: ModelProto,
 * GraphProto, NodeProto, TensorProto, ValueInfoProto; opset 17, IR version 8). The graph is one
 * pre-LN-free causal self-attention block with a residual, the final layer norm, pooling at the
 * first position holding the largest token id (ArgMax over input_ids, which is <|endoftext|> =
 * 49407 in CLIP's vocabulary, as in CLIPTextTransformer), and the bias-free text projection:
 *   x  = E[ids] + P[0:S]
 *   h  = x + softmax(mask + (x Wq)(x Wk)^T / √W) (x Wv) Wo      (mask: −1e9 above the diagonal)
 *   z  = LayerNorm(h; γ, β, ε = 1e-5)
 *   text_embeds = z[argmax(ids)] Wp,   last_hidden_state = z
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsvaeInputError } from '../../util/assert';
import { Random } from '../../util/random';
import { CLIP_CONTEXT_LENGTH, CLIP_EOT_ID, CLIP_SOT_ID } from './clip';

// ---------------------------------------------------------------------------------------------
// Protobuf wire format (only what ONNX needs: varint and length-delimited fields).

class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private len = 0;

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.len += b.length;
  }
  private varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    const out: number[] = [];
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) byte |= 0x80;
      out.push(byte);
    } while (x > 0n);
    this.push(Uint8Array.from(out));
  }
  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  int(field: number, v: number | bigint): this {
    this.tag(field, 0);
    this.varint(v);
    return this;
  }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2);
    this.varint(b.length);
    this.push(b);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, Buffer.from(s, 'utf8'));
  }
  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }
  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
    return this;
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.len);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

/** onnx.TensorProto.DataType */
const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;

type Attr = { name: string } & ({ i: number } | { f: number } | { ints: number[] });

function attribute(a: Attr): ProtoWriter {
  const w = new ProtoWriter().string(1, a.name);
  if ('i' in a)
    w.int(20, 2).int(3, a.i); // type INT
  else if ('f' in a)
    w.int(20, 1).float(2, a.f); // type FLOAT
  else {
    w.int(20, 7); // type INTS
    for (const v of a.ints) w.int(8, v);
  }
  return w;
}

function node(op: string, inputs: string[], outputs: string[], attrs: Attr[] = []): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of inputs) w.string(1, i);
  for (const o of outputs) w.string(2, o);
  w.string(3, `${op}_${outputs[0]}`).string(4, op);
  for (const a of attrs) w.message(5, attribute(a));
  return w;
}

function floatTensor(name: string, dims: number[], data: Float32Array): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of dims) w.int(1, d);
  w.int(2, ONNX_FLOAT).string(8, name);
  return w.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function int64Tensor(name: string, dims: number[], data: number[]): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of dims) w.int(1, d);
  w.int(2, ONNX_INT64).string(8, name);
  const b = new Uint8Array(8 * data.length);
  const dv = new DataView(b.buffer);
  data.forEach((v, i) => dv.setBigInt64(8 * i, BigInt(v), true));
  return w.bytes(9, b);
}

/** ValueInfoProto of a tensor; a string dim is symbolic. */
function valueInfo(name: string, elemType: number, dims: (number | string)[]): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, elemType).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

// ---------------------------------------------------------------------------------------------

export interface TinyClipWeights {
  vocabSize: number;
  width: number;
  projectionDim: number;
  /** [vocabSize, width] */
  tokenEmbedding: Float32Array;
  /** [77, width] */
  positionEmbedding: Float32Array;
  /** [width, width] each, used as x·W */
  wq: Float32Array;
  wk: Float32Array;
  wv: Float32Array;
  wo: Float32Array;
  lnGamma: Float32Array;
  lnBeta: Float32Array;
  /** [width, projectionDim] */
  projection: Float32Array;
}

export function randomTinyClipWeights(vocabSize: number, width: number, projectionDim: number, seed: number): TinyClipWeights {
  for (const [k, v] of Object.entries({ vocabSize, width, projectionDim })) {
    if (!Number.isInteger(v) || v < 1) throw new FsvaeInputError(`randomTinyClipWeights: ${k} must be a positive integer, got ${v}.`);
  }
  const rng = new Random(seed);
  const normal = (n: number, sd: number, mean = 0) => Float32Array.from(rng.normals(n), (z) => mean + sd * z);
  return {
    vocabSize,
    width,
    projectionDim,
    tokenEmbedding: normal(vocabSize * width, 1),
    positionEmbedding: normal(CLIP_CONTEXT_LENGTH * width, 0.5),
    wq: normal(width * width, 1 / Math.sqrt(width)),
    wk: normal(width * width, 1 / Math.sqrt(width)),
    wv: normal(width * width, 1 / Math.sqrt(width)),
    wo: normal(width * width, 1 / Math.sqrt(width)),
    lnGamma: normal(width, 0.1, 1),
    lnBeta: normal(width, 0.1),
    projection: normal(width * projectionDim, 1),
  };
}

/** The ONNX model (bytes) of the graph in the module comment: input input_ids int64 [batch, seq]. */
export function encodeTinyClipOnnx(w: TinyClipWeights): Uint8Array {
  const W = w.width;
  const mask = new Float32Array(CLIP_CONTEXT_LENGTH * CLIP_CONTEXT_LENGTH);
  for (let i = 0; i < CLIP_CONTEXT_LENGTH; i++) for (let j = i + 1; j < CLIP_CONTEXT_LENGTH; j++) mask[i * CLIP_CONTEXT_LENGTH + j] = -1e9;
  const g = new ProtoWriter();
  const nodes: ProtoWriter[] = [
    node('Gather', ['token_embedding', 'input_ids'], ['tok'], [{ name: 'axis', i: 0 }]),
    node('Shape', ['input_ids'], ['ids_shape']),
    node('Slice', ['ids_shape', 'one_1d', 'two_1d', 'zero_1d'], ['seq_1d']),
    node('Slice', ['position_embedding', 'zero_1d', 'seq_1d', 'zero_1d'], ['pos']),
    node('Add', ['tok', 'pos'], ['x']),
    node('MatMul', ['x', 'wq'], ['q']),
    node('MatMul', ['x', 'wk'], ['k']),
    node('MatMul', ['x', 'wv'], ['v']),
    node('Transpose', ['k'], ['kt'], [{ name: 'perm', ints: [0, 2, 1] }]),
    node('MatMul', ['q', 'kt'], ['scores']),
    node('Mul', ['scores', 'inv_sqrt_w'], ['scaled']),
    node('Concat', ['seq_1d', 'seq_1d'], ['seq_2d'], [{ name: 'axis', i: 0 }]),
    node('Slice', ['causal_mask', 'zero_2d', 'seq_2d', 'axes_01'], ['mask']),
    node('Add', ['scaled', 'mask'], ['masked']),
    node('Softmax', ['masked'], ['attn'], [{ name: 'axis', i: -1 }]),
    node('MatMul', ['attn', 'v'], ['ctx']),
    node('MatMul', ['ctx', 'wo'], ['attn_out']),
    node('Add', ['x', 'attn_out'], ['h']),
    node(
      'LayerNormalization',
      ['h', 'ln_gamma', 'ln_beta'],
      ['last_hidden_state'],
      [
        { name: 'axis', i: -1 },
        { name: 'epsilon', f: 1e-5 },
      ],
    ),
    // EOT pooling: one-hot of argmax(input_ids) along the sequence, then a batched matmul.
    node('Cast', ['input_ids'], ['ids_f'], [{ name: 'to', i: ONNX_FLOAT }]),
    node(
      'ArgMax',
      ['ids_f'],
      ['eot'],
      [
        { name: 'axis', i: 1 },
        { name: 'keepdims', i: 1 },
      ],
    ),
    node('Squeeze', ['seq_1d', 'zero_1d'], ['seq_scalar']),
    node('Range', ['zero_scalar', 'seq_scalar', 'one_scalar'], ['positions']),
    node('Equal', ['eot', 'positions'], ['onehot_b']),
    node('Cast', ['onehot_b'], ['onehot'], [{ name: 'to', i: ONNX_FLOAT }]),
    node('Unsqueeze', ['onehot', 'one_1d'], ['onehot3']),
    node('MatMul', ['onehot3', 'last_hidden_state'], ['pooled3']),
    node('Squeeze', ['pooled3', 'one_1d'], ['pooled']),
    node('MatMul', ['pooled', 'text_projection'], ['text_embeds']),
  ];
  for (const n of nodes) g.message(1, n);
  g.string(2, 'tiny_clip_text');
  const inits: ProtoWriter[] = [
    floatTensor('token_embedding', [w.vocabSize, W], w.tokenEmbedding),
    floatTensor('position_embedding', [CLIP_CONTEXT_LENGTH, W], w.positionEmbedding),
    floatTensor('wq', [W, W], w.wq),
    floatTensor('wk', [W, W], w.wk),
    floatTensor('wv', [W, W], w.wv),
    floatTensor('wo', [W, W], w.wo),
    floatTensor('ln_gamma', [W], w.lnGamma),
    floatTensor('ln_beta', [W], w.lnBeta),
    floatTensor('text_projection', [W, w.projectionDim], w.projection),
    floatTensor('causal_mask', [CLIP_CONTEXT_LENGTH, CLIP_CONTEXT_LENGTH], mask),
    floatTensor('inv_sqrt_w', [], Float32Array.of(1 / Math.sqrt(W))),
    int64Tensor('zero_1d', [1], [0]),
    int64Tensor('one_1d', [1], [1]),
    int64Tensor('two_1d', [1], [2]),
    int64Tensor('zero_2d', [2], [0, 0]),
    int64Tensor('axes_01', [2], [0, 1]),
    int64Tensor('zero_scalar', [], [0]),
    int64Tensor('one_scalar', [], [1]),
  ];
  for (const t of inits) g.message(5, t);
  g.message(11, valueInfo('input_ids', ONNX_INT64, ['batch_size', 'sequence_length']));
  g.message(12, valueInfo('text_embeds', ONNX_FLOAT, ['batch_size', w.projectionDim]));
  g.message(12, valueInfo('last_hidden_state', ONNX_FLOAT, ['batch_size', 'sequence_length', W]));
  const model = new ProtoWriter()
    .int(1, 8) // ir_version
    .string(2, 'fsvae')
    .message(7, g)
    .message(8, new ProtoWriter().string(1, '').int(2, 17)); // opset_import: default domain, 17
  return model.finish();
}

// ---------------------------------------------------------------------------------------------
// CLIP BPE tokenizer in the Hugging Face tokenizers format

/**
 * GPT-2/CLIP `bytes_to_unicode`: the 188 printable Latin-1 bytes map to themselves, the other 68
 * bytes to U+0100 onwards; the list order (printable first) is CLIP's vocabulary order.
 */
export function clipByteSymbols(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  return cs.map((c) => String.fromCharCode(c));
}

/**
 * tokenizer.json of CLIP's BPE given the merge list (the lines of bpe_simple_vocab_16e6.txt after
 * its header, "a b" each; OpenAI uses the first 48894): vocabulary = 256 byte symbols, the same
 * with '</w>', one entry per merge, <|startoftext|>, <|endoftext|> — 49408 entries for the full
 * list. Normaliser, pre-tokeniser and post-processor are those transformers' CLIPConverter writes
 * (NFC, whitespace runs → ' ', lower case; CLIP's word regex; ByteLevel; <|startoftext|> … <|endoftext|>).
 */
export function clipTokenizerJson(merges: readonly string[]): Record<string, unknown> {
  const symbols = clipByteSymbols();
  const vocabList = [...symbols, ...symbols.map((s) => s + '</w>')];
  merges.forEach((m, i) => {
    const parts = m.split(' ');
    if (parts.length !== 2 || !parts[0] || !parts[1])
      throw new FsvaeInputError(`clipTokenizerJson: merge ${i} is '${m}', ` + 'expected two symbols separated by one space.');
    vocabList.push(parts[0] + parts[1]);
  });
  const sot = vocabList.length;
  const eot = sot + 1;
  vocabList.push('<|startoftext|>', '<|endoftext|>');
  const vocab: Record<string, number> = {};
  vocabList.forEach((v, i) => {
    if (!(v in vocab)) vocab[v] = i;
  });
  const added = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [added(sot, '<|startoftext|>'), added(eot, '<|endoftext|>')],
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      ],
    },
    post_processor: { type: 'RobertaProcessing', sep: ['<|endoftext|>', eot], cls: ['<|startoftext|>', sot], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<|endoftext|>',
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: [...merges],
    },
  };
}

export interface TinyClipOptions {
  /** BPE merges ("a b"); the full CLIP list gives CLIP's real token ids (49408-entry vocabulary). */
  merges: readonly string[];
  width?: number;
  projectionDim?: number;
  seed?: number;
  /** vision patch size written to config.json (32 → accepted as clip-vit-b32, 16 → clip-vit-b16). */
  patchSize?: number;
}

/** Writes the model folder and returns its weights (for reference computations). */
export function writeTinyClipModel(dir: string, opts: TinyClipOptions): TinyClipWeights {
  const tokJson = clipTokenizerJson(opts.merges);
  const vocabSize = 512 + opts.merges.length + 2;
  if (opts.merges.length === 48894 && (vocabSize - 2 !== CLIP_SOT_ID || vocabSize - 1 !== CLIP_EOT_ID)) {
    throw new Error('writeTinyClipModel: inconsistent CLIP vocabulary size');
  }
  const w = randomTinyClipWeights(vocabSize, opts.width ?? 16, opts.projectionDim ?? 12, opts.seed ?? 0);
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  const sot = vocabSize - 2;
  const eot = vocabSize - 1;
  const config = {
    _name_or_path: 'fsvae/tiny-random-clip-text',
    architectures: ['CLIPModel'],
    model_type: 'clip',
    projection_dim: w.projectionDim,
    text_config: {
      model_type: 'clip_text_model',
      hidden_size: w.width,
      intermediate_size: 4 * w.width,
      num_attention_heads: 1,
      num_hidden_layers: 1,
      max_position_embeddings: CLIP_CONTEXT_LENGTH,
      vocab_size: vocabSize,
      projection_dim: w.projectionDim,
      bos_token_id: sot,
      eos_token_id: eot,
      pad_token_id: 1,
    },
    vision_config: { model_type: 'clip_vision_model', patch_size: opts.patchSize ?? 32 },
  };
  const tokConfig = {
    tokenizer_class: 'CLIPTokenizer',
    model_max_length: CLIP_CONTEXT_LENGTH,
    bos_token: '<|startoftext|>',
    eos_token: '<|endoftext|>',
    unk_token: '<|endoftext|>',
    pad_token: '<|endoftext|>',
    do_lower_case: true,
    add_prefix_space: false,
  };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokJson));
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tokConfig, null, 2));
  fs.writeFileSync(path.join(dir, 'onnx', 'text_model.onnx'), encodeTinyClipOnnx(w));
  return w;
}
