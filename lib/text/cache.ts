/**
 * On-disk cache of class text embeddings: each (encoder, dataset, part) is computed once and kept
 * as <dir>/<encoder id>/<dataset>/<part>.npy (float32, C × dim, raw encoder output) next to a
 * sidecar <part>.json recording the encoder identity, dataset, part, class count, width and the
 * hash of the texts (descriptionHash: sha256 of JSON.stringify(texts)). An entry is used only when
 * the sidecar matches all of them; a changed text or another encoder identity recomputes and
 * overwrites it. Files are written to a temporary name and renamed, the sidecar last; a failed
 * write (e.g. a full disk) leaves no half entry.
 *
 * classTextFeatures() then gives the stage-2 text features f_t of Eq. 5: the parts of a mode
 * ('lb_ad_md' or 'AL_GD_LD': AL = lb, GD = ad, LD = md), concatenated in the mode's order and
 * L2-normalised per class over the whole concatenation (compose.ts).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsvaeInputError } from '../util/assert';
import { cacheRoot } from '../data/paths';
import { encodeNpy, readNpyFloat32Matrix } from '../data/npy';
import { ACTION_CATALOGUE, describeComposition } from '../data/generator';
import { MSF_PART_TO_DESCRIPTION } from '../data/text-tables';
import { DESCRIPTION_DATASETS, DescriptionPart, DescriptionSet, descriptionTexts, loadDescriptions } from './descriptions';
import { TextMatrix, TextPart, composeTextFeatures, parseTextMode } from './compose';
import { TextEncoder } from './encoders/types';
import { averageEmbeddings, loadParaphrases, paraphraseTexts } from './paraphrases';
import { PrecomputedTextSource } from './encoders/precomputed';
import { makeFolders, removeCreatedFolders, sha256Hex, toDiskWriteError, writeFileAtomic } from '../util/atomic-file';

export const TEXT_CACHE_FORMAT = 1;

/** Datasets whose class texts this module can load: the description files plus 'generated'. */
export const TEXT_DATASETS: readonly string[] = [...DESCRIPTION_DATASETS, 'generated'];

/** <repo>/data/cache/text (git-ignored). */
export function defaultTextCacheDir(): string {
  return path.join(cacheRoot(), 'text');
}

/** sha256 (hex) of JSON.stringify(texts): equals descriptionHash(desc, part) for descriptionTexts(desc, part). */
export function textsHash(texts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(texts), 'utf8').digest('hex');
}

/**
 * The per-class descriptions of a dataset: a registered description file (descriptions.ts), the
 * built-in 'generated' dataset (its 40 classes' label/LD/GD, the same texts as
 * generateActionDataset(...).classes, which depend on neither preset nor seed), or `<dir>/<name>.json`.
 */
export function loadClassDescriptions(dataset: string, dir?: string): DescriptionSet {
  if (dataset === 'generated' && dir === undefined) {
    return {
      dataset: 'generated',
      file: 'lib/data/generator (ACTION_CATALOGUE)',
      classes: ACTION_CATALOGUE.map((c, id) => {
        const d = describeComposition(c);
        return { id, code: `G${String(id + 1).padStart(2, '0')}`, label: d.label, ld: d.ld, gd: d.gd, twoPerson: false };
      }),
    };
  }
  return loadDescriptions(dataset, dir);
}

export interface TextCacheOptions {
  /** cache folder (default data/cache/text). */
  dir?: string;
  /** false: compute every time and write nothing (default true). */
  enabled?: boolean;
}

export type CacheStatus = 'hit' | 'absent' | 'texts changed' | 'encoder changed' | 'unreadable' | 'disabled';

export interface CachedEmbeddings {
  rows: number;
  cols: number;
  /** rows × cols raw encoder output. */
  data: Float32Array;
  /** 'hit' when read from the cache, else why it was computed. */
  status: CacheStatus;
  /** the .npy file (null when the cache is disabled). */
  file: string | null;
  textHash: string;
}

export interface CacheSidecar {
  format: number;
  encoder: { id: string; identity: string; dim: number };
  dataset: string;
  part: string;
  classes: number;
  /** sha256 of JSON.stringify(texts). */
  textHash: string;
  /** sha256 of the .npy file this sidecar vouches for (a sidecar is written after its .npy) */
  npySha256?: string;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Paths of a cache entry. */
export function cacheEntryPaths(dir: string, encoderId: string, dataset: string, part: string): { npy: string; json: string } {
  for (const [what, v] of [
    ['encoder id', encoderId],
    ['dataset', dataset],
    ['part', part],
  ] as const) {
    if (!SAFE_NAME.test(v))
      throw new FsvaeInputError(`text cache: ${what} '${v}' is not a plain name (letters, digits, '.', '_', '-'); ` + 'it is used as a folder name.');
  }
  const base = path.join(dir, encoderId, dataset, part);
  return { npy: `${base}.npy`, json: `${base}.json` };
}

function readEntry(p: { npy: string; json: string }, expect: CacheSidecar): { status: Exclude<CacheStatus, 'disabled'>; data?: Float32Array } {
  if (!fs.existsSync(p.json) || !fs.existsSync(p.npy)) return { status: 'absent' };
  let side: CacheSidecar;
  try {
    side = JSON.parse(fs.readFileSync(p.json, 'utf8')) as CacheSidecar;
  } catch {
    return { status: 'unreadable' };
  }
  if (side?.format !== TEXT_CACHE_FORMAT || side.dataset !== expect.dataset || side.part !== expect.part) return { status: 'unreadable' };
  if (side.encoder?.identity !== expect.encoder.identity || side.encoder?.dim !== expect.encoder.dim) return { status: 'encoder changed' };
  if (side.textHash !== expect.textHash || side.classes !== expect.classes) return { status: 'texts changed' };
  // the .npy must be the one this sidecar was written for (a kill between the two writes, or an edit)
  if (typeof side.npySha256 !== 'string' || sha256Hex(fs.readFileSync(p.npy)) !== side.npySha256) return { status: 'unreadable' };
  try {
    const m = readNpyFloat32Matrix(p.npy, expect.encoder.dim);
    if (m.rows !== expect.classes) return { status: 'unreadable' };
    return { status: 'hit', data: m.data };
  } catch (e) {
    if (e instanceof FsvaeInputError) return { status: 'unreadable' };
    throw e;
  }
}

/**
 * Stores an entry: the .npy, then its sidecar. When a write fails (e.g. a full disk: a
 * DiskWriteError naming the file) no half entry is left: a new .npy without its sidecar is
 * removed, and so are the folders this call created.
 */
function writeEntry(p: { npy: string; json: string }, expect: CacheSidecar, bytes: Uint8Array): void {
  const dir = path.dirname(p.npy);
  let created: string | undefined;
  try {
    created = makeFolders(dir);
  } catch (e) {
    throw toDiskWriteError(e, p.npy);
  }
  let npyWritten = false;
  try {
    writeFileAtomic(p.npy, bytes);
    npyWritten = true;
    const side: CacheSidecar = { ...expect, npySha256: sha256Hex(bytes) };
    writeFileAtomic(p.json, JSON.stringify(side, null, 2) + '\n');
  } catch (e) {
    if (npyWritten) fs.rmSync(p.npy, { force: true });
    removeCreatedFolders(dir, created);
    throw e;
  }
}

/**
 * The embeddings of `texts` (one per class, in class order) under `encoder`, read from the cache
 * when its entry for (encoder.id, dataset, part) matches the encoder identity and the texts, else
 * computed with one encode() call and stored.
 */
export async function cachedClassEmbeddings(
  encoder: TextEncoder,
  dataset: string,
  part: DescriptionPart | string,
  texts: readonly string[],
  opts: TextCacheOptions = {},
): Promise<CachedEmbeddings> {
  if (!Array.isArray(texts) || texts.length === 0) {
    throw new FsvaeInputError(`text cache: ${dataset}/${part} has no texts; pass one text per class.`);
  }
  const textHash = textsHash(texts);
  const expect: CacheSidecar = {
    format: TEXT_CACHE_FORMAT,
    encoder: { id: encoder.id, identity: encoder.identity, dim: encoder.dim },
    dataset,
    part,
    classes: texts.length,
    textHash,
  };
  const enabled = opts.enabled ?? true;
  const p = cacheEntryPaths(opts.dir ?? defaultTextCacheDir(), encoder.id, dataset, part);
  let status: CacheStatus = 'disabled';
  if (enabled) {
    const got = readEntry(p, expect);
    if (got.data) return { rows: texts.length, cols: encoder.dim, data: got.data, status: 'hit', file: p.npy, textHash };
    status = got.status;
  }
  const data = await encoder.encode([...texts]);
  if (data.length !== texts.length * encoder.dim) {
    throw new FsvaeInputError(`text cache: encoder ${encoder.id} returned ${data.length} values for ${texts.length} texts × ${encoder.dim}.`);
  }
  if (enabled) writeEntry(p, expect, encodeNpy({ dtype: 'float32', shape: [texts.length, encoder.dim], data }));
  return { rows: texts.length, cols: encoder.dim, data, status, file: enabled ? p.npy : null, textHash };
}

export interface ClassTextPartInfo {
  /** file-style part name (lb/ad/md). */
  part: TextPart;
  /** paper name (AL/GD/LD). */
  description: DescriptionPart;
  cols: number;
  status: CacheStatus | 'table';
  file: string | null;
}

export interface ClassTextFeatures extends TextMatrix {
  dataset: string;
  /** the source: encoder id or 'msf-table:ViT-B/32'. */
  source: string;
  parts: ClassTextPartInfo[];
}

export interface ClassTextOptions extends TextCacheOptions {
  /** folder of the description files (default data/descriptions). */
  descriptionsDir?: string;
  /**
   * the several-descriptions extension (lib/text/paraphrases.ts): each part of a class is the mean
   * of the embeddings of its text and of its alternatives in data/descriptions/paraphrases/.
   */
  paraphrases?: boolean;
}

/**
 * Stage-2 class text features (Eq. 5) of `dataset` for `mode` ('lb_ad_md', 'AL_GD_LD', 'md', ...):
 * each part from the cache (or the encoder), or from the precomputed MSF table, then concatenated
 * in the mode's order and L2-normalised per class.
 */
export async function classTextFeatures(
  source: TextEncoder | PrecomputedTextSource,
  dataset: string,
  mode: string,
  opts: ClassTextOptions = {},
): Promise<ClassTextFeatures> {
  const parts = parseTextMode(mode);
  const mats: TextMatrix[] = [];
  const info: ClassTextPartInfo[] = [];
  const desc = source instanceof PrecomputedTextSource ? null : loadClassDescriptions(dataset, opts.descriptionsDir);
  for (const part of parts) {
    const description = MSF_PART_TO_DESCRIPTION[part];
    if (source instanceof PrecomputedTextSource) {
      const t = source.rows(dataset, part);
      mats.push(t);
      info.push({ part, description, cols: t.cols, status: 'table', file: t.file });
    } else {
      const e = await cachedClassEmbeddings(source, dataset, description, descriptionTexts(desc!, description), opts);
      if (opts.paraphrases) {
        const alt = loadParaphrases(desc!, opts.descriptionsDir);
        const n = alt.classes[0].texts[description].length;
        const alts = [];
        for (let k = 0; k < n; k++)
          alts.push(await cachedClassEmbeddings(source, dataset, `${description}-alt${k + 1}`, paraphraseTexts(alt, description, k), opts));
        mats.push(averageEmbeddings([e, ...alts], `${dataset} ${description} with ${n} alternatives`));
      } else {
        mats.push(e);
      }
      info.push({ part, description, cols: e.cols, status: e.status, file: e.file });
    }
  }
  const composed = composeTextFeatures(mats, `${source.id} text features of ${dataset} (${mode})`);
  return { ...composed, dataset, source: opts.paraphrases ? `${source.id}+paraphrases` : source.id, parts: info };
}
