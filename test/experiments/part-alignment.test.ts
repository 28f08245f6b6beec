/** Lever (b), part-aware alignment: the part sequences stage 1 describes, the part descriptions, and how the blocks are put together. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BODY_PARTS, KINECT_V1_REFERENCE_JOINTS, partJoints, partSequence } from '../../lib/data/body-parts';
import { SkeletonSequence } from '../../lib/data/skeleton';
import { DCT_DESCRIPTOR_DEFAULT, describeSequences } from '../../lib/stage1/descriptor';
import { augmentClip, prepareClip } from '../../lib/stage1/input';
import { extractorConfig } from '../../lib/stage1/extractors';
import { isDctExtractorConfig } from '../../lib/stage1/dct-extractor';
import { Random } from '../../lib/util/random';
import { PART_FEATURE_DIM, concatFeatureSets, partExtractor, partText, readPartAlignmentResults } from '../../lib/experiments/part-alignment';
import { loadClassDescriptions } from '../../lib/text/cache';
import { loadPartDescriptions } from '../../lib/text/part-descriptions';
import { LeverRun, leverRows } from '../../lib/experiments/levers';
import { repoRoot } from '../../lib/data/paths';

/** A Kinect-v1 body standing at (0.3, 0, 2.5) m, every joint on its own smooth path (so no two coefficients coincide by accident). */
function kinectV1Sequence(seed: number, frames = 40): SkeletonSequence {
  const rest: [number, number, number][] = [
    [0, 0, 0],
    [0, 0.2, 0],
    [0, 0.45, 0],
    [0, 0.62, 0],
    [-0.18, 0.42, 0],
    [-0.25, 0.18, 0],
    [-0.28, -0.05, 0],
    [-0.29, -0.12, 0],
    [0.18, 0.42, 0],
    [0.25, 0.18, 0],
    [0.28, -0.05, 0],
    [0.29, -0.12, 0],
    [-0.1, -0.05, 0],
    [-0.11, -0.45, 0],
    [-0.11, -0.85, 0],
    [-0.12, -0.9, 0.08],
    [0.1, -0.05, 0],
    [0.11, -0.45, 0],
    [0.11, -0.85, 0],
    [0.12, -0.9, 0.08],
  ];
  const rng = new Random(seed);
  const phase = rest.map(() => [rng.range(0, 6), rng.range(0, 6), rng.range(0, 6)]);
  const data = new Float32Array(frames * 20 * 3);
  for (let t = 0; t < frames; t++) {
    for (let j = 0; j < 20; j++) {
      for (let c = 0; c < 3; c++) data[(t * 20 + j) * 3 + c] = [0.3, 0, 2.5][c] + rest[j][c] + 0.05 * Math.sin(0.15 * t * (1 + j / 10) + phase[j][c]);
    }
  }
  return { id: `v1-${seed}`, label: 0, layout: 'kinect-v1-20', bodies: 1, frames, joints: 20, data };
}

test('body parts: each part keeps its joints and the five reference joints (centre and view), listed by hand', () => {
  assert.deepEqual(
    [...KINECT_V1_REFERENCE_JOINTS].sort((a, b) => a - b),
    [0, 1, 2, 12, 16],
  );
  assert.deepEqual(partJoints('trunk-head'), [0, 1, 2, 3, 12, 16]);
  assert.deepEqual(partJoints('left-arm'), [0, 1, 2, 4, 5, 6, 7, 12, 16]);
  assert.deepEqual(partJoints('right-arm'), [0, 1, 2, 8, 9, 10, 11, 12, 16]);
  assert.deepEqual(partJoints('legs'), [0, 1, 2, 12, 13, 14, 15, 16, 17, 18, 19]);
  // every joint is in some part
  assert.deepEqual(
    [...new Set(BODY_PARTS.flatMap(partJoints))].sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, j) => j),
  );
  const ntu: SkeletonSequence = { ...kinectV1Sequence(1), layout: 'kinect-v2-25', joints: 25, frames: 1, data: new Float32Array(75) };
  assert.throws(() => partSequence(ntu, 'legs'), /kinect-v1-20 layout/);
});

test('part sequence through stage 1: the kept joints describe exactly as in the full sequence, the others give zeros, augmented too', () => {
  const full = kinectV1Sequence(7);
  const cfg = DCT_DESCRIPTOR_DEFAULT;
  const K = cfg.coefficients;
  const a = describeSequences([full], cfg).data;
  for (const part of BODY_PARTS) {
    const seq = partSequence(full, part);
    assert.equal(seq.id, full.id);
    const keep = new Set(partJoints(part));
    const b = describeSequences([seq], cfg).data;
    // row layout [stream][joint][xyz][coefficient]
    for (let stream = 0; stream < 2; stream++) {
      for (let j = 0; j < 20; j++) {
        for (let q = 0; q < 3 * K; q++) {
          const i = (stream * 20 + j) * 3 * K + q;
          if (keep.has(j)) assert.ok(Object.is(b[i], a[i]), `${part}: joint ${j} value ${q} differs (${b[i]} vs ${a[i]})`);
          else assert.equal(b[i], 0, `${part}: missing joint ${j} has coefficient ${b[i]}`);
        }
      }
    }
    // the training augmentation (crop, yaw, scale) keeps missing joints at zero and moves the kept ones as in the full clip
    const input = { frames: cfg.frames, bodies: 1, center: 'first-frame' as const, view: true };
    const aug = { maxYawDeg: 15, scale: 0.1, cropMin: 0.85 };
    const fa = augmentClip(prepareClip(full, input), 1, cfg.frames, 20, aug, new Random(3));
    const pa = augmentClip(prepareClip(seq, input), 1, cfg.frames, 20, aug, new Random(3));
    for (let t = 0; t < cfg.frames; t++) {
      for (let j = 0; j < 20; j++) {
        for (let c = 0; c < 3; c++) {
          const i = (t * 20 + j) * 3 + c;
          assert.equal(pa[i], keep.has(j) ? fa[i] : 0, `${part}: augmented frame ${t} joint ${j}`);
        }
      }
    }
  }
});

test("part extractor: Table 1's dct-lda with 64 principal axes; a GCN has no such width", () => {
  const base = extractorConfig('dct-lda');
  assert.ok(isDctExtractorConfig(base) && base.metric);
  const p = partExtractor(base);
  assert.equal(PART_FEATURE_DIM * BODY_PARTS.length, 256);
  assert.equal(p.metric?.outDim, 64);
  assert.equal(p.name, 'dct-lda-part64');
  assert.deepEqual({ ...p.metric, outDim: 256 }, base.metric);
  assert.deepEqual(p.descriptor, base.descriptor);
  assert.equal(base.metric.outDim, 256, 'the preset itself is unchanged');
  assert.throws(() => partExtractor(extractorConfig('dct-descriptor')), /learned DCT extractor/);
  assert.throws(() => partExtractor(extractorConfig('st-gcn-small')), /learned DCT extractor/);
});

test('feature blocks side by side, row for row; rows with other labels are refused', () => {
  const a = { features: Float32Array.from([1, 2, 3, 4]), rows: 2, dim: 2, labels: Int32Array.from([5, 6]) };
  const b = { features: Float32Array.from([7, 8]), rows: 2, dim: 1, labels: Int32Array.from([5, 6]) };
  const c = concatFeatureSets([a, b], 'test');
  assert.deepEqual([...c.features], [1, 2, 7, 3, 4, 8]);
  assert.equal(c.dim, 3);
  assert.deepEqual([...c.labels], [5, 6]);
  assert.throws(() => concatFeatureSets([a, { ...b, labels: Int32Array.from([6, 5]) }], 'test'), /block #1 has 2 rows with other labels/);
});

test('part text: the global text and the part texts each make half the unit norm (closed form)', () => {
  // class 0: global (3, 4) → (0.6, 0.8); parts (1, 0) and (0, 2) → (1, 0, 0, 2)/√5; each half then ÷ √2
  const global = { rows: 1, cols: 2, data: Float32Array.from([3, 4]) };
  const parts = [
    { rows: 1, cols: 2, data: Float32Array.from([1, 0]) },
    { rows: 1, cols: 2, data: Float32Array.from([0, 2]) },
  ];
  const t = partText(global, parts, 'test');
  const s2 = Math.SQRT2;
  const expected = [0.6 / s2, 0.8 / s2, 1 / Math.sqrt(5) / s2, 0, 0, 2 / Math.sqrt(5) / s2];
  assert.equal(t.cols, 6);
  t.data.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-7, `value ${i}: ${v} vs ${expected[i]}`));
});

test('part descriptions: every class of both datasets, in class order; a wrong label or a missing part names the file', () => {
  for (const dataset of ['nw-ucla', 'utd-mhad']) {
    const desc = loadClassDescriptions(dataset);
    const parts = loadPartDescriptions(desc);
    for (const p of BODY_PARTS) {
      assert.equal(parts.texts[p].length, desc.classes.length, `${dataset} ${p}`);
      // a part sentence never names its class
      parts.texts[p].forEach((t, c) => assert.ok(!t.toLowerCase().includes(desc.classes[c].label.toLowerCase()), `${dataset} class ${c} ${p}: ${t}`));
    }
  }
  // the two classes the class texts confuse get different leg descriptions
  const utd = loadPartDescriptions(loadClassDescriptions('utd-mhad'));
  assert.notEqual(utd.texts.legs[23], utd.texts.legs[24]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parts-'));
  const desc = loadClassDescriptions('nw-ucla');
  assert.throws(() => loadPartDescriptions(desc, dir), /parts\/nw-ucla\.json does not exist/);
  fs.mkdirSync(path.join(dir, 'parts'));
  const good = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'data', 'descriptions', 'parts', 'nw-ucla.json'), 'utf8'));
  const write = (v: unknown) => fs.writeFileSync(path.join(dir, 'parts', 'nw-ucla.json'), JSON.stringify(v));
  write({ ...good, classes: good.classes.map((c: Record<string, unknown>, i: number) => (i === 3 ? { ...c, label: 'walking' } : c)) });
  assert.throws(() => loadPartDescriptions(desc, dir), /classes\[3\].*expected id 3, code a04, label 'walk around'/);
  write({ ...good, classes: good.classes.map((c: Record<string, unknown>, i: number) => (i === 2 ? { ...c, legs: '' } : c)) });
  assert.throws(() => loadPartDescriptions(desc, dir), /nw-ucla\.json: classes\[2\]\["legs"\] must be a non-empty single-line string/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('stored table: rows recomputed from the runs; an edited row is refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parts-results-'));
  const run = (mode: string, seed: number, zsl: number, valFinal: number): LeverRun => ({
    dataset: 'nw-ucla',
    split: 'nw-ucla-8/2',
    mode,
    seed,
    zsl,
    valFinal,
    chance: 0.5,
    valChance: 0.5,
    seconds: 1,
    engine: 'fused',
    code: 'x',
  });
  const runs = [run('none', 1, 0.4, 0.6), run('none', 2, 0.5, 0.7), run('parts', 1, 0.6, 0.8), run('parts', 2, 0.7, 0.9)];
  const { rows, chosen } = leverRows(runs, ['none', 'parts'], 'none');
  assert.deepEqual(chosen, { 'nw-ucla': 'parts' });
  const file = path.join(dir, 'transfer_part_alignment_full.json');
  fs.writeFileSync(file, JSON.stringify({ rows, runs, notes: ['n'], provenance: {}, chosen }));
  const r = readPartAlignmentResults('full', dir)!;
  assert.deepEqual(r.rows, rows);
  // paired Δ of parts vs none: +0.2 on both seeds → 20 points, SD 0
  assert.equal(r.rows.find((x) => x.split === 'nw-ucla-8/2' && x.mode === 'parts')!.ZSL, 65);
  fs.writeFileSync(file, JSON.stringify({ rows: rows.map((x, i) => (i === 0 ? { ...x, ZSL: 99 } : x)), runs, notes: [], provenance: {} }));
  assert.throws(() => readPartAlignmentResults('full', dir), /rows differ from the rows recomputed/);
  assert.equal(readPartAlignmentResults('quick', dir), null);
  fs.rmSync(dir, { recursive: true, force: true });
});
