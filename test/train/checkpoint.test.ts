import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '../../lib/train/checkpoint';
import { setFaultHook } from '../../lib/util/atomic-file';
import { FsvaeInputError } from '../../lib/util/assert';

const payload = (k: number) => ({
  meta: { cycle: k },
  arrays: { w: Float32Array.from({ length: 50 + k }, (_, i) => i * k + 0.5), m: Float32Array.from([k, -k]) },
});
const same = (a: ReturnType<typeof payload> | null, b: ReturnType<typeof payload>) =>
  a !== null &&
  a.meta.cycle === b.meta.cycle &&
  a.arrays.w.length === b.arrays.w.length &&
  a.arrays.w.every((v, i) => v === b.arrays.w[i]) &&
  a.arrays.m.every((v, i) => v === b.arrays.m[i]);

class Killed extends Error {}

describe('checkpoints: atomic and self-verifying', () => {
  test('a kill between any two filesystem operations of a save leaves the old checkpoint or the new one', () => {
    // count the operations of one save over an existing checkpoint
    const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-ck-'));
    saveCheckpoint(probe, 'ck', payload(1));
    const ops: string[] = [];
    setFaultHook((op) => ops.push(op));
    saveCheckpoint(probe, 'ck', payload(2));
    setFaultHook(null);
    fs.rmSync(probe, { recursive: true, force: true });
    assert.ok(ops.length >= 5, `operations: ${ops.join(', ')}`); // write+rename of the binary and of the manifest, removal of the old binary
    for (let k = 0; k <= ops.length; k++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-ck-'));
      try {
        saveCheckpoint(dir, 'ck', payload(1));
        let n = 0;
        setFaultHook(() => {
          if (n++ === k) throw new Killed(`killed before operation ${k}`);
        });
        try {
          saveCheckpoint(dir, 'ck', payload(2));
        } catch (e) {
          if (!(e instanceof Killed)) throw e;
        } finally {
          setFaultHook(null);
        }
        const got = loadCheckpoint<{ cycle: number }>(dir, 'ck') as ReturnType<typeof payload> | null;
        const expectNew = k >= 4; // the manifest's rename (operation 4) is the commit point
        assert.ok(same(got, payload(expectNew ? 2 : 1)), `killed before operation ${k} (${ops[k] ?? 'none'}): got cycle ${got?.meta.cycle}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  test('the binary of an older checkpoint beside a newer manifest is never used: a mismatch is an error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-ck-'));
    try {
      saveCheckpoint(dir, 'ck', payload(3));
      const man = JSON.parse(fs.readFileSync(path.join(dir, 'ck.json'), 'utf8'));
      const binFile = path.join(dir, man.bin);
      const bytes = fs.readFileSync(binFile);
      bytes[7] ^= 1; // one flipped bit
      fs.writeFileSync(binFile, bytes);
      assert.throws(
        () => loadCheckpoint(dir, 'ck'),
        (e: unknown) => e instanceof FsvaeInputError && /does not match the manifest's size and sha256/.test(e.message),
      );
      fs.writeFileSync(path.join(dir, 'ck.json'), '{"version": 2, "meta": {"cyc');
      assert.throws(
        () => loadCheckpoint(dir, 'ck'),
        (e: unknown) => e instanceof FsvaeInputError && /damaged manifest/.test(e.message),
      );
      fs.writeFileSync(path.join(dir, 'ck.json'), JSON.stringify({ version: 1, meta: {}, index: {} }));
      assert.throws(
        () => loadCheckpoint(dir, 'ck'),
        (e: unknown) => e instanceof FsvaeInputError && /older version without a content hash/.test(e.message),
      );
      assert.equal(loadCheckpoint(dir, 'other'), null);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('saving again leaves one binary per checkpoint name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-ck-'));
    try {
      for (let k = 1; k <= 3; k++) saveCheckpoint(dir, 'ck', payload(k));
      saveCheckpoint(dir, 'ck2', payload(9));
      const files = fs.readdirSync(dir).sort();
      assert.equal(files.filter((f) => f.startsWith('ck.') && f.endsWith('.bin')).length, 1);
      assert.equal(files.filter((f) => f.startsWith('ck2.') && f.endsWith('.bin')).length, 1);
      assert.ok(same(loadCheckpoint(dir, 'ck') as ReturnType<typeof payload>, payload(3)));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
