#!/usr/bin/env node
/** `npx fsvae <command> ...`: the command-line entry point. Commands register in COMMANDS below. */
import { CliCommand, CliUsageError } from './registry';
import { FsvaeInputError } from '../util/assert';
import { DiskWriteError, toDiskWriteError } from '../util/atomic-file';
import { removeCreatedOutputs, snapshotOutputs } from './created-outputs';
import { command as run } from './commands/run';
import { command as generateFeatures } from './commands/generate-features';
import { command as downloadCommand } from './commands/download';
import { command as inspectCommand } from './commands/inspect';
import { command as embedCommand } from './commands/embed';
import { extractCommand, pipelineCommand } from './commands/extract';
import { featuresReportCommand } from './commands/features-report';
import { selectPresetCommand } from './commands/select-preset';
import { tablesCommand } from './commands/tables';
import { sweepsCommand } from './commands/sweeps';
import { useCacheRoot } from '../data/paths';

const COMMANDS: CliCommand[] = [
  // each command module exports `command: CliCommand`; add new ones here
  run,
  { ...run, name: 'train', summary: 'same as run (stages 2-4 on SynSE-layout features)' },
  generateFeatures,
  downloadCommand,
  inspectCommand,
  embedCommand,
  extractCommand,
  pipelineCommand,
  featuresReportCommand,
  selectPresetCommand,
  tablesCommand,
  sweepsCommand,
];

function help(): string {
  const lines = ['usage: fsvae <command> [options]', '', 'commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(10)} ${c.summary}`);
  lines.push('', 'fsvae <command> --help shows the options of a command.');
  return lines.join('\n');
}

/** A command's --cache-dir holds for that command only (several commands may run in one process, e.g. in tests). */
async function runResettingCacheRoot(run: () => Promise<number>): Promise<number> {
  useCacheRoot(undefined);
  try {
    return await run();
  } finally {
    useCacheRoot(undefined);
  }
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    console.error(`fsvae: unknown command '${name}'.\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.usage);
    return 0;
  }
  const outputs = snapshotOutputs(rest);
  try {
    return await runResettingCacheRoot(() => cmd.run(rest));
  } catch (e) {
    // last resort for a write the file system refused (full disk, quota, read-only, file too large)
    // that no writer named: one line, never a stack; what this command created is removed
    const disk = toDiskWriteError(e);
    if (disk instanceof DiskWriteError) {
      removeCreatedOutputs(outputs);
      console.error(`fsvae ${name}: ${disk.message}`);
      return 1;
    }
    if (e instanceof CliUsageError) {
      console.error(`fsvae ${name}: ${e.message}\n\n${cmd.usage}`);
      return 2;
    }
    if (e instanceof FsvaeInputError) {
      console.error(`fsvae ${name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
