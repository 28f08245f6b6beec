/**
 * The built-in default dataset, 'generated': procedurally generated skeleton action sequences, so
 * that the whole pipeline (stage-1 skeleton feature extractor → FS-VAE → GZSL gate) and every
 * notebook run offline with no download. It is NOT a stand-in for NTU RGB+D or any real
 * recording, and numbers obtained on it say nothing about the paper's tables; it exists to
 * exercise the code end to end on data with the right structure: Kinect v2 25-joint skeletons
 * moved by forward kinematics (constant bone lengths), 40 action classes composed from body-part
 * motion primitives, per-class label / local / global descriptions generated from the same
 * compositions (so the text really predicts the motion, which is what zero-shot transfer needs),
 * virtual subjects for a cross-subject protocol, and zero-shot splits whose unseen classes only
 * recombine primitives seen in training. Realistic nuisances: sensor jitter, view rotation and
 * tilt, time warping, subject size and style, dropped frames, idle padding. Deterministic by seed.
 */
import { createHash } from 'node:crypto';
import { FsvaeInputError } from '../util/assert';
import { Random } from '../util/random';
import { SkeletonSequence, makeSequence } from './skeleton';
import { ActionComposition, POSE_RAMP_SECONDS, describeComposition, nominalDuration, validateComposition } from './generator/composition';
import { ACTION_CATALOGUE } from './generator/catalogue';
import { JOINT_COUNT, J, Segment, emptyPose, forwardKinematics, subjectOffsets } from './generator/kinematics';
import { MotionStyle, applyComposition, poseRampFraction } from './generator/motion';
import { ZeroShotSplit, zeroShotSplits } from './generator/splits';

export * from './generator/composition';
export { ACTION_CATALOGUE } from './generator/catalogue';
export { PARENT, REST_OFFSETS, restSkeleton, forwardKinematics, subjectOffsets, emptyPose, rotationFromVector } from './generator/kinematics';
export type { Pose, Segment } from './generator/kinematics';
export { zeroShotSplits, chooseHeldOut, factorsCovered } from './generator/splits';
export type { ZeroShotSplit, CoverageRule } from './generator/splits';
export type { MotionStyle } from './generator/motion';

export type DroppedFrameMode = 'none' | 'repeat' | 'zero';

export interface GeneratorConfig {
  /** preset name, recorded in reports. */
  preset: string;
  /** virtual subjects (ids 1..subjects). */
  subjects: number;
  /** subjects 1..trainSubjects train, the rest test (cross-subject protocol). */
  trainSubjects: number;
  /** samples per class and subject; samples per class = subjects × repetitionsPerSubject. */
  repetitionsPerSubject: number;
  /** frames per sequence (the clip is sampled at frames / clipSeconds fps). */
  frames: number;
  /** clip length in seconds; actions take 1.3–3.2 s nominal, the rest is idle padding. */
  clipSeconds: number;
  /** standard deviation of the per-coordinate sensor noise, metres. */
  jitter: number;
  /** view rotation about the vertical axis, uniform in ±maxYawDeg. */
  maxYawDeg: number;
  /** camera pitch and roll, uniform in ±maxTiltDeg. */
  maxTiltDeg: number;
  /** per-sample speed factor uniform in 1 ± speedVariation. */
  speedVariation: number;
  /** strength w of the monotone time warp u + w·sin(2πu)/(2π), |w| ≤ timeWarp < 1. */
  timeWarp: number;
  /** range of the subject's overall bone-length scale. */
  sizeRange: [number, number];
  /**
   * dropped frames: each frame after the first is, with probability `rate`, a copy of the previous one ('repeat') or all zeros
   * ('zero'; preprocess.ts treats an all-zero frame as absent).
   */
  dropFrames: { mode: DroppedFrameMode; rate: number };
  /** number of unseen classes of each zero-shot split. */
  unseenSizes: number[];
}

const COMMON: Omit<GeneratorConfig, 'preset' | 'repetitionsPerSubject' | 'frames'> = {
  subjects: 10,
  trainSubjects: 6,
  clipSeconds: 4,
  jitter: 0.003,
  maxYawDeg: 45,
  maxTiltDeg: 5,
  speedVariation: 0.12,
  timeWarp: 0.3,
  sizeRange: [0.85, 1.15],
  dropFrames: { mode: 'repeat', rate: 0.01 },
  unseenSizes: [5, 10],
};

/**
 * `quick`: 40 classes × 20 samples (10 subjects × 2), 40 frames, sized for the 10-minute main job
 * on 2 cores; `full`: 40 × 60 samples, 64 frames.
 */
export const GENERATOR_PRESETS: Readonly<Record<'quick' | 'full', GeneratorConfig>> = {
  quick: { ...COMMON, preset: 'quick', repetitionsPerSubject: 2, frames: 40 },
  full: { ...COMMON, preset: 'full', repetitionsPerSubject: 6, frames: 64 },
};

export interface GeneratedClass {
  id: number;
  /** action label (AL). */
  label: string;
  /** local action description (LD). */
  ld: string;
  /** global action description (GD). */
  gd: string;
  composition: ActionComposition;
}

export interface GeneratedDataset {
  name: 'generated';
  /** label = class id; meta: subject, repetition, generated = 1, yawDeg. */
  sequences: SkeletonSequence[];
  classes: GeneratedClass[];
  protocol: { trainSubjects: number[]; testSubjects: number[] };
  splits: ZeroShotSplit[];
  config: GeneratorConfig;
  seed: number;
}

/** Per-subject body size and movement style. */
export interface GeneratedSubject {
  id: number;
  scale: number;
  proportions: Record<Segment, number>;
  /** duration factor of this subject's movements. */
  tempo: number;
  style: MotionStyle;
  /** amplitude of the idle sway of the body, metres. */
  sway: number;
}

function checkConfig(c: GeneratorConfig): void {
  const int = (v: number, what: string, lo: number, hi = Infinity) => {
    if (!Number.isInteger(v) || v < lo || v > hi)
      throw new FsvaeInputError(`generateActionDataset: config.${what} must be an integer in ${lo}..${hi}, got ${v}.`);
  };
  const num = (v: number, what: string, lo: number, hi: number) => {
    if (!Number.isFinite(v) || v < lo || v > hi)
      throw new FsvaeInputError(`generateActionDataset: config.${what} must be a number in [${lo}, ${hi}], got ${v}.`);
  };
  int(c.subjects, 'subjects', 2, 1000);
  int(c.trainSubjects, 'trainSubjects', 1, c.subjects - 1);
  int(c.repetitionsPerSubject, 'repetitionsPerSubject', 1, 1000);
  int(c.frames, 'frames', 8, 10000);
  num(c.clipSeconds, 'clipSeconds', 3, 60);
  num(c.jitter, 'jitter', 0, 0.1);
  num(c.maxYawDeg, 'maxYawDeg', 0, 180);
  num(c.maxTiltDeg, 'maxTiltDeg', 0, 30);
  num(c.speedVariation, 'speedVariation', 0, 0.5);
  num(c.timeWarp, 'timeWarp', 0, 0.9);
  if (!Array.isArray(c.sizeRange) || c.sizeRange.length !== 2) throw new FsvaeInputError('generateActionDataset: config.sizeRange must be [min, max].');
  num(c.sizeRange[0], 'sizeRange[0]', 0.5, 2);
  num(c.sizeRange[1], 'sizeRange[1]', c.sizeRange[0], 2);
  if (!c.dropFrames || !['none', 'repeat', 'zero'].includes(c.dropFrames.mode)) {
    throw new FsvaeInputError(`generateActionDataset: config.dropFrames.mode must be 'none', 'repeat' or 'zero'.`);
  }
  num(c.dropFrames.rate, 'dropFrames.rate', 0, 0.5);
  if (!Array.isArray(c.unseenSizes)) throw new FsvaeInputError('generateActionDataset: config.unseenSizes must be an array of class counts, e.g. [5, 10].');
}

/** Integer hash of several integers (for independent per-sample random streams). */
function mixSeed(...xs: number[]): number {
  let h = 0x811c9dc5;
  for (const x of xs) {
    h = Math.imul(h ^ (x & 0xffff), 0x01000193);
    h = Math.imul(h ^ ((x >>> 16) & 0xffff), 0x01000193);
    h ^= h >>> 13;
  }
  return (h >>> 0) % 2147483647;
}

/** The virtual subjects of a seed. */
export function generateSubjects(count: number, sizeRange: [number, number], seed: number): GeneratedSubject[] {
  const rng = new Random(mixSeed(seed, 0x5b1ec7));
  const subjects: GeneratedSubject[] = [];
  for (let i = 1; i <= count; i++) {
    const scale = rng.range(sizeRange[0], sizeRange[1]);
    const prop = () => {
      const p = rng.range(0.97, 1.03);
      // keep scale × proportion inside the size range
      return Math.min(sizeRange[1], Math.max(sizeRange[0], scale * p)) / scale;
    };
    subjects.push({
      id: i,
      scale,
      proportions: { torso: prop(), head: prop(), arm: prop(), leg: prop() },
      tempo: rng.range(0.88, 1.12),
      style: { amplitude: rng.range(0.88, 1.08), leanDeg: rng.range(0, 6), armAbductionDeg: rng.range(5, 12) },
      sway: rng.range(0.002, 0.006),
    });
  }
  return subjects;
}

const FEET = [J.ankle_left, J.foot_left, J.ankle_right, J.foot_right];

/** One sequence of class `classId` by `subject`, in Kinect camera coordinates (x to the subject's right when facing the camera, y up, z depth). */
function generateSequence(
  composition: ActionComposition,
  classId: number,
  subject: GeneratedSubject,
  repetition: number,
  config: GeneratorConfig,
  seed: number,
): SkeletonSequence {
  const rng = new Random(mixSeed(seed, classId, subject.id, repetition));
  const { frames, clipSeconds } = config;
  const offsets = subjectOffsets(subject.scale, subject.proportions);
  const rest = forwardKinematics(emptyPose(), offsets);
  const restFootY = Math.min(...FEET.map((j) => rest[j * 3 + 1]));
  const restAnkles = [J.ankle_left, J.ankle_right].map((j) => [rest[j * 3], rest[j * 3 + 2]]);

  // timing: nominal duration × subject tempo × sample speed, fitted into the clip with idle padding
  const minPad = 0.15;
  let duration = nominalDuration(composition) * subject.tempo * rng.range(1 - config.speedVariation, 1 + config.speedVariation);
  duration = Math.min(duration, clipSeconds - 2 * minPad);
  const start = minPad + rng.uniform() * (clipSeconds - 2 * minPad - duration);
  const warp = rng.range(-config.timeWarp, config.timeWarp);
  const ramp = poseRampFraction(composition, duration, POSE_RAMP_SECONDS);
  const amplitude = subject.style.amplitude * rng.range(0.92, 1.08);
  const leftLeads = rng.uniform() < 0.5;
  const planted = !composition.primitives.some((p) => p.path === 'step' || p.path === 'turn');

  // view: subject turned by yaw about the vertical, camera pitch/roll, root placed in front of the sensor
  const yaw = rng.range(-config.maxYawDeg, config.maxYawDeg) * (Math.PI / 180);
  const pitch = rng.range(-config.maxTiltDeg, config.maxTiltDeg) * (Math.PI / 180);
  const roll = rng.range(-config.maxTiltDeg, config.maxTiltDeg) * (Math.PI / 180);
  const cam = [rng.range(-0.3, 0.3), rng.range(-0.05, 0.25), rng.range(2.9, 3.6)];
  const cy = Math.cos(yaw),
    sy = Math.sin(yaw),
    cp = Math.cos(pitch),
    sp = Math.sin(pitch),
    cr = Math.cos(roll),
    sr = Math.sin(roll);
  const swayPhase = [rng.range(0, 6.283), rng.range(0, 6.283), rng.range(0, 6.283)];
  const fps = frames / clipSeconds;

  const data = new Float32Array(frames * JOINT_COUNT * 3);
  const body = new Float64Array(JOINT_COUNT * 3);
  for (let t = 0; t < frames; t++) {
    const tau = t / fps;
    const raw = Math.min(1, Math.max(0, (tau - start) / duration));
    const u = raw + (warp * Math.sin(2 * Math.PI * raw)) / (2 * Math.PI);
    const pose = emptyPose();
    // breathing
    pose.bones[J.spine_mid * 3] += 0.012 * Math.sin(2 * Math.PI * 0.3 * tau + swayPhase[0]);
    const move = applyComposition(composition, { u, ramp, cycles: composition.repetitions, amplitude, leftLeads }, subject.style, duration, pose);
    forwardKinematics(pose, offsets, body);
    // ground contact: the lowest foot joint stays at floor level; planted feet do not slide
    let minY = Infinity;
    for (const j of FEET) minY = Math.min(minY, body[j * 3 + 1]);
    let dx = 0,
      dz = 0;
    if (planted) {
      const ankles = [J.ankle_left, J.ankle_right];
      const lowest = Math.min(...ankles.map((j) => body[j * 3 + 1]));
      let k = 0;
      ankles.forEach((j, a) => {
        if (body[j * 3 + 1] < lowest + 0.02) {
          dx += restAnkles[a][0] - body[j * 3];
          dz += restAnkles[a][1] - body[j * 3 + 2];
          k++;
        }
      });
      dx /= k;
      dz /= k;
    }
    const shift = [
      dx + move[0] + subject.sway * Math.sin(2 * Math.PI * 0.2 * tau + swayPhase[1]),
      restFootY - minY + move[1],
      dz + move[2] + subject.sway * Math.sin(2 * Math.PI * 0.15 * tau + swayPhase[2]),
    ];
    for (let j = 0; j < JOINT_COUNT; j++) {
      // body frame (x left, z forward) → facing the camera (x right, z towards the sensor = −z)
      const bx = -(body[j * 3] + shift[0]);
      const by = body[j * 3 + 1] + shift[1];
      const bz = -(body[j * 3 + 2] + shift[2]);
      // yaw about y, then pitch about x, then roll about z
      const x1 = cy * bx + sy * bz,
        z1 = -sy * bx + cy * bz;
      const y2 = cp * by - sp * z1,
        z2 = sp * by + cp * z1;
      const x3 = cr * x1 - sr * y2,
        y3 = sr * x1 + cr * y2;
      const o = (t * JOINT_COUNT + j) * 3;
      data[o] = cam[0] + x3 + config.jitter * rng.normal();
      data[o + 1] = cam[1] + y3 + config.jitter * rng.normal();
      data[o + 2] = cam[2] + z2 + config.jitter * rng.normal();
    }
  }
  if (config.dropFrames.mode !== 'none') {
    const size = JOINT_COUNT * 3;
    for (let t = 1; t < frames; t++) {
      if (rng.uniform() >= config.dropFrames.rate) continue;
      if (config.dropFrames.mode === 'repeat') data.copyWithin(t * size, (t - 1) * size, t * size);
      else data.fill(0, t * size, (t + 1) * size);
    }
  }
  const id = `gen_c${String(classId).padStart(2, '0')}_s${String(subject.id).padStart(2, '0')}_r${String(repetition).padStart(2, '0')}`;
  return makeSequence({
    id,
    label: classId,
    layout: 'kinect-v2-25',
    bodies: 1,
    frames,
    joints: JOINT_COUNT,
    data,
    meta: { subject: subject.id, repetition, generated: 1, yawDeg: Math.round((yaw * 1800) / Math.PI) / 10 },
  });
}

/**
 * Generates the 'generated' dataset. `config` is a preset name or a full config (spread a preset
 * to change a few fields: `{...GENERATOR_PRESETS.quick, frames: 32}`). Same seed → identical data.
 */
export function generateActionDataset(config: GeneratorConfig | 'quick' | 'full', seed = 0): GeneratedDataset {
  let cfg: GeneratorConfig;
  if (typeof config === 'string') {
    if (!(config in GENERATOR_PRESETS))
      throw new FsvaeInputError(`generateActionDataset: unknown preset '${config}'; use 'quick', 'full' or a GeneratorConfig.`);
    cfg = GENERATOR_PRESETS[config];
  } else cfg = config;
  checkConfig(cfg);
  if (!Number.isInteger(seed) || seed < 0) throw new FsvaeInputError(`generateActionDataset: seed must be a non-negative integer, got ${seed}.`);
  const classes: GeneratedClass[] = ACTION_CATALOGUE.map((composition, id) => {
    validateComposition(composition, `ACTION_CATALOGUE[${id}]`);
    return { id, ...describeComposition(composition), composition };
  });
  const subjects = generateSubjects(cfg.subjects, cfg.sizeRange, seed);
  const sequences: SkeletonSequence[] = [];
  for (const cls of classes) {
    for (const subject of subjects) {
      for (let r = 1; r <= cfg.repetitionsPerSubject; r++) sequences.push(generateSequence(cls.composition, cls.id, subject, r, cfg, seed));
    }
  }
  const ids = subjects.map((s) => s.id);
  return {
    name: 'generated',
    sequences,
    classes,
    protocol: { trainSubjects: ids.slice(0, cfg.trainSubjects), testSubjects: ids.slice(cfg.trainSubjects) },
    splits: zeroShotSplits(ACTION_CATALOGUE, cfg.unseenSizes),
    config: { ...cfg, sizeRange: [...cfg.sizeRange], dropFrames: { ...cfg.dropFrames }, unseenSizes: [...cfg.unseenSizes] },
    seed,
  };
}

/** SHA-256 (hex) of a generated dataset's sequences (ids, labels, meta, coordinates) and class texts. */
export function generatedDatasetHash(ds: GeneratedDataset): string {
  const h = createHash('sha256');
  for (const c of ds.classes) h.update(`${c.id}\u0000${c.label}\u0000${c.ld}\u0000${c.gd}\u0000`);
  for (const s of ds.sequences) {
    h.update(`${s.id}\u0000${s.label}\u0000${s.frames}\u0000${JSON.stringify(s.meta ?? {})}\u0000`);
    h.update(new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength));
  }
  return h.digest('hex');
}
