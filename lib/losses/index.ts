/**
 * The losses of FS-VAE (paper Sec. 3.4, App. E) and of its baseline (MSF-GZSSAR).
 * Notation of Eq. 6: f_t(i), f_s(i) are a sample's text and skeleton features; g_t^s(i) is the text
 * reconstructed from the skeleton latent (t̃ = Dec_t(z_s)), g_s^t(i) the skeleton reconstructed from
 * the text latent (s̃ = Dec_s(z_t)); i⁻ is the in-batch negative of i.
 */
import * as tf from '@tensorflow/tfjs';

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

/** Cross-reconstruction MSE(f_s, s̃) + MSE(f_t, t̃): the MSF baseline's alignment (commented out in FS-VAE). */
export function crossReconstruction(fs: tf.Tensor2D, sTilde: tf.Tensor2D, ft: tf.Tensor2D, tTilde: tf.Tensor2D): tf.Scalar {
  return tf.add(mseMean(fs, sTilde), mseMean(ft, tTilde));
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
 * Calibrated alignment term of one side, mean_i σ((pos_i − neg_i)/λ) = mean_i 1/(1 + exp((neg_i − pos_i)/λ))
 * (Eq. 6 / Eq. 11). Without negatives (the code's skeleton side) it is mean_i σ(pos_i/λ).
 */
export function calibratedTerm(side: AlignmentSide, lambda: number): tf.Scalar {
  const { pos, neg } = positiveNegativeDistances(side);
  const a = neg ? tf.sub(pos, neg) : pos;
  return tf.mean(tf.sigmoid(tf.div(a, lambda)));
}

/** ℓ(a) = 1/(1 + e^{−a}) — the sigmoid of Eq. 11, symmetric: ℓ(a) + ℓ(−a) = 1 (the property behind Theorem 1). */
export function calibratedSigmoid(a: number): number {
  return 1 / (1 + Math.exp(-a));
}

/** Eq. 6: L_Align = (λ/B)Σσ(·)_text + (λ/B)Σσ(·)_skeleton, both sides with negatives. */
export function calibratedAlignmentPaper(text: AlignmentSide, skeleton: AlignmentSide, lambda: number): tf.Scalar {
  return tf.mul(lambda, tf.add(calibratedTerm(text, lambda), calibratedTerm(skeleton, lambda)));
}

/**
 * The public code's form: text side with a random-permutation negative, skeleton side without
 * negatives; returned WITHOUT the coefficient (the trainer multiplies by λ·α inside the alignment window).
 */
export function calibratedAlignmentReference(text: AlignmentSide, skeletonAnchor: tf.Tensor2D, skeletonReconstruction: tf.Tensor2D, lambda: number): tf.Scalar {
  return tf.add(calibratedTerm(text, lambda), calibratedTerm({ anchor: skeletonAnchor, reconstruction: skeletonReconstruction, negatives: null }, lambda));
}

export type TripletVariant = 'T1' | 'T2' | 'T3' | 'T4';

function tripletSide(variant: TripletVariant, side: AlignmentSide, lambda: number, margin: number): tf.Scalar {
  const { pos, neg } = positiveNegativeDistances(side);
  if (!neg) throw new Error('triplet losses need negatives on both sides');
  switch (variant) {
    case 'T1': // Eq. 25: max(pos − neg + m, 0)
      return tf.mean(tf.relu(tf.add(tf.sub(pos, neg), margin)));
    case 'T2': // Eq. 26: log 1/(1 + exp((neg − pos)/λ)) = −softplus((neg − pos)/λ) (as printed: unbounded below)
      // (not tf.logSigmoid: its gradient in tfjs 4.22 reads an already-freed input when that input is computed)
      return tf.mean(tf.neg(tf.softplus(tf.div(tf.sub(neg, pos), lambda))));
    case 'T3': { // Eq. 27: λ·(e^{‖·‖₂,pos} / (e^{‖·‖₂,pos} + e^{‖·‖₂,neg}))², with unsquared norms
      const dp = tf.sqrt(pos);
      const dn = tf.sqrt(neg);
      const ratio = tf.sigmoid(tf.sub(dp, dn)); // e^a/(e^a + e^b) = σ(a − b), stable
      return tf.mul(lambda, tf.mean(tf.square(ratio)));
    }
    case 'T4': // Eq. 28: max(1 − neg/(pos + m), 0)
      return tf.mean(tf.relu(tf.sub(1, tf.div(neg, tf.add(pos, margin)))));
  }
}

/** Triplet-style alignment losses L_T1 … L_T4 (App. E.2, Eq. 25-28) for Table 9: text side + skeleton side. */
export function tripletAlignment(variant: TripletVariant, text: AlignmentSide, skeleton: AlignmentSide, lambda: number, margin: number): tf.Scalar {
  return tf.add(tripletSide(variant, text, lambda, margin), tripletSide(variant, skeleton, lambda, margin));
}
