// Texts of lib/experiments/evidence.ts: the notes every evidence table carries (results/table1_zsl, table2_gzsl, ablation_table3/4/9, table7/8_*[_full]).

/** `data`: per dataset its origin, splits, seeds and preset, joined by ' | '; `extractor`: the stage-1 extractor's name. */
export function evidenceDataNote(data: string, extractor: string): string {
  return (
    `Data: ${data}. Stage 1: ${extractor}, fitted once per split (seed 1) and shared by every stage-2 seed: ` +
    "the intervals hold the stage-2 randomness only (the stage-1 fit's seed enters through its augmented copies and the shrinkage folds)."
  );
}

/** `allSplits`: the split column of the rows over all splits; `intervalMethod`: how their interval is computed. */
export function evidenceRowsNote(allSplits: string, intervalMethod: string): string {
  return (
    'Each row: the clean protocol (the cycle is chosen on the pseudo-unseen validation split; the test set is never used for a choice). ' +
    `Rows with split '${allSplits}' average the splits (each split: mean over its seeds), n = splits × seeds; ` +
    `the rows below them give each split alone (n = its seeds, plain t-interval). ${intervalMethod}. ` +
    'Comparison rows are deterministic. Chance = 1/|unseen| (averaged over the splits).'
  );
}

export const EVIDENCE_VERDICT_NOTE =
  "verdict: the row's claim tested with paired differences matched by split and seed (over the runs both rows have; n pairs) — " +
  'Δ = (the side the paper says is better) − (the other side), per run, averaged like the rows and with the same stratified Welch interval, ' +
  'in points; supports = interval above 0, contradicts = below 0, inconclusive = contains 0. No correction for the many comparisons.';

export const EVIDENCE_PAPER_NOTE =
  "paper / paper Δ: the paper's numbers on NTU-60 55/5 | 48/12 and NTU-120 110/10 | 96/24 (Shift-GCN features, CLIP text): " +
  'another dataset and text encoder, so only the direction of a claim is comparable.';

export const EVIDENCE_RUNS_NOTE =
  "Every run's values (split, seed, row, variant, ZSL, S, U, H, test-selected ZSL, seconds, engine, code version) are in the table's JSON " +
  '(`runs`), with the row specs and published numbers: `evidenceRowsFromRuns` recomputes every row and verdict from them.';
