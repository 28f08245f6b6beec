/**
 * The paper's reported numbers (Tables 1-9; percentages), for side-by-side columns. Reported, not
 * reproduced: our tables put our measurements next to these, never in their place.
 *
 * The numbers of a table with evidence rows live in its table file (lib/experiments/tables/: Tables
 * 1-2 with PURLS's published rows, 3, 4, 7-8, 9) and are re-exported here under their names; Tables
 * 5 and 6, the sweeps' best settings and the published random-split numbers live here.
 */
import { ntu4 } from './tables/paper-columns';

export { PAPER_TABLE1_ZSL, PAPER_TABLE2_GZSL, PURLS_GLOBAL_ROW, PURLS_SMALL_DATA_ZSL } from './tables/table1-2';
export { PAPER_TABLE3 } from './tables/table3';
export { PAPER_TABLE4 } from './tables/table4';
export { PAPER_TABLE7, PAPER_TABLE8_GZSL } from './tables/table7-8';
export { PAPER_TABLE9 } from './tables/table9';

/** Table 5: α and λ → ZSL. */
export const PAPER_TABLE5_ALPHA: Record<string, Record<string, number>> = {
  '0.01': ntu4(81.9, 51.8, 74.1, 61.8),
  '0.05': ntu4(84.0, 49.4, 72.8, 60.0),
  '0.1': ntu4(86.9, 57.2, 74.4, 62.5),
  '0.5': ntu4(85.9, 53.7, 74.0, 61.8),
  '1': ntu4(83.2, 51.8, 72.8, 61.9),
  '2': ntu4(81.0, 50.3, 71.3, 60.4),
};
export const PAPER_TABLE5_LAMBDA: Record<string, Record<string, number>> = {
  '70': ntu4(84.1, 51.9, 71.7, 60.7),
  '80': ntu4(84.9, 53.1, 73.0, 61.9),
  '90': ntu4(86.0, 53.8, 73.0, 60.3),
  '100': ntu4(86.9, 57.2, 74.4, 62.5),
  '110': ntu4(86.2, 53.8, 74.0, 61.9),
  '120': ntu4(85.7, 52.4, 74.2, 60.2),
};

/**
 * The setting each sweep calls best (Sec. 4.3: "the optimal configuration is achieved with φ = 35
 * and b = 30"; "the optimal combination of parameters is α = 0.1 and λ = 100").
 */
export const PAPER_SWEEP_BEST: Readonly<Record<'table5-alpha' | 'table5-lambda' | 'fig4-phi' | 'fig4-bands', number>> = {
  'table5-alpha': 0.1,
  'table5-lambda': 100,
  'fig4-phi': 35,
  'fig4-bands': 30,
};

/** Table 6: PKU-MMD 46/5 (ST-GCN features). */
export const PAPER_TABLE6 = { ZSL: 71.2, S: 64.3, U: 54.5, H: 59.0 };

/** Table 6's other rows (ZSL; GZSL S / U / H where printed), as the paper prints them. */
export const PAPER_TABLE6_ROWS: ReadonlyArray<{ method: string; venue: string; ZSL: number; S?: number; U?: number; H?: number }> = [
  { method: 'ReViSE', venue: 'ICCV 2017', ZSL: 59.3, S: 60.9, U: 42.2, H: 49.8 },
  { method: 'JPoSE', venue: 'ICCV 2019', ZSL: 57.2, S: 60.3, U: 45.2, H: 51.6 },
  { method: 'CADA-VAE', venue: 'CVPR 2019', ZSL: 60.7, S: 63.2, U: 35.9, H: 45.8 },
  { method: 'SynSE', venue: 'ICIP 2021', ZSL: 53.9, S: 63.1, U: 40.7, H: 49.5 },
  { method: 'SMIE', venue: 'ACM MM 2023', ZSL: 60.8 },
  { method: 'SA-DVAE', venue: 'ECCV 2024', ZSL: 66.5, S: 58.5, U: 51.4, H: 54.7 },
  { method: 'FS-VAE (Ours)', venue: 'paper', ...PAPER_TABLE6 },
];

/**
 * ZSL top-1 (%) of the random-split protocol, mean of three draws, as published: SA-DVAE (Li et
 * al., ECCV 2024, random-split table) and TDSM (Do & Kim, arXiv 2411.10745); FS-VAE prints only
 * PKU-MMD (Table 6, on SA-DVAE's features).
 */
export const PUBLISHED_RANDOM_SPLITS: Readonly<Record<'ntu60' | 'ntu120' | 'pku51', Readonly<Record<string, number>>>> = {
  ntu60: { 'SA-DVAE': 84.2, TDSM: 88.88 },
  ntu120: { 'SA-DVAE': 50.67, TDSM: 69.47 },
  pku51: { 'SA-DVAE': 66.54, TDSM: 70.76, 'FS-VAE': PAPER_TABLE6.ZSL },
};
