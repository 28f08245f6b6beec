/**
 * The types a paper-table spec is made of (lib/experiments/tables/*.ts): a row of an evidence
 * table, the published rows of other methods, a row's variant with its key in the paper's table,
 * and the table spec itself. They sit below evidence.ts and ablations.ts (which re-export them),
 * so a table file that holds its paper numbers imports neither: paper-numbers.ts re-exports those
 * numbers and is imported by main-results.ts and ablations.ts, which evidence.ts reaches.
 */
import { TextSourceSpec } from '../../pipeline/features';
import { Variant } from '../variants';

/** A variant with the key of its row in the paper's table ('+ − +', 'AL', '0.1', 'L_T1', …). */
export interface AblationVariant extends Variant {
  key: string;
  /** the swept value (α, λ, φ or b) of Table 5 / Fig. 4 rows. */
  x?: number;
}

/** Published numbers of another method on the same splits (e.g. PURLS's supplementary Table 8): shown beside ours, never pooled with them. */
export interface PublishedRow {
  model: string;
  /** what differs from our runs (text encoder, features) and where the numbers are printed. */
  source: string;
  /** split name → accuracy (%). */
  values: Readonly<Record<string, number>>;
}

/** A table row: a stage-2 variant, or a reference computed on the features. */
export interface EvidenceRowSpec {
  key: string;
  /** the row's label (defaults to the variant's name). */
  label?: string;
  variant?: Variant;
  /** replaces the dataset's text source (Table 7 controls). */
  text?: TextSourceSpec;
  reference?: 'ridge' | 'ncm-oracle';
  /** the paper's numbers for this row (already formatted). */
  paper?: string;
  /** in Tables 1-2: this row runs the headline seeds even when only the rows with targets do (EvidenceConfig.headlineRows). */
  powered?: boolean;
  /** the datasets this row runs on (default: every dataset of the run), e.g. an extension whose texts exist for the real datasets only. */
  datasets?: readonly string[];
  /**
   * A claim of the paper about this row and row `vs`: this row is better (`thisBetter`) or worse
   * than it. `paper`: the paper's differences (claimed-better − other) on its NTU splits.
   */
  claim?: { vs: string; thisBetter: boolean; statement: string; paper?: string };
}

export type EvidenceMetric = 'zsl' | 'H';

export type EvidenceTableId = 'table1' | 'table2' | 'table3' | 'table4' | 'table9' | 'table7' | 'table8';

/** One paper table as an evidence table: its entry in EVIDENCE_TABLES (lib/experiments/evidence-tables.ts). */
export interface EvidenceTableSpec {
  /** results/<file>.{csv,md,json}; full mode writes <file>_full.*. */
  file: string;
  title: string;
  metric: EvidenceMetric;
  /** the rows in table order; their keys, labels, variants and claims name the cached cells and the stored tables. */
  rows: () => EvidenceRowSpec[];
  /** other methods' published numbers on the same splits, shown on real data only. */
  published?: PublishedRow[];
  /** the table's own notes, written after the shared ones (lib/experiments/evidence.ts, the extension and published rows). */
  notes?: readonly string[];
}
