/**
 * The alignment losses as per-sample pair terms: which term ℓ(pos, neg) (./pair-terms.ts) each side
 * uses, with which outer weight, and whether it has negatives. The one table both stage-2 engines
 * read (the autodiff loss through pairTermTensor, the fused step through pairTerm); the formulas
 * themselves are in ./pair-terms.ts (restated as tensor ops for a GPU: pairTermOnDevice).
 * Here too: α and its coefficient per loss (alignmentCoefficient).
 *
 *   loss                   text side              skeleton side                weight
 *   calibrated-reference   calibrated             calibrated-no-negative       1    (the code: λα applied by the schedule)
 *   calibrated-paper       calibrated             calibrated                   λ    (Eq. 6: λ/B Σ on both sides)
 *   cross-reconstruction   ‖·‖²/D_t               ‖·‖²/D_s (no negatives)      1    (MSF's MSE(f, g))
 *   triplet-T1 … T4        T1 … T4                T1 … T4                      1, except λ for T3 (Eq. 27)
 *   none                   —                      —                            0
 */
import { PairTermName, PairTermParams } from './pair-terms';

export type TripletVariant = 'T1' | 'T2' | 'T3' | 'T4';
export const ALIGNMENT_LOSSES = [
  'calibrated-reference',
  'calibrated-paper',
  'cross-reconstruction',
  'none',
  'triplet-T1',
  'triplet-T2',
  'triplet-T3',
  'triplet-T4',
] as const;
export type AlignmentLossName = (typeof ALIGNMENT_LOSSES)[number];

/** One side: weight · mean_i ℓ(pos_i, neg_i), pos_i = ‖f(i) − g(i)‖², neg_i = ‖f(i) − g(i⁻)‖² when `negatives`. */
export interface AlignmentSideForm {
  term: PairTermName;
  params: PairTermParams;
  weight: number;
  negatives: boolean;
}

export interface AlignmentForm {
  text: AlignmentSideForm;
  skeleton: AlignmentSideForm;
}

/** An alignment loss with its settings: the `alignment` block of a run's config (lib/train/config.ts). */
export interface AlignmentConfig {
  loss: AlignmentLossName;
  /** the loss's weight in Eq. 8 (see alignmentCoefficient for how each loss applies it). */
  alpha: number;
  /** λ of Eq. 6 / Eq. 11 (the sigmoid's temperature; also an outer weight where the table above says so). */
  lambda: number;
  /** margin m of L_T1 and L_T4. */
  margin: number;
  /** 'window': only inside the alignment window (the code's cr_fact); 'always': every step. */
  when: 'window' | 'always';
}

/**
 * The coefficient the trainer multiplies the alignment loss by while it is active. The code's form:
 * λ·α on the un-scaled sigmoid means; Eq. 8: α·L_Align (L_Align already carries λ/B); MSF's
 * cross-reconstruction: 1 (cr_fact); triplets (Table 9): α·L_T.
 */
export function alignmentCoefficient(a: AlignmentConfig): number {
  return a.loss === 'calibrated-reference' ? a.lambda * a.alpha : a.loss === 'cross-reconstruction' ? 1 : a.alpha;
}

/** The per-side form of a configured alignment loss for features of widths `dims`: what both stage-2 engines build from. */
export function configuredAlignmentForm(a: AlignmentConfig, dims: { text: number; skeleton: number }): AlignmentForm {
  return alignmentForm(a.loss, a.lambda, a.margin, dims);
}

/** The per-side form of an alignment loss; `dims` (feature widths) matter only for cross-reconstruction. */
export function alignmentForm(
  loss: AlignmentLossName,
  lambda: number,
  margin: number,
  dims: { text: number; skeleton: number } = { text: 1, skeleton: 1 },
): AlignmentForm {
  const params = { lambda, margin };
  const both = (term: PairTermName, weight: number): AlignmentForm => ({
    text: { term, params, weight, negatives: true },
    skeleton: { term, params, weight, negatives: true },
  });
  switch (loss) {
    case 'calibrated-reference':
      return {
        text: { term: 'calibrated', params, weight: 1, negatives: true },
        skeleton: { term: 'calibrated-no-negative', params, weight: 1, negatives: false },
      };
    case 'calibrated-paper':
      return both('calibrated', lambda);
    case 'cross-reconstruction':
      return {
        text: { term: 'squared-distance', params, weight: 1 / dims.text, negatives: false },
        skeleton: { term: 'squared-distance', params, weight: 1 / dims.skeleton, negatives: false },
      };
    case 'triplet-T1':
    case 'triplet-T2':
    case 'triplet-T4':
      return both(loss.slice('triplet-'.length) as TripletVariant, 1);
    case 'triplet-T3':
      return both('T3', lambda);
    case 'none':
      return {
        text: { term: 'squared-distance', params, weight: 0, negatives: false },
        skeleton: { term: 'squared-distance', params, weight: 0, negatives: false },
      };
  }
}
