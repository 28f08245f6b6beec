/**
 * Class text-feature tables and the class-description CSVs they were computed from, in the layout
 * of MSF-GZSSAR (also what FS-VAE's train.py loads):
 *   text_feats/ViT-B/{32,16}/{lb,ad,md}_{60,120}.npy   float32 (C, 512), raw CLIP text outputs
 *                                                       (not normalised; row norms ≈ 8–13.3)
 *   sem_info/{lb,ad,md}_{60,120}.csv                    header `idx,label` (`idx,dcp` for md),
 *                                                       idx 1-based, one row per class
 * Row i of a table (0-based) is the class with label i.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsvaeInputError } from '../util/assert';
import { Float32Matrix, readNpyFloat32Matrix } from './npy';
import { composeTextFeatures, concatColumns } from './matrices';

export type TextEncoderName = 'ViT-B/32' | 'ViT-B/16';
export type MsfTextPart = 'lb' | 'ad' | 'md';
export type NtuClassCount = 60 | 120;

export const TEXT_ENCODERS: readonly TextEncoderName[] = ['ViT-B/32', 'ViT-B/16'];
export const MSF_TEXT_PARTS: readonly MsfTextPart[] = ['lb', 'ad', 'md'];

/**
 * File part → the paper's description name (Sec. 3.3, Table 4): lb = Action Label (f_AL),
 * ad = Global action Description (f_GD), md = Local action Description (f_LD). The released
 * scripts keep MSF's lb/ad/md file names; MSF's own ad files hold dictionary-style definitions and
 * md body-part motion descriptions, so with MSF's files "GD" means MSF's ad text (see
 * docs/paper-vs-code.md §5: FS-VAE's GD is a rewritten ad, its LD ≈ MSF md).
 */
export const MSF_PART_TO_DESCRIPTION = { lb: 'AL', ad: 'GD', md: 'LD' } as const;

/** CLIP ViT-B text-projection width. */
export const CLIP_TEXT_DIM = 512;

export interface TextTableOptions {
  encoder: TextEncoderName;
  part: MsfTextPart;
  numClasses: NtuClassCount;
  /** expected width; default 512 (CLIP ViT-B/32 and B/16 text projections). */
  dim?: number;
}

export interface TextTable extends Float32Matrix {
  /** the file it was read from */
  file: string;
}

function checkPart(part: string, what: string): MsfTextPart {
  if (!(MSF_TEXT_PARTS as readonly string[]).includes(part)) {
    throw new FsvaeInputError(`${what}: text part '${part}' is unknown; use lb (label), ad (global description) or md (local description).`);
  }
  return part as MsfTextPart;
}
function checkCount(n: number, what: string): NtuClassCount {
  if (n !== 60 && n !== 120) throw new FsvaeInputError(`${what}: numClasses must be 60 or 120 (NTU-60/120 tables), got ${n}.`);
  return n;
}

/** Finds `<root>/<sub>/<rel>` or, when `root` already is that folder, `<root>/<rel>`. */
function resolveUnder(root: string, sub: string, rel: string, what: string): string {
  const candidates = [path.join(root, sub, rel), path.join(root, rel)];
  for (const c of candidates) if (fs.existsSync(c)) return c;
  throw new FsvaeInputError(
    `${what}: not found; tried ${candidates.join(' and ')}. Point to the folder holding ${sub}/ ` +
      "(e.g. MSF-GZSSAR's repository root, or ../shared/data/msf-text).",
  );
}

/** Path of a text table: `<root>/text_feats/<encoder>/<part>_<C>.npy`. */
export function textTablePath(root: string, opts: TextTableOptions): string {
  if (!(TEXT_ENCODERS as readonly string[]).includes(opts.encoder)) {
    throw new FsvaeInputError(`readTextTable: encoder '${opts.encoder}' is unknown; use ${TEXT_ENCODERS.join(' or ')}.`);
  }
  const part = checkPart(opts.part, 'readTextTable');
  const c = checkCount(opts.numClasses, 'readTextTable');
  return resolveUnder(root, 'text_feats', path.join(...opts.encoder.split('/'), `${part}_${c}.npy`), `text table ${opts.encoder} ${part}_${c}`);
}

/** Checks a (C, dim) text table: shape, finite values (npy layer) and non-zero rows. */
export function checkTextTable(m: Float32Matrix, file: string, numClasses: number, dim: number): void {
  if (m.rows !== numClasses) {
    throw new FsvaeInputError(
      `${file}: text table has ${m.rows} rows, expected one per class (${numClasses}); ` +
        `a ${numClasses}-class dataset needs the *_${numClasses}.npy table with ${numClasses} rows.`,
    );
  }
  if (m.cols !== dim) throw new FsvaeInputError(`${file}: text table is ${m.rows}×${m.cols}, expected ${numClasses}×${dim}; check the encoder folder.`);
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    for (let c = 0; c < m.cols; c++) s += m.data[r * m.cols + c] ** 2;
    if (s === 0) throw new FsvaeInputError(`${file}: row ${r} (class ${r}) is all zeros; a text embedding cannot be normalised. Regenerate the table.`);
  }
}

/** Reads one MSF text table as a (C, 512) float32 matrix, raw (not normalised). */
export function readTextTable(root: string, opts: TextTableOptions): TextTable {
  const file = textTablePath(root, opts);
  const dim = opts.dim ?? CLIP_TEXT_DIM;
  const m = readNpyFloat32Matrix(file);
  checkTextTable(m, file, opts.numClasses, dim);
  return { ...m, file };
}

/**
 * Concatenates tables column-wise in the given order and, by default, divides each row by the L2
 * norm of the whole concatenated row (Eq. 5, lib/data/matrices.ts; FS-VAE/MSF train.py normalise
 * after concatenation, not per part).
 */
export function concatTextTables(tables: readonly Float32Matrix[], normalize = true): Float32Matrix {
  return normalize ? composeTextFeatures(tables, 'concatTextTables') : concatColumns(tables, 'concatTextTables');
}

/** Reads and concatenates parts, e.g. ['lb','ad','md'] for FS-VAE's `lb_ad_md` (1536-d), L2-normalised per row. */
export function readTextFeatures(
  root: string,
  opts: { encoder: TextEncoderName; parts: readonly MsfTextPart[]; numClasses: NtuClassCount; normalize?: boolean },
): Float32Matrix {
  if (opts.parts.length === 0) throw new FsvaeInputError("readTextFeatures: parts is empty; use e.g. ['lb', 'ad', 'md'].");
  const tables = opts.parts.map((part) => readTextTable(root, { encoder: opts.encoder, part, numClasses: opts.numClasses }));
  return concatTextTables(tables, opts.normalize ?? true);
}

// ---------------------------------------------------------------------------------------------
// CSV

/**
 * RFC 4180 CSV: fields separated by ',', optionally double-quoted with "" as an escaped quote;
 * quoted fields may hold commas and newlines; CRLF or LF line ends; a UTF-8 BOM is dropped;
 * fully blank lines are skipped (as pandas does).
 */
export function parseCsv(text: string, source: string): string[][] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let line = 1;
  let rowHasContent = false;
  const endRow = () => {
    row.push(field);
    if (rowHasContent || row.length > 1 || field !== '') rows.push(row);
    row = [];
    field = '';
    rowHasContent = false;
  };
  while (i < s.length) {
    const ch = s[i];
    if (ch === '"' && field === '') {
      // quoted field
      const startLine = line;
      i++;
      for (;;) {
        if (i >= s.length)
          throw new FsvaeInputError(`${source}: unterminated quoted field starting on line ${startLine}; close the quote (and write "" for a literal quote).`);
        if (s[i] === '"') {
          if (s[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (s[i] === '\n') line++;
        field += s[i++];
      }
      rowHasContent = true;
      const next = s[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new FsvaeInputError(`${source}: line ${line}: text after a closing quote; quote the whole field and write "" for a literal quote.`);
      }
      continue;
    }
    if (ch === ',') {
      row.push(field);
      field = '';
      rowHasContent = true;
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRow();
      i += ch === '\r' && s[i + 1] === '\n' ? 2 : 1;
      line++;
    } else {
      if (ch === '"') throw new FsvaeInputError(`${source}: line ${line}: a quote inside an unquoted field; quote the field and write "" for a literal quote.`);
      field += ch;
      i++;
    }
  }
  if (field !== '' || row.length > 0 || rowHasContent) endRow();
  return rows;
}

/** Path of a class-description CSV: `<root>/sem_info/<part>_<C>.csv`. */
export function semInfoPath(root: string, part: MsfTextPart, numClasses: NtuClassCount): string {
  const p = checkPart(part, 'readSemInfo');
  const c = checkCount(numClasses, 'readSemInfo');
  return resolveUnder(root, 'sem_info', `${p}_${c}.csv`, `class descriptions ${p}_${c}.csv`);
}

/**
 * Parses a sem_info CSV: header `idx,<label|dcp>`, then exactly `numClasses` rows with idx
 * 1, 2, ..., C in order (no gap, no duplicate) and non-empty text. Returns the texts in 0-based
 * class order, verbatim (no trimming, as MSF feeds them to CLIP unchanged).
 */
export function parseSemInfoCsv(text: string, source: string, numClasses: number): string[] {
  const rows = parseCsv(text, source);
  if (rows.length === 0) throw new FsvaeInputError(`${source}: empty file; expected a header 'idx,label' (or 'idx,dcp') and one row per class.`);
  const header = rows[0].map((h) => h.trim());
  if (header.length !== 2 || header[0] !== 'idx' || !['label', 'dcp'].includes(header[1])) {
    throw new FsvaeInputError(`${source}: header is '${rows[0].join(',')}', expected 'idx,label' or 'idx,dcp'.`);
  }
  const body = rows.slice(1);
  const out: string[] = [];
  body.forEach((r, k) => {
    const rowNo = k + 2; // 1-based line of a file without embedded newlines
    if (r.length !== 2) {
      throw new FsvaeInputError(
        `${source}: data row ${k + 1} (line ≈${rowNo}) has ${r.length} fields, expected 2 (idx,text); quote texts that contain commas.`,
      );
    }
    const idxText = r[0].trim();
    if (!/^\d+$/.test(idxText)) {
      throw new FsvaeInputError(`${source}: data row ${k + 1} has idx '${r[0]}', not a positive integer; idx must run 1..${numClasses}.`);
    }
    const idx = Number(idxText);
    if (idx !== k + 1) {
      const why = idx <= k ? `duplicate or out-of-order idx ${idx}` : `gap: idx ${k + 1} is missing (found ${idx})`;
      throw new FsvaeInputError(`${source}: data row ${k + 1}: ${why}; idx must run 1..${numClasses} in order.`);
    }
    if (r[1].trim() === '') throw new FsvaeInputError(`${source}: class idx ${idx} has an empty text; fill it in.`);
    out.push(r[1]);
  });
  if (out.length !== numClasses) {
    throw new FsvaeInputError(`${source}: ${out.length} class rows, expected ${numClasses}; use the _${numClasses} file or complete it.`);
  }
  return out;
}

/** Reads `sem_info/<part>_<C>.csv` → C texts in 0-based class order. */
export function readSemInfo(root: string, part: MsfTextPart, numClasses: NtuClassCount): string[] {
  const file = semInfoPath(root, part, numClasses);
  return parseSemInfoCsv(fs.readFileSync(file, 'utf8'), file, numClasses);
}
