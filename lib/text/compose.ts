/**
 * The text feature of a class (Eq. 5): f_t = Concat(parts) / ‖Concat(parts)‖, one global L2 norm
 * over the concatenation (as the public code does), parts chosen by a mode string like the code's
 * (`lb`, `ad`, `md`, `ad_md`, `lb_ad_md`) or by the paper's names (AL = lb, GD = ad, LD = md).
 */
import { FsvaeInputError } from '../util/assert';

export type TextPart = 'lb' | 'ad' | 'md';
const PAPER_NAMES: Record<string, TextPart> = { al: 'lb', gd: 'ad', ld: 'md', lb: 'lb', ad: 'ad', md: 'md' };

/** 'lb_ad_md' or 'AL_GD_LD' → ['lb', 'ad', 'md'] (order kept: it is the concatenation order). */
export function parseTextMode(mode: string): TextPart[] {
  const parts = mode.split(/[_+,]/).filter((p) => p.length > 0).map((p) => {
    const k = PAPER_NAMES[p.toLowerCase()];
    if (!k) throw new FsvaeInputError(`text mode '${mode}': unknown part '${p}'. Use lb/ad/md (or AL/GD/LD), joined by '_', e.g. 'lb_ad_md'.`);
    return k;
  });
  if (parts.length === 0) throw new FsvaeInputError(`text mode '${mode}' names no part.`);
  if (new Set(parts).size !== parts.length) throw new FsvaeInputError(`text mode '${mode}' repeats a part.`);
  return parts;
}

export interface TextMatrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

/** Concatenate per-class part matrices (each C × d_p) and L2-normalise every row globally (Eq. 5). */
export function composeTextFeatures(parts: TextMatrix[], what = 'text features'): TextMatrix {
  if (parts.length === 0) throw new FsvaeInputError(`${what}: no parts given.`);
  const rows = parts[0].rows;
  for (const p of parts) {
    if (p.rows !== rows) throw new FsvaeInputError(`${what}: parts have different class counts (${parts.map((q) => q.rows).join(' vs ')}).`);
    if (p.data.length !== p.rows * p.cols) throw new FsvaeInputError(`${what}: a part has ${p.data.length} values, expected ${p.rows}×${p.cols}.`);
  }
  const cols = parts.reduce((a, p) => a + p.cols, 0);
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let off = r * cols;
    let sq = 0;
    for (const p of parts) {
      for (let c = 0; c < p.cols; c++) {
        const v = p.data[r * p.cols + c];
        if (!Number.isFinite(v)) throw new FsvaeInputError(`${what}: class ${r} has a non-finite value (${v}).`);
        data[off++] = v;
        sq += v * v;
      }
    }
    if (sq === 0) throw new FsvaeInputError(`${what}: class ${r} has an all-zero embedding; it cannot be normalised.`);
    const inv = 1 / Math.sqrt(sq);
    for (let c = r * cols; c < (r + 1) * cols; c++) data[c] *= inv;
  }
  return { rows, cols, data };
}
