import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliUsageError, checkWritable, didYouMean, parseFlags, parseStage2EngineFlag } from '../../lib/cli/registry';
import { readShardFlags } from '../../lib/cli/shard-flags';
import { cacheRoot, useCacheRoot } from '../../lib/data/paths';
import { main } from '../../lib/cli/main';

const SPEC = { seeds: 'posint', 'seed-base': 'int', out: 'string', sequential: 'bool', rate: 'number' } as const;
const usage = (re: RegExp) => (e: unknown) => e instanceof CliUsageError && re.test(e.message);

describe('strict command-line flags', () => {
  test('values, booleans and positionals', () => {
    const r = parseFlags(['x', '--seeds', '3', '--out=a.json', '--sequential', 'y', '--rate', '-0.5'], SPEC);
    assert.deepEqual(r.flags, { seeds: '3', out: 'a.json', sequential: true, rate: '-0.5' });
    assert.deepEqual(r.positional, ['x', 'y']);
  });

  test('unknown flags are errors with a suggestion', () => {
    assert.throws(() => parseFlags(['--seed', '2'], SPEC), usage(/unknown flag --seed; did you mean --seeds or --seed-base\?/));
    assert.throws(() => parseFlags(['--zzz'], SPEC), usage(/^unknown flag --zzz \(known: --help, --seeds/));
    assert.deepEqual(didYouMean('seq', ['sequential', 'seeds', 'out']), ['sequential']);
    assert.deepEqual(didYouMean('seds', ['sequential', 'seeds', 'seed']), ['seeds', 'seed']); // one edit from 'seeds', two from 'seed'
  });

  test('missing or malformed values, values of boolean flags, repeated flags', () => {
    assert.throws(() => parseFlags(['--seeds'], SPEC), usage(/--seeds needs a value/));
    assert.throws(() => parseFlags(['--seeds', '--out', 'a'], SPEC), usage(/--seeds needs a value/));
    assert.throws(() => parseFlags(['--seeds', '1.5'], SPEC), usage(/--seeds must be an integer ≥ 1, got '1.5'/));
    assert.throws(() => parseFlags(['--seeds', '0'], SPEC), usage(/≥ 1/));
    assert.throws(() => parseFlags(['--seed-base', '-1'], SPEC), usage(/needs a value|≥ 0/));
    assert.throws(() => parseFlags(['--seeds', '99999999999999999999'], SPEC), usage(/too large/));
    assert.throws(() => parseFlags(['--rate', 'abc'], SPEC), usage(/must be a number/));
    assert.throws(() => parseFlags(['--sequential=yes'], SPEC), usage(/takes no value/));
    assert.throws(() => parseFlags(['--out', 'a', '--out', 'b'], SPEC), usage(/given twice/));
    assert.throws(() => parseFlags(['--out='], SPEC), usage(/non-empty/));
  });

  test('every command refuses misuse with exit code 2 before doing any work', async () => {
    const cases: string[][] = [
      ['run', '--features', 'f', '--text', 't', '--split', 'ntu60-55/5', '--seed', '2'],
      ['run', '--features', 'f', '--text', 't', '--split', 'ntu60-55/5', '--seeds'],
      ['run', '--features', 'f', '--text', 't', '--split', 'ntu60-55/5', '--seeds', '1.5'],
      ['pipeline', '--dataset', 'generated', '--split', 'generated-35/5', '--seeds', '100000000'],
      ['pipeline', '--dataset', 'generated', '--split', 'generated-35/5', '--bogus'],
      ['extract', '--dataset', 'generated', '--split', 'generated-35/5', '--epoch', '1'],
      ['generate-features', '--out', '/tmp/x', '--train-per-class', '0'],
      ['generate-features', '--out', '/tmp/x', '--train-per-class', 'abc'],
      ['generate-features', '--out', '/tmp/x', '--unknown'],
      ['features-report', '--extractor', 'dct-lda'],
      ['inspect', 'a', '--limit', '0'],
      ['embed', '--dataset', 'nw-ucla', '--no-cache=1'],
      ['download', '--list', '--mode'],
      ['tables', '--mode', 'fast'],
      ['tables', '--table', 'table5'],
      ['tables', 'table1'],
      ['tables', '--shard', '3/2'],
      ['tables', '--assemble', '--shard', '1/2'],
      ['tables', '--seeds', '0'],
      ['tables', '--datasets', 'ntu60'],
      ['tables', '--shards', '2'],
      ['pipeline', '--dataset', 'generated', '--split', 'ntu60-55/5'],
      ['pipeline', '--dataset', 'generated', '--split', 'generated-35/5', '--text-encoder', 'bogus'],
      ['run', '--features', 'f', '--text', 't', '--split', 'ntu60-55/5', '--gate-threshold', '50'],
      ['run', '--features', 'f', '--text', 't', '--split', 'ntu60-55/5', '--gate-temperature', '0'],
      ['sweeps', '--mode', 'long'],
      ['sweeps', 'extra'],
    ];
    for (const c of cases) assert.equal(await main(c), 2, c.join(' '));
  });

  test('output paths are checked before any work: a folder in place of a file, a file in place of a folder, a path under a file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-out-'));
    try {
      const file = path.join(dir, 'plain.txt');
      fs.writeFileSync(file, 'x');
      assert.throws(() => checkWritable(dir, '--out', 'file'), usage(/--out .*: is a folder; give a file name/));
      assert.throws(() => checkWritable(file, '--checkpoint-dir', 'dir'), usage(/is a file; give a folder/));
      assert.throws(
        () => checkWritable(path.join(file, 'x.json'), '--out', 'file'),
        usage(/cannot be (used|written) \(a part of the path is a file, not a folder\)/),
      );
      checkWritable(path.join(dir, 'new', 'deeper', 'r.json'), '--out', 'file'); // created on demand
      assert.ok(fs.statSync(path.join(dir, 'new', 'deeper')).isDirectory());
      assert.deepEqual(fs.readdirSync(path.join(dir, 'new', 'deeper')), []); // the probe file is removed
      const base = ['run', '--features', 'f', '--text', 't', '--split', 'ntu60-55/5'];
      assert.equal(await main([...base, '--out', dir]), 2);
      assert.equal(await main([...base, '--log', path.join(file, 'c.jsonl')]), 2);
      assert.equal(await main([...base, '--checkpoint-dir', file]), 2);
      assert.equal(await main(['pipeline', '--dataset', 'generated', '--split', 'generated-35/5', '--out', dir]), 2);
      assert.equal(await main(['generate-features', '--out', file]), 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('flags that reach the library are passed, not put in the environment', () => {
  test('--engine: absent is auto; auto, fused and autodiff pass; anything else is a usage error', () => {
    assert.equal(parseStage2EngineFlag(undefined), 'auto');
    for (const e of ['auto', 'fused', 'autodiff'] as const) assert.equal(parseStage2EngineFlag(e), e);
    assert.throws(() => parseStage2EngineFlag('fast'), usage(/--engine must be auto, fused or autodiff, got 'fast'/));
    assert.throws(() => parseStage2EngineFlag(true), usage(/got ''/));
  });

  test('--cache-dir sets the cache root of the command that got it, and only of that command', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-cache-flag-'));
    const before = cacheRoot();
    const envBefore = process.env.FSVAE_CACHE;
    try {
      readShardFlags({ 'cache-dir': dir });
      assert.equal(cacheRoot(), path.resolve(dir));
      assert.equal(process.env.FSVAE_CACHE, envBefore, 'the environment is left alone');
      // a command run through main() starts and ends with the default root (here: one refused at its flags)
      const err = console.error;
      console.error = () => {};
      try {
        assert.equal(await main(['tables', '--mode', 'nope']), 2);
      } finally {
        console.error = err;
      }
      assert.equal(cacheRoot(), before);
    } finally {
      useCacheRoot(undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
