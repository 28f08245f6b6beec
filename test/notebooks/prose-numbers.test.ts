/**
 * No hand-typed numbers in notebook prose: every measured-looking number in a markdown cell (a
 * decimal such as 12.3, or a percentage such as 40 %) must appear in that notebook's stored
 * outputs. Numbers inside $…$ math and `code` spans are formulas and parameters, not results, and
 * are not checked. Observations that quote results are generated from the result objects in a
 * code cell (their output then holds the numbers), or carry no numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/data/paths';

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: { text?: string | string[]; data?: Record<string, string | string[]> }[];
}

const joined = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join('') : (s ?? ''));

/** The result-like numbers of a markdown text: decimals and percentages, outside math and code spans. */
export function proseNumbers(markdown: string): string[] {
  const prose = markdown
    .replace(/\$\$[\s\S]*?\$\$/g, ' ')
    .replace(/\$[^$\n]*\$/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(/\]\([^)]*\)/g, ']')
    // references (Sec. 4.3, Eq. 2-3, Table 12, App. E.2) and interval levels (95 % interval) are not results
    .replace(/\b(Sec|Eq|Eqs|Table|Tables|Fig|App|§)\.?\s*[\dA-Z][\d.\-–,\s]*/g, ' ')
    .replace(/\d+\s?%\s(?=(Student-t )?(interval|confidence|CI)\b)/g, ' ');
  const out = new Set<string>();
  for (const m of prose.matchAll(/(?<![\w.])(\d+\.\d+)(?![\w.]*\d)/g)) out.add(m[1]);
  for (const m of prose.matchAll(/(?<![\w.])(\d+(?:\.\d+)?)\s?%/g)) out.add(m[1]);
  return [...out];
}

test('proseNumbers finds decimals and percentages, not math, code or links', () => {
  assert.deepEqual(proseNumbers('ZSL 67.9 and 40 % of runs; $\\lambda = 0.5$, `alpha 0.1`, [doc](a/v1.2.md), Eq. 5, Sec. 4.3, a 95 % interval').sort(), [
    '40',
    '67.9',
  ]);
});

test("every number in notebook prose appears in the notebook's outputs", () => {
  const dir = path.join(repoRoot(), 'notebooks');
  const problems: string[] = [];
  for (const f of fs
    .readdirSync(dir)
    .filter((x) => x.endsWith('.ipynb'))
    .sort()) {
    const nb = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { cells: Cell[] };
    const outputs = nb.cells
      .flatMap((c) =>
        (c.outputs ?? []).map(
          (o) =>
            joined(o.text) +
            Object.values(o.data ?? {})
              .map(joined)
              .join('\n'),
        ),
      )
      .join('\n');
    nb.cells.forEach((c, i) => {
      if (c.cell_type !== 'markdown') return;
      for (const n of proseNumbers(joined(c.source))) if (!outputs.includes(n)) problems.push(`${f} cell ${i}: ${n}`);
    });
  }
  assert.deepEqual(
    problems,
    [],
    `numbers typed into notebook prose that no output shows (generate them from the results, or drop them):\n${problems.join('\n')}`,
  );
});
