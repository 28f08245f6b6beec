/**
 * The class catalogue of the generated dataset: 40 compositions of body-part primitives. Several
 * classes share primitives in new combinations (e.g. 'squat with both arms forward' = the squat of
 * 'squat' + the small forward arm raise, 'jog in place' = the steps of 'march in place' + the arm
 * swing of 'swing both arms alternately', 'walk forward while waving right hand', 'raise right arm
 * with left knee up'), which is what
 * lets a zero-shot model transfer from seen to unseen classes.
 */
import { ActionComposition, Amplitude, Limb, Locomotion, MotionPath, MotionPrimitive, Symmetry, Tempo } from './composition';

function P(limb: Limb, path: MotionPath, amplitude: Amplitude = 'full', symmetry?: Symmetry): MotionPrimitive {
  return { limb, path, amplitude, symmetry: symmetry ?? (limb === 'both_arms' || limb === 'both_legs' ? 'in_phase' : 'single') };
}

function C(primitives: MotionPrimitive[], tempo: Tempo, repetitions: number, locomotion: Locomotion = 'none', name?: string): ActionComposition {
  return name === undefined ? { primitives, tempo, repetitions, locomotion } : { primitives, tempo, repetitions, locomotion, name };
}

export const ACTION_CATALOGUE: readonly ActionComposition[] = [
  // one arm
  C([P('right_arm', 'raise')], 'normal', 1),
  C([P('left_arm', 'raise')], 'normal', 1),
  C([P('right_arm', 'wave')], 'fast', 3),
  C([P('left_arm', 'wave')], 'fast', 3),
  C([P('right_arm', 'circle')], 'normal', 2),
  C([P('right_arm', 'push')], 'fast', 2),
  C([P('right_arm', 'reach_down')], 'normal', 1),
  // both arms
  C([P('both_arms', 'raise')], 'slow', 1),
  C([P('both_arms', 'raise_side')], 'normal', 2),
  C([P('both_arms', 'wave')], 'fast', 3),
  C([P('both_arms', 'swing', 'full', 'alternating')], 'normal', 2),
  C([P('both_arms', 'push')], 'normal', 2),
  C([P('both_arms', 'push', 'full', 'alternating')], 'fast', 3),
  C([P('both_arms', 'reach_down')], 'normal', 1),
  C([P('both_arms', 'circle')], 'normal', 2),
  // head
  C([P('head', 'bend')], 'normal', 3),
  C([P('head', 'shake')], 'normal', 3),
  C([P('head', 'wave')], 'slow', 2),
  // torso
  C([P('torso', 'bend')], 'slow', 1),
  C([P('torso', 'bend', 'small')], 'normal', 1),
  C([P('torso', 'wave')], 'normal', 2),
  C([P('torso', 'turn')], 'normal', 2),
  C([P('torso', 'turn'), P('both_arms', 'raise_side', 'small')], 'normal', 2),
  // legs
  C([P('right_leg', 'raise')], 'normal', 2),
  C([P('left_leg', 'raise')], 'normal', 2),
  C([P('right_leg', 'push')], 'fast', 2),
  C([P('left_leg', 'push')], 'fast', 2),
  C([P('left_leg', 'swing')], 'normal', 2),
  C([P('right_leg', 'raise_side')], 'normal', 2),
  C([P('both_legs', 'step', 'full', 'alternating')], 'slow', 2),
  C([P('both_legs', 'step', 'small', 'alternating'), P('both_arms', 'swing', 'full', 'alternating')], 'fast', 4),
  C([P('both_legs', 'squat')], 'slow', 1),
  C([P('both_legs', 'squat'), P('both_arms', 'raise', 'small')], 'normal', 1),
  C([P('right_arm', 'raise'), P('left_leg', 'raise')], 'normal', 1),
  // whole body
  C([P('whole_body', 'jump')], 'normal', 2),
  C([P('whole_body', 'jump'), P('both_arms', 'raise_side'), P('both_legs', 'raise_side', 'small')], 'fast', 3, 'none', 'jumping jacks'),
  C([P('whole_body', 'turn')], 'normal', 1),
  C([P('whole_body', 'step')], 'normal', 3, 'forward'),
  C([P('whole_body', 'step', 'small')], 'slow', 2, 'backward'),
  C([P('whole_body', 'step'), P('right_arm', 'wave')], 'normal', 2, 'forward'),
];
