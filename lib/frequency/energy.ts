/**
 * Energy checks of App. F in float64: Parseval for the orthonormal DCT (Eq. 31-32) and the energy
 * after frequency gains (Eq. 33-34). Inputs are trajectories: rows of length F (one row per
 * joint × coordinate), e.g. from `trajectories()` of a skeleton sequence.
 */
import * as math from 'mathjs';
import { FsvaeInputError } from '../util/assert';
import { dct1d, idct1d } from './dct';

export function sumOfSquares(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return s;
}

export interface EnergyCheck {
  /** Σ s² over all rows and frames (E_time, Eq. 32 left). */
  timeEnergy: number;
  /** Σ C² over all rows and coefficients (E_freq, Eq. 32 right). */
  freqEnergy: number;
  /** E_freq / E_time (1 by Eq. 32). */
  ratio: number;
  /** max over rows of |E_freq,row − E_time,row| / E_time,row (rows with zero energy skipped). */
  maxRowRelativeError: number;
}

/** Eq. 31-32 on every row. */
export function checkEnergyPreservation(rows: readonly ArrayLike<number>[]): EnergyCheck {
  if (rows.length === 0) throw new FsvaeInputError('checkEnergyPreservation: no trajectories given.');
  let et = 0;
  let ef = 0;
  let worst = 0;
  for (const row of rows) {
    const t = sumOfSquares(row);
    const f = sumOfSquares(dct1d(row));
    et += t;
    ef += f;
    if (t > 0) worst = Math.max(worst, Math.abs(f - t) / t);
  }
  return { timeEnergy: et, freqEnergy: ef, ratio: ef / et, maxRowRelativeError: worst };
}

export interface EnhancedEnergyCheck {
  /** Σ_f s'² with s' = IDCT(g ⊙ DCT(s)) (Eq. 33, left side of Eq. 34). */
  enhancedTimeEnergy: number;
  /** Σ_i g(i)² C_i² (right side of Eq. 34). */
  predictedEnergy: number;
  /** max over rows of the relative gap between the two sides of Eq. 34. */
  maxRowRelativeError: number;
  /** enhanced / original time energy. */
  gainRatio: number;
}

/** Eq. 34: energy after applying per-coefficient gains g equals Σ g² C². */
export function checkEnhancedEnergy(rows: readonly ArrayLike<number>[], gains: ArrayLike<number>): EnhancedEnergyCheck {
  let lhs = 0;
  let rhs = 0;
  let original = 0;
  let worst = 0;
  for (const row of rows) {
    if (row.length !== gains.length) {
      throw new FsvaeInputError(`checkEnhancedEnergy: trajectory length ${row.length} ≠ gain profile length ${gains.length}.`);
    }
    const c = dct1d(row);
    const scaled = c.map((v, i) => v * gains[i]);
    const l = sumOfSquares(idct1d(scaled));
    const r = sumOfSquares(scaled);
    lhs += l;
    rhs += r;
    original += sumOfSquares(row);
    if (r > 0) worst = Math.max(worst, Math.abs(l - r) / r);
  }
  return { enhancedTimeEnergy: lhs, predictedEnergy: rhs, maxRowRelativeError: worst, gainRatio: lhs / original };
}

/** Applies a gain profile to one trajectory: IDCT(g ⊙ DCT(s)), float64 (Eq. 33). */
export function enhanceTrajectory(row: ArrayLike<number>, gains: ArrayLike<number>): Float64Array {
  const c = dct1d(row);
  for (let i = 0; i < c.length; i++) c[i] *= gains[i];
  return idct1d(c);
}

export interface OrthogonalityCheck {
  n: number;
  /** significant digits used by mathjs BigNumber. */
  precision: number;
  /** max_{f,f'} |Σ_i φ_i(f)φ_i(f') − δ_ff'| in BigNumber arithmetic (as a decimal string and as a number). */
  maxErrorBig: string;
  maxErrorBigNumber: number;
  /** the same in float64. */
  maxErrorFloat64: number;
}

/** Orthogonality of the DCT basis (the identity used in Eq. 31 and 34), checked in high precision. */
export function checkOrthogonality(n: number, precision = 64): OrthogonalityCheck {
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new FsvaeInputError('checkOrthogonality: n must be an integer in 1..64 (cost is O(n³) BigNumber ops), ' + `got ${n}.`);
  const M = math.create(math.all, { number: 'BigNumber', precision });
  const bn = (v: number | string) => M.bignumber(v);
  const pi = M.pi as unknown as math.BigNumber;
  const phi: math.BigNumber[][] = [];
  const phi64: number[][] = [];
  for (let i = 0; i < n; i++) {
    const scale = M.sqrt(M.divide(bn(i === 0 ? 1 : 2), bn(n)) as math.BigNumber) as math.BigNumber;
    const row: math.BigNumber[] = [];
    const row64: number[] = [];
    for (let f = 0; f < n; f++) {
      const angle = M.multiply(M.divide(pi, bn(n)), M.multiply(M.add(bn(f), bn('0.5')), bn(i))) as math.BigNumber;
      row.push(M.multiply(scale, M.cos(angle)) as math.BigNumber);
      row64.push(Math.sqrt((i === 0 ? 1 : 2) / n) * Math.cos((Math.PI / n) * (f + 0.5) * i));
    }
    phi.push(row);
    phi64.push(row64);
  }
  let worst = bn(0);
  let worst64 = 0;
  for (let f = 0; f < n; f++) {
    for (let g = 0; g < n; g++) {
      let acc = bn(0);
      let acc64 = 0;
      for (let i = 0; i < n; i++) {
        acc = M.add(acc, M.multiply(phi[i][f], phi[i][g])) as math.BigNumber;
        acc64 += phi64[i][f] * phi64[i][g];
      }
      const err = M.abs(M.subtract(acc, bn(f === g ? 1 : 0))) as math.BigNumber;
      if (M.larger(err, worst)) worst = err;
      worst64 = Math.max(worst64, Math.abs(acc64 - (f === g ? 1 : 0)));
    }
  }
  return {
    n,
    precision,
    maxErrorBig: M.format(worst, { notation: 'exponential', precision: 3 }),
    maxErrorBigNumber: Number(worst.toString()),
    maxErrorFloat64: worst64,
  };
}
