/**
 * What the levers for the small-data transfer (lib/experiments/auxiliary-classes.ts,
 * lib/experiments/regularisation.ts) share: one cached stage-2 run per split × mode × seed that
 * keeps both the test ZSL and the validation score, the choice of a mode on validation only, the
 * rows with paired differences against the lever's baseline mode, a figure, and reading a stored
 * table back with its rows recomputed from its runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { ZeroShotData, runZeroShotSeeds } from '../pipeline/zero-shot';
import { FsvaeConfig } from '../train/config';
import { cacheRoot } from '../data/paths';
import { confidenceInterval, formatInterval, pairedComparison, stratifiedInterval } from '../eval/stats';
import { Row, resultsDir } from '../report/table';
import { writeFileAtomic } from '../util/atomic-file';
import { FsvaeInputError } from '../util/assert';
import { Figure } from '../viz/plotly';
import { OverlapDataset } from '../data/class-overlap';
import { SkeletonSequence } from '../data/skeleton';
import { SideOf } from '../stage1/input';
import { loadSequences } from '../pipeline/features';
import { DELTA_VS_NONE_NOTE, valScoreNote } from './narrative/levers';

/** The runs' cache (shared by the levers: their 'none' runs are the same runs). */
export function leverCacheDir(): string {
  return path.join(cacheRoot(), 'levers');
}

/** One stage-2 run of a lever's mode on a split and seed (fractions). */
export interface LeverRun {
  dataset: string;
  split: string;
  mode: string;
  seed: number;
  /** clean protocol (cycle chosen on the val phase), on the split's unseen classes. */
  zsl: number;
  /** the val phase's final-cycle ZSL on the pseudo-unseen classes (the selection score). */
  valFinal: number;
  chance: number;
  valChance: number;
  seconds: number;
  engine: string;
  code: string;
}

export interface LeverCell {
  dataset: string;
  split: string;
  mode: string;
  seed: number;
  cfg: FsvaeConfig;
  data: ZeroShotData;
  /** a name of the features (the cache key also holds a hash of every feature matrix the run reads). */
  features: string;
  code: string;
  cacheDir: string;
}

/** sha256 of every feature matrix and label vector of both phases (so a changed input never reuses a run). */
export function featureHash(data: ZeroShotData): string {
  const h = createHash('sha256');
  for (const phase of [data.trainPhase, data.valPhase]) {
    for (const set of [phase.train, phase.ztest, phase.gtest, phase.val]) {
      if (!set) {
        h.update('-');
        continue;
      }
      h.update(Buffer.from(set.features.buffer, set.features.byteOffset, set.features.byteLength));
      h.update(Buffer.from(set.labels.buffer, set.labels.byteOffset, set.labels.byteLength));
    }
  }
  return h.digest('hex');
}

/** The run of a cell, from the cache or trained (both phases, the clean protocol) and cached. */
export async function leverRun(c: LeverCell, log: (line: string) => void = () => {}): Promise<LeverRun> {
  const textSha = createHash('sha256')
    .update(Buffer.from(c.data.text.data.buffer, c.data.text.data.byteOffset, c.data.text.data.byteLength))
    .digest('hex');
  const identity = { features: c.features, featureSha: featureHash(c.data), mode: c.mode, cfg: c.cfg, textSha, seed: c.seed, code: c.code };
  const key = createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 24);
  const file = path.join(c.cacheDir, `${key}.json`);
  try {
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as LeverRun;
  } catch {
    log(`[levers] damaged cache entry ${file}: recomputed`);
  }
  const started = Date.now();
  const [o] = await runZeroShotSeeds(c.cfg, c.data, { seeds: [c.seed] });
  const run: LeverRun = {
    dataset: c.dataset,
    split: c.split,
    mode: c.mode,
    seed: c.seed,
    zsl: o.zsl.clean,
    valFinal: o.valZslByCycle[o.valZslByCycle.length - 1],
    chance: 1 / c.data.split.unseen.length,
    valChance: 1 / c.data.split.valUnseen.length,
    seconds: (Date.now() - started) / 1000,
    engine: o.trainResult.engine,
    code: c.code,
  };
  fs.mkdirSync(c.cacheDir, { recursive: true });
  writeFileAtomic(file, JSON.stringify(run));
  return run;
}

const pct = (v: number) => Number((100 * v).toFixed(1));
const mean = (v: readonly number[]) => v.reduce((a, x) => a + x, 0) / v.length;

/** The selection score of runs: mean chance-normalised final-cycle val ZSL (1 = chance), as lib/experiments/small-data.ts. */
export function valScore(rs: readonly LeverRun[]): number {
  return mean(rs.map((r) => r.valFinal / r.valChance));
}

/** The standard error of valScore (SD of the runs' chance-normalised scores / √n). */
export function valScoreSe(rs: readonly LeverRun[]): number {
  const v = rs.map((r) => r.valFinal / r.valChance);
  const m = mean(v);
  return v.length < 2 ? NaN : Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1) / v.length);
}

/**
 * Rows per dataset × split × mode and per dataset × mode ('all'), from the runs alone; per dataset
 * the mode with the best validation score is chosen (the baseline unless another beats it).
 */
export function leverRows(runs: readonly LeverRun[], modes: readonly string[], baseline: string): { rows: Row[]; chosen: Record<string, string> } {
  if (!modes.includes(baseline)) throw new FsvaeInputError(`lever rows: the modes [${modes.join(', ')}] must include the baseline '${baseline}'.`);
  const rows: Row[] = [];
  const chosen: Record<string, string> = {};
  for (const dataset of [...new Set(runs.map((r) => r.dataset))]) {
    const of = (mode: string, split?: string) => runs.filter((r) => r.dataset === dataset && r.mode === mode && (split === undefined || r.split === split));
    const present = modes.filter((m) => of(m).length > 0);
    chosen[dataset] = present.reduce((b, m) => (valScore(of(m)) > valScore(of(b)) ? m : b), baseline);
    const splits = [...new Set(of(baseline).map((r) => r.split))];
    for (const split of ['all', ...splits]) {
      for (const mode of present) {
        const rs = split === 'all' ? of(mode) : of(mode, split);
        const zslOf = (list: readonly LeverRun[]) => list.map((r) => r.zsl);
        const ci = split === 'all' ? stratifiedInterval(splits.map((s) => zslOf(rs.filter((r) => r.split === s)))) : confidenceInterval(zslOf(rs));
        const row: Row = {
          dataset,
          split,
          mode,
          n: rs.length,
          ZSL: pct(ci.mean),
          '95% CI': Number.isFinite(ci.lo) ? `[${pct(ci.lo)}, ${pct(ci.hi)}]` : 'n < 2',
          chance: pct(mean(rs.map((r) => r.chance))),
          'val score (× chance)': Number(valScore(rs).toFixed(3)),
          'val SE': Number(valScoreSe(rs).toFixed(3)),
          'chosen on val': split === 'all' && chosen[dataset] === mode ? 'yes' : '',
        };
        if (mode !== baseline) {
          const base = new Map((split === 'all' ? of(baseline) : of(baseline, split)).map((r) => [`${r.split}|${r.seed}`, r.zsl]));
          const pairs = rs.filter((r) => base.has(`${r.split}|${r.seed}`));
          const baseOf = pairs.map((r) => base.get(`${r.split}|${r.seed}`)!);
          const d = pairedComparison(
            pairs.map((r) => r.zsl),
            baseOf,
            `${mode} vs ${baseline}`,
            pairs.map((r) => r.split),
          );
          row[`Δ vs ${baseline} [95% CI]`] = formatInterval(d);
          row.verdict = d.verdict === 'supports' ? 'helps' : d.verdict === 'contradicts' ? 'hurts' : 'inconclusive';
        }
        rows.push(row);
      }
    }
  }
  return { rows, chosen };
}

/** The notes every lever table shares: how the mode is chosen on validation, and how Δ is paired and bounded. */
export function leverSelectionNotes(chosen: Record<string, string>): string[] {
  return [valScoreNote(chosen), DELTA_VS_NONE_NOTE];
}

/** Per split: one bar per mode (test ZSL, mean and 95 % interval) and the split's chance level. */
export function leverFigure(rows: readonly Row[], title: string): Figure {
  const perSplit = rows.filter((r) => r.split !== 'all');
  const splits = [...new Set(perSplit.map((r) => String(r.split)))];
  const modes = [...new Set(perSplit.map((r) => String(r.mode)))];
  const bounds = (r: Row) => (/^\[(-?[\d.]+), (-?[\d.]+)\]$/.exec(String(r['95% CI'])) ?? []).slice(1).map(Number);
  const data: Record<string, unknown>[] = modes.map((mode) => {
    // a mode runs on the splits of the datasets that chose it (lever (d): one candidate per dataset)
    const rs = splits.map((s) => perSplit.find((r) => r.split === s && r.mode === mode)).filter((r): r is Row => r !== undefined);
    const y = rs.map((r) => Number(r.ZSL));
    const b = rs.map(bounds);
    const up = b.map((x, i) => (x.length ? x[1] - y[i] : 0));
    const down = b.map((x, i) => (x.length ? y[i] - x[0] : 0));
    return { type: 'bar', name: mode, x: rs.map((r) => String(r.split)), y, error_y: { type: 'data', symmetric: false, array: up, arrayminus: down } };
  });
  const chance = splits.map((s) => Number(perSplit.find((r) => r.split === s)!.chance));
  data.push({ type: 'scatter', mode: 'markers', name: 'chance', x: splits, y: chance, marker: { symbol: 'line-ew-open', size: 24, color: 'black' } });
  const yaxis = { title: { text: 'test ZSL (%), mean and 95 % CI over seeds' } };
  return { data, layout: { title: { text: title }, barmode: 'group', yaxis, xaxis: { title: { text: 'split' } } } };
}

/** A stored lever table (results/<name>.json): its runs, and its rows recomputed from them (they must equal the stored rows). */
export interface StoredLever {
  rows: Row[];
  runs: LeverRun[];
  notes: string[];
  /** the file's other fields (e.g. the choice, the selection rows). */
  extra: Record<string, unknown>;
  provenance: Record<string, unknown>;
}

/** Reads results/<name>.json; `rowsOf` recomputes the rows from the runs and the other fields. Null when the file is absent. */
export function readLeverResults(name: string, rowsOf: (runs: LeverRun[], extra: Record<string, unknown>) => Row[], dir = resultsDir()): StoredLever | null {
  const file = path.join(dir, `${name}.json`);
  if (!fs.existsSync(file)) return null;
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { rows: Row[]; runs: LeverRun[]; notes: string[]; provenance: Record<string, unknown> };
  const { rows: storedRows, runs, notes, provenance, ...extra } = stored;
  const rows = rowsOf(runs, extra);
  if (JSON.stringify(rows) !== JSON.stringify(storedRows)) {
    throw new FsvaeInputError(
      `${file}: its rows differ from the rows recomputed from its runs; the file was edited or written by another version. ` +
        'Run the lever again (FSVAE_MODE=full).',
    );
  }
  return { rows, runs, notes, extra, provenance };
}

/** The skeleton sequences of one of the two small Kinect-v1 datasets, with their sides and cache id. */
export interface TargetSequences {
  sequences: SkeletonSequence[];
  side: SideOf;
  datasetId: string;
}

/** Reads a dataset's skeletons once per run of a lever (every split and mode uses them). */
export type SequenceReader = (dataset: OverlapDataset) => TargetSequences;

export function sequenceReader(): SequenceReader {
  const read = new Map<OverlapDataset, TargetSequences>();
  return (dataset) => {
    let s = read.get(dataset);
    if (!s) {
      // any registered split of the dataset: only its sequences and sides are read, not its class lists
      const l = loadSequences({ kind: 'skeletons', dataset, split: dataset === 'nw-ucla' ? 'nw-ucla-8/2' : 'utd-mhad-22/5' });
      if ('missing' in l) throw new FsvaeInputError(l.message);
      s = l;
      read.set(dataset, s);
    }
    return s;
  };
}
