import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../lib/runtime/backend';
import { trainStage2 } from '../../lib/train/stage2';
import { FsvaeInputError } from '../../lib/util/assert';
import { tinyConfig, tinyInputs } from '../fixtures/stage2-tiny';

test('stage-2 resume: refused when the engine, preset or data differ from the checkpoint; restored cycles are reported', async () => {
  await initBackend({ quiet: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-resume-'));
  try {
    const inputs = tinyInputs();
    const first = await trainStage2(tinyConfig(1, 30), inputs, { seed: 1, checkpointDir: dir, engine: 'autodiff' });
    assert.equal(first.engine, 'autodiff');
    const refused = (re: RegExp) => (e: unknown) => e instanceof FsvaeInputError && /written by a different run/.test(e.message) && re.test(e.message);
    await assert.rejects(
      () => trainStage2(tinyConfig(2, 30), inputs, { seed: 1, checkpointDir: dir, engine: 'fused' }),
      refused(/stage-2 engine \(checkpoint autodiff, now fused\)/),
    );
    const renamed = { ...tinyConfig(2, 30), name: 'renamed' };
    await assert.rejects(
      () => trainStage2(renamed, inputs, { seed: 1, checkpointDir: dir, engine: 'autodiff' }),
      refused(/the preset \(checkpoint quick, now renamed\)/),
    );
    await assert.rejects(
      () => trainStage2(tinyConfig(2, 30), tinyInputs(4), { seed: 1, checkpointDir: dir, engine: 'autodiff' }),
      refused(/configuration, seed or data/),
    );
    // the same run resumes, and reports the restored cycle first
    const seen: { cycle: number; restored?: boolean }[] = [];
    const resumed = await trainStage2(tinyConfig(1, 30), inputs, {
      seed: 1,
      checkpointDir: dir,
      engine: 'autodiff',
      onCycle: (c) => seen.push({ cycle: c.cycle, restored: c.restored }),
    });
    assert.equal(resumed.resumedFromCycle, 1);
    assert.deepEqual(seen, [{ cycle: 0, restored: true }]);
    assert.equal(resumed.cycles[0].zslAccuracy, first.cycles[0].zslAccuracy);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
