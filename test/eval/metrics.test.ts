/** Metric helpers: harmonic mean against the paper's table, mean ± std, per-class, confusion. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers';
import { FsvaeInputError } from '../../lib/util/assert';
import { accuracy, classBalancedAccuracy, confusionAt, confusionMatrix, formatMeanStd, harmonicMean, meanStd, perClassAccuracy } from '../../lib/eval/metrics';

test("harmonic mean reproduces the H column of the paper's GZSL table from its S and U", () => {
  // Table 2, "Ours": (S, U) → H for NTU-60 55/5, 48/12, NTU-120 110/10, 96/24.
  const rows: [number, number, string][] = [
    [77.0, 74.5, '75.7'],
    [56.2, 48.6, '52.1'],
    [59.2, 67.9, '63.3'],
    [57.8, 51.9, '54.7'],
  ];
  for (const [s, u, h] of rows) assert.equal(harmonicMean(s, u).toFixed(1), h);
  assert.equal(harmonicMean(0, 0), 0);
  assert.equal(harmonicMean(0.5, 0), 0);
  assertClose([harmonicMean(1 / 3, 2 / 3)], [4 / 9], 1e-15);
  assert.throws(() => harmonicMean(NaN, 0.5), FsvaeInputError);
});

test('mean ± sample std (n − 1) and formatting', () => {
  const ms = meanStd([1, 2, 3, 4]);
  assert.equal(ms.mean, 2.5);
  assertClose([ms.std], [Math.sqrt(5 / 3)], 1e-15, 'std'); // Σ(x − 2.5)² = 5, / (4 − 1)
  assert.equal(ms.n, 4);
  assert.equal(formatMeanStd(ms), '2.5 ± 1.3');
  assert.equal(formatMeanStd([0.757, 0.745, 0.769], { scale: 100 }), '75.7 ± 1.2');
  assert.equal(formatMeanStd([0.757], { scale: 100 }), '75.7');
  assert.deepEqual(meanStd([0.4]), { mean: 0.4, std: 0, n: 1 });
  assert.equal(formatMeanStd([1, 2], { digits: 3 }), '1.500 ± 0.707');
  assert.throws(() => meanStd([]), FsvaeInputError);
  assert.throws(() => meanStd([1, NaN]), /value #1 is NaN/);
});

test('per-class accuracy, class-balanced accuracy and confusion matrix on a small case', () => {
  const truth = [0, 0, 0, 1, 1, 5];
  const pred = [0, 1, 0, 1, 5, 5];
  assert.equal(accuracy(truth, pred), 4 / 6);
  const pc = perClassAccuracy(truth, pred);
  assert.deepEqual(pc, [
    { classId: 0, count: 3, correct: 2, accuracy: 2 / 3 },
    { classId: 1, count: 2, correct: 1, accuracy: 0.5 },
    { classId: 5, count: 1, correct: 1, accuracy: 1 },
  ]);
  assertClose([classBalancedAccuracy(pc)], [(2 / 3 + 0.5 + 1) / 3], 1e-15);
  const cm = confusionMatrix(truth, pred, [5, 1, 0, 1]);
  assert.deepEqual(cm.classes, [0, 1, 5]);
  assert.deepEqual(Array.from(cm.counts), [2, 1, 0, 0, 1, 1, 0, 0, 1]);
  assert.equal(confusionAt(cm, 1, 5), 1);
  assert.throws(() => confusionMatrix(truth, pred, [0, 1]), /prediction #4 is 5, not one of the 2 given classes|true label #5 is 5/);
  assert.throws(() => perClassAccuracy(truth, pred, [0, 1]), /true label #5 is 5/);
  assert.throws(() => accuracy([0, 1], [0]), /2 true labels but 1 predictions/);
  assert.throws(() => accuracy([0, NaN], [0, 1]), /true label #1 is NaN/);
});
