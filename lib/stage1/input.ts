/**
 * Stage-1 input pipeline: protocol sides, preprocessing to fixed [M, T, V, 3] clips, training
 * augmentation, and the batch builder that guards the zero-shot rule (no unseen-class and no
 * test-side sample ever enters a training batch).
 *
 * Clip layout: Float32Array, index (((m·T + t)·V + v)·3 + c), i.e. the SkeletonSequence layout
 * after preprocessSequence (trim → centre → view → resample to T → pad/truncate to M bodies).
 * A batch stacks clips into [N, M, T, V, 3].
 */
import { FsvaeInputError } from '../util/assert';
import { Random } from '../util/random';
import { JointLayout, jointLayout } from '../data/layouts';
import { preprocessSequence } from '../data/preprocess';
import { SkeletonSequence } from '../data/skeleton';
import { SideOf } from '../data/splits';
import { Stage1AugmentConfig, Stage1InputConfig } from './config';

export type { ProtocolSideName, SideOf } from '../data/splits';
export { sideFromIds, sideFromProtocol } from '../data/splits';

/** The input configuration with the body count fixed. */
export interface ResolvedInput extends Stage1InputConfig {
  bodies: number;
}

/** The common joint layout of the sequences (all must share it). */
export function commonLayout(sequences: readonly SkeletonSequence[], what: string): JointLayout {
  if (sequences.length === 0) throw new FsvaeInputError(`${what}: no sequences.`);
  const name = sequences[0].layout;
  for (const s of sequences) {
    if (s.layout !== name)
      throw new FsvaeInputError(
        `${what}: sequence ${s.id} has layout ${s.layout}, ${sequences[0].id} has ${name}; ` + 'one extractor handles one joint layout.',
      );
  }
  const layout = jointLayout(name);
  for (const s of sequences) {
    if (s.joints !== layout.joints.length)
      throw new FsvaeInputError(`${what}: sequence ${s.id} has ${s.joints} joints, ` + `layout ${name} has ${layout.joints.length}.`);
  }
  return layout;
}

/** Fixes `bodies` when unset: the most bodies of any of `sequences`, at most 2 (NTU's M). */
export function resolveInput(input: Stage1InputConfig, sequences: readonly SkeletonSequence[]): ResolvedInput {
  if (input.bodies !== undefined) return { ...input, bodies: input.bodies };
  let m = 1;
  for (const s of sequences) m = Math.max(m, s.bodies);
  return { ...input, bodies: Math.min(2, m) };
}

/** One sequence as a fixed-size clip [M, T, V, 3]. */
export function prepareClip(seq: SkeletonSequence, input: ResolvedInput): Float32Array {
  const s = preprocessSequence(seq, { trim: true, center: input.center, view: input.view, frames: input.frames, bodies: input.bodies });
  return s.data;
}

/**
 * Training augmentation of a clip [M, T, V, 3] (new array): a random temporal window of
 * ⌈u·T⌉ frames (u ~ U[cropMin, 1]) linearly resampled back to T frames, then a rotation by
 * θ ~ U[−maxYaw, maxYaw] about the vertical y axis (x' = x cos θ + z sin θ, z' = −x sin θ + z cos θ)
 * and a scale s ~ U[1 − scale, 1 + scale]. Absent body-frames (all zero) stay zero: a resampled
 * frame between a present and an absent one takes the nearer one.
 */
export function augmentClip(clip: Float32Array, M: number, T: number, V: number, aug: Stage1AugmentConfig, rng: Random): Float32Array {
  const per = V * 3;
  let out = clip;
  if (aug.cropMin < 1 && T > 1) {
    const u = rng.range(aug.cropMin, 1);
    const len = Math.min(T, Math.max(2, Math.ceil(u * T)));
    const start = rng.int(T - len + 1);
    out = new Float32Array(clip.length);
    for (let m = 0; m < M; m++) {
      const present = (t: number) => {
        const o = (m * T + t) * per;
        for (let q = 0; q < per; q++) if (clip[o + q] !== 0) return true;
        return false;
      };
      for (let i = 0; i < T; i++) {
        const p = start + (i * (len - 1)) / (T - 1);
        const k0 = Math.min(Math.floor(p), start + len - 1);
        const k1 = Math.min(k0 + 1, start + len - 1);
        const w = p - k0;
        const o0 = (m * T + k0) * per;
        const o1 = (m * T + k1) * per;
        const dst = (m * T + i) * per;
        const v0 = present(k0);
        const v1 = present(k1);
        if (v0 && v1) {
          for (let q = 0; q < per; q++) out[dst + q] = clip[o0 + q] + w * (clip[o1 + q] - clip[o0 + q]);
        } else {
          const src = w < 0.5 ? (v0 ? o0 : -1) : v1 ? o1 : -1;
          if (src >= 0) out.set(clip.subarray(src, src + per), dst);
        }
      }
    }
  }
  const theta = aug.maxYawDeg > 0 ? rng.range(-aug.maxYawDeg, aug.maxYawDeg) * (Math.PI / 180) : 0;
  const s = aug.scale > 0 ? rng.range(1 - aug.scale, 1 + aug.scale) : 1;
  if (theta !== 0 || s !== 1) {
    if (out === clip) out = clip.slice();
    const c = Math.cos(theta) * s;
    const sn = Math.sin(theta) * s;
    for (let o = 0; o < out.length; o += 3) {
      const x = out[o];
      const y = out[o + 1];
      const z = out[o + 2];
      out[o] = c * x + sn * z;
      out[o + 1] = s * y;
      out[o + 2] = -sn * x + c * z;
    }
  }
  return out;
}

/** A stacked batch [N, M, T, V, 3] with the original class labels. */
export interface ClipBatch {
  data: Float32Array;
  shape: [number, number, number, number, number];
  labels: Int32Array;
  ids: string[];
}

/** Stacks sequences into a batch without augmentation (feature extraction of any set). */
export function packClips(sequences: readonly SkeletonSequence[], input: ResolvedInput, layout: JointLayout): ClipBatch {
  const V = layout.joints.length;
  const size = input.bodies * input.frames * V * 3;
  const data = new Float32Array(sequences.length * size);
  sequences.forEach((s, i) => data.set(prepareClip(s, input), i * size));
  return {
    data,
    shape: [sequences.length, input.bodies, input.frames, V, 3],
    labels: Int32Array.from(sequences.map((s) => s.label)),
    ids: sequences.map((s) => s.id),
  };
}

/** Raised when a sample that must not be trained on reaches the batch builder. */
export class TrainingLeakError extends FsvaeInputError {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingLeakError';
  }
}

/** What may enter a training batch. */
export interface TrainingSelection {
  /** the classes trained on (the split's seen classes, or its val-seen classes) */
  classes: readonly number[];
  /** train/test side of each sequence; only 'train' may be used */
  side: SideOf;
  /** ids of train-side samples withheld from training (the val phase's held-out samples) */
  holdOut?: ReadonlySet<string>;
  /** size of the class space (labels must lie in 0..numClasses−1) */
  numClasses: number;
}

export interface SelectionCounts {
  eligible: number;
  otherClass: number;
  testSide: number;
  heldOut: number;
}

/**
 * Builds training batches from the sequences a selection allows, and refuses (TrainingLeakError)
 * any other index: a sample of a class outside `classes`, a test-side sample, or a held-out one.
 */
export class TrainingBatchBuilder {
  readonly layout: JointLayout;
  /** indices into `sequences` of the allowed samples, in input order */
  readonly eligible: number[] = [];
  readonly counts: SelectionCounts = { eligible: 0, otherClass: 0, testSide: 0, heldOut: 0 };
  private readonly classSet: Set<number>;
  private readonly clipCache = new Map<number, Float32Array>();
  private readonly cache: boolean;

  constructor(
    readonly sequences: readonly SkeletonSequence[],
    readonly selection: TrainingSelection,
    readonly input: ResolvedInput,
    opts: { /** keep preprocessed clips in memory (default: when they fit in 256 MiB) */ cacheClips?: boolean } = {},
  ) {
    this.layout = commonLayout(sequences, 'stage 1 training');
    const C = selection.numClasses;
    if (!Number.isInteger(C) || C < 2) throw new FsvaeInputError(`stage 1 training: numClasses must be an integer ≥ 2, got ${C}.`);
    for (const c of selection.classes) {
      if (!Number.isInteger(c) || c < 0 || c >= C) throw new FsvaeInputError(`stage 1 training: class ${c} of the training classes is outside 0..${C - 1}.`);
    }
    this.classSet = new Set(selection.classes);
    if (this.classSet.size === 0) throw new FsvaeInputError('stage 1 training: the list of training classes is empty.');
    sequences.forEach((s, i) => {
      const why = this.reason(s);
      if (why === null) this.eligible.push(i);
      else this.counts[why]++;
    });
    this.counts.eligible = this.eligible.length;
    if (this.eligible.length === 0) {
      throw new FsvaeInputError(
        `stage 1 training: no sequence is on the train side with a training class (${this.counts.otherClass} of other classes, ` +
          `${this.counts.testSide} test-side, ${this.counts.heldOut} held out).`,
      );
    }
    // cache the preprocessed clips unless they would exceed 256 MiB (NTU-scale training sets)
    const clipBytes = input.bodies * input.frames * this.layout.joints.length * 3 * 4;
    this.cache = opts.cacheClips ?? this.eligible.length * clipBytes <= 256 * 2 ** 20;
  }

  private reason(s: SkeletonSequence): 'otherClass' | 'testSide' | 'heldOut' | null {
    if (!Number.isInteger(s.label) || s.label < 0 || s.label >= this.selection.numClasses) {
      throw new FsvaeInputError(`stage 1 training: sequence ${s.id} has label ${s.label}, outside 0..${this.selection.numClasses - 1}.`);
    }
    if (!this.classSet.has(s.label)) return 'otherClass';
    if (this.selection.side(s) !== 'train') return 'testSide';
    if (this.selection.holdOut?.has(s.id)) return 'heldOut';
    return null;
  }

  /** Throws TrainingLeakError unless sequence `index` may be trained on. */
  assertTrainable(index: number): SkeletonSequence {
    const s = this.sequences[index];
    if (!s) throw new TrainingLeakError(`stage 1 training: sample index ${index} does not exist (${this.sequences.length} sequences).`);
    const why = this.reason(s);
    if (why === 'otherClass')
      throw new TrainingLeakError(
        `stage 1 training: sequence ${s.id} of class ${s.label} reached a training batch, ` +
          `but only classes [${[...this.classSet].sort((a, b) => a - b).join(', ')}] may be trained on ` +
          '(zero-shot rule: unseen classes never enter training).',
      );
    if (why === 'testSide') throw new TrainingLeakError(`stage 1 training: sequence ${s.id} is on the test side of the protocol and reached a training batch.`);
    if (why === 'heldOut') throw new TrainingLeakError(`stage 1 training: sequence ${s.id} is held out for validation and reached a training batch.`);
    return s;
  }

  private clip(index: number): Float32Array {
    const hit = this.clipCache.get(index);
    if (hit) return hit;
    const c = prepareClip(this.sequences[index], this.input);
    if (this.cache) this.clipCache.set(index, c);
    return c;
  }

  /** A batch of the given sequence indices (each checked), augmented when `aug` is given. */
  build(indices: readonly number[], aug?: { config: Stage1AugmentConfig; rng: Random }): ClipBatch {
    const V = this.layout.joints.length;
    const { bodies: M, frames: T } = this.input;
    const size = M * T * V * 3;
    const data = new Float32Array(indices.length * size);
    const labels = new Int32Array(indices.length);
    const ids: string[] = [];
    indices.forEach((idx, i) => {
      const s = this.assertTrainable(idx);
      let c = this.clip(idx);
      if (aug) c = augmentClip(c, M, T, V, aug.config, aug.rng);
      data.set(c, i * size);
      labels[i] = s.label;
      ids.push(s.id);
    });
    return { data, shape: [indices.length, M, T, V, 3], labels, ids };
  }
}
