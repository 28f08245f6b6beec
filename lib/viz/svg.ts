/**
 * A static SVG rendering of the project's plotly figures, so every figure also shows where no
 * script runs (a repository browser, nbviewer, an exported HTML page). Covers the traces the
 * notebooks use: bar (grouped, with asymmetric error bars), scatter (lines / markers / text, error
 * bars, dashes, per-point colours), heatmap, and scatter3d (drawn as its x–y projection). Axes:
 * linear, log (x or y) and categorical. Not a plotly replacement: the interactive figure stays
 * the primary output; this is its faithful still.
 */
import { Figure } from './plotly';

type Trace = Record<string, unknown>;

const W = 760;
const H = 420;
const M = { l: 70, r: 170, t: 46, b: 70 };
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

const esc = (s: unknown) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);
const titleOf = (t: unknown): string => (typeof t === 'string' ? t : t && typeof t === 'object' && 'text' in t ? String((t as { text: unknown }).text) : '');
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : []);

/** "Nice" tick values covering [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

interface Axis {
  kind: 'linear' | 'log' | 'category';
  categories: string[];
  lo: number;
  hi: number;
  title: string;
}

function axisOf(values: unknown[], layoutAxis: Record<string, unknown> | undefined, extra: number[] = []): Axis {
  const title = titleOf(layoutAxis?.title);
  const isCategory = layoutAxis?.type === 'category' || values.some((v) => typeof v === 'string' && !Number.isFinite(Number(v)));
  if (isCategory) {
    const categories = [...new Set(values.map(String))];
    return { kind: 'category', categories, lo: -0.5, hi: categories.length - 0.5, title };
  }
  const log = layoutAxis?.type === 'log';
  const xs = [...values.map(num), ...extra].filter((v) => Number.isFinite(v) && (!log || v > 0));
  let lo = xs.length ? Math.min(...xs) : 0;
  let hi = xs.length ? Math.max(...xs) : 1;
  if (log) {
    lo = Math.log10(lo);
    hi = Math.log10(hi);
  }
  if (hi === lo) {
    hi = lo + 1;
    lo -= 1;
  }
  const pad = (hi - lo) * 0.05;
  return { kind: log ? 'log' : 'linear', categories: [], lo: lo - pad, hi: hi + pad, title };
}

function position(a: Axis, v: unknown): number {
  if (a.kind === 'category') return a.categories.indexOf(String(v));
  const x = num(v);
  return a.kind === 'log' ? Math.log10(x) : x;
}

function fmt(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(1) : String(Number(v.toPrecision(4)));
}

function viridis(t: number): string {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i].map((s, k) => Math.round(s + f * (stops[i + 1][k] - s)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function colorOf(t: Trace, i: number): string {
  const m = t.marker as Record<string, unknown> | undefined;
  const l = t.line as Record<string, unknown> | undefined;
  if (typeof l?.color === 'string') return l.color;
  if (typeof m?.color === 'string') return m.color;
  return PALETTE[i % PALETTE.length];
}

/** The figure as a standalone SVG document (W × H pixels). */
export function figureSvg(fig: Figure): string {
  const traces = fig.data.map((t) => (t.type === 'scatter3d' ? { ...t, type: 'scatter' } : t));
  const layout = fig.layout ?? {};
  const out: string[] = [];
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const title = titleOf(layout.title);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (title) out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="13">${esc(title.length > 110 ? `${title.slice(0, 107)}…` : title)}</text>`);
  const heat = traces.find((t) => t.type === 'heatmap');
  if (heat) return renderHeatmap(heat, layout, out);
  // axes from every trace's data (with error bars)
  const xs = traces.flatMap((t) => arr(t.x).length ? arr(t.x) : arr(t.y).map((_, i) => i));
  const yExtra: number[] = [];
  for (const t of traces) {
    const y = arr(t.y).map(num);
    const e = t.error_y as Record<string, unknown> | undefined;
    if (e && e.visible !== false) {
      const up = arr(e.array).map(num);
      const down = e.symmetric === false ? arr(e.arrayminus).map(num) : up;
      y.forEach((v, i) => {
        if (Number.isFinite(up[i])) yExtra.push(v + up[i]);
        if (Number.isFinite(down[i])) yExtra.push(v - down[i]);
      });
    }
    if (t.type === 'bar') yExtra.push(0);
  }
  const xa = axisOf(xs, layout.xaxis as Record<string, unknown>);
  const ya = axisOf(traces.flatMap((t) => arr(t.y)), layout.yaxis as Record<string, unknown>, yExtra);
  const px = (v: unknown) => M.l + ((position(xa, v) - xa.lo) / (xa.hi - xa.lo)) * pw;
  const py = (v: unknown) => M.t + ph - ((position(ya, v) - ya.lo) / (ya.hi - ya.lo)) * ph;
  // grid and ticks
  const yt = ya.kind === 'category' ? ya.categories : niceTicks(ya.lo, ya.hi).map((v) => (ya.kind === 'log' ? 10 ** v : v));
  for (const v of yt) {
    const y = py(v);
    out.push(`<line x1="${M.l}" x2="${M.l + pw}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.l - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${esc(typeof v === 'number' ? fmt(v) : v)}</text>`);
  }
  const xt = xa.kind === 'category' ? xa.categories : niceTicks(xa.lo, xa.hi, 6).map((v) => (xa.kind === 'log' ? 10 ** v : v));
  const rotate = xa.kind === 'category' && xa.categories.some((c) => c.length > 8);
  for (const v of xt) {
    const x = px(v);
    const label = typeof v === 'number' ? fmt(v) : v.length > 28 ? `${v.slice(0, 26)}…` : v;
    out.push(rotate
      ? `<text transform="translate(${x.toFixed(1)},${M.t + ph + 12}) rotate(25)" text-anchor="start" font-size="10">${esc(label)}</text>`
      : `<text x="${x.toFixed(1)}" y="${M.t + ph + 16}" text-anchor="middle">${esc(label)}</text>`);
  }
  out.push(`<rect x="${M.l}" y="${M.t}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  if (xa.title) out.push(`<text x="${M.l + pw / 2}" y="${H - 8}" text-anchor="middle">${esc(xa.title)}</text>`);
  if (ya.title) out.push(`<text transform="translate(16,${M.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(ya.title)}</text>`);
  // traces
  const bars = traces.filter((t) => t.type === 'bar');
  const slot = xa.kind === 'category' ? pw / Math.max(1, xa.categories.length) : pw / Math.max(1, xs.length);
  const bw = (slot * 0.8) / Math.max(1, bars.length);
  traces.forEach((t, ti) => {
    const color = colorOf(t, ti);
    const x = arr(t.x).length ? arr(t.x) : arr(t.y).map((_, i) => i);
    const y = arr(t.y);
    const e = t.error_y as Record<string, unknown> | undefined;
    const up = e && e.visible !== false ? arr(e.array).map(num) : [];
    const down = e && e.visible !== false ? (e.symmetric === false ? arr(e.arrayminus).map(num) : up) : [];
    const xAt = (i: number) => (t.type === 'bar' ? px(x[i]) - (slot * 0.8) / 2 + bw * bars.indexOf(t) + bw / 2 : px(x[i]));
    if (t.type === 'bar') {
      y.forEach((v, i) => {
        const y0 = py(0);
        const y1 = py(v);
        if (!Number.isFinite(y1)) return;
        out.push(`<rect x="${(xAt(i) - bw / 2).toFixed(1)}" y="${Math.min(y0, y1).toFixed(1)}" width="${bw.toFixed(1)}" height="${Math.abs(y1 - y0).toFixed(1)}" fill="${color}"/>`);
      });
    } else {
      const mode = String(t.mode ?? 'lines+markers');
      const pts = y.map((v, i) => [xAt(i), py(v)]).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
      const line = t.line as Record<string, unknown> | undefined;
      if (mode.includes('lines') && pts.length > 1) {
        const dash = line?.dash === 'dash' ? ' stroke-dasharray="6,4"' : line?.dash === 'dot' ? ' stroke-dasharray="2,3"' : '';
        out.push(`<polyline fill="none" stroke="${color}" stroke-width="${num(line?.width) || 2}"${dash} points="${pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`);
      }
      if (mode.includes('markers')) {
        const mc = (t.marker as Record<string, unknown> | undefined)?.color;
        const colors = arr(mc);
        const numeric = colors.length && colors.every((c) => typeof c === 'number');
        const [cmin, cmax] = numeric ? [Math.min(...(colors as number[])), Math.max(...(colors as number[]))] : [0, 1];
        y.forEach((v, i) => {
          const a = xAt(i);
          const b = py(v);
          if (!Number.isFinite(a) || !Number.isFinite(b)) return;
          const c = colors.length ? (numeric ? viridis(((colors[i] as number) - cmin) / (cmax - cmin || 1)) : String(colors[i])) : color;
          out.push(`<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="${pts.length > 300 ? 1.8 : 3}" fill="${c}"/>`);
        });
      }
      if (mode.includes('text')) {
        const text = arr(t.text);
        y.forEach((v, i) => out.push(`<text x="${xAt(i).toFixed(1)}" y="${(py(v) - 5).toFixed(1)}" text-anchor="middle" font-size="9">${esc(text[i] ?? '')}</text>`));
      }
    }
    y.forEach((v, i) => {
      if (!Number.isFinite(up[i]) && !Number.isFinite(down[i])) return;
      const a = xAt(i);
      const hi = py(num(v) + (Number.isFinite(up[i]) ? up[i] : 0));
      const lo = py(num(v) - (Number.isFinite(down[i]) ? down[i] : 0));
      out.push(`<line x1="${a.toFixed(1)}" x2="${a.toFixed(1)}" y1="${hi.toFixed(1)}" y2="${lo.toFixed(1)}" stroke="#222"/>`);
      out.push(`<line x1="${(a - 4).toFixed(1)}" x2="${(a + 4).toFixed(1)}" y1="${hi.toFixed(1)}" y2="${hi.toFixed(1)}" stroke="#222"/><line x1="${(a - 4).toFixed(1)}" x2="${(a + 4).toFixed(1)}" y1="${lo.toFixed(1)}" y2="${lo.toFixed(1)}" stroke="#222"/>`);
    });
  });
  // legend
  traces.filter((t) => t.name !== undefined && t.showlegend !== false).slice(0, 14).forEach((t, i) => {
    const y = M.t + 10 + i * 16;
    const name = String(t.name);
    out.push(`<rect x="${M.l + pw + 10}" y="${y - 8}" width="10" height="10" fill="${colorOf(t, traces.indexOf(t))}"/><text x="${M.l + pw + 24}" y="${y + 1}" font-size="10">${esc(name.length > 24 ? `${name.slice(0, 22)}…` : name)}</text>`);
  });
  if (fig.data.some((t) => t.type === 'scatter3d')) out.push(`<text x="${M.l + 4}" y="${M.t + 14}" font-size="10" fill="#555">3-D figure: x–y projection of the first frame</text>`);
  out.push('</svg>');
  return out.join('\n');
}

function renderHeatmap(t: Trace, layout: Record<string, unknown>, out: string[]): string {
  const z = arr(t.z).map((r) => arr(r).map(num));
  const rows = z.length;
  const cols = rows ? z[0].length : 0;
  const xl = arr(t.x).map(String);
  const yl = arr(t.y).map(String);
  const flat = z.flat().filter(Number.isFinite);
  const lo = Number.isFinite(num(t.zmin)) ? num(t.zmin) : Math.min(...flat);
  const hi = Number.isFinite(num(t.zmax)) ? num(t.zmax) : Math.max(...flat);
  const pw = W - M.l - M.r - 40;
  const ph = H - M.t - M.b;
  const cw = pw / Math.max(1, cols);
  const ch = ph / Math.max(1, rows);
  const left = M.l + 40;
  z.forEach((r, i) => r.forEach((v, j) => {
    const y = M.t + ph - (i + 1) * ch;
    out.push(`<rect x="${(left + j * cw).toFixed(1)}" y="${y.toFixed(1)}" width="${(cw + 0.5).toFixed(1)}" height="${(ch + 0.5).toFixed(1)}" fill="${Number.isFinite(v) ? viridis((v - lo) / (hi - lo || 1)) : '#ccc'}"/>`);
    if (rows * cols <= 100 && Number.isFinite(v)) out.push(`<text x="${(left + (j + 0.5) * cw).toFixed(1)}" y="${(y + ch / 2 + 4).toFixed(1)}" text-anchor="middle" font-size="9" fill="${(v - lo) / (hi - lo || 1) > 0.6 ? '#000' : '#fff'}">${fmt(v)}</text>`);
  }));
  if (cols <= 30) xl.forEach((l, j) => out.push(`<text transform="translate(${(left + (j + 0.5) * cw).toFixed(1)},${M.t + ph + 12}) rotate(25)" font-size="9">${esc(l.slice(0, 24))}</text>`));
  if (rows <= 30) yl.forEach((l, i) => out.push(`<text x="${left - 4}" y="${(M.t + ph - (i + 0.5) * ch + 3).toFixed(1)}" text-anchor="end" font-size="9">${esc(l.slice(0, 24))}</text>`));
  const ax = titleOf((layout.xaxis as Record<string, unknown> | undefined)?.title);
  if (ax) out.push(`<text x="${left + pw / 2}" y="${H - 8}" text-anchor="middle">${esc(ax)}</text>`);
  for (let k = 0; k <= 10; k++) out.push(`<rect x="${left + pw + 20}" y="${(M.t + ph - ((k + 1) * ph) / 11).toFixed(1)}" width="14" height="${(ph / 11 + 0.5).toFixed(1)}" fill="${viridis(k / 10)}"/>`);
  out.push(`<text x="${left + pw + 38}" y="${M.t + 10}" font-size="9">${fmt(hi)}</text><text x="${left + pw + 38}" y="${M.t + ph}" font-size="9">${fmt(lo)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

/** The SVG as an <img> element (a data URI), for HTML outputs. */
export function figureImgTag(fig: Figure, alt: string): string {
  return `<img alt="${esc(alt)}" src="data:image/svg+xml;base64,${Buffer.from(figureSvg(fig), 'utf8').toString('base64')}" style="max-width:100%"/>`;
}
