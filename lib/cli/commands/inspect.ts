/** `fsvae inspect <path>`: detects a skeleton/feature file format and prints a dataset summary. */
import { CliCommand, CliUsageError, parseFlags } from '../registry';
import { FsvaeInputError } from '../../util/assert';
import { formatInspectSummary, inspectPath } from '../../data/inspect';

const USAGE = `usage: fsvae inspect <path> [--limit N] [--json]

Detects the format of a file or folder and prints a summary: format, number of sequences,
classes with counts, frames (min/median/max), joints and bodies; for .npy files and SynSE
feature folders, the arrays with dtype and shape.

Formats: NTU RGB+D .skeleton (file or folder; samples on the official missing-skeleton list are
skipped and counted), NW-UCLA .json, UTD-MHAD .mat, MSR Action3D *_skeleton3D.txt (all-zero
files are skipped and counted), a PKU-MMD folder holding a skeleton and a label subfolder, .npy,
and the SynSE feature layout (shift_*_r/ subfolders, or train.npy + train_label.npy).

options:
  --limit N   read only the first N files (sorted by name) of a folder
  --json      print the summary as JSON

Exit code 0 on success, 1 when the input is unreadable (the message names the file), 2 on
bad usage.`;

export interface InspectIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The command with its output routed through `io` (tests capture it). */
export function createInspectCommand(io: InspectIo = { out: (s) => console.log(s), err: (s) => console.error(s) }): CliCommand {
  return {
    name: 'inspect',
    summary: 'detect a skeleton/feature file format and summarise it',
    usage: USAGE,
    async run(args: string[]): Promise<number> {
      const { flags, positional } = parseFlags(args, { limit: 'posint', json: 'bool' });
      if (positional.length !== 1) throw new CliUsageError(positional.length === 0 ? 'missing <path>' : `expected one <path>, got ${positional.length}`);
      const limit = typeof flags.limit === 'string' ? Number(flags.limit) : undefined; // parseFlags checked it is ≥ 1
      try {
        const summary = inspectPath(positional[0], { limit });
        io.out(flags.json ? JSON.stringify(summary, null, 2) : formatInspectSummary(summary));
        return 0;
      } catch (e) {
        if (e instanceof FsvaeInputError) {
          io.err(`fsvae inspect: ${e.message}`);
          return 1;
        }
        throw e;
      }
    },
  };
}

export const command: CliCommand = createInspectCommand();
