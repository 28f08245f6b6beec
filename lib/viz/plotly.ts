/**
 * Plotly figures: shown inline in notebooks (HTML output) and saved as standalone HTML under
 * results/figures/. The 10 MB plotly.js bundle (package plotly.js-dist) is not copied into every
 * output: saved pages load it from node_modules by relative path, and notebook outputs load it from
 * the Jupyter server (`/files/node_modules/...`, i.e. Jupyter started at the repository root, as
 * `npm run notebook` does) unless the page already has Plotly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { resultsDir } from '../report/table';
import { figureImgTag, figureSvg } from './svg';

export interface Figure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
}

const NOTEBOOK_PLOTLY_URL = '/files/node_modules/plotly.js-dist/plotly.js';

function plotCall(fig: Figure, divId: string): string {
  const layout = { margin: { t: 50, l: 60, r: 20, b: 50 }, ...fig.layout };
  return `Plotly.newPlot(${JSON.stringify(divId)}, ${JSON.stringify(fig.data)}, ${JSON.stringify(layout)}, {responsive: true});`;
}

/**
 * HTML snippet for a notebook output cell: a static SVG image of the figure (lib/viz/svg.ts), shown
 * wherever no script runs (a repository browser, nbviewer, an exported HTML page), replaced by the
 * interactive plotly figure once plotly.js loads from the Jupyter server.
 */
export function notebookFigureHtml(fig: Figure, height = 420): string {
  // deterministic id (content hash) so re-executed notebooks do not change when the figure does not
  const id = `fsvae-fig-${createHash('sha1').update(JSON.stringify(fig)).digest('hex').slice(0, 12)}`;
  const title = (fig.layout?.title as { text?: string } | undefined)?.text ?? 'figure';
  return `${figureImgTag(fig, title).replace('<img ', `<img id="${id}-static" `)}
<div id="${id}" style="width:100%;height:0px;"></div>
<script>(function(){
  function draw(){ var d = document.getElementById(${JSON.stringify(id)}); d.style.height = '${height}px'; var st = document.getElementById(${JSON.stringify(`${id}-static`)}); if (st) st.style.display = 'none'; ${plotCall(fig, id)} }
  if (window.Plotly) { draw(); return; }
  var s = document.createElement('script'); s.src = ${JSON.stringify(NOTEBOOK_PLOTLY_URL)}; s.onload = draw;
  document.head.appendChild(s);
})();</script>`;
}

/** Writes results/figures/<name>.html (standalone page; plotly.js loaded from ../../node_modules). */
export function saveFigureHtml(fig: Figure, name: string, dir = path.join(resultsDir(), 'figures')): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.html`);
  const bundle = path.relative(dir, path.join(path.dirname(require.resolve('plotly.js-dist/package.json')), 'plotly.js'));
  const title = String((fig.layout?.title as { text?: string } | string | undefined) && typeof fig.layout?.title === 'object' ? (fig.layout.title as { text?: string }).text : fig.layout?.title ?? name);
  fs.writeFileSync(file, `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title><script src="${bundle.split(path.sep).join('/')}"></script></head>
<body><div id="fig" style="width:100%;height:90vh;"></div><script>${plotCall(fig, 'fig')}</script></body></html>
`);
  return file;
}

/**
 * Saves the figure (results/figures/<name>.html, interactive, and <name>.svg, static) and returns
 * the notebook HTML (static image + interactive figure, with a link line to the saved files).
 */
export function figure(fig: Figure, name: string): { html: string; file: string; svg: string } {
  const file = saveFigureHtml(fig, name);
  const svg = file.replace(/\.html$/, '.svg');
  fs.writeFileSync(svg, figureSvg(fig));
  const rel = path.relative(resultsDir(), file);
  return { html: `${notebookFigureHtml(fig)}<div style="font-size:smaller">saved: results/${rel} (interactive), results/${rel.replace(/\.html$/, '.svg')} (static)</div>`, file, svg };
}
