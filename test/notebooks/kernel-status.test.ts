/**
 * The kernel status fix of scripts/tslab-kernel.js (the launcher the project's kernelspecs start instead of
 * node_modules/.bin/tslab): while any request is in flight the last IOPub status is "busy", and every request
 * still gets exactly one busy ... idle pair with its own parent.
 * (a) tslab's real ZmqServer.prototype.handleShellMessage/publishStatus, fed crafted signed frames, with fake
 *     sockets and a fake handler; the same checks are shown to fail on tslab unpatched.
 * (b) the registered kernel started through jupyter_client on Debian's python3 (skipped when that is missing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHmac } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../lib/data/paths';

const root = repoRoot();
const launcher = path.join(root, 'scripts', 'tslab-kernel.js');
const { patchKernelStatus, patchHeartbeatShutdown } = require(launcher) as { patchKernelStatus: <T>(cls: T) => T; patchHeartbeatShutdown: <T>(cls: T) => T };
const tslabDist = path.join(root, 'node_modules', 'tslab', 'dist');
const { ZmqServer } = require(path.join(tslabDist, 'jupyter.js')) as { ZmqServer: new (...a: unknown[]) => unknown };
const { TaskQueue } = require(path.join(tslabDist, 'util.js')) as { TaskQueue: new () => { add<T>(fn: () => Promise<T>): Promise<T> } };

/** One IOPub status message: the state and the msg_id of its parent request. */
type Status = [state: string, parent: string];

/**
 * The protocol checks on a sequence of status messages, for the requests `ids` (in arrival order):
 * each request has exactly one idle, nothing of it comes after that idle, and after every idle, while
 * any request is still in flight (busy seen, idle not yet), the next status is "busy" with the parent
 * of the oldest of them; the last status is "idle".
 */
function checkStatuses(seq: Status[], ids: string[]): void {
  const show = seq.map(([s, p]) => `${s} ${p}`).join(', ');
  for (const id of ids) {
    const mine = seq.filter(([, p]) => p === id);
    assert.equal(mine.filter(([s]) => s === 'idle').length, 1, `one idle for ${id}: ${show}`);
    assert.deepEqual(mine[0], ['busy', id], `${id} starts with busy: ${show}`);
    assert.deepEqual(mine[mine.length - 1], ['idle', id], `nothing for ${id} after its idle: ${show}`);
  }
  const inFlight: string[] = [];
  seq.forEach(([state, parent], i) => {
    if (state === 'busy' && !inFlight.includes(parent)) inFlight.push(parent);
    if (state !== 'idle') return;
    inFlight.splice(inFlight.indexOf(parent), 1);
    if (inFlight.length > 0) {
      assert.deepEqual(seq[i + 1], ['busy', inFlight[0]], `status ${i} (idle ${parent}) is followed by busy ${inFlight[0]}: ${show}`);
    }
  });
  assert.equal(seq[seq.length - 1]?.[0], 'idle', `the last status is idle: ${show}`);
}

const KEY = 'test-key';
const DELIM = Buffer.from('<IDS|MSG>');

/** A signed shell request as the ZMQ router hands it to tslab: [identity, <IDS|MSG>, hmac, header, parent, metadata, content]. */
function request(msgId: string, msgType: string, content: object): Buffer[] {
  const header = { msg_id: msgId, msg_type: msgType, session: 'test', username: 'test', date: new Date().toISOString(), version: '5.3' };
  const parts = [header, {}, {}, content].map((o) => JSON.stringify(o));
  const hmac = createHmac('sha256', KEY);
  for (const p of parts) hmac.update(p);
  return [Buffer.from('client'), DELIM, Buffer.from(hmac.digest('hex')), ...parts.map((p) => Buffer.from(p))];
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

/**
 * A ZmqServer of class `Cls` (tslab's, patched or not) without sockets: IOPub status messages are recorded,
 * shell replies are dropped. Execute requests run `work(code)`, serialized like tslab's execQueue unless `serial`
 * is false (then a later short cell can end before an earlier long one, like a kernel_info request does).
 */
function fakeServer(Cls: new (...a: unknown[]) => unknown, work: (code: string) => Promise<void>, serial = true) {
  const statuses: Status[] = [];
  const server = Object.create(Cls.prototype) as { handleShellMessage(sock: unknown, ...frames: Buffer[]): Promise<void> } & Record<string, unknown>;
  const queue = new TaskQueue();
  server.connInfo = { key: KEY };
  server.iopub = {
    send(frames: (Buffer | string)[]) {
      const at = frames.findIndex((f) => Buffer.isBuffer(f) && f.equals(DELIM));
      const [header, parent, , content] = frames.slice(at + 2).map((f) => JSON.parse(String(f)));
      if (header.msg_type === 'status') statuses.push([content.execution_state, parent.msg_id]);
    },
  };
  server.handler = {
    handleKernel: () => ({ protocol_version: '5.3' }),
    handleExecute: async (req: { code: string }) => {
      const count = await (serial ? queue.add(() => work(req.code).then(() => 1)) : work(req.code).then(() => 1));
      return { status: 'ok', execution_count: count };
    },
  };
  const shell = {
    send() {
      /* the reply is not checked here */
    },
  };
  const send = (frames: Buffer[]) => server.handleShellMessage(shell, ...frames); // not awaited, like tslab's loop
  return { statuses, send };
}

/** A (long cell) arrives, then B (short, or a kernel_info request), which ends while A still runs. */
async function overlapping(Cls: new (...a: unknown[]) => unknown, second: 'execute' | 'kernel_info') {
  const a = deferred();
  const { statuses, send } = fakeServer(Cls, (code) => (code === 'A' ? a.promise : Promise.resolve()), false);
  const doneA = send(request('A', 'execute_request', { code: 'A' }));
  await ticks();
  const doneB = send(second === 'execute' ? request('B', 'execute_request', { code: 'B' }) : request('B', 'kernel_info_request', {}));
  await doneB;
  await ticks();
  const whileARuns = statuses[statuses.length - 1];
  a.resolve();
  await doneA;
  return { statuses, whileARuns };
}

class Patched extends (ZmqServer as new (...a: unknown[]) => object) {}
patchKernelStatus(Patched);
class Unpatched extends (ZmqServer as new (...a: unknown[]) => object) {}

test('patched tslab: a request that ends while another runs is followed by busy of the one still running', async () => {
  for (const second of ['execute', 'kernel_info'] as const) {
    const { statuses, whileARuns } = await overlapping(Patched, second);
    assert.deepEqual(
      statuses,
      [
        ['busy', 'A'],
        ['busy', 'B'],
        ['idle', 'B'],
        ['busy', 'A'],
        ['idle', 'A'],
      ],
      second,
    );
    assert.deepEqual(whileARuns, ['busy', 'A'], `${second}: the status while A runs`);
    checkStatuses(statuses, ['A', 'B']);
  }
});

test('unpatched tslab fails the same checks (idle is the last status while A runs)', async () => {
  for (const second of ['execute', 'kernel_info'] as const) {
    const { statuses, whileARuns } = await overlapping(Unpatched, second);
    assert.deepEqual(
      statuses,
      [
        ['busy', 'A'],
        ['busy', 'B'],
        ['idle', 'B'],
        ['idle', 'A'],
      ],
      second,
    );
    assert.deepEqual(whileARuns, ['idle', 'B'], second);
    assert.throws(() => checkStatuses(statuses, ['A', 'B']), /followed by busy A/);
  }
});

test('patched tslab: a single request gets exactly busy, idle', async () => {
  for (const type of ['execute_request', 'kernel_info_request']) {
    const { statuses, send } = fakeServer(Patched, () => ticks());
    await send(request('A', type, { code: 'A' }));
    await ticks();
    assert.deepEqual(
      statuses,
      [
        ['busy', 'A'],
        ['idle', 'A'],
      ],
      type,
    );
  }
});

test('patched tslab: Run All (short, long, short cells queued at once) stays busy until the last cell ends', async () => {
  const long = deferred();
  const { statuses, send } = fakeServer(Patched, (code) => (code === 'c2' ? long.promise : Promise.resolve()));
  const done = ['c1', 'c2', 'c3'].map((id) => send(request(id, 'execute_request', { code: id })));
  await done[0];
  await ticks();
  assert.deepEqual(statuses, [
    ['busy', 'c1'],
    ['busy', 'c2'],
    ['busy', 'c3'],
    ['idle', 'c1'],
    ['busy', 'c2'],
  ]);
  long.resolve();
  await Promise.all(done);
  await ticks();
  assert.deepEqual(statuses.slice(5), [
    ['idle', 'c2'],
    ['busy', 'c3'],
    ['idle', 'c3'],
  ]);
  checkStatuses(statuses, ['c1', 'c2', 'c3']);
  // the same run on tslab unpatched: idle c1 is the last status while c2 runs
  const long2 = deferred();
  const un = fakeServer(Unpatched, (code) => (code === 'c2' ? long2.promise : Promise.resolve()));
  const done2 = ['c1', 'c2', 'c3'].map((id) => un.send(request(id, 'execute_request', { code: id })));
  await done2[0];
  await ticks();
  assert.deepEqual(un.statuses[un.statuses.length - 1], ['idle', 'c1']);
  long2.resolve();
  await Promise.all(done2);
  assert.throws(() => checkStatuses(un.statuses, ['c1', 'c2', 'c3']));
});

test('patchKernelStatus is idempotent and leaves the parent class alone', () => {
  const before = (Patched.prototype as { publishStatus: unknown }).publishStatus;
  patchKernelStatus(Patched);
  assert.equal((Patched.prototype as { publishStatus: unknown }).publishStatus, before);
  assert.notEqual((ZmqServer.prototype as { publishStatus: unknown }).publishStatus, before);
});

// (b) end to end, through Jupyter
const PY = '/usr/bin/python3';
const hasClient = spawnSync(PY, ['-c', 'import jupyter_client'], { stdio: 'ignore' }).status === 0;
const specArgv = (name: string): string[] | null => {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, '.jupyter-home', 'share', 'jupyter', 'kernels', name, 'kernel.json'), 'utf8')).argv;
  } catch {
    return null;
  }
};
const registered = ['tslab', 'jslab'].every((k) => specArgv(k)?.[1] === launcher);
const e2eSkip = !hasClient
  ? `${PY} has no jupyter_client (sudo apt-get install -y python3-jupyter-client)`
  : !registered
    ? 'tslab/jslab kernels not registered through scripts/tslab-kernel.js: run bash scripts/register-kernel.sh'
    : false;

// Starts the kernel, sends A (a 3 s cell), B (1 + 1) and, 1 s later, a kernel_info request K; prints the IOPub
// status messages ([state, A|B|K or the parent msg_id]) until all three are idle and 0.5 s more.
const E2E = `
import json, queue, sys, time
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name=sys.argv[1], startup_timeout=60)
try:
    ids = {kc.execute("await new Promise(r => setTimeout(r, 3000))"): "A", kc.execute("1 + 1"): "B"}
    time.sleep(1.0)
    ids[kc.kernel_info()] = "K"
    statuses, idle, end = [], set(), time.time() + 30
    while time.time() < end:
        try:
            msg = kc.get_iopub_msg(timeout=0.5)
        except queue.Empty:
            if len(idle) == 3:
                break
            continue
        if msg["msg_type"] == "status":
            pid = msg["parent_header"].get("msg_id")
            statuses.append([msg["content"]["execution_state"], ids.get(pid, pid)])
            if statuses[-1] == ["idle", ids.get(pid)]:
                idle.add(pid)
    replies = {}
    while len(replies) < 3:  # skips leftover kernel_info replies of the start-up
        r = kc.get_shell_msg(timeout=10)
        if r["parent_header"].get("msg_id") in ids:
            replies[ids[r["parent_header"]["msg_id"]]] = [r["msg_type"], r["content"].get("status")]
    print(json.dumps({"statuses": statuses, "replies": replies}))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    del kc, km
`;

for (const kernel of ['tslab', 'jslab']) {
  test(`${kernel} kernel through Jupyter: busy while a 3 s cell runs, across a second cell and a kernel_info request`, {
    skip: e2eSkip,
    timeout: 60_000,
  }, () => {
    const r = spawnSync('bash', ['-c', `eval "$(bash scripts/register-kernel.sh --print-env)"; exec ${PY} -c "$1" "$2"`, 'e2e', E2E, kernel], {
      cwd: root,
      encoding: 'utf8',
      timeout: 50_000,
    });
    assert.equal(r.status, 0, `the jupyter_client script failed:\n${r.stdout}\n${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { statuses: Status[]; replies: Record<string, unknown> };
    const ok = ['execute_reply', 'ok'];
    assert.deepEqual(out.replies, { A: ok, B: ok, K: ['kernel_info_reply', null] }); // tslab's kernel_info_reply has no status
    const ours = out.statuses.filter(([, p]) => ['A', 'B', 'K'].includes(p));
    assert.deepEqual(ours, out.statuses, 'no status messages of other requests');
    checkStatuses(out.statuses, ['A', 'B', 'K']);
    // K was answered while A ran: its idle came before A's, and was followed by busy A
    const iK = out.statuses.findIndex(([s, p]) => s === 'idle' && p === 'K');
    const iA = out.statuses.findIndex(([s, p]) => s === 'idle' && p === 'A');
    assert.ok(iK >= 0 && iK < iA, `K answered while A ran: ${JSON.stringify(out.statuses)}`);
  });
}

test('a heartbeat on a closed Reply socket is ignored; other sockets and other errors still throw', () => {
  const closed = () => Object.assign(new Error('Socket is closed'), { code: 'EBADF' });
  class Socket {
    constructor(private readonly failWith: () => Error) {
      Object.freeze(this); // like zeromq's sockets: send can only be changed on the prototype
    }
    send(m: string): unknown {
      if (m === 'async') return Promise.reject(this.failWith());
      throw this.failWith();
    }
  }
  class Reply extends Socket {}
  class Publisher extends Socket {}
  assert.throws(() => new Reply(closed).send('sync'), /Socket is closed/);
  patchHeartbeatShutdown(Reply);
  patchHeartbeatShutdown(Reply);
  assert.equal(new Reply(closed).send('sync'), undefined);
  return Promise.all([
    assert.doesNotReject(new Reply(closed).send('async') as Promise<unknown>),
    assert.rejects(new Publisher(closed).send('async') as Promise<unknown>, /Socket is closed/),
  ]).then(() => {
    assert.throws(() => new Publisher(closed).send('sync'), /Socket is closed/);
    assert.throws(() => new Reply(() => new Error('boom')).send('sync'), /boom/);
  });
});
