/** The seen/unseen gate: temp_scale, feature construction, threshold/temperature search, errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers';
import { Random } from '../../lib/util/random';
import { FsvaeInputError } from '../../lib/util/assert';
import { MatrixLike, predictProbaMultinomial } from '../../lib/eval/logistic';
import { GATE_THRESHOLDS, GATE_TEMPERATURES, TrainGateInput, applyGate, gateFeatures, searchThreshold, tempScale, trainGate } from '../../lib/eval/gate';

/** The code's formula verbatim: exp((x + 1e-12)/T) / Σ exp(...), no max subtraction. */
function naiveTempScale(x: number[], T: number): number[] {
  const e = x.map((v) => Math.exp((v + 1e-12) / T));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const mat = (rows: number[][]): MatrixLike => ({ rows: rows.length, cols: rows[0].length, data: rows.flat() });

test('temp_scale: max-subtracted equals the naive formula on moderate inputs, stays finite on huge ones', () => {
  const rng = new Random(1);
  const rows = Array.from({ length: 20 }, () => Array.from({ length: 7 }, () => rng.normal() * 8));
  for (const T of [1, 2, 5]) {
    const ours = tempScale(mat(rows), T);
    assertClose(
      ours,
      rows.flatMap((r) => naiveTempScale(r, T)),
      1e-14,
      `T = ${T}`,
    );
  }
  // Huge logits: the naive formula overflows to Inf/Inf = NaN, ours does not.
  const huge = [
    [1000, 999, -5],
    [800, 800, 800],
  ];
  assert.ok(naiveTempScale(huge[0], 1).some(Number.isNaN), 'the naive formula should overflow here');
  const p = tempScale(mat(huge), 1);
  const e1 = Math.exp(-1);
  assertClose(p, [1 / (1 + e1), e1 / (1 + e1), 0, 1 / 3, 1 / 3, 1 / 3], 1e-15, 'huge');
  // T = 2 halves the gap: [1000, 999] → [1, e^{-1/2}] normalised.
  const h = Math.exp(-0.5);
  assertClose(tempScale(mat([[1000, 999]]), 2), [1 / (1 + h), h / (1 + h)], 1e-15, 'huge, T = 2');
});

test('gate features on a tiny example, checked by hand', () => {
  // Sample 0: p_zs = [0.2, 0.5, 0.3] (k = 2 → 0.5, 0.3); logits [1, 3, 2, 0] at T = 2 →
  // softmax([0.5, 1.5, 1, 0]); its two largest are e^{1.5}/Z and e^{1}/Z, Z = e^{.5} + e^{1.5} + e + 1.
  // Sample 1: p_zs = [0.6, 0.1, 0.3] → 0.6, 0.3; logits [0, 0, 4, -2] → e^{2}/Z', 1/Z',
  // Z' = 2 + e^{2} + e^{-1}.
  const pZs = mat([
    [0.2, 0.5, 0.3],
    [0.6, 0.1, 0.3],
  ]);
  const logits = mat([
    [1, 3, 2, 0],
    [0, 0, 4, -2],
  ]);
  const f = gateFeatures(pZs, logits, 2, 2);
  assert.equal(f.rows, 2);
  assert.equal(f.cols, 4);
  const Z = Math.exp(0.5) + Math.exp(1.5) + Math.E + 1;
  const Z1 = 2 + Math.exp(2) + Math.exp(-1);
  assertClose(f.data, [0.5, 0.3, Math.exp(1.5) / Z, Math.E / Z, 0.6, 0.3, Math.exp(2) / Z1, 1 / Z1], 1e-15, 'T = 2');
  // T = 1 changes only the second half; p_zs is never temperature-scaled.
  const f1 = gateFeatures(pZs, logits, 2, 1);
  const W = Math.E + Math.exp(3) + Math.exp(2) + 1;
  assertClose(f1.data.subarray(0, 4), [0.5, 0.3, Math.exp(3) / W, Math.exp(2) / W], 1e-15, 'T = 1');
  // k = 3 keeps the whole p_zs row, sorted.
  assertClose(gateFeatures(pZs, logits, 3, 2).data.subarray(0, 3), [0.5, 0.3, 0.2], 0, 'k = 3');
});

test('searchThreshold picks the best threshold; ties keep the smallest (strict >)', () => {
  // Unseen (label 0) rows have P(unseen) 0.45, 0.6, 0.9; seen (label 1) rows 0.1, 0.3, 0.38.
  // "unseen iff P > th" is perfect for th ∈ [0.38, 0.45); on the 0.01 grid the first is 0.38.
  const p = [0.45, 0.6, 0.9, 0.1, 0.3, 0.38];
  const y = [0, 0, 0, 1, 1, 1];
  assert.deepEqual(searchThreshold(p, y, GATE_THRESHOLDS), { threshold: 0.38, accuracy: 1 });
  // At 0.37 the 0.38 row is called unseen: 5/6.
  assert.equal(searchThreshold(p, y, [0.37]).accuracy, 5 / 6);
  assert.equal(GATE_THRESHOLDS.length, 50);
  assert.equal(GATE_THRESHOLDS[0], 0.25);
  assert.equal(GATE_THRESHOLDS[49], 0.74);
});

/**
 * Seen rows have a Shift-GCN top logit near 40, pseudo-unseen rows near 30, all other logits 0,
 * and every row has the same p_zs. At T = 1 both groups' temperature softmax is one-hot up to
 * e^{-30}, so the features carry no information and the gate cannot beat chance; from larger T on
 * the top probability separates the groups.
 */
function saturatedGroups(seed: number, topUnseen = 30, topSeen = 40): TrainGateInput {
  const rng = new Random(seed);
  const C = 6;
  const make = (n: number, top: number): { p: MatrixLike; l: MatrixLike } => {
    const l = new Float64Array(n * C);
    for (let i = 0; i < n; i++) l[i * C + (i % C)] = top + rng.uniform();
    return { p: { rows: n, cols: 3, data: Array.from({ length: n }, () => [0.5, 0.3, 0.2]).flat() }, l: { rows: n, cols: C, data: l } };
  };
  const u = make(50, topUnseen);
  const s = make(50, topSeen);
  return { pZsUnseen: u.p, logitsUnseen: u.l, pZsSeen: s.p, logitsSeen: s.l, k: 3, temperature: 'search', threshold: 'search', seed };
}

test('temperature search moves away from a useless T = 1 and keeps the first best candidate', () => {
  const gate = trainGate(saturatedGroups(3));
  assert.equal(gate.candidates.length, GATE_TEMPERATURES.length);
  assert.deepEqual(
    gate.candidates.map((c) => c.temperature),
    [...GATE_TEMPERATURES],
  );
  assert.deepEqual(gate.sizes, { trainUnseen: 40, trainSeen: 40, valUnseen: 10, valSeen: 10 });
  assert.ok(gate.candidates[0].validationAccuracy <= 0.6, `T = 1 should be near chance, got ${gate.candidates[0].validationAccuracy}`);
  const best = Math.max(...gate.candidates.map((c) => c.validationAccuracy));
  assert.equal(best, 1);
  const first = gate.candidates.find((c) => c.validationAccuracy === best)!;
  assert.ok(first.temperature > 1);
  // Observed: T = 1 and 2 are still saturated (accuracy 0.5), T = 3 is the first to separate.
  assert.equal(gate.temperature, 3);
  assert.equal(gate.temperature, first.temperature);
  assert.equal(gate.threshold, first.threshold);
  assert.equal(gate.validationAccuracy, 1);
  assert.ok(gate.model.optimisation.converged);
  // Deterministic for a seed.
  const again = trainGate(saturatedGroups(3));
  assert.deepEqual(Array.from(again.model.coef), Array.from(gate.model.coef));
});

test('reference configuration (T = 2, threshold 0.5) trains once, and applyGate returns P(unseen)', () => {
  const input: TrainGateInput = { ...saturatedGroups(4, 2, 6), temperature: 2, threshold: 0.5 };
  const gate = trainGate(input);
  assert.equal(gate.candidates.length, 1);
  assert.equal(gate.temperature, 2);
  assert.equal(gate.threshold, 0.5);
  const pU = applyGate(gate, input.pZsSeen, input.logitsSeen);
  const feats = gateFeatures(input.pZsSeen, input.logitsSeen, 3, 2);
  const p = predictProbaMultinomial(gate.model, feats);
  assertClose(
    pU,
    Array.from({ length: feats.rows }, (_, i) => p[2 * i]),
    0,
    'P(unseen) = column 0',
  );
  // Top logits ~6 (seen) vs ~2 (unseen): at T = 2 the groups separate, so seen rows look seen.
  assert.ok(Math.max(...pU) < 0.5);
  assert.ok(Math.min(...applyGate(gate, input.pZsUnseen, input.logitsUnseen)) > 0.5);
});

test('clear errors: shapes, NaN, k too large, logits passed as p_zs, tiny groups, bad threshold', () => {
  const base = saturatedGroups(5);
  const bad = (fn: () => unknown, re: RegExp): void => assert.throws(fn, (e: unknown) => e instanceof FsvaeInputError && re.test(e.message), re.source);
  const p = mat([
    [0.2, 0.8],
    [0.5, 0.5],
  ]);
  const l = mat([
    [1, 2, 3],
    [0, 0, 1],
  ]);
  bad(() => gateFeatures(p, mat([[1, 2, 3]]), 2, 2), /pZs has 2 rows but logits has 1/);
  bad(
    () =>
      gateFeatures(
        p,
        mat([
          [1, NaN, 3],
          [0, 0, 1],
        ]),
        2,
        2,
      ),
    /logits: value at row 0, column 1 is NaN/,
  );
  bad(() => gateFeatures(p, l, 3, 2), /k = 3 exceeds the width 2 of pZs/);
  bad(
    () =>
      gateFeatures(
        mat([
          [0.1, 0.2, 0.3, 0.4],
          [0.1, 0.2, 0.3, 0.4],
        ]),
        l,
        4,
        2,
      ),
    /k = 4 exceeds the width 3 of the seen-classifier logits/,
  );
  bad(
    () =>
      gateFeatures(
        mat([
          [2.0, -1.0],
          [0.5, 0.5],
        ]),
        l,
        2,
        2,
      ),
    /not a probability/,
  );
  bad(
    () =>
      gateFeatures(
        mat([
          [0.3, 0.3],
          [0.5, 0.5],
        ]),
        l,
        2,
        2,
      ),
    /row 0 sums to 0.6/,
  );
  bad(() => gateFeatures(p, l, 2, 0), /temperature must be a finite positive number/);
  bad(() => tempScale({ rows: 2, cols: 2, data: [1, 2, 3] }, 1), /3 values but rows × cols/);
  bad(() => trainGate({ ...base, logitsSeen: mat([[1, 2, 3, 4, 5]]) }), /logitsUnseen has 6 columns but logitsSeen has 5/);
  bad(() => trainGate({ ...base, k: 7 }), /k = 7 exceeds the width 3 of pZs/);
  const tinyP = mat([
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [1, 0, 0],
  ]);
  const tinyL = mat([
    [1, 0, 0, 0, 0, 0],
    [1, 0, 0, 0, 0, 0],
    [1, 0, 0, 0, 0, 0],
    [1, 0, 0, 0, 0, 0],
  ]);
  bad(() => trainGate({ ...base, pZsSeen: tinyP, logitsSeen: tinyL }), /seen group has 4 samples/);
  bad(() => trainGate({ ...base, threshold: 50 }), /threshold must be in \(0, 1\)/);
  bad(() => trainGate({ ...base, k: 0 }), /k \(number of unseen classes\) must be a positive integer/);
});
