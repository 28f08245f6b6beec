import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Row, formatCell, toHtml, toMarkdown, writeResultTable } from '../../lib/report/table';
import { provenance } from '../../lib/report/provenance';

test('cells: integers as is, tiny/huge in exponent form, else 4 significant digits', () => {
  assert.equal(formatCell(42), '42');
  assert.equal(formatCell(0.000123), '1.23e-4');
  assert.equal(formatCell(1.2345678), '1.235');
  assert.equal(formatCell(null), '');
  assert.equal(formatCell(NaN), 'NaN');
});

test('markdown escapes pipes; HTML escapes markup; columns are the union in first-seen order', () => {
  const rows: Row[] = [
    { a: 'x|y', b: 1 },
    { c: '<b>', a: 2 },
  ];
  assert.equal(toMarkdown(rows), '| a | b | c |\n| --- | --- | --- |\n| x\\|y | 1 |  |\n| 2 |  | <b> |');
  const html = toHtml(rows);
  assert.match(html, /<th>a<\/th><th>b<\/th><th>c<\/th>/);
  assert.match(html, /&lt;b&gt;/);
});

test('writeResultTable writes the CSV (via danfojs) and the Markdown with provenance', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-table-'));
  const { csv, md } = writeResultTable(
    {
      name: 't',
      title: 'T',
      rows: [
        { method: 'Ours', ZSL: 55 },
        { method: 'Base', ZSL: 20.5 },
      ],
      notes: ['a note'],
    },
    provenance('cpu'),
    dir,
  );
  const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
  assert.deepEqual(lines, ['method,ZSL', 'Ours,55', 'Base,20.5']);
  const text = fs.readFileSync(md, 'utf8');
  assert.match(text, /^# T\n/);
  assert.match(text, /- a note/);
  assert.match(text, /- backend: cpu/);
  assert.throws(() => writeResultTable({ name: 'e', title: 'E', rows: [] }, provenance('cpu'), dir), /no rows/);
  fs.rmSync(dir, { recursive: true, force: true });
});
