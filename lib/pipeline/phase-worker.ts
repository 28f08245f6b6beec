/**
 * Runs one stage-2/3 phase in a worker thread, so the train and val phases of a seed use both
 * cores (each thread has its own tfjs engine and backend). Same numbers as running in the main
 * thread on the same backend: each phase has its own model and random stream.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend, getBackendInfo, BackendName } from '../runtime/backend';
import { FsvaeConfig } from '../train/config';
import { CycleRecord, Stage2Engine, Stage2Inputs, Stage2Progress, Stage2Result, trainStage2 } from '../train/stage2';

interface PhaseJob {
  cfg: FsvaeConfig;
  inputs: Stage2Inputs;
  seed: number;
  checkpointDir?: string;
  backend: BackendName;
  /** as Stage2Options.engine; callers pass the engine they resolved on the main thread. */
  engine?: Stage2Engine;
}

type PhaseMessage =
  | { kind: 'progress'; p: Stage2Progress }
  | { kind: 'cycle'; c: CycleRecord }
  | { kind: 'done'; result: Stage2Result }
  | { kind: 'error'; message: string; stack?: string };

/**
 * True when a second core is available for a worker thread, unless FSVAE_SEQUENTIAL_PHASES=1 (set
 * for processes that already run side by side, one per core: see lib/experiments/local-shards.ts).
 */
export function canRunPhasesInParallel(): boolean {
  if (process.env.FSVAE_SEQUENTIAL_PHASES === '1') return false;
  return (os.availableParallelism?.() ?? os.cpus().length) >= 2;
}

/** The backend of the main thread, for a worker: initBackend's choice, else the active tfjs backend when it is cpu, else wasm. */
function mainThreadBackend(): BackendName {
  const info = getBackendInfo();
  if (info) return info.name;
  return tf.getBackend() === 'cpu' ? 'cpu' : 'wasm';
}

/**
 * trainStage2 in a worker thread (the backend of the main thread is used there too). Give
 * `engine` as resolved on the main thread ('fused' or 'autodiff'): the worker then trains with it
 * or fails, never picks another one.
 */
export function trainStage2InWorker(
  cfg: FsvaeConfig,
  inputs: Stage2Inputs,
  opts: { seed: number; checkpointDir?: string; engine?: Stage2Engine; onProgress?: (p: Stage2Progress) => void; onCycle?: (c: CycleRecord) => void },
): Promise<Stage2Result> {
  const job: PhaseJob = { cfg, inputs, seed: opts.seed, checkpointDir: opts.checkpointDir, backend: mainThreadBackend(), engine: opts.engine };
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: job });
    let settled = false;
    worker.on('message', (m: PhaseMessage) => {
      if (m.kind === 'progress') opts.onProgress?.(m.p);
      else if (m.kind === 'cycle') opts.onCycle?.(m.c);
      else if (m.kind === 'done') {
        settled = true;
        resolve(m.result);
      } else {
        settled = true;
        const e = new Error(m.message);
        e.stack = m.stack;
        reject(e);
      }
    });
    worker.on('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`stage-2 worker exited with code ${code} before finishing`));
    });
  });
}

if (!isMainThread && parentPort && (workerData as PhaseJob | undefined)?.cfg) {
  const job = workerData as PhaseJob;
  const port = parentPort;
  (async () => {
    try {
      await initBackend({ prefer: job.backend, strict: true, quiet: true });
      const result = trainStage2(job.cfg, job.inputs, {
        seed: job.seed,
        checkpointDir: job.checkpointDir,
        engine: job.engine,
        onProgress: (p) => port.postMessage({ kind: 'progress', p } satisfies PhaseMessage),
        onCycle: (c) => port.postMessage({ kind: 'cycle', c } satisfies PhaseMessage),
      });
      port.postMessage({ kind: 'done', result } satisfies PhaseMessage);
    } catch (e) {
      port.postMessage({ kind: 'error', message: (e as Error).message, stack: (e as Error).stack } satisfies PhaseMessage);
    }
  })();
}
