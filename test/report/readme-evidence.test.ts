/** The README's results block is generated from the stored evidence tables and must match them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../lib/data/paths';
import { EvidenceTable, evidenceSummaryMarkdown, leverLines, updateReadmeEvidence } from '../../lib/experiments/evidence-tables';

test('README results block equals the summary of results/*.json (run node scripts/update-readme.js after new results)', () => {
  const readme = fs.readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');
  assert.equal(updateReadmeEvidence(readme).changed, false);
});

test('the summary lists Table 1 rows and every claim with its verdict', () => {
  const t: EvidenceTable = {
    id: 'table1',
    file: 'table1_zsl',
    title: 't',
    notes: [],
    rows: [
      {
        dataset: 'nw-ucla',
        row: 'Ours',
        n: 6,
        ZSL: 40.1,
        '95% CI': '[35.0, 45.2]',
        chance: 35,
        claim: 'Ours > baseline',
        'Δ [95% CI]': '2.0 [-1.0, 5.0]',
        verdict: 'inconclusive',
        'paper Δ': '+3.6',
      },
      { dataset: 'nw-ucla', row: 'Baseline', n: 6, ZSL: 38.1, '95% CI': '[33.0, 43.2]', chance: 35, claim: '', 'Δ [95% CI]': '', verdict: '', 'paper Δ': '' },
    ],
  };
  const md = evidenceSummaryMarkdown([t]);
  assert.match(md, /\| nw-ucla \| Ours \| 6 \| 40.1 \| \[35.0, 45.2\] \| 35 \|/);
  assert.match(md, /\| table1 \| nw-ucla \| Ours > baseline \| 2.0 \[-1.0, 5.0\] \| inconclusive \| \+3.6 \|/);
  assert.match(md, /Verdicts: 0 supports, 0 contradicts, 1 inconclusive\./);
  assert.doesNotMatch(md, /Full mode/);
  // full-mode tables get their own section with their own verdict count
  const f: EvidenceTable = {
    ...t,
    file: 'table1_zsl_full',
    rows: t.rows.map((r) => (r.verdict ? { ...r, 'Δ [95% CI]': '3.0 [1.0, 5.0]', verdict: 'supports' } : r)),
  };
  const both = evidenceSummaryMarkdown([t], [f]);
  const [quick, full] = both.split(/Full mode/);
  assert.match(quick, /Verdicts: 0 supports, 0 contradicts, 1 inconclusive\./);
  assert.match(full, /\| table1 \| nw-ucla \| Ours > baseline \| 3.0 \[1.0, 5.0\] \| supports \|/);
  assert.match(full, /Verdicts: 1 supports, 0 contradicts, 0 inconclusive\./);
  assert.match(full, /- nw-ucla: Ours is 1\.15× chance/);
  // a README without the markers is an error that names them
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-readme-'));
  try {
    assert.throws(() => updateReadmeEvidence('# no markers', dir), /evidence:begin/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('sweep claims: a table when they have intervals, one line when one seed leaves none', () => {
  const row = (claim: string, n: number, ci: string, verdict: string) => ({
    dataset: 'nw-ucla',
    split: 'nw-ucla-5/5',
    row: '15',
    claim,
    'n pairs': n,
    'Δ [95% CI]': ci,
    verdict,
  });
  const quick = [
    { name: 'ablation_fig4', rows: [row('φ = 35 > φ = 15', 1, '4.0', 'inconclusive'), { ...row("φ = 35: the paper's best", 0, '', ''), 'n pairs': '' }] },
  ];
  const full = [
    {
      name: 'ablation_fig4_full',
      rows: [row('φ = 35 > φ = 15', 3, '4.0 [1.0, 7.0]', 'supports'), row('φ = 35 > φ = 60', 3, '-1.0 [-3.0, 1.0]', 'inconclusive')],
    },
  ];
  const md = evidenceSummaryMarkdown([], [], { quick, full });
  assert.match(md, /- main job \(`results\/ablation_fig4\.md`\): one seed per point, so no interval; Verdicts: 0 supports, 0 contradicts, 1 inconclusive\./);
  assert.match(md, /\| fig4 \| nw-ucla nw-ucla-5\/5 \| φ = 35 > φ = 15 \| 3 \| 4\.0 \[1\.0, 7\.0\] \| supports \|/);
  assert.match(md, /Verdicts: 1 supports, 0 contradicts, 1 inconclusive\./);
  assert.doesNotMatch(evidenceSummaryMarkdown([], []), /Sweeps of Table 5/);
  // stored sweep files are read back from a results folder
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-readme-sweeps-'));
  try {
    fs.writeFileSync(path.join(dir, 'ablation_fig4_full.json'), JSON.stringify({ rows: full[0].rows }));
    const text = updateReadmeEvidence('a\n<!-- evidence:begin -->\nold\n<!-- evidence:end -->\nb', dir).text;
    assert.match(text, /Full mode, `npx fsvae sweeps --mode full` \(`results\/ablation_fig4_full\.md`\):/);
    assert.match(text, /\| fig4 \| nw-ucla nw-ucla-5\/5 \| φ = 35 > φ = 60 \| 3 \| -1\.0 \[-3\.0, 1\.0\] \| inconclusive \|/);
    fs.writeFileSync(path.join(dir, 'ablation_table5.json'), '{"title":"x"}');
    assert.throws(() => updateReadmeEvidence('<!-- evidence:begin --><!-- evidence:end -->', dir), /ablation_table5\.json: no 'rows' array/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('lever lines: per split the preset and the val-chosen mode, and the targets against the published rows counted by hand', () => {
  const row = (split: string, mode: string, ZSL: number, extra: Record<string, string> = {}) => ({ dataset: 'utd-mhad', split, mode, ZSL, ...extra });
  // chosen 'joint': 22/5 58.0 ≥ PURLS 57.5 and ≥ Global 23.0; 18/9 20.0 < PURLS 31.71 but ≥ Global 18.47; 14/13 10.0 below both
  const rows = [
    row('all', 'none', 1),
    row('all', 'joint', 2),
    row('utd-mhad-22/5', 'none', 15),
    row('utd-mhad-22/5', 'joint', 58, { 'Δ vs none [95% CI]': '43.0 [40.0, 46.0]', verdict: 'helps' }),
    row('utd-mhad-18/9', 'none', 20),
    row('utd-mhad-18/9', 'joint', 20, { 'Δ vs none [95% CI]': '0.0 [-1.0, 1.0]', verdict: 'inconclusive' }),
    row('utd-mhad-14/13', 'none', 12),
    row('utd-mhad-14/13', 'joint', 10, { 'Δ vs none [95% CI]': '-2.0 [-3.0, -1.0]', verdict: 'hurts' }),
  ];
  const lines = leverLines([{ name: '(c) lent', file: 'f', rows, chosen: { 'utd-mhad': 'joint' } }]);
  assert.ok(lines.includes('| (c) lent | utd-mhad-22/5 | 15 | joint | 58 | 43.0 [40.0, 46.0] | helps | 23 | 57.5 |'));
  assert.ok(!lines.some((l) => l.includes('| all |')), 'the all rows are not split rows');
  const target = lines.find((l) => l.startsWith('- (c) lent'))!;
  assert.match(target, /at least 3 of the 3 splits .*: not met \(on 1\); ≥ the published Global row: on 2 of 3 \(below on utd-mhad-14\/13 \(-4\.4\)\)\./);
});
