import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { qualityMetrics } from '../../lib/stage1/quality';
import { chooseExtractor, summariseQuality } from '../../lib/experiments/feature-quality';

describe('stage-1 feature-quality metrics', () => {
  test('hand example: z-scoring by the seen train side, seen NCM, unseen own-mean ceiling, seen top-1 among seen classes', () => {
    // classes 0, 1 seen; 2, 3 unseen. 1-D features.
    // seen train: class 0 at 0, 2; class 1 at 4, 6 (z-scoring is monotone in 1-D, so only the order matters)
    const rows: [number, number, 'train' | 'test'][] = [
      [0, 0, 'train'],
      [2, 0, 'train'],
      [4, 1, 'train'],
      [6, 1, 'train'],
      [2.9, 0, 'test'],
      [2.95, 1, 'test'],
      [5, 1, 'test'], // means 1 and 5: 2.9 → 0 ✓ (1.9 vs 2.1), 2.95 → 0 ✗ (1.95 vs 2.05), 5 → 1 ✓
      [10, 2, 'test'],
      [11, 2, 'test'],
      [12, 3, 'test'],
      [10.4, 3, 'test'], // means 10.5, 11.2: 10 ✓, 11 ✗ (0.5 vs 0.2), 12 ✓, 10.4 ✗
      [0, 2, 'train'], // an unseen class on the train side is ignored
    ];
    // logits over 4 classes: row predicts class 1 for the first seen test row (wrong), class 1 (right), and class 3 — an
    // unseen class, excluded by the argmax among seen classes → class 0 wins there (wrong)
    const logits = new Float32Array(rows.length * 4);
    logits.set([0, 1, 0, 0], 4 * 4);
    logits.set([0, 1, 0, 0], 5 * 4);
    logits.set([0.5, 0.2, 0, 9], 6 * 4);
    const m = qualityMetrics({
      features: Float32Array.from(rows.map((r) => r[0])),
      dim: 1,
      labels: rows.map((r) => r[1]),
      sides: rows.map((r) => r[2]),
      seen: [0, 1],
      unseen: [2, 3],
      logits,
      numClasses: 4,
    });
    assert.equal(m.seen_ncm, 2 / 3);
    assert.equal(m.unseen_ncm_oracle, 2 / 4);
    assert.equal(m.seen_top1, 1 / 3);
    assert.deepEqual(m.rows, { seenTrain: 4, seenTest: 3, unseenTest: 4 });
  });

  test('non-finite features and missing sides are refused', () => {
    const base = {
      dim: 1,
      labels: [0, 0, 1, 1, 2],
      sides: ['train', 'train', 'test', 'test', 'test'] as ('train' | 'test')[],
      seen: [0, 1],
      unseen: [2],
      numClasses: 3,
    };
    assert.throws(() => qualityMetrics({ ...base, features: Float32Array.from([0, NaN, 1, 2, 3]) }), /NaN/);
    assert.throws(() => qualityMetrics({ ...base, features: Float32Array.from([0, 1, 1, 2, 3]), sides: base.sides.slice(1) }), /sides/);
  });

  test('summary: means over seeds, the val-phase verdict against the descriptor, and diagnostics kept apart', () => {
    // the diag_test_* columns are set to favour the other extractor: they must not move any verdict
    const r = (extractor: string, seed: number, top1: number | null, ncm: number, pseudo: number, split = 's') => ({
      dataset: 'd',
      split,
      extractor,
      seed,
      val_seen_top1: top1,
      val_seen_ncm: ncm,
      val_pseudo_unseen_ncm: pseudo,
      diag_test_seen_top1: top1 === null ? null : 1 - top1,
      diag_test_seen_ncm: 1 - ncm,
      diag_test_unseen_ncm_oracle: 1 - pseudo,
      val_fit_seconds: 1,
    });
    const sum = summariseQuality([r('dct-descriptor', 1, null, 0.6, 0.8), r('x', 1, 0.7, 0.5, 0.79), r('x', 2, 0.5, 0.5, 0.83)]);
    const x = sum.find((q) => q.extractor === 'x')!;
    assert.equal(x.val_seen_top1, '60.0 ± 14.1');
    assert.equal(x.diag_test_seen_top1, '40.0 ± 14.1');
    assert.match(String(x.val_verdict), /^reaches the descriptor on val: seen 60 ≥ 60, pseudo-unseen 81 ≥ 80/);
    assert.equal(x.val_pseudo_unseen_rank, '1/2 (not clear)'); // lead 1 point, seed-std 2.8
    assert.equal(sum.find((q) => q.extractor === 'dct-descriptor')!.val_pseudo_unseen_rank, '2/2');
    const sum2 = summariseQuality([r('dct-descriptor', 1, null, 0.6, 0.85), r('x', 1, 0.7, 0.5, 0.8)]);
    assert.match(String(sum2.find((q) => q.extractor === 'x')!.val_verdict), /^below/);
  });

  test('choice: made on val_pseudo_unseen_ncm (val phase) only; clear, not clear, or not the default', () => {
    const r = (extractor: string, split: string, seed: number, seen: number | null, pseudo: number, ncm = 0.5) => ({
      dataset: 'd',
      split,
      extractor,
      seed,
      val_seen_top1: seen,
      val_seen_ncm: ncm,
      val_pseudo_unseen_ncm: pseudo,
      diag_test_unseen_ncm_oracle: extractor === 'dct-lda' ? 0 : 1,
    });
    // dct-lda first on both splits with leads far above the seed noise, and the better val seen score: clear
    const clear = chooseExtractor(
      [
        r('dct-descriptor', 'a', 1, null, 0.7, 0.6),
        r('dct-descriptor', 'a', 2, null, 0.71, 0.6),
        r('dct-lda', 'a', 1, 0.8, 0.9),
        r('dct-lda', 'a', 2, 0.8, 0.91),
        r('dct-descriptor', 'b', 1, null, 0.6, 0.6),
        r('dct-descriptor', 'b', 2, null, 0.61, 0.6),
        r('dct-lda', 'b', 1, 0.8, 0.8),
        r('dct-lda', 'b', 2, 0.8, 0.81),
      ],
      'dct-lda',
    );
    assert.equal(clear.choice, 'dct-lda');
    assert.equal(clear.defaultStatus, 'clear');
    assert.deepEqual(clear.splits, ['a', 'b']);
    const lda = clear.rows.find((q) => q.extractor === 'dct-lda')!;
    assert.equal(lda.first_on_pseudo_unseen, '2/2');
    assert.equal(lda.clearly_first_on_pseudo_unseen, '2/2');
    assert.equal(lda.mean_val_pseudo_unseen_ncm, 85.5);
    // first on average but second on split b: not clear
    const notClear = chooseExtractor(
      [r('dct-descriptor', 'a', 1, null, 0.7), r('dct-lda', 'a', 1, 0.8, 0.9), r('dct-descriptor', 'b', 1, null, 0.82), r('dct-lda', 'b', 1, 0.8, 0.8)],
      'dct-lda',
    );
    assert.equal(notClear.choice, 'dct-lda');
    assert.equal(notClear.defaultStatus, 'not clear');
    assert.match(notClear.statement, /NOT clearly/);
    // the descriptor higher on average: the default is not the choice, whatever the diagnostics say
    const not = chooseExtractor(
      [r('dct-descriptor', 'a', 1, null, 0.9), r('dct-lda', 'a', 1, 0.8, 0.85), r('dct-descriptor', 'b', 1, null, 0.8), r('dct-lda', 'b', 1, 0.8, 0.82)],
      'dct-lda',
    );
    assert.equal(not.choice, 'dct-descriptor');
    assert.equal(not.defaultStatus, 'not the choice');
    assert.match(not.statement, /is NOT the val-phase choice/);
    // the raw (not z-scored) sensitivity column is reported, and never moves the choice
    const withRaw = (q: ReturnType<typeof r>, raw: number) => ({ ...q, val_pseudo_unseen_ncm_raw: raw });
    const sens = chooseExtractor(
      [
        withRaw(r('dct-descriptor', 'a', 1, null, 0.9), 0.9),
        withRaw(r('dct-lda', 'a', 1, 0.8, 0.85), 0.95),
        withRaw(r('dct-descriptor', 'b', 1, null, 0.8), 0.8),
        withRaw(r('dct-lda', 'b', 1, 0.8, 0.82), 0.85),
      ],
      'dct-lda',
    );
    assert.equal(sens.choice, 'dct-descriptor');
    assert.match(sens.statement, /Sensitivity \(not deciding\).*the first is dct-lda.*DEPENDS on the z-scoring/);
    assert.equal(sens.rows.find((q) => q.extractor === 'dct-lda')!.sensitivity_first_on_raw, '2/2');
    // a split without rows of every extractor is left out of the choice
    const partial = chooseExtractor([r('dct-descriptor', 'a', 1, null, 0.7), r('dct-lda', 'a', 1, 0.8, 0.9), r('dct-lda', 'c', 1, 0.8, 0.1)], 'dct-lda');
    assert.deepEqual(partial.splits, ['a']);
    assert.equal(partial.defaultStatus, 'not clear'); // one seed: no seed noise to measure the lead against, never 'clear'
  });
});
