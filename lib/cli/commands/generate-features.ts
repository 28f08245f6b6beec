/** `fsvae generate-features`: writes a generated SynSE/MSF-layout benchmark (for trying the pipeline without downloads). */
import * as fs from 'node:fs';
import { checkWritable, CliCommand, CliUsageError, parseFlags } from '../registry';
import { getSplit } from '../../data/splits';
import { writeSyntheticBenchmark } from '../../data/synthetic-features';
import { firstMissingPath } from '../../util/atomic-file';

export const command: CliCommand = {
  name: 'generate-features',
  summary: 'write generated features + text tables in the SynSE/MSF layout (clearly synthetic)',
  usage: `usage: fsvae generate-features --out <dir> [--split ntu60-55/5] [--seed 1] [--train-per-class 60] [--test-per-class 30]

Writes <dir>/sk_feats/shift_{ss}_r, shift_val_{ss}_r and <dir>/text_feats/ViT-B/32/{lb,ad,md}_{C}.npy.
Each class's skeleton features are a fixed function of a few latent attributes that also generate
its text embedding, so zero-shot transfer is possible. Synthetic data: never a paper result.`,
  async run(args) {
    const { flags, positional } = parseFlags(args, { out: 'string', split: 'string', seed: 'int', 'train-per-class': 'posint', 'test-per-class': 'posint' });
    if (positional.length) throw new CliUsageError(`unexpected argument '${positional[0]}'.`);
    const out = typeof flags.out === 'string' ? flags.out : undefined;
    if (!out) throw new CliUsageError('--out is required.');
    const split = getSplit(typeof flags.split === 'string' ? flags.split : 'ntu60-55/5');
    const num = (k: string, d: number) => (typeof flags[k] === 'string' ? Number(flags[k]) : d);
    // what this command creates (the folder --out and any missing parent) is removed again when a
    // write fails (e.g. a full disk); in an existing folder no file is left half written (writeNpy)
    const created = firstMissingPath(out);
    checkWritable(out, '--out', 'dir');
    try {
      writeSyntheticBenchmark(out, split, { seed: num('seed', 1), trainPerClass: num('train-per-class', 60), testPerClass: num('test-per-class', 30) });
    } catch (e) {
      if (created !== undefined) fs.rmSync(created, { recursive: true, force: true });
      throw e;
    }
    console.log(`[fsvae] wrote a generated benchmark for split ${split.name} under ${out}`);
    return 0;
  },
};
