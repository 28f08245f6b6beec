/**
 * Body-part descriptions (the part-aware alignment extension, lib/experiments/part-alignment.ts):
 * for every class, one sentence per body part of lib/data/body-parts.ts saying only what that part
 * does, stored next to the descriptions in data/descriptions/parts/<dataset>.json:
 *   {dataset, authorship, parts: {<part>: joints in words}, guidelines, classes: [{id, code, label, <part>: text, ...}]}
 */
import * as path from 'node:path';
import { FsvaeInputError } from '../util/assert';
import { BODY_PARTS, BodyPart } from '../data/body-parts';
import { DescriptionSet, defaultDescriptionsDir, readClassSideFile } from './descriptions';

export interface PartDescriptionSet {
  dataset: string;
  file: string;
  /** texts[part][c]: the sentence of class c for that part, in class order. */
  texts: Record<BodyPart, string[]>;
}

/** data/descriptions/parts/<dataset>.json. */
export function partDescriptionFile(dataset: string, dir = defaultDescriptionsDir()): string {
  return path.join(dir, 'parts', `${dataset}.json`);
}

/**
 * Reads and validates the part descriptions of `desc`'s classes: one entry per class with the same
 * id, code and label as `desc`, and a non-empty single-line text for every part of BODY_PARTS.
 */
export function loadPartDescriptions(desc: DescriptionSet, dir = defaultDescriptionsDir()): PartDescriptionSet {
  const file = partDescriptionFile(desc.dataset, dir);
  const list = readClassSideFile(
    file,
    desc,
    `the part-aware extension needs one description per body part (${BODY_PARTS.join(', ')}) ` + `of every ${desc.dataset} class there.`,
  );
  const texts = Object.fromEntries(BODY_PARTS.map((p) => [p, [] as string[]])) as Record<BodyPart, string[]>;
  list.forEach((e, i) => {
    const orig = desc.classes[i];
    if (e?.id !== orig.id || e?.code !== orig.code || e?.label !== orig.label) {
      throw new FsvaeInputError(
        `${file}: classes[${i}] is ${JSON.stringify({ id: e?.id, code: e?.code, label: e?.label })}, ` +
          `expected id ${orig.id}, code ${orig.code}, label '${orig.label}' as in ${desc.file}.`,
      );
    }
    for (const part of BODY_PARTS) {
      const t = e[part];
      if (typeof t !== 'string' || t.trim() === '' || /[\r\n]/.test(t)) {
        throw new FsvaeInputError(`${file}: classes[${i}]["${part}"] must be a non-empty single-line string, got ${JSON.stringify(t)}.`);
      }
      texts[part].push(t);
    }
  });
  return { dataset: desc.dataset, file, texts };
}
