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
import { Figure } from './figure';

export type { Figure } from './figure';

const NOTEBOOK_PLOTLY_URL = '/files/node_modules/plotly.js-dist/plotly.js';

/** Height in pixels of plotly's toolbar (modebar) strip at the top right of a figure. */
const MODEBAR_PX = 32;
const TITLE_LINE_PX = 22;

/**
 * The layout passed to Plotly.newPlot: default margins, and the title placed below the toolbar
 * strip (anchored at its top, MODEBAR_PX from the top of the figure, with the top margin grown to
 * fit its lines), so the toolbar never covers the end of a long centred title. A figure's own
 * margin sides and title placement win.
 */
export function plotLayout(layout: Record<string, unknown> = {}): Record<string, unknown> {
  const margin = { t: 50, l: 60, r: 20, b: 50, ...(layout.margin as Record<string, number> | undefined) };
  const t = layout.title;
  const title = typeof t === 'string' ? { text: t } : (t as Record<string, unknown> | undefined);
  if (!title?.text) return { ...layout, margin };
  const lines = String(title.text).split(/<br\s*\/?>/i).length;
  return {
    ...layout,
    title: { yref: 'container', y: 1, yanchor: 'top', pad: { t: MODEBAR_PX }, ...title },
    margin: { ...margin, t: Math.max(margin.t, MODEBAR_PX + lines * TITLE_LINE_PX + 8) },
  };
}

function plotCall(fig: Figure, divId: string): string {
  const layout = plotLayout(fig.layout);
  return `Plotly.newPlot(${JSON.stringify(divId)}, ${JSON.stringify(fig.data)}, ${JSON.stringify(layout)}, {responsive: true});`;
}

/**
 * Notebook output HTML shared by static and animated figures: the static image `img` (given the id
 * `<id>-static`), shown wherever no script runs (a repository browser, nbviewer, an exported HTML
 * page), and an empty div `<id>` that the interactive plot (`plot`, JavaScript drawing into the div)
 * fills once plotly.js loads from the Jupyter server; drawing hides the image. When plotly.js cannot
 * be loaded the image stays, and its tooltip says why. `id` is `fsvae-fig-<hex digits>`, the form
 * lib/viz/html-export.ts counts as a figure output.
 */
export function staticThenInteractiveHtml(id: string, img: string, height: number, plot: string): string {
  const staticId = JSON.stringify(`${id}-static`);
  const unreachable = `plotly.js not reachable at ${NOTEBOOK_PLOTLY_URL}: start Jupyter at the repository root (npm run notebook) for the interactive figure`;
  return `${img.replace('<img ', `<img id="${id}-static" `)}
<div id="${id}" style="width:100%;height:0px;"></div>
<script>(function(){
  function draw(){
    var d = document.getElementById(${JSON.stringify(id)}); d.style.height = '${height}px';
    var st = document.getElementById(${staticId}); if (st) st.style.display = 'none';
    ${plot}
  }
  if (window.Plotly) { draw(); return; }
  var s = document.createElement('script'); s.src = ${JSON.stringify(NOTEBOOK_PLOTLY_URL)}; s.onload = draw;
  s.onerror = function(){ var st = document.getElementById(${staticId}); if (st) st.title = ${JSON.stringify(unreachable)}; };
  document.head.appendChild(s);
})();</script>`;
}

/**
 * HTML snippet for a notebook output cell: a static SVG image of the figure (lib/viz/svg.ts),
 * replaced by the interactive plotly figure once plotly.js loads (staticThenInteractiveHtml).
 */
export function notebookFigureHtml(fig: Figure, height = 420): string {
  // deterministic id (content hash) so re-executed notebooks do not change when the figure does not
  const id = `fsvae-fig-${createHash('sha1').update(JSON.stringify(fig)).digest('hex').slice(0, 12)}`;
  const title = (fig.layout?.title as { text?: string } | undefined)?.text ?? 'figure';
  return staticThenInteractiveHtml(id, figureImgTag(fig, title), height, plotCall(fig, id));
}

/** Writes results/figures/<name>.html (standalone page; plotly.js loaded from ../../node_modules). */
export function saveFigureHtml(fig: Figure, name: string, dir = path.join(resultsDir(), 'figures')): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.html`);
  const bundle = path.relative(dir, path.join(path.dirname(require.resolve('plotly.js-dist/package.json')), 'plotly.js'));
  const title = String(
    (fig.layout?.title as { text?: string } | string | undefined) && typeof fig.layout?.title === 'object'
      ? (fig.layout.title as { text?: string }).text
      : (fig.layout?.title ?? name),
  );
  fs.writeFileSync(
    file,
    `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title><script src="${bundle.split(path.sep).join('/')}"></script></head>
<body><div id="fig" style="width:100%;height:90vh;"></div><script>${plotCall(fig, 'fig')}</script></body></html>
`,
  );
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
  return {
    html:
      `${notebookFigureHtml(fig)}<div style="font-size:smaller">saved: results/${rel} (interactive), ` +
      `results/${rel.replace(/\.html$/, '.svg')} (static)</div>`,
    file,
    svg,
  };
}
