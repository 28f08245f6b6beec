/**
 * Side-by-side training of evidence cells (lib/experiments/local-shards.ts): two processes, each
 * running a cell's two stage-2 phases one after the other, fill the cache with cells bit-for-bit
 * equal to those of one process running the phases in two threads; the notebook's Evidence then
 * trains nothing. On the generated dataset, Table 9 (quick mode, 2 seeds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Evidence, evidencePreset } from '../../lib/experiments/evidence';
import { runEvidenceTable } from '../../lib/experiments/evidence-tables';
import { localShardCount, trainCellsSideBySide } from '../../lib/experiments/local-shards';
import { initBackend } from '../../lib/runtime/backend';
import { tempDir } from '../temp-dirs';

test('FSVAE_LOCAL_SHARDS: a positive integer, else the cores available', () => {
  assert.equal(localShardCount({ FSVAE_LOCAL_SHARDS: '3' }), 3);
  assert.equal(localShardCount({}), os.availableParallelism());
  for (const bad of ['0', '-1', 'two', '1.5']) assert.throws(() => localShardCount({ FSVAE_LOCAL_SHARDS: bad }), /FSVAE_LOCAL_SHARDS/);
});

test('cells trained side by side equal the serial ones; the tables then train nothing', { timeout: 10 * 60_000 }, async () => {
  await initBackend();
  const dir = tempDir('local-shards');
  const saved = { cache: process.env.FSVAE_CACHE, shards: process.env.FSVAE_LOCAL_SHARDS };
  try {
    const config = evidencePreset('quick', ['generated']);
    process.env.FSVAE_CACHE = path.join(dir, 'serial');
    const serial = new Evidence(config);
    const want = await runEvidenceTable(serial, 'table9');
    assert.ok(serial.progress.done >= 8 && serial.progress.cached === 0, `${serial.progress.done} cells trained serially`);
    // the side-by-side run starts from the same features (stage 1 is not what is compared here)
    process.env.FSVAE_CACHE = path.join(dir, 'side');
    fs.cpSync(path.join(dir, 'serial', 'features'), path.join(dir, 'side', 'features'), { recursive: true });
    process.env.FSVAE_LOCAL_SHARDS = '2';
    const ev = new Evidence(config);
    const lines: string[] = [];
    const r = await trainCellsSideBySide(ev, ['table9'], (l) => lines.push(l));
    assert.equal(r.skipped, undefined, lines.join('\n'));
    assert.equal(r.workers, 2);
    assert.equal(r.missing, serial.progress.done);
    assert.ok(
      lines.some((l) => l.startsWith('[shard 1/2] [tables] shard 1/2')),
      lines.join('\n'),
    );
    const got = await runEvidenceTable(ev, 'table9');
    assert.equal(ev.progress.cached, ev.progress.done, 'every cell came from the cache');
    assert.deepEqual(got.rows, want.rows);
    const values = (t: typeof want) => t.input!.runs.map(({ seconds: _s, ...run }) => run);
    assert.deepEqual(values(got), values(want));
    // a second call finds nothing to train
    const again = await trainCellsSideBySide(ev, ['table9']);
    assert.match(again.skipped ?? '', /^0 missing cell\(s\)/);
    // a configuration that is not the CLI's preset is trained here, not side by side
    const other = await trainCellsSideBySide(new Evidence({ ...config, seeds: [1] }), ['table9']);
    assert.match(other.skipped ?? '', /not evidencePreset\('quick'\)/);
  } finally {
    for (const [k, v] of [
      ['FSVAE_CACHE', saved.cache],
      ['FSVAE_LOCAL_SHARDS', saved.shards],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});
