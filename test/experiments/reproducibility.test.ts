import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  NTU_REPRODUCIBILITY_NOTES,
  NTU_REPRODUCTIONS,
  NTU_REPRODUCTION_SPLITS,
  NtuReproducibilityRecord,
  PAPER_TABLE12,
  RELEASED_SCRIPTS,
  compareAgainst,
  ntuReproducibilityRows,
  presetSettings,
  projectRuns,
  referencePresetOf,
  updateReadmeExpectations,
} from '../../lib/experiments/reproducibility';
import { repoRoot } from '../../lib/data/paths';
import { PAPER_SWEEP_BEST, PAPER_TABLE1_ZSL, PAPER_TABLE2_GZSL } from '../../lib/experiments/paper-numbers';
import { fsvaePreset } from '../../lib/train/config';
import { Row } from '../../lib/report/table';
import { FsvaeInputError } from '../../lib/util/assert';
import { tempDir } from '../temp-dirs';

const NOT_RUN = 'not run here (NTU features absent: npx fsvae download synse-shift-features)';
const ABSENT = { ntuFeaturesFound: false };

function writeTable(dir: string, name: string, rows: Row[]): void {
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ name, title: name, rows, notes: [], provenance: {} }));
}

function rowOf(rows: Row[], split: string): Row {
  const r = rows.filter((x) => x.split === split);
  assert.equal(r.length, 1, `${split}: ${r.length} rows`);
  return r[0];
}

describe('NTU reproducibility records', () => {
  test('every NTU split of the paper is there exactly once, in the records and in the rows', () => {
    const paperSplits = Object.keys(PAPER_TABLE1_ZSL.Ours).sort();
    assert.deepEqual([...NTU_REPRODUCTION_SPLITS].sort(), paperSplits);
    assert.deepEqual(NTU_REPRODUCTIONS.map((r) => r.split).sort(), paperSplits);
    const rows = ntuReproducibilityRows(tempDir('repro-empty'), ABSENT);
    assert.deepEqual(rows.map((r) => r.split).sort(), paperSplits);
  });

  test('paper ZSL and H equal paper-numbers.ts (Tables 1-2, row Ours)', () => {
    const rows = ntuReproducibilityRows(tempDir('repro-empty'), ABSENT);
    for (const split of NTU_REPRODUCTION_SPLITS) {
      const r = rowOf(rows, split);
      assert.equal(r['paper ZSL'], PAPER_TABLE1_ZSL.Ours[split], split);
      assert.equal(r['paper H'], PAPER_TABLE2_GZSL.Ours[split].H, split);
      const rec = NTU_REPRODUCTIONS.find((x) => x.split === split)!;
      assert.equal(rec.paper.zsl, PAPER_TABLE1_ZSL.Ours[split]);
      assert.equal(rec.paper.h, PAPER_TABLE2_GZSL.Ours[split].H);
    }
  });

  test("Table 12 α and φ are the paper's Sec. 4.3 values; fsvae_60.sh differs from it in α, steps and φ, fsvae_120.sh only in φ", () => {
    assert.equal(PAPER_TABLE12.alpha, PAPER_SWEEP_BEST['table5-alpha']);
    assert.equal(PAPER_TABLE12.phi, PAPER_SWEEP_BEST['fig4-phi']);
    const rows = ntuReproducibilityRows(tempDir('repro-empty'), ABSENT);
    const r60 = String(rowOf(rows, 'ntu60-48/12')['released script']);
    assert.equal(r60, 'fsvae_60.sh → train.py: α 0.5, 10 × 1700 steps, φ 30; ' + 'differs from Table 12 in α (0.5 vs 0.1), steps (1700 vs 1900), φ (30 vs 35)');
    const r120 = String(rowOf(rows, 'ntu120-96/24')['released script']);
    assert.match(r120, /train_neg_t\.py \(missing; point it at train\.py\)/);
    assert.match(r120, /differs from Table 12 in φ \(30 vs 35\)$/);
  });

  test('the reference presets are the released scripts (α, steps, cycles, latent, φ); the paper preset is Table 12', () => {
    for (const ds of ['ntu60', 'ntu120'] as const) {
      const s = RELEASED_SCRIPTS[ds];
      const p = fsvaePreset(`reference-${ds}`);
      assert.deepEqual(
        [p.alignment.alpha, p.schedule.stepsPerCycle, p.schedule.cycles, p.latentDim, p.skeletonFrequency.phi],
        [s.alpha, s.stepsPerCycle, s.cycles, s.latentDim, s.phi],
        ds,
      );
    }
    const paper = fsvaePreset('paper');
    assert.deepEqual(
      [paper.alignment.alpha, paper.schedule.stepsPerCycle, paper.skeletonFrequency.phi],
      [PAPER_TABLE12.alpha, PAPER_TABLE12.stepsPerCycle, PAPER_TABLE12.phi],
    );
  });

  test("preset columns show the settings fsvaePreset gives, and each split names its dataset's reference preset", () => {
    const rows = ntuReproducibilityRows(tempDir('repro-empty'), ABSENT);
    const text = (name: string) => {
      const c = fsvaePreset(name);
      return `${name}: α ${c.alignment.alpha}, ${c.schedule.cycles} × ${c.schedule.stepsPerCycle} steps, φ ${c.skeletonFrequency.phi} → `;
    };
    for (const split of NTU_REPRODUCTION_SPLITS) {
      const ref = split.startsWith('ntu120') ? 'reference-ntu120' : 'reference-ntu60';
      assert.equal(referencePresetOf(split), ref);
      const r = rowOf(rows, split);
      assert.equal(r['this project: paper preset'], `${text('paper')}${NOT_RUN}`);
      assert.equal(r['this project: reference preset'], `${text(ref)}${NOT_RUN}`);
    }
    const s = presetSettings('reference-ntu120');
    const c = fsvaePreset('reference-ntu120');
    assert.deepEqual(s, {
      preset: 'reference-ntu120',
      alpha: c.alignment.alpha,
      stepsPerCycle: c.schedule.stepsPerCycle,
      cycles: c.schedule.cycles,
      latentDim: c.latentDim,
      phi: c.skeletonFrequency.phi,
      frequencyPreset: c.skeletonFrequency.preset,
      alignmentLoss: c.alignment.loss,
    });
  });

  test('user reports: the issue numbers and URLs match, and splits without a posted number carry none', () => {
    for (const rec of NTU_REPRODUCTIONS) {
      for (const x of rec.reproductions) {
        assert.equal(x.url, `https://github.com/wenhanwu95/FS-VAE/issues/${x.issue}`);
        assert.ok([1, 3, 4, 5].includes(x.issue));
        if (x.issue === 3 || x.issue === 4 || (x.issue === 5 && rec.split !== 'ntu60-48/12')) {
          assert.equal(x.zsl, undefined, `#${x.issue} on ${rec.split}`);
          assert.equal(x.h, undefined, `#${x.issue} on ${rec.split}`);
        }
      }
    }
    const u12 = NTU_REPRODUCTIONS.find((r) => r.split === 'ntu60-48/12')!;
    assert.deepEqual(
      u12.reproductions.filter((x) => x.zsl !== undefined).map((x) => [x.issue, x.zsl]),
      [
        [1, 48.38],
        [5, 48.9],
      ],
    );
    for (const n of [1, 3, 4, 5])
      assert.ok(
        NTU_REPRODUCIBILITY_NOTES.some((l) => l.includes(`https://github.com/wenhanwu95/FS-VAE/issues/${n} `)),
        `#${n}`,
      );
  });

  test("compare against: the users' numbers where posted (not the paper's), else the paper's with the users' verdict", () => {
    const by = (s: string) => compareAgainst(NTU_REPRODUCTIONS.find((r) => r.split === s)!);
    assert.match(by('ntu60-48/12'), /^expect ZSL ≈ 48\.38-48\.9 \(#1, #5\), H ≈ 47 \(#1\) from the released code, not the paper's 57\.2 \/ H 52\.1/);
    assert.match(by('ntu60-55/5'), /^expect ZSL ≈ 84\.37 \(#1\), H ≈ 64\.83 \(#1\)/);
    assert.match(by('ntu60-55/5'), /#3, #4: below the paper, #5: close to it/);
    assert.match(by('ntu120-110/10'), /^expect the paper's ZSL 74\.4 \/ H 63\.3: users report the released code comes close \(#3, #5/);
    const none: NtuReproducibilityRecord = { ...NTU_REPRODUCTIONS[0], reproductions: [] };
    assert.match(compareAgainst(none), /^unclear: no user numbers/);
    const first = NTU_REPRODUCTIONS[0];
    const near: NtuReproducibilityRecord = { ...first, reproductions: [{ ...first.reproductions[0], zsl: first.paper.zsl - 0.5, h: undefined }] };
    assert.match(compareAgainst(near), /from the released code, close to the paper's 86\.9 \/ H 75\.7$/);
  });
});

describe("this project's stored NTU runs", () => {
  test('a real NTU run row (table1 + table2, both protocols) shows its numbers; other splits stay "not run"', () => {
    const dir = tempDir('repro-run');
    const base = { dataset: 'ntu60', split: 'ntu60-48/12', method: 'Ours', seeds: 5 };
    writeTable(dir, 'table1_zsl_full', [
      { ...base, protocol: 'clean', ZSL: '49.3 ± 0.8', 'paper ZSL': 57.2 },
      { ...base, protocol: 'reference (test-selected)', ZSL: '50.1 ± 0.7', 'paper ZSL': 57.2 },
      { ...base, method: 'Ours† (only w_i)', protocol: 'clean', ZSL: '40.0 ± 1.0' },
      { ...base, dataset: 'generated', split: 'ntu60-55/5', protocol: 'clean', ZSL: '99.0' },
    ]);
    writeTable(dir, 'table2_gzsl_full', [
      { ...base, protocol: 'clean', S: '55', U: '40', H: '45.1 ± 1.0' },
      { ...base, protocol: 'reference (test-selected)', S: '56', U: '41', H: '46.0 ± 0.9' },
    ]);
    const rows = ntuReproducibilityRows(dir, ABSENT);
    assert.equal(
      rowOf(rows, 'ntu60-48/12')['this project: reference preset'],
      'reference-ntu60: α 0.5, 10 × 1700 steps, φ 30 → clean: ZSL 49.3 ± 0.8, H 45.1 ± 1.0; ' +
        'reference (test-selected): ZSL 50.1 ± 0.7, H 46.0 ± 0.9 (table1_zsl_full.json, 5 seeds)',
    );
    // that row carries no preset column, so it is the reference preset's, not the paper preset's
    assert.ok(String(rowOf(rows, 'ntu60-48/12')['this project: paper preset']).endsWith(NOT_RUN));
    // a generated-dataset row is not a run on real NTU features
    assert.ok(String(rowOf(rows, 'ntu60-55/5')['this project: reference preset']).endsWith(NOT_RUN));
  });

  test('a row with a preset column counts for that preset (evidence-table layout: row, n, numeric ZSL)', () => {
    const dir = tempDir('repro-paper');
    writeTable(dir, 'table1_zsl', [{ dataset: 'ntu120', split: 'ntu120-96/24', row: 'Ours', preset: 'paper', n: 3, ZSL: 61.25 }]);
    const runs = projectRuns(dir, 'ntu120-96/24', 'paper');
    assert.deepEqual(runs, [{ file: 'table1_zsl.json', protocol: '', zsl: 61.25, h: '', seeds: 3 }]);
    assert.deepEqual(projectRuns(dir, 'ntu120-96/24', 'reference-ntu120'), []);
    const r = rowOf(ntuReproducibilityRows(dir, ABSENT), 'ntu120-96/24');
    assert.match(String(r['this project: paper preset']), /→ run: ZSL 61\.25 \(table1_zsl\.json, 3 seeds\)$/);
  });

  test('a "(not run)" row gives the not-run text; with the features present it says no run is stored', () => {
    const dir = tempDir('repro-missing');
    writeTable(dir, 'table1_zsl_full', [
      { dataset: 'ntu60', split: 'ntu60-55/5', method: '(not run)', protocol: '', seeds: 0, ZSL: '', 'paper ZSL': '', note: 'features missing' },
      { dataset: 'ntu60', split: 'ntu60-55/5', method: 'Ours', protocol: 'clean', seeds: 0, ZSL: '' },
    ]);
    assert.ok(String(rowOf(ntuReproducibilityRows(dir, ABSENT), 'ntu60-55/5')['this project: reference preset']).endsWith(NOT_RUN));
    const found = rowOf(ntuReproducibilityRows(dir, { ntuFeaturesFound: true }), 'ntu60-55/5')['this project: reference preset'];
    assert.match(String(found), /→ not run here \(NTU features found, but no stored run with this preset in results\/table1_zsl\*\.json\)$/);
  });

  test('a malformed results file is an FsvaeInputError naming the file', () => {
    const dir = tempDir('repro-bad');
    const file = path.join(dir, 'table1_zsl_full.json');
    fs.writeFileSync(file, '{"rows": [');
    const names = (re: RegExp) => (e: unknown) => e instanceof FsvaeInputError && e.message.includes(file) && re.test(e.message);
    assert.throws(() => ntuReproducibilityRows(dir, ABSENT), names(/not valid JSON/));
    fs.writeFileSync(file, JSON.stringify({ rows: { split: 'ntu60-55/5' } }));
    assert.throws(() => ntuReproducibilityRows(dir, ABSENT), names(/"rows"/));
  });

  test("the repository's own results/ folder reads without error", () => {
    assert.equal(ntuReproducibilityRows().length, NTU_REPRODUCTION_SPLITS.length);
  });
});

describe('README block: what to expect on NTU and the random-split protocol', () => {
  test('the committed README block equals the one generated from results/ (run node scripts/update-readme.js after new results)', () => {
    const readme = fs.readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');
    assert.equal(updateReadmeExpectations(readme).changed, false);
  });
  test('generated from stored rows: the NTU table, a random-split mean row, a missing benchmark; markers required', () => {
    const dir = tempDir('readme-expect');
    const rows = ntuReproducibilityRows(dir, { ntuFeaturesFound: false });
    fs.writeFileSync(path.join(dir, 'ntu_reproducibility.json'), JSON.stringify({ rows }));
    const pku = [
      {
        dataset: 'PKU-MMD 46/5 (SA-DVAE ST-GCN features)',
        split: 'mean of 3 splits',
        status: 'run',
        method: 'Ours',
        protocol: 'clean',
        ZSL: '61.0 [55.0, 67.0]',
        'split means': '60.0 / 61.0 / 62.0',
      },
      {
        dataset: 'PKU-MMD 46/5 (SA-DVAE ST-GCN features)',
        split: 'mean of 3 splits',
        status: 'run',
        method: 'Ours',
        protocol: 'reference (test-selected)',
        ZSL: '70.0 [65.0, 75.0]',
        'split means': '69.0 / 70.0 / 71.0',
      },
    ];
    fs.writeFileSync(path.join(dir, 'table6_pku_mmd.json'), JSON.stringify({ rows: pku }));
    const ntu = [
      {
        dataset: 'NTU-60 55/5 (SA-DVAE ST-GCN features)',
        split: 'ntu60_split2, ntu60_split3, ntu60_split4',
        status: 'missing',
        note: "SA-DVAE's archive not found (tried /x/sadvae); get it with: npx fsvae download sadvae-resources",
      },
    ];
    fs.writeFileSync(path.join(dir, 'table1_random_splits.json'), JSON.stringify({ rows: ntu }));
    const { text } = updateReadmeExpectations('a\n<!-- expectations:begin -->\nold\n<!-- expectations:end -->\nb', dir);
    assert.ok(!text.includes('old'));
    assert.match(text, /\| split \| paper ZSL \| paper H \| this project: reference preset \| compare against \|/);
    assert.match(text, /\| ntu60-48\/12 \| 57\.2 \| 52\.1 \|/);
    assert.ok(
      text.includes(
        '- PKU-MMD 46/5, clean ZSL, mean of the split means [95 % interval]: ' +
          'Ours 61.0 [55.0, 67.0] (split means 60.0 / 61.0 / 62.0); published: SA-DVAE 66.54, TDSM 70.76, FS-VAE 71.2.',
      ),
    );
    assert.ok(!text.includes('70.0 [65.0'), 'the test-selected row is not the summary');
    assert.ok(
      text.includes(
        "- NTU-60 55/5: not run here (SA-DVAE's archive not found; get it with: npx fsvae download sadvae-resources); " +
          'published: SA-DVAE 84.2, TDSM 88.88.',
      ),
    );
    assert.ok(!text.includes('NTU-120'), 'a benchmark with no stored rows has no line');
    assert.throws(() => updateReadmeExpectations('no markers', dir), /expectations:begin/);
  });
});
