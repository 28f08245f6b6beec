import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bodyActivity, loadNtuMissingList, parseNtuSampleName, parseNtuSkeleton, readNtuFolder, readNtuSkeleton } from '../../lib/data/datasets/ntu';
import { locateData } from '../../lib/data/paths';
import { checkBoneSymmetry } from '../../lib/data/preprocess';
import { KINECT_V2_25 } from '../../lib/data/layouts';
import { FsvaeInputError } from '../../lib/util/assert';
import { assertClose } from '../helpers';

/** Writes the NTU text format; bodies are {id, xyz(j) → [x, y, z]}. */
function ntuText(frames: { id: string; xyz: (j: number) => number[] }[][], eol = '\r\n'): string {
  const L: string[] = [String(frames.length)];
  for (const bodies of frames) {
    L.push(String(bodies.length));
    for (const b of bodies) {
      L.push(`${b.id} 0 1 1 1 1 0 -0.1 0.1 2`);
      L.push('25');
      for (let j = 0; j < 25; j++) L.push(`${b.xyz(j).join(' ')} 276.1 190.0 1032.3 514.1 -0.17 0.04 0.97 -0.16 2`);
    }
  }
  return L.join(eol) + eol;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-ntu-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const tmp = () => fs.mkdtempSync(path.join(root, 'd'));

describe('NTU sample names', () => {
  test('SsssCcccPpppRrrrAaaa fields and label', () => {
    assert.deepEqual(parseNtuSampleName('/x/S017C003P020R002A060.skeleton'), {
      name: 'S017C003P020R002A060',
      setup: 17,
      camera: 3,
      performer: 20,
      replication: 2,
      action: 60,
    });
    assert.equal(parseNtuSampleName('S01C003P020R002A060.skeleton'), null);
    assert.equal(parseNtuSampleName('a01_s01_e00_v01.json'), null);
  });
});

describe('NTU .skeleton parser on hand-written files', () => {
  const still = (x: number) => (j: number) => [x + 0.01 * j, 0.02 * j, 3];
  test('one body, coordinates in Kinect v2 order, label = A − 1, CRLF', () => {
    const s = parseNtuSkeleton(ntuText([[{ id: '7', xyz: still(0.5) }], [{ id: '7', xyz: still(0.6) }]]), '/d/S002C001P003R001A013.skeleton', {
      missing: null,
    });
    assert.equal(s.frames, 2);
    assert.equal(s.bodies, 1);
    assert.equal(s.label, 12);
    assert.equal(s.layout, 'kinect-v2-25');
    assert.equal(s.meta?.subject, 3);
    assert.equal(s.meta?.camera, 1);
    // frame 1, joint 24: x = 0.6 + 0.24, y = 0.48, z = 3
    const o = (1 * 25 + 24) * 3;
    assertClose([s.data[o], s.data[o + 1], s.data[o + 2]], [0.84, 0.48, 3], 1e-6);
  });

  test('frames with 0 bodies and a body absent in some frames are zero-padded', () => {
    const text = ntuText(
      [
        [{ id: '100', xyz: still(0.1) }],
        [],
        [
          { id: '100', xyz: still(0.3) },
          { id: '200', xyz: still(-1) },
        ],
      ],
      '\n',
    );
    const s = parseNtuSkeleton(text, 'S001C001P001R001A050.skeleton', { missing: null });
    assert.equal(s.frames, 3);
    assert.equal(s.bodies, 2);
    const body = (b: number, t: number) => Array.from(s.data.subarray((b * 3 + t) * 25 * 3, (b * 3 + t + 1) * 25 * 3));
    assert.ok(
      body(0, 1).every((v) => v === 0),
      'frame with 0 bodies is zero',
    );
    assert.ok(body(1, 0).every((v) => v === 0) && body(1, 1).every((v) => v === 0), 'body 200 absent in frames 1-2');
    // body 100 moves (activity > 0), body 200 appears once (activity 0): 100 comes first
    assert.equal(s.meta?.bodyIds, '100,200');
    assertClose(body(1, 2).slice(0, 3), [-1, 0, 3], 1e-6);
    assert.equal(s.meta?.framesWithBody, 2);
  });

  test('keeps the 2 most active of 3 bodies, most active first', () => {
    // activity ('motion') = Σ_j Σ_c var_t; body k moves in x by ±a_k around a fixed pose:
    // var over two frames of {−a, +a} = a², times 25 joints.
    const amp: Record<string, number> = { 11: 0.1, 22: 0.3, 33: 0.2 };
    const frame = (sign: number) => Object.keys(amp).map((id) => ({ id, xyz: (j: number) => [sign * amp[id] + j * 0.01, 0, 3] }));
    const s = parseNtuSkeleton(ntuText([frame(-1), frame(1)]), 'S001C001P001R001A001.skeleton', { missing: null });
    assert.equal(s.bodies, 2);
    assert.equal(s.meta?.bodyIds, '22,33');
    assert.equal(s.meta?.bodiesInFile, 3);
    const one = parseNtuSkeleton(ntuText([frame(-1), frame(1)]), 'S001C001P001R001A001.skeleton', { missing: null, maxBodies: 1 });
    assert.equal(one.meta?.bodyIds, '22');
  });

  test('bodyActivity: closed forms for motion and pooled measures', () => {
    // 2 frames, 2 joints; joint 0 x ∈ {0, 2}, joint 1 x ∈ {10, 10}; y = z = 0.
    const xyz = new Float32Array([0, 0, 0, 10, 0, 0, 2, 0, 0, 10, 0, 0]);
    const present = new Uint8Array([1, 1]);
    assert.equal(bodyActivity(xyz, present, 2, 'motion'), 1); // var{0,2} = 1, var{10,10} = 0
    // pooled x over {0, 10, 2, 10}: mean 5.5, var = (30.25 + 20.25 + 12.25 + 20.25)/4 = 20.75
    assert.equal(bodyActivity(xyz, present, 2, 'pooled'), 20.75);
    assert.equal(bodyActivity(xyz, new Uint8Array([1, 0]), 2, 'motion'), 0);
  });

  test('a file where no body is tracked is refused', () => {
    assert.throws(
      () => parseNtuSkeleton(ntuText([[], []]), 'S001C001P001R001A001.skeleton', { missing: null }),
      (e: unknown) => e instanceof FsvaeInputError && /no body is tracked in any of the 2 frames/.test(e.message),
    );
  });
});

describe('NTU missing-skeleton lists', () => {
  const loc60 = locateData('ntu-samples/samples_with_missing_skeletons.txt');
  const loc120 = locateData('ntu-samples/NTU_RGBD120_samples_with_missing_skeletons.txt');
  test('official lists: 302 (NTU-60) and 535 (NTU-120), NTU-60 ⊂ NTU-120', (t) => {
    if (!loc60.path || !loc120.path) return t.skip(`NTU missing lists not found (tried ${loc60.tried.join(', ')})`);
    const l60 = loadNtuMissingList([loc60.path]);
    const l120 = loadNtuMissingList([loc120.path]);
    assert.equal(l60.names.size, 302);
    assert.equal(l120.names.size, 535);
    for (const n of l60.names) assert.ok(l120.names.has(n), n);
    assert.ok(l60.names.has('S001C002P005R002A008'));
  });

  test('a file on the list is refused by name; a folder reader skips and counts it', () => {
    const dir = tmp();
    const text = ntuText([[{ id: '1', xyz: (j) => [j * 0.01, 0, 3] }], [{ id: '1', xyz: (j) => [j * 0.02, 0, 3] }]]);
    fs.writeFileSync(path.join(dir, 'S001C002P005R002A008.skeleton'), text);
    fs.writeFileSync(path.join(dir, 'S001C001P001R001A001.skeleton'), text);
    const listFile = path.join(dir, 'missing.txt');
    fs.writeFileSync(listFile, 'S001C002P005R002A008\nS009C001P001R001A001\n');
    const missing = loadNtuMissingList([listFile]);
    assert.throws(
      () => readNtuSkeleton(path.join(dir, 'S001C002P005R002A008.skeleton'), { missing }),
      (e: unknown) => e instanceof FsvaeInputError && /S001C002P005R002A008 is on the official NTU missing-skeleton list \(missing\.txt\)/.test(e.message),
    );
    const r = readNtuFolder(dir, { missing });
    assert.deepEqual(r.skipped, ['S001C002P005R002A008']);
    assert.equal(r.sequences.length, 1);
    assert.equal(r.sequences[0].id, 'S001C001P001R001A001');
    assert.deepEqual(r.missingListSources, [listFile]);
  });

  test('a list with a line that is not a sample name is rejected', () => {
    const f = path.join(tmp(), 'bad.txt');
    fs.writeFileSync(f, 'S001C002P005R002A008\nhello\n');
    assert.throws(() => loadNtuMissingList([f]), /line 2 \('hello'\) is not an NTU sample name/);
  });
});

describe('NTU real samples (ntu-samples/)', () => {
  const loc = locateData('ntu-samples');
  // Frame counts, checked below against an independent line count: a file has
  // 1 + T + 27·Σ_t bodies_t lines (frame count, body counts, per body 1 + 1 + 25 lines).
  const EXPECTED: Record<string, { frames: number; bodies: number; label: number }> = {
    S001C001P001R001A011: { frames: 82, bodies: 1, label: 10 },
    S001C003P008R002A058: { frames: 70, bodies: 2, label: 57 },
    S002C001P003R001A003: { frames: 100, bodies: 1, label: 2 },
    S003C001P015R001A034: { frames: 71, bodies: 1, label: 33 },
    S004C002P003R001A017: { frames: 124, bodies: 1, label: 16 },
  };

  test('frame counts, body counts and labels of the 5 files', (t) => {
    if (!loc.path) return t.skip(`ntu-samples not found (tried ${loc.tried.join(', ')})`);
    const r = readNtuFolder(loc.path);
    assert.equal(r.skipped.length, 0);
    assert.equal(r.missingListSources.length, 2);
    assert.deepEqual(
      r.sequences.map((s) => s.id),
      Object.keys(EXPECTED),
    );
    for (const s of r.sequences) {
      const e = EXPECTED[s.id];
      const lines: number = fs
        .readFileSync(path.join(loc.path, `${s.id}.skeleton`), 'utf8')
        .split('\n')
        .filter((x) => x.trim()).length;
      assert.equal(lines, 1 + e.frames + 27 * e.frames * e.bodies, `${s.id}: independent line count`);
      assert.equal(s.frames, e.frames, s.id);
      assert.equal(s.bodies, e.bodies, s.id);
      assert.equal(s.label, e.label, s.id);
      assert.equal(s.joints, 25);
    }
  });

  test('first joint of A011 equals the text; values are float32 of the file digits', (t) => {
    if (!loc.path) return t.skip('ntu-samples not found');
    const s = readNtuSkeleton(path.join(loc.path, 'S001C001P001R001A011.skeleton'));
    assert.deepEqual(Array.from(s.data.subarray(0, 3)), [Math.fround(0.2058097), Math.fround(0.1920515), Math.fround(3.810989)]);
  });

  test('A058 (2 actors): body order by motion vs pooled activity (values from numpy)', (t) => {
    if (!loc.path) return t.skip('ntu-samples not found');
    const f = path.join(loc.path, 'S001C003P008R002A058.skeleton');
    // numpy on the text: motion 0.424336 (…738) vs 0.406987 (…734); pooled 0.198066 vs 0.237029.
    const m = readNtuSkeleton(f, { activity: 'motion' });
    assert.equal(m.meta?.bodyIds, '72057594037944738,72057594037944734');
    assertClose(Array.from(m.data.subarray(0, 3)), [0.7201789, 0.1647426, 3.561895], 1e-6);
    const p = readNtuSkeleton(f, { activity: 'pooled' });
    assert.equal(p.meta?.bodyIds, '72057594037944734,72057594037944738');
    assertClose(Array.from(p.data.subarray(0, 3)), [-0.387201, -0.05403496, 2.961099], 1e-6);
    const per = 70 * 25 * 3;
    const b0 = m.data.subarray(0, per);
    assert.equal(bodyActivity(b0, new Uint8Array(70).fill(1), 25, 'motion').toFixed(5), '0.42434');
    assert.equal(bodyActivity(b0, new Uint8Array(70).fill(1), 25, 'pooled').toFixed(5), '0.19807');
  });

  test('left/right bone lengths are symmetric on every body (Kinect v2 order needs no permutation)', (t) => {
    if (!loc.path) return t.skip('ntu-samples not found');
    for (const s of readNtuFolder(loc.path).sequences) {
      for (let b = 0; b < s.bodies; b++) {
        const r = checkBoneSymmetry(s, KINECT_V2_25, { body: b });
        assert.equal(r.pairs.length, 10);
        // hands, feet and hips of Kinect v2 are noisy (up to 0.8 here); the long limb bones are not
        assert.ok(r.limbMedianRelDiff < 0.1, `${s.id} body ${b}: limb median relative difference ${r.limbMedianRelDiff}`);
        assert.ok(r.medianRelDiff < 0.15, `${s.id} body ${b}: median relative difference ${r.medianRelDiff}`);
      }
    }
  });
});
