#!/usr/bin/env node
// Exports every saved notebook to HTML (jupyter nbconvert --to html) and opens it in headless
// Chromium to check that each figure shows as an image without a live Jupyter or plotly.js
// (lib/viz/html-export.ts). Run by npm run main after the notebooks; writes
// results/notebook_html_export.md. Without Chromium it says so and how to install it (exit 0).
const fs = require('node:fs');
const path = require('node:path');
const { checkNotebookHtmlExport, findChromium } = require('../dist/lib');

(async () => {
  const root = path.join(__dirname, '..');
  const chromium = findChromium();
  if (!chromium.path) {
    console.log(`[html-export] skipped: no Chromium (tried ${chromium.tried.join(', ')}); install it with: sudo apt-get install chromium`);
    return;
  }
  const names = fs.readdirSync(path.join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort();
  const lines = ['# Notebook figures in a plain HTML export', '', '| notebook | figures | shown as images | blank |', '| --- | --- | --- | --- |'];
  let bad = 0;
  for (const n of names) {
    const r = await checkNotebookHtmlExport(path.join(root, 'notebooks', n));
    if (r.skipped) {
      console.log(`[html-export] skipped: ${r.skipped}`);
      return;
    }
    const shown = r.seen.filter((s) => (s.decoded && s.shown) || s.interactive).length;
    if (r.blank.length || r.seen.length !== r.figures) bad++;
    lines.push(`| ${n} | ${r.figures} | ${shown} | ${r.blank.length ? r.blank.join(', ') : '—'} |`);
    console.log(`[html-export] ${n}: ${shown}/${r.figures} figures shown as images${r.blank.length ? `; blank: ${r.blank.join(', ')}` : ''}`);
  }
  lines.push('', `- each notebook exported with \`jupyter nbconvert --to html\` and opened in headless Chromium (${chromium.path}) without network access to plotly.js; a figure counts when its static SVG image decoded and is on screen (or the interactive plot was drawn instead)`);
  lines.push(`- date: ${new Date().toISOString()}`);
  fs.writeFileSync(path.join(root, 'results', 'notebook_html_export.md'), lines.join('\n') + '\n');
  if (bad) {
    console.log(`[html-export] ${bad} notebook(s) with figures that do not show (results/notebook_html_export.md)`);
    process.exitCode = 1;
  }
})();
