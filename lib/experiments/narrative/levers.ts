// Texts of lib/experiments/levers.ts: the notes every lever table shares (results/transfer_part_alignment*, transfer_auxiliary_classes*).

/** How a lever's mode is chosen on validation; `chosen`: the mode chosen per dataset. */
export function valScoreNote(chosen: Readonly<Record<string, string>>): string {
  return (
    'val score: the final-cycle ZSL of the val phase on the pseudo-unseen classes, × their number (1 = chance), averaged over splits × seeds; ' +
    'the mode with the best score is chosen per dataset (the test set is never used for the choice): ' +
    Object.entries(chosen)
      .map(([d, m]) => `${d}: ${m}`)
      .join(', ') +
    '.'
  );
}

/** How a lever's seeds run; `zslOn`: which unseen classes ZSL is measured on. */
export function leverSeedsNote(seeds: readonly number[], zslOn: string): string {
  return (
    `Each split × mode runs seeds ${seeds.join(', ')} of stage 2 (the dataset's preset, the clean protocol); stage 1 is fitted once (seed 1). ` +
    `ZSL is on ${zslOn} only.`
  );
}

export const DELTA_VS_NONE_NOTE =
  'Δ vs none: paired by split and seed; the all rows use the stratified Welch interval (each split keeps its own variance), split rows a plain t-interval.';
