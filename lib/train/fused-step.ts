/**
 * One stage-2 training step with a hand-written backward pass: the same loss as the autodiff step
 * in stage2.ts (Eq. 8 = Eq. 7 + α·alignment, with the code's schedules), computed with 14 large
 * matmuls (tfjs kernels: XNNPACK on wasm) and everything elementwise in loops over the kernels' own
 * storage: wasm SIMD kernels (lib/runtime/simd-kernels.ts) where available, plain JS otherwise.
 * No gradient tape, no per-op bookkeeping, no wide-row gathers.
 *
 * Forward (B samples, U = distinct classes in the batch):
 *   x̃_s = (S ⊙ g_s)Φ            S = DCT(f_s) of every training row, precomputed (parameter-free)  (Eq. 33)
 *   x̃_t = Σ_i g_t,i·P_i          P_i = band components of the text table, precomputed               (Eq. 33)
 *   [μ_s‖log σ_s²] = x̃_s W + b    (B rows);  [μ_t‖log σ_t²] = x̃_t W + b  (U rows, looked up per sample)
 *   z = μ + σ ⊙ ε                 ε from the same seeded streams as the autodiff step
 *   ŝ = relu(z_s W + b), t̂ = relu(z_t W + b);  in the alignment window also s̃ = Dec_s(z_t), t̃ = Dec_t(z_s)
 *   loss = MSE(f_s, ŝ) + MSE(f_t, t̂) + β_s KL_s + β_t KL_t + c·(side_t + side_s)                    (Eq. 6-8)
 * Backward: the chain rule for exactly these ops, written out below; tests check it against tfjs
 * autodiff and finite differences.
 *
 * Layout: activations are kept transposed (features × samples) and every product is written as
 * left·right with a small right-hand operand — the one XNNPACK re-packs on every call — using the
 * transposed weight copies Adam keeps (Adam.keepTransposed).
 *
 * Supported: no encoder hidden layers (the code's model), relu or linear decoders, every FM mode,
 * both reparameterisations, every alignment loss. Needs a backend with host-visible storage (wasm,
 * cpu); elsewhere trainStage2 uses the autodiff step.
 */
import * as tf from '@tensorflow/tfjs';
import { FsvaeModel } from '../model/fsvae';
import { LossParts } from '../model/loss';
import { FrequencyEnhancer, PrecomputedBands, bandGain } from '../frequency/enhancer';
import { dctBasisTensors } from '../frequency/dct';
import { allocateTensor, hostMemoryKind, hostView, tensorFrom } from '../runtime/host-memory';
import { heapOffset, SimdKernels, simdKernels } from '../runtime/simd-kernels';
import { Adam, GradSource } from './adam';
import { FsvaeConfig, scheduleAt } from './config';
import { FeatureSet } from '../data/matrices';
import { pairTerm } from '../losses/pair-terms';
import { klTerm2, klTerm2GradLogvar, klTerm2GradMu, squaredError, squaredErrorGrad } from '../losses/vae-terms';
import { AlignmentSideForm, configuredAlignmentForm } from '../losses/alignment';

/** Why the fused step cannot run this configuration on this backend, or null when it can. */
export function fusedStepUnsupported(_cfg: FsvaeConfig): string | null {
  if (!hostMemoryKind()) return `backend '${tf.getBackend()}' keeps tensors outside JS memory`;
  return null;
}

/** Everything one step draws from the random stream, drawn by the caller in the autodiff step's order. */
export interface StepDraws {
  /** row indices into the training set (length B). */
  batch: Int32Array | number[];
  /** text-side negative of each sample (a permutation or same-class-excluded draw). */
  negatives: Int32Array;
  /** skeleton-side negatives (null for the reference loss, which has none). */
  skeletonNegatives: Int32Array | null;
  /** ε for z_s and z_t: B values ('reference') or B·L ('per-dimension'). */
  epsSkeleton: Float64Array;
  epsText: Float64Array;
}

/** The loss terms of one stage-2 step (total = reconstruction + KL + alignment, each with its schedule weight): the model's loss parts. */
export type StepLosses = LossParts;

/** Value and derivatives of one alignment side's per-sample term f(pos, neg) (before the mean over B). */
type SideTerm = (pos: number, neg: number) => [value: number, dPos: number, dNeg: number];

/** The two sides of the configured alignment loss (lib/losses/alignment.ts) as per-sample terms with their weights. */
function alignmentTerms(
  cfg: FsvaeConfig,
  dims: { skeleton: number; text: number },
): {
  text: SideTerm;
  skeleton: SideTerm;
  textWeight: number;
  skeletonWeight: number;
  skeletonHasNegatives: boolean;
} {
  const form = configuredAlignmentForm(cfg.alignment, dims);
  const term =
    (f: AlignmentSideForm): SideTerm =>
    (p, n) =>
      pairTerm(f.term, p, n, f.params);
  return {
    text: term(form.text),
    skeleton: term(form.skeleton),
    textWeight: form.text.weight,
    skeletonWeight: form.skeleton.weight,
    skeletonHasNegatives: form.skeleton.negatives,
  };
}

/**
 * Adds one alignment side, everything transposed (features × samples): anchors aᵀ (D×B), the
 * reconstructions g(i) in columns col0.. of outᵀ (D×R), their gradients into dOutᵀ. Returns
 * scale·mean_i f(pos_i, neg_i).
 */
function alignmentSide(
  f: SideTerm,
  aT: Float32Array,
  outT: Float32Array,
  dOutT: Float32Array,
  col0: number,
  negatives: Int32Array | null,
  B: number,
  R: number,
  D: number,
  scale: number,
): number {
  const pos = new Float64Array(B);
  const neg = new Float64Array(B);
  for (let j = 0; j < D; j++) {
    const a = j * B;
    const o = j * R + col0;
    for (let i = 0; i < B; i++) {
      const d = aT[a + i] - outT[o + i];
      pos[i] += d * d;
    }
    if (negatives)
      for (let i = 0; i < B; i++) {
        const d = aT[a + i] - outT[o + negatives[i]];
        neg[i] += d * d;
      }
  }
  let sum = 0;
  const cPos = new Float64Array(B);
  const cNeg = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    const [v, dPos, dNeg] = f(pos[i], neg[i]);
    sum += v;
    cPos[i] = (2 * scale * dPos) / B; // ∂/∂g(i) of ‖f(i) − g(i)‖² is −2(f(i) − g(i))
    cNeg[i] = (2 * scale * dNeg) / B;
  }
  for (let j = 0; j < D; j++) {
    const a = j * B;
    const o = j * R + col0;
    for (let i = 0; i < B; i++) dOutT[o + i] += cPos[i] * (outT[o + i] - aT[a + i]);
    if (negatives) for (let i = 0; i < B; i++) dOutT[o + negatives[i]] += cNeg[i] * (outT[o + negatives[i]] - aT[a + i]);
  }
  return (scale * sum) / B;
}

/** Whether idx is a permutation of 0..n−1 (the code's negatives are; same-class-excluded draws may not be). */
function isPermutation(idx: Int32Array): boolean {
  const seen = new Uint8Array(idx.length);
  for (const j of idx) {
    if (j < 0 || j >= idx.length || seen[j]) return false;
    seen[j] = 1;
  }
  return true;
}

/**
 * alignmentSide with the wasm SIMD kernels, for negatives that form a permutation π (or none):
 * neg_i = ‖a_i − g_π(i)‖² is computed column-wise against the anchors permuted by π⁻¹, and the
 * gradient of column j collects its positive term and the negative term of sample π⁻¹(j).
 * Writes (assigns) the gradient of columns col0.. of gradT; returns scale·mean_i f(pos_i, neg_i).
 */
function alignmentSideSimd(
  simd: SimdKernels,
  f: SideTerm,
  anchors: tf.Tensor,
  outT: tf.Tensor,
  gradT: tf.Tensor,
  col0: number,
  negatives: Int32Array | null,
  B: number,
  R: number,
  D: number,
  scale: number,
  keep: <T extends tf.Tensor>(t: T) => T,
): number {
  const off = heapOffset;
  const pos = keep(allocateTensor<tf.Rank.R1>([B]));
  simd.squaredDistances(off(anchors), off(outT), col0, D, B, R, off(pos));
  let anchorsOfNegatives = anchors;
  let negByColumn: tf.Tensor | null = null; // negByColumn[j] = ‖a_π⁻¹(j) − g_j‖² = neg of sample π⁻¹(j)
  let inverse: Int32Array | null = null;
  if (negatives) {
    inverse = new Int32Array(B);
    for (let i = 0; i < B; i++) inverse[negatives[i]] = i;
    const idx = keep(tf.tensor1d(inverse, 'int32'));
    anchorsOfNegatives = keep(allocateTensor<tf.Rank.R2>([D, B]));
    simd.gatherColumns(off(anchors), D, B, off(idx), off(anchorsOfNegatives));
    negByColumn = keep(allocateTensor<tf.Rank.R1>([B]));
    simd.squaredDistances(off(anchorsOfNegatives), off(outT), col0, D, B, R, off(negByColumn));
  }
  const cPos = keep(allocateTensor<tf.Rank.R1>([B]));
  const cNeg = keep(allocateTensor<tf.Rank.R1>([B]));
  // views after the last allocation (an allocation may grow the heap and detach older views)
  const [p, cp, cn] = [pos, cPos, cNeg].map(hostView);
  const nb = negByColumn ? hostView(negByColumn) : null;
  let sum = 0;
  const cNegOfSample = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    const [v, dPos, dNeg] = f(p[i], negatives && nb ? nb[negatives[i]] : 0);
    sum += v;
    cp[i] = (2 * scale * dPos) / B; // ∂/∂g(i) of ‖f(i) − g(i)‖² is −2(f(i) − g(i))
    cNegOfSample[i] = (2 * scale * dNeg) / B;
  }
  for (let j = 0; j < B; j++) cn[j] = inverse ? cNegOfSample[inverse[j]] : 0;
  simd.alignmentGradient(off(gradT), off(outT), off(anchors), off(anchorsOfNegatives), off(cPos), off(cNeg), col0, D, B, R);
  return (scale * sum) / B;
}

/** MSE(target, output) over B samples (Eq. 7), transposed layouts: target D×B, output columns col0.. of D×R; adds its gradient. */
function mseTransposed(targetT: Float32Array, outT: Float32Array, dOutT: Float32Array, B: number, R: number, col0: number, D: number): number {
  let s = 0;
  const c = 1 / (B * D);
  for (let j = 0; j < D; j++) {
    for (let i = 0; i < B; i++) {
      const k = j * R + col0 + i;
      const t = targetT[j * B + i];
      s += squaredError(outT[k], t);
      dOutT[k] += c * squaredErrorGrad(outT[k], t);
    }
  }
  return s / (B * D);
}

/**
 * Outside the alignment window, one pass over a decoder's transposed pre-activations (D×B): y =
 * act(pre + b), the MSE against the target (Eq. 7), and its gradient w.r.t. the pre-activation
 * written transposed and as rows, summed per feature for the bias. Returns the MSE.
 */
export function reconstructionPass(
  preT: Float32Array,
  bias: Float32Array,
  targetT: Float32Array,
  gradT: Float32Array,
  gradRows: Float32Array,
  biasGrad: Float32Array,
  B: number,
  D: number,
  relu: boolean,
): number {
  const c = 1 / (B * D);
  let s = 0;
  for (let d = 0; d < D; d++) {
    const b = bias[d];
    let bs = 0;
    for (let i = 0, k = d * B; i < B; i++, k++) {
      const x = Math.fround(preT[k] + b);
      const active = !relu || x > 0; // relu'(x): 1 where x > 0 (tfjs: 0 at 0)
      const y = active ? x : 0;
      s += squaredError(y, targetT[k]);
      const g = active ? Math.fround(c * squaredErrorGrad(y, targetT[k])) : 0;
      gradT[k] = g;
      gradRows[i * D + d] = g;
      bs += g;
    }
    biasGrad[d] = bs;
  }
  return s / (B * D);
}

/** Inside the window: ∂L/∂y (transposed, D×R) times act'(y) in place, also written as rows, summed per feature for the bias. */
function activationGradientPass(yT: Float32Array, gradT: Float32Array, gradRows: Float32Array, biasGrad: Float32Array, R: number, relu: boolean): void {
  const D = biasGrad.length;
  for (let d = 0; d < D; d++) {
    let bs = 0;
    for (let r = 0, k = d * R; r < R; r++, k++) {
      const g = relu && !(yT[k] > 0) ? 0 : gradT[k];
      gradT[k] = g;
      gradRows[r * D + d] = g;
      bs += g;
    }
    biasGrad[d] = bs;
  }
}

/**
 * The batch's targets, transposed (features × samples): f_sᵀ from the training rows, f_tᵀ from the
 * transposed text table; and the distinct classes (uniq) with each sample's column among them.
 */
function assembleBatch(
  batch: ArrayLike<number>,
  train: FeatureSet,
  textT: Float32Array,
  C: number,
  fsT: Float32Array,
  ftT: Float32Array,
): { colOf: Int32Array; uniq: number[] } {
  const B = batch.length;
  const Ds = train.dim;
  const Dt = textT.length / C;
  const labels = new Int32Array(B);
  const colOf = new Int32Array(B);
  const columnOfClass = new Int32Array(C).fill(-1);
  const uniq: number[] = [];
  for (let i = 0; i < B; i++) {
    const r = batch[i];
    const c = train.labels[r];
    labels[i] = c;
    if (columnOfClass[c] < 0) {
      columnOfClass[c] = uniq.length;
      uniq.push(c);
    }
    colOf[i] = columnOfClass[c];
    for (let j = 0, src = r * Ds; j < Ds; j++) fsT[j * B + i] = train.features[src + j];
  }
  for (let j = 0; j < Dt; j++) {
    const row = j * C;
    for (let i = 0; i < B; i++) ftT[j * B + i] = textT[row + labels[i]];
  }
  return { colOf, uniq };
}

/** σ = exp(½ log σ²) of every posterior row of h (rows × 2L): rows × L. */
function standardDeviations(h: Float32Array, rows: number, L: number): Float64Array {
  const sd = new Float64Array(rows * L);
  for (let r = 0; r < rows; r++) for (let l = 0; l < L; l++) sd[r * L + l] = Math.exp(0.5 * h[r * 2 * L + L + l]);
  return sd;
}

/** z(i) = μ + σ·ε of sample i (posterior row rowOf[i] or i of h, rows × 2L; σ from standardDeviations) into column col0 + i of zᵀ (L×R). */
function sampleLatentsTransposed(
  zT: Float32Array,
  h: Float32Array,
  sd: Float64Array,
  rowOf: Int32Array | null,
  eps: Float64Array,
  perDim: boolean,
  B: number,
  L: number,
  R: number,
  col0: number,
): void {
  for (let i = 0; i < B; i++) {
    const row = rowOf ? rowOf[i] : i;
    for (let l = 0; l < L; l++) zT[l * R + col0 + i] = h[row * 2 * L + l] + sd[row * L + l] * (perDim ? eps[i * L + l] : eps[i]);
  }
}

/**
 * Backward through z = μ + exp(½ log σ²)·ε and β·KL (Eq. 7) for one branch: adds ∂L/∂[μ‖log σ²] of
 * sample i to row rowOf[i] (or i) of dH (rows × 2L). ∂L/∂z(i) is column col0 + i of dZᵀ (L×R), plus
 * that of dZᵀ₂ when both decoders saw z. Returns Σ_i Σ_l (μ² + σ² − 1 − log σ²) (KL before ½β/B).
 */
function posteriorBackward(
  h: Float32Array,
  sd: Float64Array,
  rowOf: Int32Array | null,
  dZT: Float32Array,
  dZT2: Float32Array | null,
  col0: number,
  R: number,
  eps: Float64Array,
  perDim: boolean,
  beta: number,
  B: number,
  L: number,
  dH: Float64Array,
): number {
  let klSum = 0;
  const cLv = (0.5 * beta) / B;
  for (let i = 0; i < B; i++) {
    const row = rowOf ? rowOf[i] : i;
    const o = row * 2 * L;
    for (let l = 0; l < L; l++) {
      const mu = h[o + l];
      const lv = h[o + L + l];
      const k = l * R + col0 + i;
      const dz = dZT2 ? dZT[k] + dZT2[k] : dZT[k];
      const sigma = sd[row * L + l];
      const ev = sigma * sigma; // σ² = exp(log σ²)
      klSum += klTerm2(mu, lv, ev);
      dH[o + l] += dz + cLv * klTerm2GradMu(mu);
      dH[o + L + l] += dz * 0.5 * sigma * (perDim ? eps[i * L + l] : eps[i]) + cLv * klTerm2GradLogvar(ev);
    }
  }
  return klSum;
}

/** Rows of hᵀ + b: hT is cols×rows (a matmul output), returns rows×cols with the bias added (float32 like tfjs' add). */
function addBiasTransposed(hT: Float32Array, bias: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out[r * cols + c] = hT[c * rows + r] + bias[c];
  return out;
}

/** yᵀ ← act(yᵀ + b) in place; yᵀ is D×R, b has D entries. */
function biasActivationInPlace(yT: Float32Array, bias: Float32Array, R: number, relu: boolean): void {
  const D = bias.length;
  for (let d = 0; d < D; d++) {
    const b = bias[d];
    for (let k = d * R, end = k + R; k < end; k++) {
      const y = Math.fround(yT[k] + b);
      yT[k] = relu && !(y > 0) ? 0 : y;
    }
  }
}

/** out (cols×rows) ← m (rows×cols) transposed. */
function transposeInto(m: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    for (let c0 = 0; c0 < cols; c0 += T) {
      const r1 = Math.min(r0 + T, rows),
        c1 = Math.min(c0 + T, cols);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = m[r * cols + c];
    }
  }
}

/** A new cols×rows tensor holding the rows×cols tensor `m` transposed (wasm SIMD kernel when available). */
function transposedTensor(m: tf.Tensor, rows: number, cols: number): tf.Tensor2D {
  const out = allocateTensor<tf.Rank.R2>([cols, rows]);
  const simd = simdKernels();
  if (simd) simd.transpose(heapOffset(m), rows, cols, heapOffset(out));
  else transposeInto(hostView(m), rows, cols, hostView(out));
  return out;
}

/** Σ_j a[ia + j]·b[ib + j], j < n. */
function dot(a: Float32Array, ia: number, b: Float32Array, ib: number, n: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    s0 += a[ia + j] * b[ib + j];
    s1 += a[ia + j + 1] * b[ib + j + 1];
    s2 += a[ia + j + 2] * b[ib + j + 2];
    s3 += a[ia + j + 3] * b[ib + j + 3];
  }
  for (; j < n; j++) s0 += a[ia + j] * b[ib + j];
  return s0 + s1 + s2 + s3;
}

/** Per-coefficient gains g(j) (float64) of an enhancer from its current w, k; null when the module is off. */
function coefficientGains(fm: FrequencyEnhancer): { perCoefficient: Float64Array; band: Float64Array; w: Float32Array; k: number } | null {
  if (!fm.w) return null;
  const w = hostView(fm.w).slice();
  const k = fm.k ? hostView(fm.k)[0] : 1;
  const { layout, config } = fm;
  const band = new Float64Array(layout.bands);
  for (let i = 0; i < layout.bands; i++) band[i] = bandGain(config.mode, layout.signedDecay[i], w[i], k)[0]; // Eq. 2 / Eq. 3
  const perCoefficient = new Float64Array(layout.n);
  for (let j = 0; j < layout.n; j++) perCoefficient[j] = layout.bandOf[j] < 0 ? 1 : band[layout.bandOf[j]];
  return { perCoefficient, band, w, k };
}

/** Chain rule from ∂L/∂g_i (band gains) to ∂L/∂w and ∂L/∂k. */
function bandGainGradients(fm: FrequencyEnhancer, dBand: Float64Array, w: Float32Array, k: number): { dw: Float32Array; dk: Float32Array | null } {
  const b = fm.layout.bands;
  const dw = new Float32Array(b);
  let dk = 0;
  for (let i = 0; i < b; i++) {
    const [, dW, dK] = bandGain(fm.config.mode, fm.layout.signedDecay[i], w[i], k);
    dw[i] = dBand[i] * dW;
    dk += dBand[i] * dK;
  }
  return { dw, dk: fm.k ? Float32Array.of(dk) : null };
}

/** Column sums of a rows×cols host matrix (a bias gradient). */
function columnSums(m: Float32Array | Float64Array, rows: number, cols: number): Float32Array {
  const out = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c] += m[r * cols + c];
  return Float32Array.from(out);
}

export class FusedStage2Step {
  private readonly spectrum: Float32Array | null; // DCT of every training row (rows × Ds)
  private readonly B: number;
  private readonly L: number;
  private readonly Ds: number;
  private readonly Dt: number;
  private readonly C: number;
  /** per-part wall time (ms, summed over steps) when profiling is on; see profileParts(). */
  private profile: Map<string, number> | null = null;
  /** text band components regrouped per class, [C][b+1][Dt] (the last: coefficients outside every band), so a step touches only the batch's classes. */
  private readonly componentsByClass: tf.Tensor | Float32Array | null;
  private readonly prepared = new WeakSet<Adam>();
  // host scratch reused every step (no per-step allocation of the wide arrays)
  // the batch's targets f_sᵀ (Ds×B) and f_tᵀ (Dt×B), rewritten every step; tensors so that SIMD
  // kernels can read them (never matmul operands, so reusing their storage is safe)
  private readonly fsTargets: tf.Tensor2D;
  private readonly ftTargets: tf.Tensor2D;
  private readonly dHs64: Float64Array;
  private readonly dHt64: Float64Array;
  private readonly textT: Float32Array; // the text table transposed, Dt × C
  private lastMark = 0;

  constructor(
    private readonly model: FsvaeModel,
    private readonly cfg: FsvaeConfig,
    private readonly train: FeatureSet,
    private readonly text: { data: Float32Array; rows: number; cols: number },
    private readonly textBands: PrecomputedBands | null,
  ) {
    const why = fusedStepUnsupported(cfg);
    if (why) throw new Error(`FusedStage2Step: unsupported (${why})`);
    this.B = cfg.batchSize;
    this.L = cfg.latentDim;
    this.Ds = train.dim;
    this.Dt = text.cols;
    this.C = text.rows;
    if (model.textEncoder.frequency.w && !textBands) throw new Error('FusedStage2Step: the text FM is on, pass its precomputed bands');
    this.fsTargets = tf.keep(allocateTensor<tf.Rank.R2>([this.Ds, this.B]));
    this.textT = new Float32Array(this.Dt * this.C);
    transposeInto(text.data, this.C, this.Dt, this.textT);
    this.ftTargets = tf.keep(allocateTensor<tf.Rank.R2>([this.Dt, this.B]));
    this.dHs64 = new Float64Array(this.B * 2 * this.L);
    this.dHt64 = new Float64Array(this.B * 2 * this.L);
    this.componentsByClass = null;
    if (textBands && model.textEncoder.frequency.w) {
      const K = model.textEncoder.frequency.layout.bands + 1;
      const comps = hostView(textBands.components); // K × (C·Dt)
      const out = new Float32Array(this.C * K * this.Dt);
      for (let c = 0; c < this.C; c++) {
        for (let k = 0; k < K; k++)
          out.set(comps.subarray(k * this.C * this.Dt + c * this.Dt, k * this.C * this.Dt + (c + 1) * this.Dt), (c * K + k) * this.Dt);
      }
      this.componentsByClass = simdKernels() ? tf.keep(tensorFrom([this.C * K * this.Dt], (v) => v.set(out))) : out;
    }
    // S = f_s Φᵀ for all training rows, once: the DCT of the data has no parameters (Eq. 29)
    this.spectrum = null;
    if (model.skeletonEncoder.frequency.w) {
      const { basisT } = dctBasisTensors(this.Ds);
      const out = new Float32Array(train.rows * this.Ds);
      const chunk = 4096;
      for (let r = 0; r < train.rows; r += chunk) {
        const n = Math.min(chunk, train.rows - r);
        const x = tf.tensor2d(train.features.subarray(r * this.Ds, (r + n) * this.Ds), [n, this.Ds]);
        const coefficients = tf.matMul(x, basisT);
        out.set(coefficients.dataSync(), r * this.Ds);
        tf.dispose([x, coefficients]);
      }
      this.spectrum = out;
    }
  }

  /** Frees the engine's own tensors (the model and the bands belong to the caller). */
  dispose(): void {
    if (this.componentsByClass instanceof tf.Tensor) this.componentsByClass.dispose();
    this.fsTargets.dispose();
    this.ftTargets.dispose();
  }

  /** Starts summing wall time per part of the step (the backends it runs on execute synchronously). */
  enableProfile(): void {
    this.profile = new Map();
  }

  /** ms per part summed over the steps since enableProfile(). */
  profileParts(): Map<string, number> {
    return new Map(this.profile ?? []);
  }

  private mark(part: string): void {
    if (!this.profile) return;
    const now = performance.now();
    if (part) this.profile.set(part, (this.profile.get(part) ?? 0) + now - this.lastMark);
    this.lastMark = now;
  }

  /** Forward, backward and one Adam update; returns the loss and its parts (float64 sums of float32 activations). */
  step(adam: Adam, cycle: number, stepInCycle: number, draws: StepDraws): StepLosses {
    const g = this.gradients(adam, cycle, stepInCycle, draws);
    try {
      this.mark('');
      adam.applyGradients(g.grads);
      this.mark('Adam update');
      return g.losses;
    } finally {
      g.release();
    }
  }

  /**
   * Forward and backward only: the loss, its parts, and ∂loss/∂p for every parameter of `adam`
   * (in its order; tensors or host arrays, valid until release()). `adam` supplies the transposed
   * weight copies its update loop keeps.
   */
  gradients(adam: Adam, cycle: number, stepInCycle: number, draws: StepDraws): { losses: StepLosses; grads: GradSource[]; release(): void } {
    const { model, cfg, train, text, B, L, Ds, Dt } = this;
    const sched = scheduleAt(cfg, cycle, stepInCycle);
    const window = sched.alignActive;
    const disposables: tf.Tensor[] = [];
    const keep = <T extends tf.Tensor>(t: T): T => {
      disposables.push(t);
      return t;
    };
    const skFm = model.skeletonEncoder.frequency;
    const txFm = model.textEncoder.frequency;
    const skHead = model.skeletonEncoder.head;
    const txHead = model.textEncoder.head;
    const skDec = model.skeletonDecoder.layer;
    const txDec = model.textDecoder.layer;
    const relu = model.skeletonDecoder.activation === 'relu';
    if (!this.prepared.has(adam)) {
      adam.keepTransposed([skHead.weight, txHead.weight, skDec.weight, txDec.weight]);
      this.prepared.add(adam);
    }
    // Layout: every matmul is written as (left · right) with a small right-hand operand, the one
    // XNNPACK re-packs per call: activations are kept transposed (features × rows), and the
    // transposed weights come from Adam's update loop. Yᵀ = Wᵀ·Xᵀ forward; dW = Xᵀ·dY, dXᵀ = W·dYᵀ back.
    try {
      this.mark('');
      // ---- batch (host arrays): raw features are the reconstruction targets (FM acts on encoder inputs only)
      const batch = draws.batch;
      const { colOf, uniq } = assembleBatch(batch, train, this.textT, this.C, hostView(this.fsTargets), hostView(this.ftTargets));
      const U = uniq.length;
      this.mark('batch assembly');

      // ---- skeleton branch: x̃_sᵀ = Φᵀ(S ⊙ g)ᵀ (Eq. 33), then [μ‖log σ²]ᵀ = Wᵀ x̃_sᵀ + b
      const gS = coefficientGains(skFm);
      const spec = this.spectrum;
      let xsT: tf.Tensor2D;
      if (gS && spec) {
        const scaledT = keep(
          tensorFrom<tf.Rank.R2>([Ds, B], (v) => {
            for (let i = 0; i < B; i++) for (let j = 0, src = batch[i] * Ds; j < Ds; j++) v[j * B + i] = spec[src + j] * gS.perCoefficient[j];
          }),
        );
        xsT = keep(tf.matMul(dctBasisTensors(Ds).basisT, scaledT));
      } else xsT = keep(tensorFrom<tf.Rank.R2>([Ds, B], (v) => v.set(hostView(this.fsTargets))));
      const hsT = keep(tf.matMul(adam.transposed(skHead.weight), xsT));
      this.mark('skeleton FM + encoder forward');

      // ---- text branch: x̃_t = Σ_i g_i P_i (Eq. 33, precomputed bands); the U distinct classes through the encoder
      const gT = coefficientGains(txFm);
      let xtT: tf.Tensor2D;
      const simd = simdKernels();
      if (gT && simd && this.componentsByClass instanceof tf.Tensor) {
        // x̃_t(c) = Σ_i g_i P_i(c) + P_b(c) for the batch's classes only, one SIMD kernel call per class
        const K = gT.band.length + 1;
        const gExt = keep(
          tensorFrom([K], (v) => {
            v.set(gT.band);
            v[K - 1] = 1;
          }),
        );
        const rows = keep(allocateTensor<tf.Rank.R2>([U, Dt]));
        const [rowsOff, pOff, gOff] = [rows, this.componentsByClass, gExt].map(heapOffset);
        for (let u = 0; u < U; u++) simd.combineRows(rowsOff + u * Dt * 4, pOff + uniq[u] * K * Dt * 4, gOff, K, Dt);
        xtT = keep(transposedTensor(rows, U, Dt));
      } else {
        let enhancedTable: tf.Tensor | null = null; // C×Dt, row-major per class
        if (gT && this.textBands) {
          const gExt = keep(
            tensorFrom<tf.Rank.R2>([1, gT.band.length + 1], (v) => {
              v.set(gT.band);
              v[gT.band.length] = 1;
            }),
          );
          enhancedTable = keep(tf.matMul(gExt, this.textBands.components));
        }
        xtT = keep(
          tensorFrom<tf.Rank.R2>([Dt, U], (v) => {
            const src = enhancedTable ? hostView(enhancedTable) : text.data;
            for (let u = 0; u < U; u++) for (let j = 0, o = uniq[u] * Dt; j < Dt; j++) v[j * U + u] = src[o + j];
          }),
        );
      }
      const htT = keep(tf.matMul(adam.transposed(txHead.weight), xtT));
      this.mark('text FM + encoder forward');

      // ---- posteriors (+ bias) as host rows; z = μ + exp(½ log σ²) ⊙ ε. Decoder inputs: outside the
      //      window Z_s = z_s, Z_t = z_t; inside, one Z = [z_s; z_t] feeds both: Dec_s(Z) = [ŝ; s̃], Dec_t(Z) = [t̃; t̂]
      const hs = addBiasTransposed(hostView(hsT), hostView(skHead.bias), B, 2 * L);
      const ht = addBiasTransposed(hostView(htT), hostView(txHead.bias), U, 2 * L);
      const sdS = standardDeviations(hs, B, L);
      const sdT = standardDeviations(ht, U, L);
      const perDim = cfg.reparameterisation === 'per-dimension';
      const R = window ? 2 * B : B;
      let zsT: tf.Tensor2D, ztT: tf.Tensor2D;
      if (window) {
        zsT = ztT = keep(
          tensorFrom<tf.Rank.R2>([L, R], (v) => {
            sampleLatentsTransposed(v, hs, sdS, null, draws.epsSkeleton, perDim, B, L, R, 0);
            sampleLatentsTransposed(v, ht, sdT, colOf, draws.epsText, perDim, B, L, R, B);
          }),
        );
      } else {
        zsT = keep(tensorFrom<tf.Rank.R2>([L, B], (v) => sampleLatentsTransposed(v, hs, sdS, null, draws.epsSkeleton, perDim, B, L, B, 0)));
        ztT = keep(tensorFrom<tf.Rank.R2>([L, B], (v) => sampleLatentsTransposed(v, ht, sdT, colOf, draws.epsText, perDim, B, L, B, 0)));
      }
      const sOutT = keep(tf.matMul(adam.transposed(skDec.weight), zsT)); // [Ds × R], before bias and activation
      const tOutT = keep(tf.matMul(adam.transposed(txDec.weight), ztT)); // [Dt × R]
      const tSelf = window ? B : 0; // column of t̂_0 in tOutT (t̃ starts at column 0 in the window)
      this.mark('reparameterisation + decoders forward');

      // ---- losses and ∂L/∂(decoder pre-activations), in both layouts (transposed like the outputs, and rows)
      const dYsTt = keep(allocateTensor<tf.Rank.R2>([Ds, R]));
      const dYtTt = keep(allocateTensor<tf.Rank.R2>([Dt, R]));
      const dYs = keep(allocateTensor<tf.Rank.R2>([R, Ds]));
      const dYt = keep(allocateTensor<tf.Rank.R2>([R, Dt]));
      const biasGradSkeletonDecoder = keep(allocateTensor<tf.Rank.R1>([Ds]));
      const biasGradTextDecoder = keep(allocateTensor<tf.Rank.R1>([Dt]));
      let reconstruction: number;
      let alignment = 0;
      {
        const simd = simdKernels();
        if (!window && simd && B % 4 === 0) {
          // one SIMD pass per decoder: bias, activation, MSE (Eq. 7) and its gradient
          const pass = (out: tf.Tensor, bias: tf.Tensor, target: tf.Tensor, gT: tf.Tensor, gRows: tf.Tensor, gBias: tf.Tensor, D: number) =>
            simd.reconstructionPass(
              heapOffset(out),
              heapOffset(bias),
              heapOffset(target),
              heapOffset(gT),
              heapOffset(gRows),
              heapOffset(gBias),
              B,
              D,
              relu ? 1 : 0,
              2 / (B * D),
            ) /
            (B * D);
          reconstruction =
            pass(sOutT, skDec.bias, this.fsTargets, dYsTt, dYs, biasGradSkeletonDecoder, Ds) +
            pass(tOutT, txDec.bias, this.ftTargets, dYtTt, dYt, biasGradTextDecoder, Dt);
        } else if (window && simd && B % 4 === 0 && isPermutation(draws.negatives) && (!draws.skeletonNegatives || isPermutation(draws.skeletonNegatives))) {
          // inside the window with SIMD kernels: bias + activation, self MSE (Eq. 7) on the self
          // columns, the alignment sides (Eq. 6 or variants) on the cross columns, then act'
          const r = relu ? 1 : 0;
          const off = heapOffset;
          simd.biasActivation(off(sOutT), off(skDec.bias), Ds, R, r);
          simd.biasActivation(off(tOutT), off(txDec.bias), Dt, R, r);
          reconstruction =
            simd.mseColumns(off(sOutT), off(this.fsTargets), off(dYsTt), 0, Ds, B, R, 2 / (B * Ds)) / (B * Ds) +
            simd.mseColumns(off(tOutT), off(this.ftTargets), off(dYtTt), tSelf, Dt, B, R, 2 / (B * Dt)) / (B * Dt);
          const terms = alignmentTerms(cfg, { skeleton: Ds, text: Dt });
          const c = sched.alignCoefficient;
          alignment =
            alignmentSideSimd(simd, terms.text, this.ftTargets, tOutT, dYtTt, 0, draws.negatives, B, R, Dt, c * terms.textWeight, keep) +
            alignmentSideSimd(
              simd,
              terms.skeleton,
              this.fsTargets,
              sOutT,
              dYsTt,
              B,
              terms.skeletonHasNegatives ? draws.skeletonNegatives : null,
              B,
              R,
              Ds,
              c * terms.skeletonWeight,
              keep,
            );
          simd.activationGradient(off(sOutT), off(dYsTt), off(dYs), off(biasGradSkeletonDecoder), Ds, R, r);
          simd.activationGradient(off(tOutT), off(dYtTt), off(dYt), off(biasGradTextDecoder), Dt, R, r);
        } else {
          const so = hostView(sOutT);
          const to = hostView(tOutT);
          const fsT = hostView(this.fsTargets);
          const ftT = hostView(this.ftTargets);
          const [dYsT, dYtT, dYsRows, dYtRows] = [dYsTt, dYtTt, dYs, dYt].map(hostView);
          const [gBiasS, gBiasT] = [biasGradSkeletonDecoder, biasGradTextDecoder].map(hostView);
          if (!window) {
            // one pass per decoder: bias, activation, MSE (Eq. 7) and its gradient
            reconstruction =
              reconstructionPass(so, hostView(skDec.bias), fsT, dYsT, dYsRows, gBiasS, B, Ds, relu) +
              reconstructionPass(to, hostView(txDec.bias), ftT, dYtT, dYtRows, gBiasT, B, Dt, relu);
          } else {
            biasActivationInPlace(so, hostView(skDec.bias), R, relu);
            biasActivationInPlace(to, hostView(txDec.bias), R, relu);
            dYsT.fill(0);
            dYtT.fill(0);
            reconstruction = mseTransposed(fsT, so, dYsT, B, R, 0, Ds) + mseTransposed(ftT, to, dYtT, B, R, tSelf, Dt); // Eq. 7
            // Eq. 6 (or its variants), coefficient c from the schedule
            const terms = alignmentTerms(cfg, { skeleton: Ds, text: Dt });
            const c = sched.alignCoefficient;
            alignment =
              alignmentSide(terms.text, ftT, to, dYtT, 0, draws.negatives, B, R, Dt, c * terms.textWeight) +
              alignmentSide(terms.skeleton, fsT, so, dYsT, B, terms.skeletonHasNegatives ? draws.skeletonNegatives : null, B, R, Ds, c * terms.skeletonWeight);
            activationGradientPass(so, dYsT, dYsRows, gBiasS, R, relu);
            activationGradientPass(to, dYtT, dYtRows, gBiasT, R, relu);
          }
        }
      }
      this.mark('losses and their gradients');

      // ---- decoders backward: dW = Zᵀ·dY, db = Σ_rows dY, dZᵀ = W·dYᵀ
      const dWsDec = keep(tf.matMul(zsT, dYs));
      const dWtDec = keep(tf.matMul(ztT, dYt));
      const dZsT = keep(tf.matMul(skDec.weight, dYsTt)); // [L × R]
      const dZtT = keep(tf.matMul(txDec.weight, dYtTt));
      this.mark('decoders backward');

      // ---- reparameterisation and KL (Eq. 7) backward into dH = ∂L/∂[μ‖log σ²] (B rows and U rows)
      const dHs64 = this.dHs64.fill(0);
      const dHt64 = this.dHt64.fill(0, 0, U * 2 * L);
      const zsCol = 0,
        ztCol = window ? B : 0; // columns of ∂L/∂z_s(i), ∂L/∂z_t(i) in dZᵀ (window: both decoders see both)
      const klS = posteriorBackward(
        hs,
        sdS,
        null,
        hostView(dZsT),
        window ? hostView(dZtT) : null,
        zsCol,
        R,
        draws.epsSkeleton,
        perDim,
        sched.betaSkeleton,
        B,
        L,
        dHs64,
      );
      const klT = posteriorBackward(
        ht,
        sdT,
        colOf,
        hostView(dZtT),
        window ? hostView(dZsT) : null,
        ztCol,
        R,
        draws.epsText,
        perDim,
        sched.betaText,
        B,
        L,
        dHt64,
      );
      const kl = (sched.betaSkeleton > 0 ? (sched.betaSkeleton * 0.5 * klS) / B : 0) + (sched.betaText > 0 ? (sched.betaText * 0.5 * klT) / B : 0);
      const dHs = Float32Array.from(dHs64);
      const dHt = Float32Array.from(dHt64.subarray(0, U * 2 * L));
      const dHsRows = keep(tensorFrom<tf.Rank.R2>([B, 2 * L], (v) => v.set(dHs)));
      const dHtRows = keep(tensorFrom<tf.Rank.R2>([U, 2 * L], (v) => v.set(dHt)));
      this.mark('reparameterisation + KL backward (host loop)');

      // ---- encoders backward: dW = x̃ᵀ·dH, db = Σ_rows dH; FM: ∂L/∂x̃ᵀ = W·dHᵀ, then to the band gains
      const grads = new Map<tf.Variable, GradSource>([
        [skHead.weight, keep(tf.matMul(xsT, dHsRows))],
        [skHead.bias, columnSums(dHs, B, 2 * L)],
        [txHead.weight, keep(tf.matMul(xtT, dHtRows))],
        [txHead.bias, columnSums(dHt, U, 2 * L)],
        [skDec.weight, dWsDec],
        [skDec.bias, biasGradSkeletonDecoder],
        [txDec.weight, dWtDec],
        [txDec.bias, biasGradTextDecoder],
      ]);
      this.mark('encoders backward (weights)');
      if (gS && spec && skFm.config.trainable) {
        // x̃ = (S ⊙ g)Φ  ⇒  ∂L/∂g_j = Σ_rows S ⊙ (∂L/∂x̃ Φᵀ);  transposed: (∂L/∂x̃ Φᵀ)ᵀ = Φ·∂L/∂x̃ᵀ
        const dHsT = keep(tensorFrom<tf.Rank.R2>([2 * L, B], (v) => transposeInto(dHs, B, 2 * L, v)));
        const dxsT = keep(tf.matMul(skHead.weight, dHsT));
        const dSpecT = hostView(keep(tf.matMul(dctBasisTensors(Ds).basis, dxsT)));
        const dCoef = new Float64Array(Ds);
        for (let i = 0; i < B; i++) for (let j = 0, src = batch[i] * Ds; j < Ds; j++) dCoef[j] += dSpecT[j * B + i] * spec[src + j];
        const dBand = new Float64Array(skFm.layout.bands);
        for (let j = 0; j < Ds; j++) if (skFm.layout.bandOf[j] >= 0) dBand[skFm.layout.bandOf[j]] += dCoef[j];
        const { dw, dk } = bandGainGradients(skFm, dBand, gS.w, gS.k);
        grads.set(skFm.w!, dw);
        if (skFm.k) grads.set(skFm.k, dk);
      }
      this.mark('skeleton FM backward');
      if (gT && this.componentsByClass && txFm.config.trainable) {
        // x̃_t = Σ_i g_i P_i  ⇒  ∂L/∂g_i = Σ_classes ⟨∂L/∂x̃_t(c), P_i(c)⟩ (classes outside the batch contribute 0)
        const dHtT = keep(tensorFrom<tf.Rank.R2>([2 * L, U], (v) => transposeInto(dHt, U, 2 * L, v)));
        const dxtT = keep(tf.matMul(txHead.weight, dHtT)); // ∂L/∂x̃_tᵀ, Dt × U
        const dxt = keep(transposedTensor(dxtT, Dt, U));
        const b = txFm.layout.bands;
        const dBand = new Float64Array(b);
        if (simd && this.componentsByClass instanceof tf.Tensor) {
          const pOff = heapOffset(this.componentsByClass);
          const dOff = heapOffset(dxt);
          for (let u = 0; u < U; u++) for (let k = 0; k < b; k++) dBand[k] += simd.dot(pOff + (uniq[u] * (b + 1) + k) * Dt * 4, dOff + u * Dt * 4, Dt);
        } else {
          const P = this.componentsByClass instanceof tf.Tensor ? hostView(this.componentsByClass) : this.componentsByClass;
          const d = hostView(dxt);
          for (let u = 0; u < U; u++) for (let k = 0; k < b; k++) dBand[k] += dot(P, (uniq[u] * (b + 1) + k) * Dt, d, u * Dt, Dt);
        }
        const { dw, dk } = bandGainGradients(txFm, dBand, gT.w, gT.k);
        grads.set(txFm.w!, dw);
        if (txFm.k) grads.set(txFm.k, dk);
      }
      this.mark('text FM backward');
      const release = () => {
        for (const t of disposables) t.dispose();
      };
      return {
        losses: { total: reconstruction + kl + alignment, reconstruction, kl, alignment },
        grads: adam.params.map((p) => grads.get(p) ?? null),
        release,
      };
    } catch (e) {
      for (const t of disposables) t.dispose();
      throw e;
    }
  }
}
