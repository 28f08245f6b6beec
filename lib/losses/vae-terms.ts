/**
 * The per-element terms of the VAE loss (Eq. 7), value and derivative, in float64. The fused
 * stage-2 step's JS passes call them; the tensor forms in ./index.ts (mseMean, klDivergence) are
 * the same expressions as native tfjs ops, so that the autodiff engine stays on the device on GPU
 * backends; the wasm SIMD kernels (lib/runtime/kernels) transcribe them. Tests hold all equal.
 */

/** One element of nn.MSELoss's sum: (y − t)². */
export function squaredError(y: number, t: number): number {
  const d = y - t;
  return d * d;
}

/** ∂(y − t)²/∂y = 2(y − t). */
export function squaredErrorGrad(y: number, t: number): number {
  return 2 * (y - t);
}

/** One latent dimension of 2·KL(N(μ, σ²) ‖ N(0, 1)) = μ² + σ² − 1 − log σ²  (σ² = e^{log σ²}, passed in). */
export function klTerm2(mu: number, logvar: number, variance: number): number {
  return mu * mu + variance - 1 - logvar;
}

/** ∂/∂μ of klTerm2 = 2μ. */
export function klTerm2GradMu(mu: number): number {
  return 2 * mu;
}

/** ∂/∂log σ² of klTerm2 = σ² − 1. */
export function klTerm2GradLogvar(variance: number): number {
  return variance - 1;
}
