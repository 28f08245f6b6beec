/**
 * The raw-dataset registry: one spec per dataset from its own module, the folder the data lookup
 * tries, the reader with its protocol side, and errors that list the known datasets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RAW_DATASETS, RAW_SKELETON_DATASETS, locateRawDataset, rawDataset } from '../../lib/data/datasets';
import { KNOWN_DATASET_FOLDERS } from '../../lib/data/inspect';
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
  assert.throws(() => rawDataset('kinetics'), (e: unknown) => e instanceof FsvaeInputError && /'kinetics'; known: nw-ucla, utd-mhad/.test(e.message));
});

test('NW-UCLA through its spec: views 1 and 2 train, view 3 test; an explicit folder is the only one tried', () => {
  const dir = tempDir('nw-ucla-spec');
  const frame = Array.from({ length: 20 }, (_, j) => [j / 10, 1 - j / 20, 2]);
  for (const [name, label] of [['a01_s01_e00_v01', 1], ['a02_s02_e01_v02', 2], ['a12_s03_e02_v03', 10]] as const) {
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ file_name: name, skeletons: [frame, frame], label }));
  }
  const loc = locateRawDataset('nw-ucla', dir);
  assert.equal(loc.source, 'explicit');
  const r = rawDataset('nw-ucla').read(loc.path!);
  assert.deepEqual(r.sequences.map((s) => [s.id, s.label, r.side(s)]), [
    ['a01_s01_e00_v01', 0, 'train'], ['a02_s02_e01_v02', 1, 'train'], ['a12_s03_e02_v03', 9, 'test'],
  ]);
  const none = locateRawDataset('nw-ucla', path.join(dir, 'absent'));
  assert.equal(none.path, null);
  assert.deepEqual(none.tried, [path.join(dir, 'absent')]);
});
