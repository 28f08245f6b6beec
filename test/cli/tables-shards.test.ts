/**
 * `fsvae tables` on a cluster, played by local processes on a reduced grid (generated dataset,
 * Table 9, one seed): two shards running at once (from a copy of the serial run's features) plus
 * the assembly give the same table, bit for bit, as one serial run; a shard that is run again trains only what is missing; a damaged cache
 * entry is found by the assembly and recomputed by a shard.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { repoRoot } from '../../lib/data/paths';
import { tempDir } from '../temp-dirs';

const cli = path.join(repoRoot(), 'dist', 'lib', 'cli', 'main.js');
const GRID = ['--datasets', 'generated', '--table', 'table9', '--seeds', '1'];

function tables(args: string[], cache: string, results: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, 'tables', ...GRID, '--cache-dir', cache, ...args], {
      env: { ...process.env, FSVAE_RESULTS: results, FSVAE_BACKEND: 'wasm' },
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, out }));
  });
}

/** The table's rows and every run's values, without what depends on when and how long it ran. */
function tableContent(results: string): unknown {
  const j = JSON.parse(fs.readFileSync(path.join(results, 'ablation_table9.json'), 'utf8'));
  const runs = (j.input.runs as Array<Record<string, unknown>>).map(({ seconds: _s, ...r }) => r);
  return { rows: j.rows, runs, specs: j.input.specs };
}

const trained = (out: string) => [...out.matchAll(/\[tables\] shard \d+\/\d+ \([^)]*\): .* (\d+) to train/g)].map((m) => Number(m[1]));

test('two shards at once + assembly = a serial run; re-runs train only what is missing; damaged entries are recomputed', { timeout: 15 * 60_000 }, async () => {
  const dir = tempDir('shards');
  const serial = await tables([], path.join(dir, 'serial-cache'), path.join(dir, 'serial'));
  assert.equal(serial.code, 0, serial.out);
  const cells = [...serial.out.matchAll(/\[evidence \d+\] .* in \d+ s/g)].length;
  assert.ok(cells >= 4, `the reduced grid trains several cells serially (${cells})`);

  const cache = path.join(dir, 'shared-cache');
  const results = path.join(dir, 'assembled');
  // the shards start from the serial run's stage-1 and text features (what is compared here is the
  // trained cells; --prepare, which computes the features for the shards, is tested in sweeps-shards)
  for (const sub of fs.readdirSync(path.join(dir, 'serial-cache')).filter((d) => d !== 'evidence')) {
    fs.cpSync(path.join(dir, 'serial-cache', sub), path.join(cache, sub), { recursive: true });
  }
  const early = await tables(['--assemble'], cache, results);
  assert.equal(early.code, 1, 'assembly before the shards ran fails');
  assert.match(early.out, new RegExp(`--assemble: ${cells} of ${cells} cells are not in the cache`));
  assert.match(early.out, /compute them with: fsvae tables .* --shard i\/n/);

  const [one, two] = await Promise.all([tables(['--shard', '1/2'], cache, results), tables(['--shard', '2/2'], cache, results)]);
  assert.equal(one.code, 0, one.out);
  assert.equal(two.code, 0, two.out);
  assert.equal(trained(one.out)[0] + trained(two.out)[0], cells, `${one.out}\n${two.out}`);
  assert.ok(Math.abs(trained(one.out)[0] - trained(two.out)[0]) <= 1, 'balanced: equal costs split evenly');
  assert.ok(!fs.existsSync(path.join(results, 'ablation_table9.json')), 'a shard writes no table');
  const assembled = await tables(['--assemble'], cache, results);
  assert.equal(assembled.code, 0, assembled.out);
  assert.deepEqual(tableContent(results), tableContent(path.join(dir, 'serial')));

  // a shard run again (as after being killed) trains only its missing cells
  const entries = fs
    .readdirSync(path.join(cache, 'evidence'))
    .filter((f) => f.endsWith('.json'))
    .sort();
  assert.equal(entries.length, cells);
  fs.rmSync(path.join(cache, 'evidence', entries[0]));
  const again = await Promise.all([tables(['--shard', '1/2'], cache, results), tables(['--shard', '2/2'], cache, results)]);
  assert.deepEqual(again.map((r) => trained(r.out)[0]).sort(), [0, 1]);

  // a damaged entry (valid JSON, a changed value) fails its checksum: the assembly lists it, a shard recomputes it
  const victim = path.join(cache, 'evidence', entries[1]);
  const entry = JSON.parse(fs.readFileSync(victim, 'utf8'));
  fs.writeFileSync(victim, JSON.stringify({ ...entry, zsl: entry.zsl + 0.5 }));
  const refused = await tables(['--assemble'], cache, results);
  assert.equal(refused.code, 1);
  assert.match(refused.out, new RegExp(`1 of ${cells} cells are not in the cache`));
  const fixed = await tables(['--shard', '1/1'], cache, results);
  assert.equal(trained(fixed.out)[0], 1, fixed.out);
  assert.equal((await tables(['--assemble'], cache, results)).code, 0);
  assert.deepEqual(tableContent(results), tableContent(path.join(dir, 'serial')));
});
