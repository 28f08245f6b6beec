/**
 * The Slurm job files of scripts/cluster/ without a Slurm: `submit.sh` is run against a stand-in
 * `sbatch` that records its arguments (the three jobs, their dependencies, arrays and CPUs), and
 * `grid.sbatch` is run as Slurm would run one task, with a stand-in CLI that records what it was
 * called with. A real Slurm run is scripts/cluster/scale-slurm.sh (not part of the tests).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../lib/data/paths';
import { tempDir } from '../temp-dirs';

const cluster = path.join(repoRoot(), 'scripts', 'cluster');

/** A folder with stand-in `sbatch` and `scancel` (each call appended to calls.log) on PATH. */
function fakeSlurm(failOn?: string): { dir: string; env: NodeJS.ProcessEnv; calls: () => string[][] } {
  const dir = tempDir('fake-slurm');
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const log = path.join(dir, 'calls.log');
  // each call: one line of NUL-separated arguments; job ids count up from 100
  fs.writeFileSync(
    path.join(bin, 'sbatch'),
    `#!/usr/bin/env bash
printf '%s\\0' sbatch "$@" >>"${log}"; echo >>"${log}"
n=$(( $(cat "${log}.n" 2>/dev/null || echo 0) + 1 )); echo "$n" >"${log}.n"
if [[ -n "${failOn ?? ''}" && "$*" == *"${failOn ?? ''}"* ]]; then echo "sbatch: error: refused" >&2; exit 1; fi
echo "$((99 + n));cluster"
`,
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(bin, 'scancel'), `#!/usr/bin/env bash\nprintf '%s\\0' scancel "$@" >>"${log}"; echo >>"${log}"\n`, { mode: 0o755 });
  const calls = () =>
    fs.existsSync(log)
      ? fs
          .readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('\0').filter(Boolean))
      : [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    FSVAE_LOG_DIR: path.join(dir, 'logs'),
    FSVAE_CACHE_DIR: path.join(dir, 'cache'),
  };
  for (const k of ['FSVAE_GRID_ARGS', 'FSVAE_PREPARE_TASKS', 'FSVAE_PREPARE_CPUS', 'FSVAE_CPUS_PER_TASK', 'FSVAE_SBATCH_ARGS']) delete env[k];
  return { dir, env, calls };
}

const submit = (args: string[], env: NodeJS.ProcessEnv) => spawnSync('bash', [path.join(cluster, 'submit.sh'), ...args], { env, encoding: 'utf8' });
const flag = (call: string[], name: string) => call.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

test('submit.sh: prepare array → train array (afterok) → assembly (afterok), the grid flags passed to every job', () => {
  const s = fakeSlurm();
  const r = submit(['--parsable', 'tables', '3', '--mode', 'full', '--table', 'table3'], { ...s.env, FSVAE_CPUS_PER_TASK: '4' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '100 101 102');
  const [prep, train, asm] = s.calls();
  assert.equal(s.calls().length, 3);
  for (const [call, step] of [
    [prep, 'prepare'],
    [train, 'train'],
    [asm, 'assemble'],
  ] as const) {
    assert.deepEqual(call.slice(-3), [path.join('scripts', 'cluster', 'grid.sbatch'), 'tables', step]);
    assert.equal(flag(call, 'job-name'), `fsvae-tables-${step}`);
  }
  assert.equal(flag(prep, 'array'), '1-3');
  assert.equal(flag(prep, 'cpus-per-task'), '2');
  assert.equal(flag(prep, 'dependency'), undefined);
  assert.equal(flag(train, 'array'), '1-3');
  assert.equal(flag(train, 'cpus-per-task'), '4');
  assert.equal(flag(train, 'dependency'), 'afterok:100');
  assert.ok(train.includes('--kill-on-invalid-dep=yes'));
  assert.equal(flag(asm, 'array'), undefined);
  assert.equal(flag(asm, 'dependency'), 'afterok:101');
  // without the prepare job, the train array depends on nothing
  const t = fakeSlurm();
  const noPrep = submit(['--parsable', 'sweeps', '2'], { ...t.env, FSVAE_PREPARE_TASKS: '0' });
  assert.equal(noPrep.status, 0, noPrep.stderr);
  assert.equal(noPrep.stdout.trim(), '- 100 101');
  assert.equal(flag(t.calls()[0], 'dependency'), undefined);
  assert.deepEqual(t.calls()[0].slice(-2), ['sweeps', 'train']);
});

test('submit.sh: bad input is one line naming the fix, and a failed submission cancels the jobs already submitted', () => {
  const s = fakeSlurm();
  const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
    [['tables', '2', '--shard', '1/2'], {}, /--shard: the jobs set the shards/],
    [['tables', '2', '--cache-dir', '/x'], {}, /set FSVAE_CACHE_DIR instead/],
    [['table', '2'], {}, /the grid must be tables or sweeps, not 'table'/],
    [['tables', '0'], {}, /<tasks> must be a positive integer, not '0'/],
    [['tables', '2'], { FSVAE_PREPARE_CPUS: 'two' }, /FSVAE_PREPARE_CPUS must be a positive integer/],
    [['tables'], {}, /usage: submit.sh/],
  ];
  for (const [args, env, want] of cases) {
    const r = submit(args, { ...s.env, ...env });
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, want);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.equal(s.calls().length, 0, 'nothing was submitted');
  const f = fakeSlurm('assemble');
  const r = submit(['tables', '2'], f.env);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /sbatch of the assemble job failed \(jobs 100 101 cancelled\)/);
  assert.deepEqual(f.calls().at(-1), ['scancel', '100', '101']);
});

test('grid.sbatch: each step calls the CLI with its flag, the shared cache and the grid flags; misuse exits 2', () => {
  const dir = tempDir('grid-sbatch');
  const cliLog = path.join(dir, 'cli.log');
  const standIn = path.join(dir, 'fsvae');
  fs.writeFileSync(standIn, `#!/usr/bin/env bash\necho "$*" >>"${cliLog}"\n`, { mode: 0o755 });
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    SLURM_SUBMIT_DIR: repoRoot(),
    FSVAE_CLI: standIn,
    FSVAE_CACHE_DIR: path.join(dir, 'cache'),
    FSVAE_GRID_ARGS: '--mode quick --seeds 2',
  };
  for (const k of ['SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_MIN', 'SLURM_ARRAY_TASK_MAX', 'SLURM_ARRAY_TASK_COUNT', 'FSVAE_REPO']) delete base[k];
  const array = { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '2', SLURM_ARRAY_TASK_COUNT: '2' };
  const sbatchFile = path.join(cluster, 'grid.sbatch');
  const job = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync('bash', [sbatchFile, ...args], { env: { ...base, ...env }, encoding: 'utf8' });
  const cache = path.join(dir, 'cache');
  assert.equal(job(['tables', 'prepare'], array).status, 0);
  assert.equal(job(['tables', 'train'], array).status, 0);
  const asm = job(['sweeps', 'assemble']);
  assert.equal(asm.status, 0, asm.stderr);
  assert.match(asm.stdout, /^\[sbatch\] start \d+\.\d+$/m);
  assert.match(asm.stdout, /^\[sbatch\] end \d+\.\d+ exit 0$/m);
  assert.deepEqual(fs.readFileSync(cliLog, 'utf8').trim().split('\n'), [
    `tables --prepare --cache-dir ${cache} --mode quick --seeds 2`,
    `tables --cache-dir ${cache} --mode quick --seeds 2`,
    `sweeps --assemble --cache-dir ${cache} --mode quick --seeds 2`,
  ]);
  const misuse: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
    [['tables', 'train'], {}, /the train step is an array job/],
    [['tables', 'assemble'], array, /the assemble step is one job, not an array/],
    [['grid', 'train'], array, /first argument must be tables or sweeps/],
    [['tables', 'run'], array, /second argument must be prepare, train or assemble/],
  ];
  for (const [args, env, want] of misuse) {
    const r = job(args, env);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, want);
  }
  assert.equal(fs.readFileSync(cliLog, 'utf8').trim().split('\n').length, 3, 'misuse never reaches the CLI');
});
