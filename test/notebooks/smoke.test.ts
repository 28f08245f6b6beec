/**
 * Smoke execution of notebook 01 through Jupyter (nbclient on Debian's python3 and the project's
 * tslab kernel), on a copy, writing its results to a temporary folder. Skipped, with the command
 * that installs Jupyter, when /usr/bin/python3 has no nbclient.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../lib/data/paths';

const root = repoRoot();
const hasJupyter = spawnSync('/usr/bin/python3', ['-c', 'import nbclient, nbformat'], { stdio: 'ignore' }).status === 0;

test('notebook 01 executes headless and writes its tables', {
  skip: hasJupyter
    ? false
    : 'Jupyter not installed: run `sudo apt-get install -y jupyter-nbconvert python3-nbclient jupyter-notebook python3-ipykernel` (npm run main does it)',
}, () => {
  const dir = path.join(root, '.smoke-notebooks'); // a sibling of notebooks/, so '../dist/lib' resolves the same way
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  const nb = path.join(dir, '01_frequency_analysis.ipynb');
  fs.copyFileSync(path.join(root, 'notebooks', '01_frequency_analysis.ipynb'), nb);
  const results = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-nb-results-'));
  const r = spawnSync('bash', [path.join(root, 'scripts', 'run-notebooks.sh'), nb], {
    encoding: 'utf8',
    env: { ...process.env, FSVAE_RESULTS: results, FSVAE_NOTEBOOK_TIMEOUT: '300' },
    timeout: 400_000,
  });
  try {
    assert.equal(r.status, 0, `notebook run failed:\n${r.stdout}\n${r.stderr}`);
    const md = fs.readFileSync(path.join(results, 'frequency_energy.md'), 'utf8');
    assert.match(md, /E_freq\/E_time - 1/);
    // the executed copy carries outputs: the energy table was displayed
    const executed = JSON.parse(fs.readFileSync(nb, 'utf8')) as { cells: { outputs?: { data?: Record<string, unknown> }[] }[] };
    const html = executed.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data && 'text/html' in o.data);
    assert.ok(html.length >= 5, `expected the tables and figures as HTML outputs, got ${html.length}`);
    // every figure carries a static image (shown where no script runs, e.g. an nbconvert HTML export)
    const text = (o: { data?: Record<string, unknown> }) => {
      const v = o.data!['text/html'];
      return Array.isArray(v) ? v.join('') : String(v);
    };
    const figures = html.filter((o) => /fsvae-fig-/.test(text(o)));
    assert.ok(figures.length >= 1, 'notebook 01 shows figures');
    for (const f of figures) assert.match(text(f), /<img id="fsvae-fig-[0-9a-f]{12}-static" [^>]*src="data:image\/svg\+xml;base64,/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(results, { recursive: true, force: true });
  }
});
