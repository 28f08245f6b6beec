/**
 * A static SVG rendering of the project's plotly figures, so every figure also shows where no
 * script runs (a repository browser, nbviewer, an exported HTML page). Covers the traces the
 * notebooks use: bar (grouped, with asymmetric error bars), scatter (lines / markers / text, error
 * bars, dashes, per-point colours), heatmap, and scatter3d (drawn as its x–y projection). Axes:
 * linear, log (x or y) and categorical; as in plotly, values ≤ 0 on a log axis are not drawn and
 * bars on a log axis start at the bottom of the plot area. Not a plotly replacement: the
 * interactive figure stays the primary output; this is its faithful still.
 */
import { Figure } from './figure';

type Trace = Record<string, unknown>;

const W = 760;
const H = 420;
const M = { l: 70, r: 170, t: 46, b: 70 };
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

const esc = (s: unknown) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** XML text / attribute escaping. */
export { esc as escapeXml };
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);
/** The lines of a plotly text (split at <br>), without plotly's other formatting tags (<b>, <sub>, …). */
export function plotlyTextLines(text: unknown): string[] {
  const tags = /<\/?(b|i|em|sub|sup|span|a)(\s[^>]*)?>/gi;
  return String(text ?? '')
    .split(/<br\s*\/?>/i)
    .map((l) => l.replace(tags, '').trim())
    .filter((l) => l !== '');
}
const titleOf = (t: unknown): string =>
  plotlyTextLines(typeof t === 'string' ? t : t && typeof t === 'object' && 'text' in t ? (t as { text: unknown }).text : '').join(' — ');
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
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
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
  // one plot area per (x axis, y axis) pair of the traces, placed by the axes' domains (side-by-side subplots)
  const groups = new Map<string, Trace[]>();
  for (const t of traces) {
    const key = `${String(t.xaxis ?? 'x').slice(1)} ${String(t.yaxis ?? 'y').slice(1)}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const domain = (a: unknown): number[] => {
    const d = (a as { domain?: unknown } | undefined)?.domain;
    return Array.isArray(d) && d.length === 2 && d.every((v) => Number.isFinite(v)) ? d : [0, 1];
  };
  for (const [key, ts] of groups) {
    const [xn, yn] = key.split(' ');
    const xl = layout[`xaxis${xn}`] as Record<string, unknown> | undefined;
    const yl = layout[`yaxis${yn}`] as Record<string, unknown> | undefined;
    const [x0, x1] = domain(xl);
    const [y0, y1] = domain(yl);
    renderCartesian(ts, xl, yl, { l: M.l + x0 * pw, t: M.t + (1 - y1) * ph, w: (x1 - x0) * pw, h: (y1 - y0) * ph }, (t) => traces.indexOf(t), out);
  }
  // legend
  traces
    .filter((t) => t.name !== undefined && t.showlegend !== false)
    .slice(0, 14)
    .forEach((t, i) => {
      const y = M.t + 10 + i * 16;
      const name = String(t.name);
      out.push(`<rect x="${M.l + pw + 10}" y="${y - 8}" width="10" height="10" fill="${colorOf(t, traces.indexOf(t))}"/>`);
      out.push(`<text x="${M.l + pw + 24}" y="${y + 1}" font-size="10">${esc(name.length > 24 ? `${name.slice(0, 22)}…` : name)}</text>`);
    });
  if (fig.data.some((t) => t.type === 'scatter3d')) {
    out.push(`<text x="${M.l + 4}" y="${M.t + 14}" font-size="10" fill="#555">3-D figure: x–y projection of the first frame</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

interface Area {
  l: number;
  t: number;
  w: number;
  h: number;
}

/** One cartesian plot area: axes from its traces' data (with error bars), grid, ticks, frame, axis titles and the traces. */
function renderCartesian(
  traces: Trace[],
  xLayout: Record<string, unknown> | undefined,
  yLayout: Record<string, unknown> | undefined,
  area: Area,
  colorIndex: (t: Trace) => number,
  out: string[],
): void {
  const xs = traces.flatMap((t) => (arr(t.x).length ? arr(t.x) : arr(t.y).map((_, i) => i)));
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
  const xa = axisOf(xs, xLayout);
  const ya = axisOf(
    traces.flatMap((t) => arr(t.y)),
    yLayout,
    yExtra,
  );
  const px = (v: unknown) => area.l + ((position(xa, v) - xa.lo) / (xa.hi - xa.lo)) * area.w;
  const py = (v: unknown) => area.t + area.h - ((position(ya, v) - ya.lo) / (ya.hi - ya.lo)) * area.h;
  // grid and ticks
  const yt = ya.kind === 'category' ? ya.categories : niceTicks(ya.lo, ya.hi).map((v) => (ya.kind === 'log' ? 10 ** v : v));
  for (const v of yt) {
    const y = py(v);
    out.push(`<line x1="${area.l}" x2="${area.l + area.w}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e5e5e5"/>`);
    if (yLayout?.showticklabels === false) continue;
    out.push(`<text x="${area.l - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${esc(typeof v === 'number' ? fmt(v) : v)}</text>`);
  }
  const xt = xa.kind === 'category' ? xa.categories : niceTicks(xa.lo, xa.hi, 6).map((v) => (xa.kind === 'log' ? 10 ** v : v));
  const rotate = xa.kind === 'category' && xa.categories.some((c) => c.length > 8);
  for (const v of xLayout?.showticklabels === false ? [] : xt) {
    const x = px(v);
    const label = typeof v === 'number' ? fmt(v) : v.length > 28 ? `${v.slice(0, 26)}…` : v;
    out.push(
      rotate
        ? `<text transform="translate(${x.toFixed(1)},${area.t + area.h + 12}) rotate(25)" text-anchor="start" font-size="10">${esc(label)}</text>`
        : `<text x="${x.toFixed(1)}" y="${area.t + area.h + 16}" text-anchor="middle">${esc(label)}</text>`,
    );
  }
  out.push(`<rect x="${area.l}" y="${area.t}" width="${area.w}" height="${area.h}" fill="none" stroke="#444"/>`);
  if (xa.title) out.push(`<text x="${area.l + area.w / 2}" y="${area.t + area.h + 62}" text-anchor="middle">${esc(xa.title)}</text>`);
  if (ya.title) out.push(`<text transform="translate(${area.l - 54},${area.t + area.h / 2}) rotate(-90)" text-anchor="middle">${esc(ya.title)}</text>`);
  // traces
  const bars = traces.filter((t) => t.type === 'bar');
  const slot = xa.kind === 'category' ? area.w / Math.max(1, xa.categories.length) : area.w / Math.max(1, xs.length);
  const bw = (slot * 0.8) / Math.max(1, bars.length);
  const bottom = area.t + area.h;
  const clampY = (y: number) => Math.min(bottom, Math.max(area.t, y));
  /** Pixel of a value, or null where the axis cannot show it (not a number; ≤ 0 on a log axis, which plotly skips too). */
  const finite = (p: number): number | null => (Number.isFinite(p) ? p : null);
  /**
   * Pixel of a bar base or an error-bar end, clamped to the plot area: on a log axis a value ≤ 0
   * lies below any range, so it is the bottom of the plot area (where plotly clips it).
   */
  const yEdge = (v: number): number | null => (ya.kind === 'log' && v <= 0 ? bottom : Number.isFinite(py(v)) ? clampY(py(v)) : null);
  traces.forEach((t) => {
    const color = colorOf(t, colorIndex(t));
    const x = arr(t.x).length ? arr(t.x) : arr(t.y).map((_, i) => i);
    const y = arr(t.y);
    const e = t.error_y as Record<string, unknown> | undefined;
    const up = e && e.visible !== false ? arr(e.array).map(num) : [];
    const down = e && e.visible !== false ? (e.symmetric === false ? arr(e.arrayminus).map(num) : up) : [];
    const xAt = (i: number) => finite(t.type === 'bar' ? px(x[i]) - (slot * 0.8) / 2 + bw * bars.indexOf(t) + bw / 2 : px(x[i]));
    const mc = (t.marker as Record<string, unknown> | undefined)?.color;
    const colors = arr(mc);
    if (t.type === 'bar') {
      const y0 = yEdge(0);
      y.forEach((v, i) => {
        const a = xAt(i);
        const y1 = finite(py(v));
        if (a === null || y0 === null || y1 === null) return;
        const fill = typeof colors[i] === 'string' ? String(colors[i]) : color;
        const [top, h] = [Math.min(y0, clampY(y1)), Math.abs(clampY(y1) - y0)];
        out.push(`<rect x="${(a - bw / 2).toFixed(1)}" y="${top.toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}"/>`);
      });
    } else {
      const mode = String(t.mode ?? 'lines+markers');
      const pts = y.map((v, i) => [xAt(i), finite(py(v))]).filter((p): p is [number, number] => p[0] !== null && p[1] !== null);
      const line = t.line as Record<string, unknown> | undefined;
      if (mode.includes('lines') && pts.length > 1) {
        const dash = line?.dash === 'dash' ? ' stroke-dasharray="6,4"' : line?.dash === 'dot' ? ' stroke-dasharray="2,3"' : '';
        out.push(
          `<polyline fill="none" stroke="${color}" stroke-width="${num(line?.width) || 2}"${dash} ` +
            `points="${pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`,
        );
      }
      if (mode.includes('markers')) {
        const numeric = colors.length && colors.every((c) => typeof c === 'number');
        const [cmin, cmax] = numeric ? [Math.min(...(colors as number[])), Math.max(...(colors as number[]))] : [0, 1];
        y.forEach((v, i) => {
          const a = xAt(i);
          const b = finite(py(v));
          if (a === null || b === null) return;
          const c = colors.length ? (numeric ? viridis(((colors[i] as number) - cmin) / (cmax - cmin || 1)) : String(colors[i])) : color;
          out.push(`<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="${pts.length > 300 ? 1.8 : 3}" fill="${c}"/>`);
        });
      }
      if (mode.includes('text')) {
        const text = arr(t.text);
        y.forEach((v, i) => {
          const a = xAt(i);
          const b = finite(py(v));
          if (a === null || b === null) return;
          const label = plotlyTextLines(text[i]).join(' ');
          out.push(`<text x="${a.toFixed(1)}" y="${(b - 5).toFixed(1)}" text-anchor="middle" font-size="9">${esc(label)}</text>`);
        });
      }
    }
    y.forEach((v, i) => {
      if (!Number.isFinite(up[i]) && !Number.isFinite(down[i])) return;
      const a = xAt(i);
      const c = num(v);
      if (a === null || finite(py(c)) === null) return;
      const hi = yEdge(c + (Number.isFinite(up[i]) ? up[i] : 0));
      const lo = yEdge(c - (Number.isFinite(down[i]) ? down[i] : 0));
      if (hi === null || lo === null) return;
      out.push(`<line x1="${a.toFixed(1)}" x2="${a.toFixed(1)}" y1="${hi.toFixed(1)}" y2="${lo.toFixed(1)}" stroke="#222"/>`);
      out.push(
        `<line x1="${(a - 4).toFixed(1)}" x2="${(a + 4).toFixed(1)}" y1="${hi.toFixed(1)}" y2="${hi.toFixed(1)}" stroke="#222"/>` +
          `<line x1="${(a - 4).toFixed(1)}" x2="${(a + 4).toFixed(1)}" y1="${lo.toFixed(1)}" y2="${lo.toFixed(1)}" stroke="#222"/>`,
      );
    });
  });
}

function renderHeatmap(t: Trace, layout: Record<string, unknown>, out: string[]): string {
  const z = arr(t.z).map((r) => arr(r).map(num));
  const rows = z.length;
  const cols = rows ? z[0].length : 0;
  const xl = arr(t.x).map(String);
  const yl = arr(t.y).map(String);
  const flat = z.flat().filter(Number.isFinite);
  const lo = Number.isFinite(num(t.zmin)) ? num(t.zmin) : flat.length ? Math.min(...flat) : 0;
  const hi = Number.isFinite(num(t.zmax)) ? num(t.zmax) : flat.length ? Math.max(...flat) : 1;
  const pw = W - M.l - M.r - 40;
  const ph = H - M.t - M.b;
  const cw = pw / Math.max(1, cols);
  const ch = ph / Math.max(1, rows);
  const left = M.l + 40;
  z.forEach((r, i) =>
    r.forEach((v, j) => {
      const y = M.t + ph - (i + 1) * ch;
      out.push(
        `<rect x="${(left + j * cw).toFixed(1)}" y="${y.toFixed(1)}" width="${(cw + 0.5).toFixed(1)}" height="${(ch + 0.5).toFixed(1)}" ` +
          `fill="${Number.isFinite(v) ? viridis((v - lo) / (hi - lo || 1)) : '#ccc'}"/>`,
      );
      if (rows * cols <= 100 && Number.isFinite(v))
        out.push(
          `<text x="${(left + (j + 0.5) * cw).toFixed(1)}" y="${(y + ch / 2 + 4).toFixed(1)}" ` +
            `text-anchor="middle" font-size="9" fill="${(v - lo) / (hi - lo || 1) > 0.6 ? '#000' : '#fff'}">${fmt(v)}</text>`,
        );
    }),
  );
  out.push(`<rect x="${left}" y="${M.t}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  if (cols <= 30)
    xl.forEach((l, j) =>
      out.push(
        `<text transform="translate(${(left + (j + 0.5) * cw).toFixed(1)},${M.t + ph + 12}) rotate(25)" ` + `font-size="9">${esc(l.slice(0, 24))}</text>`,
      ),
    );
  if (rows <= 30)
    yl.forEach((l, i) =>
      out.push(`<text x="${left - 4}" y="${(M.t + ph - (i + 0.5) * ch + 3).toFixed(1)}" text-anchor="end" ` + `font-size="9">${esc(l.slice(0, 24))}</text>`),
    );
  const ax = titleOf((layout.xaxis as Record<string, unknown> | undefined)?.title);
  if (ax) out.push(`<text x="${left + pw / 2}" y="${H - 8}" text-anchor="middle">${esc(ax)}</text>`);
  for (let k = 0; k <= 10; k++)
    out.push(
      `<rect x="${left + pw + 20}" y="${(M.t + ph - ((k + 1) * ph) / 11).toFixed(1)}" width="14" ` +
        `height="${(ph / 11 + 0.5).toFixed(1)}" fill="${viridis(k / 10)}"/>`,
    );
  out.push(
    `<text x="${left + pw + 38}" y="${M.t + 10}" font-size="9">${fmt(hi)}</text>` +
      `<text x="${left + pw + 38}" y="${M.t + ph}" font-size="9">${fmt(lo)}</text>`,
  );
  out.push('</svg>');
  return out.join('\n');
}

/** An SVG document as an <img> element (a data URI), for HTML outputs. */
export function svgImgTag(svg: string, alt: string): string {
  return `<img alt="${esc(alt)}" src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}" style="max-width:100%"/>`;
}

/** The figure's SVG as an <img> element (a data URI), for HTML outputs. */
export function figureImgTag(fig: Figure, alt: string): string {
  return svgImgTag(figureSvg(fig), alt);
}
