/** Lever (c), lent seen classes: which classes each registered split removes, the relabelling, and the rows computed from runs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getSplit } from '../../lib/data/splits';
import { NW_UCLA_UTD_MHAD_OVERLAP, overlappingClasses } from '../../lib/data/class-overlap';
import { auxiliaryClassPlan, lentSequences, readAuxiliaryResults, standardiseLike } from '../../lib/experiments/auxiliary-classes';
import { LeverRun, leverRows } from '../../lib/experiments/levers';
import { SkeletonSequence } from '../../lib/data/skeleton';
import { studentTQuantile } from '../../lib/eval/stats';

test('overlap table: symmetric lookups, valid class ids, clear errors', () => {
  for (const o of NW_UCLA_UTD_MHAD_OVERLAP) {
    assert.deepEqual(
      overlappingClasses('nw-ucla', o.nwUcla, 'utd-mhad').map((x) => x.cls),
      [...o.utdMhad],
    );
    for (const u of o.utdMhad)
      assert.ok(
        overlappingClasses('utd-mhad', u, 'nw-ucla').some((x) => x.cls === o.nwUcla),
        `UTD ${u} → NW ${o.nwUcla}`,
      );
  }
  // UTD 20 "right hand pick up and throw" overlaps pick up (one and two hands) and throw
  assert.deepEqual(
    overlappingClasses('utd-mhad', 20, 'nw-ucla').map((x) => x.cls),
    [0, 1, 8],
  );
  assert.deepEqual(overlappingClasses('nw-ucla', 6, 'utd-mhad'), []); // donning: nothing in UTD-MHAD
  assert.throws(() => overlappingClasses('nw-ucla', 10, 'utd-mhad'), /classes 0\.\.9, got 10/);
  assert.throws(() => overlappingClasses('nw-ucla', 1, 'nw-ucla'), /two different datasets/);
});

test('plan per registered split: the removed lent classes, worked out by hand from the class names', () => {
  // NW-UCLA 8/2: unseen pick up (two hands), sit down; val-unseen stand up, doffing
  //   → UTD pick up and throw (20), sit to stand (23), stand to sit (24), squat (26)
  // NW-UCLA 5/5: unseen pick up (two hands), walk around, sit down, donning, throw; val-unseen pick up (one hand), doffing
  //   → throw (4), basketball shoot (6), bowling (11), pick up and throw (20), jogging (21), walking (22), stand to sit (24), squat (26)
  // UTD 22/5: unseen throw, tennis forehand, two hand push, sit to stand, stand to sit; val-unseen swipes, wave, bowling, arm curl
  //   → NW sit down (4), stand up (5), throw (8)
  const expected: Record<string, number[]> = {
    'nw-ucla-8/2': [20, 23, 24, 26],
    'nw-ucla-5/5': [4, 6, 11, 20, 21, 22, 24, 26],
    'utd-mhad-22/5': [4, 5, 8],
  };
  for (const [name, removed] of Object.entries(expected)) {
    const plan = auxiliaryClassPlan(getSplit(name));
    assert.deepEqual(
      plan.removed.map((r) => r.cls),
      removed,
      name,
    );
    const lentCount = (plan.auxDataset === 'utd-mhad' ? 27 : 10) - removed.length;
    assert.equal(plan.kept.length, lentCount);
    const C = plan.target.numClasses;
    assert.equal(plan.combined.numClasses, C + lentCount);
    assert.deepEqual(plan.combined.unseen, plan.target.unseen);
    assert.deepEqual(plan.combined.valUnseen, plan.target.valUnseen);
    assert.deepEqual(
      plan.combined.seen.slice(-lentCount),
      Array.from({ length: lentCount }, (_, i) => C + i),
    );
    assert.equal(plan.combined.valSeen.length + plan.combined.valUnseen.length, plan.combined.seen.length);
  }
  const why = auxiliaryClassPlan(getSplit('nw-ucla-8/2')).removed.find((r) => r.cls === 23)!;
  assert.match(why.because, /val-unseen 'stand up'/);
  assert.throws(() => auxiliaryClassPlan(getSplit('ntu60-55/5')), /not an NW-UCLA or UTD-MHAD split/);
});

test('lent sequences: removed classes dropped, the kept ones relabelled after the target classes, ids prefixed', () => {
  const plan = auxiliaryClassPlan(getSplit('utd-mhad-22/5')); // removes NW 4, 5, 8; keeps 0,1,2,3,6,7,9 → 27..33
  const seq = (label: number): SkeletonSequence => ({
    id: `s${label}`,
    label,
    layout: 'kinect-v1-20',
    bodies: 1,
    frames: 1,
    joints: 20,
    data: new Float32Array(60),
  });
  const out = lentSequences(plan, [0, 4, 5, 6, 8, 9].map(seq));
  assert.deepEqual(
    out.map((s) => [s.id, s.label]),
    [
      ['nw-ucla:s0', 27],
      ['nw-ucla:s6', 31],
      ['nw-ucla:s9', 33],
    ],
  );
});

test('rows from runs: the mode with the best val score is chosen; Δ paired by split and seed with its t-interval', () => {
  const run = (split: string, mode: string, seed: number, zsl: number, valFinal: number): LeverRun => ({
    dataset: 'nw-ucla',
    split,
    mode,
    seed,
    zsl,
    valFinal,
    chance: 0.5,
    valChance: 0.5,
    seconds: 1,
    engine: 'fused',
    code: 'x',
  });
  const runs = [
    run('a', 'none', 1, 0.4, 0.6),
    run('a', 'none', 2, 0.5, 0.6),
    run('a', 'none', 3, 0.6, 0.6),
    run('a', 'project', 1, 0.5, 0.7),
    run('a', 'project', 2, 0.52, 0.7),
    run('a', 'project', 3, 0.78, 0.7),
  ];
  const { rows, chosen } = leverRows(runs, ['none', 'project'], 'none');
  assert.equal(chosen['nw-ucla'], 'project'); // val 0.7·2 = 1.4 > 0.6·2 = 1.2
  const p = rows.find((r) => r.split === 'a' && r.mode === 'project')!;
  // differences 0.10, 0.02, 0.18: mean 0.10, sd 0.08, half-width t(0.975, 2)·0.08/√3
  const half = (studentTQuantile(0.975, 2) * 0.08) / Math.sqrt(3);
  assert.equal(p['Δ vs none [95% CI]'], `10.0 [${(100 * (0.1 - half)).toFixed(1)}, ${(100 * (0.1 + half)).toFixed(1)}]`);
  assert.equal(p.ZSL, 60);
  assert.equal(p['val score (× chance)'], 1.4);
  assert.equal(p['val SE'], 0); // every run's val score is 1.4
  assert.equal(rows.find((r) => r.split === 'all' && r.mode === 'project')!['chosen on val'], 'yes');
  assert.equal(p.verdict, 'inconclusive'); // t(0.975, 2) = 4.30: the interval reaches below 0
  assert.throws(() => leverRows(runs, ['project'], 'none'), /must include the baseline 'none'/);
  // a stored table is read back only when its rows equal the rows recomputed from its runs
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aux-'));
  const file = path.join(dir, 'transfer_auxiliary_classes_full.json');
  fs.writeFileSync(file, JSON.stringify({ rows, notes: [], runs, plan: [], provenance: {} }));
  assert.equal(readAuxiliaryResults('full', dir)!.chosen['nw-ucla'], 'project');
  fs.writeFileSync(file, JSON.stringify({ rows: rows.map((r) => ({ ...r, ZSL: 99 })), notes: [], runs, plan: [], provenance: {} }));
  assert.throws(() => readAuxiliaryResults('full', dir), /differ from the rows recomputed from its runs/);
  assert.equal(readAuxiliaryResults('quick', dir), null);
});

test('standardiseLike: the lent rows take the per-dimension mean and SD of the target rows, their order within a dimension kept', () => {
  // lent column 0: 10, 20, 30 (mean 20, SD 10); target column 0: 1, 3 (mean 2, SD √2) → 2 − √2, 2, 2 + √2
  // lent column 1 is constant → the target's mean 5
  const lent = Float32Array.from([10, 7, 20, 7, 30, 7]);
  const target = { features: Float32Array.from([1, 4, 3, 6]), rows: 2, dim: 2, labels: Int32Array.from([0, 1]) };
  const out = standardiseLike(lent, 3, target);
  const expected = [2 - Math.SQRT2, 5, 2, 5, 2 + Math.SQRT2, 5];
  out.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `value ${i}: ${v} vs ${expected[i]}`));
  assert.throws(() => standardiseLike(lent, 2, target), /6 values are not 2 rows of 2/);
});
