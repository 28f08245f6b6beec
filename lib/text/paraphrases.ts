/**
 * Several descriptions per class (an extension of FS-VAE, not in the paper): alternative phrasings
 * of each class's label (AL), local (LD) and global (GD) description, stored next to the
 * descriptions in data/descriptions/paraphrases/<dataset>.json:
 *   {dataset, authorship, guidelines, classes: [{id, code, labels: [...], ld: [...], gd: [...]}]}
 * A text part of a class is then the mean of the embeddings of its original text and its
 * alternatives (lib/text/cache.ts, `paraphrases: true`). The alternatives make explicit what a
 * skeleton shows and a sentence encoder confuses: direction, temporal order, the moving body part.
 */
import * as path from 'node:path';
import { FsvaeInputError } from '../util/assert';
import { DescriptionPart, DescriptionSet, defaultDescriptionsDir, readClassSideFile } from './descriptions';

export interface ClassParaphrases {
  id: number;
  code: string;
  /** alternatives per part, in file order: AL ← labels, LD ← ld, GD ← gd. */
  texts: Record<DescriptionPart, string[]>;
}

export interface ParaphraseSet {
  dataset: string;
  file: string;
  classes: ClassParaphrases[];
}

/** data/descriptions/paraphrases/<dataset>.json. */
export function paraphraseFile(dataset: string, dir = defaultDescriptionsDir()): string {
  return path.join(dir, 'paraphrases', `${dataset}.json`);
}

const FIELD: Record<DescriptionPart, 'labels' | 'ld' | 'gd'> = { AL: 'labels', LD: 'ld', GD: 'gd' };

/**
 * Reads and validates the alternatives of `desc`'s classes: one entry per class with the same id
 * and code, the same number of alternatives for every class of a part, every text a non-empty
 * single line that repeats neither an original text nor another alternative.
 */
export function loadParaphrases(desc: DescriptionSet, dir = defaultDescriptionsDir()): ParaphraseSet {
  const file = paraphraseFile(desc.dataset, dir);
  const list = readClassSideFile(
    file,
    desc,
    `the several-descriptions extension needs alternative descriptions of every ${desc.dataset} class ` + 'there (see data/descriptions/paraphrases/).',
  );
  const seen = new Set(desc.classes.flatMap((c) => [c.label, c.ld, c.gd].map(norm)));
  const counts: Partial<Record<DescriptionPart, number>> = {};
  const classes = list.map((e, i): ClassParaphrases => {
    const orig = desc.classes[i];
    if (e?.id !== orig.id || e?.code !== orig.code) {
      throw new FsvaeInputError(
        `${file}: classes[${i}] is ${JSON.stringify({ id: e?.id, code: e?.code })}, ` + `expected id ${orig.id} code ${orig.code} as in ${desc.file}.`,
      );
    }
    const texts = {} as Record<DescriptionPart, string[]>;
    for (const part of ['AL', 'LD', 'GD'] as const) {
      const v = e[FIELD[part]];
      if (!Array.isArray(v) || v.length === 0) throw new FsvaeInputError(`${file}: classes[${i}].${FIELD[part]} must be a non-empty array of texts.`);
      if ((counts[part] ??= v.length) !== v.length) {
        throw new FsvaeInputError(
          `${file}: classes[${i}].${FIELD[part]} has ${v.length} texts, earlier classes ${counts[part]}; ` + 'every class needs as many alternatives.',
        );
      }
      texts[part] = v.map((t, k) => {
        if (typeof t !== 'string' || t.trim() === '' || /[\r\n]/.test(t))
          throw new FsvaeInputError(`${file}: classes[${i}].${FIELD[part]}[${k}] ` + 'must be a non-empty single-line string.');
        if (seen.has(norm(t))) throw new FsvaeInputError(`${file}: classes[${i}].${FIELD[part]}[${k}] repeats a text already used (${JSON.stringify(t)}).`);
        seen.add(norm(t));
        return t;
      });
    }
    return { id: orig.id, code: orig.code, texts };
  });
  return { dataset: desc.dataset, file, classes };
}

function norm(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The k-th alternative of a part for every class, in class order. */
export function paraphraseTexts(p: ParaphraseSet, part: DescriptionPart, k: number): string[] {
  return p.classes.map((c) => c.texts[part][k]);
}

/**
 * Row-wise mean of several embeddings of the same classes, each row rescaled to the norm of the
 * first (original) embedding's row, so a part keeps its weight when Eq. 5 concatenates the parts.
 */
export function averageEmbeddings(
  mats: readonly { rows: number; cols: number; data: Float32Array }[],
  what = 'averageEmbeddings',
): { rows: number; cols: number; data: Float32Array } {
  if (mats.length === 0) throw new FsvaeInputError(`${what}: no embeddings.`);
  const { rows, cols } = mats[0];
  for (const m of mats)
    if (m.rows !== rows || m.cols !== cols)
      throw new FsvaeInputError(`${what}: embeddings of ${m.rows} × ${m.cols} ` + `and ${rows} × ${cols} cannot be averaged.`);
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const mean = new Float64Array(cols);
    for (const m of mats) for (let c = 0; c < cols; c++) mean[c] += m.data[r * cols + c] / mats.length;
    let target = 0;
    let have = 0;
    for (let c = 0; c < cols; c++) {
      target += mats[0].data[r * cols + c] ** 2;
      have += mean[c] ** 2;
    }
    if (!(have > 0)) throw new FsvaeInputError(`${what}: class ${r}'s embeddings cancel out (zero mean vector).`);
    const scale = Math.sqrt(target / have);
    for (let c = 0; c < cols; c++) data[r * cols + c] = mean[c] * scale;
  }
  return { rows, cols, data };
}
