import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ABLATION_RESULT_TABLES,
  AblationResults,
  ablationPreset,
  ablationTable,
  ablationVariants,
  binomialSe,
  fig4BandVariants,
  fig4Figure,
  fig4PhiVariants,
  paperColumns,
  runAblationTables,
  runAblations,
  table5AlphaVariants,
  table5Figure,
  table5LambdaVariants,
  writeAblations,
  sweepClaims,
  sweepObservations,
  AblationDatasetResult,
  AblationPoint,
  AblationConfig,
  ablationCacheDir,
  planAblationRuns,
  planAblations,
  prepareAblationFeatures,
  trainAblationShard,
} from '../../lib/experiments/ablations';
import { OURS, applyVariant } from '../../lib/experiments/variants';
import { PAPER_TABLE5_ALPHA, PAPER_TABLE5_LAMBDA } from '../../lib/experiments/paper-numbers';
import { mainResultsPreset } from '../../lib/experiments/main-results';
import { PreparedFeatures, prepareFeatures } from '../../lib/pipeline/features';
import { bandLayout } from '../../lib/frequency/enhancer';
import { FsvaeConfig, scaledSchedule, fsvaePreset } from '../../lib/train/config';
import { getSplit } from '../../lib/data/splits';
import { writeSyntheticBenchmark } from '../../lib/data/synthetic-features';
import { initBackend } from '../../lib/runtime/backend';
import { formatMeanStd } from '../../lib/eval/metrics';
import { FsvaeInputError } from '../../lib/util/assert';
import { tempDir } from '../temp-dirs';

const BASE = fsvaePreset('quick'); // α = 0.5, λ = 100, 'reference' FM
const lowBands = (n: number, cfg: Parameters<typeof bandLayout>[1]) => bandLayout(n, cfg).isLow.filter(Boolean).length;

/** The quick preset shrunk to a few seconds: cycles × steps given, latent 8, a short classifier. */
function tinyStage2(stepsPerCycle: number): FsvaeConfig {
  const cfg = fsvaePreset('quick');
  cfg.schedule = scaledSchedule(stepsPerCycle, 2);
  cfg.latentDim = 8;
  cfg.classifier = { samplesPerClass: 20, steps: 20, learningRate: 1e-3 };
  return cfg;
}

describe('variant lists map to the right configurations', () => {
  test("Table 5: α rows change only α, λ rows only λ; the full grids are the paper's", () => {
    const a = table5AlphaVariants([0.1, 2]).map((v) => applyVariant(BASE, v));
    assert.deepEqual(
      a.map((c) => [c.alignment.alpha, c.alignment.lambda]),
      [
        [0.1, 100],
        [2, 100],
      ],
    );
    const l = table5LambdaVariants([10, 1000]).map((v) => applyVariant(BASE, v));
    assert.deepEqual(
      l.map((c) => [c.alignment.alpha, c.alignment.lambda]),
      [
        [0.5, 10],
        [0.5, 1000],
      ],
    );
    // the α = 0.5 row of the preset is the full model itself (run once, reused)
    assert.deepEqual(applyVariant(BASE, table5AlphaVariants([0.5])[0]), applyVariant(BASE, OURS));
    const full = ablationPreset('full').grids;
    // (object keys list integer-like ones first: compare as numbers)
    const byValue = (keys: string[]) =>
      keys
        .map(Number)
        .sort((x, y) => x - y)
        .map(String);
    assert.deepEqual(
      table5AlphaVariants(full.alpha).map((v) => v.key),
      byValue(Object.keys(PAPER_TABLE5_ALPHA)),
    );
    assert.deepEqual(
      table5LambdaVariants(full.lambda).map((v) => v.key),
      byValue(Object.keys(PAPER_TABLE5_LAMBDA)),
    );
    assert.deepEqual(full.alpha, [0.01, 0.05, 0.1, 0.5, 1, 2]);
  });

  test('Fig. 4: φ and b land on both encoders; band layout at N = 256 by hand', () => {
    const [p15, p30, p35] = fig4PhiVariants([15, 30, 35], 30).map((v) => applyVariant(BASE, v));
    for (const [c, phi] of [
      [p15, 15],
      [p35, 35],
    ] as const) {
      assert.equal(c.skeletonFrequency.phi, phi);
      assert.equal(c.textFrequency.phi, phi);
      assert.equal(c.skeletonFrequency.bands, 30);
      assert.equal(c.textFrequency.bands, 30);
      assert.equal(c.skeletonFrequency.kInit, 0.3); // the rest of the 'reference' module is kept
      assert.equal(c.skeletonFrequency.preset, 'custom');
    }
    // φ = 30, b = 30 is the code's module unchanged: the same configuration as the full model
    assert.deepEqual(p30, applyVariant(BASE, OURS));
    // split points trunc(255·i/30) = 0, 8, 17, 25, 34, 42, …: band i is low when its end ≤ φ
    assert.equal(lowBands(256, p15.skeletonFrequency), 1);
    assert.equal(lowBands(256, p30.skeletonFrequency), 3);
    assert.equal(lowBands(256, p35.skeletonFrequency), 4);
    const [b10, b40] = fig4BandVariants([10, 40], 35).map((v) => applyVariant(BASE, v));
    assert.deepEqual([b10.skeletonFrequency.bands, b10.textFrequency.bands, b10.skeletonFrequency.phi, b10.textFrequency.phi], [10, 10, 35, 35]);
    // b = 10: trunc(25.5·i) = 0, 25, 51 → one low band; b = 40: trunc(6.375·i) = 0, 6, 12, 19, 25, 31, 38 → five
    assert.equal(lowBands(256, b10.skeletonFrequency), 1);
    assert.equal(lowBands(256, b40.skeletonFrequency), 5);
  });

  test("presets: quick shares notebook 03's stage-1 features; paper values by row key", () => {
    const q = ablationPreset('quick');
    const m = mainResultsPreset('quick');
    assert.deepEqual(q.stage1, m.stage1);
    assert.deepEqual(q.entries[0].source, m.entries[0].source);
    assert.equal(q.stage1Seed, 1);
    assert.deepEqual(q.seeds, [1]);
    assert.deepEqual([q.entries[0].stage2.schedule.cycles, q.entries[0].stage2.schedule.stepsPerCycle], [2, 150]);
    assert.equal(ablationPreset('full').seeds.length, 3);
    assert.deepEqual(paperColumns('table5-lambda', '80'), {
      'paper NTU-60 55/5': 84.9,
      'paper NTU-60 48/12': 53.1,
      'paper NTU-120 110/10': 73.0,
      'paper NTU-120 96/24': 61.9,
    });
    assert.deepEqual(Object.values(paperColumns('table5-alpha', '7')), ['', '', '', '']); // not in the paper
    assert.deepEqual(Object.values(paperColumns('fig4-phi', '35')), ['', '', '', '']); // Fig. 4 prints no numbers
    assert.equal(paperColumns('table5-alpha', '0.01')['paper NTU-120 110/10'], 74.1);
  });

  test('bad grids and configs are refused before any training', async () => {
    assert.throws(
      () => table5AlphaVariants([]),
      (e: Error) => e instanceof FsvaeInputError && /α grid is empty/.test(e.message),
    );
    assert.throws(() => table5LambdaVariants([0]), /λ grid value 0 is invalid/);
    assert.throws(() => fig4BandVariants([0], 35), /b grid value 0 is invalid; use integers ≥ 1/);
    assert.throws(() => fig4PhiVariants([15, 15], 30), /repeats a value/);
    assert.throws(() => fig4PhiVariants([2.5], 30), /φ grid value 2.5/);
    assert.throws(() => ablationVariants('table7' as never, ablationPreset('quick').grids), /unknown sweep 'table7'/);
    await assert.rejects(runAblations({ ...ablationPreset('quick'), seeds: [] }), /seeds is empty/);
    await assert.rejects(runAblations({ ...ablationPreset('quick'), grids: { ...ablationPreset('quick').grids, bands: [] } }), /b grid is empty/);
  });

  test('binomial SE: √(p(1−p)/n) in points', () => {
    assert.equal(binomialSe(0.5, 100), 5);
    assert.ok(Math.abs(binomialSe(0.45, 40) - 100 * Math.sqrt((0.45 * 0.55) / 40)) < 1e-12);
    assert.throws(() => binomialSe(0.5, 0), FsvaeInputError);
  });
});

describe('runner on a tiny generated SynSE/MSF layout', () => {
  let dir = '';
  let prepared: PreparedFeatures;
  before(async () => {
    await initBackend({ prefer: 'wasm', quiet: true });
    dir = tempDir('abl');
    writeSyntheticBenchmark(dir, getSplit('ntu60-55/5'), { skeletonDim: 48, trainPerClass: 10, testPerClass: 6, seed: 3 });
    const p = await prepareFeatures(
      { kind: 'synse', dataset: 'ntu60', split: 'ntu60-55/5', features: path.join(dir, 'sk_feats') },
      { stage1: ablationPreset('quick').stage1, seed: 1 },
    );
    assert.ok(!('missing' in p));
    prepared = p as PreparedFeatures;
  });

  test('one run, reused for an identical row; rows, paper columns, figures, files', async () => {
    const base = tinyStage2(40);
    const tables = [
      { id: 'table5-lambda' as const, variants: table5LambdaVariants([100]) },
      { id: 'table5-alpha' as const, variants: table5AlphaVariants([0.5]) }, // base α = 0.5, λ = 100: same configuration
    ];
    const points = await runAblationTables(prepared, base, tables, { seeds: [1], text: { kind: 'msf-table', encoder: 'ViT-B/32', root: dir } });
    assert.equal(points.length, 2);
    assert.equal(points[0].reused, false);
    assert.equal(points[1].reused, true);
    assert.equal(points[1].run, points[0].run);
    const res = points[0].run.result;
    assert.equal(res.textMode, 'lb_ad_md');
    assert.equal(res.perSeed[0].testZslByCycle.length, 2);

    const cfg = { ...ablationPreset('quick'), tables: ['table5-lambda', 'table5-alpha'] as ('table5-lambda' | 'table5-alpha')[] };
    const r: AblationResults = {
      config: cfg,
      datasets: [{ source: prepared.source, prepared, points, uniqueRuns: 1, zslTestRows: 5 * 6, wallSeconds: 1 }],
      wallSeconds: 1,
    };
    const t5 = ablationTable(r, 'ablation_table5');
    assert.equal(t5.length, 2);
    assert.deepEqual(Object.keys(t5[1]), [
      'dataset',
      'split',
      'row',
      'parameter',
      'α',
      'λ',
      'seeds',
      'ZSL (clean)',
      'SE 1 seed',
      'H (clean)',
      'val ZSL at chosen cycle',
      'ZSL (test-selected cycle)',
      'reused run',
      'claim',
      'n pairs',
      'Δ [95% CI]',
      'verdict',
      'paper NTU-60 55/5',
      'paper NTU-60 48/12',
      'paper NTU-120 110/10',
      'paper NTU-120 96/24',
    ]);
    const lambda = t5.find((x) => x.parameter === 'λ')!;
    assert.equal(lambda.dataset, 'ntu60');
    assert.equal(lambda['ZSL (clean)'], formatMeanStd(res.summary.clean.zsl, { scale: 100, digits: 1 }));
    const p = res.perSeed[0].zsl.clean;
    assert.equal(lambda['SE 1 seed'], Number((100 * Math.sqrt((p * (1 - p)) / 30)).toFixed(1)));
    assert.equal(lambda['val ZSL at chosen cycle'], (100 * res.perSeed[0].valZslByCycle[res.perSeed[0].cycle.clean]).toFixed(1));
    assert.equal(lambda['paper NTU-60 55/5'], 86.9);
    const alpha = t5.find((x) => x.parameter === 'α')!;
    assert.deepEqual([alpha['α'], alpha['λ'], alpha['reused run']], [0.5, 100, 'λ = 100']);
    assert.equal(alpha['paper NTU-60 48/12'], 53.7);
    assert.throws(() => ablationTable(r, 'ablation_table3'), /unknown table/); // Table 3 is an evidence table

    assert.equal(fig4Figure(r, 'phi'), null);
    const f = table5Figure(r, 'alpha')!;
    assert.equal(f.data.length, 1 + 4); // ours + the paper's four splits
    assert.deepEqual(f.data[0].x, [0.5]);
    assert.deepEqual(f.data[1].y, [81.9, 84.0, 86.9, 85.9, 83.2, 81.0]); // NTU-60 55/5 over α = 0.01 … 2

    const out = path.join(dir, 'results');
    const prev = process.env.FSVAE_RESULTS;
    process.env.FSVAE_RESULTS = out;
    try {
      const files = writeAblations(r, 'wasm');
      assert.deepEqual(
        files.map((x) => path.basename(x)),
        ['ablation_table5.csv', 'ablation_table5.md', 'ablation_table5.json'],
      );
      const j5 = JSON.parse(fs.readFileSync(path.join(out, 'ablation_table5.json'), 'utf8'));
      const claimOf = (sym: string) => j5.rows.find((x: { parameter: string }) => x.parameter === sym);
      assert.equal(claimOf('α').claim, "(α = 0.1, the paper's best, is not in the grid)"); // the grid here is α = 0.5 only
      assert.equal(claimOf('α').verdict, '');
      assert.equal(claimOf('λ').claim, "λ = 100: the paper's best");
      assert.equal(j5.provenance.trainingSeconds, Number(points[0].run.wallSeconds.toFixed(1))); // the reused row is not counted twice
      const md = fs.readFileSync(path.join(out, 'ablation_table5.md'), 'utf8');
      assert.match(md, /paper NTU-60 55\/5/);
      assert.match(md, /n = 30/);
      assert.ok(ABLATION_RESULT_TABLES.some((t) => t.name === 'ablation_fig4'));
    } finally {
      if (prev === undefined) delete process.env.FSVAE_RESULTS;
      else process.env.FSVAE_RESULTS = prev;
    }
  });

  test('finished runs are cached on disk: a second sweep reads them back (same numbers), another seed list trains anew', async () => {
    const base = tinyStage2(20);
    const tables = [{ id: 'table5-lambda' as const, variants: table5LambdaVariants([100]) }];
    const cacheDir = path.join(dir, 'ablation-cache');
    const text = { kind: 'msf-table' as const, encoder: 'ViT-B/32' as const, root: dir };
    const logs: string[] = [];
    const a = await runAblationTables(prepared, base, tables, { seeds: [1], text, cacheDir, log: (l) => logs.push(l) });
    assert.equal(fs.readdirSync(cacheDir).length, 1);
    assert.ok(!logs.some((l) => l.includes('(cached run)')));
    const b = await runAblationTables(prepared, base, tables, { seeds: [1], text, cacheDir, log: (l) => logs.push(l) });
    assert.ok(logs.some((l) => l.includes('(cached run)')));
    assert.deepEqual(b[0].run.result.summary, a[0].run.result.summary);
    assert.deepEqual(b[0].run.result.perSeed, a[0].run.result.perSeed);
    await runAblationTables(prepared, base, tables, { seeds: [2], text, cacheDir });
    assert.equal(fs.readdirSync(cacheDir).length, 2, 'another seed list is another entry');
    // a damaged entry is trained again, not parsed into a crash
    for (const f of fs.readdirSync(cacheDir)) fs.writeFileSync(path.join(cacheDir, f), '{broken');
    const c = await runAblationTables(prepared, base, tables, { seeds: [1], text, cacheDir });
    assert.deepEqual(c[0].run.result.summary, a[0].run.result.summary);
  });

  test('planning lists each distinct run once, named by the cache file a serial run writes; train() trains only what is still missing', async () => {
    const base = tinyStage2(20);
    const tables = [
      { id: 'table5-lambda' as const, variants: table5LambdaVariants([100]) },
      { id: 'table5-alpha' as const, variants: table5AlphaVariants([0.5, 2]) }, // α = 0.5: the configuration of Ours
    ];
    const cacheDir = path.join(dir, 'plan-cache');
    const opts = { seeds: [1, 2], text: { kind: 'msf-table' as const, encoder: 'ViT-B/32' as const, root: dir }, cacheDir };
    const plan = await planAblationRuns(prepared, base, tables, opts);
    assert.deepEqual(
      plan.map((r) => r.label),
      ['ntu60-55/5 λ = 100', 'ntu60-55/5 α = 2'],
    );
    assert.deepEqual(
      plan.map((r) => r.cached),
      [false, false],
    );
    assert.deepEqual(
      plan.map((r) => r.cost),
      [2 * 2 * 20 * base.batchSize * 2, 2 * 2 * 20 * base.batchSize * 2],
    );
    assert.ok(!fs.existsSync(cacheDir), 'planning trains and writes nothing');

    const points = await runAblationTables(prepared, base, tables, opts);
    assert.deepEqual(
      points.map((p) => p.reused),
      [false, true, false],
    );
    assert.deepEqual(fs.readdirSync(cacheDir).sort(), plan.map((r) => `${r.key}.json`).sort());
    const again = await planAblationRuns(prepared, base, tables, opts);
    assert.deepEqual(
      again.map((r) => [r.key, r.cached]),
      plan.map((r) => [r.key, true]),
    );
    // a train() planned before another process wrote the run reads the cache first and trains nothing
    const file = (r: { key: string }) => path.join(cacheDir, `${r.key}.json`);
    const stored = fs.readFileSync(file(plan[1]), 'utf8');
    await plan[1].train();
    assert.equal(fs.readFileSync(file(plan[1]), 'utf8'), stored);
    const fromCache = await runAblationTables(prepared, base, tables, { ...opts, cacheOnly: true });
    assert.deepEqual(
      fromCache.map((p) => p.run.result.perSeed),
      points.map((p) => p.run.result.perSeed),
    );

    // a damaged entry counts as missing: the cache-only run refuses, train() computes it again (same numbers)
    fs.writeFileSync(file(plan[1]), '{"broken": ');
    const damaged = await planAblationRuns(prepared, base, tables, opts);
    assert.deepEqual(
      damaged.map((r) => r.cached),
      [true, false],
    );
    await assert.rejects(runAblationTables(prepared, base, tables, { ...opts, cacheOnly: true }), /table5-alpha 2: the run is not in the cache/);
    await damaged[1].train();
    const rerun = await runAblationTables(prepared, base, tables, { ...opts, cacheOnly: true });
    const values = (p: AblationPoint) => p.run.result.perSeed.map(({ stepsPerSecond: _s, ...q }) => q);
    assert.deepEqual(values(rerun[2]), values(points[2]));
    // valid JSON with a changed value fails its checksum: missing too
    const entry = JSON.parse(fs.readFileSync(file(plan[1]), 'utf8'));
    assert.match(entry.check, /^[0-9a-f]{16}$/);
    entry.result.summary.clean.zsl.mean += 0.01;
    fs.writeFileSync(file(plan[1]), JSON.stringify(entry));
    assert.deepEqual(
      (await planAblationRuns(prepared, base, tables, opts)).map((r) => r.cached),
      [true, false],
    );
  });

  test("a config over the cache: plan, shards, assembly (missing runs listed), preparation of a shard's entries", async () => {
    const stage2 = tinyStage2(20);
    const cfg: AblationConfig = {
      ...ablationPreset('quick'),
      tables: ['table5-alpha', 'table5-lambda'],
      grids: { ...ablationPreset('quick').grids, alpha: [0.5, 2], lambda: [100, 1000] }, // λ = 100 at α = 0.5: the α = 0.5 run
      entries: [
        {
          source: { kind: 'synse', dataset: 'ntu60', split: 'ntu60-55/5', features: path.join(dir, 'sk_feats') },
          text: { kind: 'msf-table', encoder: 'ViT-B/32', root: dir },
          stage2,
        },
      ],
    };
    const prev = process.env.FSVAE_CACHE;
    process.env.FSVAE_CACHE = path.join(dir, 'config-cache');
    try {
      const plan = await planAblations(cfg);
      assert.equal(plan.length, 3);
      assert.ok(!fs.existsSync(ablationCacheDir()));
      await assert.rejects(
        runAblations(cfg, () => {}, { runs: 'cache', computeWith: 'run the shards' }),
        (e: Error) =>
          e instanceof FsvaeInputError &&
          /^3 of 3 runs are not in the cache/.test(e.message) &&
          /ntu60-55\/5 α = 2 \(/.test(e.message) &&
          /\ncompute them with: run the shards$/.test(e.message),
      );

      const serial = await runAblations(cfg);
      assert.deepEqual(fs.readdirSync(ablationCacheDir()).sort(), plan.map((r) => `${r.key}.json`).sort());
      const assembled = await runAblations(cfg, () => {}, { runs: 'cache' });
      const rows = (r: AblationResults) => ablationTable(r, 'ablation_table5');
      assert.deepEqual(rows(assembled), rows(serial));

      // two shards share the runs out; a run removed from the cache is trained again by its shard alone
      fs.rmSync(path.join(ablationCacheDir(), `${plan[2].key}.json`));
      const logs: string[] = [];
      const shards = [];
      for (const index of [0, 1]) shards.push(await trainAblationShard(cfg, { index, count: 2, source: 'test' }, (l) => logs.push(l)));
      assert.deepEqual(
        shards.map((s) => s.runs),
        [3, 3],
      );
      assert.equal(shards[0].mine + shards[1].mine, 3);
      assert.equal(shards[0].trained + shards[1].trained, 1);
      assert.ok(
        logs.some((l) => /^\[sweeps\] shard 1\/2 \(test\): \d of 3 runs are this shard's: [01] to train, \d cached$/.test(l)),
        logs.join('\n'),
      );
      assert.deepEqual(rows(await runAblations(cfg, () => {}, { runs: 'cache' })), rows(serial));

      const prepLogs: string[] = [];
      assert.equal(await prepareAblationFeatures(cfg, { index: 1, count: 2, source: 'test' }, (l) => prepLogs.push(l)), 0);
      assert.deepEqual(prepLogs, ['[sweeps] prepare (shard 2/2): 0 of 1 dataset entries']);
      assert.equal(await prepareAblationFeatures(cfg, null, (l) => prepLogs.push(l)), 1);
      assert.equal(prepLogs[1], '[sweeps] prepare (all): 1 of 1 dataset entries');
      assert.ok(
        prepLogs.some((l) => /^\[features\] text lb_ad_md of ntu60-55\/5: 60 × \d+/.test(l)),
        prepLogs.join('\n'),
      );
    } finally {
      if (prev === undefined) delete process.env.FSVAE_CACHE;
      else process.env.FSVAE_CACHE = prev;
    }
  });
});

describe("sweep claims: the paper's best value against every other value, paired by seed", () => {
  const T975_DF2 = 4.302652729911275; // Student t, 97.5 % quantile, 2 degrees of freedom (tables)
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const sd = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1));
  // per-seed clean ZSL of seeds 1, 2, 3 at each φ (b = 30)
  const zsl: Record<number, number[]> = { 15: [0.4, 0.45, 0.5], 25: [0.7, 0.8, 0.76], 35: [0.5, 0.6, 0.55], 60: [0.3, 0.41, 0.33] };
  const point = (x: number, values: number[], seeds = [1, 2, 3]): AblationPoint => ({
    table: 'fig4-phi',
    variant: { key: String(x), x, name: `φ = ${x}, b = 30` },
    reused: false,
    config: {} as AblationPoint['config'],
    run: {
      variant: { name: `φ = ${x}` },
      wallSeconds: 1,
      result: {
        perSeed: values.map((v, i) => ({
          seed: seeds[i],
          zsl: { clean: v, reference: v },
          testZslByCycle: [v],
          valZslByCycle: [v / 2],
          gzsl: { clean: { S: 0, U: v, H: 0 } },
        })),
        summary: { clean: { zsl: { mean: mean(values), std: sd(values), n: values.length } } },
      },
    } as unknown as AblationPoint['run'],
  });
  const dataset = (points: AblationPoint[]) =>
    ({
      source: {},
      prepared: { textDataset: 'nw-ucla', split: { name: 'nw-ucla-5/5' } },
      points,
      uniqueRuns: points.length,
      zslTestRows: 100,
      wallSeconds: 1,
    }) as unknown as AblationDatasetResult;

  test('Δ, its t-interval over seeds and the verdict match a hand computation', () => {
    const d = dataset([15, 25, 35, 60].map((x) => point(x, zsl[x])));
    const claims = sweepClaims(d, 'fig4-phi')!;
    assert.deepEqual(
      claims.map((c) => c.claim),
      ['φ = 35 > φ = 15', 'φ = 35 > φ = 25', 'φ = 35 > φ = 60'],
    );
    for (const c of claims) {
      const diff = zsl[35].map((v, i) => v - zsl[c.x][i]);
      const half = (T975_DF2 * sd(diff)) / Math.sqrt(3);
      assert.ok(Math.abs(c.comparison.mean - mean(diff)) < 1e-12);
      assert.ok(Math.abs(c.comparison.lo - (mean(diff) - half)) < 1e-9, `${c.claim}: lo ${c.comparison.lo} vs ${mean(diff) - half}`);
      assert.ok(Math.abs(c.comparison.hi - (mean(diff) + half)) < 1e-9);
      assert.equal(c.comparison.n, 3);
    }
    // φ = 15: Δ = [10, 15, 5] points, interval [-2.4, 22.4] contains 0; φ = 25: Δ ≈ -20 with a narrow
    // interval; φ = 60: Δ = [20, 19, 22]
    assert.deepEqual(
      claims.map((c) => c.comparison.verdict),
      ['inconclusive', 'contradicts', 'supports'],
    );
    const obs = sweepObservations({ config: { ...ablationPreset('full'), tables: ['fig4-phi'] }, datasets: [d], wallSeconds: 1 }, 'ablation_fig4');
    assert.deepEqual(obs, [
      'nw-ucla nw-ucla-5/5: "φ = 35 is best" against the 3 other values (3 seeds each): 1 supports, 1 contradicts, 1 inconclusive; highest mean ZSL at φ = 25.',
    ]);
    assert.ok(claims.every((c) => !c.identical));
  });

  test("a threshold that built the same module as the paper's (identical runs) is marked, not tested", () => {
    const d = dataset([point(35, zsl[35]), point(40, zsl[35]), point(60, zsl[60])]);
    const claims = sweepClaims(d, 'fig4-phi')!;
    assert.deepEqual(
      claims.map((c) => [c.x, c.identical]),
      [
        [40, true],
        [60, false],
      ],
    );
    const obs = sweepObservations({ config: { ...ablationPreset('full'), tables: ['fig4-phi'] }, datasets: [d], wallSeconds: 1 }, 'ablation_fig4');
    assert.match(
      obs[0],
      new RegExp(
        String.raw`against the 1 other values \(3 seeds each\): 1 supports, 0 contradicts, 0 inconclusive; ` +
          String.raw`φ = 40 built the same module as φ = 35 \(identical runs, not counted\)`,
      ),
    );
    // the same mean ZSL alone is not enough: another cycle record is another run
    const near = point(40, zsl[35]);
    (near.run.result.perSeed[0] as { valZslByCycle: number[] }).valZslByCycle = [0.9];
    assert.equal(sweepClaims(dataset([point(35, zsl[35]), near]), 'fig4-phi')![0].identical, false);
  });

  test('one seed: no interval, every claim inconclusive; the best value missing from the grid gives no claims; other seeds are refused', () => {
    const one = sweepClaims(dataset([point(35, [0.5], [1]), point(60, [0.1], [1])]), 'fig4-phi')!;
    assert.equal(one.length, 1);
    assert.equal(one[0].comparison.verdict, 'inconclusive');
    assert.ok(Number.isNaN(one[0].comparison.lo));
    assert.equal(sweepClaims(dataset([point(15, zsl[15]), point(60, zsl[60])]), 'fig4-phi'), null);
    assert.throws(() => sweepClaims(dataset([point(35, zsl[35]), point(60, zsl[60], [1, 2, 4])]), 'fig4-phi'), /same seeds/);
  });
});
