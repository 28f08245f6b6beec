/** Provenance's gitDirty counts changed code, not the results and notebook outputs a run rewrites. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeDirty } from '../../lib/report/provenance';

test('gitDirty: results/ and notebooks/ changes do not count, any other tracked change does', () => {
  assert.equal(codeDirty(null), false);
  assert.equal(codeDirty(''), false);
  assert.equal(codeDirty(' M results/table1_zsl.md\n M notebooks/03_main_results.ipynb\nM  results/figures/a.svg'), false);
  assert.equal(codeDirty(' M results/table1_zsl.md\n M lib/train/stage2.ts'), true);
  assert.equal(codeDirty('MM README.md'), true);
  assert.equal(codeDirty(' M "results/with space.md"'), false);
  assert.equal(codeDirty(' M test/results/x.ts'), true, 'only the top-level folders are run outputs');
});
