/** `fsvae features-report`: the stage-1 feature-quality report (results/stage1_quality*.{csv,md,json}); choices on the val phase only. */
import { checkWritable, CliCommand, CliUsageError, parseFlags } from '../registry';
import { FEATURE_QUALITY_PRESETS, FeatureQualityConfig, runFeatureQuality, writeFeatureQuality } from '../../experiments/feature-quality';
import { RAW_SKELETON_DATASETS, RawSkeletonDataset } from '../../pipeline/features';
import { extractorNames } from '../../stage1/extractors';
import { getSplit } from '../../data/splits';
import { describeBackend, initBackend } from '../../runtime/backend';
import { toMarkdown } from '../../report/table';
import { StepProgress } from '../../util/step-progress';

const USAGE = `usage: fsvae features-report [--preset quick|full] [--datasets nw-ucla,utd-mhad] [--splits <names>]
                             [--extractors ${extractorNames().join(',')}] [--seeds 1,2,3]
                             [--no-diagnostics] [--dir <dataset>=<folder>] [--out <results dir>]

For each dataset × split × extractor × seed, fits the extractor on the split's VAL PHASE (the
val-seen classes, train side, minus a held-out part — as stage-1 export's shift_val_{u}_r) and
measures the selection criteria there: val_seen_top1 / val_seen_ncm on the held-out val-seen
samples and val_pseudo_unseen_ncm (own-class-mean NCM on the pseudo-unseen classes' train-side
samples). The real unseen classes and the test side are never read for these. Unless
--no-diagnostics, it also refits on all seen classes and reports the test-side diagnostics
diag_test_seen_top1, diag_test_seen_ncm, diag_test_unseen_ncm_oracle (test labels: not used for
any choice). Writes <out>/stage1_quality.{csv,md,json} (one row per run),
stage1_quality_summary.{csv,md,json} (means per split) and stage1_quality_choice.{csv,md,json}
(which extractor the val phase supports as the default, and whether the default is it).
  --preset          quick: dct-descriptor and dct-lda; full: also shift-gcn-tiny (default quick)
  --datasets        any of ${RAW_SKELETON_DATASETS.join(', ')} (default nw-ucla,utd-mhad)
  --splits          registered split names (default: every split of each dataset)
  --no-diagnostics  skip the test-side diagnostic fit (halves the run time; the choice is unchanged)
  --dir             where a dataset is, e.g. --dir utd-mhad=/data/UTD/Skeleton (default: the data lookup)`;

const list = (v: string | true | undefined, what: string): string[] | undefined => {
  if (v === undefined) return undefined;
  if (v === true || v.trim() === '') throw new CliUsageError(`--${what} needs a value.`);
  return v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
};

export const featuresReportCommand: CliCommand = {
  name: 'features-report',
  summary: 'stage-1 feature quality: val-phase selection criteria (+ test-side diagnostics) of each extractor → results/stage1_quality*',
  usage: USAGE,
  async run(args) {
    const { flags, positional } = parseFlags(args, {
      preset: 'string',
      datasets: 'string',
      splits: 'string',
      extractors: 'string',
      seeds: 'string',
      dir: 'string',
      out: 'string',
      'no-diagnostics': 'bool',
    });
    if (flags.help) {
      console.log(USAGE);
      return 0;
    }
    if (positional.length) throw new CliUsageError(`unexpected argument '${positional[0]}'.\n${USAGE}`);
    const presetName = typeof flags.preset === 'string' ? flags.preset : 'quick';
    if (presetName !== 'quick' && presetName !== 'full') throw new CliUsageError(`--preset must be quick or full, got '${presetName}'.`);
    const base = FEATURE_QUALITY_PRESETS[presetName];
    const datasets = (list(flags.datasets, 'datasets') ?? base.datasets) as RawSkeletonDataset[];
    for (const d of datasets)
      if (!RAW_SKELETON_DATASETS.includes(d)) throw new CliUsageError(`--datasets: '${d}' is not one of ${RAW_SKELETON_DATASETS.join(', ')}.`);
    const extractors = list(flags.extractors, 'extractors') ?? base.extractors;
    for (const e of extractors)
      if (!extractorNames().includes(e)) throw new CliUsageError(`--extractors: '${e}' is not one of ${extractorNames().join(', ')}.`);
    const seedList = list(flags.seeds, 'seeds');
    const seeds = seedList
      ? seedList.map((s) => {
          if (!/^\d+$/.test(s)) throw new CliUsageError(`--seeds: '${s}' is not a non-negative integer.`);
          return Number(s);
        })
      : base.seeds;
    const splits = list(flags.splits, 'splits');
    if (splits) for (const s of splits) getSplit(s);
    const dirs: Partial<Record<RawSkeletonDataset, string>> = {};
    if (flags.dir !== undefined) {
      for (const kv of list(flags.dir, 'dir')!) {
        const eq = kv.indexOf('=');
        const d = kv.slice(0, eq) as RawSkeletonDataset;
        if (eq < 1 || !RAW_SKELETON_DATASETS.includes(d))
          throw new CliUsageError(`--dir must look like <dataset>=<folder> ` + `with a dataset of ${RAW_SKELETON_DATASETS.join(', ')}, got '${kv}'.`);
        dirs[d] = kv.slice(eq + 1);
      }
    }
    const out = typeof flags.out === 'string' ? flags.out : undefined;
    if (out) checkWritable(out, '--out', 'dir');
    const cfg: FeatureQualityConfig = { datasets, extractors, seeds, splits, diagnostics: flags['no-diagnostics'] !== true };
    await initBackend();
    let bar: StepProgress | null = null;
    const res = await runFeatureQuality(cfg, {
      dirs,
      log: (l) => console.log(l),
      onRow: (done, total, row) =>
        console.log(
          `[features-report] ${done}/${total} ${row.split} ${row.extractor} seed ${row.seed}: ` +
            `val_seen_top1 ${row.val_seen_top1 ?? 'n/a'}, val_seen_ncm ${row.val_seen_ncm}, val_pseudo_unseen_ncm ${row.val_pseudo_unseen_ncm} ` +
            `(${row.val_fit_seconds} s); diagnostics (test side, not used): seen_top1 ${row.diag_test_seen_top1 ?? 'n/a'}, ` +
            `unseen oracle ${row.diag_test_unseen_ncm_oracle ?? 'n/a'}`,
        ),
      onStage1Progress: (p) => {
        if (!bar || (p.epoch === 1 && p.step === 1)) bar = new StepProgress({ label: 'stage 1', total: p.epochs * p.stepsPerEpoch });
        bar.update((p.epoch - 1) * p.stepsPerEpoch + p.step, `epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(3)}`);
      },
    });
    if (res.rows.length === 0) {
      console.error(`[features-report] no dataset found: ${res.missing.join('; ')}`);
      return 1;
    }
    console.log(toMarkdown(res.summary));
    console.log(toMarkdown(res.choice.rows));
    console.log(`[features-report] VAL-PHASE DECISION: ${res.choice.statement}`);
    const files = writeFeatureQuality(res, describeBackend(), presetName, out);
    console.log(`[features-report] wrote ${files.join(', ')}`);
    return 0;
  },
};
