import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findPkuMmdDirs, parsePkuMmdLabels, parsePkuMmdSkeleton, pkuMmdSegments, readPkuMmdFolder, readPkuMmdVideo } from '../../lib/data/datasets/pku51';
import { FsvaeInputError } from '../../lib/util/assert';

/** Frame t, body b, joint j, axis c has the value b·50 + t + j/100 + c/1000 (body 1 zero unless `two`); below 100 m for t < 49. */
const value = (b: number, t: number, j: number, c: number) => b * 50 + t + j / 100 + c / 1000 + 0.5;

function skeletonText(frames: number, two: (t: number) => boolean): string {
  const L: string[] = [];
  for (let t = 0; t < frames; t++) {
    const v: string[] = [];
    for (let b = 0; b < 2; b++) for (let j = 0; j < 25; j++) for (let c = 0; c < 3; c++) v.push(b === 1 && !two(t) ? '0' : String(value(b, t, j, c)));
    L.push(v.join(' '));
  }
  return L.join('\n') + '\n';
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-pku-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const tmp = () => fs.mkdtempSync(path.join(root, 'd'));
const isInputError = (re: RegExp, file?: string) => (e: unknown) => e instanceof FsvaeInputError && re.test(e.message) && (!file || e.message.startsWith(file));

describe('PKU-MMD label and skeleton files', () => {
  test('labels: 1-based class, inclusive frames, confidence; blank lines and spaces tolerated', () => {
    const l = parsePkuMmdLabels('41,3,10,1\n\n 7 , 12 , 20 , 2 \r\n', 'L.txt');
    assert.deepEqual(l, [
      { classId: 41, start: 3, end: 10, confidence: 1, line: 1 },
      { classId: 7, start: 12, end: 20, confidence: 2, line: 3 },
    ]);
  });

  test('skeleton: 150 values per line split into 2 bodies × 25 joints × xyz', () => {
    const v = parsePkuMmdSkeleton(
      skeletonText(4, (t) => t === 2),
      '/d/0002-L.txt',
    );
    assert.equal(v.id, '0002-L');
    assert.equal(v.frames, 4);
    // body 0, frame 3, joint 24, z; body 1, frame 2, joint 0, x
    assert.equal(v.data[((0 * 4 + 3) * 25 + 24) * 3 + 2], Math.fround(value(0, 3, 24, 2)));
    assert.equal(v.data[((1 * 4 + 2) * 25 + 0) * 3 + 0], Math.fround(value(1, 2, 0, 0)));
    assert.equal(v.data[((1 * 4 + 1) * 25 + 0) * 3 + 0], 0);
  });

  test('segments: label = class − 1, frames start..end inclusive (1-based), second body kept only where present', () => {
    const v = parsePkuMmdSkeleton(
      skeletonText(30, (t) => t >= 20),
      '0005-M.txt',
    );
    const segs = pkuMmdSegments(v, parsePkuMmdLabels('12,1,5,1\n51,21,30,2\n1,8,8,1\n', 'lab.txt'), 'lab.txt');
    assert.deepEqual(
      segs.map((s) => [s.id, s.label, s.frames, s.bodies]),
      [
        ['0005-M#1', 11, 5, 1],
        ['0005-M#2', 50, 10, 2],
        ['0005-M#3', 0, 1, 1],
      ],
    );
    // segment 2 starts at file line 21 = t 20
    assert.equal(segs[1].data[0], Math.fround(value(0, 20, 0, 0)));
    assert.equal(segs[1].data[10 * 75], Math.fround(value(1, 20, 0, 0)));
    assert.equal(segs[2].data[0], Math.fround(value(0, 7, 0, 0)));
    assert.deepEqual(segs[1].meta, { video: '0005-M', segment: 2, start: 21, end: 30, confidence: 2 });
    // 0-based numbering shifts by one frame
    const z = pkuMmdSegments(v, parsePkuMmdLabels('12,0,4,1\n', 'lab0.txt'), 'lab0.txt', { frameBase: 0 });
    assert.deepEqual(Array.from(z[0].data), Array.from(segs[0].data));
  });

  const v = parsePkuMmdSkeleton(
    skeletonText(30, () => false),
    'v.txt',
  );
  const bad: [string, string, RegExp][] = [
    ['end past the video', '3,25,31,1', /segment 25\.\.31 is outside the video's frames 1\.\.30/],
    ['frame 0 with 1-based numbering', '3,0,5,1', /outside the video's frames 1\.\.30.*pass frameBase 0/],
    ['empty segment', '3,9,8,1', /segment 9\.\.8 is empty/],
    ['overlap', '3,1,10,1\n4,10,12,1', /lines 1 \(1\.\.10\) and 2 \(10\.\.12\) overlap/],
  ];
  for (const [name, text, re] of bad) {
    test(`segment error: ${name}`, () => {
      assert.throws(() => pkuMmdSegments(v, parsePkuMmdLabels(text, 'L.txt'), '/x/L.txt'), isInputError(re, '/x/L.txt'));
    });
  }
  test('class ids outside 1..51 are rejected', () => {
    assert.throws(() => parsePkuMmdLabels('52,1,5,1', 'L.txt'), isInputError(/line 1: class 52 is outside PKU-MMD's 1\.\.51/, 'L.txt'));
    assert.throws(() => parsePkuMmdLabels('0,1,5,1', 'L.txt'), isInputError(/class 0 is outside/));
  });
});

describe('PKU-MMD folders', () => {
  test('skeleton and label subfolders found by content; videos read and paired by name', () => {
    const root = tmp();
    fs.mkdirSync(path.join(root, 'PKU_Skeleton_Renew'));
    fs.mkdirSync(path.join(root, 'Train_Label_PKU_final'));
    fs.writeFileSync(
      path.join(root, 'PKU_Skeleton_Renew', '0002-L.txt'),
      skeletonText(12, () => true),
    );
    fs.writeFileSync(
      path.join(root, 'PKU_Skeleton_Renew', '0002-M.txt'),
      skeletonText(8, () => false),
    );
    fs.writeFileSync(path.join(root, 'Train_Label_PKU_final', '0002-L.txt'), '5,1,4,1\n6,6,12,1\n');
    fs.writeFileSync(path.join(root, 'Train_Label_PKU_final', '0002-M.txt'), '5,2,3,2\n');
    const dirs = findPkuMmdDirs(root);
    assert.deepEqual(dirs, { skeletonDir: path.join(root, 'PKU_Skeleton_Renew'), labelDir: path.join(root, 'Train_Label_PKU_final') });
    const r = readPkuMmdFolder(root);
    assert.equal(r.videos, 2);
    assert.deepEqual(
      r.sequences.map((s) => `${s.id}:${s.label}:${s.frames}:${s.bodies}`),
      ['0002-L#1:4:4:2', '0002-L#2:5:7:2', '0002-M#1:4:2:1'],
    );
    const direct = readPkuMmdVideo(path.join(root, 'PKU_Skeleton_Renew', '0002-M.txt'), path.join(root, 'Train_Label_PKU_final', '0002-M.txt'));
    assert.deepEqual(direct[0].data, r.sequences[2].data);
    fs.unlinkSync(path.join(root, 'Train_Label_PKU_final', '0002-M.txt'));
    assert.throws(() => readPkuMmdFolder(root), isInputError(/no label file for 1 skeleton file\(s\).*0002-M\.txt/));
  });
  test('a folder without the layout is refused', () => {
    assert.equal(findPkuMmdDirs(tmp()), null);
    assert.throws(() => readPkuMmdFolder(tmp()), isInputError(/no PKU-MMD layout found/));
  });
});
