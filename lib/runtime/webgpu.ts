/**
 * WebGPU in Node for @tensorflow/tfjs-backend-webgpu: the npm package `webgpu` ships Dawn's Node
 * binding prebuilt (no download at install), and `navigator.gpu` is made from it. Dawn runs on a
 * Vulkan driver: a GPU's own, or Mesa's lavapipe, a software device on the CPU (Mesa 25 from
 * Debian's bookworm-backports: scripts/ensure-vulkan-software.sh) that serves for correctness, not
 * speed. Both packages are optional dependencies, loaded lazily.
 */
import * as fs from 'node:fs';

export const WEBGPU_PACKAGE = 'webgpu';
export const TFJS_WEBGPU_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

export interface WebGpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** a CPU implementation (lavapipe/llvmpipe, SwiftShader, WARP) or the adapter says it is a fallback. */
  software: boolean;
}

/** Names of adapters that run on the CPU. */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|warp|software|microsoft basic render/i;

/** Whether the adapter is a software one (see WebGpuAdapter.software). */
export function isSoftwareAdapter(a: Omit<WebGpuAdapter, 'software'>, fallbackFlag = false): boolean {
  return fallbackFlag || SOFTWARE_ADAPTER.test(`${a.vendor} ${a.architecture} ${a.device} ${a.description}`);
}

/** "vendor device (description)", without empty or repeated parts. */
export function describeAdapter(a: WebGpuAdapter): string {
  const parts = [a.vendor, a.device].filter(Boolean);
  const head = parts.join(' ') || 'unnamed adapter';
  const desc = a.description && !head.includes(a.description) ? ` (${a.description})` : '';
  return `${head}${desc}${a.software ? ', software' : ''}`;
}

/**
 * Device nodes of a GPU on this machine (Linux DRM render nodes, NVIDIA, WSL): the automatic
 * backend choice looks for a WebGPU adapter only when one exists, so a CPU-only machine never
 * starts Dawn (which also prints driver warnings on stderr).
 */
export function gpuDeviceNodes(dev = '/dev'): string[] {
  const found: string[] = [];
  try {
    for (const f of fs.readdirSync(dev)) if (/^nvidia\d+$/.test(f) || f === 'dxg') found.push(`${dev}/${f}`);
  } catch {
    return found;
  }
  try {
    for (const f of fs.readdirSync(`${dev}/dri`)) if (/^renderD\d+$/.test(f)) found.push(`${dev}/dri/${f}`);
  } catch {
    /* no DRM */
  }
  return found;
}

interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<null | {
    info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
    isFallbackAdapter?: boolean;
  }>;
}

/**
 * Makes `navigator.gpu` from Dawn's Node binding (once) and asks it for an adapter. Never throws:
 * `note` says what is missing (the package, a Vulkan driver) when there is no adapter.
 */
export async function probeWebGpu(): Promise<{ adapter: WebGpuAdapter | null; note: string }> {
  const g = globalThis as unknown as { navigator?: { gpu?: GpuLike } };
  if (!g.navigator?.gpu) {
    let mod: { create: (flags: string[]) => GpuLike; globals: Record<string, unknown> };
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      mod = require(WEBGPU_PACKAGE);
    } catch (e) {
      const missing = (e as { code?: string }).code === 'MODULE_NOT_FOUND' || (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
      return { adapter: null, note: missing ? `${WEBGPU_PACKAGE} not installed` : `${WEBGPU_PACKAGE} failed to load: ${(e as Error).message.split('\n')[0]}` };
    }
    // GPUBufferUsage, GPUMapMode, ... are globals in a browser; tfjs-backend-webgpu uses them.
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    const gpu = mod.create([]);
    if (g.navigator) Object.assign(g.navigator, { gpu });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  let raw: Awaited<ReturnType<GpuLike['requestAdapter']>>;
  try {
    raw = await g.navigator!.gpu!.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { adapter: null, note: `requestAdapter failed: ${(e as Error).message.split('\n')[0]}` };
  }
  if (!raw) return { adapter: null, note: 'no WebGPU adapter (no Vulkan driver: a GPU driver, or scripts/ensure-vulkan-software.sh for a software one)' };
  const info = raw.info ?? {};
  const base = { vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '', description: info.description ?? '' };
  const adapter = { ...base, software: isSoftwareAdapter(base, Boolean(info.isFallbackAdapter ?? raw.isFallbackAdapter)) };
  return { adapter, note: 'ok' };
}
