import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheRoot, locateData, useCacheRoot } from '../../lib/data/paths';

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

test('cacheRoot: the folder given to useCacheRoot, else $FSVAE_CACHE, else <repo>/data/cache', () => {
  const saved = process.env.FSVAE_CACHE;
  try {
    delete process.env.FSVAE_CACHE;
    useCacheRoot(undefined);
    const fallback = cacheRoot();
    assert.equal(path.basename(fallback), 'cache');
    assert.equal(path.basename(path.dirname(fallback)), 'data');
    process.env.FSVAE_CACHE = 'relative-cache';
    assert.equal(cacheRoot(), path.resolve('relative-cache'));
    useCacheRoot('chosen-cache');
    assert.equal(cacheRoot(), path.resolve('chosen-cache'), 'the chosen folder wins over the environment');
    useCacheRoot(undefined);
    assert.equal(cacheRoot(), path.resolve('relative-cache'));
  } finally {
    useCacheRoot(undefined);
    if (saved === undefined) delete process.env.FSVAE_CACHE;
    else process.env.FSVAE_CACHE = saved;
  }
});
