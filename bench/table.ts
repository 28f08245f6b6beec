/** Benchmark rows as a markdown table (bench/run.ts writes results/bench_<name>.md with it, bench/backends.ts its own report). */

function cell(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toString();
  return String(v ?? '').replace(/\|/g, '\\|');
}

/** Rows as a markdown table (columns: union of the row keys, in first-seen order). */
export function markdownTable(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '_(no rows)_\n';
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const numeric = cols.map((c) => rows.every((r) => typeof r[c] === 'number' || r[c] == null));
  const body = rows.map((r) => cols.map((c) => cell(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, 3, ...body.map((b) => [...b[i]].length)));
  const pad = (s: string, i: number): string => {
    const fill = ' '.repeat(Math.max(0, widths[i] - [...s].length));
    return numeric[i] ? fill + s : s + fill;
  };
  const line = (cells: string[]): string => `| ${cells.map(pad).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (numeric[i] ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|')}|`;
  return [line(cols), sep, ...body.map(line)].join('\n') + '\n';
}
