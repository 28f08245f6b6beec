/**
 * SA-DVAE's `resources.zip` (Li et al., ECCV 2024), placed under `<data>/sadvae/` by
 * `npx fsvae download sadvae-resources` (docs/sadvae-resources.md): the random-split protocol's
 * label splits and ST-GCN features. One split `<b>_split<i>` with k unseen of C classes:
 *
 *   label_splits/<b>_split<i>/               ru<k>.npy rs<C−k>.npy rv<k>_0.npy rs<C−2k>_0.npy (0-based)
 *   sk_feats/stgcn_<b>_split<i>_<k>_r/       SynSE layout, phase train (gtest_out.npy: ST-GCN logits)
 *   sk_feats/stgcn_<b>_split<i>_val_<k>_r/   SynSE layout, phase val
 *
 * The archive is the authority on its own splits: they are read from its files, and each names the
 * registered SMIE split with the same unseen classes when there is one.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { FsvaeInputError } from '../util/assert';
import { npyToLabels, readNpy } from './npy';
import { BenchmarkSplit, defineSplit, getSplit, RANDOM_SPLIT_BENCHMARKS } from './splits';

export type SadvaeBenchmark = 'ntu60' | 'ntu120' | 'pku51';

export interface SadvaeSplitRef {
  benchmark: SadvaeBenchmark;
  /** the archive's split number (NTU: 2..4, PKU-MMD: 1..3, as SA-DVAE's random-split script lists them) */
  index: number;
  classes: number;
  /** unseen classes */
  k: number;
  /** PKU-MMD's are required by the download check (Table 6); NTU's are checked when present */
  required: boolean;
}

/** Folder of the archive under the data root. */
export const SADVAE_FOLDER = 'sadvae';

/** The random splits SA-DVAE's `train_eval_average_random_split.sh` runs. */
export const SADVAE_RANDOM_SPLITS: readonly SadvaeSplitRef[] = [
  ...[1, 2, 3].map((index) => ({ benchmark: 'pku51' as const, index, classes: 51, k: 5, required: true })),
  ...[2, 3, 4].map((index) => ({ benchmark: 'ntu60' as const, index, classes: 60, k: 5, required: false })),
  ...[2, 3, 4].map((index) => ({ benchmark: 'ntu120' as const, index, classes: 120, k: 10, required: false })),
];

/** The archive's name of a split, e.g. 'pku51_split1'. */
export function sadvaeSplitId(ref: SadvaeSplitRef): string {
  return `${ref.benchmark}_split${ref.index}`;
}

/** The label-split folder and the two feature folders of a split under `dir` (= `<data>/sadvae`). */
export function sadvaePaths(dir: string, ref: SadvaeSplitRef): { labels: string; train: string; val: string } {
  const id = sadvaeSplitId(ref);
  return {
    labels: path.join(dir, 'label_splits', id),
    train: path.join(dir, 'sk_feats', `stgcn_${id}_${ref.k}_r`),
    val: path.join(dir, 'sk_feats', `stgcn_${id}_val_${ref.k}_r`),
  };
}

/** File names of the four label lists: unseen, seen; inside the seen classes pseudo-unseen and the rest. */
export function sadvaeLabelFiles(ref: SadvaeSplitRef): { ru: string; rs: string; rv: string; rs0: string } {
  const { classes: C, k } = ref;
  return { ru: `ru${k}.npy`, rs: `rs${C - k}.npy`, rv: `rv${k}_0.npy`, rs0: `rs${C - 2 * k}_0.npy` };
}

export interface LabelListProblem {
  /** file name inside the label-split folder */
  file: string;
  expected: string;
  got: string;
}

const sorted = (x: Iterable<number>) => [...x].sort((a, b) => a - b);

/** What is wrong with four label lists: ru and rs must partition 0..C−1, rv and rs0 must partition rs. */
export function labelListProblems(ref: SadvaeSplitRef, lists: Record<'ru' | 'rs' | 'rv' | 'rs0', readonly number[]>): LabelListProblem[] {
  const files = sadvaeLabelFiles(ref);
  const problems: LabelListProblem[] = [];
  const partition = (a: readonly number[], b: readonly number[], whole: readonly number[]) => {
    const w = new Set(whole);
    const u = new Set([...a, ...b]);
    return a.length + b.length === w.size && u.size === w.size && [...u].every((c) => w.has(c));
  };
  const all = Array.from({ length: ref.classes }, (_, c) => c);
  if (!partition(lists.ru, lists.rs, all)) {
    problems.push({ file: files.rs, expected: `the ${ref.classes - ref.k} classes not in ${files.ru}`, got: `classes ${sorted(lists.rs).join(', ')}` });
  }
  if (!partition(lists.rv, lists.rs0, lists.rs)) {
    problems.push({ file: files.rv, expected: `with ${files.rs0}, a partition of ${files.rs}`, got: `classes ${sorted(lists.rv).join(', ')}` });
  }
  return problems;
}

/** The registered SMIE split of the same benchmark with exactly these unseen classes, or null. */
export function registeredTwin(benchmark: SadvaeBenchmark, unseen: readonly number[]): string | null {
  const want = sorted(unseen).join(',');
  const names = RANDOM_SPLIT_BENCHMARKS.find((b) => b.dataset === benchmark)?.splits ?? [];
  return names.find((n) => getSplit(n).unseen.join(',') === want) ?? null;
}

/** Seen/unseen numbers of a benchmark's split name, e.g. '46/5'. */
const sizes = (ref: SadvaeSplitRef) => `${ref.classes - ref.k}/${ref.k}`;

/**
 * The split as the archive defines it: unseen classes from ru<k>.npy, the gate's pseudo-unseen
 * classes from rv<k>_0.npy. Named '<benchmark>-<seen/unseen>-sadvae<i>'; its source names the
 * registered SMIE split it equals, if any.
 */
export function readSadvaeSplit(dir: string, ref: SadvaeSplitRef): BenchmarkSplit {
  const { labels } = sadvaePaths(dir, ref);
  const files = sadvaeLabelFiles(ref);
  const lists = {} as Record<'ru' | 'rs' | 'rv' | 'rs0', number[]>;
  for (const key of ['ru', 'rs', 'rv', 'rs0'] as const) {
    const file = path.join(labels, files[key]);
    if (!fs.existsSync(file))
      throw new FsvaeInputError(
        `${file}: missing; SA-DVAE's split ${sadvaeSplitId(ref)} needs its four label files. Fetch them with: npx fsvae download sadvae-resources`,
      );
    lists[key] = Array.from(npyToLabels(readNpy(file), file));
  }
  const bad = labelListProblems(ref, lists);
  if (bad.length)
    throw new FsvaeInputError(
      `${path.join(labels, bad[0].file)}: expected ${bad[0].expected}, got ${bad[0].got}. Fetch the archive again (npx fsvae download sadvae-resources).`,
    );
  const twin = registeredTwin(ref.benchmark, lists.ru);
  const at = `SA-DVAE resources.zip label_splits/${sadvaeSplitId(ref)}`;
  return defineSplit({
    name: `${ref.benchmark}-${sizes(ref)}-sadvae${ref.index}`,
    dataset: ref.benchmark,
    unseen: lists.ru,
    source: `${at}/${files.ru} (${twin ? `= the registry's ${twin}` : 'no registered SMIE split has these unseen classes'})`,
    valUnseen: lists.rv,
    valSource: `${at}/${files.rv}`,
  });
}

/** The archive's split of a benchmark by index, with a message listing the known ones. */
export function sadvaeSplitRef(benchmark: string, index: number): SadvaeSplitRef {
  const ref = SADVAE_RANDOM_SPLITS.find((r) => r.benchmark === benchmark && r.index === index);
  if (!ref)
    throw new FsvaeInputError(`SA-DVAE split ${benchmark}_split${index} is unknown; the archive has ${SADVAE_RANDOM_SPLITS.map(sadvaeSplitId).join(', ')}.`);
  return ref;
}
