/**
 * Stage-2 settings for the small real datasets (NW-UCLA: 10 classes, UTD-MHAD: 27), chosen on the
 * pseudo-unseen VALIDATION split only.
 *
 * For every split of the dataset in the split registry, the val phase alone is trained (stage 2 on
 * the val-seen classes, ZSL on the val-unseen classes; the split's unseen classes and test side
 * are never read), for every candidate configuration and selection seed. A candidate's score is
 * the mean over splits × seeds of its FINAL-cycle val ZSL accuracy, chance-normalised per split
 * (accuracy × |val-unseen|, so 1 = chance), so splits with 2 and 5 pseudo-unseen classes weigh
 * alike and candidates with more cycles get no extra "best of" chances. The winner — the best
 * candidate whose schedule fits the notebooks' time budget (cycles × steps ≤ MAX_PRESET_STEPS, so
 * that `npm run main` runs every table on every split × seed in its 40 minutes) — becomes the
 * dataset's named preset; longer schedules stay in the grid to show what the budget costs. The
 * whole log is written to results/preset_selection_<dataset>.*.
 */
import { BenchmarkSplit, listSplits } from '../data/splits';
import { readSynseBenchmark } from '../data/synse';
import { ExtractorConfig } from '../stage1/extractors';
import { SmallDataSettings, FsvaeConfig, smallDataConfig } from '../train/config';
import { trainStage2 } from '../train/stage2';
import { trainStage2InWorker, canRunPhasesInParallel } from '../pipeline/phase-worker';
import { RawSkeletonDataset, TextSourceSpec, prepareFeaturesParallel, textFeaturesFor } from '../pipeline/features';
import { meanStd } from '../eval/metrics';
import { Row } from '../report/table';
import { FsvaeInputError } from '../util/assert';

/** One candidate: a name and the settings it gives the small-data preset. */
export interface SelectionCandidate extends SmallDataSettings {
  name: string;
}

export function candidateConfig(c: SelectionCandidate, name = `small-data:${c.name}`): FsvaeConfig {
  return smallDataConfig(name, `small-data candidate ${c.name}`, c);
}

/** The grid: latent {16, 64} × α {0.1, 2} × window {code, early} × schedule {3 × 300, 3 × 900}. */
export function selectionCandidates(): SelectionCandidate[] {
  const out: SelectionCandidate[] = [];
  for (const [cycles, stepsPerCycle] of [
    [3, 300],
    [3, 900],
  ] as const) {
    for (const latentDim of [16, 64]) {
      for (const alpha of [0.1, 2]) {
        for (const window of ['code', 'early'] as const)
          out.push({
            name: `z${latentDim}-a${alpha}-${window}-${cycles}x${stepsPerCycle}`,
            latentDim,
            alpha,
            window,
            cycles,
            stepsPerCycle,
          });
      }
    }
  }
  return out;
}

/** Steps per phase (cycles × steps per cycle) a preset may take: the notebooks' time budget. */
export const MAX_PRESET_STEPS = 900;

export interface SelectionRecord {
  candidate: string;
  split: string;
  seed: number;
  valUnseen: number;
  /** val ZSL per cycle (fractions). */
  valZslByCycle: number[];
  seconds: number;
}

export interface SelectionResult {
  dataset: RawSkeletonDataset;
  candidates: SelectionCandidate[];
  records: SelectionRecord[];
  /** candidate name → mean and std of the chance-normalised final-cycle val ZSL. */
  scores: { candidate: string; mean: number; std: number; n: number }[];
  /** the best candidate within MAX_PRESET_STEPS: the preset. */
  winner: SelectionCandidate;
  /** the best candidate of the whole grid (may exceed the budget). */
  bestOverall: SelectionCandidate;
  wallSeconds: number;
}

export interface SelectionOptions {
  seeds: number[];
  stage1: ExtractorConfig;
  text?: TextSourceSpec;
  candidates?: SelectionCandidate[];
  log?: (line: string) => void;
}

/** Runs the selection on the val phase of every registered split of `dataset`. */
export async function selectSmallDataPreset(dataset: RawSkeletonDataset, opts: SelectionOptions): Promise<SelectionResult> {
  const t0 = Date.now();
  const candidates = opts.candidates ?? selectionCandidates();
  const named = candidates.map((c) => ({ name: c.name, cfg: candidateConfig(c) }));
  const records = await valPhaseRecords(dataset, named, { ...opts, log: opts.log && ((l) => opts.log!(`[select ${dataset}] ${l}`)) });
  return { ...scoreSelection(dataset, candidates, records), wallSeconds: (Date.now() - t0) / 1000 };
}

/**
 * The val phase alone (stage 2 on the val-seen classes, ZSL per cycle on the val-unseen classes)
 * of every named configuration × seed on every registered split of `dataset`, two at a time when
 * there are two cores. The split's unseen classes and test side are never read.
 */
export async function valPhaseRecords(
  dataset: RawSkeletonDataset,
  named: readonly { name: string; cfg: FsvaeConfig }[],
  opts: Omit<SelectionOptions, 'candidates'>,
): Promise<SelectionRecord[]> {
  const splits: BenchmarkSplit[] = listSplits(dataset);
  if (splits.length === 0) throw new FsvaeInputError(`val-phase selection: no registered split for ${dataset}.`);
  const records: SelectionRecord[] = [];
  for (const split of splits) {
    const prepared = await prepareFeaturesParallel({ kind: 'skeletons', dataset, split: split.name }, { stage1: opts.stage1, seed: 1, log: opts.log });
    if ('missing' in prepared) throw new FsvaeInputError(prepared.message);
    const text = await textFeaturesFor(prepared, 'lb_ad_md', opts.text);
    const val = readSynseBenchmark(prepared.featuresRoot, split, 'val');
    const inputs = { train: val.train, unseen: split.valUnseen, text: { rows: text.rows, cols: text.cols, data: text.data }, evalSets: { ztest: val.ztest } };
    const jobs = named.flatMap((c) => opts.seeds.map((seed) => ({ c, seed })));
    const parallel = canRunPhasesInParallel();
    for (let i = 0; i < jobs.length; i += parallel ? 2 : 1) {
      const batch = jobs.slice(i, i + (parallel ? 2 : 1));
      const started = Date.now();
      const results = await Promise.all(
        batch.map((j, b) =>
          b === 0 && batch.length > 1 ? trainStage2InWorker(j.c.cfg, inputs, { seed: j.seed }) : trainStage2(j.c.cfg, inputs, { seed: j.seed }),
        ),
      );
      batch.forEach((j, b) => {
        const rec: SelectionRecord = {
          candidate: j.c.name,
          split: split.name,
          seed: j.seed,
          valUnseen: split.valUnseen.length,
          valZslByCycle: results[b].cycles.map((c) => c.zslAccuracy),
          seconds: (Date.now() - started) / 1000,
        };
        records.push(rec);
        const byCycle = rec.valZslByCycle.map((a) => (100 * a).toFixed(1)).join(' ');
        opts.log?.(`${split.name} ${j.c.name} seed ${j.seed}: val ZSL by cycle ${byCycle} (chance ${(100 / rec.valUnseen).toFixed(1)})`);
      });
    }
  }
  return records;
}

/** Scores, the winner within the budget, and the best of the grid, from the selection records. */
export function scoreSelection(
  dataset: RawSkeletonDataset,
  candidates: SelectionCandidate[],
  records: SelectionRecord[],
): Omit<SelectionResult, 'wallSeconds'> {
  const scores = candidates.map((c) => {
    const v = records.filter((r) => r.candidate === c.name).map((r) => r.valZslByCycle[r.valZslByCycle.length - 1] * r.valUnseen);
    const s = meanStd(v, `selection score of ${c.name}`);
    return { candidate: c.name, mean: s.mean, std: s.std, n: s.n };
  });
  const byName = (n: string) => candidates.find((c) => c.name === n)!;
  const best = (list: typeof scores) => list.reduce((a, b) => (b.mean > a.mean ? b : a));
  const affordable = scores.filter((s) => byName(s.candidate).cycles * byName(s.candidate).stepsPerCycle <= MAX_PRESET_STEPS);
  if (affordable.length === 0) throw new FsvaeInputError(`preset selection: no candidate fits ${MAX_PRESET_STEPS} steps per phase.`);
  return { dataset, candidates, records, scores, winner: byName(best(affordable).candidate), bestOverall: byName(best(scores).candidate) };
}

/** One row per candidate, best first. */
export function selectionRows(r: SelectionResult): Row[] {
  return [...r.scores]
    .sort((a, b) => b.mean - a.mean)
    .map((s) => {
      const c = r.candidates.find((x) => x.name === s.candidate)!;
      return {
        candidate: c.name,
        latent: c.latentDim,
        α: c.alpha,
        window: c.window,
        schedule: `${c.cycles} × ${c.stepsPerCycle}`,
        'within budget': c.cycles * c.stepsPerCycle <= MAX_PRESET_STEPS ? 'yes' : 'no',
        'score (× chance)': Number(s.mean.toFixed(3)),
        std: Number(s.std.toFixed(3)),
        SE: Number((s.std / Math.sqrt(s.n)).toFixed(3)),
        n: s.n,
        chosen: c.name === r.winner.name ? 'yes' : '',
      };
    });
}
