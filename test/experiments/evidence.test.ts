/** Evidence tables: cache keys, rows and verdicts from given cells (no training). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Evidence, EvidenceCell, EvidenceConfig, EvidenceDataset, EvidenceRowSpec, evidenceCellKey, evidenceRows } from '../../lib/experiments/evidence';
import { REFERENCE_GATE } from '../../lib/pipeline/zero-shot';
import { extractorConfig } from '../../lib/stage1/extractors';
import { stage2Preset } from '../../lib/train/config';
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
  constructor(config: EvidenceConfig, private readonly given: Record<string, number[]>) {
    super(config);
  }
  override async rowCells(ds: EvidenceDataset, spec: EvidenceRowSpec): Promise<EvidenceCell[]> {
    return this.given[spec.key].map((zsl, i) => ({
      dataset: ds.name, split: i < 2 ? 's1' : 's2', seed: 1 + (i % 2), zsl, zslTestSelected: zsl, S: 0.5, U: zsl, H: zsl, chance: i < 2 ? 0.5 : 0.2, seconds: 0, cached: true,
    }));
  }
}

test('rows: split means averaged, pooled interval, paired verdict in the claimed direction', async () => {
  const ds: EvidenceDataset = { name: 'nw-ucla', sources: [], stage2: stage2Preset('quick'), text: { kind: 'encoder' }, origin: 'test' };
  const config: EvidenceConfig = { mode: 'quick', seeds: [1, 2], stage1: extractorConfig('dct-lda'), datasets: [ds], gate: REFERENCE_GATE, real: true };
  // ours beats base by exactly +0.1 on every run; the splits differ by a lot
  const ev = new GivenEvidence(config, { ours: [0.6, 0.62, 0.3, 0.34], base: [0.5, 0.52, 0.2, 0.24] });
  const rows = await evidenceRows(ev, [
    { key: 'ours', label: 'Ours', variant: { name: 'Ours' }, claim: { vs: 'base', thisBetter: true, statement: 'Ours > base' } },
    { key: 'base', label: 'Base', variant: { name: 'Base' }, claim: { vs: 'ours', thisBetter: false, statement: 'Ours > base (seen from base)' } },
  ]);
  // split means 0.61 and 0.32 → 46.5; pooled s² = (0.0002 + 0.0008)/2 = 0.0005, Var = 0.0005·(1/2 + 1/2)/4, df 2
  assert.equal(rows[0].ZSL, 46.5);
  const half = 4.302653 * Math.sqrt(0.0005 / 4) * 100;
  assert.equal(rows[0]['95% CI'], `[${(46.5 - half).toFixed(1)}, ${(46.5 + half).toFixed(1)}]`);
  assert.equal(rows[0].chance, 35);
  assert.equal(rows[0].verdict, 'supports');
  assert.equal(rows[1].verdict, 'supports'); // the same claim, stated from the other row
  assert.match(String(rows[0]['Δ [95% CI]']), /^10\.0 \[10\.0, 10\.0\]$/);
  assert.equal(rows[0].n, 4);
});

test("a table's training time counts each distinct cell once, cached cells with their own time, references none", async () => {
  const ds: EvidenceDataset = { name: 'nw-ucla', sources: [], stage2: stage2Preset('quick'), text: { kind: 'encoder' }, origin: 'test' };
  const config: EvidenceConfig = { mode: 'quick', seeds: [1, 2], stage1: extractorConfig('dct-lda'), datasets: [ds], gate: REFERENCE_GATE, real: true };
  // one cell list per variant (as Evidence memoises them): 4 cells of 2.5 s each
  class TimedEvidence extends Evidence {
    readonly memo2 = new Map<string, EvidenceCell[]>();
    override async rowCells(d: EvidenceDataset, spec: EvidenceRowSpec): Promise<EvidenceCell[]> {
      const key = spec.reference ?? spec.variant!.name;
      if (!this.memo2.has(key)) {
        this.memo2.set(key, [0, 1, 2, 3].map((i) => ({
          dataset: d.name, split: i < 2 ? 's1' : 's2', seed: 1 + (i % 2), zsl: 0.3 + 0.01 * i, zslTestSelected: 0.3, S: 0.5, U: 0.3, H: 0.3, chance: 0.2,
          seconds: spec.reference ? 99 : 2.5, cached: true,
        })));
      }
      return this.memo2.get(key)!;
    }
  }
  const ev = new TimedEvidence(config);
  const t = await runEvidenceTable(ev, 'table1');
  const variants = new Set(EVIDENCE_TABLES.table1.rows().filter((s) => !s.reference).map((s) => s.variant!.name));
  assert.ok(variants.size >= 3 && EVIDENCE_TABLES.table1.rows().some((s) => s.reference));
  assert.equal(t.trainingSeconds, variants.size * 4 * 2.5);
});
