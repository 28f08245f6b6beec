/** Confidence intervals and paired verdicts against Student-t table values and hand computations. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers';
import { FsvaeInputError } from '../../lib/util/assert';
import {
  confidenceInterval,
  formatInterval,
  groupBy,
  logGamma,
  pairedComparison,
  stratifiedInterval,
  studentTCdf,
  studentTQuantile,
  twoWayAnova,
} from '../../lib/eval/stats';

test('Student-t 97.5 % quantiles match the printed t-table (6 decimals)', () => {
  // df → t_{0.975}: any statistics table (e.g. NIST/SEMATECH e-Handbook, Table 1.3.6.7.2)
  const table: [number, number][] = [
    [1, 12.706205],
    [2, 4.302653],
    [5, 2.570582],
    [8, 2.306004],
    [14, 2.144787],
    [30, 2.042272],
  ];
  for (const [df, t] of table) assertClose([studentTQuantile(0.975, df)], [t], 5e-6, `df ${df}`);
  // df = 1 is the Cauchy distribution: CDF = 1/2 + atan(t)/π; df = 2 has CDF 1/2 + t/(2√(2 + t²))
  for (const t of [-3, -0.5, 0, 0.7, 2.5]) {
    assertClose([studentTCdf(t, 1)], [0.5 + Math.atan(t) / Math.PI], 1e-12, `Cauchy at ${t}`);
    assertClose([studentTCdf(t, 2)], [0.5 + t / (2 * Math.sqrt(2 + t * t))], 1e-12, `df 2 at ${t}`);
  }
  assertClose([logGamma(5)], [Math.log(24)], 1e-12);
  assertClose([logGamma(0.5)], [0.5 * Math.log(Math.PI)], 1e-12);
  assert.throws(() => studentTQuantile(1, 3), FsvaeInputError);
});

test('95 % interval of a mean: mean ± t_{0.975, n−1}·s/√n, by hand', () => {
  const ci = confidenceInterval([1, 2, 3, 4]);
  const half = (3.182446 * Math.sqrt(5 / 3)) / 2; // t_{0.975,3} = 3.182446, s = √(5/3)
  assertClose([ci.mean, ci.lo, ci.hi], [2.5, 2.5 - half, 2.5 + half], 1e-5);
  assert.equal(ci.n, 4);
  const one = confidenceInterval([0.3]);
  assert.ok(Number.isNaN(one.lo) && one.n === 1);
  assert.equal(formatInterval(one), '30.0');
  assert.throws(() => confidenceInterval([1, NaN]), FsvaeInputError);
  assert.throws(() => confidenceInterval([]), FsvaeInputError);
});

test('paired verdicts: above 0 supports, below 0 contradicts, straddling 0 is inconclusive', () => {
  // differences 0.1, 0.12, 0.08: mean 0.1, s = 0.02, half = 4.302653·0.02/√3
  const s = pairedComparison([0.5, 0.52, 0.48], [0.4, 0.4, 0.4]);
  assertClose([s.mean, s.hi - s.mean], [0.1, (4.302653 * 0.02) / Math.sqrt(3)], 1e-6);
  assert.equal(s.verdict, 'supports');
  assert.equal(pairedComparison([0.4, 0.4, 0.4], [0.5, 0.52, 0.48]).verdict, 'contradicts');
  // the same means without pairing-consistent signs: differences +0.2, −0.1, −0.05 → straddles 0
  assert.equal(pairedComparison([0.6, 0.3, 0.35], [0.4, 0.4, 0.4]).verdict, 'inconclusive');
  assert.equal(pairedComparison([0.9], [0.1]).verdict, 'inconclusive'); // n = 1: no interval
  assert.throws(() => pairedComparison([0.1, 0.2], [0.1]), /same splits × seeds/);
  assert.equal(formatInterval(s), `10.0 [${(100 * s.lo).toFixed(1)}, ${(100 * s.hi).toFixed(1)}]`);
});

test('stratified interval: split means averaged, each split with its own seed variance (Welch–Satterthwaite df)', () => {
  // splits {1, 3} and {10, 12}: means 2 and 11 → 6.5; v_s = s_s²/n_s = 1 and 1, Var = (1 + 1)/4 = 0.5,
  // df = (1 + 1)²/(1/1 + 1/1) = 2, half = t_{0.975,2}·√0.5 = 4.302653·0.707107
  const ci = stratifiedInterval([
    [1, 3],
    [10, 12],
  ]);
  assertClose([ci.mean, ci.hi - ci.mean, ci.mean - ci.lo, ci.df!], [6.5, 4.302653 * Math.SQRT1_2, 4.302653 * Math.SQRT1_2, 2], 1e-5);
  assert.equal(ci.n, 4);
  // a plain t-interval over the same four values is far wider: the split difference is not noise
  assert.ok(confidenceInterval([1, 3, 10, 12]).hi - 6.5 > 2.5 * (ci.hi - 6.5)); // 8.47 vs 3.04
  // deterministic strata: zero width; a stratum with one value: its spread is unknown, so no interval
  const det = stratifiedInterval([[0.4], [0.6]].map((g) => [g[0], g[0]]));
  assert.deepEqual([det.lo, det.hi], [0.5, 0.5]);
  assert.ok(Number.isNaN(stratifiedInterval([[1, 2], [3]]).lo), 'a split with one value: no interval');
  assert.ok(Number.isNaN(stratifiedInterval([[1], [3]]).lo), 'one value per split: no spread to estimate');
  // two splits with different spreads ({0, 1}: s² = 0.5; {0, 2, 4}: s² = 4). For two strata, Var(mean of
  // means) = Var(m1 − m2)/4 with Welch's df, so the half-width is half of Welch's two-sample interval
  // for the difference: scipy.stats.ttest_ind(equal_var=False) gives df 2.6350365, half-width 4.3373021.
  const uneven = stratifiedInterval([
    [0, 1],
    [0, 2, 4],
  ]);
  assertClose([uneven.df!, 2 * (uneven.hi - uneven.mean)], [2.6350365, 4.3373021], 1e-6);
  const scipyCase = stratifiedInterval([
    [0.31, 0.35, 0.29, 0.4],
    [0.12, 0.55, 0.3],
  ]);
  assertClose([scipyCase.mean, scipyCase.df!, 2 * (scipyCase.hi - scipyCase.mean)], [0.33041667, 2.1525283, 0.51103775], 1e-6);
  // one stratum: the plain t-interval
  const one = stratifiedInterval([[0.2, 0.5, 0.4]]);
  const plain = confidenceInterval([0.2, 0.5, 0.4]);
  assertClose([one.lo, one.hi, one.df!], [plain.lo, plain.hi, 2], 1e-9);
  // a paired comparison grouped by split: consistent +0.1 within each split supports the claim even
  // though the two splits' levels differ by 0.5
  const a = [0.3, 0.32, 0.8, 0.81];
  const b = [0.2, 0.21, 0.7, 0.72];
  assert.equal(pairedComparison(a, b, 'x', ['s1', 's1', 's2', 's2']).verdict, 'supports');
  assert.deepEqual(groupBy([1, 2, 3], ['a', 'b', 'a']), [[1, 3], [2]]);
});

test('two-way ANOVA without replication: F, p and the row variance component (scipy.stats.f.sf as the oracle)', () => {
  // 3 rows (e.g. stage-1 seeds) × 4 columns (stage-2 seeds); numpy/scipy: MS_row 0.0097583, MS_residual 0.00021389,
  // F 45.623377 on (2, 6) df, p 0.00023487, row variance (MS_row − MS_res)/4 = 0.0023861
  const a = twoWayAnova([
    [0.3, 0.25, 0.41, 0.33],
    [0.28, 0.22, 0.35, 0.3],
    [0.4, 0.31, 0.45, 0.38],
  ]);
  assertClose([a.msRow, a.msResidual, a.F, a.p, a.rowVariance], [0.0097583333, 0.00021388889, 45.623377, 0.00023487047, 0.0023861111], 1e-6);
  assert.deepEqual([a.dfRow, a.dfResidual], [2, 6]);
  // rows that differ only by noise of the columns: no row effect, the variance component truncated at 0
  const none = twoWayAnova([
    [0.1, 0.5, 0.3],
    [0.12, 0.49, 0.29],
  ]);
  assert.ok(none.p > 0.3 && none.rowVariance === 0);
  assert.throws(() => twoWayAnova([[1, 2], [3]]), /every row needs 2 values/);
  assert.throws(() => twoWayAnova([[1, 2]]), /at least 2 rows/);
});
