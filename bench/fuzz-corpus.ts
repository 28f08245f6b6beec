/**
 * Hostile-input corpus for the readers: valid files of every format (NTU .skeleton, NW-UCLA .json,
 * UTD-MHAD .mat, MSR Action3D .txt, a PKU-MMD folder, .npy), each mutated many ways, plus special
 * files (named pipes, device links, folders and dangling links named like data files). Every case
 * goes through `inspect` (the readers behind every command) and is classified:
 *
 *   error     a one-line FsvaeInputError                     (fine)
 *   accepted  read without error                             (fine for a "may pass" mutation,
 *             a SILENT ACCEPTANCE for a "must fail" one: a non-finite or implausible coordinate,
 *             a non-number, an empty file, garbage bytes, a broken magic number, a special file)
 *   crash     any other exception (a stack trace for the user)
 *   hang      no answer within the time limit
 *
 * `npm run fuzz` (node dist/bench/fuzz-corpus.js [--per-format N] [--seed S]) runs the long corpus
 * (≥ 400 cases) and writes results/fuzz_corpus.md; test/data/fuzz.test.ts runs a short one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { encodeMat5 } from '../lib/data/mat5';
import { encodeNpy } from '../lib/data/npy';
import { KINECT_V1_20 } from '../lib/data/layouts';
import { inspectPath } from '../lib/data/inspect';
import { FsvaeInputError } from '../lib/util/assert';
import { Random } from '../lib/util/random';
import { motion, writeMsrFixture, writeNtuFixture, writePkuFixture } from '../test/fixtures/raw-datasets';

export type FuzzFormat = 'ntu' | 'nw-ucla' | 'utd' | 'msr' | 'pku' | 'npy';
export const FUZZ_FORMATS: readonly FuzzFormat[] = ['ntu', 'nw-ucla', 'utd', 'msr', 'pku', 'npy'];

export interface FuzzCase {
  name: string;
  format: FuzzFormat;
  /** what inspect is pointed at */
  target: string;
  mustFail: boolean;
}

export type FuzzOutcome = 'error' | 'accepted' | 'crash' | 'hang';

export interface FuzzResult extends Omit<FuzzCase, 'format'> {
  /** a file format, or 'cli' (command-line misuse) / 'folder' (a damaged feature folder given to run) */
  format: FuzzFormat | 'cli' | 'folder';
  outcome: FuzzOutcome;
  message: string;
}

/** Writes one valid sample of `format` into `dir`; returns the file that mutations edit and what inspect reads. */
function writeValid(format: FuzzFormat, dir: string): { file: string; target: string } {
  fs.mkdirSync(dir, { recursive: true });
  switch (format) {
    case 'ntu': {
      writeNtuFixture(dir, { actions: 1, subjects: [1], frames: 6 });
      const file = path.join(dir, 'S001C001P001R001A001.skeleton');
      return { file, target: file };
    }
    case 'msr': {
      writeMsrFixture(dir, { subjects: [1], frames: 6 });
      const file = path.join(dir, 'a01_s01_e01_skeleton3D.txt');
      for (const f of fs.readdirSync(dir)) if (path.join(dir, f) !== file) fs.rmSync(path.join(dir, f));
      return { file, target: file };
    }
    case 'nw-ucla': {
      const file = path.join(dir, 'a01_s01_e00_v01.json');
      fs.writeFileSync(file, JSON.stringify({ file_name: 'a01_s01_e00_v01', skeletons: motion(KINECT_V1_20, 0, 1, 1, 6), label: 1 }));
      return { file, target: file };
    }
    case 'utd': {
      const file = path.join(dir, 'a1_s1_t1_skeleton.mat');
      const m = motion(KINECT_V1_20, 0, 1, 1, 6);
      const data: number[] = [];
      for (let t = 0; t < 6; t++) for (let c = 0; c < 3; c++) for (let j = 0; j < 20; j++) data[j + 20 * c + 60 * t] = m[t][j][c];
      fs.writeFileSync(file, encodeMat5([{ name: 'd_skel', dims: [20, 3, 6], data }]));
      return { file, target: file };
    }
    case 'pku': {
      writePkuFixture(dir, { videos: ['0002-L'], frames: 4, perClass: 1 });
      return { file: path.join(dir, 'PKU_Skeleton_Renew', '0002-L.txt'), target: dir };
    }
    case 'npy': {
      const file = path.join(dir, 'train.npy');
      fs.writeFileSync(file, encodeNpy({ dtype: 'float32', shape: [4, 3], data: Float32Array.from({ length: 12 }, (_, i) => i / 7) }));
      return { file, target: file };
    }
  }
}

const NUMBER = /-?\d+\.\d+(e[-+]?\d+)?/gi;

/**
 * Replaces one random coordinate (a token with a decimal point; in NTU files one of the x, y, z
 * columns of a joint line, the other columns being pixel positions and orientations).
 */
function replaceNumber(text: string, rng: Random, by: string, format?: FuzzFormat): string | null {
  if (format === 'ntu') {
    const lines = text.split('\r\n');
    const joints = lines.map((l, i) => [l, i] as const).filter(([l]) => l.split(' ').length === 12);
    if (joints.length === 0) return null;
    const [line, i] = joints[rng.int(joints.length)];
    const tok = line.split(' ');
    tok[rng.int(3)] = by;
    lines[i] = tok.join(' ');
    return lines.join('\r\n');
  }
  const hits = [...text.matchAll(NUMBER)];
  if (hits.length === 0) return null;
  const h = hits[rng.int(hits.length)];
  return text.slice(0, h.index!) + by + text.slice(h.index! + h[0].length);
}

type Mutation = { name: string; mustFail: boolean; apply: (bytes: Buffer, rng: Random, format: FuzzFormat, file: string) => Buffer | 'special' | null };

const TEXT: FuzzFormat[] = ['ntu', 'nw-ucla', 'msr', 'pku'];
const toBuf = (s: string | null): Buffer | null => (s === null ? null : Buffer.from(s));

const MUTATIONS: Mutation[] = [
  // must fail: the value is wrong, and no reader may turn it into a number silently
  { name: 'NaN coordinate', mustFail: true, apply: (b, r, f) => (TEXT.includes(f) ? toBuf(replaceNumber(b.toString('utf8'), r, 'NaN', f)) : null) },
  {
    name: 'Infinity coordinate',
    mustFail: true,
    apply: (b, r, f) => (TEXT.includes(f) ? toBuf(replaceNumber(b.toString('utf8'), r, f === 'nw-ucla' ? '1e999' : 'inf', f)) : null),
  },
  { name: 'coordinate of 1e39', mustFail: true, apply: (b, r, f) => (TEXT.includes(f) ? toBuf(replaceNumber(b.toString('utf8'), r, '1e39', f)) : null) },
  {
    name: 'coordinate of 123456.7 m',
    mustFail: true,
    apply: (b, r, f) => (TEXT.includes(f) ? toBuf(replaceNumber(b.toString('utf8'), r, '123456.7', f)) : null),
  },
  {
    name: 'non-number token',
    mustFail: true,
    apply: (b, r, f) => (TEXT.includes(f) && f !== 'nw-ucla' ? toBuf(replaceNumber(b.toString('utf8'), r, 'abc', f)) : null),
  },
  { name: 'empty file', mustFail: true, apply: () => Buffer.alloc(0) },
  { name: 'random bytes', mustFail: true, apply: (_b, r) => Buffer.from(Array.from({ length: 1 + r.int(600) }, () => r.int(256))) },
  {
    name: 'broken magic number',
    mustFail: true,
    apply: (b, _r, f) => (f === 'npy' || f === 'utd' ? Buffer.concat([Buffer.from('XXXXXX'), b.subarray(6)]) : null),
  },
  { name: 'named pipe (FIFO)', mustFail: true, apply: () => 'special' },
  { name: 'link to /dev/zero', mustFail: true, apply: () => 'special' },
  { name: 'folder named like the file', mustFail: true, apply: () => 'special' },
  { name: 'dangling link', mustFail: true, apply: () => 'special' },
  // may pass: a clean error or a correct read are both fine; only crashes and hangs count
  { name: 'truncated', mustFail: false, apply: (b, r) => b.subarray(0, r.int(b.length)) },
  {
    name: 'one byte flipped',
    mustFail: false,
    apply: (b, r) => {
      const c = Buffer.from(b);
      if (c.length) c[r.int(c.length)] ^= 1 << r.int(8);
      return c;
    },
  },
  {
    name: 'one line deleted',
    mustFail: false,
    apply: (b, r) => {
      const lines = b.toString('utf8').split('\n');
      lines.splice(r.int(lines.length), 1);
      return Buffer.from(lines.join('\n'));
    },
  },
  {
    name: 'one line duplicated',
    mustFail: false,
    apply: (b, r) => {
      const lines = b.toString('utf8').split('\n');
      const k = r.int(lines.length);
      lines.splice(k, 0, lines[k]);
      return Buffer.from(lines.join('\n'));
    },
  },
  { name: 'garbage line appended', mustFail: false, apply: (b) => Buffer.concat([b, Buffer.from('\n%% garbage 1 2 x\n')]) },
  { name: 'CRLF line ends', mustFail: false, apply: (b) => Buffer.from(b.toString('utf8').replace(/\n/g, '\r\n')) },
];

function makeSpecial(name: string, at: string): boolean {
  fs.rmSync(at, { recursive: true, force: true });
  if (name === 'named pipe (FIFO)') return spawnSync('mkfifo', [at]).status === 0;
  if (name === 'link to /dev/zero') {
    fs.symlinkSync('/dev/zero', at);
    return true;
  }
  if (name === 'folder named like the file') {
    fs.mkdirSync(at);
    return true;
  }
  fs.symlinkSync(path.join(path.dirname(at), 'does-not-exist'), at);
  return true;
}

/** `perFormat` cases per format (mutations cycled, random draws seeded) under `root`. */
export function buildCorpus(root: string, perFormat: number, seed = 1): FuzzCase[] {
  const rng = new Random(seed);
  const cases: FuzzCase[] = [];
  for (const format of FUZZ_FORMATS) {
    const applicable = MUTATIONS.filter((m) => {
      const probe = fs.mkdtempSync(path.join(root, 'probe-'));
      const { file } = writeValid(format, probe);
      const out = m.apply(fs.readFileSync(file), new Random(0), format, file);
      fs.rmSync(probe, { recursive: true, force: true });
      return out !== null;
    });
    for (let k = 0; k < perFormat; k++) {
      const m = applicable[k % applicable.length];
      const dir = path.join(root, `${format}-${String(k).padStart(3, '0')}`);
      const { file, target } = writeValid(format, dir);
      const out = m.apply(fs.readFileSync(file), rng, format, file);
      if (out === 'special') {
        // inspect a folder holding the special entry next to (or in place of) the valid file
        if (!makeSpecial(m.name, file)) continue;
        const folderTarget = format === 'pku' ? target : path.dirname(file);
        if (format !== 'pku') writeValid(format, path.join(dir, 'sibling')); // keep a valid file elsewhere
        cases.push({ name: `${format} #${k}: ${m.name}`, format, target: folderTarget, mustFail: true });
        continue;
      }
      if (out === null) continue;
      fs.writeFileSync(file, out);
      cases.push({ name: `${format} #${k}: ${m.name}`, format, target, mustFail: m.mustFail });
    }
  }
  return cases;
}

/**
 * Runs the cases through inspectPath in a worker thread; a case that does not answer within
 * `timeoutMs` is a hang (the worker is replaced and the next case goes on).
 */
export async function runCorpus(cases: readonly FuzzCase[], timeoutMs = 15000, onCase?: (r: FuzzResult, done: number) => void): Promise<FuzzResult[]> {
  const results: FuzzResult[] = [];
  let next = 0;
  while (next < cases.length) {
    const start = next;
    const worker = new Worker(__filename, { workerData: { fsvaeFuzz: true, targets: cases.slice(start).map((c) => c.target) } });
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const arm = () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          const c = cases[next];
          const r: FuzzResult = { ...c, outcome: 'hang', message: `no answer within ${timeoutMs} ms` };
          results.push(r);
          onCase?.(r, results.length);
          next++;
          // a thread blocked in a system call may never exit: abandon it and go on with a new one
          worker.removeAllListeners('message');
          worker.unref();
          void worker.terminate();
          resolve();
        }, timeoutMs);
      };
      arm();
      worker.on('message', (m: { outcome: FuzzOutcome; message: string }) => {
        const r: FuzzResult = { ...cases[next], ...m };
        results.push(r);
        onCase?.(r, results.length);
        next++;
        if (next >= cases.length) {
          if (timer) clearTimeout(timer);
          void worker.terminate();
        } else arm();
      });
      worker.on('exit', () => {
        if (timer) clearTimeout(timer);
        resolve();
      });
      worker.on('error', (e) => {
        if (next < cases.length && next >= start) {
          const r: FuzzResult = { ...cases[next], outcome: 'crash', message: `worker died: ${e.message}` };
          results.push(r);
          onCase?.(r, results.length);
          next++;
        }
      });
    });
  }
  return results;
}

export function summarise(results: readonly FuzzResult[]): {
  cases: number;
  errors: number;
  accepted: number;
  crashes: FuzzResult[];
  hangs: FuzzResult[];
  silentAcceptances: FuzzResult[];
} {
  return {
    cases: results.length,
    errors: results.filter((r) => r.outcome === 'error').length,
    accepted: results.filter((r) => r.outcome === 'accepted').length,
    crashes: results.filter((r) => r.outcome === 'crash'),
    hangs: results.filter((r) => r.outcome === 'hang'),
    silentAcceptances: results.filter((r) => r.mustFail && r.outcome === 'accepted'),
  };
}

if (!isMainThread && (workerData as { fsvaeFuzz?: boolean })?.fsvaeFuzz) {
  const { targets } = workerData as { targets: string[] };
  for (const t of targets) {
    let outcome: FuzzOutcome;
    let message: string;
    try {
      const s = inspectPath(t);
      outcome = 'accepted';
      message = `${s.sequences} sequence(s)`;
    } catch (e) {
      const one = e instanceof FsvaeInputError && !e.message.includes('\n    at ');
      outcome = one ? 'error' : 'crash';
      message = e instanceof Error ? (one ? e.message : (e.stack ?? e.message)) : String(e);
    }
    parentPort!.postMessage({ outcome, message: message.slice(0, 400) });
  }
}

async function main(argv: string[]): Promise<void> {
  const arg = (k: string, d: number) => {
    const i = argv.indexOf(k);
    return i >= 0 ? Number(argv[i + 1]) : d;
  };
  const perFormat = arg('--per-format', 72);
  const seed = arg('--seed', 1);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-fuzz-'));
  const t0 = Date.now();
  try {
    const cases = buildCorpus(root, perFormat, seed);
    console.log(`[fuzz] ${cases.length} cases (${FUZZ_FORMATS.join(', ')}), seed ${seed}`);
    const results = await runCorpus(cases, 15000, (r, n) => {
      if (r.outcome === 'crash' || r.outcome === 'hang' || (r.mustFail && r.outcome === 'accepted'))
        console.log(`[fuzz] ${n}/${cases.length} ${r.outcome.toUpperCase()}: ${r.name}: ${r.message.split('\n')[0]}`);
      else if (n % 50 === 0) console.log(`[fuzz] ${n}/${cases.length}`);
    });
    const cliTmp = path.join(root, 'cli');
    fs.mkdirSync(cliTmp);
    const cli = [...cliMisuseCases(cliTmp), ...damagedFolderCases(cliTmp)];
    console.log(`[fuzz] ${cli.length} command-line cases (misuse, and run on damaged feature folders)`);
    const control = await runCliCases([
      { name: 'control: run on the valid feature folder', argv: RUN_BASE(path.join(cliTmp, 'valid-features')), mustFail: true },
    ]);
    if (control[0].outcome !== 'accepted')
      throw new Error(`the control run on the valid feature folder failed (${control[0].message}); the damaged-folder cases would prove nothing`);
    const cliResults = await runCliCases(cli, 60000, (r, n) => {
      if (r.outcome !== 'error') console.log(`[fuzz] cli ${n}/${cli.length} ${r.outcome.toUpperCase()}: ${r.name}: ${r.message.split('\n')[0]}`);
    });
    results.push(...cliResults);
    const s = summarise(results);
    const lines = [
      '# Hostile-input corpus',
      '',
      'Mutated files of every format through `inspect` (the readers of every command); command-line misuse of every command; ' +
        '`run` on copies of a valid feature folder with one damaged file each (a control run on the undamaged folder must ' +
        'succeed). Rows `cli` and `folder` are those two groups.',
      '',
      `- command: npm run fuzz (node dist/bench/fuzz-corpus.js --per-format ${perFormat} --seed ${seed})`,
      `- date: ${new Date().toISOString()}, ${Math.round((Date.now() - t0) / 1000)} s`,
      '',
      '| cases | clean errors | accepted | stack traces | hangs | silent acceptances |',
      '| --- | --- | --- | --- | --- | --- |',
      `| ${s.cases} | ${s.errors} | ${s.accepted} | ${s.crashes.length} | ${s.hangs.length} | ${s.silentAcceptances.length} |`,
      '',
      '| format | cases | clean errors | accepted |',
      '| --- | --- | --- | --- |',
      ...[...FUZZ_FORMATS, 'cli', 'folder'].map((f) => {
        const rs = results.filter((r) => r.format === f);
        return `| ${f} | ${rs.length} | ${rs.filter((r) => r.outcome === 'error').length} | ${rs.filter((r) => r.outcome === 'accepted').length} |`;
      }),
      '',
      ...[...s.crashes, ...s.hangs, ...s.silentAcceptances].map((r) => `- ${r.outcome}: ${r.name}: ${r.message.split('\n')[0]}`),
    ];
    const out = path.join(__dirname, '..', '..', 'results', 'fuzz_corpus.md');
    fs.writeFileSync(out, lines.join('\n') + '\n');
    console.log(lines.slice(7, 10).join('\n'));
    console.log(`[fuzz] wrote ${out}`);
    if (s.crashes.length || s.hangs.length || s.silentAcceptances.length) process.exitCode = 1;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (isMainThread && require.main === module && process.argv.includes('--run')) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}

// ---------------------------------------------------------------------------------------------
// Command-line misuse and damaged feature folders (through the CLI's main, in process)

export interface CliCase {
  name: string;
  argv: string[];
  /** every case here is misuse or damage: exit code 0 is a silent acceptance */
  mustFail: true;
}

const RUN_BASE = (dir: string) => [
  'run',
  '--features',
  path.join(dir, 'sk_feats'),
  '--text',
  dir,
  '--split',
  'ntu60-55/5',
  '--seeds',
  '1',
  '--cycles',
  '1',
  '--steps',
  '2',
];

/** Command-line misuse of every command: unknown or misspelt flags, missing and malformed values, bad names. */
export function cliMisuseCases(tmp: string): CliCase[] {
  const out: CliCase[] = [];
  const add = (name: string, argv: string[]) => out.push({ name: `cli: ${name}`, argv, mustFail: true });
  const runBase = ['run', '--features', path.join(tmp, 'none'), '--text', path.join(tmp, 'none'), '--split', 'ntu60-55/5'];
  const pipeBase = ['pipeline', '--dataset', 'generated', '--split', 'generated-35/5'];
  const extractBase = ['extract', '--dataset', 'generated', '--split', 'generated-35/5'];
  const bases: [string, string[], string[], string[]][] = [
    // command, base argv, value flags, integer flags
    [
      'run',
      runBase,
      ['preset', 'text-mode', 'encoder', 'protocol', 'gate-temperature', 'gate-threshold', 'engine', 'checkpoint-dir', 'out', 'log'],
      ['seeds', 'seed-base', 'cycles', 'steps'],
    ],
    [
      'pipeline',
      pipeBase,
      ['dir', 'stage1', 'generator', 'cache-dir', 'preset', 'variants', 'text-encoder', 'engine', 'out'],
      ['epochs', 'seed', 'data-seed', 'seeds', 'cycles', 'steps'],
    ],
    ['extract', extractBase, ['dir', 'stage1', 'generator', 'cache-dir', 'out'], ['epochs', 'seed', 'data-seed']],
  ];
  for (const [cmd, base, values, ints] of bases) {
    add(`${cmd} unknown flag`, [...base, '--frobnicate']);
    add(`${cmd} singular --seed for --seeds`, [...base, cmd === 'extract' ? '--seeds' : '--seed', '2', ...(cmd === 'extract' ? [] : ['--seed', '3'])]);
    for (const v of values) add(`${cmd} --${v} without a value`, [...base, `--${v}`]);
    for (const i of ints) {
      for (const bad of ['abc', '1.5', '-1', '1e3', '99999999999999999999']) add(`${cmd} --${i} ${bad}`, [...base, `--${i}`, bad]);
    }
    add(`${cmd} a flag twice`, [...base, '--split', 'generated-35/5']);
    add(`${cmd} stray positional`, [...base, 'extra']);
  }
  add('run --seeds 0', [...runBase, '--seeds', '0']);
  add('run --seeds 100000000', [...runBase, '--seeds', '100000000']);
  add('run --protocol nope', [...runBase, '--protocol', 'nope']);
  add('run --engine fast', [...runBase, '--engine', 'fast']);
  add('run unknown split', ['run', '--features', 'x', '--text', 'y', '--split', 'ntu60-54/6']);
  add('run --unseen out of range', ['run', '--features', 'x', '--text', 'y', '--dataset', 'ntu60', '--unseen', '0,60']);
  add('run --unseen not integers', ['run', '--features', 'x', '--text', 'y', '--dataset', 'ntu60', '--unseen', 'a,b']);
  add('run without --features', ['run', '--text', 'y', '--split', 'ntu60-55/5']);
  add('run --out is a folder', [...runBase, '--out', tmp]);
  add('run --sequential=yes', [...runBase, '--sequential=yes']);
  add('pipeline unknown dataset', ['pipeline', '--dataset', 'kinetics', '--split', 'generated-35/5']);
  add('pipeline unknown extractor', [...pipeBase, '--stage1', 'resnet']);
  add('pipeline --epochs for dct-lda', [...pipeBase, '--epochs', '3']);
  add('pipeline unknown variant', [...pipeBase, '--variants', 'ours,bogus']);
  add('pipeline unknown preset', [...pipeBase, '--preset', 'fastest']);
  add('pipeline --dir does not exist', ['pipeline', '--dataset', 'nw-ucla', '--split', 'nw-ucla-5/5', '--dir', path.join(tmp, 'does-not-exist')]);
  add('pipeline no split', ['pipeline', '--dataset', 'generated']);
  add('extract --out is a file', [...extractBase, '--out', path.join(tmp, 'a-file')]);
  add('generate-features no --out', ['generate-features']);
  add('generate-features --train-per-class 0', ['generate-features', '--out', path.join(tmp, 'g'), '--train-per-class', '0']);
  add('generate-features --test-per-class abc', ['generate-features', '--out', path.join(tmp, 'g'), '--test-per-class', 'abc']);
  add('generate-features unknown split', ['generate-features', '--out', path.join(tmp, 'g'), '--split', 'nope']);
  add('features-report unknown extractor', ['features-report', '--extractors', 'resnet']);
  add('features-report unknown dataset', ['features-report', '--datasets', 'kinetics']);
  add('features-report bad seeds', ['features-report', '--seeds', '1,x']);
  add('features-report --dir without =', ['features-report', '--dir', 'nw-ucla']);
  add('inspect nothing', ['inspect']);
  add('inspect two paths', ['inspect', 'a', 'b']);
  add('inspect --limit 0', ['inspect', tmp, '--limit', '0']);
  add('inspect missing path', ['inspect', path.join(tmp, 'nope')]);
  add('embed no dataset', ['embed']);
  add('embed unknown encoder', ['embed', '--dataset', 'nw-ucla', '--encoder', 'gpt']);
  add('embed --parts XX', ['embed', '--dataset', 'nw-ucla', '--parts', 'XX']);
  add('download unknown source', ['download', 'kinetics']);
  add('download --mode bogus', ['download', 'nw-ucla', '--mode', 'bogus']);
  add('download --timeout -1', ['download', 'nw-ucla', '--timeout', '-1']);
  add('download nothing named', ['download']);
  add('unknown command', ['trian']);
  fs.writeFileSync(path.join(tmp, 'a-file'), 'x');
  return out;
}

/** A valid generated SynSE benchmark under `dir` (sk_feats/ and text_feats/), small. */
function writeValidFeatures(dir: string): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { writeSyntheticBenchmark } = require('../lib/data/synthetic-features') as typeof import('../lib/data/synthetic-features');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { getSplit } = require('../lib/data/splits') as typeof import('../lib/data/splits');
  writeSyntheticBenchmark(dir, getSplit('ntu60-55/5'), { seed: 1, trainPerClass: 3, testPerClass: 2 });
}

/** `run` on copies of a valid feature folder with one damaged file each. */
export function damagedFolderCases(tmp: string): CliCase[] {
  const base = path.join(tmp, 'valid-features');
  writeValidFeatures(base);
  const files = [
    'sk_feats/shift_5_r/train.npy',
    'sk_feats/shift_5_r/train_label.npy',
    'sk_feats/shift_5_r/ztest.npy',
    'sk_feats/shift_5_r/z_label.npy',
    'sk_feats/shift_5_r/gtest.npy',
    'sk_feats/shift_5_r/g_label.npy',
    'sk_feats/shift_5_r/gtest_out.npy',
    'sk_feats/shift_val_5_r/val.npy',
    'sk_feats/shift_val_5_r/train.npy',
    'text_feats/ViT-B/32/lb_60.npy',
  ];
  const defects: [string, (f: string) => boolean][] = [
    ['missing', (f) => (fs.rmSync(f), true)],
    ['truncated', (f) => (fs.writeFileSync(f, fs.readFileSync(f).subarray(0, Math.floor(fs.statSync(f).size / 2))), true)],
    ['garbage', (f) => (fs.writeFileSync(f, Buffer.from('garbage, not an npy file')), true)],
    [
      'NaN value',
      (f) => {
        const a = readNpyAny(f);
        if (a.dtype !== 'float32') return false;
        (a.data as Float32Array)[Math.floor(a.data.length / 2)] = NaN;
        writeNpyAny(f, a);
        return true;
      },
    ],
    [
      'all zero',
      (f) => {
        const a = readNpyAny(f);
        if (a.dtype !== 'float32' || /_out|lb_/.test(f)) return false;
        writeNpyAny(f, { ...a, data: new Float32Array(a.data.length) });
        return true;
      },
    ],
    [
      'label out of range',
      (f) => {
        const a = readNpyAny(f);
        if (!/label/.test(f)) return false;
        const d = a.data as BigInt64Array;
        d[0] = 999n;
        writeNpyAny(f, a);
        return true;
      },
    ],
    [
      'one column fewer',
      (f) => {
        const a = readNpyAny(f);
        if (a.dtype !== 'float32' || a.shape.length !== 2 || /_out/.test(f)) return false;
        const [r, c] = a.shape;
        const d = new Float32Array(r * (c - 1));
        for (let i = 0; i < r; i++) d.set((a.data as Float32Array).subarray(i * c, i * c + c - 1), i * (c - 1));
        writeNpyAny(f, { dtype: 'float32', shape: [r, c - 1], data: d });
        return true;
      },
    ],
    ['named pipe in place', (f) => (fs.rmSync(f), spawnSync('mkfifo', [f]).status === 0)],
    ['folder in place', (f) => (fs.rmSync(f), fs.mkdirSync(f), true)],
  ];
  const out: CliCase[] = [];
  let k = 0;
  for (const rel of files) {
    for (const [dname, apply] of defects) {
      const dir = path.join(tmp, `bad-${k++}`);
      fs.cpSync(base, dir, { recursive: true });
      if (!apply(path.join(dir, rel))) {
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      out.push({ name: `run on features with ${rel} ${dname}`, argv: RUN_BASE(dir), mustFail: true });
    }
  }
  return out;
}

function readNpyAny(f: string): import('../lib/data/npy').NpyArray {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (require('../lib/data/npy') as typeof import('../lib/data/npy')).readNpy(f);
}
function writeNpyAny(f: string, a: import('../lib/data/npy').NpyArray): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  (require('../lib/data/npy') as typeof import('../lib/data/npy')).writeNpy(f, a);
}

/**
 * Runs CLI cases through main() in this process with the console captured: exit code 1 or 2 with
 * no stack trace is a clean error, 0 a (silent) acceptance, an exception out of main a crash,
 * no answer within `timeoutMs` a hang.
 */
export async function runCliCases(cases: readonly CliCase[], timeoutMs = 60000, onCase?: (r: FuzzResult, n: number) => void): Promise<FuzzResult[]> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { main } = require('../lib/cli/main') as typeof import('../lib/cli/main');
  const results: FuzzResult[] = [];
  const saved = { log: console.log, error: console.error, warn: console.warn, write: process.stdout.write };
  for (const c of cases) {
    const captured: string[] = [];
    console.log = (...a: unknown[]) => captured.push(a.join(' '));
    console.error = (...a: unknown[]) => captured.push(a.join(' '));
    console.warn = (...a: unknown[]) => captured.push(a.join(' '));
    let outcome: FuzzOutcome;
    let message: string;
    try {
      const code = await Promise.race([main(c.argv), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref())]);
      const text = captured.join('\n');
      if (code === 'timeout') {
        outcome = 'hang';
        message = `no answer within ${timeoutMs} ms`;
      } else if (code === 0) {
        outcome = 'accepted';
        message = text.split('\n').slice(-1)[0] ?? '';
      } else if (/\n\s+at .+[:(]/.test(text)) {
        outcome = 'crash';
        message = text;
      } else {
        outcome = 'error';
        message = text.split('\n').find((l) => l.trim()) ?? `exit ${code}`;
      }
    } catch (e) {
      outcome = 'crash';
      message = e instanceof Error ? (e.stack ?? e.message) : String(e);
    } finally {
      console.log = saved.log;
      console.error = saved.error;
      console.warn = saved.warn;
    }
    const r: FuzzResult = {
      name: c.name,
      format: c.name.startsWith('cli:') ? 'cli' : 'folder',
      target: c.argv.join(' '),
      mustFail: c.mustFail,
      outcome,
      message: message.slice(0, 400),
    };
    results.push(r);
    onCase?.(r, results.length);
  }
  return results;
}
