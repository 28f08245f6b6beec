// Texts of lib/experiments/part-alignment.ts: the notes of results/transfer_part_alignment[_full].{md,csv,json} (lever (b), notebook 03).

export const PART_EXTENSION_NOTE =
  "An extension of FS-VAE (not in the paper), after PURLS's part-aware alignment: body-part descriptions next to per-part skeleton features, " +
  'in one cross-modal VAE. PURLS uses CLIP text and its own skeleton features; ours are USE-Lite text and DCT-descriptor features.';

/** `parts`: each body part with its joints, '<part> (joints …)' joined by '; '. */
export function partSkeletonNote(extractor: string, partFeatureDim: number, parts: string): string {
  return (
    `Skeleton: Table 1's ${extractor} feature next to one ${extractor} feature per part with ${partFeatureDim} principal axes, ` +
    `fitted on the part's joints and the five reference joints (hip centre, spine, shoulder centre, both hips; without them the centre and the view ` +
    `are undefined, so every part also sees the trunk's motion), the other joints set missing: ${parts}.`
  );
}

export const PART_TEXT_NOTE =
  "Text: the preset's class text (AL, GD, LD) next to one description per body part (data/descriptions/parts/, written for this project), " +
  'each half unit-norm. Modes: none = Table 1; parts-text = part descriptions only; parts-skeleton = part features only; parts = both.';
