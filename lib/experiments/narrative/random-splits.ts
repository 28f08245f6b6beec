// Texts of lib/experiments/random-splits.ts: the notes of results/table1_random_splits.{md,csv,json} (notebook 03) and of any other random-split table.

export const RANDOM_SPLIT_PROTOCOL_NOTE =
  'Random-split protocol (SMIE; reported by SA-DVAE and TDSM): three draws of unseen classes per benchmark, averaged. Features and split lists: ' +
  "SA-DVAE's archive (npx fsvae download sadvae-resources); each split's note names the registered SMIE split it equals.";

/** `intervalMethod`: how the mean row's interval is computed. */
export function meanRowNote(intervalMethod: string): string {
  return `A mean row is the mean of the split means; ${intervalMethod}. "split means" are the three splits' ZSL means.`;
}

export const PROTOCOLS_NOTE =
  "clean = cycle chosen on the pseudo-unseen validation split; reference (test-selected) = the public code's choice of the best cycle on the test set.";

export const PUBLISHED_COLUMNS_NOTE =
  'Published columns: SA-DVAE (ECCV 2024) and TDSM (arXiv 2411.10745) as they print them; they used CLIP text, this project ' +
  "MSF's CLIP ViT-B/32 tables for NTU and USE-Lite on its own descriptions for PKU-MMD.";
