/**
 * Corrupted-input corpus for the tabular formats (.npy, SynSE folders, sem_info CSV, text tables).
 * Every case must raise FsvaeInputError whose message names the offending file; a different
 * error type, a crash or a silent return fails the case. Each uncorrupted base is also read
 * successfully, so the corpus cannot pass vacuously.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeNpy, readNpy, readNpyFloat32Matrix, readNpyLabels, writeNpy } from '../../lib/data/npy';
import { SynseFolderData, SynseReadOptions, readSynseSplit, writeSynseSplit } from '../../lib/data/synse';
import { readSemInfo, readTextTable } from '../../lib/data/text-tables';
import { FeatureSet } from '../../lib/data/matrices';
import { FsvaeInputError } from '../../lib/util/assert';
import { tempDir } from '../temp-dirs';

interface Case {
  name: string;
  /** the file the message must name */
  file: string;
  run: () => unknown;
}

const ROOT = tempDir('corrupt');
let counter = 0;
function caseDir(tag: string): string {
  const d = path.join(ROOT, `${String(counter++).padStart(3, '0')}-${tag.replace(/[^a-z0-9]+/gi, '_')}`);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

// ---------------------------------------------------------------------------------------------
// .npy byte-level corruptions

/** Header + data written straight from a dict string (so the header can lie). */
function rawNpy(dict: string, data: Uint8Array, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  const hlen = total - pre;
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  out[8] = hlen & 0xff;
  out[9] = (hlen >> 8) & 0xff;
  out.set(Buffer.from(dict + ' '.repeat(hlen - dict.length - 1) + '\n', 'latin1'), pre);
  out.set(data, total);
  return out;
}
const dict = (descr: string, shape: string, fortran = 'False') => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
const f32bytes = (vals: number[]) => new Uint8Array(Float32Array.from(vals).buffer);

const BASE_VALUES = Array.from({ length: 12 }, (_, i) => i * 0.5 - 1);
const BASE_NPY = encodeNpy({ dtype: 'float32', shape: [3, 4], data: Float32Array.from(BASE_VALUES) });

function npyCase(name: string, bytes: Uint8Array, reader: (f: string) => unknown = readNpy): Case {
  const file = path.join(caseDir(name), 'x.npy');
  fs.writeFileSync(file, bytes);
  return { name, file, run: () => reader(file) };
}

function npyCases(): Case[] {
  const cases: Case[] = [];
  // truncation at many offsets: inside the magic, version, header length, header text, data
  for (const off of [0, 1, 5, 6, 7, 8, 9, 10, 11, 40, 100, 127, 128, 129, 150, 170, 175]) {
    cases.push(npyCase(`truncated at byte ${off} of ${BASE_NPY.length}`, BASE_NPY.subarray(0, off)));
  }
  const withByte = (i: number, v: number) => {
    const b = BASE_NPY.slice();
    b[i] = v;
    return b;
  };
  cases.push(npyCase('magic: first byte 0x00', withByte(0, 0)));
  cases.push(npyCase('magic: lowercase numpy', withByte(1, 0x6e)));
  cases.push(npyCase('magic: a zip (.npz) header', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...BASE_NPY.subarray(4)])));
  cases.push(npyCase('text file, not npy', new Uint8Array(Buffer.from('1,2,3\n4,5,6\n'))));
  cases.push(npyCase('version 4.0', withByte(6, 4)));
  cases.push(npyCase('version 1.1', withByte(7, 1)));
  cases.push(
    npyCase(
      'header length past end of file',
      (() => {
        const b = BASE_NPY.slice();
        b[8] = 0xff;
        b[9] = 0xff;
        return b;
      })(),
    ),
  );
  cases.push(npyCase('header lies: shape (3, 5) for 12 values', rawNpy(dict('<f4', '(3, 5)'), f32bytes(BASE_VALUES))));
  cases.push(npyCase('header lies: shape (2, 4) for 12 values', rawNpy(dict('<f4', '(2, 4)'), f32bytes(BASE_VALUES))));
  cases.push(npyCase('header lies: dtype f8 over f4 data', rawNpy(dict('<f8', '(3, 4)'), f32bytes(BASE_VALUES))));
  cases.push(npyCase('Fortran order (3, 4)', rawNpy(dict('<f4', '(3, 4)', 'True'), f32bytes(BASE_VALUES))));
  cases.push(npyCase('object dtype |O', rawNpy(dict('|O', '(2,)'), new Uint8Array(16))));
  cases.push(npyCase('unicode dtype <U8', rawNpy(dict('<U8', '(1,)'), new Uint8Array(32))));
  cases.push(npyCase('structured dtype', rawNpy(`{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(8))));
  cases.push(npyCase('complex64', rawNpy(dict('<c8', '(1,)'), new Uint8Array(8))));
  cases.push(npyCase('float16', rawNpy(dict('<f2', '(2,)'), new Uint8Array(4))));
  cases.push(npyCase('int16', rawNpy(dict('<i2', '(2,)'), new Uint8Array(4))));
  cases.push(npyCase('header missing shape', rawNpy(`{'descr': '<f4', 'fortran_order': False, }`, f32bytes([1]))));
  cases.push(npyCase('header extra key', rawNpy(`{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1, }`, f32bytes([1]))));
  cases.push(npyCase('header unterminated string', rawNpy(`{'descr': '<f4, 'fortran_order': False, 'shape': (1,), }`, f32bytes([1]))));
  cases.push(npyCase('header non-integer shape', rawNpy(dict('<f4', '(1.5,)'), f32bytes([1]))));
  cases.push(npyCase('header negative shape', rawNpy(dict('<f4', '(-1,)'), f32bytes([1]))));
  cases.push(npyCase('header fortran_order is a string', rawNpy(dict('<f4', '(1,)', "'no'"), f32bytes([1]))));
  cases.push(npyCase('header is a list, not a dict', rawNpy(`[1, 2]`, f32bytes([1]))));
  cases.push(npyCase('bool array holding 7', rawNpy(dict('|b1', '(2,)'), Uint8Array.from([1, 7]))));
  // typed readers
  cases.push(npyCase('features with NaN', encodeNpy({ dtype: 'float32', shape: [2, 2], data: Float32Array.from([0, NaN, 0, 0]) }), readNpyFloat32Matrix));
  cases.push(npyCase('features with +Inf', encodeNpy({ dtype: 'float32', shape: [2, 2], data: Float32Array.from([0, 0, Infinity, 0]) }), readNpyFloat32Matrix));
  cases.push(
    npyCase('features with -Inf (float64)', encodeNpy({ dtype: 'float64', shape: [1, 2], data: Float64Array.from([-Infinity, 0]) }), readNpyFloat32Matrix),
  );
  cases.push(
    npyCase('float64 features overflowing float32', encodeNpy({ dtype: 'float64', shape: [1, 2], data: Float64Array.from([0, -1e40]) }), readNpyFloat32Matrix),
  );
  cases.push(npyCase('features stored as int64', encodeNpy({ dtype: 'int64', shape: [1, 2], data: BigInt64Array.from([1n, 2n]) }), readNpyFloat32Matrix));
  cases.push(npyCase('features 3-D', encodeNpy({ dtype: 'float32', shape: [1, 2, 2], data: new Float32Array(4) }), readNpyFloat32Matrix));
  cases.push(npyCase('labels non-integral float', encodeNpy({ dtype: 'float64', shape: [2], data: Float64Array.from([1, 0.5]) }), readNpyLabels));
  cases.push(npyCase('labels NaN', encodeNpy({ dtype: 'float32', shape: [1], data: Float32Array.from([NaN]) }), readNpyLabels));
  cases.push(npyCase('labels negative int64', encodeNpy({ dtype: 'int64', shape: [1], data: BigInt64Array.from([-3n]) }), readNpyLabels));
  cases.push(npyCase('labels above int32', encodeNpy({ dtype: 'int64', shape: [1], data: BigInt64Array.from([2n ** 40n]) }), readNpyLabels));
  cases.push(npyCase('labels bool', encodeNpy({ dtype: 'bool', shape: [1], data: Uint8Array.from([0]) }), readNpyLabels));
  cases.push(npyCase('labels 2-D (N, 2)', encodeNpy({ dtype: 'int64', shape: [1, 2], data: new BigInt64Array(2) }), readNpyLabels));
  return cases;
}

// ---------------------------------------------------------------------------------------------
// SynSE folder corruptions (C = 6 classes, unseen [1, 4], width 3)

const C = 6;
const UNSEEN = [1, 4];
const SEEN = [0, 2, 3, 5];
function set(labels: number[], dim = 3, logitDim?: number): FeatureSet {
  const s: FeatureSet = {
    features: Float32Array.from({ length: labels.length * dim }, (_, i) => (i % 7) * 0.25),
    rows: labels.length,
    dim,
    labels: Int32Array.from(labels),
  };
  if (logitDim) {
    s.logits = Float32Array.from({ length: labels.length * logitDim }, (_, i) => (i % 5) - 2);
    s.logitDim = logitDim;
  }
  return s;
}
function baseTrain(): SynseFolderData {
  return { phase: 'train', train: set([...SEEN, ...SEEN]), ztest: set([1, 4, 1], 3, C), gtest: set([0, 1, 2, 3, 4, 5], 3, C) };
}
function baseVal(): SynseFolderData {
  return { phase: 'val', train: set([2, 3, 5, 2]), ztest: set([0, 0], 3, C), val: set([3, 5], 3, C) };
}
const TRAIN_OPTS: SynseReadOptions = { numClasses: C, unseen: UNSEEN, phase: 'train' };
const VAL_OPTS: SynseReadOptions = { numClasses: C, unseen: [0], absent: UNSEEN, phase: 'val' };

function synseCase(name: string, fileName: string, data: SynseFolderData, opts: SynseReadOptions, after?: (dir: string) => void): Case {
  const dir = caseDir(name);
  writeSynseSplit(dir, data);
  after?.(dir);
  return { name, file: path.join(dir, fileName), run: () => readSynseSplit(dir, opts) };
}
function mod(base: () => SynseFolderData, f: (d: SynseFolderData) => void): SynseFolderData {
  const d = base();
  f(d);
  return d;
}

function synseCases(): Case[] {
  const i64 = (vals: bigint[]) => ({ dtype: 'int64' as const, shape: [vals.length], data: BigInt64Array.from(vals) });
  return [
    synseCase('train label out of class range', 'train_label.npy', baseTrain(), TRAIN_OPTS, (d) =>
      writeNpy(path.join(d, 'train_label.npy'), i64([0n, 2n, 3n, 6n, 0n, 2n, 3n, 5n])),
    ),
    synseCase('gtest label out of class range', 'g_label.npy', baseTrain(), TRAIN_OPTS, (d) =>
      writeNpy(path.join(d, 'g_label.npy'), i64([0n, 1n, 2n, 3n, 4n, 99n])),
    ),
    synseCase('negative label', 'z_label.npy', baseTrain(), TRAIN_OPTS, (d) => writeNpy(path.join(d, 'z_label.npy'), i64([1n, -1n, 4n]))),
    synseCase(
      'unseen label in train',
      'train_label.npy',
      mod(baseTrain, (d) => {
        d.train.labels[3] = 4;
      }),
      TRAIN_OPTS,
    ),
    synseCase(
      'seen label in ztest',
      'z_label.npy',
      mod(baseTrain, (d) => {
        d.ztest.labels[2] = 0;
      }),
      TRAIN_OPTS,
    ),
    synseCase(
      'val-unseen label in val set',
      'val_label.npy',
      mod(baseVal, (d) => {
        d.val!.labels[0] = 0;
      }),
      VAL_OPTS,
    ),
    synseCase(
      'test-unseen class leaks into val-phase train',
      'train_label.npy',
      mod(baseVal, (d) => {
        d.train.labels[1] = 4;
      }),
      VAL_OPTS,
    ),
    synseCase('row-count mismatch train vs labels', 'train_label.npy', baseTrain(), TRAIN_OPTS, (d) =>
      writeNpy(path.join(d, 'train_label.npy'), i64([0n, 2n, 3n])),
    ),
    synseCase('row-count mismatch gtest_out', 'gtest_out.npy', baseTrain(), TRAIN_OPTS, (d) =>
      writeNpy(path.join(d, 'gtest_out.npy'), { dtype: 'float32', shape: [5, C], data: new Float32Array(5 * C) }),
    ),
    synseCase(
      'wrong logits width gtest_out',
      'gtest_out.npy',
      mod(baseTrain, (d) => {
        d.gtest = set([0, 1, 2, 3, 4, 5], 3, C - 1);
      }),
      TRAIN_OPTS,
    ),
    synseCase(
      'wrong logits width val_out',
      'val_out.npy',
      mod(baseVal, (d) => {
        d.val = set([3, 5], 3, 120);
      }),
      VAL_OPTS,
    ),
    synseCase(
      'feature width differs ztest vs train',
      'ztest.npy',
      mod(baseTrain, (d) => {
        d.ztest = set([1, 4, 1], 4, C);
      }),
      TRAIN_OPTS,
    ),
    synseCase('feature width differs from requested 256', 'train.npy', baseTrain(), { ...TRAIN_OPTS, dim: 256 }),
    synseCase(
      'empty train (0 rows)',
      'train.npy',
      mod(baseTrain, (d) => {
        d.train = set([]);
      }),
      TRAIN_OPTS,
    ),
    synseCase(
      'zero-width features',
      'train.npy',
      mod(baseTrain, (d) => {
        d.train = set([...SEEN], 0);
      }),
      TRAIN_OPTS,
    ),
    synseCase('missing gtest_out in phase train', 'gtest_out.npy', baseTrain(), TRAIN_OPTS, (d) => fs.rmSync(path.join(d, 'gtest_out.npy'))),
    synseCase('missing val_out in phase val', 'val_out.npy', baseVal(), VAL_OPTS, (d) => fs.rmSync(path.join(d, 'val_out.npy'))),
    synseCase('missing ztest_out in phase val', 'ztest_out.npy', baseVal(), VAL_OPTS, (d) => fs.rmSync(path.join(d, 'ztest_out.npy'))),
    synseCase('missing g_label', 'g_label.npy', baseTrain(), TRAIN_OPTS, (d) => fs.rmSync(path.join(d, 'g_label.npy'))),
    synseCase(
      'NaN in gtest features',
      'gtest.npy',
      mod(baseTrain, (d) => {
        d.gtest!.features[4] = NaN;
      }),
      TRAIN_OPTS,
    ),
    synseCase(
      'Inf in ztest logits',
      'ztest_out.npy',
      mod(baseTrain, (d) => {
        d.ztest.logits![2] = Infinity;
      }),
      TRAIN_OPTS,
    ),
    synseCase('labels saved as fractional floats', 'train_label.npy', baseTrain(), TRAIN_OPTS, (d) =>
      writeNpy(path.join(d, 'train_label.npy'), { dtype: 'float32', shape: [8], data: Float32Array.from([0, 2, 3, 5, 0, 2, 3, 5.5]) }),
    ),
    synseCase('features truncated on disk', 'ztest.npy', baseTrain(), TRAIN_OPTS, (d) => {
      const f = path.join(d, 'ztest.npy');
      fs.writeFileSync(f, fs.readFileSync(f).subarray(0, 130));
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// sem_info CSV and text table corruptions (numClasses 60)

function csvBody(texts: (i: number) => string = (i) => `class ${i}`): string[] {
  return Array.from({ length: 60 }, (_, i) => `${i + 1},${texts(i)}`);
}
function csvCase(name: string, lines: string[], part: 'lb' | 'md' = 'lb'): Case {
  const root = caseDir(name);
  const file = path.join(root, 'sem_info', `${part}_60.csv`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join('\n'));
  return { name, file, run: () => readSemInfo(root, part, 60) };
}
function csvCases(): Case[] {
  const header = 'idx,label';
  const body = csvBody();
  const without = (k: number) => body.filter((_, i) => i !== k);
  return [
    csvCase('csv missing idx value', [header, ...body.slice(0, 9), ',class 9', ...body.slice(10)]),
    csvCase('csv gap in idx', [header, ...without(30)]),
    csvCase('csv duplicate idx', [header, ...body.slice(0, 20), '20,again', ...body.slice(20)]),
    csvCase('csv idx out of order', [header, body[1], body[0], ...body.slice(2)]),
    csvCase('csv idx starts at 0', [header, '0,zero', ...body.slice(0, 59)]),
    csvCase('csv non-integer idx', [header, ...body.slice(0, 4), 'five,class 4', ...body.slice(5)]),
    csvCase('csv unquoted comma in text', [header, ...body.slice(0, 7), '8,lift, then drop', ...body.slice(8)]),
    csvCase('csv unterminated quote', [header, ...body.slice(0, 59), '60,"never closed']),
    csvCase('csv stray quote in field', [header, ...body.slice(0, 3), '4,say "hi"', ...body.slice(4)]),
    csvCase('csv wrong header', ['index,label', ...body]),
    csvCase('csv header only one column', ['idx', ...body]),
    csvCase('csv 59 rows', [header, ...body.slice(0, 59)]),
    csvCase('csv 61 rows', [header, ...body, '61,extra']),
    csvCase('csv empty text', [header, ...body.slice(0, 11), '12,   ', ...body.slice(12)]),
    csvCase('csv empty file', []),
    csvCase('csv md with gap', ['idx,dcp', ...without(0)], 'md'),
  ];
}

function tableCase(name: string, shape: number[], fill: (i: number) => number, dtype: 'float32' | 'int32' = 'float32'): Case {
  const root = caseDir(name);
  const file = path.join(root, 'text_feats', 'ViT-B', '32', 'ad_60.npy');
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float32' ? Float32Array.from({ length: n }, (_, i) => fill(i)) : Int32Array.from({ length: n }, (_, i) => fill(i));
  writeNpy(file, { dtype, shape, data });
  return { name, file, run: () => readTextTable(root, { encoder: 'ViT-B/32', part: 'ad', numClasses: 60 }) };
}
function tableCases(): Case[] {
  const one = () => 0.5;
  return [
    tableCase('text table width 300', [60, 300], one),
    tableCase('text table width 768', [60, 768], one),
    tableCase('text table 59 rows', [59, 512], one),
    tableCase('text table 120 rows for 60 classes', [120, 512], one),
    tableCase('text table 1-D', [60 * 512], one),
    tableCase('text table all-zero row 17', [60, 512], (i) => (Math.floor(i / 512) === 17 ? 0 : 1)),
    tableCase('text table NaN', [60, 512], (i) => (i === 5000 ? NaN : 1)),
    tableCase('text table int32', [60, 512], () => 1, 'int32'),
  ];
}

// ---------------------------------------------------------------------------------------------

describe('controls: the uncorrupted bases read fine', () => {
  test('base .npy, SynSE folders, CSV and text table', () => {
    const f = path.join(caseDir('base npy'), 'x.npy');
    fs.writeFileSync(f, BASE_NPY);
    assert.deepEqual(Array.from(readNpyFloat32Matrix(f, 4).data), BASE_VALUES);
    const tdir = caseDir('base train');
    writeSynseSplit(tdir, baseTrain());
    assert.equal(readSynseSplit(tdir, TRAIN_OPTS).gtest!.rows, 6);
    const vdir = caseDir('base val');
    writeSynseSplit(vdir, baseVal());
    assert.equal(readSynseSplit(vdir, VAL_OPTS).val!.rows, 2);
    const csvRoot = caseDir('base csv');
    fs.mkdirSync(path.join(csvRoot, 'sem_info'));
    fs.writeFileSync(
      path.join(csvRoot, 'sem_info', 'lb_60.csv'),
      ['idx,label', ...csvBody((i) => (i === 3 ? '"a, quoted ""text"""' : `class ${i}`))].join('\r\n') + '\r\n',
    );
    const texts = readSemInfo(csvRoot, 'lb', 60);
    assert.equal(texts.length, 60);
    assert.equal(texts[3], 'a, quoted "text"');
    const tableRoot = caseDir('base table');
    writeNpy(path.join(tableRoot, 'text_feats', 'ViT-B', '32', 'ad_60.npy'), {
      dtype: 'float32',
      shape: [60, 512],
      data: new Float32Array(60 * 512).fill(0.5),
    });
    assert.equal(readTextTable(tableRoot, { encoder: 'ViT-B/32', part: 'ad', numClasses: 60 }).rows, 60);
  });
});

describe('corrupted inputs raise FsvaeInputError naming the file', () => {
  const groups: [string, () => Case[]][] = [
    ['npy', npyCases],
    ['synse', synseCases],
    ['csv', csvCases],
    ['text table', tableCases],
  ];
  let total = 0;
  for (const [group, make] of groups) {
    test(`${group} corpus`, () => {
      const cases = make();
      total += cases.length;
      const failures: string[] = [];
      for (const c of cases) {
        try {
          c.run();
          failures.push(`${c.name}: returned silently`);
        } catch (e) {
          if (!(e instanceof FsvaeInputError)) failures.push(`${c.name}: ${(e as Error)?.constructor?.name} ${(e as Error)?.message}`);
          else if (!e.message.includes(c.file)) failures.push(`${c.name}: message does not name ${c.file}: ${e.message}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  }
  test('the corpus holds at least 60 cases', () => {
    assert.ok(total >= 60, `only ${total} cases`);
  });
});
