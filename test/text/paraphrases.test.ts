/**
 * The several-descriptions extension: alternatives validated against their description file, a
 * class part = the mean of the embeddings of its text and its alternatives, rescaled to the
 * original row's norm (hand-computed), then composed by Eq. 5 as usual.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { classTextFeatures, loadClassDescriptions } from '../../lib/text/cache';
import { averageEmbeddings, loadParaphrases, paraphraseFile } from '../../lib/text/paraphrases';
import type { TextEncoder } from '../../lib/text/encoders';
import { FsvaeInputError } from '../../lib/util/assert';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-paraphrases-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));

/** Each text → a 2-d vector looked up in a table (unknown texts fail the test). */
class TableEncoder implements TextEncoder {
  readonly id = 'table';
  readonly identity = 'table|v1';
  readonly dim = 2;
  constructor(private readonly table: Record<string, [number, number]>) {}
  async encode(texts: string[]): Promise<Float32Array> {
    return Float32Array.from(
      texts.flatMap((t) => {
        if (!this.table[t]) throw new Error(`no vector for ${t}`);
        return this.table[t];
      }),
    );
  }
}

function write(dir: string, alternatives: unknown): void {
  fs.mkdirSync(path.join(dir, 'paraphrases'), { recursive: true });
  const classes = [
    { id: 0, code: 'c0', label: 'wave', twoPerson: false, ld: 'swing the right hand', gd: 'to greet' },
    { id: 1, code: 'c1', label: 'clap', twoPerson: false, ld: 'bring the palms together', gd: 'to applaud' },
  ];
  fs.writeFileSync(path.join(dir, 'custom.json'), JSON.stringify({ dataset: 'custom', numClasses: 2, classes }));
  fs.writeFileSync(paraphraseFile('custom', dir), JSON.stringify({ dataset: 'custom', classes: alternatives }));
}

const GOOD = [
  { id: 0, code: 'c0', labels: ['hand wave'], ld: ['move the right hand left and right'], gd: ['to say hello'] },
  { id: 1, code: 'c1', labels: ['hand clap'], ld: ['strike both palms'], gd: ['to cheer'] },
];

test('averageEmbeddings: row mean rescaled to the original row norm (hand case)', () => {
  // rows: original (3, 4) norm 5 and alternative (0, 2): mean (1.5, 3), norm √11.25 → ×5/√11.25
  const a = averageEmbeddings([
    { rows: 1, cols: 2, data: Float32Array.of(3, 4) },
    { rows: 1, cols: 2, data: Float32Array.of(0, 2) },
  ]);
  const s = 5 / Math.sqrt(11.25);
  assert.ok(Math.abs(a.data[0] - 1.5 * s) < 1e-6 && Math.abs(a.data[1] - 3 * s) < 1e-6);
  assert.throws(
    () =>
      averageEmbeddings([
        { rows: 1, cols: 2, data: Float32Array.of(1, 0) },
        { rows: 1, cols: 2, data: Float32Array.of(-1, 0) },
      ]),
    /cancel out/,
  );
  assert.throws(
    () =>
      averageEmbeddings([
        { rows: 1, cols: 2, data: Float32Array.of(1, 0) },
        { rows: 2, cols: 2, data: new Float32Array(4) },
      ]),
    /cannot be averaged/,
  );
});

test('classTextFeatures with paraphrases: each part is the averaged embedding, composed by Eq. 5', async () => {
  const dir = path.join(TMP, 'ok');
  write(dir, GOOD);
  const enc = new TableEncoder({
    wave: [1, 0],
    'hand wave': [0, 1],
    clap: [0, 1],
    'hand clap': [0, 1],
    'swing the right hand': [2, 0],
    'move the right hand left and right': [0, 2],
    'bring the palms together': [1, 1],
    'strike both palms': [1, 1],
    'to greet': [1, 0],
    'to say hello': [1, 0],
    'to applaud': [0, 3],
    'to cheer': [4, 0],
  });
  const f = await classTextFeatures(enc, 'custom', 'lb', { dir: path.join(dir, 'cache'), descriptionsDir: dir, paraphrases: true });
  // class 0, AL: mean of (1, 0) and (0, 1) = (0.5, 0.5), rescaled to norm 1 → (1/√2, 1/√2); Eq. 5 normalises again
  assert.ok(Math.abs(f.data[0] - Math.SQRT1_2) < 1e-6 && Math.abs(f.data[1] - Math.SQRT1_2) < 1e-6);
  // class 1, AL: both (0, 1) → (0, 1)
  assert.deepEqual(Array.from(f.data.slice(2)), [0, 1]);
  assert.equal(f.source, 'table+paraphrases');
  // GD of class 1: mean of (0, 3) and (4, 0) = (2, 1.5), norm 2.5, rescaled to 3 → (2.4, 1.8), then Eq. 5 over the two parts (AL, GD)
  const g = await classTextFeatures(enc, 'custom', 'lb_ad', { dir: path.join(dir, 'cache'), descriptionsDir: dir, paraphrases: true });
  const raw = [0, 1, 2.4, 1.8];
  const n = Math.hypot(...raw);
  raw.forEach((v, k) => assert.ok(Math.abs(g.data[4 + k] - v / n) < 1e-6, `col ${k}`));
  // without the extension the originals alone
  const plain = await classTextFeatures(enc, 'custom', 'lb', { dir: path.join(dir, 'cache'), descriptionsDir: dir });
  assert.deepEqual(Array.from(plain.data.slice(0, 2)), [1, 0]);
});

test('loadParaphrases refuses files that do not match their description file', () => {
  const cases: [unknown, RegExp][] = [
    [GOOD.slice(0, 1), /must list the 2 classes/],
    [[GOOD[1], GOOD[0]], /expected id 0 code c0/],
    [[GOOD[0], { ...GOOD[1], ld: ['a', 'b'] }], /has 2 texts, earlier classes 1/],
    [[GOOD[0], { ...GOOD[1], gd: ['to applaud'] }], /repeats a text/],
    [[GOOD[0], { ...GOOD[1], labels: ['two\nlines'] }], /single-line/],
    [[GOOD[0], { ...GOOD[1], labels: [] }], /non-empty array/],
  ];
  cases.forEach(([alt, re], i) => {
    const dir = path.join(TMP, `bad${i}`);
    write(dir, alt);
    assert.throws(
      () => loadParaphrases(loadClassDescriptions('custom', dir), dir),
      (e: unknown) => e instanceof FsvaeInputError && re.test((e as Error).message),
      `case ${i}`,
    );
  });
  assert.throws(() => loadParaphrases(loadClassDescriptions('custom', path.join(TMP, 'ok')), path.join(TMP, 'none')), /does not exist/);
});
