/**
 * The fused stage-2 step's hand-written backward pass against tfjs autodiff of the same loss
 * (stage2LossAutodiff), for every alignment loss, inside and outside the alignment window, both
 * reparameterisations, relu and linear decoders, every FM mode, on the cpu and wasm backends (and
 * wasm without its SIMD kernels); plus finite differences on the FM gains.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/runtime/backend';
import { FsvaeModel } from '../../lib/model/fsvae';
import { frequencyConfig, FrequencyPresetName } from '../../lib/frequency/enhancer';
import { Adam } from '../../lib/train/adam';
import { AlignmentLossName, scheduleAt, FsvaeConfig } from '../../lib/train/config';
import { FusedStage2Step, StepDraws } from '../../lib/train/fused-step';
import { Stage2Engine, resolveStage2Engine, stage2LossAutodiff, trainStage2 } from '../../lib/train/stage2';
import { hostView } from '../../lib/runtime/host-memory';
import { Random } from '../../lib/util/random';
import { tinyConfig, tinyInputs } from '../fixtures/stage2-tiny';

before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});
after(async () => {
  await tf.setBackend('wasm');
});

interface Case {
  loss?: AlignmentLossName;
  window?: boolean;
  reparameterisation?: 'reference' | 'per-dimension';
  decoder?: 'relu' | 'linear';
  frequency?: FrequencyPresetName;
}

const B = 16;
const L = 8;

/** A model, its optimiser, the engine and one step's draws for the tiny problem. */
function setup(c: Case) {
  const inputs = tinyInputs();
  const cfg: FsvaeConfig = tinyConfig(3, 40);
  cfg.batchSize = B;
  cfg.latentDim = L;
  cfg.alignment.loss = c.loss ?? 'calibrated-reference';
  cfg.reparameterisation = c.reparameterisation ?? 'reference';
  cfg.decoderActivation = c.decoder ?? 'relu';
  cfg.skeletonFrequency = frequencyConfig(c.frequency ?? 'reference');
  cfg.textFrequency = frequencyConfig(c.frequency ?? 'reference');
  const model = new FsvaeModel(
    {
      skeletonDim: inputs.train.dim,
      textDim: inputs.text.cols,
      latentDim: L,
      decoderActivation: cfg.decoderActivation,
      skeletonFrequency: cfg.skeletonFrequency,
      textFrequency: cfg.textFrequency,
      reparameterisation: cfg.reparameterisation,
      initGain: 0.5,
    },
    7,
  );
  // move FM parameters off their initial values so every gain matters
  const rng = new Random(11);
  for (const fm of [model.skeletonEncoder.frequency, model.textEncoder.frequency]) {
    if (fm.w) fm.w.assign(tf.tensor1d(Float32Array.from({ length: fm.layout.bands }, () => rng.range(0.6, 1.4))));
    if (fm.k) fm.k.assign(tf.scalar(0.45));
  }
  const adam = new Adam(model.variables, { learningRate: 1e-3 });
  const bands = model.textEncoder.frequency.precomputeBands(tf.tensor2d(inputs.text.data, [inputs.text.rows, inputs.text.cols]));
  const engine = new FusedStage2Step(model, cfg, inputs.train, inputs.text, model.textEncoder.frequency.w ? bands : null);
  const nEps = cfg.reparameterisation === 'reference' ? B : B * L;
  const draws: StepDraws = {
    batch: rng.sampleWithoutReplacement(inputs.train.rows, B),
    negatives: rng.permutation(B),
    skeletonNegatives: rng.permutation(B),
    epsSkeleton: rng.normals(nEps),
    epsText: rng.normals(nEps),
  };
  // cycle 2 (text KL on): the last step of the cycle (window, both β > 0), or the last step before the window (β_s > 0)
  const cycle = 2;
  const step = (c.window ?? true) ? cfg.schedule.stepsPerCycle - 1 : cfg.schedule.alignStart;
  const dispose = () => {
    engine.dispose();
    adam.dispose();
    bands.dispose();
    model.dispose();
  };
  return { inputs, cfg, model, adam, bands, engine, draws, cycle, step, dispose };
}

function compareGradients(c: Case, tol = 2e-4): void {
  const s = setup(c);
  try {
    const sched = scheduleAt(s.cfg, s.cycle, s.step);
    assert.equal(sched.alignActive, c.window ?? true);
    assert.ok(sched.betaSkeleton > 0, 'skeleton KL active');
    if (sched.alignActive) assert.ok(sched.betaText > 0, 'text KL active (it ramps from the window start)');
    const auto = tf.variableGrads(() => stage2LossAutodiff(s.model, s.cfg, sched, s.inputs.train, s.inputs.text, s.bands, s.draws).loss, s.adam.params);
    const autoLoss = stage2LossAutodiff(s.model, s.cfg, sched, s.inputs.train, s.inputs.text, s.bands, s.draws).parts;
    const fused = s.engine.gradients(s.adam, s.cycle, s.step, s.draws);
    try {
      for (const k of ['total', 'reconstruction', 'kl', 'alignment'] as const) {
        const a = autoLoss[k].dataSync()[0],
          f = fused.losses[k];
        assert.ok(Math.abs(a - f) <= 1e-5 * Math.max(1, Math.abs(a)), `${k}: autodiff ${a}, fused ${f}`);
      }
      s.adam.params.forEach((p, i) => {
        const g = fused.grads[i];
        const expected = auto.grads[p.name];
        if (!expected) {
          assert.equal(g, null, `${p.name}: fused gives a gradient autodiff does not`);
          return;
        }
        assert.ok(g, `${p.name}: no fused gradient`);
        const gv = g instanceof Float32Array ? g : hostView(g);
        const ev = expected.dataSync();
        let scale = 0;
        for (let j = 0; j < ev.length; j++) scale = Math.max(scale, Math.abs(ev[j]));
        assert.ok(scale > 0, `${p.name}: autodiff gradient is all zero (the case does not exercise it)`);
        for (let j = 0; j < ev.length; j++) {
          if (!(Math.abs(gv[j] - ev[j]) <= tol * scale + 1e-7)) {
            assert.fail(`${p.name}[${j}]: fused ${gv[j]}, autodiff ${ev[j]} (max |g| ${scale})`);
          }
        }
      });
    } finally {
      fused.release();
      tf.dispose([auto.value, ...Object.values(auto.grads)]);
    }
  } finally {
    s.dispose();
  }
}

for (const backend of ['wasm', 'cpu', 'wasm without SIMD kernels'] as const) {
  describe(`fused stage-2 gradients = autodiff gradients (${backend})`, () => {
    before(async () => {
      await tf.setBackend(backend.startsWith('wasm') ? 'wasm' : 'cpu');
      if (backend === 'wasm without SIMD kernels') process.env.FSVAE_SIMD_KERNELS = '0';
    });
    after(() => {
      delete process.env.FSVAE_SIMD_KERNELS;
    });
    const losses: AlignmentLossName[] = [
      'calibrated-reference',
      'calibrated-paper',
      'cross-reconstruction',
      'triplet-T1',
      'triplet-T2',
      'triplet-T3',
      'triplet-T4',
    ];
    for (const loss of losses) test(`${loss}, inside the alignment window`, () => compareGradients({ loss }));
    test('outside the alignment window', () => compareGradients({ window: false }));
    test('per-dimension ε, inside and outside the window', () => {
      compareGradients({ reparameterisation: 'per-dimension' });
      compareGradients({ reparameterisation: 'per-dimension', window: false });
    });
    test('linear decoders', () => compareGradients({ decoder: 'linear', window: false }));
    for (const frequency of ['paper', 'learnable-only', 'off'] as FrequencyPresetName[]) {
      test(`FM preset '${frequency}'`, () => compareGradients({ frequency }));
    }
  });
}

describe('fused stage-2 gradients of the FM gains = central finite differences', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });
  after(async () => {
    await tf.setBackend('wasm');
  });
  test('∂L/∂w (text and skeleton bands) and ∂L/∂k, linear decoders (a smooth loss)', () => {
    const s = setup({ decoder: 'linear', window: true, loss: 'calibrated-paper' });
    try {
      const sched = scheduleAt(s.cfg, s.cycle, s.step);
      const lossAt = () => stage2LossAutodiff(s.model, s.cfg, sched, s.inputs.train, s.inputs.text, s.bands, s.draws).parts.total.dataSync()[0];
      const fused = s.engine.gradients(s.adam, s.cycle, s.step, s.draws);
      const grad = (v: tf.Variable) => {
        const g = fused.grads[s.adam.params.indexOf(v)]!;
        return g instanceof Float32Array ? g : hostView(g);
      };
      const checks: [tf.Variable, number][] = [
        [s.model.textEncoder.frequency.w!, 0],
        [s.model.textEncoder.frequency.w!, 1],
        [s.model.skeletonEncoder.frequency.w!, 0],
        [s.model.skeletonEncoder.frequency.w!, 2],
        [s.model.textEncoder.frequency.k!, 0],
        [s.model.skeletonEncoder.frequency.k!, 0],
      ];
      for (const [v, j] of checks) {
        const base = v.dataSync().slice();
        const h = 1e-2;
        const at = (d: number) => {
          const x = base.slice();
          x[j] += d;
          v.assign(tf.tensor(x, v.shape));
          return lossAt();
        };
        const fd = (at(h) - at(-h)) / (2 * h);
        v.assign(tf.tensor(base, v.shape));
        const g = grad(v)[j];
        assert.ok(Math.abs(g - fd) <= 2e-3 + 0.02 * Math.abs(fd), `${v.name}[${j}]: fused ${g}, finite difference ${fd}`);
        assert.ok(Math.abs(fd) > 1e-4, `${v.name}[${j}]: the finite difference ${fd} is too small to test anything`);
      }
      fused.release();
    } finally {
      s.dispose();
    }
  });
});

describe('stage-2 engine choice', () => {
  test("'auto' is fused on wasm and cpu; the fused engine refuses encoders with hidden layers; an unknown engine is an error", async () => {
    const cfg = tinyConfig(1, 10);
    assert.equal(resolveStage2Engine(cfg), 'fused');
    await tf.setBackend('cpu');
    assert.equal(resolveStage2Engine(cfg), 'fused');
    await tf.setBackend('wasm');
    assert.equal(resolveStage2Engine(cfg, 'autodiff'), 'autodiff');
    assert.throws(() => resolveStage2Engine(cfg, 'fast' as Stage2Engine), /stage-2 engine 'fast': use auto, fused or autodiff/);
    // the environment no longer chooses the engine: only the requested one counts
    process.env.FSVAE_STAGE2_ENGINE = 'autodiff';
    try {
      assert.equal(resolveStage2Engine(cfg), 'fused');
    } finally {
      delete process.env.FSVAE_STAGE2_ENGINE;
    }
  });
  test('both engines train the same run: per-cycle losses agree to 1e-4 (relative) and FM parameters to 1e-4', async () => {
    const cfg = tinyConfig(2, 60);
    const a = await trainStage2(cfg, tinyInputs(), { seed: 2, engine: 'autodiff' });
    const f = await trainStage2(cfg, tinyInputs(), { seed: 2, engine: 'fused' });
    a.cycles.forEach((ca, i) => {
      const cf = f.cycles[i];
      for (const k of ['total', 'reconstruction', 'kl', 'alignment'] as const) {
        assert.ok(Math.abs(ca.losses[k] - cf.losses[k]) <= 1e-4 * Math.max(1, Math.abs(ca.losses[k])), `cycle ${i} ${k}: ${ca.losses[k]} vs ${cf.losses[k]}`);
      }
      assert.ok(Math.abs(ca.textFrequency.k - cf.textFrequency.k) < 1e-4, `cycle ${i} text k: ${ca.textFrequency.k} vs ${cf.textFrequency.k}`);
      assert.ok(Math.abs(ca.skeletonFrequency.wMean - cf.skeletonFrequency.wMean) < 1e-4);
    });
  });
});
