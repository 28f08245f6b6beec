// Texts of lib/experiments/frequency-analysis.ts: notes of results/frequency_energy.md and results/frequency_gain_profiles.md.

/** frequency_energy: which skeletons were transformed. */
export function skeletonsNote(source: string, count: number): string {
  return `Skeletons: ${source}; ${count} sequences, every joint × coordinate trajectory transformed along time.`;
}

/** frequency_energy: the two identities checked. */
export const ENERGY_IDENTITIES_NOTE =
  'Eq. 32: E_freq = E_time. Eq. 34: energy of IDCT(g ⊙ DCT(s)) = Σ g(i)² C_i², with the reference gain profile laid over each length.';

/** frequency_energy: the size of the errors and the tfjs column. */
export const ROUNDING_NOTE =
  'Float64 errors are at the level of rounding (~1e-15); the tfjs column is the float32 ' +
  'FrequencyEnhancer against the float64 computation, relative to the signal RMS.';

/** frequency_energy: what the identities say about the module. */
export const ENERGY_RESCALED_NOTE =
  'The paper states these identities; they hold to machine precision here. Eq. 34 ' +
  'also shows the module does NOT preserve energy: it rescales it by Σ g²C²/Σ C².';

/** frequency_gain_profiles: the reference and paper presets. */
export const GAIN_PRESETS_NOTE =
  'reference = the public code (φ=30, b=30, k=0.3, w=1, last coefficient untouched); paper = Eq. 2-3 as printed with φ=35 (Table 12), w=0.3, no k.';

/** frequency_gain_profiles: the code's high-frequency gain at initialisation. */
export const HIGH_FREQUENCY_GAIN_NOTE =
  'In the code the high-frequency gain is 1 − w·k·(2 − i/b) = 0.4 + 0.01·i at init: damping is strongest just ' +
  'above φ (0.43) and weakest at the top band (0.69), the reverse of "suppressing high frequencies".';

/** frequency_gain_profiles: the text inputs. */
export const TEXT_INPUT_GAIN_NOTE =
  'At N = 1024 or 1536 (the 1024/1536-d text inputs) the first band already ends beyond φ = 30, ' +
  'so the reference module boosts nothing and damps every text coefficient by 0.40-0.69.';
