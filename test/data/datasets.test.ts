/**
 * The raw-dataset registry: one spec per dataset from its own folder, the folder the data lookup
 * tries, the reader with its protocol side, the dataset's own data (classes, splits, protocols,
 * source, inspect format) agreeing with the all-dataset views, and errors that list the known datasets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetSpec, RAW_DATASETS, RAW_SKELETON_DATASETS, locateRawDataset, rawDataset } from '../../lib/data/datasets';
import { DATASET_NAMES, classNames, numClassesOf } from '../../lib/data/classes';
import { INSPECT_FORMAT_LABELS, KNOWN_DATASET_FOLDERS } from '../../lib/data/inspect';
import { repoRoot } from '../../lib/data/paths';
import { TRAIN_TEST_PROTOCOLS, getProtocol, getSplit, listSplits } from '../../lib/data/splits';
import { getDataSource } from '../../lib/data/sources';
import { FsvaeInputError } from '../../lib/util/assert';
import { tempDir } from '../temp-dirs';

test('every raw dataset has one spec, under its own name, with a folder and a download hint', () => {
  assert.deepEqual(Object.keys(RAW_DATASETS).sort(), [...RAW_SKELETON_DATASETS].sort());
  for (const name of RAW_SKELETON_DATASETS) {
    const spec = rawDataset(name);
    assert.equal(spec.name, name);
    assert.match(spec.download, /^npx fsvae download /);
  }
  // the folders the download sources fill are the ones the pipeline looks for
  assert.equal(getDataSource('nw-ucla').folder, rawDataset('nw-ucla').folder);
  assert.equal(getDataSource('utd-mhad').folder, rawDataset('utd-mhad').folder);
  for (const name of ['nw-ucla', 'utd-mhad', 'msr-action3d', 'pku51'] as const) assert.ok(KNOWN_DATASET_FOLDERS.includes(rawDataset(name).folder));
  assert.throws(
    () => rawDataset('kinetics'),
    (e: unknown) => e instanceof FsvaeInputError && /'kinetics'; known: ntu60, ntu120, pku51, nw-ucla, utd-mhad, msr-action3d\./.test(e.message),
  );
});

test('NW-UCLA through its spec: views 1 and 2 train, view 3 test; an explicit folder is the only one tried', () => {
  const dir = tempDir('nw-ucla-spec');
  const frame = Array.from({ length: 20 }, (_, j) => [j / 10, 1 - j / 20, 2]);
  for (const [name, label] of [
    ['a01_s01_e00_v01', 1],
    ['a02_s02_e01_v02', 2],
    ['a12_s03_e02_v03', 10],
  ] as const) {
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ file_name: name, skeletons: [frame, frame], label }));
  }
  const loc = locateRawDataset('nw-ucla', dir);
  assert.equal(loc.source, 'explicit');
  const r = rawDataset('nw-ucla').read(loc.path!);
  assert.deepEqual(
    r.sequences.map((s) => [s.id, s.label, r.side(s)]),
    [
      ['a01_s01_e00_v01', 0, 'train'],
      ['a02_s02_e01_v02', 1, 'train'],
      ['a12_s03_e02_v03', 9, 'test'],
    ],
  );
  const none = locateRawDataset('nw-ucla', path.join(dir, 'absent'));
  assert.equal(none.path, null);
  assert.deepEqual(none.tried, [path.join(dir, 'absent')]);
});

test('every registered dataset module is complete and agrees with the all-dataset views', () => {
  const specs = RAW_SKELETON_DATASETS.map((n) => rawDataset(n));
  assert.equal(new Set(specs).size, specs.length, 'a spec is registered twice');
  // a folder under a data root is one dataset's, or shared by datasets read from the same release (NTU-60 and NTU-120)
  const folderOwner = new Map<string, DatasetSpec>();
  for (const spec of specs) {
    const { name } = spec;
    assert.ok((DATASET_NAMES as readonly string[]).includes(name), `${name} is not a DatasetName`);
    assert.ok(spec.folder.trim().length > 0, `${name}: empty folder`);
    const owner = folderOwner.get(spec.folder);
    if (owner) {
      assert.ok(
        owner.source !== undefined && owner.source === spec.source && owner.inspectFormat === spec.inspectFormat,
        `${name} and ${owner.name} share the folder '${spec.folder}' without being one release (source, format)`,
      );
    } else folderOwner.set(spec.folder, spec);
    // classes: the list classNames gives, of the length numClassesOf gives
    assert.equal(spec.classes.length, numClassesOf(name), `${name}: classes`);
    assert.deepEqual([...spec.classes], [...classNames(name)], `${name}: classes`);
    // splits: each is registered under its name as a split of this dataset with its unseen list, and the
    // registry holds no other split of it (a split filed in another dataset's folder fails here)
    assert.ok(spec.splits.length > 0, `${name}: no split`);
    for (const def of spec.splits) {
      const split = getSplit(def.name);
      assert.equal(split.name, def.name);
      assert.equal(def.dataset, name, `${name}: split ${def.name} says it is ${def.dataset}'s`);
      assert.deepEqual(
        split.unseen,
        [...def.unseen].sort((a, b) => a - b),
        `${name}: split ${def.name}`,
      );
    }
    assert.deepEqual(
      spec.splits.map((d) => d.name),
      listSplits(name).map((s) => s.name),
      `${name}: splits`,
    );
    if (spec.randomSplits) {
      assert.equal(spec.randomSplits.dataset, name);
      for (const s of spec.randomSplits.splits) assert.equal(getSplit(s).dataset, name, `${name}: random split ${s}`);
    }
    // protocols: each is the registered one, the first is the default, and none of the dataset's is left out
    assert.ok(spec.protocols.length > 0, `${name}: no protocol`);
    for (const p of spec.protocols) {
      assert.equal(p.dataset, name);
      assert.strictEqual(getProtocol(name, p.name), p, `${name}: protocol ${p.name}`);
    }
    assert.strictEqual(getProtocol(name), spec.protocols[0], `${name}: the default protocol comes first`);
    assert.deepEqual(
      TRAIN_TEST_PROTOCOLS.filter((p) => p.dataset === name),
      [...spec.protocols],
      `${name}: protocols`,
    );
    // source: the download entry that fills this folder, and the one the download hint names
    if (spec.source !== undefined) {
      assert.equal(getDataSource(spec.source).folder, spec.folder, `${name}: source ${spec.source}`);
      assert.ok(spec.download.startsWith(`npx fsvae download ${spec.source}`), `${name}: download hint '${spec.download}'`);
    }
    if (spec.inspectFormat !== undefined) assert.ok(spec.inspectFormat in INSPECT_FORMAT_LABELS, `${name}: inspect format`);
  }
  // every dataset folder of lib/data/datasets/ exports a registered spec (a folder without its registry line fails here)
  const dir = path.join(repoRoot(), 'lib', 'data', 'datasets');
  const folders = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const registered = new Set<unknown>(specs);
  const exported = new Set<unknown>();
  for (const f of folders) {
    const mod = require(path.join(__dirname, '..', '..', 'lib', 'data', 'datasets', f)) as Record<string, unknown>;
    const own = Object.values(mod).filter((v) => registered.has(v));
    assert.ok(own.length > 0, `lib/data/datasets/${f}/ exports no registered dataset spec; add it to lib/data/datasets/index.ts`);
    own.forEach((v) => exported.add(v));
  }
  assert.equal(exported.size, specs.length, 'a registered spec comes from no folder of lib/data/datasets/');
});
