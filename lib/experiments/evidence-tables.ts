/**
 * The paper's tables as evidence tables (lib/experiments/evidence.ts): the registry of the table
 * specs, one file per paper table in lib/experiments/tables/ (its variants, its paper numbers, its
 * rows with the claims they test, its file, title and notes), and what runs, writes and summarises
 * them. Notebooks 03 (Tables 1-2), 04 (Tables 3, 4, 9) and 06 (Table 7) pick a table id and call
 * runEvidenceTable; nothing else is decided in a notebook.
 */
import { BASELINE, OURS } from './variants';
import { readSweepTables } from './ablations';
import { ALL_SPLITS, Evidence, EvidenceCell, EvidenceRowsInput, evidenceNotes, evidenceRows, perSplitFigure, runsOn, seedsOf } from './evidence';
import { EvidenceTableId, EvidenceTableSpec } from './tables/types';
import { EXTENSION_PARAPHRASES, PURLS_GLOBAL_ROW, PURLS_SMALL_DATA_ZSL, TABLE1, TABLE2 } from './tables/table1-2';
import { TABLE3 } from './tables/table3';
import { TABLE4 } from './tables/table4';
import { TABLE7, TABLE8 } from './tables/table7-8';
import { TABLE9 } from './tables/table9';
import { Figure } from '../viz/plotly';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Row, resultsDir, writeResultTableWithJson } from '../report/table';
import { provenance } from '../report/provenance';
import { FsvaeInputError } from '../util/assert';
import { readAuxiliaryResults } from './auxiliary-classes';
import { readRegularisationResults } from './regularisation';
import { readPartAlignmentResults } from './part-alignment';
import { replaceReadmeBlock } from './readme-blocks';
import { leverTargetLine, paraphrasesNote, publishedRowsNote, smallDataTargetLine } from './narrative/evidence-tables';

export type { EvidenceTableId, EvidenceTableSpec } from './tables/types';
export { EXTENSION_PARAPHRASES, OURS_PAPER_FORM } from './tables/table1-2';
export { table3Variants } from './tables/table3';
export { TABLE4_TEXT_MODES, table4Variants } from './tables/table4';
export { table9Variants } from './tables/table9';

/** Every evidence table by id, in the order the tables are read and summarised. */
export const EVIDENCE_TABLES: Readonly<Record<EvidenceTableId, EvidenceTableSpec>> = {
  table1: TABLE1,
  table2: TABLE2,
  table3: TABLE3,
  table4: TABLE4,
  table9: TABLE9,
  table7: TABLE7,
  table8: TABLE8,
};

export interface EvidenceTable {
  id: EvidenceTableId;
  file: string;
  title: string;
  rows: Row[];
  notes: string[];
  /** stage-2 seconds of the table's distinct cells as they were trained (cached ones included). */
  trainingSeconds?: number;
  /** what the rows are computed from (every run's values, the row specs, published numbers); absent in tables written before it was stored. */
  input?: EvidenceRowsInput;
}

export async function runEvidenceTable(ev: Evidence, id: EvidenceTableId): Promise<EvidenceTable> {
  const t = EVIDENCE_TABLES[id];
  if (!t) throw new FsvaeInputError(`unknown evidence table '${id}'; known: ${Object.keys(EVIDENCE_TABLES).join(', ')}.`);
  const { rows, input } = await evidenceRows(ev, t.rows(), t.metric, ev.config.real ? (t.published ?? []) : [], id);
  const notes = [...evidenceNotes(ev, id)];
  if (input.specs.some((x) => x.key === 'ours-paraphrases')) {
    notes.push(paraphrasesNote(EXTENSION_PARAPHRASES));
  }
  if (input.published?.length) {
    notes.push(publishedRowsNote(input.published[0].source, ev.config.datasets[0]?.text.kind === 'encoder', ALL_SPLITS));
  }
  notes.push(...(t.notes ?? []));
  // what the table costs from an empty cache: each distinct cell's own training time
  const trainingSeconds = (await trainedCellsOf(ev, id)).reduce((sum, c) => sum + c.seconds, 0);
  return { id, file: t.file, title: t.title, rows, notes, trainingSeconds: Number(trainingSeconds.toFixed(1)), input };
}

/**
 * The distinct stage-2 cells a table's rows run (the deterministic comparison rows train nothing).
 * With an Evidence in 'plan' mode this lists every cell the table needs without training any:
 * what a cluster shard divides and what the assembly checks (fsvae tables --shard / --assemble).
 */
export async function trainedCellsOf(ev: Evidence, id: EvidenceTableId): Promise<EvidenceCell[]> {
  const t = EVIDENCE_TABLES[id];
  if (!t) throw new FsvaeInputError(`unknown evidence table '${id}'; known: ${Object.keys(EVIDENCE_TABLES).join(', ')}.`);
  const seen = new Set<EvidenceCell>();
  for (const ds of ev.config.datasets) {
    for (const spec of t.rows().filter((x) => runsOn(x, ds.name))) {
      if (spec.reference) continue;
      for (const c of await ev.rowCells(ds, spec, seedsOf(ev.config, ds, id, spec))) seen.add(c);
    }
  }
  return [...seen];
}

/** Writes results/<file>.{csv,md} with provenance. */
export function writeEvidenceTable(t: EvidenceTable, ev: Evidence, backend: string, notebook: string, wallSeconds: number): string[] {
  const prov = provenance(backend, {
    notebook,
    mode: ev.config.mode,
    seeds: ev.config.datasets.map((d) => `${d.name}: ${seedsOf(ev.config, d, t.id, { powered: true }).join(',')}`).join('; '),
    stage1: ev.config.stage1.name,
    stage2: ev.config.datasets.map((d) => `${d.name}: ${d.stage2.name}`).join('; '),
    realData: ev.config.real,
    wallSeconds,
    // wallSeconds: this run (small when the cells came from the cache); trainingSeconds: the cells' own stage-2 time
    ...(t.trainingSeconds !== undefined ? { trainingSeconds: t.trainingSeconds } : {}),
    text: ev.config.datasets
      .map((d) => `${d.name}: ${d.text.kind === 'encoder' ? `${d.text.id ?? 'use-lite'} on data/descriptions/${d.name}.json` : d.text.kind}`)
      .join('; '),
  });
  // full-mode tables sit next to the main job's (quick) ones: <file>_full.*
  const name = ev.config.mode === 'full' ? `${t.file}_full` : t.file;
  const { csv, md, json } = writeResultTableWithJson(
    {
      name,
      title: ev.config.mode === 'full' ? `${t.title} — full mode` : t.title,
      rows: t.rows,
      notes: t.notes,
    },
    prov,
    {
      id: t.id,
      ...(t.input ? { input: t.input } : {}),
      resolved: {
        stage1: ev.config.stage1,
        seeds: ev.config.seeds,
        headlineSeeds: ev.config.headlineSeeds,
        headlineRows: ev.config.headlineRows,
        gate: ev.config.gate,
        datasets: ev.config.datasets.map((d) => ({
          name: d.name,
          origin: d.origin,
          seeds: seedsOf(ev.config, d, t.id, { powered: true }),
          text: d.text,
          stage2: d.stage2,
        })),
      },
    },
  );
  return [csv, md, json];
}

/** The stored evidence tables of a mode (results/<file>.json, or <file>_full.json) that exist, in table order. */
export function readEvidenceTables(dir = resultsDir(), mode: 'quick' | 'full' = 'quick'): EvidenceTable[] {
  const out: EvidenceTable[] = [];
  for (const id of Object.keys(EVIDENCE_TABLES) as EvidenceTableId[]) {
    const file = mode === 'full' ? `${EVIDENCE_TABLES[id].file}_full` : EVIDENCE_TABLES[id].file;
    const f = path.join(dir, `${file}.json`);
    if (!fs.existsSync(f)) continue;
    const j = JSON.parse(fs.readFileSync(f, 'utf8')) as EvidenceTable & { provenance: Record<string, unknown> };
    out.push({ id, file, title: j.title, rows: j.rows, notes: j.notes, ...(j.input ? { input: j.input } : {}) });
  }
  return out;
}

/**
 * The README's results summary, generated from the stored evidence tables: Table 1's rows per
 * dataset, then every claim with its verdict. The README holds this block between the markers
 * <!-- evidence:begin --> and <!-- evidence:end -->; a test checks that it is current.
 */
export function evidenceSummaryMarkdown(
  tables: EvidenceTable[],
  full: EvidenceTable[] = [],
  sweeps: SweepTables = { quick: [], full: [] },
  transferFindings: string[] = [],
  stage1Seeds: Row[] = [],
  levers: LeverSummary[] = [],
): string {
  const lines: string[] = [];
  const t1 = tables.find((t) => t.id === 'table1');
  if (t1) {
    const overall = t1.rows.filter(isOverall);
    lines.push(`Table 1 (\`results/${t1.file}.md\`), ZSL % with 95 % CI (split 'all': n = splits × seeds):`, '');
    lines.push('| dataset | row | n | ZSL | 95% CI | chance |', '|---|---|---|---|---|---|');
    for (const r of overall) lines.push(`| ${r.dataset} | ${String(r.row).replace(/\|/g, '/')} | ${r.n} | ${r.ZSL} | ${r['95% CI']} | ${r.chance} |`);
    lines.push('', ...targetLines(t1), '');
    if (t1.rows.some((r) => !isOverall(r)))
      lines.push('Per split (ZSL %, mean over seeds; published rows quoted from PURLS, CLIP text and their own features):', '', ...perSplitLines(t1), '');
  }
  if (transferFindings.length) {
    lines.push('Why the transfer fails, per split (`results/transfer_diagnosis*.md`, `results/transfer_confusion.md`; notebook 03):', '');
    lines.push(...transferFindings.filter((f) => /geometry of the stage-1|, FS-VAE/.test(f)).map((f) => `- ${f}`), '');
  }
  if (levers.length) lines.push(...leverLines(levers), '');
  if (stage1Seeds.length) {
    lines.push(
      'What the intervals leave out: the stage-1 fit is shared by every stage-2 seed; refitted with other seeds ' +
        '(`scripts/stage1-seed-effect.js`, `results/stage1_seed_effect.md`, Ours, ZSL %):',
      '',
    );
    for (const r of stage1Seeds) {
      const sds = `between-fit SD ${r['SD between stage-1 seeds (points)']} vs within-fit SD ${r['SD within stage-1 seed (points)']} points`;
      const share = `stage-1 share of the variance ${r['stage-1 variance share %']} %, F p ${r['p (stage 1)']}`;
      lines.push(`- ${r.split}: mean per stage-1 seed ${r['stage-1 seed means']}; ${sds} (${share}).`);
    }
    lines.push('');
  }
  lines.push('Claims of the paper, paired by split and seed (Δ in points, 95 % CI):', '', ...claimLines(tables));
  const old = full.filter((t) => !t.input).map((t) => `\`${t.file}\``);
  if (old.length)
    lines.push(
      '',
      'Full-mode tables written before per-run values were stored (equal-variance pooled intervals, no per-split rows; ' +
        `\`npx fsvae tables --mode full\` rewrites them): ${old.join(', ')}.`,
    );
  if (full.length) {
    const f1 = full.find((t) => t.id === 'table1');
    lines.push('', `Full mode (\`npx fsvae tables --mode full\`; \`results/*_full.md\`, ${full.length} tables):`, '');
    if (f1) lines.push(...targetLines(f1), '');
    if (f1?.rows.some((r) => !isOverall(r))) lines.push(...perSplitLines(f1), '');
    lines.push(...claimLines(full));
  }
  const sweepLines = [...sweepClaimLines(sweeps.quick, 'main job'), ...sweepClaimLines(sweeps.full, 'full mode, `npx fsvae sweeps --mode full`')];
  if (sweepLines.length)
    lines.push(
      '',
      "Sweeps of Table 5 and Fig. 4 (notebook 04): the paper's best setting against each other value of its sweep, " + 'paired by seed (Δ in points, 95 % CI):',
      '',
      ...sweepLines,
    );
  return lines.join('\n');
}

/** A row over all splits of its dataset (tables written before per-split rows have no split column). */
const isOverall = (r: Row) => r.split === undefined || r.split === ALL_SPLITS;
const isPublished = (r: Row) => String(r.row).startsWith('published: ');
const halfWidth = (r: Row | undefined) => {
  const ci = r && /\[(-?[\d.]+), (-?[\d.]+)\]/.exec(String(r['95% CI']));
  return ci ? (Number(ci[2]) - Number(ci[1])) / 2 : NaN;
};
/** Splits where the paper-faithful FS-VAE must reach 2× chance (where 2× chance is below 100 %). */
const TWICE_CHANCE_SPLITS = (split: string) => !split.startsWith('nw-ucla-8/2');
/** Full-mode target: per-split 95 % CI half-width of Ours and the baseline, points. */
export const PER_SPLIT_HALF_WIDTH_TARGET = 4;

/**
 * Table 1 per split, one row each: chance, every row of ours, the references and the published
 * rows (ZSL %), then the per-split targets of the paper-faithful FS-VAE (Ours): ≥ the published
 * Global row, ≥ 2× chance (where 2× chance is below 100 %), and the 95 % CI half-widths of Ours and
 * the baseline.
 */
export function perSplitTargetRows(t1: EvidenceTable): Row[] {
  const rows = t1.rows.filter((r) => !isOverall(r));
  const labels = [...new Set(rows.map((r) => String(r.row)))];
  // column names: labels without their parenthetical, unless two rows would then share a name
  const shortOf = (l: string) => l.replace(/^published: (\S+).*/, '$1 (published)').replace(/ \(.*\)$/, '');
  const short = (l: string) => (labels.filter((x) => shortOf(x) === shortOf(l)).length > 1 ? l : shortOf(l));
  const v = (r: Row | undefined) => (r && typeof r.ZSL === 'number' ? r.ZSL : NaN);
  return [...new Set(rows.map((r) => `${r.dataset}\u0000${r.split}`))].map((key) => {
    const [dataset, split] = key.split('\u0000');
    const inSplit = rows.filter((r) => r.dataset === dataset && r.split === split);
    const at = (label: string) => inSplit.find((r) => r.row === label);
    const ours = at(OURS.name);
    const global = inSplit.find((r) => isPublished(r) && String(r.row).startsWith(`published: ${PURLS_GLOBAL_ROW.split(' (')[0]}`));
    const chance = Number(inSplit[0]?.chance);
    const out: Row = { dataset, split, chance };
    for (const l of labels) out[short(l)] = at(l) ? (at(l)!.ZSL as number) : '';
    out['Ours ≥ Global'] = global ? (v(ours) >= v(global) ? 'met' : `not met (${(v(ours) - v(global)).toFixed(1)})`) : '–';
    out['Ours ≥ 2× chance'] = TWICE_CHANCE_SPLITS(split)
      ? v(ours) >= 2 * chance
        ? 'met'
        : `not met (${(v(ours) / chance).toFixed(2)}×)`
      : '– (2× chance = 100 %)';
    out['half-width Ours / baseline'] = [halfWidth(ours), halfWidth(at(BASELINE.name))].map((h) => (Number.isFinite(h) ? h.toFixed(1) : 'n/a')).join(' / ');
    const purls = inSplit.find((r) => isPublished(r) && String(r.row).startsWith('published: PURLS'));
    const ext = at(EXTENSION_PARAPHRASES);
    out['extension ≥ PURLS'] = purls && ext ? (v(ext) >= v(purls) ? 'met' : `not met (${(v(ext) - v(purls)).toFixed(1)})`) : '–';
    return out;
  });
}

/** The per-split targets in words: which splits miss which target. */
export function perSplitTargetLines(t1: EvidenceTable): string[] {
  const rows = perSplitTargetRows(t1);
  const missed = (col: string) => rows.filter((r) => String(r[col]).startsWith('not met')).map((r) => `${r.split} ${String(r[col]).replace('not met ', '')}`);
  const perSplit = t1.rows.filter((r) => !isOverall(r) && (r.row === OURS.name || r.row === BASELINE.name));
  const wide = perSplit.filter((r) => !(halfWidth(r) <= PER_SPLIT_HALF_WIDTH_TARGET));
  const say = (what: string, m: string[], of: number) =>
    `- ${what}: ${m.length === 0 ? `met on all ${of}` : `not met on ${m.length} of ${of} (${m.join(', ')})`}.`;
  return [
    say('Ours ≥ the published Global row', missed('Ours ≥ Global'), rows.filter((r) => r['Ours ≥ Global'] !== '–').length),
    say(
      'Ours ≥ 2× chance (NW-UCLA 5/5 and every UTD-MHAD split)',
      missed('Ours ≥ 2× chance'),
      rows.filter((r) => !String(r['Ours ≥ 2× chance']).startsWith('–')).length,
    ),
    say(
      `Per-split 95 % CI half-width ≤ ${PER_SPLIT_HALF_WIDTH_TARGET} points for Ours and the baseline (the full-mode target)`,
      wide.map((r) => `${r.split} ${r.row === OURS.name ? 'Ours' : 'baseline'} ${Number.isFinite(halfWidth(r)) ? halfWidth(r).toFixed(1) : 'n/a'}`),
      perSplit.length,
    ),
    extensionLine(rows),
  ];
}

/** The extension target: the best documented extension ≥ PURLS on at least 3 of the 5 splits. */
function extensionLine(rows: Row[]): string {
  const judged = rows.filter((r) => r['extension ≥ PURLS'] !== '–');
  if (judged.length === 0) return '- Best documented extension ≥ PURLS on at least 3 of the 5 splits: not met (no extension row in this table).';
  const met = judged.filter((r) => r['extension ≥ PURLS'] === 'met').map((r) => String(r.split));
  const verdict = met.length >= 3 ? 'met' : 'not met';
  return (
    `- Best documented extension (${EXTENSION_PARAPHRASES}; USE-Lite text, PURLS uses CLIP) ≥ PURLS on at least 3 of the ${judged.length} splits: ` +
    `${verdict} (${met.length === 0 ? 'on none' : `on ${met.join(', ')}`}).`
  );
}

/** Table 1 per split as a figure: Ours, the baseline, the ridge map and the published Global and PURLS rows, with chance. */
export function table1PerSplitFigure(
  t1: EvidenceTable,
  title = 'Table 1 per split: ZSL (%), ours with 95 % intervals, published rows (PURLS suppl.), chance',
): Figure {
  const labels = [...new Set(t1.rows.map((r) => String(r.row)))];
  const pick = labels.filter(
    (l) => l === OURS.name || l === BASELINE.name || l.startsWith('Ridge map') || l.startsWith('published: Global') || l.startsWith('published: PURLS'),
  );
  return perSplitFigure(t1.rows, title, pick);
}

function perSplitLines(t1: EvidenceTable): string[] {
  const rows = perSplitTargetRows(t1);
  const cols = Object.keys(rows[0] ?? {});
  const cell = (v: unknown) => String(v).replace(/\|/g, '/');
  return [
    `| ${cols.map(cell).join(' | ')} |`,
    `|${'---|'.repeat(cols.length)}`,
    ...rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(' | ')} |`),
    '',
    ...perSplitTargetLines(t1),
  ];
}

export interface SweepTables {
  quick: { name: string; rows: Row[] }[];
  full: { name: string; rows: Row[] }[];
}

/** The claim rows of the stored sweeps; one line instead of a table when no row has an interval (one seed). */
function sweepClaimLines(tables: { name: string; rows: Row[] }[], label: string): string[] {
  const rows = tables.flatMap((t) => t.rows.filter((r) => r.verdict).map((r) => ({ file: t.name, r })));
  if (rows.length === 0) return [];
  const files = tables.map((t) => `\`results/${t.name}.md\``).join(', ');
  const count = (v: string) => rows.filter((x) => x.r.verdict === v).length;
  const verdicts = `Verdicts: ${count('supports')} supports, ${count('contradicts')} contradicts, ${count('inconclusive')} inconclusive.`;
  if (rows.every((x) => Number(x.r['n pairs']) < 2)) return [`- ${label} (${files}): one seed per point, so no interval; ${verdicts}`, ''];
  const lines = [
    `${label[0].toUpperCase()}${label.slice(1)} (${files}):`,
    '',
    '| sweep | dataset | claim | n | Δ [95% CI] | verdict |',
    '|---|---|---|---|---|---|',
  ];
  for (const { file, r } of rows)
    lines.push(`| ${file.replace(/^ablation_|_full$/g, '')} | ${r.dataset} ${r.split} | ${r.claim} | ${r['n pairs']} | ${r['Δ [95% CI]']} | ${r.verdict} |`);
  lines.push('', verdicts, '');
  return lines;
}

/** The small-data targets of Table 1 per dataset: Ours ≥ 2× chance, not below the baseline, CI half-width ≤ 5. */
function targetLines(t1: EvidenceTable): string[] {
  const lines: string[] = [];
  for (const d of [...new Set(t1.rows.map((r) => String(r.dataset)))]) {
    const ours = t1.rows.find((r) => isOverall(r) && r.dataset === d && r.row === OURS.name);
    const base = t1.rows.find((r) => isOverall(r) && r.dataset === d && r.row === BASELINE.name);
    if (!ours || typeof ours.ZSL !== 'number' || typeof ours.chance !== 'number') continue;
    const ratio = ours.ZSL / ours.chance;
    const vsBase = base && typeof base.ZSL === 'number' ? ours.ZSL - base.ZSL : NaN;
    const half = halfWidth(ours);
    lines.push(smallDataTargetLine(d, ratio, vsBase, half));
  }
  return lines;
}

/** A stored lever table (lib/experiments/levers.ts) for the README block. */
export interface LeverSummary {
  /** e.g. '(c) lent seen classes'. */
  name: string;
  file: string;
  rows: Row[];
  /** per dataset: the mode chosen on the val phase. */
  chosen: Record<string, string>;
}

/** Per lever and split: the preset's ZSL, the val-chosen mode's, their paired Δ, and the published rows; then the targets. */
export function leverLines(levers: readonly LeverSummary[]): string[] {
  const lines = [
    'Levers for the transfer (extensions of FS-VAE, full mode, notebook 03; each choice made on the val phase only), test ZSL % per split:',
    '',
    '| lever | split | none | chosen on val | ZSL | Δ vs none [95% CI] | verdict | Global (published) | PURLS (published) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const targets: string[] = [];
  for (const lever of levers) {
    const splitRows = lever.rows.filter((r) => r.split !== ALL_SPLITS);
    const misses: { global: string[]; purls: string[] } = { global: [], purls: [] };
    let n = 0;
    for (const split of [...new Set(splitRows.map((r) => String(r.split)))]) {
      const dataset = String(splitRows.find((r) => r.split === split)!.dataset);
      const mode = lever.chosen[dataset];
      const none = splitRows.find((r) => r.split === split && r.mode === 'none');
      const pick = splitRows.find((r) => r.split === split && r.mode === mode);
      if (!none || !pick) continue;
      const global = PURLS_SMALL_DATA_ZSL[PURLS_GLOBAL_ROW][split];
      const purls = PURLS_SMALL_DATA_ZSL.PURLS[split];
      const delta = mode === 'none' ? '–' : String(pick['Δ vs none [95% CI]']);
      const published = `${global ?? '–'} | ${purls ?? '–'}`;
      lines.push(`| ${lever.name} | ${split} | ${none.ZSL} | ${mode} | ${pick.ZSL} | ${delta} | ${pick.verdict ?? '–'} | ${published} |`);
      if (global === undefined || purls === undefined) continue;
      n++;
      if (Number(pick.ZSL) < global) misses.global.push(`${split} (${(Number(pick.ZSL) - global).toFixed(1)})`);
      if (Number(pick.ZSL) < purls) misses.purls.push(`${split} (${(Number(pick.ZSL) - purls).toFixed(1)})`);
    }
    const atLeast = n - misses.purls.length;
    targets.push(leverTargetLine(lever.name, lever.file, n, atLeast, misses.global));
  }
  return [...lines, '', ...targets];
}

/** Every claim of the tables with its paired Δ and verdict, then the verdict counts. */
function claimLines(tables: EvidenceTable[]): string[] {
  const lines = ['| table | dataset | claim | Δ [95% CI] | verdict | paper Δ (NTU) |', '|---|---|---|---|---|---|'];
  const cell = (v: unknown) => String(v).replace(/\|/g, '/');
  for (const t of tables) {
    for (const r of t.rows.filter((x) => x.verdict && isOverall(x)))
      lines.push(`| ${t.id} | ${r.dataset} | ${cell(r.claim)} | ${r['Δ [95% CI]']} | ${r.verdict} | ${cell(r['paper Δ'] || '–')} |`);
  }
  const count = (v: string) => tables.reduce((a, t) => a + t.rows.filter((r) => r.verdict === v && isOverall(r)).length, 0);
  lines.push('', `Verdicts: ${count('supports')} supports, ${count('contradicts')} contradicts, ${count('inconclusive')} inconclusive.`);
  return lines;
}

/** Replaces the README's evidence block with the summary of the stored tables; returns whether it changed. */
export function updateReadmeEvidence(readme: string, dir = resultsDir()): { text: string; changed: boolean } {
  const sweeps = { quick: readSweepTables(dir, 'quick'), full: readSweepTables(dir, 'full') };
  const transfer = path.join(dir, 'transfer_diagnosis.json');
  const findings = fs.existsSync(transfer) ? ((JSON.parse(fs.readFileSync(transfer, 'utf8')) as { findings?: string[] }).findings ?? []) : [];
  const seedFile = path.join(dir, 'stage1_seed_effect.json');
  const stage1Seeds = fs.existsSync(seedFile) ? ((JSON.parse(fs.readFileSync(seedFile, 'utf8')) as { rows?: Row[] }).rows ?? []) : [];
  const levers: LeverSummary[] = [];
  const parts = readPartAlignmentResults('full', dir);
  if (parts) levers.push({ name: '(b) part-aware alignment', file: 'transfer_part_alignment_full', rows: parts.rows, chosen: parts.chosen });
  const aux = readAuxiliaryResults('full', dir);
  if (aux) levers.push({ name: '(c) lent seen classes', file: 'transfer_auxiliary_classes_full', rows: aux.rows, chosen: aux.chosen });
  const reg = readRegularisationResults('full', dir);
  if (reg) levers.push({ name: '(d) regularisation', file: 'transfer_regularisation_full', rows: reg.rows, chosen: reg.chosen });
  const summary = evidenceSummaryMarkdown(readEvidenceTables(dir), readEvidenceTables(dir, 'full'), sweeps, findings, stage1Seeds, levers).replace(/\n+$/, '');
  return replaceReadmeBlock(readme, 'evidence', summary);
}

/** Observations generated from the rows: each claim with its verdict and numbers, per dataset. */
export function evidenceObservations(t: EvidenceTable): string[] {
  const metric = EVIDENCE_TABLES[t.id].metric === 'H' ? 'H' : 'ZSL';
  return t.rows
    .filter((r) => r.verdict && isOverall(r))
    .map(
      (r) =>
        `${r.dataset}: "${r.claim}" — ${r.verdict} (Δ ${r['Δ [95% CI]']} points ` +
        `over ${r['n pairs']} paired runs; ${r.row}: ${metric} ${r[metric]}${r.paper ? `; paper Δ on NTU ${r['paper Δ'] || 'n/a'}` : ''})`,
    );
}
