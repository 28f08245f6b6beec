/**
 * Stages 2 and 3 on a WebGPU adapter (the autodiff engine: the fused one needs host memory) against
 * the same run on the cpu backend: losses, FM parameters and stage-3 softmax agree within float32
 * tolerance, a checkpoint is written, and no tensor is left behind. Skipped with a one-line reason
 * without an adapter (scripts/ensure-vulkan-software.sh installs a software one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { trainStage2, resolveStage2Engine } from '../../lib/train/stage2';
import { tinyConfig, tinyInputs } from '../fixtures/stage2-tiny';
import { webGpuSkipReason } from '../runtime/webgpu-device';
import { tempDir } from '../temp-dirs';

test('on a WebGPU adapter: stage 2 (autodiff engine) and stage 3 agree with cpu; tensors stay steady; reruns are identical', async (t) => {
  const skip = await webGpuSkipReason();
  if (skip) return t.skip(skip);
  // 2 cycles of 30 steps: the alignment window opens in the second, so every loss term runs
  const cfg = tinyConfig(2, 30);
  cfg.classifier.steps = 60;
  const run = async (backend: string) => {
    assert.ok(await tf.setBackend(backend), `setBackend(${backend})`);
    const dir = tempDir(`stage2-${backend}`);
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const r = await trainStage2(cfg, tinyInputs(), { seed: 3, engine: 'autodiff', checkpointDir: dir, onProgress: () => counts.push(tf.memory().numTensors) });
    return { r, counts, leaked: tf.memory().numTensors - before, checkpoint: fs.existsSync(path.join(dir, 'stage2-seed3.json')) };
  };
  try {
    const cpu = await run('cpu');
    const gpu = await run('webgpu');
    assert.equal(resolveStage2Engine(cfg), 'autodiff', "'auto' is the autodiff engine on webgpu");
    assert.equal(gpu.r.engine, 'autodiff');
    assert.ok(gpu.checkpoint, 'a checkpoint was written on webgpu');
    // a second run on webgpu: nothing left behind (the first made the DCT bases cached per backend), the same numbers
    const again = await run('webgpu');
    assert.equal(again.leaked, 0, 'tensors left behind by a run on webgpu');
    assert.deepEqual(
      again.r.cycles.map((c) => c.losses),
      gpu.r.cycles.map((c) => c.losses),
      'the same seed gives the same losses on webgpu',
    );
    assert.equal(new Set(gpu.counts).size, 1, `tensor count at every progress point: ${gpu.counts.join(', ')}`);
    cpu.r.cycles.forEach((c, i) => {
      const g = gpu.r.cycles[i];
      for (const k of ['total', 'reconstruction', 'kl', 'alignment'] as const) {
        const tol = 1e-3 * Math.max(1e-3, Math.abs(c.losses[k]));
        assert.ok(Math.abs(c.losses[k] - g.losses[k]) <= tol, `cycle ${i} ${k}: cpu ${c.losses[k]}, webgpu ${g.losses[k]}`);
      }
      assert.ok(Math.abs(c.textFrequency.k - g.textFrequency.k) < 1e-4, `cycle ${i} text k: ${c.textFrequency.k} vs ${g.textFrequency.k}`);
      assert.ok(Math.abs(c.skeletonFrequency.wMean - g.skeletonFrequency.wMean) < 1e-4, `cycle ${i} skeleton w`);
    });
    assert.ok(cpu.r.cycles[1].losses.alignment > 0, 'the alignment term was active in the second cycle');
    const [a, b] = [cpu.r.softmax[1].ztest, gpu.r.softmax[1].ztest];
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    assert.ok(worst < 5e-3, `stage-3 softmax: max |cpu − webgpu| = ${worst}`);
  } finally {
    await tf.setBackend('cpu');
  }
});
