/**
 * The FS-VAE model (paper Sec. 3, Fig. 2): two VAEs that share a latent space.
 *
 *   skeleton feature f_s ∈ R^Ds ──FM──► Enc_s ──► (μ_s, log σ_s²) ──z_s──► Dec_s ──► ŝ      (self)
 *   text feature     f_t ∈ R^Dt ──FM──► Enc_t ──► (μ_t, log σ_t²) ──z_t──► Dec_t ──► t̂      (self)
 *   cross: s̃ = Dec_s(z_t) (g_s^t in Eq. 6),  t̃ = Dec_t(z_s) (g_t^s in Eq. 6)
 *
 * FM is the Frequency Enhanced Module (Eq. 1-4, lib/frequency/enhancer.ts), applied to the encoder
 * input only; reconstruction targets are the raw inputs. As in the public code: each encoder is a
 * single Linear to μ and to log σ² (here fused into one matmul), decoders are Linear + ReLU,
 * Xavier-uniform init with gain 0.5, zero biases.
 */
import * as tf from '@tensorflow/tfjs';
import { FrequencyConfig, FrequencyEnhancer } from '../frequency/enhancer';
import { Random } from '../util/random';
import { FsvaeInputError } from '../util/assert';

export type ReparameterisationMode = 'reference' | 'per-dimension';

export interface FsvaeModelConfig {
  skeletonDim: number;
  textDim: number;
  latentDim: number;
  decoderActivation: 'relu' | 'linear';
  skeletonFrequency: FrequencyConfig;
  textFrequency: FrequencyConfig;
  /** 'reference': one ε per sample broadcast over latent dims (the public code); 'per-dimension': ε ~ N(0, I). */
  reparameterisation: ReparameterisationMode;
  initGain: number;
}

/** Xavier-uniform weights (gain · sqrt(6 / (fan_in + fan_out))) drawn from a seeded generator. */
export function xavierUniform(rng: Random, fanIn: number, fanOut: number, gain: number): Float32Array {
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  const w = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < w.length; i++) w[i] = rng.range(-bound, bound);
  return w;
}

/** y = x W + b. */
export class Linear {
  readonly weight: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;
  constructor(
    readonly inDim: number,
    readonly outDim: number,
    weights: Float32Array,
    name: string,
  ) {
    // tidy frees the initial values (a variable shares their storage; tidy never frees a variable)
    this.weight = tf.tidy(() => tf.variable(tf.tensor2d(weights, [inDim, outDim]), true, `${name}/W`));
    this.bias = tf.tidy(() => tf.variable(tf.zeros([outDim]), true, `${name}/b`));
  }
  static xavier(rng: Random, inDim: number, outDim: number, gain: number, name: string): Linear {
    return new Linear(inDim, outDim, xavierUniform(rng, inDim, outDim, gain), name);
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.weight), this.bias);
  }
  get variables(): tf.Variable[] {
    return [this.weight, this.bias] as tf.Variable[];
  }
}

export interface Posterior {
  mu: tf.Tensor2D;
  logvar: tf.Tensor2D;
}

/** FM → Linear to [μ ‖ log σ²] (two nn.Linear(in, L) of the code, one matmul here). */
export class Encoder {
  readonly frequency: FrequencyEnhancer;
  readonly head: Linear;
  constructor(
    readonly inDim: number,
    readonly latentDim: number,
    cfg: FsvaeModelConfig,
    freq: FrequencyConfig,
    rng: Random,
    name: string,
  ) {
    this.frequency = new FrequencyEnhancer(inDim, freq, `${name}/fm`);
    const d = inDim;
    // μ and log σ² heads initialised separately (fan_out = L each), then concatenated column-wise
    const wMu = xavierUniform(rng, d, latentDim, cfg.initGain);
    const wLv = xavierUniform(rng, d, latentDim, cfg.initGain);
    const w = new Float32Array(d * 2 * latentDim);
    for (let r = 0; r < d; r++) {
      w.set(wMu.subarray(r * latentDim, (r + 1) * latentDim), r * 2 * latentDim);
      w.set(wLv.subarray(r * latentDim, (r + 1) * latentDim), r * 2 * latentDim + latentDim);
    }
    this.head = new Linear(d, 2 * latentDim, w, `${name}/head`);
  }

  /** Posterior of already frequency-enhanced inputs (lets callers precompute FM for repeated rows). */
  fromEnhanced(xEnhanced: tf.Tensor2D): Posterior {
    const out = this.head.apply(xEnhanced);
    const [mu, logvar] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    return { mu, logvar };
  }

  apply(x: tf.Tensor2D): Posterior {
    return this.fromEnhanced(this.frequency.apply(x));
  }

  get variables(): tf.Variable[] {
    return [...this.frequency.variables, ...this.head.variables];
  }
}

/** Linear (+ ReLU in the public code). */
export class Decoder {
  readonly layer: Linear;
  constructor(
    latentDim: number,
    outDim: number,
    readonly activation: 'relu' | 'linear',
    rng: Random,
    gain: number,
    name: string,
  ) {
    this.layer = Linear.xavier(rng, latentDim, outDim, gain, name);
  }
  apply(z: tf.Tensor2D): tf.Tensor2D {
    const y = this.layer.apply(z);
    return this.activation === 'relu' ? tf.relu(y) : y;
  }
  get variables(): tf.Variable[] {
    return this.layer.variables;
  }
}

/**
 * z = μ + σ ⊙ ε with σ = exp(½ log σ²); ε drawn from the seeded generator, or given (B values in
 * 'reference' mode, broadcast over the latent dims; B·L in 'per-dimension' mode).
 */
export function reparameterise(p: Posterior, noise: Random | Float64Array, mode: ReparameterisationMode): tf.Tensor2D {
  const [b, l] = p.mu.shape;
  const n = mode === 'reference' ? b : b * l;
  const values = noise instanceof Float64Array ? noise : noise.normals(n);
  if (values.length !== n) throw new Error(`reparameterise: ${values.length} noise values for ${mode} mode, expected ${n}`);
  const eps = mode === 'reference' ? tf.tensor2d(Float32Array.from(values), [b, 1]) : tf.tensor2d(Float32Array.from(values), [b, l]);
  return tf.add(p.mu, tf.mul(tf.exp(tf.mul(0.5, p.logvar)), eps));
}

export class FsvaeModel {
  readonly skeletonEncoder: Encoder;
  readonly textEncoder: Encoder;
  readonly skeletonDecoder: Decoder;
  readonly textDecoder: Decoder;

  constructor(
    readonly config: FsvaeModelConfig,
    seed: number,
  ) {
    for (const [k, v] of Object.entries({ skeletonDim: config.skeletonDim, textDim: config.textDim, latentDim: config.latentDim })) {
      if (!Number.isInteger(v) || v <= 0) throw new FsvaeInputError(`FsvaeModel: ${k} must be a positive integer, got ${v}.`);
    }
    const rng = new Random(seed);
    const L = config.latentDim;
    this.skeletonEncoder = new Encoder(config.skeletonDim, L, config, config.skeletonFrequency, rng, 'enc_s');
    this.textEncoder = new Encoder(config.textDim, L, config, config.textFrequency, rng, 'enc_t');
    this.skeletonDecoder = new Decoder(L, config.skeletonDim, config.decoderActivation, rng, config.initGain, 'dec_s');
    this.textDecoder = new Decoder(L, config.textDim, config.decoderActivation, rng, config.initGain, 'dec_t');
  }

  /** Every trainable variable, in a fixed order (checkpoints rely on it). */
  get variables(): tf.Variable[] {
    return [...this.skeletonEncoder.variables, ...this.skeletonDecoder.variables, ...this.textEncoder.variables, ...this.textDecoder.variables];
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
    this.skeletonEncoder.frequency.dispose();
    this.textEncoder.frequency.dispose();
  }
}
