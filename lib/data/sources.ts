/**
 * The external data sets the project reads, where each one comes from, and how a copy on disk is
 * checked.
 *
 * Scripted sources are files in public GitHub repositories, pinned to a commit. Each file is
 * verified against a sha256 in data/checksums/<name>.json (paths there are relative to the data
 * root). GitHub serves a repository two ways, both used here:
 *   archive: https://codeload.github.com/<owner>/<repo>/tar.gz/<ref>   (one tar.gz, top folder
 *            `<repo>-<ref>/`)
 *   file:    https://raw.githubusercontent.com/<owner>/<repo>/<ref>/<path>
 * Drive sources (DRIVE_SOURCES) are files and folders shared on Google Drive, fetched by
 * lib/data/gdrive.ts; they have no pinned checksum, so `check` verifies their format and the
 * sha256 of what was fetched is recorded locally. Manual sources cannot be fetched by a script
 * (request forms). Their entry says where to get them and which layout to put under the data root,
 * and `check` verifies what is there by structure (and by checksum where one is known); the checks
 * of the raw-skeleton datasets live in their folders (datasets/<id>/check.ts), the .npy layout
 * checks here read headers only (npy.ts readNpyHeader).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsvaeInputError } from '../util/assert';
import { repoRoot } from './paths';
import { NpyHeader, npyItemSize, readNpyHeader, readNpyIntegers, readNpyLabels } from './npy';
import { getSplit } from './splits';
import { BadFile, SourceStatus, emptyStatus, finish, rel, sha256File } from './source-status';
import { NW_UCLA } from './datasets/nw-ucla';
import { UTD_MHAD } from './datasets/utd-mhad';
import { checkMsrAction3d } from './datasets/msr-action3d/check';
import { checkNtuSkeletons } from './datasets/ntu/check';
import { checkPkuMmd } from './datasets/pku51/check';
import { labelListProblems, registeredTwin, SADVAE_FOLDER, SADVAE_RANDOM_SPLITS, sadvaeLabelFiles, sadvaePaths, sadvaeSplitId, SadvaeSplitRef } from './sadvae';

export type { BadFile, SourceState, SourceStatus } from './source-status';
export { sha256File } from './source-status';
export { checkNtuSkeletonText } from './datasets/ntu/check';

// ---------------------------------------------------------------------------------------------
// Types

export interface GithubRepo {
  owner: string;
  name: string;
  /** a full commit hash where known, else a branch name. */
  ref: string;
  /** 'commit': `ref` is immutable; 'branch': only the checksums guarantee the content. */
  pinned: 'commit' | 'branch';
}

export interface SourcePart {
  repo: GithubRepo;
  /** folder inside the repository, '/'-terminated ('' for the root). */
  folder: string;
  /** folder under the data root that `folder` maps to, '/'-terminated. */
  target: string;
  /**
   * Explicit [local name under target, remote path under folder] pairs. Without it the part
   * owns every checksummed file under `target`, each at the same relative path under `folder`.
   */
  files?: Array<[string, string]>;
  /** 'archive': one tar.gz of the whole ref, only `folder` extracted; 'files': one request per file. */
  prefer: 'archive' | 'files';
  /** the same files elsewhere, tried in order when the primary answers 404 or a wrong checksum (file mode). */
  mirrors?: Array<{ repo: GithubRepo; folder: string; why: string }>;
  /** caveat shown by `--list --verbose` and in error messages. */
  note?: string;
}

export interface ChecksumEntry {
  sha256: string;
  /** size in bytes, when known (lets a wrong size fail before hashing, and sizes the progress bar). */
  bytes?: number;
}

export interface ChecksumManifest {
  source: string;
  algorithm: 'sha256';
  /** path relative to the data root -> checksum. */
  files: Record<string, ChecksumEntry>;
}

export interface DownloadSource {
  kind: 'download';
  name: string;
  title: string;
  /** where the files come from, in words (repository, folder, commit). */
  origin: string;
  /** main folder under the data root (what `locateData` callers ask for). */
  folder: string;
  parts: SourcePart[];
  /** inline checksums; when absent they are read from data/checksums/<name>.json. */
  manifest?: ChecksumManifest;
}

export interface ManualSource {
  kind: 'manual';
  name: string;
  title: string;
  /** main folder under the data root. */
  folder: string;
  /** where and how to obtain the data, one line each. */
  where: string[];
  /** the expected layout under the data root, one line each. */
  layout: string[];
  /** checks what the user placed under `root` (the data root). */
  check(root: string): Promise<SourceStatus>;
}

/**
 * A source shared on Google Drive (lib/data/gdrive.ts fetches it): a file, an archive whose
 * folder `member` goes to `target`, or a folder whose sub-folder `member` goes to `target`.
 * Drive files carry no pinned checksum: `check` verifies their format, and the sha256 of what was
 * fetched is recorded in a local manifest (FetchManifest) that `--verify` re-checks.
 */
export interface DriveSource {
  kind: 'gdrive';
  name: string;
  title: string;
  origin: string;
  folder: string;
  /**
   * `member`: the folder whose contents go to `target`; `keep` (when the archive's top folder is not
   * known): folders placed under `target` with their names, wherever they sit in the archive.
   */
  drive: { type: 'file' | 'folder'; id: string; member: string; keep?: readonly string[]; target: string };
  /** how to get it by hand (offline, or when Drive refuses), one line each. */
  where: string[];
  layout: string[];
  check(root: string): Promise<SourceStatus>;
}

export type DataSource = DownloadSource | ManualSource | DriveSource;

/** What a Drive download placed: the sha256 of every file (paths relative to the data root). */
export interface FetchManifest {
  source: string;
  drive: { type: 'file' | 'folder'; id: string };
  fetchedAt: string;
  archive?: ChecksumEntry;
  files: Record<string, ChecksumEntry>;
}

/** <data root>/.manifests/<source>.json */
export function fetchManifestPath(root: string, source: string): string {
  return path.join(root, '.manifests', `${source}.json`);
}

/**
 * Re-checks the files a Drive download recorded: each must exist with the recorded size and
 * (with `hash`) sha256. Returns null when there is no manifest (placed by hand).
 */
export async function verifyFetchManifest(
  root: string,
  source: string,
  hash = true,
): Promise<{ fetchedAt: string; good: number; bad: BadFile[]; missing: string[] } | null> {
  const file = fetchManifestPath(root, source);
  if (!fs.existsSync(file)) return null;
  let m: FetchManifest;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8')) as FetchManifest;
    if (!m || typeof m.files !== 'object') throw new Error('no files');
  } catch (e) {
    return { fetchedAt: '?', good: 0, bad: [{ path: rel(root, file), expected: 'a download manifest (JSON)', got: (e as Error).message }], missing: [] };
  }
  const out = { fetchedAt: m.fetchedAt, good: 0, bad: [] as BadFile[], missing: [] as string[] };
  for (const [r, e] of Object.entries(m.files)) {
    const p = path.join(root, r);
    if (!fs.existsSync(p)) {
      out.missing.push(r);
      continue;
    }
    const size = fs.statSync(p).size;
    if (size !== e.bytes) out.bad.push({ path: r, expected: `${e.bytes} bytes as fetched on ${m.fetchedAt}`, got: `${size} bytes` });
    else if (hash && (await sha256File(p)) !== e.sha256)
      out.bad.push({
        path: r,
        expected: `sha256 ${e.sha256} as fetched on ${m.fetchedAt}`,
        got: 'other bytes',
      });
    else out.good++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// URLs

export const GITHUB_RAW = 'https://raw.githubusercontent.com';
export const GITHUB_CODELOAD = 'https://codeload.github.com';

function encodePath(p: string): string {
  return p
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

/**
 * URL of one file of a repository at `repo.ref`. With `base` (a mirror or a test server) the URL
 * is `<base>/raw/<owner>/<repo>/<ref>/<path>` instead, the same path layout as GitHub's.
 */
export function rawFileUrl(repo: GithubRepo, pathInRepo: string, base?: string): string {
  const root = base ? `${base.replace(/\/+$/, '')}/raw` : GITHUB_RAW;
  return `${root}/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}/${encodePath(repo.ref)}/${encodePath(pathInRepo)}`;
}

/** URL of the tar.gz of a repository at `repo.ref` (`<base>/codeload/...` with a base). */
export function archiveUrl(repo: GithubRepo, base?: string): string {
  const root = base ? `${base.replace(/\/+$/, '')}/codeload` : GITHUB_CODELOAD;
  return `${root}/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}/tar.gz/${encodePath(repo.ref)}`;
}

// ---------------------------------------------------------------------------------------------
// Checksums

/** data/checksums in the repository. */
export function checksumDir(): string {
  return path.join(repoRoot(), 'data', 'checksums');
}

const SHA256_RE = /^[0-9a-f]{64}$/;

/** Validates a parsed checksum file; `what` names it in errors. */
export function validateManifest(m: unknown, what: string): ChecksumManifest {
  const o = m as Partial<ChecksumManifest> | null;
  if (!o || typeof o !== 'object' || typeof o.files !== 'object' || o.files === null) {
    throw new FsvaeInputError(`${what}: not a checksum list (expected {"source", "algorithm": "sha256", "files": {path: {sha256, bytes}}}).`);
  }
  if (o.algorithm !== 'sha256') throw new FsvaeInputError(`${what}: algorithm is ${String(o.algorithm)}, only sha256 is supported.`);
  for (const [p, e] of Object.entries(o.files)) {
    if (!e || typeof e.sha256 !== 'string' || !SHA256_RE.test(e.sha256)) {
      throw new FsvaeInputError(`${what}: entry '${p}' has no valid lower-case hex sha256.`);
    }
    if (e.bytes !== undefined && (!Number.isInteger(e.bytes) || e.bytes < 0)) {
      throw new FsvaeInputError(`${what}: entry '${p}' has bytes=${String(e.bytes)}; expected a non-negative integer.`);
    }
    if (p.startsWith('/') || p.split('/').includes('..') || p.includes('\\')) {
      throw new FsvaeInputError(`${what}: entry '${p}' must be a relative '/'-separated path inside the data root.`);
    }
  }
  return { source: String(o.source ?? ''), algorithm: 'sha256', files: o.files as Record<string, ChecksumEntry> };
}

/** The pinned checksums of a scripted source (inline, or data/checksums/<name>.json). */
export function loadManifest(source: DownloadSource, dir = checksumDir()): ChecksumManifest {
  if (source.manifest) return validateManifest(source.manifest, `checksums of '${source.name}'`);
  const file = path.join(dir, `${source.name}.json`);
  if (!fs.existsSync(file)) {
    throw new FsvaeInputError(`checksum list ${file} is missing; it is part of the repository (restore it with git checkout data/checksums).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FsvaeInputError(`${file}: invalid JSON (${(e as Error).message}).`);
  }
  return validateManifest(parsed, file);
}

/**
 * Which part of a source owns each checksummed file, and the file's path in that part's
 * repository. Throws when a file is owned by no part or by two.
 */
export function planFiles(source: DownloadSource, manifest: ChecksumManifest): Map<string, { part: SourcePart; remote: string }> {
  const plan = new Map<string, { part: SourcePart; remote: string }>();
  for (const local of Object.keys(manifest.files)) {
    const owners: Array<{ part: SourcePart; remote: string }> = [];
    for (const part of source.parts) {
      if (!local.startsWith(part.target)) continue;
      const rel = local.slice(part.target.length);
      if (part.files) {
        const hit = part.files.find(([l]) => l === rel);
        if (hit) owners.push({ part, remote: part.folder + hit[1] });
      } else owners.push({ part, remote: part.folder + rel });
    }
    if (owners.length !== 1) {
      throw new FsvaeInputError(
        `source '${source.name}': checksummed file '${local}' belongs to ${owners.length} parts; every file must belong to exactly one ` +
          `(fix lib/data/sources.ts or data/checksums/${source.name}.json).`,
      );
    }
    plan.set(local, owners[0]);
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Scripted sources

const CTRGCN: GithubRepo = { owner: 'zjyyjz556', name: 'ctrgcn', ref: '99850735b2e33cb69cd760fdd7590ce03f93f4ea', pinned: 'commit' };
const KINECT_SEQ: GithubRepo = {
  owner: 'woo-chia-wei',
  name: 'kinect-sequence-classification',
  ref: '01acda3a824f852847f826a736d847bed7d1ff5d',
  pinned: 'commit',
};
const MSF: GithubRepo = { owner: 'EHZ9NIWI7', name: 'MSF-GZSSAR', ref: '14f9f5b16f1818e8e36267d06a19f640d16ccb01', pinned: 'commit' };
const FSVAE: GithubRepo = { owner: 'wenhanwu95', name: 'FS-VAE', ref: '25e7bbebce651b1d14d35a616a169ac83e56c485', pinned: 'commit' };
const PURLS: GithubRepo = { owner: 'azzh1', name: 'PURLS', ref: 'fbede19a602a4f63af1530a5c63a5d2240b2af7f', pinned: 'commit' };
const LEVELCA: GithubRepo = {
  owner: 'LevelCA',
  name: 'NTU-RGB-D-skeleton-dataset-visualization',
  ref: '9add5ac9286cc2825e5cd55d3e58f24bbd7ca0eb',
  pinned: 'commit',
};
const SYNSE: GithubRepo = { owner: 'skelemoa', name: 'synse-zsl', ref: '5dd86ac0c09b95ecf6359f135e8fafa27464bc6f', pinned: 'commit' };

export const DOWNLOAD_SOURCES: DownloadSource[] = [
  {
    kind: 'download',
    name: 'nw-ucla',
    title: 'NW-UCLA Multiview Action3D skeletons (1484 JSON sequences, 10 classes, 3 views)',
    origin: 'GitHub zjyyjz556/ctrgcn, data/NW-UCLA/all_sqe/ at commit 9985073',
    folder: NW_UCLA.folder,
    parts: [{ repo: CTRGCN, folder: 'data/NW-UCLA/all_sqe/', target: `${NW_UCLA.folder}/`, prefer: 'archive' }],
  },
  {
    kind: 'download',
    name: 'utd-mhad',
    title: 'UTD-MHAD Kinect skeletons (861 .mat sequences, 27 classes) and the joint order',
    origin: 'GitHub woo-chia-wei/kinect-sequence-classification, data/Skeleton/ at commit 01acda3',
    folder: UTD_MHAD.folder,
    parts: [
      {
        repo: KINECT_SEQ,
        folder: 'data/Skeleton/',
        target: `${UTD_MHAD.folder}/`,
        // the repository also holds the depth maps and inertial data; its archive is far larger
        // than the 15 MB of skeletons, so the files are fetched one by one.
        prefer: 'files',
      },
    ],
  },
  {
    kind: 'download',
    name: 'ntu-text-features',
    title: 'CLIP ViT-B/32 and ViT-B/16 text features of the NTU-60/120 labels and descriptions (MSF-GZSSAR), with the CSVs',
    origin: 'GitHub EHZ9NIWI7/MSF-GZSSAR, text_feats/ViT-B/{32,16}/ and sem_info/ at commit 14f9f5b',
    folder: 'msf-text',
    parts: [{ repo: MSF, folder: '', target: 'msf-text/', prefer: 'files' }],
  },
  {
    kind: 'download',
    name: 'ntu-splits',
    title: 'seen/unseen class splits of NTU-60/120 (55/5, 48/12, 110/10, 96/24 and the gate pseudo splits)',
    origin: 'GitHub wenhanwu95/FS-VAE, label_splits/ at commit 25e7bbe (identical blobs in MSF-GZSSAR label_splits/)',
    folder: 'label-splits/ntu',
    parts: [
      {
        repo: FSVAE,
        folder: 'label_splits/',
        target: 'label-splits/ntu/',
        prefer: 'files',
        mirrors: [{ repo: MSF, folder: 'label_splits/', why: 'MSF-GZSSAR ships byte-identical split files' }],
      },
    ],
  },
  {
    kind: 'download',
    name: 'ucla-utd-splits',
    title: 'zero-shot class splits of NW-UCLA (ru5, ru2) and UTD-MHAD (ru5, ru9, ru13) with their seen complements',
    origin: 'GitHub azzh1/PURLS, supplements/label_splits/{nw-ucla,utd-mhad}/ at commit fbede19',
    folder: 'label-splits',
    parts: [
      { repo: PURLS, folder: 'supplements/label_splits/nw-ucla/', target: 'label-splits/nw-ucla/', prefer: 'files' },
      { repo: PURLS, folder: 'supplements/label_splits/utd-mhad/', target: 'label-splits/utd-mhad/', prefer: 'files' },
    ],
  },
  {
    kind: 'download',
    name: 'ntu-samples',
    title: '5 genuine NTU RGB+D .skeleton files and the official missing-skeleton lists of NTU-60 (302) and NTU-120 (535)',
    origin: "GitHub LevelCA/NTU-RGB-D-skeleton-dataset-visualization 'dataset sample/' at commit 9add5ac; zjyyjz556/ctrgcn at commit 9985073",
    folder: 'ntu-samples',
    parts: [
      {
        repo: LEVELCA,
        folder: 'dataset sample/',
        target: 'ntu-samples/',
        prefer: 'files',
        files: [
          ['S001C003P008R002A058.skeleton', 'S001C003P008R002A058.skeleton'],
          ['S002C001P003R001A003.skeleton', 'S002C001P003R001A003.skeleton'],
          ['S003C001P015R001A034.skeleton', 'S003C001P015R001A034.skeleton'],
          ['S004C002P003R001A017.skeleton', 'S004C002P003R001A017.skeleton'],
        ],
      },
      {
        repo: CTRGCN,
        folder: 'data/',
        target: 'ntu-samples/',
        prefer: 'files',
        files: [
          ['S001C001P001R001A011.skeleton', 'nturgbd_raw/nturgb+d_skeletons/S001C001P001R001A011.skeleton'],
          ['samples_with_missing_skeletons.txt', 'ntu/statistics/samples_with_missing_skeletons.txt'],
          ['NTU_RGBD120_samples_with_missing_skeletons.txt', 'ntu120/statistics/NTU_RGBD120_samples_with_missing_skeletons.txt'],
        ],
        note:
          'the folder of these three files inside zjyyjz556/ctrgcn follows the CTR-GCN layout and could not be confirmed offline; ' +
          'if it answers 404, the lists are also published (with a few header lines to delete) as Matlab/NTU_RGBD_samples_with_missing_skeletons.txt ' +
          'and Matlab/NTU_RGBD120_samples_with_missing_skeletons.txt in GitHub shahroudy/NTURGB-D; ' +
          "place them under ntu-samples/ and run 'fsvae download --verify ntu-samples'",
      },
    ],
  },
  {
    kind: 'download',
    name: 'synse-language',
    title: 'SynSE language data: NTU-120 class names, verb/noun word2vec and BERT embeddings',
    origin: 'GitHub skelemoa/synse-zsl, language_data/ at commit 5dd86ac',
    folder: 'synse-language',
    parts: [{ repo: SYNSE, folder: 'language_data/', target: 'synse-language/', prefer: 'files' }],
  },
];

// ---------------------------------------------------------------------------------------------
// Manual sources

interface NpySpec {
  file: string;
  /** 'f4' float32 features, 'int' any integer labels. */
  dtype: 'f4' | 'int';
  /** dims; a string names a dimension that must agree across the folder's files. */
  shape: Array<number | string>;
  optional?: boolean;
}

/** Checks the .npy files of one folder against `specs`; returns bad entries and the dims found. */
function checkNpyFolder(
  root: string,
  dir: string,
  specs: NpySpec[],
  labelRange?: { files: string[]; max: number },
): { bad: BadFile[]; missing: string[]; dims: Record<string, number>; present: number } {
  const bad: BadFile[] = [];
  const missing: string[] = [];
  const dims: Record<string, number> = {};
  const dimOwner: Record<string, string> = {};
  let present = 0;
  for (const spec of specs) {
    const p = path.join(dir, spec.file);
    if (!fs.existsSync(p)) {
      if (!spec.optional) missing.push(rel(root, p));
      continue;
    }
    present++;
    let h: NpyHeader;
    try {
      h = readNpyHeader(p);
    } catch (e) {
      bad.push({ path: rel(root, p), expected: '.npy file', got: (e as Error).message });
      continue;
    }
    const kind = h.descr.replace(/^[<>|=]/, '');
    const dtypeOk = spec.dtype === 'f4' ? h.descr === '<f4' || h.descr === '=f4' : /^[iu]\d$/.test(kind);
    if (!dtypeOk) {
      bad.push({ path: rel(root, p), expected: spec.dtype === 'f4' ? 'float32 (<f4)' : 'an integer dtype', got: h.descr });
      continue;
    }
    if (h.shape.length !== spec.shape.length) {
      bad.push({ path: rel(root, p), expected: `${spec.shape.length}-D (${spec.shape.join(', ')})`, got: `shape (${h.shape.join(', ')})` });
      continue;
    }
    let ok = true;
    spec.shape.forEach((d, i) => {
      if (!ok) return;
      if (typeof d === 'number') {
        if (h.shape[i] !== d) {
          bad.push({ path: rel(root, p), expected: `dim ${i} = ${d}`, got: `shape (${h.shape.join(', ')})` });
          ok = false;
        }
      } else if (dims[d] === undefined) {
        dims[d] = h.shape[i];
        dimOwner[d] = spec.file;
      } else if (dims[d] !== h.shape[i]) {
        bad.push({ path: rel(root, p), expected: `dim ${i} = ${dims[d]} (as in ${dimOwner[d]})`, got: `shape (${h.shape.join(', ')})` });
        ok = false;
      }
    });
    if (!ok) continue;
    const size = npyItemSize(h.descr);
    const need = h.dataOffset + h.shape.reduce((a, b) => a * b, 1) * size;
    const have = fs.statSync(p).size;
    if (have < need) {
      bad.push({ path: rel(root, p), expected: `${need} bytes for shape (${h.shape.join(', ')})`, got: `${have} bytes (truncated)` });
      continue;
    }
    if (labelRange?.files.includes(spec.file)) {
      const v = readNpyIntegers(p, h);
      const out = v.find((x) => x < 0 || x >= labelRange.max);
      if (out !== undefined) bad.push({ path: rel(root, p), expected: `class indices in [0, ${labelRange.max})`, got: `value ${out}` });
    }
  }
  return { bad, missing, dims, present };
}

const SHIFT_SPLITS: Array<{ ss: number; classes: number; known: Record<string, Record<string, number>> }> = [
  // row counts reported in MSF-GZSSAR/FS-VAE data_cnn60.py and gating_train.py comments and SynSE issues #7, #9, #15
  { ss: 5, classes: 60, known: { shift_val: { train: 31216, ztest: 1367, val: 2000 } } },
  { ss: 12, classes: 60, known: { shift_val: { ztest: 3284, val: 1440 } } },
  { ss: 10, classes: 120, known: { shift: { gtest: 50906 }, shift_val: { ztest: 4821, val: 3240 } } },
  { ss: 24, classes: 120, known: { shift_val: { val: 7200 } } },
];

const SHIFT_SPLIT_NAMES: Record<number, string> = { 5: 'ntu60-55/5', 12: 'ntu60-48/12', 10: 'ntu120-110/10', 24: 'ntu120-96/24' };

/**
 * The class structure of one feature folder against the split registry: shift_{ss}_r holds
 * exactly the split's unseen classes in ztest and all its seen classes (no unseen one) in train;
 * shift_val_{ss}_r splits seen classes only, with disjoint train / ztest classes and val drawn
 * from the train classes.
 */
function checkShiftClasses(root: string, dir: string, kind: 'shift' | 'shift_val', ss: number, classes: number): BadFile[] {
  const split = getSplit(SHIFT_SPLIT_NAMES[ss]);
  const unseen = new Set(split.unseen);
  const setOf = (f: string): Set<number> => new Set(readNpyLabels(path.join(dir, f)));
  const list = (x: Iterable<number>): string => {
    const a = [...x].sort((p, q) => p - q);
    return a.length > 14 ? `${a.slice(0, 12).join(', ')}, … (${a.length} classes)` : `${a.join(', ')} (${a.length} classes)`;
  };
  const bad: BadFile[] = [];
  const at = (f: string): string => rel(root, path.join(dir, f));
  const train = setOf('train_label.npy');
  const z = setOf('z_label.npy');
  if (kind === 'shift') {
    if (z.size !== unseen.size || [...z].some((c) => !unseen.has(c)))
      bad.push({
        path: at('z_label.npy'),
        expected: `the unseen classes of ${split.name}: ${list(unseen)}`,
        got: list(z),
      });
    const leaked = [...train].filter((c) => unseen.has(c));
    if (leaked.length > 0) bad.push({ path: at('train_label.npy'), expected: `seen classes of ${split.name} only`, got: `unseen classes ${list(leaked)}` });
    else if (train.size !== classes - ss)
      bad.push({
        path: at('train_label.npy'),
        expected: `all ${classes - ss} seen classes of ${split.name}`,
        got: list(train),
      });
  } else {
    const inUnseen = [...train, ...z].filter((c) => unseen.has(c));
    if (inUnseen.length > 0)
      bad.push({
        path: at('z_label.npy'),
        expected: `seen classes of ${split.name} only (the pseudo split lies inside them)`,
        got: `unseen classes ${list(new Set(inUnseen))}`,
      });
    const both = [...z].filter((c) => train.has(c));
    if (both.length > 0) bad.push({ path: at('z_label.npy'), expected: 'classes disjoint from train_label.npy', got: `shared classes ${list(both)}` });
    const v = setOf('val_label.npy');
    const stray = [...v].filter((c) => !train.has(c));
    if (stray.length > 0)
      bad.push({
        path: at('val_label.npy'),
        expected: 'classes of train_label.npy (held-out samples of the val-seen classes)',
        got: `other classes ${list(stray)}`,
      });
  }
  return bad;
}

async function checkShiftFeatures(root: string): Promise<SourceStatus> {
  const s = emptyStatus('synse-shift-features');
  let anyFound = false;
  for (const { ss, classes, known } of SHIFT_SPLITS) {
    const main: NpySpec[] = [
      { file: 'train.npy', dtype: 'f4', shape: ['ntr', 256] },
      { file: 'train_label.npy', dtype: 'int', shape: ['ntr'] },
      { file: 'ztest.npy', dtype: 'f4', shape: ['nz', 256] },
      { file: 'z_label.npy', dtype: 'int', shape: ['nz'] },
      { file: 'gtest.npy', dtype: 'f4', shape: ['ng', 256] },
      { file: 'g_label.npy', dtype: 'int', shape: ['ng'] },
      { file: 'gtest_out.npy', dtype: 'f4', shape: ['ng', classes] },
      { file: 'ztest_out.npy', dtype: 'f4', shape: ['nz', classes], optional: true },
    ];
    const val: NpySpec[] = [
      { file: 'train.npy', dtype: 'f4', shape: ['ntr', 256] },
      { file: 'train_label.npy', dtype: 'int', shape: ['ntr'] },
      { file: 'ztest.npy', dtype: 'f4', shape: ['nz', 256] },
      { file: 'z_label.npy', dtype: 'int', shape: ['nz'] },
      { file: 'val.npy', dtype: 'f4', shape: ['nv', 256] },
      { file: 'val_label.npy', dtype: 'int', shape: ['nv'] },
      { file: 'ztest_out.npy', dtype: 'f4', shape: ['nz', classes] },
      { file: 'val_out.npy', dtype: 'f4', shape: ['nv', classes] },
    ];
    for (const [kind, specs, labels] of [
      ['shift', main, ['train_label.npy', 'z_label.npy', 'g_label.npy']],
      ['shift_val', val, ['train_label.npy', 'z_label.npy', 'val_label.npy']],
    ] as const) {
      const dir = path.join(root, 'sk_feats', `${kind}_${ss}_r`);
      const required = specs.filter((x) => !x.optional).length;
      s.total += required;
      if (!fs.existsSync(dir)) {
        s.missing.push(`${rel(root, dir)}/`);
        continue;
      }
      anyFound = true;
      const r = checkNpyFolder(root, dir, [...specs], { files: [...labels], max: classes });
      if (r.bad.length === 0 && r.missing.length === 0) r.bad.push(...checkShiftClasses(root, dir, kind, ss, classes));
      s.bad.push(...r.bad);
      s.missing.push(...r.missing);
      const badRequired = new Set(r.bad.map((b) => path.posix.basename(b.path)).filter((n) => specs.some((x) => x.file === n && !x.optional)));
      s.good += required - r.missing.length - badRequired.size;
      const rows: Record<string, string> = { train: 'ntr', ztest: 'nz', gtest: 'ng', val: 'nv' };
      for (const [what, n] of Object.entries(known[kind] ?? {})) {
        const got = r.dims[rows[what]];
        if (got !== undefined && got !== n) {
          s.notes.push(`${rel(root, dir)}/${what}.npy has ${got} rows; the authors' code comments/issues report ${n} (different features?)`);
        }
      }
      if (r.bad.length === 0 && r.missing.length === 0)
        s.notes.push(
          `${rel(root, dir)}: ok (${Object.entries(r.dims)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')})`,
        );
    }
  }
  return finish(s, anyFound);
}

async function checkFsvaeText(root: string): Promise<SourceStatus> {
  const s = emptyStatus('fsvae-text-features');
  const dir = path.join(root, 'fsvae-text', 'text_feats', 'ViT-B', '32');
  const specs: NpySpec[] = [];
  for (const m of ['lb', 'ad', 'md']) for (const c of [60, 120]) specs.push({ file: `${m}_${c}.npy`, dtype: 'f4', shape: [c, 512] });
  s.total = specs.length;
  if (!fs.existsSync(dir)) {
    s.missing.push(`${rel(root, dir)}/`);
    return finish(s);
  }
  const r = checkNpyFolder(root, dir, specs);
  s.bad.push(...r.bad);
  s.missing.push(...r.missing);
  s.good = r.present - r.bad.length;
  return finish(s, true);
}

/**
 * One random split of SA-DVAE's archive (lib/data/sadvae.ts): its four label-split files (unseen ru,
 * seen rs; inside the seen classes the pseudo-unseen rv…_0 and the rest rs…_0) partition the
 * classes, and its two ST-GCN feature folders hold exactly those classes where SA-DVAE's loader
 * reads them. Phase train has `gtest_out.npy`, the ST-GCN logits SA-DVAE's gating_eval.py reads.
 */
function checkSadvaeSplit(root: string, dir: string, ref: SadvaeSplitRef, s: SourceStatus): void {
  const { classes: C, k } = ref;
  const { labels, train: main, val } = sadvaePaths(dir, ref);
  const names = sadvaeLabelFiles(ref);
  const splitFiles: NpySpec[] = [
    { file: names.ru, dtype: 'int', shape: [k] },
    { file: names.rs, dtype: 'int', shape: [C - k] },
    { file: names.rv, dtype: 'int', shape: [k] },
    { file: names.rs0, dtype: 'int', shape: [C - 2 * k] },
  ];
  // a feature set (rows × d, float32) and its labels (rows)
  const features = (x: string): NpySpec => ({ file: `${x}.npy`, dtype: 'f4', shape: [`n_${x}`, 'd'] });
  const labelsOf = (file: string, x: string): NpySpec => ({ file, dtype: 'int', shape: [`n_${x}`] });
  const mainFiles: NpySpec[] = [
    features('train'),
    labelsOf('train_label.npy', 'train'),
    features('ztest'),
    labelsOf('z_label.npy', 'ztest'),
    features('gtest'),
    labelsOf('g_label.npy', 'gtest'),
    { file: 'gtest_out.npy', dtype: 'f4', shape: ['n_gtest', C] },
  ];
  const valFiles: NpySpec[] = [
    features('train'),
    labelsOf('train_label.npy', 'train'),
    features('ztest'),
    labelsOf('z_label.npy', 'ztest'),
    features('val'),
    labelsOf('val_label.npy', 'val'),
    { file: 'ztest_out.npy', dtype: 'f4', shape: ['n_ztest', C] },
    { file: 'val_out.npy', dtype: 'f4', shape: ['n_val', C] },
  ];
  const range = (files: string[]) => ({ files, max: C });
  const results = [
    checkNpyFolder(root, labels, splitFiles, range(splitFiles.map((x) => x.file))),
    checkNpyFolder(root, main, mainFiles, range(['train_label.npy', 'z_label.npy', 'g_label.npy'])),
    checkNpyFolder(root, val, valFiles, range(['train_label.npy', 'z_label.npy', 'val_label.npy'])),
  ];
  s.total += splitFiles.length + mainFiles.length + valFiles.length;
  for (const r of results) {
    s.bad.push(...r.bad);
    s.missing.push(...r.missing);
    s.good += r.present - r.bad.length;
  }
  if (results.some((r) => r.bad.length > 0 || r.missing.length > 0)) return;
  const classesOf = (d: string, f: string) => new Set(readNpyLabels(path.join(d, f)));
  const list = (x: Iterable<number>) => [...x].sort((a, b) => a - b).join(', ');
  const same = (a: Set<number>, b: Set<number>) => a.size === b.size && [...a].every((c) => b.has(c));
  const [ru, rs, rv, rs0] = splitFiles.map((f) => classesOf(labels, f.file));
  const at = (d: string, f: string) => rel(root, path.join(d, f));
  for (const p of labelListProblems(ref, { ru: [...ru], rs: [...rs], rv: [...rv], rs0: [...rs0] })) {
    s.bad.push({ path: at(labels, p.file), expected: p.expected, got: p.got });
  }
  const expect = (d: string, f: string, want: Set<number>, what: string, subset = false) => {
    const got = classesOf(d, f);
    if (subset ? [...got].some((c) => !want.has(c)) : !same(got, want)) {
      s.bad.push({ path: at(d, f), expected: `${subset ? 'classes among' : 'exactly'} ${what}: ${list(want)}`, got: `classes ${list(got)}` });
    }
  };
  expect(main, 'z_label.npy', ru, `the unseen classes (${names.ru})`);
  expect(main, 'train_label.npy', rs, `the seen classes (${names.rs})`);
  expect(val, 'z_label.npy', rv, `the pseudo-unseen classes (${names.rv})`);
  expect(val, 'train_label.npy', rs0, `the classes left seen (${names.rs0})`);
  expect(val, 'val_label.npy', rs0, `the classes left seen (${names.rs0})`, true);
  // the registry's SMIE splits: is this one of them? (SA-DVAE's archive is the authority on its own splits)
  const twin = registeredTwin(ref.benchmark, [...ru]);
  s.notes.push(`${sadvaeSplitId(ref)}: ok (unseen ${list(ru)}; ${twin ? `the registry's ${twin}` : 'no registered SMIE split has these unseen classes'})`);
}

async function checkSadvaeResources(root: string): Promise<SourceStatus> {
  const s = emptyStatus('sadvae-resources');
  const dir = path.join(root, SADVAE_FOLDER);
  let anyFound = false;
  for (const sp of SADVAE_RANDOM_SPLITS) {
    const where = sadvaePaths(dir, sp);
    const present = fs.existsSync(where.labels) || fs.existsSync(where.train);
    if (!present && !sp.required) {
      s.notes.push(`${sadvaeSplitId(sp)}: not in this copy (optional)`);
      continue;
    }
    anyFound ||= present;
    checkSadvaeSplit(root, dir, sp, s);
  }
  return finish(s, anyFound);
}

/** Sources shared on Google Drive: fetched by `fsvae download NAME`, or placed by hand as `where` says. */
export const DRIVE_SOURCES: DriveSource[] = [
  {
    kind: 'gdrive',
    name: 'synse-shift-features',
    title: 'Shift-GCN features of NTU-60/120 used by SynSE, MSF-GZSSAR and FS-VAE (all published FS-VAE numbers)',
    origin: 'Google Drive file 167xoVJQ684XU1uFhSKD6j9nAwHsnmEky (SynSE "synse_resources" archive); its ntu_results/ folder becomes sk_feats/',
    folder: 'sk_feats',
    drive: { type: 'file', id: '167xoVJQ684XU1uFhSKD6j9nAwHsnmEky', member: 'ntu_results', target: 'sk_feats/' },
    where: [
      'Google Drive (SynSE "synse_resources" archive): https://drive.google.com/file/d/167xoVJQ684XU1uFhSKD6j9nAwHsnmEky',
      'Unpack it and move (or link) its folder synse_resources/ntu_results to <data root>/sk_feats',
      '(MSF-GZSSAR and FS-VAE ask for the same rename: ntu_results -> sk_feats).',
    ],
    layout: [
      'sk_feats/shift_{5,12,10,24}_r/      train.npy (N,256) float32, train_label.npy, ztest.npy, z_label.npy, gtest.npy, g_label.npy, ' +
        'gtest_out.npy (N,60|120) [ztest_out.npy]',
      'sk_feats/shift_val_{5,12,10,24}_r/  train.npy, train_label.npy, ztest.npy, z_label.npy, val.npy, val_label.npy, ztest_out.npy, val_out.npy',
      '5 and 12 are NTU-60 splits (55/5, 48/12); 10 and 24 are NTU-120 splits (110/10, 96/24). Labels are 0-based class indices.',
    ],
    check: checkShiftFeatures,
  },
  {
    kind: 'gdrive',
    name: 'fsvae-text-features',
    title: 'FS-VAE semantic features (label / global / local description, CLIP ViT-B/32), released by the FS-VAE authors',
    origin: 'Google Drive folder 1dk0SiivOw3Hk8zhK4GgxjohMPWGsdPyY (linked from the FS-VAE README); its text_feats/ folder becomes fsvae-text/text_feats/',
    folder: 'fsvae-text',
    drive: { type: 'folder', id: '1dk0SiivOw3Hk8zhK4GgxjohMPWGsdPyY', member: 'text_feats', target: 'fsvae-text/text_feats/' },
    where: [
      'Google Drive folder linked from the FS-VAE README: https://drive.google.com/drive/folders/1dk0SiivOw3Hk8zhK4GgxjohMPWGsdPyY',
      'Download its text_feats folder and put it under <data root>/fsvae-text/',
      "(without it, 'ntu-text-features' gives MSF-GZSSAR's features, which lack FS-VAE's rewritten global descriptions).",
    ],
    layout: ['fsvae-text/text_feats/ViT-B/32/{lb,ad,md}_{60,120}.npy   float32 (60|120, 512)'],
    check: checkFsvaeText,
  },
  {
    kind: 'gdrive',
    name: 'sadvae-resources',
    title: 'SA-DVAE pre-extracted ST-GCN features and label splits of the random-split protocol (PKU-MMD 46/5: Table 6; NTU-60 55/5, NTU-120 110/10)',
    origin: 'Google Drive file 1XWLXjI3o6J1WDAN3rTGUIhbbMsIT0zWz (SA-DVAE "resources.zip"); its label_splits/, sk_feats/ and text_feats/ go to sadvae/',
    folder: 'sadvae',
    drive: { type: 'file', id: '1XWLXjI3o6J1WDAN3rTGUIhbbMsIT0zWz', member: 'resources', keep: ['label_splits', 'sk_feats', 'text_feats'], target: 'sadvae/' },
    where: [
      'Google Drive (linked from the SA-DVAE README): https://drive.google.com/file/d/1XWLXjI3o6J1WDAN3rTGUIhbbMsIT0zWz',
      'Unpack resources.zip and move its label_splits/, sk_feats/ and text_feats/ folders to <data root>/sadvae/ (docs/sadvae-resources.md).',
    ],
    layout: [
      'sadvae/label_splits/<b>_split<i>/   ru<k>.npy, rs<C-k>.npy, rv<k>_0.npy, rs<C-2k>_0.npy (0-based class ids)',
      'sadvae/sk_feats/stgcn_<b>_split<i>_<k>_r/       train.npy (N,d) float32, train_label.npy, ztest.npy, z_label.npy, gtest.npy, g_label.npy, ' +
        'gtest_out.npy (N,C)',
      'sadvae/sk_feats/stgcn_<b>_split<i>_val_<k>_r/   train, train_label, ztest, z_label, val, val_label, ztest_out, val_out (.npy)',
      'b = pku51 (i = 1..3, k = 5, C = 51: required), ntu60 (i = 2..4, k = 5), ntu120 (i = 2..4, k = 10); text_feats/ is kept, not read.',
    ],
    check: checkSadvaeResources,
  },
];

/** The sha256 of the genuine NTU samples that 'ntu-samples' pins (none when its checksum list cannot be read). */
function pinnedNtuSamples(): Record<string, ChecksumEntry> {
  try {
    return loadManifest(DOWNLOAD_SOURCES.find((x) => x.name === 'ntu-samples')!).files;
  } catch {
    return {};
  }
}

export const MANUAL_SOURCES: ManualSource[] = [
  {
    kind: 'manual',
    name: 'ntu-rgbd',
    title: 'NTU RGB+D 60 / 120 skeleton release (3D joints of 25 Kinect v2 joints per body)',
    folder: 'ntu-rgbd',
    where: [
      'https://rose1.ntu.edu.sg/dataset/actionRecognition/ (ROSE Lab; free for research after the request form is approved)',
      'NTU-60: nturgbd_skeletons_s001_to_s017.zip; NTU-120 adds nturgbd_skeletons_s018_to_s032.zip',
      "Unzip both; the official missing-skeleton lists come with 'fsvae download ntu-samples'.",
    ],
    layout: [
      'ntu-rgbd/nturgb+d_skeletons/      S001..S017 *.skeleton (56,880 samples, 302 with missing skeletons)',
      'ntu-rgbd/nturgb+d_skeletons120/   S018..S032 *.skeleton (NTU-120 only)',
    ],
    check: (root) => checkNtuSkeletons(root, pinnedNtuSamples()),
  },
  {
    kind: 'manual',
    name: 'pku-mmd',
    title: 'PKU-MMD Part I skeletons and action labels (51 classes, 1076 long sequences)',
    folder: 'pku-mmd',
    where: [
      'https://www.icst.pku.edu.cn/struct/Projects/PKUMMD.html (official page; download links after the agreement)',
      'Part I: the "Skeleton" archive (folder PKU_Skeleton_Renew) and the "Label" archive (folder Train_Label_PKU_final)',
    ],
    layout: [
      'pku-mmd/PKU_Skeleton_Renew/NNNN-{L,M,R}.txt      one line per frame, 150 values (2 bodies x 25 joints x xyz)',
      'pku-mmd/Train_Label_PKU_final/NNNN-{L,M,R}.txt   lines label,start,end,confidence (label 1..51)',
      'pku-mmd/Split/cross-subject.txt, cross-view.txt   (optional, the official evaluation splits)',
    ],
    check: checkPkuMmd,
  },
  {
    kind: 'manual',
    name: 'msr-action3d',
    title: 'MSR Action3D skeletons (20 actions, 10 subjects, 20 Kinect v1 joints)',
    folder: 'msr-action3d',
    where: [
      "Wanqing Li's data-set page (the original Microsoft Research page is gone): https://sites.google.com/view/wanqingli/data-sets/msr-action3d",
      'Download the real-world skeleton archive (MSRAction3DSkeletonReal3D) and unpack its *_skeleton3D.txt files',
    ],
    layout: ['msr-action3d/aXX_sYY_eZZ_skeleton3D.txt   20 lines per frame, each "x y z confidence"'],
    check: checkMsrAction3d,
  },
];

export const DATA_SOURCES: DataSource[] = [...DOWNLOAD_SOURCES, ...DRIVE_SOURCES, ...MANUAL_SOURCES];

/** The source called `name`; throws FsvaeInputError listing the known names. */
export function getDataSource(name: string, sources: DataSource[] = DATA_SOURCES): DataSource {
  const s = sources.find((x) => x.name === name);
  if (!s) {
    throw new FsvaeInputError(`unknown data source '${name}'. Known sources: ${sources.map((x) => x.name).join(', ')} ('fsvae download --list' shows them).`);
  }
  return s;
}
