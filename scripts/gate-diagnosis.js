#!/usr/bin/env node
// Why GZSL degenerates on NW-UCLA 5/5: the mean gate features (lib/eval/gate.ts: top-k of the
// unseen classifier's softmax ‖ top-k of the temperature-scaled seen-classifier probabilities,
// T = 2) of each group of samples, in the val phase the gate is trained on and in the test phase
// it is applied to, for NW-UCLA 5/5 and 8/2 (small-nw-ucla preset, seed 1, dct-lda features).
// Writes results/gate_diagnosis_nw-ucla.{csv,md}. Needs npm run build; about a minute.
const lib = require('../dist/lib');
const zs = require('../dist/lib/pipeline/zero-shot.js');
const gate = require('../dist/lib/eval/gate.js');
const ds = require('../dist/lib/pipeline/features.js');
const { writeResultTable } = require('../dist/lib/report/table.js');
const { provenance } = require('../dist/lib/report/provenance.js');

(async () => {
  await lib.initBackend();
  const t0 = Date.now();
  const rows = [];
  for (const split of ['nw-ucla-5/5', 'nw-ucla-8/2']) {
    const prepared = await ds.prepareFeatures({ kind: 'skeletons', dataset: 'nw-ucla', split }, { stage1: lib.extractorConfig('dct-lda'), seed: 1 });
    if (prepared.missing) throw new Error(prepared.message);
    const cfg = lib.fsvaePreset('small-nw-ucla');
    const text = await ds.textFeaturesFor(prepared, cfg.textMode, { kind: 'encoder', id: 'use-lite' });
    const data = ds.zeroShotDataFor(prepared, text);
    const [o] = await zs.runZeroShotSeeds(cfg, data, { seeds: [1], parallel: false });
    const s = data.split;
    const kVal = s.valUnseen.length;
    const k = Math.min(kVal, s.unseen.length); // as gzslForSeed
    const probs = (d, c) => ({ rows: d.length / c, cols: c, data: d });
    const logits = (f) => ({ rows: f.rows, cols: f.logitDim, data: f.logits });
    const vc = o.cycle.clean;
    const gt = data.trainPhase.gtest;
    const groups = [
      ['val', 'seen (val.npy)', gate.gateFeatures(probs(o.valResult.softmax[vc].val, kVal), logits(data.valPhase.val), k, 2), null],
      ['val', 'pseudo-unseen (ztest.npy)', gate.gateFeatures(probs(o.valResult.softmax[vc].ztest, kVal), logits(data.valPhase.ztest), k, 2), null],
    ];
    const fTest = gate.gateFeatures(probs(o.trainResult.softmax[o.cycle.clean].gtest, s.unseen.length), logits(gt), k, 2);
    groups.push(['test', 'seen (gtest)', fTest, (c) => s.seen.includes(c)], ['test', 'unseen (gtest)', fTest, (c) => s.unseen.includes(c)]);
    for (const [phase, group, f, keep] of groups) {
      const idx = [...Array(f.rows).keys()].filter((r) => !keep || keep(gt.labels[r]));
      const mean = (j) => idx.reduce((a, r) => a + f.data[r * f.cols + j], 0) / idx.length;
      const row = { split, phase, group, samples: idx.length, k, 'unseen classifier width': phase === 'val' ? kVal : s.unseen.length };
      for (let j = 0; j < k; j++) row[`p_zs top-${j + 1}`] = Number(mean(j).toFixed(3));
      for (let j = 0; j < k; j++) row[`seen prob top-${j + 1}`] = Number(mean(k + j).toFixed(3));
      rows.push(row);
    }
  }
  const prov = provenance(lib.describeBackend(), { script: 'scripts/gate-diagnosis.js', preset: 'small-nw-ucla', seed: 1, stage1: 'dct-lda', text: 'use-lite', wallSeconds: (Date.now() - t0) / 1000 });
  const { md } = writeResultTable({
    name: 'gate_diagnosis_nw-ucla', title: 'The GZSL gate on NW-UCLA: mean gate features per group, val phase (training the gate) vs test phase (using it)', rows,
    notes: [
      'Gate features (lib/eval/gate.ts, the code\'s design): top-k of the unseen classifier\'s softmax p_zs ‖ top-k of the seen classifier\'s probabilities at temperature T = 2, k = min(|pseudo-unseen|, |unseen|). The gate (logistic regression) is fitted on the val phase\'s seen vs pseudo-unseen samples and applied to the test phase\'s gtest.',
      'A gate can only route well when the two val-phase groups differ and the test-phase groups look like them. Compare the val rows of a split with each other, then with its test rows.',
      'One seed (1) of the small-nw-ucla preset on dct-lda features; the clean protocol\'s cycle.',
    ],
  }, prov);
  console.log(`[gate-diagnosis] wrote ${md}`);
})().catch((e) => { console.error(e); process.exit(1); });
