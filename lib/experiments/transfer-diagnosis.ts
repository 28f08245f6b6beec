/**
 * Why the text → skeleton transfer fails on NW-UCLA and UTD-MHAD (FS-VAE's zero-shot accuracy is
 * near chance while the unseen-class NCM oracle on the same stage-1 features is 92-99 %).
 *
 * Per split (the evidence tables' datasets and stage-1 features: evidencePreset, the same on-disk
 * stage-1 cache) and per text mode (AL, GD, LD, GD+LD, AL+GD+LD, USE-Lite):
 *
 *  - how much of the skeleton geometry the class text carries: linear CKA (with a permutation
 *    null and the debiased CKA) of the class text rows against the class means of the z-scored
 *    features (seen classes: train side, unseen classes: test side), nearest-neighbour agreement
 *    and RSA (Spearman ρ of pairwise cosine distances, with a Mantel permutation p), over all
 *    classes and over the unseen ones (the "text NN bound");
 *  - the ridge map (lib/eval/comparison-rows.ts; α chosen on the val phase) and its accuracy per α,
 *    the labelled ceilings of a linear text map (fitted on all classes, or on all other classes:
 *    lib/eval/transfer-diagnostics.ts) and the NCM oracle;
 *  - per split: the confusion matrices over the unseen classes of the ridge map and of FS-VAE
 *    (the dataset's preset, one seed, the clean protocol's cycle; predictions read from the
 *    returned unseen-classifier softmax, no training code changed), with class names.
 */
import { EvidenceConfig, EvidenceDataset, EvidenceDatasetName, evidencePreset } from './evidence';
import { DatasetSource, PreparedFeatures, prepareFeaturesParallel, textFeaturesFor, zeroShotDataFor } from '../pipeline/features';
import { debiasedLinearCka } from './text-encoders';
import { ZeroShotData, runZeroShotSeeds } from '../pipeline/zero-shot';
import { argmaxRows } from '../train/stage3';
import { RIDGE_ALPHAS, RidgeZslInput, ridgeComparison, ridgeZslAccuracy, unseenNcmOracle } from '../eval/comparison-rows';
import {
  ClassConfusion,
  TransferInput,
  allClassMeans,
  ckaPermutationTest,
  classMeansOf,
  confusionAccuracy,
  confusionMatrix,
  fitStandardizer,
  nearestNeighbourAgreement,
  nearestPrototype,
  perClassConfusion,
  ridgeLeaveOneClassOut,
  ridgePredictions,
  ridgeTextUpperBound,
  rsaPermutationTest,
  seenSpanDiagnostic,
  selectRows,
  standardize,
  SeenSpanDiagnostic,
} from '../eval/transfer-diagnostics';
import { DatasetName, classNames } from '../data/classes';
import { TextMatrix, subsetByClass } from '../data/matrices';
import { getBackendInfo, initBackend } from '../runtime/backend';
import { Row, writeResultTableWithJson } from '../report/table';
import { provenance } from '../report/provenance';
import { Figure } from '../viz/plotly';
import { FsvaeInputError } from '../util/assert';
import {
  CEILING_LOCO_NOTE,
  CKA_NOTE,
  CONFUSION_LAYOUT_NOTE,
  CONFUSION_METHODS_NOTE,
  GEOMETRY_NOTE,
  NN_RSA_NOTE,
  P_VALUES_NOTE,
  RIDGE_NOTE,
  SEEN_SHIFT_NOTE,
  SKELETON_SIDE_NOTE,
  closestTextFinding,
  confusionFinding,
  crossSideShiftFinding,
  dataNote,
  geometryFinding,
  ridgeFinding,
  textNnBoundFinding,
} from './narrative/transfer-diagnosis';

/** The text modes compared: AL, GD, LD, GD+LD and the full AL+GD+LD. */
export const TRANSFER_TEXT_MODES: readonly string[] = ['lb', 'ad', 'md', 'ad_md', 'lb_ad_md'];

const PART_NAMES: Record<string, string> = { lb: 'AL', ad: 'GD', md: 'LD' };

/** 'lb_ad_md' → 'AL+GD+LD'. */
export function textModeLabel(mode: string): string {
  return mode
    .split('_')
    .map((p) => PART_NAMES[p] ?? p)
    .join('+');
}

export interface TransferDiagnosisOptions {
  /** datasets (default: those evidencePreset finds; the generated dataset when no real one is found). */
  only?: EvidenceDatasetName[];
  /** keep only these split names (default: every split of each dataset). */
  splits?: string[];
  /** text modes (default TRANSFER_TEXT_MODES; the dataset preset's mode is always added). */
  textModes?: readonly string[];
  /** ridge regularisers (default RIDGE_ALPHAS, as the ridge comparison row). */
  alphas?: readonly number[];
  /** FS-VAE confusion matrices: the seed to train (default { seed: 1 }); false to skip (then no tfjs training runs). */
  fsvae?: false | { seed: number };
  /** permutations of the CKA and RSA nulls (default 1000). */
  permutations?: number;
  /** replaces evidencePreset('quick', only). */
  config?: EvidenceConfig;
  log?: (line: string) => void;
}

export interface TransferConfusion {
  dataset: EvidenceDatasetName;
  split: string;
  method: string;
  textMode: string;
  /** unseen class ids (rows = true, columns = predicted, in this order). */
  classes: number[];
  names: string[];
  counts: number[][];
  accuracy: number;
  perClass: (ClassConfusion & { name: string; takenForName: string })[];
}

export interface TransferDiagnosisResult {
  /** one row per dataset × split × text mode. */
  rows: Row[];
  /** one row per dataset × split: the geometry of the class means (mode-independent) and the split's references. */
  splitRows: Row[];
  /** one row per dataset × split × text mode × α: what moves the ridge reference. */
  ridgeRows: Row[];
  /** one row per confusion matrix × unseen class. */
  confusionRows: Row[];
  confusions: TransferConfusion[];
  /** a heatmap per confusion matrix (same order as `confusions`). */
  figures: Figure[];
  /** per split: ridge accuracy per α, one trace per text mode (test) plus the val phase (dotted). */
  ridgeFigures: Figure[];
  /** sentences built from the numbers above (nothing typed by hand). */
  findings: string[];
  notes: string[];
  origins: string[];
  seconds: number;
}

const pct = (v: number) => (Number.isFinite(v) ? Number((100 * v).toFixed(1)) : 'n/a');
const num3 = (v: number) => (Number.isFinite(v) ? Number(v.toFixed(3)) : 'n/a');
const fmtPct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : 'n/a');

function splitName(src: DatasetSource): string {
  return typeof src.split === 'string' ? src.split : src.split.name;
}

interface ModeMeasures {
  mode: string;
  ckaAll: number;
  ckaNull: number;
  ckaP: number;
  dckaAll: number;
  ckaUnseen: number;
  ckaUnseenNull: number;
  nnAll: number;
  nnChanceAll: number;
  rsaAll: number;
  rsaP: number;
  nnUnseen: number;
  nnChanceUnseen: number;
  rsaUnseen: number;
  ridge: { alpha: number; valAccuracy: number; testAccuracy: number };
  /** the ridge map at the val-chosen α fitted on the seen classes' TEST-side rows (gtest) instead of the training rows. */
  ridgeTestSide: number;
  perAlpha: { alpha: number; val: number; test: number; upper: number; loco: number }[];
  upper: { alpha: number; accuracy: number };
  loco: { alpha: number; accuracy: number };
}

function best<T>(xs: readonly T[], key: (x: T) => number): T {
  let b = xs[0];
  for (const x of xs) if (key(x) > key(b)) b = x;
  return b;
}

/**
 * Accuracy of the seen test-side rows (gtest) classified by the nearest TRAIN-side seen mean, and by their own test-side means
 * (cross-side shift of the seen classes).
 */
function seenSideShift(data: ZeroShotData): { trainMeans: number; ownMeans: number } {
  const { train, gtest } = data.trainPhase;
  if (!gtest) return { trainMeans: NaN, ownMeans: NaN };
  const seen = [...new Set(train.labels)].sort((a, b) => a - b);
  const seenSet = new Set(seen);
  const idx: number[] = [];
  for (let i = 0; i < gtest.rows; i++) if (seenSet.has(gtest.labels[i])) idx.push(i);
  const s = fitStandardizer(train);
  const dim = train.dim;
  const zTrain = standardize(train, s);
  const zG = standardize(gtest, s);
  const z = new Float64Array(idx.length * dim);
  const labels = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    z.set(zG.subarray(r * dim, (r + 1) * dim), i * dim);
    labels[i] = gtest.labels[r];
  });
  const present = seen.filter((c) => labels.includes(c));
  const acc = (pred: Int32Array) => pred.reduce((a, p, i) => a + (p === labels[i] ? 1 : 0), 0) / pred.length;
  const fromTrain = nearestPrototype(z, idx.length, dim, classMeansOf(zTrain, dim, train.labels, seen, 'seen train-side means'), seen);
  const fromOwn = nearestPrototype(z, idx.length, dim, classMeansOf(z, dim, labels, present, 'seen test-side means'), present);
  return { trainMeans: acc(fromTrain), ownMeans: acc(fromOwn) };
}

function measureMode(mode: string, data: ZeroShotData, alphas: readonly number[], permutations: number): ModeMeasures {
  const text = data.text;
  const test: TransferInput & RidgeZslInput = { train: data.trainPhase.train, test: data.trainPhase.ztest, unseen: data.split.unseen, text };
  const val: RidgeZslInput = { train: data.valPhase.train, test: data.valPhase.ztest, unseen: data.split.valUnseen, text };
  const a = allClassMeans(test);
  const D = text.cols;
  const n = a.classes.length;
  const T = selectRows(
    text.data,
    D,
    Array.from({ length: text.rows }, (_, i) => i),
    a.classes,
  );
  const cka = ckaPermutationTest(T, n, D, a.means, a.dim, permutations, 1);
  const nn = nearestNeighbourAgreement(T, a.means, n, D, a.dim);
  const rsa = n >= 4 ? rsaPermutationTest(T, a.means, n, D, a.dim, permutations, 2) : null;
  const u = a.unseen;
  const Tu = selectRows(T, D, a.classes, u);
  const Mu = selectRows(a.means, a.dim, a.classes, u);
  const nnU = u.length >= 3 ? nearestNeighbourAgreement(Tu, Mu, u.length, D, a.dim) : null;
  const ckaU = u.length >= 3 ? ckaPermutationTest(Tu, u.length, D, Mu, a.dim, permutations, 3) : null;
  const ridge = ridgeComparison(val, test, alphas);
  const g = data.trainPhase.gtest;
  const ridgeTestSide = g ? ridgeZslAccuracy({ ...test, train: subsetByClass(g, a.seen) }, ridge.alpha) : NaN;
  const perAlpha = alphas.map((alpha) => ({
    alpha,
    val: ridgeZslAccuracy(val, alpha),
    test: ridgeZslAccuracy(test, alpha),
    upper: ridgeTextUpperBound(test, alpha).accuracy,
    loco: ridgeLeaveOneClassOut(test, alpha).accuracy,
  }));
  const up = best(perAlpha, (p) => p.upper);
  const lo = best(perAlpha, (p) => p.loco);
  return {
    mode,
    ckaAll: cka.observed,
    ckaNull: cka.nullMean,
    ckaP: cka.pValue,
    dckaAll: n >= 4 ? debiasedLinearCka(T, a.means, n) : NaN,
    ckaUnseen: ckaU ? ckaU.observed : NaN,
    ckaUnseenNull: ckaU ? ckaU.nullMean : NaN,
    nnAll: nn.agreement,
    nnChanceAll: nn.chance,
    rsaAll: nn.spearman,
    rsaP: rsa ? rsa.pValue : NaN,
    nnUnseen: nnU ? nnU.agreement : NaN,
    nnChanceUnseen: nnU ? nnU.chance : NaN,
    rsaUnseen: nnU ? nnU.spearman : NaN,
    ridge,
    ridgeTestSide,
    perAlpha,
    upper: { alpha: up.alpha, accuracy: up.upper },
    loco: { alpha: lo.alpha, accuracy: lo.loco },
  };
}

function confusionOf(
  dataset: EvidenceDatasetName,
  split: string,
  method: string,
  textMode: string,
  labels: Int32Array,
  predicted: ArrayLike<number>,
  unseen: number[],
  names: readonly string[],
): TransferConfusion {
  const cm = confusionMatrix(labels, predicted, unseen);
  const m = unseen.length;
  const nameOf = (c: number | null) => (c === null ? '' : (names[c] ?? `class ${c}`));
  return {
    dataset,
    split,
    method,
    textMode,
    classes: unseen,
    names: unseen.map((c) => nameOf(c)),
    counts: unseen.map((_, t) => Array.from(cm.counts.subarray(t * m, (t + 1) * m))),
    accuracy: confusionAccuracy(cm),
    perClass: perClassConfusion(cm).map((p) => ({ ...p, name: nameOf(p.classId), takenForName: nameOf(p.takenFor) })),
  };
}

/** A heatmap of a confusion matrix: colour = fraction of the true class's samples, text = counts. */
export function confusionFigure(c: TransferConfusion): Figure {
  const z = c.counts.map((row) => {
    const s = row.reduce((x, y) => x + y, 0);
    return row.map((v) => (s > 0 ? Number((v / s).toFixed(3)) : 0));
  });
  return {
    data: [
      {
        type: 'heatmap',
        z,
        x: c.names,
        y: c.names,
        text: c.counts,
        texttemplate: '%{text}',
        zmin: 0,
        zmax: 1,
        colorscale: 'Blues',
        colorbar: { title: { text: 'fraction of row' } },
      },
    ],
    layout: {
      title: {
        text: `${c.split}, ${c.method}: unseen-class confusion (ZSL ${(100 * c.accuracy).toFixed(1)} %, ` + `chance ${(100 / c.classes.length).toFixed(1)} %)`,
      },
      xaxis: { title: { text: 'predicted' }, automargin: true },
      yaxis: { title: { text: 'true' }, autorange: 'reversed', automargin: true },
    },
  };
}

function ridgeFigure(split: string, ms: ModeMeasures[]): Figure {
  const data: Record<string, unknown>[] = [];
  for (const m of ms) {
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: `${textModeLabel(m.mode)} test`,
      x: m.perAlpha.map((p) => p.alpha),
      y: m.perAlpha.map((p) => 100 * p.test),
    });
  }
  for (const m of ms) {
    data.push({
      type: 'scatter',
      mode: 'lines',
      line: { dash: 'dot' },
      name: `${textModeLabel(m.mode)} val`,
      x: m.perAlpha.map((p) => p.alpha),
      y: m.perAlpha.map((p) => 100 * p.val),
    });
  }
  return {
    data,
    layout: {
      title: { text: `${split}: ridge-map ZSL accuracy per α and text mode (dotted: val phase)` },
      xaxis: { type: 'log', title: { text: 'ridge α' } },
      yaxis: { title: { text: 'ZSL accuracy (%)' } },
    },
  };
}

/**
 * Runs the transfer diagnosis (see the file comment). Deterministic except the FS-VAE seed's
 * training (which is seeded too). Returns table rows, confusion matrices, figures and findings.
 */
export async function runTransferDiagnosis(opts: TransferDiagnosisOptions = {}): Promise<TransferDiagnosisResult> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const config = opts.config ?? evidencePreset('quick', opts.only);
  const alphas = opts.alphas ?? RIDGE_ALPHAS;
  if (alphas.length === 0 || alphas.some((a) => !(a > 0))) throw new FsvaeInputError(`transfer diagnosis: alphas must be > 0, got [${alphas.join(', ')}].`);
  const permutations = opts.permutations ?? 1000;
  const fsvae = opts.fsvae === undefined ? { seed: 1 } : opts.fsvae;
  const rows: Row[] = [];
  const ridgeRows: Row[] = [];
  const confusions: TransferConfusion[] = [];
  const ridgeFigures: Figure[] = [];
  const findings: string[] = [];
  const origins: string[] = [];
  const perSplit: {
    ds: EvidenceDataset;
    split: string;
    ms: ModeMeasures[];
    ncm: number;
    chance: number;
    shift: { trainMeans: number; ownMeans: number };
    span: SeenSpanDiagnostic;
    fsvaeZsl: number;
  }[] = [];
  const splitRows: Row[] = [];
  if (fsvae && !getBackendInfo()) await initBackend({ quiet: true });

  for (const ds of config.datasets) {
    const sources = ds.sources.filter((s) => !opts.splits || opts.splits.includes(splitName(s)));
    if (sources.length === 0) continue;
    origins.push(ds.origin);
    const names = classNames(ds.name as DatasetName);
    const modes = [...new Set([...(opts.textModes ?? TRANSFER_TEXT_MODES), ds.stage2.textMode])];
    for (const src of sources) {
      const r = await prepareFeaturesParallel(src, { stage1: config.stage1, seed: 1, log });
      if ('missing' in r) throw new FsvaeInputError(r.message);
      const prepared: PreparedFeatures = r;
      const split = prepared.split.name;
      log(`[transfer] ${split}: features ${prepared.cached ? 'from the stage-1 cache' : 'extracted'} (${prepared.featuresRoot})`);
      let base: ZeroShotData | null = null;
      const ms: ModeMeasures[] = [];
      const byMode = new Map<string, ZeroShotData>();
      for (const mode of modes) {
        const tf = await textFeaturesFor(prepared, mode, ds.text);
        if (!base) base = zeroShotDataFor(prepared, tf);
        if (tf.rows !== prepared.split.numClasses)
          throw new FsvaeInputError(`text features (${mode}) have ${tf.rows} rows, split ${split} has ${prepared.split.numClasses} classes.`);
        const text: TextMatrix = { rows: tf.rows, cols: tf.cols, data: tf.data };
        const data: ZeroShotData = { ...base, text };
        byMode.set(mode, data);
        const m = measureMode(mode, data, alphas, permutations);
        ms.push(m);
        log(
          `[transfer] ${split} ${textModeLabel(mode)}: CKA ${m.ckaAll.toFixed(3)} (null ${m.ckaNull.toFixed(3)}, p ${m.ckaP.toFixed(3)}), ` +
            `RSA ρ ${m.rsaAll.toFixed(3)}, ridge ${fmtPct(m.ridge.testAccuracy)} (α ${m.ridge.alpha})`,
        );
      }
      const data0 = base!;
      const ncm = unseenNcmOracle(data0.trainPhase.train, data0.trainPhase.ztest);
      const chance = 1 / prepared.split.unseen.length;
      const shift = seenSideShift(data0);
      const origin = ds.name === 'generated' ? 'generated (synthetic fallback)' : 'real';
      for (const m of ms) {
        rows.push({
          dataset: ds.name,
          split,
          data: origin,
          'text mode': m.mode,
          text: textModeLabel(m.mode),
          classes: prepared.split.numClasses,
          unseen: prepared.split.unseen.length,
          'CKA all': num3(m.ckaAll),
          'CKA null mean': num3(m.ckaNull),
          'CKA p': num3(m.ckaP),
          'debiased CKA all': num3(m.dckaAll),
          'CKA unseen': num3(m.ckaUnseen),
          'CKA unseen null mean': num3(m.ckaUnseenNull),
          'NN agree all %': pct(m.nnAll),
          'NN chance all %': pct(m.nnChanceAll),
          'RSA ρ all': num3(m.rsaAll),
          'RSA p': num3(m.rsaP),
          'text NN bound (unseen) %': pct(m.nnUnseen),
          'NN chance unseen %': pct(m.nnChanceUnseen),
          'RSA ρ unseen': num3(m.rsaUnseen),
          'ridge α (val)': m.ridge.alpha,
          'ridge val %': pct(m.ridge.valAccuracy),
          'ridge ZSL %': pct(m.ridge.testAccuracy),
          'ridge, seen means test side %': pct(m.ridgeTestSide),
          'LOCO map %': pct(m.loco.accuracy),
          'LOCO α': m.loco.alpha,
          'all-class ceiling %': pct(m.upper.accuracy),
          'all-class α': m.upper.alpha,
          'NCM oracle %': pct(ncm),
          'chance %': pct(chance),
        });
        for (const p of m.perAlpha) {
          ridgeRows.push({
            dataset: ds.name,
            split,
            data: origin,
            'text mode': m.mode,
            text: textModeLabel(m.mode),
            alpha: p.alpha,
            'chosen on val': p.alpha === m.ridge.alpha ? 'yes' : '',
            'ridge val %': pct(p.val),
            'ridge ZSL %': pct(p.test),
            'LOCO map %': pct(p.loco),
            'all-class ceiling %': pct(p.upper),
            'chance %': pct(chance),
          });
        }
      }
      ridgeFigures.push(ridgeFigure(split, ms));

      // confusion matrices over the unseen classes, with the preset's text mode
      const presetMode = ds.stage2.textMode;
      const pm = ms.find((m) => m.mode === presetMode)!;
      const dataP = byMode.get(presetMode)!;
      const test: TransferInput = { train: dataP.trainPhase.train, test: dataP.trainPhase.ztest, unseen: dataP.split.unseen, text: dataP.text };
      const rp = ridgePredictions(test, pm.ridge.alpha);
      if (Math.abs(rp.accuracy - pm.ridge.testAccuracy) > 1e-12)
        throw new Error(`transfer diagnosis: ridge predictions give ${rp.accuracy}, ridgeComparison ${pm.ridge.testAccuracy} on ${split}; the two must agree.`);
      confusions.push(
        confusionOf(
          ds.name,
          split,
          `ridge map (${textModeLabel(presetMode)}, α ${pm.ridge.alpha} chosen on val)`,
          presetMode,
          test.test.labels,
          rp.predicted,
          rp.unseen,
          names,
        ),
      );
      let fsvaeZsl = NaN;
      if (fsvae) {
        const t1 = Date.now();
        const [o] = await runZeroShotSeeds(ds.stage2, dataP, { seeds: [fsvae.seed], parallel: false });
        const k = o.trainResult.unseenSorted.length;
        const soft = o.trainResult.softmax[o.cycle.clean].ztest;
        const pred = Array.from(argmaxRows(soft, k), (j) => o.trainResult.unseenSorted[j]);
        const c = confusionOf(
          ds.name,
          split,
          `FS-VAE (${ds.stage2.name}, seed ${fsvae.seed}, clean cycle ${o.cycle.clean})`,
          presetMode,
          dataP.trainPhase.ztest.labels,
          pred,
          o.trainResult.unseenSorted,
          names,
        );
        if (Math.abs(c.accuracy - o.zsl.clean) > 1e-12)
          throw new Error(`transfer diagnosis: FS-VAE predictions give ${c.accuracy}, the run reports ${o.zsl.clean} on ${split}; the two must agree.`);
        confusions.push(c);
        fsvaeZsl = c.accuracy;
        log(`[transfer] ${split} FS-VAE seed ${fsvae.seed}: ZSL ${fmtPct(c.accuracy)} (cycle ${o.cycle.clean}) in ${((Date.now() - t1) / 1000).toFixed(0)} s`);
      }
      const span = seenSpanDiagnostic(test);
      perSplit.push({ ds, split, ms, ncm, chance, shift, span, fsvaeZsl });
      const bestRidge = best(ms, (m) => m.ridge.testAccuracy);
      splitRows.push({
        dataset: ds.name,
        split,
        data: origin,
        classes: prepared.split.numClasses,
        unseen: prepared.split.unseen.length,
        'chance %': pct(chance),
        'seen means: distance CV': num3(span.seenDistanceCv),
        'unseen means: distance CV': num3(span.unseenDistanceCv),
        'unseen/seen mean norm': num3(span.normRatio),
        'seen span rank': span.rank,
        'unseen offset outside seen span %': pct(span.outsideFraction),
        'unseen spread outside seen span %': pct(span.spreadOutsideFraction),
        'in-span NCM %': pct(span.inSpanAccuracy),
        'NCM oracle %': pct(ncm),
        'seen NCM train→test %': pct(shift.trainMeans),
        'seen NCM own test means %': pct(shift.ownMeans),
        [`ridge ZSL ${textModeLabel(presetMode)} %`]: pct(pm.ridge.testAccuracy),
        'best ridge ZSL %': pct(bestRidge.ridge.testAccuracy),
        'best ridge text': textModeLabel(bestRidge.mode),
        [`FS-VAE ZSL seed ${fsvae ? fsvae.seed : '-'} %`]: pct(fsvaeZsl),
      });
    }
  }
  if (perSplit.length === 0) throw new FsvaeInputError(`transfer diagnosis: no split left (splits filter [${(opts.splits ?? []).join(', ')}]).`);

  const confusionRows: Row[] = confusions.flatMap((c) =>
    c.perClass.map((p) => ({
      dataset: c.dataset,
      split: c.split,
      method: c.method,
      'ZSL %': pct(c.accuracy),
      'chance %': pct(1 / c.classes.length),
      class: p.classId,
      name: p.name,
      samples: p.count,
      'accuracy %': pct(p.accuracy),
      'taken for': p.takenForName,
      'taken-for share %': p.takenFor === null ? '' : pct(p.takenForShare),
      'most predicted': c.names[c.classes.indexOf(p.mostPredicted)],
      'confusion row (counts, columns = classes in this order)': c.counts[c.classes.indexOf(p.classId)].join(' '),
    })),
  );

  // findings, built from the numbers
  for (const s of perSplit) {
    const bCka = best(s.ms, (m) => m.ckaAll);
    const bRsa = best(s.ms, (m) => (Number.isFinite(m.rsaAll) ? m.rsaAll : -Infinity));
    const bRidge = best(s.ms, (m) => m.ridge.testAccuracy);
    const bLoco = best(s.ms, (m) => m.loco.accuracy);
    const sig = s.ms.filter((m) => m.ckaP < 0.05).map((m) => textModeLabel(m.mode));
    const sigR = s.ms.filter((m) => m.rsaP < 0.05).map((m) => textModeLabel(m.mode));
    findings.push(
      closestTextFinding({
        split: s.split,
        ckaText: textModeLabel(bCka.mode),
        cka: bCka.ckaAll.toFixed(3),
        ckaNull: bCka.ckaNull.toFixed(3),
        ckaP: bCka.ckaP.toFixed(3),
        rsaText: textModeLabel(bRsa.mode),
        rsa: bRsa.rsaAll.toFixed(3),
        rsaP: bRsa.rsaP.toFixed(3),
        ckaSignificant: sig,
        rsaSignificant: sigR,
      }),
    );
    const presetM = s.ms.find((m) => m.mode === s.ds.stage2.textMode) ?? s.ms[s.ms.length - 1];
    const ridgeAccs = s.ms.map((m) => m.ridge.testAccuracy);
    const ceilings = s.ms.map((m) => m.upper.accuracy);
    findings.push(
      ridgeFinding({
        split: s.split,
        bestText: textModeLabel(bRidge.mode),
        best: fmtPct(bRidge.ridge.testAccuracy),
        ridgeMin: fmtPct(Math.min(...ridgeAccs)),
        ridgeMax: fmtPct(Math.max(...ridgeAccs)),
        chance: fmtPct(s.chance),
        ncm: fmtPct(s.ncm),
        ceilingMin: fmtPct(Math.min(...ceilings)),
        ceilingMax: fmtPct(Math.max(...ceilings)),
        lowestCeiling: Math.min(...ceilings),
        highestRidge: Math.max(...ridgeAccs),
      }),
    );
    findings.push(
      crossSideShiftFinding({
        split: s.split,
        trainMeans: fmtPct(s.shift.trainMeans),
        ownMeans: fmtPct(s.shift.ownMeans),
        presetText: textModeLabel(presetM.mode),
        testSide: fmtPct(presetM.ridgeTestSide),
        ridge: fmtPct(presetM.ridge.testAccuracy),
        loco: s.ms.map((m) => ({ text: textModeLabel(m.mode), accuracy: fmtPct(m.loco.accuracy) })),
        bestLoco: bLoco.loco.accuracy,
        chance: s.chance,
      }),
    );
    const bestR = best(s.ms, (m) => m.ridge.testAccuracy);
    findings.push(
      geometryFinding({
        split: s.split,
        seenDistanceCv: s.span.seenDistanceCv,
        unseenDistanceCv: s.span.unseenDistanceCv,
        normRatio: s.span.normRatio.toFixed(1),
        rank: s.span.rank,
        dim: s.span.dim,
        spreadInSpan: fmtPct(1 - s.span.spreadOutsideFraction),
        inSpan: fmtPct(s.span.inSpanAccuracy),
        ncm: fmtPct(s.ncm),
        spanCost: (100 * (s.ncm - s.span.inSpanAccuracy)).toFixed(1),
        remaining: (100 * (s.span.inSpanAccuracy - bestR.ridge.testAccuracy)).toFixed(1),
        bestRidge: fmtPct(bestR.ridge.testAccuracy),
        bestText: textModeLabel(bestR.mode),
      }),
    );
    const nnU = s.ms.filter((m) => Number.isFinite(m.nnUnseen));
    if (nnU.length)
      findings.push(
        textNnBoundFinding(
          s.split,
          nnU.map((m) => ({ text: textModeLabel(m.mode), accuracy: fmtPct(m.nnUnseen) })),
          fmtPct(nnU[0].nnChanceUnseen),
        ),
      );
  }
  for (const c of confusions) {
    const fail = c.perClass.filter((p) => p.accuracy < 0.5).sort((a, b) => a.accuracy - b.accuracy);
    const ok = c.perClass.filter((p) => p.accuracy >= 0.5);
    findings.push(
      confusionFinding({
        split: c.split,
        method: c.method,
        zsl: fmtPct(c.accuracy),
        classes: c.classes.length,
        failing: fail.map((p) => ({
          name: p.name,
          accuracy: fmtPct(p.accuracy),
          takenFor: p.takenFor,
          takenForName: p.takenForName,
          takenForShare: fmtPct(p.takenForShare),
        })),
        recognised: ok.map((p) => ({ name: p.name, accuracy: fmtPct(p.accuracy) })),
      }),
    );
  }

  const notes = [
    dataNote(origins, config.stage1.name, config.datasets),
    SKELETON_SIDE_NOTE,
    CKA_NOTE,
    NN_RSA_NOTE,
    RIDGE_NOTE,
    CEILING_LOCO_NOTE,
    GEOMETRY_NOTE,
    P_VALUES_NOTE,
    SEEN_SHIFT_NOTE,
  ];
  return {
    rows,
    splitRows,
    ridgeRows,
    confusionRows,
    confusions,
    figures: confusions.map(confusionFigure),
    ridgeFigures,
    findings,
    notes,
    origins,
    seconds: (Date.now() - t0) / 1000,
  };
}

/**
 * Writes the diagnosis to results/: transfer_diagnosis (per split and text mode), _geometry (per
 * split), _ridge (per α and text mode) and transfer_confusion (per unseen class), each as
 * .md/.csv/.json with provenance. Returns the Markdown paths.
 */
export function writeTransferDiagnosis(
  r: TransferDiagnosisResult,
  backend: string,
  run: { script?: string; notebook?: string; fsvae: false | { seed: number } | undefined; permutations: number; wallSeconds: number },
): string[] {
  const prov = provenance(backend, {
    ...(run.script ? { script: run.script } : { notebook: run.notebook }),
    stage1: 'dct-lda (evidence preset, seed 1)',
    text: 'use-lite',
    fsvae: run.fsvae ? `seed ${run.fsvae.seed}` : 'skipped',
    permutations: run.permutations,
    wallSeconds: run.wallSeconds,
  });
  const splitFindings = r.findings.filter((f) => !/, (ridge map|FS-VAE)/.test(f));
  const confusionFindings = r.findings.filter((f) => /, (ridge map|FS-VAE)/.test(f));
  const a = writeResultTableWithJson(
    {
      name: 'transfer_diagnosis',
      title:
        'Why the text → skeleton transfer fails: text vs skeleton ' +
        'class geometry, ridge map, its labelled ceilings and the NCM oracle, per split and text mode',
      rows: r.rows,
      notes: [...splitFindings.map((f) => `Finding: ${f}`), ...r.notes],
    },
    prov,
    { findings: r.findings, origins: r.origins, ridgeFigures: r.ridgeFigures },
  );
  const g = writeResultTableWithJson(
    {
      name: 'transfer_diagnosis_geometry',
      title: 'Geometry of the stage-1 class means per split: structure for a text map to learn, and where the unseen classes lie',
      rows: r.splitRows,
      notes: [
        ...r.findings.filter((f) => /geometry of the stage-1|cross-side shift/.test(f)).map((f) => `Finding: ${f}`),
        r.notes[0],
        r.notes[1],
        r.notes[6],
        r.notes[8],
      ],
    },
    prov,
  );
  const b = writeResultTableWithJson(
    {
      name: 'transfer_diagnosis_ridge',
      title: 'What moves the ridge reference: ZSL accuracy per α and text mode (val phase, test, and the labelled ceilings)',
      rows: r.ridgeRows,
      notes: ['"chosen on val": the α the ridge reference uses (best val-phase accuracy, first of the grid on ties).', r.notes[0], r.notes[4], r.notes[5]],
    },
    prov,
    { figures: r.ridgeFigures },
  );
  const c = writeResultTableWithJson(
    {
      name: 'transfer_confusion',
      title: 'Unseen-class confusion of the ridge map and FS-VAE (preset text mode): per unseen class, its accuracy and what it is taken for',
      rows: r.confusionRows,
      notes: [...confusionFindings.map((f) => `Finding: ${f}`), CONFUSION_LAYOUT_NOTE, CONFUSION_METHODS_NOTE, r.notes[0]],
    },
    prov,
    { confusions: r.confusions, figures: r.figures },
  );
  return [a.md, g.md, b.md, c.md];
}
