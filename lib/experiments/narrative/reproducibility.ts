// Texts of lib/experiments/reproducibility.ts: the notes of results/ntu_reproducibility.{md,csv,json} (and notebook 03's list of sources).

/** The sources of the NTU table: the paper, the released scripts and the user reports, cited. */
export const NTU_REPRODUCIBILITY_NOTES: readonly string[] = [
  'Paper ZSL and H: Tables 1-2, row Ours (lib/experiments/paper-numbers.ts).',
  'Released scripts (wenhanwu95/FS-VAE@25e7bbeb): fsvae_60.sh runs train.py with α 0.5 and 1700 steps per cycle, where appendix Table 12 ' +
    '(as quoted in issue #3) gives α 0.1 and 1900; model.py fixes φ (split_freq) at 30, Table 12 says 35 (docs/paper-vs-code.md).',
  'fsvae_120.sh (α 0.1, 1900 steps) calls train_neg_t.py, which the repository does not hold: the NTU-120 numbers may come from a variant ' +
    'of train.py that cannot be checked.',
  '#1 https://github.com/wenhanwu95/FS-VAE/issues/1 (Z1740220020, 2025-08-17, closed): unmodified code gives 55/5 ZSL 84.37 / H 64.83 and ' +
    "48/12 ZSL 48.38 / H 47.00 vs the paper's 86.9 / 75.7 and 57.2 / 52.1; the maintainer answered by e-mail only.",
  '#3 https://github.com/wenhanwu95/FS-VAE/issues/3 (Z1740220020, 2025-09-30, closed): NTU-120 close to the paper, NTU-60 not, on three ' +
    'machines; lists the Table 12 mismatches (epoch, α, φ); no public fix.',
  '#4 https://github.com/wenhanwu95/FS-VAE/issues/4 (oldbowls, 2025-10-22, open): about 6 % below the paper on 55/5; no number, no maintainer answer visible.',
  '#5 https://github.com/wenhanwu95/FS-VAE/issues/5 (xyhhappy, 2026-01-21, open): "largely" reproduces U5, U10 and U24, gets 48.9 vs 57.2 ' +
    'on U12; no answer visible.',
  'The released code picks the best of its 10 cycles on the test set, with one seed, an optimistic choice: expect ' +
    "this project's clean protocol (cycle chosen on a validation split) at or below its test-selected row.",
];
