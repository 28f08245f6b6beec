import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readNpy, writeNpy } from '../../lib/data/npy';
import { getSplit } from '../../lib/data/splits';
import { SynseFolderData, findSynseRoot, listSynseFolders, readSynseBenchmark, readSynseSplit, synseFolderName, writeSynseSplit } from '../../lib/data/synse';
import { FeatureSet } from '../../lib/data/matrices';
import { FsvaeInputError } from '../../lib/util/assert';
import { Random } from '../../lib/util/random';
import { tempDir } from '../temp-dirs';

/** A feature set whose feature (r, c) = label + c/100 + r/1e4, so every value is traceable. */
function makeSet(labels: number[], dim: number, logitDim?: number, rng?: Random): FeatureSet {
  const rows = labels.length;
  const features = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) features[r * dim + c] = labels[r] + c / 100 + r / 1e4;
  const set: FeatureSet = { features, rows, dim, labels: Int32Array.from(labels) };
  if (logitDim) {
    const g = rng ?? new Random(1);
    set.logits = Float32Array.from({ length: rows * logitDim }, () => g.normal() * 5);
    set.logitDim = logitDim;
  }
  return set;
}
const cycle = (classes: number[], n: number) => Array.from({ length: n }, (_, i) => classes[i % classes.length]);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const C = 10;
const UNSEEN = [2, 7];
const SEEN = range(C).filter((c) => !UNSEEN.includes(c));
const VAL_UNSEEN = [0, 5];
const VAL_SEEN = SEEN.filter((c) => !VAL_UNSEEN.includes(c));

function trainPhase(dim = 6): SynseFolderData {
  return {
    phase: 'train',
    train: makeSet(cycle(SEEN, 24), dim),
    ztest: makeSet(cycle(UNSEEN, 6), dim, C),
    gtest: makeSet(cycle(range(C), 15), dim, C, new Random(2)),
  };
}
function valPhase(dim = 6): SynseFolderData {
  return {
    phase: 'val',
    train: makeSet(cycle(VAL_SEEN, 18), dim),
    ztest: makeSet(cycle(VAL_UNSEEN, 4), dim, C),
    val: makeSet(cycle(VAL_SEEN, 7), dim, C),
  };
}
function tmpRoot(): string {
  return tempDir('synse');
}

describe('writeSynseSplit → readSynseSplit round trip', () => {
  test('phase train: exact upstream file names, int64 labels, float32 features, values preserved', () => {
    const root = tmpRoot();
    const dir = path.join(root, 'sk_feats', synseFolderName(2, 'train'));
    const data = trainPhase();
    writeSynseSplit(dir, data);
    assert.deepEqual(fs.readdirSync(dir).sort(), [
      'g_label.npy',
      'gtest.npy',
      'gtest_out.npy',
      'train.npy',
      'train_label.npy',
      'z_label.npy',
      'ztest.npy',
      'ztest_out.npy',
    ]);
    assert.equal(readNpy(path.join(dir, 'train_label.npy')).dtype, 'int64');
    const s = readSynseSplit(dir, { numClasses: C, unseen: [7, 2], phase: 'train' });
    assert.deepEqual(s.unseen, [2, 7]);
    assert.deepEqual(s.seen, SEEN);
    assert.equal(s.dim, 6);
    assert.equal(s.train.rows, 24);
    assert.deepEqual(Array.from(s.train.labels), cycle(SEEN, 24));
    // feature (r = 3, c = 4) of train = label 4 + 0.04 + 0.0003
    assert.equal(s.train.features[3 * 6 + 4], Math.fround(4 + 0.04 + 0.0003));
    assert.deepEqual(Array.from(s.gtest!.logits!), Array.from(data.gtest!.logits!));
    assert.equal(s.gtest!.logitDim, C);
    assert.equal(s.ztest.logitDim, C);
    assert.equal(s.val, undefined);
  });
  test('phase val: val/val_label/val_out, val-unseen ztest, test-unseen classes required absent', () => {
    const root = tmpRoot();
    const dir = path.join(root, synseFolderName(2, 'val'));
    writeSynseSplit(dir, valPhase());
    assert.deepEqual(fs.readdirSync(dir).sort(), [
      'train.npy',
      'train_label.npy',
      'val.npy',
      'val_label.npy',
      'val_out.npy',
      'z_label.npy',
      'ztest.npy',
      'ztest_out.npy',
    ]);
    const s = readSynseSplit(dir, { numClasses: C, unseen: VAL_UNSEEN, absent: UNSEEN, phase: 'val' });
    assert.deepEqual(s.seen, VAL_SEEN);
    assert.equal(s.val!.rows, 7);
    assert.equal(s.gtest, undefined);
  });
  test('ztest_out is optional in phase train', () => {
    const dir = path.join(tmpRoot(), 'shift_2_r');
    const d = trainPhase();
    delete d.ztest.logits;
    delete d.ztest.logitDim;
    writeSynseSplit(dir, d);
    assert.equal(readSynseSplit(dir, { numClasses: C, unseen: UNSEEN, phase: 'train' }).ztest.logits, undefined);
  });
  test('float64 feature files are accepted and converted', () => {
    const dir = path.join(tmpRoot(), 'shift_2_r');
    writeSynseSplit(dir, trainPhase());
    writeNpy(path.join(dir, 'train.npy'), { dtype: 'float64', shape: [24, 6], data: Float64Array.from({ length: 144 }, (_, i) => i / 7) });
    const s = readSynseSplit(dir, { numClasses: C, unseen: UNSEEN, phase: 'train' });
    assert.equal(s.train.features[143], Math.fround(143 / 7));
  });
});

describe('readSynseSplit consistency checks', () => {
  const expectErr = (fn: () => unknown, file: string, re: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof FsvaeInputError && e.message.includes(file) && re.test(e.message));
  test('train label in the unseen set, ztest label in the seen set, val label unseen', () => {
    let dir = path.join(tmpRoot(), 'shift_2_r');
    const d = trainPhase();
    d.train.labels[5] = 7;
    writeSynseSplit(dir, d);
    expectErr(() => readSynseSplit(dir, { numClasses: C, unseen: UNSEEN, phase: 'train' }), 'train_label.npy', /label #5 is class 7/);
    dir = path.join(tmpRoot(), 'shift_2_r');
    const e = trainPhase();
    e.ztest.labels[1] = 3;
    writeSynseSplit(dir, e);
    expectErr(
      () => readSynseSplit(dir, { numClasses: C, unseen: UNSEEN, phase: 'train' }),
      'z_label.npy',
      /label #1 is class 3, but ztest must hold only unseen/,
    );
    dir = path.join(tmpRoot(), 'shift_val_2_r');
    const v = valPhase();
    v.val!.labels[6] = 0;
    writeSynseSplit(dir, v);
    expectErr(() => readSynseSplit(dir, { numClasses: C, unseen: VAL_UNSEEN, absent: UNSEEN, phase: 'val' }), 'val_label.npy', /label #6 is class 0/);
  });
  test('a test-unseen class in the val-phase train set is caught through `absent`', () => {
    const dir = path.join(tmpRoot(), 'shift_val_2_r');
    const v = valPhase();
    v.train.labels[0] = 2;
    writeSynseSplit(dir, v);
    // without `absent` the folder looks fine (class 2 is not val-unseen) ...
    assert.equal(readSynseSplit(dir, { numClasses: C, unseen: VAL_UNSEEN, phase: 'val' }).train.labels[0], 2);
    // ... with it, the leak is reported.
    expectErr(() => readSynseSplit(dir, { numClasses: C, unseen: VAL_UNSEEN, absent: UNSEEN, phase: 'val' }), 'train_label.npy', /nor absent \[2, 7\]/);
  });
  test('label outside the class space, logits width ≠ numClasses, width mismatch, row mismatch', () => {
    let dir = path.join(tmpRoot(), 'shift_2_r');
    writeSynseSplit(dir, trainPhase());
    expectErr(() => readSynseSplit(dir, { numClasses: 8, unseen: UNSEEN, phase: 'train' }), 'train_label.npy', /label #6 is 8, outside the 8-class space/);
    dir = path.join(tmpRoot(), 'shift_2_r');
    const d = trainPhase();
    d.gtest = makeSet(cycle(range(C), 15), 6, 12);
    writeSynseSplit(dir, d);
    expectErr(() => readSynseSplit(dir, { numClasses: C, unseen: UNSEEN, phase: 'train' }), 'gtest_out.npy', /width 12, expected numClasses = 10/);
    dir = path.join(tmpRoot(), 'shift_2_r');
    const w = trainPhase();
    w.ztest = makeSet(cycle(UNSEEN, 6), 5, C);
    writeSynseSplit(dir, w);
    expectErr(() => readSynseSplit(dir, { numClasses: C, unseen: UNSEEN, phase: 'train' }), 'ztest.npy', /feature width 5, expected 6/);
    expectErr(
      () => readSynseSplit(path.join(path.dirname(dir), 'shift_2_r'), { numClasses: C, unseen: UNSEEN, phase: 'train', dim: 256 }),
      'train.npy',
      /feature width 6, expected 256/,
    );
    dir = path.join(tmpRoot(), 'shift_2_r');
    writeSynseSplit(dir, trainPhase());
    writeNpy(path.join(dir, 'g_label.npy'), { dtype: 'int64', shape: [14], data: new BigInt64Array(14) });
    expectErr(() => readSynseSplit(dir, { numClasses: C, unseen: UNSEEN, phase: 'train' }), 'g_label.npy', /14 labels but gtest\.npy has 15 rows/);
  });
  test('missing required logits and bad options', () => {
    const dir = path.join(tmpRoot(), 'shift_2_r');
    writeSynseSplit(dir, trainPhase());
    fs.rmSync(path.join(dir, 'gtest_out.npy'));
    expectErr(() => readSynseSplit(dir, { numClasses: C, unseen: UNSEEN, phase: 'train' }), 'gtest_out.npy', /missing/);
    assert.throws(() => readSynseSplit(dir, { numClasses: C, unseen: [2, 2], phase: 'train' }), /class 2 is listed twice/);
    assert.throws(() => readSynseSplit(dir, { numClasses: C, unseen: [10], phase: 'train' }), /class 10 is not an integer in 0\.\.9/);
    assert.throws(() => readSynseSplit(dir, { numClasses: C, unseen: UNSEEN, phase: 'test' as 'train' }), /phase must be 'train' or 'val'/);
    assert.throws(() => readSynseSplit(path.join(dir, 'nope'), { numClasses: C, unseen: UNSEEN, phase: 'train' }), /not a folder/);
  });
  test('writeSynseSplit checks shapes and required sets', () => {
    const dir = path.join(tmpRoot(), 'x');
    const d = trainPhase();
    d.train.rows = 23;
    assert.throws(() => writeSynseSplit(dir, d), /rows × dim = 23 × 6/);
    const v = valPhase();
    delete v.val;
    assert.throws(() => writeSynseSplit(dir, v), /needs the 'val' set/);
  });
});

describe('findSynseRoot and readSynseBenchmark', () => {
  test("accepts sk_feats itself, its parent, and SynSE's synse_resources/ntu_results", () => {
    const root = tmpRoot();
    writeSynseSplit(path.join(root, 'sk_feats', 'shift_2_r'), trainPhase());
    writeSynseSplit(path.join(root, 'sk_feats', 'shift_val_2_r'), valPhase());
    const sk = path.join(root, 'sk_feats');
    assert.equal(findSynseRoot(sk), path.resolve(sk));
    assert.equal(findSynseRoot(root), path.resolve(sk));
    assert.deepEqual(listSynseFolders(root), ['shift_2_r', 'shift_val_2_r']);
    const other = tmpRoot();
    writeSynseSplit(path.join(other, 'synse_resources', 'ntu_results', 'shift_2_r'), trainPhase());
    assert.equal(findSynseRoot(other), path.resolve(path.join(other, 'synse_resources', 'ntu_results')));
    const empty = tmpRoot();
    assert.throws(
      () => findSynseRoot(empty),
      (e: unknown) => e instanceof FsvaeInputError && e.message.includes(empty) && /shift_\{ss\}_r/.test(e.message),
    );
  });
  test('a registered split (ntu60-55/5) reads shift_5_r and shift_val_5_r with its unseen / val-unseen lists', () => {
    const split = getSplit('ntu60-55/5');
    const root = tmpRoot();
    const dim = 4;
    writeSynseSplit(path.join(root, 'sk_feats', 'shift_5_r'), {
      phase: 'train',
      train: makeSet(cycle(split.seen, 110), dim),
      ztest: makeSet(cycle(split.unseen, 10), dim, 60),
      gtest: makeSet(cycle(range(60), 120), dim, 60),
    });
    writeSynseSplit(path.join(root, 'sk_feats', 'shift_val_5_r'), {
      phase: 'val',
      train: makeSet(cycle(split.valSeen, 100), dim),
      ztest: makeSet(cycle(split.valUnseen, 10), dim, 60),
      val: makeSet(cycle(split.valSeen, 50), dim, 60),
    });
    const tr = readSynseBenchmark(root, split, 'train');
    assert.deepEqual(tr.unseen, [10, 11, 19, 26, 56]);
    assert.equal(tr.seen.length, 55);
    const va = readSynseBenchmark(root, split, 'val');
    assert.deepEqual(va.unseen, [16, 21, 25, 31, 48]);
    assert.deepEqual(va.seen, split.valSeen);
    assert.equal(va.seen.length, 50);
    // the 48/12 folders do not exist
    assert.throws(() => readSynseBenchmark(root, getSplit('ntu60-48/12'), 'train'), /shift_12_r: not a folder/);
  });
});

describe('all-zero features', () => {
  test('an all-zero train.npy is an error naming the file, not a run that trains to a number', () => {
    const root = tmpRoot();
    try {
      const dir = path.join(root, synseFolderName(UNSEEN.length, 'train'));
      writeSynseSplit(dir, trainPhase());
      const f = path.join(dir, 'train.npy');
      const a = readNpy(f);
      writeNpy(f, { ...a, data: new Float32Array(a.data.length) });
      assert.throws(
        () => readSynseSplit(dir, { phase: 'train', numClasses: C, unseen: UNSEEN }),
        (e: unknown) => e instanceof FsvaeInputError && e.message.startsWith(f) && /every value of the train features is zero/.test(e.message),
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
