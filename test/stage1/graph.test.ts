import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KINECT_V1_20, KINECT_V2_25 } from '../../lib/data/layouts';
import { adjacencyMatrix, countNonZero, graphEntry, hopDistances, normalizedAdjacency, spatialPartition } from '../../lib/stage1/graph';
import { assertClose } from '../helpers';

test('adjacency of KINECT_V2_25: 24 undirected bones, symmetric, no self-loops', () => {
  const A = adjacencyMatrix(KINECT_V2_25);
  assert.equal(A.size, 25);
  assert.equal(countNonZero(A), 48);
  for (let i = 0; i < 25; i++) {
    assert.equal(graphEntry(A, i, i), 0);
    for (let j = 0; j < 25; j++) assert.equal(graphEntry(A, i, j), graphEntry(A, j, i));
  }
  // spine_shoulder (20) touches spine_mid (1), neck (2), both shoulders (4, 8)
  const nb = [...Array(25).keys()].filter((j) => graphEntry(A, 20, j) === 1);
  assert.deepEqual(nb, [1, 2, 4, 8]);
});

test('symmetric normalisation D^-1/2 (A+I) D^-1/2, by hand for spine_shoulder and head', () => {
  const N = normalizedAdjacency(KINECT_V2_25, 'symmetric');
  // deg(20) = 5 (4 bones + self), deg(2 neck) = 3, deg(3 head) = 2
  assertClose([graphEntry(N, 20, 20)], [1 / 5], 1e-7);
  assertClose([graphEntry(N, 20, 2)], [1 / Math.sqrt(15)], 1e-7);
  assertClose([graphEntry(N, 3, 3)], [1 / 2], 1e-7);
  assertClose([graphEntry(N, 2, 3)], [1 / Math.sqrt(6)], 1e-7);
  assert.equal(graphEntry(N, 3, 20), 0);
});

test('hop distances: head → spine_mid is 3, left hand tip → right foot is 12', () => {
  const h = hopDistances(KINECT_V2_25);
  // head 3 – neck 2 – spine_shoulder 20 – spine_mid 1
  assert.equal(h[3 * 25 + 1], 3);
  // hand_tip_left 21 – thumb_left 22 – hand_left 7 (the NTU graph's bones (22, 23), (23, 8)) – wrist 6 –
  // elbow 5 – shoulder 4 – spine_shoulder 20 – spine_mid 1 – spine_base 0 – hip_right 16 – knee 17 –
  // ankle 18 – foot_right 19
  assert.equal(h[21 * 25 + 19], 12);
  assert.equal(h[19 * 25 + 21], 12);
});

test('ST-GCN spatial partition of KINECT_V2_25 (centre spine_mid) matches the hand count', () => {
  const p = spatialPartition(KINECT_V2_25);
  assert.equal(p.center, 1);
  const [root, cp, cf] = p.subsets;
  // the bone graph is a tree: every joint but the centre has exactly one neighbour closer to the centre
  assert.equal(countNonZero(root), 25);
  assert.equal(countNonZero(cp), 24);
  assert.equal(countNonZero(cf), 24);
  const col = (m: typeof root, i: number) => [...Array(25).keys()].filter((j) => graphEntry(m, j, i) !== 0);
  // target spine_shoulder (20): centripetal source spine_mid (1); centrifugal neck, both shoulders; all weights 1/deg = 1/5
  assert.deepEqual(col(cp, 20), [1]);
  assert.deepEqual(col(cf, 20), [2, 4, 8]);
  assertClose([graphEntry(cp, 1, 20), graphEntry(cf, 2, 20), graphEntry(root, 20, 20)], [0.2, 0.2, 0.2], 1e-7);
  // the centre itself: no closer neighbour; spine_base and spine_shoulder farther, weight 1/3
  assert.deepEqual(col(cp, 1), []);
  assert.deepEqual(col(cf, 1), [0, 20]);
  assertClose([graphEntry(cf, 0, 1)], [1 / 3], 1e-7);
  // a leaf (head 3): only its parent neck, closer
  assert.deepEqual(col(cp, 3), [2]);
  assert.deepEqual(col(cf, 3), []);
  // every target's incoming weights sum to 1 over the three subsets (column normalisation)
  for (let i = 0; i < 25; i++) {
    let s = 0;
    for (const m of p.subsets) for (let j = 0; j < 25; j++) s += graphEntry(m, j, i);
    assertClose([s], [1], 1e-6, `column ${i}`);
  }
});

test("partition with ST-GCN's own NTU centre (spine_shoulder, index 20) and for KINECT_V1_20", () => {
  const p = spatialPartition(KINECT_V2_25, 20);
  assert.equal(countNonZero(p.subsets[1]), 24);
  assert.deepEqual(
    [...Array(25).keys()].filter((j) => graphEntry(p.subsets[2], j, 20)),
    [1, 2, 4, 8],
  );
  const q = spatialPartition(KINECT_V1_20);
  assert.deepEqual(q.subsets.map(countNonZero), [20, 19, 19]);
  assert.throws(() => spatialPartition(KINECT_V1_20, 20), /outside 0\.\.19/);
});
