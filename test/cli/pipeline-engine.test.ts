/**
 * `fsvae pipeline` and the notebooks decide the stage-2 engine the same way: the engine the
 * pipeline's runs record (both phases, the val phase in its worker thread), its provenance, its
 * result rows and its log line all equal what resolveStage2Engine gives the notebooks' path
 * (initBackend, then runZeroShotBenchmark with no engine option) for the same configuration.
 * Before the fix the pipeline resolved its label before the backend was initialised (no active
 * backend → 'autodiff') while its runs trained on the fused engine, and `--engine fused` was refused.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { tinyPipelineArgs } from './tiny-pipeline';
import { getBackendInfo, initBackend } from '../../lib/runtime/backend';
import { OURS, applyVariant } from '../../lib/experiments/variants';
import { resolveStage2Engine } from '../../lib/train/stage2';
import { fsvaePreset, withSchedule } from '../../lib/train/config';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-pipe-engine-'));
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface PipelineJson {
  provenance: { stage2Engine: string };
  rows: Record<string, unknown>[];
  runs: { perSeed: { stage2Engine: string; stage2EngineByPhase: { train: string; val: string } }[] }[];
}

async function pipeline(name: string, extra: string[]): Promise<{ code: number; printed: string[]; json: PipelineJson | null }> {
  const out = path.join(dir, `${name}.json`);
  const printed: string[] = [];
  // console.log, not process.stdout.write: the test runner reports through the latter
  const log = console.log;
  console.log = (...args: unknown[]) => {
    printed.push(...args.map(String).join(' ').split('\n'));
  };
  let code: number;
  try {
    code = await main(
      tinyPipelineArgs({ dataset: 'generated', split: 'generated-35/5', cacheDir: path.join(dir, 'cache'), out, steps: 20 }, [
        ...['--stage1', 'shift-gcn-tiny', '--epochs', '1', '--quiet'],
        ...extra,
      ]),
    );
  } finally {
    console.log = log;
  }
  return { code, printed, json: fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : null };
}

function assertEngine(r: Awaited<ReturnType<typeof pipeline>>, expected: string): void {
  assert.equal(r.code, 0, r.printed.slice(-20).join('\n'));
  const j = r.json!;
  const seed = j.runs[0].perSeed[0];
  assert.equal(seed.stage2Engine, expected, 'the engine the train phase trained with');
  assert.equal(j.provenance.stage2Engine, expected, 'the provenance names the engine the runs used');
  assert.deepEqual(seed.stage2EngineByPhase, { train: expected, val: expected }, 'the engine each phase trained with');
  assert.ok(j.rows.length > 0 && j.rows.every((row) => row['stage-2 engine'] === expected), JSON.stringify(j.rows));
  assert.ok(r.printed.includes(`[fsvae] stage-2 engine: ${expected}`), r.printed.filter((l) => /engine/.test(l)).join('\n'));
  // every result line printed names it: the variant's summary and the final table's rows
  const results = r.printed.filter((l) => /ZSL \d/.test(l) && !/ cycle \d/.test(l));
  assert.ok(results.length > 0);
  for (const l of results) assert.ok(l.includes(`stage-2 engine ${expected}`), l);
  const tableRows = r.printed.filter((l) => l.startsWith('| generated |'));
  assert.equal(tableRows.length, 2);
  for (const l of tableRows) assert.ok(l.endsWith(`| ${expected} |`), l);
}

test('pipeline --engine fused runs as the first command of a process (it was refused when the engine was resolved before the backend existed)', async (t) => {
  const r = await pipeline('fused', ['--engine', 'fused']);
  const backend = getBackendInfo()?.name;
  if (backend !== undefined && backend !== 'wasm' && backend !== 'cpu') return t.skip(`backend ${backend}: the fused engine needs wasm or cpu`);
  assertEngine(r, 'fused');
});

test("pipeline with the default engine: both phases train on the notebooks' engine, and every label says so", async () => {
  const r = await pipeline('auto', []);
  // the notebooks' path: initBackend(), then runZeroShotBenchmark without an engine → resolveStage2Engine(cfg) per variant
  await initBackend({ quiet: true });
  const notebookEngine = resolveStage2Engine(applyVariant(withSchedule(fsvaePreset('quick'), { cycles: 1, steps: 20 }), OURS));
  assertEngine(r, notebookEngine);
});

test('pipeline --engine autodiff is honoured in both phases', async () => {
  assertEngine(await pipeline('autodiff', ['--engine', 'autodiff']), 'autodiff');
});

test('the engine is never decided before a tfjs backend is active', () => {
  const stage2 = require.resolve('../../lib/train/stage2');
  const config = require.resolve('../../lib/train/config');
  const script = `const { resolveStage2Engine } = require(${JSON.stringify(stage2)}); const { fsvaePreset } = require(${JSON.stringify(config)});
try { resolveStage2Engine(fsvaePreset('quick')); console.log('answered'); } catch (e) { console.log('refused: ' + e.message); }`;
  const env = { ...process.env };
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env });
  assert.match(out, /^refused: resolveStage2Engine: no tfjs backend is active yet/);
});
