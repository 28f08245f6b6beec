/**
 * Class lists of the skeleton action datasets the project supports. Index i of each list is the
 * 0-based class label used by the label splits, feature files and text tables.
 */
import { FsvaeInputError } from '../util/assert';
import { ACTION_CATALOGUE } from './generator/catalogue';
import { describeComposition } from './generator/composition';

/** NW-UCLA's 10 actions (a01..a06, a08, a09, a11, a12), 0-based in that order. */
export const NW_UCLA_CLASS_NAMES = [
  'pick up with one hand', 'pick up with two hands', 'drop trash', 'walk around', 'sit down',
  'stand up', 'donning', 'doffing', 'throw', 'carry',
] as const;

export type DatasetName = 'ntu60' | 'ntu120' | 'pku51' | 'nw-ucla' | 'utd-mhad' | 'msr-action3d' | 'generated';

export const DATASET_NAMES: readonly DatasetName[] = ['ntu60', 'ntu120', 'pku51', 'nw-ucla', 'utd-mhad', 'msr-action3d', 'generated'];

/**
 * NTU RGB+D 120 action names A1..A120, verbatim from the dataset's official list
 * (github.com/shahroudy/NTURGB-D README). A1..A60 are NTU RGB+D 60.
 * MSF's `sem_info/lb_120.csv` uses the same strings except A65 ("table tennis bat swing").
 */
export const NTU120_CLASS_NAMES: readonly string[] = [
  'drink water', 'eat meal/snack', 'brushing teeth', 'brushing hair', 'drop', 'pickup', 'throw',
  'sitting down', 'standing up (from sitting position)', 'clapping', 'reading', 'writing',
  'tear up paper', 'wear jacket', 'take off jacket', 'wear a shoe', 'take off a shoe',
  'wear on glasses', 'take off glasses', 'put on a hat/cap', 'take off a hat/cap', 'cheer up',
  'hand waving', 'kicking something', 'reach into pocket', 'hopping (one foot jumping)', 'jump up',
  'make a phone call/answer phone', 'playing with phone/tablet', 'typing on a keyboard',
  'pointing to something with finger', 'taking a selfie', 'check time (from watch)',
  'rub two hands together', 'nod head/bow', 'shake head', 'wipe face', 'salute',
  'put the palms together', 'cross hands in front (say stop)', 'sneeze/cough', 'staggering',
  'falling', 'touch head (headache)', 'touch chest (stomachache/heart pain)',
  'touch back (backache)', 'touch neck (neckache)', 'nausea or vomiting condition',
  'use a fan (with hand or paper)/feeling warm', 'punching/slapping other person',
  'kicking other person', 'pushing other person', 'pat on back of other person',
  'point finger at the other person', 'hugging other person', 'giving something to other person',
  "touch other person's pocket", 'handshaking', 'walking towards each other',
  'walking apart from each other',
  // A61..A120 (NTU RGB+D 120 only)
  'put on headphone', 'take off headphone', 'shoot at the basket', 'bounce ball',
  'tennis bat swing', 'juggling table tennis balls', 'hush (quite)', 'flick hair', 'thumb up',
  'thumb down', 'make ok sign', 'make victory sign', 'staple book', 'counting money',
  'cutting nails', 'cutting paper (using scissors)', 'snapping fingers', 'open bottle',
  'sniff (smell)', 'squat down', 'toss a coin', 'fold paper', 'ball up paper', 'play magic cube',
  'apply cream on face', 'apply cream on hand back', 'put on bag', 'take off bag',
  'put something into a bag', 'take something out of a bag', 'open a box', 'move heavy objects',
  'shake fist', 'throw up cap/hat', 'hands up (both hands)', 'cross arms', 'arm circles',
  'arm swings', 'running on the spot', 'butt kicks (kick backward)', 'cross toe touch',
  'side kick', 'yawn', 'stretch oneself', 'blow nose', 'hit other person with something',
  'wield knife towards other person', 'knock over other person (hit with body)',
  'grab other person’s stuff', 'shoot at other person with a gun', 'step on foot', 'high-five',
  'cheers and drink', 'carry something with other person', 'take a photo of other person',
  'follow other person', 'whisper in other person’s ear', 'exchange things with other person',
  'support somebody with hand', 'finger-guessing game (playing rock-paper-scissors)',
];

export const NTU60_CLASS_NAMES: readonly string[] = NTU120_CLASS_NAMES.slice(0, 60);

/** The short NTU-60 names of the paper's appendix Table 11 (index i ↔ A(i+1)). */
export const NTU60_PAPER_TABLE11_NAMES: readonly string[] = [
  'Drink water', 'Eat meal', 'Brush teeth', 'Brush hair', 'Drop', 'Pick up', 'Throw', 'Sit down',
  'Stand up', 'Clapping', 'Reading', 'Writing', 'Tear up paper', 'Put on jacket', 'Take off jacket',
  'Put on a shoe', 'Take off a shoe', 'Put on glasses', 'Take off glasses', 'Put on a hat/cap',
  'Take off a hat/cap', 'Cheer up', 'Hand waving', 'Kicking something', 'Reach into pocket',
  'Hopping', 'Jump up', 'Phone call', 'Play with phone/tablet', 'Type on a keyboard',
  'Point to something', 'Taking a selfie', 'Check time (from watch)', 'Rub two hands together',
  'Nod head/bow', 'Shake head', 'Wipe face', 'Salute', 'Put palms together', 'Cross hands in front',
  'Sneeze/cough', 'Staggering', 'Falling down', 'Headache', 'Chest pain', 'Back pain', 'Neck pain',
  'Nausea/vomiting', 'Fan self', 'Punch/slap', 'Kicking', 'Pushing', 'Pat on back', 'Point finger',
  'Hugging', 'Giving object', 'Touch pocket', 'Shaking hands', 'Walking towards', 'Walking apart',
];

/**
 * PKU-MMD Part I, 51 actions, in alphabetical order: the order of SA-DVAE's
 * `class_lists/pku51.csv`, which SMIE's PKU-MMD 46/5 splits index (0-based). The names are the
 * dataset's own (mostly NTU-style) action names; the official 1-based action id is index + 1
 * in this list as well, since the official PKU-MMD label list is alphabetical too.
 */
export const PKU51_CLASS_NAMES: readonly string[] = [
  'bow', 'brushing hair', 'brushing teeth', 'check time (from watch)', 'cheer up', 'clapping',
  'cross hands in front (say stop)', 'drink water', 'drop', 'eat meal/snack', 'falling',
  'giving something to other person', 'hand waving', 'handshaking', 'hopping (one foot jumping)',
  'hugging other person', 'jump up', 'kicking other person', 'kicking something',
  'make a phone call/answer phone', 'pat on back of other person', 'pickup',
  'playing with phone/tablet', 'point finger at the other person',
  'pointing to something with finger', 'punching/slapping other person', 'pushing other person',
  'put on a hat/cap', 'put something inside pocket', 'reading', 'rub two hands together', 'salute',
  'sitting down', 'standing up', 'take off a hat/cap', 'take off glasses', 'take off jacket',
  'take out something from pocket', 'taking a selfie', 'tear up paper', 'throw',
  'touch back (backache)', 'touch chest (stomachache/heart pain)', 'touch head (headache)',
  'touch neck (neckache)', 'typing on a keyboard', 'use a fan (with hand or paper)/feeling warm',
  'wear jacket', 'wear on glasses', 'wipe face', 'writing',
];

/** UTD-MHAD, 27 actions a1..a27 (label = id − 1). */
export const UTD_MHAD_CLASS_NAMES: readonly string[] = [
  'right arm swipe to the left', 'right arm swipe to the right', 'right hand wave',
  'two hand front clap', 'right arm throw', 'cross arms in the chest', 'basketball shoot',
  'right hand draw x', 'right hand draw circle (clockwise)',
  'right hand draw circle (counter clockwise)', 'draw triangle', 'bowling (right hand)',
  'front boxing', 'baseball swing from right', 'tennis right hand forehand swing',
  'arm curl (two arms)', 'tennis serve', 'two hand push', 'right hand knock on door',
  'right hand catch an object', 'right hand pick up and throw', 'jogging in place',
  'walking in place', 'sit to stand', 'stand to sit', 'forward lunge (left foot forward)',
  'squat (two arms stretch out)',
];

/** MSR Action3D, 20 actions a01..a20 (label = id − 1), Li, Zhang & Liu (CVPR-W 2010). */
export const MSR_ACTION3D_CLASS_NAMES: readonly string[] = [
  'high arm wave', 'horizontal arm wave', 'hammer', 'hand catch', 'forward punch', 'high throw',
  'draw x', 'draw tick', 'draw circle', 'hand clap', 'two hand wave', 'side-boxing', 'bend',
  'forward kick', 'side kick', 'jogging', 'tennis swing', 'tennis serve', 'golf swing',
  'pick up & throw',
];

/**
 * The three MSR Action3D action subsets of Li et al. (2010), as 0-based labels. AS1 and AS2 hold
 * similar movements; AS3 complex ones. AS3 overlaps both others.
 */
export const MSR_ACTION3D_ACTION_SETS: Readonly<Record<'AS1' | 'AS2' | 'AS3', readonly number[]>> = {
  AS1: [1, 2, 4, 5, 9, 12, 17, 19], // horizontal arm wave, hammer, forward punch, high throw, hand clap, bend, tennis serve, pick up & throw
  AS2: [0, 3, 6, 7, 8, 10, 11, 13], // high arm wave, hand catch, draw x, draw tick, draw circle, two hand wave, side-boxing, forward kick
  AS3: [5, 13, 14, 15, 16, 17, 18, 19], // high throw, forward kick, side kick, jogging, tennis swing, tennis serve, golf swing, pick up & throw
};

/** The built-in generated dataset's class labels (AL), from its action catalogue (seed-independent). */
export const GENERATED_CLASS_NAMES: readonly string[] = ACTION_CATALOGUE.map((c) => describeComposition(c).label);

const CLASS_NAMES: Record<DatasetName, readonly string[]> = {
  ntu60: NTU60_CLASS_NAMES,
  ntu120: NTU120_CLASS_NAMES,
  pku51: PKU51_CLASS_NAMES,
  'nw-ucla': NW_UCLA_CLASS_NAMES,
  'utd-mhad': UTD_MHAD_CLASS_NAMES,
  'msr-action3d': MSR_ACTION3D_CLASS_NAMES,
  generated: GENERATED_CLASS_NAMES,
};

export function assertDatasetName(name: string, what = 'dataset'): DatasetName {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new FsvaeInputError(`${what}: unknown dataset '${name}'; use one of ${DATASET_NAMES.join(', ')}.`);
  }
  return name as DatasetName;
}

/** The class names of a dataset, index = 0-based label. */
export function classNames(dataset: DatasetName): readonly string[] {
  return CLASS_NAMES[assertDatasetName(dataset)];
}

export function numClassesOf(dataset: DatasetName): number {
  return classNames(dataset).length;
}
