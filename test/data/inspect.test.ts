import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInspectCommand } from '../../lib/cli/commands/inspect';
import { command } from '../../lib/cli/commands/inspect';
import { CliUsageError } from '../../lib/cli/registry';
import { detectFormat, inspectPath } from '../../lib/data/inspect';
import { loadNtuMissingList } from '../../lib/data/datasets/ntu';
import { encodeMat5 } from '../../lib/data/mat5';
import { locateData } from '../../lib/data/paths';

/** Runs `fsvae inspect` with captured output. */
async function run(args: string[]): Promise<{ rc: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const rc = await createInspectCommand({ out: (s) => out.push(s), err: (s) => err.push(s) }).run(args);
  return { rc, out: out.join('\n'), err: err.join('\n') };
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-inspect-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const tmp = (tag: string) => fs.mkdtempSync(path.join(root, `${tag}-`));

/** A .npy file written by hand (format 1.0: magic, version, uint16 header length, dict padded to 64 bytes). */
function npyBytes(descr: string, shape: number[], raw: Uint8Array): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + raw.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, (total - 10) & 0xff, (total - 10) >> 8]);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(raw, total);
  return out;
}
const f32 = (n: number) => new Uint8Array(new Float32Array(n).map((_, i) => i * 0.5).buffer);
const i64 = (xs: number[]) => new Uint8Array(BigInt64Array.from(xs.map(BigInt)).buffer);

function ntuText(frames: number, bodies: number): string {
  const L = [String(frames)];
  for (let t = 0; t < frames; t++) {
    L.push(String(bodies));
    for (let b = 0; b < bodies; b++) {
      L.push(`${b + 1} 0 1 1 1 1 0 0 0 2`, '25');
      for (let j = 0; j < 25; j++) L.push(`${0.01 * j + 0.1 * t + b} ${0.02 * j} 3 1 1 1 1 0 0 0 0 2`);
    }
  }
  return L.join('\r\n') + '\r\n';
}

describe('fsvae inspect on real data (skipped when absent)', () => {
  test('NW-UCLA all_sqe: 1484 sequences, 10 classes with the file-name counts, frames 1..201', async (t) => {
    const loc = locateData('nw-ucla/all_sqe');
    if (!loc.path) return t.skip(`nw-ucla/all_sqe not found (tried ${loc.tried.join(', ')})`);
    const files = fs.readdirSync(loc.path).filter((f) => f.endsWith('.json'));
    // independent class counts from the file names aNN_...: rank of NN in [1..6, 8, 9, 11, 12]
    const ids = [1, 2, 3, 4, 5, 6, 8, 9, 11, 12];
    const counts = ids.map((a) => files.filter((f) => Number(f.slice(1, 3)) === a).length);
    const r = await run([loc.path]);
    assert.equal(r.rc, 0, r.err);
    assert.match(r.out, /format: +NW-UCLA JSON \[nw-ucla-json\], folder/);
    assert.match(r.out, /sequences: 1484\n/);
    assert.match(r.out, /classes: +10\n/);
    ids.forEach((_, k) => assert.match(r.out, new RegExp(`\\n +${k} +${counts[k]} `), `class ${k}`));
    assert.match(r.out, /frames: +min 1, median \d+(\.5)?, max 201/);
    assert.match(r.out, /joints: +20 \(kinect-v1-20\)/);
    assert.match(r.out, /bodies: +1$/);
  });

  test('UTD-MHAD Skeleton: 861 sequences, 27 classes, a8/a23/a27 with 31, frames 41..125', async (t) => {
    const loc = locateData('utd-mhad/Skeleton');
    if (!loc.path) return t.skip('utd-mhad/Skeleton not found');
    const r = await run([loc.path]);
    assert.equal(r.rc, 0, r.err);
    assert.match(r.out, /sequences: 861\n/);
    assert.match(r.out, /classes: +27\n/);
    assert.match(r.out, /\n +7 +31 +right hand draw x\n/);
    assert.match(r.out, /\n +22 +31 +walking in place\n/);
    assert.match(r.out, /\n +26 +31 +squat/);
    assert.match(r.out, /\n +0 +32 +right arm swipe to the left\n/);
    assert.match(r.out, /frames: +min 41, median 67, max 125/);
  });

  test('NTU ntu-samples: 5 sequences, none skipped, bodies 1..2', async (t) => {
    const loc = locateData('ntu-samples');
    if (!loc.path) return t.skip('ntu-samples not found');
    const r = await run([loc.path]);
    assert.equal(r.rc, 0, r.err);
    assert.match(r.out, /sequences: 5\n/);
    assert.match(r.out, /skipped: +0 on the NTU missing-skeleton list/);
    assert.match(r.out, /frames: +min 70, median 82, max 124/);
    assert.match(r.out, /bodies: +1\.\.2/);
    assert.match(r.out, /\n +57 +1 +handshaking/);
  });
});

describe('fsvae inspect on generated files', () => {
  test('NTU folder: a missing-list sample is skipped and counted; --json', () => {
    const dir = tmp('ntu');
    fs.writeFileSync(path.join(dir, 'S001C001P001R001A001.skeleton'), ntuText(3, 1));
    fs.writeFileSync(path.join(dir, 'S001C001P001R001A002.skeleton'), ntuText(5, 2));
    fs.writeFileSync(path.join(dir, 'S001C002P005R002A008.skeleton'), ntuText(4, 1));
    const list = path.join(dir, 'list.txt');
    fs.writeFileSync(list, 'S001C002P005R002A008\n');
    const s = inspectPath(dir, { ntuMissing: loadNtuMissingList([list]) });
    assert.equal(s.sequences, 2);
    assert.deepEqual(s.skipped, [{ count: 1, reason: 'on the NTU missing-skeleton list (list.txt)' }]);
    assert.deepEqual(s.frames, { min: 3, median: 4, max: 5 });
    assert.deepEqual(s.bodies, { min: 1, max: 2 });
    assert.deepEqual(
      s.classes.map((c) => [c.label, c.count, c.name]),
      [
        [0, 1, 'drink water'],
        [1, 1, 'eat meal/snack'],
      ],
    );
  });

  test('MSR folder with an all-zero file, and --json output', async () => {
    const dir = tmp('msr');
    const frame = Array.from({ length: 20 }, (_, j) => `${j * 0.1} ${j * 0.05 + 1} 2.5 1`).join('\n');
    fs.writeFileSync(path.join(dir, 'a01_s01_e01_skeleton3D.txt'), `${frame}\n${frame}\n`);
    fs.writeFileSync(path.join(dir, 'a01_s02_e01_skeleton3D.txt'), `${frame}\n`);
    fs.writeFileSync(path.join(dir, 'a13_s09_e02_skeleton3D.txt'), '0 0 0 0\n'.repeat(20));
    const r = await run([dir, '--json']);
    assert.equal(r.rc, 0, r.err);
    const s = JSON.parse(r.out);
    assert.equal(s.format, 'msr-action3d-txt');
    assert.equal(s.sequences, 2);
    assert.deepEqual(s.skipped, [{ count: 1, reason: 'all-zero files (a13_s09_e02_skeleton3D.txt)' }]);
    assert.deepEqual(s.frames, { min: 1, median: 1.5, max: 2 });
    assert.deepEqual(s.classes, [{ label: 0, name: 'high arm wave', count: 2 }]);
  });

  test('PKU-MMD folder: segments are the sequences', async () => {
    const root = tmp('pku');
    fs.mkdirSync(path.join(root, 'skeleton'));
    fs.mkdirSync(path.join(root, 'label'));
    const line = Array.from({ length: 150 }, (_, k) => (k < 75 ? String(0.01 * k + 1) : '0')).join(' ');
    fs.writeFileSync(path.join(root, 'skeleton', '0291-L.txt'), `${line}\n`.repeat(20));
    fs.writeFileSync(path.join(root, 'label', '0291-L.txt'), '1,1,6,1\n51,8,20,2\n1,7,7,1\n');
    assert.equal(detectFormat(root).format, 'pku-mmd');
    const r = await run([root]);
    assert.equal(r.rc, 0, r.err);
    assert.match(r.out, /sequences: 3\n/);
    assert.match(r.out, /frames: +min 1, median 6, max 13/);
    assert.match(r.out, /\n +0 +2 +bow\n/);
    assert.match(r.out, /\n +50 +1 +writing/);
    assert.match(r.out, /note: +1 videos; skeletons in skeleton\/, labels in label\//);
  });

  test('single UTD-MHAD .mat file', async () => {
    const dir = tmp('utd');
    const data = Array.from({ length: 20 * 3 * 4 }, (_, i) => 0.01 * (i + 1));
    const p = path.join(dir, 'a3_s1_t2_skeleton.mat');
    fs.writeFileSync(p, encodeMat5([{ name: 'd_skel', dims: [20, 3, 4], data }], { compress: true }));
    const r = await run([p]);
    assert.equal(r.rc, 0, r.err);
    assert.match(r.out, /format: +UTD-MHAD \.mat \(MATLAB v5\) \[utd-mhad-mat\], file/);
    assert.match(r.out, /\n +2 +1 +right hand wave\n/);
    assert.match(r.out, /frames: +min 4, median 4, max 4/);
  });

  test('.npy file and SynSE layouts print dtypes and shapes', async () => {
    const root = tmp('synse');
    const split = path.join(root, 'shift_5_r');
    fs.mkdirSync(split);
    fs.writeFileSync(path.join(split, 'train.npy'), npyBytes('<f4', [6, 4], f32(24)));
    fs.writeFileSync(path.join(split, 'train_label.npy'), npyBytes('<i8', [6], i64([0, 3, 3, 7, 0, 9])));
    assert.equal(detectFormat(root).format, 'synse-features');
    assert.equal(detectFormat(split).format, 'synse-features');
    const r = await run([root]);
    assert.equal(r.rc, 0, r.err);
    assert.match(r.out, /arrays: +2\n/);
    assert.match(r.out, /shift_5_r\/train\.npy +float32 +\(6, 4\)\n/);
    assert.match(r.out, /shift_5_r\/train_label\.npy +int64 +\(6\) +4 distinct labels in 0\.\.9/);
    const one = await run([path.join(split, 'train.npy')]);
    assert.equal(one.rc, 0, one.err);
    assert.match(one.out, /format: +NumPy \.npy \[npy\], file\narrays: +1\n +train\.npy +float32 +\(6, 4\)/);
  });
});

describe('fsvae inspect on bad input: clear error, exit code 1', () => {
  const cases: [string, () => string, RegExp][] = [
    ['missing path', () => '/nonexistent/fsvae/data', /\/nonexistent\/fsvae\/data: no such file or folder/],
    [
      'unknown file',
      () => {
        const p = path.join(tmp('bad'), 'notes.csv');
        fs.writeFileSync(p, 'a,b\n1,2\n');
        return p;
      },
      /notes\.csv: unrecognised file format\. Supported: NTU \.skeleton/,
    ],
    ['empty folder', () => tmp('empty'), /no recognised files in this folder/],
    [
      'truncated NTU file',
      () => {
        const p = path.join(tmp('ntu-bad'), 'S001C001P001R001A001.skeleton');
        fs.writeFileSync(p, ntuText(3, 1).split('\r\n').slice(0, 40).join('\r\n'));
        return p;
      },
      /S001C001P001R001A001\.skeleton: the file ends .* truncated/,
    ],
    [
      'PKU skeleton file alone',
      () => {
        const p = path.join(tmp('pku1'), '0002-L.txt');
        fs.writeFileSync(p, `${new Array(150).fill('1').join(' ')}\n`);
        return p;
      },
      /0002-L\.txt: looks like a PKU-MMD skeleton file; a PKU-MMD video needs both files/,
    ],
    [
      'folder of all-zero MSR files',
      () => {
        const d = tmp('msr0');
        fs.writeFileSync(path.join(d, 'a13_s09_e02_skeleton3D.txt'), '0 0 0 0\n'.repeat(20));
        return d;
      },
      /no readable sequence \(1 all-zero files/,
    ],
  ];
  for (const [name, make, re] of cases) {
    test(name, async () => {
      const r = await run([make()]);
      assert.equal(r.rc, 1);
      assert.equal(r.out, '');
      assert.match(r.err, /^fsvae inspect: /);
      assert.match(r.err, re);
    });
  }
  test('usage errors throw CliUsageError (exit code 2 in main)', async () => {
    await assert.rejects(command.run([]), (e: unknown) => e instanceof CliUsageError && /missing <path>/.test(e.message));
    await assert.rejects(command.run(['a', 'b']), CliUsageError);
    await assert.rejects(command.run(['a', '--limit', 'x']), /--limit must be an integer ≥ 1/);
    await assert.rejects(command.run(['a', '--frobnicate']), /unknown flag --frobnicate/);
    assert.equal(command.name, 'inspect');
  });
});
