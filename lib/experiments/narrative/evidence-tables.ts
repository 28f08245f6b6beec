// Texts of lib/experiments/evidence-tables.ts: notes of the evidence tables (results/table1_zsl*.md, …) and lines of the README's evidence block.

/** `row`: the label of the paraphrases row. */
export function paraphrasesNote(row: string): string {
  return (
    `${row}: an extension of FS-VAE, not in the paper — the same model and preset as Ours, with each text part ` +
    '(AL, LD, GD) of a class the mean of the USE-Lite embeddings of its text and of alternative phrasings that spell out direction, ' +
    'temporal order and the moving body part (data/descriptions/paraphrases/, lib/text/paraphrases.ts). A row next to Ours, never instead of it.'
  );
}

/**
 * `source`: where the published rows come from; `encoderText`: whether our text comes from a sentence encoder;
 * `allSplits`: the split column of the rows over all splits.
 */
export function publishedRowsNote(source: string, encoderText: boolean, allSplits: string): string {
  const ours = encoderText ? 'the offline USE-Lite encoder' : 'another text source';
  return (
    `Published rows (\`published: …\`): ${source}, zero-shot top-1 on these same splits with CLIP text ` +
    `and their own skeleton features (ours: ${ours} and dct-lda features). ` +
    `They are quoted, not re-run; their split-'${allSplits}' row is the mean of the published per-split numbers.`
  );
}

/**
 * The small-data targets of one dataset: `ratio` = Ours / chance, `vsBase` = Ours − baseline in points (NaN without a
 * baseline row), `half` = the half-width of Ours' 95 % interval in points (NaN without one).
 */
export function smallDataTargetLine(dataset: string, ratio: number, vsBase: number, half: number): string {
  return (
    `- ${dataset}: Ours is ${ratio.toFixed(2)}× chance (target ≥ 2×: ${ratio >= 2 ? 'met' : 'not met'}), ` +
    `${
      Number.isFinite(vsBase)
        ? `${vsBase >= 0 ? '+' : ''}${vsBase.toFixed(1)} points against the baseline (target ≥ 0: ${vsBase >= 0 ? 'met' : 'not met'}; paired verdict below)`
        : 'no baseline row'
    }, ` +
    `95 % CI half-width ${Number.isFinite(half) ? half.toFixed(1) : 'n/a'} points (target ≤ 5: ${half <= 5 ? 'met' : 'not met'}).`
  );
}

/**
 * A lever's targets: `n` splits with published rows, `atLeast` of them with the val-chosen mode ≥ PURLS, `belowGlobal`
 * the splits below the published Global row ('<split> (<Δ>)').
 */
export function leverTargetLine(lever: string, file: string, n: number, atLeast: number, belowGlobal: readonly string[]): string {
  return (
    `- ${lever} (\`results/${file}.md\`), the val-chosen mode ≥ PURLS on at least 3 of the ${n} splits ` +
    '(USE-Lite text; PURLS uses CLIP): ' +
    `${atLeast >= 3 ? 'met' : 'not met'} (on ${atLeast}); ≥ the published Global row: on ${n - belowGlobal.length} of ${n}` +
    `${belowGlobal.length ? ` (below on ${belowGlobal.join(', ')})` : ''}.`
  );
}
