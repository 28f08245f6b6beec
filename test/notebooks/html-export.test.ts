/**
 * The saved notebooks show every figure as an image in a plain HTML export (jupyter nbconvert
 * --to html) opened in headless Chromium, with plotly.js unreachable. Skipped, with the reason,
 * where Chromium or nbconvert is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkNotebookHtmlExport, findChromium, notebookFigureIds } from '../../lib';
import { notebookFigureHtml } from '../../lib/viz/plotly';
import { repoRoot } from '../../lib/data/paths';

const PY = process.env.FSVAE_JUPYTER_PYTHON ?? '/usr/bin/python3';
const chromium = findChromium();
const nbconvert = spawnSync(PY, ['-c', 'import nbconvert'], { encoding: 'utf8' });
const skip = !chromium.path ? `no Chromium (tried ${chromium.tried.join(', ')})` : nbconvert.status !== 0 ? `no nbconvert for ${PY}` : false;
const NOTEBOOKS = fs
  .readdirSync(path.join(repoRoot(), 'notebooks'))
  .filter((f) => f.endsWith('.ipynb'))
  .sort();

test('a broken figure image is reported blank (the check can fail), a good one is seen', { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-export-neg-'));
  try {
    const fig = { data: [{ type: 'scatter', x: [1, 2, 3], y: [2, 1, 3], name: 'a' }], layout: { title: { text: 'probe' } } };
    const good = notebookFigureHtml(fig as never);
    const broken = notebookFigureHtml({ ...fig, layout: { title: { text: 'other' } } } as never).replace(
      /src="data:image\/svg\+xml;base64,[^"]+"/,
      'src="data:image/svg+xml;base64,bm90IGFuIHN2Zw=="',
    );
    assert.notEqual(broken, good);
    const out = (html: string) => ({ output_type: 'display_data', metadata: {}, data: { 'text/html': html } });
    const nb = {
      cells: [{ cell_type: 'code', execution_count: 1, metadata: {}, source: 'x', outputs: [out(good), out(broken)] }],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    };
    const file = path.join(dir, 'probe.ipynb');
    fs.writeFileSync(file, JSON.stringify(nb));
    const ids = notebookFigureIds(file);
    assert.equal(ids.length, 2);
    const r = await checkNotebookHtmlExport(file);
    assert.equal(r.skipped, undefined);
    assert.equal(r.seen.length, 2);
    assert.deepEqual(r.blank, [ids[1]]);
    const ok = r.seen.find((s) => s.id === ids[0])!;
    assert.ok(ok.decoded && ok.shown && ok.width > 100, JSON.stringify(ok));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const name of NOTEBOOKS) {
  test(`${name}: every figure shows as an image in the nbconvert HTML export`, { skip }, async () => {
    const r = await checkNotebookHtmlExport(path.join(repoRoot(), 'notebooks', name));
    assert.equal(r.seen.length, r.figures, 'one static image per figure output');
    assert.deepEqual(r.blank, []);
  });
}
