// Texts of lib/experiments/regularisation.ts: the notes of results/transfer_regularisation[_full].* and transfer_regularisation_selection[_full].* (lever (d)).

/** `changes`: the candidates other than the preset itself, each with what it changes. */
export function regularisationExtensionNote(changes: readonly { name: string; what: string }[]): string {
  return (
    "An extension of FS-VAE (not in the paper): one regularisation change at a time on top of the dataset's preset (none = the preset): " +
    changes.map((c) => `${c.name}: ${c.what}`).join('; ') +
    '.'
  );
}

/** `chosen`: the candidate chosen per dataset. */
export function regularisationSelectionNote(selectionSeeds: readonly number[], chosen: Readonly<Record<string, string>>): string {
  return (
    `Selection on the val phase only: stage 2 on the val-seen classes of every registered split, seeds ${selectionSeeds.join(', ')}; ` +
    'score = final-cycle ZSL on the pseudo-unseen classes × their number (1 = chance), averaged; the best candidate is chosen per dataset: ' +
    Object.entries(chosen)
      .map(([d, m]) => `${d}: ${m}`)
      .join(', ') +
    '.'
  );
}

export function regularisationTestNote(testSeeds: readonly number[]): string {
  return (
    `Test: the preset and the chosen candidate, every split × seeds ${testSeeds.join(', ')} (clean protocol, stage 1 fitted once), ` +
    'paired by split and seed; the all rows use the stratified Welch interval.'
  );
}
