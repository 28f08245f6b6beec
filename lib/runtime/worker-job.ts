/**
 * One job in a worker thread: the way this library hands a single task to the second core (the
 * stage-1 val-phase export, the stage-2 val phase). The thread starts on the backend the caller
 * names, runs the job, streams events back and ends with the job's result or its error.
 * stage1/data-parallel.ts keeps a long-lived worker of its own (one per training run).
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { BackendName, initBackend } from './backend';

interface WorkerJobData<J> {
  fsvaeWorkerJob: string;
  backend: BackendName;
  job: J;
}

type WorkerMessage<R, E> = { kind: 'event'; event: E } | { kind: 'done'; result: R } | { kind: 'error'; message: string; stack?: string };

/**
 * Runs the job `name` of module `file` (which calls serveWorkerJob(name, …) at load) in a worker
 * thread on `backend`; `onEvent` gets what the job emits. Rejects with the job's error (its message
 * and stack) or when the thread ends without an answer.
 */
export function runWorkerJob<J, R, E = never>(file: string, name: string, backend: BackendName, job: J, onEvent?: (e: E) => void): Promise<R> {
  const data: WorkerJobData<J> = { fsvaeWorkerJob: name, backend, job };
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData: data });
    let settled = false;
    worker.on('message', (m: WorkerMessage<R, E>) => {
      if (m.kind === 'event') onEvent?.(m.event);
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
      if (!settled) reject(new Error(`${name} worker exited with code ${code} before finishing`));
    });
  });
}

/** In a worker thread started by runWorkerJob for `name`: starts its backend and runs `work` on the job. Anywhere else: nothing. */
export function serveWorkerJob<J, R, E = never>(name: string, work: (job: J, emit: (event: E) => void) => R | Promise<R>): void {
  const data = workerData as WorkerJobData<J> | undefined;
  if (isMainThread || !parentPort || data?.fsvaeWorkerJob !== name) return;
  const port = parentPort;
  const post = (m: WorkerMessage<R, E>) => port.postMessage(m);
  (async () => {
    try {
      await initBackend({ prefer: data.backend, strict: true, quiet: true });
      post({ kind: 'done', result: await work(data.job, (event) => post({ kind: 'event', event })) });
    } catch (e) {
      post({ kind: 'error', message: (e as Error).message, stack: (e as Error).stack });
    }
  })();
}
