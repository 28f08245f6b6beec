/**
 * Completeness of the per-class descriptions (AL/LD/GD, paper Sec. 3.3 and App. D) for every
 * registered dataset, label lists against the official class lists, and the loader's rejection of
 * corrupted files. Nothing is skipped: a missing description file is a failure that names it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DESCRIPTION_DATASETS,
  DESCRIPTION_REGISTRY,
  DescriptionSet,
  defaultDescriptionsDir,
  descriptionHash,
  descriptionTexts,
  loadDescriptions,
} from '../../lib/text/descriptions';
import { NW_UCLA_CLASS_NAMES } from '../../lib/data/datasets/nw-ucla';
import { locateData } from '../../lib/data/paths';
import { FsvaeInputError } from '../../lib/util/assert';

const DIR = defaultDescriptionsDir();

/** Prompts of App. D, which every file records verbatim. */
const GD_PROMPT =
  'Describe the action of [ACTION NAME] by summarizing its overall motion pattern and intent. Focus on the key movements ' +
  'that define the action as a whole. Avoid excessive details about specific joints but ensure the description captures how ' +
  'the action is performed in a natural way. For example, describe how objects are manipulated, how body posture changes, ' +
  'or the general sequence of motion from start to finish.';
const LD_PROMPT =
  'Describe the action of [ACTION NAME] by detailing the precise movements of the hands, arms, or other involved body ' +
  'parts. Provide a step-by-step breakdown of how the action is executed at a fine-grained level, emphasizing joint motion, ' +
  'hand positioning, and transitions. Ensure the description remains human-readable and avoids overly technical ' +
  'terminology.';

const EXPECTED_COUNTS: Record<string, number> = {
  'nw-ucla': 10,
  'utd-mhad': 27,
  'msr-action3d': 20,
  'pku-mmd': 51,
  pku51: 51,
  ntu120: 120,
  ntu60: 60,
};

/** UTD-MHAD, action ids 1..27 of the file names a{N}_s{S}_t{T}. */
const UTD_MHAD_LABELS = [
  'right arm swipe to the left',
  'right arm swipe to the right',
  'right hand wave',
  'two hand front clap',
  'right arm throw',
  'cross arms in the chest',
  'basketball shoot',
  'right hand draw x',
  'right hand draw circle (clockwise)',
  'right hand draw circle (counter clockwise)',
  'draw triangle',
  'bowling (right hand)',
  'front boxing',
  'baseball swing from right',
  'tennis right hand forehand swing',
  'arm curl (two arms)',
  'tennis serve',
  'two hand push',
  'right hand knock on door',
  'right hand catch an object',
  'right hand pick up and throw',
  'jogging in place',
  'walking in place',
  'sit to stand',
  'stand to sit',
  'forward lunge (left foot forward)',
  'squat (two arms stretch out)',
];

/** MSR Action3D, action ids a01..a20. */
const MSR_ACTION3D_LABELS = [
  'high arm wave',
  'horizontal arm wave',
  'hammer',
  'hand catch',
  'forward punch',
  'high throw',
  'draw x',
  'draw tick',
  'draw circle',
  'hand clap',
  'two hand wave',
  'side-boxing',
  'bend',
  'forward kick',
  'side kick',
  'jogging',
  'tennis swing',
  'tennis serve',
  'golf swing',
  'pick up & throw',
];

/** PKU-MMD Part I in alphabetical order (SA-DVAE class_lists/pku51.csv, 0-based rows). */
const PKU_MMD_LABELS = [
  'bow',
  'brushing hair',
  'brushing teeth',
  'check time (from watch)',
  'cheer up',
  'clapping',
  'cross hands in front (say stop)',
  'drink water',
  'drop',
  'eat meal/snack',
  'falling',
  'giving something to other person',
  'hand waving',
  'handshaking',
  'hopping (one foot jumping)',
  'hugging other person',
  'jump up',
  'kicking other person',
  'kicking something',
  'make a phone call/answer phone',
  'pat on back of other person',
  'pickup',
  'playing with phone/tablet',
  'point finger at the other person',
  'pointing to something with finger',
  'punching/slapping other person',
  'pushing other person',
  'put on a hat/cap',
  'put something inside pocket',
  'reading',
  'rub two hands together',
  'salute',
  'sitting down',
  'standing up',
  'take off a hat/cap',
  'take off glasses',
  'take off jacket',
  'take out something from pocket',
  'taking a selfie',
  'tear up paper',
  'throw',
  'touch back (backache)',
  'touch chest (stomachache/heart pain)',
  'touch head (headache)',
  'touch neck (neckache)',
  'typing on a keyboard',
  'use a fan (with hand or paper)/feeling warm',
  'wear jacket',
  'wear on glasses',
  'wipe face',
  'writing',
];
/** PKU-MMD classes with two performers. */
const PKU_TWO_PERSON = [
  'giving something to other person',
  'handshaking',
  'hugging other person',
  'kicking other person',
  'pat on back of other person',
  'point finger at the other person',
  'punching/slapping other person',
  'pushing other person',
];

/** NTU-120 anchors (0-based) from the official list, checked even without the MSF label CSV. */
const NTU_ANCHORS: [number, string][] = [
  [0, 'drink water'],
  [5, 'pickup'],
  [10, 'reading'],
  [11, 'writing'],
  [49, 'punching/slapping other person'],
  [59, 'walking apart from each other'],
  [60, 'put on headphone'],
  [105, 'hit other person with something'],
  [119, 'finger-guessing game (playing rock-paper-scissors)'],
];

/** Case, whitespace and apostrophe-style insensitive label comparison. */
function norm(s: string): string {
  return s
    .replace(/[\u2018\u2019]/g, "'")
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
}
function words(s: string): number {
  return s.trim().split(/\s+/).length;
}

/** Body-part vocabulary an LD must use (the LD prompt asks for hands, arms or other body parts). */
/** Files held to the body-part rule on LD (ntu120.json: the other checks only). */
const BODY_PART_CHECKED = new Set(['nw-ucla', 'utd-mhad', 'msr-action3d', 'pku-mmd', 'pku51']);
const BODY_PART_WORDS = ['hands?', 'arms?', 'fingers?', 'fists?', 'palms?', 'wrists?', 'elbows?', 'shoulders?', 'forearms?', 'legs?', 'knees?', 'feet'];
const BODY_PART = new RegExp(String.raw`\b(${[...BODY_PART_WORDS, 'foot|hips?|trunk|torso|head|back|waist|toes?|heels?|thumbs?|chest|jaw'].join('|')})\b`, 'i');

const cache = new Map<string, DescriptionSet>();
function load(ds: string): DescriptionSet {
  let d = cache.get(ds);
  if (!d) {
    d = loadDescriptions(ds);
    cache.set(ds, d);
  }
  return d;
}

function readRaw(ds: string): Record<string, unknown> {
  const file = path.join(DIR, DESCRIPTION_REGISTRY[ds as keyof typeof DESCRIPTION_REGISTRY].file);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

test('every registered description file is present', () => {
  assert.deepEqual([...DESCRIPTION_DATASETS].sort(), Object.keys(EXPECTED_COUNTS).sort());
  const files = [...new Set(DESCRIPTION_DATASETS.map((d) => DESCRIPTION_REGISTRY[d].file))];
  const missing = files.filter((f) => !fs.existsSync(path.join(DIR, f)));
  assert.deepEqual(missing, [], `missing description files in ${DIR}: ${missing.join(', ')}`);
});

for (const ds of Object.keys(EXPECTED_COUNTS)) {
  test(`${ds}: count, ids, non-empty and distinct AL/LD/GD, LD != GD, word limits`, () => {
    const d = load(ds);
    const n = EXPECTED_COUNTS[ds];
    assert.equal(d.dataset, ds);
    assert.equal(d.classes.length, n);
    d.classes.forEach((c, i) => assert.equal(c.id, i, `${ds} classes[${i}].id`));
    for (const part of ['AL', 'LD', 'GD'] as const) {
      const texts = descriptionTexts(d, part);
      assert.equal(texts.length, n);
      texts.forEach((t, i) => assert.ok(t.trim().length > 0, `${ds} ${part} of class ${i} is empty`));
      const normed = texts.map(norm);
      const dups = normed.filter((t, i) => normed.indexOf(t) !== i);
      assert.deepEqual(dups, [], `${ds} ${part}: duplicated texts`);
    }
    for (const c of d.classes) {
      assert.notEqual(norm(c.ld), norm(c.gd), `${ds} class ${c.id}: LD equals GD`);
      assert.ok(words(c.gd) <= 40, `${ds} class ${c.id} (${c.label}): GD has ${words(c.gd)} words > 40`);
      assert.ok(words(c.ld) <= 45, `${ds} class ${c.id} (${c.label}): LD has ${words(c.ld)} words > 45`);
      if (BODY_PART_CHECKED.has(ds)) {
        assert.match(c.ld, BODY_PART, `${ds} class ${c.id} (${c.label}): LD names no body part`);
      }
    }
  });
}

for (const ds of ['nw-ucla', 'utd-mhad', 'msr-action3d', 'pku-mmd', 'ntu120']) {
  test(`${ds}: file records the App. D prompts and its authorship`, () => {
    const raw = readRaw(ds);
    const prompts = raw.prompts as Record<string, string>;
    assert.equal(prompts.GD, GD_PROMPT);
    assert.equal(prompts.LD, LD_PROMPT);
    assert.equal(typeof raw.authorship, 'string');
    assert.ok((raw.authorship as string).length > 20);
    assert.equal(raw.numClasses, DESCRIPTION_REGISTRY[ds as 'ntu120'].fileClasses);
  });
}

test('nw-ucla: labels equal NW_UCLA_CLASS_NAMES, codes a01..a06, a08, a09, a11, a12', () => {
  const d = load('nw-ucla');
  assert.deepEqual(
    d.classes.map((c) => c.label),
    [...NW_UCLA_CLASS_NAMES],
  );
  assert.deepEqual(
    d.classes.map((c) => c.code),
    ['a01', 'a02', 'a03', 'a04', 'a05', 'a06', 'a08', 'a09', 'a11', 'a12'],
  );
  assert.ok(d.classes.every((c) => !c.twoPerson));
});

test('utd-mhad: labels follow action ids 1..27; right-hand classes say so in the LD', () => {
  const d = load('utd-mhad');
  assert.deepEqual(
    d.classes.map((c) => norm(c.label)),
    UTD_MHAD_LABELS,
  );
  assert.deepEqual(
    d.classes.map((c) => c.code),
    UTD_MHAD_LABELS.map((_, i) => `a${i + 1}`),
  );
  assert.ok(d.classes.every((c) => !c.twoPerson));
  for (const c of d.classes) {
    if (/\bright (hand|arm)\b/.test(c.label)) assert.match(c.ld, /\bright (hand|arm)\b/, `class ${c.id} ${c.label}`);
  }
  // pairs that differ only in direction: the LD must carry the direction.
  assert.match(d.classes[0].ld, /to the left/);
  assert.match(d.classes[1].ld, /to the right/);
  assert.match(d.classes[8].ld, /\bclockwise/);
  assert.doesNotMatch(d.classes[8].ld, /counter-?clockwise/);
  assert.match(d.classes[9].ld, /counter-?clockwise/);
  assert.match(d.classes[23].ld, /^from sitting/);
  assert.match(d.classes[24].ld, /^from standing/);
});

test('msr-action3d: labels follow action ids a01..a20', () => {
  const d = load('msr-action3d');
  assert.deepEqual(
    d.classes.map((c) => norm(c.label)),
    MSR_ACTION3D_LABELS,
  );
  assert.deepEqual(
    d.classes.map((c) => c.code),
    MSR_ACTION3D_LABELS.map((_, i) => `a${String(i + 1).padStart(2, '0')}`),
  );
  assert.ok(d.classes.every((c) => !c.twoPerson));
  assert.match(d.classes[13].ld, /forward/); // forward kick
  assert.match(d.classes[14].ld, /sideways/); // side kick
  assert.match(d.classes[10].ld, /both arms/); // two hand wave
  assert.match(d.classes[0].ld, /above the head/); // high arm wave
  assert.match(d.classes[1].ld, /horizontally/); // horizontal arm wave
});

test('pku-mmd: alphabetical PKU-MMD Part I order, REFERENCE anchors, two-person flags', () => {
  assert.deepEqual([...PKU_MMD_LABELS].sort(), PKU_MMD_LABELS, 'the reference list itself is alphabetical');
  const d = load('pku-mmd');
  assert.deepEqual(
    d.classes.map((c) => norm(c.label)),
    PKU_MMD_LABELS,
  );
  // 0-based anchors used by the SMIE PKU-MMD splits (split_7..9).
  const anchors: [number, string][] = [
    [1, 'brushing hair'],
    [2, 'brushing teeth'],
    [3, 'check time (from watch)'],
    [9, 'eat meal/snack'],
    [14, 'hopping (one foot jumping)'],
    [15, 'hugging other person'],
    [20, 'pat on back of other person'],
    [29, 'reading'],
    [31, 'salute'],
    [34, 'take off a hat/cap'],
    [39, 'tear up paper'],
    [41, 'touch back (backache)'],
    [43, 'touch head (headache)'],
    [49, 'wipe face'],
    [50, 'writing'],
  ];
  for (const [i, name] of anchors) assert.equal(d.classes[i].label, name, `pku-mmd class ${i}`);
  assert.deepEqual(
    d.classes.filter((c) => c.twoPerson).map((c) => c.label),
    PKU_TWO_PERSON,
  );
  assert.deepEqual(
    d.classes.map((c) => c.code),
    PKU_MMD_LABELS.map((_, i) => `P${String(i + 1).padStart(2, '0')}`),
  );
  assert.deepEqual(load('pku51').classes, d.classes);
});

test('ntu120: official label anchors and two-person classes A050-A060, A106-A120', () => {
  const d = load('ntu120');
  for (const [i, name] of NTU_ANCHORS) assert.equal(norm(d.classes[i].label), name, `ntu120 class ${i}`);
  const two = d.classes.filter((c) => c.twoPerson).map((c) => c.id);
  const expected = [...Array.from({ length: 11 }, (_, k) => 49 + k), ...Array.from({ length: 15 }, (_, k) => 105 + k)];
  assert.deepEqual(two, expected);
});

test('ntu120: labels equal the MSF lb_120.csv class names (real data)', (t) => {
  const loc = locateData('msf-text/sem_info/lb_120.csv');
  if (!loc.path) {
    t.skip(`lb_120.csv not found (tried ${loc.tried.join(', ')})`);
    return;
  }
  const rows = fs
    .readFileSync(loc.path, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim().length > 0);
  assert.equal(rows.length, 120);
  const names = rows.map((l) => norm(l.slice(l.indexOf(',') + 1)));
  assert.deepEqual(
    load('ntu120').classes.map((c) => norm(c.label)),
    names,
  );
});

test('ntu60 is exactly the first 60 classes of ntu120.json', () => {
  const d60 = load('ntu60');
  const d120 = load('ntu120');
  assert.equal(d60.file, d120.file);
  assert.deepEqual(d60.classes, d120.classes.slice(0, 60));
  assert.notEqual(descriptionHash(d60, 'GD'), descriptionHash(d120, 'GD'));
});

test('descriptionTexts / descriptionHash on a two-class set (sha256 computed independently)', () => {
  const d: DescriptionSet = {
    dataset: 'tiny',
    file: 'tiny.json',
    classes: [
      { id: 0, code: 'x0', label: 'pick up', ld: 'bend and grab with one hand', gd: 'to lift an object', twoPerson: false },
      { id: 1, code: 'x1', label: 'wave', ld: 'raise the hand and swing it', gd: 'to greet someone', twoPerson: false },
    ],
  };
  assert.deepEqual(descriptionTexts(d, 'AL'), ['pick up', 'wave']);
  assert.deepEqual(descriptionTexts(d, 'GD'), ['to lift an object', 'to greet someone']);
  // printf '%s' '["pick up","wave"]' | sha256sum
  assert.equal(descriptionHash(d, 'AL'), '1d43ca3d0bc09c8436c75e5eea5d0caa5374091cd6cc5040a2bc0c0e72f5d296');
  assert.equal(descriptionHash(d, 'LD'), '93d2198e6356feb17784131bbc06b9b5082a06a96a0b30c523b92a111405241f');
  assert.equal(descriptionHash(d, 'GD'), '27a3e19f31562cc9ab8c3bf210e85d549b835ee34f26656279f7b56178b1aeec');
  const swapped: DescriptionSet = { ...d, classes: [d.classes[1], d.classes[0]] };
  assert.notEqual(descriptionHash(swapped, 'AL'), descriptionHash(d, 'AL'));
  assert.throws(() => descriptionTexts(d, 'XD' as 'AL'), FsvaeInputError);
});

test('loader rejects corrupted copies with an error naming the file and the fault', (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-desc-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const good = readRaw('nw-ucla');
  const file = path.join(tmp, 'nw-ucla.json');
  const write = (obj: unknown) => fs.writeFileSync(file, typeof obj === 'string' ? obj : JSON.stringify(obj, null, 2));
  const classes = () => JSON.parse(JSON.stringify(good.classes)) as Record<string, unknown>[];

  // the untouched copy loads from the temp folder.
  write(good);
  assert.equal(loadDescriptions('nw-ucla', tmp).classes.length, 10);

  const cases: [string, unknown, RegExp][] = [];
  let c = classes();
  c[7].gd = c[6].gd;
  cases.push(['duplicate GD', { ...good, classes: c }, /classes\[7\]\.gd duplicates classes\[6\]\.gd/]);
  c = classes();
  c[3].ld = '   ';
  cases.push(['blank LD', { ...good, classes: c }, /classes\[3\]\.ld \(LD\) must be a non-empty string/]);
  c = classes();
  delete c[2].label;
  cases.push(['missing AL', { ...good, classes: c }, /classes\[2\]\.label \(AL\) must be a non-empty string/]);
  c = classes();
  [c[4].id, c[5].id] = [5, 4];
  cases.push(['ids out of order', { ...good, classes: c }, /classes\[4\]\.id is 5, expected 4/]);
  c = classes();
  c[1].ld = c[1].gd;
  cases.push(['LD equal to GD', { ...good, classes: c }, /classes\[1\] has identical LD and GD/]);
  c = classes().slice(0, 9);
  cases.push(['one class missing', { ...good, numClasses: 9, classes: c }, /expected 10 classes, found 9/]);
  cases.push(['numClasses disagrees', { ...good, numClasses: 11 }, /"numClasses" is 11 but "classes" has 10/]);
  cases.push(['wrong dataset field', { ...good, dataset: 'utd-mhad' }, /field "dataset" is "utd-mhad"/]);
  c = classes();
  c[0].twoPerson = 'no';
  cases.push(['twoPerson not boolean', { ...good, classes: c }, /classes\[0\]\.twoPerson must be true or false/]);
  cases.push(['truncated JSON', JSON.stringify(good).slice(0, 200), /not valid JSON/]);

  for (const [what, obj, re] of cases) {
    write(obj);
    assert.throws(
      () => loadDescriptions('nw-ucla', tmp),
      (e: unknown) => {
        assert.ok(e instanceof FsvaeInputError, `${what}: not an FsvaeInputError`);
        assert.ok(e.message.includes(file), `${what}: message does not name ${file}: ${e.message}`);
        assert.match(e.message, re, what);
        return true;
      },
      what,
    );
  }

  // a missing file names the path and the registered datasets.
  fs.rmSync(file);
  assert.throws(() => loadDescriptions('nw-ucla', tmp), /nw-ucla\.json does not exist.*Registered datasets: ntu60/);
});
