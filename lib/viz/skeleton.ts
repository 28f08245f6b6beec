/**
 * Skeleton viewer: plotly figures of SkeletonSequence data, animated over frames (plotly frames,
 * a slider and a play button). Bones come from the joint layout (lib/data/layouts.ts).
 *
 * - skeletonFigure: 1-4 sequences side by side in 3D scenes (one WebGL context per scene, so the
 *   count is capped), equal axis scaling, camera placed at the sensor looking along +z with y up
 *   (every reader here yields Kinect camera space: x, y up, z depth in metres).
 * - enhancedSkeletonFigure: a sequence before / after frequency enhancement along time (Sec. 3.2:
 *   IDCT(g ⊙ DCT(T_j)) for every joint coordinate trajectory T_j).
 * - skeletonGridFigure: many sequences as 2D projections in a grid of SVG subplots (no WebGL).
 *
 * plotly.ts's figure() draws data + layout only; animated figures go through animatedFigure(),
 * which writes the same standalone page and notebook snippet with the frames passed to newPlot,
 * and a static SVG still (animatedFigureSvg) shown where no script runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { SkeletonSequence, makeSequence } from '../data/skeleton';
import { JointLayout, jointLayout } from '../data/layouts';
import { FrequencyConfig, FrequencyPresetName, frequencyConfig, gainProfile } from '../frequency/enhancer';
import { enhanceTrajectory } from '../frequency/energy';
import { Random } from '../util/random';
import { FsvaeInputError } from '../util/assert';
import { resultsDir } from '../report/table';
import { Figure, plotLayout, staticThenInteractiveHtml } from './plotly';
import { escapeXml, plotlyTextLines, svgImgTag } from './svg';

export interface PlotlyFrame {
  name: string;
  data: Record<string, unknown>[];
  /** indices of the figure's traces that `data` updates, in order. */
  traces: number[];
}

export interface AnimatedFigure extends Figure {
  frames: PlotlyFrame[];
}

export interface SkeletonViewOptions {
  /** at most this many animation steps; longer sequences are subsampled evenly (default 60 in 3D, 20 in grids). */
  maxFrames?: number;
  /** one title per sequence (default: id and class label). */
  titles?: string[];
  /** figure title. */
  title?: string;
  /** milliseconds per step when playing (default 80). */
  frameDurationMs?: number;
  /** bodies to draw; default every body that has a non-zero coordinate. */
  bodies?: number[];
  /** same axis half-extent for all panels, so sizes compare (default: true in 3D, false in grids). */
  shareScale?: boolean;
  /** 3D figures: coordinates rounded to this many decimals of a metre (default 3 = mm). Grids use whole centimetres from each panel's centre. */
  decimals?: number;
}

const MAX_3D_SCENES = 4;
const BONE_COLOR = '#444444';
const SIDE_COLOR = { left: '#1f77b4', right: '#d62728', centre: '#333333' } as const;

type Side = keyof typeof SIDE_COLOR;

function sideOfJoints(layout: JointLayout): Side[] {
  const side: Side[] = layout.joints.map(() => 'centre');
  for (const [l, r] of layout.mirrorPairs) {
    side[l] = 'left';
    side[r] = 'right';
  }
  return side;
}

function checkSequence(seq: SkeletonSequence, what: string): JointLayout {
  if (!seq || !(seq.data instanceof Float32Array))
    throw new FsvaeInputError(`${what}: not a SkeletonSequence ` + '(expected {id, layout, bodies, frames, joints, data: Float32Array}).');
  const layout = jointLayout(seq.layout);
  if (layout.joints.length !== seq.joints) {
    throw new FsvaeInputError(
      `${what} (${seq.id}): layout ${seq.layout} has ${layout.joints.length} joints but the sequence has ${seq.joints}; ` + "fix the reader's layout field.",
    );
  }
  if (seq.frames < 1) throw new FsvaeInputError(`${what} (${seq.id}): sequence has no frames.`);
  if (seq.data.length !== seq.bodies * seq.frames * seq.joints * 3) {
    throw new FsvaeInputError(
      `${what} (${seq.id}): data has ${seq.data.length} values, ` +
        `expected bodies·frames·joints·3 = ${seq.bodies * seq.frames * seq.joints * 3}; build it with makeSequence.`,
    );
  }
  return layout;
}

/** Bodies with at least one non-zero coordinate (NTU files pad a missing second body with zeros). */
export function bodiesWithData(seq: SkeletonSequence): number[] {
  const per = seq.frames * seq.joints * 3;
  const out: number[] = [];
  for (let b = 0; b < seq.bodies; b++) {
    for (let i = b * per; i < (b + 1) * per; i++) {
      if (seq.data[i] !== 0) {
        out.push(b);
        break;
      }
    }
  }
  return out.length ? out : [0];
}

function frameIsEmpty(seq: SkeletonSequence, body: number, t: number): boolean {
  const o = (body * seq.frames + t) * seq.joints * 3;
  for (let i = 0; i < seq.joints * 3; i++) if (seq.data[o + i] !== 0) return false;
  return true;
}

/**
 * Frame index of each animation step: steps = min(maxFrames, longest sequence); step k of a
 * sequence with F frames shows frame round(k·(F−1)/(steps−1)), so sequences of different
 * lengths play start to end in sync.
 */
export function animationFrameIndices(frames: number, steps: number): number[] {
  if (steps <= 1) return [0];
  return Array.from({ length: steps }, (_, k) => Math.round((k * (frames - 1)) / (steps - 1)));
}

function stepCount(seqs: readonly SkeletonSequence[], maxFrames: number): number {
  if (!Number.isInteger(maxFrames) || maxFrames < 1) throw new FsvaeInputError(`skeleton viewer: maxFrames must be a positive integer, got ${maxFrames}.`);
  return Math.min(maxFrames, Math.max(...seqs.map((s) => s.frames)));
}

interface Box {
  lo: [number, number, number];
  hi: [number, number, number];
}

function boundingBox(seq: SkeletonSequence, bodies: number[]): Box {
  const lo: [number, number, number] = [Infinity, Infinity, Infinity];
  const hi: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (const b of bodies) {
    for (let t = 0; t < seq.frames; t++) {
      if (frameIsEmpty(seq, b, t)) continue;
      const o = (b * seq.frames + t) * seq.joints * 3;
      for (let j = 0; j < seq.joints; j++) {
        for (let c = 0; c < 3; c++) {
          const v = seq.data[o + j * 3 + c];
          if (v < lo[c]) lo[c] = v;
          if (v > hi[c]) hi[c] = v;
        }
      }
    }
  }
  if (!Number.isFinite(lo[0])) return { lo: [-1, -1, -1], hi: [1, 1, 1] };
  return { lo, hi };
}

/** Equal scaling: every axis spans centre ± the same half-extent h (5 % margin). */
function halfExtent(box: Box, dims: number[]): number {
  return Math.max(0.05, ...dims.map((c) => (box.hi[c] - box.lo[c]) / 2)) * 1.05;
}

function axisRange(box: Box, c: number, h: number): [number, number] {
  const m = (box.lo[c] + box.hi[c]) / 2;
  return [m - h, m + h];
}

type Quantise = (v: number, coordinate: number) => number;

function rounder(decimals: number): Quantise {
  const f = 10 ** decimals;
  return (v) => Math.round(v * f) / f;
}

/**
 * Coordinates of one body at frame t as bone segments separated by nulls: 3 vertices per bone
 * (child, parent, null), drawn as lines + markers so the joints need no trace of their own.
 * `dims` picks and orders the coordinates (x=0, y=1, z=2).
 */
function boneCoordinates(seq: SkeletonSequence, layout: JointLayout, body: number, t: number, dims: number[], round: Quantise): (number | null)[][] {
  const empty = frameIsEmpty(seq, body, t);
  const o = (body * seq.frames + t) * seq.joints * 3;
  const at = (j: number, c: number): number | null => (empty ? null : round(seq.data[o + j * 3 + c], c));
  return dims.map((c) => layout.bones.flatMap(([a, p]) => [at(a, c), at(p, c), null]));
}

/** Per-vertex marker colours and hover names of the bone polyline (left / right / centre). */
function vertexStyle(layout: JointLayout): { colors: string[]; names: string[] } {
  const side = sideOfJoints(layout);
  return {
    colors: layout.bones.flatMap(([a, p]) => [SIDE_COLOR[side[a]], SIDE_COLOR[side[p]], SIDE_COLOR.centre]),
    names: layout.bones.flatMap(([a, p]) => [layout.joints[a], layout.joints[p], '']),
  };
}

function defaultTitle(seq: SkeletonSequence): string {
  return `${seq.id} (class ${seq.label})`;
}

/** Slider + play/pause for the frames (step labels are the first panel's frame indices). */
function animationControls(frameNames: string[], labels: string[], durationMs: number, redraw: boolean): Record<string, unknown> {
  return {
    sliders: [
      {
        active: 0,
        x: 0.12,
        len: 0.88,
        y: 0,
        yanchor: 'top',
        pad: { t: 30 },
        font: { size: 9 },
        currentvalue: { prefix: 'frame ', visible: true },
        steps: frameNames.map((name, k) => ({
          label: labels[k],
          method: 'animate',
          args: [[name], { mode: 'immediate', frame: { duration: 0, redraw }, transition: { duration: 0 } }],
        })),
      },
    ],
    updatemenus: [
      {
        type: 'buttons',
        showactive: false,
        x: 0,
        y: 0,
        xanchor: 'left',
        yanchor: 'top',
        pad: { t: 35 },
        direction: 'left',
        buttons: [
          { label: '▶', method: 'animate', args: [null, { fromcurrent: true, frame: { duration: durationMs, redraw }, transition: { duration: 0 } }] },
          { label: '❚❚', method: 'animate', args: [[null], { mode: 'immediate', frame: { duration: 0, redraw }, transition: { duration: 0 } }] },
        ],
      },
    ],
  };
}

/**
 * 3D animated figure of 1-4 sequences side by side (one scene each). One trace per sequence and
 * drawn body: the bones as null-separated segments with markers at the joints (coloured left /
 * right / centre from the layout's mirror pairs). Frames: min(maxFrames, longest sequence).
 */
export function skeletonFigure(input: SkeletonSequence | readonly SkeletonSequence[], opts: SkeletonViewOptions = {}): AnimatedFigure {
  const seqs = Array.isArray(input) ? (input as readonly SkeletonSequence[]) : [input as SkeletonSequence];
  if (seqs.length === 0) throw new FsvaeInputError('skeletonFigure: no sequences given.');
  if (seqs.length > MAX_3D_SCENES) {
    throw new FsvaeInputError(
      `skeletonFigure: ${seqs.length} sequences, at most ${MAX_3D_SCENES} 3D scenes per figure ` +
        '(each needs a WebGL context); use skeletonGridFigure for more.',
    );
  }
  const layouts = seqs.map((s, i) => checkSequence(s, `skeletonFigure sequence #${i}`));
  if (opts.titles && opts.titles.length !== seqs.length)
    throw new FsvaeInputError(`skeletonFigure: ${opts.titles.length} titles for ${seqs.length} sequences.`);
  const steps = stepCount(seqs, opts.maxFrames ?? 60);
  const round = rounder(opts.decimals ?? 3);
  const bodies = seqs.map((s) => opts.bodies?.filter((b) => b >= 0 && b < s.bodies) ?? bodiesWithData(s));
  const boxes = seqs.map((s, i) => boundingBox(s, bodies[i]));
  const shared = Math.max(...boxes.map((b) => halfExtent(b, [0, 1, 2])));
  const indices = seqs.map((s) => animationFrameIndices(s.frames, steps));
  const dims = [0, 1, 2];

  const traceData = (k: number): Record<string, unknown>[] => {
    const out: Record<string, unknown>[] = [];
    seqs.forEach((s, i) => {
      for (const b of bodies[i]) {
        const c = boneCoordinates(s, layouts[i], b, indices[i][k], dims, round);
        out.push({ x: c[0], y: c[1], z: c[2] });
      }
    });
    return out;
  };

  const data: Record<string, unknown>[] = [];
  const first = traceData(0);
  let ti = 0;
  seqs.forEach((s, i) => {
    const scene = i === 0 ? 'scene' : `scene${i + 1}`;
    const st = vertexStyle(layouts[i]);
    for (const b of bodies[i]) {
      const tag = bodies[i].length > 1 ? ` body ${b}` : '';
      data.push({
        type: 'scatter3d',
        mode: 'lines+markers',
        scene,
        name: `${s.id}${tag}`,
        showlegend: false,
        text: st.names,
        hoverinfo: 'text',
        line: { color: BONE_COLOR, width: 5 },
        marker: { size: 3, color: st.colors },
        ...first[ti++],
      });
    }
  });
  const traces = data.map((_, i) => i);
  const frames: PlotlyFrame[] = Array.from({ length: steps }, (_, k) => ({ name: String(k), data: traceData(k), traces }));

  const layout: Record<string, unknown> = {
    title: { text: opts.title ?? (seqs.length === 1 ? `${seqs[0].id}` : 'Skeleton sequences') },
    margin: { t: 80, l: 10, r: 10, b: 80 },
    annotations: [] as Record<string, unknown>[],
  };
  const n = seqs.length;
  seqs.forEach((s, i) => {
    const h = opts.shareScale === false ? halfExtent(boxes[i], [0, 1, 2]) : shared;
    const axis = (c: number, label: string) => ({ range: axisRange(boxes[i], c, h), title: { text: label }, autorange: false });
    layout[i === 0 ? 'scene' : `scene${i + 1}`] = {
      domain: { x: [i / n + 0.005, (i + 1) / n - 0.005], y: [0, 0.92] },
      aspectmode: 'cube',
      xaxis: axis(0, 'x (m)'),
      yaxis: axis(1, 'y (m, up)'),
      zaxis: axis(2, 'z (m, depth)'),
      // eye near the sensor (z < centre) looking along +z, y up: the view the camera had
      camera: { up: { x: 0, y: 1, z: 0 }, eye: { x: -0.5, y: 0.3, z: -1.55 }, center: { x: 0, y: 0, z: 0 } },
    };
    (layout.annotations as Record<string, unknown>[]).push({
      text: opts.titles?.[i] ?? defaultTitle(s),
      showarrow: false,
      xref: 'paper',
      yref: 'paper',
      x: (i + 0.5) / n,
      y: 0.99,
      xanchor: 'center',
      yanchor: 'bottom',
    });
  });
  Object.assign(
    layout,
    animationControls(
      frames.map((f) => f.name),
      indices[0].map(String),
      opts.frameDurationMs ?? 80,
      true,
    ),
  );
  return { data, layout, frames };
}

/** Enhancement options of enhancedSequence. */
export interface EnhanceSequenceOptions {
  /**
   * Subtract each body's mean position (over frames and joints, per coordinate) before the
   * transform and add it back after (default true). Without it the DC coefficient carries the
   * camera distance (~3 m) and a low-band gain moves the whole body away from the sensor.
   */
  centre?: boolean;
}

/**
 * The sequence with every joint coordinate trajectory T_j of every body replaced by
 * IDCT(g ⊙ DCT(T_j)) along time (Eq. 33, gains from gainProfile(frames, config) at
 * initialisation). Bodies without data stay zero.
 */
export function enhancedSequence(
  seq: SkeletonSequence,
  config: FrequencyConfig | FrequencyPresetName = 'reference',
  opts: EnhanceSequenceOptions = {},
): SkeletonSequence {
  checkSequence(seq, 'enhancedSequence');
  const cfg = typeof config === 'string' ? frequencyConfig(config) : config;
  if (seq.frames < 2) throw new FsvaeInputError(`enhancedSequence (${seq.id}): needs at least 2 frames for a DCT along time, got ${seq.frames}.`);
  const gains = gainProfile(seq.frames, cfg);
  const out = new Float32Array(seq.data.length);
  const F = seq.frames;
  const J = seq.joints;
  const row = new Float64Array(F);
  for (const b of bodiesWithData(seq)) {
    const mean = [0, 0, 0];
    if (opts.centre ?? true) {
      for (let t = 0; t < F; t++) for (let j = 0; j < J; j++) for (let c = 0; c < 3; c++) mean[c] += seq.data[((b * F + t) * J + j) * 3 + c];
      for (let c = 0; c < 3; c++) mean[c] /= F * J;
    }
    for (let j = 0; j < J; j++) {
      for (let c = 0; c < 3; c++) {
        for (let t = 0; t < F; t++) row[t] = seq.data[((b * F + t) * J + j) * 3 + c] - mean[c];
        const e = enhanceTrajectory(row, gains);
        for (let t = 0; t < F; t++) out[((b * F + t) * J + j) * 3 + c] = e[t] + mean[c];
      }
    }
  }
  return makeSequence({ ...seq, id: `${seq.id} (enhanced)`, data: out, meta: { ...(seq.meta ?? {}), enhancement: cfg.preset } });
}

/**
 * A sequence before and after frequency enhancement along time, side by side (same scale), e.g.
 * `enhancedSkeletonFigure(seq, 'reference')` or with frequencyConfig('paper', { phi: 35 }).
 */
export function enhancedSkeletonFigure(
  seq: SkeletonSequence,
  config: FrequencyConfig | FrequencyPresetName = 'reference',
  opts: SkeletonViewOptions & EnhanceSequenceOptions = {},
): AnimatedFigure {
  const cfg = typeof config === 'string' ? frequencyConfig(config) : config;
  const after = enhancedSequence(seq, cfg, opts);
  return skeletonFigure([seq, after], {
    ...opts,
    titles: opts.titles ?? [`${seq.id}: original`, `after IDCT(g ⊙ DCT) along time (${cfg.preset}, φ=${cfg.phi}, b=${cfg.bands})`],
    title: opts.title ?? `Frequency enhancement of joint trajectories along time (${seq.frames} frames)`,
    shareScale: opts.shareScale ?? true,
  });
}

export type SkeletonProjection = 'front' | 'side' | 'top';

export interface SkeletonGridOptions extends SkeletonViewOptions {
  /** panels per row (default 5). */
  columns?: number;
  /** 'front' (x, y as the sensor sees it), 'side' (z, y) or 'top' (x, z). Default 'front'. */
  projection?: SkeletonProjection;
  /** pixel height of one grid row (default 170), used by animatedFigure for the page height. */
  rowHeight?: number;
}

/**
 * Many sequences as 2D projections in a grid (SVG subplots, animated together). One trace per
 * sequence and drawn body, as in skeletonFigure. Coordinates are whole centimetres from the centre
 * of each panel's bounding box; both directions are scaled equally (scaleanchor), and with
 * shareScale every panel spans the same extent (default: each panel its own, so a walking
 * subject does not shrink the others).
 */
export function skeletonGridFigure(seqs: readonly SkeletonSequence[], opts: SkeletonGridOptions = {}): AnimatedFigure {
  if (seqs.length === 0) throw new FsvaeInputError('skeletonGridFigure: no sequences given.');
  const layouts = seqs.map((s, i) => checkSequence(s, `skeletonGridFigure sequence #${i}`));
  if (opts.titles && opts.titles.length !== seqs.length)
    throw new FsvaeInputError(`skeletonGridFigure: ${opts.titles.length} titles for ${seqs.length} sequences.`);
  const cols = opts.columns ?? 5;
  if (!Number.isInteger(cols) || cols < 1) throw new FsvaeInputError(`skeletonGridFigure: columns must be a positive integer, got ${cols}.`);
  const proj = opts.projection ?? 'front';
  // (horizontal, vertical) coordinates; front view mirrors x so the picture is the sensor's view
  const dims = proj === 'front' ? [0, 1] : proj === 'side' ? [2, 1] : [0, 2];
  const flipH = proj === 'front';
  const steps = stepCount(seqs, opts.maxFrames ?? 20);
  const bodies = seqs.map((s) => opts.bodies?.filter((b) => b >= 0 && b < s.bodies) ?? bodiesWithData(s));
  const boxes = seqs.map((s, i) => boundingBox(s, bodies[i]));
  const shared = Math.max(...boxes.map((b) => halfExtent(b, dims)));
  const indices = seqs.map((s) => animationFrameIndices(s.frames, steps));
  const rows = Math.ceil(seqs.length / cols);
  const axisName = (i: number) => (i === 0 ? '' : String(i + 1));

  // thumbnails without tick labels: whole centimetres from each panel's centre (short JSON)
  const centimetres = boxes.map(
    (box): Quantise =>
      (v, c) =>
        Math.round((v - (box.lo[c] + box.hi[c]) / 2) * 100),
  );
  const traceData = (k: number): Record<string, unknown>[] => {
    const out: Record<string, unknown>[] = [];
    seqs.forEach((s, i) => {
      for (const b of bodies[i]) {
        const c = boneCoordinates(s, layouts[i], b, indices[i][k], dims, centimetres[i]);
        out.push({ x: c[0], y: c[1] });
      }
    });
    return out;
  };
  const first = traceData(0);
  const data: Record<string, unknown>[] = [];
  let ti = 0;
  seqs.forEach((_s, i) => {
    const st = vertexStyle(layouts[i]);
    const ax = { xaxis: `x${axisName(i)}`, yaxis: `y${axisName(i)}` };
    for (const _body of bodies[i]) {
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        ...ax,
        showlegend: false,
        text: st.names,
        hoverinfo: 'text',
        line: { color: BONE_COLOR, width: 2 },
        marker: { size: 4, color: st.colors },
        ...first[ti++],
      });
    }
  });
  const traces = data.map((_, i) => i);
  const frames: PlotlyFrame[] = Array.from({ length: steps }, (_, k) => ({ name: String(k), data: traceData(k), traces }));

  const gap = 0.01;
  const top = 0.97;
  const rowHeight = opts.rowHeight ?? 170;
  // room for a two-line panel title: ~26 px of the plot area (page height rows·rowHeight + 150, margins 120)
  const titleFrac = 26 / (rows * rowHeight + 30);
  const layout: Record<string, unknown> = {
    title: { text: opts.title ?? `Skeletons (${proj} view)` },
    margin: { t: 50, l: 10, r: 10, b: 70 },
    annotations: [] as Record<string, unknown>[],
    hovermode: 'closest',
    meta: { rows, rowHeight, columns: cols },
  };
  seqs.forEach((s, i) => {
    const r = Math.floor(i / cols);
    const c = i % cols;
    const x0 = c / cols + gap;
    const x1 = (c + 1) / cols - gap;
    const y1 = top - (r * top) / rows - titleFrac;
    const y0 = top - ((r + 1) * top) / rows + gap;
    const h = opts.shareScale ? shared : halfExtent(boxes[i], dims);
    const hcm = 100 * h;
    const n = axisName(i);
    layout[`xaxis${n}`] = {
      domain: [x0, x1],
      anchor: `y${n}`,
      range: flipH ? [hcm, -hcm] : [-hcm, hcm],
      showticklabels: false,
      zeroline: false,
      showgrid: false,
    };
    layout[`yaxis${n}`] = {
      domain: [y0, y1],
      anchor: `x${n}`,
      range: [-hcm, hcm],
      scaleanchor: `x${n}`,
      scaleratio: 1,
      showticklabels: false,
      zeroline: false,
      showgrid: false,
    };
    (layout.annotations as Record<string, unknown>[]).push({
      text: opts.titles?.[i] ?? defaultTitle(s),
      showarrow: false,
      xref: 'paper',
      yref: 'paper',
      x: (x0 + x1) / 2,
      y: y1,
      xanchor: 'center',
      yanchor: 'bottom',
      font: { size: 9 },
    });
  });
  Object.assign(
    layout,
    animationControls(
      frames.map((f) => f.name),
      Array.from({ length: steps }, (_, k) => String(k)),
      opts.frameDurationMs ?? 100,
      false,
    ),
  );
  return { data, layout, frames };
}

/**
 * Up to `perClass` sequences of each class (classes ascending; default every class present),
 * the first ones by id, or a seeded random choice when `seed` is given.
 */
export function samplesPerClass(
  seqs: readonly SkeletonSequence[],
  perClass: number,
  opts: { classes?: readonly number[]; seed?: number } = {},
): SkeletonSequence[] {
  if (!Number.isInteger(perClass) || perClass < 1) throw new FsvaeInputError(`samplesPerClass: perClass must be a positive integer, got ${perClass}.`);
  const byClass = new Map<number, SkeletonSequence[]>();
  for (const s of seqs) {
    if (!byClass.has(s.label)) byClass.set(s.label, []);
    byClass.get(s.label)!.push(s);
  }
  const classes = opts.classes ? [...opts.classes] : [...byClass.keys()].sort((a, b) => a - b);
  const rng = opts.seed === undefined ? null : new Random(opts.seed);
  const out: SkeletonSequence[] = [];
  for (const c of classes) {
    const list = [...(byClass.get(c) ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (list.length === 0)
      throw new FsvaeInputError(`samplesPerClass: no sequence of class ${c} ` + `(classes present: ${[...byClass.keys()].sort((a, b) => a - b).join(', ')}).`);
    const k = Math.min(perClass, list.length);
    const pick = rng ? Array.from(rng.sampleWithoutReplacement(list.length, k)).sort((a, b) => a - b) : Array.from({ length: k }, (_, i) => i);
    for (const i of pick) out.push(list[i]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Static still (SVG): what shows where no script runs, replaced by the animation once it is drawn

/** Animation steps shown side by side in the still of a 3D figure (evenly spaced, first to last). */
const STILL_STEPS = 5;
const STILL_WIDTH = 760;
const STILL_TITLE_PX = 30;
const STILL_CAPTION_PX = 12;
const STILL_FOOT_PX = 20;

type Vertices = { x?: unknown[]; y?: unknown[]; z?: unknown[] };
type Point = [number, number] | null;

interface StillCell {
  caption: string[];
  /** one vertex list per drawn body, in panel units: (0, 0) the centre, ±1 the edges, vertical up. */
  bodies: Point[][];
  /** joint marker colour of each vertex (from the trace's marker.color). */
  colors: string[][];
}

const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Centre and half extent of an axis range (reversed ranges give a negative half extent, i.e. a mirrored axis). */
function axisFrame(axis: unknown): { m: number; h: number } {
  const r = (axis as { range?: unknown } | undefined)?.range;
  if (!Array.isArray(r) || !Number.isFinite(r[0]) || !Number.isFinite(r[1]) || r[0] === r[1]) return { m: 0, h: 1 };
  return { m: (r[0] + r[1]) / 2, h: (r[1] - r[0]) / 2 };
}

/** Trace vertices at animation step k: the frame's update of each trace, else the figure's own data. */
function verticesAt(fig: AnimatedFigure, k: number): Vertices[] {
  const out = fig.data.map((t) => t as unknown as Vertices);
  const f = fig.frames[k];
  f?.traces.forEach((ti, j) => {
    out[ti] = { ...out[ti], ...(f.data[j] as unknown as Vertices) };
  });
  return out;
}

const sub = (a: number[], b: number[]) => a.map((v, i) => v - b[i]);
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const unit = (a: number[]) => a.map((v) => v / (Math.hypot(...a) || 1));

/**
 * Orthographic view of a 3D scene along its camera (eye → centre, `up` vertical, as the animation
 * opens): a point p maps to (q·r, q·s) with q = (p − range centre)/half extent per axis (the cube
 * plotly draws with aspectmode 'cube'), r = d × up (screen right), s = r × d (screen up), d the
 * viewing direction.
 */
function sceneProjector(scene: Record<string, unknown> | undefined): (x: number, y: number, z: number) => [number, number] {
  const axes = ['xaxis', 'yaxis', 'zaxis'].map((a) => axisFrame(scene?.[a]));
  const cam = (scene?.camera ?? {}) as { eye?: Record<string, number>; up?: Record<string, number>; center?: Record<string, number> };
  const vec = (v: Record<string, number> | undefined, dflt: number[]) => (v ? [v.x, v.y, v.z].map((c, i) => (Number.isFinite(c) ? c : dflt[i])) : dflt);
  const d = unit(sub(vec(cam.center, [0, 0, 0]), vec(cam.eye, [1.25, 1.25, 1.25])));
  const r = unit(cross(d, vec(cam.up, [0, 0, 1])));
  const s = cross(r, d);
  return (x, y, z) => {
    const q = [x, y, z].map((v, c) => (v - axes[c].m) / axes[c].h);
    return [dot(q, r), dot(q, s)];
  };
}

/** A 2D panel on its axis ranges: each range maps onto [−1, 1] (a reversed range mirrors). */
function axesProjector(xaxis: unknown, yaxis: unknown): (x: number, y: number) => [number, number] {
  const fx = axisFrame(xaxis);
  const fy = axisFrame(yaxis);
  return (x, y) => [(x - fx.m) / fx.h, (y - fy.m) / fy.h];
}

/** Vertex colours of a trace (marker.color: one per vertex, or one for all). */
function vertexColors(trace: Record<string, unknown>, n: number): string[] {
  const c = (trace.marker as { color?: unknown } | undefined)?.color;
  return Array.from({ length: n }, (_, i) => String(Array.isArray(c) ? (c[i] ?? SIDE_COLOR.centre) : (c ?? SIDE_COLOR.centre)));
}

/** The panels of an animated skeleton figure, grouped as its scenes (3D) or axes (2D), in trace order. */
function panelsOf(fig: AnimatedFigure): { key: string; traces: number[]; title: string }[] {
  const is3d = fig.data.some((t) => t.type === 'scatter3d');
  const keys: string[] = [];
  const traces = new Map<string, number[]>();
  fig.data.forEach((t, i) => {
    const key = String(is3d ? (t.scene ?? 'scene') : (t.xaxis ?? 'x'));
    if (!traces.has(key)) {
      keys.push(key);
      traces.set(key, []);
    }
    traces.get(key)!.push(i);
  });
  const notes = (fig.layout?.annotations ?? []) as { text?: unknown }[];
  return keys.map((key, i) => ({ key, traces: traces.get(key)!, title: String(notes[i]?.text ?? '') }));
}

/**
 * A static SVG still of an animated skeleton figure (skeletonFigure, enhancedSkeletonFigure,
 * skeletonGridFigure), for where no script runs. 3D figures: one row per scene, STILL_STEPS evenly
 * spaced animation steps side by side, each drawn as the orthographic view from the scene's camera
 * (sceneProjector) on one scale for the whole still, so sizes compare as in the animation. Grids:
 * the first step of every panel, in the figure's columns, on each panel's own axis ranges (the
 * front view mirrored as the animation shows it). Bones are line segments, joints dots coloured
 * left / right / centre.
 */
export function animatedFigureSvg(fig: AnimatedFigure): string {
  const is3d = fig.data.some((t) => t.type === 'scatter3d');
  const layout = (fig.layout ?? {}) as Record<string, unknown>;
  const panels = panelsOf(fig);
  const steps = Math.max(1, fig.frames.length);
  const shown = is3d ? animationFrameIndices(steps, Math.min(STILL_STEPS, steps)) : [0];
  const sliderSteps = (layout.sliders as { steps?: { label?: unknown }[] }[] | undefined)?.[0]?.steps ?? [];
  const stepLabel = (k: number) => `frame ${String(sliderSteps[k]?.label ?? k)}`;
  const cells: StillCell[] = [];
  const rowTitles: string[] = [];
  for (const p of panels) {
    const axisSuffix = p.key.slice(1);
    const project: (x: number, y: number, z: number) => [number, number] = is3d
      ? sceneProjector(layout[p.key] as Record<string, unknown> | undefined)
      : axesProjector(layout[`xaxis${axisSuffix}`], layout[`yaxis${axisSuffix}`]);
    if (is3d) rowTitles.push(p.title);
    for (const k of shown) {
      const v = verticesAt(fig, k);
      cells.push({
        caption: is3d ? [stepLabel(k)] : plotlyTextLines(p.title).slice(0, 2),
        bodies: p.traces.map((ti) =>
          (v[ti].x ?? []).map((x, i): Point => {
            const c = [x, v[ti].y?.[i], v[ti].z?.[i] ?? 0].map(numOrNull);
            return c.every((u) => u !== null) ? project(c[0]!, c[1]!, c[2]!) : null;
          }),
        ),
        colors: p.traces.map((ti) => vertexColors(fig.data[ti], (v[ti].x ?? []).length)),
      });
    }
  }
  // 3D: one scale for every cell, the largest projected coordinate at the panel edge (5 % margin)
  const extent = cells.flatMap((c) => c.bodies.flat().flatMap((q) => (q ? [Math.abs(q[0]), Math.abs(q[1])] : [])));
  const fit = is3d ? 1.05 * Math.max(1e-9, ...extent) : 1;
  const gridColumns = Number((layout.meta as { columns?: number } | undefined)?.columns) || Math.ceil(Math.sqrt(panels.length));
  const columns = is3d ? shown.length : Math.max(1, Math.min(panels.length, gridColumns));
  const side = Math.min(170, Math.floor(STILL_WIDTH / columns) - 8);
  const captionLines = Math.max(1, ...cells.map((c) => c.caption.length));
  const header = is3d ? 16 : 0;
  const cellH = captionLines * STILL_CAPTION_PX + side + 8;
  const rows = is3d ? panels.length : Math.ceil(cells.length / columns);
  const width = columns * (side + 8);
  const height = STILL_TITLE_PX + rows * (header + cellH) + STILL_FOOT_PX;
  const title = plotlyTextLines(typeof layout.title === 'string' ? layout.title : (layout.title as { text?: unknown } | undefined)?.text).join(' — ');
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="19" text-anchor="middle" font-size="13">${escapeXml(title.length > 110 ? `${title.slice(0, 107)}…` : title)}</text>`,
  ];
  const clip = (t: string, px: number) => (t.length * 5.5 > px ? `${t.slice(0, Math.max(1, Math.floor(px / 5.5) - 1))}…` : t);
  cells.forEach((cell, n) => {
    const row = Math.floor(n / columns);
    const x0 = (n % columns) * (side + 8) + 4;
    const y0 = STILL_TITLE_PX + row * (header + cellH) + header;
    if (is3d && n % columns === 0) {
      const rowTitle = clip(plotlyTextLines(rowTitles[row]).join(' — '), width - 8);
      out.push(`<text x="4" y="${y0 - 4}" font-size="11" font-weight="bold">${escapeXml(rowTitle)}</text>`);
    }
    cell.caption.forEach((line, i) => {
      const y = y0 + (i + 1) * STILL_CAPTION_PX - 2;
      out.push(`<text x="${x0 + side / 2}" y="${y}" text-anchor="middle" font-size="9">${escapeXml(clip(line, side))}</text>`);
    });
    const top = y0 + captionLines * STILL_CAPTION_PX + 2;
    out.push(`<rect x="${x0}" y="${top}" width="${side}" height="${side}" fill="#fafafa" stroke="#dddddd"/>`);
    const at = (q: [number, number]) => [x0 + side / 2 + (q[0] / fit) * (side / 2), top + side / 2 - (q[1] / fit) * (side / 2)].map((u) => u.toFixed(1));
    cell.bodies.forEach((vs, b) => {
      vs.forEach((q, i) => {
        const next = vs[i + 1];
        if (q && next) {
          const [ax, ay] = at(q);
          const [bx, by] = at(next);
          out.push(`<line x1="${ax}" y1="${ay}" x2="${bx}" y2="${by}" stroke="${BONE_COLOR}" stroke-width="2"/>`);
        }
      });
      vs.forEach((q, i) => {
        if (!q) return;
        const [cx, cy] = at(q);
        out.push(`<circle cx="${cx}" cy="${cy}" r="2" fill="${escapeXml(cell.colors[b][i])}"/>`);
      });
    });
  });
  const foot = is3d
    ? `Still: ${shown.length} of ${steps} animation steps, viewed from the animation's camera (orthographic). Interactive: needs plotly.js.`
    : `Still: the first animation step of each sequence. Interactive (${steps} steps): needs plotly.js.`;
  out.push(`<text x="4" y="${height - 6}" font-size="9" fill="#555">${escapeXml(foot)}</text>`, '</svg>');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Output: like plotly.ts's figure(), with the frames passed to Plotly.newPlot

function animatedPlotCall(fig: AnimatedFigure, divId: string): string {
  const { meta: _meta, ...rest } = (fig.layout ?? {}) as Record<string, unknown>;
  const layout = plotLayout(rest);
  return (
    `Plotly.newPlot(${JSON.stringify(divId)}, {data: ${JSON.stringify(fig.data)}, layout: ${JSON.stringify(layout)}, ` +
    `frames: ${JSON.stringify(fig.frames)}, config: {responsive: true}});`
  );
}

/** Page height in pixels: grids get rowHeight per row (from skeletonGridFigure's layout.meta). */
export function animatedFigureHeight(fig: AnimatedFigure, fallback = 520): number {
  const meta = (fig.layout?.meta ?? {}) as { rows?: number; rowHeight?: number };
  return meta.rows && meta.rowHeight ? Math.max(fallback, Math.round(meta.rows * meta.rowHeight + 150)) : fallback;
}

/** Writes results/figures/<name>.html (plotly.js from ../../node_modules, frames included). */
export function saveAnimatedFigureHtml(fig: AnimatedFigure, name: string, dir = path.join(resultsDir(), 'figures')): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.html`);
  const bundle = path.relative(dir, path.join(path.dirname(require.resolve('plotly.js-dist/package.json')), 'plotly.js'));
  const t = fig.layout?.title as { text?: string } | string | undefined;
  const title = (typeof t === 'object' ? t.text : t) ?? name;
  fs.writeFileSync(
    file,
    `<!doctype html>
<html><head><meta charset="utf-8"><title>${title.replace(/</g, '&lt;')}</title><script src="${bundle.split(path.sep).join('/')}"></script></head>
<body><div id="fig" style="width:100%;height:${animatedFigureHeight(fig)}px;"></div><script>${animatedPlotCall(fig, 'fig')}</script></body></html>
`,
  );
  return file;
}

/**
 * Saves the animated figure (results/figures/<name>.html, interactive, and <name>.svg, its still)
 * and returns the notebook HTML: the still (animatedFigureSvg), replaced by the animation once
 * plotly.js loads from the Jupyter server (staticThenInteractiveHtml, as plotly.ts's figure()).
 */
export function animatedFigure(fig: AnimatedFigure, name: string): { html: string; file: string; svg: string } {
  const file = saveAnimatedFigureHtml(fig, name);
  const still = animatedFigureSvg(fig);
  const svg = file.replace(/\.html$/, '.svg');
  fs.writeFileSync(svg, still);
  const id = `fsvae-fig-${createHash('sha1').update(name).update(JSON.stringify(fig.data)).digest('hex').slice(0, 12)}`;
  const t = fig.layout?.title as { text?: string } | string | undefined;
  const img = svgImgTag(still, (typeof t === 'object' ? t.text : t) ?? name);
  const rel = path.relative(resultsDir(), file);
  const saved = `<div style="font-size:smaller">saved: results/${rel} (interactive), results/${rel.replace(/\.html$/, '.svg')} (static)</div>`;
  return { html: `${staticThenInteractiveHtml(id, img, animatedFigureHeight(fig), animatedPlotCall(fig, id))}${saved}`, file, svg };
}
