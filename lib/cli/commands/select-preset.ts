/** `fsvae select-preset`: stage-2 settings of a small dataset chosen on its pseudo-unseen validation splits. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkWritable, CliCommand, CliUsageError, parseFlags } from '../registry';
import { RawSkeletonDataset } from '../../pipeline/features';
import {
  MAX_PRESET_STEPS,
  SelectionCandidate,
  SelectionRecord,
  SelectionResult,
  scoreSelection,
  selectSmallDataPreset,
  selectionCandidates,
  selectionRows,
} from '../../experiments/small-data';
import { extractorConfig, DEFAULT_EXTRACTOR } from '../../stage1/extractors';
import { describeBackend, initBackend } from '../../runtime/backend';
import { resultsDir, toMarkdown, writeResultTable } from '../../report/table';
import { provenance } from '../../report/provenance';
import { writeFileAtomic } from '../../util/atomic-file';

const DATASETS: RawSkeletonDataset[] = ['nw-ucla', 'utd-mhad'];

const USAGE = `usage: fsvae select-preset --dataset nw-ucla|utd-mhad [--seeds 1,2] [--out <results dir>] [--rescore <selection.json>]

Trains the val phase only (val-seen classes → pseudo-unseen classes; never the split's unseen
classes or test side) of every registered split of the dataset for every candidate of the grid in
lib/experiments/small-data.ts, scores each by its chance-normalised final-cycle val ZSL averaged
over splits × seeds, and writes the log to <out>/preset_selection_<dataset>.{csv,md,json}
(default results/). The winner is the dataset's preset in lib/train/config.ts.
  --rescore  recompute the scores and tables from the records of an earlier selection JSON (no training)`;

export const selectPresetCommand: CliCommand = {
  name: 'select-preset',
  summary: 'choose stage-2 settings for NW-UCLA / UTD-MHAD on the pseudo-unseen validation splits → results/preset_selection_*',
  usage: USAGE,
  async run(args) {
    const { flags, positional } = parseFlags(args, { dataset: 'string', seeds: 'string', out: 'string', rescore: 'string' });
    if (flags.help) {
      console.log(USAGE);
      return 0;
    }
    if (positional.length) throw new CliUsageError(`unexpected argument '${positional[0]}'.\n${USAGE}`);
    const dataset = flags.dataset as RawSkeletonDataset;
    if (!DATASETS.includes(dataset)) throw new CliUsageError(`--dataset must be one of ${DATASETS.join(', ')}.\n${USAGE}`);
    const seeds = (typeof flags.seeds === 'string' ? flags.seeds : '1,2').split(',').map((s) => {
      if (!/^\d+$/.test(s.trim())) throw new CliUsageError(`--seeds: '${s}' is not a non-negative integer.`);
      return Number(s);
    });
    const out = typeof flags.out === 'string' ? flags.out : resultsDir();
    checkWritable(out, '--out', 'dir');
    await initBackend();
    let r: SelectionResult;
    let provExtra: Record<string, string | number> = {};
    if (typeof flags.rescore === 'string') {
      const prior = JSON.parse(fs.readFileSync(flags.rescore, 'utf8')) as {
        dataset: string;
        records: SelectionRecord[];
        candidates?: SelectionCandidate[];
        provenance?: { wallSeconds?: number; gitCommit?: string };
      };
      if (prior.dataset !== dataset) throw new CliUsageError(`--rescore: ${flags.rescore} is a selection for ${prior.dataset}, not ${dataset}.`);
      r = { ...scoreSelection(dataset, prior.candidates ?? selectionCandidates(), prior.records), wallSeconds: prior.provenance?.wallSeconds ?? 0 };
      provExtra = { rescoredFrom: path.basename(flags.rescore), trainedAtCommit: prior.provenance?.gitCommit ?? 'unknown' };
    } else {
      r = await selectSmallDataPreset(dataset, { seeds, stage1: extractorConfig(DEFAULT_EXTRACTOR), log: (l) => console.log(l) });
    }
    const rows = selectionRows(r);
    console.log(toMarkdown(rows));
    const prov = provenance(describeBackend(), { dataset, seeds: seeds.join(','), stage1: DEFAULT_EXTRACTOR, wallSeconds: r.wallSeconds, ...provExtra });
    const name = `preset_selection_${dataset}`;
    writeResultTable(
      {
        name,
        title: `Stage-2 settings for ${dataset}, chosen on the pseudo-unseen validation splits`,
        rows,
        notes: [
          'score = chance-normalised final-cycle val ZSL (accuracy × number of pseudo-unseen classes; 1 = chance), ' +
            'mean over the registered splits × selection seeds; the val phase only (val-seen → pseudo-unseen classes): ' +
            'no unseen class and no test-side sample is read.',
          `SE = std/√n. Candidates whose scores differ by less than about 2 SE are not told apart by the validation splits: ` +
            `the choice is then only weakly informed (on splits with 2 pseudo-unseen classes the val ZSL of every candidate stays near chance).`,
          `within budget: cycles × steps ≤ ${MAX_PRESET_STEPS} per phase, ` +
            `so that npm run main trains every table on every split × seed in its time budget; ` +
            `the preset is the best candidate within budget. Best of the whole grid: ${r.bestOverall.name}.`,
          `winner: ${r.winner.name}. The preset 'small-${dataset}' in lib/train/config.ts holds these settings; a test checks that it matches this file.`,
        ],
      },
      prov,
      out,
    );
    const selection = {
      dataset,
      seeds,
      maxPresetSteps: MAX_PRESET_STEPS,
      winner: r.winner,
      bestOverall: r.bestOverall,
      candidates: r.candidates,
      scores: r.scores,
      records: r.records,
      provenance: prov,
    };
    writeFileAtomic(path.join(out, `${name}.json`), JSON.stringify(selection, null, 1) + '\n');
    console.log(`[select-preset] winner ${r.winner.name}; wrote ${path.join(out, name)}.{csv,md,json}`);
    return 0;
  },
};
