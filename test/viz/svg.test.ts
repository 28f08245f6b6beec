/** Static SVG stills of the figures: geometry against hand-computed scales, colours, and the notebook output. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figureImgTag, figureSvg, niceTicks } from '../../lib/viz/svg';
import { notebookFigureHtml, plotLayout } from '../../lib/viz/plotly';

const heights = (svg: string) => [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="#1f77b4"/g)].map((m) => Number(m[1]));

test('bars: heights proportional to the values, from a zero baseline; error bars drawn', () => {
  // y axis spans [0, 20] padded by 5 %: [-1, 21] over 304 px (420 − 46 − 70) → 10 ↦ 138.2 px, 20 ↦ 276.4 px
  const svg = figureSvg({ data: [{ type: 'bar', x: ['a', 'b'], y: [10, 20] }] });
  assert.deepEqual(heights(svg), [138.2, 276.4]);
  const withErr = figureSvg({
    data: [{ type: 'bar', x: ['a'], y: [10], error_y: { type: 'data', array: [2], arrayminus: [1], symmetric: false, visible: true } }],
  });
  // one vertical error line plus two caps
  assert.equal((withErr.match(/stroke="#222"/g) ?? []).length, 3);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
});

test('log axis ticks are powers of ten; heatmap colours run from the low to the high end of the scale', () => {
  const svg = figureSvg({ data: [{ type: 'scatter', mode: 'lines+markers', x: [0.1, 1, 10, 100], y: [1, 2, 3, 4] }], layout: { xaxis: { type: 'log' } } });
  for (const t of ['0.1', '1', '10', '100']) assert.ok(svg.includes(`>${t}</text>`), `tick ${t}`);
  assert.equal((svg.match(/<circle /g) ?? []).length, 4);
  const heat = figureSvg({
    data: [
      {
        type: 'heatmap',
        z: [
          [0, 1],
          [0.5, 0.25],
        ],
        x: ['a', 'b'],
        y: ['c', 'd'],
      },
    ],
  });
  assert.ok(heat.includes('fill="rgb(68,1,84)"'), 'minimum = the first viridis stop');
  assert.ok(heat.includes('fill="rgb(253,231,37)"'), 'maximum = the last viridis stop');
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
});

test('notebook output: a static image first, the interactive figure replacing it when plotly loads', () => {
  const fig = { data: [{ type: 'bar', x: ['a'], y: [1] }], layout: { title: { text: 'T <1>' } } };
  const html = notebookFigureHtml(fig);
  assert.match(html, /^<img id="fsvae-fig-[0-9a-f]{12}-static" alt="T &lt;1&gt;" src="data:image\/svg\+xml;base64,/);
  const b64 = /base64,([^"]+)"/.exec(html)![1];
  assert.equal(Buffer.from(b64, 'base64').toString('utf8'), figureSvg(fig));
  assert.ok(figureImgTag(fig, 'x').startsWith('<img alt="x"'));
});

test('interactive layout: the title sits below the toolbar strip (32 px), the top margin grows with its lines, own settings win', () => {
  const one = plotLayout({ title: { text: 'A long centred title' }, margin: { l: 5 } });
  assert.deepEqual(one.title, { yref: 'container', y: 1, yanchor: 'top', pad: { t: 32 }, text: 'A long centred title' });
  // 32 px toolbar + 22 px per title line + 8 px gap; other sides: the defaults unless the figure sets them
  assert.deepEqual(one.margin, { t: 62, l: 5, r: 20, b: 50 });
  const two = plotLayout({ title: { text: 'Fig. 3a<br><sub>split</sub>', x: 0.02, xanchor: 'left' }, margin: { t: 100 } });
  assert.equal((two.margin as { t: number }).t, 100);
  assert.equal((plotLayout({ title: { text: 'a<br>b' } }).margin as { t: number }).t, 84);
  assert.equal((two.title as { x: number; xanchor: string }).xanchor, 'left');
  assert.deepEqual(plotLayout({ title: 'plain' }).title, { yref: 'container', y: 1, yanchor: 'top', pad: { t: 32 }, text: 'plain' });
  assert.equal(plotLayout({}).title, undefined);
  const html = notebookFigureHtml({ data: [], layout: { title: { text: 't' } } });
  assert.match(html, /"title":\{"yref":"container","y":1,"yanchor":"top","pad":\{"t":32\},"text":"t"\}/);
});
