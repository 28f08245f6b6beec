/**
 * Every figure the notebooks show has a correct static image: the SVG still of each figure builder
 * (lib/viz/svg.ts figureSvg for plotly figures, lib/viz/skeleton.ts animatedFigureSvg for the
 * skeleton viewer), built on small hand-made results and generated skeletons, is well-formed, has
 * finite geometry inside its canvas, and draws data. Plus the log-axis regressions, the still's
 * projection, and (with Chromium) the notebook output's image / interactive swap.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { figureSvg } from '../../lib/viz/svg';
import { Figure } from '../../lib/viz/plotly';
import { AnimatedFigure, animatedFigure, animatedFigureSvg, enhancedSkeletonFigure, skeletonFigure, skeletonGridFigure } from '../../lib/viz/skeleton';
import { findChromium, headlessChromiumArgs, runProgram } from '../../lib/viz/png';
import { checkNotebookHtmlExport, notebookFigureIds } from '../../lib/viz/html-export';
import { makeSequence, SkeletonSequence } from '../../lib/data/skeleton';
import { generateActionDataset, GENERATOR_PRESETS } from '../../lib/data/generator';
import { frequencyConfig, gainProfile } from '../../lib/frequency/enhancer';
import {
  exampleTrajectoryFigure,
  fig5Figure,
  FREQUENCY_ANALYSIS_PRESETS,
  FrequencyAnalysisResult,
  gainProfileFigure,
  jointEnergyFigure,
  spectrumFigure,
} from '../../lib/experiments/frequency-analysis';
import {
  noiseAccuracyFigure,
  PAIR_LOSSES,
  TermEstimate,
  termExpectationFigure,
  Theorem1MonteCarloResult,
  Theorem1NoiseResult,
} from '../../lib/experiments/theorem1';
import { ALL_SPLITS, evidenceFigure, perSplitFigure } from '../../lib/experiments/evidence';
import { table1PerSplitFigure, EvidenceTable } from '../../lib/experiments/evidence-tables';
import { AblationResults, fig4Figure, table5Figure } from '../../lib/experiments/ablations';
import { EmbeddingAnalysisResult, perClassDifferenceBars, tsneFigure } from '../../lib/experiments/embedding-analysis';
import { similarityHeatmapFigure, TextSpace } from '../../lib/experiments/text-encoders';
import { confusionFigure, TransferConfusion } from '../../lib/experiments/transfer-diagnosis';
import { BASELINE, OURS } from '../../lib/experiments/variants';
import { LeverRun, leverFigure, leverRows } from '../../lib/experiments/levers';

// ---------------------------------------------------------------------------------------------
// SVG checks

interface Tag {
  name: string;
  attrs: Record<string, string>;
}

/** The SVG's element tags in document order; asserts one root <svg>, nesting, escaped text and attributes free of NaN / Infinity / undefined. */
function parseSvg(svg: string, what: string): Tag[] {
  const tags: Tag[] = [];
  const stack: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g;
  let last = 0;
  for (const m of svg.matchAll(re)) {
    const text = svg.slice(last, m.index);
    assert.ok(!/[<>]/.test(text), `${what}: unparsed markup ${JSON.stringify(text.slice(0, 80))}`);
    assert.ok(!/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(text), `${what}: unescaped & in ${JSON.stringify(text.slice(0, 80))}`);
    last = m.index! + m[0].length;
    const [, close, name, attrText, selfClose] = m;
    if (tags.length === 0) assert.equal(name, 'svg', `${what}: root element`);
    else assert.ok(stack.length > 0, `${what}: content after the root element closed (<${close}${name}>)`);
    if (close) {
      assert.equal(stack.pop(), name, `${what}: </${name}> closes another element`);
      continue;
    }
    const attrs = Object.fromEntries([...attrText.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
    for (const [k, v] of Object.entries(attrs)) assert.ok(!/NaN|Infinity|undefined/.test(v), `${what}: <${name} ${k}="${v}">`);
    tags.push({ name, attrs });
    if (!selfClose) stack.push(name);
  }
  assert.deepEqual(stack, [], `${what}: unclosed elements`);
  assert.equal(svg.slice(last).trim(), '', `${what}: text after </svg>`);
  assert.ok(tags.length > 0, `${what}: no <svg> element`);
  return tags;
}

const coord = (t: Tag, k: string, what: string, dflt?: number): number => {
  const v = t.attrs[k] === undefined ? dflt : Number(t.attrs[k]);
  assert.ok(v !== undefined && Number.isFinite(v), `${what}: <${t.name}> ${k}="${t.attrs[k]}" is not a finite number`);
  return v;
};

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const inside = (b: Box, x: number, y: number, tol = 1) => x >= b.x - tol && x <= b.x + b.w + tol && y >= b.y - tol && y <= b.y + b.h + tol;

/**
 * Checks a still and returns its data marks: every rect / line / circle / polyline has finite
 * geometry (non-negative sizes) inside the canvas; markers and polylines lie inside a plot area
 * (the framed rect of figureSvg, a panel of the skeleton still); a data mark is a circle, a path,
 * a polyline of ≥ 2 points or a rect of positive size inside a plot area.
 */
function checkStill(svg: string, what: string): { marks: number; areas: Box[]; tags: Tag[] } {
  const tags = parseSvg(svg, what);
  const root = tags[0];
  const canvas: Box = { x: 0, y: 0, w: coord(root, 'width', what), h: coord(root, 'height', what) };
  const boxOf = (t: Tag): Box => ({ x: coord(t, 'x', what, 0), y: coord(t, 'y', what, 0), w: coord(t, 'width', what), h: coord(t, 'height', what) });
  const isArea = (t: Tag) => t.name === 'rect' && ((t.attrs.fill === 'none' && t.attrs.stroke === '#444') || t.attrs.fill === '#fafafa');
  const areas = tags.filter(isArea).map(boxOf);
  const inArea = (x: number, y: number) => areas.some((a) => inside(a, x, y));
  let marks = 0;
  for (const t of tags) {
    const at = `${what}: <${t.name} ${JSON.stringify(t.attrs).slice(0, 160)}>`;
    if (t.name === 'rect') {
      const b = boxOf(t);
      assert.ok(b.w >= 0 && b.h >= 0, `${at}: negative size`);
      assert.ok(inside(canvas, b.x, b.y) && inside(canvas, b.x + b.w, b.y + b.h), `${at}: outside the canvas`);
      if (!isArea(t) && b.w > 0 && b.h > 0 && areas.some((a) => inside(a, b.x, b.y) && inside(a, b.x + b.w, b.y + b.h))) marks++;
    } else if (t.name === 'line') {
      const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map((k) => coord(t, k, what));
      assert.ok(inside(canvas, x1, y1) && inside(canvas, x2, y2), `${at}: outside the canvas`);
    } else if (t.name === 'circle') {
      const [cx, cy, r] = ['cx', 'cy', 'r'].map((k) => coord(t, k, what));
      assert.ok(r >= 0, `${at}: negative radius`);
      assert.ok(inArea(cx, cy), `${at}: outside every plot area`);
      marks++;
    } else if (t.name === 'polyline') {
      const pts = (t.attrs.points ?? '')
        .trim()
        .split(/\s+/)
        .map((p) => p.split(',').map(Number));
      assert.ok(
        pts.every((p) => p.length === 2 && p.every(Number.isFinite)),
        `${at}: non-numeric points`,
      );
      assert.ok(
        pts.every(([x, y]) => inArea(x, y)),
        `${at}: a point outside every plot area`,
      );
      if (pts.length >= 2) marks++;
    } else if (t.name === 'path') {
      marks++;
    } else if (t.name === 'text') {
      if (t.attrs.x !== undefined) coord(t, 'x', what);
      if (t.attrs.y !== undefined) coord(t, 'y', what);
    }
  }
  assert.ok(marks > 0, `${what}: no data mark (empty plot)`);
  return { marks, areas, tags };
}

// ---------------------------------------------------------------------------------------------
// Small inputs for every figure builder the notebooks use

const presets = ['reference', 'paper', 'learnable-only'] as const;
const freq: FrequencyAnalysisResult = {
  config: FREQUENCY_ANALYSIS_PRESETS.quick,
  skeletonSource: 'generated (test)',
  skeletonCount: 3,
  energyRows: [],
  orthogonalityRows: [],
  profileRows: [],
  profiles: [256, 1536].flatMap((n) => presets.map((preset) => ({ preset, n, gains: Array.from(gainProfile(n, frequencyConfig(preset))) }))),
  fig5: presets.map((preset) => ({ preset, n: 20, gains: Array.from(gainProfile(20, frequencyConfig(preset, { phi: 15, bands: 19 }))) })),
  jointRows: Array.from({ length: 25 }, (_, j) => ({ joint: j, 'share of energy before': 1 / 25, "E'/E after enhancement": 1 + 0.02 * Math.sin(j) })),
  // mean C_i² falls over five decades; an empty bin is 0, as runFrequencyAnalysis stores it
  spectrum: {
    relativeFrequency: Array.from({ length: 20 }, (_, b) => (b + 0.5) / 20),
    meanEnergy: Array.from({ length: 20 }, (_, b) => (b === 13 ? 0 : 10 ** (-b / 4))),
  },
  example: {
    id: 'gen_c00',
    joint: 11,
    before: Array.from({ length: 40 }, (_, t) => Math.sin(t / 5)),
    after: Array.from({ length: 40 }, (_, t) => 1.1 * Math.sin(t / 5)),
  },
  wallSeconds: 1,
};

const SWEEPS = ['sigma', 'distance', 'lambda'] as const;
const TERMS = ['A', 'C', 'B'] as const;
const estimates: TermEstimate[] = SWEEPS.flatMap((sweep) =>
  PAIR_LOSSES.flatMap((loss, li) =>
    TERMS.flatMap((term) =>
      [0.1, 1, 10].map((v, i) => ({
        sweep,
        term,
        loss,
        sigma: sweep === 'sigma' ? v : 1,
        distance: sweep === 'distance' ? v : 1,
        lambda: sweep === 'lambda' ? v : 1,
        draws: 100,
        pairs: 12,
        mean: 6,
        se: 0.1,
        normalised: 0.5 + 0.02 * li * i,
        normalisedSe: 0.01,
      })),
    ),
  ),
);
const mc = { config: { draws: 100 }, estimates, rows: [], summaryRows: [], wallSeconds: 1 } as unknown as Theorem1MonteCarloResult;
const noiseLosses = ['calibrated-paper', 'calibrated-reference', 'T1'];
const noise = {
  config: { losses: noiseLosses, seeds: [1, 2] },
  runs: [],
  trainRows: 10,
  chance: 0.2,
  wallSeconds: 1,
  rows: noiseLosses.flatMap((loss, li) =>
    [0, 0.2, 0.4].map((r) => ({
      loss,
      'noise rate r': r,
      'ZSL acc. mean (%)': 60 - 40 * r - li,
      'ZSL acc. std (%)': 2,
    })),
  ),
} as unknown as Theorem1NoiseResult;

const evidenceRows = ['NW-UCLA', 'UTD-MHAD'].flatMap((dataset, d) =>
  [OURS.name, BASELINE.name, 'published: PURLS'].flatMap((row, i) =>
    [ALL_SPLITS, '8/2', '6/4'].map((split, s) => {
      const zsl = 40 + 10 * d - 5 * i + s;
      return { dataset, split, row, ZSL: zsl, H: zsl / 2, chance: 25, '95% CI': row.startsWith('published') ? '' : `[${zsl - 3}, ${zsl + 4}]` };
    }),
  ),
);
const t1 = { rows: evidenceRows } as unknown as EvidenceTable;

const sweepPoint = (table: string, x: number, zsl: number) => ({
  table,
  variant: { x },
  run: { result: { summary: { clean: { zsl: { mean: zsl, std: 0.02, n: 3 } } } } },
  config: { alignment: { lambda: 0.1, alpha: 1 } },
});
const ablations = {
  config: { grids: { phiSweepBands: 30, bandSweepPhi: 30 } },
  datasets: ['NW-UCLA', 'UTD-MHAD'].map((textDataset, d) => ({
    prepared: { textDataset, split: { name: `${textDataset} 8/2` } },
    points: [
      ...[10, 20, 35, 50].map((x, i) => sweepPoint('fig4-phi', x, 0.4 + 0.01 * i + 0.05 * d)),
      ...[10, 20, 30].map((x, i) => sweepPoint('fig4-bands', x, 0.42 - 0.01 * i)),
      ...[0.01, 0.1, 1, 10].map((x, i) => sweepPoint('table5-alpha', x, 0.3 + 0.02 * i)),
      ...[0.01, 0.1, 1].map((x, i) => sweepPoint('table5-lambda', x, 0.35 + 0.01 * i)),
    ],
  })),
} as unknown as AblationResults;

const tsneMap = (name: string, seed: number) => {
  const n = 60;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 6);
  const xy = Float64Array.from({ length: 2 * n }, (_, k) => 10 * ((k >> 1) % 6) * (k % 2 ? 1 : -1) + Math.sin(seed * k));
  return { name, xy, labels };
};
const embedding = {
  config: { seed: 1, latentSet: 'test', tsne: { perplexity: 10, seed: 1 } },
  prepared: { split: { name: 'generated 35/5' } },
  runs: [{ variant: { name: OURS.name } }, { variant: { name: BASELINE.name } }],
  perClassRows: Array.from({ length: 8 }, (_, c) => ({
    class: c,
    name: `class <${c}> & co`,
    kind: c < 3 ? 'unseen' : 'seen',
    'difference (points)': 5 * Math.sin(c + 1),
  })),
  maps: [tsneMap('Baseline μ_s', 1), tsneMap('Ours μ_s', 2)],
  separationRows: [{ embedding: 'Ours μ_s', classes: 'all test classes', silhouette: 0.25 }],
  unseen: [1, 4],
  classNames: ['a', 'b', 'c', 'd', 'e', 'f'],
} as unknown as EmbeddingAnalysisResult;

const space = (label: string, seed: number): TextSpace => {
  const rows = 6;
  const cols = 4;
  const data = Float32Array.from({ length: rows * cols }, (_, k) => Math.sin(seed * (k + 1)) + (k % cols === seed % cols ? 1 : 0));
  return { id: label as TextSpace['id'], label, classes: 60 as TextSpace['classes'], part: 'lb', rows, cols, data, source: 'test' };
};

const confusion: TransferConfusion = {
  dataset: 'nw-ucla',
  split: '8/2',
  method: 'Ours',
  textMode: 'lb_ad_md',
  classes: [2, 7],
  names: ['pick up', 'throw'],
  counts: [
    [8, 2],
    [3, 7],
  ],
  accuracy: 0.75,
  perClass: [],
} as unknown as TransferConfusion;

const leverRun = (split: string, mode: string, seed: number, zsl: number): LeverRun => ({
  dataset: 'nw-ucla',
  split,
  mode,
  seed,
  zsl,
  valFinal: 0.5,
  chance: 0.2,
  valChance: 0.5,
  seconds: 1,
  engine: 'fused',
  code: 'x',
});
const leverZsl = (m: string, k: number) => 0.2 + 0.05 * k + (m === 'none' ? 0 : 0.1);
const leverRuns = ['a', 'b'].flatMap((s) => ['none', 'project'].flatMap((m) => [1, 2, 3].map((k) => leverRun(s, m, k, leverZsl(m, k)))));

const notNull = (f: Figure | null, what: string): Figure => {
  assert.ok(f, `${what} returned null on the test input`);
  return f;
};

/** Every figure builder the notebooks call (notebooks 01-07), on the inputs above. */
const FIGURES: [string, () => Figure][] = [
  ['fig5Figure', () => fig5Figure(freq)],
  ['gainProfileFigure 256', () => gainProfileFigure(freq, 256)],
  ['gainProfileFigure 1536', () => gainProfileFigure(freq, 1536)],
  ['spectrumFigure (log y bars)', () => spectrumFigure(freq)],
  ['exampleTrajectoryFigure', () => exampleTrajectoryFigure(freq)],
  ['jointEnergyFigure', () => jointEnergyFigure(freq)],
  ...(['A', 'C', 'B'] as const).flatMap((term) =>
    (['sigma', 'distance', 'lambda'] as const).map((sweep): [string, () => Figure] => [
      `termExpectationFigure ${term} vs ${sweep}`,
      () => termExpectationFigure(mc, term, sweep),
    ]),
  ),
  ['noiseAccuracyFigure', () => noiseAccuracyFigure(noise)],
  ['evidenceFigure ZSL', () => evidenceFigure(evidenceRows, 'Table 1: ZSL (%) with 95 % intervals')],
  ['evidenceFigure H', () => evidenceFigure(evidenceRows, 'Table 2: GZSL H (%)', 'H')],
  ['perSplitFigure', () => perSplitFigure(evidenceRows, 'per split', [OURS.name, 'published: PURLS'])],
  ['table1PerSplitFigure', () => table1PerSplitFigure(t1)],
  ['fig4Figure phi', () => notNull(fig4Figure(ablations, 'phi'), 'fig4Figure')],
  ['fig4Figure bands', () => notNull(fig4Figure(ablations, 'bands'), 'fig4Figure')],
  ['table5Figure alpha (log x)', () => notNull(table5Figure(ablations, 'alpha'), 'table5Figure')],
  ['table5Figure lambda (log x)', () => notNull(table5Figure(ablations, 'lambda'), 'table5Figure')],
  ['perClassDifferenceBars', () => perClassDifferenceBars(embedding)],
  ['tsneFigure', () => tsneFigure(embedding)],
  [
    'similarityHeatmapFigure',
    () =>
      similarityHeatmapFigure(
        [1, 2, 3].map((k) => space(`space ${k}`, k)),
        60 as TextSpace['classes'],
        'lb',
      ),
  ],
  ['confusionFigure', () => confusionFigure(confusion)],
  ['leverFigure', () => leverFigure(leverRows(leverRuns, ['none', 'project'], 'none').rows, 'lever')],
  // a mode on some splits only (lever (d) runs each dataset's own choice)
  [
    'leverFigure (a mode on some splits)',
    () => {
      const runs = leverRuns.filter((r) => r.mode === 'none' || r.split === 'a').map((r) => (r.split === 'b' ? { ...r, dataset: 'utd-mhad' } : r));
      return leverFigure(leverRows(runs, ['none', 'project'], 'none').rows, 'lever');
    },
  ],
];

const generated = generateActionDataset({ ...GENERATOR_PRESETS.quick, subjects: 2, trainSubjects: 1, repetitionsPerSubject: 1 }, 3);
const ANIMATED: [string, () => AnimatedFigure][] = [
  ['skeletonFigure', () => skeletonFigure(generated.sequences[0], { maxFrames: 12 })],
  ['enhancedSkeletonFigure', () => enhancedSkeletonFigure(generated.sequences[5], 'reference')],
  [
    'skeletonGridFigure',
    () => {
      const seqs = generated.sequences.slice(0, 9);
      return skeletonGridFigure(seqs, { columns: 4, maxFrames: 6, titles: seqs.map((s) => `★ ${s.label}<br>${s.id}`) });
    },
  ],
  ['skeletonGridFigure (side view, shared scale)', () => skeletonGridFigure(generated.sequences.slice(0, 3), { projection: 'side', shareScale: true })],
];

describe('every figure builder: a well-formed, finite, non-empty static SVG', () => {
  for (const [name, make] of FIGURES) {
    test(name, () => {
      checkStill(figureSvg(make()), name);
    });
  }
  for (const [name, make] of ANIMATED) {
    test(`${name} (animated: animatedFigureSvg)`, () => {
      checkStill(animatedFigureSvg(make()), name);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Log axes (regression: bars were drawn from py(0), non-finite on a log axis)

// figureSvg's plot area: 760 × 420 canvas, margins l 70, r 170, t 46, b 70
const PLOT_TOP = 46;
const PLOT_BOTTOM = 420 - 70;
const PLOT_RIGHT = 760 - 170;
/** Bars of one colour inside the plot area (not the legend swatch right of it). */
const rects = (svg: string, fill: string) =>
  [...svg.matchAll(new RegExp(`<rect x="([\\d.]+)" y="([\\d.]+)" width="([\\d.]+)" height="([\\d.]+)" fill="${fill}"/>`, 'g'))]
    .map((m) => ({ x: Number(m[1]), y: Number(m[2]), w: Number(m[3]), h: Number(m[4]) }))
    .filter((b) => b.x + b.w <= PLOT_RIGHT);

describe('log axes', () => {
  test('bars 1, 10, 100 on a log y axis: drawn from the bottom of the plot area, heights linear in log10(value)', () => {
    const svg = figureSvg({ data: [{ type: 'bar', x: ['a', 'b', 'c'], y: [1, 10, 100] }], layout: { yaxis: { type: 'log' } } });
    checkStill(svg, 'log bars');
    // log10 values 0..2 padded by 5 % of the span: [−0.1, 2.1] = 2.2 decades over the 304 px plot height
    // (420 − 46 − 70); h(v) = (log10 v + 0.1)/2.2 · 304 → 13.8, 152.0, 290.2 px, each bar's bottom at y = 350
    const bars = rects(svg, '#1f77b4');
    assert.deepEqual(
      bars.map((b) => b.h),
      [13.8, 152, 290.2],
    );
    for (const b of bars) assert.ok(Math.abs(b.y + b.h - PLOT_BOTTOM) <= 0.11, `bar bottom ${b.y + b.h}`);
    // one decade is the same height everywhere: h(100) − h(10) = h(10) − h(1)
    assert.ok(Math.abs(bars[2].h - bars[1].h - (bars[1].h - bars[0].h)) <= 0.11);
  });

  test("spectrumFigure ('Where the energy of joint trajectories lies', log y): one bar per positive bin, none for the empty bin", () => {
    const svg = figureSvg(spectrumFigure(freq));
    const bars = rects(svg, '#1f77b4');
    assert.equal(bars.length, 19);
    for (const b of bars) {
      assert.ok(b.h > 0 && b.y >= PLOT_TOP - 0.05, JSON.stringify(b));
      assert.ok(Math.abs(b.y + b.h - PLOT_BOTTOM) <= 0.11, `bar bottom ${b.y + b.h}`);
    }
    // energies fall by a constant factor per bin → constant height steps
    const steps = bars.slice(1, 12).map((b, i) => bars[i].h - b.h);
    for (const s of steps) assert.ok(Math.abs(s - steps[0]) <= 0.25, `height steps ${steps}`);
  });

  test('values ≤ 0 on a log axis are skipped (markers, lines, text), error bars clipped at the plot bottom', () => {
    const svg = figureSvg({
      data: [
        {
          type: 'scatter',
          mode: 'lines+markers+text',
          x: [1, 2, 3, 4],
          y: [0, -1, 1, 10],
          text: ['z', 'n', 'one', 'ten'],
          error_y: { type: 'data', array: [1, 1, 2, 1], visible: true },
        },
      ],
      layout: { yaxis: { type: 'log' } },
    });
    checkStill(svg, 'log scatter');
    assert.equal((svg.match(/<circle /g) ?? []).length, 2);
    assert.equal((svg.match(/<polyline [^>]*points="[\d.]+,[\d.]+ [\d.]+,[\d.]+"/g) ?? []).length, 1);
    assert.ok(svg.includes('>one</text>') && svg.includes('>ten</text>') && !svg.includes('>z</text>') && !svg.includes('>n</text>'));
    // the point y = 1 with error 2 reaches −1: its error bar ends at the bottom of the plot area
    const ends = [...svg.matchAll(/<line x1="([\d.]+)" x2="\1" y1="([\d.]+)" y2="([\d.]+)" stroke="#222"\/>/g)].map((m) => Number(m[3]));
    assert.equal(ends.length, 2);
    assert.equal(ends[0], PLOT_BOTTOM);
  });
});

test("subplots: tsneFigure's two maps (xaxis / xaxis2 domains) are two plot areas side by side, each with its points", () => {
  const fig = tsneFigure(embedding);
  const { areas, tags } = checkStill(figureSvg(fig), 'tsne');
  assert.equal(areas.length, 2);
  const [left, right] = [...areas].sort((p, q) => p.x - q.x);
  assert.ok(left.x + left.w < right.x, 'the areas do not overlap');
  assert.equal(left.y, right.y);
  const dots = tags.filter((t) => t.name === 'circle').map((t) => [Number(t.attrs.cx), Number(t.attrs.cy)]);
  assert.equal(dots.length, 120);
  assert.equal(dots.filter(([x, y]) => inside(left, x, y)).length, 60);
  assert.equal(dots.filter(([x, y]) => inside(right, x, y)).length, 60);
});

// ---------------------------------------------------------------------------------------------
// The skeleton still: layout and projection

const circles = (svg: string) => [...svg.matchAll(/<circle cx="([-\d.]+)" cy="([-\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
const panels = (svg: string) =>
  [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="#fafafa"/g)].map((m) => m.slice(1).map(Number));

/** One body, joints spread along x (0.1 m apart) and y; z = 3 m. */
function line(frames: number): SkeletonSequence {
  const joints = 25;
  const data = new Float32Array(frames * joints * 3);
  for (let t = 0; t < frames; t++) for (let j = 0; j < joints; j++) data.set([0.1 * j - 1, 0.02 * j + 0.01 * t, 3], (t * joints + j) * 3);
  return makeSequence({ id: 'line', label: 0, layout: 'kinect-v2-25', bodies: 1, frames, joints, data });
}

describe('skeleton still', () => {
  test('3D: one row per scene, 5 evenly spaced steps, captions with their frame numbers, the sensor view mirrored (larger x → further left)', () => {
    const fig = enhancedSkeletonFigure(line(40), 'reference');
    const svg = animatedFigureSvg(fig);
    const { areas } = checkStill(svg, 'enhanced still');
    assert.equal(areas.length, 10);
    // steps [0, 10, 20, 29, 39] of 40 (round(k·39/4)); each row is titled with its scene's annotation
    for (const f of [0, 10, 20, 29, 39]) assert.equal(svg.split(`>frame ${f}</text>`).length - 1, 2, `frame ${f}`);
    assert.ok(svg.includes('>line: original</text>'));
    // the first panel: its circles are the non-null vertices of the first frame, in order (child, parent per bone)
    const xs = (fig.frames[0].data[0].x as (number | null)[]).filter((v): v is number => v !== null);
    const c = circles(svg).slice(0, xs.length);
    assert.equal(xs.length, (2 * (fig.data[0].text as string[]).length) / 3);
    for (let i = 0; i < c.length; i++) {
      for (let k = 0; k < c.length; k++) if (xs[i] > xs[k] + 0.05) assert.ok(c[i][0] < c[k][0], `x ${xs[i]} > ${xs[k]} drawn at ${c[i][0]} ≥ ${c[k][0]}`);
    }
  });

  test("grid: the first step of each panel on the panel's own axis ranges (front view mirrored), in the figure's columns", () => {
    const seqs = [line(10), line(20), generated.sequences[3]];
    const fig = skeletonGridFigure(seqs, { columns: 2, maxFrames: 4 });
    const svg = animatedFigureSvg(fig);
    checkStill(svg, 'grid still');
    const p = panels(svg);
    assert.equal(p.length, 3);
    assert.equal(p[1][1], p[0][1], 'two panels in the first row');
    assert.ok(p[2][1] > p[0][1] && p[2][0] === p[0][0], 'the third starts the second row');
    // panel 0: a vertex (x, y) in cm from the panel centre maps to centre + (x/hx, y/hy)·side/2 with the
    // x range reversed [h, −h]: pixel x = cx − x/h·side/2, pixel y = cy − y/h·side/2
    const [px, py, side] = p[0];
    const h = (fig.layout!.xaxis as { range: number[] }).range[0];
    assert.ok(h > 0);
    const f0 = fig.frames[0].data[0] as { x: (number | null)[]; y: (number | null)[] };
    const want = f0.x.flatMap((x, i) => (x === null ? [] : [[px + side / 2 - (x / h) * (side / 2), py + side / 2 - (f0.y[i]! / h) * (side / 2)]]));
    const got = circles(svg).slice(0, want.length);
    got.forEach((g, i) => assert.ok(Math.abs(g[0] - want[i][0]) <= 0.06 && Math.abs(g[1] - want[i][1]) <= 0.06, `vertex ${i}: ${g} vs ${want[i]}`));
  });
});

// ---------------------------------------------------------------------------------------------
// Notebook output of animated figures: the still as <img id="fsvae-fig-…-static">, hidden once drawn

function withResults<T>(fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-still-'));
  const prev = process.env.FSVAE_RESULTS;
  process.env.FSVAE_RESULTS = dir;
  try {
    return fn(dir);
  } finally {
    if (prev === undefined) delete process.env.FSVAE_RESULTS;
    else process.env.FSVAE_RESULTS = prev;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const chromium = findChromium();
const PY = process.env.FSVAE_JUPYTER_PYTHON ?? '/usr/bin/python3';
const noChromium = chromium.path ? false : `no Chromium (tried ${chromium.tried.join(', ')})`;
const noExport = noChromium || (spawnSync(PY, ['-c', 'import nbconvert'], { encoding: 'utf8' }).status !== 0 ? `no nbconvert for ${PY}` : false);

async function domOf(html: string, dir: string): Promise<string> {
  const page = path.join(dir, 'page.html');
  fs.writeFileSync(page, `<!doctype html><html><head><meta charset="utf-8"></head><body>${html}</body></html>`);
  const r = await runProgram(chromium.path!, [...headlessChromiumArgs(path.join(dir, 'profile'), 3000), '--dump-dom', `file://${page}`], 60_000);
  assert.match(r.stdout, /<\/body>/, r.stderr.slice(-400));
  return r.stdout;
}

describe('animatedFigure notebook output', () => {
  test('a static <img> with an fsvae-fig id that html-export counts, then the interactive div; the still saved as <name>.svg', () => {
    withResults((dir) => {
      const fig = enhancedSkeletonFigure(line(12), 'reference');
      const out = animatedFigure(fig, 'still_probe');
      assert.equal(out.svg, path.join(dir, 'figures', 'still_probe.svg'));
      assert.equal(fs.readFileSync(out.svg, 'utf8'), animatedFigureSvg(fig));
      const m = /^<img id="(fsvae-fig-[0-9a-f]{12})-static" alt="[^"]*" src="data:image\/svg\+xml;base64,([^"]+)"/.exec(out.html);
      assert.ok(m, out.html.slice(0, 200));
      assert.equal(Buffer.from(m[2], 'base64').toString('utf8'), animatedFigureSvg(fig));
      assert.ok(out.html.includes(`<div id="${m[1]}" style="width:100%;height:0px;"></div>`));
      assert.ok(out.html.includes(`st.style.display = 'none'`) && out.html.includes(`Plotly.newPlot("${m[1]}"`));
      assert.ok(out.html.includes('results/figures/still_probe.svg (static)'));
      const nb = path.join(dir, 'probe.ipynb');
      fs.writeFileSync(nb, JSON.stringify({ cells: [{ cell_type: 'code', outputs: [{ output_type: 'display_data', data: { 'text/html': out.html } }] }] }));
      assert.deepEqual(notebookFigureIds(nb), [`${m[1]}-static`]);
    });
  });

  test('in a browser: the still shows without plotly.js and is hidden once the animation is drawn', { skip: noChromium }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-still-dom-'));
    try {
      const html = withResults(() => animatedFigure(skeletonGridFigure([line(8), line(9)], { maxFrames: 3 }), 'dom_probe').html);
      const id = /<img id="(fsvae-fig-[0-9a-f]+)-static"/.exec(html)![1];
      // plotly.js unreachable (file:// page): the image stays visible, its tooltip says why
      const offline = await domOf(html, dir);
      const img = new RegExp(`<img id="${id}-static"[^>]*>`).exec(offline)![0];
      assert.ok(!/display: ?none/.test(img), img.slice(0, 200));
      assert.match(img, /title="plotly\.js not reachable/);
      // a page that already has Plotly: drawn at once, the image hidden
      const stub = '<script>window.Plotly = { newPlot: function (id) { document.getElementById(id).setAttribute("data-drawn", "yes"); } };</script>';
      const drawn = await domOf(stub + html, dir);
      assert.match(new RegExp(`<img id="${id}-static"[^>]*>`).exec(drawn)![0], /style="[^"]*display: none/);
      assert.match(drawn, new RegExp(`<div id="${id}" style="[^"]*height: \\d+px;?"[^>]*data-drawn="yes"`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("nbconvert HTML export: the animated figure's still is counted, decodes and shows", { skip: noExport }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-still-nb-'));
    try {
      const html = withResults(() => animatedFigure(enhancedSkeletonFigure(line(12), 'reference'), 'nb_probe').html);
      const output = { output_type: 'display_data', metadata: {}, data: { 'text/html': html } };
      const cell = { cell_type: 'code', execution_count: 1, metadata: {}, source: 'x', outputs: [output] };
      const nb = { cells: [cell], metadata: {}, nbformat: 4, nbformat_minor: 5 };
      const file = path.join(dir, 'probe.ipynb');
      fs.writeFileSync(file, JSON.stringify(nb));
      const r = await checkNotebookHtmlExport(file);
      assert.equal(r.skipped, undefined);
      assert.equal(r.figures, 1);
      assert.equal(r.seen.length, 1);
      assert.deepEqual(r.blank, []);
      assert.ok(r.seen[0].decoded && r.seen[0].shown && r.seen[0].width > 300, JSON.stringify(r.seen[0]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
