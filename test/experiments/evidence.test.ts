/** Evidence tables: cache keys, rows and verdicts from given cells (no training). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALL_SPLITS,
  Evidence,
  EvidenceCell,
  EvidenceConfig,
  EvidenceDataset,
  EvidenceRowSpec,
  EvidenceRun,
  evidenceCellKey,
  evidenceRows,
  evidenceRowsFromRuns,
  pairRuns,
  seedsOf,
} from '../../lib/experiments/evidence';
import { perSplitTargetRows, readEvidenceTables } from '../../lib/experiments/evidence-tables';
import { resultsDir } from '../../lib/report/table';
import { REFERENCE_GATE } from '../../lib/pipeline/zero-shot';
import { extractorConfig } from '../../lib/stage1/extractors';
import { fsvaePreset } from '../../lib/train/config';
import { Stage1ExportReport } from '../../lib/stage1/export';
import { EVIDENCE_TABLES, runEvidenceTable } from '../../lib/experiments/evidence-tables';

test('cell keys follow the stage-1 cache entry, not the repository location', () => {
  const report = {} as Stage1ExportReport;
  const a = evidenceCellKey({ featuresRoot: '/repo/a/data/cache/features/nw-ucla-5_5-abc/sk_feats', stage1: report }, { seed: 1 });
  const b = evidenceCellKey({ featuresRoot: '/moved/data/cache/features/nw-ucla-5_5-abc/sk_feats', stage1: report }, { seed: 1 });
  assert.equal(a, b);
  assert.notEqual(a, evidenceCellKey({ featuresRoot: '/moved/data/cache/features/nw-ucla-5_5-abd/sk_feats', stage1: report }, { seed: 1 }));
  assert.notEqual(a, evidenceCellKey({ featuresRoot: '/repo/a/data/cache/features/nw-ucla-5_5-abc/sk_feats', stage1: report }, { seed: 2 }));
  // a user's own features (no stage-1 report) are named by their path
  assert.notEqual(evidenceCellKey({ featuresRoot: '/x/sk_feats' }, {}), evidenceCellKey({ featuresRoot: '/y/sk_feats' }, {}));
});

/** An Evidence whose cells are given (split s1 / s2 × seeds 1, 2). */
class GivenEvidence extends Evidence {
  constructor(
    config: EvidenceConfig,
    private readonly given: Record<string, number[]>,
  ) {
    super(config);
  }
  override async rowCells(ds: EvidenceDataset, spec: EvidenceRowSpec): Promise<EvidenceCell[]> {
    return this.given[spec.key].map((zsl, i) => ({
      dataset: ds.name,
      split: i < 2 ? 's1' : 's2',
      seed: 1 + (i % 2),
      zsl,
      zslTestSelected: zsl,
      S: 0.5,
      U: zsl,
      H: zsl,
      chance: i < 2 ? 0.5 : 0.2,
      seconds: 0,
      cached: true,
      engine: 'fused',
      code: 'test',
    }));
  }
}

const twoSplits = (): EvidenceDataset => ({
  name: 'nw-ucla',
  sources: ['s1', 's2'].map((split) => ({ kind: 'generated', preset: 'quick', seed: 0, split }) as EvidenceDataset['sources'][number]),
  stage2: fsvaePreset('quick'),
  text: { kind: 'encoder' },
  origin: 'test',
});

test('rows: split means averaged, Welch stratified interval, per-split rows, paired verdict in the claimed direction', async () => {
  const ds = twoSplits();
  const config: EvidenceConfig = {
    mode: 'quick',
    seeds: [1, 2],
    headlineSeeds: [1, 2],
    headlineRows: 'all',
    stage1: extractorConfig('dct-lda'),
    datasets: [ds],
    gate: REFERENCE_GATE,
    real: true,
  };
  // ours beats base by exactly +0.1 on every run; the splits differ by a lot
  const ev = new GivenEvidence(config, { ours: [0.6, 0.62, 0.3, 0.34], base: [0.5, 0.52, 0.2, 0.24] });
  const { rows, input } = await evidenceRows(
    ev,
    [
      { key: 'ours', label: 'Ours', variant: { name: 'Ours' }, claim: { vs: 'base', thisBetter: true, statement: 'Ours > base' } },
      { key: 'base', label: 'Base', variant: { name: 'Base' }, claim: { vs: 'ours', thisBetter: false, statement: 'Ours > base (seen from base)' } },
    ],
    'zsl',
    [{ model: 'Other', source: 'a paper', values: { s1: 70, s2: 40 } }],
  );
  // overall rows: split means 0.61 and 0.32 → 46.5; v = s²/n = 0.0001 and 0.0004, Var = 0.0005/4,
  // Welch–Satterthwaite df = 0.0005²/(0.0001² + 0.0004²) = 1.4706, t_{0.975} = 6.188115 (scipy) → half 6.92
  assert.deepEqual(
    rows.map((r) => `${r.split} ${r.row}`),
    ['all Ours', 'all Base', 'all published: Other', 's1 Ours', 's1 Base', 's1 published: Other', 's2 Ours', 's2 Base', 's2 published: Other'],
  );
  assert.equal(rows[0].ZSL, 46.5);
  assert.equal(rows[0]['95% CI'], `[${(46.5 - 6.918523).toFixed(1)}, ${(46.5 + 6.918523).toFixed(1)}]`);
  assert.equal(rows[0].chance, 35);
  assert.equal(rows[0].verdict, 'supports');
  assert.equal(rows[1].verdict, 'supports'); // the same claim, stated from the other row
  assert.match(String(rows[0]['Δ [95% CI]']), /^10\.0 \[10\.0, 10\.0\]$/);
  assert.equal(rows[0].n, 4);
  // published: the split-'all' row is the mean of the per-split published numbers
  assert.deepEqual([rows[2].ZSL, rows[2]['95% CI'], rows[5].ZSL, rows[8].ZSL], [55, 'published', 70, 40]);
  // per-split rows: split s1 alone, {0.6, 0.62}: mean 61, plain t-interval half = t_{0.975,1}·√(0.0002/2) = 12.71 points; its chance 50
  assert.deepEqual([rows[3].ZSL, rows[3].n, rows[3].chance, rows[6].chance], [61, 2, 50, 20]);
  assert.equal(rows[3]['95% CI'], `[${(61 - 12.706205).toFixed(1)}, ${(61 + 12.706205).toFixed(1)}]`);
  // recomputed from the stored input alone (as from a table's JSON), after a JSON round trip
  assert.deepEqual(evidenceRowsFromRuns(JSON.parse(JSON.stringify(input))), rows);
});

test('paired runs are matched by split and seed, not by position, over the runs both rows have', () => {
  const run = (split: string, seed: number, zsl: number, row: string): EvidenceRun => ({
    dataset: 'nw-ucla',
    split,
    seed,
    zsl,
    zslTestSelected: zsl,
    S: NaN,
    U: NaN,
    H: NaN,
    chance: 0.5,
    seconds: 0,
    engine: 'fused',
    code: 'x',
    row,
    variant: row,
  });
  const a = [run('s1', 1, 0.6, 'a'), run('s1', 2, 0.7, 'a'), run('s2', 1, 0.3, 'a')];
  const b = [run('s2', 1, 0.1, 'b'), run('s1', 2, 0.5, 'b'), run('s1', 1, 0.2, 'b')]; // another order
  const p = pairRuns(a, b, 'zsl', 'test');
  assert.deepEqual(p.b, [0.2, 0.5, 0.1]);
  assert.deepEqual(p.strata, ['s1', 's1', 's2']);
  // a row with more seeds is paired on the runs the other row has (n pairs), never shifted by position
  const fewer = pairRuns(a, [b[0], b[1], run('s1', 3, 0.9, 'b')], 'zsl', 'test');
  assert.deepEqual(
    [fewer.a, fewer.b, fewer.strata],
    [
      [0.7, 0.3],
      [0.5, 0.1],
      ['s1', 's2'],
    ],
  );
  assert.throws(() => pairRuns(a, [run('s3', 1, 0.2, 'b')], 'zsl', 'test'), /share no split × seed/);
  assert.throws(() => pairRuns(a, [b[0], b[0]], 'zsl', 'test'), /appears twice/);
});

test('seeds per row: Tables 1-2 give the headline seeds to the rows with targets (all rows in full mode), the ablation tables their own', () => {
  const ds = twoSplits();
  const quick: EvidenceConfig = {
    mode: 'quick',
    seeds: [1, 2],
    headlineSeeds: [1, 2, 3, 4],
    headlineRows: 'powered',
    stage1: extractorConfig('dct-lda'),
    datasets: [ds],
    gate: REFERENCE_GATE,
    real: true,
  };
  const ours = EVIDENCE_TABLES.table1.rows().find((r) => r.key === 'ours')!;
  const dagger = EVIDENCE_TABLES.table1.rows().find((r) => r.key === 'dagger')!;
  assert.deepEqual(seedsOf(quick, ds, 'table1', ours), [1, 2, 3, 4]);
  assert.deepEqual(seedsOf(quick, ds, 'table2', ours), [1, 2, 3, 4]);
  assert.deepEqual(seedsOf(quick, ds, 'table1', dagger), [1, 2]);
  assert.deepEqual(seedsOf(quick, ds, 'table3', ours), [1, 2]);
  assert.deepEqual(seedsOf({ ...quick, headlineRows: 'all' }, ds, 'table1', dagger), [1, 2, 3, 4]);
  assert.ok(
    EVIDENCE_TABLES.table1
      .rows()
      .filter((r) => r.powered)
      .map((r) => r.key)
      .join() === 'ours,baseline,ridge,oracle',
  );
});

test('every stored evidence table with its runs recomputes to its rows and verdicts from its JSON alone', () => {
  let checked = 0;
  for (const mode of ['quick', 'full'] as const) {
    for (const t of readEvidenceTables(resultsDir(), mode)) {
      if (!t.input) continue; // a table written before the runs were stored
      const again = evidenceRowsFromRuns(t.input);
      assert.deepEqual(again, t.rows, `${t.file}: rows recomputed from its runs differ from the stored rows`);
      assert.ok(t.rows.some((r) => r.split === ALL_SPLITS) && t.rows.some((r) => r.split !== ALL_SPLITS), `${t.file}: per-split rows`);
      for (const r of t.input.runs)
        assert.ok(r.engine && r.code && Number.isInteger(r.seed) && r.split, `${t.file}: a run without engine, code, seed or split`);
      checked++;
    }
  }
  if (checked === 0) console.log('# no stored table has runs yet (results/ predates them): nothing to recompute');
});

test("a table's training time counts each distinct cell once, cached cells with their own time, references none", async () => {
  const ds: EvidenceDataset = { name: 'nw-ucla', sources: [], stage2: fsvaePreset('quick'), text: { kind: 'encoder' }, origin: 'test' };
  const config: EvidenceConfig = {
    mode: 'quick',
    seeds: [1, 2],
    headlineSeeds: [1, 2],
    headlineRows: 'all',
    stage1: extractorConfig('dct-lda'),
    datasets: [ds],
    gate: REFERENCE_GATE,
    real: true,
  };
  // one cell list per variant (as Evidence memoises them): 4 cells of 2.5 s each
  class TimedEvidence extends Evidence {
    readonly memo2 = new Map<string, EvidenceCell[]>();
    override async rowCells(d: EvidenceDataset, spec: EvidenceRowSpec): Promise<EvidenceCell[]> {
      const key = spec.reference ?? spec.variant!.name;
      if (!this.memo2.has(key)) {
        this.memo2.set(
          key,
          [0, 1, 2, 3].map((i) => ({
            dataset: d.name,
            split: i < 2 ? 's1' : 's2',
            seed: 1 + (i % 2),
            zsl: 0.3 + 0.01 * i,
            zslTestSelected: 0.3,
            S: 0.5,
            U: 0.3,
            H: 0.3,
            chance: 0.2,
            seconds: spec.reference ? 99 : 2.5,
            cached: true,
            engine: 'fused',
            code: 'test',
          })),
        );
      }
      return this.memo2.get(key)!;
    }
  }
  const ev = new TimedEvidence(config);
  const t = await runEvidenceTable(ev, 'table1');
  const variants = new Set(
    EVIDENCE_TABLES.table1
      .rows()
      .filter((s) => !s.reference)
      .map((s) => s.variant!.name),
  );
  assert.ok(variants.size >= 3 && EVIDENCE_TABLES.table1.rows().some((s) => s.reference));
  assert.equal(t.trainingSeconds, variants.size * 4 * 2.5);
});

test('per-split target rows: one column per row (labels that shorten alike keep their full name) and the targets computed from the right rows', () => {
  const row = (split: string, label: string, zsl: number, ci = ''): Record<string, string | number> => ({
    dataset: 'utd-mhad',
    split,
    row: label,
    n: 10,
    ZSL: zsl,
    '95% CI': ci,
    chance: 20,
  });
  const rows = [
    row('all', 'Ours (main row)', 0),
    row('s1', 'Ours', 45, '[40, 50]'),
    row('s1', 'Ours (paper form: x)', 15),
    row('s1', 'Baseline (no SD, FM, CL)', 30, '[27, 33]'),
    row('s1', 'published: Global (one global text ↔ skeleton alignment) (PURLS)', 23, 'published'),
    row('s1', 'published: PURLS (PURLS)', 57.5, 'published'),
  ];
  const [r] = perSplitTargetRows({ id: 'table1', file: 't', title: 't', rows, notes: [] });
  assert.equal(r.Ours, 45);
  assert.equal(r['Ours (paper form: x)'], 15);
  assert.equal(r.Baseline, 30);
  assert.deepEqual([r['Ours ≥ Global'], r['Ours ≥ 2× chance'], r['half-width Ours / baseline'], r['extension ≥ PURLS']], ['met', 'met', '5.0 / 3.0', '–']);
});
