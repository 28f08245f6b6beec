/**
 * SA-DVAE's archive as a feature source: the random-split registry (SMIE's lists, typed here from
 * SMIE's config.py), the split read from the archive's label files, and its two phase folders
 * read through the SynSE reader.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getSplit, RANDOM_SPLIT_BENCHMARKS } from '../../lib/data/splits';
import { labelListProblems, readSadvaeSplit, registeredTwin, SADVAE_RANDOM_SPLITS, sadvaeSplitRef } from '../../lib/data/sadvae';
import { sadvaeFeatures, zeroShotDataFor } from '../../lib/pipeline/features';
import { FsvaeInputError } from '../../lib/util/assert';
import { sadvaeArchiveFiles, sadvaeSplitClasses } from '../fixtures/sadvae-resources';
import { tempDir } from '../temp-dirs';
import { useTestBackend } from '../helpers';

before(async () => {
  await useTestBackend();
});

/** Writes the archive's placed files under a fresh data root; returns <root>/sadvae. */
export function placeSadvae(unseen: Record<number, number[]> = {}, mutate?: (rel: string, b: Buffer) => Buffer): string {
  const root = tempDir('sadvae-root');
  for (const [rel, body] of sadvaeArchiveFiles('', mutate, unseen).placed) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), body);
  }
  return path.join(root, 'sadvae');
}

describe('random-split registry (SMIE config.py split_1..9)', () => {
  const SMIE: Record<string, number[]> = {
    'ntu60-55/5-smie1': [4, 19, 31, 47, 51],
    'ntu60-55/5-smie2': [12, 29, 32, 44, 59],
    'ntu60-55/5-smie3': [7, 20, 28, 39, 58],
    'ntu120-110/10-smie4': [3, 18, 26, 38, 41, 60, 87, 99, 102, 110],
    'ntu120-110/10-smie5': [5, 12, 14, 15, 17, 42, 67, 82, 100, 119],
    'ntu120-110/10-smie6': [6, 20, 27, 33, 42, 55, 71, 97, 104, 118],
    'pku51-46/5-smie7': [1, 9, 20, 34, 50],
    'pku51-46/5-smie8': [3, 14, 29, 31, 49],
    'pku51-46/5-smie9': [2, 15, 39, 41, 43],
  };
  test("each split has SMIE's unseen list, the right class count and a seen/val partition", () => {
    for (const [name, unseen] of Object.entries(SMIE)) {
      const s = getSplit(name);
      assert.deepEqual(s.unseen, unseen, name);
      assert.equal(s.seen.length + s.unseen.length, s.numClasses, name);
      assert.deepEqual(
        [...s.valUnseen, ...s.valSeen].sort((a, b) => a - b),
        s.seen,
        name,
      );
      assert.ok(s.valUnseen.length >= 2, name);
    }
  });
  test('the protocol lists three registered splits per benchmark, all different', () => {
    assert.deepEqual(RANDOM_SPLIT_BENCHMARKS.flatMap((b) => b.splits).sort(), Object.keys(SMIE).sort());
    for (const b of RANDOM_SPLIT_BENCHMARKS) {
      const lists = new Set(b.splits.map((n) => getSplit(n).unseen.join(',')));
      assert.equal(lists.size, 3, b.label);
      for (const n of b.splits) assert.equal(getSplit(n).dataset, b.dataset);
    }
  });
  test('registeredTwin finds a registered split by its unseen list, in any order, and nothing for others', () => {
    assert.equal(registeredTwin('pku51', [50, 1, 9, 20, 34]), 'pku51-46/5-smie7');
    assert.equal(registeredTwin('ntu60', [51, 47, 31, 19, 4]), 'ntu60-55/5-smie1');
    assert.equal(registeredTwin('ntu60', [1, 9, 20, 34, 50]), null);
    assert.equal(registeredTwin('pku51', [1, 9, 20, 34, 49]), null);
  });
});

describe('SA-DVAE label files', () => {
  const ref = sadvaeSplitRef('pku51', 2);
  test('labelListProblems: a good partition passes; an overlap or a gap is named by file', () => {
    const good = sadvaeSplitClasses(2);
    assert.deepEqual(labelListProblems(ref, good), []);
    const overlap = { ...good, rs: [...good.rs.slice(1), good.ru[0]] };
    // rs no longer partitions with ru, and rv ∪ rs0 no longer equals it
    assert.deepEqual(
      labelListProblems(ref, overlap).map((p) => p.file),
      ['rs46.npy', 'rv5_0.npy'],
    );
    const gap = { ...good, rs0: good.rs0.slice(1) };
    assert.deepEqual(
      labelListProblems(ref, gap).map((p) => p.file),
      ['rv5_0.npy'],
    );
  });
  test("readSadvaeSplit: the archive's lists, named after the archive, the SMIE twin in its source", () => {
    const dir = placeSadvae({ 1: [1, 9, 20, 34, 50] });
    const s1 = readSadvaeSplit(dir, sadvaeSplitRef('pku51', 1));
    assert.equal(s1.name, 'pku51-46/5-sadvae1');
    assert.deepEqual(s1.unseen, [1, 9, 20, 34, 50]);
    assert.deepEqual(s1.valUnseen, sadvaeSplitClasses(1, [1, 9, 20, 34, 50]).rv);
    assert.match(s1.source, /label_splits\/pku51_split1\/ru5\.npy \(= the registry's pku51-46\/5-smie7\)/);
    assert.match(s1.valSource, /pku51_split1\/rv5_0\.npy/);
    const s2 = readSadvaeSplit(dir, sadvaeSplitRef('pku51', 2));
    assert.deepEqual(s2.unseen, sadvaeSplitClasses(2).ru);
    assert.match(s2.source, /no registered SMIE split has these unseen classes/);
  });
  test('readSadvaeSplit: a missing file or a broken partition is an error naming the file and the fetch command', () => {
    const dir = placeSadvae();
    fs.rmSync(path.join(dir, 'label_splits', 'pku51_split3', 'rv5_0.npy'));
    assert.throws(
      () => readSadvaeSplit(dir, sadvaeSplitRef('pku51', 3)),
      (e: unknown) => e instanceof FsvaeInputError && /pku51_split3\/rv5_0\.npy: missing.*npx fsvae download sadvae-resources/.test(e.message),
    );
    const { rs } = sadvaeSplitClasses(2);
    const broken = placeSadvae({}, (rel, b) =>
      rel === 'label_splits/pku51_split2/rs46.npy' ? sadvaeArchiveFiles('').placed.get('sadvae/label_splits/pku51_split3/rs46.npy')! : b,
    );
    assert.ok(rs.length === 46);
    assert.throws(
      () => readSadvaeSplit(broken, sadvaeSplitRef('pku51', 2)),
      (e: unknown) => e instanceof FsvaeInputError && /pku51_split2\/rs46\.npy: expected the 46 classes not in ru5\.npy/.test(e.message),
    );
  });
  test('an unknown split of the archive is an error listing the known ones', () => {
    assert.throws(() => sadvaeSplitRef('ntu60', 1), /ntu60_split1 is unknown; the archive has pku51_split1, .*ntu60_split2/);
    assert.equal(SADVAE_RANDOM_SPLITS.length, 9);
  });
});

describe('SA-DVAE features through the SynSE reader', () => {
  test("sadvaeFeatures reads both phase folders with the archive's split; the text side is PKU-MMD's", () => {
    const dir = placeSadvae();
    const p = sadvaeFeatures('pku51', 1, dir);
    assert.ok(!('missing' in p));
    assert.equal(p.textDataset, 'pku-mmd');
    assert.equal(p.split.name, 'pku51-46/5-sadvae1');
    const text = { rows: 51, cols: 4, data: new Float32Array(51 * 4).fill(0.5) };
    const data = zeroShotDataFor(p, text);
    const { ru, rs, rv, rs0 } = sadvaeSplitClasses(1);
    assert.deepEqual(
      [...new Set(data.trainPhase.train.labels)].sort((a, b) => a - b),
      rs,
    );
    assert.deepEqual(
      [...new Set(data.trainPhase.ztest.labels)].sort((a, b) => a - b),
      ru,
    );
    assert.equal(data.trainPhase.gtest!.logitDim, 51, 'gtest_out.npy read: the gate has its logits');
    assert.deepEqual(
      [...new Set(data.valPhase.ztest.labels)].sort((a, b) => a - b),
      rv,
    );
    assert.deepEqual(
      [...new Set(data.valPhase.train.labels)].sort((a, b) => a - b),
      rs0,
    );
  });
  test('absent archive or absent split: a missing record that names the download', () => {
    const none = sadvaeFeatures('pku51', 1, path.join(tempDir('sadvae-none'), 'nothing'));
    assert.ok('missing' in none);
    assert.match(none.message, /SA-DVAE's archive not found .*npx fsvae download sadvae-resources/);
    const ntu = sadvaeFeatures('ntu60', 2, placeSadvae());
    assert.ok('missing' in ntu);
    assert.match(ntu.message, /ntu60_split2 is not in .*npx fsvae download sadvae-resources/);
  });
});
