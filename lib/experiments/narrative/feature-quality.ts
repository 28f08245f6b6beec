// Texts of lib/experiments/feature-quality.ts: the choice statement and notes of results/stage1_quality{,_summary,_choice}.{md,json}.

/** The scope of the choice: which extractors, on how many splits. */
export function evaluatedScope(extractors: readonly string[], splits: number): string {
  return `among the evaluated extractors (${extractors.join(', ')}) on ${splits} split(s)`;
}

/** Statement when the default extractor was not evaluated (`scope`: evaluatedScope). */
export function defaultNotEvaluatedStatement(scope: string, choice: string, defaultExtractor: string): string {
  return `val-phase choice ${scope}: ${choice}; the default extractor ${defaultExtractor} was not evaluated.`;
}

/** Statement when another extractor is the val-phase choice (means in percent). */
export function defaultNotChosenStatement(v: {
  defaultExtractor: string;
  scope: string;
  choice: string;
  choiceMean: number;
  defaultMean: number;
  defaultFirst: number;
  splits: number;
}): string {
  return (
    `the default extractor ${v.defaultExtractor} is NOT the val-phase choice ${v.scope}: ${v.choice} has the higher mean ` +
    `val_pseudo_unseen_ncm (${v.choiceMean} vs ${v.defaultMean}); ${v.defaultExtractor} is first on ${v.defaultFirst}/${v.splits} splits.`
  );
}

/** Statement when the default extractor is the val-phase choice, clearly or not (means in percent; `runner`: the second, if any). */
export function defaultChosenStatement(v: {
  defaultExtractor: string;
  scope: string;
  clear: boolean;
  mean: number;
  runner: { name: string; mean: number } | undefined;
  first: number;
  clearlyFirst: number;
  seenTop: number;
  splits: number;
}): string {
  return (
    `the default extractor ${v.defaultExtractor} is the val-phase choice ${v.scope}${v.clear ? ', clearly' : ', but NOT clearly'}: ` +
    `mean val_pseudo_unseen_ncm ${v.mean}${v.runner ? ` vs ${v.runner.mean} (${v.runner.name})` : ''}; ` +
    `first on ${v.first}/${v.splits} splits, clearly on ${v.clearlyFirst}/${v.splits}; ` +
    `val seen-class score at least every other extractor's on ${v.seenTop}/${v.splits}.`
  );
}

/** Appended to the statement: the order without the z-scoring (means in percent, best first), and whether its first is the choice. */
export function sensitivitySentence(ranked: readonly { name: string; mean: number; first: number }[], splits: number, agrees: boolean): string {
  return (
    ` Sensitivity (not deciding): without the z-scoring (val_pseudo_unseen_ncm_raw, each extractor's own Euclidean metric) ` +
    `the first is ${ranked[0].name} (${ranked.map((q) => `${q.name} ${q.mean}, first on ${q.first}/${splits}`).join('; ')})` +
    `${agrees ? ', the same as the choice' : ': the order DEPENDS on the z-scoring'}.`
  );
}

/** All tables: the deciding (val-phase) columns and how the val phase is built. */
export const DECIDING_COLUMNS_NOTE =
  'DECIDING columns (val phase only, the pseudo split inside the seen classes, built as stage-1 export builds ' +
  'shift_val_{u}_r): the extractor is fitted on the val-seen classes (seen minus valUnseen), train side, minus a held-out ' +
  '20% per class (chooseValHoldOut, seed fnv1a32("stage1-val:<seed>"); extractor seed = seed + 1). It only receives the ' +
  "seen classes' train-side sequences: the real unseen classes and the test side are never read for these columns.";

/** All tables: the val-phase metrics. */
export const VAL_METRICS_NOTE =
  "val_seen_top1: the extractor's own classifier on the held-out val-seen samples (argmax among the val-seen classes; n/a for the parameter-free " +
  'descriptor, whose classifier is its nearest class mean val_seen_ncm). val_seen_ncm: nearest class mean (means from the val-phase training ' +
  "rows) on the held-out val-seen samples. val_pseudo_unseen_ncm: nearest of the pseudo-unseen (val-unseen) classes' own means on their " +
  "train-side samples (the val phase's ztest); its labels are seen classes' labels, so it is a validation criterion, not a test result.";

/** All tables: the test-side diagnostic columns. */
export const DIAGNOSTIC_COLUMNS_NOTE =
  'DIAGNOSTIC columns (diag_test_*: test-side, not used for any choice): the extractor refitted on all seen classes, train side (as stage-1 ' +
  "export's phase train); diag_test_seen_top1 / diag_test_seen_ncm on the seen classes' test side; diag_test_unseen_ncm_oracle: " +
  "nearest of the real unseen classes' own test-side means, a CEILING read off the test labels, never a zero-shot result.";

/** All tables: the NCM metric and the raw sensitivity column. */
export const NCM_METRIC_NOTE =
  "All NCM metrics: Euclidean distance after z-scoring each feature dimension with the mean and std of the phase's " +
  'training rows, except val_pseudo_unseen_ncm_raw: the same as val_pseudo_unseen_ncm on the features as they ' +
  "are (each extractor's own Euclidean metric; for dct-descriptor, whose features are already z-scored by the " +
  'val-phase training rows, the two coincide). It is a SENSITIVITY check of the z-scoring and decides nothing.';

/** stage1_quality_summary and _choice: the decision rule. */
export const DECISION_RULE_NOTE =
  'The decision uses the val_* columns only: the choice is the extractor with the highest mean over splits of ' +
  'val_pseudo_unseen_ncm; "clear" also needs it first on every split, with a lead over the runner-up above √(sd₁² + sd₂²) ' +
  'of their seed-stds on at least half of the splits, and its val seen-class score (val_seen_top1; the descriptor: ' +
  "val_seen_ncm) at least every other extractor's on at least half of them. The diag_test_* columns decide nothing.";

/** stage1_quality_summary: the val_verdict and val_pseudo_unseen_rank columns. */
export function verdictColumnsNote(defaultExtractor: string): string {
  return (
    `val_verdict: does the extractor's mean val_seen_top1 reach the descriptor's val_seen_ncm, and its mean ` +
    `val_pseudo_unseen_ncm the descriptor's? val_pseudo_unseen_rank: place on val_pseudo_unseen_ncm among ` +
    `the split's extractors ("clear": lead > √(sd₁² + sd₂²)). The default extractor is ${defaultExtractor}.`
  );
}
