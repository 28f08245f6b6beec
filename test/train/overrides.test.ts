/** `--set key=value`: parsing, validation, and φ given on the command line reaching both enhancers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { parseFlags, repeated } from '../../lib/cli/registry';
import { applyOverrides, settablePaths } from '../../lib/train/overrides';
import { fsvaePreset } from '../../lib/train/config';
import { stage2Model } from '../../lib/train/stage2';
import { extractorConfig } from '../../lib/stage1/extractors';
import { frequencyConfig } from '../../lib/frequency/enhancer';
import { applyVariant, variantEdits } from '../../lib/experiments/variants';

test('--set is repeatable; φ from the command line reaches the skeleton and text enhancers', async () => {
  await tf.setBackend('cpu');
  const { flags } = parseFlags(['--set', 'frequency.phi=60', '--set=alignment.alpha=0.25', '--set', 'latentDim=8'], { set: 'repeat' });
  const sets = repeated(flags.set);
  assert.deepEqual(sets, ['frequency.phi=60', 'alignment.alpha=0.25', 'latentDim=8']);
  const base = fsvaePreset('quick');
  const { config, overrides } = applyOverrides(base, sets);
  assert.deepEqual(overrides, { 'skeletonFrequency.phi': 60, 'textFrequency.phi': 60, 'alignment.alpha': 0.25, latentDim: 8 });
  assert.equal(base.skeletonFrequency.phi, 30, 'the preset itself is not modified');
  assert.equal(config.skeletonFrequency.preset, 'custom');
  const model = stage2Model(config, 256, 1536, 1);
  // split points trunc(255·i/30): 0, 8, 17, 25, 34, 42, 51, 59, 68 → bands ending ≤ 60 are the first 7
  assert.equal(model.skeletonEncoder.frequency.layout.isLow.filter(Boolean).length, 7);
  assert.equal(model.skeletonEncoder.frequency.config.phi, 60);
  assert.equal(model.textEncoder.frequency.config.phi, 60);
  model.dispose();
  const reference = stage2Model(base, 256, 1536, 1);
  assert.equal(reference.skeletonEncoder.frequency.layout.isLow.filter(Boolean).length, 3); // φ = 30: 8, 17, 25
  reference.dispose();
});

test('--set refuses unknown keys, wrong types and unknown choices, naming what is valid', () => {
  const base = fsvaePreset('quick');
  assert.throws(() => applyOverrides(base, ['frequency.ph=3']), /no such setting.*skeletonFrequency\.phi/);
  assert.throws(() => applyOverrides(base, ['latentDim=abc']), /is a number/);
  assert.throws(() => applyOverrides(base, ['latentDim=2.5']), /positive integer/);
  assert.throws(() => applyOverrides(base, ['alignment.loss=hinge']), /one of calibrated-reference/);
  assert.throws(() => applyOverrides(base, ['skeletonFrequency.useK=yes']), /true or false/);
  assert.throws(() => applyOverrides(base, ['textMode=lb_xx']), /unknown part 'xx'/);
  assert.throws(() => applyOverrides(base, ['latentDim']), /write key=value/);
  assert.equal(applyOverrides(base, ['skeletonFrequency.useK=false']).config.skeletonFrequency.useK, false);
  assert.ok(settablePaths(base).some((p) => p.path === 'schedule.alignStart'));
  assert.ok(!settablePaths(base).some((p) => p.path === 'name'));
  // the stage-1 extractor's settings work the same way
  const ex = extractorConfig('dct-lda');
  const keys = settablePaths(ex).map((p) => p.path);
  assert.ok(keys.length > 0);
  assert.throws(() => parseFlags(['--preset', 'a', '--preset', 'b'], { preset: 'string' }), /given twice/);
});

test('--set and Variants are one operation: the same edits give the same config, labels included', () => {
  const base = fsvaePreset('quick');
  // a named module on both encoders; φ/b edited with it keep its name while they equal its own values
  const named = applyOverrides(base, ['frequency=learnable-only']).config;
  assert.deepEqual(named.skeletonFrequency, frequencyConfig('learnable-only'));
  assert.deepEqual(named.textFrequency, frequencyConfig('learnable-only'));
  assert.equal(applyOverrides(base, ['frequency=learnable-only', 'frequency.phi=30']).config.textFrequency.preset, 'learnable-only');
  const moved = applyOverrides(base, ['frequency=learnable-only', 'frequency.phi=35']).config;
  assert.deepEqual([moved.skeletonFrequency.preset, moved.skeletonFrequency.phi, moved.skeletonFrequency.mode], ['custom', 35, 'learnable-only']);
  // a field edited without naming a module is 'custom', even at the preset's own value
  assert.equal(applyOverrides(base, ['frequency.phi=30']).config.skeletonFrequency.preset, 'custom');
  assert.throws(() => applyOverrides(base, ['frequency=fancy']), /frequency must be one of reference, paper, learnable-only, off/);
  // a Variant is the same list of edits
  const v = { name: 'φ = 35', textMode: 'lb', frequency: 'reference' as const, phi: 35, alignment: 'triplet-T3' as const, alpha: 0.2 };
  assert.deepEqual(variantEdits(v), [
    ['textMode', 'lb'],
    ['frequency', 'reference'],
    ['frequency.phi', 35],
    ['alignment.loss', 'triplet-T3'],
    ['alignment.alpha', 0.2],
  ]);
  const sets = ['textMode=lb', 'frequency=reference', 'frequency.phi=35', 'alignment.loss=triplet-T3', 'alignment.alpha=0.2'];
  assert.deepEqual(applyVariant(base, v), applyOverrides(base, sets).config);
  assert.deepEqual(applyVariant(base, { name: 'b', frequency: 'reference', bands: 30 }).skeletonFrequency, frequencyConfig('reference'));
});
