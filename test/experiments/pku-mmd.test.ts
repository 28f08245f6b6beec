import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  PKU_TABLE6_SPLITS,
  PkuMmdConfig,
  STAND_IN_LABEL,
  Table6Entry,
  pkuMmdPreset,
  preparePkuFeatures,
  runPkuMmd,
  selectPkuVideos,
  standInStage1,
  subsampleByClassAndSide,
  writePkuMmdResults,
} from '../../lib/experiments/pku-mmd';
import { PAPER_TABLE6 } from '../../lib/experiments/paper-numbers';
import {
  PKU_MMD_XSUB_DEFAULT_SOURCE,
  PKU_MMD_XSUB_TEST_VIDEOS_DEFAULT,
  parsePkuMmdSplitFile,
  pkuMmdCrossSubject,
  pkuMmdSide,
  pkuMmdVideoSide,
  readPkuMmdFolder,
} from '../../lib/data/datasets/pku51';
import { getSplit } from '../../lib/data/splits';
import { PKU51_CLASS_NAMES } from '../../lib/data/classes';
import { locateData } from '../../lib/data/paths';
import { readSynseBenchmark } from '../../lib/data/synse';
import { loadClassDescriptions } from '../../lib/text/cache';
import { stage1Config } from '../../lib/stage1/config';
import { makeSequence } from '../../lib/data/skeleton';
import { FsvaeInputError } from '../../lib/util/assert';
import { Random } from '../../lib/util/random';
import { useTestBackend } from '../helpers';
import { tempDir } from '../temp-dirs';

before(async () => {
  await useTestBackend();
});

/**
 * A PKU-MMD-shaped folder: each video holds `perClass` segments of every one of the 51 classes,
 * 6 frames each with a 2-frame gap, one body (the second 75 values zero).
 */
function writeFakePku(root: string, videos: string[], perClass: number, seed = 1): void {
  const skel = path.join(root, 'PKU_Skeleton_Renew');
  const lab = path.join(root, 'Train_Label_PKU_final');
  fs.mkdirSync(skel, { recursive: true });
  fs.mkdirSync(lab, { recursive: true });
  const rng = new Random(seed);
  for (const v of videos) {
    const lines: string[] = [];
    const labels: string[] = [];
    let frame = 1;
    for (let k = 0; k < perClass; k++) {
      for (let c = 1; c <= 51; c++) {
        labels.push(`${c},${frame},${frame + 5},1`);
        for (let f = 0; f < 8; f++) {
          const vals = Array.from({ length: 75 }, (_, j) => (0.3 * Math.sin(c + j + f / 3) + 0.05 * rng.normal()).toFixed(4));
          lines.push([...vals, ...new Array(75).fill('0')].join(' '));
        }
        frame += 8;
      }
    }
    fs.writeFileSync(path.join(skel, `${v}.txt`), lines.join('\n') + '\n');
    fs.writeFileSync(path.join(lab, `${v}.txt`), labels.join('\n') + '\n');
  }
}

describe('PKU-MMD cross-subject side (video ids)', () => {
  test('the default test list: videos 0291..0334 in three views, 132 distinct ids', () => {
    assert.equal(PKU_MMD_XSUB_TEST_VIDEOS_DEFAULT.length, 44 * 3);
    assert.equal(new Set(PKU_MMD_XSUB_TEST_VIDEOS_DEFAULT).size, 132);
    assert.deepEqual(PKU_MMD_XSUB_TEST_VIDEOS_DEFAULT.slice(0, 4), ['0291-L', '0291-M', '0291-R', '0292-L']);
    assert.equal(PKU_MMD_XSUB_TEST_VIDEOS_DEFAULT[131], '0334-R');
  });
  test('parses the official split-file format (upstream spelling "Validataion")', () => {
    const text = 'Training videos: \n0002-L, 0002-M, 0002-R, 0003-L\nValidataion videos: \n0291-L, 0291-M\n';
    assert.deepEqual(parsePkuMmdSplitFile(text, 'x.txt'), { train: ['0002-L', '0002-M', '0002-R', '0003-L'], test: ['0291-L', '0291-M'] });
    assert.deepEqual(parsePkuMmdSplitFile(text.replace('Validataion', 'Validation'), 'x.txt').test, ['0291-L', '0291-M']);
    assert.throws(() => parsePkuMmdSplitFile('0002-L, 0003-L', 'x.txt'), /Training videos/);
    assert.throws(() => parsePkuMmdSplitFile('Training videos:\n0002-L, 0002-L\nValidataion videos:\n0291-L', 'x.txt'), /twice/);
    assert.throws(() => parsePkuMmdSplitFile('Training videos:\n0002-L\nValidataion videos:\n0002-L', 'x.txt'), /both sides/);
    assert.throws(() => parsePkuMmdSplitFile('Training videos:\n0002-X\nValidataion videos:\n0291-L', 'x.txt'), /not a PKU-MMD video id/);
  });
  test('segments read by lib/data/datasets/pku51 get their side from meta.video', () => {
    const root = tempDir('pku-side');
    writeFakePku(root, ['0002-L', '0291-M', '0335-R'], 1);
    const { sequences } = readPkuMmdFolder(root);
    assert.equal(sequences.length, 3 * 51);
    const side = pkuMmdSide(PKU_MMD_XSUB_TEST_VIDEOS_DEFAULT);
    const count = (v: string, s: string) => sequences.filter((q) => q.meta?.video === v && side(q) === s).length;
    assert.equal(count('0002-L', 'train'), 51);
    assert.equal(count('0291-M', 'test'), 51);
    assert.equal(count('0335-R', 'train'), 51); // not in the test list → train when no train list is given
    // with a train list, a video in neither list is an error, not a silent side
    const strict = pkuMmdSide(['0291-M'], ['0002-L']);
    assert.equal(strict(sequences[0]), 'train');
    assert.throws(() => strict(sequences.find((q) => q.meta?.video === '0335-R')!), /neither/);
    assert.throws(() => pkuMmdSide(['0291-M'], ['0291-M']), /both/);
    const bare = makeSequence({ id: 'x', label: 0, layout: 'kinect-v2-25', bodies: 1, frames: 1, joints: 25, data: new Float32Array(75).fill(0.5) });
    assert.throws(() => side(bare), /meta\.video/);
  });
  test('list precedence: explicit list, then the split file, then the default', () => {
    const root = tempDir('pku-xsub');
    assert.equal(pkuMmdCrossSubject({ root }).source, PKU_MMD_XSUB_DEFAULT_SOURCE);
    fs.mkdirSync(path.join(root, 'Split'));
    fs.writeFileSync(path.join(root, 'Split', 'cross-subject.txt'), 'Training videos: \n0002-L, 0003-L\nValidataion videos: \n0004-L\n');
    const fromFile = pkuMmdCrossSubject({ root });
    assert.deepEqual(fromFile.testVideos, ['0004-L']);
    assert.deepEqual(fromFile.trainVideos, ['0002-L', '0003-L']);
    assert.match(fromFile.source, /official split file/);
    const explicit = pkuMmdCrossSubject({ root, testVideos: ['0003-L'] });
    assert.deepEqual(explicit.testVideos, ['0003-L']);
    assert.equal(explicit.trainVideos, null);
    assert.throws(() => pkuMmdCrossSubject({ splitFile: path.join(root, 'nope.txt') }), FsvaeInputError);
  });
  test('subsampling keeps at most max per (class, side), deterministically', () => {
    const seqs = Array.from({ length: 40 }, (_, i) =>
      makeSequence({
        id: `s${i}`,
        label: i % 2,
        layout: 'kinect-v2-25',
        bodies: 1,
        frames: 1,
        joints: 25,
        data: new Float32Array(75).fill(0.5),
        meta: { video: i < 30 ? '0002-L' : '0291-L' },
      }),
    );
    const side = pkuMmdSide(['0291-L']);
    const a = subsampleByClassAndSide(seqs, side, 4, 3);
    // buckets: class 0/1 × train (15 each) and test (5 each) → 4 + 4 + 4 + 4
    assert.equal(a.length, 16);
    for (const c of [0, 1]) for (const s of ['train', 'test']) assert.equal(a.filter((q) => q.label === c && side(q) === s).length, 4);
    assert.deepEqual(
      subsampleByClassAndSide(seqs, side, 4, 3).map((q) => q.id),
      a.map((q) => q.id),
    );
    assert.notDeepEqual(
      subsampleByClassAndSide(seqs, side, 4, 4).map((q) => q.id),
      a.map((q) => q.id),
    );
    assert.equal(subsampleByClassAndSide(seqs, side, 100, 3).length, 40);
  });
  test('video subset for quick runs: evenly spaced over the sorted ids of each side', () => {
    const ids = ['0010-L', '0002-L', '0003-L', '0004-L', '0005-L', '0006-L', '0291-L', '0292-L', '0293-L'];
    const sideOf = pkuMmdVideoSide(['0291-L', '0292-L', '0293-L']);
    // train side sorted: 0002..0006, 0010 (6 ids) → positions ⌊i·6/3⌋ = 0, 2, 4; test (3 ids) → ⌊i·3/2⌋ = 0, 1
    assert.deepEqual(selectPkuVideos(ids, sideOf, { train: 3, test: 2 }), ['0002-L', '0004-L', '0006-L', '0291-L', '0292-L']);
    assert.deepEqual(selectPkuVideos(ids, sideOf, { train: 50, test: 50 }), [...ids].sort());
    assert.throws(() => selectPkuVideos(ids, sideOf, { train: 0, test: 1 }), /positive integer/);
  });
});

describe('Table 6 wiring', () => {
  test('the three SMIE splits: pku51, 46 seen / 5 unseen, class names shared with the PKU descriptions', () => {
    const unseen = { 'pku51-46/5-smie7': [1, 9, 20, 34, 50], 'pku51-46/5-smie8': [3, 14, 29, 31, 49], 'pku51-46/5-smie9': [2, 15, 39, 41, 43] } as Record<
      string,
      number[]
    >;
    const desc = loadClassDescriptions('pku-mmd');
    assert.equal(desc.classes.length, 51);
    for (const name of PKU_TABLE6_SPLITS) {
      const s = getSplit(name);
      assert.equal(s.dataset, 'pku51');
      assert.equal(s.numClasses, 51);
      assert.equal(s.seen.length, 46);
      assert.deepEqual(s.unseen, unseen[name]);
      assert.ok(s.valUnseen.every((c) => s.seen.includes(c)));
      for (const c of s.unseen) assert.equal(desc.classes[c].label, PKU51_CLASS_NAMES[c]);
    }
  });
  test('presets: ST-GCN stage 1 everywhere, USE-Lite AL+GD+LD text, the stand-in labelled as not PKU-MMD', () => {
    for (const mode of ['quick', 'full'] as const) {
      const cfg = pkuMmdPreset(mode);
      assert.equal(cfg.textEncoder, 'use-lite');
      assert.equal(cfg.variant.textMode, 'lb_ad_md');
      for (const e of cfg.entries) assert.equal(e.stage1.model.arch, 'st-gcn');
      const pku = cfg.entries.filter((e) => e.source.kind !== 'generated');
      assert.equal(pku.length, 2);
      for (const e of pku) assert.deepEqual(e.splits, [...PKU_TABLE6_SPLITS]);
      const standIn = cfg.entries.find((e) => e.source.kind === 'generated')!;
      assert.equal(standIn.label, STAND_IN_LABEL);
      assert.match(standIn.label, /not PKU-MMD/);
      assert.deepEqual(standIn.splits, ['generated-35/5']);
    }
    assert.equal(standInStage1('quick').model.channels.at(-1), 128);
    assert.deepEqual(pkuMmdPreset('quick').entries[0].source, {
      kind: 'pku-mmd',
      dir: undefined,
      splitFile: undefined,
      testVideos: undefined,
      videoSubset: { train: 48, test: 24 },
      maxPerClassAndSide: null,
    });
    assert.equal((pkuMmdPreset('full', { dir: '/data/pku' }).entries[0].source as { dir?: string }).dir, '/data/pku');
    assert.equal(standInStage1('full').name, 'st-gcn-small');
  });
  test('a folder without PKU-MMD gives a missing row with the download instruction, not an exception', async () => {
    const empty = tempDir('pku-empty');
    const entry: Table6Entry = {
      label: 'PKU-MMD I',
      source: { kind: 'pku-mmd', dir: empty },
      splits: [...PKU_TABLE6_SPLITS],
      stage1: stage1Config('st-gcn-small'),
    };
    const p = await preparePkuFeatures(entry, PKU_TABLE6_SPLITS[0], { seed: 1 });
    assert.ok('missing' in p);
    assert.match(p.message, /npx fsvae download pku-mmd/);
    const cfg: PkuMmdConfig = { ...pkuMmdPreset('quick', { sadvae: path.join(tempDir('pku-no-archive'), 'absent') }), entries: [entry] };
    const r = await runPkuMmd(cfg);
    assert.equal(r.runs.length, 0);
    assert.equal(r.missing.length, 3);
    // the paper's seven rows, then the archive's missing row, then this entry's
    assert.deepEqual(
      r.table6.map((x) => x.status),
      [...Array(7).fill('published'), 'missing', 'missing'],
    );
    assert.deepEqual(r.chainCheck, []);
    const row = r.table6[8];
    assert.equal(row.status, 'missing');
    assert.equal(row.split, PKU_TABLE6_SPLITS.join(', '));
    assert.equal(row['paper ZSL'], PAPER_TABLE6.ZSL);
    assert.equal(row['paper S/U/H'], '64.3 / 54.5 / 59.0');
    assert.match(String(row.note), /npx fsvae download pku-mmd/);
    const out = tempDir('pku-results');
    const old = process.env.FSVAE_RESULTS;
    process.env.FSVAE_RESULTS = out;
    try {
      const files = writePkuMmdResults(r, 'cpu');
      assert.deepEqual(
        files.map((f) => path.basename(f)),
        ['table6_pku_mmd.csv', 'table6_pku_mmd.md', 'table6_pku_mmd.json'],
      );
      assert.match(fs.readFileSync(path.join(out, 'table6_pku_mmd.md'), 'utf8'), /missing/);
    } finally {
      if (old === undefined) delete process.env.FSVAE_RESULTS;
      else process.env.FSVAE_RESULTS = old;
    }
  });
  test('default lookup: absent PKU-MMD and absent user features are missing rows', async (t) => {
    const cfg = pkuMmdPreset('quick');
    for (const e of cfg.entries.filter((x) => x.source.kind !== 'generated')) {
      const rel = e.source.kind === 'pku-mmd' ? 'pku-mmd' : 'pku-mmd-features/smie7';
      if (locateData(rel).path) {
        t.diagnostic(`${rel} present: skipping its missing-data check`);
        continue;
      }
      const p = await preparePkuFeatures(e, 'pku51-46/5-smie7', { seed: 1 });
      assert.ok('missing' in p, `${e.label} should be missing`);
      assert.match(p.message, e.source.kind === 'pku-mmd' ? /npx fsvae download pku-mmd/ : /pku-mmd-features/);
    }
  });
  test('raw PKU-MMD → ST-GCN stage 1 → SynSE folders: sides and class sets exactly as the protocol says', async () => {
    const root = tempDir('pku-e2e');
    // 0004-L and 0292-L are left out by the video subset {train: 2, test: 1}
    writeFakePku(root, ['0002-L', '0003-L', '0004-L', '0291-L', '0292-L'], 1);
    const cache = tempDir('pku-cache');
    const old = process.env.FSVAE_FEATURE_CACHE;
    process.env.FSVAE_FEATURE_CACHE = cache;
    try {
      const tiny = stage1Config('st-gcn-small', {
        model: { channels: [4, 8], strides: [1, 2], temporalKernel: 3 },
        input: { frames: 6 },
        train: { epochs: 1, batchSize: 64 },
      });
      const entry: Table6Entry = {
        label: 'PKU-MMD I',
        source: { kind: 'pku-mmd', dir: root, videoSubset: { train: 2, test: 1 } },
        splits: ['pku51-46/5-smie7'],
        stage1: tiny,
      };
      const p = await preparePkuFeatures(entry, 'pku51-46/5-smie7', { seed: 1 });
      if ('missing' in p) assert.fail(p.message);
      assert.equal(p.cached, false);
      assert.equal(p.textDataset, 'pku-mmd');
      assert.equal(p.crossSubject, PKU_MMD_XSUB_DEFAULT_SOURCE);
      const split = getSplit('pku51-46/5-smie7');
      const tr = readSynseBenchmark(p.featuresRoot, split, 'train');
      // train side = 0002-L and 0003-L (one segment per class each), test side = 0291-L
      assert.equal(tr.train.rows, 46 * 2);
      assert.equal(tr.ztest.rows, 5);
      assert.equal(tr.gtest!.rows, 51);
      assert.deepEqual(
        [...new Set(tr.ztest.labels)].sort((a, b) => a - b),
        split.unseen,
      );
      assert.equal(tr.dim, 8);
      const va = readSynseBenchmark(p.featuresRoot, split, 'val');
      // val phase, train side only: per val-seen class one of two segments held out
      assert.equal(va.train.rows, split.valSeen.length);
      assert.equal(va.val!.rows, split.valSeen.length);
      assert.equal(va.ztest.rows, split.valUnseen.length * 2);
      const again = await preparePkuFeatures(entry, 'pku51-46/5-smie7', { seed: 1 });
      assert.ok(!('missing' in again) && again.cached && again.featuresRoot === p.featuresRoot);
    } finally {
      if (old === undefined) delete process.env.FSVAE_FEATURE_CACHE;
      else process.env.FSVAE_FEATURE_CACHE = old;
    }
  });
});
