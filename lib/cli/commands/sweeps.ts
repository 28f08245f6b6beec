/**
 * `fsvae sweeps`: the parameter sweeps of notebook 04 (Table 5: α, λ; Fig. 4: φ, b) from the command
 * line; on a cluster, a preparation step, one shard of the runs per task and one assembly step.
 */
import { CliCommand, CliUsageError, parseFlags } from '../registry';
import { SHARD_FLAG_SPEC, readShardFlags, shardFlagsUsage } from '../shard-flags';
import { SweepId, SWEEP_IDS, ablationPreset, prepareAblationFeatures, runAblations, trainAblationShard, writeAblations } from '../../experiments/ablations';
import { describeBackend, initBackend } from '../../runtime/backend';

/** --sweep names → the sweep tables they run. */
const SWEEPS: Readonly<Record<string, SweepId>> = { alpha: 'table5-alpha', lambda: 'table5-lambda', phi: 'fig4-phi', bands: 'fig4-bands' };

const USAGE = `usage: fsvae sweeps [--mode quick|full] [--sweep ${Object.keys(SWEEPS).join(',')}]
                    [--cache-dir <dir>] [--shard i/n | --shards n] [--prepare | --assemble]

Runs the sweeps of notebook 04 (Table 5: α and λ of the calibrated loss; Fig. 4: φ and the number
of bands b) exactly as the notebook does, and writes results/ablation_{table5,fig4}.{csv,md,json}
(quick) or results/ablation_{table5,fig4}_full.{csv,md,json} (full), with the wall time in the
provenance. Every finished run is cached in data/cache/ablations, so an interrupted full sweep
(several hours on 2 cores) resumes where it stopped when the command is run again.
  --mode   quick: 1 seed on the generated dataset (the main job's setting); full: 3 seeds, finer
           grids, on the generated dataset and NW-UCLA 5/5 (default quick)
  --sweep  comma-separated sweeps to run (default: all four): a reduced grid, e.g. for a quick check;
           the tables then hold only the chosen sweeps' rows (give the same --sweep to every step)
${shardFlagsUsage('sweeps', 'runs the sweeps need', 'runs')}`;

export const sweepsCommand: CliCommand = {
  name: 'sweeps',
  summary: 'the α / λ / φ / b sweeps of Table 5 and Fig. 4 → results/ablation_{table5,fig4}* (cluster shards too)',
  usage: USAGE,
  async run(args) {
    const { flags, positional } = parseFlags(args, { mode: 'string', sweep: 'string', ...SHARD_FLAG_SPEC });
    if (positional.length) throw new CliUsageError(`unexpected argument '${positional[0]}'.`);
    // every flag is checked before any work starts
    const mode = (flags.mode ?? 'quick') as string;
    if (mode !== 'quick' && mode !== 'full') throw new CliUsageError(`--mode must be quick or full, not '${mode}'.`);
    const names = typeof flags.sweep === 'string' ? flags.sweep.split(',').map((s) => s.trim()) : Object.keys(SWEEPS);
    for (const n of names) if (!(n in SWEEPS)) throw new CliUsageError(`--sweep: unknown sweep '${n}'; known: ${Object.keys(SWEEPS).join(', ')}.`);
    if (new Set(names).size !== names.length) throw new CliUsageError(`--sweep ${flags.sweep}: a sweep is named twice; name each once.`);
    const { role, shard } = readShardFlags(flags);

    await initBackend();
    const config = ablationPreset(mode);
    config.tables = SWEEP_IDS.filter((id) => names.some((n) => SWEEPS[n] === id));
    const g = config.grids;
    const grids: Record<string, string> = {
      alpha: `α ∈ {${g.alpha}}`,
      lambda: `λ ∈ {${g.lambda}}`,
      phi: `φ ∈ {${g.phi}} (b = ${g.phiSweepBands})`,
      bands: `b ∈ {${g.bands}} (φ = ${g.bandSweepPhi})`,
    };
    const shown = Object.keys(SWEEPS)
      .filter((n) => names.includes(n))
      .map((n) => grids[n]);
    console.log(`[sweeps] ${mode}: seeds ${config.seeds.join(', ')}; ${shown.join(', ')}`);
    const keep = (l: string) => /^\[sweeps\]|ZSL|reused|\[skip\]|\[features\]/.test(l);
    const log = (l: string) => {
      if (keep(l)) console.log(l);
    };
    if (role === 'prepare') {
      await prepareAblationFeatures(config, shard, log);
      return 0;
    }
    if (role === 'shard') {
      await trainAblationShard(config, shard!, log);
      return 0;
    }
    const rest = args.filter((a) => a !== '--assemble');
    const computeWith = `${['fsvae sweeps', ...rest].join(' ')} --shard i/n for every i (or without --shard on one machine)`;
    const result = await runAblations(config, log, role === 'assemble' ? { runs: 'cache', computeWith } : {});
    const files = writeAblations(result, describeBackend());
    console.log(`[sweeps] ${result.wallSeconds.toFixed(0)} s → ${files.join(', ')}`);
    return 0;
  },
};
