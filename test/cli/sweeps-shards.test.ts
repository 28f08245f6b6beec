/**
 * `fsvae sweeps` on a cluster, played by local processes on a reduced grid (quick mode, the α and λ
 * sweeps: 5 distinct runs, λ = 100 reusing the α = 0.5 run): --prepare, then two shards running at
 * once, then the assembly give the same tables and runs as one serial run (from a copy of the
 * prepared features); the assembly before the
 * shards names what is missing; a run removed from the cache is trained again by exactly one shard.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { repoRoot } from '../../lib/data/paths';

const cli = path.join(repoRoot(), 'dist', 'lib', 'cli', 'main.js');
const GRID = ['--mode', 'quick', '--sweep', 'alpha,lambda'];
const RUNS = 5;

function sweeps(args: string[], cache: string, results: string, data: string, grid = GRID): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, 'sweeps', ...grid, '--cache-dir', cache, ...args], {
      env: { ...process.env, FSVAE_RESULTS: results, FSVAE_BACKEND: 'wasm', FSVAE_DATA: data },
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, out }));
  });
}

/** What must not depend on how the runs were scheduled: rows, notes, CSV, the markdown table, every cached run's values (times and checksums aside). */
function content(results: string, cache: string): unknown {
  const j = JSON.parse(fs.readFileSync(path.join(results, 'ablation_table5.json'), 'utf8'));
  const md = fs.readFileSync(path.join(results, 'ablation_table5.md'), 'utf8');
  const runsDir = path.join(cache, 'ablations');
  // times differ between runs, and so does the checksum that covers them
  const noTimes = (_k: string, v: unknown) => (_k === 'wallSeconds' || _k === 'stepsPerSecond' || _k === 'check' ? undefined : v);
  // keyed by the variant (file names hold the code version, which a rebuild of dist/ between two runs changes)
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(runsDir, f), 'utf8'), noTimes);
  const runs = Object.fromEntries(
    fs
      .readdirSync(runsDir)
      .map(read)
      .map((r) => [r.variant.name, r]),
  );
  assert.equal(Object.keys(runs).length, RUNS);
  return {
    rows: j.rows,
    notes: j.notes,
    csv: fs.readFileSync(path.join(results, 'ablation_table5.csv'), 'utf8'),
    md: md.slice(0, md.indexOf('Provenance:')),
    runs,
  };
}

const shardLine = (out: string) => /\[sweeps\] shard \d+\/2 \(--shard \d+\/2\): (\d+) of (\d+) runs are this shard's: (\d+) to train, (\d+) cached/.exec(out);
const trained = (out: string) => Number(shardLine(out)?.[3] ?? NaN);

test('--prepare, two shards at once and --assemble = a serial run; a removed run is retrained by one shard', { timeout: 15 * 60_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-sweeps-shards-'));
  const data = path.join(dir, 'no-data');
  fs.mkdirSync(data);
  const serialCache = path.join(dir, 'serial-cache');
  const cache = path.join(dir, 'shared-cache');
  const results = path.join(dir, 'assembled');
  const prep = await sweeps(['--prepare'], cache, results, data);
  assert.equal(prep.code, 0, prep.out);
  assert.match(prep.out, /\[sweeps\] prepare \(all\): 1 of 1 dataset entries/);
  assert.match(prep.out, /\[features\] stage 1 .* writing /);
  assert.match(prep.out, /\[features\] text lb_ad_md of generated-35\/5: 40 × \d+ \(use-lite\)/);
  assert.ok(!fs.existsSync(path.join(cache, 'ablations')), '--prepare trains nothing');
  // the serial run starts from the same prepared features in a cache of its own (stage 1 is not what is compared here)
  for (const sub of fs.readdirSync(cache)) fs.cpSync(path.join(cache, sub), path.join(serialCache, sub), { recursive: true });
  const serialRun = sweeps([], serialCache, path.join(dir, 'serial'), data);
  const none = await sweeps(['--prepare', '--shard', '2/2'], cache, results, data);
  assert.match(none.out, /\[sweeps\] prepare \(shard 2\/2\): 0 of 1 dataset entries/);

  const early = await sweeps(['--assemble'], cache, results, data);
  assert.equal(early.code, 1, 'assembly before the shards ran fails');
  assert.match(early.out, new RegExp(`fsvae sweeps: ${RUNS} of ${RUNS} runs are not in the cache`));
  assert.match(early.out, /compute them with: fsvae sweeps --mode quick --sweep alpha,lambda --cache-dir \S+ --shard i\/n for every i/);

  const serial = await serialRun;
  assert.equal(serial.code, 0, serial.out);
  assert.match(serial.out, /\[features\] cached: /);
  assert.equal([...serial.out.matchAll(/\[generated-35\/5\] [αλ] = [\d.]+: ZSL .* in \d+ s/g)].length, RUNS, serial.out);
  assert.match(serial.out, /table5-lambda 100: same configuration as 'α = 0.5', reused/);
  const [one, two] = await Promise.all([sweeps(['--shard', '1/2'], cache, results, data), sweeps(['--shard', '2/2'], cache, results, data)]);
  assert.equal(one.code, 0, one.out);
  assert.equal(two.code, 0, two.out);
  for (const s of [one, two]) {
    assert.match(s.out, /\[features\] cached: /, 'the shards read the prepared features');
    assert.equal(shardLine(s.out)?.[2], String(RUNS), s.out);
    assert.match(s.out, /\[sweeps\] shard \d\/2: trained 1\/\d generated-35\/5 [αλ] = [\d.]+ in \d+ s/);
    assert.match(s.out, /\[sweeps\] shard \d\/2: done, \d run\(s\) trained in \d+ s; build the tables with --assemble/);
  }
  assert.equal(trained(one.out) + trained(two.out), RUNS, `${one.out}\n${two.out}`);
  assert.ok(Math.abs(trained(one.out) - trained(two.out)) <= 1, 'balanced: equal costs split evenly');
  assert.ok(!fs.existsSync(path.join(results, 'ablation_table5.json')), 'a shard writes no results');
  const assembled = await sweeps(['--assemble'], cache, results, data);
  assert.equal(assembled.code, 0, assembled.out);
  assert.deepEqual(content(results, cache), content(path.join(dir, 'serial'), serialCache));

  // a run removed from the cache (as by a killed shard) is trained again by its shard only
  const entries = fs.readdirSync(path.join(cache, 'ablations')).sort();
  assert.equal(entries.length, RUNS);
  fs.rmSync(path.join(cache, 'ablations', entries[0]));
  const refused = await sweeps(['--assemble'], cache, results, data);
  assert.equal(refused.code, 1);
  assert.match(refused.out, new RegExp(`1 of ${RUNS} runs are not in the cache`));
  assert.ok(refused.out.includes(entries[0].replace(/\.json$/, '')), refused.out);
  const again = await Promise.all([sweeps(['--shard', '1/2'], cache, results, data), sweeps(['--shard', '2/2'], cache, results, data)]);
  assert.deepEqual(again.map((r) => trained(r.out)).sort(), [0, 1]);
  assert.equal((await sweeps(['--assemble'], cache, results, data)).code, 0);
  assert.deepEqual(content(results, cache), content(path.join(dir, 'serial'), serialCache));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('cluster flags are checked before any work', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-sweeps-flags-'));
  const run = (args: string[]) => sweeps(args, path.join(dir, 'cache'), path.join(dir, 'results'), dir, []);
  const cases: [string[], RegExp][] = [
    [['--prepare', '--assemble'], /--prepare and --assemble are two steps/],
    [['--assemble', '--shard', '1/2'], /--assemble builds the results from every shard: drop --shard\/--shards/],
    [['--shard', '3/2'], /--shard '3\/2': give i\/n with 1 ≤ i ≤ n/],
    [['--sweep', 'alpha,gamma'], /--sweep: unknown sweep 'gamma'; known: alpha, lambda, phi, bands/],
  ];
  for (const [args, message] of cases) {
    const r = await run(args);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, message);
  }
  assert.ok(!fs.existsSync(path.join(dir, 'cache')), 'nothing was computed');
  fs.rmSync(dir, { recursive: true, force: true });
});
