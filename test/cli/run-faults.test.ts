import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { divergenceNamingInput } from '../../lib/cli/commands/run';
import { FsvaeInputError } from '../../lib/util/assert';
import { tempDir } from '../temp-dirs';

test('a divergence becomes one input error naming the input; other errors pass through unchanged', () => {
  const e = divergenceNamingInput(new Error('stage 2 diverged: loss Infinity at cycle 0, step 0. Check the input features.'), 'split s, features f');
  assert.ok(e instanceof FsvaeInputError);
  assert.equal(
    (e as Error).message,
    'stage 2 diverged: loss Infinity at cycle 0, step 0. Check the input features — input: split s, features f; ' +
      'check that its values are finite and on the usual scale.',
  );
  const other = new TypeError('x');
  assert.equal(divergenceNamingInput(other, 'i'), other);
});

test('fsvae run on features with rows of 1e30: exit 1, one line naming the split and the features, no stack', { timeout: 180_000 }, async () => {
  const dir = tempDir('faults');
  assert.equal(await main(['generate-features', '--out', dir, '--train-per-class', '20', '--test-per-class', '10']), 0);
  const file = path.join(dir, 'sk_feats', 'shift_5_r', 'train.npy');
  const b = fs.readFileSync(file);
  const start = 10 + b.readUInt16LE(8);
  assert.match(b.subarray(10, start).toString(), /'descr': '<f4'/);
  for (let i = 0; i < 256 * 50; i++) b.writeFloatLE(1e30, start + 4 * i);
  fs.writeFileSync(file, b);
  const errors: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
  let code: number;
  try {
    const tiny = ['--seeds', '1', '--cycles', '1', '--steps', '20', '--quiet'];
    code = await main(['run', '--features', path.join(dir, 'sk_feats'), '--text', dir, '--split', 'ntu60-55/5', ...tiny]);
  } finally {
    process.stderr.write = write;
  }
  assert.equal(code, 1);
  const text = errors.join('');
  assert.match(text, /^fsvae run: stage 2 diverged: .* — input: split ntu60-55\/5, features .*sk_feats, text .*; check that its values are finite/);
  assert.doesNotMatch(text, /\n\s+at /, 'no stack');
});
