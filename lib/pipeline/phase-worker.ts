/**
 * Runs one stage-2/3 phase in a worker thread, so the train and val phases of a seed use both
 * cores (each thread has its own tfjs engine and backend). Same numbers as running in the main
 * thread on the same backend: each phase has its own model and random stream.
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { getBackendInfo, BackendName } from '../runtime/backend';
import { runWorkerJob, serveWorkerJob } from '../runtime/worker-job';
import { FsvaeConfig } from '../train/config';
import { CycleRecord, Stage2Engine, Stage2Inputs, Stage2Progress, Stage2Result, trainStage2 } from '../train/stage2';

const PHASE_JOB = 'stage-2';

interface PhaseJob {
  cfg: FsvaeConfig;
  inputs: Stage2Inputs;
  seed: number;
  checkpointDir?: string;
  /** as Stage2Options.engine; callers pass the engine they resolved on the main thread. */
  engine?: Stage2Engine;
}

type PhaseEvent = { kind: 'progress'; p: Stage2Progress } | { kind: 'cycle'; c: CycleRecord };

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
  const job: PhaseJob = { cfg, inputs, seed: opts.seed, checkpointDir: opts.checkpointDir, engine: opts.engine };
  return runWorkerJob<PhaseJob, Stage2Result, PhaseEvent>(__filename, PHASE_JOB, mainThreadBackend(), job, (e) => {
    if (e.kind === 'progress') opts.onProgress?.(e.p);
    else opts.onCycle?.(e.c);
  });
}

serveWorkerJob<PhaseJob, Stage2Result, PhaseEvent>(PHASE_JOB, (job, emit) =>
  trainStage2(job.cfg, job.inputs, {
    seed: job.seed,
    checkpointDir: job.checkpointDir,
    engine: job.engine,
    onProgress: (p) => emit({ kind: 'progress', p }),
    onCycle: (c) => emit({ kind: 'cycle', c }),
  }),
);
