/**
 * The temporal-DCT skeleton descriptor: a parameter-free stage-1 feature (and the yardstick every
 * learned extractor is measured against in the feature-quality report).
 *
 * For each sequence: trim → centre (first frame) → view normalisation → resample to `frames` →
 * first `bodies` bodies (lib/data/preprocess). Then, per body, joint and coordinate, the first
 * `coefficients` orthonormal DCT-II coefficients (Eq. 29, lib/frequency/dct) of the position
 * trajectory and of the velocity trajectory (frame differences, `frames − 1` samples). Layout of
 * one row: [body][stream: position, velocity][joint][xyz][coefficient].
 *
 * The raw rows are z-scored with a `DescriptorScaler` fitted on training rows only (mean and std
 * per dimension), so that no dimension's unit dominates a Euclidean distance.
 */
import { FsvaeInputError } from '../util/assert';
import { dctBasis64 } from '../frequency/dct';
import { preprocessSequence } from '../data/preprocess';
import { SkeletonSequence } from '../data/skeleton';

export interface DctDescriptorConfig {
  /** frames after resampling */
  frames: number;
  /** low-frequency DCT coefficients kept per trajectory */
  coefficients: number;
  /** bodies described (zero-padded) */
  bodies: number;
  /** add the coefficients of the frame-difference (velocity) trajectories */
  velocity: boolean;
}

export const DCT_DESCRIPTOR_DEFAULT: Readonly<DctDescriptorConfig> = { frames: 32, coefficients: 8, bodies: 1, velocity: true };

export function validateDescriptorConfig(cfg: DctDescriptorConfig, what = 'dct descriptor'): void {
  if (!Number.isInteger(cfg.frames) || cfg.frames < 2) throw new FsvaeInputError(`${what}: frames must be an integer ≥ 2, got ${cfg.frames}.`);
  if (!Number.isInteger(cfg.coefficients) || cfg.coefficients < 1 || cfg.coefficients > cfg.frames - (cfg.velocity ? 1 : 0)) {
    throw new FsvaeInputError(`${what}: coefficients must be an integer in 1..${cfg.frames - (cfg.velocity ? 1 : 0)}, got ${cfg.coefficients}.`);
  }
  if (!Number.isInteger(cfg.bodies) || cfg.bodies < 1) throw new FsvaeInputError(`${what}: bodies must be a positive integer, got ${cfg.bodies}.`);
}

/** Length of one descriptor row for sequences with `joints` joints. */
export function descriptorDim(cfg: DctDescriptorConfig, joints: number): number {
  return cfg.bodies * (cfg.velocity ? 2 : 1) * joints * 3 * cfg.coefficients;
}

/**
 * Descriptor of one clip already preprocessed to [bodies, frames, joints, 3] (prepareClip's layout),
 * written into `out` at `offset`.
 */
export function describeClip(clip: Float32Array, joints: number, cfg: DctDescriptorConfig, out: Float32Array, offset = 0): void {
  const { frames: T, coefficients: K, bodies: M } = cfg;
  if (clip.length !== M * T * joints * 3) throw new FsvaeInputError(`describeClip: clip has ${clip.length} values, expected ${M}·${T}·${joints}·3.`);
  const basisP = dctBasis64(T);
  const basisV = cfg.velocity ? dctBasis64(T - 1) : null;
  const traj = new Float64Array(T);
  let o = offset;
  for (let m = 0; m < M; m++) {
    for (let stream = 0; stream < (cfg.velocity ? 2 : 1); stream++) {
      const n = stream === 0 ? T : T - 1;
      const basis = stream === 0 ? basisP : basisV!;
      for (let j = 0; j < joints; j++) {
        for (let c = 0; c < 3; c++) {
          for (let t = 0; t < n; t++) {
            const at = (tt: number) => clip[((m * T + tt) * joints + j) * 3 + c];
            traj[t] = stream === 0 ? at(t) : at(t + 1) - at(t);
          }
          for (let k = 0; k < K; k++) {
            let acc = 0;
            const row = k * n;
            for (let t = 0; t < n; t++) acc += basis[row + t] * traj[t]; // Eq. 29
            out[o++] = acc;
          }
        }
      }
    }
  }
}

/** Preprocesses one sequence as the descriptor expects (trim, centre, view, resample, bodies). */
export function descriptorClip(seq: SkeletonSequence, cfg: DctDescriptorConfig): Float32Array {
  return preprocessSequence(seq, { trim: true, center: 'first-frame', view: true, frames: cfg.frames, bodies: cfg.bodies }).data;
}

/** Raw (unscaled) descriptor rows of `sequences` (rows × dim, row-major). */
export function describeSequences(
  sequences: readonly SkeletonSequence[],
  cfg: DctDescriptorConfig = DCT_DESCRIPTOR_DEFAULT,
): { rows: number; dim: number; data: Float32Array } {
  validateDescriptorConfig(cfg);
  if (sequences.length === 0) return { rows: 0, dim: 0, data: new Float32Array(0) };
  const joints = sequences[0].joints;
  const dim = descriptorDim(cfg, joints);
  const data = new Float32Array(sequences.length * dim);
  sequences.forEach((s, i) => {
    if (s.joints !== joints)
      throw new FsvaeInputError(
        `dct descriptor: sequence ${s.id} has ${s.joints} joints, ${sequences[0].id} has ${joints}; ` + 'one descriptor handles one joint layout.',
      );
    describeClip(descriptorClip(s, cfg), joints, cfg, data, i * dim);
  });
  return { rows: sequences.length, dim, data };
}

/** Per-dimension z-scoring fitted on training rows (std floor 1e-6 for constant dimensions). */
export class DescriptorScaler {
  readonly mean: Float64Array;
  readonly std: Float64Array;

  private constructor(mean: Float64Array, std: Float64Array) {
    this.mean = mean;
    this.std = std;
  }

  static fit(data: Float32Array, rows: number, dim: number): DescriptorScaler {
    if (rows < 2) throw new FsvaeInputError(`DescriptorScaler.fit: needs at least 2 training rows, got ${rows}.`);
    const mean = new Float64Array(dim);
    const sq = new Float64Array(dim);
    for (let i = 0; i < rows; i++) for (let d = 0; d < dim; d++) mean[d] += data[i * dim + d];
    for (let d = 0; d < dim; d++) mean[d] /= rows;
    for (let i = 0; i < rows; i++) {
      for (let d = 0; d < dim; d++) {
        const z = data[i * dim + d] - mean[d];
        sq[d] += z * z;
      }
    }
    const std = sq.map((s) => Math.max(Math.sqrt(s / rows), 1e-6));
    return new DescriptorScaler(mean, std);
  }

  static fromJSON(j: { mean: number[]; std: number[] }): DescriptorScaler {
    return new DescriptorScaler(Float64Array.from(j.mean), Float64Array.from(j.std));
  }

  toJSON(): { mean: number[]; std: number[] } {
    return { mean: Array.from(this.mean), std: Array.from(this.std) };
  }

  transform(data: Float32Array): Float32Array {
    const dim = this.mean.length;
    if (data.length % dim !== 0) throw new FsvaeInputError(`DescriptorScaler.transform: ${data.length} values are not rows of ${dim}.`);
    const out = new Float32Array(data.length);
    for (let o = 0; o < data.length; o += dim) for (let d = 0; d < dim; d++) out[o + d] = (data[o + d] - this.mean[d]) / this.std[d];
    return out;
  }
}
