import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PAIR_LOSSES,
  THEOREM1_PRESETS,
  Theorem1MonteCarloConfig,
  constancySummary,
  estimateTerms,
  injectLabelNoise,
  noiseAccuracyFigure,
  pairDoubleSum,
  pairLoss,
  pairSymmetrySum,
  runLabelNoiseExperiment,
  runTheorem1MonteCarlo,
  termExpectationFigure,
} from '../../lib/experiments/theorem1';
import { FeatureSet } from '../../lib/data/matrices';
import { Random } from '../../lib/util/random';
import { FsvaeInputError } from '../../lib/util/assert';
import { useTestBackend } from '../helpers';

before(async () => {
  await useTestBackend();
});

const P = { lambda: 1, margin: 1 };
const sig = (x: number) => 1 / (1 + Math.exp(-x));

describe('per-pair losses: the symmetry behind Theorem 1 (Eq. 21) and its failure for Eq. 25-28', () => {
  test('calibrated: ℓ(pos,neg) + ℓ(neg,pos) = 1 at any point, saturated ones included', () => {
    for (const [pos, neg, lambda] of [
      [2, 1, 1],
      [0.3, 7.1, 0.5],
      [1000, 0, 1],
      [0, 1e4, 0.01],
      [5, 5, 100],
    ]) {
      const s = pairSymmetrySum('calibrated', pos, neg, { lambda, margin: 1 });
      assert.ok(Math.abs(s - 1) <= 1e-15, `(${pos}, ${neg}, λ=${lambda}): ${s}`);
    }
    // Eq. 11 by hand: 1/(1 + exp((neg − pos)/λ)) at pos = 2, neg = 1, λ = 1 is σ(1)
    assert.ok(Math.abs(pairLoss('calibrated', 2, 1, P) - 1 / (1 + Math.exp(-1))) < 1e-15);
  });
  test('T1 (Eq. 25): max(a+m,0) + max(−a+m,0) is 2m inside the margin, |a|+m outside', () => {
    assert.equal(pairLoss('T1', 3, 0, P), 4);
    assert.equal(pairLoss('T1', 0, 3, P), 0);
    assert.equal(pairSymmetrySum('T1', 3, 0, P), 4);
    assert.equal(pairSymmetrySum('T1', 1, 1, P), 2);
    assert.equal(pairSymmetrySum('T1', 1.5, 1, P), 2);
  });
  test('T2 (Eq. 26): log σ(1) + log σ(−1) = −1.62652 ≠ 2 log ½ = −1.38629', () => {
    const want = -Math.log(1 + Math.exp(-1)) - Math.log(1 + Math.E);
    assert.ok(Math.abs(pairSymmetrySum('T2', 2, 1, P) - want) < 1e-14);
    assert.ok(Math.abs(want - -1.626523) < 1e-6);
    assert.ok(Math.abs(pairSymmetrySum('T2', 1, 1, P) - 2 * Math.log(0.5)) < 1e-14);
    // large arguments stay finite (log σ(−1000) = −1000)
    assert.ok(Math.abs(pairLoss('T2', 0, 1000, P) - -1000) < 1e-9);
  });
  test('T3 (Eq. 27): σ(√4 − √1)² + σ(√1 − √4)² = 0.606776 ≠ ½ at pos = neg', () => {
    const want = sig(1) ** 2 + sig(-1) ** 2;
    assert.ok(Math.abs(pairSymmetrySum('T3', 4, 1, P) - want) < 1e-15);
    assert.ok(Math.abs(want - 0.606776) < 1e-6);
    assert.ok(Math.abs(pairSymmetrySum('T3', 1, 1, P) - 0.5) < 1e-15);
  });
  test('T4 (Eq. 28): (1 − 1/3) + max(1 − 2/2, 0) = 2/3 at (2,1) but 1 at (1,1)', () => {
    assert.ok(Math.abs(pairSymmetrySum('T4', 2, 1, P) - 2 / 3) < 1e-15);
    assert.ok(Math.abs(pairSymmetrySum('T4', 1, 1, P) - 1) < 1e-15);
  });
});

describe('exact finite-sample identity', () => {
  const rng = new Random(11);
  const n = 37;
  const dim = 5;
  const f = rng.normals(dim);
  const S = Array.from({ length: n }, (_, i) => rng.normals(dim).map((v) => v * (1 + (i % 7)))); // spreads from 1 to 7: some pairs saturate

  test('Σ_{i,j∈S} ℓ(i,j) = |S|²/2 for the calibrated loss, whatever the points and λ', () => {
    for (const lambda of [0.05, 0.7, 100]) {
      const sum = pairDoubleSum('calibrated', S, S, f, { lambda, margin: 1 });
      assert.ok(Math.abs(sum - (n * n) / 2) <= 1e-12 * ((n * n) / 2), `λ=${lambda}: ${sum} vs ${(n * n) / 2}`);
    }
  });
  test('the same double sum for T1..T4 moves when the points are spread out (no such identity)', () => {
    const wide = S.map((x) => x.map((v, k) => f[k] + 3 * (v - f[k])));
    for (const loss of ['T1', 'T2', 'T3', 'T4'] as const) {
      const a = pairDoubleSum(loss, S, S, f, P);
      const b = pairDoubleSum(loss, wide, wide, f, P);
      assert.ok(Math.abs(a - b) > 1e-3 * Math.max(Math.abs(a), 1), `${loss}: ${a} vs ${b}`);
    }
    assert.ok(Math.abs(pairDoubleSum('calibrated', wide, wide, f, P) - (n * n) / 2) < 1e-9);
  });
  test('bad input is refused with the argument named', () => {
    assert.throws(
      () => pairDoubleSum('calibrated', [[1, 2]], [[1, 2, 3]], [0, 0], P),
      (e: Error) => e instanceof FsvaeInputError && /negatives\[0\] has 3 dims/.test(e.message),
    );
    assert.throws(() => pairDoubleSum('calibrated', [], [[1]], [0], P), /positives is empty/);
    assert.throws(() => pairDoubleSum('calibrated', [[1]], [[1]], [0], { lambda: 0, margin: 1 }), /lambda must be a finite number > 0/);
  });
});

describe('Monte-Carlo of Theorem 1 (fixed seed)', () => {
  const small: Theorem1MonteCarloConfig = {
    ...THEOREM1_PRESETS.quick.monteCarlo,
    dim: 4,
    nTilde: 5,
    n2: 8,
    n3: 6,
    draws: 600,
    seed: 5,
  };

  test('E[A]/(λñn2) and E[C]/(λñn2) are within 4 SE of 1/2, i.e. E[A] = λ·ñ·n2/2 (= 60 here), not 1 (Eq. 19)', () => {
    const lambda = 3;
    const est = estimateTerms(small, { sigma: 0.8, distance: 1.5, lambda }, small.seed, ['calibrated']);
    for (const term of ['A', 'C'] as const) {
      const e = est.calibrated[term];
      assert.equal(e.pairs, 40);
      const scale = lambda * e.pairs;
      assert.ok(Math.abs(e.mean / scale - 0.5) <= 4 * (e.se / scale), `${term}: ${e.mean / scale} ± ${e.se / scale}`);
      assert.ok(Math.abs(e.mean - 60) <= 4 * e.se && Math.abs(e.mean - 1) > 100 * e.se, `${term}: E = ${e.mean} ± ${e.se}`);
    }
  });
  test('the T1 expectation changes with σ by more than 5 SE (independent draws at σ = 0.25 and σ = 1)', () => {
    const a = estimateTerms(small, { sigma: 0.25, distance: 1, lambda: 1 }, 21, ['T1']).T1.A;
    const b = estimateTerms(small, { sigma: 1, distance: 1, lambda: 1 }, 22, ['T1']).T1.A;
    const diff = (b.mean - a.mean) / 40;
    const se = Math.hypot(a.se, b.se) / 40;
    assert.ok(Math.abs(diff) > 5 * se, `T1: E[ℓ] ${a.mean / 40} vs ${b.mean / 40}, SE of difference ${se}`);
  });
  test('sweep result: calibrated rows carry z within ±4, T rows move; summary and figures have one entry per loss', () => {
    const cfg = { ...small, draws: 300, sigmas: [0.25, 1], distances: [0, 2], lambdas: [1, 100] };
    const r = runTheorem1MonteCarlo(cfg);
    assert.equal(r.estimates.length, (2 + 2 + 2) * 3 * PAIR_LOSSES.length);
    for (const row of r.rows) {
      const z = row['z = (E − λ·pairs/2)/SE'];
      if (row.loss === 'calibrated' && row.term !== 'B') assert.ok(typeof z === 'number' && Math.abs(z) < 4, `z ${z} at ${JSON.stringify(row)}`);
      else assert.equal(z, null);
    }
    const summary = constancySummary(r.estimates);
    const t1 = summary.find((s) => s.sweep === 'sigma' && s.term === 'A' && s.loss === 'T1');
    assert.ok(t1 && (t1['(max − min)/SE'] as number) > 5);
    const fig = termExpectationFigure(r, 'A', 'sigma');
    assert.equal(fig.data.length, PAIR_LOSSES.length);
    assert.deepEqual(fig.data[0].x, [0.25, 1]);
  });
  test('configuration errors are refused', () => {
    assert.throws(
      () => runTheorem1MonteCarlo({ ...small, draws: 1 }),
      (e: Error) => e instanceof FsvaeInputError && /draws must be ≥ 2/.test(e.message),
    );
    assert.throws(() => runTheorem1MonteCarlo({ ...small, sigmas: [0.5, -1] }), /sigmas\[1\] must be a finite number > 0/);
  });
});

describe('label noise and the training experiment', () => {
  const set: FeatureSet = { features: new Float32Array(40 * 2), rows: 40, dim: 2, labels: Int32Array.from({ length: 40 }, (_, i) => [0, 1, 3, 4][i % 4]) };

  test('injectLabelNoise flips exactly round(r·rows) labels, each to another allowed class, deterministically', () => {
    const a = injectLabelNoise(set, [0, 1, 3, 4], 0.3, 9);
    assert.equal(a.flipped.length, 12);
    const flipped = new Set(a.flipped);
    for (let i = 0; i < 40; i++) {
      if (flipped.has(i)) {
        assert.notEqual(a.set.labels[i], set.labels[i]);
        assert.ok([0, 1, 3, 4].includes(a.set.labels[i]));
      } else assert.equal(a.set.labels[i], set.labels[i]);
    }
    assert.deepEqual(injectLabelNoise(set, [0, 1, 3, 4], 0.3, 9).set.labels, a.set.labels);
    assert.notDeepEqual(injectLabelNoise(set, [0, 1, 3, 4], 0.3, 10).set.labels, a.set.labels);
    assert.equal(injectLabelNoise(set, [0, 1, 3, 4], 0, 9).flipped.length, 0);
    assert.throws(() => injectLabelNoise(set, [0, 1, 3, 4], 1, 9), /rate must be in \[0, 1\)/);
    assert.throws(() => injectLabelNoise(set, [0, 1], 0.1, 9), /row 2 has class 3/);
  });
  test('smoke: 1 seed, 2 losses, 2 rates, a few steps: one run and one summary row per (loss, rate)', async () => {
    const r = await runLabelNoiseExperiment({
      dataset: { numClasses: 10, skeletonDim: 16, textPartDim: 8, trainPerClass: 12, testPerClass: 4, seed: 2 },
      unseen: [1, 6],
      rates: [0, 0.5],
      losses: ['calibrated-paper', 'triplet-T1'],
      seeds: [1],
      cycles: 1,
      stepsPerCycle: 4,
      latentDim: 4,
      classifierSamplesPerClass: 5,
      classifierSteps: 3,
    });
    assert.equal(r.runs.length, 4);
    assert.equal(r.rows.length, 4);
    assert.equal(r.trainRows, 8 * 12);
    assert.equal(r.chance, 0.5);
    for (const run of r.runs) {
      assert.equal(run.error, null);
      assert.equal(run.flippedRows, run.rate === 0 ? 0 : 48);
      assert.equal(run.zslByCycle.length, 1);
      assert.ok(run.zslMean !== null && run.zslMean >= 0 && run.zslMean <= 1);
    }
    assert.deepEqual(
      r.rows.map((row) => [row.loss, row['noise rate r']]),
      [
        ['calibrated-paper', 0],
        ['calibrated-paper', 0.5],
        ['triplet-T1', 0],
        ['triplet-T1', 0.5],
      ],
    );
    assert.equal(r.rows[0]['Δ vs r=0 (points)'], 0);
    assert.equal(noiseAccuracyFigure(r).data.length, 2);
  });
});
