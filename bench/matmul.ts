/**
 * Benchmark of the wasm transposed-matmul fix (lib/runtime/wasm-matmul-fix.ts): the same product
 * timed with the original wasm kernels and with the fix, on the shapes of this model (batch 64,
 * 256-d visual and 1536-d semantic features, 100-d latent) and two square ones.
 *
 * The wasm backend is used whatever backend `initBackend` picked (it is restored afterwards), and
 * the fix state is restored too.
 */
import * as tf from '@tensorflow/tfjs';
import { installWasmMatmulFix, isWasmMatmulFixInstalled, uninstallWasmMatmulFix } from '../lib/runtime/wasm-matmul-fix';

export interface MatmulCase {
  /** Short label of where the product appears. */
  label: string;
  /** Shapes of a and b as stored (before the transpose flags apply). */
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
  /** tf.fused.matMul with a bias of the output width and relu, instead of tf.matMul. */
  fused?: boolean;
}

export interface BenchMatmulOptions {
  /** Timed repetitions per case and variant (default 20). */
  reps?: number;
  /** Untimed warm-up calls per case and variant (default 3). */
  warmup?: number;
  /**
   * Time budget per case and variant in ms (default 20000). A variant whose single call is so
   * slow that `reps` would not fit (the original kernel on 1536x1536 takes seconds) stops early,
   * after at least `minReps` reps; the row reports the reps actually done.
   */
  budgetMs?: number;
  /** Fewest timed reps (default 3). */
  minReps?: number;
  /** Skip the 1536x1536 cases (the slowest by far). */
  quick?: boolean;
  /** Override the list of cases. */
  cases?: MatmulCase[];
}

/** [rows, cols] of x with the flag applied. */
function dims(shape: number[], t: boolean): [number, number] {
  const r = shape.length;
  return t ? [shape[r - 1], shape[r - 2]] : [shape[r - 2], shape[r - 1]];
}

function layerCases(label: string, batch: number, inDim: number, outDim: number): MatmulCase[] {
  return [
    { label: `${label} forward y = x·W`, a: [batch, inDim], b: [inDim, outDim], transposeA: false, transposeB: false },
    { label: `${label} backward dW = xᵀ·dy`, a: [batch, inDim], b: [batch, outDim], transposeA: true, transposeB: false },
    { label: `${label} backward dx = dy·Wᵀ`, a: [batch, outDim], b: [inDim, outDim], transposeA: false, transposeB: true },
  ];
}

function squareCases(n: number, fused = false): MatmulCase[] {
  const flags: [boolean, boolean][] = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ];
  return flags.map(([ta, tb]) => ({
    label: `square ${n}${fused ? ' fused bias+relu' : ''}`,
    a: [n, n],
    b: [n, n],
    transposeA: ta,
    transposeB: tb,
    fused,
  }));
}

/** The default cases: dense layers of the model (batch 64) and square products. */
export function defaultMatmulCases(quick = false): MatmulCase[] {
  const cases: MatmulCase[] = [
    ...layerCases('enc 256→100', 64, 256, 100),
    ...layerCases('enc 1536→100', 64, 1536, 100),
    ...layerCases('dec 100→256', 64, 100, 256),
    ...layerCases('dec 100→1536', 64, 100, 1536),
    ...squareCases(256),
    ...squareCases(256, true),
    {
      label: 'enc 256→100 fused bias+relu',
      a: [64, 256],
      b: [256, 100],
      transposeA: false,
      transposeB: false,
      fused: true,
    },
  ];
  if (!quick) cases.push(...squareCases(1536));
  return cases;
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

interface Timing {
  ms: number;
  reps: number;
}

function timeVariant(run: () => tf.Tensor, o: Required<Omit<BenchMatmulOptions, 'quick' | 'cases'>>): Timing {
  const once = (): number => {
    const t0 = performance.now();
    const out = run();
    out.dataSync(); // wait for the result (wasm is synchronous, but keep it honest)
    const dt = performance.now() - t0;
    out.dispose();
    return dt;
  };
  // Warm-up: at least one call, fewer when a call is slow.
  let spent = 0;
  let first = 0;
  for (let i = 0; i < Math.max(1, o.warmup); i++) {
    const dt = once();
    if (i === 0) first = dt;
    spent += dt;
    if (spent > o.budgetMs / 4) break;
  }
  const times: number[] = [];
  let total = 0;
  const est = Math.max(first, 1e-3);
  const reps = Math.max(o.minReps, Math.min(o.reps, Math.floor(o.budgetMs / est)));
  for (let i = 0; i < reps; i++) {
    const dt = once();
    times.push(dt);
    total += dt;
    if (times.length >= o.minReps && total > o.budgetMs) break;
  }
  return { ms: median(times), reps: times.length };
}

/**
 * Times every case with the original wasm kernels and with the fix; returns plain rows:
 * case, a, b, transposeA, transposeB, fused, ms original, ms fixed, speed-up, reps.
 */
export async function benchMatmul(opts: BenchMatmulOptions = {}): Promise<Record<string, unknown>[]> {
  const o = {
    reps: opts.reps ?? 20,
    warmup: opts.warmup ?? 3,
    budgetMs: opts.budgetMs ?? 20000,
    minReps: opts.minReps ?? 3,
  };
  const cases = opts.cases ?? defaultMatmulCases(opts.quick ?? false);

  const previousBackend = tf.getBackend();
  const fixWasInstalled = isWasmMatmulFixInstalled();
  if (previousBackend !== 'wasm') {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    require('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('benchMatmul: the wasm backend could not be initialised');
  }
  const rows: Record<string, unknown>[] = [];
  try {
    for (const c of cases) {
      const [m] = dims(c.a, c.transposeA);
      const [, n] = dims(c.b, c.transposeB);
      const [, k] = dims(c.a, c.transposeA);
      const a = tf.randomNormal(c.a, 0, 1, 'float32', 1);
      const b = tf.randomNormal(c.b, 0, 1, 'float32', 2);
      const bias = c.fused ? tf.randomNormal([n], 0, 1, 'float32', 3) : undefined;
      const run = (): tf.Tensor =>
        c.fused
          ? tf.fused.matMul({ a, b, transposeA: c.transposeA, transposeB: c.transposeB, bias, activation: 'relu' })
          : tf.matMul(a, b, c.transposeA, c.transposeB);
      uninstallWasmMatmulFix();
      const orig = timeVariant(run, o);
      if (!installWasmMatmulFix()) throw new Error('benchMatmul: could not install the wasm matmul fix');
      const fixed = timeVariant(run, o);
      a.dispose();
      b.dispose();
      bias?.dispose();
      rows.push({
        case: c.label,
        op: c.fused ? 'fused.matMul' : 'matMul',
        shape: `${c.transposeA ? `(${c.a.join('x')})ᵀ` : c.a.join('x')} · ${c.transposeB ? `(${c.b.join('x')})ᵀ` : c.b.join('x')} → ${m}x${n} (k=${k})`,
        transposeA: c.transposeA,
        transposeB: c.transposeB,
        'ms original': round(orig.ms),
        'ms fixed': round(fixed.ms),
        'speed-up': round(orig.ms / fixed.ms, 2),
        reps: orig.reps === fixed.reps ? String(orig.reps) : `${orig.reps}/${fixed.reps}`,
      });
    }
  } finally {
    if (fixWasInstalled) installWasmMatmulFix();
    else uninstallWasmMatmulFix();
    if (previousBackend !== 'wasm') await tf.setBackend(previousBackend);
  }
  return rows;
}
