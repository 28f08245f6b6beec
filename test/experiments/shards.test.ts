import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assignShards, parseShard, shardFromEnvironment } from '../../lib/experiments/shards';
import { evidenceCellChecksum, readEvidenceCell } from '../../lib/experiments/evidence';
import { tempDir } from '../temp-dirs';

test('--shard i/n is 1-based and checked', () => {
  assert.deepEqual(parseShard('2/4'), { index: 1, count: 4, source: '--shard 2/4' });
  assert.deepEqual(parseShard(' 1 / 1 '), { index: 0, count: 1, source: '--shard 1/1' });
  for (const bad of ['0/4', '5/4', '1/0', 'a/b', '2', '-1/3']) assert.throws(() => parseShard(bad), /give i\/n with 1 ≤ i ≤ n/, bad);
});

test('the shard from Slurm (count, or min/max of any base) and from a Kubernetes Indexed Job', () => {
  assert.equal(shardFromEnvironment({}), null);
  assert.deepEqual(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '4' }), {
    index: 2,
    count: 4,
    source: 'Slurm array task 3 of 4',
  });
  assert.deepEqual(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '1' }), {
    index: 0,
    count: 2,
    source: 'Slurm array task 0 of 2',
  });
  assert.equal(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_COUNT: '3' })?.index, 2);
  assert.throws(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '4' }), /cannot tell the shard/);
  assert.deepEqual(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, 3), { index: 0, count: 3, source: 'Kubernetes completion index 0 of 3' });
  assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '1' }), /--shards n/);
  assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '3' }, 3), /not below --shards 3/);
});

test('shards are assigned longest cost first to the least loaded shard, whatever the input order', () => {
  const items = [
    ['a', 5],
    ['b', 4],
    ['c', 3],
    ['d', 3],
    ['e', 2],
    ['f', 2],
    ['g', 1],
  ].map(([key, cost]) => ({ key: key as string, cost: cost as number }));
  // by hand: a→0 (5|0), b→1 (5|4), c→1 (5|7), d→0 (8|7), e→1 (8|9), f→0 (10|9), g→1 (10|10)
  const want = new Map([
    ['a', 0],
    ['b', 1],
    ['c', 1],
    ['d', 0],
    ['e', 1],
    ['f', 0],
    ['g', 1],
  ]);
  assert.deepEqual(assignShards(items, 2), want);
  assert.deepEqual(assignShards([...items].reverse(), 2), want);
  assert.deepEqual([...assignShards(items, 1).values()], new Array(7).fill(0));
  const three = assignShards(items, 3);
  const load = [0, 0, 0];
  for (const it of items) load[three.get(it.key)!] += it.cost;
  // by hand: a→0 (5|0|0), b→1 (5|4|0), c→2 (5|4|3), d→2 (5|4|6), e→1 (5|6|6), f→0 (7|6|6), g→1 (7|7|6)
  assert.deepEqual(load, [7, 7, 6]);
  assert.throws(() => assignShards(items, 0), /positive integer/);
});

test('cells of equal cost are dealt round the shards group by group: each shard gets its share of every variant', () => {
  // 5 variants × 12 seeds of equal expected cost, keys in hash order (as cache keys are)
  const hash = (s: string) =>
    [...s]
      .reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)
      .toString(16)
      .padStart(8, '0');
  const items = ['SD− FM−', 'SD+ FM−', 'SD− FM+', 'SD+ FM+', 'CL+'].flatMap((group) =>
    Array.from({ length: 12 }, (_, s) => ({ key: hash(`${group} seed ${s + 1}`), cost: 10, group })),
  );
  for (const n of [2, 3, 5]) {
    const owner = assignShards(items, n);
    for (const g of new Set(items.map((i) => i.group))) {
      const per = new Array<number>(n).fill(0);
      for (const it of items.filter((i) => i.group === g)) per[owner.get(it.key)!]++;
      assert.ok(Math.max(...per) - Math.min(...per) <= 1, `${n} shards, ${g}: ${per}`);
    }
  }
  // keys that alternate between two variants: by key alone one shard gets every cell of one variant
  const alternating = Array.from({ length: 24 }, (_, i) => ({ key: `k${String(i).padStart(2, '0')}`, cost: 10, group: i % 2 ? 'slow' : 'fast' }));
  const byKey = assignShards(
    alternating.map(({ key, cost }) => ({ key, cost })),
    2,
  );
  assert.deepEqual(new Set(alternating.filter((i) => i.group === 'slow').map((i) => byKey.get(i.key))), new Set([1]));
  const byGroup = assignShards(alternating, 2);
  assert.equal(alternating.filter((i) => i.group === 'slow' && byGroup.get(i.key) === 1).length, 6);
});

test('a cache entry is read only when its checksum holds; older entries without one are read as they are', () => {
  const dir = tempDir('cell');
  const cell = {
    dataset: 'generated',
    split: 's',
    seed: 1,
    zsl: 0.5,
    zslTestSelected: 0.5,
    S: 0.4,
    U: 0.3,
    H: 0.34,
    chance: 0.2,
    seconds: 3,
    cached: false,
    engine: 'fused',
    code: 'c',
  };
  const file = path.join(dir, 'a.json');
  fs.writeFileSync(file, JSON.stringify({ ...cell, check: evidenceCellChecksum(cell) }));
  assert.deepEqual(readEvidenceCell(file), { cell: { ...cell, cached: true }, damaged: false });
  fs.writeFileSync(file, JSON.stringify({ ...cell, zsl: 0.9, check: evidenceCellChecksum(cell) }));
  assert.deepEqual(readEvidenceCell(file), { cell: null, damaged: true });
  fs.writeFileSync(file, JSON.stringify(cell));
  assert.equal(readEvidenceCell(file).cell?.zsl, 0.5);
  fs.writeFileSync(file, '{"dataset": "gener');
  assert.deepEqual(readEvidenceCell(file), { cell: null, damaged: true });
  assert.deepEqual(readEvidenceCell(path.join(dir, 'missing.json')), { cell: null, damaged: false });
});
