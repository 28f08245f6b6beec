import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSequence, SkeletonSequence } from '../../lib/data/skeleton';
import { KINECT_V1_20 } from '../../lib/data/layouts';
import { DctExtractorConfig, fitDctExtractor, ownMeanAccuracy } from '../../lib/stage1/dct-extractor';
import { TrainingSelection } from '../../lib/stage1/input';
import { motion } from '../fixtures/raw-datasets';
import { maxAbs } from '../helpers';

/** 10 classes × subjects 1..6 (odd = train side) × 2 repetitions, 16 frames, Kinect v1. */
function dataset(scaleOf: (s: SkeletonSequence) => number = () => 1): SkeletonSequence[] {
  const out: SkeletonSequence[] = [];
  for (let c = 0; c < 10; c++) {
    for (let s = 1; s <= 6; s++) {
      for (let r = 1; r <= 2; r++) {
        const m = motion(KINECT_V1_20, c, s, r, 16);
        const seq = makeSequence({
          id: `c${c}s${s}r${r}`,
          label: c,
          layout: 'kinect-v1-20',
          bodies: 1,
          frames: 16,
          joints: 20,
          data: Float32Array.from(m.flat(2)),
          meta: { subject: s },
        });
        const k = scaleOf(seq);
        out.push(k === 1 ? seq : { ...seq, data: seq.data.map((v) => v * k) });
      }
    }
  }
  return out;
}
const sideOf = (s: SkeletonSequence) => ((s.meta!.subject as number) % 2 === 1 ? 'train' : 'test');
const SEEN = [0, 1, 2, 3, 4, 5, 6];
const selection: TrainingSelection = { classes: SEEN, side: sideOf, numClasses: 10 };
const small: DctExtractorConfig = {
  kind: 'dct',
  name: 'test-lda',
  description: '',
  descriptor: { frames: 8, coefficients: 2, bodies: 1, velocity: false },
  metric: { shrinkage: [0.05, 0.5], outDim: 40, augmentCopies: 2, augment: { maxYawDeg: 10, scale: 0.05, cropMin: 0.9 }, folds: 3 },
};

describe('dct-lda extractor', () => {
  test('zero-shot guard: unseen-class and test-side samples never influence the fitted map', () => {
    const a = fitDctExtractor(small, dataset(), selection, { seed: 3 });
    // multiply every unseen-class sample and every test-side sample by 1000: the fit must not move
    const corrupt = dataset((s) => (!SEEN.includes(s.label) || sideOf(s) === 'test' ? 1000 : 1));
    const b = fitDctExtractor(small, corrupt, selection, { seed: 3 });
    const probe = dataset().filter((s) => s.meta!.subject === 1);
    const fa = a.extract(probe).features;
    const fb = b.extract(probe).features;
    assert.equal(maxAbs(fa.map((v, i) => v - fb[i])), 0);
    assert.equal(a.counts.eligible, 7 * 3 * 2);
    assert.equal(a.counts.testSide, 7 * 3 * 2);
    assert.equal(a.counts.otherClass, 3 * 6 * 2);
    assert.deepEqual(a.shrinkage, b.shrinkage);
  });

  test('whitening: the within-class covariance of the training rows becomes the identity (no shrinkage, no augmentation)', () => {
    const cfg: DctExtractorConfig = { ...small, metric: { ...small.metric!, shrinkage: [1e-9], augmentCopies: 0, outDim: 1000 } };
    const fit = fitDctExtractor(cfg, dataset(), selection, { seed: 1 });
    const train = dataset().filter((s) => SEEN.includes(s.label) && sideOf(s) === 'train');
    const f = fit.extract(train);
    const d = f.dim;
    assert.equal(d, 20 * 3 * 2);
    const means = new Map<number, Float64Array>();
    train.forEach((s, i) => {
      const m = means.get(s.label) ?? new Float64Array(d);
      for (let k = 0; k < d; k++) m[k] += f.features[i * d + k] / 6;
      means.set(s.label, m);
    });
    // the descriptor has 120 dims but only 42 training rows: the within-class scatter has rank 42 − 7 = 35, so check its
    // non-zero part: trace of the whitened within-class covariance = rank
    let tr = 0;
    train.forEach((s, i) => {
      const m = means.get(s.label)!;
      for (let k = 0; k < d; k++) tr += (f.features[i * d + k] - m[k]) ** 2;
    });
    assert.ok(Math.abs(tr / train.length - 35) < 1e-3 * 35, `trace ${tr / train.length}`);
  });

  test('deterministic per seed; the shrinkage is chosen by class folds inside the training classes', () => {
    const a = fitDctExtractor(small, dataset(), selection, { seed: 5 });
    const b = fitDctExtractor(small, dataset(), selection, { seed: 5 });
    const probe = dataset().slice(0, 12);
    assert.equal(maxAbs(a.extract(probe).features.map((v, i) => v - b.extract(probe).features[i])), 0);
    assert.equal(a.shrinkage!.folds.length, 3);
    assert.deepEqual(
      a.shrinkage!.folds.flat().sort((x, y) => x - y),
      SEEN,
    );
    assert.ok(small.metric!.shrinkage.includes(a.shrinkage!.chosen));
    const best = Math.max(...(a.shrinkage!.scores as number[]));
    assert.equal(a.shrinkage!.scores[small.metric!.shrinkage.indexOf(a.shrinkage!.chosen)], best);
  });

  test('logits: argmax is the nearest class mean, never-trained classes rank below every trained one', () => {
    const fit = fitDctExtractor(small, dataset(), selection, { seed: 2 });
    const e = fit.extract(dataset());
    for (let i = 0; i < e.rows; i++) {
      const row = e.logits.subarray(i * 10, (i + 1) * 10);
      const maxUntrained = Math.max(row[7], row[8], row[9]);
      assert.ok(SEEN.every((c) => row[c] > maxUntrained));
    }
    // training rows are classified well on this easy data
    const train = dataset().filter((s) => SEEN.includes(s.label) && sideOf(s) === 'test');
    const f = fit.extract(train);
    let ok = 0;
    for (let i = 0; i < f.rows; i++) {
      let best = 0;
      for (let c = 1; c < 10; c++) if (f.logits[i * 10 + c] > f.logits[i * 10 + best]) best = c;
      if (best === train[i].label) ok++;
    }
    assert.ok(ok / f.rows > 0.9, `seen test top-1 ${ok / f.rows}`);
  });

  test('ownMeanAccuracy on a hand example', () => {
    // 1-D: class 0 at 0, 1; class 1 at 3, 1.4 → means 0.5 and 2.2; 1.4 is nearer 2.2 (0.8) than 0.5 (0.9)
    assert.equal(ownMeanAccuracy(Float64Array.from([0, 1, 3, 1.4]), 1, [0, 0, 1, 1]), 1);
    // 1 is nearer 0.5 than 2.2; add a point of class 1 at 1.2 → means 0.5 and 1.8667: 1.2 is nearer 1.8667? |0.6667| vs |0.7| yes
    assert.equal(ownMeanAccuracy(Float64Array.from([0, 1, 3, 1.4, 1.2]), 1, [0, 0, 1, 1, 1]), 1);
    assert.equal(ownMeanAccuracy(Float64Array.from([0, 2, 3, 1]), 1, [0, 0, 1, 1]), 0.5);
  });
});
