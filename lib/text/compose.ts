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
  const parts = mode
    .split(/[_+,]/)
    .filter((p) => p.length > 0)
    .map((p) => {
      const k = PAPER_NAMES[p.toLowerCase()];
      if (!k) throw new FsvaeInputError(`text mode '${mode}': unknown part '${p}'. Use lb/ad/md (or AL/GD/LD), joined by '_', e.g. 'lb_ad_md'.`);
      return k;
    });
  if (parts.length === 0) throw new FsvaeInputError(`text mode '${mode}' names no part.`);
  if (new Set(parts).size !== parts.length) throw new FsvaeInputError(`text mode '${mode}' repeats a part.`);
  return parts;
}

export { composeTextFeatures } from '../data/matrices';
export type { TextMatrix } from '../data/matrices';
