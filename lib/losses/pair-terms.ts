/**
 * The per-sample alignment terms ℓ(pos, neg), value and derivatives, in float64: the definition the
 * fused stage-2 engine (lib/train/fused-step.ts) and the Theorem-1 checks (lib/experiments/theorem1.ts)
 * share. pos = ‖f − g(i)‖², neg = ‖f − g(j)‖² for a positive i and a negative j seen from one
 * feature f. Outer weights (1/B, λ/B, the λ of Eq. 27) are not part of a term.
 *
 *   calibrated              σ((pos − neg)/λ) = 1/(1 + exp((neg − pos)/λ))      Eq. 6 / Eq. 11
 *   calibrated-no-negative  σ(pos/λ)          (the public code's skeleton side)
 *   T1                      max(pos − neg + m, 0)                               Eq. 25
 *   T2                      log 1/(1 + exp((neg − pos)/λ)) = −softplus((neg − pos)/λ)   Eq. 26 (unbounded below)
 *   T3                      (e^{√pos}/(e^{√pos} + e^{√neg}))² = σ(√pos − √neg)²  Eq. 27 without its λ
 *   T4                      max(1 − neg/(pos + m), 0)                           Eq. 28
 *   squared-distance        pos               (cross-reconstruction: MSE = mean_i pos_i / D)
 *
 * This is where these formulas are defined: the autodiff engine evaluates them through
 * pairTermTensor (./index.ts), the fused engine and the Theorem-1 checks call pairTerm directly.
 * A GPU backend cannot read values back in the middle of a step, so pairTermOnDevice (./index.ts)
 * restates them as tensor ops; test/losses/pair-terms-device.test.ts holds both equal.
 */
export type PairTermName = 'calibrated' | 'calibrated-no-negative' | 'T1' | 'T2' | 'T3' | 'T4' | 'squared-distance';

export interface PairTermParams {
  /** temperature λ of Eq. 6/11 and Eq. 26. */
  lambda: number;
  /** margin m of Eq. 25 and Eq. 28. */
  margin: number;
}

/** 1/(1 + e^{−x}) without overflow. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x) without overflow. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** [ℓ, ∂ℓ/∂pos, ∂ℓ/∂neg] of a term (ReLU kinks take the derivative 0, as tfjs's relu'). */
export function pairTerm(name: PairTermName, pos: number, neg: number, p: PairTermParams): [value: number, dPos: number, dNeg: number] {
  switch (name) {
    case 'calibrated': {
      const s = sigmoid((pos - neg) / p.lambda);
      const d = (s * (1 - s)) / p.lambda;
      return [s, d, -d];
    }
    case 'calibrated-no-negative': {
      const s = sigmoid(pos / p.lambda);
      return [s, (s * (1 - s)) / p.lambda, 0];
    }
    case 'T1': {
      const a = pos - neg + p.margin;
      const r = a > 0 ? 1 : 0;
      return [Math.max(a, 0), r, -r];
    }
    case 'T2': {
      const a = (neg - pos) / p.lambda;
      const s = sigmoid(a);
      return [-softplus(a), s / p.lambda, -s / p.lambda];
    }
    case 'T3': {
      const dp = Math.sqrt(pos);
      const dn = Math.sqrt(neg);
      const r = sigmoid(dp - dn);
      const d = 2 * r * r * (1 - r);
      return [r * r, d / (2 * dp), -d / (2 * dn)];
    }
    case 'T4': {
      const a = 1 - neg / (pos + p.margin);
      if (!(a > 0)) return [Math.max(a, 0), 0, 0];
      return [a, neg / ((pos + p.margin) * (pos + p.margin)), -1 / (pos + p.margin)];
    }
    case 'squared-distance':
      return [pos, 1, 0];
  }
}
