/**
 * Table 4 of the paper: the influence of the text descriptions — action label (AL), local (LD) and
 * global (GD) descriptions — on ZSL, with FM and CL on. Rows: AL, LD, GD, LD+GD and AL+LD+GD;
 * claims: AL+LD+GD > AL and LD+GD > AL.
 */
import { ntu4, paper4, paperDelta } from './paper-columns';
import { AblationVariant, EvidenceRowSpec, EvidenceTableSpec } from './types';

/** Table 4: text descriptions (AL, LD, GD) → ZSL. */
export const PAPER_TABLE4: Record<string, Record<string, number>> = {
  AL: ntu4(81.9, 38.7, 70.3, 47.3),
  LD: ntu4(79.3, 43.8, 54.5, 45.7),
  GD: ntu4(82.0, 48.6, 64.7, 59.2),
  'LD+GD': ntu4(83.7, 54.1, 57.5, 46.7),
  'AL+LD+GD': ntu4(86.9, 57.2, 74.4, 62.5),
};

/** Table 4 rows: paper part names → text modes (AL = lb, GD = ad, LD = md; concatenation order of the code). */
export const TABLE4_TEXT_MODES: ReadonlyArray<{ key: string; textMode: string }> = [
  { key: 'AL', textMode: 'lb' },
  { key: 'LD', textMode: 'md' },
  { key: 'GD', textMode: 'ad' },
  { key: 'LD+GD', textMode: 'ad_md' },
  { key: 'AL+LD+GD', textMode: 'lb_ad_md' },
];

/** Table 4 (text descriptions) with FM and CL on. */
export function table4Variants(): AblationVariant[] {
  return TABLE4_TEXT_MODES.map(({ key, textMode }) => ({ key, name: `text ${key}`, textMode, frequency: 'reference', alignment: 'calibrated-reference' }));
}

function table4Rows(): EvidenceRowSpec[] {
  return table4Variants().map((v) => {
    const spec: EvidenceRowSpec = { key: v.key, label: v.name, variant: v, paper: paper4(PAPER_TABLE4[v.key]) };
    if (v.key === 'AL+LD+GD')
      spec.claim = {
        vs: 'AL',
        thisBetter: true,
        statement: 'AL+LD+GD > AL',
        paper: paperDelta(PAPER_TABLE4['AL+LD+GD'], PAPER_TABLE4.AL),
      };
    if (v.key === 'LD+GD') spec.claim = { vs: 'AL', thisBetter: true, statement: 'LD+GD > AL', paper: paperDelta(PAPER_TABLE4['LD+GD'], PAPER_TABLE4.AL) };
    return spec;
  });
}

export const TABLE4: EvidenceTableSpec = {
  file: 'ablation_table4',
  title: 'Table 4: influence of the text descriptions (AL, LD, GD), ZSL (%)',
  metric: 'zsl',
  rows: table4Rows,
};
