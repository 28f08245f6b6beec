/**
 * Generated joint trajectories for when no real skeletons are present: each joint follows a rest
 * position plus a few smooth oscillations (slow whole-body sway, limb swings) and sensor jitter.
 * Clearly labelled as generated wherever used; deterministic by seed.
 */
import { Random } from '../util/random';
import { SkeletonSequence, makeSequence } from './skeleton';

export interface GeneratedTrajectoryOptions {
  count: number;
  frames: number;
  joints: number;
  seed: number;
  /** standard deviation of the per-frame sensor jitter, metres. */
  jitter: number;
}

export function generateTrajectories(opts: Partial<GeneratedTrajectoryOptions> = {}): SkeletonSequence[] {
  const { count, frames, joints, seed, jitter } = { count: 8, frames: 64, joints: 25, seed: 7, jitter: 0.005, ...opts };
  const rng = new Random(seed);
  const out: SkeletonSequence[] = [];
  for (let s = 0; s < count; s++) {
    const data = new Float32Array(frames * joints * 3);
    const swayFreq = rng.range(0.3, 1.0);
    const limbFreq = rng.range(1, 4);
    for (let j = 0; j < joints; j++) {
      const rest = [rng.range(-0.4, 0.4), rng.range(-0.8, 0.8), rng.range(2.5, 3.5)];
      const limbAmp = j >= 4 && j < 12 ? rng.range(0.05, 0.3) : rng.range(0, 0.03);
      const phase = rng.range(0, 2 * Math.PI);
      for (let t = 0; t < frames; t++) {
        const u = t / frames;
        for (let c = 0; c < 3; c++) {
          const sway = 0.05 * Math.sin(2 * Math.PI * swayFreq * u + c);
          const limb = limbAmp * Math.sin(2 * Math.PI * limbFreq * u + phase + c);
          data[(t * joints + j) * 3 + c] = rest[c] + sway + limb + jitter * rng.normal();
        }
      }
    }
    out.push(makeSequence({ id: `generated_${s}`, label: 0, layout: 'kinect-v2-25', bodies: 1, frames, joints, data, meta: { generated: 1 } }));
  }
  return out;
}
