/** The small-dataset presets: scoring of the validation-only selection, and the presets match the committed logs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/data/paths';
import { MAX_PRESET_STEPS, SelectionRecord, candidateConfig, scoreSelection, selectionCandidates } from '../../lib/experiments/small-data';
import { SMALL_DATA_SETTINGS, fsvaePreset } from '../../lib/train/config';

test('selection score: final-cycle val ZSL × |pseudo-unseen|, averaged; the winner must fit the step budget', () => {
  const [a, b] = [
    { name: 'short', latentDim: 16, alpha: 1, window: 'code' as const, cycles: 3, stepsPerCycle: 300 },
    { name: 'long', latentDim: 16, alpha: 1, window: 'code' as const, cycles: 3, stepsPerCycle: 900 },
  ];
  const rec = (candidate: string, split: string, valUnseen: number, last: number): SelectionRecord => ({
    candidate,
    split,
    seed: 1,
    valUnseen,
    valZslByCycle: [0.99, last],
    seconds: 0,
  });
  // short: (0.5·2 + 0.2·5)/2 = 1.0; long: (0.75·2 + 0.3·5)/2 = 1.5 (better, but 2700 steps > budget)
  const r = scoreSelection('nw-ucla', [a, b], [rec('short', 's1', 2, 0.5), rec('short', 's2', 5, 0.2), rec('long', 's1', 2, 0.75), rec('long', 's2', 5, 0.3)]);
  assert.deepEqual(
    r.scores.map((s) => Number(s.mean.toFixed(12))),
    [1, 1.5],
  );
  assert.equal(r.bestOverall.name, 'long');
  assert.equal(r.winner.name, 'short');
  assert.ok(3 * 300 <= MAX_PRESET_STEPS && 3 * 900 > MAX_PRESET_STEPS);
});

test("the 'early' alignment window starts at 30 % of the cycle; 'code' keeps the shrunk schedule's window", () => {
  const early = candidateConfig({ name: 'e', latentDim: 16, alpha: 2, window: 'early', cycles: 3, stepsPerCycle: 300 });
  const code = candidateConfig({ name: 'c', latentDim: 16, alpha: 2, window: 'code', cycles: 3, stepsPerCycle: 300 });
  assert.equal(early.schedule.alignStart, 90);
  assert.equal(code.schedule.alignStart, Math.round((1400 * 300) / 1700)); // 247: the code's 1400 of 1700
  assert.equal(early.alignment.alpha, 2);
  assert.equal(early.latentDim, 16);
});

for (const dataset of ['nw-ucla', 'utd-mhad'] as const) {
  test(`small-${dataset} holds the winner of results/preset_selection_${dataset}.json`, () => {
    const file = path.join(repoRoot(), 'results', `preset_selection_${dataset}.json`);
    const log = JSON.parse(fs.readFileSync(file, 'utf8')) as { dataset: string; records: SelectionRecord[]; winner: { name: string } };
    const rescored = scoreSelection(dataset, selectionCandidates(), log.records);
    assert.equal(rescored.winner.name, log.winner.name, "the committed log's winner is what its records give");
    const { name: _n, ...want } = rescored.winner;
    assert.deepEqual(SMALL_DATA_SETTINGS[dataset], want);
    const p = fsvaePreset(`small-${dataset}`);
    assert.equal(p.latentDim, want.latentDim);
    assert.equal(p.alignment.alpha, want.alpha);
    assert.equal(p.schedule.cycles * p.schedule.stepsPerCycle, want.cycles * want.stepsPerCycle);
  });
}
