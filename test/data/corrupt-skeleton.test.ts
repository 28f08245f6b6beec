/**
 * Corrupted-input corpus: every damaged file must raise FsvaeInputError whose message names the
 * file — never another error type, a crash, or a sequence with NaN in it. The corpus is made from
 * valid generated files (each first checked to parse) by truncation at many offsets, wrong joint
 * counts, NaN/Inf, header lies, unknown classes, empty sequences, wrong .mat types and text where
 * numbers belong.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { readNtuSkeleton, loadNtuMissingList } from '../../lib/data/datasets/ntu';
import { parseNwUclaJson } from '../../lib/data/datasets/nw-ucla';
import { readUtdMhadFile } from '../../lib/data/datasets/utd-mhad';
import { MAT_MI, encodeMat5, encodeMatElement, encodeMatHeader, encodeMatMatrix, encodeMatNumbers } from '../../lib/data/mat5';
import { readMsrAction3dFile } from '../../lib/data/datasets/msr-action3d';
import { readPkuMmdVideo } from '../../lib/data/datasets/pku51';
import { inspectPath } from '../../lib/data/inspect';
import { SkeletonSequence } from '../../lib/data/skeleton';
import { FsvaeInputError } from '../../lib/util/assert';
import { tempDir } from '../temp-dirs';

const dir = tempDir('corrupt');
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let counter = 0;
/** Writes `content` under a fresh subfolder with the given file name (names carry the labels). */
function put(name: string, content: string | Uint8Array): string {
  const sub = path.join(dir, String(counter++));
  fs.mkdirSync(sub);
  const p = path.join(sub, name);
  fs.writeFileSync(p, content);
  return p;
}

interface Case {
  name: string;
  /** the file the error must name. */
  file: string;
  read: () => SkeletonSequence | SkeletonSequence[];
}
const cases: Case[] = [];
const valid: Case[] = [];

// ---------------------------------------------------------------- NTU RGB+D
const NTU = 'S001C001P001R001A010.skeleton';
const noMissing = loadNtuMissingList([]);
function ntuLines(frames = 3, bodies = 2): string[] {
  const L = [String(frames)];
  for (let t = 0; t < frames; t++) {
    L.push(String(bodies));
    for (let b = 0; b < bodies; b++) {
      L.push(`7205759403793164${8 + b} 0 1 1 1 1 0 -0.1159187 0.1413209 2`, '25');
      for (let j = 0; j < 25; j++)
        L.push(`${(0.01 * j + 0.1 * t + b).toFixed(6)} ${(0.02 * j).toFixed(6)} 3.810989 276.0976 190.0662 1032.328 514.0889 -0.17 0.04 0.97 -0.15 2`);
    }
  }
  return L;
}
const ntuText = (L: string[]) => L.join('\r\n') + '\r\n';
const ntuCase = (name: string, text: string, file = NTU) => {
  const p = put(file, text);
  cases.push({ name: `NTU ${name}`, file: p, read: () => readNtuSkeleton(p, { missing: noMissing }) });
};
{
  const base = ntuText(ntuLines());
  const vp = put(NTU, base);
  valid.push({ name: 'NTU base', file: vp, read: () => readNtuSkeleton(vp, { missing: noMissing }) });
  // truncation at 14 offsets spread over the file (never only the final line break)
  for (let k = 1; k <= 14; k++)
    ntuCase(`truncated at byte ${Math.floor((k * (base.length - 3)) / 14)}`, base.slice(0, Math.floor((k * (base.length - 3)) / 14)));
  const L = ntuLines();
  const edit = (i: number, s: string) => L.map((x, k) => (k === i ? s : x));
  const firstJoint = 4; // line 0 frames, 1 bodies, 2 body line, 3 joint count, 4 first joint
  ntuCase('joint count 24', ntuText(edit(3, '24')));
  ntuCase('joint count 26', ntuText(edit(3, '26')));
  ntuCase('joint count 25 with a joint line removed', ntuText(L.filter((_, k) => k !== firstJoint + 3)));
  ntuCase('NaN coordinate', ntuText(edit(firstJoint + 2, L[firstJoint + 2].replace(/^\S+/, 'NaN'))));
  ntuCase('Infinity coordinate', ntuText(edit(firstJoint + 2, L[firstJoint + 2].replace(/^\S+/, 'Infinity'))));
  ntuCase('overflowing coordinate 1e999', ntuText(edit(firstJoint, L[firstJoint].replace(/^\S+ \S+/, '0.1 1e999'))));
  ntuCase('float32 overflow 1e39', ntuText(edit(firstJoint, L[firstJoint].replace(/^\S+/, '1e39'))));
  ntuCase('header says 5 frames, file has 3', ntuText(edit(0, '5')));
  ntuCase('header says 2 frames, file has 3', ntuText(edit(0, '2')));
  ntuCase('body count 3 where 2 follow', ntuText(edit(1, '3')));
  ntuCase('body count 1 where 2 follow', ntuText(edit(1, '1')));
  ntuCase('body count 7 (Kinect tracks 6)', ntuText(edit(1, '7')));
  ntuCase('text instead of the frame count', ntuText(edit(0, 'frames')));
  ntuCase('negative frame count', ntuText(edit(0, '-3')));
  ntuCase('text in a coordinate', ntuText(edit(firstJoint + 5, L[firstJoint + 5].replace(/^\S+/, 'abc'))));
  ntuCase('bodyID not an integer', ntuText(edit(2, L[2].replace(/^\S+/, 'body1'))));
  ntuCase('body line with 9 values', ntuText(edit(2, L[2].split(' ').slice(0, 9).join(' '))));
  ntuCase('joint line with 13 values', ntuText(edit(firstJoint, `${L[firstJoint]} 1`)));
  ntuCase('the same bodyID twice in a frame', ntuText(L.map((x) => x.replace('72057594037931649', '72057594037931648'))));
  ntuCase('empty file', '');
  ntuCase('frame count 0 (empty sequence)', '0\r\n');
  ntuCase('no body in any frame', '2\r\n0\r\n0\r\n');
  ntuCase('binary garbage', new Uint8Array(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)) as unknown as string);
  ntuCase('file name without the label', ntuText(L), 'sample.skeleton');
  {
    const p = put('S001C002P005R002A008.skeleton', ntuText(L));
    const list = put('missing.txt', 'S001C002P005R002A008\n');
    cases.push({ name: 'NTU sample on the missing-skeleton list', file: p, read: () => readNtuSkeleton(p, { missing: loadNtuMissingList([list]) }) });
  }
}

// ---------------------------------------------------------------- NW-UCLA JSON
const UCLA = 'a01_s01_e00_v01.json';
function uclaObj(frames = 3): { file_name: string; skeletons: number[][][]; label: number } {
  return {
    file_name: 'a01_s01_e00_v01',
    skeletons: Array.from({ length: frames }, (_, t) => Array.from({ length: 20 }, (_, j) => [0.01 * j + t, 0.02 * j, 3])),
    label: 1,
  };
}
const uclaCase = (name: string, text: string) => {
  const p = put(UCLA, text);
  cases.push({ name: `NW-UCLA ${name}`, file: p, read: () => parseNwUclaJson(fs.readFileSync(p, 'utf8'), p) });
};
{
  const base = JSON.stringify(uclaObj());
  const vp = put(UCLA, base);
  valid.push({ name: 'NW-UCLA base', file: vp, read: () => parseNwUclaJson(base, vp) });
  for (const k of [1, 17, 60, 200, 500, base.length - 1]) uclaCase(`truncated at byte ${k}`, base.slice(0, k));
  const o = () => uclaObj();
  uclaCase('19 joints', JSON.stringify({ ...o(), skeletons: o().skeletons.map((f) => f.slice(1)) }));
  uclaCase('a joint with 2 coordinates', JSON.stringify({ ...o(), skeletons: [[[1, 2], ...o().skeletons[0].slice(1)]] }));
  uclaCase('NaN literal', base.replace('[0,0,3]', '[NaN,0,3]'));
  uclaCase('1e999 (Infinity)', base.replace('[0,0,3]', '[1e999,0,3]'));
  uclaCase('1e39 (float32 overflow)', base.replace('[0,0,3]', '[1e39,0,3]'));
  uclaCase('string coordinate', base.replace('[0,0,3]', '["0",0,3]'));
  uclaCase('null coordinate', base.replace('[0,0,3]', '[null,0,3]'));
  uclaCase('empty sequence', JSON.stringify({ ...o(), skeletons: [] }));
  uclaCase('label disagrees with the name', JSON.stringify({ ...o(), label: 4 }));
  uclaCase('unknown action a07', JSON.stringify({ ...o(), file_name: 'a07_s01_e00_v01' }));
  uclaCase('missing label field', JSON.stringify({ file_name: 'a01_s01_e00_v01', skeletons: o().skeletons }));
}

// ---------------------------------------------------------------- UTD-MHAD .mat
const UTD = 'a4_s2_t1_skeleton.mat';
const utdCase = (name: string, bytes: Uint8Array) => {
  const p = put(UTD, bytes);
  cases.push({ name: `UTD ${name}`, file: p, read: () => readUtdMhadFile(p) });
};
{
  const vals = Array.from({ length: 20 * 3 * 4 }, (_, i) => 0.001 * i - 0.05);
  const plain = encodeMat5([{ name: 'd_skel', dims: [20, 3, 4], data: vals }]);
  const packed = encodeMat5([{ name: 'd_skel', dims: [20, 3, 4], data: vals }], { compress: true });
  const vp = put(UTD, plain);
  const vz = put(UTD, packed);
  valid.push({ name: 'UTD plain', file: vp, read: () => readUtdMhadFile(vp) });
  valid.push({ name: 'UTD compressed', file: vz, read: () => readUtdMhadFile(vz) });
  for (const k of [0, 50, 127, 128, 135, 150, 200, plain.length - 8, plain.length - 1]) utdCase(`uncompressed, truncated at byte ${k}`, plain.slice(0, k));
  for (const k of [140, 180, packed.length - 20, packed.length - 1]) utdCase(`compressed, truncated at byte ${k}`, packed.slice(0, k));
  const flipped = packed.slice();
  flipped[150] ^= 0xff;
  utdCase('compressed stream with a flipped byte', flipped);
  utdCase('d_skel as int32 (wrong dtype)', encodeMat5([{ name: 'd_skel', dims: [20, 3, 4], data: vals.map((v) => Math.round(v * 100)), className: 'int32' }]));
  const mat = (classId: number, parts: Uint8Array[], flags = 0, dims = [20, 3, 1]) =>
    new Uint8Array([...encodeMatHeader(), ...encodeMatMatrix({ name: 'd_skel', dims, classId, flags, parts })]);
  const dbl = (xs: number[]) => encodeMatElement(MAT_MI.DOUBLE, encodeMatNumbers(MAT_MI.DOUBLE, xs));
  utdCase('d_skel as char (wrong dtype)', mat(4, [encodeMatElement(MAT_MI.UTF16, new Uint8Array(120))]));
  utdCase('d_skel as cell', mat(1, []));
  utdCase('d_skel as struct', mat(2, []));
  utdCase('d_skel complex', mat(6, [dbl(new Array(60).fill(1)), dbl(new Array(60).fill(0))], 0x0800));
  utdCase('d_skel sparse', mat(5, []));
  utdCase('dims claim 5 frames, data holds 1 (header lie)', mat(6, [dbl(new Array(60).fill(1))], 0, [20, 3, 5]));
  utdCase('real part stored as text bytes', mat(6, [encodeMatElement(MAT_MI.UTF8, new Uint8Array(60).fill(65))]));
  utdCase('25 joints', encodeMat5([{ name: 'd_skel', dims: [25, 3, 1], data: new Array(75).fill(1) }]));
  utdCase('2 coordinates', encodeMat5([{ name: 'd_skel', dims: [20, 2, 3], data: new Array(120).fill(1) }]));
  utdCase('4-D d_skel', encodeMat5([{ name: 'd_skel', dims: [20, 3, 1, 2], data: new Array(120).fill(1) }]));
  utdCase('0 frames (empty sequence)', encodeMat5([{ name: 'd_skel', dims: [20, 3, 0], data: [] }]));
  utdCase('NaN coordinate', encodeMat5([{ name: 'd_skel', dims: [20, 3, 4], data: vals.map((v, i) => (i === 77 ? NaN : v)) }]));
  utdCase('Inf coordinate', encodeMat5([{ name: 'd_skel', dims: [20, 3, 4], data: vals.map((v, i) => (i === 5 ? -Infinity : v)) }], { compress: true }));
  utdCase('1e300 coordinate (float32 overflow)', encodeMat5([{ name: 'd_skel', dims: [20, 3, 4], data: vals.map((v, i) => (i === 9 ? 1e300 : v)) }]));
  utdCase('all zeros', encodeMat5([{ name: 'd_skel', dims: [20, 3, 2], data: new Array(120).fill(0) }]));
  utdCase('variable missing', encodeMat5([{ name: 'skel', dims: [20, 3, 1], data: new Array(60).fill(1) }]));
  utdCase('v7.3 HDF5 header', encodeMatHeader(true, 'MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon'));
  const badEndian = plain.slice();
  badEndian[126] = 0x58;
  utdCase('bad endian indicator', badEndian);
  utdCase('text file named .mat', new TextEncoder().encode('this is not a MAT-file\n'.repeat(10)));
  utdCase('top-level element of type miDOUBLE', new Uint8Array([...encodeMatHeader(), ...dbl([1, 2, 3])]));
  utdCase(
    'compressed element holding garbage',
    new Uint8Array([...encodeMatHeader(), ...encodeMatElement(MAT_MI.COMPRESSED, zlib.deflateSync(Buffer.from('garbage!')), true, false)]),
  );
}

// ---------------------------------------------------------------- MSR Action3D
const MSR = 'a05_s03_e02_skeleton3D.txt';
function msrLines(frames = 3): string[] {
  const L: string[] = [];
  for (let t = 0; t < frames; t++)
    for (let r = 0; r < 20; r++) L.push(`${(0.123 + 0.01 * r + 0.001 * t).toFixed(6)} ${(0.456 - 0.02 * r).toFixed(6)} ${(2.5 + 0.001 * r).toFixed(6)} 1`);
  return L;
}
const msrCase = (name: string, text: string, file = MSR) => {
  const p = put(file, text);
  cases.push({ name: `MSR ${name}`, file: p, read: () => readMsrAction3dFile(p) });
};
{
  const L = msrLines();
  const base = L.join('\n') + '\n';
  const vp = put(MSR, base);
  valid.push({ name: 'MSR base', file: vp, read: () => readMsrAction3dFile(vp) });
  // truncation inside a line (3 characters into line i, or after its 2nd value): a partial row
  let offset = 0;
  const starts = L.map((l) => {
    const s = offset;
    offset += l.length + 1;
    return s;
  });
  for (const i of [0, 7, 19, 21, 40, 59]) msrCase(`truncated inside line ${i + 1}`, base.slice(0, starts[i] + 3));
  for (const i of [10, 33]) msrCase(`truncated after 2 values of line ${i + 1}`, base.slice(0, starts[i] + L[i].split(' ').slice(0, 2).join(' ').length));
  msrCase('a row removed (59 rows)', L.filter((_, i) => i !== 30).join('\n'));
  msrCase('19 rows', L.slice(0, 19).join('\n'));
  msrCase('a row with 3 values', L.map((l, i) => (i === 4 ? l.split(' ').slice(0, 3).join(' ') : l)).join('\n'));
  msrCase('a row with 5 values', L.map((l, i) => (i === 4 ? `${l} 7` : l)).join('\n'));
  msrCase('NaN', L.map((l, i) => (i === 8 ? l.replace(/^\S+/, 'NaN') : l)).join('\n'));
  msrCase('inf', L.map((l, i) => (i === 8 ? l.replace(/^\S+/, 'inf') : l)).join('\n'));
  msrCase('1e999', L.map((l, i) => (i === 8 ? l.replace(/^\S+/, '1e999') : l)).join('\n'));
  msrCase('text where a number belongs', L.map((l, i) => (i === 12 ? l.replace(/ 1$/, ' high') : l)).join('\n'));
  msrCase('comma decimal separator', L.map((l, i) => (i === 2 ? l.replace(/\./g, ',') : l)).join('\n'));
  msrCase('empty file', '');
  msrCase('only blank lines', '\n\n  \n');
  msrCase('all zeros (the a13_s09_e02 defect)', '0 0 0 0\n'.repeat(40));
  msrCase('unknown action a21', base, 'a21_s01_e01_skeleton3D.txt');
}

// ---------------------------------------------------------------- PKU-MMD
{
  const row = (t: number, second: boolean) => Array.from({ length: 150 }, (_, k) => (k >= 75 && !second ? '0' : (0.001 * k + t).toFixed(4))).join(' ');
  const skelLines = Array.from({ length: 30 }, (_, t) => row(t, t > 20));
  const skel = skelLines.join('\n') + '\n';
  const labels = '3,1,10,1\n17,12,25,2\n';
  const pair = (s: string, l: string) => {
    const sub = path.join(dir, String(counter++));
    fs.mkdirSync(sub);
    const sp = path.join(sub, '0002-L.txt');
    const lp = path.join(sub, '0002-L.labels.txt');
    fs.writeFileSync(sp, s);
    fs.writeFileSync(lp, l);
    return { sp, lp };
  };
  const ok = pair(skel, labels);
  valid.push({ name: 'PKU base', file: ok.sp, read: () => readPkuMmdVideo(ok.sp, ok.lp) });
  const skelCase = (name: string, s: string) => {
    const { sp, lp } = pair(s, labels);
    cases.push({ name: `PKU skeleton ${name}`, file: sp, read: () => readPkuMmdVideo(sp, lp) });
  };
  const labelCase = (name: string, l: string) => {
    const { sp, lp } = pair(skel, l);
    cases.push({ name: `PKU labels ${name}`, file: lp, read: () => readPkuMmdVideo(sp, lp) });
  };
  for (const k of [5, 400, skel.length / 2, skel.length - 10]) skelCase(`truncated at byte ${Math.floor(k)}`, skel.slice(0, Math.floor(k)));
  skelCase('a line with 149 values', skelLines.map((l, i) => (i === 3 ? l.split(' ').slice(1).join(' ') : l)).join('\n'));
  skelCase('a line with 75 values (one body)', skelLines.map((l, i) => (i === 3 ? l.split(' ').slice(0, 75).join(' ') : l)).join('\n'));
  skelCase('NaN', skelLines.map((l, i) => (i === 7 ? l.replace(/^\S+/, 'NaN') : l)).join('\n'));
  skelCase('Infinity', skelLines.map((l, i) => (i === 7 ? l.replace(/^\S+/, '-Infinity') : l)).join('\n'));
  skelCase('text in a value', skelLines.map((l, i) => (i === 9 ? l.replace(/ \S+$/, ' x') : l)).join('\n'));
  skelCase('empty file', '');
  labelCase('unknown class 52', '52,1,10,1\n');
  labelCase('class 0', '0,1,10,1\n');
  labelCase('segment past the last frame (header lie)', '3,20,31,1\n');
  labelCase('empty segment (end < start)', '3,10,9,1\n');
  labelCase('frame 0 with 1-based numbering', '3,0,9,1\n');
  labelCase('negative start', '3,-4,9,1\n');
  labelCase('overlapping segments', '3,1,10,1\n4,10,20,1\n');
  labelCase('3 fields', '3,1,10\n');
  labelCase('text instead of a class', 'drink,1,10,1\n');
  labelCase('non-integer frame', '3,1.5,10,1\n');
  labelCase('empty label file', '\n');
  labelCase('NaN confidence', '3,1,10,NaN\n');
}

describe('corrupted skeleton corpus', () => {
  test('the corpus has at least 60 inputs over all five formats', () => {
    assert.ok(cases.length >= 60, `${cases.length} cases`);
    for (const f of ['NTU', 'NW-UCLA', 'UTD', 'MSR', 'PKU']) assert.ok(cases.filter((c) => c.name.startsWith(f)).length >= 8, f);
  });

  for (const v of valid) {
    test(`control: ${v.name} parses (so each defect below is what breaks it)`, () => {
      const out = v.read();
      for (const s of Array.isArray(out) ? out : [out]) assert.ok(s.data.every((x) => Number.isFinite(x)));
    });
  }

  for (const c of cases) {
    test(c.name, () => {
      let result: unknown;
      try {
        result = c.read();
      } catch (e) {
        assert.ok(e instanceof FsvaeInputError, `${c.name}: threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
        assert.equal(e.name, 'FsvaeInputError');
        assert.ok(e.message.includes(c.file), `${c.name}: message does not name ${c.file}: ${e.message}`);
        return;
      }
      assert.fail(`${c.name}: no error; returned ${JSON.stringify(result)?.slice(0, 120)}`);
    });
  }

  test('inspect raises the same FsvaeInputError for a corrupted file', () => {
    const c = cases.find((x) => x.name === 'UTD d_skel as int32 (wrong dtype)');
    assert.ok(c);
    assert.throws(
      () => inspectPath(c.file),
      (e: unknown) => e instanceof FsvaeInputError && e.message.includes(c.file) && /d_skel is int32/.test(e.message),
    );
  });
});
