/**
 * Work-around for the slow transposed matmul of @tensorflow/tfjs-backend-wasm 4.22.
 *
 * The wasm `BatchMatMul` and `_FusedMatMul` kernels only reach XNNPACK's fast GEMM when neither
 * operand is transposed; with `transposeA` and/or `transposeB` they fall back to a naive loop
 * that is 10-25x slower (measured on 64x256 · 256x100 and 256x256 · 256x256, both flags, both
 * kernels: see bench/matmul.ts and results/bench_matmul.md). Every backward pass of a dense
 * layer hits that path: dW = xᵀ·dy (transposeA) and dx = dy·Wᵀ (transposeB).
 *
 * (The C++ kernel only uses XNNPACK when transpose_a = transpose_b = false and both batch sizes
 * are 1; everything else goes through a blocked scalar triple loop.)
 *
 * The fix re-registers both wasm kernels with a thin wrapper: when a transpose flag is set and
 * both operands have batch size 1 (rank 2, or leading dimensions all 1), the
 * operand is first materialised with the wasm `Transpose` kernel (O(n²), swaps the last two
 * axes, any rank) and the original kernel is then called untransposed; the intermediate is
 * disposed right away. Batched operands (batch > 1) are passed through unchanged: they take the
 * slow loop whether transposed or not (about 10x slower per matrix than XNNPACK; not addressed
 * here), so a transpose would not help them. Everything else (batch broadcasting, rank handling, fused bias,
 * activation, prelu weights, leakyrelu alpha, dtype checks and error messages) is done by the
 * original kernel, which is kept and restored by `uninstallWasmMatmulFix()`.
 */
import * as tf from '@tensorflow/tfjs';

type KernelConfig = tf.KernelConfig;
type TensorInfo = tf.TensorInfo;
type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The two wasm kernels that take transposeA/transposeB attributes and are slow with them. */
export const PATCHED_KERNELS: readonly string[] = ['BatchMatMul', '_FusedMatMul'];

const BACKEND = 'wasm';

/** Original kernel configs, present while the fix is installed. */
const originals = new Map<string, KernelConfig>();

interface WasmBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Permutation that swaps the two innermost axes of a rank-`rank` tensor. */
function swapLastTwo(rank: number): number[] {
  const perm: number[] = [];
  for (let i = 0; i < rank; i++) perm.push(i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/** Product of the outer (batch) dimensions, i.e. all but the last two. */
function batchSize(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length - 2; i++) n *= shape[i];
  return n;
}

function kernel(name: string): KernelConfig {
  const k = tf.getKernel(name, BACKEND);
  if (k == null) throw new Error(`wasm-matmul-fix: wasm kernel '${name}' is not registered`);
  return k;
}

/** Activation kernels used when a fused matmul has to be un-fused (see below). */
const ACTIVATION_KERNELS: Record<string, string> = {
  relu: 'Relu',
  relu6: 'Relu6',
  elu: 'Elu',
  sigmoid: 'Sigmoid',
  leakyrelu: 'LeakyRelu',
  prelu: 'Prelu',
};

/**
 * Wraps the original `BatchMatMul` (fused = false) or `_FusedMatMul` (fused = true) kernel.
 *
 * Fused bias: the C++ kernel applies the bias correctly only on the XNNPACK path with a bias of
 * size `outCols` (the scalar loop indexes it with min(row * outCols + col, size - 1), right only
 * for a size-1 bias or a single output row; XNNPACK reads `outCols` values, out of bounds for a
 * size-1 bias). Routing transposed calls to XNNPACK must not turn a correct size-1-bias result
 * into a wrong one, so whenever the path that will run cannot apply the given bias correctly,
 * the call is un-fused: matmul (linear) + Add(bias) + activation kernel. This also corrects the
 * pre-existing wrong results of the original kernel for size-1 bias on the untransposed path and
 * for size-`outCols` bias on batched inputs.
 */
/**
 * Shape of each right-hand operand (by data id) last given to XNNPACK. The wasm kernel caches the
 * packed right-hand operand by data id and ignores its shape, so `matMul(a, reshape(X, s2))` after
 * `matMul(c, X)` silently reuses X packed with the old shape (wrong numbers). A reshaped view of
 * already-seen data is therefore copied to a fresh tensor first.
 */
const rightOperandShapes = new WeakMap<object, string>();

function makeWrapper(original: KernelConfig, fused: boolean): tf.KernelFunc {
  return (args: KernelArgs): TensorInfo | TensorInfo[] => {
    const attrs = (args.attrs ?? {}) as Record<string, unknown>;
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    const { a, b } = args.inputs;
    const bias = fused ? args.inputs.bias : undefined;
    // Inputs the original kernel rejects (or that we do not reason about): let it run and throw
    // its own message.
    if (
      a == null ||
      b == null ||
      a.shape.length < 2 ||
      b.shape.length < 2 ||
      a.dtype !== 'float32' ||
      b.dtype !== 'float32' ||
      (bias != null && bias.shape.length !== 1)
    ) {
      return original.kernelFunc(args);
    }
    // The XNNPACK path needs batch size 1 on both sides. Batched operands (batch > 1) take the
    // slow loop whether transposed or not, so materialising a transpose would only add work.
    const single = batchSize(a.shape) === 1 && batchSize(b.shape) === 1;
    const fixTranspose = single && (transposeA || transposeB);
    const ra = a.shape.length;
    const rb = b.shape.length;
    const outRows = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const outCols = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    const biasSize = bias == null ? 0 : bias.shape.reduce((x, y) => x * y, 1);
    // After the fix, `single` calls run on XNNPACK and the rest on the scalar loop.
    const biasOk = bias == null || (single ? biasSize === outCols : biasSize === 1 || outRows === 1);
    // the untransposed right operand goes to XNNPACK's packed-weight cache: guard against reshaped views
    const bKey = b.shape.join('x');
    const bSeen = single && !transposeB ? rightOperandShapes.get(b.dataId) : undefined;
    const reshapedB = bSeen !== undefined && bSeen !== bKey;
    if (single && !transposeB && bSeen === undefined) rightOperandShapes.set(b.dataId, bKey);
    if (!fixTranspose && biasOk && !reshapedB) return original.kernelFunc(args);

    const backend = args.backend as WasmBackendLike;
    const temps: TensorInfo[] = [];
    const run = (name: string, inputs: tf.NamedTensorInfoMap, kAttrs: tf.NamedAttrMap = {}): TensorInfo =>
      kernel(name).kernelFunc({ inputs, backend: args.backend, attrs: kAttrs }) as TensorInfo;
    try {
      let aIn = a;
      let bIn = b;
      if (fixTranspose && transposeA) {
        aIn = run('Transpose', { x: a }, { perm: swapLastTwo(ra) });
        temps.push(aIn);
      }
      if (fixTranspose && transposeB) {
        bIn = run('Transpose', { x: b }, { perm: swapLastTwo(rb) });
        temps.push(bIn);
      } else if (reshapedB) {
        bIn = run('Identity', { x: b }); // a copy with its own data id
        temps.push(bIn);
      }
      const mmAttrs = {
        ...attrs,
        transposeA: fixTranspose ? false : transposeA,
        transposeB: fixTranspose ? false : transposeB,
      } as tf.NamedAttrMap;
      if (biasOk) {
        return original.kernelFunc({ inputs: { ...args.inputs, a: aIn, b: bIn }, backend: args.backend, attrs: mmAttrs });
      }
      // Un-fused: (a·b) + bias, then the activation.
      const mm = original.kernelFunc({
        inputs: { a: aIn, b: bIn },
        backend: args.backend,
        attrs: { ...mmAttrs, activation: 'linear' },
      }) as TensorInfo;
      temps.push(mm);
      const sum = run('Add', { a: mm, b: bias as TensorInfo });
      const activation = String(attrs.activation ?? 'linear');
      if (activation === 'linear') return sum;
      temps.push(sum);
      const actKernel = ACTIVATION_KERNELS[activation];
      if (actKernel == null) throw new Error(`${activation} activation not yet supported for _FusedMatMul in the wasm backend.`);
      if (activation === 'prelu') {
        const alpha = args.inputs.preluActivationWeights;
        if (alpha == null) throw new Error('_FusedMatMul: prelu activation needs preluActivationWeights');
        return run(actKernel, { x: sum, alpha });
      }
      if (activation === 'leakyrelu') return run(actKernel, { x: sum }, { alpha: Number(attrs.leakyreluAlpha ?? 0.2) });
      return run(actKernel, { x: sum });
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
}

/** Whether the fix is currently registered. */
export function isWasmMatmulFixInstalled(): boolean {
  return originals.size > 0;
}

/**
 * Re-registers the wasm `BatchMatMul` and `_FusedMatMul` kernels with the transpose-first
 * wrapper. Idempotent. Returns whether the fix is installed after the call (false when the wasm
 * kernels are not registered, i.e. @tensorflow/tfjs-backend-wasm was never loaded).
 * Takes effect immediately (the engine looks kernels up on every call), also for a wasm backend
 * that is already initialised; the original `setupFunc`s are kept so a re-initialised backend
 * still wires the original kernels.
 */
export function installWasmMatmulFix(): boolean {
  if (isWasmMatmulFixInstalled()) return true;
  const configs = PATCHED_KERNELS.map((name) => tf.getKernel(name, BACKEND));
  if (configs.some((c) => c == null) || ['Transpose', 'Add'].some((k) => tf.getKernel(k, BACKEND) == null)) return false;
  for (const original of configs as KernelConfig[]) {
    originals.set(original.kernelName, original);
    tf.unregisterKernel(original.kernelName, BACKEND);
    const patched: KernelConfig = {
      kernelName: original.kernelName,
      backendName: BACKEND,
      kernelFunc: makeWrapper(original, original.kernelName === '_FusedMatMul'),
    };
    if (original.setupFunc) patched.setupFunc = original.setupFunc;
    if (original.disposeFunc) patched.disposeFunc = original.disposeFunc;
    tf.registerKernel(patched);
  }
  return true;
}

/** Restores the original wasm kernels (for benchmarks and tests). No-op when not installed. */
export function uninstallWasmMatmulFix(): void {
  for (const [name, original] of originals) {
    if (tf.getKernel(name, BACKEND) != null) tf.unregisterKernel(name, BACKEND);
    tf.registerKernel(original);
  }
  originals.clear();
}
