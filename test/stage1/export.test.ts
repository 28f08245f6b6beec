import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GENERATOR_PRESETS, generateActionDataset } from '../../lib/data/generator';
import { readSynseSplit } from '../../lib/data/synse';
import { stage1Config } from '../../lib/stage1/config';
import { checkStage1Split, chooseValHoldOut, exportStage1Features } from '../../lib/stage1/export';
import { sideFromIds } from '../../lib/stage1/input';
import { useTestBackend } from '../helpers';

before(async () => {
  await useTestBackend();
});

const ds = generateActionDataset({ ...GENERATOR_PRESETS.quick, subjects: 3, trainSubjects: 2, repetitionsPerSubject: 1, frames: 12 }, 0);
const side = sideFromIds(ds.protocol.trainSubjects, ds.protocol.testSubjects);
const split = ds.splits[0];

test('export writes both SynSE folders that readSynseSplit reads back with consistent shapes and memberships', async () => {
  // keep the sequences of 2 unseen, 2 val-unseen and 4 val-seen classes (the split still lists all 40)
  const keep = new Set([...split.unseen.slice(0, 2), ...split.valUnseen.slice(0, 2), ...split.valSeen.slice(0, 4)]);
  const seqs = ds.sequences.filter((s) => keep.has(s.label));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-stage1-export-'));
  const cfg = stage1Config('shift-gcn-small', {
    model: { channels: [4, 6], strides: [1, 2] },
    input: { frames: 5 },
    train: {
      epochs: 1,
      batchSize: 4,
      optimizer: { kind: 'adam', learningRate: 0.01 },
      schedule: { kind: 'constant' },
      augment: { maxYawDeg: 10, scale: 0.05, cropMin: 0.9 },
    },
  });
  const batched: Record<string, Set<string>> = { train: new Set(), val: new Set() };
  try {
    const report = await exportStage1Features({
      sequences: seqs,
      split,
      numClasses: 40,
      side,
      outDir: out,
      config: cfg,
      seed: 4,
      valFraction: 0.5,
      onBatch: (phase, ids) => ids.forEach((id) => batched[phase].add(id)),
    });
    const byId = new Map(seqs.map((s) => [s.id, s]));
    // no unseen-class or test-side sample was ever batched; the val extractor saw only val-seen classes
    for (const id of batched.train) {
      const s = byId.get(id)!;
      assert.ok(split.seen.includes(s.label) && side(s) === 'train', `${id} batched in phase train`);
    }
    for (const id of batched.val) {
      const s = byId.get(id)!;
      assert.ok(split.valSeen.includes(s.label) && side(s) === 'train', `${id} batched in phase val`);
    }
    const count = (f: (s: (typeof seqs)[number]) => boolean) => seqs.filter(f).length;
    const tr = readSynseSplit(path.join(out, `shift_${split.unseen.length}_r`), { numClasses: 40, unseen: split.unseen, phase: 'train' });
    assert.equal(tr.dim, 6);
    assert.equal(
      tr.train.rows,
      count((s) => split.seen.includes(s.label) && side(s) === 'train'),
    );
    assert.equal(
      tr.ztest.rows,
      count((s) => split.unseen.includes(s.label) && side(s) === 'test'),
    );
    assert.equal(
      tr.gtest!.rows,
      count((s) => side(s) === 'test'),
    );
    assert.equal(tr.gtest!.logitDim, 40);
    assert.equal(tr.ztest.logitDim, 40);
    assert.ok(
      tr.train.features.every((v) => v >= 0),
      'pooled post-ReLU features are non-negative',
    );
    const va = readSynseSplit(path.join(out, `shift_val_${split.unseen.length}_r`), {
      numClasses: 40,
      unseen: split.valUnseen,
      absent: split.unseen,
      phase: 'val',
    });
    const pool = count((s) => split.valSeen.includes(s.label) && side(s) === 'train');
    // 4 val-seen classes × 2 train subjects: half of each class (1 of 2) is held out
    assert.equal(va.val!.rows, 4);
    assert.equal(va.train.rows, pool - 4);
    assert.equal(
      va.ztest.rows,
      count((s) => split.valUnseen.includes(s.label) && side(s) === 'train'),
    );
    assert.equal(va.val!.logitDim, 40);
    const heldOut = new Set<string>();
    // held-out samples are exactly the val rows and were never batched
    const valIds = seqs.filter((s) => split.valSeen.includes(s.label) && side(s) === 'train' && !batched.val.has(s.id));
    valIds.forEach((s) => heldOut.add(s.id));
    assert.equal(heldOut.size, 4);
    assert.ok(report.train && report.val);
    assert.equal(report.seenTestTop1, report.train!.evalTop1.all);
    assert.equal(
      report.train!.evalTop1.rows,
      count((s) => split.seen.includes(s.label) && side(s) === 'test'),
    );
    assert.ok(report.seenTestTop1! >= 0 && report.seenTestTop1! <= 1);
    assert.ok(fs.existsSync(path.join(out, `shift_${split.unseen.length}_r`, 'extractor.json')));
    assert.deepEqual(fs.readdirSync(out).sort(), [`shift_${split.unseen.length}_r`, `shift_val_${split.unseen.length}_r`]);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('split checks and the val hold-out rule', () => {
  assert.throws(() => checkStage1Split({ ...split, valUnseen: [split.unseen[0]] }, 40), /not seen classes/);
  assert.throws(() => checkStage1Split({ ...split, seen: split.seen.slice(1) }, 40), /cover all 40/);
  const pool = ds.sequences.filter((s) => split.valSeen.includes(s.label) && side(s) === 'train');
  const a = chooseValHoldOut(pool, 0.5, 1);
  assert.equal(a.size, split.valSeen.length); // 2 per class → 1 held out each
  assert.deepEqual([...chooseValHoldOut(pool, 0.5, 1)], [...a]);
  const bySubject = chooseValHoldOut(pool, 0.5, 1, 'subject');
  const subjects = new Set(pool.filter((s) => bySubject.has(s.id)).map((s) => s.meta!.subject));
  assert.equal(subjects.size, 1, 'whole subjects are held out');
  assert.equal(bySubject.size, pool.filter((s) => subjects.has(s.meta!.subject)).length);
});
