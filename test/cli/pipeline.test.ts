import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { tinyPipelineArgs } from './tiny-pipeline';

test('fsvae pipeline: raw generated skeletons → stage 1 → stages 2-4, one JSON (tiny budgets)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-pipe-'));
  const out = path.join(dir, 'result.json');
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    printed.push(...String(chunk).split('\n'));
    return true;
  }) as typeof process.stdout.write;
  let code: number;
  try {
    code = await main(
      tinyPipelineArgs({ dataset: 'generated', split: 'generated-35/5', cacheDir: path.join(dir, 'cache'), out, steps: 40 }, [
        ...['--stage1', 'shift-gcn-tiny', '--epochs', '1', '--engine', 'autodiff'],
      ]),
    );
  } finally {
    process.stdout.write = write;
  }
  // stages 2-4 report every finished cycle of every variant, seed and phase (not a TTY here: no bar)
  assert.ok(
    printed.some((l) => /^\[Ours seed 1 train\] cycle 1\/1: ZSL \d+\.\d, loss -?\d+\.\d{3}, \d+\.\d s$/.test(l)),
    printed.filter((l) => /seed 1/.test(l)).join('\n'),
  );
  assert.ok(printed.some((l) => /^\[Ours seed 1 val\] cycle 1\/1: pseudo-unseen ZSL /.test(l)));
  assert.ok(!printed.some((l) => /^Ours seed 1 (train|val) \[[#-]+\]/.test(l)), 'no stage-2 progress bar when stdout is not a terminal');
  assert.equal(code, 0);
  const j = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.equal(j.kind, 'fsvae-pipeline');
  assert.equal(j.split.name, 'generated-35/5');
  // stage 1 never trained on unseen classes: the phase-train extractor's classes are exactly the seen ones
  assert.deepEqual(j.stage1.train.trainedClasses, j.split.seen);
  assert.deepEqual(j.stage1.val.trainedClasses, j.split.valSeen);
  assert.equal(j.rows.length, 2); // clean + reference
  assert.match(j.provenance.data, /generated dataset/);
  assert.equal(j.provenance.stage2Engine, 'autodiff');
  assert.equal(j.runs[0].perSeed[0].stage2Engine, 'autodiff');
  assert.equal(await main(['pipeline', '--dataset', 'generated', '--split', 'generated-35/5', '--engine', 'fast']), 2);
  // ad hoc unseen list and bad arguments
  assert.equal(await main(['extract', '--dataset', 'generated', '--unseen', '0,99']), 1);
  assert.equal(await main(['extract', '--dataset', 'kinetics', '--split', 'generated-35/5']), 2);
  fs.rmSync(dir, { recursive: true, force: true });
});
