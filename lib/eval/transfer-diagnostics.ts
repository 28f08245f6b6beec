/**
 * Diagnostics of the text → skeleton transfer of zero-shot recognition: how much of the geometry of
 * the skeleton feature space (class means of the stage-1 features) the class text embeddings
 * carry, and where a text-driven classifier goes wrong.
 *
 *  confusionMatrix / perClassConfusion — counts (rows = true, columns = predicted) and, per true
 *      class, its accuracy and the class it is most often taken for;
 *  linearCka — linear CKA (Kornblith et al. 2019) of two representations of the same items;
 *  nearestNeighbourAgreement — does each item have the same nearest other item (cosine) in both
 *      spaces, and the Spearman correlation of the two sets of pairwise cosine distances (RSA);
 *  permutation tests of both (the items of one side shuffled), since with 5-27 classes a CKA or a
 *  Spearman ρ alone says little;
 *  ridgePredictions — the ridge map's (lib/eval/comparison-rows.ts) per-sample predictions;
 *  ridgeTextUpperBound / ridgeLeaveOneClassOut — labelled ceilings of a linear text map: fitted
 *      with the unseen classes' own test-side means (uses test labels; never a zero-shot result).
 *
 * Everything is float64 and validated; every error names the argument and what to fix.
 */
import { FeatureSet, TextMatrix, checkFeatureSet } from '../data/matrices';
import { Standardizer, classMeansOf, fitStandardizer, ridgePrototypes, standardize } from './comparison-rows';
import { Random } from '../util/random';
import { FsvaeInputError } from '../util/assert';

// ---------------------------------------------------------------------------------------------
// Validation helpers

function checkCount(n: number, what: string, min: number): void {
  if (!Number.isInteger(n) || n < min) throw new FsvaeInputError(`${what} must be an integer ≥ ${min}, got ${n}.`);
}

function checkMatrix(x: ArrayLike<number>, rows: number, cols: number, what: string): void {
  if (!x || typeof x.length !== 'number') throw new FsvaeInputError(`${what}: expected an array of ${rows}×${cols} numbers.`);
  if (x.length !== rows * cols) throw new FsvaeInputError(`${what}: ${x.length} values, expected ${rows} rows × ${cols} columns = ${rows * cols}.`);
  for (let i = 0; i < x.length; i++) {
    if (typeof x[i] !== 'number' || !Number.isFinite(x[i]))
      throw new FsvaeInputError(`${what}: row ${Math.floor(i / cols)}, column ${i % cols} is ${x[i]}; ` + 'every value must be a finite number.');
  }
}

function checkLabels(a: ArrayLike<number>, what: string): void {
  for (let i = 0; i < a.length; i++) if (!Number.isInteger(a[i])) throw new FsvaeInputError(`${what}: entry ${i} is ${a[i]}, not an integer class id.`);
}

// ---------------------------------------------------------------------------------------------
// Confusion matrix

export interface ConfusionCounts {
  /** class ids of the rows (true) and columns (predicted), in the order given. */
  classes: number[];
  /** classes.length² counts, row-major: counts[t·m + p] = #samples of classes[t] predicted as classes[p]. */
  counts: Float64Array;
}

/**
 * Confusion matrix over `classes` (in the given order; ids must be distinct integers). A true label
 * or a prediction outside `classes` is an error.
 */
export function confusionMatrix(trueLabels: ArrayLike<number>, predicted: ArrayLike<number>, classes: readonly number[]): ConfusionCounts {
  if (trueLabels.length !== predicted.length)
    throw new FsvaeInputError(`confusionMatrix: ${trueLabels.length} true labels ` + `but ${predicted.length} predictions; give one prediction per sample.`);
  if (trueLabels.length === 0) throw new FsvaeInputError('confusionMatrix: no samples given.');
  if (classes.length === 0) throw new FsvaeInputError('confusionMatrix: no classes given.');
  checkLabels(classes, 'confusionMatrix classes');
  checkLabels(trueLabels, 'confusionMatrix true labels');
  checkLabels(predicted, 'confusionMatrix predictions');
  const pos = new Map<number, number>();
  classes.forEach((c, i) => {
    if (pos.has(c)) throw new FsvaeInputError(`confusionMatrix: class ${c} is listed twice in [${classes.join(', ')}].`);
    pos.set(c, i);
  });
  const m = classes.length;
  const counts = new Float64Array(m * m);
  for (let i = 0; i < trueLabels.length; i++) {
    const t = pos.get(trueLabels[i]);
    const p = pos.get(predicted[i]);
    if (t === undefined) throw new FsvaeInputError(`confusionMatrix: true label #${i} is ${trueLabels[i]}, not one of the classes [${classes.join(', ')}].`);
    if (p === undefined) throw new FsvaeInputError(`confusionMatrix: prediction #${i} is ${predicted[i]}, not one of the classes [${classes.join(', ')}].`);
    counts[t * m + p]++;
  }
  return { classes: [...classes], counts };
}

export interface ClassConfusion {
  classId: number;
  /** samples of this true class. */
  count: number;
  correct: number;
  /** correct / count; NaN when the class has no sample. */
  accuracy: number;
  /** the wrong class its samples are most often predicted as (ties: first in `classes` order); null when never wrong. */
  takenFor: number | null;
  /** samples predicted as `takenFor`. */
  takenForCount: number;
  /** takenForCount / count. */
  takenForShare: number;
  /** the most frequent prediction for this class, itself included (ties: first in `classes` order). */
  mostPredicted: number;
}

/** Per true class (rows of the matrix): its accuracy and the class it is most often taken for. */
export function perClassConfusion(cm: ConfusionCounts): ClassConfusion[] {
  const m = cm.classes.length;
  if (cm.counts.length !== m * m) throw new FsvaeInputError(`perClassConfusion: ${cm.counts.length} counts for ${m} classes (expected ${m * m}).`);
  return cm.classes.map((c, t) => {
    let count = 0;
    let wrongBest = -1;
    let best = 0;
    for (let p = 0; p < m; p++) {
      const v = cm.counts[t * m + p];
      count += v;
      if (v > cm.counts[t * m + best]) best = p;
      if (p !== t && v > 0 && (wrongBest < 0 || v > cm.counts[t * m + wrongBest])) wrongBest = p;
    }
    const correct = cm.counts[t * m + t];
    const takenForCount = wrongBest < 0 ? 0 : cm.counts[t * m + wrongBest];
    return {
      classId: c,
      count,
      correct,
      accuracy: count > 0 ? correct / count : NaN,
      takenFor: wrongBest < 0 ? null : cm.classes[wrongBest],
      takenForCount,
      takenForShare: count > 0 ? takenForCount / count : NaN,
      mostPredicted: cm.classes[best],
    };
  });
}

/** Overall accuracy (trace / total) of a confusion matrix. */
export function confusionAccuracy(cm: ConfusionCounts): number {
  const m = cm.classes.length;
  let tr = 0;
  let all = 0;
  for (let t = 0; t < m; t++)
    for (let p = 0; p < m; p++) {
      all += cm.counts[t * m + p];
      if (t === p) tr += cm.counts[t * m + p];
    }
  if (all === 0) throw new FsvaeInputError('confusionAccuracy: the matrix holds no sample.');
  return tr / all;
}

// ---------------------------------------------------------------------------------------------
// Linear CKA

/** Columns of an n × d row-major matrix minus their means (float64 copy). */
export function centreColumns(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const out = Float64Array.from(x as ArrayLike<number>);
  for (let k = 0; k < d; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += out[i * d + k];
    s /= n;
    for (let i = 0; i < n; i++) out[i * d + k] -= s;
  }
  return out;
}

/** K = XXᵀ (n × n). */
function gram(x: Float64Array, n: number, d: number): Float64Array {
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += x[i * d + c] * x[j * d + c];
      k[i * n + j] = k[j * n + i] = s;
    }
  }
  return k;
}

/** Σ_ij K_ij L_{π(i)π(j)} (L permuted by π, or not). */
function frobeniusInner(k: Float64Array, l: Float64Array, n: number, perm?: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const pi = perm ? perm[i] : i;
    for (let j = 0; j < n; j++) s += k[i * n + j] * l[pi * n + (perm ? perm[j] : j)];
  }
  return s;
}

function centredGrams(
  X: ArrayLike<number>,
  nx: number,
  dx: number,
  Y: ArrayLike<number>,
  dy: number,
  what: string,
): { kx: Float64Array; ky: Float64Array; xx: number; yy: number } {
  checkCount(nx, `${what}: the number of items nx`, 2);
  checkCount(dx, `${what}: the width dx of X`, 1);
  checkCount(dy, `${what}: the width dy of Y`, 1);
  checkMatrix(X, nx, dx, `${what}: X`);
  checkMatrix(Y, nx, dy, `${what}: Y (same items as X, one row each)`);
  const kx = gram(centreColumns(X, nx, dx), nx, dx);
  const ky = gram(centreColumns(Y, nx, dy), nx, dy);
  const xx = Math.sqrt(frobeniusInner(kx, kx, nx));
  const yy = Math.sqrt(frobeniusInner(ky, ky, nx));
  const scale = (k: Float64Array) => k.reduce((a, v, i) => (i % (nx + 1) === 0 ? a + Math.abs(v) : a), 0);
  if (!(xx > 1e-12 * Math.max(1, scale(kx))))
    throw new FsvaeInputError(`${what}: X is the same for every item (zero after centring the columns); ` + 'CKA is undefined.');
  if (!(yy > 1e-12 * Math.max(1, scale(ky))))
    throw new FsvaeInputError(`${what}: Y is the same for every item (zero after centring the columns); ` + 'CKA is undefined.');
  return { kx, ky, xx, yy };
}

/**
 * Linear CKA (Kornblith et al. 2019) of two representations of the same nx items: X (nx × dx) and
 * Y (nx × dy), row-major. Columns are centred, then CKA = ‖YᵀX‖_F² / (‖XᵀX‖_F ‖YᵀY‖_F), computed
 * through the Gram matrices (‖YᵀX‖_F² = ⟨XXᵀ, YYᵀ⟩_F). In [0, 1]; 1 for X = Y; invariant to
 * orthogonal transforms and isotropic scaling of either side. Biased upwards when the widths are
 * large against nx (see ckaPermutationTest for a null).
 */
export function linearCka(X: ArrayLike<number>, nx: number, dx: number, Y: ArrayLike<number>, dy: number): number {
  const g = centredGrams(X, nx, dx, Y, dy, 'linearCka');
  return frobeniusInner(g.kx, g.ky, nx) / (g.xx * g.yy);
}

export interface PermutationTest {
  /** the statistic on the paired items. */
  observed: number;
  /** mean of the statistic with the items of Y shuffled. */
  nullMean: number;
  /** (1 + #{null ≥ observed}) / (1 + permutations): one-sided, small = more alike than chance. */
  pValue: number;
  permutations: number;
}

function checkPermutations(permutations: number, what: string): void {
  checkCount(permutations, `${what}: permutations`, 1);
}

/** Linear CKA against its permutation null (the rows of Y shuffled, seeded). */
export function ckaPermutationTest(
  X: ArrayLike<number>,
  nx: number,
  dx: number,
  Y: ArrayLike<number>,
  dy: number,
  permutations = 1000,
  seed = 1,
): PermutationTest {
  checkPermutations(permutations, 'ckaPermutationTest');
  const g = centredGrams(X, nx, dx, Y, dy, 'ckaPermutationTest');
  const observed = frobeniusInner(g.kx, g.ky, nx) / (g.xx * g.yy);
  const rng = new Random(seed);
  let sum = 0;
  let above = 0;
  for (let p = 0; p < permutations; p++) {
    // a centred Gram matrix with its rows and columns permuted is the centred Gram of the permuted rows
    const v = frobeniusInner(g.kx, g.ky, nx, rng.permutation(nx)) / (g.xx * g.yy);
    sum += v;
    if (v >= observed - 1e-12) above++;
  }
  return { observed, nullMean: sum / permutations, pValue: (1 + above) / (1 + permutations), permutations };
}

// ---------------------------------------------------------------------------------------------
// Nearest neighbours and representational similarity

/** Ranks 1..n with ties given their average rank. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const r = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[idx[j + 1]] === values[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/**
 * Spearman's rank correlation (Pearson correlation of the average ranks, so ties are handled).
 * NaN when fewer than 2 values or when one side is constant (its ranks have no spread).
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new FsvaeInputError(`spearman: ${a.length} values against ${b.length}; give paired values.`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) throw new FsvaeInputError(`spearman: pair ${i} is (${a[i]}, ${b[i]}); values must be finite.`);
  }
  if (a.length < 2) return NaN;
  return pearson(averageRanks(a), averageRanks(b));
}

/** Pairwise cosine distances 1 − cos of the rows (n × n, float64). Zero rows are an error. */
export function cosineDistances(x: ArrayLike<number>, n: number, d: number, what = 'cosineDistances'): Float64Array {
  checkCount(n, `${what}: the number of items`, 1);
  checkCount(d, `${what}: the width`, 1);
  checkMatrix(x, n, d, what);
  const xx = Float64Array.from(x as ArrayLike<number>);
  const k = gram(xx, n, d);
  const norm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!(k[i * n + i] > 0)) throw new FsvaeInputError(`${what}: row ${i} is all zeros; its cosine distance is undefined.`);
    norm[i] = Math.sqrt(k[i * n + i]);
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = i === j ? 0 : 1 - k[i * n + j] / (norm[i] * norm[j]);
  return out;
}

/** Each item's nearest other item in a distance matrix (ties: the lower index). */
export function nearestOther(dist: Float64Array, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = -1;
    for (let j = 0; j < n; j++) if (j !== i && (best < 0 || dist[i * n + j] < dist[i * n + best])) best = j;
    out[i] = best;
  }
  return out;
}

function upperTriangle(dist: Float64Array, n: number, perm?: ArrayLike<number>): Float64Array {
  const out = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[k++] = perm ? dist[perm[i] * n + perm[j]] : dist[i * n + j];
  return out;
}

export interface NeighbourAgreement {
  /** items. */
  n: number;
  /** fraction of items whose nearest other item (cosine) is the same in A and B; 1 when n = 2 (trivially). */
  agreement: number;
  /** chance level of `agreement` for unrelated spaces: 1 / (n − 1). */
  chance: number;
  /** nearest other item of each item in A and in B. */
  nnA: Int32Array;
  nnB: Int32Array;
  /** Spearman ρ of the n(n−1)/2 pairwise cosine distances of A and of B (RSA); NaN when n < 3. */
  spearman: number;
  pairs: number;
}

/**
 * For n items represented in A (n × da) and B (n × db): each item's nearest other item by cosine
 * distance in both spaces, the fraction that agree, and the Spearman correlation of the two sets
 * of pairwise cosine distances (representational similarity analysis).
 */
export function nearestNeighbourAgreement(A: ArrayLike<number>, B: ArrayLike<number>, n: number, da: number, db: number): NeighbourAgreement {
  checkCount(n, 'nearestNeighbourAgreement: the number of items n', 2);
  const dA = cosineDistances(A, n, da, 'nearestNeighbourAgreement: A');
  const dB = cosineDistances(B, n, db, 'nearestNeighbourAgreement: B');
  const nnA = nearestOther(dA, n);
  const nnB = nearestOther(dB, n);
  let agree = 0;
  for (let i = 0; i < n; i++) if (nnA[i] === nnB[i]) agree++;
  const pairs = (n * (n - 1)) / 2;
  return { n, agreement: agree / n, chance: 1 / (n - 1), nnA, nnB, spearman: n < 3 ? NaN : spearman(upperTriangle(dA, n), upperTriangle(dB, n)), pairs };
}

/**
 * The RSA Spearman ρ against its permutation null (a Mantel test: the items of B shuffled, seeded).
 * Needs n ≥ 4 (with 3 items there are only 3 pairs).
 */
export function rsaPermutationTest(
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  n: number,
  da: number,
  db: number,
  permutations = 1000,
  seed = 1,
): PermutationTest {
  checkCount(n, 'rsaPermutationTest: the number of items n', 4);
  checkPermutations(permutations, 'rsaPermutationTest');
  const dA = cosineDistances(A, n, da, 'rsaPermutationTest: A');
  const dB = cosineDistances(B, n, db, 'rsaPermutationTest: B');
  const a = upperTriangle(dA, n);
  const observed = spearman(a, upperTriangle(dB, n));
  const rng = new Random(seed);
  let sum = 0;
  let above = 0;
  let used = 0;
  for (let p = 0; p < permutations; p++) {
    const v = spearman(a, upperTriangle(dB, n, rng.permutation(n)));
    if (!Number.isFinite(v)) continue;
    used++;
    sum += v;
    if (v >= observed - 1e-12) above++;
  }
  return { observed, nullMean: used ? sum / used : NaN, pValue: (1 + above) / (1 + used), permutations: used };
}

// ---------------------------------------------------------------------------------------------
// Z-scoring and class means (as lib/eval/comparison-rows.ts: the seen training rows' statistics)

export { Standardizer, classMeansOf, fitStandardizer, standardize } from './comparison-rows';

/** Per-row nearest prototype (Euclidean), as class ids of `classes`. */
export function nearestPrototype(z: ArrayLike<number>, rows: number, dim: number, protos: ArrayLike<number>, classes: readonly number[]): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < classes.length; j++) {
      let d = 0;
      for (let k = 0; k < dim; k++) d += (z[i * dim + k] - protos[j * dim + k]) ** 2;
      if (d < bestD) {
        bestD = d;
        best = classes[j];
      }
    }
    out[i] = best;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ridge map: predictions and labelled ceilings

export interface TransferInput {
  /** seen-class training rows. */
  train: FeatureSet;
  /** unseen-class test rows. */
  test: FeatureSet;
  unseen: readonly number[];
  text: TextMatrix;
}

function checkTransferInput(inp: TransferInput, what: string): { seen: number[]; unseen: number[] } {
  checkFeatureSet(inp.train, `${what}: training rows`, inp.text.rows);
  checkFeatureSet(inp.test, `${what}: test rows`, inp.text.rows);
  if (inp.test.dim !== inp.train.dim) throw new FsvaeInputError(`${what}: test rows have ${inp.test.dim} features, training rows ${inp.train.dim}.`);
  if (inp.text.data.length !== inp.text.rows * inp.text.cols)
    throw new FsvaeInputError(`${what}: text matrix has ${inp.text.data.length} values for ${inp.text.rows}×${inp.text.cols}.`);
  const unseen = [...new Set(inp.unseen)].sort((a, b) => a - b);
  if (unseen.length < 2) throw new FsvaeInputError(`${what}: need at least 2 unseen classes, got [${inp.unseen.join(', ')}].`);
  const u = new Set(unseen);
  const seen = [...new Set(inp.train.labels)].sort((a, b) => a - b);
  for (const c of seen) if (u.has(c)) throw new FsvaeInputError(`${what}: class ${c} is both in the training rows and unseen.`);
  for (let i = 0; i < inp.test.rows; i++)
    if (!u.has(inp.test.labels[i])) throw new FsvaeInputError(`${what}: test row ${i} has class ${inp.test.labels[i]}, which is not unseen.`);
  for (const c of unseen) if (!inp.test.labels.includes(c)) throw new FsvaeInputError(`${what}: unseen class ${c} has no test row.`);
  return { seen, unseen };
}

export interface RidgePredictions {
  /** sorted unseen class ids (the prototypes' order). */
  unseen: number[];
  /** predicted class id per test row. */
  predicted: Int32Array;
  accuracy: number;
}

/**
 * The ridge map's per-sample predictions (lib/eval/comparison-rows.ts ridgeZslAccuracy, same math:
 * z-score with the seen training rows, ridge text → seen class mean, nearest predicted unseen
 * prototype); its accuracy equals ridgeZslAccuracy.
 */
export function ridgePredictions(inp: TransferInput, alpha: number): RidgePredictions {
  const { seen, unseen } = checkTransferInput(inp, 'ridgePredictions');
  const s = fitStandardizer(inp.train);
  const dim = inp.train.dim;
  const protos = ridgePrototypes(inp.text, seen, classMeansOf(standardize(inp.train, s), dim, inp.train.labels, seen), dim, unseen, alpha);
  const predicted = nearestPrototype(standardize(inp.test, s), inp.test.rows, dim, protos, unseen);
  let ok = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === inp.test.labels[i]) ok++;
  return { unseen, predicted, accuracy: ok / predicted.length };
}

/**
 * The class means of every class in one z-scored space (seen training rows' statistics): seen
 * classes from the training rows (train side), unseen classes from the test rows (test side).
 * Rows in ascending class id order (`classes`).
 */
export function allClassMeans(inp: TransferInput): {
  classes: number[];
  seen: number[];
  unseen: number[];
  means: Float64Array;
  dim: number;
  zTest: Float64Array;
  standardizer: Standardizer;
} {
  const { seen, unseen } = checkTransferInput(inp, 'allClassMeans');
  const s = fitStandardizer(inp.train);
  const dim = inp.train.dim;
  const zTrain = standardize(inp.train, s);
  const zTest = standardize(inp.test, s);
  const classes = [...seen, ...unseen].sort((a, b) => a - b);
  const seenMeans = classMeansOf(zTrain, dim, inp.train.labels, seen, 'allClassMeans (seen, train side)');
  const unseenMeans = classMeansOf(zTest, dim, inp.test.labels, unseen, 'allClassMeans (unseen, test side)');
  const means = new Float64Array(classes.length * dim);
  classes.forEach((c, j) => {
    const si = seen.indexOf(c);
    const src = si >= 0 ? seenMeans.subarray(si * dim, (si + 1) * dim) : unseenMeans.subarray(unseen.indexOf(c) * dim, (unseen.indexOf(c) + 1) * dim);
    means.set(src, j * dim);
  });
  return { classes, seen, unseen, means, dim, zTest, standardizer: s };
}

export interface UpperBound {
  alpha: number;
  accuracy: number;
  predicted: Int32Array;
}

/**
 * A LABELLED ceiling of a linear text map (uses test labels; never a zero-shot result): the ridge
 * map text → class mean fitted on ALL classes — the seen classes' training means and the unseen
 * classes' own test-side means — and its accuracy on the unseen test rows (nearest predicted
 * unseen prototype). When the centred text rows of all classes are linearly independent (text
 * width ≥ classes − 1), α → 0 interpolates the means and this tends to the unseen NCM oracle;
 * larger α shows how much of the skeleton geometry lies along the text's main directions.
 */
export function ridgeTextUpperBound(inp: TransferInput, alpha: number): UpperBound {
  const a = allClassMeans(inp);
  const protos = ridgePrototypes(inp.text, a.classes, a.means, a.dim, a.unseen, alpha);
  const predicted = nearestPrototype(a.zTest, inp.test.rows, a.dim, protos, a.unseen);
  let ok = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === inp.test.labels[i]) ok++;
  return { alpha, accuracy: ok / predicted.length, predicted };
}

/**
 * A labelled diagnostic (uses test labels): each unseen class's prototype is predicted by a ridge
 * map fitted on ALL OTHER classes (seen training means and the other unseen classes' test-side
 * means), then the unseen test rows are classified by the nearest prototype. It asks: could the
 * text place a class's skeleton mean if every other class were labelled? Not a ceiling of the
 * zero-shot map: with little shrinkage the prototype of u lands near the means of the classes whose
 * text is closest to u's, so when those are other unseen classes their samples go to u.
 */
export function ridgeLeaveOneClassOut(inp: TransferInput, alpha: number): UpperBound {
  const a = allClassMeans(inp);
  const protos = new Float64Array(a.unseen.length * a.dim);
  a.unseen.forEach((u, t) => {
    const keep = a.classes.map((c, j) => [c, j] as const).filter(([c]) => c !== u);
    const source = keep.map(([c]) => c);
    const means = new Float64Array(source.length * a.dim);
    keep.forEach(([, j], r) => means.set(a.means.subarray(j * a.dim, (j + 1) * a.dim), r * a.dim));
    protos.set(ridgePrototypes(inp.text, source, means, a.dim, [u], alpha), t * a.dim);
  });
  const predicted = nearestPrototype(a.zTest, inp.test.rows, a.dim, protos, a.unseen);
  let ok = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === inp.test.labels[i]) ok++;
  return { alpha, accuracy: ok / predicted.length, predicted };
}

/** Rows of `rowsOf` (classes) of an n × d matrix whose row order is `order`. */
export function selectRows(x: ArrayLike<number>, d: number, order: readonly number[], rowsOf: readonly number[]): Float64Array {
  const out = new Float64Array(rowsOf.length * d);
  rowsOf.forEach((c, r) => {
    const j = order.indexOf(c);
    if (j < 0) throw new FsvaeInputError(`selectRows: class ${c} is not one of [${order.join(', ')}].`);
    for (let k = 0; k < d; k++) out[r * d + k] = x[j * d + k];
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Geometry of the class means: is there structure for a text map to fit, and can it reach the unseen classes?

/** Coefficient of variation (population std / mean) of the n(n−1)/2 Euclidean distances between the rows; 0 for a regular simplex. */
export function pairwiseDistanceCv(x: ArrayLike<number>, n: number, dim: number): number {
  checkCount(n, 'pairwiseDistanceCv: the number of rows', 2);
  checkCount(dim, 'pairwiseDistanceCv: the width', 1);
  checkMatrix(x, n, dim, 'pairwiseDistanceCv');
  const d: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += (x[i * dim + k] - x[j * dim + k]) ** 2;
      d.push(Math.sqrt(s));
    }
  const m = d.reduce((a, v) => a + v, 0) / d.length;
  if (!(m > 0)) throw new FsvaeInputError('pairwiseDistanceCv: every row is the same point.');
  return Math.sqrt(d.reduce((a, v) => a + (v - m) ** 2, 0) / d.length) / m;
}

export interface AffineSpan {
  /** the mean of the spanning points (the ridge map's p̄ when they are the seen class means). */
  origin: Float64Array;
  /** orthonormal basis rows (rank × dim) of span{points − origin}. */
  basis: Float64Array;
  rank: number;
  dim: number;
}

/** The affine span of m points (m × dim rows): their mean and an orthonormal basis of the centred points (Gram-Schmidt, twice, relative tolerance 1e-10). */
export function affineSpan(points: ArrayLike<number>, m: number, dim: number): AffineSpan {
  checkCount(m, 'affineSpan: the number of points', 1);
  checkCount(dim, 'affineSpan: the width', 1);
  checkMatrix(points, m, dim, 'affineSpan');
  const origin = new Float64Array(dim);
  for (let i = 0; i < m; i++) for (let k = 0; k < dim; k++) origin[k] += points[i * dim + k] / m;
  const rows: Float64Array[] = [];
  let scale = 0;
  for (let i = 0; i < m; i++) {
    const v = Float64Array.from({ length: dim }, (_, k) => points[i * dim + k] - origin[k]);
    scale = Math.max(scale, Math.sqrt(v.reduce((a, x) => a + x * x, 0)));
    for (let pass = 0; pass < 2; pass++) {
      for (const b of rows) {
        let dot = 0;
        for (let k = 0; k < dim; k++) dot += v[k] * b[k];
        for (let k = 0; k < dim; k++) v[k] -= dot * b[k];
      }
    }
    const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    if (norm > 1e-10 * Math.max(scale, 1e-300)) rows.push(v.map((x) => x / norm));
  }
  const basis = new Float64Array(rows.length * dim);
  rows.forEach((b, r) => basis.set(b, r * dim));
  return { origin, basis, rank: rows.length, dim };
}

/** Orthogonal projections of the rows of x (n × dim) onto an affine span. */
export function projectOntoSpan(span: AffineSpan, x: ArrayLike<number>, n: number): Float64Array {
  const { dim, rank, basis, origin } = span;
  checkMatrix(x, n, dim, 'projectOntoSpan');
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    out.set(origin, i * dim);
    for (let r = 0; r < rank; r++) {
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += (x[i * dim + k] - origin[k]) * basis[r * dim + k];
      for (let k = 0; k < dim; k++) out[i * dim + k] += dot * basis[r * dim + k];
    }
  }
  return out;
}

export interface SeenSpanDiagnostic {
  /** dimension of the affine span of the seen class means. */
  rank: number;
  /** the feature width (for comparison: random directions keep rank/dim of their energy in the span). */
  dim: number;
  /**
   * Σ_u ‖(μ_u − p̄) − its projection‖² / Σ_u ‖μ_u − p̄‖²: the share of the unseen means' offset from p̄ that no prototype
   * of a text map fitted on the seen means can reach.
   */
  outsideFraction: number;
  /**
   * the same for the unseen means centred on THEIR mean (the part that tells the unseen classes
   * apart) against the linear span of the seen directions: a common offset of all unseen classes
   * does not count here.
   */
  spreadOutsideFraction: number;
  /** mean ‖μ_u − p̄‖ / mean ‖μ_s − p̄‖: how far the unseen means lie against the seen ones. */
  normRatio: number;
  /** distance CV among the seen means (0 = a regular simplex: no relational structure to fit). */
  seenDistanceCv: number;
  /** distance CV among the unseen means (NaN below 3 unseen classes: a single distance). */
  unseenDistanceCv: number;
  /** NCM accuracy of the unseen test rows with prototypes = the unseen means projected onto the seen span (labelled). */
  inSpanAccuracy: number;
}

/**
 * Where the unseen classes lie relative to what a text map fitted on the seen class means can
 * produce. The ridge map's prototypes are p̄ + Σ_i c_i (μ_i − p̄) over the seen means μ_i (its dual
 * form, lib/eval/comparison-rows.ts), i.e. always in the affine span of the seen means; so is any
 * linear map of the text fitted on them. Uses the unseen test labels (a diagnostic).
 */
export function seenSpanDiagnostic(inp: TransferInput): SeenSpanDiagnostic {
  const a = allClassMeans(inp);
  const dim = a.dim;
  const S = selectRows(a.means, dim, a.classes, a.seen);
  const U = selectRows(a.means, dim, a.classes, a.unseen);
  const span = affineSpan(S, a.seen.length, dim);
  const P = projectOntoSpan(span, U, a.unseen.length);
  let out = 0;
  let all = 0;
  let nu = 0;
  for (let i = 0; i < a.unseen.length; i++) {
    let r = 0;
    for (let k = 0; k < dim; k++) {
      out += (U[i * dim + k] - P[i * dim + k]) ** 2;
      r += (U[i * dim + k] - span.origin[k]) ** 2;
    }
    all += r;
    nu += Math.sqrt(r);
  }
  // spread of the unseen means about their own mean, against the span's directions
  const ubar = new Float64Array(dim);
  for (let i = 0; i < a.unseen.length; i++) for (let k = 0; k < dim; k++) ubar[k] += U[i * dim + k] / a.unseen.length;
  const Uc = U.map((v, i) => v - ubar[i % dim]);
  const Pc = projectOntoSpan({ ...span, origin: new Float64Array(dim) }, Uc, a.unseen.length);
  let sOut = 0;
  let sAll = 0;
  for (let i = 0; i < Uc.length; i++) {
    sOut += (Uc[i] - Pc[i]) ** 2;
    sAll += Uc[i] ** 2;
  }
  let ns = 0;
  for (let i = 0; i < a.seen.length; i++) {
    let r = 0;
    for (let k = 0; k < dim; k++) r += (S[i * dim + k] - span.origin[k]) ** 2;
    ns += Math.sqrt(r);
  }
  const predicted = nearestPrototype(a.zTest, inp.test.rows, dim, P, a.unseen);
  let ok = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === inp.test.labels[i]) ok++;
  return {
    rank: span.rank,
    dim,
    outsideFraction: all > 0 ? out / all : 0,
    spreadOutsideFraction: sAll > 0 ? sOut / sAll : 0,
    normRatio: nu / a.unseen.length / (ns / a.seen.length),
    seenDistanceCv: a.seen.length >= 2 ? pairwiseDistanceCv(S, a.seen.length, dim) : NaN,
    unseenDistanceCv: a.unseen.length >= 3 ? pairwiseDistanceCv(U, a.unseen.length, dim) : NaN,
    inSpanAccuracy: ok / predicted.length,
  };
}
