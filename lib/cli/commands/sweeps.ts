/** `fsvae sweeps`: the parameter sweeps of notebook 04 (Table 5: α, λ; Fig. 4: φ, b) from the command line. */
import { CliCommand, CliUsageError, parseFlags } from '../registry';
import { ablationPreset, runAblations, writeAblations } from '../../experiments/ablations';
import { describeBackend, initBackend } from '../../runtime/backend';

const USAGE = `usage: fsvae sweeps [--mode quick|full]

Runs the sweeps of notebook 04 (Table 5: α and λ of the calibrated loss; Fig. 4: φ and the number
of bands b) exactly as the notebook does, and writes results/ablation_{table5,fig4}.{csv,md}
(quick) or results/ablation_{table5,fig4}_full.{csv,md} (full), with the wall time in the
provenance. Every finished run is cached in data/cache/ablations, so an interrupted full sweep
(several hours on 2 cores) resumes where it stopped when the command is run again.
  --mode   quick: 1 seed on the generated dataset (the main job's setting); full: 3 seeds, finer
           grids, on the generated dataset and NW-UCLA 5/5 (default quick)`;

export const sweepsCommand: CliCommand = {
  name: 'sweeps',
  summary: 'the α / λ / φ / b sweeps of Table 5 and Fig. 4 → results/ablation_{table5,fig4}*',
  usage: USAGE,
  async run(args) {
    const { flags, positional } = parseFlags(args, { mode: 'string' });
    if (positional.length) throw new CliUsageError(`unexpected argument '${positional[0]}'.`);
    const mode = (flags.mode ?? 'quick') as string;
    if (mode !== 'quick' && mode !== 'full') throw new CliUsageError(`--mode must be quick or full, not '${mode}'.`);
    await initBackend();
    const config = ablationPreset(mode);
    const g = config.grids;
    console.log(`[sweeps] ${mode}: seeds ${config.seeds.join(', ')}; α ∈ {${g.alpha}}, λ ∈ {${g.lambda}}, φ ∈ {${g.phi}} (b = ${g.phiSweepBands}), b ∈ {${g.bands}} (φ = ${g.bandSweepPhi})`);
    const keep = (l: string) => /ZSL|reused|\[skip\]|\[features\]/.test(l);
    const result = await runAblations(config, (l) => { if (keep(l)) console.log(l); });
    const files = writeAblations(result, describeBackend());
    console.log(`[sweeps] ${result.wallSeconds.toFixed(0)} s → ${files.join(', ')}`);
    return 0;
  },
};
