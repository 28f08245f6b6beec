/** The random-text control: class vectors with no semantics, shaped like real text features. */
import { composeTextFeatures, parseTextMode, TextMatrix } from './compose';
import { Random } from '../util/random';
import { FsvaeInputError } from '../util/assert';

/**
 * A seeded random class-text table: rows × dim standard normals from Random(seed), row-major.
 * Same seed → the same table; no semantics at all.
 */
export function randomTextTable(rows: number, dim: number, seed: number): Float32Array {
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(dim) || dim < 1)
    throw new FsvaeInputError('randomTextTable: rows and dim ' + `must be positive integers, got ${rows} × ${dim}.`);
  const rng = new Random(seed);
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

/**
 * Random text features shaped like a text mode (Eq. 5): one random table of `dim` columns per part
 * (part p seeded with seed + 1000·p), concatenated and L2-normalised per class like real text.
 */
export function randomTextFeatures(rows: number, mode: string, seed: number, dim = 512): TextMatrix & { source: string } {
  const parts = parseTextMode(mode);
  const mats = parts.map((_, p) => ({ rows, cols: dim, data: randomTextTable(rows, dim, seed + 1000 * p) }));
  return { ...composeTextFeatures(mats, `random text (${mode}, seed ${seed})`), source: `random:${dim}x${parts.length}:seed${seed}` };
}
