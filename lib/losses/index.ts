/**
 * The losses of FS-VAE (paper Sec. 3.4, App. E) and of its baseline (MSF-GZSSAR).
 * Notation of Eq. 6: f_t(i), f_s(i) are a sample's text and skeleton features; g_t^s(i) is the text
 * reconstructed from the skeleton latent (t̃ = Dec_t(z_s)), g_s^t(i) the skeleton reconstructed from
 * the text latent (s̃ = Dec_s(z_t)); i⁻ is the in-batch negative of i.
 */
import * as tf from '@tensorflow/tfjs';
import { AlignmentForm, AlignmentSideForm, TripletVariant, alignmentForm } from './alignment';
import { hostMemoryKind } from '../runtime/host-memory';
import { PairTermName, PairTermParams, pairTerm, sigmoid } from './pair-terms';

export * from './alignment';
export { pairTerm, sigmoid, softplus } from './pair-terms';
export type { PairTermName, PairTermParams } from './pair-terms';

/** nn.MSELoss: mean over batch and dims (the reconstruction term of Eq. 7). */
export function mseMean(target: tf.Tensor2D, reconstruction: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.squaredDifference(target, reconstruction));
}

/** KL(N(μ, σ²) ‖ N(0, I)) summed over latent dims, averaged over the batch (Eq. 7's D_KL). */
export function klDivergence(mu: tf.Tensor2D, logvar: tf.Tensor2D): tf.Scalar {
  const perElement = tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), tf.add(1, logvar));
  return tf.div(tf.mul(0.5, tf.sum(perElement)), mu.shape[0]);
}

/** Row-wise squared distance ‖a_i − b_i‖² (sum over feature dims). */
export function rowSquaredDistance(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.squaredDifference(a, b), 1);
}

/** One side of an alignment loss: anchor features, their cross reconstructions, and the negative index of each row. */
export interface AlignmentSide {
  /** f(i): the raw features (B×D). */
  anchor: tf.Tensor2D;
  /** g(i): the cross reconstructions of the same samples (B×D). */
  reconstruction: tf.Tensor2D;
  /** i⁻ for each i (length B); null: this side has no negatives (the code's skeleton side). */
  negatives: Int32Array | null;
}

/** pos_i = ‖f(i) − g(i)‖², neg_i = ‖f(i) − g(i⁻)‖². */
export function positiveNegativeDistances(side: AlignmentSide): { pos: tf.Tensor1D; neg: tf.Tensor1D | null } {
  const pos = rowSquaredDistance(side.anchor, side.reconstruction);
  if (!side.negatives) return { pos, neg: null };
  const gNeg = tf.gather(side.reconstruction, tf.tensor1d(side.negatives, 'int32')) as tf.Tensor2D;
  return { pos, neg: rowSquaredDistance(side.anchor, gNeg) };
}

/**
 * ℓ(pos_i, neg_i) per row as a differentiable tensor op. Where tensors live in JS memory (cpu,
 * wasm: hostMemoryKind) value and gradient come from pairTerm (./pair-terms.ts), the single
 * definition of every alignment term, evaluated on the host; elsewhere (a GPU) from
 * pairTermOnDevice, the same formulas as tensor ops, so no value leaves the device
 * (test/losses/pair-terms-device.test.ts holds the two equal). `onDevice` forces the second.
 */
export function pairTermTensor(
  term: PairTermName,
  pos: tf.Tensor1D,
  neg: tf.Tensor1D | null,
  params: PairTermParams,
  onDevice = !hostMemoryKind(),
): tf.Tensor1D {
  if (onDevice) return pairTermOnDevice(term, pos, neg ?? tf.zerosLike(pos), params);
  const op = tf.customGrad(((p: tf.Tensor, n: tf.Tensor, save: tf.GradSaveFunc) => {
    const pv = p.dataSync();
    const nv = n.dataSync();
    const value = new Float32Array(pv.length);
    const dPos = new Float32Array(pv.length);
    const dNeg = new Float32Array(pv.length);
    for (let i = 0; i < pv.length; i++) [value[i], dPos[i], dNeg[i]] = pairTerm(term, pv[i], nv[i], params);
    save([tf.tensor1d(dPos), tf.tensor1d(dNeg)]);
    return { value: tf.tensor1d(value), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[0]), tf.mul(dy, saved[1])] };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(pos, neg ?? tf.zerosLike(pos)) as tf.Tensor1D;
}

/**
 * The terms of ./pair-terms.ts as tensor ops (derivatives by autodiff; relu' at the kink is 0 there
 * too): the form a GPU backend evaluates without reading values back to the host.
 */
export function pairTermOnDevice(term: PairTermName, pos: tf.Tensor1D, neg: tf.Tensor1D, p: PairTermParams): tf.Tensor1D {
  return pairTermOps(term, pos, neg, p) as tf.Tensor1D;
}

function pairTermOps(term: PairTermName, pos: tf.Tensor1D, neg: tf.Tensor1D, p: PairTermParams): tf.Tensor {
  switch (term) {
    case 'calibrated':
      return tf.sigmoid(tf.div(tf.sub(pos, neg), p.lambda));
    case 'calibrated-no-negative':
      return tf.sigmoid(tf.div(pos, p.lambda));
    case 'T1':
      return tf.relu(tf.add(tf.sub(pos, neg), p.margin));
    case 'T2':
      return tf.neg(tf.softplus(tf.div(tf.sub(neg, pos), p.lambda)));
    case 'T3':
      return tf.square(tf.sigmoid(tf.sub(tf.sqrt(pos), tf.sqrt(neg))));
    case 'T4':
      return tf.relu(tf.sub(1, tf.div(neg, tf.add(pos, p.margin))));
    case 'squared-distance':
      return pos;
  }
}

/** weight · mean_i ℓ(pos_i, neg_i) of one side in the given form. */
export function alignmentSideLoss(form: AlignmentSideForm, side: AlignmentSide): tf.Scalar {
  if (form.negatives && !side.negatives) throw new Error(`alignment term ${form.term} needs negatives on this side`);
  const { pos, neg } = positiveNegativeDistances(form.negatives ? side : { ...side, negatives: null });
  return tf.mul(form.weight, tf.mean(pairTermTensor(form.term, pos, neg, form.params)));
}

/** An alignment loss (./alignment.ts: Eq. 6, the code's form, L_T1-L_T4, cross-reconstruction): text side + skeleton side. */
export function alignmentLoss(form: AlignmentForm, text: AlignmentSide, skeleton: AlignmentSide): tf.Scalar {
  return tf.add(alignmentSideLoss(form.text, text), alignmentSideLoss(form.skeleton, skeleton));
}

/** Cross-reconstruction MSE(f_s, s̃) + MSE(f_t, t̃): the MSF baseline's alignment (commented out in FS-VAE). */
export function crossReconstruction(fs: tf.Tensor2D, sTilde: tf.Tensor2D, ft: tf.Tensor2D, tTilde: tf.Tensor2D): tf.Scalar {
  const form = alignmentForm('cross-reconstruction', 0, 0, { text: ft.shape[1], skeleton: fs.shape[1] });
  return alignmentLoss(form, { anchor: ft, reconstruction: tTilde, negatives: null }, { anchor: fs, reconstruction: sTilde, negatives: null });
}

/**
 * Calibrated alignment term of one side, mean_i σ((pos_i − neg_i)/λ) (Eq. 6 / Eq. 11); without
 * negatives (the code's skeleton side) mean_i σ(pos_i/λ).
 */
export function calibratedTerm(side: AlignmentSide, lambda: number): tf.Scalar {
  return alignmentSideLoss(
    {
      term: side.negatives ? 'calibrated' : 'calibrated-no-negative',
      params: { lambda, margin: 0 },
      weight: 1,
      negatives: !!side.negatives,
    },
    side,
  );
}

/** ℓ(a) = 1/(1 + e^{−a}) — the sigmoid of Eq. 11, symmetric: ℓ(a) + ℓ(−a) = 1 (the property behind Theorem 1). */
export const calibratedSigmoid = sigmoid;

/** Eq. 6: L_Align = (λ/B)Σσ(·)_text + (λ/B)Σσ(·)_skeleton, both sides with negatives. */
export function calibratedAlignmentPaper(text: AlignmentSide, skeleton: AlignmentSide, lambda: number): tf.Scalar {
  return alignmentLoss(alignmentForm('calibrated-paper', lambda, 0), text, skeleton);
}

/**
 * The public code's form: text side with a random-permutation negative, skeleton side without
 * negatives; returned WITHOUT the coefficient (the trainer multiplies by λ·α inside the alignment window).
 */
export function calibratedAlignmentReference(text: AlignmentSide, skeletonAnchor: tf.Tensor2D, skeletonReconstruction: tf.Tensor2D, lambda: number): tf.Scalar {
  return alignmentLoss(alignmentForm('calibrated-reference', lambda, 0), text, {
    anchor: skeletonAnchor,
    reconstruction: skeletonReconstruction,
    negatives: null,
  });
}

/** Triplet-style alignment losses L_T1 … L_T4 (App. E.2, Eq. 25-28) for Table 9: text side + skeleton side. */
export function tripletAlignment(variant: TripletVariant, text: AlignmentSide, skeleton: AlignmentSide, lambda: number, margin: number): tf.Scalar {
  return alignmentLoss(alignmentForm(`triplet-${variant}`, lambda, margin), text, skeleton);
}
