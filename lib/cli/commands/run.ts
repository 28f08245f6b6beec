/** `fsvae run` (alias `train`): stages 2-4 with both protocols on pre-extracted features in the SynSE layout. */
import { FsvaeInputError } from '../../util/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseStage2EngineFlag, checkWritable, CliCommand, CliUsageError, FlagSpec, commandLine, parseFlags, repeated, setUsage } from '../registry';
import { applyOverrides, settablePaths } from '../../train/overrides';

const FLAGS: FlagSpec = {
  features: 'string',
  text: 'string',
  split: 'string',
  dataset: 'string',
  unseen: 'string',
  preset: 'string',
  'text-mode': 'string',
  encoder: 'string',
  seeds: 'posint',
  'seed-base': 'int',
  protocol: 'string',
  'gate-temperature': 'string',
  'gate-threshold': 'string',
  cycles: 'posint',
  steps: 'posint',
  engine: 'string',
  sequential: 'bool',
  'checkpoint-dir': 'string',
  out: 'string',
  log: 'string',
  set: 'repeat',
  quiet: 'bool',
};
import { canRunPhasesInParallel } from '../../pipeline/phase-worker';
import { initBackend, describeBackend } from '../../runtime/backend';
import { getSplit, parseUnseenList, splitFromUnseen } from '../../data/splits';
import { fsvaePreset, FSVAE_PRESETS, withSchedule } from '../../train/config';
import {
  loadZeroShotData,
  PROTOCOL_LABEL,
  Protocol,
  REFERENCE_GATE,
  runZeroShotBenchmark,
  GateConfig,
  stage2EnginesUsed,
  zeroShotStage2Engine,
} from '../../pipeline/zero-shot';
import { formatMeanStd } from '../../eval/metrics';
import { provenance } from '../../report/provenance';
import { StepProgress } from '../../util/step-progress';
import { TextEncoderName } from '../../data/text-tables';
import { numClassesOf } from '../../data/classes';
import { DiskWriteError, makeFolders, toDiskWriteError, writeFileAtomic } from '../../util/atomic-file';

const USAGE = `usage: fsvae train --features <sk_feats dir> --text <dir with text_feats/> (--split <name> | --dataset <ntu60|ntu120> --unseen <ids>)
                   [--preset ${Object.keys(FSVAE_PRESETS).join('|')}] [--text-mode lb_ad_md] [--encoder ViT-B/32]
                   [--seeds 3] [--seed-base 1] [--protocol clean|reference] [--gate-temperature 2|search]
                   [--gate-threshold 0.5|search] [--cycles N] [--steps N] [--engine auto|fused|autodiff] [--sequential] [--checkpoint-dir <dir>]
                   [--out <file.json>] [--log <cycles.jsonl>] [--set key=value ...] [--quiet]
${setUsage(settablePaths(fsvaePreset('quick')).map((p) => p.path))}
Class ids of --unseen are 0-based (subtract 1 from 1-based action ids).

Stages 2-4: trains the cross-modal VAE and the unseen classifier for every seed on the phase-train
folder (shift_{ss}_r) and on the pseudo split (shift_val_{ss}_r), fits the seen/unseen gate on the
pseudo split, and reports ZSL accuracy and GZSL S/U/H under the 'clean' protocol (cycle chosen on
the pseudo-unseen validation split; default) and the 'reference' one (cycle chosen on the test
set, as the public code does — labelled so). The JSON holds both.`;

export const command: CliCommand = {
  name: 'run',
  summary: 'stages 2-4 on SynSE-layout features: ZSL and GZSL S/U/H over seeds (clean and reference protocols)',
  usage: USAGE,
  async run(args) {
    const { flags, positional } = parseFlags(args, FLAGS);
    if (positional.length) throw new CliUsageError(`unexpected argument '${positional[0]}'.`);
    const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
    const features = str('features');
    const textDir = str('text');
    if (!features || !textDir) throw new CliUsageError('--features and --text are required.');
    let split: ReturnType<typeof getSplit>;
    if (str('split')) split = getSplit(str('split')!);
    else if (str('dataset') && str('unseen')) {
      const ds = str('dataset')! as Parameters<typeof splitFromUnseen>[0];
      split = splitFromUnseen(ds, parseUnseenList(str('unseen')!, numClassesOf(ds)));
    } else throw new CliUsageError('give --split <name> or --dataset <name> with --unseen <ids>.');
    const protocol = (str('protocol') ?? 'clean') as Protocol;
    if (protocol !== 'clean' && protocol !== 'reference') throw new CliUsageError(`--protocol must be clean or reference, got '${protocol}'.`);
    const nSeeds = Number(str('seeds') ?? 3);
    const seedBase = Number(str('seed-base') ?? 1);
    if (nSeeds > 100) throw new CliUsageError(`--seeds must be at most 100, got ${nSeeds}.`);
    const seeds = Array.from({ length: nSeeds }, (_, i) => seedBase + i);
    let cfg = fsvaePreset(str('preset') ?? 'quick');
    if (str('text-mode')) cfg.textMode = str('text-mode')!;
    const resolved = applyOverrides(cfg, repeated(flags.set));
    cfg = resolved.config;
    const sized = withSchedule(cfg, { cycles: str('cycles') ? Number(str('cycles')) : undefined, steps: str('steps') ? Number(str('steps')) : undefined });
    Object.assign(cfg, sized);
    const engine = parseStage2EngineFlag(flags.engine);
    // the gate's settings, like every flag, are checked before any work (the gate itself runs after training)
    const gateValue = (k: string, d: number, ok: (n: number) => boolean, range: string): number | 'search' => {
      const v = str(k);
      if (v === undefined) return d;
      if (v === 'search') return 'search';
      const n = Number(v);
      if (!(v.trim() !== '' && Number.isFinite(n) && ok(n))) throw new CliUsageError(`--${k} must be ${range} or 'search', got '${v}'.`);
      return n;
    };
    const gate: GateConfig = {
      temperature: gateValue('gate-temperature', REFERENCE_GATE.temperature as number, (n) => n > 0, 'a positive number'),
      threshold: gateValue(
        'gate-threshold',
        REFERENCE_GATE.threshold as number,
        (n) => n > 0 && n < 1,
        "a probability in (0, 1) (the scripts' --th 50 is 0.5)",
      ),
    };
    // output paths are checked before any work
    if (str('out')) checkWritable(str('out')!, '--out', 'file');
    if (str('log')) checkWritable(str('log')!, '--log', 'file');
    if (str('checkpoint-dir')) checkWritable(str('checkpoint-dir')!, '--checkpoint-dir', 'dir');
    const t0 = Date.now();
    const backend = await initBackend();
    const plannedEngine = await zeroShotStage2Engine(cfg, { engine });
    const data = loadZeroShotData({ features, text: textDir, textMode: cfg.textMode, encoder: (str('encoder') ?? 'ViT-B/32') as TextEncoderName }, split);
    console.log(
      `[fsvae] split ${split.name}: ${split.unseen.length} unseen, preset ${cfg.name}, text ${cfg.textMode} (${data.text.cols}-d), ` +
        `seeds ${seeds.join(', ')}, protocol ${PROTOCOL_LABEL[protocol]}, stage-2 engine ${plannedEngine}`,
    );
    const total = cfg.schedule.cycles * cfg.schedule.stepsPerCycle;
    let bar: StepProgress | null = null;
    let barKey = '';
    // per-cycle metrics as JSON lines: --log, else next to --out
    const logFile = str('log') ?? (str('out') ? str('out')!.replace(/\.json$/, '') + '.cycles.jsonl' : undefined);
    // a write the file system refuses (full disk, quota, read-only): one line naming the file, and
    // the log this run created is removed (the JSON is written atomically, checkpoints too)
    const failed = (e: unknown): unknown => {
      const d = toDiskWriteError(e);
      if (d instanceof DiskWriteError && logFile) fs.rmSync(logFile, { force: true });
      return d;
    };
    let logError: unknown = null;
    const appendLog = (line: string) => {
      if (!logFile || logError) return;
      try {
        fs.appendFileSync(logFile, line);
      } catch (e) {
        logError = toDiskWriteError(e, logFile);
      }
    };
    if (logFile) {
      try {
        makeFolders(path.dirname(path.resolve(logFile)));
        fs.writeFileSync(logFile, '');
      } catch (e) {
        throw failed(toDiskWriteError(e, logFile));
      }
    }
    const bench = await runZeroShotBenchmark(cfg, data, {
      seeds,
      gate,
      engine,
      checkpointDir: str('checkpoint-dir'),
      log: (l) => console.log(l),
      parallel: flags.sequential ? false : undefined,
      onCycle: (phase, seed, c) => {
        appendLog(JSON.stringify({ phase, seed, ...c }) + '\n');
        // a log that cannot be written stops the run at the next cycle of the train phase, which runs on
        // this thread (the val phase's cycles may arrive in a worker's message handler, where a throw
        // would end the process with a stack)
        if (logError && phase === 'train') throw logError;
        const resumed = (c as { restored?: boolean }).restored ? ` (resumed: restored from ${str('checkpoint-dir')})` : '';
        const zsl = `${phase === 'train' ? 'ZSL' : 'pseudo-unseen ZSL'} ${(100 * c.zslAccuracy).toFixed(1)}`;
        const tail = `loss ${c.losses.total.toFixed(3)}, ${c.wallSeconds.toFixed(1)} s${resumed}`;
        if (!flags.quiet) console.log(`[seed ${seed} ${phase}] cycle ${c.cycle + 1}/${cfg.schedule.cycles}: ${zsl}, ${tail}`);
      },
      // a redrawn bar on a terminal only (following the train phase when the val phase runs alongside in a worker)
      onProgress:
        flags.quiet || !process.stdout.isTTY
          ? undefined
          : (phase, seed, p) => {
              if (phase === 'val' && !flags.sequential && canRunPhasesInParallel()) return;
              const key = `${phase}/${seed}`;
              if (key !== barKey) {
                bar?.done();
                bar = new StepProgress({ label: `seed ${seed} ${phase}`, total });
                barKey = key;
              }
              bar!.update(p.cycle * p.stepsPerCycle + p.step + 1, `cycle ${p.cycle} loss ${p.loss.toFixed(3)} ${p.stepsPerSecond.toFixed(0)} steps/s`);
            },
    }).catch((e: unknown) => {
      throw failed(divergenceNamingInput(e, `split ${data.split.name}, features ${features}, text ${textDir}`));
    });
    if (logError) throw failed(logError);
    (bar as StepProgress | null)?.done();
    // the engine the runs actually used (both phases of every seed), on every result line and in the provenance
    const stage2Engine = stage2EnginesUsed(bench);
    if (stage2Engine !== plannedEngine) console.log(`[fsvae] warning: stage 2 ran on ${stage2Engine}, resolved before the run: ${plannedEngine}`);
    const pct = { scale: 100, digits: 1 };
    for (const p of [protocol, protocol === 'clean' ? 'reference' : 'clean'] as Protocol[]) {
      const s = bench.summary[p];
      console.log(
        `[fsvae] ${PROTOCOL_LABEL[p]}: ZSL ${formatMeanStd(s.zsl, pct)} | GZSL S ${formatMeanStd(s.seen, pct)} U ${formatMeanStd(s.unseen, pct)} ` +
          `H ${formatMeanStd(s.harmonic, pct)} (${seeds.length} seed(s), stage-2 engine ${stage2Engine})`,
      );
    }
    const { firstSeedGzsl, ...rest } = bench;
    const result = {
      kind: 'fsvae-run',
      provenance: provenance(describeBackend(), {
        wallSeconds: (Date.now() - t0) / 1000,
        preset: cfg.name,
        overrides: JSON.stringify(resolved.overrides),
        split: split.name,
        protocol,
        seeds: seeds.join(','),
        backendName: backend.name,
        stage2Engine,
        text: `${str('encoder') ?? 'ViT-B/32'} tables (${cfg.textMode}) from ${path.resolve(textDir)}`,
        commandLine: commandLine(),
      }),
      protocol: PROTOCOL_LABEL[protocol],
      reported: bench.summary[protocol],
      splitDefinition: split,
      presetDefinition: cfg,
      ...rest,
      firstSeedPerClass: { clean: firstSeedGzsl.clean.perClass, reference: firstSeedGzsl.reference.perClass },
    };
    const out = str('out');
    if (out) {
      try {
        makeFolders(path.dirname(path.resolve(out)));
        writeFileAtomic(out, JSON.stringify(result, null, 2));
      } catch (e) {
        throw failed(toDiskWriteError(e, out));
      }
      console.log(`[fsvae] wrote ${out}`);
    }
    return 0;
  },
};

/**
 * Stage 2 stops with "stage 2 diverged" when its loss stops being a number: almost always input
 * features on another scale (e.g. rows of 1e30). As the command's error: one line naming the input.
 */
export function divergenceNamingInput(e: unknown, input: string): unknown {
  const msg = e instanceof Error ? e.message : String(e);
  if (!/stage 2 diverged/.test(msg)) return e;
  return new FsvaeInputError(`${msg.replace(/\.?\s*$/, '')} — input: ${input}; check that its values are finite and on the usual scale.`);
}
