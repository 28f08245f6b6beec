import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../../lib/runtime/backend';
import { getSplit } from '../../lib/data/splits';
import { writeSyntheticBenchmark } from '../../lib/data/synthetic-features';
import { loadZeroShotData, runZeroShotBenchmark } from '../../lib/pipeline/zero-shot';
import { scaledSchedule, fsvaePreset } from '../../lib/train/config';
import { main } from '../../lib/cli/main';
import { tempDir } from '../temp-dirs';

let dir = '';
before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
  dir = tempDir('zs');
  writeSyntheticBenchmark(dir, getSplit('ntu60-55/5'), { skeletonDim: 48, trainPerClass: 12, testPerClass: 6, seed: 2 });
});

function tinyPreset() {
  const cfg = fsvaePreset('quick');
  cfg.schedule = scaledSchedule(60, 2);
  cfg.latentDim = 16;
  cfg.classifier = { samplesPerClass: 40, steps: 60, learningRate: 1e-3 };
  return cfg;
}

describe('stages 2-4 on a generated SynSE/MSF layout', () => {
  test('both protocols, gate and GZSL: invariants that must hold', async () => {
    const split = getSplit('ntu60-55/5');
    const data = loadZeroShotData({ features: path.join(dir, 'sk_feats'), text: dir, textMode: 'lb_ad_md', encoder: 'ViT-B/32' }, split);
    assert.equal(data.text.cols, 1536);
    assert.equal(data.trainPhase.gtest!.rows, 60 * 6);
    const r = await runZeroShotBenchmark(tinyPreset(), data, { seeds: [1, 2] });
    // the val phase ran in a worker thread; the same phase in the main thread gives identical numbers
    const seq = await runZeroShotBenchmark(tinyPreset(), data, { seeds: [1], parallel: false, latentsOf: ['ztest'] });
    const lat = seq.firstSeedLatents.ztest;
    assert.equal(lat.latents.length, data.trainPhase.ztest.rows * 16);
    assert.ok(lat.latents.every(Number.isFinite));
    assert.deepEqual(seq.perSeed[0].valZslByCycle, r.perSeed[0].valZslByCycle);
    assert.deepEqual(seq.perSeed[0].gzsl, r.perSeed[0].gzsl);
    assert.equal(r.perSeed.length, 2);
    for (const s of r.perSeed) {
      // the reference protocol takes the best test cycle: it can never report less than clean
      assert.ok(s.zsl.reference >= s.zsl.clean);
      assert.equal(s.zsl.reference, Math.max(...s.testZslByCycle));
      assert.equal(s.cycle.clean, s.valZslByCycle.indexOf(Math.max(...s.valZslByCycle)));
      for (const p of ['clean', 'reference'] as const) {
        const { S, U, H } = s.gzsl[p];
        assert.ok(S >= 0 && S <= 1 && U >= 0 && U <= 1);
        assert.ok(Math.abs(H - (S + U > 0 ? (2 * S * U) / (S + U) : 0)) < 1e-12);
      }
    }
    const zs = r.perSeed.map((s) => s.zsl.clean);
    assert.ok(Math.abs(r.summary.clean.zsl.mean - (zs[0] + zs[1]) / 2) < 1e-12);
    // per-class accuracies cover all 60 classes of gtest
    assert.equal(r.firstSeedGzsl.clean.perClass.length, 60);
  });
  test('fsvae run writes a JSON result with provenance; bad arguments exit non-zero', async () => {
    const out = path.join(dir, 'run.json');
    const code = await main([
      'run',
      '--features',
      path.join(dir, 'sk_feats'),
      '--text',
      dir,
      '--split',
      'ntu60-55/5',
      '--seeds',
      '1',
      '--cycles',
      '1',
      '--steps',
      '30',
      '--out',
      out,
    ]);
    assert.equal(code, 0);
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(j.kind, 'fsvae-run');
    assert.equal(j.split, 'ntu60-55/5');
    assert.ok(typeof j.provenance.gitCommit === 'string' && j.provenance.backend.includes('wasm'));
    assert.match(j.protocolLabels.reference, /TEST set/);
    // per-cycle JSON lines: 1 seed × 2 phases × 1 cycle
    const lines = fs
      .readFileSync(path.join(dir, 'run.cycles.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.phase).sort(), ['train', 'val']); // phases may finish in either order (val runs in a worker)
    assert.ok(lines.every((l) => typeof l.zslAccuracy === 'number' && typeof l.losses.total === 'number'));
    assert.equal(await main(['run', '--features', dir]), 2);
    assert.equal(await main(['run', '--features', path.join(dir, 'nope'), '--text', dir, '--split', 'ntu60-55/5']), 1);
  });
});
