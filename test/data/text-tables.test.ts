import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeNpy } from '../../lib/data/npy';
import { locateData } from '../../lib/data/paths';
import {
  MSF_PART_TO_DESCRIPTION,
  MSF_TEXT_PARTS,
  MsfTextPart,
  TEXT_ENCODERS,
  concatTextTables,
  parseCsv,
  parseSemInfoCsv,
  readSemInfo,
  readTextFeatures,
  readTextTable,
  textTablePath,
} from '../../lib/data/text-tables';
import { FsvaeInputError } from '../../lib/util/assert';
import { assertClose } from '../helpers';
import { tempDir } from '../temp-dirs';

const msf = locateData('msf-text');
const skipMsg = `MSF text data not found (tried ${msf.tried.join(', ')}); set $FSVAE_DATA to run these tests`;

function rowNorm(data: Float32Array, cols: number, r: number): number {
  let s = 0;
  for (let c = 0; c < cols; c++) s += data[r * cols + c] ** 2;
  return Math.sqrt(s);
}
function rowsEqual(a: Float32Array, b: Float32Array, cols: number, r: number): boolean {
  for (let c = 0; c < cols; c++) if (a[r * cols + c] !== b[r * cols + c]) return false;
  return true;
}

/** Rows (0-based) where the 60- and 120-class versions differ, per docs/paper-vs-code.md §5. */
const DIFFER: Record<MsfTextPart, number[]> = { lb: [], ad: [34, 38, 39], md: [5, 25, 26, 34, 47, 55] };

describe('MSF text tables on the real files', () => {
  test('all 12 tables are (C, 512) float32, raw CLIP outputs with row norms in [8, 14]', (t) => {
    if (!msf.path) return t.skip(skipMsg);
    let minNorm = Infinity;
    let maxNorm = 0;
    for (const encoder of TEXT_ENCODERS) {
      for (const part of MSF_TEXT_PARTS) {
        for (const numClasses of [60, 120] as const) {
          const m = readTextTable(msf.path, { encoder, part, numClasses });
          assert.deepEqual([m.rows, m.cols], [numClasses, 512]);
          assert.equal(fs.statSync(m.file).size, 128 + numClasses * 512 * 4);
          for (let r = 0; r < m.rows; r++) {
            const n = rowNorm(m.data, m.cols, r);
            minNorm = Math.min(minNorm, n);
            maxNorm = Math.max(maxNorm, n);
          }
        }
      }
    }
    assert.ok(minNorm >= 8 && maxNorm <= 14, `norms ${minNorm}..${maxNorm}`);
    // not normalised: far from unit norm
    assert.ok(minNorm > 8.0 && minNorm < 8.2, `min norm ${minNorm} (REFERENCE: about 8.1)`);
    assert.ok(maxNorm > 13.2 && maxNorm < 13.3, `max norm ${maxNorm} (REFERENCE: about 13.3)`);
  });

  test('60- vs 120-class CSVs differ exactly in ad rows 34, 38, 39 and md rows 5, 25, 26, 34, 47, 55', (t) => {
    if (!msf.path) return t.skip(skipMsg);
    for (const part of MSF_TEXT_PARTS) {
      const a = readSemInfo(msf.path, part, 60);
      const b = readSemInfo(msf.path, part, 120);
      assert.equal(a.length, 60);
      assert.equal(b.length, 120);
      const diff = a.map((s, i) => (s === b[i] ? -1 : i)).filter((i) => i >= 0);
      assert.deepEqual(diff, DIFFER[part], `${part} CSV rows`);
    }
  });

  test('the .npy tables differ in exactly the same rows; all other rows are bit-identical', (t) => {
    if (!msf.path) return t.skip(skipMsg);
    for (const encoder of TEXT_ENCODERS) {
      for (const part of MSF_TEXT_PARTS) {
        const a = readTextTable(msf.path, { encoder, part, numClasses: 60 });
        const b = readTextTable(msf.path, { encoder, part, numClasses: 120 });
        const diff: number[] = [];
        for (let r = 0; r < 60; r++) if (!rowsEqual(a.data, b.data, 512, r)) diff.push(r);
        assert.deepEqual(diff, DIFFER[part], `${encoder} ${part}`);
      }
    }
  });

  test('CSV contents: md row 0 is the paper Fig. 1 LD example, lb is the class label, headers per part', (t) => {
    if (!msf.path) return t.skip(skipMsg);
    assert.equal(readSemInfo(msf.path, 'md', 60)[0], 'fist and move the hand up to the head then look up');
    const lb = readSemInfo(msf.path, 'lb', 120);
    assert.equal(lb[0], 'drink water');
    assert.equal(lb[119], 'finger-guessing game (playing rock-paper-scissors)');
    assert.equal(readSemInfo(msf.path, 'ad', 60)[0], 'to take liquid into your mouth and then down your throat into your stomach');
    assert.equal(fs.readFileSync(path.join(msf.path, 'sem_info', 'md_60.csv'), 'utf8').split('\n')[0], 'idx,dcp');
  });

  test('readTextFeatures lb_ad_md: 1536-d, unit rows, each entry = raw / global row norm', (t) => {
    if (!msf.path) return t.skip(skipMsg);
    const f = readTextFeatures(msf.path, { encoder: 'ViT-B/32', parts: ['lb', 'ad', 'md'], numClasses: 60 });
    assert.deepEqual([f.rows, f.cols], [60, 1536]);
    const lb = readTextTable(msf.path, { encoder: 'ViT-B/32', part: 'lb', numClasses: 60 });
    const ad = readTextTable(msf.path, { encoder: 'ViT-B/32', part: 'ad', numClasses: 60 });
    const md = readTextTable(msf.path, { encoder: 'ViT-B/32', part: 'md', numClasses: 60 });
    for (const r of [0, 17, 59]) {
      assertClose([rowNorm(f.data, 1536, r)], [1], 1e-5, `row ${r} norm`);
      const g = Math.hypot(rowNorm(lb.data, 512, r), rowNorm(ad.data, 512, r), rowNorm(md.data, 512, r));
      assertClose(
        [f.data[r * 1536], f.data[r * 1536 + 512 + 3], f.data[r * 1536 + 1024 + 511]],
        [lb.data[r * 512] / g, ad.data[r * 512 + 3] / g, md.data[r * 512 + 511] / g],
        1e-6,
      );
    }
  });

  test('root may be the text_feats / sem_info folder itself', (t) => {
    if (!msf.path) return t.skip(skipMsg);
    const direct = textTablePath(path.join(msf.path, 'text_feats'), { encoder: 'ViT-B/16', part: 'md', numClasses: 120 });
    assert.equal(direct, path.join(msf.path, 'text_feats', 'ViT-B', '16', 'md_120.npy'));
    assert.equal(readSemInfo(path.join(msf.path, 'sem_info'), 'lb', 60)[5], 'pickup');
  });
});

describe('MSF_PART_TO_DESCRIPTION', () => {
  test('lb → AL (action label), ad → GD (global), md → LD (local)', () => {
    assert.deepEqual({ ...MSF_PART_TO_DESCRIPTION }, { lb: 'AL', ad: 'GD', md: 'LD' });
  });
});

describe('concatTextTables (hand-computed)', () => {
  test('[3 | 4] → [0.6, 0.8]; [1, 2 | 2] → [1/3, 2/3, 2/3]', () => {
    const a = { rows: 2, cols: 1, data: Float32Array.from([3, 1]) };
    const b = { rows: 2, cols: 2, data: Float32Array.from([4, 0, 2, 2]) };
    const c = concatTextTables([a, b]);
    assert.deepEqual([c.rows, c.cols], [2, 3]);
    assertClose(c.data, [0.6, 0.8, 0, 1 / 3, 2 / 3, 2 / 3], 1e-7);
    assert.deepEqual(Array.from(concatTextTables([a, b], false).data), [3, 4, 0, 1, 2, 2]);
  });
  test('row-count mismatch and zero rows are rejected', () => {
    assert.throws(
      () =>
        concatTextTables([
          { rows: 1, cols: 1, data: Float32Array.from([1]) },
          { rows: 2, cols: 1, data: Float32Array.from([1, 1]) },
        ]),
      FsvaeInputError,
    );
    assert.throws(() => concatTextTables([{ rows: 1, cols: 2, data: Float32Array.from([0, 0]) }]), /class 0 has zero norm/);
  });
});

describe('CSV parsing', () => {
  test('quoted fields with commas, "" escapes, embedded newlines, CRLF, BOM and no final newline', () => {
    const text = '\ufeffidx,label\r\n1,"a, b"\r\n2,"say ""stop"""\n3,"two\nlines"\n\n4,plain';
    assert.deepEqual(parseCsv(text, 'x.csv'), [
      ['idx', 'label'],
      ['1', 'a, b'],
      ['2', 'say "stop"'],
      ['3', 'two\nlines'],
      ['4', 'plain'],
    ]);
    assert.deepEqual(parseCsv('a,,""\n', 'y.csv'), [['a', '', '']]);
  });
  test('unterminated quotes and stray quotes are errors naming the file and line', () => {
    assert.throws(() => parseCsv('idx,label\n1,"open', 'q.csv'), /q\.csv: unterminated quoted field starting on line 2/);
    assert.throws(() => parseCsv('idx,label\n1,ab"c', 'r.csv'), /r\.csv: line 2: a quote inside an unquoted field/);
    assert.throws(() => parseCsv('idx,label\n1,"ab"c', 's.csv'), /s\.csv: line 2: text after a closing quote/);
  });
  test('parseSemInfoCsv keeps text verbatim and checks idx 1..C', () => {
    const ok = 'idx,dcp\n1,"lift, then drop"\n2, trailing space \n3,x';
    assert.deepEqual(parseSemInfoCsv(ok, 'ok.csv', 3), ['lift, then drop', ' trailing space ', 'x']);
    const cases: [string, RegExp][] = [
      ['idx,label\n1,a\n3,c\n4,d', /gap: idx 2 is missing/],
      ['idx,label\n1,a\n1,b\n2,c', /duplicate or out-of-order idx 1/],
      ['idx,label\n1,a\n,b\n3,c', /idx '', not a positive integer/],
      ['idx,label\n1,a\n2.0,b\n3,c', /idx '2\.0'/],
      ['idx,label\n1,a,extra\n2,b\n3,c', /3 fields, expected 2/],
      ['id,label\n1,a\n2,b\n3,c', /header is 'id,label'/],
      ['idx,label\n1,a\n2,b', /2 class rows, expected 3/],
      ['idx,label\n1,a\n2,  \n3,c', /class idx 2 has an empty text/],
      ['', /empty file/],
    ];
    for (const [text, re] of cases) {
      assert.throws(
        () => parseSemInfoCsv(text, 'bad.csv', 3),
        (e: unknown) => e instanceof FsvaeInputError && /^bad\.csv: /.test(e.message) && re.test(e.message),
        text,
      );
    }
  });
});

describe('argument and file errors', () => {
  test('unknown encoder/part/count and missing files', () => {
    const root = tempDir('text');
    assert.throws(() => readTextTable(root, { encoder: 'ViT-L/14' as 'ViT-B/32', part: 'lb', numClasses: 60 }), /encoder 'ViT-L\/14' is unknown/);
    assert.throws(() => readTextTable(root, { encoder: 'ViT-B/32', part: 'xx' as 'lb', numClasses: 60 }), /text part 'xx' is unknown/);
    assert.throws(() => readSemInfo(root, 'lb', 61 as 60), /numClasses must be 60 or 120/);
    assert.throws(() => readTextTable(root, { encoder: 'ViT-B/32', part: 'lb', numClasses: 60 }), /not found; tried .*text_feats.*lb_60\.npy/);
  });
  test('a table with the wrong row count or width is rejected naming the file', () => {
    const root = tempDir('text');
    const f = path.join(root, 'text_feats', 'ViT-B', '32', 'lb_60.npy');
    writeNpy(f, { dtype: 'float32', shape: [60, 768], data: new Float32Array(60 * 768).fill(1) });
    assert.throws(
      () => readTextTable(root, { encoder: 'ViT-B/32', part: 'lb', numClasses: 60 }),
      (e: unknown) => e instanceof FsvaeInputError && e.message.startsWith(f) && /expected 60×512/.test(e.message),
    );
    assert.equal(readTextTable(root, { encoder: 'ViT-B/32', part: 'lb', numClasses: 60, dim: 768 }).cols, 768);
  });
});
