/**
 * For tests that run on a WebGPU adapter (a GPU, or Mesa's lavapipe from
 * scripts/ensure-vulkan-software.sh): why they must skip here, if they must, and how close is close.
 */
import assert from 'node:assert/strict';
import { TFJS_WEBGPU_PACKAGE, probeWebGpu } from '../../lib/runtime/webgpu';

/** false when a WebGPU adapter and the optional packages are there (the backend is then registered), else the reason. */
export async function webGpuSkipReason(): Promise<string | false> {
  try {
    require.resolve(TFJS_WEBGPU_PACKAGE);
  } catch {
    return `no WebGPU device: ${TFJS_WEBGPU_PACKAGE} is not installed (optional dependency)`;
  }
  const { adapter, note } = await probeWebGpu();
  if (!adapter) return `no WebGPU device: ${note}`;
  require(TFJS_WEBGPU_PACKAGE);
  return false;
}

/** max |a − b| ≤ rel · max |a| (float32 sums in another order differ by a few ulps of the largest values). */
export function assertCloseRelative(a: ArrayLike<number>, b: ArrayLike<number>, rel: number, what: string): void {
  assert.equal(a.length, b.length, what);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  assert.ok(scale > 0, `${what}: all zeros`);
  assert.ok(diff <= rel * scale, `${what}: max difference ${diff.toExponential(2)} > ${rel} × max ${scale.toExponential(2)}`);
}
