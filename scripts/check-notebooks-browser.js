#!/usr/bin/env node
// The notebooks in a real browser (run by npm run main after executing them): Jupyter on a free
// localhost port, every saved notebook opened in headless Chromium (puppeteer-core, the system
// browser) as the project's trust store and as a new user see it, and notebook 01 run through the
// UI (Cell → Run All). Writes results/notebook_browser_check.md; exit 1 when a notebook has a
// problem; without Chromium or Jupyter it says why and exits 0 (lib/viz/notebook-browser.ts).
// Usage: node scripts/check-notebooks-browser.js [--no-run-all] [NOTEBOOK.ipynb ...]
const fs = require('node:fs');
const path = require('node:path');
const { browserCheckReport, browserCheckUnavailable, checkNotebooksInBrowser, findChromium } = require('../dist/lib');

(async () => {
  const root = path.join(__dirname, '..');
  const args = process.argv.slice(2);
  const unavailable = browserCheckUnavailable();
  if (unavailable) {
    console.log(`[browser] skipped: ${unavailable}`);
    return;
  }
  const named = args.filter((a) => !a.startsWith('--'));
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--no-run-all');
  if (unknown.length) throw new Error(`unknown option(s) ${unknown.join(' ')}; usage: check-notebooks-browser.js [--no-run-all] [NOTEBOOK.ipynb ...]`);
  const dir = path.join(root, 'notebooks');
  const notebooks = named.length
    ? named.map((n) => path.resolve(fs.existsSync(n) ? n : path.join(dir, n.endsWith('.ipynb') ? n : `${n}.ipynb`)))
    : fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => path.join(dir, f));
  for (const n of notebooks) if (!fs.existsSync(n)) throw new Error(`notebook not found: ${n}`);
  const runAll = args.includes('--no-run-all') ? null : path.join(dir, '01_frequency_analysis.ipynb');
  const checks = await checkNotebooksInBrowser({ root, notebooks, runAll, log: (l) => console.log(l) });
  const out = path.join(process.env.FSVAE_RESULTS || path.join(root, 'results'), 'notebook_browser_check.md');
  fs.writeFileSync(out, browserCheckReport(checks, findChromium().path));
  const bad = checks.filter((c) => c.problems.length);
  console.log(`[browser] ${checks.length - bad.length} of ${checks.length} views without problems (${path.relative(root, out)})`);
  if (bad.length) process.exitCode = 1;
})().catch((e) => {
  console.error(`[browser] FAILED: ${e.stack || e}`);
  process.exitCode = 1;
});
