/** runWorkerJob / serveWorkerJob: the result, the events in order, the job's error and a thread that ends without an answer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { runWorkerJob } from '../../lib/runtime/worker-job';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'worker-job-fixture.js');

test('a job returns its result after its events, on the backend the caller names', async () => {
  const seen: number[] = [];
  const r = await runWorkerJob<number[], { sum: number; backend: string }, number>(FIXTURE, 'sum', 'cpu', [3, 1, 4, 1, 5], (x) => seen.push(x));
  assert.deepEqual(seen, [3, 1, 4, 1, 5]);
  assert.deepEqual(r, { sum: 14, backend: 'cpu' });
});

test("a job's error reaches the caller with its message and the worker's stack", async () => {
  await assert.rejects(runWorkerJob(FIXTURE, 'fail', 'cpu', 'bad input in the worker'), (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.equal(e.message, 'bad input in the worker');
    assert.match(e.stack ?? '', /RangeError: bad input in the worker/);
    assert.match(e.stack ?? '', /worker-job-fixture/);
    return true;
  });
});

test('a thread that ends before answering is an error naming the job and the exit code', async () => {
  await assert.rejects(runWorkerJob(FIXTURE, 'exit', 'cpu', 3), /^Error: exit worker exited with code 3 before finishing$/);
});
