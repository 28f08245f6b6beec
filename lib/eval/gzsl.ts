/**
 * GZSL evaluation with the hard seen/unseen gate (REFERENCE §1.4 and §5, `gating_eval.py`).
 *
 * For each gtest sample:
 *   routed seen  iff 1 − P_gate(unseen) > threshold        (rule 'reference', as the code)
 *   seen   → prediction = argmax of the seen-classifier logits over the seen class ids
 *   unseen → prediction = unseenIds[argmax p_zs], unseenIds sorted ascending (the unseen
 *            classifier's outputs follow the sorted unseen index list)
 * S = per-sample accuracy over samples whose true class is seen, U = the same over unseen-class
 * samples, H = 2SU / (S + U) (paper Sec. 4.2; 0 when S = U = 0).
 *
 * The code takes the seen argmax over temp_scale(logits, T) restricted to seen_inds; softmax is
 * monotone, so the argmax of the raw logits is the same (ties: first in `seenIds` order). The
 * probability mixture the code also computes (`prob_seen`, `prob_unseen`) is unused there and
 * omitted here. Rule 'consistent' routes to seen iff P(unseen) ≤ threshold, the rule the gate's
 * threshold search used (`gating_train.py`); both agree at threshold 0.5 except for exact ties.
 */
import { FsvaeInputError } from '../util/assert';
import { MatrixLike, checkMatrix } from './logistic';
import { GateLike, applyGate } from './gate';
import { ConfusionMatrix, PerClassAccuracy, confusionMatrix, harmonicMean, perClassAccuracy } from './metrics';

export type GzslRoutingRule = 'reference' | 'consistent';

export interface GzslInput {
  /** P(unseen) from the gate, one per sample (applyGate) */
  pUnseen: ArrayLike<number>;
  /** threshold of the routing rule */
  threshold: number;
  /** unseen-classifier softmax, n × |unseenIds| (columns follow the sorted unseen ids) */
  pZs: MatrixLike;
  /** seen-classifier logits, n × C (full width, e.g. `gtest_out.npy`) */
  logits: MatrixLike;
  /** true class id per sample, in [0, C) */
  labels: ArrayLike<number>;
  /** seen class ids; order only breaks argmax ties */
  seenIds: readonly number[];
  /** unseen class ids (sorted internally) */
  unseenIds: readonly number[];
  /** default 'reference' */
  rule?: GzslRoutingRule;
}

export interface GzslResult {
  /** S: accuracy over samples of seen classes */
  seenAccuracy: number;
  /** U: accuracy over samples of unseen classes */
  unseenAccuracy: number;
  /** H = 2SU/(S+U) */
  harmonicMean: number;
  numSeenSamples: number;
  numUnseenSamples: number;
  seenCorrect: number;
  unseenCorrect: number;
  /** predicted class id per sample */
  predictions: Int32Array;
  /** 1 where the gate routed the sample to the seen expert */
  routedSeen: Uint8Array;
  /** the gate's own routing quality against the true seen/unseen membership */
  gate: {
    /** fraction of all samples routed to the right expert */
    accuracy: number;
    /** fraction of seen-class samples routed to seen */
    seenRecall: number;
    /** fraction of unseen-class samples routed to unseen */
    unseenRecall: number;
  };
  /** per-class accuracy over the classes of seenIds ∪ unseenIds that occur in labels (ascending id) */
  perClass: PerClassAccuracy[];
  /** true × predicted over all classes of seenIds ∪ unseenIds (ascending id) */
  confusion: ConfusionMatrix;
  threshold: number;
  rule: GzslRoutingRule;
}

function checkIds(ids: readonly number[], C: number, what: string): void {
  if (!Array.isArray(ids) && !ArrayBuffer.isView(ids)) throw new FsvaeInputError(`evaluateGzsl: ${what} must be an array of class ids.`);
  if (ids.length === 0) throw new FsvaeInputError(`evaluateGzsl: ${what} is empty; GZSL needs at least one seen and one unseen class.`);
  const dup = new Set<number>();
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= C) {
      throw new FsvaeInputError(`evaluateGzsl: ${what} contains ${id}, not a class id in [0, ${C}) (C = width of the seen-classifier logits).`);
    }
    if (dup.has(id)) throw new FsvaeInputError(`evaluateGzsl: ${what} lists class ${id} twice.`);
    dup.add(id);
  }
}

/** Hard-gated GZSL predictions and S / U / H. */
export function evaluateGzsl(input: GzslInput): GzslResult {
  const { pUnseen, threshold, pZs, logits, labels, seenIds } = input;
  const rule = input.rule ?? 'reference';
  if (rule !== 'reference' && rule !== 'consistent') throw new FsvaeInputError(`evaluateGzsl: rule must be 'reference' or 'consistent', got ${String(rule)}.`);
  checkMatrix(pZs, 'evaluateGzsl: pZs');
  checkMatrix(logits, 'evaluateGzsl: logits');
  if (!(Number.isFinite(threshold) && threshold > 0 && threshold < 1)) {
    throw new FsvaeInputError(`evaluateGzsl: threshold must be in (0, 1), got ${threshold}.`);
  }
  const n = logits.rows;
  const C = logits.cols;
  if (n === 0) throw new FsvaeInputError('evaluateGzsl: no samples (logits has 0 rows).');
  if (pZs.rows !== n)
    throw new FsvaeInputError(`evaluateGzsl: pZs has ${pZs.rows} rows but logits has ${n}; ` + 'both must hold the same samples in the same order.');
  if (!pUnseen || pUnseen.length !== n) throw new FsvaeInputError(`evaluateGzsl: pUnseen has ${pUnseen ? pUnseen.length : 'no'} values for ${n} samples.`);
  if (!labels || labels.length !== n) throw new FsvaeInputError(`evaluateGzsl: labels has ${labels ? labels.length : 'no'} values for ${n} samples.`);
  for (let i = 0; i < n; i++) {
    const p = pUnseen[i];
    if (!(Number.isFinite(p) && p >= 0 && p <= 1)) throw new FsvaeInputError(`evaluateGzsl: pUnseen[${i}] is ${p}, not a probability in [0, 1].`);
  }
  checkIds(seenIds, C, 'seenIds');
  checkIds(input.unseenIds, C, 'unseenIds');
  const unseenIds = [...input.unseenIds].sort((a, b) => a - b);
  const seenSet = new Set(seenIds);
  for (const u of unseenIds) {
    if (seenSet.has(u)) throw new FsvaeInputError(`evaluateGzsl: class ${u} is listed as both seen and unseen.`);
  }
  if (pZs.cols !== unseenIds.length) {
    throw new FsvaeInputError(
      `evaluateGzsl: pZs has ${pZs.cols} columns but there are ${unseenIds.length} unseen classes; ` +
        'the unseen classifier must have one output per unseen class.',
    );
  }
  const unseenSet = new Set(unseenIds);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!seenSet.has(y) && !unseenSet.has(y)) {
      throw new FsvaeInputError(
        `evaluateGzsl: label #${i} is ${y}, which is neither a seen nor an unseen class id. ` + "Check the split's class lists against the label file.",
      );
    }
  }

  const predictions = new Int32Array(n);
  const routedSeen = new Uint8Array(n);
  let seenCorrect = 0,
    unseenCorrect = 0,
    numSeen = 0,
    numUnseen = 0;
  let routedRight = 0,
    seenRoutedSeen = 0,
    unseenRoutedUnseen = 0;
  for (let i = 0; i < n; i++) {
    const toSeen = rule === 'reference' ? 1 - pUnseen[i] > threshold : pUnseen[i] <= threshold;
    let pred: number;
    if (toSeen) {
      let bi = seenIds[0];
      let bv = logits.data[i * C + bi];
      for (let j = 1; j < seenIds.length; j++) {
        const v = logits.data[i * C + seenIds[j]];
        if (v > bv) {
          bv = v;
          bi = seenIds[j];
        }
      }
      pred = bi;
    } else {
      let bj = 0;
      let bv = pZs.data[i * pZs.cols];
      for (let j = 1; j < pZs.cols; j++) {
        const v = pZs.data[i * pZs.cols + j];
        if (v > bv) {
          bv = v;
          bj = j;
        }
      }
      pred = unseenIds[bj];
    }
    predictions[i] = pred;
    routedSeen[i] = toSeen ? 1 : 0;
    const y = labels[i];
    if (seenSet.has(y)) {
      numSeen++;
      if (pred === y) seenCorrect++;
      if (toSeen) {
        seenRoutedSeen++;
        routedRight++;
      }
    } else {
      numUnseen++;
      if (pred === y) unseenCorrect++;
      if (!toSeen) {
        unseenRoutedUnseen++;
        routedRight++;
      }
    }
  }
  if (numSeen === 0 || numUnseen === 0) {
    throw new FsvaeInputError(
      `evaluateGzsl: the labels contain ${numSeen} seen-class and ${numUnseen} unseen-class samples; ` + 'S and U need both (pass the gtest set).',
    );
  }
  const S = seenCorrect / numSeen;
  const U = unseenCorrect / numUnseen;
  const classes = [...seenIds, ...unseenIds].sort((a, b) => a - b);
  return {
    seenAccuracy: S,
    unseenAccuracy: U,
    harmonicMean: harmonicMean(S, U),
    numSeenSamples: numSeen,
    numUnseenSamples: numUnseen,
    seenCorrect,
    unseenCorrect,
    predictions,
    routedSeen,
    gate: { accuracy: routedRight / n, seenRecall: seenRoutedSeen / numSeen, unseenRecall: unseenRoutedUnseen / numUnseen },
    perClass: perClassAccuracy(labels, predictions, classes),
    confusion: confusionMatrix(labels, predictions, classes),
    threshold,
    rule,
  };
}

/** Applies a trained gate (its temperature and threshold) and evaluates GZSL. */
export function evaluateGzslWithGate(
  gate: GateLike & { threshold: number },
  data: Omit<GzslInput, 'pUnseen' | 'threshold'> & { threshold?: number },
): GzslResult {
  const pUnseen = applyGate(gate, data.pZs, data.logits);
  return evaluateGzsl({ ...data, pUnseen, threshold: data.threshold ?? gate.threshold });
}
