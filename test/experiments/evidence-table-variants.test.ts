/** The variants of the evidence Tables 3, 4 and 9 (lib/experiments/tables/table3.ts, table4.ts, table9.ts) map to the configurations the paper describes. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { table3Variants, table4Variants, table9Variants } from '../../lib/experiments/evidence-tables';
import { BASELINE, OURS, applyVariant } from '../../lib/experiments/variants';
import { PAPER_TABLE3, PAPER_TABLE4, PAPER_TABLE9 } from '../../lib/experiments/paper-numbers';
import { fsvaePreset } from '../../lib/train/config';

const BASE = fsvaePreset('quick'); // α = 0.5, λ = 100, 'reference' FM

describe('Tables 3, 4 and 9: variant lists map to the right configurations', () => {
  test("Table 3: the paper's five rows in its order; '+ − −' = lb_ad_md, FM off, cross-reconstruction", () => {
    const all = table3Variants();
    assert.deepEqual(
      all.map((v) => v.key),
      Object.keys(PAPER_TABLE3),
    );
    const row = all.find((v) => v.key === '+ − −')!;
    const cfg = applyVariant(BASE, row);
    assert.equal(cfg.textMode, 'lb_ad_md');
    assert.equal(cfg.skeletonFrequency.mode, 'off');
    assert.equal(cfg.textFrequency.mode, 'off');
    assert.equal(cfg.alignment.loss, 'cross-reconstruction');
    const clOnly = applyVariant(BASE, all.find((v) => v.key === '− − +')!);
    assert.deepEqual([clOnly.textMode, clOnly.skeletonFrequency.mode, clOnly.alignment.loss], ['lb', 'off', 'calibrated-reference']);
    // '− − −' is the MSF-style baseline of Table 1, '+ + +' the full model
    const off = applyVariant(BASE, all.find((v) => v.key === '− − −')!);
    assert.deepEqual(off, applyVariant(BASE, BASELINE));
    assert.equal(off.textMode, 'lb');
    assert.equal(off.alignment.loss, 'cross-reconstruction');
    assert.deepEqual(applyVariant(BASE, all.find((v) => v.key === '+ + +')!), applyVariant(BASE, OURS));
    const fmOnly = applyVariant(BASE, all.find((v) => v.key === '− + −')!);
    assert.deepEqual([fmOnly.textMode, fmOnly.skeletonFrequency.preset, fmOnly.alignment.loss], ['lb', 'reference', 'cross-reconstruction']);
  });

  test('Table 4: AL = lb, LD = md, GD = ad, LD+GD = ad_md, AL+LD+GD = lb_ad_md, FM and CL on', () => {
    const v = table4Variants();
    assert.deepEqual(
      v.map((x) => x.key),
      Object.keys(PAPER_TABLE4),
    );
    assert.deepEqual(
      v.map((x) => applyVariant(BASE, x).textMode),
      ['lb', 'md', 'ad', 'ad_md', 'lb_ad_md'],
    );
    for (const x of v) {
      const c = applyVariant(BASE, x);
      assert.equal(c.skeletonFrequency.preset, 'reference');
      assert.equal(c.alignment.loss, 'calibrated-reference');
    }
  });

  test('Table 9: L_T1..L_T4 (Eq. 25-28) then the calibrated loss, nothing else changed', () => {
    const v = table9Variants();
    assert.deepEqual(
      v.map((x) => x.key),
      Object.keys(PAPER_TABLE9),
    );
    const cfgs = v.map((x) => applyVariant(BASE, x));
    assert.deepEqual(
      cfgs.map((c) => c.alignment.loss),
      ['triplet-T1', 'triplet-T2', 'triplet-T3', 'triplet-T4', 'calibrated-reference'],
    );
    for (const c of cfgs) {
      assert.equal(c.textMode, 'lb_ad_md');
      assert.deepEqual(c.skeletonFrequency, BASE.skeletonFrequency);
    }
  });
});
