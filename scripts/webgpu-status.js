#!/usr/bin/env node
// What runs on the WebGPU backend today: each stage of the pipeline run once with FSVAE_BACKEND=webgpu
// (and with cpu for reference) in a child process on tiny generated data; the outcome and the first
// error line go to results/webgpu_status.md. Needs the optional packages and a WebGPU adapter (a GPU,
// or the software device of scripts/ensure-vulkan-software.sh); without one it says why and exits 0.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { probeWebGpu, describeAdapter } = require('../dist/lib/runtime/webgpu');

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'lib', 'cli', 'main.js');
(async () => {
  const { adapter, note } = await probeWebGpu();
  if (!adapter) {
    console.log(`[webgpu] skipped: ${note}`);
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-webgpu-'));
  const gen = spawnSync(process.execPath, [cli, 'generate-features', '--out', tmp, '--train-per-class', '20', '--test-per-class', '10'], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`generate-features failed:\n${gen.stderr}`);
  const tiny = ['--seeds', '1', '--cycles', '1', '--steps', '5'];
  const stage2 = ['run', '--features', `${tmp}/sk_feats`, '--text', tmp, '--split', 'ntu60-55/5', '--preset', 'quick', '--engine', 'autodiff'];
  const pipeline = ['pipeline', '--dataset', 'generated', '--split', 'generated-35/5', '--stage1', 'shift-gcn-tiny', '--epochs', '1',
    '--engine', 'autodiff', '--quiet', '--cache-dir', `${tmp}/cache`];
  const probes = [
    ['stages 2-4 (autodiff engine), generated SynSE-layout features', [...stage2, ...tiny]],
    ['raw skeletons → stage 1 (shift-gcn-tiny, 1 epoch) → stages 2-4', [...pipeline, ...tiny]],
  ];
  const rows = [];
  for (const [what, args] of probes) {
    for (const backend of ['cpu', 'webgpu']) {
      const t0 = Date.now();
      const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, FSVAE_BACKEND: backend }, timeout: 900_000 });
      const lines = `${r.stderr}\n${r.stdout}`.split('\n');
      const err = lines.find((l) => /Error|error:|FATAL|Aborted/.test(l) && !/^Warning/.test(l)) || (r.signal ? `killed (${r.signal})` : '');
      const zsl = (r.stdout.match(/clean[^\n]*ZSL ([\d.]+)/) || [])[1];
      const outcome = r.status === 0 ? `ok${zsl ? ` (ZSL ${zsl})` : ''}` : `fails: ${err.trim().slice(0, 200)}`;
      rows.push(`| ${what} | ${backend} | ${outcome} | ${((Date.now() - t0) / 1000).toFixed(0)} |`);
      console.log(`[webgpu] ${what} on ${backend}: ${outcome}`);
    }
  }
  const lines = ['# What runs on the WebGPU backend', '', `Adapter: ${describeAdapter(adapter)}.`, '',
    '| stage | backend | outcome | seconds |', '| --- | --- | --- | --- |', ...rows, '',
    '- each row is one CLI run in a child process (FSVAE_BACKEND forced) on tiny generated data: 1 seed, 1 cycle of 5 stage-2 steps;',
    '  the ZSL of so short a run only shows that the stages ran, not accuracy.',
    `- date: ${new Date().toISOString()}; node ${process.version}`];
  fs.writeFileSync(path.join(process.env.FSVAE_RESULTS || path.join(root, 'results'), 'webgpu_status.md'), lines.join('\n') + '\n');
  fs.rmSync(tmp, { recursive: true, force: true });
})().catch((e) => {
  console.error(`[webgpu] FAILED: ${e.stack || e}`);
  process.exitCode = 1;
});
