/**
 * TensorFlow.js backend selection for the project.
 *
 * `initBackend()` picks the fastest backend that actually loads, in this order:
 *   1. `tensorflow-gpu`: @tensorflow/tfjs-node-gpu (native libtensorflow with CUDA),
 *   2. `webgpu`:         @tensorflow/tfjs-backend-webgpu on Dawn's Node binding (npm `webgpu`, ./webgpu),
 *                        on a hardware adapter only; a software one (lavapipe, SwiftShader) is used
 *                        only when asked for by name (FSVAE_BACKEND=webgpu),
 *   3. `tensorflow`:     @tensorflow/tfjs-node     (native libtensorflow, CPU; installed as the optional
 *                        dependency `tfjs-node-cpu`, or by the user under its own name),
 *   4. `wasm`:           @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD, single-threaded in Node),
 *   5. `cpu`:            @tensorflow/tfjs-backend-cpu (plain JS, always there).
 * Both native packages register the tfjs backend name `tensorflow`; which one we have is told by
 * which package was loaded.
 *
 * The native packages are optional and loaded lazily with `require` inside try/catch, so this
 * module compiles and runs without them. Beware: in this repository
 * node_modules/@tensorflow/tfjs-node is an npm alias of the pure-JS @tensorflow/tfjs (an override
 * for danfojs-node); requiring it succeeds but registers no `tensorflow` backend. A native
 * package only counts when the `tensorflow` backend is registered in *our* tfjs engine after the
 * require.
 *
 * Environment: FSVAE_BACKEND=auto|tensorflow-gpu|webgpu|tensorflow|wasm|cpu. A value other than
 * `auto` forces that backend and overrides `opts.prefer`; if it cannot be loaded `initBackend`
 * rejects (an FsvaeInputError: one line) with what to install (no silent fallback).
 *
 * On wasm the transposed-matmul fix (./wasm-matmul-fix) is installed before returning.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { installWasmMatmulFix, isWasmMatmulFixInstalled } from './wasm-matmul-fix';
import { installWasmExtraKernels } from './wasm-extra-kernels';
import { TFJS_WEBGPU_PACKAGE, describeAdapter, gpuDeviceNodes, probeWebGpu } from './webgpu';
import { FsvaeInputError } from '../util/assert';

export type BackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** Our name for the backend (tells tfjs-node-gpu and tfjs-node apart). */
  name: BackendName;
  /** The tfjs backend name, as `tf.getBackend()` reports it ('tensorflow', 'wasm', 'cpu'). */
  tfBackend: string;
  /** The npm package that provides it. */
  package: string;
  /** Version of that package ('' when unknown). */
  version: string;
  /** Why this backend was chosen, including why faster ones were skipped. */
  reason: string;
  /** Whether the wasm transposed-matmul fix is installed (always false off wasm). */
  wasmMatmulFix: boolean;
}

export interface InitBackendOptions {
  /**
   * Backend to try first. `auto` (default) walks the order above. A specific name is tried first
   * and, unless `strict`, falls back to the auto order when it fails to load. FSVAE_BACKEND
   * (when set and not `auto`) overrides this and is always strict.
   */
  prefer?: BackendName | 'auto';
  /** With a specific `prefer`: reject instead of falling back when it fails to load. */
  strict?: boolean;
  /** Do not print the one-line backend description. */
  quiet?: boolean;
}

export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];
export const BACKEND_ENV_VAR = 'FSVAE_BACKEND';

const PACKAGES: Record<BackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  webgpu: TFJS_WEBGPU_PACKAGE,
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/**
 * Where the native CPU backend may be: `tfjs-node-cpu` is this project's optional dependency
 * (npm:@tensorflow/tfjs-node under another name; its install downloads libtensorflow and is
 * skipped when that fails), `@tensorflow/tfjs-node` a copy installed directly.
 */
export const TENSORFLOW_CPU_PACKAGES: readonly string[] = ['tfjs-node-cpu', '@tensorflow/tfjs-node'];

const TF_BACKENDS: Record<BackendName, string> = {
  'tensorflow-gpu': 'tensorflow',
  webgpu: 'webgpu',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

const SHORT: Record<BackendName, string> = {
  'tensorflow-gpu': 'tfjs-node-gpu',
  webgpu: 'tfjs-backend-webgpu',
  tensorflow: 'tfjs-node',
  wasm: 'tfjs-backend-wasm',
  cpu: 'tfjs-backend-cpu',
};

const TFJS_VERSION = tf.version_core;

const INSTALL_HINT: Record<BackendName, string> = {
  'tensorflow-gpu':
    `npm install @tensorflow/tfjs-node-gpu@${TFJS_VERSION} (Linux x64 with CUDA 11.x + cuDNN 8; ` + `its version must match @tensorflow/tfjs ${TFJS_VERSION})`,
  webgpu:
    `npm install (the optional dependencies webgpu and @tensorflow/tfjs-backend-webgpu@${TFJS_VERSION}) and a Vulkan ` +
    `driver: the GPU's own, or Mesa's lavapipe for a software device (bash scripts/ensure-vulkan-software.sh)`,
  tensorflow:
    `npm install on a machine that can download libtensorflow (the optional dependency tfjs-node-cpu, ` +
    `an alias of @tensorflow/tfjs-node@${TFJS_VERSION}, then installs; the copy in ` +
    `node_modules/@tensorflow/tfjs-node is the pure-JS alias installed for danfojs-node)`,
  wasm: `npm install @tensorflow/tfjs-backend-wasm@${TFJS_VERSION}`,
  cpu: `npm install @tensorflow/tfjs@${TFJS_VERSION} (it bundles @tensorflow/tfjs-backend-cpu)`,
};

/** Result of trying one backend. */
interface Attempt {
  ok: boolean;
  /** Short note for the description line, e.g. 'not installed'. */
  note: string;
  version: string;
  extra?: string;
}

let cached: BackendInfo | undefined;
/** Set when our tfjs-node-gpu attempt registered the 'tensorflow' backend. */
let gpuRegisteredTensorflow = false;
let pending: Promise<BackendInfo> | undefined;

function loose(): (id: string) => unknown {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require;
}

function packageJson(pkg: string): { name?: string; version?: string } | undefined {
  try {
    const p = require.resolve(`${pkg}/package.json`);
    return JSON.parse(fs.readFileSync(p, 'utf8')) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
}

function isMissing(err: unknown, pkg: string): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === 'MODULE_NOT_FOUND' && typeof e.message === 'string' && e.message.includes(`'${pkg}'`);
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String((err as { message?: unknown })?.message ?? err);
  return msg.split('\n')[0].slice(0, 200);
}

function tensorflowRegistered(): boolean {
  return tf.findBackendFactory('tensorflow') != null;
}

/** Try to make `name` the active tfjs backend (`byName`: asked for by name, not by the automatic order). Never throws. */
async function attempt(name: BackendName, byName: boolean): Promise<Attempt> {
  if (name === 'webgpu') return attemptWebGpu(byName);
  if (name === 'tensorflow') {
    // our optional dependency first (an npm alias, so it cannot clash with danfojs-node's
    // @tensorflow/tfjs-node alias), then a copy the user installed under the real name
    const notes: string[] = [];
    for (const pkg of TENSORFLOW_CPU_PACKAGES) {
      const a = await attemptPackage(name, pkg);
      if (a.ok) return a;
      const inner = /^not installed \((.*)\)$/.exec(a.note)?.[1];
      notes.push(inner ?? `${pkg} ${a.note}`);
    }
    return { ok: false, note: `not installed (${notes.join('; ')})`, version: '' };
  }
  return attemptPackage(name, PACKAGES[name]);
}

/** WebGPU: a hardware adapter in the automatic order; any adapter when asked for by name. */
async function attemptWebGpu(byName: boolean): Promise<Attempt> {
  const pkg = PACKAGES.webgpu;
  const version = packageJson(pkg)?.version ?? '';
  if (!byName && gpuDeviceNodes().length === 0) return { ok: false, note: 'no GPU device on this machine', version };
  if (!packageJson(pkg)) return { ok: false, note: 'not installed', version };
  const { adapter, note } = await probeWebGpu();
  if (!adapter) return { ok: false, note, version };
  if (adapter.software && !byName) {
    return { ok: false, note: `only a software adapter (${describeAdapter(adapter)}): used when ${BACKEND_ENV_VAR}=webgpu`, version };
  }
  try {
    loose()(pkg);
    if (!(await tf.setBackend('webgpu'))) return { ok: false, note: 'the webgpu backend failed to initialise', version };
    await tf.ready();
    explainSyncReads(tf.backend() as unknown as { readSync?: (id: unknown) => unknown });
  } catch (e) {
    return { ok: false, note: `failed: ${firstLine(e)}`, version };
  }
  return { ok: true, note: 'ok', version, extra: `adapter ${describeAdapter(adapter)}` };
}

/**
 * tfjs-backend-webgpu reads a GPU tensor synchronously (dataSync, arraySync) through an
 * OffscreenCanvas, which Node lacks: the bare "OffscreenCanvas is not defined" becomes a message
 * that says what failed and what works instead (await tensor.data()).
 */
function explainSyncReads(backend: { readSync?: (id: unknown) => unknown }): void {
  const readSync = backend.readSync?.bind(backend);
  if (!readSync) return;
  backend.readSync = (id: unknown) => {
    try {
      return readSync(id);
    } catch (e) {
      if (!/OffscreenCanvas/.test(String((e as Error)?.message))) throw e;
      throw new Error(
        'a synchronous read (dataSync/arraySync) of a GPU tensor on the webgpu backend: Node has no OffscreenCanvas for it; ' +
          'this code path needs an asynchronous read (await tensor.data()) to run on WebGPU',
      );
    }
  };
}

/** Backends that cannot read a tensor synchronously in Node (dataSync, arraySync). */
const ASYNC_READ_ONLY: readonly string[] = ['webgpu', 'webgl'];

/**
 * Runs `fn` with a backend that reads synchronously active (wasm, else cpu) when the active one
 * cannot (webgpu), then makes the previous one active again; elsewhere fn just runs. For
 * third-party code that reads with dataSync: tfjs-converter's graph executor reads shape and axis
 * inputs that way (the USE-Lite text encoder). Tensors made inside live on that backend: a graph
 * model loaded inside must also run inside, and results must be read (await data()) inside.
 */
export async function onSyncReadingBackend<T>(fn: () => Promise<T>): Promise<T> {
  const active = tf.getBackend();
  if (!ASYNC_READ_ONLY.includes(active)) return fn();
  let host = 'cpu';
  try {
    loose()(PACKAGES.wasm);
    if (await tf.setBackend('wasm')) {
      host = 'wasm';
      installWasmMatmulFix();
      installWasmExtraKernels();
    }
  } catch {
    /* wasm missing or failing: the cpu backend always loads */
  }
  if (host === 'cpu' && !(await tf.setBackend('cpu'))) throw new Error('onSyncReadingBackend: neither wasm nor cpu initialises');
  try {
    return await fn();
  } finally {
    await tf.setBackend(active);
  }
}

async function attemptPackage(name: BackendName, pkg: string): Promise<Attempt> {
  const pj = packageJson(pkg);
  const version = pj?.version ?? '';
  try {
    if (name === 'tensorflow-gpu' || name === 'tensorflow') {
      const had = tensorflowRegistered();
      try {
        loose()(pkg);
      } catch (e) {
        if (isMissing(e, pkg)) return { ok: false, note: 'not installed', version };
        return { ok: false, note: `failed to load: ${firstLine(e)}`, version };
      }
      // The decisive check: a native package registers the 'tensorflow' backend in our engine.
      // The npm alias of @tensorflow/tfjs at node_modules/@tensorflow/tfjs-node loads fine but
      // registers nothing.
      if (!tensorflowRegistered()) {
        const note =
          pj?.name != null && pj.name !== pkg
            ? `not installed (${pkg} is a pure-JS alias of ${pj.name}, no native binding)`
            : `loaded but registered no 'tensorflow' backend (not the native package, or another copy of tfjs-core)`;
        return { ok: false, note, version };
      }
      if (name === 'tensorflow-gpu' && !had) gpuRegisteredTensorflow = true;
      if (name === 'tensorflow' && gpuRegisteredTensorflow) {
        // tfjs-node-gpu registered 'tensorflow' (then failed to initialise); tfjs-node cannot
        // replace that registration in the same process.
        return { ok: false, note: `'tensorflow' backend already registered by tfjs-node-gpu`, version };
      }
      const ok = await tf.setBackend('tensorflow');
      if (!ok) return { ok: false, note: `the 'tensorflow' backend failed to initialise`, version };
      await tf.ready();
      return { ok: true, note: 'ok', version };
    }

    if (name === 'wasm') {
      let wasmMod: Record<string, unknown>;
      try {
        wasmMod = loose()(pkg) as Record<string, unknown>;
      } catch (e) {
        if (isMissing(e, pkg)) return { ok: false, note: 'not installed', version };
        return { ok: false, note: `failed to load: ${firstLine(e)}`, version };
      }
      const ver = version || String(wasmMod.version_wasm ?? '');
      if (!tf.engine().registry['wasm']) {
        // Point it at the .wasm binaries of the installed package (robust to bundling / cwd).
        const setWasmPaths = wasmMod.setWasmPaths as ((p: string) => void) | undefined;
        try {
          const dist = path.dirname(require.resolve(`${pkg}/dist/tfjs-backend-wasm-simd.wasm`));
          if (setWasmPaths) setWasmPaths(dist + path.sep);
        } catch {
          /* keep the package's default lookup */
        }
        // Node has no wasm threads in tfjs 4.x (the flag defaults to false there); make it explicit.
        try {
          tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
        } catch {
          /* flag not registered: nothing to do */
        }
      }
      const ok = await tf.setBackend('wasm');
      if (!ok) return { ok: false, note: 'the wasm backend failed to initialise (.wasm binary not found?)', version: ver };
      await tf.ready();
      let simd = false;
      try {
        simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      } catch {
        /* unknown */
      }
      return { ok: true, note: 'ok', version: ver, extra: `${simd ? 'SIMD' : 'no SIMD'}, 1 thread` };
    }

    // cpu
    const ok = await tf.setBackend('cpu');
    if (!ok) return { ok: false, note: 'the cpu backend failed to initialise', version };
    await tf.ready();
    return { ok: true, note: 'ok', version };
  } catch (e) {
    return { ok: false, note: `failed: ${firstLine(e)}`, version };
  }
}

function parseName(value: string, source: string): BackendName | 'auto' {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'auto') return 'auto';
  if ((BACKEND_NAMES as readonly string[]).includes(v)) return v as BackendName;
  throw new FsvaeInputError(`unknown tfjs backend '${value}' in ${source}; expected one of: auto, ${BACKEND_NAMES.join(', ')}`);
}

interface Request {
  first: BackendName | 'auto';
  strict: boolean;
  source: string;
}

function resolveRequest(opts: InitBackendOptions): Request {
  const envRaw = process.env[BACKEND_ENV_VAR];
  const fromEnv = envRaw != null ? parseName(envRaw, `${BACKEND_ENV_VAR}=${envRaw}`) : 'auto';
  const fromOpts = opts.prefer != null ? parseName(String(opts.prefer), `initBackend({ prefer: '${opts.prefer}' })`) : 'auto';
  if (fromEnv !== 'auto') return { first: fromEnv, strict: true, source: `forced by ${BACKEND_ENV_VAR}=${envRaw}` };
  if (fromOpts !== 'auto') {
    return { first: fromOpts, strict: opts.strict === true, source: `requested by initBackend({ prefer: '${fromOpts}' })` };
  }
  return { first: 'auto', strict: false, source: 'auto' };
}

function format(info: BackendInfo, extra: string | undefined, skipped: string[]): string {
  const pkgPart = [`${info.package}${info.version ? ' ' + info.version : ''}`, extra].filter(Boolean).join(', ');
  const detail = skipped.length ? `${pkgPart}; ${skipped.join(', ')}` : pkgPart;
  const fix = info.name === 'wasm' ? ` — transposed-matmul fix ${info.wasmMatmulFix ? 'on' : 'OFF'}` : '';
  return `tfjs backend: ${info.name} (${detail})${fix}`;
}

let description: string | undefined;

async function select(req: Request): Promise<BackendInfo> {
  const order: BackendName[] =
    req.first === 'auto' ? [...BACKEND_NAMES] : req.strict ? [req.first] : [req.first, ...BACKEND_NAMES.filter((n) => n !== req.first)];
  const skipped: string[] = [];
  for (const name of order) {
    const res = await attempt(name, req.first === name);
    if (!res.ok) {
      if (req.strict) {
        throw new FsvaeInputError(
          `tfjs backend '${name}' was ${req.source} but cannot be used: ${PACKAGES[name]} ${res.note}. ` +
            `To use it: ${INSTALL_HINT[name]}. Or use automatic selection (${BACKEND_ENV_VAR}=auto or unset, prefer 'auto') ` +
            'to pick the fastest available backend.',
        );
      }
      skipped.push(`${SHORT[name]} ${res.note}`);
      continue;
    }
    const wasmMatmulFix = name === 'wasm' ? installWasmMatmulFix() : false;
    if (name === 'wasm') installWasmExtraKernels();
    const reasonHead = req.first === 'auto' ? 'auto: fastest that loads' : req.source;
    const info: BackendInfo = {
      name,
      tfBackend: TF_BACKENDS[name],
      package: PACKAGES[name],
      version: res.version,
      reason: skipped.length ? `${reasonHead}; ${skipped.join(', ')}` : reasonHead,
      wasmMatmulFix,
    };
    description = format(info, res.extra, req.first === 'auto' ? skipped : [req.source, ...skipped]);
    return info;
  }
  throw new Error(`[fsvae] no tfjs backend could be initialised: ${skipped.join('; ')}`);
}

/**
 * Selects and initialises the tfjs backend (see the module comment for the order and
 * FSVAE_BACKEND). Idempotent: later calls return the cached info (the request is still
 * validated, so an unknown name always throws). The call that makes the selection prints one
 * line unless `quiet`.
 */
export async function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const req = resolveRequest(opts); // throws on unknown names, even when cached
  if (cached) return cached;
  if (!pending) {
    pending = select(req).then(
      (info) => {
        cached = info;
        pending = undefined;
        if (!opts.quiet) console.log(`[fsvae] ${describeBackend()}`);
        return info;
      },
      (err: unknown) => {
        pending = undefined;
        throw err;
      },
    );
  }
  return pending;
}

/** The info of the backend chosen by `initBackend`, or undefined before it has run. */
export function getBackendInfo(): BackendInfo | undefined {
  if (cached && cached.name === 'wasm') cached.wasmMatmulFix = isWasmMatmulFixInstalled();
  return cached;
}

/** One line describing the active backend (what `initBackend` prints, without the prefix). */
export function describeBackend(): string {
  const info = getBackendInfo();
  if (!info || description == null) {
    let current = 'none';
    try {
      current = tf.getBackend() ?? 'none';
    } catch {
      /* no backend */
    }
    return `tfjs backend: not initialised by initBackend (tf.getBackend() = ${current})`;
  }
  // Keep the fix flag current (benchmarks may uninstall/reinstall it).
  return description.replace(/transposed-matmul fix (on|OFF)$/, `transposed-matmul fix ${info.wasmMatmulFix ? 'on' : 'OFF'}`);
}

/**
 * Forgets the cached selection so the next `initBackend` selects again (tests, benchmarks).
 * Does not unregister backends or uninstall the wasm fix.
 */
export function resetBackend(): void {
  cached = undefined;
  description = undefined;
}
