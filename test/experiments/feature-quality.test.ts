import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeSequence, SkeletonSequence } from '../../lib/data/skeleton';
import { KINECT_V1_20 } from '../../lib/data/layouts';
import { BenchmarkSplit } from '../../lib/data/splits';
import { readSynseSplit } from '../../lib/data/synse';
import { stage1Config } from '../../lib/stage1/config';
import { DctExtractorConfig } from '../../lib/stage1/dct-extractor';
import { exportStage1Features } from '../../lib/stage1/export';
import { featureQualityRow, valPhaseMetrics, valPhaseSets } from '../../lib/stage1/quality';
import { Random } from '../../lib/util/random';
import { motion } from '../fixtures/raw-datasets';
import { useTestBackend } from '../helpers';

before(async () => {
  await useTestBackend();
});

/** 10 classes × subjects 1..6 (odd = train side) × 2 repetitions, 16 frames, Kinect v1; `corrupt` rewrites a sample's data. */
function dataset(corrupt: (s: SkeletonSequence) => Float32Array | null = () => null): SkeletonSequence[] {
  const out: SkeletonSequence[] = [];
  for (let c = 0; c < 10; c++) {
    for (let s = 1; s <= 6; s++) {
      for (let r = 1; r <= 2; r++) {
        const m = motion(KINECT_V1_20, c, s, r, 16);
        const seq = makeSequence({
          id: `c${c}s${s}r${r}`,
          label: c,
          layout: 'kinect-v1-20',
          bodies: 1,
          frames: 16,
          joints: 20,
          data: Float32Array.from(m.flat(2)),
          meta: { subject: s },
        });
        const d = corrupt(seq);
        out.push(d ? { ...seq, data: d } : seq);
      }
    }
  }
  return out;
}
const sideOf = (s: SkeletonSequence) => ((s.meta!.subject as number) % 2 === 1 ? 'train' : 'test');
const split = {
  name: 'toy-7/3',
  dataset: 'nw-ucla',
  numClasses: 10,
  unseen: [7, 8, 9],
  seen: [0, 1, 2, 3, 4, 5, 6],
  valUnseen: [5, 6],
  valSeen: [0, 1, 2, 3, 4],
  source: 'test',
  valSource: 'test',
} as BenchmarkSplit;
const lda: DctExtractorConfig = {
  kind: 'dct',
  name: 'test-lda',
  description: '',
  descriptor: { frames: 8, coefficients: 2, bodies: 1, velocity: true },
  metric: { shrinkage: [0.05, 0.5], outDim: 40, augmentCopies: 2, augment: { maxYawDeg: 10, scale: 0.05, cropMin: 0.9 }, folds: 3 },
};
const descriptor: DctExtractorConfig = { ...lda, name: 'test-descriptor', metric: null };
const VAL_COLS = [
  'val_seen_top1',
  'val_seen_ncm',
  'val_pseudo_unseen_ncm',
  'val_pseudo_unseen_ncm_raw',
  'feature_dim',
  'val_shrinkage',
  'n_val_train',
  'n_val_heldout',
  'n_val_pseudo_unseen',
];
const DIAG_COLS = ['diag_test_seen_top1', 'diag_test_seen_ncm', 'diag_test_unseen_ncm_oracle'];
const pick = (r: Record<string, unknown>, cols: string[]) => Object.fromEntries(cols.map((c) => [c, r[c]]));
/** the real unseen classes and the whole test side: what the val-phase columns must never read */
const forbidden = (s: SkeletonSequence) => split.unseen.includes(s.label) || sideOf(s) === 'test';

describe('stage-1 feature quality: val-phase selection criteria', () => {
  test('val-phase columns are bit-identical when the real unseen classes and the test side are corrupted (×1000, ×25, or garbage)', async () => {
    const rng = new Random(5);
    // ×1000 puts coordinates beyond the ±100 m plausibility check: any read of such a sample throws,
    // so the val phase alone (diagnostics off) must run through untouched
    const x1000 = (s: SkeletonSequence) => (forbidden(s) ? s.data.map((v) => 1000 * v) : null);
    // within the plausible range, so the test-side diagnostics can run and must see the change
    const corruptions: ((s: SkeletonSequence) => Float32Array | null)[] = [
      (s) => (forbidden(s) ? s.data.map((v) => 25 * v) : null),
      (s) => (forbidden(s) ? s.data.map(() => 10 * rng.normal()) : null),
    ];
    for (const ex of [lda, descriptor]) {
      for (const seed of [1, 2]) {
        const clean = await featureQualityRow({ dataset: 'toy', split, sequences: dataset(), side: sideOf, extractor: ex, seed });
        assert.equal(clean.n_val_heldout, 5, 'one of the 6 train-side samples of each of the 5 val-seen classes is held out');
        assert.equal(clean.n_val_train, 25);
        assert.equal(clean.n_val_pseudo_unseen, 12, 'pseudo-unseen = the 2 val-unseen classes, train side');
        assert.equal(clean.val_seen_top1 === null, ex.metric === null, 'the descriptor has no classifier of its own');
        for (const c of ['val_seen_ncm', 'val_pseudo_unseen_ncm']) assert.ok((clean[c] as number) >= 0 && (clean[c] as number) <= 1, c);
        const far = await featureQualityRow({ dataset: 'toy', split, sequences: dataset(x1000), side: sideOf, extractor: ex, seed, diagnostics: false });
        assert.deepEqual(pick(far, VAL_COLS), pick(clean, VAL_COLS), `${ex.name} seed ${seed} ×1000: a val-phase column moved`);
        await assert.rejects(
          featureQualityRow({ dataset: 'toy', split, sequences: dataset(x1000), side: sideOf, extractor: ex, seed }),
          /beyond ±100 m/,
          'the diagnostics do read the test side',
        );
        for (const corrupt of corruptions) {
          const bad = await featureQualityRow({ dataset: 'toy', split, sequences: dataset(corrupt), side: sideOf, extractor: ex, seed });
          assert.deepEqual(pick(bad, VAL_COLS), pick(clean, VAL_COLS), `${ex.name} seed ${seed}: a val-phase column moved`);
          // the corruption does reach the test-side diagnostics (so the check above is not vacuous)
          assert.notDeepEqual(pick(bad, DIAG_COLS), pick(clean, DIAG_COLS), `${ex.name} seed ${seed}: the diagnostics did not see the corruption`);
        }
      }
    }
  });

  test('GCN extractor: the val-phase columns do not move either (tiny shift-gcn, one epoch)', async () => {
    const gcn = stage1Config('shift-gcn-small', {
      model: { channels: [4, 6], strides: [1, 2] },
      input: { frames: 5 },
      train: {
        epochs: 1,
        batchSize: 8,
        optimizer: { kind: 'adam', learningRate: 0.01 },
        schedule: { kind: 'constant' },
        augment: { maxYawDeg: 10, scale: 0.05, cropMin: 0.9 },
      },
    });
    const clean = await featureQualityRow({ dataset: 'toy', split, sequences: dataset(), side: sideOf, extractor: gcn, seed: 1 });
    assert.equal(typeof clean.val_seen_top1, 'number');
    assert.equal(clean.feature_dim, 6);
    const bad = await featureQualityRow({
      dataset: 'toy',
      split,
      sequences: dataset((s) => (forbidden(s) ? s.data.map((v) => 25 * v) : null)),
      side: sideOf,
      extractor: gcn,
      seed: 1,
    });
    assert.deepEqual(pick(bad, VAL_COLS), pick(clean, VAL_COLS));
    assert.notDeepEqual(pick(bad, DIAG_COLS), pick(clean, DIAG_COLS));
  });

  test('the val phase never asks for the side of, nor extracts, a real-unseen sample, and skips diagnostics on request', async () => {
    const seqs = dataset();
    const asked: SkeletonSequence[] = [];
    const side = (s: SkeletonSequence) => {
      asked.push(s);
      if (split.unseen.includes(s.label)) throw new Error(`side of real-unseen sample ${s.id} was read`);
      return sideOf(s);
    };
    const v = valPhaseSets(seqs, side, split, 10, 3);
    assert.ok(v.pool.every((s) => !forbidden(s)));
    assert.deepEqual([...new Set(v.train.map((s) => s.label))].sort(), split.valSeen);
    assert.deepEqual([...new Set(v.pseudoUnseen.map((s) => s.label))].sort(), split.valUnseen);
    assert.equal(v.fitSeed, 4);
    assert.ok(v.heldOut.every((s) => v.holdOut.has(s.id)) && v.train.every((s) => !v.holdOut.has(s.id)));
    const row = await featureQualityRow({ dataset: 'toy', split, sequences: seqs, side, extractor: lda, seed: 3, diagnostics: false });
    for (const c of DIAG_COLS) assert.equal(row[c], null);
    assert.ok(asked.every((s) => !split.unseen.includes(s.label)));
  });

  test('same val phase as stage-1 export: its shift_val folder gives the same val-phase columns', async () => {
    const seqs = dataset();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-quality-val-'));
    try {
      await exportStage1Features({ sequences: seqs, split, numClasses: 10, side: sideOf, outDir: out, config: lda, seed: 2, phases: ['val'] });
      const va = readSynseSplit(path.join(out, `shift_val_${split.unseen.length}_r`), {
        numClasses: 10,
        unseen: split.valUnseen,
        absent: split.unseen,
        phase: 'val',
      });
      const sets = [va.train, va.val!, va.ztest];
      const parts = [...Array(va.train.rows).fill('train'), ...Array(va.val!.rows).fill('heldOut'), ...Array(va.ztest.rows).fill('pseudoUnseen')];
      const features = new Float32Array(sets.reduce((a, s) => a + s.features.length, 0));
      let o = 0;
      for (const s of sets) {
        features.set(s.features, o);
        o += s.features.length;
      }
      const labels = sets.flatMap((s) => Array.from(s.labels));
      const m = valPhaseMetrics({ features, dim: va.train.dim, labels, parts, valSeen: split.valSeen, numClasses: 10 });
      const row = await featureQualityRow({ dataset: 'toy', split, sequences: seqs, side: sideOf, extractor: lda, seed: 2, diagnostics: false });
      assert.equal(row.val_seen_ncm, m.val_seen_ncm);
      assert.equal(row.val_pseudo_unseen_ncm, m.val_pseudo_unseen_ncm);
      assert.equal(row.val_pseudo_unseen_ncm_raw, m.val_pseudo_unseen_ncm_raw);
      assert.deepEqual([row.n_val_train, row.n_val_heldout, row.n_val_pseudo_unseen], [va.train.rows, va.val!.rows, va.ztest.rows]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test('hand example: pseudo-unseen NCM with its own means, val seen NCM and top-1 among the val-seen classes', () => {
    // val-seen 0, 1; pseudo-unseen 2, 3. 1-D features (z-scoring is monotone in 1-D, only the order matters).
    const rows: [number, number, 'train' | 'heldOut' | 'pseudoUnseen'][] = [
      [0, 0, 'train'],
      [2, 0, 'train'],
      [4, 1, 'train'],
      [6, 1, 'train'],
      // training means 1 and 5: 2.9 → 0 ✓ (1.9 vs 2.1), 3.1 → 1 ✗ (2.1 vs 1.9), 5.5 → 1 ✓
      [2.9, 0, 'heldOut'],
      [3.1, 0, 'heldOut'],
      [5.5, 1, 'heldOut'],
      // own means: class 2 (10, 11) → 10.5; class 3 (12, 10.4, 13) → 11.8.
      // 10 → 2 ✓ (0.5 vs 1.8), 11 → 2 ✓ (0.5 vs 0.8), 12 → 3 ✓ (1.5 vs 0.2), 10.4 → 2 ✗ (0.1 vs 1.4), 13 → 3 ✓: 4/5
      [10, 2, 'pseudoUnseen'],
      [11, 2, 'pseudoUnseen'],
      [12, 3, 'pseudoUnseen'],
      [10.4, 3, 'pseudoUnseen'],
      [13, 3, 'pseudoUnseen'],
    ];
    // logits over 4 classes for the held-out rows: class 1 (wrong), class 0 (right), and class 2 — a
    // pseudo-unseen class, excluded from the argmax among val-seen classes → class 0 wins (wrong): 1/3
    const logits = new Float32Array(rows.length * 4);
    logits.set([0, 1, 0, 0], 4 * 4);
    logits.set([1, 0, 0, 0], 5 * 4);
    logits.set([0.5, 0.2, 9, 0], 6 * 4);
    const m = valPhaseMetrics({
      features: Float32Array.from(rows.map((r) => r[0])),
      dim: 1,
      labels: rows.map((r) => r[1]),
      parts: rows.map((r) => r[2]),
      valSeen: [0, 1],
      logits,
      numClasses: 4,
    });
    assert.equal(m.val_pseudo_unseen_ncm, 4 / 5);
    assert.equal(m.val_pseudo_unseen_ncm_raw, 4 / 5);
    assert.equal(m.val_seen_ncm, 2 / 3);
    assert.equal(m.val_seen_top1, 1 / 3);
    assert.deepEqual(m.rows, { train: 4, heldOut: 3, pseudoUnseen: 5 });
  });

  test('hand example in 2-D: the pseudo-unseen NCM z-scores with the val-phase training rows', () => {
    // training rows: dim 1 at 0, 2, 4, 6 (std √5), dim 2 at ±1000 (std 1000).
    const rows: [number, number, number, 'train' | 'heldOut' | 'pseudoUnseen'][] = [
      [0, -1000, 0, 'train'],
      [2, 1000, 0, 'train'],
      [4, -1000, 1, 'train'],
      [6, 1000, 1, 'train'],
      [1, 0, 0, 'heldOut'],
      // own means (10, 100) and (12, 30). Raw distances put (10, 0) nearer class 3 (904 vs 10000): 3/4;
      // z-scored, dim 2 shrinks by 1000 and dim 1 by √5: (10, 0) → 0.01 vs 0.8009, class 2 ✓: 4/4
      [10, 0, 2, 'pseudoUnseen'],
      [10, 200, 2, 'pseudoUnseen'],
      [12, 0, 3, 'pseudoUnseen'],
      [12, 60, 3, 'pseudoUnseen'],
    ];
    const m = valPhaseMetrics({
      features: Float32Array.from(rows.flatMap((r) => [r[0], r[1]])),
      dim: 2,
      labels: rows.map((r) => r[2]),
      parts: rows.map((r) => r[3]),
      valSeen: [0, 1],
      numClasses: 4,
    });
    assert.equal(m.val_pseudo_unseen_ncm, 1);
    assert.equal(m.val_pseudo_unseen_ncm_raw, 3 / 4, 'without z-scoring (the sensitivity column) (10, 0) goes to class 3');
    assert.equal(m.val_seen_ncm, 1);
    assert.equal(m.val_seen_top1, null);
  });

  test('valPhaseMetrics refuses a pseudo-unseen row of a val-seen class, a val-seen row marked pseudo-unseen, and one pseudo-unseen class', () => {
    const base = { dim: 1, valSeen: [0, 1], numClasses: 4 };
    const f = Float32Array.from([0, 1, 2, 3, 4, 5, 6]);
    assert.throws(
      () =>
        valPhaseMetrics({
          ...base,
          features: f,
          labels: [0, 0, 1, 1, 0, 2, 1],
          parts: ['train', 'train', 'train', 'train', 'heldOut', 'pseudoUnseen', 'pseudoUnseen'],
        }),
      /val-seen/,
    );
    assert.throws(
      () =>
        valPhaseMetrics({
          ...base,
          features: f,
          labels: [0, 0, 1, 1, 0, 2, 3],
          parts: ['train', 'train', 'train', 'train', 'heldOut', 'heldOut', 'pseudoUnseen'],
        }),
      /not val-seen/,
    );
    assert.throws(
      () =>
        valPhaseMetrics({
          ...base,
          features: f,
          labels: [0, 0, 1, 1, 0, 2, 2],
          parts: ['train', 'train', 'train', 'train', 'heldOut', 'pseudoUnseen', 'pseudoUnseen'],
        }),
      /≥ 2 classes/,
    );
  });
});
