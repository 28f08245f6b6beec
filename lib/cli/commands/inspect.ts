/** `fsvae inspect <path>`: detects a skeleton/feature file format and prints a dataset summary. */
import { CliCommand, CliUsageError, parseFlags } from '../registry';
import { FsvaeInputError } from '../../util/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KNOWN_DATASET_FOLDERS, detectFormat, formatInspectSummary, inspectPath, inspectTree, InspectSummary, InspectTreeEntry } from '../../data/inspect';

/**
 * For a folder that cannot be read as one dataset: the datasets below it. Only for a data root: a
 * folder whose own files are not a recognised format, or that holds known dataset folders (so a
 * damaged dataset folder keeps its own error instead of summarising a subfolder). Null otherwise.
 */
function dataRootEntries(p: string, limit?: number): InspectTreeEntry[] | null {
  try {
    if (!fs.statSync(p).isDirectory()) return null;
  } catch {
    return null;
  }
  let recognised = true;
  try {
    detectFormat(p);
  } catch {
    recognised = false;
  }
  const holdsKnown = KNOWN_DATASET_FOLDERS.some((rel) => fs.existsSync(path.join(p, rel.split('/')[0])));
  if (recognised && !holdsKnown) return null;
  const t = inspectTree(p, { limit });
  return t.length ? t : null;
}

const USAGE = `usage: fsvae inspect <path> [--limit N] [--json]

Detects the format of a file or folder and prints a summary: format, number of sequences,
classes with counts, frames (min/median/max), joints and bodies; for .npy files and SynSE
feature folders, the arrays with dtype and shape.

Formats: NTU RGB+D .skeleton (file or folder; samples on the official missing-skeleton list are
skipped and counted), NW-UCLA .json, UTD-MHAD .mat, MSR Action3D *_skeleton3D.txt (all-zero
files are skipped and counted), a PKU-MMD folder holding a skeleton and a label subfolder, .npy,
and the SynSE feature layout (shift_*_r/ subfolders, or train.npy + train_label.npy).

A data root (a folder that is not a dataset itself, e.g. data/external or ../shared/data) is
searched: first the known dataset folder names, in this order:
${KNOWN_DATASET_FOLDERS.map((f) => `  ${f}`).join('\n')}
then any subfolder up to two levels down with recognised content; each is summarised with the
reason it was chosen.

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
        let summary: InspectSummary | null = null;
        let direct: FsvaeInputError | null = null;
        try {
          summary = inspectPath(positional[0], { limit });
        } catch (e) {
          if (!(e instanceof FsvaeInputError)) throw e;
          direct = e;
        }
        const tree = summary ? null : dataRootEntries(positional[0], limit);
        if (tree) {
          if (flags.json) io.out(JSON.stringify(tree, null, 2));
          else {
            io.out(`${positional[0]}: not a dataset itself (${direct?.message ?? 'no recognised files'}); ${tree.length} dataset folder(s) below it:`);
            for (const t of tree) {
              io.out('');
              io.out(`== ${t.path} (${t.reason})`);
              io.out(t.summary ? formatInspectSummary(t.summary) : `error: ${t.error}`);
            }
          }
          return tree.every((t) => t.summary) ? 0 : 1;
        }
        if (!summary) throw direct!;
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
