import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DATASET_NAMES,
  MSR_ACTION3D_CLASS_NAMES,
  NTU120_CLASS_NAMES,
  NTU60_CLASS_NAMES,
  NTU60_PAPER_TABLE11_NAMES,
  PKU51_CLASS_NAMES,
  UTD_MHAD_CLASS_NAMES,
  classNames,
  numClassesOf,
} from '../../lib/data/classes';
import { NW_UCLA_CLASS_NAMES } from '../../lib/data/datasets/nw-ucla';
import { readNpyIndexList } from '../../lib/data/npy';
import { locateData } from '../../lib/data/paths';
import {
  MSR_ACTION3D_ACTION_SETS,
  MSR_ACTION3D_UNSEEN_10,
  MSR_ACTION3D_UNSEEN_5,
  NTU120_XSUB_TRAIN_SUBJECTS,
  NTU60_XSUB_TRAIN_SUBJECTS,
  TRAIN_TEST_PROTOCOLS,
  derivedValUnseenCount,
  deriveValUnseen,
  getProtocol,
  getSplit,
  listSplits,
  parseUnseenList,
  protocolSide,
  splitFromUnseen,
  splitNames,
} from '../../lib/data/splits';
import { FsvaeInputError } from '../../lib/util/assert';

const splitsLoc = locateData('label-splits');
const skipMsg = `label-splits data not found (tried ${splitsLoc.tried.join(', ')})`;
const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
const readSorted = (...p: string[]) => sorted(readNpyIndexList(path.join(splitsLoc.path!, ...p)));

describe('registered splits equal the upstream .npy files', () => {
  test('NTU: ru* = unseen, rs* = seen, rv*_0 = val-unseen, rs50_0/rs36_0/rs72_0 = seen − val-unseen', (t) => {
    if (!splitsLoc.path) return t.skip(skipMsg);
    const cases: [string, string, string, string, string | null][] = [
      ['ntu60-55/5', 'ru5', 'rs55', 'rv5_0', 'rs50_0'],
      ['ntu60-48/12', 'ru12', 'rs48', 'rv12_0', 'rs36_0'],
      ['ntu120-110/10', 'ru10', 'rs110', 'rv10_0', null],
      ['ntu120-96/24', 'ru24', 'rs96', 'rv24_0', 'rs72_0'],
    ];
    for (const [name, ru, rs, rv, rs0] of cases) {
      const s = getSplit(name);
      assert.deepEqual(s.unseen, readSorted('ntu', `${ru}.npy`), name);
      assert.deepEqual(s.seen, readSorted('ntu', `${rs}.npy`), name);
      assert.deepEqual(s.valUnseen, readSorted('ntu', `${rv}.npy`), name);
      if (rs0) assert.deepEqual(s.valSeen, readSorted('ntu', `${rs0}.npy`), name);
    }
  });
  test('NTU-120 110/10: upstream rs100_0 is broken (81 entries = our val-seen minus its 19 classes ≥ 100)', (t) => {
    if (!splitsLoc.path) return t.skip(skipMsg);
    const s = getSplit('ntu120-110/10');
    const broken = readSorted('ntu', 'rs100_0.npy');
    assert.equal(broken.length, 81);
    assert.equal(s.valSeen.length, 100);
    assert.deepEqual(
      broken,
      s.valSeen.filter((c) => c < 100),
    );
    assert.deepEqual(readSorted('ntu', 'rs10.npy'), s.seen, 'rs10.npy is a copy of rs110.npy');
  });
  test('NW-UCLA ru5/ru2 and UTD-MHAD ru5/ru9/ru13 with their seen complements', (t) => {
    if (!splitsLoc.path) return t.skip(skipMsg);
    const cases: [string, string, string, string][] = [
      ['nw-ucla-5/5', 'nw-ucla', 'ru5', 'rs5'],
      ['nw-ucla-8/2', 'nw-ucla', 'ru2', 'rs8'],
      ['utd-mhad-22/5', 'utd-mhad', 'ru5', 'rs22'],
      ['utd-mhad-18/9', 'utd-mhad', 'ru9', 'rs18'],
      ['utd-mhad-14/13', 'utd-mhad', 'ru13', 'rs14'],
    ];
    for (const [name, dir, ru, rs] of cases) {
      const s = getSplit(name);
      assert.deepEqual(s.unseen, readSorted(dir, `${ru}.npy`), name);
      assert.deepEqual(s.seen, readSorted(dir, `${rs}.npy`), name);
    }
    // every upstream file is covered by the registry
    const ntuFiles = fs.readdirSync(path.join(splitsLoc.path, 'ntu')).filter((f) => /^ru\d+\.npy$/.test(f));
    assert.deepEqual(ntuFiles.sort(), ['ru10.npy', 'ru12.npy', 'ru24.npy', 'ru5.npy']);
  });
  test('the docs/paper-vs-code.md §5 names of the NTU unseen classes come out of the class list', () => {
    const names = (n: string) => getSplit(n).unseen.map((c) => NTU120_CLASS_NAMES[c]);
    assert.deepEqual(names('ntu60-55/5'), ['reading', 'writing', 'put on a hat/cap', 'jump up', "touch other person's pocket"]);
    assert.deepEqual(names('ntu120-110/10'), [
      'drop',
      'wear jacket',
      'salute',
      'touch head (headache)',
      'punching/slapping other person',
      'juggling table tennis balls',
      'put something into a bag',
      'cross arms',
      'butt kicks (kick backward)',
      'wield knife towards other person',
    ]);
  });
});

describe('every split is well formed', () => {
  test('sorted, disjoint, complete, val inside seen, sized 9–25 % of the seen classes', () => {
    const all = listSplits();
    assert.equal(all.length, 22);
    assert.deepEqual(
      all.map((s) => s.name),
      splitNames(),
    );
    for (const s of all) {
      const cls = Array.from({ length: s.numClasses }, (_, i) => i);
      assert.equal(s.numClasses, numClassesOf(s.dataset));
      assert.deepEqual(s.unseen, sorted(s.unseen));
      assert.deepEqual(sorted([...s.unseen, ...s.seen]), cls, s.name);
      assert.deepEqual(sorted([...s.valUnseen, ...s.valSeen]), s.seen, s.name);
      assert.ok(s.valUnseen.length >= 1 && s.valSeen.length >= 1, s.name);
      const frac = s.valUnseen.length / s.seen.length;
      // the generated dataset's pseudo splits match the unseen size (10 of 30 seen for generated-30/10)
      // generated-30/10 keeps as many pseudo-unseen as unseen; tiny seen sets (NW-UCLA 5/5) get 2 of 5
      const maxFrac = s.dataset === 'generated' ? 0.34 : s.seen.length < 8 ? 0.4 : 0.25;
      assert.ok(frac >= 0.09 && frac <= maxFrac, `${s.name}: ${s.valUnseen.length}/${s.seen.length}`);
      assert.equal(new Set(s.valUnseen).size, s.valUnseen.length);
      assert.ok(s.source.length > 0 && s.valSource.length > 0);
    }
    assert.deepEqual(
      listSplits('pku51').map((s) => s.name),
      ['pku51-46/5-smie7', 'pku51-46/5-smie8', 'pku51-46/5-smie9'],
    );
    assert.deepEqual(
      listSplits('generated').map((s) => s.name),
      ['generated-35/5', 'generated-30/10'],
    );
  });
  test('the derived-size rule reproduces the four upstream NTU sizes', () => {
    assert.deepEqual(
      [derivedValUnseenCount(5, 55), derivedValUnseenCount(12, 48), derivedValUnseenCount(10, 110), derivedValUnseenCount(24, 96)],
      [5, 12, 10, 24],
    );
    assert.equal(derivedValUnseenCount(13, 14), 3);
    assert.equal(derivedValUnseenCount(5, 5), 2); // raised to 2: a 1-class pseudo-unseen set is degenerate
    assert.equal(derivedValUnseenCount(5, 3), 1);
    assert.equal(derivedValUnseenCount(3, 1), 0);
  });
  test('derived val splits are deterministic (pinned values) and depend on the unseen set', () => {
    assert.deepEqual(getSplit('nw-ucla-5/5').valUnseen, [0, 7]);
    assert.deepEqual(getSplit('msr-action3d-15/5').valUnseen, [3, 12, 13]);
    assert.deepEqual(getSplit('pku51-46/5-smie7').valUnseen, [15, 21, 35, 41, 42]);
    const seen = getSplit('utd-mhad-22/5').seen;
    assert.deepEqual(deriveValUnseen('utd-mhad', [24, 4, 23, 17, 14], seen), getSplit('utd-mhad-22/5').valUnseen);
    assert.notDeepEqual(deriveValUnseen('utd-mhad', [4, 14, 17, 23, 25], seen), getSplit('utd-mhad-22/5').valUnseen);
  });
  test('getSplit returns copies and accepts any case', () => {
    const a = getSplit('NTU60-55/5');
    a.unseen.push(99);
    assert.deepEqual(getSplit('ntu60-55/5').unseen, [10, 11, 19, 26, 56]);
    assert.throws(
      () => getSplit('ntu60-50/10'),
      (e: unknown) => e instanceof FsvaeInputError && /known splits: ntu60-55\/5, /.test(e.message),
    );
  });
});

describe('PKU-MMD 51 classes and the SMIE 46/5 splits', () => {
  test('51 unique names in alphabetical (code-point) order', () => {
    assert.equal(PKU51_CLASS_NAMES.length, 51);
    assert.equal(new Set(PKU51_CLASS_NAMES).size, 51);
    const s = [...PKU51_CLASS_NAMES].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    assert.deepEqual(s, [...PKU51_CLASS_NAMES]);
  });
  test('split_7/8/9 index the names docs/paper-vs-code.md §5 lists', () => {
    const names = (n: string) => getSplit(n).unseen.map((c) => PKU51_CLASS_NAMES[c]);
    assert.deepEqual(names('pku51-46/5-smie7'), ['brushing hair', 'eat meal/snack', 'pat on back of other person', 'take off a hat/cap', 'writing']);
    assert.deepEqual(names('pku51-46/5-smie8'), ['check time (from watch)', 'hopping (one foot jumping)', 'reading', 'salute', 'wipe face']);
    assert.deepEqual(names('pku51-46/5-smie9'), ['brushing teeth', 'hugging other person', 'tear up paper', 'touch back (backache)', 'touch head (headache)']);
  });
  test('47 PKU-MMD names are NTU-120 names verbatim; the other 4 are NTU actions renamed or split', () => {
    const ntu = new Set(NTU120_CLASS_NAMES);
    const notInNtu = PKU51_CLASS_NAMES.filter((n) => !ntu.has(n));
    assert.deepEqual(notInNtu, ['bow', 'put something inside pocket', 'standing up', 'take out something from pocket']);
  });
});

describe('NTU class names', () => {
  test('120 unique official names; the first 60 are NTU-60', () => {
    assert.equal(NTU120_CLASS_NAMES.length, 120);
    assert.equal(new Set(NTU120_CLASS_NAMES).size, 120);
    assert.deepEqual([...NTU60_CLASS_NAMES], NTU120_CLASS_NAMES.slice(0, 60));
    assert.deepEqual(classNames('ntu60'), NTU60_CLASS_NAMES);
  });
  test("the paper's Table 11 short names correspond row by row (and not when shifted by one)", () => {
    const letters = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');
    const stop = new Set(['put', 'off', 'take', 'the', 'and', 'other', 'person', 'with', 'from', 'one', 'two', 'taking']);
    const words = (s: string) =>
      s
        .toLowerCase()
        .split(/[^a-z]+/)
        .filter((w) => w.length >= 3 && !stop.has(w));
    const related = (short: string, full: string) =>
      words(short).some((w) => letters(full).includes(w.replace(/ing$/, ''))) || letters(full).includes(letters(short));
    assert.equal(NTU60_PAPER_TABLE11_NAMES.length, 60);
    const mismatched = NTU60_CLASS_NAMES.map((full, i) => (related(NTU60_PAPER_TABLE11_NAMES[i], full) ? -1 : i)).filter((i) => i >= 0);
    assert.deepEqual(mismatched, []);
    const shifted = NTU60_CLASS_NAMES.filter((full, i) => i < 59 && related(NTU60_PAPER_TABLE11_NAMES[i + 1], full)).length;
    // neighbours such as 'wear jacket' / 'take off jacket' still share a word: 10 of 59
    assert.ok(shifted <= 12, `${shifted} rows still match after a shift`);
  });
  test('MSF lb_120.csv uses the official names except A65 ("table tennis bat swing")', (t) => {
    const msf = locateData('msf-text');
    if (!msf.path) return t.skip('msf-text not found');
    const lines = fs
      .readFileSync(path.join(msf.path, 'sem_info', 'lb_120.csv'), 'utf8')
      .split('\n')
      .slice(1);
    const labels = lines.map((l) => l.slice(l.indexOf(',') + 1));
    const diff = NTU120_CLASS_NAMES.map((n, i) => (n === labels[i] ? -1 : i)).filter((i) => i >= 0);
    assert.deepEqual(diff, [64]);
    assert.equal(labels[64], 'table tennis bat swing');
  });
});

describe('other class lists', () => {
  test('NW-UCLA 10, UTD-MHAD 27, MSR Action3D 20; every dataset has a list', () => {
    assert.deepEqual(classNames('nw-ucla'), NW_UCLA_CLASS_NAMES);
    assert.equal(UTD_MHAD_CLASS_NAMES.length, 27);
    assert.equal(UTD_MHAD_CLASS_NAMES[7], 'right hand draw x');
    assert.equal(UTD_MHAD_CLASS_NAMES[26], 'squat (two arms stretch out)');
    assert.equal(MSR_ACTION3D_CLASS_NAMES.length, 20);
    assert.deepEqual(DATASET_NAMES.map(numClassesOf), [60, 120, 51, 10, 27, 20, 40]);
    assert.throws(() => classNames('kinetics' as 'ntu60'), /unknown dataset 'kinetics'/);
  });
  test('MSR action sets have 8 classes each and cover all 20', () => {
    const { AS1, AS2, AS3 } = MSR_ACTION3D_ACTION_SETS;
    assert.deepEqual([AS1.length, AS2.length, AS3.length], [8, 8, 8]);
    assert.deepEqual(
      sorted([...new Set([...AS1, ...AS2, ...AS3])]),
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.deepEqual(
      AS1.map((c) => MSR_ACTION3D_CLASS_NAMES[c]),
      ['horizontal arm wave', 'hammer', 'forward punch', 'high throw', 'hand clap', 'bend', 'tennis serve', 'pick up & throw'],
    );
  });
  test('MSR splits follow their rule and leave seen and unseen classes in every action set', () => {
    assert.deepEqual(
      [...MSR_ACTION3D_UNSEEN_5],
      Array.from({ length: 20 }, (_, i) => i).filter((c) => (c + 1) % 4 === 3),
    );
    assert.deepEqual(
      [...MSR_ACTION3D_UNSEEN_10],
      Array.from({ length: 20 }, (_, i) => i).filter((c) => (c + 1) % 2 === 0),
    );
    for (const name of ['msr-action3d-15/5', 'msr-action3d-10/10']) {
      const s = getSplit(name);
      for (const set of Object.values(MSR_ACTION3D_ACTION_SETS)) {
        const u = set.filter((c) => s.unseen.includes(c)).length;
        assert.ok(u >= 1 && u <= set.length - 3, `${name}: ${u} unseen of ${set.length}`);
      }
    }
    assert.deepEqual(
      getSplit('msr-action3d-15/5').unseen.map((c) => MSR_ACTION3D_CLASS_NAMES[c]),
      ['hammer', 'draw x', 'two hand wave', 'side kick', 'golf swing'],
    );
  });
});

describe('ad hoc splits', () => {
  test('parseUnseenList accepts commas, spaces and brackets and sorts', () => {
    assert.deepEqual(parseUnseenList('0,2,6,16,17', 60), [0, 2, 6, 16, 17]);
    assert.deepEqual(parseUnseenList(' [17, 0 2] ', 60), [0, 2, 17]);
  });
  test('parseUnseenList errors', () => {
    const cases: [string, number, RegExp][] = [
      ['1,1', 60, /class index 1 is listed twice/],
      ['60', 60, /class index 60 is outside 0\.\.59/],
      ['-1', 60, /class index -1 is outside/],
      ['1.5', 60, /'1\.5' .* is not an integer/],
      ['a,2', 60, /'a' .* is not an integer/],
      ['', 60, /empty/],
      ['[]', 60, /empty/],
      ['0,1', 2, /all 2 classes are unseen/],
      ['0', 1, /numClasses must be an integer ≥ 2/],
    ];
    for (const [text, n, re] of cases) {
      assert.throws(
        () => parseUnseenList(text, n),
        (e: unknown) => e instanceof FsvaeInputError && re.test(e.message),
        `'${text}'`,
      );
    }
  });
  test('splitFromUnseen: a registered list returns that split; another list gets a derived pseudo split', () => {
    assert.equal(splitFromUnseen('ntu60', [56, 26, 19, 11, 10]).name, 'ntu60-55/5');
    assert.deepEqual(splitFromUnseen('ntu60', [56, 26, 19, 11, 10]).valUnseen, [16, 21, 25, 31, 48]);
    const s = splitFromUnseen('ntu60', [0, 2, 6, 16, 17]);
    assert.equal(s.name, 'ntu60-55/5[0,2,6,16,17]');
    assert.equal(s.valUnseen.length, 5);
    assert.ok(s.valUnseen.every((c) => s.seen.includes(c)));
    assert.deepEqual(splitFromUnseen('ntu60', [17, 16, 6, 2, 0]), s);
    assert.throws(() => splitFromUnseen('ntu60', [0, 0]), /listed twice/);
    assert.throws(() => splitFromUnseen('ntu60', []), /empty/);
    assert.throws(() => splitFromUnseen('ntu60', [0.5]), /not an integer/);
    assert.throws(
      () =>
        splitFromUnseen(
          'nw-ucla',
          Array.from({ length: 10 }, (_, i) => i),
        ),
      /all 10 classes are unseen/,
    );
    assert.throws(() => splitFromUnseen('hmdb' as 'ntu60', [1]), /unknown dataset 'hmdb'/);
  });
});

describe('train/test protocols', () => {
  test('NTU cross-subject: 20 of 40 and 53 of 106 training subjects, disjoint complements', () => {
    const p60 = getProtocol('ntu60');
    assert.equal(NTU60_XSUB_TRAIN_SUBJECTS.length, 20);
    assert.equal(p60.test!.length, 20);
    assert.deepEqual(p60.test!.slice(0, 5), [3, 6, 7, 10, 11]);
    const p120 = getProtocol('ntu120');
    assert.equal(NTU120_XSUB_TRAIN_SUBJECTS.length, 53);
    assert.equal(p120.test!.length, 53);
    assert.deepEqual(NTU120_XSUB_TRAIN_SUBJECTS.slice(0, 20), NTU60_XSUB_TRAIN_SUBJECTS);
    assert.equal(protocolSide(p60, 1), 'train');
    assert.equal(protocolSide(p60, 3), 'test');
    assert.equal(protocolSide(p120, 103), 'train');
    assert.equal(protocolSide(p120, 106), 'test');
    assert.throws(() => protocolSide(p60, 41), /subject 41 is in neither/);
    assert.deepEqual(getProtocol('ntu120', 'xset').train, [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32]);
  });
  test('NW-UCLA views, UTD-MHAD and MSR subjects; PKU-MMD is documented as not embedded', () => {
    assert.deepEqual([getProtocol('nw-ucla').train, getProtocol('nw-ucla').test], [[1, 2], [3]]);
    assert.deepEqual(
      [getProtocol('utd-mhad').train, getProtocol('utd-mhad').test],
      [
        [1, 3, 5, 7],
        [2, 4, 6, 8],
      ],
    );
    assert.deepEqual(
      [getProtocol('msr-action3d').train, getProtocol('msr-action3d').test],
      [
        [1, 3, 5, 7, 9],
        [2, 4, 6, 8, 10],
      ],
    );
    assert.throws(() => protocolSide(getProtocol('pku51'), 1), /not known exactly.*official split file/);
    assert.throws(() => getProtocol('nw-ucla', 'xsub'), /available: xview/);
    for (const p of TRAIN_TEST_PROTOCOLS) {
      if (p.train && p.test) assert.equal(p.train.filter((x) => p.test!.includes(x)).length, 0, `${p.dataset} ${p.name} overlaps`);
    }
  });
});
