/** The command line of a `fsvae pipeline` run with tiny budgets (one seed, Ours only, one cycle), shared by the CLI tests. */
export interface TinyPipeline {
  dataset: string;
  split: string;
  cacheDir: string;
  out: string;
  steps: number;
}

/** `fsvae pipeline` arguments for `run`, then `extra` flags (stage 1, engine, folder, output switches). */
export function tinyPipelineArgs(run: TinyPipeline, extra: readonly string[] = []): string[] {
  const flags = { dataset: run.dataset, split: run.split, 'cache-dir': run.cacheDir, seeds: '1', variants: 'ours', cycles: '1', steps: String(run.steps) };
  return ['pipeline', ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]), '--out', run.out, ...extra];
}
