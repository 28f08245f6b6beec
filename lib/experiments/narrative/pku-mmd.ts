// Texts of lib/experiments/pku-mmd.ts: the download hints of its 'missing' rows, the notes of results/table6_pku_mmd.* and table6_chain_check.* (notebook 05).

export const PKU_MMD_DOWNLOAD_HINT =
  "PKU-MMD cannot be fetched by a script: run 'npx fsvae download pku-mmd' for the instructions (official page " +
  'https://www.icst.pku.edu.cn/struct/Projects/PKUMMD.html, after the agreement: the Part I "Skeleton" archive → ' +
  'data/external/pku-mmd/PKU_Skeleton_Renew/, the "Label" archive → data/external/pku-mmd/Train_Label_PKU_final/, ' +
  'optionally Split/cross-subject.txt → data/external/pku-mmd/Split/)';

export const PKU_FEATURES_HINT =
  'ST-GCN features of PKU-MMD 46/5 in the SynSE layout are not distributed with this project: put one sk_feats-style folder per split ' +
  '(shift_5_r/ and shift_val_5_r/ with train.npy, ztest.npy, gtest.npy, *_label.npy, *_out.npy) under ' +
  'data/external/pku-mmd-features/<smie7|smie8|smie9>/ or pass their paths as features: {split: path}';

/** `zsl`: the paper's ZSL with one decimal; `suh`: its 'S / U / H'. */
export function table6PaperNote(zsl: string, suh: string): string {
  return (
    `Paper Table 6: PKU-MMD I 46/5, ST-GCN features "provided by [28]" (SA-DVAE), ZSL ${zsl}, S/U/H ` +
    `${suh}; read here as the mean over the three random splits of SA-DVAE's archive, as SA-DVAE and TDSM report them ` +
    '(SA-DVAE 66.54, TDSM 70.76 ZSL).'
  );
}

export const TABLE6_ARCHIVE_NOTE =
  "The archive rows use its ST-GCN features and its own split lists (each split's note names the registered SMIE split it equals). " +
  'A mean row is the mean of the split means with a stratified 95 % interval (each split keeps its own seed variance); ' +
  '"split means" are the three splits\' ZSL means.';

export const TABLE6_PROTOCOL_NOTE =
  "clean = cycle chosen on the pseudo-unseen validation split; reference (test-selected) = the public code's choice of the best cycle on the test set.";

export const TABLE6_MISSING_NOTE =
  `Rows with status 'missing' were not computed here; their note says what to download. SA-DVAE's archive: npx fsvae download sadvae-resources. ` +
  `${PKU_MMD_DOWNLOAD_HINT}.`;

export const TABLE6_TEXT_NOTE =
  'Text: AL + GD + LD of data/descriptions/pku-mmd.json (written for this project following ' +
  'App. D), encoded with USE-Lite; the paper used CLIP ViT-B/32 on GPT-4 descriptions (not public).';

export const TABLE6_NO_STAND_IN_NOTE = 'No generated stand-in is in this table: its chain check is results/table6_chain_check.md.';

/** `standIn`: the stand-in's row label. */
export function chainCheckNote(standIn: string): string {
  return (
    `The '${standIn}' rows run the same chain (ST-GCN stage 1 → stages 2-4, USE-Lite text) on the built-in generated dataset; ` +
    'they test the code path and are not comparable to the paper.'
  );
}
