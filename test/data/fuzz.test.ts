import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FUZZ_FORMATS, buildCorpus, runCorpus, summarise } from '../../bench/fuzz-corpus';

test('hostile inputs of every format (short corpus): no stack trace, no hang, no silent acceptance', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-fuzz-'));
  try {
    const cases = buildCorpus(root, 18, 7);
    assert.ok(cases.length >= 100, `${cases.length} cases`);
    for (const f of FUZZ_FORMATS) assert.ok(cases.filter((c) => c.format === f).length >= 15, f);
    assert.ok(cases.some((c) => /FIFO/.test(c.name)) && cases.some((c) => /dev\/zero/.test(c.name)));
    const s = summarise(await runCorpus(cases, 15000));
    assert.deepEqual(s.crashes.map((r) => `${r.name}: ${r.message}`), []);
    assert.deepEqual(s.hangs.map((r) => r.name), []);
    assert.deepEqual(s.silentAcceptances.map((r) => `${r.name}: ${r.message}`), []);
    assert.ok(s.errors > s.cases / 2);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
