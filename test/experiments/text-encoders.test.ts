import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  TextSpace,
  compareTextSpaces,
  cosineNeighbours,
  debiasedLinearCka,
  linearCka,
  neighbourAgreement,
  randomTextFeatures,
  randomTextTable,
  readSynseLanguage,
  runNtuEncoders,
  table7Rows,
  textEncodersPreset,
  textSpaceSimilarityRows,
} from '../../lib/experiments/text-encoders';
import { readNpyStrings } from '../../lib/data/npy';
import { PAPER_TABLE7, PAPER_TABLE8_GZSL } from '../../lib/experiments/paper-numbers';
import { locateData } from '../../lib/data/paths';
import { FsvaeInputError } from '../../lib/util/assert';
import { Random } from '../../lib/util/random';
import { npy } from '../fixtures/shift-features';
import { tempDir } from '../temp-dirs';

/** Q of a QR decomposition (modified Gram-Schmidt) of a seeded Gaussian d × d matrix: a random orthogonal matrix. */
function randomOrthogonal(d: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const cols: Float64Array[] = [];
  for (let j = 0; j < d; j++) {
    const v = rng.normals(d);
    for (const q of cols) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += v[i] * q[i];
      for (let i = 0; i < d; i++) v[i] -= dot * q[i];
    }
    let n = 0;
    for (let i = 0; i < d; i++) n += v[i] * v[i];
    n = Math.sqrt(n);
    for (let i = 0; i < d; i++) v[i] /= n;
    cols.push(v);
  }
  const q = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) q[i * d + j] = cols[j][i];
  return q;
}

function matmul(x: ArrayLike<number>, rows: number, q: Float64Array, d: number): Float64Array {
  const out = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += x[r * d + k] * q[k * d + j];
      out[r * d + j] = s;
    }
  return out;
}

describe('CKA (Kornblith et al. 2019) and its debiased form', () => {
  const n = 40;
  const d = 12;
  const x = Float64Array.from(randomTextTable(n, d, 3));
  test('a matrix with itself gives exactly 1 (both forms)', () => {
    assert.ok(Math.abs(linearCka(x, x, n) - 1) < 1e-12);
    assert.ok(Math.abs(debiasedLinearCka(x, x, n) - 1) < 1e-12);
  });
  test('invariant to a random rotation (and a scale) of one side: CKA(X, 3.7·XQ) = 1', () => {
    const q = randomOrthogonal(d, 11);
    // Q is orthogonal: QᵀQ = I
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += q[k * d + i] * q[k * d + j];
        assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-12);
      }
    const y = matmul(x, n, q, d).map((v) => 3.7 * v);
    assert.ok(Math.abs(linearCka(x, y, n) - 1) < 1e-10, `linear ${linearCka(x, y, n)}`);
    assert.ok(Math.abs(debiasedLinearCka(x, y, n) - 1) < 1e-10, `debiased ${debiasedLinearCka(x, y, n)}`);
    // a rotation also keeps every cosine neighbour
    assert.equal(neighbourAgreement(x, y, n, 3), 1);
  });
  test('one-dimensional features: linear CKA equals the squared Pearson correlation', () => {
    const rng = new Random(5);
    const a = rng.normals(50);
    const b = Float64Array.from(a, (v) => 0.5 * v + rng.normal());
    const mean = (v: Float64Array) => v.reduce((s, t) => s + t, 0) / v.length;
    const ma = mean(a);
    const mb = mean(b);
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < 50; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) ** 2;
      sbb += (b[i] - mb) ** 2;
    }
    const r2 = (sab * sab) / (saa * sbb);
    assert.ok(Math.abs(linearCka(a, b, 50) - r2) < 1e-12, `${linearCka(a, b, 50)} vs r² ${r2}`);
  });
  test('independent random matrices: small; plain CKA is biased upward when d ≫ n, the debiased one is not', () => {
    const a = randomTextTable(200, 4, 1);
    const b = randomTextTable(200, 4, 101);
    assert.ok(linearCka(a, b, 200) < 0.1, `${linearCka(a, b, 200)}`);
    assert.ok(Math.abs(debiasedLinearCka(a, b, 200)) < 0.05);
    const wa = randomTextTable(60, 512, 1);
    const wb = randomTextTable(60, 512, 101);
    assert.ok(linearCka(wa, wb, 60) > 0.5, `plain CKA of unrelated 512-d tables over 60 rows: ${linearCka(wa, wb, 60)}`);
    assert.ok(Math.abs(debiasedLinearCka(wa, wb, 60)) < 0.1, `debiased: ${debiasedLinearCka(wa, wb, 60)}`);
  });
  test('symmetric in its arguments; bad input names the problem', () => {
    const y = randomTextTable(n, 5, 8);
    assert.ok(Math.abs(linearCka(x, y, n) - linearCka(y, x, n)) < 1e-12);
    assert.ok(Math.abs(debiasedLinearCka(x, y, n) - debiasedLinearCka(y, x, n)) < 1e-12);
    assert.throws(() => linearCka(x, y.subarray(1), n), FsvaeInputError);
    assert.throws(() => linearCka(new Float64Array(n * 2).fill(1), y, n), /constant/);
    assert.throws(() => linearCka(Float64Array.from([1, NaN, 2, 3]), Float64Array.from([1, 2, 3, 4]), 4), /non-finite/);
  });
});

describe('nearest-neighbour agreement', () => {
  const unit = (deg: number[]) => Float64Array.from(deg.flatMap((a) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)]));
  test('hand case on unit vectors at known angles', () => {
    const x = unit([0, 10, 30, 70]);
    const y = unit([0, 50, 62, 70]);
    assert.deepEqual(cosineNeighbours(x, 4, 1), [[1], [0], [1], [2]]);
    assert.deepEqual(cosineNeighbours(y, 4, 1), [[1], [2], [3], [2]]);
    assert.equal(neighbourAgreement(x, y, 4, 1), 0.5);
    // k = 2: x {1,2},{0,2},{1,0},{2,1}; y {1,2},{2,3},{3,1},{2,1} → 1, ½, ½, 1
    assert.equal(neighbourAgreement(x, y, 4, 2), 0.75);
    assert.throws(() => cosineNeighbours(x, 4, 4), /k must be/);
  });
});

describe('random-text control', () => {
  test('deterministic by seed: same seed, same table; another seed, another table', () => {
    const a = randomTextTable(40, 512, 7);
    const b = randomTextTable(40, 512, 7);
    const c = randomTextTable(40, 512, 8);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    // standard normals: mean ≈ 0, variance ≈ 1 over 20 480 draws (4 SE bounds)
    const m = a.reduce((s, v) => s + v, 0) / a.length;
    const v = a.reduce((s, t) => s + (t - m) ** 2, 0) / (a.length - 1);
    assert.ok(Math.abs(m) < 4 / Math.sqrt(a.length) && Math.abs(v - 1) < 4 * Math.sqrt(2 / a.length), `mean ${m}, var ${v}`);
  });
  test('random text features have the shape of a mode, unit rows, parts from seeds seed + 1000·p', () => {
    const f = randomTextFeatures(40, 'lb_ad_md', 7);
    assert.equal(f.rows, 40);
    assert.equal(f.cols, 1536);
    for (let r = 0; r < 40; r++) {
      let s = 0;
      for (let c = 0; c < 1536; c++) s += f.data[r * 1536 + c] ** 2;
      assert.ok(Math.abs(s - 1) < 1e-5);
    }
    // the ad block of row 0 is the seed-1007 table's row 0 scaled by the row's norm
    const ad = randomTextTable(40, 512, 1007);
    const ratio = f.data[512] / ad[0];
    for (let c = 0; c < 512; c++) assert.ok(Math.abs(f.data[512 + c] - ratio * ad[c]) < 1e-6);
    assert.deepEqual(randomTextFeatures(40, 'lb_ad_md', 7).data, f.data);
  });
});

describe('preset', () => {
  test('the NTU features folder given to the preset reaches the NTU part', () => {
    assert.equal(textEncodersPreset('full', { features: '/x/sk_feats' }).ntu.features, '/x/sk_feats');
    assert.equal(textEncodersPreset('quick').ntu.features, undefined);
  });
});

describe('SynSE language files', () => {
  test('readNpyStrings reads a hand-written <U5 array', () => {
    const dir = tempDir('npyu');
    const file = path.join(dir, 'labels.npy');
    const body = Buffer.alloc(2 * 5 * 4);
    [...'throw'].forEach((ch, i) => body.writeUInt32LE(ch.codePointAt(0)!, i * 4));
    [...'hüg'].forEach((ch, i) => body.writeUInt32LE(ch.codePointAt(0)!, 20 + i * 4));
    fs.writeFileSync(file, npy('<U5', [2], body));
    assert.deepEqual(readNpyStrings(file), ['throw', 'hüg']);
    fs.writeFileSync(file, Buffer.from('not numpy at all'));
    assert.throws(() => readNpyStrings(file), /bad magic/);
  });
  test('real synse-language: 120 NTU labels in class order, verb ⊕ noun parts each of norm 1/√2', (t) => {
    const loc = locateData('synse-language');
    if (!loc.path) return t.skip(`synse-language not found (tried ${loc.tried.join(', ')})`);
    const labels = readNpyStrings(path.join(loc.path, 'labels.npy'));
    assert.equal(labels.length, 120);
    assert.equal(labels[0], 'drink water');
    assert.equal(labels[59], 'walking apart');
    assert.equal(labels[119], 'rock paper scissors');
    for (const [kind, width] of [
      ['w2v', 300],
      ['bert', 1024],
    ] as const) {
      const { matrix, labels: l60 } = readSynseLanguage(loc.path, kind, 60);
      assert.equal(matrix.rows, 60);
      assert.equal(matrix.cols, 2 * width);
      assert.equal(l60.length, 60);
      for (const r of [0, 31, 59]) {
        let verb = 0;
        let noun = 0;
        for (let c = 0; c < width; c++) {
          verb += matrix.data[r * 2 * width + c] ** 2;
          noun += matrix.data[r * 2 * width + width + c] ** 2;
        }
        assert.ok(Math.abs(verb - 0.5) < 1e-5 && Math.abs(noun - 0.5) < 1e-5, `${kind} row ${r}: ${verb}, ${noun}`);
      }
    }
  });
});

describe('similarity rows and Table 7/8 rows', () => {
  test('one row per pair of spaces with the same classes and part', () => {
    const sp = (id: TextSpace['id'], seed: number, classes: 60 | 120 = 60): TextSpace => {
      const m = randomTextFeatures(classes, 'lb', seed);
      return { id, label: id, classes, part: 'lb', rows: m.rows, cols: m.cols, data: m.data, source: 'test' };
    };
    const a = sp('clip-b32', 1);
    const rows = textSpaceSimilarityRows([a, { ...a, id: 'clip-b16', label: 'copy' }, sp('random', 2), sp('random', 3, 120)], [1, 5]);
    assert.equal(rows.length, 3); // C(3, 2) among the 60-class spaces; the 120-class one has no partner
    assert.ok(Math.abs((rows[0]['linear CKA'] as number) - 1) < 1e-9);
    assert.equal(rows[0]['NN@5 agreement'], 1);
    assert.equal(compareTextSpaces(a, a, [5]).agreement[5], 1);
    assert.throws(() => compareTextSpaces(a, sp('random', 3, 120), [1]), /classes/);
  });
  test('NTU rows without SynSE features are "not run" with the download instruction and the paper numbers', async (t) => {
    const cfg = textEncodersPreset('quick').ntu;
    const present = locateData('sk_feats');
    if (present.path) return t.skip(`SynSE features present at ${present.path}; the missing-data path cannot be exercised`);
    const ntu = await runNtuEncoders(cfg);
    assert.equal(ntu.length, 8);
    const { table7, table8 } = table7Rows(ntu);
    assert.equal(table8.length, 0);
    assert.equal(table7.length, 8);
    for (const r of table7) {
      assert.equal(r.status, 'not run');
      assert.match(String(r.note), /npx fsvae download synse-shift-features/);
    }
    const b16 = table7.find((r) => r.split === 'ntu60-48/12' && String(r.text).includes('ViT-B/16'))!;
    assert.equal(b16['paper ZSL'], PAPER_TABLE7['ViT-B/16']['ntu60-48/12']);
    // Table 8 of the paper, ViT-B/16 on NTU-60 48/12: S 61.0, U 39.4, H 47.9
    assert.deepEqual(PAPER_TABLE8_GZSL['ViT-B/16']['ntu60-48/12'], { S: 61.0, U: 39.4, H: 47.9 });
    assert.equal(b16['paper S/U/H'], '61.0 / 39.4 / 47.9');
  });
});
