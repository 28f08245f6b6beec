/**
 * Direct access to tensor storage on the backends that keep it in JS-visible memory: the wasm
 * heap (tfjs-backend-wasm) and plain typed arrays (tfjs-backend-cpu). It lets hand-written loops
 * read a kernel's output and write the next kernel's input without a copy in between.
 *
 * Views of the wasm heap are invalidated when the heap grows (any allocation may grow it), so take
 * views right before a loop and after every allocation the loop needs.
 */
import * as tf from '@tensorflow/tfjs';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

interface CpuBackendLike {
  data: { get(id: object): { values: unknown } };
}

export type HostMemoryKind = 'wasm' | 'cpu';

/** 'wasm' or 'cpu' when the active backend's float32 storage can be viewed from JS, else null. */
export function hostMemoryKind(): HostMemoryKind | null {
  const name = tf.getBackend();
  if (name === 'wasm' && typeof (tf.backend() as unknown as WasmBackendLike).typedArrayFromHeap === 'function') return 'wasm';
  if (name === 'cpu' && (tf.backend() as unknown as CpuBackendLike).data) return 'cpu';
  return null;
}

/** A float32 view of `t`'s storage (no copy). Throws on backends without host memory. */
export function hostView(t: tf.TensorInfo): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`hostView: expected a float32 tensor, got ${t.dtype}`);
  const kind = hostMemoryKind();
  if (kind === 'wasm') return (tf.backend() as unknown as WasmBackendLike).typedArrayFromHeap(t);
  if (kind === 'cpu') {
    const v = (tf.backend() as unknown as CpuBackendLike).data.get(t.dataId).values;
    if (!(v instanceof Float32Array)) throw new Error('hostView: cpu storage is not a Float32Array');
    return v;
  }
  throw new Error(`hostView: backend '${tf.getBackend()}' keeps tensors outside JS memory`);
}

/**
 * A new float32 tensor of `shape` whose storage is allocated but NOT initialised (wasm: fresh
 * heap memory; cpu: a zeroed array). Fill it through hostView before use.
 */
export function allocateTensor<R extends tf.Rank>(shape: number[]): tf.Tensor<R> {
  const kind = hostMemoryKind();
  if (kind === 'wasm') {
    const info = (tf.backend() as unknown as WasmBackendLike).makeOutput(shape, 'float32');
    return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
  }
  if (kind === 'cpu') return tf.tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape as number[], 'float32') as unknown as tf.Tensor<R>;
  throw new Error(`allocateTensor: backend '${tf.getBackend()}' keeps tensors outside JS memory`);
}

/** A new tensor of `shape` filled by `fill(view)` (no intermediate array). */
export function tensorFrom<R extends tf.Rank>(shape: number[], fill: (view: Float32Array) => void): tf.Tensor<R> {
  const t = allocateTensor<R>(shape);
  fill(hostView(t));
  return t;
}
