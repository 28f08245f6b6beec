/**
 * The cluster flags that `fsvae tables` and `fsvae sweeps` share: which part of a grid this process
 * runs (--shard i/n or the scheduler's environment), --prepare, --assemble and --cache-dir. Checked
 * before any work starts; lib/experiments/shards.ts does the assignment.
 */
import { CliUsageError } from './registry';
import { useCacheRoot } from '../data/paths';
import { Shard, parseShard, shardFromEnvironment } from '../experiments/shards';

/** Flag spec entries of the cluster flags (merge into a command's parseFlags spec). */
export const SHARD_FLAG_SPEC = { 'cache-dir': 'string', shard: 'string', shards: 'string', assemble: 'bool', prepare: 'bool' } as const;

/** Usage lines of the cluster flags; `what` names the command's grid ("cells the tables need"), `unit` one item of it. */
export function shardFlagsUsage(command: string, what: string, unit: 'cells' | 'runs' = 'cells'): string {
  return `  --cache-dir  the cache (stage-1 features, text features and trained cells; default data/cache): on a cluster, a
               folder every task shares
On a cluster (scripts/cluster/): a --prepare job computes the stage-1 and text features once; every task of
the array trains its shard of the ${what} into the shared cache and writes nothing else; one --assemble
step then builds the results from the cache.
  --shard i/n  this task is shard i of n (1 ≤ i ≤ n); without it the shard comes from SLURM_ARRAY_TASK_ID (with
               SLURM_ARRAY_TASK_COUNT or _MIN/_MAX) or from JOB_COMPLETION_INDEX (Kubernetes, with --shards n)
  --shards n   the number of tasks of a Kubernetes Indexed Job
  --prepare    compute the features every ${unit === 'cells' ? 'cell' : 'run'} reads (with a shard: this shard's share of them) and train nothing
  --assemble   build the results from the cache without training; exit 1 listing the ${unit} that are missing
               (fsvae ${command} --assemble)`;
}

/** What this process does with the grid. */
export type GridRole = 'serial' | 'shard' | 'prepare' | 'assemble';

export interface ShardFlags {
  role: GridRole;
  /** the shard of a 'shard' role (always set) or of a 'prepare' role (null: prepare everything). */
  shard: Shard | null;
}

/**
 * Reads the cluster flags (and, for a shard, the scheduler's environment); sets the cache root
 * from --cache-dir (useCacheRoot). Throws CliUsageError on contradictions.
 */
export function readShardFlags(flags: Record<string, string | true>, env: NodeJS.ProcessEnv = process.env): ShardFlags {
  const shards = flags.shards === undefined ? undefined : Number(flags.shards);
  if (shards !== undefined && !(Number.isInteger(shards) && shards >= 1)) {
    throw new CliUsageError(`--shards must be a positive integer, not '${flags.shards}'.`);
  }
  const assemble = flags.assemble === true;
  const prepare = flags.prepare === true;
  if (assemble && prepare) throw new CliUsageError('--prepare and --assemble are two steps: give one of them.');
  if (assemble && (flags.shard !== undefined || shards !== undefined)) {
    throw new CliUsageError('--assemble builds the results from every shard: drop --shard/--shards.');
  }
  if (flags['cache-dir'] === true) throw new CliUsageError('--cache-dir needs a folder.');
  let shard: Shard | null;
  try {
    shard = typeof flags.shard === 'string' ? parseShard(flags.shard) : assemble ? null : shardFromEnvironment(env, shards);
  } catch (e) {
    throw new CliUsageError((e as Error).message);
  }
  if (shards !== undefined && !shard) throw new CliUsageError('--shards n needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or --shard i/n.');
  if (typeof flags['cache-dir'] === 'string') useCacheRoot(flags['cache-dir']);
  const role: GridRole = assemble ? 'assemble' : prepare ? 'prepare' : shard ? 'shard' : 'serial';
  return { role, shard };
}
