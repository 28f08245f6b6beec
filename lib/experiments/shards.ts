/**
 * Splitting a grid of evidence cells over the tasks of a cluster job array (Slurm, a Kubernetes
 * Indexed Job): which shard this process is, and a deterministic, cost-balanced assignment of the
 * cells to shards that every task computes alike from the grid alone (never from the cache's state,
 * which differs between tasks that start at different times).
 */
import { FsvaeInputError } from '../util/assert';

/** Shard `index` (0-based) of `count`, and where that was read. */
export interface Shard {
  index: number;
  count: number;
  source: string;
}

const positiveInt = (v: string) => (/^\d+$/.test(v.trim()) ? Number(v) : NaN);

/** `--shard i/n` with 1 ≤ i ≤ n. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!(n >= 1 && i >= 1 && i <= n)) throw new FsvaeInputError(`--shard '${text}': give i/n with 1 ≤ i ≤ n, e.g. --shard 2/4.`);
  return { index: i - 1, count: n, source: `--shard ${i}/${n}` };
}

/**
 * The shard from the scheduler's environment, or null when none is set. Slurm: SLURM_ARRAY_TASK_ID
 * with SLURM_ARRAY_TASK_COUNT, else SLURM_ARRAY_TASK_MIN/MAX (ids min..max, any base). Kubernetes:
 * JOB_COMPLETION_INDEX (0-based), the count given by `shards` (--shards n).
 */
export function shardFromEnvironment(env: NodeJS.ProcessEnv, shards?: number): Shard | null {
  const slurmId = env.SLURM_ARRAY_TASK_ID;
  if (slurmId !== undefined) {
    const id = positiveInt(slurmId);
    const min = env.SLURM_ARRAY_TASK_MIN !== undefined ? positiveInt(env.SLURM_ARRAY_TASK_MIN) : NaN;
    const max = env.SLURM_ARRAY_TASK_MAX !== undefined ? positiveInt(env.SLURM_ARRAY_TASK_MAX) : NaN;
    const countVar = env.SLURM_ARRAY_TASK_COUNT !== undefined ? positiveInt(env.SLURM_ARRAY_TASK_COUNT) : NaN;
    const count = countVar >= 1 ? countVar : max >= min ? max - min + 1 : (shards ?? NaN);
    const index = min >= 0 ? id - min : id;
    if (!(count >= 1 && index >= 0 && index < count)) {
      throw new FsvaeInputError(
        `Slurm array task ${slurmId} (min ${env.SLURM_ARRAY_TASK_MIN ?? '?'}, max ${env.SLURM_ARRAY_TASK_MAX ?? '?'}, ` +
          `count ${env.SLURM_ARRAY_TASK_COUNT ?? '?'}): cannot tell the shard; submit with --array=1-N, or pass --shard i/n.`,
      );
    }
    return { index, count, source: `Slurm array task ${slurmId} of ${count}` };
  }
  const k8s = env.JOB_COMPLETION_INDEX;
  if (k8s !== undefined) {
    const index = positiveInt(k8s);
    if (shards === undefined) throw new FsvaeInputError(`JOB_COMPLETION_INDEX=${k8s} is set: give the number of completions with --shards n.`);
    if (!(index >= 0 && index < shards)) throw new FsvaeInputError(`JOB_COMPLETION_INDEX=${k8s} is not below --shards ${shards}.`);
    return { index, count: shards, source: `Kubernetes completion index ${index} of ${shards}` };
  }
  return null;
}

/**
 * Assigns items to `count` shards by longest processing time first: items sorted by cost
 * (descending; ties by group, then key), each to the shard with the least cost so far (ties:
 * lowest index). Items of equal cost are thus dealt round the shards group by group, so each
 * shard gets its share of every group (e.g. of each variant's seeds) even where the expected cost
 * misses what makes one variant slower than another. Deterministic for a given list; returns the
 * shard index of each key.
 */
export function assignShards(items: ReadonlyArray<{ key: string; cost: number; group?: string }>, count: number): Map<string, number> {
  if (!(Number.isInteger(count) && count >= 1)) throw new FsvaeInputError(`assignShards: count must be a positive integer, got ${count}.`);
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...items].sort((a, b) => b.cost - a.cost || cmp(a.group ?? '', b.group ?? '') || cmp(a.key, b.key));
  const load = new Array<number>(count).fill(0);
  const out = new Map<string, number>();
  for (const it of sorted) {
    if (out.has(it.key)) continue;
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s] < load[best]) best = s;
    out.set(it.key, best);
    load[best] += it.cost;
  }
  return out;
}
