import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { initBackend } from '../../lib/runtime/backend';
import { scheduleAt, fsvaePreset, FSVAE_PRESETS } from '../../lib/train/config';
import { CycleRecord, trainStage2, zslAccuracy } from '../../lib/train/stage2';
import { FsvaeInputError } from '../../lib/util/assert';
import { TINY_UNSEEN, tinyConfig, tinyInputs } from '../fixtures/stage2-tiny';

before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

describe('schedules of the public code (docs/paper-vs-code.md §2)', () => {
  test('NTU-60 script: β_s ends a cycle at 0.0233, β_t off in cycles 0-1 and at most 0.00997, window = last 299 steps, coef = 50', () => {
    const cfg = FSVAE_PRESETS['reference-ntu60'];
    assert.equal(scheduleAt(cfg, 0, 1000).betaSkeleton, 0);
    assert.ok(Math.abs(scheduleAt(cfg, 0, 1699).betaSkeleton - (0.1 * 699) / 3000) < 1e-15);
    assert.equal(scheduleAt(cfg, 1, 1699).betaText, 0);
    assert.ok(Math.abs(scheduleAt(cfg, 2, 1699).betaText - 0.00997) < 1e-5);
    assert.equal(scheduleAt(cfg, 5, 1400).alignActive, false);
    assert.equal(scheduleAt(cfg, 5, 1401).alignActive, true);
    assert.equal(scheduleAt(cfg, 5, 1401).alignCoefficient, 50);
    let active = 0;
    for (let s = 0; s < 1700; s++) if (scheduleAt(cfg, 0, s).alignActive) active++;
    assert.equal(active, 299);
  });
  test('NTU-120 script: β_s ends at 0.0300, β_t at most 0.0133, window = last 399 steps, coef = 10', () => {
    const cfg = FSVAE_PRESETS['reference-ntu120'];
    assert.ok(Math.abs(scheduleAt(cfg, 3, 1899).betaSkeleton - 0.03) < 1e-4);
    assert.ok(Math.abs(scheduleAt(cfg, 3, 1899).betaText - 0.0133) < 1e-4);
    assert.equal(scheduleAt(cfg, 3, 1899).alignCoefficient, 10);
    assert.equal(scheduleAt(cfg, 3, 1500).alignActive, false);
  });
  test('paper preset weighs Eq. 6 (which already carries λ) by α only', () => {
    assert.equal(scheduleAt(FSVAE_PRESETS.paper, 0, 1899).alignCoefficient, 0.1);
  });
});

describe('ZSL accuracy', () => {
  test('argmax over sorted unseen classes, mapped back to class ids', () => {
    const p = Float32Array.from([0.1, 0.9, 0.8, 0.2, 0.5, 0.5]);
    // rows predict index 1, 0, 0 (tie → lowest) → classes 7, 3, 3
    assert.equal(zslAccuracy(p, [3, 7], Int32Array.from([7, 3, 7])), 2 / 3);
  });
});

describe('stage 2-3 training', () => {
  test('input validation: an unseen-class sample in training is refused', async () => {
    const inputs = tinyInputs();
    inputs.train.labels[0] = TINY_UNSEEN[0];
    await assert.rejects(
      () => trainStage2(tinyConfig(1, 10), inputs, { seed: 1 }),
      (e: Error) => e instanceof FsvaeInputError && /training must use seen classes only/.test(e.message),
    );
    assert.throws(() => fsvaePreset('nope'), /Unknown stage-2 preset 'nope'/);
  });
  test('the quick preset learns a zero-shot mapping far above chance on generated features', async () => {
    const cfg = tinyConfig(3, 300);
    cfg.latentDim = 32;
    const r = await trainStage2(cfg, tinyInputs(), { seed: 1 });
    const accs = r.cycles.map((c) => c.zslAccuracy);
    const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
    // 5 unseen classes: chance is 0.2
    assert.ok(mean >= 0.45, `mean ZSL accuracy over cycles ${mean.toFixed(3)} (${accs.map((a) => a.toFixed(2)).join(', ')})`);
    assert.ok(r.cycles[2].losses.reconstruction < r.cycles[0].losses.reconstruction, 'reconstruction loss decreases');
    assert.equal(r.softmax[0].gtest.length, 20 * 20 * 5);
  });
  test('deterministic: the same seed gives identical cycles and outputs; another seed differs', async () => {
    const strip = (c: CycleRecord) => ({ ...c, wallSeconds: 0 });
    const a = await trainStage2(tinyConfig(2, 40), tinyInputs(), { seed: 4 });
    const b = await trainStage2(tinyConfig(2, 40), tinyInputs(), { seed: 4 });
    const c = await trainStage2(tinyConfig(2, 40), tinyInputs(), { seed: 5 });
    assert.deepEqual(a.cycles.map(strip), b.cycles.map(strip));
    assert.deepEqual(Array.from(a.softmax[1].ztest), Array.from(b.softmax[1].ztest));
    assert.notDeepEqual(Array.from(a.softmax[1].ztest), Array.from(c.softmax[1].ztest));
  });
  test('killed with SIGKILL mid-run, the run resumes from its checkpoint and ends with the uninterrupted numbers', async () => {
    const cycles = 3;
    const steps = 250;
    const reference = await trainStage2(tinyConfig(cycles, steps), tinyInputs(), { seed: 1 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-resume-'));
    const out = path.join(dir, 'result.json');
    const worker = path.join(__dirname, '..', 'fixtures', 'resume-worker.js');
    const ckpt = path.join(dir, 'stage2-seed1.json');
    // first run: killed once the cycle-0 checkpoint exists (i.e. somewhere inside cycle 1)
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [worker, dir, out, String(cycles), String(steps)], { stdio: 'ignore' });
      const timer = setInterval(() => {
        if (fs.existsSync(ckpt)) {
          clearInterval(timer);
          setTimeout(() => child.kill('SIGKILL'), 200);
        }
      }, 20);
      child.on('exit', (code, signal) => {
        clearInterval(timer);
        if (signal === 'SIGKILL') resolve();
        else reject(new Error(`worker ended before it was killed (code ${code}); make the cycles longer`));
      });
    });
    assert.ok(!fs.existsSync(out), 'the killed run wrote no result');
    // second run: resumes
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [worker, dir, out, String(cycles), String(steps)], { stdio: 'inherit' });
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`resumed worker exited with ${code}`))));
    });
    const resumed = JSON.parse(fs.readFileSync(out, 'utf8')) as { cycles: CycleRecord[]; resumedFromCycle: number; softmax: number[][] };
    assert.ok(resumed.resumedFromCycle >= 1, `resumed from cycle ${resumed.resumedFromCycle}`);
    const strip = (c: CycleRecord) => ({ ...c, wallSeconds: 0 });
    assert.deepEqual(resumed.cycles.map(strip), reference.cycles.map(strip));
    assert.deepEqual(resumed.softmax[cycles - 1], Array.from(reference.softmax[cycles - 1].ztest));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
