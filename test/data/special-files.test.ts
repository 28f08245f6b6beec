import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseNwUclaJson, readNwUclaFolder } from '../../lib/data/datasets/nw-ucla';
import { AllZeroSequenceError } from '../../lib/data/skeleton';
import { inspectPath } from '../../lib/data/inspect';
import { readNtuFolder } from '../../lib/data/datasets/ntu';
import { readPkuMmdFolder } from '../../lib/data/datasets/pku51';
import { FsvaeInputError, readInputFile } from '../../lib/util/assert';
import { motion, writeMsrFixture, writeNtuFixture, writePkuFixture } from '../fixtures/raw-datasets';
import { readMsrAction3dFile } from '../../lib/data/datasets/msr-action3d';
import { KINECT_V1_20 } from '../../lib/data/layouts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-special-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function nwUclaFolder(name: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  const skeletons = motion(KINECT_V1_20, 0, 1, 1, 10);
  fs.writeFileSync(path.join(dir, 'a01_s01_e00_v01.json'), JSON.stringify({ file_name: 'a01_s01_e00_v01', skeletons, label: 1 }));
  return dir;
}
const inputError =
  (...res: RegExp[]) =>
  (e: unknown) =>
    e instanceof FsvaeInputError && res.every((r) => r.test(e.message));

describe('special files in data folders: one clear error naming the entry, never a hang or a runaway read', () => {
  test('a link to /dev/zero named *.json', () => {
    const dir = nwUclaFolder('zero');
    fs.symlinkSync('/dev/zero', path.join(dir, 'z.json'));
    assert.throws(() => readNwUclaFolder(dir), inputError(/z\.json: is a device, not a regular file/));
    assert.throws(() => inspectPath(dir), inputError(/z\.json: is a device/));
  });

  test('a named pipe (FIFO) named *.json is refused before it is opened', (t) => {
    const dir = nwUclaFolder('fifo');
    if (spawnSync('mkfifo', [path.join(dir, 'f.json')]).status !== 0) return t.skip('mkfifo is not available');
    assert.throws(() => readNwUclaFolder(dir), inputError(/f\.json: is a named pipe \(FIFO\)/));
    assert.throws(() => inspectPath(dir), inputError(/FIFO/));
  });

  test('a folder named *.json, a dangling link', () => {
    const dir = nwUclaFolder('dir');
    fs.mkdirSync(path.join(dir, 'x.json'));
    assert.throws(() => readNwUclaFolder(dir), inputError(/x\.json: is a folder, not a file/));
    const dir2 = nwUclaFolder('dangling');
    fs.symlinkSync(path.join(root, 'nowhere.json'), path.join(dir2, 'd.json'));
    assert.throws(() => readNwUclaFolder(dir2), inputError(/d\.json: no such file or folder \(not found, or a link whose target is missing\)/));
    assert.throws(() => readInputFile(path.join(root, 'missing.npy')), inputError(/missing\.npy: no such file or folder/));
  });

  test('NTU and PKU-MMD folders with a dangling link or a folder in place of a file', () => {
    const ntu = path.join(root, 'ntu');
    writeNtuFixture(ntu, { actions: 1, subjects: [1], frames: 4 });
    fs.symlinkSync(path.join(root, 'gone'), path.join(ntu, 'S001C001P002R001A001.skeleton'));
    assert.throws(() => readNtuFolder(ntu, { missing: null }), inputError(/S001C001P002R001A001\.skeleton: no such file or folder/));
    const pku = path.join(root, 'pku');
    writePkuFixture(pku, { videos: ['0002-L'], frames: 4 });
    fs.symlinkSync(path.join(root, 'gone2'), path.join(pku, 'dangling-subfolder'));
    assert.equal(readPkuMmdFolder(pku).sequences.length, 51); // a dangling entry beside the subfolders is ignored
    fs.mkdirSync(path.join(pku, 'PKU_Skeleton_Renew', '0003-L.txt'));
    assert.throws(() => readPkuMmdFolder(pku), inputError(/0003-L\.txt: is a folder, not a file/));
  });

  test('a size limit per format: an oversized NW-UCLA file is refused without reading it', () => {
    const dir = nwUclaFolder('big');
    const f = path.join(dir, 'a01_s01_e01_v01.json');
    fs.writeFileSync(f, '');
    fs.truncateSync(f, 65 * 2 ** 20); // sparse: no disk space used
    assert.throws(() => readNwUclaFolder(dir), inputError(/a01_s01_e01_v01\.json: is 68157440 bytes, more than/));
  });

  test('implausible coordinates (a file scaled ×1e6) are an error naming the file, frame and joint', () => {
    const dir = nwUclaFolder('scaled');
    const skeletons = motion(KINECT_V1_20, 1, 2, 1, 6).map((f) => f.map((p) => p.map((v) => v * 1e6)));
    fs.writeFileSync(path.join(dir, 'a02_s02_e00_v03.json'), JSON.stringify({ file_name: 'a02_s02_e00_v03', skeletons, label: 2 }));
    assert.throws(() => readNwUclaFolder(dir), inputError(/a02_s02_e00_v03: coordinate x of joint 0 in frame 0 \(body 0\) is .*, beyond ±100 m/));
  });

  test('all-zero samples: one policy for every reader — a single read is an error, a folder read skips them and lists them once', () => {
    const dir = nwUclaFolder('zeros');
    const zeros = motion(KINECT_V1_20, 0, 1, 1, 5).map((f) => f.map(() => [0, 0, 0]));
    fs.writeFileSync(path.join(dir, 'a01_s03_e00_v01.json'), JSON.stringify({ file_name: 'a01_s03_e00_v01', skeletons: zeros, label: 1 }));
    const warned: string[] = [];
    const orig = console.warn;
    console.warn = (l: string) => warned.push(l);
    let seqs: ReturnType<typeof readNwUclaFolder>;
    try {
      seqs = readNwUclaFolder(dir);
    } finally {
      console.warn = orig;
    }
    assert.deepEqual(
      seqs.map((q) => q.id),
      ['a01_s01_e00_v01'],
    );
    assert.equal(warned.length, 1);
    assert.match(warned[0], /skipped 1 sample\(s\) whose coordinates are all zero .*: a01_s03_e00_v01\.json/);
    assert.throws(
      () => parseNwUclaJson(fs.readFileSync(path.join(dir, 'a01_s03_e00_v01.json'), 'utf8'), 'a01_s03_e00_v01.json'),
      (e: unknown) => e instanceof AllZeroSequenceError && /every coordinate of every frame is zero/.test(e.message),
    );
    // PKU-MMD: an all-zero segment is skipped, the video's other segments are kept
    const pku = path.join(root, 'pku-zero');
    writePkuFixture(pku, { videos: ['0005-L'], frames: 4 });
    const skel = path.join(pku, 'PKU_Skeleton_Renew', '0005-L.txt');
    const lines = fs.readFileSync(skel, 'utf8').split('\n');
    for (let t = 0; t < 4; t++) lines[t] = new Array(150).fill('0').join(' '); // class 1's segment: frames 1..4
    fs.writeFileSync(skel, lines.join('\n'));
    console.warn = (l: string) => warned.push(l);
    try {
      const r = readPkuMmdFolder(pku);
      assert.equal(r.sequences.length, 50);
      assert.ok(!r.sequences.some((q) => q.label === 0));
    } finally {
      console.warn = orig;
    }
    assert.match(warned[1], /0005-L#1 \(line 1\)/);
  });

  test('MSR Action3D written with 19 or 21 rows per frame is refused, not silently re-framed', () => {
    const dir = path.join(root, 'msr-rows');
    writeMsrFixture(dir, { subjects: [1], frames: 20 });
    const f = path.join(dir, 'a05_s01_e01_skeleton3D.txt');
    const rows = fs.readFileSync(f, 'utf8').trim().split('\n');
    assert.equal(readMsrAction3dFile(f).frames, 20); // the control parses
    const frames = Array.from({ length: 20 }, (_, t) => rows.slice(20 * t, 20 * t + 20));
    const extra = path.join(dir, 'a05_s01_e02_skeleton3D.txt');
    fs.writeFileSync(extra, frames.map((fr) => [...fr, fr[19]].join('\n')).join('\n') + '\n'); // 21 rows per frame: 420 rows
    assert.throws(() => readMsrAction3dFile(extra), inputError(/rows do not form frames of 20 joints/));
    const fewer = path.join(dir, 'a05_s01_e03_skeleton3D.txt');
    fs.writeFileSync(fewer, frames.map((fr) => fr.slice(0, 19).join('\n')).join('\n') + '\n'); // 19 rows per frame: 380 rows
    assert.throws(() => readMsrAction3dFile(fewer), inputError(/rows do not form frames of 20 joints/));
  });
});
