/**
 * Checkpoints: a JSON manifest plus one binary file of float32 arrays, written atomically
 * (temporary names, then rename) so a run killed at any moment leaves the previous checkpoint intact.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CheckpointPayload<M> {
  /** anything JSON-serialisable (config hash, cycle, RNG state, metrics). */
  meta: M;
  /** named float32 arrays (weights, optimizer moments, stored outputs). */
  arrays: Record<string, Float32Array>;
}

export function saveCheckpoint<M>(dir: string, name: string, payload: CheckpointPayload<M>): void {
  fs.mkdirSync(dir, { recursive: true });
  const index: Record<string, { offset: number; length: number }> = {};
  let total = 0;
  for (const [k, a] of Object.entries(payload.arrays)) {
    index[k] = { offset: total, length: a.length };
    total += a.length;
  }
  const bin = new Float32Array(total);
  for (const [k, a] of Object.entries(payload.arrays)) bin.set(a, index[k].offset);
  const binPath = path.join(dir, `${name}.bin`);
  const jsonPath = path.join(dir, `${name}.json`);
  fs.writeFileSync(`${binPath}.tmp`, Buffer.from(bin.buffer, bin.byteOffset, bin.byteLength));
  fs.writeFileSync(`${jsonPath}.tmp`, JSON.stringify({ version: 1, meta: payload.meta, index }));
  // the manifest names the binary's size, so a mismatched pair is detected on load
  fs.renameSync(`${binPath}.tmp`, binPath);
  fs.renameSync(`${jsonPath}.tmp`, jsonPath);
}

export function loadCheckpoint<M>(dir: string, name: string): CheckpointPayload<M> | null {
  const jsonPath = path.join(dir, `${name}.json`);
  const binPath = path.join(dir, `${name}.bin`);
  if (!fs.existsSync(jsonPath) || !fs.existsSync(binPath)) return null;
  const manifest = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as { version: number; meta: M; index: Record<string, { offset: number; length: number }> };
  const buf = fs.readFileSync(binPath);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const arrays: Record<string, Float32Array> = {};
  for (const [k, { offset, length }] of Object.entries(manifest.index)) {
    if (offset + length > all.length) throw new Error(`checkpoint ${jsonPath}: array '${k}' lies past the end of ${binPath} (incomplete write?); delete both files to start over.`);
    arrays[k] = all.slice(offset, offset + length);
  }
  return { meta: manifest.meta, arrays };
}
