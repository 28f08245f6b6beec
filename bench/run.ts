/**
 * Benchmark runner: `node dist/bench/run.js [--quick] [name ...]` (or `npm run bench`).
 *
 * Initialises the tfjs backend (lib/runtime/backend.ts), runs every registered benchmark (or
 * only the named ones), prints each result table to stdout and writes it to
 * results/bench_<name>.md with the backend, CPU model, Node version and date. The stage-2 and
 * stage-1 tables also get rows from every tfjs backend of the machine, each measured in a child
 * process of its own (bench/backends.ts).
 *
 * To add a benchmark, append an entry to BENCHES.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeBackend, initBackend } from '../lib/runtime/backend';
import * as tf from '@tensorflow/tfjs';
import { benchMatmul } from './matmul';
import { benchStage2 } from './stage2';
import { benchStage1 } from './stage1';
import { benchStage2EndToEnd } from './stage2-e2e';
import { markdownTable } from './table';
import { backendRunsOnce, stage1Rows, stage2Rows } from './backends';

export interface BenchContext {
  /** `--quick` was given: skip the slowest cases. */
  quick: boolean;
  /** the benchmarks this run makes (the per-backend children measure only what these need) */
  names: string[];
}

/** The per-backend child processes (bench/backends.ts), once for both the stage-2 and the stage-1 table. */
function backendRuns(ctx: BenchContext) {
  const parts = (['stage2', 'stage1'] as const).filter((p) => ctx.names.includes(p));
  return backendRunsOnce({ quick: ctx.quick, parts: [...parts] });
}

export interface Bench {
  /** Used for the results file name (results/bench_<name>.md) and for selecting on the CLI. */
  name: string;
  /** Heading of the results file. */
  title: string;
  /** Optional paragraph written under the heading. */
  notes?: string;
  /** long: runs only when named on the command line. */
  optIn?: boolean;
  run: (ctx: BenchContext) => Promise<Record<string, unknown>[]>;
}

export const BENCHES: Bench[] = [
  {
    name: 'matmul',
    title: 'wasm matmul: original kernels vs transposed-matmul fix',
    notes:
      'Median ms per call (result read back included) of tf.matMul / tf.fused.matMul on the wasm backend ' +
      '(tfjs-backend-wasm, single-threaded), with the original BatchMatMul/_FusedMatMul kernels and with ' +
      'lib/runtime/wasm-matmul-fix.ts installed. The fix materialises a transposed operand first so the ' +
      'product runs on the XNNPACK path; untransposed rows are references (the fix passes them through). ' +
      '`reps` is the number of timed calls (original/fixed when they differ: very slow cases stop at a ' +
      'time budget).',
    run: (ctx) => benchMatmul({ quick: ctx.quick }),
  },
  {
    name: 'stage2',
    title: 'Stage-2 training step (NTU-60 shapes: skeleton 256, text lb_ad_md 1536, latent 100, batch 64)',
    notes:
      'Full steps through trainStage2 with the reference-ntu60 preset (FM on both branches, reference losses), ' +
      'outside and inside the alignment window, for the fused engine (hand-written backward, lib/train/fused-step.ts, ' +
      'the default on wasm and cpu) and the autodiff engine (tfjs gradient tape); the first 20 steps of each run are ' +
      'not counted. Then the fused step per part (mean ms per step). Reference point: the ' +
      "authors' PyTorch code takes 27 ms per step on the same 2-core machine (1 thread), 20 ms of it the dense DCTs. " +
      'This machine is a shared VM: repeated runs vary by ±15%; p10 shows the undisturbed speed. ' +
      'The rows "full step on <backend>" (bench/backends.ts) come from one child process per tfjs backend (FSVAE_BACKEND set; ' +
      '`backend`: its initBackend line, the WebGPU adapter included): one run with the default engine of that backend ' +
      '(autodiff where tensors live outside JS memory: webgpu, tfjs-node), half of its steps outside the alignment window and ' +
      'half inside, weighted as in a 1700-step cycle; `steps` counts the timed steps (few on slow backends, `note` says how the ' +
      'run was made); a backend that is not installed, or a run that fails, is one row saying why.',
    run: async (ctx) => [...(await benchStage2({ quick: ctx.quick })), ...stage2Rows(await backendRuns(ctx))],
  },
  {
    name: 'stage2-e2e',
    title: 'Stages 2-4 end to end (reference-ntu60 preset, NTU-60-sized generated features, 1 seed)',
    notes:
      'Wall time from loading the features to the GZSL numbers: both phases of 10 cycles × 1700 steps with the ' +
      'unseen classifier and evaluation after every cycle, then the gate. The public code takes 961 s for this ' +
      'run on the same 2-core machine, one phase after the other. About 5 minutes; runs only when named: ' +
      '`node dist/bench/run.js stage2-e2e`.',
    optIn: true,
    run: (ctx) => benchStage2EndToEnd({ quick: ctx.quick }),
  },
  {
    name: 'stage1',
    title: 'Stage-1 skeleton GCN throughput on wasm, and on every backend',
    notes:
      'Median sequences/s of the eval forward pass and of a full SGD training step, on one thread and data-parallel on both ' +
      'cores (lib/stage1/data-parallel.ts); random one-body 25-joint clips. The PyTorch rows are a plain ST-GCN of ' +
      "st-gcn-small's shapes (bench/torch_stgcn.py), run when python3-torch is installed. " +
      'The rows with a `backend` (bench/backends.ts) come from one child process per tfjs backend (FSVAE_BACKEND set): ' +
      'shift-gcn-original and st-gcn-original at batch 4, 1 body, 32 frames on wasm and tfjs-node, batch 2, 1 body, 16 frames on ' +
      "the plain-JS cpu backend and a software WebGPU device, at the presets' own input (batch 64, 2 bodies, 64 frames) on a GPU; " +
      '`reps` = timed forward/training repetitions after one warm-up; a backend that is not installed, or a measurement that ' +
      'fails, says why in `note`.',
    run: async (ctx) => [...(await benchStage1({ quick: ctx.quick })), ...stage1Rows(await backendRuns(ctx))],
  },
];

export { markdownTable };

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const quick = argv.includes('--quick');
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) {
    throw new Error(`unknown bench ${unknown.join(', ')}; registered: ${BENCHES.map((b) => b.name).join(', ')}`);
  }
  const selected = names.length ? BENCHES.filter((b) => names.includes(b.name)) : BENCHES.filter((b) => !b.optIn);
  const skipped = names.length ? [] : BENCHES.filter((b) => b.optIn).map((b) => b.name);
  if (skipped.length) console.log(`(not run by default: ${skipped.join(', ')}; name them to run them)`);

  await initBackend();
  const resultsDir = path.resolve(__dirname, '..', '..', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';

  for (const bench of selected) {
    const t0 = Date.now();
    console.log(`\n## bench ${bench.name}: ${bench.title}`);
    const rows = await bench.run({ quick, names: selected.map((b) => b.name) });
    const table = markdownTable(rows);
    console.log(table);
    const header = [
      `# ${bench.title}`,
      '',
      `- ${describeBackend()}`,
      `- CPU: ${cpu} (${os.cpus().length} logical cores), ${os.platform()} ${os.arch()}`,
      `- Node ${process.version}, tfjs ${tf.version_core}`,
      `- date: ${new Date().toISOString()}`,
      `- command: node dist/bench/run.js${argv.length ? ' ' + argv.join(' ') : ''} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      '',
      ...(bench.notes ? [bench.notes, ''] : []),
    ].join('\n');
    const file = path.join(resultsDir, `bench_${bench.name}.md`);
    fs.writeFileSync(file, `${header}\n${table}`);
    console.log(`wrote ${path.relative(process.cwd(), file) || file}`);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
