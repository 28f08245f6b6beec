import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AnimatedFigure,
  animatedFigure,
  animationFrameIndices,
  bodiesWithData,
  enhancedSequence,
  enhancedSkeletonFigure,
  samplesPerClass,
  skeletonFigure,
  skeletonGridFigure,
} from '../../lib/viz/skeleton';
import { KINECT_V1_20, KINECT_V2_25 } from '../../lib/data/layouts';
import { JointLayoutName, SkeletonSequence, makeSequence } from '../../lib/data/skeleton';
import { frequencyConfig, gainProfile } from '../../lib/frequency/enhancer';
import { locateData } from '../../lib/data/paths';
import { readNwUclaFolder } from '../../lib/data/datasets/nw-ucla';
import { Random } from '../../lib/util/random';
import { FsvaeInputError } from '../../lib/util/assert';

/** Joint j at frame t of body b: a distinct, hand-checkable position. */
function pos(b: number, t: number, j: number): [number, number, number] {
  return [0.1 * j - 1 + b, 0.05 * t + 0.01 * j, 3 + 0.001 * (t * 31 + j)];
}

function seqOf(layout: JointLayoutName, frames: number, opts: { bodies?: number; emptyBodies?: number[]; label?: number; id?: string } = {}): SkeletonSequence {
  const joints = layout === 'kinect-v2-25' ? 25 : 20;
  const bodies = opts.bodies ?? 1;
  const data = new Float32Array(bodies * frames * joints * 3);
  for (let b = 0; b < bodies; b++) {
    if (opts.emptyBodies?.includes(b)) continue;
    for (let t = 0; t < frames; t++) for (let j = 0; j < joints; j++) data.set(pos(b, t, j), ((b * frames + t) * joints + j) * 3);
  }
  return makeSequence({ id: opts.id ?? `${layout}-${frames}`, label: opts.label ?? 0, layout, bodies, frames, joints, data });
}

const nulls = (a: unknown[]) => a.filter((v) => v === null).length;
const trace = (fig: AnimatedFigure, i: number) =>
  fig.data[i] as { x: (number | null)[]; y: (number | null)[]; z?: (number | null)[]; scene?: string; xaxis?: string };

describe('skeletonFigure (3D, animated)', () => {
  for (const [layout, bones] of [
    ['kinect-v2-25', 24],
    ['kinect-v1-20', 19],
  ] as const) {
    test(`${layout}: one trace, ${bones} bone segments (3 vertices each), frames = min(maxFrames, F)`, () => {
      const want = layout === 'kinect-v2-25' ? KINECT_V2_25.bones.length : KINECT_V1_20.bones.length;
      assert.equal(want, bones);
      const fig = skeletonFigure(seqOf(layout, 30), { maxFrames: 10 });
      assert.equal(fig.data.length, 1);
      const tr = trace(fig, 0);
      assert.equal(tr.x.length, 3 * bones);
      assert.equal(nulls(tr.x), bones);
      assert.equal(fig.frames.length, 10);
      for (const f of fig.frames) {
        assert.deepEqual(f.traces, [0]);
        assert.equal((f.data[0].x as unknown[]).length, 3 * bones);
      }
      // slider: one step per frame, each animating that frame
      const steps = (fig.layout!.sliders as { steps: { args: unknown[][] }[] }[])[0].steps;
      assert.equal(steps.length, 10);
      assert.deepEqual(steps[3].args[0], ['3']);
      // unsubsampled when F ≤ maxFrames
      assert.equal(skeletonFigure(seqOf(layout, 7)).frames.length, 7);
    });
  }

  test('vertices are the joints of the shown frame: bone k = (child, parent, null), frames subsampled at round(k·(F−1)/(steps−1))', () => {
    assert.deepEqual(animationFrameIndices(30, 10), [0, 3, 6, 10, 13, 16, 19, 23, 26, 29]);
    assert.deepEqual(animationFrameIndices(5, 1), [0]);
    const fig = skeletonFigure(seqOf('kinect-v1-20', 30), { maxFrames: 10 });
    const f = fig.frames[3].data[0] as { x: (number | null)[]; y: (number | null)[]; z: (number | null)[] };
    const t = 10; // step 3 of 10 over 30 frames
    KINECT_V1_20.bones.forEach(([child, parent], k) => {
      for (const [v, j] of [
        [0, child],
        [1, parent],
      ] as const) {
        const p = pos(0, t, j).map((u) => Math.round(Math.fround(u) * 1000) / 1000);
        assert.deepEqual([f.x[3 * k + v], f.y[3 * k + v], f.z[3 * k + v]], p, `bone ${k} vertex ${v}`);
      }
      assert.equal(f.x[3 * k + 2], null);
    });
  });

  test('side by side: one scene per sequence, equal ranges on all axes (equal scaling), shared across panels', () => {
    const a = seqOf('kinect-v2-25', 20, { id: 'a' });
    const b = seqOf('kinect-v1-20', 12, { id: 'b' });
    const fig = skeletonFigure([a, b], { maxFrames: 15 });
    assert.equal(fig.data.length, 2);
    assert.deepEqual([trace(fig, 0).scene, trace(fig, 1).scene], ['scene', 'scene2']);
    assert.equal(fig.frames.length, 15);
    // the shorter sequence ends on its last frame together with the longer one
    const last = fig.frames[14].data[1] as { y: (number | null)[] };
    assert.equal(last.y[0], Math.round(Math.fround(pos(0, 11, KINECT_V1_20.bones[0][0])[1]) * 1000) / 1000);
    const widths: number[] = [];
    for (const s of ['scene', 'scene2']) {
      const sc = fig.layout![s] as Record<string, { range: [number, number] }> & { aspectmode: string };
      assert.equal(sc.aspectmode, 'cube');
      for (const ax of ['xaxis', 'yaxis', 'zaxis']) widths.push(sc[ax].range[1] - sc[ax].range[0]);
    }
    for (const w of widths) assert.ok(Math.abs(w - widths[0]) < 1e-12, `${widths}`);
    // the widest extent (x over 25 joints: 2.4 m) fits: 2·h ≥ 2.4
    assert.ok(widths[0] >= 2.4 && widths[0] < 2.4 * 1.06 + 1e-9, `${widths[0]}`);
  });

  test('bodies: an all-zero second body is not drawn, two real bodies give two traces', () => {
    assert.deepEqual(bodiesWithData(seqOf('kinect-v2-25', 5, { bodies: 2, emptyBodies: [1] })), [0]);
    assert.equal(skeletonFigure(seqOf('kinect-v2-25', 5, { bodies: 2, emptyBodies: [1] })).data.length, 1);
    assert.equal(skeletonFigure(seqOf('kinect-v2-25', 5, { bodies: 2 })).data.length, 2);
  });

  test('bad input: too many scenes, a joint count that does not match the layout', () => {
    const s = seqOf('kinect-v1-20', 4);
    assert.throws(() => skeletonFigure([s, s, s, s, s]), FsvaeInputError);
    const wrong = { ...s, layout: 'kinect-v2-25' as const };
    assert.throws(() => skeletonFigure(wrong), /layout kinect-v2-25 has 25 joints but the sequence has 20/);
    assert.throws(() => skeletonFigure(s, { maxFrames: 0 }), FsvaeInputError);
  });
});

describe('enhancedSequence: IDCT(g ⊙ DCT) of every joint trajectory along time (Eq. 33)', () => {
  // a DCT-II basis vector along time: the enhancement multiplies it by g(i)
  const F = 40;
  const basis = (i: number, t: number) => Math.cos((Math.PI * (t + 0.5) * i) / F);
  function probe(): SkeletonSequence {
    const data = new Float32Array(F * 20 * 3);
    for (let t = 0; t < F; t++) {
      for (let j = 0; j < 20; j++) {
        const o = (t * 20 + j) * 3;
        data[o] = 0.1 * j + 0.2 * basis(3, t) * (j === 7 ? 1 : 0);
        data[o + 1] = 0.05 * j + 0.3 * basis(35, t) * (j === 7 ? 1 : 0);
        data[o + 2] = 3;
      }
    }
    return makeSequence({ id: 'probe', label: 0, layout: 'kinect-v1-20', bodies: 1, frames: F, joints: 20, data });
  }

  test("'off' is the identity", () => {
    const s = probe();
    const e = enhancedSequence(s, 'off');
    for (let i = 0; i < s.data.length; i++) assert.ok(Math.abs(e.data[i] - s.data[i]) < 1e-5);
  });

  test('reference gains: offset from the body mean × g(0), cos_3 × g(3), cos_35 × g(35); mean added back', () => {
    const cfg = frequencyConfig('reference');
    const g = gainProfile(F, cfg);
    assert.ok(g[0] > 1 && g[35] < 1, 'low band boosted, high band damped at init');
    const s = probe();
    const e = enhancedSequence(s, cfg);
    const mx = 0.1 * 9.5; // mean over joints of 0.1·j (the cosines have zero mean over t)
    const my = 0.05 * 9.5;
    for (const t of [0, 13, 39]) {
      for (const j of [0, 7, 19]) {
        const o = (t * 20 + j) * 3;
        const wantX = mx + g[0] * (0.1 * j - mx) + (j === 7 ? g[3] * 0.2 * basis(3, t) : 0);
        const wantY = my + g[0] * (0.05 * j - my) + (j === 7 ? g[35] * 0.3 * basis(35, t) : 0);
        assert.ok(Math.abs(e.data[o] - wantX) < 2e-5, `x t=${t} j=${j}: ${e.data[o]} vs ${wantX}`);
        assert.ok(Math.abs(e.data[o + 1] - wantY) < 2e-5, `y t=${t} j=${j}: ${e.data[o + 1]} vs ${wantY}`);
        assert.ok(Math.abs(e.data[o + 2] - 3) < 2e-5, 'constant z stays');
      }
    }
    // without centring the camera distance is scaled by g(0)
    const raw = enhancedSequence(s, cfg, { centre: false });
    assert.ok(Math.abs(raw.data[2] - 3 * g[0]) < 2e-5);
  });

  test('enhancedSkeletonFigure: two panels on one scale', () => {
    const fig = enhancedSkeletonFigure(probe(), 'reference', { maxFrames: 8 });
    assert.equal(fig.data.length, 2);
    assert.equal(fig.frames.length, 8);
    assert.throws(() => enhancedSequence(seqOf('kinect-v1-20', 1)), /at least 2 frames/);
  });
});

describe('skeletonGridFigure and samplesPerClass', () => {
  const seqs = Array.from({ length: 12 }, (_, i) =>
    seqOf(i % 2 ? 'kinect-v1-20' : 'kinect-v2-25', 10 + i, { label: i % 4, id: `s${String(i).padStart(2, '0')}` }),
  );

  test('samplesPerClass: first ids per class, classes ascending; seeded picks are reproducible', () => {
    const pick = samplesPerClass(seqs, 2);
    assert.deepEqual(
      pick.map((s) => s.id),
      ['s00', 's04', 's01', 's05', 's02', 's06', 's03', 's07'],
    );
    assert.deepEqual(
      samplesPerClass(seqs, 5, { classes: [3] }).map((s) => s.id),
      ['s03', 's07', 's11'],
    );
    const r1 = samplesPerClass(seqs, 2, { seed: 4 }).map((s) => s.id);
    assert.deepEqual(
      samplesPerClass(seqs, 2, { seed: 4 }).map((s) => s.id),
      r1,
    );
    assert.throws(() => samplesPerClass(seqs, 1, { classes: [9] }), /no sequence of class 9/);
    // the seeded pick is a subset of each class in id order
    const rng = new Random(4);
    const want = Array.from(rng.sampleWithoutReplacement(3, 2))
      .sort((a, b) => a - b)
      .map((k) => ['s00', 's04', 's08'][k]);
    assert.deepEqual(r1.slice(0, 2), want);
  });

  test('grid: one trace per panel on its own axes, bones of each layout, scaleanchor per panel', () => {
    const pick = seqs.slice(0, 7);
    const fig = skeletonGridFigure(pick, { columns: 3, maxFrames: 6 });
    assert.equal(fig.data.length, 7);
    assert.equal(fig.frames.length, 6);
    pick.forEach((s, i) => {
      const tr = trace(fig, i);
      const bones = s.layout === 'kinect-v2-25' ? 24 : 19;
      assert.equal(nulls(tr.x), bones);
      assert.equal(tr.xaxis, i === 0 ? 'x' : `x${i + 1}`);
      const y = fig.layout![i === 0 ? 'yaxis' : `yaxis${i + 1}`] as { scaleanchor: string; range: number[] };
      const x = fig.layout![i === 0 ? 'xaxis' : `xaxis${i + 1}`] as { range: number[] };
      assert.equal(y.scaleanchor, i === 0 ? 'x' : `x${i + 1}`);
      // front view: horizontal axis reversed (the sensor's view), equal spans
      assert.ok(x.range[0] > x.range[1]);
      assert.ok(Math.abs(x.range[0] - x.range[1] - (y.range[1] - y.range[0])) < 1e-12);
    });
    assert.equal((fig.layout!.meta as { rows: number }).rows, 3);
    // each panel on its own extent by default (x spans 2.4 m for 25 joints, 1.9 m for 20), one extent with shareScale
    const span = (f: AnimatedFigure, i: number) => {
      const r = (f.layout![i === 0 ? 'xaxis' : `xaxis${i + 1}`] as { range: number[] }).range;
      return r[0] - r[1];
    };
    assert.ok(Math.abs(span(fig, 0) / span(fig, 1) - 2.4 / 1.9) < 0.01, `${span(fig, 0)} / ${span(fig, 1)}`);
    const sharedFig = skeletonGridFigure(pick, { columns: 3, maxFrames: 6, shareScale: true });
    assert.equal(span(sharedFig, 1), span(sharedFig, 0));
    // vertices: whole cm from the centre of the panel's bounding box (front view: x, y)
    const s0 = pick[0];
    const centre = [0, 1].map((c) => {
      const v = Array.from(s0.data).filter((_, k) => k % 3 === c);
      return (Math.min(...v) + Math.max(...v)) / 2;
    });
    const [child] = KINECT_V2_25.bones[4];
    const f0 = fig.frames[0].data[0] as { x: number[]; y: number[] };
    const p = pos(0, 0, child).map((u) => Math.fround(u));
    assert.deepEqual([f0.x[12], f0.y[12]], [Math.round((p[0] - centre[0]) * 100), Math.round((p[1] - centre[1]) * 100)]);
  });

  test('animatedFigure writes a page that passes the frames to Plotly.newPlot', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-skel-'));
    const prev = process.env.FSVAE_RESULTS;
    process.env.FSVAE_RESULTS = dir;
    try {
      const fig = skeletonFigure(seqs[0], { maxFrames: 4 });
      const out = animatedFigure(fig, 'probe');
      assert.equal(out.file, path.join(dir, 'figures', 'probe.html'));
      // the still next to it, and shown first in the notebook output (test/viz/static-figures.test.ts checks it in detail)
      assert.equal(out.svg, path.join(dir, 'figures', 'probe.svg'));
      assert.match(fs.readFileSync(out.svg, 'utf8'), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.match(out.html, /^<img id="fsvae-fig-[0-9a-f]{12}-static" /);
      const page = fs.readFileSync(out.file, 'utf8');
      assert.match(page, /Plotly\.newPlot\("fig", \{data: /);
      const frames = JSON.parse(page.slice(page.indexOf('frames: ') + 8, page.indexOf(', config:')));
      assert.equal(frames.length, 4);
      assert.match(out.html, /frames: \[/);
    } finally {
      if (prev === undefined) delete process.env.FSVAE_RESULTS;
      else process.env.FSVAE_RESULTS = prev;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('real NW-UCLA sequence', () => {
  test('kinect-v1-20 file: 19 bone segments, frames = min(60, F)', (t) => {
    const loc = locateData('nw-ucla/all_sqe');
    if (!loc.path) {
      t.skip(`NW-UCLA not found (tried ${loc.tried.join(', ')})`);
      return;
    }
    const [s] = readNwUclaFolder(loc.path, 1);
    assert.equal(s.id, 'a01_s01_e00_v01');
    const fig = skeletonFigure(s);
    assert.equal(fig.data.length, 1);
    assert.equal(nulls(trace(fig, 0).x), 19);
    assert.equal(fig.frames.length, Math.min(60, s.frames));
    const e = enhancedSkeletonFigure(s);
    assert.equal(e.data.length, 2);
  });
});
