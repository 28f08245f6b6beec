import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateData } from '../../lib/data/paths';

test('locateData: an explicit folder is the only candidate; a missing one is not replaced by another data folder', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-loc-'));
  try {
    const hit = locateData('nw-ucla/all_sqe', dir);
    assert.deepEqual(hit, { path: path.resolve(dir), source: 'explicit', tried: [dir] });
    const missing = path.join(dir, 'does-not-exist');
    const miss = locateData('nw-ucla/all_sqe', missing);
    assert.equal(miss.path, null);
    assert.deepEqual(miss.tried, [missing]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
