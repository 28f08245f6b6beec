/**
 * The whole stages 2-4 run (train phase, validation phase, gate, GZSL) with the reference-ntu60
 * preset on generated features of NTU-60's sizes (55/5 split, cross-subject counts: 36,960 seen
 * training rows, 16,560 test rows; skeleton 256-d, text lb_ad_md 1536-d), one seed, wall time from
 * loading the features to the GZSL numbers. The public code takes 961 s for the same run on this
 * 2-core machine, one phase after the other.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeSyntheticBenchmark } from '../lib/data/synthetic-features';
import { getSplit } from '../lib/data/splits';
import { loadZeroShotData, runZeroShotBenchmark } from '../lib/pipeline/zero-shot';
import { canRunPhasesInParallel } from '../lib/pipeline/phase-worker';
import { fsvaePreset } from '../lib/train/config';

export const REFERENCE_STAGES_2_TO_4_SECONDS = 961;

export async function benchStage2EndToEnd(opts: { quick: boolean }): Promise<Record<string, unknown>[]> {
  const split = getSplit('ntu60-55/5');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-e2e-'));
  try {
    // NTU-60 xsub: 40,320 training and 16,560 test sequences → 672 and 276 per class
    writeSyntheticBenchmark(root, split, { trainPerClass: 672, testPerClass: 276, seed: 5 });
    const cfg = fsvaePreset('reference-ntu60');
    if (opts.quick) cfg.schedule.cycles = 1;
    const t0 = Date.now();
    const data = loadZeroShotData({ features: path.join(root, 'sk_feats'), text: root, textMode: 'lb_ad_md', encoder: 'ViT-B/32' }, split);
    let lastLog = 0;
    const result = await runZeroShotBenchmark(cfg, data, {
      seeds: [1],
      onProgress: (phase, _seed, p) => {
        if (phase === 'train' && Date.now() - lastLog > 30_000) {
          lastLog = Date.now();
          console.log(`  train phase: cycle ${p.cycle}, step ${p.step}, ${p.stepsPerSecond.toFixed(1)} steps/s`);
        }
      },
    });
    const seconds = (Date.now() - t0) / 1000;
    const steps = cfg.schedule.cycles * cfg.schedule.stepsPerCycle;
    return [
      {
        preset: cfg.name,
        cycles: cfg.schedule.cycles,
        'steps per phase': steps,
        phases: canRunPhasesInParallel() ? 'train ‖ val (worker thread)' : 'train, then val',
        'train rows': data.trainPhase.train.rows,
        'val-phase rows': data.valPhase.train.rows,
        'test rows': data.trainPhase.gtest!.rows,
        'train-phase steps/s': Number(result.perSeed[0].stepsPerSecond.toFixed(1)),
        'wall s (stages 2-4)': Number(seconds.toFixed(1)),
        'public code, s': opts.quick ? '' : REFERENCE_STAGES_2_TO_4_SECONDS,
        ratio: opts.quick ? '' : Number((seconds / REFERENCE_STAGES_2_TO_4_SECONDS).toFixed(3)),
      },
    ];
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
