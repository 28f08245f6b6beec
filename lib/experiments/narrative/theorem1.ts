// Texts of lib/experiments/theorem1.ts: notes of results/theorem1_terms.md, theorem1_terms_summary.md and theorem1_noise.md.

/** theorem1_terms: the Monte-Carlo setting. */
export function monteCarloSettingNote(c: {
  dim: number;
  nTilde: number;
  n2: number;
  n3: number;
  sigma3: number;
  distance3: number;
  margin: number;
  draws: number;
  seed: number;
}): string {
  return (
    `Setting: d = ${c.dim}, P2 = N(0, σ²I), f² = μ2 = 0, f¹ at distance ‖f¹−μ₂‖ from μ2; ñ = ${c.nTilde}, n₂ = ${c.n2}, ` +
    `n₃ = ${c.n3}; P3 = N(μ3, ${c.sigma3}²I), ‖μ3‖ = ${c.distance3}; margin m = ${c.margin}; ${c.draws} independent ` +
    `draws of (S̃, S2, S3) per point, seed ${c.seed} (the same draws at every sweep point and for every loss).`
  );
}

/** theorem1_terms: what the terms A, C and B are. */
export const TERMS_DEFINITION_NOTE =
  'A = λΣ_{i∈S̃}Σ_{j∈S2} ℓ¹(i,j), C = λΣ_{i∈S2}Σ_{j∈S̃} ℓ²(i,j), B = λΣ_{i∈S̃}Σ_{j∈S3} ℓ¹(i,j); ℓ is the summand ' +
  'of Eq. 11 (calibrated) or of Eq. 25-28 without their 1/B or λ/B weights. SE = sd over draws/√draws.';

/**
 * theorem1_terms: the derivation's constant against the calibrated E[A] at the base setting (`base`: that estimate, absent
 * when the base setting is not on a sweep; `halfPairs` = λñn₂/2).
 */
export function derivationNote(
  setting: { sigma: number; distance: number; lambda: number },
  base: { mean: number; se: number; normalised: number } | undefined,
  halfPairs: number,
): string {
  return (
    'The derivation (Eq. 20-23) gives ℓ(i,j) + ℓ(j,i) = 1, hence E[ℓ] = 1/2 and E[A] = E[C] = λ·ñ·n₂/2, not 1 as Eq. 19 prints. ' +
    `At the base setting (σ = ${setting.sigma}, ‖f¹−μ₂‖ = ${setting.distance}, λ = ${setting.lambda}) the calibrated E[A] = ` +
    `${base ? base.mean.toFixed(3) : '?'} ± ${base ? base.se.toFixed(3) : '?'} vs λñn₂/2 = ${halfPairs}; ` +
    `E[A]/(λñn₂) = ${base ? base.normalised.toFixed(4) : '?'}.`
  );
}

/** theorem1_terms: the largest |z| of the calibrated A and C rows (`rows` of them), and what T1..T4 do instead. */
export function calibratedZNote(rows: number, maxZ: string): string {
  return (
    `For the calibrated loss the largest |z| over all ${rows} A and C rows is ` +
    `${maxZ}; for T1..T4 E[ℓ] moves with σ and with ‖f¹−μ₂‖, i.e. their noisy terms ` +
    'are not constant in expectation (E[term]/(λ·pairs) here and theorem1_terms_summary show by how much).'
  );
}

/** theorem1_terms: term B is outside the theorem. */
export const TERM_B_NOTE =
  'Term B (S̃ against S3) is not covered by Theorem 1: its expectation depends on the distributions for every loss, the calibrated one included.';

/** theorem1_terms_summary: how to read (max − min)/SE. */
export const SUMMARY_SE_NOTE =
  '(max − min)/SE uses √(SE_max² + SE_min²); the draws are shared between sweep points, which makes ' +
  'the true SE of a difference smaller, so a few units is noise and hundreds is a real dependence.';

/** theorem1_terms_summary: term C on the distance sweep, and the λ sweep. */
export const SUMMARY_SWEEPS_NOTE =
  'Term C does not involve f¹ and is omitted from the distance sweep. Along λ the calibrated E[ℓ] stays 1/2 while E[A] itself scales as ' +
  'λ·ñ·n₂/2; the per-pair T1, T3 and T4 do not involve λ, so their rows along λ are constant by construction (differences at rounding level).';

/** theorem1_noise: the generated data (`dataset`: its JSON config; `chance`: percent, formatted). */
export function noiseDataNote(dataset: string, unseen: readonly number[], chance: string, trainRows: number): string {
  return `Data: generateFeatureDataset(${dataset}), unseen classes [${unseen.join(', ')}] ` + `(chance ${chance}%), ${trainRows} seen-class training rows.`;
}

/** theorem1_noise: how the label noise is injected. */
export const NOISE_INJECTION_NOTE =
  'Noise: round(r·rows) training labels flipped to a uniformly drawn other seen class (the ' +
  'same flips for every loss at a given rate and seed); the test samples are clean.';

/** theorem1_noise: the stage-2 schedule and what is reported. */
export function noiseTrainingNote(n: {
  cycles: number;
  stepsPerCycle: number;
  latentDim: number;
  classifierSamplesPerClass: number;
  classifierSteps: number;
  seeds: readonly number[];
}): string {
  return (
    `Stage 2: the 'quick' preset (α = 0.5, λ = 100, m = 1, lr 1e-3, batch 64) with ${n.cycles} cycles × ${n.stepsPerCycle} ` +
    `steps (scaled schedule), latent ${n.latentDim}, alignment active at EVERY step; classifier ` +
    `${n.classifierSamplesPerClass} latents/class, ${n.classifierSteps} steps. Reported: each run's ZSL accuracy averaged ` +
    'over its cycles (no cycle is selected on the test set; single cycles swing by tens of points on this small problem), ' +
    `then mean ± sample std over seeds ${n.seeds.join(', ')}; the last cycle alone in the 'last cycle' columns.`
  );
}

/** theorem1_noise: the failed runs (their loss and error message), or that none failed. */
export function failedRunsNote(failed: readonly { loss: string; error: string | null }[]): string {
  return failed.length
    ? `${failed.length} run(s) failed and are excluded from the means: ${[...new Set(failed.map((r) => `${r.loss}: ${r.error}`))].join('; ')}.`
    : 'No run failed.';
}

/** theorem1_noise: L_T2 as printed is unbounded below. */
export const T2_UNBOUNDED_NOTE =
  'L_T2 as printed (Eq. 26: log 1/(1 + exp((neg − pos)/λ)) = −softplus((neg − pos)/λ)) is unbounded below: it decreases without limit as ' +
  'neg − pos grows, so minimising it inflates the feature scale (for runs that complete, the last-cycle reconstruction loss column ' +
  'shows it). The bounded soft-margin form would be +softplus((pos − neg)/λ); it is not what Eq. 26 prints, so it is not run here.';

/** theorem1_noise: the limits of the comparison. */
export const NOISE_LIMITS_NOTE =
  "Generated features with few seeds: differences of a few points are within seed-to-seed spread; this is not the paper's NTU Table 9.";
