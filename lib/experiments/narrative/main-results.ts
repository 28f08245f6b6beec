// Texts of lib/experiments/main-results.ts: the notes of results/table1_zsl<suffix>.* and table2_gzsl<suffix>.* (notebook 03).

export const PROTOCOLS_NOTE =
  "clean = cycle chosen on the pseudo-unseen validation split; reference (test-selected) = the public code's choice of the best cycle on the test set.";

export const PAPER_VALUES_NOTE =
  'Paper values exist only for NTU-60/120 (Shift-GCN features from SynSE, CLIP ViT-B/32 text). Generated/NW-UCLA/UTD-MHAD rows have no paper counterpart.';

export const GENERATED_DATASET_NOTE =
  'The generated dataset is synthetic (lib/data/generator): it exercises the pipeline end to end; its numbers are not comparable to any paper table.';

export const BASELINE_NOTE =
  'Baseline = MSF-GZSSAR-style: action labels only (no SD), no frequency module, cross-reconstruction alignment (no calibrated loss).';
