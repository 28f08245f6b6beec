/**
 * Checkpoints: a JSON manifest plus one binary file of float32 arrays. The binary is named by its
 * content hash and written first; the manifest — which names that binary, its size and its sha256
 * — is renamed into place last, so it is the commit point: a run killed between any two
 * filesystem operations leaves the previous checkpoint or the new one, never a mixed pair. On load
 * the binary must match the manifest's sha256; a damaged or mismatched checkpoint is a clear
 * error (delete it to start over), never a silent resume.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsvaeInputError } from '../util/assert';
import { faultPoint, sha256Hex, writeFileAtomic } from '../util/atomic-file';

export interface CheckpointPayload<M> {
  /** anything JSON-serialisable (config hash, cycle, RNG state, metrics). */
  meta: M;
  /** named float32 arrays (weights, optimizer moments, stored outputs). */
  arrays: Record<string, Float32Array>;
}

interface Manifest<M> {
  version: 2;
  meta: M;
  index: Record<string, { offset: number; length: number }>;
  /** file name of the binary (in the same folder), its size in bytes and sha256 */
  bin: string;
  bytes: number;
  sha256: string;
}

function binFilesOf(dir: string, name: string): string[] {
  const re = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.[0-9a-f]{16})?\\.bin$`);
  return fs.readdirSync(dir).filter((f) => re.test(f));
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
  const bytes = new Uint8Array(bin.buffer, bin.byteOffset, bin.byteLength);
  const sha256 = sha256Hex(bytes);
  const binName = `${name}.${sha256.slice(0, 16)}.bin`;
  writeFileAtomic(path.join(dir, binName), bytes);
  const manifest: Manifest<M> = { version: 2, meta: payload.meta, index, bin: binName, bytes: bytes.byteLength, sha256 };
  writeFileAtomic(path.join(dir, `${name}.json`), JSON.stringify(manifest));
  // the new checkpoint is committed; binaries of earlier ones are garbage now
  for (const f of binFilesOf(dir, name)) {
    if (f === binName) continue;
    faultPoint(`remove ${f}`);
    fs.rmSync(path.join(dir, f), { force: true });
  }
}

export function loadCheckpoint<M>(dir: string, name: string): CheckpointPayload<M> | null {
  const jsonPath = path.join(dir, `${name}.json`);
  if (!fs.existsSync(jsonPath)) return null;
  const fix = `delete ${path.join(dir, name)}.json and ${name}.*.bin to start over`;
  let manifest: Manifest<M>;
  try {
    manifest = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as Manifest<M>;
  } catch (e) {
    throw new FsvaeInputError(`checkpoint ${jsonPath}: damaged manifest (${(e as Error).message}); ${fix}.`);
  }
  if (manifest?.version !== 2 || typeof manifest.bin !== 'string' || typeof manifest.sha256 !== 'string') {
    throw new FsvaeInputError(
      `checkpoint ${jsonPath}: written by an older version without a content hash (or not a checkpoint manifest), ` + `so it cannot be verified; ${fix}.`,
    );
  }
  const binPath = path.join(dir, path.basename(manifest.bin));
  if (!fs.existsSync(binPath)) throw new FsvaeInputError(`checkpoint ${jsonPath}: its binary ${binPath} is missing; ${fix}.`);
  const buf = fs.readFileSync(binPath);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  if (bytes.byteLength !== manifest.bytes || sha256Hex(bytes) !== manifest.sha256) {
    throw new FsvaeInputError(
      `checkpoint ${jsonPath}: ${binPath} does not match the manifest's size and sha256 ` + `(an interrupted or foreign write, or a modified file); ${fix}.`,
    );
  }
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const arrays: Record<string, Float32Array> = {};
  for (const [k, { offset, length }] of Object.entries(manifest.index)) {
    if (offset + length > all.length) throw new FsvaeInputError(`checkpoint ${jsonPath}: array '${k}' lies past the end of ${binPath}; ${fix}.`);
    arrays[k] = all.slice(offset, offset + length);
  }
  return { meta: manifest.meta, arrays };
}
