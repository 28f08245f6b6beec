/**
 * Table 9 of the paper: the alignment losses, ZSL. Rows: the triplet losses L_T1 … L_T4 of
 * Eq. 25-28 as printed, each on Ours otherwise, and the calibrated loss (Ours); claims: the
 * calibrated loss > each triplet loss.
 */
import { OURS } from '../variants';
import { paper4, paperDelta } from './paper-columns';
import { AblationVariant, EvidenceRowSpec, EvidenceTableSpec } from './types';

/** Table 9: ZSL with different alignment losses. */
export const PAPER_TABLE9: Record<string, Record<string, number>> = {
  L_T1: { 'ntu60-55/5': 84.4, 'ntu60-48/12': 45.3, 'ntu120-110/10': 72.7, 'ntu120-96/24': 58.6 },
  L_T2: { 'ntu60-55/5': 79.9, 'ntu60-48/12': 32.0, 'ntu120-110/10': 59.1, 'ntu120-96/24': 38.7 },
  L_T3: { 'ntu60-55/5': 83.8, 'ntu60-48/12': 49.5, 'ntu120-110/10': 71.8, 'ntu120-96/24': 60.7 },
  L_T4: { 'ntu60-55/5': 85.3, 'ntu60-48/12': 42.2, 'ntu120-110/10': 69.0, 'ntu120-96/24': 49.7 },
  Ours: { 'ntu60-55/5': 86.9, 'ntu60-48/12': 57.2, 'ntu120-110/10': 74.4, 'ntu120-96/24': 62.5 },
};

/** Table 9: the triplet alignment losses of Eq. 25-28 (as printed) vs the calibrated loss. */
export function table9Variants(): AblationVariant[] {
  return [
    ...(['T1', 'T2', 'T3', 'T4'] as const).map((t) => ({
      ...OURS,
      key: `L_${t}`,
      name: `L_${t} (Eq. ${24 + Number(t[1])})`,
      alignment: `triplet-${t}` as const,
    })),
    { ...OURS, key: 'Ours', name: 'calibrated (Ours)' },
  ];
}

function table9Rows(): EvidenceRowSpec[] {
  return table9Variants().map((v) => {
    const spec: EvidenceRowSpec = { key: v.key, label: v.name, variant: v, paper: paper4(PAPER_TABLE9[v.key]) };
    if (v.key !== 'Ours')
      spec.claim = {
        vs: 'Ours',
        thisBetter: false,
        statement: `calibrated > ${v.key}`,
        paper: paperDelta(PAPER_TABLE9.Ours, PAPER_TABLE9[v.key]),
      };
    return spec;
  });
}

export const TABLE9: EvidenceTableSpec = { file: 'ablation_table9', title: 'Table 9: alignment losses, ZSL (%)', metric: 'zsl', rows: table9Rows };
