// Texts of lib/experiments/text-encoders.ts: notes of results/text_space_similarity.md, table7_text_encoders_ntu.md and table8_text_encoders_gzsl_ntu.md.
import type { Row } from '../../report/table';

/** text_space_similarity: how a space is built from its parts. */
export const SPACE_COMPOSITION_NOTE =
  'Each space: one vector per class, parts concatenated and L2-normalised per class (Eq. 5); SynSE word2vec/BERT: verb and noun parts normalised ' +
  'separately, then concatenated and normalised.';

/** text_space_similarity: linear CKA, its bias and the debiased form. */
export const LINEAR_CKA_NOTE =
  'linear CKA = ⟨HKH, HLH⟩/(‖HKH‖‖HLH‖), K = XXᵀ (Kornblith et al. 2019); ' +
  'it is biased upwards when the width is large against the class count, ' +
  'which the random control row shows. Debiased CKA uses the unbiased HSIC (Song et al. 2012): ≈ 0 for unrelated spaces.';

/** text_space_similarity: NN@k agreement and its chance level per class count (the rows of neighbourChanceRows). */
export function neighbourAgreementNote(chanceRows: readonly Row[]): string {
  return (
    'NN@k agreement = mean over classes of |kNN_A ∩ kNN_B|/k by cosine similarity; chance: ' +
    `${chanceRows
      .map((c) =>
        Object.entries(c)
          .map(([k, v]) => `${k} ${typeof v === 'number' && k !== 'classes' ? v.toFixed(3) : v}`)
          .join(', '),
      )
      .join('; ')}.`
  );
}

/** text_space_similarity: why USE-Lite on our descriptions has no label-only row. */
export const USE_LITE_OURS_NOTE = 'USE-Lite (our descriptions) appears only with AL+GD+LD: our AL strings equal the MSF labels.';

/** Tables 7 and 8: what they compare, and the rows not run. */
export const TABLE7_ENCODERS_NOTE =
  'Paper Table 7 (ZSL) and Table 8 (GZSL): FS-VAE on the SynSE Shift-GCN features of NTU-60/120 with CLIP ViT-B/32 vs ViT-B/16 text. ' +
  "Rows with status 'not run' need those features (see note).";

/** Tables 7 and 8: the two protocols. */
export const TABLE7_PROTOCOL_NOTE =
  "clean = cycle chosen on the pseudo-unseen validation split; reference (test-selected) = the public code's choice of the best cycle on the test set.";
