import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescriptorScaler, describeClip, descriptorDim, describeSequences } from '../../lib/stage1/descriptor';
import { makeSequence } from '../../lib/data/skeleton';
import { assertClose } from '../helpers';

/** Orthonormal DCT-II coefficient k of x, written out from the definition (not the library's basis). */
function dctCoef(x: number[], k: number): number {
  const n = x.length;
  let s = 0;
  for (let t = 0; t < n; t++) s += x[t] * Math.cos((Math.PI * (t + 0.5) * k) / n);
  return s * Math.sqrt((k === 0 ? 1 : 2) / n);
}

describe('temporal-DCT descriptor', () => {
  const T = 10;
  const J = 2;
  // joint 0: constant (0.5, -1, 2); joint 1: x = 0.3·t (linear), y = sin(t), z = t²/50
  const clip = new Float32Array(T * J * 3);
  for (let t = 0; t < T; t++) {
    clip.set([0.5, -1, 2], (t * J + 0) * 3);
    clip.set([0.3 * t, Math.sin(t), (t * t) / 50], (t * J + 1) * 3);
  }
  const cfg = { frames: T, coefficients: 3, bodies: 1, velocity: true };
  const out = new Float32Array(descriptorDim(cfg, J));
  describeClip(clip, J, cfg, out);
  // layout: [stream][joint][xyz][coefficient]
  const at = (stream: number, j: number, c: number, k: number) => out[((stream * J + j) * 3 + c) * 3 + k];

  test('a constant trajectory has only the DC coefficient c·√T; its velocity is zero', () => {
    assertClose([at(0, 0, 0, 0), at(0, 0, 1, 0), at(0, 0, 2, 0)], [0.5 * Math.sqrt(T), -Math.sqrt(T), 2 * Math.sqrt(T)], 1e-5);
    assertClose([at(0, 0, 0, 1), at(0, 0, 0, 2), at(1, 0, 0, 0), at(1, 0, 2, 2)], [0, 0, 0, 0], 1e-6);
  });

  test('a linear trajectory has a constant velocity: DC a·√(T−1), nothing else', () => {
    assertClose([at(1, 1, 0, 0), at(1, 1, 0, 1), at(1, 1, 0, 2)], [0.3 * Math.sqrt(T - 1), 0, 0], 1e-5);
  });

  test('position and velocity coefficients equal the DCT-II written from its definition', () => {
    const y = Array.from({ length: T }, (_, t) => Math.sin(t));
    const z = Array.from({ length: T }, (_, t) => (t * t) / 50);
    const dz = z.slice(1).map((v, t) => v - z[t]);
    assertClose(
      [0, 1, 2].map((k) => at(0, 1, 1, k)),
      [0, 1, 2].map((k) => dctCoef(y, k)),
      1e-5,
    );
    assertClose(
      [0, 1, 2].map((k) => at(1, 1, 2, k)),
      [0, 1, 2].map((k) => dctCoef(dz, k)),
      1e-5,
    );
  });

  test('describeSequences preprocesses (centre, view, resample) and rejects mixed joint counts', () => {
    const seq = (id: string, joints: number) =>
      makeSequence({
        id,
        label: 0,
        layout: 'kinect-v1-20',
        bodies: 1,
        frames: 12,
        joints,
        data: Float32Array.from({ length: 12 * joints * 3 }, (_, i) => Math.sin(i) + (i % 3 === 0 ? ((i / 3) % joints) * 0.05 : 0)),
      });
    const d = describeSequences([seq('a', 20)], { frames: 8, coefficients: 2, bodies: 1, velocity: false });
    assert.equal(d.dim, 20 * 3 * 2);
    assert.equal(d.rows, 1);
    assert.throws(() => describeSequences([seq('a', 20), seq('b', 25)]), /joints/);
  });

  test('DescriptorScaler: per-dimension mean and population std of the training rows', () => {
    const data = Float32Array.from([1, 10, 3, 10, 5, 10]); // 3 rows × 2 dims; dim 1 constant
    const s = DescriptorScaler.fit(data, 3, 2);
    assertClose(s.mean, [3, 10], 1e-12);
    assertClose(s.std, [Math.sqrt(8 / 3), 1e-6], 1e-12);
    assertClose(s.transform(Float32Array.from([3, 10, 7, 10])), [0, 0, 4 / Math.sqrt(8 / 3), 0], 1e-6);
  });
});
