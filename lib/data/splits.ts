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
 * - MSR Action3D: no public zero-shot split; the two here are defined by this project (see below).
 */
import { FsvaeInputError } from '../util/assert';
import { Random } from '../util/random';
import { DatasetName, assertDatasetName, numClassesOf } from './classes';
import { ACTION_CATALOGUE } from './generator/catalogue';
import type { SkeletonSequence } from './skeleton';
import { zeroShotSplits } from './generator/splits';

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

export interface SplitDef {
  name: string;
  dataset: DatasetName;
  unseen: readonly number[];
  source: string;
  /** upstream val-unseen list, when one exists */
  valUnseen?: readonly number[];
  valSource?: string;
}

const NTU_SPLITS = 'FS-VAE/MSF/SynSE label_splits';
const SMIE_ORDER: Partial<Record<DatasetName, string>> = {
  ntu60: 'NTU-60 action order', ntu120: 'NTU-120 action order', pku51: 'PKU-MMD I, alphabetical pku51 order',
};

/** SMIE's random splits `<dataset>-<seen/unseen>-smie<k>`, numbered from `first` as SMIE's config.py numbers them. */
function smieSplits(dataset: DatasetName, sizes: string, first: number, lists: number[][]): SplitDef[] {
  return lists.map((unseen, i) => ({
    name: `${dataset}-${sizes}-smie${first + i}`, dataset, unseen, source: `SMIE split_${first + i} (${SMIE_ORDER[dataset]})`,
  }));
}

const PURLS = 'PURLS supplements/label_splits';

/**
 * MSR Action3D zero-shot splits of this project (no public one exists). Rule, on 1-based action
 * ids a01..a20: 5 unseen = ids ≡ 3 (mod 4) → a03 hammer, a07 draw x, a11 two hand wave,
 * a15 side kick, a19 golf swing; 10 unseen = even ids a02..a20. Both touch every action set
 * AS1/AS2/AS3 of Li et al. (2010) and keep seen classes in each, so no subset is all-unseen.
 */
export const MSR_ACTION3D_UNSEEN_5: readonly number[] = [2, 6, 10, 14, 18];
export const MSR_ACTION3D_UNSEEN_10: readonly number[] = [1, 3, 5, 7, 9, 11, 13, 15, 17, 19];

const SPLIT_DEFS: readonly SplitDef[] = [
  {
    name: 'ntu60-55/5', dataset: 'ntu60', unseen: [10, 11, 19, 26, 56], source: `${NTU_SPLITS}/ru5.npy`,
    valUnseen: [16, 21, 25, 31, 48], valSource: `${NTU_SPLITS}/rv5_0.npy (val-seen = seen − val-unseen = rs50_0.npy)`,
  },
  {
    name: 'ntu60-48/12', dataset: 'ntu60', unseen: [3, 5, 9, 12, 15, 40, 42, 47, 51, 56, 58, 59], source: `${NTU_SPLITS}/ru12.npy`,
    valUnseen: [4, 8, 10, 13, 17, 22, 30, 33, 39, 46, 50, 54], valSource: `${NTU_SPLITS}/rv12_0.npy (val-seen = rs36_0.npy)`,
  },
  {
    name: 'ntu120-110/10', dataset: 'ntu120', unseen: [4, 13, 37, 43, 49, 65, 88, 95, 99, 106], source: `${NTU_SPLITS}/ru10.npy`,
    valUnseen: [5, 10, 32, 61, 72, 74, 76, 77, 83, 96],
    valSource: `${NTU_SPLITS}/rv10_0.npy (val-seen derived as seen − val-unseen; upstream rs100_0.npy is broken: 81 entries)`,
  },
  {
    name: 'ntu120-96/24', dataset: 'ntu120',
    unseen: [5, 9, 11, 16, 18, 20, 22, 29, 35, 39, 45, 49, 59, 68, 70, 81, 84, 87, 93, 94, 104, 113, 114, 119],
    source: `${NTU_SPLITS}/ru24.npy`,
    valUnseen: [1, 3, 4, 10, 17, 19, 27, 47, 48, 53, 58, 63, 66, 79, 83, 86, 89, 92, 97, 98, 100, 103, 105, 108],
    valSource: `${NTU_SPLITS}/rv24_0.npy (val-seen = rs72_0.npy)`,
  },
  // SMIE's random-split protocol (config.py split_1..9): three draws per benchmark, results averaged
  ...smieSplits('ntu60', '55/5', 1, [[4, 19, 31, 47, 51], [12, 29, 32, 44, 59], [7, 20, 28, 39, 58]]),
  ...smieSplits('ntu120', '110/10', 4, [
    [3, 18, 26, 38, 41, 60, 87, 99, 102, 110], [5, 12, 14, 15, 17, 42, 67, 82, 100, 119], [6, 20, 27, 33, 42, 55, 71, 97, 104, 118],
  ]),
  ...smieSplits('pku51', '46/5', 7, [[1, 9, 20, 34, 50], [3, 14, 29, 31, 49], [2, 15, 39, 41, 43]]),
  { name: 'nw-ucla-5/5', dataset: 'nw-ucla', unseen: [1, 3, 4, 6, 8], source: `${PURLS}/nw-ucla/ru5.npy (seen rs5.npy)` },
  { name: 'nw-ucla-8/2', dataset: 'nw-ucla', unseen: [1, 4], source: `${PURLS}/nw-ucla/ru2.npy (seen rs8.npy)` },
  { name: 'utd-mhad-22/5', dataset: 'utd-mhad', unseen: [4, 14, 17, 23, 24], source: `${PURLS}/utd-mhad/ru5.npy (seen rs22.npy)` },
  { name: 'utd-mhad-18/9', dataset: 'utd-mhad', unseen: [0, 1, 3, 6, 7, 11, 13, 16, 18], source: `${PURLS}/utd-mhad/ru9.npy (seen rs18.npy)` },
  {
    name: 'utd-mhad-14/13', dataset: 'utd-mhad', unseen: [0, 1, 6, 8, 9, 10, 12, 13, 19, 20, 21, 23, 24],
    source: `${PURLS}/utd-mhad/ru13.npy (seen rs14.npy)`,
  },
  { name: 'msr-action3d-15/5', dataset: 'msr-action3d', unseen: MSR_ACTION3D_UNSEEN_5, source: 'this project: 1-based ids ≡ 3 (mod 4)' },
  { name: 'msr-action3d-10/10', dataset: 'msr-action3d', unseen: MSR_ACTION3D_UNSEEN_10, source: 'this project: even 1-based ids' },
  // the built-in generated dataset: unseen classes chosen so each recombines primitives of seen ones
  ...zeroShotSplits(ACTION_CATALOGUE, [5, 10]).map((z) => ({
    name: `generated-${ACTION_CATALOGUE.length - z.unseen.length}/${z.unseen.length}`, dataset: 'generated' as DatasetName, unseen: z.unseen,
    source: 'lib/data/generator (primitive coverage rule)', valUnseen: z.valUnseen, valSource: 'lib/data/generator (same rule inside the seen classes)',
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

const DERIVED_VAL_SOURCE =
  'derived: min(#unseen, ⌊#seen/4⌋) seen classes drawn by a Random(fnv1a32("<dataset>:<unseen>")) shuffle';

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
export const RANDOM_SPLIT_BENCHMARKS: ReadonlyArray<{ dataset: 'ntu60' | 'ntu120' | 'pku51'; label: string; splits: readonly string[] }> = [
  { dataset: 'ntu60', label: 'NTU-60 55/5', splits: ['ntu60-55/5-smie1', 'ntu60-55/5-smie2', 'ntu60-55/5-smie3'] },
  { dataset: 'ntu120', label: 'NTU-120 110/10', splits: ['ntu120-110/10-smie4', 'ntu120-110/10-smie5', 'ntu120-110/10-smie6'] },
  { dataset: 'pku51', label: 'PKU-MMD 46/5', splits: ['pku51-46/5-smie7', 'pku51-46/5-smie8', 'pku51-46/5-smie9'] },
];

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
  if (!s) throw new FsvaeInputError(
    `split '${name}' is unknown; known splits: ${splitNames().join(', ')}. For another list use splitFromUnseen(dataset, [...]).`,
  );
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

export interface TrainTestProtocol {
  dataset: DatasetName;
  name: string;
  /** what the lists index: NTU/PKU/UTD/MSR performer ids, NW-UCLA view ids, NTU camera or setup ids */
  key: 'subject' | 'view' | 'camera' | 'setup';
  /** ids of the training side; null when not known exactly (see note) */
  train: readonly number[] | null;
  /** ids of the test side; null when not known exactly */
  test: readonly number[] | null;
  source: string;
  note?: string;
}

/** NTU RGB+D 60 cross-subject training subjects (Shahroudy et al. 2016); the other 20 of P001..P040 test. */
export const NTU60_XSUB_TRAIN_SUBJECTS: readonly number[] = [1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38];
/** NTU RGB+D 120 cross-subject training subjects (Liu et al. 2019), 53 of P001..P106. */
export const NTU120_XSUB_TRAIN_SUBJECTS: readonly number[] = [
  1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38, 45, 46, 47, 49, 50, 52, 53,
  54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81, 82, 83, 84, 85, 86, 89, 91, 92, 93, 94, 95, 97, 98, 100, 103,
];

function range1(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
function complement(all: number[], train: readonly number[]): number[] {
  const t = new Set(train);
  return all.filter((x) => !t.has(x));
}

export const TRAIN_TEST_PROTOCOLS: readonly TrainTestProtocol[] = [
  {
    dataset: 'ntu60', name: 'xsub', key: 'subject', train: NTU60_XSUB_TRAIN_SUBJECTS, test: complement(range1(40), NTU60_XSUB_TRAIN_SUBJECTS),
    source: 'NTU RGB+D (Shahroudy et al., CVPR 2016), cross-subject; used by SynSE/MSF/FS-VAE features',
  },
  { dataset: 'ntu60', name: 'xview', key: 'camera', train: [2, 3], test: [1], source: 'NTU RGB+D (Shahroudy et al., CVPR 2016), cross-view' },
  {
    dataset: 'ntu120', name: 'xsub', key: 'subject', train: NTU120_XSUB_TRAIN_SUBJECTS, test: complement(range1(106), NTU120_XSUB_TRAIN_SUBJECTS),
    source: 'NTU RGB+D 120 (Liu et al., TPAMI 2019), cross-subject; used by SynSE/MSF/FS-VAE features',
  },
  {
    dataset: 'ntu120', name: 'xset', key: 'setup', train: range1(32).filter((s) => s % 2 === 0), test: range1(32).filter((s) => s % 2 === 1),
    source: 'NTU RGB+D 120 (Liu et al., TPAMI 2019), cross-setup',
  },
  {
    dataset: 'pku51', name: 'xsub', key: 'subject', train: null, test: null,
    source: 'PKU-MMD (Liu et al. 2017), Phase 1 cross-subject',
    note: 'The official split is a list of video ids (cross-subject.txt in the PKU-MMD split files), reported as 57 training and 9 test performers; '
      + 'file names carry no performer id and the list is not embedded here. Use the official split file.',
  },
  { dataset: 'nw-ucla', name: 'xview', key: 'view', train: [1, 2], test: [3], source: 'NW-UCLA (Wang et al., CVPR 2014): views 1+2 train, view 3 test' },
  {
    dataset: 'utd-mhad', name: 'xsub', key: 'subject', train: [1, 3, 5, 7], test: [2, 4, 6, 8],
    source: 'UTD-MHAD (Chen et al., ICIP 2015): odd subjects train, even test',
  },
  {
    dataset: 'msr-action3d', name: 'xsub', key: 'subject', train: [1, 3, 5, 7, 9], test: [2, 4, 6, 8, 10],
    source: 'MSR Action3D (Li et al., CVPR-W 2010): odd subjects train, even test',
  },
];

/** The protocol of a dataset by name ('xsub' by default). */
export function getProtocol(dataset: DatasetName, name = dataset === 'nw-ucla' ? 'xview' : 'xsub'): TrainTestProtocol {
  const p = TRAIN_TEST_PROTOCOLS.find((q) => q.dataset === dataset && q.name === name);
  if (!p) {
    const names = TRAIN_TEST_PROTOCOLS.filter((q) => q.dataset === dataset).map((q) => q.name);
    throw new FsvaeInputError(`protocol '${name}' of ${dataset} is unknown; available: ${names.join(', ') || 'none (unknown dataset)'}.`);
  }
  return p;
}

export type ProtocolSideName = 'train' | 'test';
/** Train/test side of a sequence under a protocol. */
export type SideOf = (seq: SkeletonSequence) => ProtocolSideName;

function metaId(seq: SkeletonSequence, key: string, what: string): number {
  const v = seq.meta?.[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n)) {
    throw new FsvaeInputError(`${what}: sequence ${seq.id} has no integer meta.${key} (got ${JSON.stringify(v)}); `
      + `the reader must record the ${key} id to assign a train/test side.`);
  }
  return n;
}

/** Side from a registered protocol: reads seq.meta[protocol.key]. */
export function sideFromProtocol(protocol: TrainTestProtocol): SideOf {
  return (seq) => protocolSide(protocol, metaId(seq, protocol.key, `${protocol.dataset} ${protocol.name}`));
}

/**
 * Side from explicit id lists (e.g. the generated dataset's protocol
 * { trainSubjects, testSubjects }); ids in neither list are an error.
 */
export function sideFromIds(train: readonly number[], test: readonly number[], key = 'subject'): SideOf {
  const tr = new Set(train);
  const te = new Set(test);
  const both = [...tr].filter((x) => te.has(x));
  if (both.length) throw new FsvaeInputError(`sideFromIds: ${key} ids [${both.join(', ')}] are on both the train and the test side.`);
  return (seq) => {
    const id = metaId(seq, key, 'sideFromIds');
    if (tr.has(id)) return 'train';
    if (te.has(id)) return 'test';
    throw new FsvaeInputError(`sideFromIds: sequence ${seq.id} has ${key} ${id}, `
      + `in neither the train [${train.join(', ')}] nor the test [${test.join(', ')}] list.`);
  };
}

/** Which side of a protocol an id (subject/view/camera/setup) belongs to. */
export function protocolSide(protocol: TrainTestProtocol, id: number): 'train' | 'test' {
  if (protocol.train === null || protocol.test === null) {
    throw new FsvaeInputError(`${protocol.dataset} ${protocol.name}: the id lists are not known exactly here. ${protocol.note ?? ''}`.trim());
  }
  if (protocol.train.includes(id)) return 'train';
  if (protocol.test.includes(id)) return 'test';
  throw new FsvaeInputError(`${protocol.dataset} ${protocol.name}: ${protocol.key} ${id} is in neither the train nor the test list; check the file name.`);
}
