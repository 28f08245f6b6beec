/** CLI command registry: each command lives in lib/cli/commands/<name>.ts and is listed in main.ts. */

export interface CliCommand {
  name: string;
  /** one line for `fsvae --help`. */
  summary: string;
  /** full usage text for `fsvae <name> --help`. */
  usage: string;
  /** returns the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Minimal flag parser: --key value, --key=value, --flag (true), positional args. */
export function parseArgs(args: string[]): { flags: Record<string, string | true>; positional: string[] } {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1);
      else if (i + 1 < args.length && !args[i + 1].startsWith('--')) flags[a.slice(2)] = args[++i];
      else flags[a.slice(2)] = true;
    } else positional.push(a);
  }
  return { flags, positional };
}

/** Error for bad command-line usage: printed without a stack trace, exit code 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/**
 * `--engine auto|fused|autodiff`: how stage 2 computes gradients (lib/train/fused-step.ts or the
 * tfjs gradient tape). Sets FSVAE_STAGE2_ENGINE for this process and its worker threads.
 */
export function applyStage2EngineFlag(value: string | true | undefined): void {
  if (value === undefined) return;
  if (value !== 'auto' && value !== 'fused' && value !== 'autodiff') {
    throw new CliUsageError(`--engine must be auto, fused or autodiff, got '${value === true ? '' : value}'.`);
  }
  process.env.FSVAE_STAGE2_ENGINE = value;
}
