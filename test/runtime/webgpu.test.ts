/**
 * WebGPU through Dawn's Node binding (lib/runtime/webgpu.ts, the `webgpu` backend of initBackend):
 * the adapter helpers always; on a WebGPU adapter (a GPU, or Mesa's lavapipe installed by
 * scripts/ensure-vulkan-software.sh) ops and gradients against the cpu backend. The device part is
 * skipped with a one-line reason when the optional packages or a Vulkan adapter are missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describeAdapter, gpuDeviceNodes, isSoftwareAdapter } from '../../lib/runtime/webgpu';
import { initBackend } from '../../lib/runtime/backend';
import { USE_LITE_PACKAGE, UseLiteEncoder, useLitePackageDir } from '../../lib/text/encoders/use-lite';
import { assertCloseRelative as assertClose, webGpuSkipReason } from './webgpu-device';
import { tempDir } from '../temp-dirs';

test('software adapters are told apart by name or by the fallback flag', () => {
  const lavapipe = { vendor: 'mesa', architecture: '', device: 'llvmpipe (LLVM 15.0.6, 256 bits)', description: 'llvmpipe: Mesa 25.0.7' };
  const h100 = { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H100 80GB HBM3', description: 'NVIDIA: 550.54' };
  assert.equal(isSoftwareAdapter(lavapipe), true);
  assert.equal(isSoftwareAdapter({ ...h100, device: 'SwiftShader Device (Subzero)' }), true);
  assert.equal(isSoftwareAdapter(h100), false);
  assert.equal(isSoftwareAdapter(h100, true), true);
  assert.equal(describeAdapter({ ...h100, software: false }), 'nvidia NVIDIA H100 80GB HBM3 (NVIDIA: 550.54)');
  assert.equal(describeAdapter({ vendor: '', architecture: '', device: '', description: '', software: true }), 'unnamed adapter, software');
});

test('GPU device nodes: DRM render nodes, NVIDIA and WSL devices count, card and control nodes do not', () => {
  const dev = tempDir('dev');
  assert.deepEqual(gpuDeviceNodes(dev), []);
  fs.mkdirSync(path.join(dev, 'dri'));
  for (const f of ['dri/card0', 'nvidiactl', 'nvidia-uvm', 'null']) fs.writeFileSync(path.join(dev, f), '');
  assert.deepEqual(gpuDeviceNodes(dev), []);
  for (const f of ['dri/renderD128', 'nvidia0', 'dxg']) fs.writeFileSync(path.join(dev, f), '');
  assert.deepEqual(gpuDeviceNodes(dev).sort(), [`${dev}/dri/renderD128`, `${dev}/dxg`, `${dev}/nvidia0`].sort());
  assert.deepEqual(gpuDeviceNodes(path.join(dev, 'missing')), []);
});

/** Runs fn on the cpu backend, then on webgpu, returning both results as plain arrays (async reads only). */
async function onBoth(fn: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: Float32Array[]; gpu: Float32Array[] }> {
  const run = async (backend: string) => {
    assert.ok(await tf.setBackend(backend), `setBackend(${backend})`);
    await tf.ready();
    const out = tf.tidy(fn);
    const list = Array.isArray(out) ? out : [out];
    const values = await Promise.all(list.map(async (t) => (await t.data()) as Float32Array));
    tf.dispose(list);
    return values;
  };
  const cpu = await run('cpu');
  const gpu = await run('webgpu');
  await tf.setBackend('cpu');
  return { cpu, gpu };
}

test('on a WebGPU adapter: matmul, a graph convolution block and the gradient of an MLP loss agree with cpu', async (t) => {
  const skip = await webGpuSkipReason();
  if (skip) return t.skip(skip);
  const a = Array.from({ length: 64 * 48 }, (_, i) => Math.sin(i * 0.37));
  const b = Array.from({ length: 48 * 32 }, (_, i) => Math.cos(i * 0.11));
  const mm = await onBoth(() => tf.matMul(tf.tensor2d(a, [64, 48]), tf.tensor2d(b, [48, 32])));
  assertClose(mm.cpu[0], mm.gpu[0], 1e-5, 'matmul');
  // a GCN-style block: 2-D convolution over (frames, joints), adjacency mixing, batch-norm-like scaling, ReLU
  const x = Array.from({ length: 2 * 3 * 16 * 25 }, (_, i) => Math.sin(i * 0.013));
  const adj = Array.from({ length: 25 * 25 }, (_, i) => ((i * 7) % 25 === i % 25 ? 1 : 0.04));
  const w = Array.from({ length: 9 * 1 * 3 * 8 }, (_, i) => Math.cos(i * 0.5) * 0.2);
  const gcn = await onBoth(() => {
    const inp = tf.tensor4d(x, [2, 16, 25, 3]);
    const conv = tf.conv2d(inp, tf.tensor4d(w, [9, 1, 3, 8]), 1, 'same');
    const mixed = tf.einsum('btvc,vw->btwc', conv, tf.tensor2d(adj, [25, 25]));
    const { mean, variance } = tf.moments(mixed, [0, 1, 2]);
    return tf.relu(tf.div(tf.sub(mixed, mean), tf.sqrt(tf.add(variance, 1e-5))));
  });
  assertClose(gcn.cpu[0], gcn.gpu[0], 1e-4, 'graph convolution block');
  // gradient of a small MLP's softmax cross-entropy (what stage 3 and the gate train)
  const grads = await onBoth(() => {
    const w1 = tf.tensor2d(b.slice(0, 48 * 16), [48, 16]);
    const w2 = tf.tensor2d(b.slice(0, 16 * 5), [16, 5]);
    const xs = tf.tensor2d(a, [64, 48]);
    const ys = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 64 }, (_, i) => i % 5),
        'int32',
      ),
      5,
    );
    const loss = (p: tf.Tensor, q: tf.Tensor) => tf.losses.softmaxCrossEntropy(ys, tf.matMul(tf.tanh(tf.matMul(xs, p)), q)) as tf.Scalar;
    return tf.grads(loss)([w1, w2]);
  });
  assertClose(grads.cpu[0], grads.gpu[0], 1e-4, 'gradient of the first layer');
  assertClose(grads.cpu[1], grads.gpu[1], 1e-4, 'gradient of the second layer');
});

test('on a WebGPU adapter: a training loop with async reads keeps the tensor count steady', async (t) => {
  const skip = await webGpuSkipReason();
  if (skip) return t.skip(skip);
  assert.ok(await tf.setBackend('webgpu'));
  const w = tf.variable(tf.zeros([8, 3]));
  const xs = tf.randomNormal([32, 8], 0, 1, 'float32', 7);
  const ys = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: 32 }, (_, i) => i % 3),
      'int32',
    ),
    3,
  );
  const opt = tf.train.adam(0.05);
  const counts: number[] = [];
  const losses: number[] = [];
  for (let step = 0; step < 30; step++) {
    const cost = opt.minimize(() => tf.losses.softmaxCrossEntropy(ys, tf.matMul(xs, w)) as tf.Scalar, true)!;
    losses.push((await cost.data())[0]);
    cost.dispose();
    counts.push(tf.memory().numTensors);
  }
  assert.ok(losses[29] < losses[0], `the loss goes down (${losses[0].toFixed(3)} → ${losses[29].toFixed(3)})`);
  assert.equal(new Set(counts.slice(2)).size, 1, `tensor count steady after the first steps: ${counts.join(', ')}`);
  tf.dispose([w, xs, ys]);
  opt.dispose();
  await tf.setBackend('cpu');
});

test('on a WebGPU adapter: the USE-Lite text encoder (a graph model that reads shapes synchronously) runs on wasm meanwhile', async (t) => {
  const skip = await webGpuSkipReason();
  if (skip) return t.skip(skip);
  // a GPU machine's bundle (scripts/gpu-bundle.sh) leaves the 28 MB model package out
  if (!useLitePackageDir()) return t.skip(`${USE_LITE_PACKAGE} is not installed`);
  const texts = ['a person waves a hand', 'someone sits down on a chair'];
  await initBackend({ prefer: 'wasm', quiet: true });
  const onWasm = await (await UseLiteEncoder.load()).encode(texts);
  assert.ok(await tf.setBackend('webgpu'));
  const encoder = await UseLiteEncoder.load();
  const onWebGpu = await encoder.encode(texts);
  assert.equal(tf.getBackend(), 'webgpu', 'the active backend is webgpu again afterwards');
  assert.deepEqual(Array.from(onWebGpu), Array.from(onWasm), 'the same embeddings as on wasm');
  encoder.dispose();
  await tf.setBackend('cpu');
});
