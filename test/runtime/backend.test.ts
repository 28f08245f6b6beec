import { test, afterEach } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { FsvaeInputError } from '../../lib/util/assert';
import { BACKEND_ENV_VAR, describeBackend, getBackendInfo, initBackend, resetBackend, type BackendName } from '../../lib/runtime/backend';

const savedEnv = process.env[BACKEND_ENV_VAR];

function setEnv(value: string | undefined): void {
  if (value === undefined) delete process.env[BACKEND_ENV_VAR];
  else process.env[BACKEND_ENV_VAR] = value;
}

afterEach(() => {
  setEnv(savedEnv);
});

/** What node_modules/<pkg>/package.json says, or undefined when not installed. */
function installedPackageName(pkg: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

const TFJS_NODE_NAME = installedPackageName('@tensorflow/tfjs-node');
const TFJS_NODE_IS_ALIAS = TFJS_NODE_NAME != null && TFJS_NODE_NAME !== '@tensorflow/tfjs-node';
const HAS_TFJS_NODE_GPU = installedPackageName('@tensorflow/tfjs-node-gpu') === '@tensorflow/tfjs-node-gpu';

test('describeBackend before initialisation says so', () => {
  resetBackend();
  assert.equal(getBackendInfo(), undefined);
  assert.match(describeBackend(), /not initialised/);
});

test('FSVAE_BACKEND=cpu forces the cpu backend (over prefer) and is cached', async () => {
  resetBackend();
  setEnv('cpu');
  const info = await initBackend({ prefer: 'wasm', quiet: true });
  assert.equal(info.name, 'cpu');
  assert.equal(info.tfBackend, 'cpu');
  assert.equal(info.package, '@tensorflow/tfjs-backend-cpu');
  assert.equal(info.wasmMatmulFix, false);
  assert.match(info.reason, /FSVAE_BACKEND=cpu/);
  assert.equal(tf.getBackend(), 'cpu');
  // Idempotent: the second call returns the cached info without re-selecting.
  setEnv('auto');
  const again = await initBackend({ quiet: true });
  assert.equal(again, info);
  assert.equal(getBackendInfo(), info);
  assert.equal(tf.getBackend(), 'cpu');
  // Environment values are case- and space-insensitive.
  resetBackend();
  setEnv(' CPU ');
  assert.equal((await initBackend({ quiet: true })).name, 'cpu');
});

test('an unknown backend name throws a clear error', async () => {
  resetBackend();
  setEnv('gpu-please');
  await assert.rejects(initBackend({ quiet: true }), (err: Error) => {
    assert.match(err.message, /unknown tfjs backend 'gpu-please'/);
    assert.match(err.message, /FSVAE_BACKEND/);
    assert.match(err.message, /auto, tensorflow-gpu, webgpu, tensorflow, wasm, cpu/);
    assert.ok(err instanceof FsvaeInputError, 'an input error: the CLI prints one line, no stack');
    return true;
  });
  setEnv(undefined);
  await assert.rejects(initBackend({ prefer: 'webgl' as BackendName, quiet: true }), /unknown tfjs backend 'webgl'/);
  // Still validated once a backend is cached.
  await initBackend({ quiet: true });
  setEnv('tpu');
  await assert.rejects(initBackend({ quiet: true }), /unknown tfjs backend 'tpu'/);
});

test('the tfjs-node alias of @tensorflow/tfjs is not taken for tfjs-node', async (t) => {
  if (!TFJS_NODE_IS_ALIAS) {
    t.skip(`@tensorflow/tfjs-node here is ${TFJS_NODE_NAME ?? 'not installed'}, not the alias`);
    return;
  }
  // Requiring the alias works but registers no native 'tensorflow' backend.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  require('@tensorflow/tfjs-node');
  assert.equal(tf.findBackendFactory('tensorflow') ?? null, null);
  assert.ok(!tf.engine().registryFactory['tensorflow']);

  // Forcing it is an error that says what to install.
  resetBackend();
  setEnv('tensorflow');
  await assert.rejects(initBackend({ quiet: true }), (err: Error) => {
    assert.match(err.message, /'tensorflow' was forced by FSVAE_BACKEND=tensorflow/);
    assert.match(err.message, /pure-JS alias of @tensorflow\/tfjs/);
    assert.match(err.message, /optional dependency tfjs-node-cpu, an alias of @tensorflow\/tfjs-node@/);
    return true;
  });

  // Auto selection skips it (and says why).
  resetBackend();
  setEnv('auto');
  const info = await initBackend({ quiet: true });
  assert.notEqual(info.name, 'tensorflow');
  assert.notEqual(info.tfBackend, 'tensorflow');
  assert.match(info.reason, /tfjs-node not installed \(tfjs-node-cpu not installed; @tensorflow\/tfjs-node is a pure-JS alias of @tensorflow\/tfjs/);

  // A non-strict preference falls back; a strict one rejects.
  resetBackend();
  setEnv(undefined);
  const fallback = await initBackend({ prefer: 'tensorflow', quiet: true });
  assert.notEqual(fallback.name, 'tensorflow');
  assert.match(fallback.reason, /requested by initBackend\(\{ prefer: 'tensorflow' \}\)/);
  resetBackend();
  await assert.rejects(
    initBackend({ prefer: 'tensorflow', strict: true, quiet: true }),
    /optional dependency tfjs-node-cpu, an alias of @tensorflow\/tfjs-node@/,
  );
});

test('forcing tensorflow-gpu without tfjs-node-gpu fails with an install hint', async (t) => {
  if (HAS_TFJS_NODE_GPU) {
    t.skip('@tensorflow/tfjs-node-gpu is installed here');
    return;
  }
  resetBackend();
  setEnv('tensorflow-gpu');
  await assert.rejects(initBackend({ quiet: true }), (err: Error) => {
    assert.match(err.message, /@tensorflow\/tfjs-node-gpu not installed/);
    assert.match(err.message, /npm install @tensorflow\/tfjs-node-gpu@/);
    assert.match(err.message, /FSVAE_BACKEND=auto/);
    return true;
  });
});

test('auto selection prints one line; on wasm the matmul fix is on', async () => {
  resetBackend();
  setEnv(undefined);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  };
  let info: Awaited<ReturnType<typeof initBackend>>;
  try {
    info = await initBackend();
  } finally {
    console.log = log;
  }
  const ours = lines.filter((l) => l.startsWith('[fsvae]'));
  assert.equal(ours.length, 1, `printed: ${JSON.stringify(lines)}`);
  assert.match(ours[0], new RegExp(`^\\[fsvae\\] tfjs backend: ${info.name} \\(`));
  assert.equal(ours[0], `[fsvae] ${describeBackend()}`);
  assert.equal(tf.getBackend(), info.tfBackend);
  if (info.name === 'wasm') {
    assert.equal(info.wasmMatmulFix, true);
    assert.match(ours[0], /@tensorflow\/tfjs-backend-wasm \d+\.\d+\.\d+/);
    assert.match(ours[0], /transposed-matmul fix on$/);
    assert.ok(tf.getKernel('BatchMatMul', 'wasm'));
    // The wasm backend actually computes.
    const y = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([2, 3]), false, true).dataSync());
    assert.deepEqual(Array.from(y), [3, 3, 3, 3]);
  }
  // Quiet: nothing printed on a cached call either way.
  lines.length = 0;
  console.log = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  };
  try {
    await initBackend({ quiet: true });
  } finally {
    console.log = log;
  }
  assert.equal(lines.length, 0);
});
