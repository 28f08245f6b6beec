/**
 * What to expect on NTU: for each of the paper's four NTU splits, the paper's ZSL and H, what the
 * released scripts actually run (against the paper's appendix Table 12), what users of the
 * released code reported in the authors' issue tracker, this project's two presets and any run of
 * them stored in results/, and the number a user should compare against.
 *
 * Sources:
 * - paper numbers: PAPER_TABLE1_ZSL / PAPER_TABLE2_GZSL ('Ours') of paper-numbers.ts, never retyped here;
 * - released scripts: fsvae_60.sh, fsvae_120.sh and model.py of wenhanwu95/FS-VAE (commit 25e7bbeb,
 *   the one lib/data/sources.ts pins); docs/paper-vs-code.md says the same;
 * - Table 12: as issue #3 quotes it (α 0.1, 1900 epochs, φ 35); α and φ agree with Sec. 4.3
 *   (PAPER_SWEEP_BEST), from where they are taken;
 * - user reports: github.com/wenhanwu95/FS-VAE issues #1, #3, #4 and #5, each checked against the
 *   issue text; a record's `source` says so;
 * - this project's presets: read from fsvaePreset() at call time; its runs: results/table1_zsl*.json
 *   and table2_gzsl*.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PAPER_SWEEP_BEST, PAPER_TABLE1_ZSL, PAPER_TABLE2_GZSL } from './paper-numbers';
import { ntuResultsPreset } from './main-results';
import { randomSplitSummaryLines } from './random-splits';
import { fsvaePreset } from '../train/config';
import { getDataSource } from '../data/sources';
import { locateData, repoRoot } from '../data/paths';
import { Cell, Row, formatCell, toMarkdown, writeResultTableWithJson } from '../report/table';
import { replaceReadmeBlock } from './readme-blocks';
import { provenance } from '../report/provenance';
import { FsvaeInputError } from '../util/assert';
import { NTU_REPRODUCIBILITY_NOTES } from './narrative/reproducibility';

export const NTU_REPRODUCTION_SPLITS = ['ntu60-55/5', 'ntu60-48/12', 'ntu120-110/10', 'ntu120-96/24'] as const;
export type NtuSplit = (typeof NTU_REPRODUCTION_SPLITS)[number];

/** What a released driver script runs. */
export interface ReleasedScript {
  script: 'fsvae_60.sh' | 'fsvae_120.sh';
  /** the training script it calls, and whether the repository holds it. */
  calls: string;
  callsExists: boolean;
  alpha: number;
  stepsPerCycle: number;
  cycles: number;
  latentDim: number;
  /** φ: model.py's `split_freq` default; no script or argument overrides it. */
  phi: number;
  source: string;
}

/** The paper's appendix Table 12, as issue #3 quotes it (one value each). */
export interface Table12Settings {
  alpha: number;
  stepsPerCycle: number;
  phi: number;
  source: string;
}

export const PAPER_TABLE12: Readonly<Table12Settings> = {
  alpha: PAPER_SWEEP_BEST['table5-alpha'],
  stepsPerCycle: 1900,
  phi: PAPER_SWEEP_BEST['fig4-phi'],
  source: 'issue #3 quotes Table 12: epoch 1900, α 0.1, φ 35 (α and φ as Sec. 4.3 / PAPER_SWEEP_BEST); no per-dataset values are quoted',
};

const SCRIPT_SOURCE = 'wenhanwu95/FS-VAE@25e7bbeb; docs/paper-vs-code.md';

export const RELEASED_SCRIPTS: Readonly<Record<'ntu60' | 'ntu120', ReleasedScript>> = {
  ntu60: {
    script: 'fsvae_60.sh',
    calls: 'train.py',
    callsExists: true,
    alpha: 0.5,
    stepsPerCycle: 1700,
    cycles: 10,
    latentDim: 100,
    phi: 30,
    source: `fsvae_60.sh (--alpha 0.5, nepc=1700, nc=10, ls=100), model.py (split_freq=30); ${SCRIPT_SOURCE}`,
  },
  ntu120: {
    script: 'fsvae_120.sh',
    calls: 'train_neg_t.py',
    callsExists: false,
    alpha: 0.1,
    stepsPerCycle: 1900,
    cycles: 10,
    latentDim: 200,
    phi: 30,
    source:
      `fsvae_120.sh (--alpha 0.1, nepc=1900, nc=10, ls=200, calls train_neg_t.py, which the repo does not hold), ` +
      `model.py (split_freq=30); ${SCRIPT_SOURCE} §6.12`,
  },
};

/** One user's report in the authors' issue tracker, as it concerns one split. */
export interface ReportedReproduction {
  issue: number;
  url: string;
  title: string;
  who: string;
  /** the day the issue was opened. */
  date: string;
  state: 'open' | 'closed';
  /** ZSL accuracy (%) reported for this split; absent when the issue gives no number for it. */
  zsl?: number;
  /** GZSL H reported for this split; absent when the issue gives no number for it. */
  h?: number;
  /** what the issue says about this split (quoted words in quotes). */
  said: string;
  /** the user's own verdict against the paper. */
  verdict: 'close to the paper' | 'below the paper';
  /** what the user ran, as far as the issue says. */
  ran: string;
  source: string;
}

const ISSUES = {
  1: { title: 'Unable to reproduce reported accuracy on NTU60 under ZSL/GZSL settings', who: 'Z1740220020', date: '2025-08-17', state: 'closed' },
  3: { title: 'Inquiry about Reproducing FSVAE Results on NTU60', who: 'Z1740220020', date: '2025-09-30', state: 'closed' },
  4: { title: '6% Performance Gap on NTU-60 (X-Sub 55/5) Compared to Paper', who: 'oldbowls', date: '2025-10-22', state: 'open' },
  5: { title: '9% Performance Gap on NTU-60 U12', who: 'xyhhappy', date: '2026-01-21', state: 'open' },
} as const;

const VERIFIED = 'the issue text on GitHub';

function report(issue: keyof typeof ISSUES, r: Pick<ReportedReproduction, 'zsl' | 'h' | 'said' | 'verdict' | 'ran'>): ReportedReproduction {
  return { issue, url: `https://github.com/wenhanwu95/FS-VAE/issues/${issue}`, ...ISSUES[issue], ...r, source: VERIFIED };
}

const UNMODIFIED = 'the released code, splits and configuration, unmodified (issue #1); re-runs gave identical numbers';
const ISSUE3_NTU60 = report(3, {
  said:
    'NTU-60 results "differ significantly" from the paper on three machines (numbers only in an image), then epoch and α set to ' +
    'Table 12 (outcome cut off in the issue text)',
  verdict: 'below the paper',
  ran: 'the released scripts (implied), then fsvae_60.sh with Table 12 epoch and α',
});
const ISSUE3_NTU120 = report(3, {
  said: 'NTU-120 results "relatively close to those in the paper" (numbers only in an image)',
  verdict: 'close to the paper',
  ran: 'the released scripts',
});
const ISSUE5_CLOSE = (u: string) =>
  report(5, {
    said: `"can largely reproduce" ${u} (no number)`,
    verdict: 'close to the paper',
    ran: 'the released code (settings not stated)',
  });

/** One NTU split: the paper's numbers, the released script, and what users got from it. */
export interface NtuReproducibilityRecord {
  split: NtuSplit;
  dataset: 'ntu60' | 'ntu120';
  paper: { zsl: number; h: number; source: string };
  released: ReleasedScript;
  reproductions: readonly ReportedReproduction[];
}

function paperOf(split: NtuSplit): NtuReproducibilityRecord['paper'] {
  return { zsl: PAPER_TABLE1_ZSL.Ours[split], h: PAPER_TABLE2_GZSL.Ours[split].H, source: 'paper Tables 1-2, row Ours (paper-numbers.ts)' };
}

function record(split: NtuSplit, reproductions: ReportedReproduction[]): NtuReproducibilityRecord {
  const dataset = split.startsWith('ntu120') ? 'ntu120' : 'ntu60';
  return { split, dataset, paper: paperOf(split), released: RELEASED_SCRIPTS[dataset], reproductions };
}

export const NTU_REPRODUCTIONS: readonly NtuReproducibilityRecord[] = [
  record('ntu60-55/5', [
    report(1, { zsl: 84.37, h: 64.83, said: 'unmodified code, re-runs identical', verdict: 'below the paper', ran: UNMODIFIED }),
    ISSUE3_NTU60,
    report(4, {
      said: 'result "approximately 6% lower" than the paper on 55/5 (no number), Z1740220020 adds "I have the same question" (2025-11-06)',
      verdict: 'below the paper',
      ran: 'not stated',
    }),
    ISSUE5_CLOSE('NTU60 U5'),
  ]),
  record('ntu60-48/12', [
    report(1, { zsl: 48.38, h: 47.0, said: 'unmodified code, re-runs identical', verdict: 'below the paper', ran: UNMODIFIED }),
    ISSUE3_NTU60,
    report(5, {
      zsl: 48.9,
      said: '"57.2% reported vs. 48.9% reproduced" on NTU60 U12',
      verdict: 'below the paper',
      ran: 'the released code (settings not stated)',
    }),
  ]),
  record('ntu120-110/10', [ISSUE3_NTU120, ISSUE5_CLOSE('NTU120 U10')]),
  record('ntu120-96/24', [ISSUE3_NTU120, ISSUE5_CLOSE('NTU120 U24')]),
];

/** The settings of one of this project's stage-2 presets, read from fsvaePreset() at call time. */
export interface PresetSettings {
  preset: string;
  alpha: number;
  stepsPerCycle: number;
  cycles: number;
  latentDim: number;
  /** φ of the skeleton-side frequency module. */
  phi: number;
  frequencyPreset: string;
  alignmentLoss: string;
}

export function presetSettings(name: string): PresetSettings {
  const c = fsvaePreset(name);
  return {
    preset: c.name,
    alpha: c.alignment.alpha,
    stepsPerCycle: c.schedule.stepsPerCycle,
    cycles: c.schedule.cycles,
    latentDim: c.latentDim,
    phi: c.skeletonFrequency.phi,
    frequencyPreset: c.skeletonFrequency.preset,
    alignmentLoss: c.alignment.loss,
  };
}

/** The reference preset of a split: the one notebook 03's NTU cell (ntuResultsPreset) runs on it. */
export function referencePresetOf(split: NtuSplit): string {
  const e = ntuResultsPreset('full').entries.find((x) => x.source.kind === 'synse' && x.source.split === split);
  if (!e) throw new FsvaeInputError(`ntuResultsPreset has no entry for ${split}; add it in lib/experiments/main-results.ts.`);
  return e.stage2.name;
}

/** One stored run of 'Ours' on a split with a preset (one row per protocol). */
export interface ProjectRun {
  file: string;
  protocol: string;
  zsl: Cell;
  h: Cell;
  seeds: Cell;
}

/** The stored tables that may hold NTU runs, most specific first (table2 is the table1 name with table2_gzsl). */
const TABLE1_FILES = ['table1_zsl_ntu.json', 'table1_zsl_full.json', 'table1_zsl.json'];

/** The rows of a stored result table; null when the file does not exist. */
export function readResultRows(file: string): Row[] | null {
  if (!fs.existsSync(file)) return null;
  const fix = 'Re-run the notebook that writes it (03_main_results) or delete the file.';
  let j: unknown;
  try {
    j = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FsvaeInputError(`${file}: not valid JSON (${(e as Error).message}). ${fix}`);
  }
  const rows = (j as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows) || rows.some((r) => r === null || typeof r !== 'object' || Array.isArray(r))) {
    throw new FsvaeInputError(`${file}: expected an object with "rows": an array of row objects. ${fix}`);
  }
  return rows as Row[];
}

/** A cell that holds a measured value: a finite number, or text starting with one ('84.3 ± 1.2'). */
function isMeasured(v: Cell | undefined): boolean {
  return typeof v === 'number' ? Number.isFinite(v) : typeof v === 'string' && /^-?\d+(\.\d+)?/.test(v.trim());
}

function presetOfRow(r: Row, split: NtuSplit): string {
  const p = r.preset ?? r['stage-2 preset'];
  return typeof p === 'string' && p !== '' ? p : referencePresetOf(split);
}

/**
 * Stored runs of 'Ours' on `split` with `preset` on real NTU features (dataset ntu60/ntu120; '(not
 * run)' rows and empty cells do not count). A row without a preset column was run by notebook 03's
 * NTU cell, with referencePresetOf(split). The first table1 file holding such rows is used.
 */
export function projectRuns(resultsDir: string, split: NtuSplit, preset: string): ProjectRun[] {
  const dir = path.resolve(repoRoot(), resultsDir);
  const match = (r: Row) =>
    r.split === split && /^ntu(60|120)$/.test(String(r.dataset ?? '')) && (r.method ?? r.row) === 'Ours' && presetOfRow(r, split) === preset;
  for (const name of TABLE1_FILES) {
    const file = path.join(dir, name);
    const runs = (readResultRows(file) ?? []).filter((r) => match(r) && isMeasured(r.ZSL));
    if (!runs.length) continue;
    const t2 = (readResultRows(path.join(dir, name.replace('table1_zsl', 'table2_gzsl'))) ?? []).filter(match);
    return runs.map((r) => {
      const h = t2.find((x) => (x.protocol ?? '') === (r.protocol ?? ''))?.H;
      return { file: name, protocol: String(r.protocol ?? ''), zsl: r.ZSL, h: isMeasured(h) ? h! : '', seeds: r.seeds ?? r.n ?? '' };
    });
  }
  return [];
}

export interface ReproducibilityOptions {
  /** whether the NTU Shift-GCN features (sk_feats/) are present; default: the data lookup decides. */
  ntuFeaturesFound?: boolean;
}

const fmt = (v: Cell) => formatCell(v);

function settingsText(s: { alpha: number; stepsPerCycle: number; cycles: number; phi: number }): string {
  return `α ${s.alpha}, ${s.cycles} × ${s.stepsPerCycle} steps, φ ${s.phi}`;
}

function releasedCell(r: NtuReproducibilityRecord): string {
  const s = r.released;
  const calls = s.callsExists ? s.calls : `${s.calls} (missing; point it at train.py)`;
  const diff = (['alpha', 'stepsPerCycle', 'phi'] as const).filter((k) => s[k] !== PAPER_TABLE12[k]);
  const names = { alpha: 'α', stepsPerCycle: 'steps', phi: 'φ' };
  const vs = diff.length ? `differs from Table 12 in ${diff.map((k) => `${names[k]} (${s[k]} vs ${PAPER_TABLE12[k]})`).join(', ')}` : 'as Table 12';
  return `${s.script} → ${calls}: ${settingsText(s)}; ${vs}`;
}

function reportsCell(r: NtuReproducibilityRecord): string {
  const nums = (x: ReportedReproduction) =>
    [x.zsl !== undefined ? `ZSL ${fmt(x.zsl)}` : '', x.h !== undefined ? `H ${fmt(x.h)}` : ''].filter(Boolean).join(', ');
  return r.reproductions.map((x) => `#${x.issue} ${x.who} ${x.date} (${x.state}): ${nums(x) ? `${nums(x)}, ` : ''}${x.said}`).join('; ');
}

function projectCell(resultsDir: string, split: NtuSplit, preset: string, featuresFound: boolean): string {
  const settings = `${preset}: ${settingsText(presetSettings(preset))}`;
  const runs = projectRuns(resultsDir, split, preset);
  if (runs.length) {
    const parts = runs.map((x) => `${x.protocol || 'run'}: ZSL ${fmt(x.zsl)}${x.h !== '' ? `, H ${fmt(x.h)}` : ''}`);
    return `${settings} → ${parts.join('; ')} (${runs[0].file}, ${fmt(runs[0].seeds)} seeds)`;
  }
  const download = `npx fsvae download ${getDataSource('synse-shift-features').name}`;
  const why = featuresFound ? 'NTU features found, but no stored run with this preset in results/table1_zsl*.json' : `NTU features absent: ${download}`;
  return `${settings} → not run here (${why})`;
}

function range(xs: number[]): string {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? fmt(lo) : `${fmt(lo)}-${fmt(hi)}`;
}

/** Users' best ZSL within this many points of the paper's counts as reproducing it. */
const CLOSE_POINTS = 1;

/** The number to expect on a split, from its records: the users' numbers where they post some, else the paper's with their verdict. */
export function compareAgainst(r: NtuReproducibilityRecord): string {
  const cite = (xs: readonly ReportedReproduction[]) => xs.map((x) => `#${x.issue}`).join(', ');
  const withZsl = r.reproductions.filter((x) => x.zsl !== undefined);
  const withH = r.reproductions.filter((x) => x.h !== undefined);
  const below = r.reproductions.filter((x) => x.verdict === 'below the paper' && x.zsl === undefined);
  const close = r.reproductions.filter((x) => x.verdict === 'close to the paper');
  if (withZsl.length) {
    const h = withH.length ? `, H ≈ ${range(withH.map((x) => x.h!))} (${cite(withH)})` : '';
    const others = [below.length ? `${cite(below)}: below the paper` : '', close.length ? `${cite(close)}: close to it` : ''].filter(Boolean);
    const zs = withZsl.map((x) => x.zsl!);
    const vs = r.paper.zsl - Math.max(...zs) > CLOSE_POINTS ? "not the paper's" : "close to the paper's";
    return (
      `expect ZSL ≈ ${range(zs)} (${cite(withZsl)})${h} from the released code, ${vs} ${r.paper.zsl} / H ${r.paper.h}` +
      (others.length ? `; without numbers, ${others.join(', ')}` : '')
    );
  }
  if (close.length && !below.length) {
    return `expect the paper's ZSL ${r.paper.zsl} / H ${r.paper.h}: users report the released code comes close (${cite(close)}; no numbers posted)`;
  }
  return `unclear: no user numbers; the paper's ZSL ${r.paper.zsl} / H ${r.paper.h}`;
}

/** One row per NTU split: the paper, the released script, user reports, this project's presets and the number to compare against. */
export function ntuReproducibilityRows(resultsDir = 'results', opts: ReproducibilityOptions = {}): Row[] {
  const found = opts.ntuFeaturesFound ?? locateData('sk_feats').path !== null;
  return NTU_REPRODUCTIONS.map((r) => ({
    split: r.split,
    'paper ZSL': r.paper.zsl,
    'paper H': r.paper.h,
    'released script': releasedCell(r),
    'reported reproductions (cited)': reportsCell(r),
    'this project: paper preset': projectCell(resultsDir, r.split, 'paper', found),
    'this project: reference preset': projectCell(resultsDir, r.split, referencePresetOf(r.split), found),
    'compare against': compareAgainst(r),
  }));
}

/** The table's notes: its sources, cited (lib/experiments/narrative/reproducibility.ts). */
export { NTU_REPRODUCIBILITY_NOTES };

/** results/ntu_reproducibility.{csv,md,json}: the table with its notes. */
export function writeNtuReproducibility(backend: string, resultsDir = 'results'): string[] {
  const prov = provenance(backend, { notebook: '03_main_results' });
  const { csv, md, json } = writeResultTableWithJson(
    {
      name: 'ntu_reproducibility',
      title: 'What to expect on NTU: the paper, the released scripts, reported reproductions and this project',
      rows: ntuReproducibilityRows(resultsDir),
      notes: [...NTU_REPRODUCIBILITY_NOTES],
    },
    prov,
  );
  return [csv, md, json];
}

/** The README columns of the NTU table (the full table, with the citations, is results/ntu_reproducibility.md). */
const README_COLUMNS = ['split', 'paper ZSL', 'paper H', 'this project: reference preset', 'compare against'];

/**
 * Regenerates the README block between <!-- expectations:begin --> and <!-- expectations:end -->
 * from results/: the NTU table (ntu_reproducibility.json) and the random-split rows
 * (table1_random_splits.json, table6_pku_mmd.json).
 */
export function updateReadmeExpectations(readme: string, dir = path.join(repoRoot(), 'results')): { text: string; changed: boolean } {
  const stored = (name: string) => readResultRows(path.join(dir, name)) ?? [];
  const ntu = stored('ntu_reproducibility.json');
  const table = ntu.length
    ? [toMarkdown(ntu.map((r) => Object.fromEntries(README_COLUMNS.map((c) => [c, r[c] ?? '']))))]
    : ['(results/ntu_reproducibility.json is missing: run notebook 03.)'];
  const random = randomSplitSummaryLines([...stored('table1_random_splits.json'), ...stored('table6_pku_mmd.json')]);
  const body = [
    ...table,
    '',
    'Sources and the reported reproductions, cited: `results/ntu_reproducibility.md`. Random-split protocol ' +
      '(`results/table1_random_splits.md`, `results/table6_pku_mmd.md`):',
    '',
    ...random.map((l) => `- ${l}`),
  ].join('\n');
  return replaceReadmeBlock(readme, 'expectations', body);
}
