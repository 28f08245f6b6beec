/**
 * Confidence intervals and paired comparisons for the result tables.
 *
 * A table row reports mean, the 95 % Student-t interval over its runs (splits × seeds) and n. A row
 * that tests a claim of the paper ("A beats B") is compared with B over the SAME splits × seeds:
 * the 95 % t-interval of the paired differences A − B decides the verdict —
 *   supports      the interval lies above 0,
 *   contradicts   the interval lies below 0,
 *   inconclusive  it contains 0 (or n < 2).
 */
import { FsvaeInputError } from '../util/assert';

/** ln Γ(x), x > 0 (Lanczos, g = 7, 9 terms; |error| < 1e-13 for x ≥ 0.5). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularised incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new FsvaeInputError(`studentTCdf: degrees of freedom must be > 0, got ${df}.`);
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The q-quantile (0 < q < 1) of Student's t with `df` degrees of freedom (bisection on the CDF). */
export function studentTQuantile(q: number, df: number): number {
  if (!(q > 0 && q < 1)) throw new FsvaeInputError(`studentTQuantile: q must be in (0, 1), got ${q}.`);
  let lo = -1e4;
  let hi = 1e4;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface Interval {
  mean: number;
  /** 95 % interval; NaN when n < 2. */
  lo: number;
  hi: number;
  n: number;
  std: number;
  /** degrees of freedom of the t quantile (absent when no interval). */
  df?: number;
}

/** Mean and the 95 % Student-t confidence interval of the mean. */
export function confidenceInterval(values: readonly number[], level = 0.95, what = 'confidenceInterval'): Interval {
  const n = values.length;
  if (n === 0) throw new FsvaeInputError(`${what}: no values.`);
  for (const v of values) if (!Number.isFinite(v)) throw new FsvaeInputError(`${what}: value ${v} is not finite; every run must give a number.`);
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { mean, lo: NaN, hi: NaN, n, std: 0 };
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * (std / Math.sqrt(n));
  return { mean, lo: mean - half, hi: mean + half, n, std, df: n - 1 };
}

/**
 * Mean over fixed strata (e.g. the splits of a dataset) of the per-stratum means, with a 95 %
 * interval from the within-stratum spread only (e.g. over seeds), each stratum keeping its own
 * variance (no equal-variance assumption: the splits' seed spreads differ several-fold):
 *   mean = Σ_s m_s / S,   Var(mean) = Σ_s v_s / S² with v_s = s_s² / n_s,
 *   df = (Σ_s v_s)² / Σ_s v_s² / (n_s − 1)   (Welch–Satterthwaite).
 * The splits are the benchmark, not a sample of splits, so their differences in difficulty
 * (chance 50 % on a 2-class split, 7.7 % on a 13-class one) do not widen the interval. Every
 * stratum needs ≥ 2 values to estimate its spread; otherwise the bounds are NaN (e.g. deterministic
 * rows, one value per split). Zero spread everywhere gives a zero-width interval. With one stratum
 * this is the plain t-interval; with two it has the df of Welch's two-sample test.
 */
export function stratifiedInterval(groups: readonly (readonly number[])[], level = 0.95, what = 'stratifiedInterval'): Interval {
  if (groups.length === 0) throw new FsvaeInputError(`${what}: no groups.`);
  const S = groups.length;
  const cis = groups.map((g) => confidenceInterval(g, level, what));
  const n = cis.reduce((a, c) => a + c.n, 0);
  const mean = cis.reduce((a, c) => a + c.mean, 0) / S;
  if (cis.some((c) => c.n < 2)) return { mean, lo: NaN, hi: NaN, n, std: NaN };
  const v = cis.map((c) => (c.std * c.std) / c.n);
  const sumV = v.reduce((a, x) => a + x, 0);
  const se = Math.sqrt(sumV) / S;
  // a typical per-run standard deviation: the root of the mean within-stratum variance
  const std = Math.sqrt(cis.reduce((a, c) => a + c.std * c.std, 0) / S);
  if (se === 0) return { mean, lo: mean, hi: mean, n, std: 0 };
  const df = (sumV * sumV) / v.reduce((a, x, i) => a + (x * x) / (cis[i].n - 1), 0);
  const half = studentTQuantile(1 - (1 - level) / 2, df) * se;
  return { mean, lo: mean - half, hi: mean + half, n, std, df };
}

/** The name of the interval method, for table notes. */
export const STRATIFIED_INTERVAL_METHOD =
  '95 % CI: the splits are fixed strata, each split keeps its own seed variance (no equal-variance assumption): ' +
  'mean = Σ m_s/S, Var = Σ (s_s²/n_s)/S², Student t with Welch–Satterthwaite df = (Σ v_s)²/Σ v_s²/(n_s − 1), v_s = s_s²/n_s';

export type Verdict = 'supports' | 'contradicts' | 'inconclusive';

export interface PairedComparison extends Interval {
  verdict: Verdict;
}

/**
 * The claim "a > b" tested on paired runs (a[i] and b[i] share split and seed): the 95 % interval
 * of a − b and its verdict. With `strata` (e.g. the split of each run), the interval is
 * stratifiedInterval over the differences grouped by stratum; without, a plain t-interval.
 */
export function pairedComparison(a: readonly number[], b: readonly number[], what = 'pairedComparison', strata?: readonly string[]): PairedComparison {
  if (a.length !== b.length)
    throw new FsvaeInputError(`${what}: ${a.length} runs against ${b.length}; ` + 'a paired comparison needs the same splits × seeds on both sides.');
  const d = a.map((v, i) => v - b[i]);
  const ci = strata ? stratifiedInterval(groupBy(d, strata, what), 0.95, what) : confidenceInterval(d, 0.95, what);
  const verdict: Verdict = !Number.isFinite(ci.lo) ? 'inconclusive' : ci.lo > 0 ? 'supports' : ci.hi < 0 ? 'contradicts' : 'inconclusive';
  return { ...ci, verdict };
}

/** Values grouped by their stratum label, in order of first appearance. */
export function groupBy(values: readonly number[], strata: readonly string[], what = 'groupBy'): number[][] {
  if (strata.length !== values.length) throw new FsvaeInputError(`${what}: ${strata.length} stratum labels for ${values.length} values.`);
  const m = new Map<string, number[]>();
  values.forEach((v, i) => {
    const g = m.get(strata[i]);
    if (g) g.push(v);
    else m.set(strata[i], [v]);
  });
  return [...m.values()];
}

/** "67.9 [65.1, 70.7]" (scaled, e.g. ×100 for fractions); the mean alone when n < 2. */
export function formatInterval(ci: Interval, scale = 100, digits = 1): string {
  const f = (v: number) => (v * scale).toFixed(digits);
  return Number.isFinite(ci.lo) ? `${f(ci.mean)} [${f(ci.lo)}, ${f(ci.hi)}]` : f(ci.mean);
}

export interface TwoWayAnova {
  grand: number;
  /** mean of each row (e.g. of each stage-1 seed). */
  rowMeans: number[];
  msRow: number;
  msResidual: number;
  F: number;
  dfRow: number;
  dfResidual: number;
  /** P(F > observed) under no row effect. */
  p: number;
  /** random-effects variance of the row factor, (MS_row − MS_residual)/columns, truncated at 0. */
  rowVariance: number;
}

/**
 * Two-way ANOVA without replication (rows × columns, one value per cell), testing the row factor:
 * F = MS_row / MS_residual on (a − 1, (a − 1)(b − 1)) degrees of freedom, with the row factor's
 * random-effects variance component (method of moments).
 */
export function twoWayAnova(y: readonly (readonly number[])[], what = 'twoWayAnova'): TwoWayAnova {
  const a = y.length;
  const b = y[0]?.length ?? 0;
  if (a < 2 || b < 2) throw new FsvaeInputError(`${what}: needs at least 2 rows and 2 columns, got ${a} × ${b}.`);
  for (const r of y) {
    if (r.length !== b) throw new FsvaeInputError(`${what}: every row needs ${b} values (one per column), got ${r.length}.`);
    for (const v of r) if (!Number.isFinite(v)) throw new FsvaeInputError(`${what}: value ${v} is not finite.`);
  }
  const all = y.flat();
  const grand = all.reduce((s, v) => s + v, 0) / (a * b);
  const rowMeans = y.map((r) => r.reduce((s, v) => s + v, 0) / b);
  const colMeans = y[0].map((_, j) => y.reduce((s, r) => s + r[j], 0) / a);
  const ssRow = b * rowMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssCol = a * colMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssTotal = all.reduce((s, v) => s + (v - grand) ** 2, 0);
  const dfRow = a - 1;
  const dfResidual = (a - 1) * (b - 1);
  const msRow = ssRow / dfRow;
  const msResidual = Math.max(0, ssTotal - ssRow - ssCol) / dfResidual;
  const F = msResidual > 0 ? msRow / msResidual : msRow > 0 ? Infinity : NaN;
  // P(F > f) = 1 − I_{d1 f/(d1 f + d2)}(d1/2, d2/2)
  const p = Number.isFinite(F) ? 1 - incompleteBeta((dfRow * F) / (dfRow * F + dfResidual), dfRow / 2, dfResidual / 2) : F === Infinity ? 0 : NaN;
  return { grand, rowMeans, msRow, msResidual, F, dfRow, dfResidual, p, rowVariance: Math.max(0, (msRow - msResidual) / b) };
}
