/**
 * Index-map gather for the shift operations of stage 1: x [rows, innerIn] → y [rows, map.length]
 * with y[r, p] = x[r, map[p]], or 0 where map[p] = −1. For an injective map (each input position
 * used at most once: permutations, zero-padded shifts, strided subsampling) the gradient is the
 * same gather with the inverse map, so no scatter-add is needed and the result is exact; other
 * maps (im2col) use the scatter-add adjoint.
 *
 * tfjs-backend-wasm's GatherV2 costs ~35 ns per element on this layout; the kernel registered
 * here for 'wasm' and 'cpu' (plain loop over the backend's storage, as
 * lib/runtime/wasm-extra-kernels.ts does) is several times faster. Other backends use
 * tf.gather on x with a zero column appended.
 */
import * as tf from '@tensorflow/tfjs';

export const INDEX_MAP_GATHER = 'FsvaeStage1IndexMapGather';
export const INDEX_MAP_SCATTER_ADD = 'FsvaeStage1IndexMapScatterAdd';

interface Attrs {
  map: Int32Array;
  innerIn: number;
}

function gatherLoop(xv: ArrayLike<number>, ov: Float32Array | Int32Array | Uint8Array, map: Int32Array, innerIn: number, rows: number): void {
  const innerOut = map.length;
  for (let r = 0; r < rows; r++) {
    const xb = r * innerIn;
    const ob = r * innerOut;
    for (let p = 0; p < innerOut; p++) {
      const q = map[p];
      ov[ob + p] = q >= 0 ? xv[xb + q] : 0;
    }
  }
}

/** The adjoint of gatherLoop: o[r, map[p]] += y[r, p] (o zeroed first), o rows of width innerIn. */
function scatterAddLoop(yv: ArrayLike<number>, ov: Float32Array | Int32Array | Uint8Array, map: Int32Array, innerIn: number, rows: number): void {
  const innerOut = map.length;
  ov.fill(0);
  for (let r = 0; r < rows; r++) {
    const yb = r * innerOut;
    const ob = r * innerIn;
    for (let p = 0; p < innerOut; p++) {
      const q = map[p];
      if (q >= 0) ov[ob + q] += yv[yb + p];
    }
  }
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

interface CpuBackendLike {
  data: { get(id: object): { values: ArrayLike<number> } };
  write(values: Float32Array, shape: number[], dtype: tf.DataType): object;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type Loop = typeof gatherLoop;

/** Output [rows, width]: gather → width map.length; scatter-add → width innerIn. */
function makeKernels(loop: Loop, scatter: boolean): { wasm: tf.KernelFunc; cpu: tf.KernelFunc } {
  const shapeOf = (x: tf.TensorInfo, a: Attrs): number[] => {
    const size = x.shape.reduce((s, d) => s * d, 1);
    const inWidth = scatter ? a.map.length : a.innerIn;
    return [size / inWidth, scatter ? a.innerIn : a.map.length];
  };
  const wasm = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as WasmBackendLike;
    const x = args.inputs.x as tf.TensorInfo;
    const a = args.attrs as unknown as Attrs;
    const shape = shapeOf(x, a);
    const out = backend.makeOutput(shape, x.dtype);
    // views after makeOutput: allocating can grow (and detach) the heap
    loop(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), a.map, a.innerIn, shape[0]);
    return out;
  };
  const cpu = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as CpuBackendLike;
    const x = args.inputs.x as tf.TensorInfo;
    const a = args.attrs as unknown as Attrs;
    const shape = shapeOf(x, a);
    const values = new Float32Array(shape[0] * shape[1]);
    loop(backend.data.get(x.dataId).values, values, a.map, a.innerIn, shape[0]);
    return { dataId: backend.write(values, shape, 'float32') as tf.DataId, shape, dtype: 'float32' };
  };
  return { wasm: wasm as unknown as tf.KernelFunc, cpu: cpu as unknown as tf.KernelFunc };
}

let registered = false;

function ensureKernels(): void {
  if (registered) return;
  for (const [name, loop, scatter] of [
    [INDEX_MAP_GATHER, gatherLoop, false],
    [INDEX_MAP_SCATTER_ADD, scatterAddLoop, true],
  ] as const) {
    const k = makeKernels(loop, scatter);
    if (!tf.getKernel(name, 'wasm')) tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: k.wasm });
    if (!tf.getKernel(name, 'cpu')) tf.registerKernel({ kernelName: name, backendName: 'cpu', kernelFunc: k.cpu });
  }
  registered = true;
}

function gatherRows(x: tf.Tensor2D, map: Int32Array, innerIn: number): tf.Tensor2D {
  if (tf.getKernel(INDEX_MAP_GATHER, tf.getBackend())) {
    return tf.engine().runKernel(INDEX_MAP_GATHER, { x }, { map, innerIn } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  }
  return tf.tidy(() => {
    const rows = x.shape[0];
    const withZero = tf.concat([x, tf.zeros([rows, 1])], 1);
    const idx = tf.tensor1d(
      Int32Array.from(map, (q) => (q >= 0 ? q : innerIn)),
      'int32',
    );
    return tf.gather(withZero, idx, 1) as tf.Tensor2D;
  });
}

/** Adjoint of gatherRows: y [rows, map.length] → [rows, innerIn], summing where positions repeat. */
function scatterAddRows(y: tf.Tensor2D, map: Int32Array, innerIn: number): tf.Tensor2D {
  if (tf.getKernel(INDEX_MAP_SCATTER_ADD, tf.getBackend())) {
    return tf.engine().runKernel(INDEX_MAP_SCATTER_ADD, { x: y }, { map, innerIn } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  }
  return tf.tidy(() => {
    // unsortedSegmentSum over the position axis: transpose so positions lead
    const ids = tf.tensor1d(
      Int32Array.from(map, (q) => (q >= 0 ? q : innerIn)),
      'int32',
    );
    const summed = tf.unsortedSegmentSum(tf.transpose(y), ids, innerIn + 1);
    return tf.transpose(tf.slice(summed, [0, 0], [innerIn, y.shape[0]])) as tf.Tensor2D;
  });
}

/**
 * A fixed index map from innerIn input positions to map.length output positions (−1: zero),
 * applied row-wise. Its gradient is the gather with the inverse map when the map is injective,
 * else the scatter-add adjoint (e.g. im2col, where each input feeds several outputs).
 */
export class IndexMapGather {
  /** the inverse map when the map is injective, else null */
  readonly inverse: Int32Array | null;
  private readonly fn: (x: tf.Tensor2D) => tf.Tensor2D;

  constructor(
    readonly innerIn: number,
    readonly map: Int32Array,
  ) {
    ensureKernels();
    let inv: Int32Array | null = new Int32Array(innerIn).fill(-1);
    for (let p = 0; p < map.length; p++) {
      const q = map[p];
      if (q === -1) continue;
      if (!Number.isInteger(q) || q < 0 || q >= innerIn) throw new Error(`IndexMapGather: map[${p}] = ${q} is outside −1..${innerIn - 1}`);
      if (inv && inv[q] !== -1) inv = null;
      else if (inv) inv[q] = p;
    }
    this.inverse = inv;
    const innerOut = map.length;
    const body = (x: tf.Tensor) => ({
      value: gatherRows(x as tf.Tensor2D, map, innerIn),
      gradFunc: (dy: tf.Tensor) => (inv ? gatherRows(dy as tf.Tensor2D, inv, innerOut) : scatterAddRows(dy as tf.Tensor2D, map, innerIn)),
    });
    this.fn = tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D) => tf.Tensor2D;
  }

  /** x [rows, innerIn] → [rows, map.length]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    if (x.shape[1] !== this.innerIn) throw new Error(`IndexMapGather: input rows have ${x.shape[1]} values, the map expects ${this.innerIn}`);
    return this.fn(x);
  }
}
