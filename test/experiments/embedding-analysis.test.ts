import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EmbeddingAnalysisResult,
  embeddingAnalysisPreset,
  knnAccuracy,
  pairwiseDistances,
  perClassDifferenceBars,
  silhouetteScore,
  skeletonGrids,
  stratifiedSubsample,
  tsneEmbedding,
  tsneFigure,
} from '../../lib/experiments/embedding-analysis';
import { BASELINE, OURS } from '../../lib/experiments/variants';
import { locateData } from '../../lib/data/paths';
import { extractorConfig } from '../../lib/stage1/extractors';
import { mainResultsPreset } from '../../lib/experiments/main-results';
import { Random } from '../../lib/util/random';
import { FsvaeInputError } from '../../lib/util/assert';

/** Points on a line (1-D embeddings). */
const line = (xs: number[]) => pairwiseDistances(Float64Array.from(xs), xs.length, 1);

describe('presets', () => {
  test(
    "quick: the generated source, the default stage-1 extractor (dct-lda) and stage-2 preset of notebook 03's generated " +
      'entry, so the feature cache is shared',
    () => {
      const q = embeddingAnalysisPreset('quick');
      assert.deepEqual(q.stage1, extractorConfig('dct-lda'));
      assert.equal(q.stage1Seed, 1);
      assert.deepEqual(
        q.entries.map((e) => e.source),
        [{ kind: 'generated', preset: 'quick', seed: 0, split: 'generated-35/5' }],
      );
      assert.deepEqual(q.entries[0].stage2, mainResultsPreset('quick').entries[0].stage2);
      assert.deepEqual(
        q.variants.map((v) => v.name),
        [OURS.name, BASELINE.name],
      );
      const f = embeddingAnalysisPreset('full');
      assert.deepEqual(
        f.entries.map((e) => e.source.kind),
        ['synse', 'generated'],
      );
    },
  );
});

describe('separation metrics', () => {
  test('pairwiseDistances: the 3-4-5 triangle', () => {
    const d = pairwiseDistances([0, 0, 3, 0, 0, 4], 3, 2);
    assert.deepEqual(Array.from(d), [0, 3, 4, 3, 0, 5, 4, 5, 0]);
    assert.throws(() => pairwiseDistances([0, NaN], 1, 2), FsvaeInputError);
    assert.throws(() => pairwiseDistances([0, 1, 2], 2, 2), /3 values, expected n·dim = 2·2 = 4/);
  });

  test('silhouette by hand: A = {0, 1}, B = {4, 6} gives (0.8 + 0.75 + 3/7 + 7/11)/4', () => {
    // 0: a = 1, b = (4+6)/2 = 5 → 0.8;  1: a = 1, b = 4 → 0.75;  4: a = 2, b = 3.5 → 3/7;  6: a = 2, b = 5.5 → 7/11
    const want = (0.8 + 0.75 + 3 / 7 + 7 / 11) / 4;
    assert.ok(Math.abs(silhouetteScore(line([0, 1, 4, 6]), [0, 0, 1, 1]) - want) < 1e-14);
    // a point alone in its class counts 0: A = {0, 1}, B = {10}: 0 → (10 − 1)/10, 1 → (9 − 1)/9, 10 → 0
    assert.ok(Math.abs(silhouetteScore(line([0, 1, 10]), [0, 0, 1]) - (0.9 + 8 / 9) / 3) < 1e-14);
    assert.throws(() => silhouetteScore(line([0, 1]), [0, 0]), /at least 2 classes/);
  });

  test('leave-one-out k-NN by hand on [0, 1, 10, 12, 13] with labels [A, A, B, B, A]', () => {
    const d = line([0, 1, 10, 12, 13]);
    const y = [0, 0, 1, 1, 0];
    // k=1: 0→1 ✓, 1→0 ✓, 10→12 ✓, 12→13 ✗, 13→12 ✗
    assert.equal(knnAccuracy(d, y, 1), 3 / 5);
    // k=2 (1-1 ties go to the class nearer in summed distance): 0 {1,10} A ✓, 1 {0,10} A ✓, 10 {12,13} B ✓, 12 {13,10} A ✗, 13 {12,10} B ✗
    assert.equal(knnAccuracy(d, y, 2), 3 / 5);
    // k=3: every point is outvoted
    assert.equal(knnAccuracy(d, y, 3), 0);
    assert.throws(() => knnAccuracy(d, y, 5), /k must be an integer in 1\.\.4/);
  });

  test('stratifiedSubsample: at most maxPoints/classes per class, seeded, all rows when small', () => {
    const labels = Array.from({ length: 100 }, (_, i) => (i < 70 ? 0 : i < 90 ? 1 : 2));
    assert.equal(stratifiedSubsample(labels, 100, new Random(1)).length, 100);
    const s = stratifiedSubsample(labels, 30, new Random(1));
    const count = (c: number) => s.filter((i) => labels[i] === c).length;
    assert.deepEqual([count(0), count(1), count(2)], [10, 10, 10]);
    assert.deepEqual(stratifiedSubsample(labels, 30, new Random(1)), s);
    assert.deepEqual(
      [...s].sort((a, b) => a - b),
      s,
    );
  });
});

describe('t-SNE (druid.js exact t-SNE)', () => {
  // 5 Gaussian clusters in 20-D, unit variance, centres 10 apart on the axes
  const K = 5;
  const per = 30;
  const dim = 20;
  const rng = new Random(3);
  const labels = Array.from({ length: K * per }, (_, i) => Math.floor(i / per));
  const x = new Float64Array(K * per * dim);
  labels.forEach((c, i) => {
    for (let k = 0; k < dim; k++) x[i * dim + k] = rng.normal() + (k === c ? 10 : 0);
  });
  const cfg = { perplexity: 20, iterations: 500, learningRate: 10, seed: 5 };

  test('well-separated clusters stay separated in the map (k-NN ≥ 0.95), deterministic by seed', () => {
    const y = tsneEmbedding(x, K * per, dim, cfg);
    assert.equal(y.length, K * per * 2);
    const acc = knnAccuracy(pairwiseDistances(y, K * per, 2), labels, 5);
    assert.ok(acc >= 0.95, `k-NN accuracy in the map ${acc}`);
    assert.deepEqual(tsneEmbedding(x, K * per, dim, cfg), y);
    const other = tsneEmbedding(x, K * per, dim, { ...cfg, seed: 6 });
    assert.notDeepEqual(other, y);
    // the input itself: silhouette near 1 − √2·… well above 0.5 for 10-apart unit clusters
    assert.ok(silhouetteScore(pairwiseDistances(x, K * per, dim), labels) > 0.5);
  });

  test('small n: perplexity capped at (n−1)/3; bad input is refused', () => {
    const y = tsneEmbedding(x.subarray(0, 10 * dim), 10, dim, { ...cfg, iterations: 50 });
    assert.ok(y.every(Number.isFinite));
    assert.throws(() => tsneEmbedding([1, 2, 3, 4], 4, 1, cfg), /at least 5 points/);
    const bad = Float64Array.from(x.subarray(0, 10 * dim));
    bad[7] = NaN;
    assert.throws(() => tsneEmbedding(bad, 10, dim, cfg), /value #7 \(row 0\) is NaN/);
  });
});

describe('figures of the analysis', () => {
  const rows = [
    { class: 2, name: 'c2', kind: 'unseen', 'difference (points)': 12.5 },
    { class: 5, name: 'c5', kind: 'unseen', 'difference (points)': -25 },
    { class: 0, name: 'c0', kind: 'seen', 'difference (points)': 50 },
    { class: 1, name: 'c1', kind: 'seen', 'difference (points)': 0 },
  ];
  const labels = Int32Array.from([0, 0, 1, 1, 2, 2, 5, 5]);
  const xy = Float64Array.from(Array.from(labels).flatMap((c, i) => [c * 10 + i, c]));
  const fake = {
    config: embeddingAnalysisPreset('quick'),
    prepared: { split: { name: 'toy-4/2' } },
    runs: [{ variant: OURS }, { variant: BASELINE }],
    perClassRows: rows,
    separationRows: [{ embedding: 'Ours μ_s', classes: 'all test classes', silhouette: 0.25 }],
    maps: [
      { name: 'Baseline μ_s', xy, labels },
      { name: 'Ours μ_s', xy, labels },
    ],
    unseen: [2, 5],
    classNames: ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'],
  } as unknown as EmbeddingAnalysisResult;

  test('Fig. 3a bars: red shades where Ours is better, blue otherwise; dark = unseen', () => {
    const fig = perClassDifferenceBars(fake);
    const bar = fig.data[0] as { x: string[]; y: number[]; marker: { color: string[] } };
    assert.deepEqual(bar.x, ['2', '5', '0', '1']);
    assert.deepEqual(bar.y, [12.5, -25, 50, 0]);
    assert.deepEqual(bar.marker.color, ['#b2182b', '#2166ac', '#f4a582', '#92c5de']);
  });

  test('t-SNE figure: one marker trace per class and map, unseen classes as diamonds, legend once, class ids at medians', () => {
    const fig = tsneFigure(fake);
    // per map: 4 class traces + 1 text trace
    assert.equal(fig.data.length, 10);
    const classTraces = fig.data.filter((d) => d.mode === 'markers') as { name: string; showlegend: boolean; marker: { symbol?: string }; xaxis: string }[];
    assert.equal(classTraces.length, 8);
    assert.equal(classTraces.filter((d) => d.marker.symbol === 'diamond').length, 4);
    assert.equal(classTraces.filter((d) => d.showlegend).length, 4);
    assert.deepEqual([...new Set(classTraces.map((d) => d.xaxis))], ['x', 'x2']);
    const text = fig.data[4] as { x: number[]; text: string[] };
    // seen classes first, unseen last (drawn on top); medians of two points: the upper one
    assert.deepEqual(text.text, ['0', '1', '<b>2</b>', '<b>5</b>']);
    assert.deepEqual(text.x, [1, 13, 25, 57]);
  });

  test('skeleton grids: generated (unseen + seen classes) and the real datasets present', (t) => {
    const cfg = embeddingAnalysisPreset('quick');
    const { grids, missing } = skeletonGrids(cfg);
    const gen = grids.find((g) => g.name === 'skeletons_generated')!;
    // 5 unseen + 5 seen classes × 2 samples
    assert.equal(gen.figure.data.length, 20);
    assert.equal(gen.figure.frames.length, cfg.viewer.maxFrames);
    const titles = (gen.figure.layout!.annotations as { text: string }[]).map((a) => a.text);
    assert.equal(titles.filter((s) => s.startsWith('★')).length, 10);
    for (const [name, classes] of [
      ['skeletons_nw_ucla', 10],
      ['skeletons_utd_mhad', 27],
    ] as const) {
      const g = grids.find((x) => x.name === name);
      const rel = name === 'skeletons_nw_ucla' ? 'nw-ucla/all_sqe' : 'utd-mhad/Skeleton';
      if (!locateData(rel).path) {
        assert.ok(!g && missing.some((m) => m.startsWith(name.includes('nw') ? 'nw-ucla' : 'utd-mhad')));
        t.diagnostic(`${rel} absent: grid skipped`);
        continue;
      }
      assert.ok(g, name);
      assert.equal(g.figure.data.length, classes * cfg.viewer.realPerClass);
      const bones = (g.figure.data[0] as { x: unknown[] }).x.filter((v) => v === null).length;
      assert.equal(bones, 19);
    }
  });
});
