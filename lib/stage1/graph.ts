/**
 * Skeleton graphs for the stage-1 GCNs, built from a JointLayout's bone list.
 *
 * - adjacencyMatrix: the undirected 0/1 bone graph (no self-loops).
 * - normalizedAdjacency: Ã = A + I normalised either symmetrically, D^{-1/2} Ã D^{-1/2} (Kipf &
 *   Welling), or by column, Ã D^{-1} (ST-GCN's normalize_digraph: each target's incoming weights
 *   sum to 1).
 * - hopDistances: shortest-path hop counts (BFS), Infinity between disconnected joints.
 * - spatialPartition: ST-GCN's 'spatial' strategy (Yan et al. 2018, Sec. 3.6) with max_hop 1:
 *   the column-normalised Ã split into three subsets by the distance of each joint to the centre
 *   joint. For a target (root) joint i and a neighbour j:
 *     subset 0, root:         j = i;
 *     subset 1, centripetal:  hop(j, centre) < hop(i, centre)  (the neighbour is closer);
 *     subset 2, centrifugal:  otherwise (farther, or as far: the paper's "otherwise").
 *   Matrices are indexed [source j][target i], i.e. out[i] = Σ_k Σ_j A_k[j][i] · x[j], which is
 *   the einsum 'nkctv,kvw->nctw' of ST-GCN. (ST-GCN's graph.py builds the same three matrices;
 *   its stack order is root, farther-or-equal, closer.)
 */
import { FsvaeInputError } from '../util/assert';
import { JointLayout } from '../data/layouts';

/** A V×V matrix as row-major Float32Array with its size. */
export interface GraphMatrix {
  size: number;
  /** row-major, index j·size + i */
  data: Float32Array;
}

export function graphEntry(m: GraphMatrix, row: number, col: number): number {
  return m.data[row * m.size + col];
}

function checkLayout(layout: JointLayout): number {
  const V = layout.joints.length;
  if (V < 2) throw new FsvaeInputError(`graph: layout ${layout.name} has ${V} joints; a skeleton graph needs at least 2.`);
  for (const [a, b] of layout.bones) {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= V || b >= V || a === b) {
      throw new FsvaeInputError(`graph: layout ${layout.name} has a bone [${a}, ${b}] outside 0..${V - 1} (or a self-loop); fix the bone list.`);
    }
  }
  return V;
}

/** Undirected 0/1 adjacency of the bone graph (no self-loops). */
export function adjacencyMatrix(layout: JointLayout): GraphMatrix {
  const V = checkLayout(layout);
  const data = new Float32Array(V * V);
  for (const [a, b] of layout.bones) {
    data[a * V + b] = 1;
    data[b * V + a] = 1;
  }
  return { size: V, data };
}

/** Degrees of Ã = A + I (self-loop counted once). */
export function degreesWithSelfLoops(layout: JointLayout): Float32Array {
  const A = adjacencyMatrix(layout);
  const V = A.size;
  const d = new Float32Array(V);
  for (let i = 0; i < V; i++) {
    let s = 1;
    for (let j = 0; j < V; j++) s += A.data[j * V + i];
    d[i] = s;
  }
  return d;
}

/**
 * Ã = A + I normalised: 'symmetric' D^{-1/2} Ã D^{-1/2}, or 'column' Ã D^{-1} (entry [j][i] =
 * Ã[j][i] / deg(i), ST-GCN's normalize_digraph). D holds the degrees of Ã.
 */
export function normalizedAdjacency(layout: JointLayout, mode: 'symmetric' | 'column' = 'symmetric'): GraphMatrix {
  if (mode !== 'symmetric' && mode !== 'column') throw new FsvaeInputError(`normalizedAdjacency: mode must be 'symmetric' or 'column', got '${String(mode)}'.`);
  const A = adjacencyMatrix(layout);
  const V = A.size;
  const d = degreesWithSelfLoops(layout);
  const data = new Float32Array(V * V);
  for (let j = 0; j < V; j++) {
    for (let i = 0; i < V; i++) {
      const a = (i === j ? 1 : 0) + A.data[j * V + i];
      if (a === 0) continue;
      data[j * V + i] = mode === 'symmetric' ? a / Math.sqrt(d[i] * d[j]) : a / d[i];
    }
  }
  return { size: V, data };
}

/** Hop distances between all joint pairs (BFS over the bones); Infinity when disconnected. */
export function hopDistances(layout: JointLayout): Float64Array {
  const A = adjacencyMatrix(layout);
  const V = A.size;
  const dist = new Float64Array(V * V).fill(Infinity);
  for (let s = 0; s < V; s++) {
    dist[s * V + s] = 0;
    const queue = [s];
    for (let q = 0; q < queue.length; q++) {
      const u = queue[q];
      for (let w = 0; w < V; w++) {
        if (A.data[u * V + w] && dist[s * V + w] === Infinity) {
          dist[s * V + w] = dist[s * V + u] + 1;
          queue.push(w);
        }
      }
    }
  }
  return dist;
}

export const PARTITION_NAMES = ['root', 'centripetal', 'centrifugal'] as const;

export interface SpatialPartition {
  /** the joint distances are measured from */
  center: number;
  /** three V×V matrices [source][target]: root, centripetal, centrifugal (see the module comment) */
  subsets: [GraphMatrix, GraphMatrix, GraphMatrix];
  /** hop distance of each joint to the centre */
  distToCenter: Float64Array;
}

/**
 * ST-GCN's spatial partition (max_hop 1) of the column-normalised Ã. `center` defaults to the
 * layout's centre joint (spine middle for Kinect v2; ST-GCN's NTU graph uses joint 21, spine
 * shoulder = index 20, which can be passed here).
 */
export function spatialPartition(layout: JointLayout, center = layout.center): SpatialPartition {
  const V = checkLayout(layout);
  if (!Number.isInteger(center) || center < 0 || center >= V) {
    throw new FsvaeInputError(`spatialPartition: centre joint ${center} is outside 0..${V - 1} for layout ${layout.name}.`);
  }
  const hop = hopDistances(layout);
  const toCenter = new Float64Array(V);
  for (let i = 0; i < V; i++) {
    toCenter[i] = hop[i * V + center];
    if (toCenter[i] === Infinity) {
      throw new FsvaeInputError(
        `spatialPartition: joint ${i} (${layout.joints[i]}) is not connected to the centre joint ${center} ` +
          `(${layout.joints[center]}) in layout ${layout.name}; the bone list must form one connected graph.`,
      );
    }
  }
  const norm = normalizedAdjacency(layout, 'column');
  const subsets = [0, 1, 2].map(() => ({ size: V, data: new Float32Array(V * V) })) as [GraphMatrix, GraphMatrix, GraphMatrix];
  for (let j = 0; j < V; j++) {
    for (let i = 0; i < V; i++) {
      const w = norm.data[j * V + i];
      if (w === 0) continue;
      const k = i === j ? 0 : toCenter[j] < toCenter[i] ? 1 : 2;
      subsets[k].data[j * V + i] = w;
    }
  }
  return { center, subsets, distToCenter: toCenter };
}

/** Number of non-zero entries of a graph matrix. */
export function countNonZero(m: GraphMatrix): number {
  let n = 0;
  for (const v of m.data) if (v !== 0) n++;
  return n;
}
