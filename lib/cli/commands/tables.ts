/**
 * `fsvae tables`: the evidence tables (the ones notebooks 03, 04 and 06 show) from the command line,
 * in quick or full mode; on a cluster, one shard of their cells per task and one assembly step.
 */
import { CliCommand, CliUsageError, parseFlags } from '../registry';
import { Evidence, EvidenceConfig, EvidenceDatasetName, compactSeeds, evidencePreset, seedsOf } from '../../experiments/evidence';
import { EVIDENCE_TABLES, EvidenceTableId, runEvidenceTable, trainedCellsOf, writeEvidenceTable } from '../../experiments/evidence-tables';
import { Shard, assignShards } from '../../experiments/shards';
import { SHARD_FLAG_SPEC, readShardFlags, shardFlagsUsage } from '../shard-flags';
import { describeBackend, initBackend } from '../../runtime/backend';
import { toMarkdown } from '../../report/table';
import { cacheRoot } from '../../data/paths';
import { FsvaeInputError } from '../../util/assert';

const IDS = Object.keys(EVIDENCE_TABLES) as EvidenceTableId[];

const USAGE = `usage: fsvae tables [--mode quick|full] [--table ${IDS.join(',')}] [--datasets nw-ucla,utd-mhad,generated] [--seeds N]
                    [--cache-dir <dir>] [--shard i/n | --shards n] [--prepare | --assemble]

Runs the evidence tables on NW-UCLA and UTD-MHAD (every registered split; the generated dataset
when neither is found) exactly as the notebooks do, and writes results/<table>.{csv,md,json}
(quick) or results/<table>_full.{csv,md,json} (full), each with its wall time in the provenance.
Trained cells are cached in data/cache/evidence, so tables that share runs train them once.
  --mode       quick (the main job's setting): 10 seeds per split for Tables 1-2's rows with targets, 2 for every other row; full: 40 and 5 (default quick)
  --table      comma-separated table ids (default: all)
  --datasets   which datasets (default: NW-UCLA and UTD-MHAD when the data lookup finds them, else the generated one)
  --seeds N    seeds 1..N per split for every row (a reduced grid; default: the mode's)
${shardFlagsUsage('tables', 'cells the tables need')}`;

const log = (l: string) => {
  if (!l.includes('it/s')) console.log(l);
};

export const tablesCommand: CliCommand = {
  name: 'tables',
  summary: 'evidence tables (Tables 1-4, 7-9 with CIs and verdicts) on real skeletons → results/ (cluster shards too)',
  usage: USAGE,
  async run(args) {
    const spec = { mode: 'string', table: 'string', datasets: 'string', seeds: 'string', ...SHARD_FLAG_SPEC } as const;
    const { flags, positional } = parseFlags(args, spec);
    if (positional.length) throw new CliUsageError(`unexpected argument '${positional[0]}'.`);
    // every flag is checked before any work starts
    const mode = (flags.mode ?? 'quick') as string;
    if (mode !== 'quick' && mode !== 'full') throw new CliUsageError(`--mode must be quick or full, not '${mode}'.`);
    const ids = (typeof flags.table === 'string' ? flags.table.split(',').map((s) => s.trim()) : IDS) as EvidenceTableId[];
    for (const id of ids) if (!IDS.includes(id)) throw new CliUsageError(`--table: unknown table '${id}'; known: ${IDS.join(', ')}.`);
    const names = ['nw-ucla', 'utd-mhad', 'generated'] as const;
    const only = typeof flags.datasets === 'string' ? flags.datasets.split(',').map((x) => x.trim()) : undefined;
    for (const d of only ?? []) {
      if (!(names as readonly string[]).includes(d)) throw new CliUsageError(`--datasets: unknown dataset '${d}'; known: ${names.join(', ')}.`);
    }
    const seeds = flags.seeds === undefined ? undefined : Number(flags.seeds);
    if (seeds !== undefined && !(Number.isInteger(seeds) && seeds >= 1)) throw new CliUsageError(`--seeds must be a positive integer, not '${flags.seeds}'.`);
    const { role, shard } = readShardFlags(flags);

    await initBackend();
    const preset = evidencePreset(mode, only as EvidenceDatasetName[] | undefined);
    if (!preset.datasets.length) {
      throw new FsvaeInputError(`--datasets ${flags.datasets}: none of them was found by the data lookup (npx fsvae download --list).`);
    }
    const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    const config: EvidenceConfig = seeds === undefined ? preset : { ...preset, seeds: range(seeds), headlineSeeds: range(seeds) };
    for (const d of config.datasets) {
      const headline = compactSeeds(seedsOf(config, d, 'table1', { powered: true }));
      const perRow = `seeds per split ${headline} for Tables 1-2's rows with targets, ${compactSeeds(seedsOf(config, d))} for every other row`;
      console.log(`[tables] ${d.origin}: ${d.sources.length} split(s), ${perRow}, stage-2 preset ${d.stage2.name}`);
    }
    if (role === 'prepare') return prepareFeatures(config, ids, shard);
    if (role === 'shard') return trainShard(config, ids, shard!);
    const assemble = role === 'assemble';
    if (assemble) await checkAssembled(config, ids, args);
    const ev = new Evidence(config, log);
    const by = assemble ? 'fsvae tables --assemble' : `fsvae tables --mode ${mode}`;
    for (const id of ids) {
      const t0 = Date.now();
      const t = await runEvidenceTable(ev, id);
      const files = writeEvidenceTable(t, ev, describeBackend(), by, (Date.now() - t0) / 1000);
      console.log(`\n${t.title}\n\n${toMarkdown(t.rows)}\n[tables] ${id}: ${((Date.now() - t0) / 1000).toFixed(0)} s → ${files.join(', ')}`);
    }
    if (assemble && ev.progress.done > ev.progress.cached) throw new Error(`--assemble trained ${ev.progress.done - ev.progress.cached} cell(s): a bug.`);
    return 0;
  },
};

/** Every cell the tables need (stage 1 runs where its features are not cached; no stage-2 training). */
async function planCells(config: EvidenceConfig, ids: readonly EvidenceTableId[]) {
  const plan = new Evidence(
    config,
    (l) => {
      if (!l.startsWith('[evidence') && !l.includes('it/s')) console.log(l);
    },
    undefined,
    'plan',
  );
  for (const id of ids) await trainedCellsOf(plan, id);
  return [...plan.planned.values()];
}

/**
 * `--prepare`: the stage-1 and text features of the cells (with a shard: of this shard's share of
 * the splits, one feature set each, spread round the shards), written to the cache; no stage 2.
 */
async function prepareFeatures(config: EvidenceConfig, ids: readonly EvidenceTableId[], shard: Shard | null): Promise<number> {
  const t0 = Date.now();
  const sets = config.datasets.flatMap((d) => d.sources.map((src) => ({ key: JSON.stringify([d.name, src]), cost: 1 })));
  const owner = shard ? assignShards(sets, shard.count) : null;
  const mine = (name: string, src: unknown) => !owner || owner.get(JSON.stringify([name, src])) === shard!.index;
  const datasets = config.datasets.map((d) => ({ ...d, sources: d.sources.filter((src) => mine(d.name, src)) })).filter((d) => d.sources.length);
  const count = datasets.reduce((n, d) => n + d.sources.length, 0);
  const name = shard ? `shard ${shard.index + 1}/${shard.count} (${shard.source})` : 'all';
  console.log(`[tables] prepare, ${name}: ${count} of ${sets.length} feature set(s)`);
  const cells = count ? await planCells({ ...config, datasets }, ids) : [];
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  console.log(`[tables] prepare, ${name}: done in ${secs} s; ${cells.length} cell(s) read these features (${cells.filter((c) => c.cached).length} cached)`);
  return 0;
}

async function trainShard(config: EvidenceConfig, ids: readonly EvidenceTableId[], shard: Shard): Promise<number> {
  const t0 = Date.now();
  const cells = await planCells(config, ids);
  // group: the split and variant (a cell's label without its seed), so each shard gets its share of every variant
  const owner = assignShards(
    cells.map((c) => ({ ...c, group: c.label.replace(/ seed \d+$/, '') })),
    shard.count,
  );
  const mine = cells.filter((c) => owner.get(c.key) === shard.index);
  const todo = mine.filter((c) => !c.cached);
  const name = `shard ${shard.index + 1}/${shard.count}`;
  const counts = `${mine.length} of ${cells.length} cells are this shard's: ${todo.length} to train, ${mine.length - todo.length} cached`;
  console.log(`[tables] ${name} (${shard.source}): ${counts}`);
  for (const [k, c] of todo.entries()) {
    const t1 = Date.now();
    await c.train();
    console.log(`[tables] ${name}: trained ${k + 1}/${todo.length} ${c.label} in ${((Date.now() - t1) / 1000).toFixed(0)} s`);
  }
  console.log(`[tables] ${name}: done, ${todo.length} cell(s) trained in ${((Date.now() - t0) / 1000).toFixed(0)} s; build the tables with --assemble`);
  return 0;
}

async function checkAssembled(config: EvidenceConfig, ids: readonly EvidenceTableId[], args: readonly string[]): Promise<void> {
  const cells = await planCells(config, ids);
  const missing = cells.filter((c) => !c.cached);
  if (!missing.length) return;
  const rest = args.filter((a) => a !== '--assemble').join(' ');
  const shown = missing
    .slice(0, 12)
    .map((c) => `  ${c.label} (${c.key})`)
    .join('\n');
  const more = missing.length > 12 ? `\n  … and ${missing.length - 12} more` : '';
  const where = cacheRoot();
  throw new FsvaeInputError(
    `--assemble: ${missing.length} of ${cells.length} cells are not in the cache (${where}):\n${shown}${more}` +
      `\ncompute them with: fsvae tables ${rest} --shard i/n for every i (or without --shard on one machine)`,
  );
}
