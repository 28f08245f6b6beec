/** Lever (d), stage-2 regularisation: each candidate changes one setting of the preset, the val score, and the test rows keep the val choice. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fsvaePreset } from '../../lib/train/config';
import { REGULARISATION_CANDIDATES, regularisationRows, scoreCandidates } from '../../lib/experiments/regularisation';
import { LeverRun } from '../../lib/experiments/levers';
import { SelectionRecord } from '../../lib/experiments/small-data';

/** The leaf paths where two JSON values differ. */
function differences(a: unknown, b: unknown, at = ''): string[] {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b) ? [] : [at];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k));
}

test('candidates: none is the preset; every other changes exactly one setting, by the factor its name says', () => {
  const preset = fsvaePreset('small-utd-mhad');
  const changed = Object.fromEntries(REGULARISATION_CANDIDATES.map((c) => [c.name, differences(preset, c.apply(preset))]));
  assert.deepEqual(changed, {
    none: [],
    'kl×5': ['schedule.klScale'],
    'kl×10': ['schedule.klScale'],
    'linear-decoder': ['decoderActivation'],
    'latent-8': ['latentDim'],
    'lr÷3': ['learningRate'],
    'batch×2': ['batchSize'],
  });
  const of = (name: string) => REGULARISATION_CANDIDATES.find((c) => c.name === name)!.apply(preset);
  assert.equal(of('kl×10').schedule.klScale, preset.schedule.klScale * 10);
  assert.equal(of('lr÷3').learningRate, preset.learningRate / 3);
  assert.equal(of('batch×2').batchSize, 2 * preset.batchSize);
  assert.equal(preset.schedule.klScale, 0.1, 'apply must not change the preset it is given');
});

test('val score: final-cycle val ZSL × |val-unseen|, mean and SE per candidate; the best is chosen', () => {
  const rec = (candidate: string, split: string, seed: number, valUnseen: number, last: number): SelectionRecord => ({
    candidate,
    split,
    seed,
    valUnseen,
    valZslByCycle: [0.9, last],
    seconds: 0,
  });
  // a: 0.5·2 = 1.0 and 0.3·5 = 1.5 → mean 1.25, SD 0.3536, SE 0.25; b: 0.6·2 = 1.2 and 0.28·5 = 1.4 → mean 1.3, SD 0.1414, SE 0.1
  const records = [rec('a', 's1', 1, 2, 0.5), rec('a', 's2', 1, 5, 0.3), rec('b', 's1', 1, 2, 0.6), rec('b', 's2', 1, 5, 0.28)];
  const { scores, best } = scoreCandidates(records, ['a', 'b']);
  assert.deepEqual(
    scores.map((s) => [s.name, Number(s.mean.toFixed(10)), Number(s.se.toFixed(10)), s.n]),
    [
      ['a', 1.25, 0.25, 2],
      ['b', 1.3, 0.1, 2],
    ],
  );
  assert.equal(best, 'b');
});

test("test rows mark the candidate chosen on the val phase, even when the test runs' own val scores would pick another", () => {
  const run = (mode: string, seed: number, zsl: number, valFinal: number): LeverRun => ({
    dataset: 'utd-mhad',
    split: 's',
    mode,
    seed,
    zsl,
    valFinal,
    chance: 0.2,
    valChance: 0.2,
    seconds: 1,
    engine: 'fused',
    code: 'x',
  });
  const runs = [run('none', 1, 0.2, 0.5), run('none', 2, 0.3, 0.5), run('kl×5', 1, 0.3, 0.4), run('kl×5', 2, 0.35, 0.4)];
  const rows = regularisationRows(
    runs,
    REGULARISATION_CANDIDATES.map((c) => c.name),
    { 'utd-mhad': 'kl×5' },
  );
  assert.equal(rows.find((r) => r.split === 'all' && r.mode === 'kl×5')!['chosen on val'], 'yes');
  assert.equal(rows.find((r) => r.split === 'all' && r.mode === 'none')!['chosen on val'], '');
  // d = 0.10, 0.05: mean 0.075, half-width t(0.975, 1)·0.0354/√2 = 0.318
  assert.equal(rows.find((r) => r.split === 's' && r.mode === 'kl×5')!['Δ vs none [95% CI]'], '7.5 [-24.3, 39.3]');
});
