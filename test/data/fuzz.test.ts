import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FUZZ_FORMATS, buildCorpus, cliMisuseCases, damagedFolderCases, runCliCases, runCorpus, summarise } from '../../bench/fuzz-corpus';

test('hostile inputs of every format (short corpus): no stack trace, no hang, no silent acceptance', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-fuzz-'));
  try {
    const cases = buildCorpus(root, 18, 7);
    assert.ok(cases.length >= 100, `${cases.length} cases`);
    for (const f of FUZZ_FORMATS) assert.ok(cases.filter((c) => c.format === f).length >= 15, f);
    assert.ok(cases.some((c) => /FIFO/.test(c.name)) && cases.some((c) => /dev\/zero/.test(c.name)));
    const s = summarise(await runCorpus(cases, 15000));
    assert.deepEqual(
      s.crashes.map((r) => `${r.name}: ${r.message}`),
      [],
    );
    assert.deepEqual(
      s.hangs.map((r) => r.name),
      [],
    );
    assert.deepEqual(
      s.silentAcceptances.map((r) => `${r.name}: ${r.message}`),
      [],
    );
    assert.ok(s.errors > s.cases / 2);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('command-line misuse of every command and run on damaged feature folders: one clean error each', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-fuzz-cli-'));
  try {
    const misuse = cliMisuseCases(root);
    assert.ok(misuse.length >= 100, `${misuse.length} misuse cases`);
    const folders = damagedFolderCases(root);
    // every damaged file once, with a few kinds of damage (the long corpus in npm run fuzz has them all)
    const pick = folders.filter((_, i) => i % 4 === 0);
    const control = await runCliCases([
      {
        name: 'control',
        mustFail: true,
        argv: [
          'run',
          '--features',
          path.join(root, 'valid-features', 'sk_feats'),
          '--text',
          path.join(root, 'valid-features'),
          '--split',
          'ntu60-55/5',
          '--seeds',
          '1',
          '--cycles',
          '1',
          '--steps',
          '2',
        ],
      },
    ]);
    assert.equal(control[0].outcome, 'accepted', control[0].message); // so a damaged copy failing proves something
    const s = summarise(await runCliCases([...misuse, ...pick]));
    assert.deepEqual(
      s.crashes.map((r) => `${r.name}: ${r.message}`),
      [],
    );
    assert.deepEqual(
      s.hangs.map((r) => r.name),
      [],
    );
    assert.deepEqual(
      s.silentAcceptances.map((r) => r.name),
      [],
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
