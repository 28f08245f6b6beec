/** `fsvae extract` (stage 1) and `fsvae pipeline` (stage 1 → stages 2-4) from raw skeletons. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseStage2EngineFlag, checkWritable, CliCommand, CliUsageError, FlagSpec, commandLine, parseFlags, repeated, setUsage } from '../registry';
import { applyOverrides, settablePaths } from '../../train/overrides';

const STAGE1_FLAGS: FlagSpec = {
  dataset: 'string',
  split: 'string',
  unseen: 'string',
  dir: 'string',
  stage1: 'string',
  epochs: 'posint',
  seed: 'int',
  generator: 'string',
  'data-seed': 'int',
  'cache-dir': 'string',
  set: 'repeat',
};
const EXTRACT_FLAGS: FlagSpec = { ...STAGE1_FLAGS, out: 'string' };
const PIPELINE_FLAGS: FlagSpec = {
  ...STAGE1_FLAGS,
  preset: 'string',
  seeds: 'posint',
  cycles: 'posint',
  steps: 'posint',
  variants: 'string',
  'text-encoder': 'string',
  engine: 'string',
  out: 'string',
  quiet: 'bool',
};

function parseStrict(args: string[], spec: FlagSpec): Flags {
  const { flags, positional } = parseFlags(args, spec);
  if (positional.length) throw new CliUsageError(`unexpected argument '${positional[0]}'.`);
  return flags;
}
import { canRunPhasesInParallel } from '../../pipeline/phase-worker';
import { initBackend, describeBackend } from '../../runtime/backend';
import { getSplit, listSplits, parseUnseenList, splitFromUnseen, BenchmarkSplit } from '../../data/splits';
import { TEXT_ENCODER_IDS, isTextEncoderId } from '../../text/encoders';
import { numClassesOf, DatasetName } from '../../data/classes';
import { DEFAULT_EXTRACTOR, extractorConfig, extractorNames } from '../../stage1/extractors';
import { DatasetSource, PreparedFeatures, RAW_SKELETON_DATASETS, RawSkeletonDataset, prepareFeaturesParallel } from '../../pipeline/features';
import { BASELINE, OURS, OURS_DAGGER, applyVariant, runVariants, variantRows, Variant } from '../../experiments/variants';
import { stage2EnginesUsed, zeroShotStage2Engine } from '../../pipeline/zero-shot';
import { fsvaePreset, FSVAE_PRESETS, withSchedule } from '../../train/config';
import { provenance } from '../../report/provenance';
import { toMarkdown, writeResultTable } from '../../report/table';
import { StepProgress } from '../../util/step-progress';
import { writeFileAtomic } from '../../util/atomic-file';
import { useCacheRoot } from '../../data/paths';

type Flags = Record<string, string | true>;
const str = (flags: Flags, k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);

function splitOf(flags: Flags, dataset: DatasetName): BenchmarkSplit {
  if (str(flags, 'split')) {
    const split = getSplit(str(flags, 'split')!);
    if (split.dataset !== dataset) {
      const names = listSplits(dataset)
        .map((x) => x.name)
        .join(', ');
      const known = `splits of ${dataset}: ${names || '(none registered: use --unseen)'}`;
      throw new CliUsageError(`--split ${split.name} is a split of ${split.dataset}, not of ${dataset}; ${known}.`);
    }
    return split;
  }
  if (str(flags, 'unseen')) return splitFromUnseen(dataset, parseUnseenList(str(flags, 'unseen')!, numClassesOf(dataset)));
  throw new CliUsageError('give --split <name> or --unseen <ids>.');
}

function sourceOf(flags: Flags): DatasetSource {
  const dataset = str(flags, 'dataset');
  if (dataset === 'generated') {
    const preset = (str(flags, 'generator') ?? 'quick') as 'quick' | 'full';
    if (preset !== 'quick' && preset !== 'full') throw new CliUsageError(`--generator must be quick or full, got '${preset}'.`);
    return { kind: 'generated', preset, seed: Number(str(flags, 'data-seed') ?? 0), split: splitOf(flags, 'generated') };
  }
  if ((RAW_SKELETON_DATASETS as readonly string[]).includes(dataset ?? '')) {
    const ds = dataset as RawSkeletonDataset;
    return { kind: 'skeletons', dataset: ds, split: splitOf(flags, ds), dir: str(flags, 'dir') };
  }
  throw new CliUsageError(
    `--dataset must be one of generated, ${RAW_SKELETON_DATASETS.join(', ')} ` +
      `(raw skeletons; for pre-extracted NTU features use 'fsvae run'), got '${dataset ?? ''}'.`,
  );
}

/** Everything stage 1 needs, validated before any work. */
function stage1Plan(flags: Flags, setsStage1 = false): { source: DatasetSource; cfg: ReturnType<typeof extractorConfig>; seed: number } {
  const preset = str(flags, 'stage1') ?? DEFAULT_EXTRACTOR;
  if (!extractorNames().includes(preset)) throw new CliUsageError(`--stage1 must be one of ${extractorNames().join(', ')}, got '${preset}'.`);
  const epochs = str(flags, 'epochs');
  if (epochs !== undefined && !/^[1-9]\d*$/.test(epochs)) throw new CliUsageError(`--epochs must be a positive integer, got '${epochs}'.`);
  const seedText = str(flags, 'seed') ?? '1';
  if (!/^\d+$/.test(seedText)) throw new CliUsageError(`--seed must be a non-negative integer, got '${seedText}'.`);
  const cfg = applyOverrides(extractorConfig(preset, epochs ? { epochs: Number(epochs) } : {}), setsStage1 ? repeated(flags['set']) : []).config;
  if (str(flags, 'cache-dir')) checkWritable(str(flags, 'cache-dir')!, '--cache-dir', 'dir');
  return { source: sourceOf(flags), cfg, seed: Number(seedText) };
}

async function prepare(flags: Flags, plan = stage1Plan(flags)): Promise<PreparedFeatures> {
  const cfg = plan.cfg;
  if (str(flags, 'cache-dir')) useCacheRoot(str(flags, 'cache-dir')); // every cache: features, text embeddings
  await initBackend();
  let bar: StepProgress | null = null;
  const prepared = await prepareFeaturesParallel(plan.source, {
    stage1: cfg,
    seed: plan.seed,
    log: (l) => console.log(l),
    onStage1Progress: (phase, p) => {
      // epoch and step are 1-based
      if (!bar) bar = new StepProgress({ label: `stage 1 (${phase})`, total: p.epochs * p.stepsPerEpoch });
      bar.update((p.epoch - 1) * p.stepsPerEpoch + p.step, `epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(3)} acc ${(100 * p.trainAccuracy).toFixed(0)}%`);
    },
  });
  if ('missing' in prepared) throw new CliUsageError(prepared.message);
  const s1 = prepared.stage1;
  console.log(`[fsvae] features: ${prepared.featuresRoot}${prepared.cached ? ' (cached)' : ''}`);
  if (s1?.seenTestTop1 !== undefined) console.log(`[fsvae] stage 1 seen-class top-1 on the test side: ${(100 * s1.seenTestTop1).toFixed(1)}%`);
  return prepared;
}

const COMMON = `--dataset generated|${RAW_SKELETON_DATASETS.join('|')} (--split <name> | --unseen <ids>) [--dir <raw folder>]
       [--stage1 ${extractorNames().join('|')}] (default ${DEFAULT_EXTRACTOR}) [--epochs N (GCNs)] [--seed 1] [--generator quick|full] [--cache-dir <dir>]
       class ids of --unseen are 0-based; the train/test sides are the dataset's standard protocol (split registry)
       [--set key=value ...] settings of the stage-1 extractor, e.g. --set augmentCopies=2 (extract; pipeline: of stage 2)
${setUsage(settablePaths(extractorConfig(DEFAULT_EXTRACTOR)).map((p) => p.path))}`;

export const extractCommand: CliCommand = {
  name: 'extract',
  summary: 'stage 1: train the skeleton GCN on seen classes and write SynSE-layout features',
  usage: `usage: fsvae extract ${COMMON} [--out <dir>]

Trains the extractor twice (on the split's seen classes, and on the val-seen classes for the gate),
never touching unseen-class or test-side samples, and writes sk_feats/shift_{u}_r and
shift_val_{u}_r (cached under data/cache/features; --out copies them to <dir>/sk_feats).`,
  async run(args) {
    const flags = parseStrict(args, EXTRACT_FLAGS);
    if (str(flags, 'out')) checkWritable(str(flags, 'out')!, '--out', 'dir');
    const prepared = await prepare(flags, stage1Plan(flags, true));
    const out = str(flags, 'out');
    if (out) {
      fs.cpSync(prepared.featuresRoot, path.join(out, 'sk_feats'), { recursive: true });
      writeFileAtomic(path.join(out, 'stage1-report.json'), JSON.stringify(prepared.stage1, null, 1));
      console.log(`[fsvae] wrote ${path.join(out, 'sk_feats')}`);
    }
    return 0;
  },
};

export const pipelineCommand: CliCommand = {
  name: 'pipeline',
  summary: 'raw skeletons → stage 1 → stages 2-4: ZSL and GZSL of Ours, Ours† and the baseline, one JSON',
  usage: `usage: fsvae pipeline ${COMMON}
       [--preset ${Object.keys(FSVAE_PRESETS).join('|')}] [--seeds 3] [--cycles N] [--steps N] [--variants ours,dagger,baseline] [--text-encoder use-lite]
       [--engine auto|fused|autodiff] [--out <file.json>] [--quiet]
       (on a terminal, a progress bar per variant and seed with cycle, loss and ETA; --quiet, or output to a file or pipe, hides it)`,
  async run(args) {
    const flags = parseStrict(args, PIPELINE_FLAGS);
    const engine = parseStage2EngineFlag(flags.engine);
    const t0 = Date.now();
    // every stage-2/4 flag is checked before stage 1 starts
    const plan = stage1Plan(flags);
    const seedsText = str(flags, 'seeds') ?? '3';
    if (!/^[1-9]\d*$/.test(seedsText) || Number(seedsText) > 100) throw new CliUsageError(`--seeds must be an integer in 1..100, got '${seedsText}'.`);
    const nSeeds = Number(seedsText);
    const all: Record<string, Variant> = { ours: OURS, dagger: OURS_DAGGER, baseline: BASELINE };
    const encoder = str(flags, 'text-encoder') ?? 'use-lite';
    if (!isTextEncoderId(encoder)) throw new CliUsageError(`--text-encoder must be one of ${TEXT_ENCODER_IDS.join(', ')}, got '${encoder}'.`);
    const names = (str(flags, 'variants') ?? 'ours,dagger,baseline').split(',');
    const variants = names.map((n) => {
      if (!all[n]) throw new CliUsageError(`unknown variant '${n}'; use ours, dagger, baseline.`);
      return all[n];
    });
    const num = (k: string) => {
      const v = str(flags, k);
      if (v === undefined) return undefined;
      if (!/^[1-9]\d*$/.test(v)) throw new CliUsageError(`--${k} must be a positive integer, got '${v}'.`);
      return Number(v);
    };
    const presetName = str(flags, 'preset') ?? 'quick';
    if (!(presetName in FSVAE_PRESETS)) throw new CliUsageError(`--preset must be one of ${Object.keys(FSVAE_PRESETS).join(', ')}, got '${presetName}'.`);
    const resolved = applyOverrides(withSchedule(fsvaePreset(presetName), { cycles: num('cycles'), steps: num('steps') }), repeated(flags['set']));
    const base = resolved.config;
    if (str(flags, 'out')) checkWritable(str(flags, 'out')!, '--out', 'file');
    // the engine depends on the backend: resolve it (as the runs will, and before stage 1, so that
    // an engine the backend cannot run is refused early) once the backend is initialised
    await initBackend();
    const planned = new Set<string>();
    for (const v of variants) planned.add(await zeroShotStage2Engine(applyVariant(base, v), { engine }));
    const plannedEngine = planned.size === 1 ? [...planned][0] : `mixed: ${[...planned].sort().join(', ')}`;
    console.log(`[fsvae] stage-2 engine: ${plannedEngine}`);
    const prepared = await prepare(flags, plan);
    // one progress line per variant, seed and phase: cycle, loss, steps/s and ETA (none with --quiet)
    let bar: StepProgress | null = null;
    let barKey = '';
    const total = base.schedule.cycles * base.schedule.stepsPerCycle;
    const runs = await runVariants(prepared, base, variants, {
      seeds: Array.from({ length: nSeeds }, (_, i) => i + 1),
      text: { kind: 'encoder', id: str(flags, 'text-encoder') ?? 'use-lite' },
      engine,
      log: (l) => console.log(l),
      // the bar follows the train phase (the val phase trains alongside it in a worker, same length);
      // a redrawn bar on a terminal only: logs keep the per-variant result lines
      onProgress:
        flags.quiet || !process.stdout.isTTY
          ? undefined
          : (variant, phase, seed, p) => {
              if (phase === 'val' && canRunPhasesInParallel()) return;
              const key = `${variant}/${seed}/${phase}`;
              if (key !== barKey) {
                bar?.done();
                bar = new StepProgress({ label: `${variant} seed ${seed} ${phase}`, total });
                barKey = key;
              }
              bar!.update(p.cycle * p.stepsPerCycle + p.step + 1, `cycle ${p.cycle + 1}/${base.schedule.cycles} loss ${p.loss.toFixed(3)}`);
            },
      // one line per finished cycle (train phase: test ZSL; val phase: pseudo-unseen ZSL), also in logs
      onCycle: flags.quiet
        ? undefined
        : (variant, phase, seed, c) => {
            if (bar && process.stdout.isTTY) process.stdout.write('\n');
            console.log(
              `[${variant} seed ${seed} ${phase}] cycle ${c.cycle + 1}/${base.schedule.cycles}: ${phase === 'train' ? 'ZSL' : 'pseudo-unseen ZSL'} ` +
                `${(100 * c.zslAccuracy).toFixed(1)}, loss ${c.losses.total.toFixed(3)}, ${c.wallSeconds.toFixed(1)} s`,
            );
          },
    });
    (bar as StepProgress | null)?.done();
    // every row and the provenance name the engine the runs actually used (both phases of every seed)
    const stage2Engine = stage2EnginesUsed(runs.map((r) => r.result));
    if (stage2Engine !== plannedEngine) console.log(`[fsvae] warning: stage 2 ran on ${stage2Engine}, resolved before the run: ${plannedEngine}`);
    const rows = variantRows(prepared, runs, undefined, (r) => ({ 'stage-2 engine': stage2EnginesUsed(r.result) }));
    console.log(toMarkdown(rows));
    const out = str(flags, 'out');
    if (out) {
      const result = {
        kind: 'fsvae-pipeline',
        provenance: provenance(describeBackend(), {
          wallSeconds: (Date.now() - t0) / 1000,
          split: prepared.split.name,
          data: prepared.description,
          stage2Engine,
          preset: base.name,
          overrides: JSON.stringify(resolved.overrides),
          text: `${str(flags, 'text-encoder') ?? 'use-lite'} on data/descriptions/${prepared.textDataset}.json`,
          commandLine: commandLine(),
        }),
        presetDefinition: base,
        split: prepared.split,
        stage1: prepared.stage1,
        rows,
        runs: runs.map((r) => ({
          variant: r.variant,
          wallSeconds: r.wallSeconds,
          summary: r.result.summary,
          perSeed: r.result.perSeed,
          protocolLabels: r.result.protocolLabels,
        })),
      };
      fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
      writeFileAtomic(out, JSON.stringify(result, null, 2));
      // the same rows as a Markdown/CSV table next to the JSON
      const stage1Note =
        prepared.stage1?.seenTestTop1 !== undefined
          ? `stage-1 extractor ${prepared.stage1.config.name}: seen-class top-1 on the test side ${(100 * prepared.stage1.seenTestTop1).toFixed(1)}%`
          : 'pre-extracted features';
      writeResultTable(
        {
          name: path.basename(out).replace(/\.json$/, ''),
          title: `Stages 1-4 on ${prepared.split.name}`,
          rows,
          notes: [
            `data: ${prepared.description}`,
            stage1Note,
            'clean = cycle chosen on the pseudo-unseen validation split; reference = best cycle on the test set (test-set selection, as the public code).',
          ],
        },
        result.provenance,
        path.dirname(path.resolve(out)),
      );
      console.log(`[fsvae] wrote ${out} (+ .md, .csv)`);
    }
    return 0;
  },
};
