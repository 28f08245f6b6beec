/**
 * Checks that a saved notebook's figures show as images outside a live Jupyter: the notebook is
 * exported with `jupyter nbconvert --to html` and the page is opened in headless Chromium, where a
 * probe script reports, for every figure, whether its static image decoded and is on screen (or
 * the interactive plot was drawn instead, when plotly.js could be fetched). Needs Debian's
 * Jupyter (nbconvert) and Chromium; reports `skipped` with the reason when either is absent.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsvaeInputError } from '../util/assert';
import { findChromium, headlessChromiumArgs, runProgram } from './png';

export interface FigureCheck {
  id: string;
  /** the static image decoded (naturalWidth > 0). */
  decoded: boolean;
  /** it occupies space on the page (not hidden). */
  shown: boolean;
  width: number;
  height: number;
  /** the interactive plot was drawn in its place (plotly.js reachable). */
  interactive: boolean;
}

export interface ExportCheck {
  notebook: string;
  /** figure outputs in the saved notebook (static image ids). */
  figures: number;
  /** what Chromium saw, one entry per static image of the exported page. */
  seen: FigureCheck[];
  /** figures that show neither their image nor a drawn plot. */
  blank: string[];
  skipped?: string;
}

const PROBE_ID = 'fsvae-export-check';
const PROBE = `<script>window.addEventListener('load', function () { setTimeout(function () {
  var r = Array.prototype.map.call(document.querySelectorAll('img[id$="-static"]'), function (i) {
    var div = document.getElementById(i.id.replace(/-static$/, ''));
    return { id: i.id, decoded: i.complete && i.naturalWidth > 0, shown: i.getBoundingClientRect().width > 0 && getComputedStyle(i).display !== 'none',
      width: i.naturalWidth, height: i.naturalHeight, interactive: !!(div && div.querySelector('.main-svg')) };
  });
  var pre = document.createElement('pre'); pre.id = '${PROBE_ID}'; pre.textContent = JSON.stringify(r); document.body.appendChild(pre);
}, 300); });</script>`;

/** Static-image ids of the figure outputs stored in a notebook file. */
export function notebookFigureIds(notebook: string): string[] {
  let nb: { cells?: Array<{ outputs?: Array<{ data?: Record<string, string | string[]> }> }> };
  try {
    nb = JSON.parse(fs.readFileSync(notebook, 'utf8'));
  } catch (e) {
    throw new FsvaeInputError(`${notebook}: not a readable notebook (${(e as Error).message}).`);
  }
  const ids: string[] = [];
  for (const c of nb.cells ?? []) {
    for (const o of c.outputs ?? []) {
      const h = o.data?.['text/html'];
      const text = Array.isArray(h) ? h.join('') : (h ?? '');
      // the static image of every figure (lib/viz): <img id="fsvae-…-static"> before its interactive div
      for (const m of text.matchAll(/<img id="(fsvae-[\w-]+-static)"/g)) ids.push(m[1]);
    }
  }
  return ids;
}

/** Exports `notebook` to HTML and checks every figure in headless Chromium. */
export async function checkNotebookHtmlExport(notebook: string, opts: { python?: string; chromium?: string; timeoutMs?: number } = {}): Promise<ExportCheck> {
  const figures = notebookFigureIds(notebook).length;
  const base = { notebook, figures, seen: [], blank: [] };
  const chromium = findChromium(opts.chromium);
  if (!chromium.path) return { ...base, skipped: `no Chromium (tried ${chromium.tried.join(', ')}; sudo apt-get install chromium)` };
  const python = opts.python ?? process.env.FSVAE_JUPYTER_PYTHON ?? '/usr/bin/python3';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-export-'));
  try {
    const nb = await runProgram(python, ['-m', 'nbconvert', '--to', 'html', '--output-dir', tmp, '--output', 'page', notebook], opts.timeoutMs ?? 120_000);
    const page = path.join(tmp, 'page.html');
    if (nb.code !== 0 || !fs.existsSync(page)) {
      if (/No module named nbconvert/.test(nb.stderr)) return { ...base, skipped: `no nbconvert for ${python} (sudo apt-get install jupyter-nbconvert)` };
      throw new FsvaeInputError(`${notebook}: nbconvert --to html failed (exit ${nb.code}): ${nb.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    const html = fs.readFileSync(page, 'utf8');
    const probe = path.join(tmp, 'probe.html');
    fs.writeFileSync(probe, html.includes('</body>') ? html.replace(/<\/body>(?![\s\S]*<\/body>)/, `${PROBE}</body>`) : html + PROBE);
    const profile = path.join(tmp, 'profile');
    const r = await runProgram(
      chromium.path,
      [...headlessChromiumArgs(profile, 15_000), '--window-size=1200,900', '--dump-dom', `file://${probe}`],
      opts.timeoutMs ?? 120_000,
    );
    const m = new RegExp(`<pre id="${PROBE_ID}">([\\s\\S]*?)</pre>`).exec(r.stdout);
    if (!m)
      throw new FsvaeInputError(
        `${notebook}: Chromium (${chromium.path}) returned no probe result (exit ${r.code}): ` + `${r.stderr.trim().split('\n').slice(-2).join(' | ')}`,
      );
    const json = m[1]
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    const seen = JSON.parse(json) as FigureCheck[];
    return { ...base, seen, blank: seen.filter((f) => !(f.decoded && f.shown) && !f.interactive).map((f) => f.id) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
