/**
 * The class text-embedding cache and the composed stage-2 text features (Eq. 5), with a fake
 * deterministic encoder that counts its calls: a second request is served from disk, editing one
 * text invalidates only its part, another encoder identity invalidates, damaged entries are
 * recomputed, and the composed rows are concat/‖concat‖ of the parts in the mode's order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEXT_DATASETS, cacheEntryPaths, cachedClassEmbeddings, classTextFeatures, loadClassDescriptions, textsHash, CacheSidecar } from '../../lib/text/cache';
import type { TextEncoder } from '../../lib/text/encoders';
import { descriptionHash, descriptionTexts, loadDescriptions } from '../../lib/text/descriptions';
import { generateActionDataset } from '../../lib/data/generator';
import { readNpy } from '../../lib/data/npy';
import { FsvaeInputError } from '../../lib/util/assert';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-textcache-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));

const DIM = 8;

/** Vector of a text: the first 8 bytes of sha256(identity + text), mapped to [-1, 1]. */
function fakeVector(identity: string, text: string): number[] {
  const h = createHash('sha256').update(`${identity}\u0000${text}`).digest();
  return Array.from(h.subarray(0, DIM), (b) => b / 127.5 - 1);
}

class FakeEncoder implements TextEncoder {
  readonly id = 'fake';
  readonly dim = DIM;
  calls = 0;
  seen: string[][] = [];
  constructor(readonly identity = 'fake|v1') {}
  async encode(texts: string[]): Promise<Float32Array> {
    this.calls++;
    this.seen.push(texts.slice());
    return Float32Array.from(texts.flatMap((t) => fakeVector(this.identity, t)));
  }
}

function cacheDir(name: string): string {
  return path.join(TMP, name);
}

test('first call computes and stores .npy + sidecar; second call is a hit with identical values', async () => {
  const enc = new FakeEncoder();
  const desc = loadDescriptions('nw-ucla');
  const texts = descriptionTexts(desc, 'LD');
  const dir = cacheDir('basic');
  const a = await cachedClassEmbeddings(enc, 'nw-ucla', 'LD', texts, { dir });
  assert.equal(a.status, 'absent');
  assert.equal(enc.calls, 1);
  assert.equal(a.rows, 10);
  assert.equal(a.cols, DIM);
  assert.deepEqual(Array.from(a.data.slice(0, DIM)), fakeVector('fake|v1', texts[0]).map(Math.fround));
  const p = cacheEntryPaths(dir, 'fake', 'nw-ucla', 'LD');
  assert.equal(a.file, p.npy);
  const npy = readNpy(p.npy);
  assert.equal(npy.dtype, 'float32');
  assert.deepEqual(npy.shape, [10, DIM]);
  assert.deepEqual(Array.from(npy.data as Float32Array), Array.from(a.data));
  const side = JSON.parse(fs.readFileSync(p.json, 'utf8')) as CacheSidecar;
  assert.deepEqual(side, {
    format: 1,
    encoder: { id: 'fake', identity: 'fake|v1', dim: DIM },
    dataset: 'nw-ucla',
    part: 'LD',
    classes: 10,
    textHash: descriptionHash(desc, 'LD'),
    npySha256: createHash('sha256').update(fs.readFileSync(p.npy)).digest('hex'),
  });
  assert.equal(textsHash(texts), descriptionHash(desc, 'LD'));

  const b = await cachedClassEmbeddings(enc, 'nw-ucla', 'LD', texts, { dir });
  assert.equal(b.status, 'hit');
  assert.equal(enc.calls, 1, 'no encoder call on a hit');
  assert.deepEqual(Array.from(b.data), Array.from(a.data));
});

test('a changed text, another encoder identity or a damaged file recomputes; disabled cache writes nothing', async () => {
  const dir = cacheDir('invalidate');
  const texts = ['wave a hand', 'jump up', 'sit down'];
  const enc = new FakeEncoder('fake|v1');
  assert.equal((await cachedClassEmbeddings(enc, 'toy', 'AL', texts, { dir })).status, 'absent');
  const edited = ['wave a hand', 'jump up high', 'sit down'];
  const c = await cachedClassEmbeddings(enc, 'toy', 'AL', edited, { dir });
  assert.equal(c.status, 'texts changed');
  assert.deepEqual(Array.from(c.data.slice(DIM, 2 * DIM)), fakeVector('fake|v1', 'jump up high').map(Math.fround));
  assert.equal((await cachedClassEmbeddings(enc, 'toy', 'AL', edited, { dir })).status, 'hit');
  // the class order is part of the key
  assert.equal((await cachedClassEmbeddings(enc, 'toy', 'AL', [...edited].reverse(), { dir })).status, 'texts changed');

  const enc2 = new FakeEncoder('fake|v2');
  const d = await cachedClassEmbeddings(enc2, 'toy', 'AL', [...edited].reverse(), { dir });
  assert.equal(d.status, 'encoder changed');
  assert.equal(enc2.calls, 1);
  assert.deepEqual(Array.from(d.data.slice(0, DIM)), fakeVector('fake|v2', 'sit down').map(Math.fround));

  const p = cacheEntryPaths(dir, 'fake', 'toy', 'AL');
  fs.truncateSync(p.npy, 100); // damaged .npy
  const e = await cachedClassEmbeddings(enc2, 'toy', 'AL', [...edited].reverse(), { dir });
  assert.equal(e.status, 'unreadable');
  assert.equal(enc2.calls, 2);
  assert.equal((await cachedClassEmbeddings(enc2, 'toy', 'AL', [...edited].reverse(), { dir })).status, 'hit');
  fs.writeFileSync(p.json, '{not json');
  assert.equal((await cachedClassEmbeddings(enc2, 'toy', 'AL', [...edited].reverse(), { dir })).status, 'unreadable');
  assert.deepEqual(fs.readdirSync(path.dirname(p.npy)).sort(), ['AL.json', 'AL.npy'], 'no temporary files left');
  // a sidecar beside a .npy it was not written for (a save killed between the two renames): never a hit
  const other = await cachedClassEmbeddings(enc2, 'toy', 'AL', edited, { dir });
  assert.equal(other.status, 'texts changed');
  const sidecarOfEdited = fs.readFileSync(p.json, 'utf8');
  await cachedClassEmbeddings(enc2, 'toy', 'AL', [...edited].reverse(), { dir }); // rewrites both for the reversed texts
  fs.writeFileSync(
    p.json,
    sidecarOfEdited
      .replace(/"npySha256": "[0-9a-f]+"/, '"npySha256": "' + '0'.repeat(64) + '"')
      .replace(/"textHash": "[0-9a-f]+"/, JSON.stringify({ textHash: JSON.parse(fs.readFileSync(p.json, 'utf8')).textHash }).slice(1, -1)),
  );
  assert.equal((await cachedClassEmbeddings(enc2, 'toy', 'AL', [...edited].reverse(), { dir })).status, 'unreadable');

  const off = cacheDir('disabled');
  const f = await cachedClassEmbeddings(enc, 'toy', 'AL', texts, { dir: off, enabled: false });
  assert.equal(f.status, 'disabled');
  assert.equal(f.file, null);
  assert.equal(fs.existsSync(off), false);
});

test('inputs are validated', async () => {
  const enc = new FakeEncoder();
  await assert.rejects(cachedClassEmbeddings(enc, 'toy', 'AL', [], { dir: cacheDir('v') }), FsvaeInputError);
  assert.throws(() => cacheEntryPaths(TMP, 'fake', '../escape', 'AL'), FsvaeInputError);
  assert.throws(() => cacheEntryPaths(TMP, 'clip/vit', 'toy', 'AL'), FsvaeInputError);
  const bad: TextEncoder = { id: 'bad', identity: 'bad', dim: 4, encode: async () => new Float32Array(3) };
  await assert.rejects(cachedClassEmbeddings(bad, 'toy', 'AL', ['a'], { dir: cacheDir('v') }), FsvaeInputError);
});

/** A description file `<dir>/custom.json` with 4 classes. */
function writeCustom(dir: string, ld3 = 'tap the right foot on the ground several times'): void {
  const classes = [
    ['wave', 'raise the right hand and swing it side to side', 'to greet someone from a distance'],
    ['clap', 'bring both palms together in front of the chest repeatedly', 'to applaud'],
    ['kick', 'swing the right leg forward from the hip', 'to strike an object with the foot'],
    ['tap foot', ld3, 'to keep time with music'],
  ].map(([label, ld, gd], id) => ({ id, code: `c${id}`, label, twoPerson: false, ld, gd }));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'custom.json'), JSON.stringify({ dataset: 'custom', numClasses: classes.length, classes }));
}

test('classTextFeatures: Eq. 5 composition in the mode order; editing one LD invalidates only LD', async () => {
  const descDir = path.join(TMP, 'desc');
  writeCustom(descDir);
  const dir = cacheDir('compose');
  const enc = new FakeEncoder();
  const f = await classTextFeatures(enc, 'custom', 'lb_ad_md', { dir, descriptionsDir: descDir });
  assert.equal(enc.calls, 3);
  assert.equal(f.rows, 4);
  assert.equal(f.cols, 3 * DIM);
  assert.equal(f.source, 'fake');
  assert.deepEqual(
    f.parts.map((p) => [p.part, p.description, p.status]),
    [
      ['lb', 'AL', 'absent'],
      ['ad', 'GD', 'absent'],
      ['md', 'LD', 'absent'],
    ],
  );
  const desc = loadClassDescriptions('custom', descDir);
  for (let r = 0; r < 4; r++) {
    const c = desc.classes[r];
    const raw = [...fakeVector('fake|v1', c.label), ...fakeVector('fake|v1', c.gd), ...fakeVector('fake|v1', c.ld)].map(Math.fround);
    const n = Math.sqrt(raw.reduce((a, v) => a + v * v, 0));
    for (let k = 0; k < 3 * DIM; k++) assert.ok(Math.abs(f.data[r * 3 * DIM + k] - raw[k] / n) < 1e-6, `row ${r} col ${k}`);
    let sq = 0;
    for (let k = 0; k < 3 * DIM; k++) sq += f.data[r * 3 * DIM + k] ** 2;
    assert.ok(Math.abs(sq - 1) < 1e-5);
  }
  // the paper's names give the same matrix, now entirely from the cache
  const g = await classTextFeatures(enc, 'custom', 'AL_GD_LD', { dir, descriptionsDir: descDir });
  assert.equal(enc.calls, 3);
  assert.deepEqual(Array.from(g.data), Array.from(f.data));
  assert.deepEqual(
    g.parts.map((p) => p.status),
    ['hit', 'hit', 'hit'],
  );
  // a single part is normalised on its own
  const md = await classTextFeatures(enc, 'custom', 'md', { dir, descriptionsDir: descDir });
  assert.equal(md.cols, DIM);

  writeCustom(descDir, 'tap the left foot on the ground twice');
  enc.seen = [];
  const h = await classTextFeatures(enc, 'custom', 'lb_ad_md', { dir, descriptionsDir: descDir });
  assert.deepEqual(
    h.parts.map((p) => p.status),
    ['hit', 'hit', 'texts changed'],
  );
  assert.equal(enc.calls, 4);
  assert.deepEqual(enc.seen, [descriptionTexts(loadClassDescriptions('custom', descDir), 'LD')]);
  // rows of the other classes are unchanged; class 3 changed
  for (let r = 0; r < 3; r++) assert.deepEqual(Array.from(h.data.slice(r * 24, r * 24 + 24)), Array.from(f.data.slice(r * 24, r * 24 + 24)));
  assert.notDeepEqual(Array.from(h.data.slice(72, 96)), Array.from(f.data.slice(72, 96)));
  await assert.rejects(classTextFeatures(enc, 'custom', 'lb_xx', { dir, descriptionsDir: descDir }), FsvaeInputError);
});

test("the 'generated' dataset's texts are those of generateActionDataset", () => {
  assert.ok(TEXT_DATASETS.includes('generated'));
  const mine = loadClassDescriptions('generated');
  const ref = generateActionDataset('quick').classes;
  assert.equal(mine.classes.length, 40);
  assert.deepEqual(
    mine.classes.map((c) => [c.id, c.label, c.ld, c.gd]),
    ref.map((c) => [c.id, c.label, c.ld, c.gd]),
  );
  assert.equal(new Set(mine.classes.map((c) => c.ld)).size, 40, 'every LD differs');
});
