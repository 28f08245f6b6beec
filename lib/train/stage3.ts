/**
 * Stage 3: the unseen-class classifier of the public code (docs/paper-vs-code.md §3), trained
 * after every stage-2 cycle on latents sampled from the text encoder, and the ZSL accuracy of its
 * predictions on the skeleton encoder's means.
 */
import * as tf from '@tensorflow/tfjs';
import { FsvaeModel, Linear, Posterior, reparameterise } from '../model/fsvae';
import { Random } from '../util/random';
import { Adam } from './adam';
import { FsvaeConfig } from './config';
import { FeatureSet } from '../data/matrices';

/**
 * The values of the tensor `fn` builds, as a host array; intermediates freed. Read asynchronously,
 * so it works on a GPU backend too. (Returning a typed array from tf.tidy makes tfjs walk every
 * element looking for tensors: seconds for big arrays.)
 */
export async function hostArray(fn: () => tf.Tensor): Promise<Float32Array> {
  const t = tf.tidy(fn);
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/** Skeleton encoder means (with FM) of a feature set, in chunks. */
export function encodeSkeletonMeans(model: FsvaeModel, f: FeatureSet, chunk = 4096): tf.Tensor2D {
  return tf.tidy(() => {
    const parts: tf.Tensor2D[] = [];
    for (let r = 0; r < f.rows; r += chunk) {
      const n = Math.min(chunk, f.rows - r);
      const x = tf.tensor2d(f.features.subarray(r * f.dim, (r + n) * f.dim), [n, f.dim]);
      parts.push(model.skeletonEncoder.apply(x).mu);
    }
    return parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as tf.Tensor2D);
  });
}

/** PyTorch's default nn.Linear init: U(−1/√fan_in, 1/√fan_in) for weight and bias. */
function torchDefaultLinear(rng: Random, inDim: number, outDim: number, name: string): Linear {
  const bound = 1 / Math.sqrt(inDim);
  const w = new Float32Array(inDim * outDim).map(() => rng.range(-bound, bound));
  const lin = new Linear(inDim, outDim, w, name);
  const b = new Float32Array(outDim).map(() => rng.range(-bound, bound));
  tf.tidy(() => lin.bias.assign(tf.tensor1d(b)));
  return lin;
}

let classifierCount = 0;

/**
 * Stage 3: |unseen|·samplesPerClass text latents sampled once from Enc_t (with FM), a fresh
 * Linear + ReLU classifier trained full-batch with Adam and cross-entropy; returns softmax of
 * every evaluation set's skeleton μ.
 */
export async function trainUnseenClassifier(
  model: FsvaeModel,
  enhancedText: tf.Tensor2D,
  unseenSorted: number[],
  cfg: FsvaeConfig,
  rng: Random,
  evalSets: Record<string, FeatureSet>,
  chunk = 4096,
): Promise<Record<string, Float32Array>> {
  const ss = unseenSorted.length;
  const n = cfg.classifier.samplesPerClass;
  const L = cfg.latentDim;
  const clf = torchDefaultLinear(rng, L, ss, `clf${classifierCount++}`);
  const labels = new Int32Array(ss * n);
  for (let c = 0; c < ss; c++) labels.fill(c, c * n, (c + 1) * n);
  const z = tf.tidy(() => {
    const rows = tf.gather(enhancedText, tf.tensor1d(unseenSorted, 'int32')) as tf.Tensor2D;
    const post = model.textEncoder.fromEnhanced(rows);
    const rep = tf.tensor1d(labels, 'int32');
    const tiled: Posterior = { mu: tf.gather(post.mu, rep) as tf.Tensor2D, logvar: tf.gather(post.logvar, rep) as tf.Tensor2D };
    return reparameterise(tiled, rng, cfg.reparameterisation);
  });
  const onehot = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), ss).toFloat());
  const opt = new Adam(clf.variables, { learningRate: cfg.classifier.learningRate });
  for (let s = 0; s < cfg.classifier.steps; s++) {
    opt.minimize(() => tf.losses.softmaxCrossEntropy(onehot, tf.relu(clf.apply(z))) as tf.Scalar).dispose(); // no read: nothing waits on the device
  }
  const out: Record<string, Float32Array> = {};
  for (const [name, f] of Object.entries(evalSets)) {
    out[name] = await hostArray(() => tf.softmax(tf.relu(clf.apply(encodeSkeletonMeans(model, f, chunk)))));
  }
  opt.dispose();
  tf.dispose([z, onehot, ...clf.variables]);
  return out;
}

/** argmax of each row of a (rows × k) matrix; ties go to the lowest index (torch.argmax on CPU does too). */
export function argmaxRows(p: Float32Array, k: number): Int32Array {
  const rows = p.length / k;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[r * k + c] > p[r * k + best]) best = c;
    out[r] = best;
  }
  return out;
}

/** Per-sample accuracy of predictions over the sorted unseen classes. */
export function zslAccuracy(softmax: Float32Array, unseenSorted: number[], labels: Int32Array): number {
  const pred = argmaxRows(softmax, unseenSorted.length);
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (unseenSorted[pred[i]] === labels[i]) ok++;
  return ok / labels.length;
}
