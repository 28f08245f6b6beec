/**
 * Seen/unseen class splits of the zero-shot benchmarks, by name, with the pseudo (validation)
 * split inside the seen classes that trains the seen/unseen gate; and each dataset's train/test
 * protocol as data. All class indices are 0-based labels (see classes.ts).
 *
 * Sources:
 * - NTU-60/120: `label_splits/` of FS-VAE/MSF (= SynSE's): ru*.npy unseen, rv*_0.npy val-unseen.
 * - Random-split protocol (SMIE, followed by SA-DVAE and TDSM): three draws of NTU-60 55/5, NTU-120
 *   110/10 and PKU-MMD 46/5, SMIE config.py split_1..9 (0-based; PKU-51 in alphabetical order).
 *   PKU-MMD's are also the paper's Table 6 splits. SA-DVAE's archive carries its own lists
 *   (lib/data/sadvae.ts); its reader names the SMIE split each one equals.
 * - NW-UCLA, UTD-MHAD: PURLS `supplements/label_splits/`.
 * - MSR Action3D: no public zero-shot split; the two here are defined by this project.
 * Each raw dataset's splits, protocols and subject lists live in its folder
 * (datasets/<id>/splits.ts) and its spec; this module gathers them from the dataset registry, with
 * the generated dataset's, and is the registry every caller asks (getSplit, listSplits, getProtocol).
 */
import { FsvaeInputError } from '../util/assert';
import { Random } from '../util/random';
import { DatasetName, assertDatasetName, numClassesOf } from './classes';
import { ACTION_CATALOGUE } from './generator/catalogue';
import { zeroShotSplits } from './generator/splits';
import type { RandomSplitBenchmark, SplitDef, TrainTestProtocol } from './dataset-types';
import { RAW_DATASETS, RAW_SKELETON_DATASETS } from './datasets';

export type { ProtocolSideName, SideOf, SplitDef, TrainTestProtocol } from './dataset-types';
export { protocolSide, sideFromIds, sideFromProtocol } from './protocol-side';
export { MSR_ACTION3D_ACTION_SETS, MSR_ACTION3D_UNSEEN_10, MSR_ACTION3D_UNSEEN_5 } from './datasets/msr-action3d/splits';
export { NTU120_XSUB_TRAIN_SUBJECTS, NTU60_XSUB_TRAIN_SUBJECTS } from './datasets/ntu/splits';

export interface BenchmarkSplit {
  name: string;
  dataset: DatasetName;
  numClasses: number;
  /** sorted ascending */
  unseen: number[];
  /** sorted ascending, the complement of `unseen` */
  seen: number[];
  /** pseudo-unseen classes inside `seen` (gate training), sorted */
  valUnseen: number[];
  /** seen minus valUnseen, sorted */
  valSeen: number[];
  /** where the unseen list comes from */
  source: string;
  /** where the val-unseen list comes from (upstream file, or the derivation rule) */
  valSource: string;
}

const RAW_SPECS = RAW_SKELETON_DATASETS.map((d) => RAW_DATASETS[d]);

const SPLIT_DEFS: readonly SplitDef[] = [
  ...RAW_SPECS.flatMap((s) => s.splits),
  // the built-in generated dataset: unseen classes chosen so each recombines primitives of seen ones
  ...zeroShotSplits(ACTION_CATALOGUE, [5, 10]).map((z) => ({
    name: `generated-${ACTION_CATALOGUE.length - z.unseen.length}/${z.unseen.length}`,
    dataset: 'generated' as DatasetName,
    unseen: z.unseen,
    source: 'lib/data/generator (primitive coverage rule)',
    valUnseen: z.valUnseen,
    valSource: 'lib/data/generator (same rule inside the seen classes)',
  })),
];

/** 32-bit FNV-1a of a string: the seed of a derived validation split. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Number of val-unseen classes for a derived pseudo split: min(#unseen, ⌊#seen/4⌋), raised to 2
 * when at least 4 classes are seen (a 1-class pseudo-unseen set makes the unseen classifier and the
 * clean protocol's choice trivial), and at least 1. This reproduces all four upstream NTU sizes
 * (5 of 55, 12 of 48, 10 of 110, 24 of 96).
 */
export function derivedValUnseenCount(numUnseen: number, numSeen: number): number {
  if (numSeen < 2) return 0;
  const base = Math.min(numUnseen, Math.floor(numSeen / 4));
  return Math.max(numSeen >= 4 ? Math.min(2, numUnseen) : 1, base, 1);
}

/**
 * Derived pseudo split for datasets without an upstream one: a Fisher–Yates shuffle of the
 * sorted seen list with `Random(fnv1a32("<dataset>:<sorted unseen, comma-joined>"))`, keeping the
 * first derivedValUnseenCount(...) classes, sorted. Depends only on the dataset and unseen set.
 */
export function deriveValUnseen(dataset: DatasetName, unseen: readonly number[], seen: readonly number[]): number[] {
  const k = derivedValUnseenCount(unseen.length, seen.length);
  const rng = new Random(fnv1a32(`${dataset}:${[...unseen].sort((a, b) => a - b).join(',')}`));
  const pool = [...seen].sort((a, b) => a - b);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k).sort((a, b) => a - b);
}

const DERIVED_VAL_SOURCE = 'derived: min(#unseen, ⌊#seen/4⌋) seen classes drawn by a Random(fnv1a32("<dataset>:<unseen>")) shuffle';

function checkIndexList(list: readonly number[], numClasses: number, what: string): number[] {
  if (!Array.isArray(list) || list.length === 0) throw new FsvaeInputError(`${what}: the unseen-class list is empty; give at least one 0-based class index.`);
  const seen = new Set<number>();
  for (const v of list) {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new FsvaeInputError(`${what}: class index ${String(v)} is not an integer; use 0-based integer class indices.`);
    }
    if (v < 0 || v >= numClasses) {
      throw new FsvaeInputError(`${what}: class index ${v} is outside 0..${numClasses - 1}; indices are 0-based (subtract 1 from 1-based action ids).`);
    }
    if (seen.has(v)) throw new FsvaeInputError(`${what}: class index ${v} is listed twice; list each unseen class once.`);
    seen.add(v);
  }
  if (seen.size >= numClasses) {
    throw new FsvaeInputError(`${what}: all ${numClasses} classes are unseen; at least one class must stay seen for training.`);
  }
  return [...seen].sort((a, b) => a - b);
}

/**
 * A split from explicit lists (e.g. read from an archive's label files), with the registry's checks:
 * indices in range, no duplicates, val-unseen inside the seen classes (derived when not given).
 */
export function defineSplit(def: SplitDef): BenchmarkSplit {
  assertDatasetName(def.dataset, `split ${def.name}`);
  return buildSplit(def);
}

function buildSplit(def: SplitDef): BenchmarkSplit {
  const numClasses = numClassesOf(def.dataset);
  const unseen = checkIndexList(def.unseen, numClasses, `split ${def.name}`);
  const u = new Set(unseen);
  const seen: number[] = [];
  for (let c = 0; c < numClasses; c++) if (!u.has(c)) seen.push(c);
  let valUnseen: number[];
  let valSource: string;
  if (def.valUnseen) {
    valUnseen = [...def.valUnseen].sort((a, b) => a - b);
    const bad = valUnseen.filter((c) => u.has(c) || c < 0 || c >= numClasses);
    if (bad.length) throw new FsvaeInputError(`split ${def.name}: val-unseen classes [${bad.join(', ')}] are not seen classes.`);
    valSource = def.valSource ?? def.source;
  } else {
    valUnseen = deriveValUnseen(def.dataset, unseen, seen);
    valSource = DERIVED_VAL_SOURCE;
  }
  const v = new Set(valUnseen);
  const valSeen = seen.filter((c) => !v.has(c));
  return { name: def.name, dataset: def.dataset, numClasses, unseen, seen, valUnseen, valSeen, source: def.source, valSource };
}

const REGISTRY: ReadonlyMap<string, BenchmarkSplit> = new Map(SPLIT_DEFS.map((d) => [d.name, buildSplit(d)]));

/** The random-split protocol: per benchmark, the three registered draws whose results are averaged. */
export const RANDOM_SPLIT_BENCHMARKS: ReadonlyArray<RandomSplitBenchmark> = RAW_SPECS.flatMap((s) => (s.randomSplits ? [s.randomSplits] : []));

function copySplit(s: BenchmarkSplit): BenchmarkSplit {
  return { ...s, unseen: [...s.unseen], seen: [...s.seen], valUnseen: [...s.valUnseen], valSeen: [...s.valSeen] };
}

/** Names of all registered splits, in registry order. */
export function splitNames(): string[] {
  return [...REGISTRY.keys()];
}

/** All registered splits (copies), optionally of one dataset. */
export function listSplits(dataset?: DatasetName): BenchmarkSplit[] {
  return [...REGISTRY.values()].filter((s) => dataset === undefined || s.dataset === dataset).map(copySplit);
}

/** A registered split by name (case-insensitive), e.g. 'ntu60-55/5'. */
export function getSplit(name: string): BenchmarkSplit {
  const s = REGISTRY.get(String(name).trim().toLowerCase());
  if (!s)
    throw new FsvaeInputError(`split '${name}' is unknown; known splits: ${splitNames().join(', ')}. For another list use splitFromUnseen(dataset, [...]).`);
  return copySplit(s);
}

/**
 * A split from an explicit unseen list. When the list equals a registered split of the same
 * dataset, that split is returned (so upstream val lists are kept); otherwise the pseudo split is
 * derived (deriveValUnseen) and the name is '<dataset>-<seen>/<unseen>[<indices>]'.
 */
export function splitFromUnseen(dataset: DatasetName, unseenIds: readonly number[]): BenchmarkSplit {
  const ds = assertDatasetName(dataset, 'splitFromUnseen');
  const numClasses = numClassesOf(ds);
  const unseen = checkIndexList(unseenIds, numClasses, `splitFromUnseen(${ds})`);
  for (const s of REGISTRY.values()) {
    if (s.dataset === ds && s.unseen.length === unseen.length && s.unseen.every((c, i) => c === unseen[i])) return copySplit(s);
  }
  return buildSplit({
    name: `${ds}-${numClasses - unseen.length}/${unseen.length}[${unseen.join(',')}]`,
    dataset: ds,
    unseen,
    source: 'user-given unseen list',
  });
}

/**
 * Parses an unseen-class list such as '0,2,6,16,17', '[0, 2, 6]' or '0 2 6' (0-based) and
 * returns it sorted. Errors name the bad token: non-integers, out of range, duplicates, empty, or
 * all classes unseen.
 */
export function parseUnseenList(text: string, numClasses: number, what = 'unseen list'): number[] {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new FsvaeInputError(`${what}: numClasses must be an integer ≥ 2, got ${numClasses}.`);
  }
  const body = String(text).trim().replace(/^\[/, '').replace(/\]$/, '').trim();
  if (body === '') throw new FsvaeInputError(`${what}: empty; give 0-based class indices like '0,2,6,16,17'.`);
  const tokens = body.split(/[\s,]+/).filter((t) => t !== '');
  const out: number[] = [];
  for (const t of tokens) {
    if (!/^[+-]?\d+$/.test(t)) {
      throw new FsvaeInputError(`${what}: '${t}' in '${text}' is not an integer; give comma-separated 0-based class indices like '0,2,6'.`);
    }
    out.push(Number(t));
  }
  return checkIndexList(out, numClasses, `${what} '${text}'`);
}

// ---------------------------------------------------------------------------------------------
// Train/test protocols

/** Every dataset's train/test protocols, its standard one first. */
export const TRAIN_TEST_PROTOCOLS: readonly TrainTestProtocol[] = RAW_SPECS.flatMap((s) => s.protocols);

/** The protocol of a dataset by name ('xsub' by default). */
export function getProtocol(dataset: DatasetName, name = dataset === 'nw-ucla' ? 'xview' : 'xsub'): TrainTestProtocol {
  const p = TRAIN_TEST_PROTOCOLS.find((q) => q.dataset === dataset && q.name === name);
  if (!p) {
    const names = TRAIN_TEST_PROTOCOLS.filter((q) => q.dataset === dataset).map((q) => q.name);
    throw new FsvaeInputError(`protocol '${name}' of ${dataset} is unknown; available: ${names.join(', ') || 'none (unknown dataset)'}.`);
  }
  return p;
}
