/**
 * Writes the file system refuses (full disk ENOSPC, quota EDQUOT, read-only EROFS, EFBIG): the
 * writers of lib/util/atomic-file.ts and writeNpy throw one DiskWriteError naming the file and
 * leave no temporary or partial file behind. The refusal is simulated with the fault hook (an
 * Error with the code, thrown before the labelled operation), and on a real 32 KiB tmpfs when the
 * tests run as root.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DISK_WRITE_CODES, DiskWriteError, setFaultHook, toDiskWriteError, writeFileAtomic, writeFolderAtomically } from '../../lib/util/atomic-file';
import { FsvaeInputError } from '../../lib/util/assert';
import { readNpy, writeNpy } from '../../lib/data/npy';

function refused(code: string, syscall = 'write'): NodeJS.ErrnoException {
  const e = new Error(`${code}: simulated, ${syscall}`) as NodeJS.ErrnoException;
  e.code = code;
  e.syscall = syscall;
  return e;
}

/** The labels of the fault points `fn` passes. */
function faultPointsOf(fn: () => void): string[] {
  const ops: string[] = [];
  setFaultHook((op) => ops.push(op));
  try {
    fn();
  } finally {
    setFaultHook(null);
  }
  return ops;
}

/** Runs `fn` with the hook throwing `err` before fault point number `k`; returns what `fn` threw. */
function failAt(k: number, err: Error, fn: () => void): unknown {
  let n = 0;
  setFaultHook(() => {
    if (n++ === k) throw err;
  });
  try {
    fn();
  } catch (e) {
    return e;
  } finally {
    setFaultHook(null);
  }
  assert.fail(`no error at fault point ${k}`);
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-enospc-'));
}

/** Every entry below `dir`, as relative paths, sorted. */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

const WORDING: Record<string, RegExp> = {
  ENOSPC: /: no space left on device \(ENOSPC\); free space on that file system or write elsewhere \(--out, --checkpoint-dir, --cache-dir or FSVAE_CACHE\)\.$/,
  EDQUOT: /: disk quota exceeded \(EDQUOT\); free space within your quota/,
  EROFS: /: read-only file system \(EROFS\); remount it read-write or write elsewhere/,
  EFBIG: /: file too large for that file system \(EFBIG\); write elsewhere .* on a file system that allows larger files\.$/,
};

function assertRefused(e: unknown, file: string, code = 'ENOSPC'): void {
  assert.ok(e instanceof DiskWriteError, `a DiskWriteError, got ${String(e)}`);
  assert.ok(e instanceof FsvaeInputError, 'printed by the CLI as one line');
  assert.equal(e.path, file);
  assert.equal(e.code, code);
  assert.ok(e.message.startsWith(`cannot write ${file}: `), e.message);
  assert.match(e.message, WORDING[code]);
  assert.doesNotMatch(e.message, /\n/);
}

test('writeFileAtomic: refused at each fault point → DiskWriteError naming the file, no temporary file, the old content kept', () => {
  const dir = tmpDir();
  try {
    const file = path.join(dir, 'result.json');
    const ops = faultPointsOf(() => writeFileAtomic(file, 'probe'));
    assert.deepEqual(ops, ['write result.json', 'rename result.json']);
    for (let k = 0; k < ops.length; k++) {
      for (const code of DISK_WRITE_CODES) {
        writeFileAtomic(file, 'old');
        const e = failAt(k, refused(code), () => writeFileAtomic(file, 'new content'));
        assertRefused(e, file, code);
        assert.deepEqual(tree(dir), ['result.json'], `${code} before ${ops[k]}: no temporary file`);
        assert.equal(fs.readFileSync(file, 'utf8'), 'old', `${code} before ${ops[k]}: the old content survives`);
      }
    }
    // a first write into folders it creates leaves none of them
    const deep = path.join(dir, 'a', 'b', 'c.json');
    assertRefused(
      failAt(1, refused('ENOSPC'), () => writeFileAtomic(deep, 'x')),
      deep,
    );
    assert.deepEqual(tree(dir), ['result.json']);
    // other errors pass unchanged (a simulated kill), and still leave no temporary file
    class Killed extends Error {}
    const killed = new Killed('killed');
    assert.equal(
      failAt(1, killed, () => writeFileAtomic(file, 'new')),
      killed,
    );
    assert.deepEqual(tree(dir), ['result.json']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('writeNpy: a refused write leaves no partial file and no folder it created', () => {
  const dir = tmpDir();
  try {
    const arr = { dtype: 'float32' as const, shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    const file = path.join(dir, 'feats', 'train.npy');
    assert.deepEqual(
      faultPointsOf(() => writeNpy(file, arr)),
      ['write train.npy'],
    );
    assert.deepEqual(Array.from(readNpy(file).data as Float32Array), [1, 2, 3, 4, 5, 6]);
    // over an existing file: the half-written file is removed, not left truncated
    assertRefused(
      failAt(0, refused('ENOSPC'), () => writeNpy(file, arr)),
      file,
    );
    assert.deepEqual(tree(dir), ['feats']);
    // into folders it creates: they go too
    const deep = path.join(dir, 'x', 'y', 'z.npy');
    assertRefused(
      failAt(0, refused('EDQUOT'), () => writeNpy(deep, arr)),
      deep,
      'EDQUOT',
    );
    assert.deepEqual(tree(dir), ['feats']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('writeFolderAtomically: refused at each fault point → DiskWriteError, no temporary folder, the old folder kept', () => {
  const root = tmpDir();
  try {
    const dir = path.join(root, 'shift_5_r');
    const arr = (v: number) => ({ dtype: 'float32' as const, shape: [1], data: Float32Array.from([v]) });
    const fill = (v: number) => (tmp: string) => {
      writeNpy(path.join(tmp, 'a.npy'), arr(v));
      writeNpy(path.join(tmp, 'b.npy'), arr(v));
    };
    writeFolderAtomically(dir, fill(1));
    const ops = faultPointsOf(() => writeFolderAtomically(dir, fill(1)));
    assert.deepEqual(ops, ['write a.npy', 'write b.npy', 'rename shift_5_r', 'replace shift_5_r']);
    for (let k = 0; k < ops.length; k++) {
      const e = failAt(k, refused('ENOSPC'), () => writeFolderAtomically(dir, fill(2)));
      // a file of the folder is named where it was going to be; a refused rename names the folder
      const named = ops[k].startsWith('write ') ? path.join(dir, ops[k].slice('write '.length)) : dir;
      assertRefused(e, named);
      assert.deepEqual(tree(root), ['shift_5_r', 'shift_5_r/a.npy', 'shift_5_r/b.npy'], `before ${ops[k]}: no temporary or old folder`);
      assert.equal((readNpy(path.join(dir, 'b.npy')).data as Float32Array)[0], 1, `before ${ops[k]}: the old folder survives`);
    }
    // a new folder that cannot be written leaves nothing
    const fresh = path.join(root, 'shift_val_5_r');
    assertRefused(
      failAt(1, refused('ENOSPC'), () => writeFolderAtomically(fresh, fill(3))),
      path.join(fresh, 'b.npy'),
    );
    assert.deepEqual(tree(root), ['shift_5_r', 'shift_5_r/a.npy', 'shift_5_r/b.npy']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('toDiskWriteError: Node errors with a refusal code, and their text relayed from a worker thread; other errors unchanged', () => {
  const copy = Object.assign(refused('ENOSPC', 'copyfile'), { path: '/src/a.npy', dest: '/full/out/a.npy' });
  assertRefused(toDiskWriteError(copy), '/full/out/a.npy');
  assertRefused(toDiskWriteError(Object.assign(refused('EROFS', 'open'), { path: '/ro/x' })), '/ro/x', 'EROFS');
  assertRefused(toDiskWriteError(refused('EFBIG'), '/big/file'), '/big/file', 'EFBIG');
  assert.equal((toDiskWriteError(refused('ENOSPC')) as DiskWriteError).path, 'a file');
  // a worker's error arrives as text: its message, or its whole stack
  const own = new DiskWriteError('/full/ck/val/x.bin', 'ENOSPC');
  assertRefused(toDiskWriteError(new Error(own.message)), '/full/ck/val/x.bin');
  assertRefused(toDiskWriteError(new Error(`${own.stack}`)), '/full/ck/val/x.bin');
  assertRefused(toDiskWriteError(new Error("Error: ENOSPC: no space left on device, open '/full/y.json'\n    at f (x.js:1:1)")), '/full/y.json');
  assertRefused(toDiskWriteError(new Error("EDQUOT: disk quota exceeded, copyfile '/a' -> '/q/b'")), '/q/b', 'EDQUOT');
  const enoent = Object.assign(new Error('gone'), { code: 'ENOENT' });
  const others = [new Error("ENOENT: no such file or directory, open '/x'"), enoent, new TypeError('x'), 'text', null];
  for (const other of others) {
    assert.equal(toDiskWriteError(other), other);
  }
});

test('on a real full, then read-only file system (32 KiB tmpfs; as root): writeFileAtomic and writeNpy refuse cleanly', (t) => {
  if (process.getuid?.() !== 0) return t.skip('not root: cannot mount a tmpfs');
  const mnt = tmpDir();
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=32k', 'tmpfs', mnt]).status !== 0) {
    fs.rmSync(mnt, { recursive: true, force: true });
    return t.skip('mount -t tmpfs failed (no CAP_SYS_ADMIN here)');
  }
  try {
    const big = new Uint8Array(64 * 1024).fill(7);
    const file = path.join(mnt, 'sub', 'big.bin');
    assert.throws(
      () => writeFileAtomic(file, big),
      (e: unknown) => (assertRefused(e, file), true),
    );
    const npy = path.join(mnt, 'feats', 'train.npy');
    const arr = { dtype: 'float32' as const, shape: [128, 128], data: new Float32Array(128 * 128) };
    assert.throws(
      () => writeNpy(npy, arr),
      (e: unknown) => (assertRefused(e, npy), true),
    );
    assert.deepEqual(tree(mnt), [], 'nothing left on the full file system');
    // read-only: Node reports ENOENT for a folder it may not create; the real reason is found
    if (spawnSync('mount', ['-o', 'remount,ro', mnt]).status === 0) {
      const ro = path.join(mnt, 'a', 'b', 'c.npy');
      assert.throws(
        () => writeNpy(ro, arr),
        (e: unknown) => (assertRefused(e, ro, 'EROFS'), true),
      );
      assert.throws(
        () => writeFileAtomic(file, 'x'),
        (e: unknown) => (assertRefused(e, file, 'EROFS'), true),
      );
    }
  } finally {
    spawnSync('umount', [mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
  }
});
