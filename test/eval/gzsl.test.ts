/** GZSL with the hard gate: a hand-checked case, the two routing rules, and input errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers';
import { FsvaeInputError } from '../../lib/util/assert';
import { MatrixLike } from '../../lib/eval/logistic';
import { applyGate, trainGate } from '../../lib/eval/gate';
import { GzslInput, evaluateGzsl, evaluateGzslWithGate } from '../../lib/eval/gzsl';
import { confusionAt } from '../../lib/eval/metrics';
import { Random } from '../../lib/util/random';

const mat = (rows: number[][]): MatrixLike => ({ rows: rows.length, cols: rows[0].length, data: rows.flat() });

/**
 * Seen classes {0, 2}, unseen {3, 1} (given unsorted; p_zs columns follow the sorted ids [1, 3]).
 *   #  true  P(unseen)  routed  seen-expert logits   p_zs (1, 3)   prediction
 *   0   0     0.2       seen    [2, 9, 1, 0] → 0      —            0  ✓ (class 1's 9 is not a seen id)
 *   1   2     0.3       seen    [3, 0, 1, 0] → 0      —            0  ✗
 *   2   2     0.7       unseen  —                    [0.4, 0.6]    3  ✗ (gate error)
 *   3   1     0.9       unseen  —                    [0.8, 0.2]    1  ✓
 *   4   3     0.6       unseen  —                    [0.3, 0.7]    3  ✓
 *   5   3     0.4       seen    [0, 0, 5, 9] → 2      —            2  ✗ (gate error)
 * S = 1/3, U = 2/3, H = 2·(1/3)(2/3)/(1/3 + 2/3) = 4/9; routing right for 4 of 6 samples.
 */
function handCase(): GzslInput {
  return {
    pUnseen: [0.2, 0.3, 0.7, 0.9, 0.6, 0.4],
    threshold: 0.5,
    logits: mat([
      [2, 9, 1, 0],
      [3, 0, 1, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 5, 9],
    ]),
    pZs: mat([
      [0.5, 0.5],
      [0.5, 0.5],
      [0.4, 0.6],
      [0.8, 0.2],
      [0.3, 0.7],
      [0.5, 0.5],
    ]),
    labels: [0, 2, 2, 1, 3, 3],
    seenIds: [0, 2],
    unseenIds: [3, 1],
  };
}

test('hand-checked GZSL case: predictions, S, U, H, gate routing, per-class and confusion', () => {
  const r = evaluateGzsl(handCase());
  assert.deepEqual(Array.from(r.predictions), [0, 0, 3, 1, 3, 2]);
  assert.deepEqual(Array.from(r.routedSeen), [1, 1, 0, 0, 0, 1]);
  assert.equal(r.numSeenSamples, 3);
  assert.equal(r.numUnseenSamples, 3);
  assert.equal(r.seenCorrect, 1);
  assert.equal(r.unseenCorrect, 2);
  assertClose([r.seenAccuracy, r.unseenAccuracy, r.harmonicMean], [1 / 3, 2 / 3, 4 / 9], 1e-15, 'S, U, H');
  assertClose([r.gate.accuracy, r.gate.seenRecall, r.gate.unseenRecall], [4 / 6, 2 / 3, 2 / 3], 1e-15, 'gate');
  assert.deepEqual(r.perClass, [
    { classId: 0, count: 1, correct: 1, accuracy: 1 },
    { classId: 1, count: 1, correct: 1, accuracy: 1 },
    { classId: 2, count: 2, correct: 0, accuracy: 0 },
    { classId: 3, count: 2, correct: 1, accuracy: 0.5 },
  ]);
  assert.deepEqual(r.confusion.classes, [0, 1, 2, 3]);
  // rows = true 0..3, columns = predicted 0..3
  assert.deepEqual(Array.from(r.confusion.counts), [1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1]);
  assert.equal(confusionAt(r.confusion, 3, 2), 1);
  assert.equal(r.rule, 'reference');
});

test('routing rules: reference "1 − P(unseen) > th" vs consistent "P(unseen) ≤ th"', () => {
  // At th = 0.5 they differ only at P(unseen) = 0.5 exactly: reference → unseen, consistent → seen.
  const c = handCase();
  const tie = { ...c, pUnseen: [0.5, 0.3, 0.7, 0.9, 0.6, 0.4] };
  assert.equal(evaluateGzsl(tie).routedSeen[0], 0);
  assert.equal(evaluateGzsl({ ...tie, rule: 'consistent' }).routedSeen[0], 1);
  // At th = 0.3: reference routes to seen iff 1 − P(unseen) > 0.3 → samples 0, 1, 4, 5, and also
  // sample 2 (P = 0.7): in float64 1 − 0.7 = 0.30000000000000004 > 0.3, as numpy computes it too.
  // Consistent: iff P(unseen) ≤ 0.3 → samples 0, 1.
  assert.equal(1 - 0.7 > 0.3, true);
  assert.deepEqual(Array.from(evaluateGzsl({ ...c, threshold: 0.3 }).routedSeen), [1, 1, 1, 0, 1, 1]);
  assert.deepEqual(Array.from(evaluateGzsl({ ...c, threshold: 0.3, rule: 'consistent' }).routedSeen), [1, 1, 0, 0, 0, 0]);
  // Every sample routed to the unseen expert: S = 0, and H = 0 (no division by zero).
  const allUnseen = evaluateGzsl({ ...c, pUnseen: [1, 1, 1, 1, 1, 1] });
  assert.equal(allUnseen.seenAccuracy, 0);
  assert.equal(allUnseen.harmonicMean, 0);
  assertClose([allUnseen.unseenAccuracy], [2 / 3], 1e-15, 'U');
});

test('evaluateGzslWithGate = applyGate + evaluateGzsl with the gate threshold', () => {
  // A small trained gate on synthetic groups; unseen classes {1, 3}, seen {0, 2}, C = 4.
  const rng = new Random(9);
  const group = (n: number, seen: boolean): { p: MatrixLike; l: MatrixLike; y: number[] } => {
    const p: number[][] = [];
    const l: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const cls = seen ? [0, 2][i % 2] : [1, 3][i % 2];
      const conf = seen ? 0.55 + 0.1 * rng.uniform() : 0.8 + 0.15 * rng.uniform();
      const j = seen ? i % 2 : [1, 3].indexOf(cls);
      p.push(j === 0 ? [conf, 1 - conf] : [1 - conf, conf]);
      const row = [0, 0, 0, 0].map(() => rng.normal() * 0.3);
      row[seen ? cls : 0] += seen ? 5 : 1;
      l.push(row);
      y.push(cls);
    }
    return { p: mat(p), l: mat(l), y };
  };
  const u = group(40, false);
  const s = group(40, true);
  const gate = trainGate({ pZsUnseen: u.p, logitsUnseen: u.l, pZsSeen: s.p, logitsSeen: s.l, k: 2, temperature: 2, threshold: 0.5, seed: 1 });
  const test = group(30, true);
  const testU = group(30, false);
  const pZs = mat([...chunk(test.p), ...chunk(testU.p)]);
  const logits = mat([...chunk(test.l), ...chunk(testU.l)]);
  const labels = [...test.y, ...testU.y];
  const a = evaluateGzslWithGate(gate, { pZs, logits, labels, seenIds: [0, 2], unseenIds: [1, 3] });
  const b = evaluateGzsl({ pUnseen: applyGate(gate, pZs, logits), threshold: gate.threshold, pZs, logits, labels, seenIds: [0, 2], unseenIds: [1, 3] });
  assert.deepEqual(Array.from(a.predictions), Array.from(b.predictions));
  assert.equal(a.harmonicMean, b.harmonicMean);
  // The synthetic groups are easy: the gate routes (nearly) everything right.
  assert.ok(a.gate.accuracy >= 0.9, `gate accuracy ${a.gate.accuracy}`);
});

function chunk(m: MatrixLike): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data).slice(i * m.cols, (i + 1) * m.cols));
}

test('clear errors: unknown class ids, overlapping ids, shape mismatches, NaN, bad probabilities', () => {
  const c = handCase();
  const bad = (over: Partial<GzslInput>, re: RegExp): void =>
    assert.throws(
      () => evaluateGzsl({ ...c, ...over }),
      (e: unknown) => e instanceof FsvaeInputError && re.test(e.message),
      re.source,
    );
  bad({ labels: [0, 2, 2, 1, 3, 5] }, /label #5 is 5, which is neither a seen nor an unseen class id/);
  bad({ seenIds: [0, 2, 3] }, /class 3 is listed as both seen and unseen/);
  bad({ unseenIds: [1, 4] }, /unseenIds contains 4, not a class id in \[0, 4\)/);
  bad({ seenIds: [0, 0] }, /seenIds lists class 0 twice/);
  bad({ unseenIds: [1] }, /pZs has 2 columns but there are 1 unseen classes/);
  bad({ pUnseen: [0.2, 0.3] }, /pUnseen has 2 values for 6 samples/);
  bad({ pUnseen: [0.2, 0.3, NaN, 0.9, 0.6, 0.4] }, /pUnseen\[2\] is NaN/);
  bad({ labels: [0, 2, 2] }, /labels has 3 values for 6 samples/);
  bad({ logits: mat([[2, 9, 1, 0]]) }, /pZs has 6 rows but logits has 1/);
  bad({ logits: { rows: 6, cols: 4, data: [...Array(23).fill(0), Infinity] } }, /logits: value at row 5, column 3 is Infinity/);
  bad({ threshold: 1.5 }, /threshold must be in \(0, 1\)/);
  bad({ labels: [0, 2, 2, 0, 0, 2] }, /0 unseen-class samples/);
});
