/**
 * Accuracy bookkeeping for ZSL/GZSL results: harmonic mean, per-class accuracy, confusion matrices
 * and mean ± std over seeds.
 *
 * The published numbers are per-sample (micro) accuracies from one seed (REFERENCE §5); per-class
 * accuracy and the class-balanced mean are provided for analysis, not for comparison with them.
 */
import { FsvaeInputError } from '../util/assert';

/** H = 2SU/(S+U) (paper Sec. 4.2); 0 when S = U = 0. Inputs are accuracies in [0, 1] or percent. */
export function harmonicMean(s: number, u: number): number {
  if (!(Number.isFinite(s) && Number.isFinite(u) && s >= 0 && u >= 0)) {
    throw new FsvaeInputError(`harmonicMean: seen and unseen accuracies must be finite and ≥ 0, got S = ${s}, U = ${u}.`);
  }
  return s + u === 0 ? 0 : (2 * s * u) / (s + u);
}

function checkPairs(truth: ArrayLike<number>, pred: ArrayLike<number>, what: string): void {
  if (!truth || !pred || truth.length !== pred.length) {
    throw new FsvaeInputError(
      `${what}: ${truth ? truth.length : 'no'} true labels but ${pred ? pred.length : 'no'} predictions; ` + 'pass one prediction per sample.',
    );
  }
  for (let i = 0; i < truth.length; i++) {
    if (!Number.isInteger(truth[i])) throw new FsvaeInputError(`${what}: true label #${i} is ${truth[i]}, not an integer class id.`);
    if (!Number.isInteger(pred[i])) throw new FsvaeInputError(`${what}: prediction #${i} is ${pred[i]}, not an integer class id.`);
  }
}

/** Per-sample accuracy. */
export function accuracy(truth: ArrayLike<number>, pred: ArrayLike<number>): number {
  checkPairs(truth, pred, 'accuracy');
  if (truth.length === 0) throw new FsvaeInputError('accuracy: no samples.');
  let c = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === pred[i]) c++;
  return c / truth.length;
}

export interface PerClassAccuracy {
  classId: number;
  /** samples whose true class is classId */
  count: number;
  correct: number;
  accuracy: number;
}

/**
 * Accuracy per true class. With `classes`, only those ids are reported (ascending) and a true label
 * outside them is an error; classes without samples are left out (their accuracy is undefined).
 */
export function perClassAccuracy(truth: ArrayLike<number>, pred: ArrayLike<number>, classes?: readonly number[]): PerClassAccuracy[] {
  checkPairs(truth, pred, 'perClassAccuracy');
  const allowed = classes ? new Set(classes) : null;
  const count = new Map<number, number>();
  const correct = new Map<number, number>();
  for (let i = 0; i < truth.length; i++) {
    const y = truth[i];
    if (allowed && !allowed.has(y))
      throw new FsvaeInputError(`perClassAccuracy: true label #${i} is ${y}, ` + `not one of the given classes [${[...allowed].join(', ')}].`);
    count.set(y, (count.get(y) ?? 0) + 1);
    if (pred[i] === y) correct.set(y, (correct.get(y) ?? 0) + 1);
  }
  return [...count.keys()]
    .sort((a, b) => a - b)
    .map((classId) => {
      const n = count.get(classId)!;
      const c = correct.get(classId) ?? 0;
      return { classId, count: n, correct: c, accuracy: c / n };
    });
}

/** Mean of per-class accuracies (class-balanced accuracy) over the classes that have samples. */
export function classBalancedAccuracy(perClass: readonly PerClassAccuracy[]): number {
  if (perClass.length === 0) throw new FsvaeInputError('classBalancedAccuracy: no classes with samples.');
  let s = 0;
  for (const p of perClass) s += p.accuracy;
  return s / perClass.length;
}

export interface ConfusionMatrix {
  /** class ids of rows (true) and columns (predicted), ascending */
  classes: number[];
  /** classes.length² counts, row-major: counts[t·m + p] = #samples of class classes[t] predicted as classes[p] */
  counts: Int32Array;
}

/** Confusion matrix over `classes` (deduplicated, sorted); ids outside them are an error. */
export function confusionMatrix(truth: ArrayLike<number>, pred: ArrayLike<number>, classes: readonly number[]): ConfusionMatrix {
  checkPairs(truth, pred, 'confusionMatrix');
  const cls = [...new Set(classes)].sort((a, b) => a - b);
  if (cls.length === 0) throw new FsvaeInputError('confusionMatrix: no classes given.');
  const pos = new Map<number, number>();
  cls.forEach((c, i) => pos.set(c, i));
  const m = cls.length;
  const counts = new Int32Array(m * m);
  for (let i = 0; i < truth.length; i++) {
    const t = pos.get(truth[i]);
    const p = pos.get(pred[i]);
    if (t === undefined) throw new FsvaeInputError(`confusionMatrix: true label #${i} is ${truth[i]}, not one of the ${m} given classes.`);
    if (p === undefined) throw new FsvaeInputError(`confusionMatrix: prediction #${i} is ${pred[i]}, not one of the ${m} given classes.`);
    counts[t * m + p]++;
  }
  return { classes: cls, counts };
}

/** Count of samples of true class `t` predicted as `p` (class ids). */
export function confusionAt(cm: ConfusionMatrix, t: number, p: number): number {
  const ti = cm.classes.indexOf(t);
  const pi = cm.classes.indexOf(p);
  if (ti < 0 || pi < 0) throw new FsvaeInputError(`confusionAt: class ${ti < 0 ? t : p} is not in the matrix's classes.`);
  return cm.counts[ti * cm.classes.length + pi];
}

export interface MeanStd {
  mean: number;
  /** sample standard deviation (divisor n − 1); 0 when n = 1 (no spread can be estimated) */
  std: number;
  n: number;
}

/** Mean and sample standard deviation (n − 1 divisor, as numpy `std(ddof=1)`) over runs/seeds. */
export function meanStd(values: ArrayLike<number>, what = 'meanStd'): MeanStd {
  const n = values ? values.length : 0;
  if (n === 0) throw new FsvaeInputError(`${what}: no values; pass one number per seed.`);
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) throw new FsvaeInputError(`${what}: value #${i} is ${values[i]}; every run must produce a finite number.`);
    s += values[i];
  }
  const mean = s / n;
  if (n === 1) return { mean, std: 0, n };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

export interface FormatOptions {
  /** decimals (default 1) */
  digits?: number;
  /** multiply mean and std first, e.g. 100 for fractions → percent (default 1) */
  scale?: number;
}

/** "75.7 ± 1.2"; a single run prints the mean alone ("75.7"). */
export function formatMeanStd(stats: MeanStd | ArrayLike<number>, opts: FormatOptions = {}): string {
  const ms = isMeanStd(stats) ? stats : meanStd(stats, 'formatMeanStd');
  const digits = opts.digits ?? 1;
  const scale = opts.scale ?? 1;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) throw new FsvaeInputError(`formatMeanStd: digits must be an integer in [0, 20], got ${digits}.`);
  if (!Number.isFinite(scale)) throw new FsvaeInputError(`formatMeanStd: scale must be finite, got ${scale}.`);
  const m = (ms.mean * scale).toFixed(digits);
  if (ms.n <= 1) return m;
  return `${m} ± ${(ms.std * Math.abs(scale)).toFixed(digits)}`;
}

function isMeanStd(x: MeanStd | ArrayLike<number>): x is MeanStd {
  return typeof (x as MeanStd).mean === 'number' && typeof (x as MeanStd).n === 'number' && typeof (x as MeanStd).std === 'number';
}
