/**
 * WebAssembly SIMD kernels (kernels/simd-kernels.wat) that run on the tfjs-backend-wasm heap
 * itself: the module imports the backend's memory, so a kernel reads and writes tensor storage
 * by byte offset, with no copy in or out. Used for the loops that tfjs has no single kernel for
 * (the fused Adam update, the text band-gain gradient). Available only on the wasm backend;
 * FSVAE_SIMD_KERNELS=0 turns them off (callers then use their plain-JS loops).
 */
import * as tf from '@tensorflow/tfjs';
import { SIMD_KERNELS_WASM_BASE64 } from './kernels/simd-kernels-wasm';

export interface SimdKernels {
  /** Adam over n float32 values (byte offsets): m, v in place, new parameter values to `out`. */
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    out: number,
    n: number,
    beta1: number,
    beta2: number,
    stepSize: number,
    invSqrtC2: number,
    eps: number,
  ): void;
  /** The same on a rows×cols matrix, also writing the new values transposed (cols×rows) to `outT`. */
  adamTransposing(
    p: number,
    g: number,
    m: number,
    v: number,
    out: number,
    outT: number,
    rows: number,
    cols: number,
    beta1: number,
    beta2: number,
    stepSize: number,
    invSqrtC2: number,
    eps: number,
  ): void;
  /** Σ_j a[j]·b[j] over n float32 values at byte offsets a, b (float32 accumulation in 4 lanes). */
  dot(a: number, b: number, n: number): number;
  /** out[j] = Σ_k g[k]·P[k·n + j], j < n: K contiguous rows of n floats at P mixed by the K floats at g. */
  combineRows(out: number, P: number, g: number, K: number, n: number): void;
  /**
   * One decoder's reconstruction pass outside the alignment window (see reconstructionPass in
   * lib/train/fused-step.ts, its JS twin): pre-activations D×B (B a multiple of 4), bias, target
   * D×B → gradient D×B and B×D, bias gradient; returns Σ(y − target)².
   */
  /** dst (cols×rows) ← src (rows×cols) transposed (byte offsets; the two must not overlap). */
  transpose(src: number, rows: number, cols: number, dst: number): void;
  /** yT ← act(yT + b) in place (D×R, R a multiple of 4; relu when relu ≠ 0). */
  biasActivation(yT: number, bias: number, D: number, R: number, relu: number): void;
  /** Columns col0.. of outT (D×R) vs targetT (D×B): gradT there ← c·(out − target); returns Σ(out − target)². */
  mseColumns(outT: number, targetT: number, gradT: number, col0: number, D: number, B: number, R: number, c: number): number;
  /** dist[i] = Σ_d (aT[d,i] − outT[d,col0+i])² (B floats at dist). */
  squaredDistances(aT: number, outT: number, col0: number, D: number, B: number, R: number, dist: number): void;
  /** dst[d,j] = src[d, idx[j]] (D×B float32, B int32 indices). */
  gatherColumns(src: number, D: number, B: number, idx: number, dst: number): void;
  /** gradT[d,col0+j] = cPos[j]·(out − a[d,j]) + cNeg[j]·(out − aNeg[d,j]) (assigned). */
  alignmentGradient(gradT: number, outT: number, aT: number, aNegT: number, cPos: number, cNeg: number, col0: number, D: number, B: number, R: number): void;
  /** gradT ← gradT·act'(y) in place, also as rows (R×D), summed per feature into biasGrad. */
  activationGradient(yT: number, gradT: number, gradRows: number, biasGrad: number, D: number, R: number, relu: number): void;
  reconstructionPass(
    preT: number,
    bias: number,
    targetT: number,
    gradT: number,
    gradRows: number,
    biasGrad: number,
    B: number,
    D: number,
    relu: number,
    c: number,
  ): number;
}

interface WasmBackendLike {
  wasm?: { asm?: { memory?: unknown } };
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
}

/** The parts of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
interface WebAssemblyApi {
  Memory: new (...args: never[]) => object;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const WA = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let cached: { memory: object; kernels: SimdKernels } | null = null;

/** The kernels bound to the active wasm backend's heap, or null (other backend, disabled, or no wasm SIMD). */
export function simdKernels(): SimdKernels | null {
  if (tf.getBackend() !== 'wasm' || process.env.FSVAE_SIMD_KERNELS === '0') return null;
  const memory = (tf.backend() as unknown as WasmBackendLike).wasm?.asm?.memory;
  if (!(memory instanceof WA.Memory)) return null;
  if (cached && cached.memory === memory) return cached.kernels;
  try {
    const module = new WA.Module(Buffer.from(SIMD_KERNELS_WASM_BASE64, 'base64'));
    const instance = new WA.Instance(module, { env: { memory } });
    cached = { memory, kernels: instance.exports as unknown as SimdKernels };
    return cached.kernels;
  } catch {
    return null; // an engine without wasm SIMD: callers fall back to JS loops
  }
}

/** Byte offset of a wasm-backend tensor's storage in the heap. */
export function heapOffset(t: tf.TensorInfo): number {
  const entry = (tf.backend() as unknown as WasmBackendLike).dataIdMap.get(t.dataId);
  if (!entry) throw new Error('heapOffset: tensor is not on the wasm backend (or was disposed)');
  return entry.memoryOffset;
}
