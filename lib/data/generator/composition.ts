/**
 * Action compositions of the generated dataset and the texts derived from them. A composition is
 * one or more body-part motion primitives performed together, with a shared tempo and repetition
 * count. The action label (AL), local description (LD: which body parts move and how, step by
 * step) and global description (GD: the overall pattern and intent) of Sec. 3.3 are all produced
 * by templates from the same composition, so the texts really predict the motion.
 */
import { FsvaeInputError } from '../../util/assert';

export type Limb = 'left_arm' | 'right_arm' | 'both_arms' | 'left_leg' | 'right_leg' | 'both_legs' | 'head' | 'torso' | 'whole_body';
export type LimbKind = 'arm' | 'leg' | 'head' | 'torso' | 'whole_body';
export type MotionPath = 'raise' | 'raise_side' | 'swing' | 'circle' | 'wave' | 'push' | 'reach_down' | 'shake' | 'bend' | 'squat' | 'step' | 'jump' | 'turn';
export type Symmetry = 'single' | 'in_phase' | 'alternating';
export type Tempo = 'slow' | 'normal' | 'fast';
export type Amplitude = 'small' | 'full';
export type Locomotion = 'none' | 'forward' | 'backward' | 'sideways';

export interface MotionPrimitive {
  limb: Limb;
  path: MotionPath;
  /** 'single' for one-sided limbs, head, torso and whole body; 'in_phase' or 'alternating' for both_arms / both_legs. */
  symmetry: Symmetry;
  amplitude: Amplitude;
}

export interface ActionComposition {
  /** performed simultaneously; the first one sets the timing (its cycle length × repetitions). */
  primitives: MotionPrimitive[];
  tempo: Tempo;
  /** cycles of the first primitive (1..4). */
  repetitions: number;
  /** whole-body translation; only with a whole_body 'step' primitive (walking). */
  locomotion: Locomotion;
  /** conventional name used as the action label instead of the generated one (e.g. 'jumping jacks'). */
  name?: string;
}

export const LIMBS: readonly Limb[] = ['left_arm', 'right_arm', 'both_arms', 'left_leg', 'right_leg', 'both_legs', 'head', 'torso', 'whole_body'];

export function limbKind(limb: Limb): LimbKind {
  return limb.endsWith('_arm') || limb === 'both_arms' ? 'arm' : limb.endsWith('_leg') || limb === 'both_legs' ? 'leg' : (limb as LimbKind);
}

/** Paths each kind of body part supports (others are rejected by validateComposition). */
export const SUPPORTED_PATHS: Readonly<Record<LimbKind, readonly MotionPath[]>> = {
  arm: ['raise', 'raise_side', 'swing', 'circle', 'wave', 'push', 'reach_down', 'shake'],
  leg: ['raise', 'raise_side', 'swing', 'push', 'step', 'squat'],
  head: ['raise', 'bend', 'shake', 'wave', 'circle'],
  torso: ['bend', 'wave', 'turn', 'circle'],
  whole_body: ['jump', 'turn', 'step'],
};

/** Seconds per cycle at normal tempo, by body-part kind and path. */
export const CYCLE_SECONDS: Readonly<Record<LimbKind, Partial<Record<MotionPath, number>>>> = {
  arm: { raise: 2.0, raise_side: 1.6, swing: 1.0, circle: 1.4, wave: 0.7, push: 0.9, reach_down: 2.4, shake: 0.9 },
  leg: { raise: 1.6, raise_side: 1.4, swing: 1.0, push: 1.0, step: 1.0, squat: 1.8 },
  head: { raise: 2.0, bend: 0.9, shake: 0.9, wave: 1.0, circle: 2.0 },
  torso: { bend: 2.0, wave: 1.2, turn: 1.4, circle: 2.0 },
  whole_body: { jump: 1.2, turn: 2.4, step: 1.0 },
};

/** Arm paths that first move the arm into a working pose (ramp in and out, `POSE_RAMP_SECONDS` each). */
export const POSE_PATHS: readonly MotionPath[] = ['wave', 'shake', 'push'];
export const POSE_RAMP_SECONDS = 0.4;

export const TEMPO_FACTOR: Readonly<Record<Tempo, number>> = { slow: 1.5, normal: 1.0, fast: 0.65 };

/** Nominal motion duration in seconds (before subject style and per-sample speed variation). */
export function nominalDuration(c: ActionComposition): number {
  const p0 = c.primitives[0];
  const cycle = CYCLE_SECONDS[limbKind(p0.limb)][p0.path] ?? 1;
  const ramp = c.primitives.some((p) => POSE_PATHS.includes(p.path) && limbKind(p.limb) === 'arm') ? 2 * POSE_RAMP_SECONDS : 0;
  return c.repetitions * cycle * TEMPO_FACTOR[c.tempo] + ramp;
}

/** Throws FsvaeInputError unless `c` is a composition the generator can perform. */
export function validateComposition(c: ActionComposition, what = 'composition'): void {
  if (!c || !Array.isArray(c.primitives) || c.primitives.length === 0 || c.primitives.length > 3) {
    throw new FsvaeInputError(`${what}: needs 1 to 3 primitives ({limb, path, symmetry, amplitude}).`);
  }
  if (!Number.isInteger(c.repetitions) || c.repetitions < 1 || c.repetitions > 4) {
    throw new FsvaeInputError(`${what}: repetitions must be an integer in 1..4, got ${c.repetitions}.`);
  }
  if (!(c.tempo in TEMPO_FACTOR)) throw new FsvaeInputError(`${what}: tempo '${c.tempo}' is not slow, normal or fast.`);
  if (c.name !== undefined && (typeof c.name !== 'string' || c.name.trim() === '')) {
    throw new FsvaeInputError(`${what}: name must be a non-empty string when given (it replaces the generated label).`);
  }
  const seen = new Set<Limb>();
  let walking = false;
  c.primitives.forEach((p, i) => {
    const w = `${what}.primitives[${i}]`;
    if (!LIMBS.includes(p.limb)) throw new FsvaeInputError(`${w}: unknown limb '${p.limb}'; use one of ${LIMBS.join(', ')}.`);
    const kind = limbKind(p.limb);
    if (!SUPPORTED_PATHS[kind].includes(p.path)) {
      throw new FsvaeInputError(`${w}: path '${p.path}' is not supported for ${kind}; supported: ${SUPPORTED_PATHS[kind].join(', ')}.`);
    }
    const both = p.limb === 'both_arms' || p.limb === 'both_legs';
    if (both ? p.symmetry === 'single' : p.symmetry !== 'single') {
      throw new FsvaeInputError(`${w}: symmetry '${p.symmetry}' does not fit limb ${p.limb} (${both ? "use 'in_phase' or 'alternating'" : "use 'single'"}).`);
    }
    if (kind === 'leg' && p.path === 'step' && !(p.limb === 'both_legs' && p.symmetry === 'alternating')) {
      throw new FsvaeInputError(`${w}: stepping in place needs limb both_legs with symmetry 'alternating'.`);
    }
    if (p.path === 'squat' && !(p.limb === 'both_legs' && p.symmetry === 'in_phase')) {
      throw new FsvaeInputError(`${w}: a squat needs limb both_legs with symmetry 'in_phase'.`);
    }
    if (p.amplitude !== 'small' && p.amplitude !== 'full') throw new FsvaeInputError(`${w}: amplitude must be 'small' or 'full'.`);
    if (seen.has(p.limb)) throw new FsvaeInputError(`${w}: limb ${p.limb} already has a primitive; one primitive per limb.`);
    seen.add(p.limb);
    if (kind === 'whole_body' && p.path === 'step') walking = true;
  });
  if (walking !== (c.locomotion !== 'none')) {
    throw new FsvaeInputError(`${what}: locomotion '${c.locomotion}' needs exactly a whole_body 'step' primitive (walking), and walking needs a direction.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Texts

const NUMBER_WORDS = ['zero', 'once', 'twice', 'three times', 'four times'];
const TEMPO_LD: Record<Tempo, string> = { slow: 'at a slow pace', normal: 'at a moderate pace', fast: 'at a fast pace' };
const TEMPO_GD: Record<Tempo, string> = { slow: 'slow', normal: 'steady', fast: 'brisk' };

interface Words {
  /** 'the right arm' / 'both arms' */
  arm: string;
  hand: string;
  leg: string;
  knee: string;
  foot: string;
  /** 'right ' / 'left ' / 'both ' for labels */
  side: string;
  plural: boolean;
}

function words(limb: Limb): Words {
  if (limb.startsWith('left') || limb.startsWith('right')) {
    const s = limb.startsWith('left') ? 'left' : 'right';
    return { arm: `the ${s} arm`, hand: `the ${s} hand`, leg: `the ${s} leg`, knee: `the ${s} knee`, foot: `the ${s} foot`, side: `${s} `, plural: false };
  }
  return { arm: 'both arms', hand: 'both hands', leg: 'both legs', knee: 'both knees', foot: 'both feet', side: 'both ', plural: true };
}

function symmetryLd(p: MotionPrimitive): string {
  if (p.symmetry === 'in_phase') return ', both sides together';
  if (p.symmetry === 'alternating') return ', alternating left and right';
  return '';
}

/** Arms that a whole-body primitive swings passively, given which arms other primitives drive. */
function freeArmsPhrase(c: ActionComposition): string | null {
  const driven = new Set(c.primitives.flatMap((p) => (p.limb === 'both_arms' ? ['left_arm', 'right_arm'] : [p.limb])));
  const l = !driven.has('left_arm'),
    r = !driven.has('right_arm');
  return l && r ? 'both arms' : l ? 'the left arm' : r ? 'the right arm' : null;
}

/** Local description phrase of one primitive (imperative, lower case). */
function primitiveLd(p: MotionPrimitive, c: ActionComposition): string {
  const w = words(p.limb);
  const small = p.amplitude === 'small';
  const it = w.plural ? 'them' : 'it';
  const sym = symmetryLd(p);
  const kind = limbKind(p.limb);
  switch (`${kind}:${p.path}`) {
    case 'arm:raise':
      return small
        ? `lift ${w.arm} straight forward to shoulder height${sym}, hold ${it} out in front, then lower ${it} to the side`
        : `lift ${w.arm} forward and up until ${w.hand} ${w.plural ? 'are' : 'is'} above the head${sym}, hold, then lower ${it} back down to the side`;
    case 'arm:raise_side':
      return small
        ? `lift ${w.arm} out to the side to shoulder height${sym}, then lower ${it} to the body`
        : `lift ${w.arm} out to the side and up above the head${sym}, then lower ${it} back down to the body`;
    case 'arm:swing':
      return `${small ? 'gently ' : ''}swing ${w.arm} forward and back from the shoulder like a pendulum${sym}, the elbow almost straight`;
    case 'arm:circle':
      return small
        ? `hold ${w.arm} out to the side and draw small circles with ${w.hand}${sym}`
        : `swing ${w.arm} in big circles from the shoulder, forward over the head and back down past the hip${sym}`;
    case 'arm:wave':
      return `raise ${w.hand} to head height with the elbow bent and wave ${it} ${small ? 'a little ' : ''}from side to side${sym}, then lower ${w.arm}`;
    case 'arm:push':
      return `pull ${w.hand} in to the chest, then push ${it} straight forward ${small ? 'halfway' : 'until the elbow is straight'} and pull ${it} back${sym}`;
    case 'arm:reach_down':
      return `bend the upper body forward and the knees slightly, reach ${w.arm} down ${
        small ? 'to knee height' : 'toward the floor in front of the feet'
      }${sym}, then straighten back up`;
    case 'arm:shake':
      return `bring ${w.hand} up in front of the chest with the elbow bent and shake ${it} quickly ${
        small ? 'a little ' : ''
      }from side to side${sym}, then lower ${w.arm}`;
    case 'leg:raise':
      return `lift ${w.knee} up in front of the body ${small ? 'a little' : 'to hip height'}${sym}, hold, then put ${w.foot} back down`;
    case 'leg:raise_side':
      return p.limb === 'both_legs'
        ? `spread both legs apart ${small ? 'a little ' : ''}to the sides${sym}, then bring the feet back together`
        : `lift ${w.leg} straight out to the side ${small ? 'a little' : 'as high as the hip allows'}, then lower ${it} next to the other foot`;
    case 'leg:swing':
      return `${small ? 'gently ' : ''}swing ${w.leg} forward and back from the hip with the knee almost straight${sym}`;
    case 'leg:push':
      return `pull ${w.knee} up, kick ${w.foot} forward until ${w.leg} ${w.plural ? 'are' : 'is'} ${
        small ? 'half' : 'fully'
      } straight, then bring ${it} back down${sym}`;
    case 'leg:step':
      return small
        ? `step in place with short quick steps, lifting the left knee and then the right knee only a little, both legs working`
        : `step in place lifting the knees high, first the left leg and then the right leg, both legs working`;
    case 'leg:squat':
      return small
        ? `bend both knees and hips into a half squat, the torso leaning a little forward, then stand back up`
        : `bend both knees and hips deeply to lower the body into a full squat, the torso leaning forward, then stand back up`;
    case 'head:raise':
      return `tilt the head back to look up${small ? ' a little' : ''}, hold, then bring the head back level`;
    case 'head:bend':
      return `bend the head forward so the chin drops ${small ? 'slightly' : 'toward the chest'}, then lift the head back up`;
    case 'head:shake':
      return `turn the head to the left and to the right${small ? ' a little' : ''}, the shoulders still`;
    case 'head:wave':
      return `tilt the head ${small ? 'slightly ' : ''}toward the left shoulder and then toward the right shoulder`;
    case 'head:circle':
      return `roll the head in a ${small ? 'small' : 'wide'} circle over the shoulders`;
    case 'torso:bend':
      return small
        ? `bend the upper body forward a little from the waist with both arms hanging, then straighten up`
        : `bend the upper body forward from the waist until the back is nearly horizontal, both arms hanging down toward the floor, then straighten up`;
    case 'torso:wave':
      return `lean the upper body ${small ? 'slightly ' : ''}to the left and then to the right from the waist, both arms hanging along the sides`;
    case 'torso:turn':
      return `twist the upper body ${
        small ? 'slightly ' : ''
      }to the left and to the right while the hips stay still, both arms swinging along with the shoulders`;
    case 'torso:circle':
      return `move the upper body in a ${small ? 'small' : 'wide'} circle over the hips, both arms hanging`;
    case 'whole_body:jump': {
      const arms = freeArmsPhrase(c);
      return `bend both knees${arms ? ` and swing ${arms} back` : ''}, then jump ${small ? 'a little ' : ''}straight up${
        arms ? `, swinging ${arms.startsWith('both') ? 'them' : 'it'} forward,` : ''
      } and land softly on both feet with bent knees`;
    }
    case 'whole_body:turn':
      return `turn the whole body ${
        small ? 'a quarter turn to the left' : 'around to the left to face the other way'
      }, stepping around on the spot with both feet, both arms turning with the shoulders`;
    case 'whole_body:step': {
      const arms = freeArmsPhrase(c);
      const swing = arms ? `, ${arms} swinging gently` : '';
      if (c.locomotion === 'sideways') return `walk sideways to the left, moving the left leg out to the side and bringing the right leg next to it${swing}`;
      return `walk ${c.locomotion === 'backward' ? 'backward' : 'forward'}${
        small ? ' with short steps' : ''
      }, stepping with the left leg and the right leg in turn${arms ? `, ${arms} swinging in opposition` : ''}`;
    }
  }
  throw new FsvaeInputError(`describeComposition: no template for ${kind} '${p.path}'.`);
}

/** Overall intent of one primitive (GD), a noun phrase. */
function primitiveIntent(p: MotionPrimitive, c: ActionComposition): string {
  const small = p.amplitude === 'small';
  const kind = limbKind(p.limb);
  const both = p.limb === 'both_arms' || p.limb === 'both_legs';
  switch (`${kind}:${p.path}`) {
    case 'arm:raise':
      return small
        ? 'holding the arms out in front for balance'
        : both
          ? 'reaching up high with both hands, as if stretching toward the ceiling'
          : 'putting a hand up high, as if to answer a question or reach a top shelf';
    case 'arm:raise_side':
      return small ? 'opening the arms to shoulder level' : 'spreading the arms wide and up into a star shape';
    case 'arm:swing':
      return 'relaxed pendulum swinging of the arms, as in walking or warming up';
    case 'arm:circle':
      return small ? 'small shoulder circles to warm up the joint' : 'arm windmills that loosen the shoulder';
    case 'arm:wave':
      return 'a greeting, waving hello or goodbye to someone';
    case 'arm:push':
      return p.symmetry === 'alternating'
        ? 'boxing, throwing punches one after the other'
        : both
          ? 'pushing a heavy object away with the hands'
          : 'a punch or a push straight ahead';
    case 'arm:reach_down':
      return 'picking something up from the floor';
    case 'arm:shake':
      return 'shaking out the hand as if to dry it or loosen the wrist';
    case 'leg:raise':
      return 'a knee lift, balancing on the other leg';
    case 'leg:raise_side':
      return both ? 'opening the legs apart' : 'a sideways leg lift that trains balance';
    case 'leg:swing':
      return 'a leg swing to warm up the hip';
    case 'leg:push':
      return 'a front kick at something in front';
    case 'leg:step':
      return small ? 'jogging on the spot' : 'marching on the spot';
    case 'leg:squat':
      return small ? 'a half squat' : 'a squat exercise, lowering the hips and rising again';
    case 'head:raise':
      return 'looking up at something above';
    case 'head:bend':
      return 'nodding yes, agreeing';
    case 'head:shake':
      return 'shaking the head no, disagreeing';
    case 'head:wave':
      return 'a neck stretch tilting the head sideways';
    case 'head:circle':
      return 'neck rolls';
    case 'torso:bend':
      return small ? 'a polite bow' : 'bending down deeply from the waist';
    case 'torso:wave':
      return 'side bends that stretch the flanks';
    case 'torso:turn':
      return 'trunk rotations around the spine';
    case 'torso:circle':
      return 'hip circles around the waist';
    case 'whole_body:jump':
      return small ? 'a small hop' : 'jumping on the spot';
    case 'whole_body:turn':
      return small ? 'turning to the side' : 'turning around to face backward';
    case 'whole_body:step':
      return c.locomotion === 'backward' ? 'backing away, walking backward' : c.locomotion === 'sideways' ? 'side-stepping to the left' : 'walking ahead';
  }
  throw new FsvaeInputError(`describeComposition: no intent for ${kind} '${p.path}'.`);
}

/** Short label phrase of one primitive: verb form, and the form used after another primitive. */
function primitiveLabel(p: MotionPrimitive, c: ActionComposition): { verb: string; with: string } {
  const w = words(p.limb);
  const small = p.amplitude === 'small';
  const alt = p.symmetry === 'alternating' ? ' alternately' : '';
  const kind = limbKind(p.limb);
  const arms = `${w.side}arm${w.plural ? 's' : ''}`;
  const hands = `${w.side}hand${w.plural ? 's' : ''}`;
  switch (`${kind}:${p.path}`) {
    case 'arm:raise':
      return small ? { verb: `hold ${arms} forward`, with: `with ${arms} forward` } : { verb: `raise ${arms}${alt}`, with: `with ${arms} up` };
    case 'arm:raise_side':
      return { verb: `raise ${arms} sideways${alt}`, with: small ? `with ${arms} out to the side` : `spreading ${arms} overhead` };
    case 'arm:swing':
      return { verb: `swing ${arms}${alt}`, with: `swinging ${arms}${alt}` };
    case 'arm:circle':
      return { verb: `${small ? 'small ' : ''}${arms.replace(/s$/, '')} circles${alt}`, with: `circling ${arms}` };
    case 'arm:wave':
      return { verb: `wave ${hands}${alt}`, with: `while waving ${hands}` };
    case 'arm:push':
      return p.symmetry === 'alternating'
        ? { verb: 'punch alternately', with: 'while punching' }
        : { verb: `push forward with ${hands}`, with: `pushing ${hands} forward` };
    case 'arm:reach_down':
      return { verb: `reach down with ${hands}${alt}`, with: `reaching down with ${hands}` };
    case 'arm:shake':
      return { verb: `shake ${hands}${alt}`, with: `shaking ${hands}` };
    case 'leg:raise':
      return { verb: `raise ${w.side}knee${w.plural ? 's' : ''}${alt}`, with: `with ${w.side}knee${w.plural ? 's' : ''} up` };
    case 'leg:raise_side':
      return w.plural
        ? { verb: `spread legs${alt}`, with: 'spreading the legs' }
        : { verb: `lift ${w.side}leg sideways`, with: `lifting ${w.side}leg sideways` };
    case 'leg:swing':
      return { verb: `swing ${w.side}leg${w.plural ? 's' : ''}${alt}`, with: `swinging ${w.side}leg${w.plural ? 's' : ''}` };
    case 'leg:push':
      return { verb: `kick forward with ${w.side}leg${w.plural ? 's' : ''}${alt}`, with: `kicking ${w.side}leg${w.plural ? 's' : ''}` };
    case 'leg:step':
      return small ? { verb: 'jog in place', with: 'jogging in place' } : { verb: 'march in place', with: 'marching in place' };
    case 'leg:squat':
      return small ? { verb: 'half squat', with: 'in a half squat' } : { verb: 'squat', with: 'squatting' };
    case 'head:raise':
      return { verb: 'look up', with: 'looking up' };
    case 'head:bend':
      return { verb: 'nod head', with: 'nodding' };
    case 'head:shake':
      return { verb: 'shake head', with: 'shaking the head' };
    case 'head:wave':
      return { verb: 'tilt head side to side', with: 'tilting the head' };
    case 'head:circle':
      return { verb: 'roll head', with: 'rolling the head' };
    case 'torso:bend':
      return small ? { verb: 'bow', with: 'bowing' } : { verb: 'bend forward', with: 'bending forward' };
    case 'torso:wave':
      return { verb: 'lean side to side', with: 'leaning side to side' };
    case 'torso:turn':
      return { verb: 'twist torso', with: 'twisting the torso' };
    case 'torso:circle':
      return { verb: 'hip circles', with: 'circling the hips' };
    case 'whole_body:jump':
      return small ? { verb: 'hop', with: 'hopping' } : { verb: 'jump', with: 'jumping' };
    case 'whole_body:turn':
      return small ? { verb: 'turn to the side', with: 'turning to the side' } : { verb: 'turn around', with: 'turning around' };
    case 'whole_body:step':
      return { verb: `walk ${c.locomotion}`, with: `walking ${c.locomotion}` };
  }
  throw new FsvaeInputError(`describeComposition: no label for ${kind} '${p.path}'.`);
}

function scopeGd(c: ActionComposition): string {
  const kinds = new Set(c.primitives.map((p) => limbKind(p.limb)));
  const one = c.primitives.length === 1 ? c.primitives[0] : null;
  if (kinds.has('whole_body')) return c.locomotion !== 'none' ? 'a whole-body movement that travels across the floor' : 'a whole-body movement on the spot';
  const upper = kinds.has('arm') || kinds.has('head') || kinds.has('torso');
  const lower = kinds.has('leg');
  const region =
    upper && lower
      ? 'an upper- and lower-body movement'
      : lower
        ? 'a lower-body movement with the upper body calm'
        : 'an upper-body movement with the feet planted';
  if (!one) return region;
  if (one.symmetry === 'in_phase') return `${region}, both sides mirroring each other`;
  if (one.symmetry === 'alternating') return `${region}, the two sides taking turns`;
  if (one.limb.startsWith('left') || one.limb.startsWith('right')) return `${region}, performed with the ${one.limb.split('_')[0]} side only`;
  return `${region}, centred on the ${one.limb === 'head' ? 'head and neck' : 'spine'}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** AL, LD and GD of a composition, all generated from its primitives, tempo and repetitions. */
export function describeComposition(c: ActionComposition): { label: string; ld: string; gd: string } {
  validateComposition(c, 'describeComposition');
  const labels = c.primitives.map((p) => primitiveLabel(p, c));
  const label = c.name ?? [labels[0].verb, ...labels.slice(1).map((l) => l.with)].join(' ');
  const steps = c.primitives.map((p) => primitiveLd(p, c));
  const reps = NUMBER_WORDS[c.repetitions];
  const ld = `${capitalize(steps[0])}${steps
    .slice(1)
    .map((s) => `; at the same time, ${s}`)
    .join('')}. ${c.repetitions === 1 ? 'Done once' : `Repeated ${reps}`}, ${TEMPO_LD[c.tempo]}.`;
  const intents = c.primitives.map((p) => primitiveIntent(p, c));
  const rhythm =
    c.repetitions === 1
      ? `a single ${TEMPO_GD[c.tempo]} execution`
      : `${reps === 'twice' ? 'two' : reps.replace(' times', '')} ${TEMPO_GD[c.tempo]} repetitions`;
  const gd = `${capitalize(intents.join(' combined with '))}: ${scopeGd(c)}, in ${rhythm}.`;
  return { label, ld, gd };
}

/**
 * Semantic factors of a composition, used to build zero-shot splits whose unseen classes only
 * recombine factors that seen classes also show: the limbs, the paths (per body-part kind), the
 * symmetries, amplitudes, tempo and locomotion.
 */
export function compositionFactors(c: ActionComposition): string[] {
  const f = new Set<string>();
  for (const p of c.primitives) {
    f.add(`limb:${p.limb}`);
    f.add(`path:${limbKind(p.limb)}/${p.path}`);
    if (p.symmetry !== 'single') f.add(`symmetry:${p.symmetry}`);
    f.add(`amplitude:${p.amplitude}`);
  }
  f.add(`tempo:${c.tempo}`);
  if (c.locomotion !== 'none') f.add(`locomotion:${c.locomotion}`);
  return [...f].sort();
}

/** Primitive identities (body-part kind + path), e.g. 'arm/wave'. */
export function primitiveKeys(c: ActionComposition): string[] {
  return [...new Set(c.primitives.map((p) => `${limbKind(p.limb)}/${p.path}`))].sort();
}
