/**
 * PKU-MMD Part I splits and protocol: SMIE's random 46/5 splits (config.py split_7..9, PKU-51 in
 * alphabetical order; also the paper's Table 6 splits) with the random-split benchmark they form,
 * the cross-subject protocol entry, and the cross-subject sides by video id.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsvaeInputError } from '../../../util/assert';
import type { SkeletonSequence } from '../../skeleton';
import { RandomSplitBenchmark, SplitDef, TrainTestProtocol, smieSplits } from '../../dataset-types';

export const PKU51_SMIE_SPLITS: readonly SplitDef[] = smieSplits('pku51', '46/5', 7, 'PKU-MMD I, alphabetical pku51 order', [
  [1, 9, 20, 34, 50],
  [3, 14, 29, 31, 49],
  [2, 15, 39, 41, 43],
]);

export const PKU51_RANDOM_SPLITS: RandomSplitBenchmark = { dataset: 'pku51', label: 'PKU-MMD 46/5', splits: PKU51_SMIE_SPLITS.map((s) => s.name) };

export const PKU51_XSUB: TrainTestProtocol = {
  dataset: 'pku51',
  name: 'xsub',
  key: 'subject',
  train: null,
  test: null,
  source: 'PKU-MMD (Liu et al. 2017), Phase 1 cross-subject',
  note:
    'The official split is a list of video ids (cross-subject.txt in the PKU-MMD split files), reported as 57 training and 9 test performers; ' +
    'file names carry no performer id and the list is not embedded here. Use the official split file.',
};

export const PKU51_PROTOCOLS: readonly TrainTestProtocol[] = [PKU51_XSUB];

// ---------------------------------------------------------------------------------------------
// Cross-subject side
//
// PKU-MMD file names (NNNN-{L,M,R}.txt) carry no performer id; the official protocol is a list of
// video ids (Split/cross-subject.txt: "Training videos:" then "Validataion videos:", the upstream
// spelling). The side is therefore decided by video id (seq.meta.video), from an explicit list:
// the split file when present, else the caller's list, else PKU_MMD_XSUB_TEST_VIDEOS_DEFAULT (see
// there for what it is and how sure it is).

const VIDEO_ID = /^\d{4}-[LMR]$/;

/**
 * Default cross-subject TEST videos of PKU-MMD Part I: video numbers 0291..0334 in all three views
 * (132 of the 1076 videos). This is the "Validataion videos" list of the official
 * Split/cross-subject.txt as it appears verbatim in public preprocessing code (e.g. the PKU-MMD
 * v1 generator of ViewAdaptiveLSTM); it has not been checked here against the official file, which
 * is distributed with the dataset. When <pku-mmd>/Split/cross-subject.txt exists it is used
 * instead, and every result names the list it used.
 */
export const PKU_MMD_XSUB_TEST_VIDEOS_DEFAULT: readonly string[] = (() => {
  const out: string[] = [];
  for (let n = 291; n <= 334; n++) for (const v of ['L', 'M', 'R']) out.push(`${String(n).padStart(4, '0')}-${v}`);
  return out;
})();

export const PKU_MMD_XSUB_DEFAULT_SOURCE =
  'default list: test = videos 0291..0334 × {L,M,R} (132 videos), the validation list of the official Split/cross-subject.txt ' +
  'as reproduced in public preprocessing code; not verified against the official file here';

/** Which videos form each side of the cross-subject protocol, and where the lists came from. */
export interface PkuMmdCrossSubject {
  testVideos: string[];
  /** null: every video not in testVideos is on the train side. */
  trainVideos: string[] | null;
  source: string;
}

function checkVideoList(list: readonly string[], what: string): string[] {
  if (!Array.isArray(list) || list.length === 0) throw new FsvaeInputError(`${what}: the video list is empty; give PKU-MMD video ids like '0291-L'.`);
  const seen = new Set<string>();
  for (const v of list) {
    const s = typeof v === 'string' ? v.trim() : '';
    if (!VIDEO_ID.test(s)) throw new FsvaeInputError(`${what}: '${String(v)}' is not a PKU-MMD video id; ids look like '0291-L' (4 digits, view L/M/R).`);
    if (seen.has(s)) throw new FsvaeInputError(`${what}: video '${s}' is listed twice.`);
    seen.add(s);
  }
  return [...seen];
}

/**
 * Parses the official split file (Split/cross-subject.txt or cross-view.txt): a line
 * "Training videos:", a comma-separated list, a line "Validataion videos:" (upstream spelling;
 * "Validation" is accepted too), a comma-separated list. The validation list is the test side.
 */
export function parsePkuMmdSplitFile(text: string, source: string): { train: string[]; test: string[] } {
  const t = String(text).replace(/\r/g, '');
  const tr = t.search(/Training videos\s*:/i);
  const va = t.search(/Valid(?:at)?aion videos\s*:|Validation videos\s*:/i);
  if (tr < 0 || va < 0 || va < tr) {
    throw new FsvaeInputError(
      `${source}: not a PKU-MMD split file; expected a 'Training videos:' section followed by a 'Validataion videos:' section ` +
        '(Split/cross-subject.txt of the dataset).',
    );
  }
  const body = (s: string) =>
    s
      .slice(s.indexOf(':') + 1)
      .split(/[,\s]+/)
      .map((x) => x.trim())
      .filter((x) => x.length > 0);
  const train = checkVideoList(body(t.slice(tr, va)), `${source} (training videos)`);
  const test = checkVideoList(body(t.slice(va)), `${source} (validation videos)`);
  const both = test.filter((v) => train.includes(v));
  if (both.length) throw new FsvaeInputError(`${source}: videos [${both.slice(0, 5).join(', ')}] are on both sides.`);
  return { train, test };
}

/**
 * The cross-subject lists: an explicit `testVideos` list wins, then `splitFile`, then
 * <root>/Split/cross-subject.txt when it exists, else PKU_MMD_XSUB_TEST_VIDEOS_DEFAULT.
 */
export function pkuMmdCrossSubject(opts: { testVideos?: readonly string[]; splitFile?: string; root?: string } = {}): PkuMmdCrossSubject {
  if (opts.testVideos !== undefined) {
    return {
      testVideos: checkVideoList(opts.testVideos, 'pkuMmdCrossSubject(testVideos)'),
      trainVideos: null,
      source: `explicit list of ${opts.testVideos.length} test videos`,
    };
  }
  const file = opts.splitFile ?? (opts.root ? path.join(opts.root, 'Split', 'cross-subject.txt') : undefined);
  if (opts.splitFile !== undefined && !fs.existsSync(opts.splitFile)) {
    throw new FsvaeInputError(
      `${opts.splitFile}: split file not found; give the path of PKU-MMD's Split/cross-subject.txt, ` + 'or leave splitFile unset to use the default list.',
    );
  }
  if (file && fs.existsSync(file)) {
    const { train, test } = parsePkuMmdSplitFile(fs.readFileSync(file, 'utf8'), file);
    return { testVideos: test, trainVideos: train, source: `official split file ${file} (${train.length} training, ${test.length} test videos)` };
  }
  return { testVideos: [...PKU_MMD_XSUB_TEST_VIDEOS_DEFAULT], trainVideos: null, source: PKU_MMD_XSUB_DEFAULT_SOURCE };
}

/**
 * Cross-subject side of a PKU-MMD video id: 'test' when listed in `testVideos`; with
 * `trainVideos` given, 'train' only when listed there (a video in neither list is an error), else
 * every other video is 'train'.
 */
export function pkuMmdVideoSide(testVideos: readonly string[], trainVideos: readonly string[] | null = null): (video: string) => 'train' | 'test' {
  const te = new Set(checkVideoList(testVideos, 'pkuMmdSide(testVideos)'));
  const tr = trainVideos === null ? null : new Set(checkVideoList(trainVideos, 'pkuMmdSide(trainVideos)'));
  if (tr) {
    const both = [...te].filter((v) => tr.has(v));
    if (both.length) throw new FsvaeInputError(`pkuMmdSide: videos [${both.slice(0, 5).join(', ')}] are on both the train and the test side.`);
  }
  return (v: string) => {
    if (te.has(v)) return 'test';
    if (!tr || tr.has(v)) return 'train';
    throw new FsvaeInputError(`pkuMmdSide: video ${v} is in neither the training nor the test list of the split file; the file does not match these videos.`);
  };
}

/** The same side for a segment read by readPkuMmdFolder, from its seq.meta.video. */
export function pkuMmdSide(testVideos: readonly string[], trainVideos: readonly string[] | null = null): (seq: SkeletonSequence) => 'train' | 'test' {
  const sideOf = pkuMmdVideoSide(testVideos, trainVideos);
  return (seq: SkeletonSequence) => {
    const v = seq.meta?.video;
    if (typeof v !== 'string' || !VIDEO_ID.test(v)) {
      throw new FsvaeInputError(
        `pkuMmdSide: sequence ${seq.id} has no PKU-MMD video id in meta.video (got ${JSON.stringify(v)}); ` +
          'read the data with readPkuMmdFolder (lib/data/datasets/pku51), which records it.',
      );
    }
    return sideOf(v);
  };
}
