#!/usr/bin/env node
// Why the text → skeleton transfer fails on NW-UCLA and UTD-MHAD: per split and text mode (AL, GD,
// LD, GD+LD, AL+GD+LD; USE-Lite), CKA / nearest-neighbour agreement / RSA of class text against
// class means of the stage-1 features, the ridge map per α, its labelled ceilings and the NCM
// oracle; per split the unseen-class confusion matrices of the ridge map and of FS-VAE (seed 1).
// lib/experiments/transfer-diagnosis.ts does the work. Writes results/transfer_diagnosis.{md,csv,json},
// results/transfer_diagnosis_geometry.{md,csv,json}, results/transfer_diagnosis_ridge.{md,csv,json} and results/transfer_confusion.{md,csv,json}.
// Needs npm run build. Options: --no-fsvae (skip the FS-VAE trainings), --splits a,b (split names),
// --only nw-ucla,utd-mhad, --permutations N. About 1-2 minutes per split with cached stage-1 features.
const lib = require('../dist/lib');
const { runTransferDiagnosis, writeTransferDiagnosis } = require('../dist/lib/experiments/transfer-diagnosis.js');

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

(async () => {
  await lib.initBackend();
  const t0 = Date.now();
  const list = (s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
  const opts = {
    fsvae: process.argv.includes('--no-fsvae') ? false : { seed: 1 },
    splits: list(arg('--splits')),
    only: list(arg('--only')),
    permutations: arg('--permutations') ? Number(arg('--permutations')) : 1000,
    log: (l) => console.log(l),
  };
  const r = await runTransferDiagnosis(opts);
  const files = writeTransferDiagnosis(r, lib.describeBackend(), { script: 'scripts/transfer-diagnosis.js', fsvae: opts.fsvae, permutations: opts.permutations, wallSeconds: (Date.now() - t0) / 1000 });
  for (const f of r.findings) console.log(`[finding] ${f}`);
  console.log(`[transfer-diagnosis] wrote ${files.join(', ')} (and .csv/.json) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
