/**
 * Stage-2 step time and stage-1 throughput on every tfjs backend of the machine, each backend in a
 * child process of its own with FSVAE_BACKEND set (tfjs backends and Dawn do not mix well in one
 * process): cpu, wasm, tensorflow (tfjs-node), webgpu (any adapter, a software one too, named by
 * describeAdapter) and tensorflow-gpu (tfjs-node-gpu). A backend that cannot be loaded gives one
 * line saying why; a measurement that fails gives one row "fails: <first line of the error>", and
 * the others go on.
 *
 * - Stage 2: one trainStage2 run of the reference-ntu60 preset on the NTU-60-sized generated
 *   features of bench/stage2.ts, the engine initBackend's backend gets by default (fused on wasm and
 *   cpu; autodiff elsewhere: the fused engine needs tensors in host memory), half of the steps
 *   outside the alignment window and half inside, weighted as in a 1700-step cycle (1401 / 299).
 *   A 4-step probe run first (shader compilation, packing) sizes the run to a time budget.
 * - Stage 1: the eval forward pass (features read back) and a full SGD training step of
 *   shift-gcn-original and st-gcn-original: at the presets' own input (batch 64, 2 bodies, 64
 *   frames) on a GPU, at bench/stage1.ts's CPU shapes (batch 4, 1 body, 32 frames) on wasm and
 *   tfjs-node, at batch 2, 1 body, 16 frames on the plain-JS cpu backend and a software device.
 *
 * Slow backends run few steps (a software WebGPU device is about 100 times slower than a GPU): the
 * counts timed are in the rows. bench/run.ts appends the rows to results/bench_stage2.md and
 * results/bench_stage1.md; run alone, `node dist/bench/backends.js [--quick] [--out FILE]
 * [--backends cpu,webgpu] [--time-limit-s N]` prints both tables (and writes them to FILE after
 * every backend: scripts/gpu-bench.sh).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { KINECT_V2_25 } from '../lib/data/layouts';
import { BACKEND_ENV_VAR, BackendName, describeBackend, initBackend } from '../lib/runtime/backend';
import { describeAdapter, probeWebGpu } from '../lib/runtime/webgpu';
import { stage1Config } from '../lib/stage1/config';
import { EVAL } from '../lib/stage1/layers';
import { createSkeletonNet } from '../lib/stage1/net';
import { Stage1Opt } from '../lib/stage1/optim';
import { fsvaePreset } from '../lib/train/config';
import { resolveStage2Engine, trainStage2 } from '../lib/train/stage2';
import { Random } from '../lib/util/random';
import { quantile, stage2BenchInputs, weightedMedian } from './stage2';
import { markdownTable } from './table';

/** The order the backends are measured and listed in. */
export const BENCH_BACKENDS: readonly BackendName[] = ['cpu', 'wasm', 'tensorflow', 'webgpu', 'tensorflow-gpu'];

/** The stage-1 presets measured on every backend. */
export const BENCH_STAGE1_PRESETS: readonly string[] = ['shift-gcn-original', 'st-gcn-original'];

export type BenchPart = 'stage2' | 'stage1';

/** gpu: tfjs-node-gpu or a hardware WebGPU adapter; host: wasm, tfjs-node; slow: the plain-JS cpu backend or a software WebGPU device. */
export type SpeedClass = 'gpu' | 'host' | 'slow';

type Row = Record<string, unknown>;

/** What one child process reported. */
export interface BackendRun {
  backend: BackendName;
  available: boolean;
  /** why it is not available, or why the child ended early (timeout, crash) */
  reason?: string;
  /** the backend line of initBackend (package, version, adapter) */
  detail?: string;
  speed?: SpeedClass;
  stage2: Row[];
  stage1: Row[];
  seconds: number;
}

export interface BackendBenchOptions {
  quick?: boolean;
  /** which measurements (default both) */
  parts?: BenchPart[];
  /** which backends (default all of BENCH_BACKENDS) */
  backends?: BackendName[];
  /** kill a child after this many seconds (default FSVAE_BENCH_CHILD_TIMEOUT_S, else 420; quick 240) */
  childTimeoutS?: number;
  /** echo the children's stderr (Dawn's warnings too); default FSVAE_BENCH_VERBOSE=1 */
  verbose?: boolean;
  /** all children together end within this many seconds: a later child gets what is left, none starts with under 10 s */
  timeLimitS?: number;
  /** called after each backend with the runs so far (the CLI rewrites its report, so a run stopped later keeps them) */
  onRun?: (runs: BackendRun[]) => void;
}

/** Marks the lines of a child's stdout that carry results. */
const MARK = '@@fsvae-bench ';

const round = (x: number, d = 2) => Number(x.toFixed(d));
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;

function firstLine(err: unknown, max = 240): string {
  const msg = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  return (msg.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, max);
}

/* ------------------------------------------------------------------------------------------ */
/* child side                                                                                  */
/* ------------------------------------------------------------------------------------------ */

type Message =
  | { type: 'backend'; ok: true; detail: string; speed: SpeedClass }
  | { type: 'backend'; ok: false; reason: string }
  | { type: 'stage2'; row: Row }
  | { type: 'stage1'; row: Row };

function emit(m: Message): void {
  process.stdout.write(`${MARK}${JSON.stringify(m)}\n`);
}

interface Sizes {
  /** stage 2: time budget of the timed run (ms), fewest and most steps */
  s2BudgetMs: number;
  s2Min: number;
  s2Max: number;
  /** stage 1: time budget per measurement (ms), fewest and most timed repetitions after the warm-up */
  s1BudgetMs: number;
  s1MinReps: number;
  s1MaxReps: number;
  /** stage 1's input: clips per batch, bodies, frames ('preset': the preset's own) */
  s1Shape: { batch: number; bodies: number; frames: number } | 'preset';
}

/** Budgets and shapes per speed class (quick halves the time budgets). */
const SIZES: Record<SpeedClass, Sizes> = {
  gpu: { s2BudgetMs: 8000, s2Min: 40, s2Max: 400, s1BudgetMs: 6000, s1MinReps: 3, s1MaxReps: 20, s1Shape: 'preset' },
  host: { s2BudgetMs: 10000, s2Min: 10, s2Max: 200, s1BudgetMs: 8000, s1MinReps: 2, s1MaxReps: 5, s1Shape: { batch: 4, bodies: 1, frames: 32 } },
  slow: { s2BudgetMs: 6000, s2Min: 4, s2Max: 24, s1BudgetMs: 4000, s1MinReps: 1, s1MaxReps: 2, s1Shape: { batch: 2, bodies: 1, frames: 16 } },
};

const SPEED_LABEL: Record<SpeedClass, string> = { gpu: 'a GPU', host: 'the CPU', slow: 'slow: plain JS or a software device, few steps' };

async function childStage2(backend: BackendName, detail: string, speed: SpeedClass, quick: boolean): Promise<Row> {
  const size = SIZES[speed];
  const budget = quick ? size.s2BudgetMs / 2 : size.s2BudgetMs;
  const inputs = stage2BenchInputs();
  const part = `full step on ${backend}, a 1700-step cycle (1401 steps outside the window, 299 inside)`;
  const run = async (steps: number) => {
    const cfg = fsvaePreset('reference-ntu60');
    // steps > alignStart are inside the alignment window: the first half outside, the second inside
    cfg.schedule = { ...cfg.schedule, cycles: 1, stepsPerCycle: steps, alignStart: steps / 2 - 1 };
    cfg.classifier.steps = 1;
    const times: number[] = [];
    const t0 = performance.now();
    const result = await trainStage2(cfg, inputs, { seed: 1, stepTimes: times });
    return { times, engine: result.engine, seconds: (performance.now() - t0) / 1000 };
  };
  let engine = '';
  try {
    engine = resolveStage2Engine(fsvaePreset('reference-ntu60'));
    const probe = await run(4);
    engine = probe.engine;
    const est = Math.max(0.05, quantile(probe.times.slice(1), 0.5));
    const steps = 2 * Math.round(Math.min(size.s2Max, Math.max(size.s2Min, budget / est)) / 2);
    const { times, seconds } = await run(steps);
    const half = steps / 2;
    const skip = Math.max(1, Math.round(0.1 * half));
    const outside = times.slice(skip, half);
    const inside = times.slice(half + skip);
    return {
      engine,
      part,
      'median ms': round(weightedMedian(outside, 1401, inside, 299)),
      'p10 ms': round(quantile([...outside, ...inside], 0.1)),
      'mean ms': round((1401 * mean(outside) + 299 * mean(inside)) / 1700),
      steps: outside.length + inside.length,
      'mean ms inside the window': round(mean(inside)),
      backend: detail,
      note: `${steps} steps in one run, half outside the window and half inside, the first ${skip} of each half not counted; run ${seconds.toFixed(1)} s`,
    };
  } catch (e) {
    return { engine, part, backend: detail, note: `fails: ${firstLine(e)}` };
  }
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

async function timeIt(run: () => Promise<unknown>, minReps: number, maxReps: number, budgetMs: number): Promise<{ ms: number; reps: number }> {
  await run(); // warm-up: shader compilation, XNNPACK packing, index maps
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxReps && (times.length < minReps || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return { ms: quantile(times, 0.5), reps: times.length };
}

async function childStage1(preset: string, detail: string, speed: SpeedClass, quick: boolean): Promise<Row> {
  const size = SIZES[speed];
  const budget = quick ? size.s1BudgetMs / 2 : size.s1BudgetMs;
  const cfg = stage1Config(preset);
  // a GPU gets the preset's own input; wasm and tfjs-node bench/stage1.ts's shapes; the slow ones less
  const shape = size.s1Shape === 'preset' ? { batch: cfg.train.batchSize, bodies: cfg.input.bodies ?? 2, frames: cfg.input.frames } : size.s1Shape;
  const { batch, bodies, frames } = shape;
  const head: Row = { preset, blocks: cfg.model.channels.length, channels: cfg.model.channels.join(',') };
  const shapeCols = { batch, frames, bodies };
  let net: ReturnType<typeof createSkeletonNet> | undefined;
  let opt: Stage1Opt | undefined;
  const held: tf.Tensor[] = [];
  try {
    net = createSkeletonNet(cfg.model, { layout: KINECT_V2_25, bodies, numClasses: 60 }, new Random(1));
    const rng = new Random(2);
    const x = tf.tensor(
      Float32Array.from({ length: batch * bodies * frames * 75 }, () => 0.3 * rng.normal()),
      [batch, bodies, frames, 25, 3],
    );
    const y = tf.tidy(() =>
      tf.oneHot(
        tf.tensor1d(
          Int32Array.from({ length: batch }, (_, i) => i % 60),
          'int32',
        ),
        60,
      ),
    );
    held.push(x, y);
    const n = net;
    const fwd = await timeIt(
      async () => {
        const o = n.forward(x, EVAL);
        try {
          await o.features.data();
        } finally {
          tf.dispose([o.features, o.logits]);
        }
      },
      size.s1MinReps,
      size.s1MaxReps,
      budget,
    ).catch(asError);
    opt = new Stage1Opt(n.params.trainable(), { kind: 'sgd', learningRate: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
    const o = opt;
    const loss = () => tf.losses.softmaxCrossEntropy(y, n.forward(x, { training: true, updateStats: true }).logits) as tf.Scalar;
    const step = await timeIt(async () => await o.minimize(loss, 0.01), size.s1MinReps, size.s1MaxReps, budget).catch(asError);
    const fails = [fwd instanceof Error ? `forward fails: ${firstLine(fwd)}` : '', step instanceof Error ? `training fails: ${firstLine(step)}` : ''];
    return {
      ...head,
      params: n.params.countTrainable(),
      ...shapeCols,
      'forward ms/batch': fwd instanceof Error ? null : round(fwd.ms, 1),
      'forward seq/s': fwd instanceof Error ? null : round((batch * 1000) / fwd.ms, 1),
      'train step ms/batch': step instanceof Error ? null : round(step.ms, 1),
      'train seq/s': step instanceof Error ? null : round((batch * 1000) / step.ms, 1),
      reps: [fwd, step].map((r) => (r instanceof Error ? '-' : String(r.reps))).join('/'),
      backend: detail,
      note: fails.filter(Boolean).join('; '),
    };
  } catch (e) {
    return { ...head, ...shapeCols, backend: detail, note: `fails: ${firstLine(e)}` };
  } finally {
    tf.dispose(held);
    (opt as { dispose?: () => void } | undefined)?.dispose?.();
    net?.dispose();
  }
}

async function childMain(backend: BackendName, quick: boolean, parts: BenchPart[]): Promise<void> {
  try {
    await initBackend({ quiet: true });
  } catch (e) {
    // initBackend's message names the package and what to install; the part before "To use it" says why
    emit({
      type: 'backend',
      ok: false,
      reason: firstLine(e, 400)
        .replace(/^.*? cannot be used: /, '')
        .replace(/\. To use it: .*$/, ''),
    });
    return;
  }
  // every child is forced by FSVAE_BACKEND: that part of the line says nothing here
  let detail = describeBackend()
    .replace(/^tfjs backend: /, '')
    .replace(/;? ?forced by FSVAE_BACKEND=[\w-]+/, '');
  let speed: SpeedClass = backend === 'tensorflow-gpu' ? 'gpu' : backend === 'cpu' ? 'slow' : 'host';
  if (backend === 'webgpu') {
    const { adapter } = await probeWebGpu();
    speed = adapter && !adapter.software ? 'gpu' : 'slow';
    if (adapter && !detail.includes('adapter')) detail += `, adapter ${describeAdapter(adapter)}`;
  }
  emit({ type: 'backend', ok: true, detail, speed });
  if (parts.includes('stage2')) emit({ type: 'stage2', row: await childStage2(backend, detail, speed, quick) });
  if (parts.includes('stage1')) for (const preset of BENCH_STAGE1_PRESETS) emit({ type: 'stage1', row: await childStage1(preset, detail, speed, quick) });
}

/* ------------------------------------------------------------------------------------------ */
/* parent side                                                                                 */
/* ------------------------------------------------------------------------------------------ */

function defaultTimeoutS(quick: boolean): number {
  const env = Number(process.env.FSVAE_BENCH_CHILD_TIMEOUT_S);
  return Number.isFinite(env) && env > 0 ? env : quick ? 240 : 420;
}

/** Runs one backend's child process and gathers what it reported. */
export function runBackendChild(backend: BackendName, opts: BackendBenchOptions = {}): Promise<BackendRun> {
  const quick = opts.quick ?? false;
  const parts = opts.parts ?? ['stage2', 'stage1'];
  const timeoutS = opts.childTimeoutS ?? defaultTimeoutS(quick);
  const verbose = opts.verbose ?? process.env.FSVAE_BENCH_VERBOSE === '1';
  const args = [__filename, '--child', backend, '--parts', parts.join(','), ...(quick ? ['--quick'] : [])];
  const run: BackendRun = { backend, available: false, stage2: [], stage1: [], seconds: 0 };
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, [BACKEND_ENV_VAR]: backend }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const errTail: string[] = [];
    let reported = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    const onLine = (line: string) => {
      if (!line.startsWith(MARK)) {
        if (line.trim()) console.log(`  [${backend}] ${line}`);
        return;
      }
      const m = JSON.parse(line.slice(MARK.length)) as Message;
      if (m.type === 'backend') {
        reported = true;
        run.available = m.ok;
        if (m.ok) {
          run.detail = m.detail;
          run.speed = m.speed;
          console.log(`  [${backend}] ${m.detail} (${SPEED_LABEL[m.speed]})`);
        } else run.reason = m.reason;
      } else if (m.type === 'stage2') run.stage2.push(m.row);
      else run.stage1.push(m.row);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      let i: number;
      while ((i = out.indexOf('\n')) >= 0) {
        onLine(out.slice(0, i));
        out = out.slice(i + 1);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const l of chunk.split('\n')) {
        if (!l.trim()) continue;
        if (verbose) console.error(`  [${backend}] ${l}`);
        errTail.push(l);
        if (errTail.length > 40) errTail.shift();
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (out) onLine(out);
      run.seconds = (Date.now() - t0) / 1000;
      const ended =
        code === 0 && !signal
          ? ''
          : timedOut
            ? `timed out after ${timeoutS} s`
            : `${
                errTail
                  .find((l) => /Error|error:|Aborted|FATAL/.test(l))
                  ?.trim()
                  .slice(0, 240) ??
                errTail.at(-1) ??
                ''
              } ` + `(exit ${signal ?? code})`;
      if (!reported) run.reason = ended ? `the child process ended before loading the backend: ${ended}` : 'the child process reported nothing';
      else if (ended && run.available) run.reason = ended.trim();
      resolve(run);
    });
  });
}

/** Every backend in turn, each in its own child process. */
export async function runBackendBench(opts: BackendBenchOptions = {}): Promise<BackendRun[]> {
  const runs: BackendRun[] = [];
  const deadline = opts.timeLimitS ? Date.now() + opts.timeLimitS * 1000 : Number.POSITIVE_INFINITY;
  for (const backend of opts.backends ?? BENCH_BACKENDS) {
    const leftS = (deadline - Date.now()) / 1000;
    const childTimeoutS = Math.min(opts.childTimeoutS ?? defaultTimeoutS(opts.quick ?? false), leftS);
    const run =
      childTimeoutS < 10
        ? { backend, available: false, reason: `not run: the benchmarks' time limit (${opts.timeLimitS} s) was reached`, stage2: [], stage1: [], seconds: 0 }
        : await runBackendChild(backend, { ...opts, childTimeoutS: Math.floor(childTimeoutS) });
    runs.push(run);
    console.log(`[bench] ${summaryLine(run, opts.parts ?? ['stage2', 'stage1'])}`);
    opts.onRun?.(runs);
  }
  return runs;
}

/** Why a backend has no measurement: not installed or not loadable ("not available: …"), or not started for lack of time. */
function unavailable(run: BackendRun): string {
  return run.reason?.startsWith('not run') ? run.reason : `not available: ${run.reason ?? 'unknown reason'}`;
}

function summaryLine(run: BackendRun, parts: BenchPart[]): string {
  if (!run.available) return `${run.backend}: ${unavailable(run)}`;
  const bits: string[] = [];
  if (parts.includes('stage2')) {
    const r = run.stage2[0];
    if (!r) bits.push(`stage 2 fails: ${run.reason ?? 'no result'}`);
    else if (typeof r['median ms'] === 'number') bits.push(`stage 2 (${r.engine}) ${r['median ms']} ms/step over ${r.steps} steps`);
    else bits.push(`stage 2 (${r.engine || 'engine unknown'}) ${r.note}`);
  }
  if (parts.includes('stage1')) {
    for (const preset of BENCH_STAGE1_PRESETS) {
      const r = run.stage1.find((x) => x.preset === preset);
      if (!r) bits.push(`${preset} fails: ${run.reason ?? 'no result'}`);
      else {
        const num = (k: string) => (typeof r[k] === 'number' ? `${r[k]} seq/s` : 'fails');
        bits.push(`${preset} train ${num('train seq/s')}, forward ${num('forward seq/s')}${r.note ? ` (${r.note})` : ''}`);
      }
    }
  }
  return `${run.backend} (${run.seconds.toFixed(0)} s): ${bits.join('; ')}`;
}

const STAGE2_COLUMNS = ['engine', 'part', 'median ms', 'p10 ms', 'mean ms', 'steps', 'mean ms inside the window', 'backend', 'note'];
const STAGE1_COLUMNS = ['preset', 'blocks', 'channels', 'params', 'batch', 'frames', 'bodies', 'forward ms/batch', 'forward seq/s'];
STAGE1_COLUMNS.push('train step ms/batch', 'train seq/s', 'reps', 'backend', 'note');

/** The row with exactly `columns`, in that order (null, an empty cell, where it has none). */
function ordered(row: Row, columns: string[]): Row {
  return Object.fromEntries(columns.map((c) => [c, row[c] ?? null]));
}

/** The stage-2 rows of every backend, a "not available" or "fails" row where there is no measurement. */
export function stage2Rows(runs: BackendRun[]): Row[] {
  return runs.map((run) => {
    const part = `full step on ${run.backend}`;
    if (!run.available) return ordered({ part, backend: run.backend, note: unavailable(run) }, STAGE2_COLUMNS);
    return ordered(run.stage2[0] ?? { part, backend: run.detail, note: `fails: ${run.reason ?? 'no result'}` }, STAGE2_COLUMNS);
  });
}

/** The stage-1 rows of every backend (one per preset), a "not available" or "fails" row where there is no measurement. */
export function stage1Rows(runs: BackendRun[]): Row[] {
  const rows: Row[] = [];
  for (const run of runs) {
    if (!run.available) {
      rows.push(ordered({ preset: BENCH_STAGE1_PRESETS.join(', '), backend: run.backend, note: unavailable(run) }, STAGE1_COLUMNS));
      continue;
    }
    for (const preset of BENCH_STAGE1_PRESETS) {
      const row = run.stage1.find((r) => r.preset === preset) ?? { preset, backend: run.detail, note: `fails: ${run.reason ?? 'no result'}` };
      rows.push(ordered(row, STAGE1_COLUMNS));
    }
  }
  return rows;
}

let memo: { key: string; promise: Promise<BackendRun[]> } | undefined;

/** runBackendBench once per process and options (bench/run.ts takes its stage-2 and stage-1 rows from the same children). */
export function backendRunsOnce(opts: BackendBenchOptions): Promise<BackendRun[]> {
  const key = JSON.stringify([opts.quick ?? false, opts.parts ?? null, opts.backends ?? null]);
  if (!memo || memo.key !== key) memo = { key, promise: runBackendBench(opts) };
  return memo.promise;
}

/** Targets of a real GPU (H100 class), checked in the report of a run that had one. */
export const GPU_TARGETS = { stage2StepMs: 3, stGcnOriginalTrainSeqPerS: 500 };

/** Whether the GPU rows meet the targets (lines of the report; empty without a GPU backend). */
export function targetLines(runs: BackendRun[]): string[] {
  const lines: string[] = [];
  for (const run of runs.filter((r) => r.available && r.speed === 'gpu')) {
    const s2 = run.stage2[0]?.['median ms'];
    const st = run.stage1.find((r) => r.preset === 'st-gcn-original')?.['train seq/s'];
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    lines.push(
      `- ${run.backend}: stage-2 step ${typeof s2 === 'number' ? `${s2} ms` : 'not measured'} ` +
        `(target ≤ ${GPU_TARGETS.stage2StepMs} ms: ${verdict(typeof s2 === 'number' && s2 <= GPU_TARGETS.stage2StepMs)}); ` +
        `st-gcn-original training ${typeof st === 'number' ? `${st} seq/s` : 'not measured'} ` +
        `(target ≥ ${GPU_TARGETS.stGcnOriginalTrainSeqPerS} seq/s: ${verdict(typeof st === 'number' && st >= GPU_TARGETS.stGcnOriginalTrainSeqPerS)})`,
    );
  }
  return lines;
}

/** The whole report as markdown: both tables, the GPU targets, the machine. */
export function backendReport(runs: BackendRun[], argv: string[], seconds: number): string {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const targets = targetLines(runs);
  return [
    '# Stage-2 step and stage-1 throughput on every tfjs backend',
    '',
    `- CPU: ${cpu} (${os.cpus().length} logical cores), ${os.platform()} ${os.arch()}; Node ${process.version}, tfjs ${tf.version_core}`,
    `- date: ${new Date().toISOString()}`,
    `- command: node dist/bench/backends.js${argv.length ? ' ' + argv.join(' ') : ''} (${seconds.toFixed(1)} s)`,
    '- each backend in its own child process (FSVAE_BACKEND set); `backend` is its initBackend line (package, version, WebGPU adapter)',
    '',
    '## Stage-2 training step (reference-ntu60 preset: skeleton 256, text 1536, latent 100, batch 64)',
    '',
    'Median and p10 ms per step over the timed steps of one run, half outside the alignment window and half inside, ' +
      'weighted as in a 1700-step cycle (1401 / 299); `steps` counts the timed steps.',
    '',
    markdownTable(stage2Rows(runs)),
    '## Stage-1 throughput (sequences/s)',
    '',
    'Eval forward pass (features read back) and full SGD training step; a GPU runs the presets’ own input ' +
      '(batch 64, 2 bodies, 64 frames), wasm and tfjs-node batch 4, 1 body, 32 frames, the plain-JS cpu backend and a ' +
      'software device batch 2, 1 body, 16 frames; `reps` = timed forward/training repetitions after one warm-up.',
    '',
    markdownTable(stage1Rows(runs)),
    '## Targets on a GPU (H100 class)',
    '',
    ...(targets.length ? targets : ['- no GPU backend in this run (a software WebGPU device does not count)']),
    '',
  ].join('\n');
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: string[]): Promise<void> {
  const child = flag(argv, '--child');
  const quick = argv.includes('--quick');
  const parts = (flag(argv, '--parts')?.split(',') ?? ['stage2', 'stage1']) as BenchPart[];
  if (child) {
    await childMain(child as BackendName, quick, parts);
    return;
  }
  const only = flag(argv, '--backends')?.split(',') as BackendName[] | undefined;
  const unknown = (only ?? []).filter((b) => !BENCH_BACKENDS.includes(b));
  if (unknown.length) throw new Error(`unknown backend ${unknown.join(', ')}; expected: ${BENCH_BACKENDS.join(', ')}`);
  const t0 = Date.now();
  const out = flag(argv, '--out');
  const write = (runs: BackendRun[]) => {
    if (!out) return;
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    fs.writeFileSync(out, backendReport(runs, argv, (Date.now() - t0) / 1000));
  };
  const limit = Number(flag(argv, '--time-limit-s'));
  const runs = await runBackendBench({ quick, parts, backends: only, onRun: write, timeLimitS: limit > 0 ? limit : undefined });
  write(runs);
  console.log(`\n${backendReport(runs, argv, (Date.now() - t0) / 1000)}`);
  if (out) console.log(`wrote ${out}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    // a child exits at once: Dawn's threads would otherwise keep it alive
    () => process.stdout.write('', () => process.exit(0)),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}
