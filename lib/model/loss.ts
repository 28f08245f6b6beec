/**
 * The FS-VAE training loss of one batch (Eq. 8 = Eq. 7 + α·L_Align), as a differentiable tfjs
 * expression of the model's variables — the model's `forward(x, targets)`. The autodiff stage-2
 * engine minimises it; the fused engine (lib/train/fused-step.ts) computes the same loss and its
 * gradient by hand from the same term definitions (lib/losses), and tests hold the two equal.
 */
import * as tf from '@tensorflow/tfjs';
import { PrecomputedBands } from '../frequency/enhancer';
import { AlignmentForm, AlignmentSide, alignmentLoss, klDivergence, mseMean } from '../losses';
import { FsvaeModel, Posterior, ReparameterisationMode, reparameterise } from './fsvae';

/** One batch: skeleton features, the class text features of each sample, and the class labels. */
export interface LossBatch {
  /** f_s (B×Ds). */
  xs: tf.Tensor2D;
  /** f_t of each sample's class (B×Dt). */
  xt: tf.Tensor2D;
  /** class of each sample (B, int32): row of the text table. */
  y: tf.Tensor1D;
  /** band components of the whole text table (C rows), precomputed by the text FM. */
  textBands: PrecomputedBands;
}

/** The random draws of the step: ε of both reparameterisations and the in-batch negatives i⁻. */
export interface LossNoise {
  epsSkeleton: Float64Array;
  epsText: Float64Array;
  negatives: Int32Array;
  skeletonNegatives: Int32Array | null;
}

/** The step's weights (from the schedule): β of each KL, whether the alignment window is open, its coefficient and form. */
export interface LossWeights {
  betaSkeleton: number;
  betaText: number;
  alignActive: boolean;
  alignCoefficient: number;
  alignment: AlignmentForm;
  reparameterisation: ReparameterisationMode;
}

export interface LossParts {
  total: number;
  reconstruction: number;
  kl: number;
  alignment: number;
}

/** The loss terms as tensors (total is the loss itself): read with readLossParts when needed. */
export type LossPartTensors = { [K in keyof LossParts]: tf.Scalar };

/** The terms' values, read asynchronously (a GPU backend has no synchronous read); host numbers pass through. */
export async function readLossParts(parts: LossParts | LossPartTensors): Promise<LossParts> {
  if (typeof parts.total === 'number') return parts as LossParts;
  const { total, reconstruction, kl, alignment } = parts as LossPartTensors;
  const [t, r, k, a] = await Promise.all([total, reconstruction, kl, alignment].map((x) => x.data()));
  return { total: t[0], reconstruction: r[0], kl: k[0], alignment: a[0] };
}

export function fsvaeLoss(model: FsvaeModel, batch: LossBatch, noise: LossNoise, w: LossWeights): { loss: tf.Scalar; parts: LossPartTensors } {
  const { xs, xt, y } = batch;
  // Eq. 1-4 then the encoders: the text posterior of every class once (C rows), looked up per sample
  const ptAll = model.textEncoder.fromEnhanced(model.textEncoder.frequency.applyPrecomputed(batch.textBands));
  const ps = model.skeletonEncoder.apply(xs);
  const pt: Posterior = { mu: tf.gather(ptAll.mu, y) as tf.Tensor2D, logvar: tf.gather(ptAll.logvar, y) as tf.Tensor2D };
  const zs = reparameterise(ps, noise.epsSkeleton, w.reparameterisation);
  const zt = reparameterise(pt, noise.epsText, w.reparameterisation);
  let sHat: tf.Tensor2D,
    tHat: tf.Tensor2D,
    sTilde: tf.Tensor2D | null = null,
    tTilde: tf.Tensor2D | null = null;
  if (w.alignActive) {
    // self and cross reconstructions through one decoder call each: Dec_s([z_s; z_t]), Dec_t([z_t; z_s])
    [sHat, sTilde] = tf.split(model.skeletonDecoder.apply(tf.concat([zs, zt], 0) as tf.Tensor2D), 2, 0) as [tf.Tensor2D, tf.Tensor2D];
    [tHat, tTilde] = tf.split(model.textDecoder.apply(tf.concat([zt, zs], 0) as tf.Tensor2D), 2, 0) as [tf.Tensor2D, tf.Tensor2D];
  } else {
    sHat = model.skeletonDecoder.apply(zs);
    tHat = model.textDecoder.apply(zt);
  }
  const rec = tf.add(mseMean(xs, sHat), mseMean(xt, tHat)); // Eq. 7, reconstruction
  let kl: tf.Scalar = tf.scalar(0);
  if (w.betaSkeleton > 0) kl = tf.add(kl, tf.mul(w.betaSkeleton, klDivergence(ps.mu, ps.logvar)));
  if (w.betaText > 0) kl = tf.add(kl, tf.mul(w.betaText, klDivergence(pt.mu, pt.logvar)));
  let al: tf.Scalar = tf.scalar(0);
  if (w.alignActive && sTilde && tTilde) {
    // Eq. 6 / the code's form / L_T1-L_T4 / cross-reconstruction (lib/losses/alignment.ts)
    const textSide: AlignmentSide = { anchor: xt, reconstruction: tTilde, negatives: noise.negatives };
    const skelSide: AlignmentSide = { anchor: xs, reconstruction: sTilde, negatives: noise.skeletonNegatives };
    al = tf.mul(w.alignCoefficient, alignmentLoss(w.alignment, textSide, skelSide));
  }
  const loss = tf.add(tf.add(rec, kl), al) as tf.Scalar; // Eq. 8: L_VAE + α·L_Align
  return { loss, parts: { reconstruction: rec as tf.Scalar, kl, alignment: al, total: loss } };
}
