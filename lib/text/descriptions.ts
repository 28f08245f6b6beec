/**
 * Per-class action descriptions (paper Sec. 3.3, App. D): for every class an action label (AL),
 * a local description (LD: step-by-step motion of hands, arms and other body parts) and a global
 * description (GD: overall motion pattern and intent). The texts live in
 * data/descriptions/<dataset>.json:
 *   {dataset, numClasses, authorship, prompts: {GD, LD}, classes: [{id, code, label, twoPerson, ld, gd}]}
 * with ids 0..N-1 in class order. 'ntu60' is the first 60 classes of ntu120.json (NTU-60 is the
 * prefix A001..A060 of NTU-120).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsvaeInputError } from '../util/assert';
import { repoRoot } from '../data/paths';

export type DescriptionPart = 'AL' | 'LD' | 'GD';
export const DESCRIPTION_PARTS: readonly DescriptionPart[] = ['AL', 'LD', 'GD'];

/** 'pku51' is an alias of 'pku-mmd' (the name used by SA-DVAE's class_lists/pku51.csv). */
export type DescriptionDataset = 'ntu60' | 'ntu120' | 'pku-mmd' | 'pku51' | 'nw-ucla' | 'utd-mhad' | 'msr-action3d';

export interface ActionDescription {
  /** 0-based class index (the label index used by the splits). */
  id: number;
  /** dataset-specific action code, e.g. 'A001' (NTU), 'a08' (NW-UCLA). */
  code: string;
  /** AL: the action label. */
  label: string;
  /** LD: local, body-part level description. */
  ld: string;
  /** GD: global description of motion pattern and intent. */
  gd: string;
  /** true for classes performed by two people. */
  twoPerson: boolean;
}

export interface DescriptionSet {
  /** the requested name, e.g. 'ntu60' (not the file's own `dataset` field). */
  dataset: string;
  /** absolute path of the JSON file read. */
  file: string;
  classes: ActionDescription[];
  /** the prompts recorded in the file, when present. */
  prompts?: { GD: string; LD: string };
  authorship?: string;
}

export interface DescriptionFileEntry {
  /** file name inside the descriptions folder. */
  file: string;
  /** number of classes the file must hold. */
  fileClasses: number;
  /** number of classes taken (a prefix of the file when smaller than fileClasses). */
  numClasses: number;
}

/** Registry of description files by dataset name. */
export const DESCRIPTION_REGISTRY: Readonly<Record<DescriptionDataset, DescriptionFileEntry>> = {
  ntu60: { file: 'ntu120.json', fileClasses: 120, numClasses: 60 },
  ntu120: { file: 'ntu120.json', fileClasses: 120, numClasses: 120 },
  'pku-mmd': { file: 'pku-mmd.json', fileClasses: 51, numClasses: 51 },
  pku51: { file: 'pku-mmd.json', fileClasses: 51, numClasses: 51 },
  'nw-ucla': { file: 'nw-ucla.json', fileClasses: 10, numClasses: 10 },
  'utd-mhad': { file: 'utd-mhad.json', fileClasses: 27, numClasses: 27 },
  'msr-action3d': { file: 'msr-action3d.json', fileClasses: 20, numClasses: 20 },
};

export const DESCRIPTION_DATASETS = Object.keys(DESCRIPTION_REGISTRY) as DescriptionDataset[];

/** The folder shipped with the repository: <repo>/data/descriptions. */
export function defaultDescriptionsDir(): string {
  return path.join(repoRoot(), 'data', 'descriptions');
}

/**
 * The per-class entries of a side file of `desc` (paraphrases, part descriptions): the file must
 * exist (else `absent` says what it is for), parse as JSON and list exactly `desc`'s classes.
 */
export function readClassSideFile(file: string, desc: DescriptionSet, absent: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) throw new FsvaeInputError(`${file} does not exist: ${absent}`);
  let raw: { classes?: unknown };
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { classes?: unknown };
  } catch (e) {
    throw new FsvaeInputError(`${file}: not valid JSON (${(e as Error).message}).`);
  }
  const list = raw.classes;
  if (!Array.isArray(list) || list.length !== desc.classes.length) {
    throw new FsvaeInputError(
      `${file}: "classes" must list the ${desc.classes.length} classes of ${desc.file}, ` + `got ${Array.isArray(list) ? list.length : typeof list}.`,
    );
  }
  return list as Record<string, unknown>[];
}

function isRegistered(name: string): name is DescriptionDataset {
  return Object.hasOwn(DESCRIPTION_REGISTRY, name);
}

/** Lower-case alphanumerics only: 'NTU-120' and 'ntu120' compare equal. */
function normName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Normalised text for duplicate detection (case and whitespace insensitive). */
function normText(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}

function nonEmptyString(v: unknown, where: string, file: string): string {
  if (typeof v !== 'string' || v.trim().length === 0) {
    throw new FsvaeInputError(`${file}: ${where} must be a non-empty string, got ${JSON.stringify(v)}. Fill in the text in the JSON file.`);
  }
  if (/[\r\n]/.test(v)) {
    throw new FsvaeInputError(`${file}: ${where} contains a line break; write each text on a single line.`);
  }
  return v;
}

/**
 * Parses and validates the text of one description file. `source` names it in errors;
 * `expectedClasses` (optional) is the class count it must hold; `expectedDataset` (optional)
 * must equal the file's `dataset` field up to case and punctuation.
 */
export function parseDescriptions(
  text: string,
  source: string,
  expectedClasses?: number,
  expectedDataset?: string,
): { dataset: string; classes: ActionDescription[]; prompts?: { GD: string; LD: string }; authorship?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FsvaeInputError(`${source}: not valid JSON (${(e as Error).message}). Fix the syntax of the file.`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new FsvaeInputError(`${source}: top level must be an object {dataset, numClasses, classes, ...}.`);
  }
  const obj = raw as Record<string, unknown>;
  const dataset = nonEmptyString(obj.dataset, 'field "dataset"', source);
  if (expectedDataset !== undefined && normName(dataset) !== normName(expectedDataset)) {
    throw new FsvaeInputError(
      `${source}: field "dataset" is ${JSON.stringify(dataset)} but this file is read as "${expectedDataset}". ` + `Check that the right file is in place.`,
    );
  }
  if (!Array.isArray(obj.classes)) {
    throw new FsvaeInputError(`${source}: field "classes" must be an array of {id, code, label, twoPerson, ld, gd}.`);
  }
  const list = obj.classes as unknown[];
  if (!Number.isInteger(obj.numClasses) || (obj.numClasses as number) !== list.length) {
    throw new FsvaeInputError(`${source}: "numClasses" is ${JSON.stringify(obj.numClasses)} but "classes" has ${list.length} entries; they must agree.`);
  }
  if (expectedClasses !== undefined && list.length !== expectedClasses) {
    throw new FsvaeInputError(`${source}: expected ${expectedClasses} classes, found ${list.length}. Add or remove entries so every class has one.`);
  }
  let prompts: { GD: string; LD: string } | undefined;
  if (obj.prompts !== undefined) {
    const p = obj.prompts as Record<string, unknown>;
    if (typeof p !== 'object' || p === null) {
      throw new FsvaeInputError(`${source}: "prompts" must be an object {GD, LD}.`);
    }
    prompts = { GD: nonEmptyString(p.GD, 'prompts.GD', source), LD: nonEmptyString(p.LD, 'prompts.LD', source) };
  }
  const authorship = obj.authorship === undefined ? undefined : nonEmptyString(obj.authorship, 'field "authorship"', source);

  const classes: ActionDescription[] = [];
  const seen: Record<'code' | 'label' | 'ld' | 'gd', Map<string, number>> = {
    code: new Map(),
    label: new Map(),
    ld: new Map(),
    gd: new Map(),
  };
  list.forEach((entry, i) => {
    const where = `classes[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new FsvaeInputError(`${source}: ${where} must be an object {id, code, label, twoPerson, ld, gd}.`);
    }
    const e = entry as Record<string, unknown>;
    if (e.id !== i) {
      throw new FsvaeInputError(`${source}: ${where}.id is ${JSON.stringify(e.id)}, expected ${i}; ids must run 0..${list.length - 1} in file order.`);
    }
    if (typeof e.twoPerson !== 'boolean') {
      throw new FsvaeInputError(`${source}: ${where}.twoPerson must be true or false, got ${JSON.stringify(e.twoPerson)}.`);
    }
    const c: ActionDescription = {
      id: i,
      code: nonEmptyString(e.code, `${where}.code`, source),
      label: nonEmptyString(e.label, `${where}.label (AL)`, source),
      ld: nonEmptyString(e.ld, `${where}.ld (LD)`, source),
      gd: nonEmptyString(e.gd, `${where}.gd (GD)`, source),
      twoPerson: e.twoPerson,
    };
    for (const key of ['code', 'label', 'ld', 'gd'] as const) {
      const k = normText(c[key]);
      const prev = seen[key].get(k);
      if (prev !== undefined) {
        throw new FsvaeInputError(
          `${source}: ${where}.${key} duplicates classes[${prev}].${key} (${JSON.stringify(c[key])}); ` +
            `every class needs its own text so the class embeddings differ.`,
        );
      }
      seen[key].set(k, i);
    }
    if (normText(c.ld) === normText(c.gd)) {
      throw new FsvaeInputError(`${source}: ${where} has identical LD and GD; write a distinct local and global description.`);
    }
    classes.push(c);
  });
  return { dataset, classes, prompts, authorship };
}

/**
 * Loads and validates the descriptions of `dataset` from `dir` (default: data/descriptions).
 * A registered name uses its registry entry ('ntu60' = first 60 classes of ntu120.json); any
 * other name reads `<dir>/<name>.json` with no fixed class count.
 */
export function loadDescriptions(dataset: DescriptionDataset | string, dir?: string): DescriptionSet {
  const folder = dir ?? defaultDescriptionsDir();
  let fileName: string;
  let fileClasses: number | undefined;
  let take: number | undefined;
  if (isRegistered(dataset)) {
    ({ file: fileName, fileClasses, numClasses: take } = DESCRIPTION_REGISTRY[dataset]);
  } else {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(dataset)) {
      throw new FsvaeInputError(
        `loadDescriptions: dataset name ${JSON.stringify(dataset)} is not a plain file stem; ` +
          `use one of ${DESCRIPTION_DATASETS.join(', ')} or a name whose <name>.json is in the folder.`,
      );
    }
    fileName = `${dataset}.json`;
  }
  const file = path.resolve(folder, fileName);
  if (!fs.existsSync(file)) {
    throw new FsvaeInputError(
      `loadDescriptions("${dataset}"): ${file} does not exist. ` +
        `Registered datasets: ${DESCRIPTION_DATASETS.join(', ')}; pass the folder holding ${fileName} as the second argument.`,
    );
  }
  const parsed = parseDescriptions(fs.readFileSync(file, 'utf8'), file, fileClasses, path.basename(fileName, '.json'));
  const classes = take === undefined ? parsed.classes : parsed.classes.slice(0, take);
  return { dataset, file, classes, prompts: parsed.prompts, authorship: parsed.authorship };
}

/** The texts of one part, in class order: AL = labels, LD = local, GD = global descriptions. */
export function descriptionTexts(desc: DescriptionSet, part: DescriptionPart): string[] {
  switch (part) {
    case 'AL':
      return desc.classes.map((c) => c.label);
    case 'LD':
      return desc.classes.map((c) => c.ld);
    case 'GD':
      return desc.classes.map((c) => c.gd);
    default:
      throw new FsvaeInputError(`descriptionTexts: part must be 'AL', 'LD' or 'GD', got ${JSON.stringify(part)}.`);
  }
}

/**
 * SHA-256 (hex) of JSON.stringify(descriptionTexts(desc, part)): a key for text-embedding caches
 * that changes whenever any text, or the class order, changes.
 */
export function descriptionHash(desc: DescriptionSet, part: DescriptionPart): string {
  return createHash('sha256')
    .update(JSON.stringify(descriptionTexts(desc, part)), 'utf8')
    .digest('hex');
}
