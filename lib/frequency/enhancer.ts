/**
 * Frequency Enhanced Module (paper Sec. 3.2, Eq. 1-4; App. F; Fig. 6-7).
 *
 *   x' = IDCT( g ⊙ DCT(x) )                      (Eq. 33: s' = Σ_i g(i) C_i φ_i)
 *
 * The N coefficients are cut into b bands by split points p = trunc(linspace(0, N−1, b+1));
 * band i covers coefficients [p_i, p_{i+1}). Band i is "low" when its end p_{i+1} ≤ φ, else "high".
 *   low  (Eq. 2):  g_i = 1 + w_i·k·(1 − i/b)
 *   high (Eq. 3):  g_i = 1 − w_i·k·(1 − (i − b)/b)        ('eq3', what both paper and code print)
 *          (App. F.4 writes the attenuation as −w_i·(1 − i/b): offered as 'appendix-f4')
 *   learnable-only (Fig. 7, "Ours†"):  g_i = w_i
 * k is the code's extra learnable scalar; the paper's Eq. 2-3 and Fig. 6 have no k (k ≡ 1).
 * In the public code the last coefficient (index N−1 = p_b) lies in no band and is never scaled.
 */
import * as tf from '@tensorflow/tfjs';
import { FsvaeInputError, assertPositiveInteger } from '../util/assert';
import { hostMemoryKind } from '../runtime/host-memory';
import { dctBasisTensors } from './dct';

export type FrequencyMode = 'low-high' | 'learnable-only' | 'off';
export type HighFrequencyForm = 'eq3' | 'appendix-f4';
export type FrequencyPresetName = 'reference' | 'paper' | 'learnable-only' | 'off';

export interface FrequencyConfig {
  /** Which preset this came from ('custom' when edited by hand). */
  preset: FrequencyPresetName | 'custom';
  mode: FrequencyMode;
  /** φ: a band is low-frequency when its end split point is ≤ φ. */
  phi: number;
  /** b: number of bands (also the normaliser in the decay terms). */
  bands: number;
  /** Use the code's learnable scalar k (false: k ≡ 1, as Eq. 2-3 print). */
  useK: boolean;
  kInit: number;
  wInit: number;
  highForm: HighFrequencyForm;
  /** false (code): coefficient N−1 is never scaled; true: it belongs to the last band. */
  scaleLastCoefficient: boolean;
  /** Whether w (and k) receive gradients. */
  trainable: boolean;
}

/** The presets. Each documents where its numbers come from. */
export const FREQUENCY_PRESETS: Readonly<Record<FrequencyPresetName, Readonly<FrequencyConfig>>> = {
  /** Exactly the public code (model.py dct_enhance): φ=30, b=30, k=0.3, w=1, last coefficient untouched. */
  reference: {
    preset: 'reference',
    mode: 'low-high',
    phi: 30,
    bands: 30,
    useK: true,
    kInit: 0.3,
    wInit: 1,
    highForm: 'eq3',
    scaleLastCoefficient: false,
    trainable: true,
  },
  /**
   * The paper as printed: Eq. 2-3 (no k), φ=35 and b=30 from Table 12, bands covering every coefficient.
   * The paper never states w's initial value; 0.3 makes the initial gains equal to the code's (w·k = 0.3).
   */
  paper: {
    preset: 'paper',
    mode: 'low-high',
    phi: 35,
    bands: 30,
    useK: false,
    kInit: 1,
    wInit: 0.3,
    highForm: 'eq3',
    scaleLastCoefficient: true,
    trainable: true,
  },
  /** Fig. 7 / Table 1 "Ours†": gain = w_i (init 1), band layout of the code. */
  'learnable-only': {
    preset: 'learnable-only',
    mode: 'learnable-only',
    phi: 30,
    bands: 30,
    useK: false,
    kInit: 1,
    wInit: 1,
    highForm: 'eq3',
    scaleLastCoefficient: false,
    trainable: true,
  },
  /** No frequency module (identity). */
  off: {
    preset: 'off',
    mode: 'off',
    phi: 30,
    bands: 30,
    useK: false,
    kInit: 1,
    wInit: 1,
    highForm: 'eq3',
    scaleLastCoefficient: false,
    trainable: false,
  },
};

/** A preset by name, optionally with fields overridden (then marked 'custom'). */
export function frequencyConfig(name: FrequencyPresetName, overrides: Partial<FrequencyConfig> = {}): FrequencyConfig {
  const base = FREQUENCY_PRESETS[name];
  if (!base) {
    throw new FsvaeInputError(`Unknown frequency preset '${name}'. Known: ${Object.keys(FREQUENCY_PRESETS).join(', ')}.`);
  }
  const changed = Object.keys(overrides).some(
    (k) => k !== 'preset' && (overrides as Record<string, unknown>)[k] !== (base as unknown as Record<string, unknown>)[k],
  );
  return { ...base, ...overrides, preset: changed ? 'custom' : base.preset };
}

/** Band layout of an N-coefficient spectrum: everything about the bands that does not depend on w, k. */
export interface BandLayout {
  n: number;
  bands: number;
  /** trunc(linspace(0, N−1, b+1)). */
  splitPoints: Int32Array;
  /** band index of each coefficient, −1 when the coefficient is never scaled. */
  bandOf: Int32Array;
  /** per band: true when low-frequency (end split point ≤ φ). */
  isLow: boolean[];
  /** per band: signed decay c_i, so that g_i = 1 + w_i·k·c_i in 'low-high' mode. */
  signedDecay: Float64Array;
}

/** trunc(linspace(0, N−1, b+1)) computed exactly (numerator is an integer, so no float error). */
export function splitPoints(n: number, bands: number): Int32Array {
  assertPositiveInteger(n, 'spectrum length N');
  assertPositiveInteger(bands, 'number of bands b');
  const p = new Int32Array(bands + 1);
  for (let i = 0; i <= bands; i++) p[i] = Math.floor(((n - 1) * i) / bands);
  return p;
}

export function bandLayout(n: number, config: FrequencyConfig): BandLayout {
  if (n < 2) throw new FsvaeInputError(`Frequency enhancement needs at least 2 coefficients, got N=${n}.`);
  const b = config.bands;
  const p = splitPoints(n, b);
  const bandOf = new Int32Array(n).fill(-1);
  for (let i = 0; i < b; i++) for (let j = p[i]; j < p[i + 1]; j++) bandOf[j] = i;
  if (config.scaleLastCoefficient) bandOf[n - 1] = b - 1;
  const isLow: boolean[] = [];
  const signedDecay = new Float64Array(b);
  for (let i = 0; i < b; i++) {
    const low = p[i + 1] <= config.phi;
    isLow.push(low);
    if (low)
      signedDecay[i] = 1 - i / b; // Eq. 2
    else signedDecay[i] = -(config.highForm === 'eq3' ? 1 - (i - b) / b : 1 - i / b); // Eq. 3 / App. F.4
  }
  return { n, bands: b, splitPoints: p, bandOf, isLow, signedDecay };
}

/**
 * Eq. 2 / Eq. 3: the gain of one band and its derivatives, g = 1 + w·k·c with c the band's signed
 * decay (+ low, − high; k = 1 when k is not learnt), g = w for Ours† ('learnable-only'), 1 when
 * the module is off. The only place the gain is written: the tensor gains (FrequencyEnhancer),
 * the float64 profiles and the fused stage-2 step all call it.
 */
export function bandGain(mode: FrequencyMode, signedDecay: number, w: number, k: number): [g: number, dW: number, dK: number] {
  if (mode === 'off') return [1, 0, 0];
  if (mode === 'learnable-only') return [w, 1, 0];
  return [1 + w * k * signedDecay, k * signedDecay, w * signedDecay];
}

/** Band gains g_i in float64 for given w (length b) and k. */
export function bandGains64(layout: BandLayout, config: FrequencyConfig, w: ArrayLike<number>, k: number): Float64Array {
  const g = new Float64Array(layout.bands);
  for (let i = 0; i < layout.bands; i++) g[i] = bandGain(config.mode, layout.signedDecay[i], w[i], config.useK ? k : 1)[0];
  return g;
}

/** Per-coefficient gain profile g(j), j = 0..N−1, in float64 (at initialisation unless w/k given). */
export function gainProfile(n: number, config: FrequencyConfig, w?: ArrayLike<number>, k?: number): Float64Array {
  const layout = bandLayout(n, config);
  const weights = w ?? new Float64Array(config.bands).fill(config.wInit);
  if (weights.length !== config.bands) throw new FsvaeInputError(`gainProfile: w has ${weights.length} entries, expected b=${config.bands}.`);
  const bg = bandGains64(layout, config, weights, k ?? config.kInit);
  const g = new Float64Array(n);
  for (let j = 0; j < n; j++) g[j] = layout.bandOf[j] < 0 ? 1 : bg[layout.bandOf[j]];
  return g;
}

/** Band components of fixed rows, see FrequencyEnhancer.precomputeBands. */
export interface PrecomputedBands {
  rows: number;
  n: number;
  /** (b+1) × (rows·N). */
  components: tf.Tensor2D;
  /** its transpose, kept for the backward pass. */
  componentsT: tf.Tensor2D;
  dispose(): void;
}

let enhancerCount = 0;

/**
 * The trainable module: holds w (b values) and k, maps a batch of vectors (B×N) to the enhanced
 * vectors along the last axis. Works for any rank: the transform acts on the last axis.
 */
export class FrequencyEnhancer {
  readonly n: number;
  readonly config: FrequencyConfig;
  readonly layout: BandLayout;
  readonly w: tf.Variable<tf.Rank.R1> | null;
  readonly k: tf.Variable<tf.Rank.R0> | null;
  private readonly membership: tf.Tensor2D; // b × N one-hot of band membership
  private readonly unscaled: tf.Tensor1D; // N, 1 where the coefficient is in no band
  private readonly one: tf.Scalar; // k when k is not learnt

  constructor(n: number, config: FrequencyConfig, name = `freq${enhancerCount++}`) {
    this.n = n;
    this.config = { ...config };
    this.layout = bandLayout(n, config);
    const b = config.bands;
    const member = new Float32Array(b * n);
    const unscaled = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      const band = this.layout.bandOf[j];
      if (band < 0) unscaled[j] = 1;
      else member[band * n + j] = 1;
    }
    this.membership = tf.keep(tf.tensor2d(member, [b, n]));
    this.unscaled = tf.keep(tf.tensor1d(unscaled));
    this.one = tf.keep(tf.scalar(1));
    const active = config.mode !== 'off';
    // tidy frees the initial values (a variable shares their storage; tidy never frees a variable)
    this.w = active ? (tf.tidy(() => tf.variable(tf.fill([b], config.wInit), config.trainable, `${name}/w`)) as tf.Variable<tf.Rank.R1>) : null;
    this.k =
      active && config.mode === 'low-high' && config.useK
        ? (tf.tidy(() => tf.variable(tf.scalar(config.kInit), config.trainable, `${name}/k`)) as tf.Variable<tf.Rank.R0>)
        : null;
  }

  /** Trainable variables (empty when the module is off). */
  get variables(): tf.Variable[] {
    const vars: tf.Variable[] = [];
    if (this.w) vars.push(this.w as unknown as tf.Variable);
    if (this.k) vars.push(this.k as unknown as tf.Variable);
    return vars;
  }

  /**
   * Band gains g_i (length b) as a differentiable tensor: value and gradient from bandGain (Eq. 2 /
   * Eq. 3) on the host where tensors live in JS memory (cpu, wasm), else the same formula as tensor ops.
   */
  bandGains(onDevice = !hostMemoryKind()): tf.Tensor1D {
    if (!this.w) return tf.ones([this.config.bands]) as tf.Tensor1D;
    if (onDevice) return this.bandGainsOnDevice(this.w);
    const { mode } = this.config;
    const decay = this.layout.signedDecay;
    const op = tf.customGrad(((w: tf.Tensor, k: tf.Tensor, save: tf.GradSaveFunc) => {
      const wv = w.dataSync();
      const kv = k.dataSync()[0];
      const g = new Float32Array(wv.length);
      const dW = new Float32Array(wv.length);
      const dK = new Float32Array(wv.length);
      for (let i = 0; i < wv.length; i++) [g[i], dW[i], dK[i]] = bandGain(mode, decay[i], wv[i], kv);
      save([tf.tensor1d(dW), tf.tensor1d(dK)]);
      return {
        value: tf.tensor1d(g),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[0]), tf.reshape(tf.sum(tf.mul(dy, saved[1])), k.shape)],
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return op(this.w, this.k ?? this.one) as tf.Tensor1D;
  }

  /** bandGain as tensor ops, gradients by autodiff: no value is read back to the host (a GPU backend cannot mid-step). */
  private bandGainsOnDevice(w: tf.Variable<tf.Rank.R1>): tf.Tensor1D {
    if (this.config.mode === 'learnable-only') return tf.mul(w, 1);
    return tf.add(1, tf.mul(tf.mul(w, this.k ?? this.one), tf.tensor1d(Float32Array.from(this.layout.signedDecay)))); // 1 + w·k·(±decay)
  }

  /** Per-coefficient gains g(j), length N (band gain spread over its coefficients, 1 outside bands). */
  gains(): tf.Tensor1D {
    return tf.tidy(() => {
      const g = tf.matMul(tf.reshape(this.bandGains(), [1, -1]), this.membership).reshape([this.n]);
      return tf.add(g, this.unscaled) as tf.Tensor1D;
    });
  }

  /** x' = IDCT(g ⊙ DCT(x)) along the last axis (Eq. 33). */
  apply<R extends tf.Rank>(x: tf.Tensor<R>): tf.Tensor<R> {
    const n = x.shape[x.rank - 1];
    if (n !== this.n) {
      throw new FsvaeInputError(`FrequencyEnhancer was built for N=${this.n} features, got input of shape [${x.shape.join(', ')}].`);
    }
    if (!this.w) return x.clone();
    const { basis, basisT } = dctBasisTensors(n);
    // hand-written backward with the cached Φ and Φᵀ (no per-step transposes):
    //   X = xΦᵀ, y = (X ⊙ g)Φ;  dS = dy·Φᵀ,  dg = Σ_rows dS ⊙ X,  dx = (dS ⊙ g)·Φ
    const customGrad2 = tf.customGrad as unknown as (
      f: (a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => unknown,
    ) => (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
    const enhance = customGrad2((rows: tf.Tensor, g: tf.Tensor, save: tf.GradSaveFunc) => {
      const coefficients = tf.matMul(rows as tf.Tensor2D, basisT); // Eq. 29 for every row
      save([coefficients, g]);
      return {
        value: tf.matMul(tf.mul(coefficients, g) as tf.Tensor2D, basis), // Eq. 2-3, then Eq. 33
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [X, gs] = saved;
          const dS = tf.matMul(dy as tf.Tensor2D, basisT);
          return [tf.matMul(tf.mul(dS, gs) as tf.Tensor2D, basis), tf.sum(tf.mul(dS, X), 0)];
        },
      };
    });
    return tf.tidy(() => {
      const rows = tf.reshape(x, [-1, n]) as tf.Tensor2D;
      return tf.reshape(enhance(rows, this.gains()), x.shape) as tf.Tensor<R>;
    });
  }

  /**
   * Band components of fixed rows (e.g. the C rows of a text table), computed once: component i is
   * IDCT(DCT(x) restricted to band i), the last one the never-scaled coefficients. Then
   * x' = Σ_i g_i·component_i + component_b exactly (Eq. 33 is linear in g), so a training step
   * costs O(b·rows·N) instead of two dense N×N transforms per batch row.
   */
  precomputeBands(rows: tf.Tensor2D): PrecomputedBands {
    const [r, n] = rows.shape;
    if (n !== this.n) throw new FsvaeInputError(`precomputeBands: rows have ${n} features, enhancer expects N=${this.n}.`);
    const components = tf.tidy(() => {
      const { basis, basisT } = dctBasisTensors(n);
      const coefficients = tf.matMul(rows, basisT);
      const masks = tf.concat([this.membership, tf.reshape(this.unscaled, [1, n])], 0); // (b+1) × N
      const parts: tf.Tensor[] = [];
      for (let i = 0; i <= this.config.bands; i++) {
        const mask = tf.slice(masks, [i, 0], [1, n]);
        parts.push(tf.reshape(tf.matMul(tf.mul(coefficients, mask), basis), [1, r * n]));
      }
      return tf.concat(parts, 0) as tf.Tensor2D;
    });
    const componentsT = tf.tidy(() => tf.transpose(components) as tf.Tensor2D);
    return { rows: r, n, components, componentsT, dispose: () => tf.dispose([components, componentsT]) };
  }

  /** Enhanced rows from `precomputeBands` (differentiable in w and k); equals apply(rows). */
  applyPrecomputed(bands: PrecomputedBands): tf.Tensor2D {
    // custom gradient: d/dg = dy · componentsᵀ with the transpose precomputed (no per-step transpose)
    const combine = tf.customGrad(((gExt: tf.Tensor, save: tf.GradSaveFunc) => {
      save([]);
      return {
        value: tf.matMul(gExt as tf.Tensor2D, bands.components),
        gradFunc: (dy: tf.Tensor) => tf.matMul(dy as tf.Tensor2D, bands.componentsT),
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return tf.tidy(() => {
      const gExt = tf.concat([this.bandGains(), tf.ones([1])]).reshape([1, -1]);
      return tf.reshape(combine(gExt), [bands.rows, this.n]) as tf.Tensor2D;
    });
  }

  /** Current w and k as plain numbers (k = 1 when the module has none), read asynchronously (any backend). */
  async snapshot(): Promise<{ w: number[]; k: number }> {
    return {
      w: this.w ? Array.from(await this.w.data()) : new Array(this.config.bands).fill(1),
      k: this.k ? (await this.k.data())[0] : 1,
    };
  }

  dispose(): void {
    for (const t of [this.membership, this.unscaled, this.one, this.w, this.k]) if (t && !t.isDisposed) t.dispose();
  }
}
