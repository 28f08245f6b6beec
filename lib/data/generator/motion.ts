/**
 * Motion primitives of the generated dataset: each turns the progress of an action into bone
 * rotations (degrees here, rotation vectors in the parent bone's frame, see kinematics.ts), so the
 * skeleton only ever moves by rotating bones. Conventions in the body frame (+x left, +y up,
 * +z forward): for a bone hanging down, (−θ, 0, 0) swings it forward; (0, 0, σθ) lifts it
 * sideways away from the body, σ = +1 on the left, −1 on the right; for a bone pointing up,
 * (+θ, 0, 0) tilts it forward.
 */
import { ActionComposition, MotionPrimitive, POSE_PATHS, limbKind } from './composition';
import { J, Pose } from './kinematics';

const DEG = Math.PI / 180;

/** Per-subject movement style. */
export interface MotionStyle {
  /** multiplies every primitive's angles. */
  amplitude: number;
  /** forward lean of the spine at rest, degrees. */
  leanDeg: number;
  /** arm abduction at rest, degrees (arms hang clear of the hips). */
  armAbductionDeg: number;
}

/** Where one frame is within the action. */
export interface MotionPhase {
  /** progress over the whole motion, 0 before it starts, 1 after it ends (time-warped). */
  u: number;
  /** fraction of the motion spent moving into / out of a working pose (wave, shake, push). */
  ramp: number;
  /** cycles of the first primitive. */
  cycles: number;
  /** amplitude factor of this sample (subject style × sample variation). */
  amplitude: number;
  /** which side leads alternating movements. */
  leftLeads: boolean;
}

export function smoothstep(x: number): number {
  const t = Math.min(1, Math.max(0, x));
  return t * t * (3 - 2 * t);
}

/** Eases 0 → 1 with zero velocity at both ends. */
export function ease(s: number): number {
  const t = Math.min(1, Math.max(0, s));
  return t - Math.sin(2 * Math.PI * t) / (2 * Math.PI);
}

/** Rise (0–0.35), hold (0.35–0.6), lower (0.6–1) within one repetition. */
export function holdProfile(phi: number): number {
  if (phi <= 0 || phi >= 1) return 0;
  if (phi < 0.35) return smoothstep(phi / 0.35);
  if (phi < 0.6) return 1;
  return smoothstep((1 - phi) / 0.4);
}

/** Cosine interpolation through keyframes [phase, value] sorted by phase, spanning 0..1. */
export function keyframes(phi: number, keys: readonly (readonly [number, number])[]): number {
  if (phi <= keys[0][0]) return keys[0][1];
  for (let i = 1; i < keys.length; i++) {
    if (phi <= keys[i][0]) {
      const [p0, v0] = keys[i - 1];
      const [p1, v1] = keys[i];
      const w = (1 - Math.cos((Math.PI * (phi - p0)) / (p1 - p0))) / 2;
      return v0 + (v1 - v0) * w;
    }
  }
  return keys[keys.length - 1][1];
}

/** Phase within the current repetition of n over inner progress s. */
function repPhase(s: number, n: number): number {
  if (s <= 0) return 0;
  if (s >= 1) return 1;
  const x = s * n;
  return x - Math.floor(x);
}

function add(pose: Pose, joint: number, xDeg: number, yDeg: number, zDeg: number): void {
  pose.bones[joint * 3] += xDeg * DEG;
  pose.bones[joint * 3 + 1] += yDeg * DEG;
  pose.bones[joint * 3 + 2] += zDeg * DEG;
}

interface Side {
  /** +1 left, −1 right. */
  sigma: number;
  /** 0 for the leading side, 1 for the other in alternating movements. */
  order: number;
  upper: number;
  fore: number;
  hand: number;
  thigh: number;
  shin: number;
  foot: number;
}

function side(sigma: number, order: number): Side {
  const s = sigma > 0 ? 'left' : 'right';
  return {
    sigma,
    order,
    upper: J[`elbow_${s}`],
    fore: J[`wrist_${s}`],
    hand: J[`hand_${s}`],
    thigh: J[`knee_${s}`],
    shin: J[`ankle_${s}`],
    foot: J[`foot_${s}`],
  };
}

function sidesOf(p: MotionPrimitive, leftLeads: boolean): Side[] {
  if (p.limb.startsWith('left')) return [side(1, 0)];
  if (p.limb.startsWith('right')) return [side(-1, 0)];
  return leftLeads ? [side(1, 0), side(-1, 1)] : [side(-1, 0), side(1, 1)];
}

/** Which arms are moved by a primitive of their own (not only passively). */
export function drivenArms(c: ActionComposition): { left: boolean; right: boolean } {
  const limbs = new Set(c.primitives.map((p) => p.limb));
  return { left: limbs.has('left_arm') || limbs.has('both_arms'), right: limbs.has('right_arm') || limbs.has('both_arms') };
}

/**
 * Adds the bone rotations of `c` at `phase` to `pose` (root translation is added by the caller from
 * `rootOffset`). Returns the root displacement (body frame, metres) that the action itself causes:
 * locomotion and jump flight.
 */
export function applyComposition(c: ActionComposition, phase: MotionPhase, style: MotionStyle, durationSeconds: number, pose: Pose): [number, number, number] {
  const { u, ramp, cycles: n, amplitude: A, leftLeads } = phase;
  const poseEnv = ramp > 0 ? smoothstep(u / ramp) * smoothstep((1 - u) / ramp) : 1;
  const s = ramp > 0 ? Math.min(1, Math.max(0, (u - ramp) / (1 - 2 * ramp))) : u;
  // fade for oscillations: over the first and last 12 % of the inner motion
  const osc = smoothstep(s / 0.12) * smoothstep((1 - s) / 0.12);
  const arms = drivenArms(c);
  const root: [number, number, number] = [0, 0, 0];
  const torso = (x: number, y: number, z: number) => {
    add(pose, J.spine_mid, x / 2, y / 2, z / 2);
    add(pose, J.spine_shoulder, x / 2, y / 2, z / 2);
  };

  for (const p of c.primitives) {
    const full = p.amplitude === 'full';
    const kind = limbKind(p.limb);
    const sides = sidesOf(p, leftLeads);
    const alternating = p.symmetry === 'alternating';
    // inner progress of a side: the second side of an alternating movement starts half a cycle later
    const lagged = (sd: Side) => (alternating ? Math.min(1, Math.max(0, (s * (n + 0.5) - 0.5 * sd.order) / n)) : s);
    const sinPhase = (sd: Side, mult = 1) => Math.sin(2 * Math.PI * n * mult * s + (alternating && sd.order === 1 ? Math.PI : 0));

    switch (`${kind}:${p.path}`) {
      // ---- arms
      case 'arm:raise':
        for (const sd of sides) add(pose, sd.upper, -(full ? 165 : 90) * A * holdProfile(repPhase(lagged(sd), n)), 0, 0);
        break;
      case 'arm:raise_side':
        for (const sd of sides) add(pose, sd.upper, 0, 0, sd.sigma * (full ? 160 : 85) * A * holdProfile(repPhase(lagged(sd), n)));
        break;
      case 'arm:swing':
        for (const sd of sides) {
          add(pose, sd.upper, -(full ? 45 : 25) * A * osc * sinPhase(sd), 0, 0);
          add(pose, sd.fore, -15 * osc, 0, 0);
        }
        break;
      case 'arm:circle':
        for (const sd of sides) {
          if (full) {
            const ang = 360 * n * ease(lagged(sd));
            add(pose, sd.upper, -ang, 0, sd.sigma * 12 * Math.sin(Math.PI * Math.min(1, lagged(sd) * 4)));
          } else {
            const a = 2 * Math.PI * n * s + (alternating && sd.order === 1 ? Math.PI : 0);
            add(pose, sd.upper, -20 * A * osc * Math.sin(a), 0, sd.sigma * (85 * osc + 20 * A * osc * Math.cos(a)));
          }
        }
        break;
      case 'arm:wave':
        for (const sd of sides) {
          add(pose, sd.upper, -70 * poseEnv, 0, sd.sigma * 45 * poseEnv);
          add(pose, sd.fore, -100 * poseEnv, sd.sigma * (full ? 30 : 15) * A * osc * sinPhase(sd), 0);
          add(pose, sd.hand, 0, 0, sd.sigma * 15 * osc * sinPhase(sd));
        }
        break;
      case 'arm:push':
        for (const sd of sides) {
          const e =
            (full ? 1 : 0.5) *
            keyframes(repPhase(lagged(sd), n), [
              [0, 0],
              [0.4, 1],
              [0.6, 1],
              [1, 0],
            ]);
          add(pose, sd.upper, -(35 + 50 * e) * poseEnv, 0, sd.sigma * (15 - 10 * e) * poseEnv);
          add(pose, sd.fore, -(110 - 105 * e) * poseEnv, 0, 0);
        }
        break;
      case 'arm:reach_down': {
        const bend = full ? 70 : 35;
        let h = 0;
        for (const sd of sides) {
          const hs = A * holdProfile(repPhase(lagged(sd), n));
          h = Math.max(h, hs);
          add(pose, sd.upper, -(bend + (full ? 20 : 10)) * hs, 0, -sd.sigma * 5 * hs);
        }
        torso(bend * h, 0, 0);
        for (const sd of [side(1, 0), side(-1, 1)]) {
          add(pose, sd.thigh, -(full ? 45 : 25) * h, 0, 0);
          add(pose, sd.shin, (full ? 80 : 45) * h, 0, 0);
          add(pose, sd.foot, -(full ? 35 : 20) * h, 0, 0);
        }
        add(pose, J.head, 10 * h, 0, 0);
        break;
      }
      case 'arm:shake':
        for (const sd of sides) {
          add(pose, sd.upper, -45 * poseEnv, 0, sd.sigma * 10 * poseEnv);
          add(pose, sd.fore, -80 * poseEnv, 0, sd.sigma * (full ? 14 : 7) * A * osc * sinPhase(sd, 3));
          add(pose, sd.hand, 25 * osc * sinPhase(sd, 3), 0, 0);
        }
        break;
      // ---- legs
      case 'leg:raise':
        for (const sd of sides) {
          const h = A * holdProfile(repPhase(lagged(sd), n));
          add(pose, sd.thigh, -(full ? 80 : 40) * h, 0, 0);
          add(pose, sd.shin, (full ? 90 : 45) * h, 0, 0);
          add(pose, sd.foot, -10 * h, 0, 0);
        }
        break;
      case 'leg:raise_side':
        for (const sd of sides) add(pose, sd.thigh, 0, 0, sd.sigma * (full ? 40 : 18) * A * holdProfile(repPhase(lagged(sd), n)));
        break;
      case 'leg:swing':
        for (const sd of sides) {
          add(pose, sd.thigh, -(full ? 35 : 20) * A * osc * sinPhase(sd), 0, 0);
          add(pose, sd.shin, 10 * osc, 0, 0);
        }
        break;
      case 'leg:push':
        for (const sd of sides) {
          const phi = repPhase(lagged(sd), n);
          const chamber = keyframes(phi, [
            [0, 0],
            [0.3, 1],
            [0.45, 0.95],
            [0.6, 1],
            [1, 0],
          ]);
          const knee = keyframes(phi, [
            [0, 0],
            [0.3, 1],
            [0.45, full ? 0.05 : 0.5],
            [0.6, 1],
            [1, 0],
          ]);
          add(pose, sd.thigh, -(full ? 75 : 50) * A * chamber, 0, 0);
          add(pose, sd.shin, 85 * A * knee, 0, 0);
          add(pose, sd.foot, 15 * chamber, 0, 0);
        }
        break;
      case 'leg:step':
        for (const sd of sides) {
          const lift = Math.max(0, sinPhase(sd)) * osc * A;
          add(pose, sd.thigh, -(full ? 65 : 40) * lift, 0, 0);
          add(pose, sd.shin, (full ? 95 : 75) * lift, 0, 0);
          add(pose, sd.foot, -20 * lift, 0, 0);
        }
        break;
      case 'leg:squat': {
        const h = (full ? 1 : 0.5) * A * holdProfile(repPhase(s, n));
        for (const sd of sides) {
          add(pose, sd.thigh, -95 * h, 0, 0);
          add(pose, sd.shin, 115 * h, 0, 0);
          add(pose, sd.foot, -20 * h, 0, 0);
        }
        torso(35 * h, 0, 0);
        break;
      }
      // ---- head (neck bone: joint neck; head bone: joint head)
      case 'head:raise': {
        const h = (full ? 1 : 0.5) * A * holdProfile(repPhase(s, n));
        add(pose, J.head, -30 * h, 0, 0);
        add(pose, J.neck, -10 * h, 0, 0);
        break;
      }
      case 'head:bend': {
        const b = (full ? 1 : 0.5) * A * Math.sin(Math.PI * repPhase(s, n)) ** 2;
        add(pose, J.head, 28 * b, 0, 0);
        add(pose, J.neck, 10 * b, 0, 0);
        break;
      }
      case 'head:shake': {
        const a = (full ? 1 : 0.5) * A * osc * Math.sin(2 * Math.PI * n * s);
        add(pose, J.head, 0, 55 * a, 0);
        add(pose, J.neck, 0, 15 * a, 0);
        break;
      }
      case 'head:wave': {
        const a = (full ? 1 : 0.5) * A * osc * Math.sin(2 * Math.PI * n * s);
        add(pose, J.head, 0, 0, 28 * a);
        add(pose, J.neck, 0, 0, 10 * a);
        break;
      }
      case 'head:circle': {
        const a = (full ? 1 : 0.5) * A * osc;
        const t = 2 * Math.PI * n * s;
        add(pose, J.head, 22 * a * Math.sin(t), 0, 22 * a * Math.cos(t));
        break;
      }
      // ---- torso (split over the two spine bones)
      case 'torso:bend':
        torso((full ? 80 : 35) * A * holdProfile(repPhase(s, n)), 0, 0);
        break;
      case 'torso:wave':
        torso(0, 0, (full ? 30 : 15) * A * osc * Math.sin(2 * Math.PI * n * s));
        break;
      case 'torso:turn':
        torso(0, (full ? 45 : 22) * A * osc * Math.sin(2 * Math.PI * n * s), 0);
        break;
      case 'torso:circle': {
        const t = 2 * Math.PI * n * s;
        const a = (full ? 16 : 8) * A * osc;
        torso(a * Math.sin(t), 0, a * Math.cos(t));
        break;
      }
      // ---- whole body
      case 'whole_body:jump': {
        const phi = repPhase(s, n);
        const crouch = keyframes(phi, [
          [0, 0],
          [0.3, 1],
          [0.42, 0],
          [0.7, 0],
          [0.8, 0.6],
          [1, 0],
        ]);
        const flight = phi > 0.42 && phi < 0.7 ? Math.sin((Math.PI * (phi - 0.42)) / 0.28) : 0;
        const swing = keyframes(phi, [
          [0, 0],
          [0.3, -0.5],
          [0.45, 1],
          [0.7, 0.6],
          [0.85, 0],
          [1, 0],
        ]);
        for (const sd of [side(1, 0), side(-1, 1)]) {
          add(pose, sd.thigh, -40 * crouch, 0, 0);
          add(pose, sd.shin, 70 * crouch, 0, 0);
          add(pose, sd.foot, -30 * crouch + 25 * flight, 0, 0);
          if (!(sd.sigma > 0 ? arms.left : arms.right)) add(pose, sd.upper, -(full ? 110 : 60) * A * swing, 0, 0);
        }
        torso(15 * crouch, 0, 0);
        root[1] += (full ? 0.25 : 0.1) * A * flight;
        break;
      }
      case 'whole_body:turn': {
        // turning to the left is a positive rotation about +y (forward +z swings towards +x, the left)
        pose.root[1] += (full ? 180 : 90) * ease(s) * DEG;
        for (const sd of [side(1, 0), side(-1, 1)]) {
          const lift = Math.max(0, Math.sin(2 * Math.PI * 3 * s + (sd.order === 1 ? Math.PI : 0))) * Math.sin(Math.PI * s);
          add(pose, sd.thigh, -25 * lift, 0, 0);
          add(pose, sd.shin, 40 * lift, 0, 0);
        }
        break;
      }
      case 'whole_body:step': {
        const g = 2 * Math.PI * n * s;
        const amp = (full ? 1 : 0.7) * A * osc;
        const lead = leftLeads ? 1 : -1;
        for (const sd of [side(1, 0), side(-1, 1)]) {
          const sgn = sd.sigma === lead ? 1 : -1;
          if (c.locomotion === 'sideways') {
            // the left leg steps out, the right leg follows
            const lift = Math.max(0, sd.sigma > 0 ? Math.sin(g) : -Math.sin(g));
            add(pose, sd.thigh, -12 * lift * amp, 0, (sd.sigma > 0 ? 16 : 12) * lift * amp);
            add(pose, sd.shin, 20 * lift * amp, 0, 0);
          } else {
            const thigh = 25 * amp * sgn * Math.sin(g);
            const dThigh = sgn * Math.cos(g);
            const knee = 40 * amp * Math.max(0, c.locomotion === 'backward' ? -dThigh : dThigh);
            add(pose, sd.thigh, -thigh, 0, 0);
            add(pose, sd.shin, knee, 0, 0);
            if (!(sd.sigma > 0 ? arms.left : arms.right)) add(pose, sd.upper, thigh * 0.8, 0, 0);
          }
        }
        const speed = { forward: full ? 0.5 : 0.3, backward: full ? 0.35 : 0.25, sideways: full ? 0.35 : 0.25, none: 0 }[c.locomotion];
        const dist = speed * durationSeconds * (1 - 2 * ramp) * ease(s);
        if (c.locomotion === 'forward') root[2] += dist;
        else if (c.locomotion === 'backward') root[2] -= dist;
        else if (c.locomotion === 'sideways') root[0] += dist;
        break;
      }
      default:
        throw new Error(`motion: no primitive for ${kind} '${p.path}'`);
    }
  }

  // rest posture: spine lean, arms hanging slightly away from the hips with soft elbows
  torso(style.leanDeg, 0, 0);
  for (const sd of [side(1, 0), side(-1, 1)]) {
    add(pose, sd.upper, -3, 0, sd.sigma * style.armAbductionDeg);
    add(pose, sd.fore, -8, 0, 0);
    add(pose, sd.thigh, 0, 0, sd.sigma * 2);
  }
  // arms that no primitive drives hang with gravity: undo the spine's forward and sideways tilt
  const tiltX = (pose.bones[J.spine_mid * 3] + pose.bones[J.spine_shoulder * 3]) / DEG;
  const tiltZ = (pose.bones[J.spine_mid * 3 + 2] + pose.bones[J.spine_shoulder * 3 + 2]) / DEG;
  if (!arms.left) add(pose, J.elbow_left, -tiltX, 0, -tiltZ);
  if (!arms.right) add(pose, J.elbow_right, -tiltX, 0, -tiltZ);
  return root;
}

/** Fraction of the motion spent ramping into and out of a working pose. */
export function poseRampFraction(c: ActionComposition, durationSeconds: number, rampSeconds: number): number {
  const needs = c.primitives.some((p) => POSE_PATHS.includes(p.path) && limbKind(p.limb) === 'arm');
  return needs ? Math.min(0.3, rampSeconds / durationSeconds) : 0;
}
