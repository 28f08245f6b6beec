/**
 * Lever (d) for the small-data transfer (an extension, not in the paper): stage-2 regularisation
 * for 5-22 seen classes, on top of the dataset's preset (whose latent size, α, alignment window
 * and schedule were already chosen on validation: lib/experiments/small-data.ts). Candidates: a
 * stronger KL prior on both VAEs (β ×5, ×10), a linear decoder, a narrower latent code (8), a
 * 3× lower learning rate (the same steps then move the weights less), and a 2× larger batch.
 *
 * The choice is made per dataset on the val phase only (final-cycle val ZSL × |val-unseen|,
 * every registered split × the selection seeds), like the preset. Then the preset ('none') and
 * the chosen candidate run the test protocol on every split × the test seeds, paired by seed.
 */
import * as path from 'node:path';
import { readSynseBenchmark } from '../data/synse';
import { ZeroShotData } from '../pipeline/zero-shot';
import { FsvaeConfig } from '../train/config';
import { meanStd } from '../eval/metrics';
import { Row, resultsDir, writeResultTableWithJson } from '../report/table';
import { provenance } from '../report/provenance';
import { FsvaeInputError } from '../util/assert';
import { Figure } from '../viz/plotly';
import { codeVersion, evidencePreset } from './evidence';
import { LeverRun, leverCacheDir, leverFigure, leverRows, leverRun, readLeverResults } from './levers';
import { prepareFeaturesParallel, textFeaturesFor } from '../pipeline/features';
import { SelectionRecord, valPhaseRecords } from './small-data';
import { regularisationExtensionNote, regularisationSelectionNote, regularisationTestNote } from './narrative/regularisation';

export interface RegularisationCandidate {
  name: string;
  what: string;
  apply(cfg: FsvaeConfig): FsvaeConfig;
}

const edit = (f: (c: FsvaeConfig) => void) => (cfg: FsvaeConfig) => {
  const c = structuredClone(cfg);
  f(c);
  return c;
};

/** 'none' is the preset itself; the others change one thing of it. */
export const REGULARISATION_CANDIDATES: readonly RegularisationCandidate[] = [
  { name: 'none', what: "the dataset's preset", apply: edit(() => {}) },
  { name: 'kl×5', what: 'KL weight β of both VAEs ×5', apply: edit((c) => (c.schedule.klScale *= 5)) },
  { name: 'kl×10', what: 'KL weight β of both VAEs ×10', apply: edit((c) => (c.schedule.klScale *= 10)) },
  { name: 'linear-decoder', what: 'linear decoders (no ReLU)', apply: edit((c) => (c.decoderActivation = 'linear')) },
  { name: 'latent-8', what: 'latent code of 8 dimensions', apply: edit((c) => (c.latentDim = 8)) },
  { name: 'lr÷3', what: 'learning rate ÷3 (same steps)', apply: edit((c) => (c.learningRate /= 3)) },
  { name: 'batch×2', what: 'batch size ×2 (same steps: less gradient noise)', apply: edit((c) => (c.batchSize *= 2)) },
];

export interface RegularisationOptions {
  mode: 'quick' | 'full';
  /** seeds of the val-phase selection (default 1-4). */
  selectionSeeds?: number[];
  /** seeds per split of the test runs (default quick 1-3, full 1-10). */
  testSeeds?: number[];
  candidates?: readonly RegularisationCandidate[];
  log?: (line: string) => void;
  cacheDir?: string;
}

export interface RegularisationResult {
  /** the val-phase selection: one row per dataset × candidate, best first. */
  selectionRows: Row[];
  records: (SelectionRecord & { dataset: string })[];
  chosen: Record<string, string>;
  /** the test runs of 'none' and the chosen candidate. */
  rows: Row[];
  runs: LeverRun[];
  notes: string[];
  seconds: number;
  /** a stored table's provenance (readRegularisationResults). */
  provenance?: Record<string, unknown>;
}

export interface CandidateScore {
  name: string;
  mean: number;
  se: number;
  n: number;
}

/** Scores per candidate (mean and SE of the chance-normalised final-cycle val ZSL) and the best one. */
export function scoreCandidates(records: readonly SelectionRecord[], names: readonly string[]): { scores: CandidateScore[]; best: string } {
  const scores = names.map((name) => {
    const values = records.filter((r) => r.candidate === name).map((r) => r.valZslByCycle[r.valZslByCycle.length - 1] * r.valUnseen);
    const s = meanStd(values, `val score of ${name}`);
    return { name, mean: s.mean, se: s.std / Math.sqrt(s.n), n: s.n };
  });
  const best = scores.reduce((a, b) => (b.mean > a.mean ? b : a)).name;
  return { scores, best };
}

export async function runRegularisation(opts: RegularisationOptions): Promise<RegularisationResult> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const candidates = opts.candidates ?? REGULARISATION_CANDIDATES;
  if (candidates[0]?.name !== 'none') throw new FsvaeInputError("regularisation: the first candidate must be 'none' (the preset).");
  const config = evidencePreset(opts.mode, ['nw-ucla', 'utd-mhad']);
  const datasets = config.datasets.filter((d) => d.name !== 'generated');
  if (datasets.length === 0) {
    throw new FsvaeInputError('regularisation: needs NW-UCLA or UTD-MHAD skeletons (npx fsvae download nw-ucla; npx fsvae download utd-mhad).');
  }
  const selectionSeeds = opts.selectionSeeds ?? [1, 2, 3, 4];
  const testSeeds = opts.testSeeds ?? (opts.mode === 'quick' ? [1, 2, 3] : Array.from({ length: 10 }, (_, i) => i + 1));
  const cacheDir = opts.cacheDir ?? leverCacheDir();
  const code = codeVersion();
  const records: (SelectionRecord & { dataset: string })[] = [];
  const selectionRows: Row[] = [];
  const runs: LeverRun[] = [];
  const chosen: Record<string, string> = {};
  for (const ds of datasets) {
    const dataset = ds.name as 'nw-ucla' | 'utd-mhad';
    const named = candidates.map((c) => ({ name: c.name, cfg: c.apply(ds.stage2) }));
    const prefixed = (l: string) => log(`[regularisation ${ds.name}] ${l}`);
    const recs = await valPhaseRecords(dataset, named, { seeds: selectionSeeds, stage1: config.stage1, text: ds.text, log: prefixed });
    records.push(...recs.map((r) => ({ ...r, dataset: ds.name })));
    const { scores, best } = scoreCandidates(
      recs,
      candidates.map((c) => c.name),
    );
    chosen[ds.name] = best;
    for (const s of [...scores].sort((a, b) => b.mean - a.mean)) {
      selectionRows.push({
        dataset: ds.name,
        candidate: s.name,
        what: candidates.find((c) => c.name === s.name)!.what,
        'val score (× chance)': Number(s.mean.toFixed(3)),
        SE: Number(s.se.toFixed(3)),
        n: s.n,
        chosen: s.name === best ? 'yes' : '',
      });
    }
    for (const src of ds.sources) {
      const prepared = await prepareFeaturesParallel(src, { stage1: config.stage1, seed: 1, log });
      if ('missing' in prepared) throw new FsvaeInputError(prepared.message);
      const text = await textFeaturesFor(prepared, ds.stage2.textMode, ds.text);
      const data: ZeroShotData = {
        split: prepared.split,
        text,
        trainPhase: readSynseBenchmark(prepared.featuresRoot, prepared.split, 'train'),
        valPhase: readSynseBenchmark(prepared.featuresRoot, prepared.split, 'val'),
      };
      const features = path.basename(path.dirname(prepared.featuresRoot));
      for (const mode of [...new Set(['none', best])]) {
        const cfg = named.find((n) => n.name === mode)!.cfg;
        for (const seed of testSeeds) {
          const run = await leverRun({ dataset: ds.name, split: prepared.split.name, mode, seed, cfg, data, features, code, cacheDir }, log);
          runs.push(run);
          log(`[regularisation] ${prepared.split.name} ${mode} seed ${seed}: ZSL ${(100 * run.zsl).toFixed(1)}, val ${(100 * run.valFinal).toFixed(1)}`);
        }
      }
    }
  }
  const rows = regularisationRows(
    runs,
    candidates.map((c) => c.name),
    chosen,
  );
  const notes = regularisationNotes(candidates, selectionSeeds, testSeeds, chosen);
  return { selectionRows, records, chosen, rows, runs, notes, seconds: (Date.now() - t0) / 1000 };
}

/** The test rows, with the choice of the val-phase selection (not of the test runs' own val scores). */
export function regularisationRows(runs: readonly LeverRun[], order: readonly string[], chosen: Record<string, string>): Row[] {
  const modes = order.filter((m) => runs.some((r) => r.mode === m));
  return leverRows(runs, modes, 'none').rows.map((r) => ({ ...r, 'chosen on val': r.split === 'all' && chosen[String(r.dataset)] === r.mode ? 'yes' : '' }));
}

function regularisationNotes(
  candidates: readonly RegularisationCandidate[],
  selectionSeeds: readonly number[],
  testSeeds: readonly number[],
  chosen: Record<string, string>,
): string[] {
  return [
    regularisationExtensionNote(candidates.filter((c) => c.name !== 'none')),
    regularisationSelectionNote(selectionSeeds, chosen),
    regularisationTestNote(testSeeds),
  ];
}

/** Writes results/transfer_regularisation[_full].{md,csv,json} (selection and test, every run's values). */
export function writeRegularisationResults(r: RegularisationResult, backend: string, mode: 'quick' | 'full'): string[] {
  const suffix = mode === 'full' ? '_full' : '';
  const prov = provenance(backend, { notebook: '03_main_results', mode });
  const title = 'Lever (d): stage-2 regularisation chosen on validation, test ZSL (%)';
  const extra = { runs: r.runs, chosen: r.chosen, selection: r.selectionRows, records: r.records };
  const test = writeResultTableWithJson({ name: `transfer_regularisation${suffix}`, title, rows: r.rows, notes: r.notes }, prov, extra);
  const selection = {
    name: `transfer_regularisation_selection${suffix}`,
    title: 'Lever (d): val-phase selection of the regularisation',
    rows: r.selectionRows,
    notes: r.notes.slice(0, 2),
  };
  const sel = writeResultTableWithJson(selection, prov);
  return [test.md, sel.md];
}

/** The stored table, its test rows recomputed from its runs; null when none was written. */
export function readRegularisationResults(mode: 'quick' | 'full', dir = resultsDir()): RegularisationResult | null {
  const name = `transfer_regularisation${mode === 'full' ? '_full' : ''}`;
  const order = REGULARISATION_CANDIDATES.map((c) => c.name);
  const stored = readLeverResults(name, (runs, extra) => regularisationRows(runs, order, extra.chosen as Record<string, string>), dir);
  if (!stored) return null;
  return {
    selectionRows: (stored.extra.selection as Row[]) ?? [],
    records: (stored.extra.records as RegularisationResult['records']) ?? [],
    chosen: stored.extra.chosen as Record<string, string>,
    rows: stored.rows,
    runs: stored.runs,
    notes: stored.notes,
    seconds: NaN,
    provenance: stored.provenance,
  };
}

export function regularisationFigure(rows: readonly Row[]): Figure {
  return leverFigure(rows, 'Lever (d): test ZSL (%) per split, the preset against the regularisation chosen on validation');
}
