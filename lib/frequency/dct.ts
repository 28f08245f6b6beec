/**
 * Orthonormal DCT-II and its inverse (paper Eq. 1 and 4; App. F Eq. 29-30).
 *
 * Basis (Eq. 30): φ_i(f) = sqrt((2 − δ_i0)/F) · cos(π/F · (f + ½) · i), i, f ∈ {0..F−1}.
 * Forward (Eq. 29): C_i = Σ_f s_f φ_i(f).  Inverse (Eq. 4 / 33): s_f = Σ_i C_i φ_i(f).
 * The matrix Φ[i][f] = φ_i(f) is orthogonal (ΦΦᵀ = I), so the inverse is Φᵀ and energy is kept (Eq. 32).
 * Identical to scipy `dct(type=2, norm='ortho')` and torch_dct `dct(x, norm='ortho')`.
 *
 * Two flavours: float64 helpers on plain arrays (for numerical checks and analysis) and a
 * differentiable tfjs version along any axis (for the model). Both cache the basis per length.
 * The tfjs version is a dense O(N²) matrix product; `DctMethod` keeps room for an O(N log N) plan.
 */
import * as tf from '@tensorflow/tfjs';
import { FsvaeInputError, assertPositiveInteger } from '../util/assert';

/** How the tfjs transform is computed. Only 'dense' exists today. */
export type DctMethod = 'dense';

const basis64Cache = new Map<number, Float64Array>();

/** Φ as a row-major n×n Float64Array: entry [i*n + f] = φ_i(f) (Eq. 30). */
export function dctBasis64(n: number): Float64Array {
  assertPositiveInteger(n, 'DCT length');
  let m = basis64Cache.get(n);
  if (!m) {
    m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      const scale = Math.sqrt((i === 0 ? 1 : 2) / n);
      for (let f = 0; f < n; f++) m[i * n + f] = scale * Math.cos((Math.PI / n) * (f + 0.5) * i);
    }
    basis64Cache.set(n, m);
  }
  return m;
}

/** Forward DCT-II (orthonormal) of one signal in float64 (Eq. 29). */
export function dct1d(signal: ArrayLike<number>): Float64Array {
  const n = signal.length;
  const basis = dctBasis64(n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    const row = i * n;
    for (let f = 0; f < n; f++) acc += basis[row + f] * signal[f];
    out[i] = acc;
  }
  return out;
}

/** Inverse (DCT-III, orthonormal) of one coefficient vector in float64 (Eq. 4 / 33). */
export function idct1d(coefficients: ArrayLike<number>): Float64Array {
  const n = coefficients.length;
  const basis = dctBasis64(n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = coefficients[i];
    if (c === 0) continue;
    const row = i * n;
    for (let f = 0; f < n; f++) out[f] += c * basis[row + f];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// tfjs (float32, differentiable)

const tensorCache = new Map<string, { basis: tf.Tensor2D; basisT: tf.Tensor2D }>();

/** Φ and Φᵀ as float32 tensors for the active backend, created once and kept out of tf.tidy. */
export function dctBasisTensors(n: number): { basis: tf.Tensor2D; basisT: tf.Tensor2D } {
  const key = `${tf.getBackend()}:${n}`;
  let entry = tensorCache.get(key);
  if (!entry || entry.basis.isDisposed) {
    const basis = dctBasis64(n);
    const basisT = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let f = 0; f < n; f++) basisT[f * n + i] = basis[i * n + f];
    entry = {
      basis: tf.keep(tf.tensor2d(Float32Array.from(basis), [n, n])),
      basisT: tf.keep(tf.tensor2d(basisT, [n, n])),
    };
    tensorCache.set(key, entry);
  }
  return entry;
}

function alongAxis<R extends tf.Rank>(x: tf.Tensor<R>, axis: number, what: string, fn: (rows: tf.Tensor2D) => tf.Tensor2D): tf.Tensor<R> {
  const rank = x.rank;
  if (rank === 0) throw new FsvaeInputError(`${what}: expected a tensor of rank ≥ 1, got a scalar.`);
  const ax = axis < 0 ? rank + axis : axis;
  if (ax < 0 || ax >= rank) throw new FsvaeInputError(`${what}: axis ${axis} is out of range for a rank-${rank} tensor.`);
  return tf.tidy(() => {
    const perm = [...Array(rank).keys()].filter((d) => d !== ax).concat([ax]);
    const moved = ax === rank - 1 ? x : tf.transpose(x, perm);
    const n = x.shape[ax];
    const rows = tf.reshape(moved, [-1, n]) as tf.Tensor2D;
    const out = tf.reshape(fn(rows), moved.shape);
    if (ax === rank - 1) return out as tf.Tensor<R>;
    const inverse = new Array<number>(rank);
    perm.forEach((p, i) => (inverse[p] = i));
    return tf.transpose(out, inverse) as tf.Tensor<R>;
  });
}

/** Orthonormal DCT-II of `x` along `axis` (default: last). Differentiable. */
export function dct<R extends tf.Rank>(x: tf.Tensor<R>, axis = -1, _method: DctMethod = 'dense'): tf.Tensor<R> {
  return alongAxis(x, axis, 'dct', (rows) => tf.matMul(rows, dctBasisTensors(rows.shape[1]).basisT));
}

/** Inverse of `dct` along `axis` (default: last). Differentiable. */
export function idct<R extends tf.Rank>(coefficients: tf.Tensor<R>, axis = -1, _method: DctMethod = 'dense'): tf.Tensor<R> {
  return alongAxis(coefficients, axis, 'idct', (rows) => tf.matMul(rows, dctBasisTensors(rows.shape[1]).basis));
}
