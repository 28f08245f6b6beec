import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { tinyPipelineArgs } from './tiny-pipeline';
import { NTU60_XSUB_TRAIN_SUBJECTS } from '../../lib/data/splits';
import { contentIdentity, prepareFeatures } from '../../lib/pipeline/features';
import { extractorConfig } from '../../lib/stage1/extractors';
import { writeMsrFixture, writeNtuFixture, writePkuFixture } from '../fixtures/raw-datasets';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-raw-'));
after(() => {
  delete process.env.FSVAE_FEATURE_CACHE;
  fs.rmSync(root, { recursive: true, force: true });
});

/** `fsvae pipeline` with tiny stage-2 budgets on a fixture folder; returns the result JSON. */
async function pipeline(
  dataset: string,
  split: string,
  dir: string,
): Promise<{
  split: { name: string; seen: number[]; valSeen: number[] };
  stage1: { config: { name: string }; train: { trainedClasses: number[]; rows: Record<string, number> }; val: { trainedClasses: number[] } };
  rows: unknown[];
  provenance: { data: string };
}> {
  const out = path.join(root, `${dataset}.json`);
  const code = await main(tinyPipelineArgs({ dataset, split, cacheDir: path.join(root, 'cache'), out, steps: 20 }, ['--dir', dir, '--engine', 'autodiff']));
  assert.equal(code, 0, `${dataset}: exit code`);
  return JSON.parse(fs.readFileSync(out, 'utf8'));
}

describe('every dataset with a reader runs through fsvae pipeline (fixtures written here)', () => {
  test('MSR Action3D (*_skeleton3D.txt, Kinect v1, odd subjects train)', async () => {
    const dir = path.join(root, 'msr');
    writeMsrFixture(dir, { subjects: [1, 2, 3, 4, 5], episodes: 3 });
    const j = await pipeline('msr-action3d', 'msr-action3d-15/5', dir);
    assert.equal(j.stage1.config.name, 'dct-lda');
    assert.deepEqual(j.stage1.train.trainedClasses, j.split.seen);
    assert.deepEqual(j.stage1.val.trainedClasses, j.split.valSeen);
    assert.equal(j.stage1.train.rows.train, 15 * 3 * 3); // seen classes × train subjects 1, 3, 5 × episodes
    assert.equal(j.stage1.train.rows.ztest, 5 * 2 * 3);
    assert.equal(j.rows.length, 2);
    assert.match(j.provenance.data, /msr-action3d/);
    // --cache-dir holds every cache: the stage-1 features and the text embeddings
    assert.ok(fs.readdirSync(path.join(root, 'cache', 'features')).some((d) => d.startsWith('msr-action3d-')));
    assert.ok(fs.existsSync(path.join(root, 'cache', 'text')));
  });

  test('NTU-60 raw .skeleton files (cross-subject sides from the split registry)', async () => {
    const dir = path.join(root, 'ntu');
    const train = NTU60_XSUB_TRAIN_SUBJECTS.slice(0, 3);
    writeNtuFixture(dir, { actions: 60, subjects: [...train, 3], frames: 16 });
    const j = await pipeline('ntu60', 'ntu60-55/5', dir);
    assert.equal(j.stage1.train.rows.train, 55 * 3);
    assert.equal(j.stage1.train.rows.ztest, 5);
    assert.equal(j.stage1.train.rows.gtest, 60);
  });

  test('PKU-MMD Part I (skeleton + label folders; default cross-subject video list)', async () => {
    const dir = path.join(root, 'pku');
    writePkuFixture(dir, { videos: ['0002-L', '0003-M', '0004-R', '0291-L'], frames: 16 });
    const j = await pipeline('pku51', 'pku51-46/5-smie7', dir);
    assert.equal(j.stage1.train.rows.train, 46 * 3);
    assert.equal(j.stage1.train.rows.ztest, 5);
  });

  test('the feature cache key follows the files: replacing one file by a scaled copy is not "cached"', async () => {
    const dir = path.join(root, 'msr2');
    writeMsrFixture(dir, { subjects: [1, 2], episodes: 1 });
    const before = contentIdentity(dir);
    assert.equal(contentIdentity(dir), before);
    const f = path.join(dir, 'a01_s01_e01_skeleton3D.txt');
    const scaled = fs
      .readFileSync(f, 'utf8')
      .split('\n')
      .map((l) =>
        l.trim()
          ? l
              .split(' ')
              .map((v, k) => (k < 3 ? String(Number(v) * 1e6) : v))
              .join(' ')
          : l,
      )
      .join('\n');
    fs.writeFileSync(f, scaled);
    assert.notEqual(contentIdentity(dir), before);
    // a copy elsewhere (new modification times) has the same identity: caches survive moving the data
    const copy = path.join(root, 'msr2-copy');
    fs.cpSync(dir, copy, { recursive: true, preserveTimestamps: false });
    const later = new Date(Date.now() + 60_000);
    for (const g of fs.readdirSync(copy)) fs.utimesSync(path.join(copy, g), later, later);
    assert.equal(contentIdentity(copy), contentIdentity(dir));
    // the same bytes under another name are another dataset
    fs.renameSync(path.join(copy, 'a01_s01_e01_skeleton3D.txt'), path.join(copy, 'a02_s01_e01_skeleton3D.txt'));
    assert.notEqual(contentIdentity(copy), contentIdentity(dir));
  });

  test('a damaged cache report is recomputed, not parsed into a crash; an intact one is reused', async () => {
    const dir = path.join(root, 'msr3');
    writeMsrFixture(dir, { subjects: [1, 2, 3, 4], episodes: 1 });
    const opts = { stage1: extractorConfig('dct-descriptor'), seed: 1 };
    const src = { kind: 'skeletons' as const, dataset: 'msr-action3d' as const, split: 'msr-action3d-15/5', dir };
    process.env.FSVAE_FEATURE_CACHE = path.join(root, 'cache3');
    const a = await prepareFeatures(src, opts);
    assert.ok(!('missing' in a) && !a.cached);
    const b = await prepareFeatures(src, opts);
    assert.ok(!('missing' in b) && b.cached);
    const report = path.join(path.dirname((b as { featuresRoot: string }).featuresRoot), 'stage1-report.json');
    fs.writeFileSync(report, fs.readFileSync(report, 'utf8').slice(0, 40));
    const logs: string[] = [];
    const c = await prepareFeatures(src, { ...opts, log: (l) => logs.push(l) });
    assert.ok(!('missing' in c) && !c.cached);
    assert.ok(
      logs.some((l) => /is damaged .* recomputing this cache entry/.test(l)),
      logs.join('\n'),
    );
    assert.doesNotThrow(() => JSON.parse(fs.readFileSync(report, 'utf8')));
    // a cached feature file that is not the one the report was written for is not used either
    const train = path.join((c as { featuresRoot: string }).featuresRoot, 'shift_5_r', 'train.npy');
    const bytes = fs.readFileSync(train);
    bytes[bytes.length - 1] ^= 0x40;
    fs.writeFileSync(train, bytes);
    logs.length = 0;
    const d = await prepareFeatures(src, { ...opts, log: (l) => logs.push(l) });
    assert.ok(!('missing' in d) && !d.cached);
    assert.ok(
      logs.some((l) => /do not match its report .* recomputing this cache entry/.test(l)),
      logs.join('\n'),
    );
    const e = await prepareFeatures(src, opts);
    assert.ok(Object.hasOwn(e, 'cached') && (e as { cached: boolean }).cached);
  });

  test('bad stage-1 flags are refused before any work', async () => {
    assert.equal(await main(['pipeline', '--dataset', 'msr-action3d', '--split', 'msr-action3d-15/5', '--stage1', 'resnet']), 2);
    assert.equal(await main(['pipeline', '--dataset', 'msr-action3d', '--split', 'msr-action3d-15/5', '--seeds', '0']), 2);
    assert.equal(await main(['pipeline', '--dataset', 'msr-action3d', '--split', 'msr-action3d-15/5', '--stage1', 'dct-lda', '--epochs', '3']), 1);
  });
});
