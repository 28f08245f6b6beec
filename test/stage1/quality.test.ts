import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { qualityMetrics } from '../../lib/stage1/quality';
import { summariseQuality } from '../../lib/experiments/feature-quality';

describe('stage-1 feature-quality metrics', () => {
  test('hand example: z-scoring by the seen train side, seen NCM, unseen own-mean ceiling, seen top-1 among seen classes', () => {
    // classes 0, 1 seen; 2, 3 unseen. 1-D features.
    // seen train: class 0 at 0, 2; class 1 at 4, 6 (z-scoring is monotone in 1-D, so only the order matters)
    const rows: [number, number, 'train' | 'test'][] = [
      [0, 0, 'train'], [2, 0, 'train'], [4, 1, 'train'], [6, 1, 'train'],
      [2.9, 0, 'test'], [2.95, 1, 'test'], [5, 1, 'test'], // means 1 and 5: 2.9 → 0 ✓ (1.9 vs 2.1), 2.95 → 0 ✗ (1.95 vs 2.05), 5 → 1 ✓
      [10, 2, 'test'], [11, 2, 'test'], [12, 3, 'test'], [10.4, 3, 'test'], // means 10.5, 11.2: 10 ✓, 11 ✗ (0.5 vs 0.2), 12 ✓, 10.4 ✗
      [0, 2, 'train'], // an unseen class on the train side is ignored
    ];
    // logits over 4 classes: row predicts class 1 for the first seen test row (wrong), class 1 (right), and class 3 — an
    // unseen class, excluded by the argmax among seen classes → class 0 wins there (wrong)
    const logits = new Float32Array(rows.length * 4);
    logits.set([0, 1, 0, 0], 4 * 4);
    logits.set([0, 1, 0, 0], 5 * 4);
    logits.set([0.5, 0.2, 0, 9], 6 * 4);
    const m = qualityMetrics({
      features: Float32Array.from(rows.map((r) => r[0])), dim: 1, labels: rows.map((r) => r[1]), sides: rows.map((r) => r[2]),
      seen: [0, 1], unseen: [2, 3], logits, numClasses: 4,
    });
    assert.equal(m.seen_ncm, 2 / 3);
    assert.equal(m.unseen_ncm_oracle, 2 / 4);
    assert.equal(m.seen_top1, 1 / 3);
    assert.deepEqual(m.rows, { seenTrain: 4, seenTest: 3, unseenTest: 4 });
  });

  test('non-finite features and missing sides are refused', () => {
    const base = { dim: 1, labels: [0, 0, 1, 1, 2], sides: ['train', 'train', 'test', 'test', 'test'] as ('train' | 'test')[], seen: [0, 1], unseen: [2], numClasses: 3 };
    assert.throws(() => qualityMetrics({ ...base, features: Float32Array.from([0, NaN, 1, 2, 3]) }), /NaN/);
    assert.throws(() => qualityMetrics({ ...base, features: Float32Array.from([0, 1, 1, 2, 3]), sides: base.sides.slice(1) }), /sides/);
  });

  test('summary: means over seeds and the verdict against the descriptor', () => {
    const r = (extractor: string, seed: number, top1: number | null, ncm: number, oracle: number) => ({
      dataset: 'd', split: 's', extractor, seed, seen_top1: top1, seen_ncm: ncm, unseen_ncm_oracle: oracle, train_seconds: 1,
    });
    const sum = summariseQuality([r('dct-descriptor', 1, null, 0.6, 0.8), r('x', 1, 0.7, 0.5, 0.79), r('x', 2, 0.5, 0.5, 0.83)]);
    const x = sum.find((q) => q.extractor === 'x')!;
    assert.equal(x.seen_top1, '60.0 ± 14.1');
    assert.match(String(x.verdict), /^reaches the descriptor: seen 60 ≥ 60, unseen oracle 81 ≥ 80/);
    const sum2 = summariseQuality([r('dct-descriptor', 1, null, 0.6, 0.85), r('x', 1, 0.7, 0.5, 0.8)]);
    assert.match(String(sum2.find((q) => q.extractor === 'x')!.verdict), /^below/);
  });
});
