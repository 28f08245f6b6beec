/**
 * The cluster shards of `fsvae tables` on one machine: the missing cells of some evidence tables
 * are trained by `workers` processes side by side (`tables --prepare` then `tables --shard i/n`,
 * one core each), so a notebook keeps every core busy. One process per core runs each cell's two
 * stage-2 phases one after the other; the default, one cell at a time with a phase per core,
 * leaves a core idle whenever one phase ends before the other. The cells land in the shared
 * cache, keyed by content, and the notebook's own Evidence then reads them: the tables are bit for
 * bit those of a serial run (test/cli/tables-shards.test.ts). Off with FSVAE_LOCAL_SHARDS=1.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { cacheRoot } from '../data/paths';
import { getBackendInfo } from '../runtime/backend';
import { Evidence, EvidenceConfig, evidencePreset } from './evidence';
import { EvidenceTableId, trainedCellsOf } from './evidence-tables';

export interface LocalShardsResult {
  /** processes used (1: the notebook trains the cells itself). */
  workers: number;
  /** cells that were missing before. */
  missing: number;
  seconds: number;
  /** why the cells were not trained side by side, when they were not. */
  skipped?: string;
  /** one line for the notebook. */
  summary: string;
}

/** FSVAE_LOCAL_SHARDS, else the cores this process may use. */
export function localShardCount(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.FSVAE_LOCAL_SHARDS;
  if (v !== undefined && v !== '') {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`FSVAE_LOCAL_SHARDS='${v}': give a positive integer (1 turns side-by-side training off).`);
    return Number(v);
  }
  return os.availableParallelism?.() ?? os.cpus().length;
}

/** Runs `node dist/lib/cli/main.js tables <args>`; each output line goes to `log` with a prefix. */
function runCli(args: string[], prefix: string, log: (line: string) => void): Promise<void> {
  const cli = path.join(__dirname, '..', 'cli', 'main.js');
  const backend = getBackendInfo()?.name;
  const env = { ...process.env, FSVAE_SEQUENTIAL_PHASES: '1', ...(backend ? { FSVAE_BACKEND: backend } : {}) };
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [cli, 'tables', ...args, '--cache-dir', cacheRoot()], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let rest = '';
    const take = (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) {
        if (!l.trim() || l.includes('it/s')) continue;
        log(`${prefix} ${l}`);
        tail.push(l);
        if (tail.length > 8) tail.shift();
      }
    };
    p.stdout.on('data', take);
    p.stderr.on('data', take);
    p.on('error', reject);
    p.on('close', (code) => {
      if (rest.trim()) log(`${prefix} ${rest}`);
      if (code === 0) resolve();
      else reject(new Error(`fsvae tables ${args.join(' ')} exited with ${code}:\n${tail.join('\n')}`));
    });
  });
}

/**
 * Trains the cells that the tables `ids` of `ev` still miss in side-by-side processes (see the
 * module comment). Does nothing (and says why) with one worker, a configuration that is not the
 * CLI's preset for its mode, or fewer missing cells than two per worker.
 */
export async function trainCellsSideBySide(ev: Evidence, ids: readonly EvidenceTableId[], log: (line: string) => void = () => {}): Promise<LocalShardsResult> {
  const t0 = Date.now();
  const workers = localShardCount();
  const done = (missing: number, skipped?: string): LocalShardsResult => {
    const seconds = (Date.now() - t0) / 1000;
    const summary = skipped
      ? `cells trained one at a time here: ${skipped}`
      : `${missing} cell(s) trained in ${workers} processes side by side in ${seconds.toFixed(0)} s (one core each; the tables read them from the cache)`;
    log(`[local shards] ${summary}`);
    return { workers: skipped ? 1 : workers, missing, seconds, summary, ...(skipped ? { skipped } : {}) };
  };
  if (workers < 2) return done(0, `${workers} worker (FSVAE_LOCAL_SHARDS or the cores available)`);
  const config: EvidenceConfig = ev.config;
  // the processes rebuild the configuration from --mode and --datasets: it must be exactly that preset
  const names = config.datasets.map((d) => d.name);
  const same = (c: EvidenceConfig) => JSON.stringify({ ...c, datasets: c.datasets.map(({ origin: _o, ...d }) => d) });
  if (same(config) !== same(evidencePreset(config.mode, names))) return done(0, `the configuration is not evidencePreset('${config.mode}')`);
  if (path.resolve(ev.cacheDir) !== path.join(cacheRoot(), 'evidence')) return done(0, `the cache ${ev.cacheDir} is not ${cacheRoot()}/evidence`);
  const args = ['--mode', config.mode, '--datasets', names.join(','), '--table', ids.join(',')];
  const plan = new Evidence(config, () => {}, ev.cacheDir, 'plan');
  const count = async () => {
    for (const id of ids) await trainedCellsOf(plan, id);
    return [...plan.planned.values()].filter((c) => !c.cached).length;
  };
  // the plan needs the features: prepare them side by side first (a no-op when they are cached)
  const shards = Array.from({ length: workers }, (_, i) => `${i + 1}/${workers}`);
  await Promise.all(shards.map((s) => runCli([...args, '--prepare', '--shard', s], `[prepare ${s}]`, log)));
  const missing = await count();
  if (missing < 2 * workers) return done(missing, `${missing} missing cell(s): fewer than 2 per worker`);
  log(`[local shards] ${missing} cell(s) of ${ids.join(', ')} in ${workers} processes side by side`);
  await Promise.all(shards.map((s) => runCli([...args, '--shard', s], `[shard ${s}]`, log)));
  return done(missing);
}
