/**
 * The seen/unseen gate of the GZSL protocol (SynSE design, used unchanged by MSF-GZSSAR and FS-VAE;
 * REFERENCE §1.4, `gating_train.py` / `gating_eval.py`).
 *
 * Per sample, with k = number of unseen classes:
 *   features = [top-k of sort-desc(p_zs) ‖ top-k of sort-desc(temp_scale(logits, T))]   (2k values)
 * where p_zs is the unseen classifier's softmax (not temperature-scaled) and `logits` are the
 * full-width seen-classifier (Shift-GCN `*_out.npy`) logits. A logistic regression (C = 1, lbfgs,
 * multinomial, max_iter 5000) maps them to P(unseen) (class 0) and P(seen) (class 1).
 *
 * Training data (phase-val outputs): label 0 = the val folder's ztest samples (pseudo-unseen),
 * label 1 = its val samples (seen). For every candidate temperature the code draws a fresh
 * gate-validation hold-out of ⌊n/5⌋ rows per group and shuffles the remaining training rows;
 * we do the same from one `Random(seed)` stream. The code seeds numpy with 5; numpy's Mersenne
 * Twister stream is not reproduced here, so the held-out rows (and hence the fitted gate) differ
 * from the published run even for seed 5.
 *
 * Threshold semantics (two different rules in the code, kept as written):
 *   gate validation (`gating_train.py`): predicted unseen iff P(unseen) > th;
 *   GZSL routing (`gating_eval.py`):      seen iff 1 − P(unseen) > th   (see lib/eval/gzsl.ts).
 * They agree at th = 0.5 (up to exact ties), the value the shipped scripts fix (`--th 50 --t 2`).
 */
import { FsvaeInputError, assertPositiveInteger } from '../util/assert';
import { Random } from '../util/random';
import { MatrixLike, MultinomialLogisticModel, checkMatrix, fitMultinomialLogistic, predictProbaMultinomial } from './logistic';

/** The constant the code adds before dividing by T; a no-op for the softmax up to rounding. */
export const TEMP_SCALE_OFFSET = 1e-12;
/** Temperatures tried when the temperature is searched (`range(1, 10)`). */
export const GATE_TEMPERATURES: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9];
/** Thresholds tried when the threshold is searched (`range(25, 75)` / 100). */
export const GATE_THRESHOLDS: readonly number[] = Array.from({ length: 50 }, (_, i) => (25 + i) / 100);
/** The shipped scripts' fixed values (`--th 50 --t 2`). */
export const REFERENCE_GATE_TEMPERATURE = 2;
export const REFERENCE_GATE_THRESHOLD = 0.5;

/**
 * temp_scale(x, T) = softmax((x + 1e-12) / T) per row. The code exponentiates without subtracting
 * the row maximum; we subtract it (softmax is shift-invariant, so the result is the same up to
 * rounding) so that large logits / small T give finite probabilities instead of Inf/Inf = NaN.
 */
export function tempScale(logits: MatrixLike, T: number, what = 'tempScale: logits'): Float64Array {
  checkMatrix(logits, what);
  checkTemperature(T, 'tempScale');
  const { rows, cols, data } = logits;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let zmax = -Infinity;
    for (let j = 0; j < cols; j++) {
      const z = (data[o + j] + TEMP_SCALE_OFFSET) / T;
      out[o + j] = z;
      if (z > zmax) zmax = z;
    }
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(out[o + j] - zmax);
      out[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < cols; j++) out[o + j] /= sum;
  }
  return out;
}

function checkTemperature(T: number, what: string): void {
  if (!(Number.isFinite(T) && T > 0)) throw new FsvaeInputError(`${what}: temperature must be a finite positive number, got ${T}.`);
}

function checkThreshold(th: number, what: string): void {
  if (!(Number.isFinite(th) && th > 0 && th < 1)) {
    throw new FsvaeInputError(`${what}: threshold must be in (0, 1) (a probability; the scripts' --th 50 means 0.5), got ${th}.`);
  }
}

/** Checks that p_zs rows are probability vectors (catches logits passed by mistake). */
function checkProbabilities(p: MatrixLike, what: string): void {
  checkMatrix(p, what);
  for (let i = 0; i < p.rows; i++) {
    let s = 0;
    for (let j = 0; j < p.cols; j++) {
      const v = p.data[i * p.cols + j];
      if (v < -1e-6 || v > 1 + 1e-6) {
        throw new FsvaeInputError(`${what}: row ${i}, column ${j} is ${v}, not a probability. Pass the unseen classifier's softmax output, not its logits.`);
      }
      s += v;
    }
    if (Math.abs(s - 1) > 1e-3) {
      throw new FsvaeInputError(`${what}: row ${i} sums to ${s}, not 1. Pass the unseen classifier's softmax output (one row per sample).`);
    }
  }
}

/** Writes the k largest values of row[0..len) in descending order into out[outOff..outOff+k). */
function topKDesc(src: ArrayLike<number>, off: number, len: number, k: number, out: Float64Array, outOff: number, scratch: Float64Array): void {
  for (let j = 0; j < len; j++) scratch[j] = src[off + j];
  const s = scratch.subarray(0, len).sort();
  for (let j = 0; j < k; j++) out[outOff + j] = s[len - 1 - j];
}

/**
 * Gate features, rows × 2k: [top-k sort-desc(p_zs) ‖ top-k sort-desc(temp_scale(logits, T))].
 * `what` prefixes error messages.
 */
export function gateFeatures(pZs: MatrixLike, logits: MatrixLike, k: number, T: number, what = 'gateFeatures'): MatrixLike & { data: Float64Array } {
  checkProbabilities(pZs, `${what}: pZs`);
  checkMatrix(logits, `${what}: logits`);
  checkTemperature(T, what);
  assertPositiveInteger(k, `${what}: k (number of unseen classes)`);
  if (pZs.rows !== logits.rows) {
    throw new FsvaeInputError(`${what}: pZs has ${pZs.rows} rows but logits has ${logits.rows}; both must hold the same samples in the same order.`);
  }
  if (k > pZs.cols) {
    throw new FsvaeInputError(
      `${what}: k = ${k} exceeds the width ${pZs.cols} of pZs (the unseen classifier has ${pZs.cols} outputs). ` + 'k must be the number of unseen classes.',
    );
  }
  if (k > logits.cols) {
    throw new FsvaeInputError(`${what}: k = ${k} exceeds the width ${logits.cols} of the seen-classifier logits. Pass the full-width *_out logits.`);
  }
  const probs = tempScale(logits, T, `${what}: logits`);
  const n = pZs.rows;
  const out = new Float64Array(n * 2 * k);
  const scratch = new Float64Array(Math.max(pZs.cols, logits.cols));
  for (let i = 0; i < n; i++) {
    topKDesc(pZs.data, i * pZs.cols, pZs.cols, k, out, i * 2 * k, scratch);
    topKDesc(probs, i * logits.cols, logits.cols, k, out, i * 2 * k + k, scratch);
  }
  return { rows: n, cols: 2 * k, data: out };
}

export interface TrainGateInput {
  /** unseen-classifier softmax on the pseudo-unseen samples (val folder's ztest), n_u × k' (k' ≥ k) */
  pZsUnseen: MatrixLike;
  /** seen-classifier logits on the same samples (`ztest_out.npy`), n_u × C */
  logitsUnseen: MatrixLike;
  /** unseen-classifier softmax on the seen samples (`val.npy`), n_s × k' */
  pZsSeen: MatrixLike;
  /** seen-classifier logits on the same samples (`val_out.npy`), n_s × C */
  logitsSeen: MatrixLike;
  /** number of unseen classes (top-k width of each feature half) */
  k: number;
  /** a fixed temperature, or 'search' over GATE_TEMPERATURES */
  temperature: number | 'search';
  /** a fixed threshold on P(unseen), or 'search' over GATE_THRESHOLDS */
  threshold: number | 'search';
  seed: number;
  /** logistic-regression C (default 1) */
  C?: number;
  /** L-BFGS iteration cap (default 5000) */
  maxIter?: number;
  /** gradient tolerance, see LogisticFitOptions.tol */
  tol?: number;
}

export interface GateCandidate {
  temperature: number;
  /** best threshold for this temperature (or the fixed one) */
  threshold: number;
  validationAccuracy: number;
  trainAccuracy: number;
}

export interface TrainedGate {
  model: MultinomialLogisticModel;
  k: number;
  temperature: number;
  threshold: number;
  /** gate-validation accuracy of the chosen (T, threshold): unseen iff P(unseen) > threshold */
  validationAccuracy: number;
  /** training accuracy of the chosen model (argmax rule, as `model.predict` in the code) */
  trainAccuracy: number;
  /** one entry per temperature tried, in order */
  candidates: GateCandidate[];
  /** rows per group: training and held-out */
  sizes: { trainUnseen: number; trainSeen: number; valUnseen: number; valSeen: number };
}

/**
 * Threshold search on held-out rows: accuracy of "unseen iff P(unseen) > th" against labels
 * (0 = unseen, 1 = seen). Ties keep the first (smallest) threshold, as the code's strict `>` does.
 */
export function searchThreshold(pUnseen: ArrayLike<number>, labels: ArrayLike<number>, thresholds: readonly number[]): { threshold: number; accuracy: number } {
  if (pUnseen.length !== labels.length || pUnseen.length === 0) {
    throw new FsvaeInputError(`searchThreshold: ${pUnseen.length} probabilities and ${labels.length} labels; need the same positive number.`);
  }
  if (thresholds.length === 0) throw new FsvaeInputError('searchThreshold: no thresholds to try.');
  let best = -Infinity;
  let bestTh = thresholds[0];
  for (const th of thresholds) {
    let correct = 0;
    for (let i = 0; i < pUnseen.length; i++) {
      const predictedLabel = pUnseen[i] > th ? 0 : 1;
      if (predictedLabel === labels[i]) correct++;
    }
    const acc = correct / pUnseen.length;
    if (acc > best) {
      best = acc;
      bestTh = th;
    }
  }
  return { threshold: bestTh, accuracy: best };
}

function selectRows(m: MatrixLike & { data: Float64Array }, rows: ArrayLike<number>, out: Float64Array, outRow: number): void {
  const c = m.cols;
  for (let r = 0; r < rows.length; r++) out.set(m.data.subarray(rows[r] * c, rows[r] * c + c), (outRow + r) * c);
}

/**
 * Trains the gate as `gating_train.py` does: for each temperature (fixed or 1..9), build the
 * features, draw the ⌊n/5⌋ hold-outs, fit the logistic regression on the shuffled remainder,
 * pick the threshold on the hold-out; keep the temperature with the best hold-out accuracy
 * (strictly better replaces, so ties keep the smaller temperature).
 */
export function trainGate(input: TrainGateInput): TrainedGate {
  const { pZsUnseen, logitsUnseen, pZsSeen, logitsSeen, k, seed } = input;
  const what = 'trainGate';
  assertPositiveInteger(k, `${what}: k (number of unseen classes)`);
  if (!Number.isFinite(seed)) throw new FsvaeInputError(`${what}: seed must be a finite number, got ${seed}.`);
  checkMatrix(logitsUnseen, `${what}: logitsUnseen`);
  checkMatrix(logitsSeen, `${what}: logitsSeen`);
  if (logitsUnseen.cols !== logitsSeen.cols) {
    throw new FsvaeInputError(
      `${what}: logitsUnseen has ${logitsUnseen.cols} columns but logitsSeen has ${logitsSeen.cols}; ` +
        'both come from the same seen classifier (ztest_out.npy / val_out.npy).',
    );
  }
  checkMatrix(pZsUnseen, `${what}: pZsUnseen`);
  checkMatrix(pZsSeen, `${what}: pZsSeen`);
  if (pZsUnseen.cols !== pZsSeen.cols) {
    throw new FsvaeInputError(`${what}: pZsUnseen has ${pZsUnseen.cols} columns but pZsSeen has ${pZsSeen.cols}; both come from the same unseen classifier.`);
  }
  for (const [name, n] of [
    ['unseen', pZsUnseen.rows],
    ['seen', pZsSeen.rows],
  ] as const) {
    if (n < 5) throw new FsvaeInputError(`${what}: the ${name} group has ${n} samples; the ⌊n/5⌋ hold-out needs at least 5.`);
  }
  const temps = input.temperature === 'search' ? GATE_TEMPERATURES : [input.temperature];
  if (input.temperature !== 'search') checkTemperature(input.temperature, what);
  const ths = input.threshold === 'search' ? GATE_THRESHOLDS : [input.threshold];
  if (input.threshold !== 'search') checkThreshold(input.threshold, what);

  const nU = pZsUnseen.rows;
  const nS = pZsSeen.rows;
  const vU = Math.floor(nU / 5);
  const vS = Math.floor(nS / 5);
  const tU = nU - vU;
  const tS = nS - vS;
  const rng = new Random(seed);
  const candidates: GateCandidate[] = [];
  let best: { model: MultinomialLogisticModel; cand: GateCandidate } | null = null;

  for (const T of temps) {
    const fU = gateFeatures(pZsUnseen, logitsUnseen, k, T, `${what}: unseen group`);
    const fS = gateFeatures(pZsSeen, logitsSeen, k, T, `${what}: seen group`);
    const valU = rng.sampleWithoutReplacement(nU, vU);
    const valS = rng.sampleWithoutReplacement(nS, vS);
    const trainU = complement(nU, valU);
    const trainS = complement(nS, valS);
    const d = 2 * k;

    // Training rows [unseen; seen] (labels 0, 1), then shuffled.
    const nTrain = tU + tS;
    const trainX = new Float64Array(nTrain * d);
    selectRows(fU, trainU, trainX, 0);
    selectRows(fS, trainS, trainX, tU);
    const trainY = new Int32Array(nTrain);
    trainY.fill(1, tU);
    const perm = rng.permutation(nTrain);
    const shufX = new Float64Array(nTrain * d);
    const shufY = new Int32Array(nTrain);
    for (let r = 0; r < nTrain; r++) {
      shufX.set(trainX.subarray(perm[r] * d, perm[r] * d + d), r * d);
      shufY[r] = trainY[perm[r]];
    }
    const model = fitMultinomialLogistic({ rows: nTrain, cols: d, data: shufX }, shufY, {
      numClasses: 2,
      C: input.C ?? 1,
      maxIter: input.maxIter ?? 5000,
      tol: input.tol,
    });

    const valX = new Float64Array((vU + vS) * d);
    selectRows(fU, valU, valX, 0);
    selectRows(fS, valS, valX, vU);
    const valY = new Int32Array(vU + vS);
    valY.fill(1, vU);
    const pVal = predictProbaMultinomial(model, { rows: vU + vS, cols: d, data: valX });
    const pUnseenVal = new Float64Array(vU + vS);
    for (let r = 0; r < vU + vS; r++) pUnseenVal[r] = pVal[2 * r];
    const { threshold, accuracy } = searchThreshold(pUnseenVal, valY, ths);

    // `model.predict` on the (unshuffled) training rows: argmax, ties to class 0.
    const pTrain = predictProbaMultinomial(model, { rows: nTrain, cols: d, data: trainX });
    let trainCorrect = 0;
    for (let r = 0; r < nTrain; r++) if ((pTrain[2 * r + 1] > pTrain[2 * r] ? 1 : 0) === trainY[r]) trainCorrect++;

    const cand: GateCandidate = { temperature: T, threshold, validationAccuracy: accuracy, trainAccuracy: trainCorrect / nTrain };
    candidates.push(cand);
    if (best === null || cand.validationAccuracy > best.cand.validationAccuracy) best = { model, cand };
  }
  const chosen = best!;
  return {
    model: chosen.model,
    k,
    temperature: chosen.cand.temperature,
    threshold: chosen.cand.threshold,
    validationAccuracy: chosen.cand.validationAccuracy,
    trainAccuracy: chosen.cand.trainAccuracy,
    candidates,
    sizes: { trainUnseen: tU, trainSeen: tS, valUnseen: vU, valSeen: vS },
  };
}

/** Sorted indices of [0, n) not in `drop`. */
function complement(n: number, drop: ArrayLike<number>): Int32Array {
  const mask = new Uint8Array(n);
  for (let i = 0; i < drop.length; i++) mask[drop[i]] = 1;
  const out = new Int32Array(n - drop.length);
  let o = 0;
  for (let i = 0; i < n; i++) if (!mask[i]) out[o++] = i;
  return out;
}

/** The parts of a trained gate that applying it needs. */
export type GateLike = Pick<TrainedGate, 'model' | 'k' | 'temperature'>;

/** P(unseen) per row for new samples (p_zs of the unseen classifier, full-width logits). */
export function applyGate(gate: GateLike, pZs: MatrixLike, logits: MatrixLike): Float64Array {
  const what = 'applyGate';
  if (gate.model.numClasses !== 2 || gate.model.numFeatures !== 2 * gate.k) {
    throw new FsvaeInputError(
      `${what}: the gate model has ${gate.model.numClasses} classes and ${gate.model.numFeatures} features; ` +
        `expected 2 classes and 2k = ${2 * gate.k} features. Pass a gate from trainGate.`,
    );
  }
  const feats = gateFeatures(pZs, logits, gate.k, gate.temperature, what);
  const p = predictProbaMultinomial(gate.model, feats);
  const out = new Float64Array(feats.rows);
  for (let r = 0; r < feats.rows; r++) out[r] = p[2 * r];
  return out;
}
