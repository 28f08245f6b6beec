/**
 * Notebook 06 (paper Tables 7 and 8): which text encoder, and what the semantics are worth.
 *
 *  (a) Text spaces of the NTU classes, no skeleton features needed: CLIP ViT-B/32 and ViT-B/16
 *      (the MSF precomputed tables), USE-Lite on the same MSF strings and on this project's
 *      descriptions, SynSE's word2vec and BERT label embeddings, and a seeded random table as the
 *      control. Compared by linear CKA (Kornblith et al. 2019) of the class representations, its
 *      debiased form (unbiased HSIC, Song et al. 2012), and nearest-neighbour agreement.
 *  (b) Tables 7/8 proper: NTU ZSL/GZSL with CLIP ViT-B/32 vs ViT-B/16 tables, only when the
 *      user's SynSE features are present; otherwise rows marked 'not run' with what to download.
 * The value of the text semantics on real skeletons (USE-Lite AL+GD+LD vs label only vs random
 * text) is Table 7's evidence rows (lib/experiments/tables/table7-8.ts).
 */
import * as path from 'node:path';
import { locateData } from '../data/paths';
import { readNpy, npyToFloat32Matrix, readNpyStrings } from '../data/npy';
import { readSemInfo, NtuClassCount, TextEncoderName, TEXT_ENCODERS, MsfTextPart } from '../data/text-tables';
import { getSplit } from '../data/splits';
import { PrecomputedTextSource } from '../text/encoders/precomputed';
import { createTextEncoder } from '../text/encoders';
import { TextEncoder } from '../text/encoders/types';
import { cachedClassEmbeddings, classTextFeatures } from '../text/cache';
import { composeTextFeatures, parseTextMode, TextMatrix } from '../text/compose';
import { stage1Config } from '../stage1/config';
import { FsvaeConfig, fsvaePreset } from '../train/config';
import { formatMeanStd } from '../eval/metrics';
import { FsvaeInputError } from '../util/assert';
import { Row, ResultTable, writeResultTable } from '../report/table';
import { provenance } from '../report/provenance';
import { Figure } from '../viz/plotly';
import { prepareFeatures } from '../pipeline/features';
import { OURS, runVariants, VariantRun } from './variants';
import { notebookStage2 } from './main-results';
import { PAPER_TABLE7, PAPER_TABLE8_GZSL } from './paper-numbers';
import {
  LINEAR_CKA_NOTE,
  SPACE_COMPOSITION_NOTE,
  TABLE7_ENCODERS_NOTE,
  TABLE7_PROTOCOL_NOTE,
  USE_LITE_OURS_NOTE,
  neighbourAgreementNote,
} from './narrative/text-encoders';

// ---------------------------------------------------------------------------------------------
// Representation similarity

function checkMatrix(x: ArrayLike<number>, rows: number, what: string): number {
  if (!Number.isInteger(rows) || rows < 2) throw new FsvaeInputError(`${what}: need at least 2 rows, got ${rows}.`);
  if (x.length === 0 || x.length % rows !== 0) throw new FsvaeInputError(`${what}: ${x.length} values do not form ${rows} rows.`);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new FsvaeInputError(`${what}: non-finite value at index ${i}.`);
  return x.length / rows;
}

/** Gram matrix K = X Xᵀ (n × n, float64) of an n × d row-major matrix. */
export function gramMatrix(x: ArrayLike<number>, rows: number): Float64Array {
  const d = checkMatrix(x, rows, 'gramMatrix');
  const k = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = i; j < rows; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += x[i * d + c] * x[j * d + c];
      k[i * rows + j] = s;
      k[j * rows + i] = s;
    }
  }
  return k;
}

/** H K H with H = I − 11ᵀ/n (double centring). */
function centreGram(k: Float64Array, n: number): Float64Array {
  const row = new Float64Array(n);
  let all = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += k[i * n + j];
    row[i] = s / n;
    all += s;
  }
  all /= n * n;
  const out = new Float64Array(n * n);
  // K is symmetric: column means equal row means
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = k[i * n + j] - row[i] - row[j] + all;
  return out;
}

function ckaFromCentred(kc: Float64Array, lc: Float64Array): number {
  let kl = 0;
  let kk = 0;
  let ll = 0;
  for (let i = 0; i < kc.length; i++) {
    kl += kc[i] * lc[i];
    kk += kc[i] * kc[i];
    ll += lc[i] * lc[i];
  }
  if (kk === 0 || ll === 0) throw new FsvaeInputError('linearCka: a representation is constant over the items (zero centred Gram matrix).');
  return kl / Math.sqrt(kk * ll);
}

/**
 * Linear CKA of two representations of the same n items (rows): ⟨HKH, HLH⟩_F / (‖HKH‖_F ‖HLH‖_F)
 * with K = XXᵀ, L = YYᵀ (Kornblith et al. 2019, linear kernel). Invariant to orthogonal
 * transforms and isotropic scaling of either side; 1 for identical representations.
 */
export function linearCka(x: ArrayLike<number>, y: ArrayLike<number>, rows: number): number {
  checkMatrix(x, rows, 'linearCka(x)');
  checkMatrix(y, rows, 'linearCka(y)');
  return ckaFromCentred(centreGram(gramMatrix(x, rows), rows), centreGram(gramMatrix(y, rows), rows));
}

/** Unbiased HSIC estimator (Song et al. 2012) of two Gram matrices; needs n ≥ 4. */
function unbiasedHsic(k: Float64Array, l: Float64Array, n: number): number {
  // K̃, L̃: the Gram matrices with zero diagonal
  let tr = 0;
  const kr = new Float64Array(n);
  const lr = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      tr += k[i * n + j] * l[j * n + i];
      kr[i] += k[i * n + j];
      lr[i] += l[i * n + j];
    }
  }
  let sk = 0;
  let sl = 0;
  let cross = 0; // 1ᵀ K̃ L̃ 1 = Σ_i (K̃1)_i (L̃1)_i by symmetry
  for (let i = 0; i < n; i++) {
    sk += kr[i];
    sl += lr[i];
    cross += kr[i] * lr[i];
  }
  return (tr + (sk * sl) / ((n - 1) * (n - 2)) - (2 * cross) / (n - 2)) / (n * (n - 3));
}

function debiasedFromGrams(k: Float64Array, l: Float64Array, n: number, kk = unbiasedHsic(k, k, n), ll = unbiasedHsic(l, l, n)): number {
  if (!(kk > 0) || !(ll > 0))
    throw new FsvaeInputError('debiasedLinearCka: a representation has non-positive unbiased HSIC with itself (too few distinct items).');
  return unbiasedHsic(k, l, n) / Math.sqrt(kk * ll);
}

/**
 * Debiased linear CKA: CKA with the unbiased HSIC estimator in place of the biased one. Its value
 * for independent representations is ≈ 0 whatever n and d (plain linear CKA is biased upwards when
 * d is large against n, e.g. 512-d embeddings of 60 classes).
 */
export function debiasedLinearCka(x: ArrayLike<number>, y: ArrayLike<number>, rows: number): number {
  checkMatrix(x, rows, 'debiasedLinearCka(x)');
  checkMatrix(y, rows, 'debiasedLinearCka(y)');
  if (rows < 4) throw new FsvaeInputError(`debiasedLinearCka: the unbiased HSIC needs at least 4 items, got ${rows}.`);
  return debiasedFromGrams(gramMatrix(x, rows), gramMatrix(y, rows), rows);
}

function neighboursFromGram(g: Float64Array, rows: number, k: number): number[][] {
  if (!Number.isInteger(k) || k < 1 || k >= rows) throw new FsvaeInputError(`cosineNeighbours: k must be an integer in 1..${rows - 1}, got ${k}.`);
  const norms = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    if (!(g[i * rows + i] > 0)) throw new FsvaeInputError(`cosineNeighbours: row ${i} is all zeros; its cosine similarity is undefined.`);
    norms[i] = Math.sqrt(g[i * rows + i]);
  }
  const out: number[][] = [];
  const sim = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) sim[j] = g[i * rows + j] / (norms[i] * norms[j]);
    const others: number[] = [];
    for (let j = 0; j < rows; j++) if (j !== i) others.push(j);
    others.sort((p, q) => sim[q] - sim[p] || p - q);
    out.push(others.slice(0, k));
  }
  return out;
}

/** Row i's k nearest other rows by cosine similarity (ties: lower index first). */
export function cosineNeighbours(x: ArrayLike<number>, rows: number, k: number): number[][] {
  checkMatrix(x, rows, 'cosineNeighbours');
  return neighboursFromGram(gramMatrix(x, rows), rows, k);
}

function agreement(a: number[][], b: number[][], k: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const set = new Set(a[i]);
    s += b[i].filter((j) => set.has(j)).length / k;
  }
  return s / a.length;
}

/** Mean over rows of |N_k^X(i) ∩ N_k^Y(i)| / k; chance level for unrelated spaces is k/(n − 1). */
export function neighbourAgreement(x: ArrayLike<number>, y: ArrayLike<number>, rows: number, k: number): number {
  return agreement(cosineNeighbours(x, rows, k), cosineNeighbours(y, rows, k), k);
}

// ---------------------------------------------------------------------------------------------
// The random-text control

export { randomTextTable, randomTextFeatures } from '../text/random';
import { randomTextFeatures } from '../text/random';

// ---------------------------------------------------------------------------------------------
// Text spaces of the NTU classes

export type TextSpaceId = 'clip-b32' | 'clip-b16' | 'use-lite-msf' | 'use-lite-ours' | 'synse-w2v' | 'synse-bert' | 'random';
export type SimilarityPart = 'lb' | 'lb_ad_md';

export const TEXT_SPACE_LABELS: Readonly<Record<TextSpaceId, string>> = {
  'clip-b32': 'CLIP ViT-B/32 (MSF table)',
  'clip-b16': 'CLIP ViT-B/16 (MSF table)',
  'use-lite-msf': 'USE-Lite (MSF texts)',
  'use-lite-ours': 'USE-Lite (our descriptions)',
  'synse-w2v': 'SynSE word2vec (verb ⊕ noun)',
  'synse-bert': 'SynSE BERT (verb ⊕ noun)',
  random: 'random (seeded Gaussian)',
};

export interface TextSpace {
  id: TextSpaceId;
  label: string;
  classes: NtuClassCount;
  part: SimilarityPart;
  rows: number;
  cols: number;
  /** rows L2-normalised over the whole vector (Eq. 5 composition). */
  data: Float32Array;
  source: string;
}

/** Each part L2-normalised, then concatenated and normalised again (parts weigh equally). */
function concatNormalisedParts(parts: TextMatrix[], what: string): TextMatrix {
  const normed = parts.map((p) => composeTextFeatures([p], what));
  return composeTextFeatures(normed, what);
}

/** SynSE verb and noun embeddings (word2vec 300 + 300 or BERT 1024 + 1024) of the first `classes` NTU classes. */
export function readSynseLanguage(root: string, kind: 'w2v' | 'bert', classes: NtuClassCount): { matrix: TextMatrix; labels: string[] } {
  const read = (name: string) => {
    const m = npyToFloat32Matrix(readNpy(path.join(root, `${kind}_${name}.npy`)), path.join(root, `${kind}_${name}.npy`));
    if (m.rows < classes) throw new FsvaeInputError(`${root}/${kind}_${name}.npy: ${m.rows} rows, need ${classes} (NTU-60 is the prefix of NTU-120).`);
    return { rows: classes, cols: m.cols, data: m.data.slice(0, classes * m.cols) };
  };
  const labels = readNpyStrings(path.join(root, 'labels.npy')).slice(0, classes);
  return { matrix: concatNormalisedParts([read('verb'), read('noun')], `SynSE ${kind}`), labels };
}

export interface SimilarityConfig {
  classCounts: NtuClassCount[];
  parts: SimilarityPart[];
  /** neighbour counts of the agreement columns. */
  k: number[];
  randomSeed: number;
  msfRoot?: string;
  synseRoot?: string;
}

export interface TextSpacesResult {
  spaces: TextSpace[];
  /** spaces that could not be built, and why. */
  skipped: { id: TextSpaceId; classes: NtuClassCount; part: SimilarityPart; reason: string }[];
  wallSeconds: number;
}

const encoderCache = new Map<string, TextEncoder>();
async function useLite(): Promise<TextEncoder> {
  let e = encoderCache.get('use-lite');
  if (!e) {
    e = await createTextEncoder('use-lite');
    encoderCache.set('use-lite', e);
  }
  return e;
}

/** Builds every text space the data on this machine allows (CLIP tables, USE-Lite, SynSE, random). */
export async function buildNtuTextSpaces(cfg: SimilarityConfig, log: (l: string) => void = () => {}): Promise<TextSpacesResult> {
  const t0 = Date.now();
  const spaces: TextSpace[] = [];
  const skipped: TextSpacesResult['skipped'] = [];
  const msf = locateData('msf-text', cfg.msfRoot);
  const syn = locateData('synse-language', cfg.synseRoot);
  const add = (id: TextSpaceId, classes: NtuClassCount, part: SimilarityPart, m: TextMatrix, source: string) =>
    spaces.push({ id, label: TEXT_SPACE_LABELS[id], classes, part, rows: m.rows, cols: m.cols, data: m.data, source });
  for (const C of cfg.classCounts) {
    const dataset = C === 60 ? 'ntu60' : 'ntu120';
    for (const part of cfg.parts) {
      if (msf.path) {
        for (const enc of TEXT_ENCODERS) {
          const t = await classTextFeatures(new PrecomputedTextSource(msf.path, enc), dataset, part);
          add(enc === 'ViT-B/32' ? 'clip-b32' : 'clip-b16', C, part, t, `${msf.path}/text_feats/${enc}`);
        }
        const e = await useLite();
        const mats: TextMatrix[] = [];
        for (const p of parseTextMode(part)) {
          const texts = readSemInfo(msf.path, p as MsfTextPart, C);
          const got = await cachedClassEmbeddings(e, `msf-${dataset}`, p, texts);
          log(`[text] USE-Lite on MSF ${p}_${C}: ${got.status}`);
          mats.push(got);
        }
        add('use-lite-msf', C, part, composeTextFeatures(mats, `USE-Lite MSF ${part}`), `${e.identity} on ${msf.path}/sem_info`);
      } else {
        for (const id of ['clip-b32', 'clip-b16', 'use-lite-msf'] as TextSpaceId[])
          skipped.push({
            id,
            classes: C,
            part,
            reason: `msf-text not found (tried ${msf.tried.join(', ')}); get it with: npx fsvae download ntu-text-features`,
          });
      }
      if (part !== 'lb') {
        // our AL strings equal MSF's labels (case aside), so this space is built for the description modes only
        const e = await useLite();
        const t = await classTextFeatures(e, dataset, part);
        add('use-lite-ours', C, part, t, `${e.identity} on data/descriptions/ntu120.json`);
      }
      if (part === 'lb') {
        if (syn.path) {
          for (const kind of ['w2v', 'bert'] as const)
            add(kind === 'w2v' ? 'synse-w2v' : 'synse-bert', C, part, readSynseLanguage(syn.path, kind, C).matrix, `${syn.path}/${kind}_{verb,noun}.npy`);
        } else {
          for (const id of ['synse-w2v', 'synse-bert'] as TextSpaceId[])
            skipped.push({
              id,
              classes: C,
              part,
              reason: `synse-language not found (tried ${syn.tried.join(', ')}); get it with: npx fsvae download synse-language`,
            });
        }
      }
      add('random', C, part, randomTextFeatures(C, part, cfg.randomSeed), `Random(${cfg.randomSeed}) normals, 512 per part`);
    }
  }
  return { spaces, skipped, wallSeconds: (Date.now() - t0) / 1000 };
}

interface SpaceStats {
  gram: Float64Array;
  centred: Float64Array;
  hsicSelf: number;
  neighbours: Map<number, number[][]>;
}

const statsCache = new WeakMap<TextSpace, SpaceStats>();

/** Gram matrix, its centred form, the unbiased self-HSIC and neighbour lists of a space (computed once). */
function spaceStats(s: TextSpace): SpaceStats {
  let st = statsCache.get(s);
  if (!st) {
    checkMatrix(s.data, s.rows, s.label);
    const gram = gramMatrix(s.data, s.rows);
    st = { gram, centred: centreGram(gram, s.rows), hsicSelf: unbiasedHsic(gram, gram, s.rows), neighbours: new Map() };
    statsCache.set(s, st);
  }
  return st;
}

function spaceNeighbours(s: TextSpace, k: number): number[][] {
  const st = spaceStats(s);
  let nn = st.neighbours.get(k);
  if (!nn) {
    nn = neighboursFromGram(st.gram, s.rows, k);
    st.neighbours.set(k, nn);
  }
  return nn;
}

/** linear CKA, debiased CKA and NN@k agreement of two spaces over the same classes. */
export function compareTextSpaces(a: TextSpace, b: TextSpace, k: readonly number[]): { linear: number; debiased: number; agreement: Record<number, number> } {
  if (a.rows !== b.rows) throw new FsvaeInputError(`compareTextSpaces: ${a.label} has ${a.rows} classes, ${b.label} has ${b.rows}.`);
  const sa = spaceStats(a);
  const sb = spaceStats(b);
  return {
    linear: ckaFromCentred(sa.centred, sb.centred),
    debiased: debiasedFromGrams(sa.gram, sb.gram, a.rows, sa.hsicSelf, sb.hsicSelf),
    agreement: Object.fromEntries(k.map((kk) => [kk, agreement(spaceNeighbours(a, kk), spaceNeighbours(b, kk), kk)])),
  };
}

/** Pairwise similarity rows: one per (class count, part, pair of spaces). */
export function textSpaceSimilarityRows(spaces: readonly TextSpace[], k: readonly number[]): Row[] {
  const rows: Row[] = [];
  const groups = new Map<string, TextSpace[]>();
  for (const s of spaces) {
    const key = `${s.classes}|${s.part}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const g of groups.values()) {
    for (let i = 0; i < g.length; i++) {
      for (let j = i + 1; j < g.length; j++) {
        const c = compareTextSpaces(g[i], g[j], k);
        const row: Row = {
          classes: g[i].classes,
          text: g[i].part === 'lb' ? 'AL (labels)' : 'AL+GD+LD',
          'space A': g[i].label,
          'space B': g[j].label,
          'linear CKA': c.linear,
          'debiased CKA': c.debiased,
        };
        for (const kk of k) row[`NN@${kk} agreement`] = c.agreement[kk];
        rows.push(row);
      }
    }
  }
  return rows;
}

/** Chance levels of the agreement columns (k/(n − 1)) per class count. */
export function neighbourChanceRows(classCounts: readonly number[], k: readonly number[]): Row[] {
  return classCounts.map((c) => ({ classes: c, ...Object.fromEntries(k.map((kk) => [`NN@${kk} chance`, kk / (c - 1)])) }));
}

/** Heat map of one metric over the spaces of one (class count, part). */
export function similarityHeatmapFigure(
  spaces: readonly TextSpace[],
  classes: number,
  part: SimilarityPart,
  metric: 'linear CKA' | 'debiased CKA' = 'debiased CKA',
): Figure {
  const g = spaces.filter((s) => s.classes === classes && s.part === part);
  const z = g.map((a) =>
    g.map((b) => {
      const c = compareTextSpaces(a, b, []);
      return Number((metric === 'linear CKA' ? c.linear : c.debiased).toFixed(3));
    }),
  );
  const labels = g.map((s) => s.label);
  return {
    data: [
      {
        type: 'heatmap',
        z,
        x: labels,
        y: labels,
        zmin: metric === 'linear CKA' ? 0 : -0.2,
        zmax: 1,
        colorscale: 'Viridis',
        text: z,
        texttemplate: '%{text}',
        hoverongaps: false,
      },
    ],
    layout: {
      title: { text: `${metric} between text spaces of the NTU-${classes} classes (${part === 'lb' ? 'labels only' : 'AL+GD+LD'})` },
      xaxis: { automargin: true },
      yaxis: { automargin: true, autorange: 'reversed' },
      height: 520,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// (b) Tables 7/8 on NTU

export interface TextEncodersConfig {
  name: 'quick' | 'full';
  similarity: SimilarityConfig;
  ntu: {
    splits: string[];
    encoders: TextEncoderName[];
    /** stage-2 config per split. */
    stage2: Record<string, FsvaeConfig>;
    seeds: number[];
    /** SynSE sk_feats folder (default: locateData('sk_feats')). */
    features?: string;
    msfRoot?: string;
  };
}

const NTU_SPLITS = ['ntu60-55/5', 'ntu60-48/12', 'ntu120-110/10', 'ntu120-96/24'];

/** `features`: the user's SynSE sk_feats folder (else found with locateData('sk_feats')); `msfRoot`: the msf-text folder. */
export function textEncodersPreset(name: 'quick' | 'full', data: { features?: string; msfRoot?: string; synseLanguage?: string } = {}): TextEncodersConfig {
  const quick = name === 'quick';
  return {
    name,
    similarity: { classCounts: [60, 120], parts: ['lb', 'lb_ad_md'], k: [1, 5], randomSeed: 7, msfRoot: data.msfRoot, synseRoot: data.synseLanguage },
    ntu: {
      splits: [...NTU_SPLITS],
      encoders: ['ViT-B/32', 'ViT-B/16'],
      seeds: quick ? [1] : [1, 2, 3],
      features: data.features,
      msfRoot: data.msfRoot,
      stage2: Object.fromEntries(
        NTU_SPLITS.map((s) => [s, quick ? notebookStage2('quick') : fsvaePreset(s.startsWith('ntu60') ? 'reference-ntu60' : 'reference-ntu120')]),
      ),
    },
  };
}

export interface NtuEncoderRun {
  split: string;
  encoder: TextEncoderName;
  run: VariantRun | null;
  /** why it was not run. */
  missing?: string;
}

export interface TextEncodersResult {
  config: TextEncodersConfig;
  spaces: TextSpacesResult;
  similarityRows: Row[];
  chanceRows: Row[];
  ntu: NtuEncoderRun[];
  table7: Row[];
  table8: Row[];
  wallSeconds: number;
}

export async function runNtuEncoders(cfg: TextEncodersConfig['ntu'], log: (l: string) => void = () => {}): Promise<NtuEncoderRun[]> {
  const out: NtuEncoderRun[] = [];
  for (const split of cfg.splits) {
    const dataset = getSplit(split).dataset;
    if (dataset !== 'ntu60' && dataset !== 'ntu120') throw new FsvaeInputError(`Table 7: split '${split}' is not an NTU split.`);
    const prepared = await prepareFeatures({ kind: 'synse', dataset, split, features: cfg.features }, { stage1: stage1Config('shift-gcn-tiny'), seed: 1, log });
    if ('missing' in prepared) {
      for (const encoder of cfg.encoders) out.push({ split, encoder, run: null, missing: prepared.message });
      continue;
    }
    for (const encoder of cfg.encoders) {
      const [run] = await runVariants(prepared, cfg.stage2[split], [{ ...OURS, name: `Ours, CLIP ${encoder}` }], {
        seeds: cfg.seeds,
        text: { kind: 'msf-table', encoder, root: cfg.msfRoot },
        log,
      });
      out.push({ split, encoder, run });
    }
  }
  return out;
}

const PCT = { scale: 100, digits: 1 };

export function table7Rows(ntu: readonly NtuEncoderRun[]): { table7: Row[]; table8: Row[] } {
  const table7: Row[] = [];
  const table8: Row[] = [];
  for (const n of ntu) {
    const paperZ = PAPER_TABLE7[n.encoder]?.[n.split] ?? '';
    const paperG = PAPER_TABLE8_GZSL[n.encoder]?.[n.split];
    if (!n.run) {
      table7.push({
        dataset: getSplit(n.split).dataset,
        split: n.split,
        text: `CLIP ${n.encoder} (MSF table, AL+GD+LD)`,
        status: 'not run',
        protocol: '',
        seeds: 0,
        ZSL: '',
        'paper ZSL': paperZ,
        S: '',
        U: '',
        H: '',
        'paper S/U/H': paperG ? `${paperG.S.toFixed(1)} / ${paperG.U.toFixed(1)} / ${paperG.H.toFixed(1)}` : '',
        note: n.missing ?? '',
      });
      continue;
    }
    for (const p of ['clean', 'reference'] as const) {
      const s = n.run.result.summary[p];
      const base = {
        dataset: getSplit(n.split).dataset,
        split: n.split,
        text: `CLIP ${n.encoder} (MSF table, AL+GD+LD)`,
        status: 'run',
        protocol: p === 'clean' ? 'clean' : 'reference (test-selected)',
        seeds: n.run.result.seeds.length,
      };
      table7.push({
        ...base,
        ZSL: formatMeanStd(s.zsl, PCT),
        'paper ZSL': paperZ,
        S: formatMeanStd(s.seen, PCT),
        U: formatMeanStd(s.unseen, PCT),
        H: formatMeanStd(s.harmonic, PCT),
        'paper S/U/H': paperG ? `${paperG.S.toFixed(1)} / ${paperG.U.toFixed(1)} / ${paperG.H.toFixed(1)}` : '',
        note: '',
      });
      table8.push({
        ...base,
        S: formatMeanStd(s.seen, PCT),
        U: formatMeanStd(s.unseen, PCT),
        H: formatMeanStd(s.harmonic, PCT),
        'paper S': paperG?.S ?? '',
        'paper U': paperG?.U ?? '',
        'paper H': paperG?.H ?? '',
      });
    }
  }
  return { table7, table8 };
}

/** Assembles the result of the two parts (each may be empty) into the tables. */
export function textEncodersResult(cfg: TextEncodersConfig, spaces: TextSpacesResult, ntu: NtuEncoderRun[], wallSeconds: number): TextEncodersResult {
  const { table7, table8 } = table7Rows(ntu);
  const similarityRows = textSpaceSimilarityRows(spaces.spaces, cfg.similarity.k);
  return {
    config: cfg,
    spaces,
    similarityRows,
    chanceRows: neighbourChanceRows(cfg.similarity.classCounts, cfg.similarity.k),
    ntu,
    table7,
    table8,
    wallSeconds,
  };
}

export function writeTextEncodersResults(r: TextEncodersResult, backend: string): string[] {
  const prov = provenance(backend, { notebook: '06_text_encoders', mode: r.config.name, wallSeconds: r.wallSeconds });
  const files: string[] = [];
  const w = (t: ResultTable) => {
    const { csv, md } = writeResultTable(t, prov);
    files.push(csv, md);
  };
  if (r.similarityRows.length) {
    w({
      name: 'text_space_similarity',
      title: 'Text spaces of the NTU classes: CKA and nearest-neighbour agreement',
      rows: r.similarityRows,
      notes: [
        SPACE_COMPOSITION_NOTE,
        LINEAR_CKA_NOTE,
        neighbourAgreementNote(r.chanceRows),
        USE_LITE_OURS_NOTE,
        ...r.spaces.skipped.map((s) => `skipped ${s.id} (${s.classes}, ${s.part}): ${s.reason}`),
      ],
    });
  }
  const t7notes = [TABLE7_ENCODERS_NOTE, TABLE7_PROTOCOL_NOTE];
  if (r.table7.length)
    w({
      name: 'table7_text_encoders_ntu',
      title: 'Table 7: text encoders, ZSL accuracy (%) (and S / U / H where no Table 8 row exists)',
      rows: r.table7,
      notes: t7notes,
    });
  if (r.table8.length) w({ name: 'table8_text_encoders_gzsl_ntu', title: 'Table 8: text encoders, GZSL S / U / H (%)', rows: r.table8, notes: t7notes });
  return files;
}
