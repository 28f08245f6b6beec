/**
 * The stage-1 feature-quality report (lib/stage1/quality.ts) over datasets × splits × extractors ×
 * seeds, written to results/stage1_quality.{csv,md,json} (one row per run),
 * results/stage1_quality_summary.{csv,md,json} (means per split and extractor) and
 * results/stage1_quality_choice.{csv,md,json} (one row per extractor: which extractor the VAL
 * PHASE supports as the default, and whether DEFAULT_EXTRACTOR is it).
 *
 * Every choice here is made on the val-phase columns (val_*: the pseudo split inside the seen
 * classes). The test-side columns (diag_test_*) are reported as diagnostics only: they read the
 * test side and the real unseen classes' test labels, so nothing is chosen on them.
 */
import { listSplits, BenchmarkSplit, getSplit } from '../data/splits';
import { locateRawDataset } from '../data/datasets';
import { SkeletonSequence } from '../data/skeleton';
import { meanStd } from '../eval/metrics';
import { provenance } from '../report/provenance';
import { Row, writeResultTableWithJson } from '../report/table';
import { DEFAULT_EXTRACTOR, extractorConfig } from '../stage1/extractors';
import { SideOf } from '../stage1/input';
import { featureQualityRow } from '../stage1/quality';
import { Stage1Progress } from '../stage1/train';
import { FsvaeInputError } from '../util/assert';
import { RAW_SKELETON_DATASETS, RawSkeletonDataset, readRawSkeletons } from '../pipeline/features';
import {
  DECIDING_COLUMNS_NOTE,
  DECISION_RULE_NOTE,
  DIAGNOSTIC_COLUMNS_NOTE,
  NCM_METRIC_NOTE,
  VAL_METRICS_NOTE,
  defaultChosenStatement,
  defaultNotChosenStatement,
  defaultNotEvaluatedStatement,
  evaluatedScope,
  sensitivitySentence,
  verdictColumnsNote,
} from './narrative/feature-quality';

export interface FeatureQualityConfig {
  datasets: RawSkeletonDataset[];
  /** split names; default every registered split of each dataset */
  splits?: string[];
  extractors: string[];
  seeds: number[];
  /** also fit on the seen classes and report the test-side diagnostics (default true; they decide nothing) */
  diagnostics?: boolean;
}

export const FEATURE_QUALITY_PRESETS: Readonly<Record<'quick' | 'full', FeatureQualityConfig>> = {
  /** the DCT extractors only (a few minutes per dataset: two fits per run, val phase + diagnostics) */
  quick: { datasets: ['nw-ucla', 'utd-mhad'], extractors: ['dct-descriptor', 'dct-lda'], seeds: [1, 2, 3] },
  /** plus the GCN quick-run extractor */
  full: { datasets: ['nw-ucla', 'utd-mhad'], extractors: ['dct-descriptor', 'dct-lda', 'shift-gcn-tiny'], seeds: [1, 2, 3] },
};

export interface FeatureQualityResult {
  rows: Row[];
  summary: Row[];
  choice: FeatureChoice;
  missing: string[];
  wallSeconds: number;
}

/** Runs the report. `dirs` overrides where each dataset is read from. */
export async function runFeatureQuality(
  cfg: FeatureQualityConfig,
  opts: {
    dirs?: Partial<Record<RawSkeletonDataset, string>>;
    log?: (l: string) => void;
    onRow?: (done: number, total: number, row: Row) => void;
    onStage1Progress?: (p: Stage1Progress) => void;
  } = {},
): Promise<FeatureQualityResult> {
  const t0 = Date.now();
  const log = opts.log ?? (() => undefined);
  for (const d of cfg.datasets)
    if (!RAW_SKELETON_DATASETS.includes(d))
      throw new FsvaeInputError(`feature report: dataset '${d}' has no raw-skeleton reader; known: ${RAW_SKELETON_DATASETS.join(', ')}.`);
  const extractors = cfg.extractors.map((e) => extractorConfig(e));
  for (const s of cfg.seeds) if (!Number.isInteger(s) || s < 0) throw new FsvaeInputError(`feature report: seed ${s} is not a non-negative integer.`);
  const rows: Row[] = [];
  const missing: string[] = [];
  const plan: { dataset: RawSkeletonDataset; split: BenchmarkSplit; seqs: SkeletonSequence[]; side: SideOf }[] = [];
  for (const dataset of cfg.datasets) {
    const loc = locateRawDataset(dataset, opts.dirs?.[dataset]);
    if (!loc.path) {
      missing.push(`${dataset}: not found (tried ${loc.tried.join(', ')})`);
      continue;
    }
    const { sequences, side } = readRawSkeletons(dataset, loc.path);
    const splits = cfg.splits ? cfg.splits.map(getSplit).filter((s) => s.dataset === dataset) : listSplits(dataset);
    for (const split of splits) plan.push({ dataset, split, seqs: sequences, side });
  }
  const total = plan.length * extractors.length * cfg.seeds.length;
  for (const p of plan) {
    for (const ex of extractors) {
      for (const seed of cfg.seeds) {
        log(`[features-report] ${p.split.name} ${ex.name} seed ${seed}`);
        const row = await featureQualityRow({
          dataset: p.dataset,
          split: p.split,
          sequences: p.seqs,
          side: p.side,
          extractor: ex,
          seed,
          diagnostics: cfg.diagnostics ?? true,
          onStage1Progress: opts.onStage1Progress,
        });
        rows.push(row);
        opts.onRow?.(rows.length, total, row);
      }
    }
  }
  return { rows, summary: summariseQuality(rows), choice: chooseExtractor(rows), missing, wallSeconds: (Date.now() - t0) / 1000 };
}

const pct = (v: number) => Math.round(1000 * v) / 10;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const nums = (rs: readonly Row[], c: string) => rs.map((r) => r[c]).filter((v): v is number => typeof v === 'number');
/** sample std over seeds (0 for one seed) */
const sd = (xs: number[]) => (xs.length < 2 ? 0 : meanStd(xs).std);

/**
 * The val-phase seen-class score of a run: the extractor's own classifier (val_seen_top1), or its
 * nearest class mean (val_seen_ncm) for the parameter-free descriptor, whose classifier that is.
 */
function valSeenScore(r: Row): number | null {
  if (typeof r.val_seen_top1 === 'number') return r.val_seen_top1;
  return typeof r.val_seen_ncm === 'number' ? r.val_seen_ncm : null;
}

/** Per split: each extractor's val_pseudo_unseen_ncm (z-scored and raw) and val-seen score, one per seed. */
type SplitStats = { pseudo: number[]; raw: number[]; seen: number[] };
function perSplit(rows: readonly Row[]): Map<string, Map<string, SplitStats>> {
  const out = new Map<string, Map<string, SplitStats>>();
  for (const r of rows) {
    const key = `${r.dataset}\u0000${r.split}`;
    const m = out.get(key) ?? new Map<string, SplitStats>();
    const e = m.get(String(r.extractor)) ?? { pseudo: [], raw: [], seen: [] };
    if (typeof r.val_pseudo_unseen_ncm === 'number') e.pseudo.push(r.val_pseudo_unseen_ncm);
    if (typeof r.val_pseudo_unseen_ncm_raw === 'number') e.raw.push(r.val_pseudo_unseen_ncm_raw);
    const s = valSeenScore(r);
    if (s !== null) e.seen.push(s);
    m.set(String(r.extractor), e);
    out.set(key, m);
  }
  return out;
}

/**
 * The best extractor of one split on val_pseudo_unseen_ncm and whether its lead is clear: over the
 * runner-up by more than √(sd₁² + sd₂²) of their seed-stds, both with ≥ 2 seeds.
 */
function splitWinner(m: Map<string, { pseudo: number[] }>): { best: string; clear: boolean; margin: number; noise: number } | null {
  const cands = [...m.entries()].filter(([, v]) => v.pseudo.length > 0).map(([k, v]) => ({ k, mu: mean(v.pseudo), s: sd(v.pseudo), n: v.pseudo.length }));
  if (cands.length === 0) return null;
  cands.sort((a, b) => b.mu - a.mu || (a.k < b.k ? -1 : 1));
  if (cands.length === 1) return { best: cands[0].k, clear: false, margin: 0, noise: 0 };
  const [a, b] = cands;
  const noise = Math.sqrt(a.s ** 2 + b.s ** 2);
  // one seed gives no noise to measure a lead against: never clear
  return { best: a.k, clear: a.n >= 2 && b.n >= 2 && a.mu - b.mu > noise, margin: a.mu - b.mu, noise };
}

/**
 * Means (± std over seeds, percent) per split and extractor. `val_verdict` (from the val-phase
 * columns only): for a learned extractor, does its mean val seen-class classifier (val_seen_top1)
 * reach the descriptor's (val_seen_ncm) and its mean val_pseudo_unseen_ncm the descriptor's;
 * `val_pseudo_unseen_rank`: its place among the split's extractors on val_pseudo_unseen_ncm, with
 * "clear" when the lead over the runner-up exceeds √(sd₁² + sd₂²) of the seed-stds.
 */
export function summariseQuality(rows: readonly Row[]): Row[] {
  const keys = [...new Set(rows.map((r) => `${r.dataset}\u0000${r.split}\u0000${r.extractor}`))];
  const out: Row[] = [];
  const of = (dataset: string, split: string, ex: string) => rows.filter((r) => r.dataset === dataset && r.split === split && r.extractor === ex);
  const splits = perSplit(rows);
  for (const k of keys) {
    const [dataset, split, extractor] = k.split('\u0000');
    const rs = of(dataset, split, extractor);
    const f = (c: string) => {
      const xs = nums(rs, c);
      if (xs.length === 0) return 'n/a';
      const m = meanStd(xs.map((x) => 100 * x));
      return `${m.mean.toFixed(1)} ± ${m.std.toFixed(1)}`;
    };
    const secs = nums(rs, 'val_fit_seconds');
    const row: Row = {
      dataset,
      split,
      extractor,
      seeds: rs.length,
      val_seen_top1: f('val_seen_top1'),
      val_seen_ncm: f('val_seen_ncm'),
      val_pseudo_unseen_ncm: f('val_pseudo_unseen_ncm'),
      val_pseudo_unseen_ncm_raw: f('val_pseudo_unseen_ncm_raw'),
      diag_test_seen_top1: f('diag_test_seen_top1'),
      diag_test_seen_ncm: f('diag_test_seen_ncm'),
      diag_test_unseen_ncm_oracle: f('diag_test_unseen_ncm_oracle'),
      val_fit_seconds: secs.length ? Math.round(10 * mean(secs)) / 10 : null,
      val_pseudo_unseen_rank: '',
      val_verdict: '',
    };
    const m = splits.get(`${dataset}\u0000${split}`)!;
    const ranked = [...m.entries()]
      .filter(([, v]) => v.pseudo.length > 0)
      .map(([e, v]) => ({ e, mu: mean(v.pseudo) }))
      .sort((a, b) => b.mu - a.mu || (a.e < b.e ? -1 : 1));
    const place = ranked.findIndex((q) => q.e === extractor);
    if (place >= 0 && ranked.length > 1) {
      const w = splitWinner(m)!;
      row.val_pseudo_unseen_rank = `${place + 1}/${ranked.length}${place === 0 ? (w.clear ? ' (clear)' : ' (not clear)') : ''}`;
    }
    const desc = of(dataset, split, 'dct-descriptor');
    if (extractor !== 'dct-descriptor' && desc.length > 0 && nums(rs, 'val_seen_top1').length > 0) {
      const dSeen = mean(nums(desc, 'val_seen_ncm'));
      const dPseudo = mean(nums(desc, 'val_pseudo_unseen_ncm'));
      const mSeen = mean(nums(rs, 'val_seen_top1'));
      const mPseudo = mean(nums(rs, 'val_pseudo_unseen_ncm'));
      const a = mSeen >= dSeen;
      const b = mPseudo >= dPseudo;
      row.val_verdict =
        `${a && b ? 'reaches' : 'below'} the descriptor on val: seen ${pct(mSeen)} ${a ? '≥' : '<'} ${pct(dSeen)}, ` +
        `pseudo-unseen ${pct(mPseudo)} ${b ? '≥' : '<'} ${pct(dPseudo)}`;
    }
    out.push(row);
  }
  return out;
}

export interface FeatureChoice {
  /** one row per extractor (see chooseExtractor) */
  rows: Row[];
  /** the extractor the val phase supports (null when nothing was evaluated) */
  choice: string | null;
  /** 'clear' | 'not clear' | 'not the choice' | 'not evaluated' */
  defaultStatus: 'clear' | 'not clear' | 'not the choice' | 'not evaluated';
  /** one sentence for the summary notes and the CLI */
  statement: string;
  /** the splits every evaluated extractor has rows for (the choice is made on these) */
  splits: string[];
}

/**
 * The val-phase choice of the default extractor, from the val-phase columns only, over the splits
 * every evaluated extractor has rows for (each split weighted equally):
 *   - the choice is the extractor with the highest mean (over splits) of val_pseudo_unseen_ncm,
 *     the criterion for what zero-shot transfer needs (features that separate classes the
 *     extractor was not fitted on);
 *   - DEFAULT_EXTRACTOR is the 'clear' choice when it is the choice, is first on
 *     val_pseudo_unseen_ncm on every split, clearly (lead > √(sd₁² + sd₂²)) on at least half of
 *     them, and its val seen-class score reaches every other extractor's on at least half of the
 *     splits; 'not clear' when it is the choice otherwise; 'not the choice' when another is.
 * The val seen-class score is val_seen_top1, or val_seen_ncm for the parameter-free descriptor.
 */
export function chooseExtractor(rows: readonly Row[], defaultExtractor = DEFAULT_EXTRACTOR): FeatureChoice {
  const all = perSplit(rows);
  const extractors = [...new Set(rows.map((r) => String(r.extractor)))];
  const splits = [...all.entries()].filter(([, m]) => extractors.every((e) => (m.get(e)?.pseudo.length ?? 0) > 0)).map(([k]) => k);
  const label = (k: string) => k.split('\u0000')[1];
  if (extractors.length === 0 || splits.length === 0) {
    return { rows: [], choice: null, defaultStatus: 'not evaluated', statement: 'no split has val-phase rows of every extractor; nothing chosen.', splits: [] };
  }
  const winners = new Map(splits.map((k) => [k, splitWinner(all.get(k)!)!]));
  // the sensitivity check: the same winner rule on the raw (not z-scored) pseudo-unseen NCM
  const rawWinners = new Map(splits.map((k) => [k, splitWinner(new Map([...all.get(k)!.entries()].map(([e, v]) => [e, { pseudo: v.raw }])))]));
  const stats = extractors.map((e) => {
    const pseudo = splits.map((k) => mean(all.get(k)!.get(e)!.pseudo));
    const seen = splits.map((k) => {
      const xs = all.get(k)!.get(e)!.seen;
      return xs.length ? mean(xs) : NaN;
    });
    const seenTop = splits.filter((k, i) =>
      extractors.every((o) => {
        const xs = all.get(k)!.get(o)!.seen;
        return o === e || xs.length === 0 || seen[i] >= mean(xs);
      }),
    ).length;
    return {
      e,
      meanPseudo: mean(pseudo),
      meanSeen: mean(seen.filter(Number.isFinite)),
      meanRaw: mean(
        splits
          .map((k) => all.get(k)!.get(e)!.raw)
          .filter((xs) => xs.length > 0)
          .map(mean),
      ),
      bestRaw: splits.filter((k) => rawWinners.get(k)?.best === e).length,
      best: splits.filter((k) => winners.get(k)!.best === e).length,
      clear: splits.filter((k) => winners.get(k)!.best === e && winners.get(k)!.clear).length,
      seenTop,
    };
  });
  const ranked = [...stats].sort((a, b) => b.meanPseudo - a.meanPseudo || (a.e < b.e ? -1 : 1));
  const choice = ranked[0].e;
  const n = splits.length;
  const d = stats.find((s) => s.e === defaultExtractor);
  const evaluated = evaluatedScope(extractors, n);
  let defaultStatus: FeatureChoice['defaultStatus'];
  let statement: string;
  if (!d) {
    defaultStatus = 'not evaluated';
    statement = defaultNotEvaluatedStatement(evaluated, choice, defaultExtractor);
  } else if (choice !== defaultExtractor) {
    defaultStatus = 'not the choice';
    statement = defaultNotChosenStatement({
      defaultExtractor,
      scope: evaluated,
      choice,
      choiceMean: pct(ranked[0].meanPseudo),
      defaultMean: pct(d.meanPseudo),
      defaultFirst: d.best,
      splits: n,
    });
  } else {
    const clear = d.best === n && 2 * d.clear >= n && 2 * d.seenTop >= n;
    defaultStatus = clear ? 'clear' : 'not clear';
    const runner = ranked[1];
    statement = defaultChosenStatement({
      defaultExtractor,
      scope: evaluated,
      clear,
      mean: pct(d.meanPseudo),
      runner: runner ? { name: runner.e, mean: pct(runner.meanPseudo) } : undefined,
      first: d.best,
      clearlyFirst: d.clear,
      seenTop: d.seenTop,
      splits: n,
    });
  }
  const rawRanked = [...stats].filter((q) => Number.isFinite(q.meanRaw)).sort((a, b) => b.meanRaw - a.meanRaw || (a.e < b.e ? -1 : 1));
  if (rawRanked.length === stats.length && rawRanked.length > 1) {
    const agrees = rawRanked[0].e === choice;
    statement += sensitivitySentence(
      rawRanked.map((q) => ({ name: q.e, mean: pct(q.meanRaw), first: q.bestRaw })),
      n,
      agrees,
    );
  }
  const out: Row[] = ranked.map((s) => ({
    extractor: s.e,
    splits: n,
    mean_val_pseudo_unseen_ncm: pct(s.meanPseudo),
    mean_val_seen: Number.isFinite(s.meanSeen) ? pct(s.meanSeen) : null,
    first_on_pseudo_unseen: `${s.best}/${n}`,
    clearly_first_on_pseudo_unseen: `${s.clear}/${n}`,
    val_seen_at_least_others: `${s.seenTop}/${n}`,
    val_choice: s.e === choice,
    is_default: s.e === defaultExtractor,
    sensitivity_mean_val_pseudo_unseen_ncm_raw: Number.isFinite(s.meanRaw) ? pct(s.meanRaw) : null,
    sensitivity_first_on_raw: `${s.bestRaw}/${n}`,
  }));
  return { rows: out, choice, defaultStatus, statement, splits: splits.map(label) };
}

export function writeFeatureQuality(res: FeatureQualityResult, backend: string, cfgName: string, dir?: string): string[] {
  const extractors = [...new Set(res.rows.map((r) => String(r.extractor)))];
  const prov = provenance(backend, {
    wallSeconds: res.wallSeconds,
    preset: cfgName,
    defaultExtractor: DEFAULT_EXTRACTOR,
    extractors: extractors.join(', '),
    valChoice: res.choice.choice ?? 'none',
  });
  const gcnNote = extractors.some((e) => !e.startsWith('dct-'))
    ? []
    : ['GCN extractors (shift-gcn-tiny) are not in this run: their rows need `npx fsvae features-report --preset full`.'];
  const notes = [DECIDING_COLUMNS_NOTE, VAL_METRICS_NOTE, DIAGNOSTIC_COLUMNS_NOTE, NCM_METRIC_NOTE, ...gcnNote, ...res.missing.map((m) => `missing: ${m}`)];
  const a = writeResultTableWithJson(
    {
      name: 'stage1_quality',
      title: 'Stage-1 feature quality: one row per dataset × split × extractor × seed',
      rows: res.rows,
      notes,
    },
    prov,
    {},
    dir,
  );
  const decision = [`VAL-PHASE DECISION: ${res.choice.statement}`, DECISION_RULE_NOTE];
  const b = writeResultTableWithJson(
    {
      name: 'stage1_quality_summary',
      title: 'Stage-1 feature quality: mean ± std over seeds (percent)',
      rows: res.summary,
      notes: [...decision, verdictColumnsNote(DEFAULT_EXTRACTOR), ...notes],
    },
    prov,
    {
      decision: {
        choice: res.choice.choice,
        defaultExtractor: DEFAULT_EXTRACTOR,
        defaultStatus: res.choice.defaultStatus,
        statement: res.choice.statement,
        splits: res.choice.splits,
      },
    },
    dir,
  );
  const files = [a.csv, a.md, a.json, b.csv, b.md, b.json];
  if (res.choice.rows.length) {
    const c = writeResultTableWithJson(
      {
        name: 'stage1_quality_choice',
        title: 'Stage-1 extractor choice on the val phase (percent; means over splits of the per-split seed means)',
        rows: res.choice.rows,
        notes: [...decision, `splits: ${res.choice.splits.join(', ')}.`, ...gcnNote],
      },
      prov,
      {
        decision: {
          choice: res.choice.choice,
          defaultExtractor: DEFAULT_EXTRACTOR,
          defaultStatus: res.choice.defaultStatus,
          statement: res.choice.statement,
          splits: res.choice.splits,
        },
      },
      dir,
    );
    files.push(c.csv, c.md, c.json);
  }
  return files;
}
