/**
 * Result tables: rows of named cells, shown as danfojs DataFrames in notebooks and written to
 * results/<name>.csv (written by danfojs) and results/<name>.md (with provenance and notes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../data/paths';
import { Provenance } from './provenance';
import { writeFileAtomic } from '../util/atomic-file';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface ResultTable {
  name: string;
  title: string;
  rows: Row[];
  /** free text under the table (how to read it, differences from the paper and why). */
  notes?: string[];
}

/** Column order: first-seen order across rows. */
export function columnsOf(rows: readonly Row[]): string[] {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  return cols;
}

/** Numbers: integers as is, tiny/huge in exponent form, else 4 significant digits. */
export function formatCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
    return String(Number(v.toPrecision(4)));
  }
  return String(v);
}

export function toMarkdown(rows: readonly Row[]): string {
  const cols = columnsOf(rows);
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [`| ${cols.map(esc).join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`];
  for (const r of rows) lines.push(`| ${cols.map((c) => esc(formatCell(r[c] ?? null))).join(' | ')} |`);
  return lines.join('\n');
}

/** An HTML table of the rows, rendered from their danfojs DataFrame (what notebooks display inline). */
export function toHtml(rows: readonly Row[], caption?: string): string {
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (rows.length === 0) return `<p>${caption ? esc(caption) + ': ' : ''}(no rows)</p>`;
  const df = toDataFrame(rows);
  const cols = df.columns as string[];
  const values = df.values as Cell[][];
  const head = cols.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = values.map((r) => `<tr>${r.map((v) => `<td>${esc(formatCell(v ?? null))}</td>`).join('')}</tr>`).join('\n');
  return `<table>${caption ? `<caption>${esc(caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The results folder (created on demand); `FSVAE_RESULTS` overrides it. */
export function resultsDir(): string {
  const dir = process.env.FSVAE_RESULTS ?? path.join(repoRoot(), 'results');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Builds a danfojs DataFrame of the rows (for inline display and CSV export). */
export function toDataFrame(rows: readonly Row[]): import('danfojs-node').DataFrame {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const dfd = require('danfojs-node') as typeof import('danfojs-node');
  const cols = columnsOf(rows);
  return new dfd.DataFrame(
    rows.map((r) => cols.map((c) => r[c] ?? null)),
    { columns: cols },
  );
}

/** Writes results/<name>.csv (all digits) and results/<name>.md (title, table, notes, provenance). */
export function writeResultTable(table: ResultTable, prov: Provenance, dir = resultsDir()): { csv: string; md: string } {
  if (table.rows.length === 0) throw new Error(`writeResultTable(${table.name}): no rows to write.`);
  const csv = path.join(dir, `${table.name}.csv`);
  const md = path.join(dir, `${table.name}.md`);
  const dfd = require('danfojs-node') as typeof import('danfojs-node');
  writeFileAtomic(csv, dfd.toCSV(toDataFrame(table.rows)) as string);
  const provLines = Object.entries(prov)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `- ${k}: ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : v}`);
  const parts = [`# ${table.title}`, '', toMarkdown(table.rows), ''];
  if (table.notes?.length) parts.push(...table.notes.map((n) => `- ${n}`), '');
  parts.push('Provenance:', '', ...provLines, '');
  writeFileAtomic(md, parts.join('\n'));
  return { csv, md };
}

/**
 * writeResultTable, plus <name>.json holding the rows, notes and provenance (and `extra`), for
 * code that reads a stored table back (the README's results block).
 */
export function writeResultTableWithJson(
  table: ResultTable,
  prov: Provenance,
  extra: Record<string, unknown> = {},
  dir = resultsDir(),
): { csv: string; md: string; json: string } {
  const { csv, md } = writeResultTable(table, prov, dir);
  const json = path.join(dir, `${table.name}.json`);
  writeFileAtomic(
    json,
    JSON.stringify(
      {
        name: table.name,
        title: table.title,
        rows: table.rows,
        notes: table.notes ?? [],
        provenance: prov,
        ...extra,
      },
      null,
      1,
    ) + '\n',
  );
  return { csv, md, json };
}
