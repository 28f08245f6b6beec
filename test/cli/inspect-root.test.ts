import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInspectCommand } from '../../lib/cli/commands/inspect';
import { KINECT_V1_20 } from '../../lib/data/layouts';
import { motion, writeMsrFixture, writeNtuFixture } from '../fixtures/raw-datasets';

test('inspect on a data root: the dataset folders below it, each with how it was chosen', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-root-'));
  try {
    const nw = path.join(root, 'nw-ucla', 'all_sqe');
    fs.mkdirSync(nw, { recursive: true });
    fs.writeFileSync(
      path.join(nw, 'a01_s01_e00_v01.json'),
      JSON.stringify({ file_name: 'a01_s01_e00_v01', skeletons: motion(KINECT_V1_20, 0, 1, 1, 8), label: 1 }),
    );
    writeMsrFixture(path.join(root, 'msr-action3d'), { subjects: [1], frames: 8 });
    writeNtuFixture(path.join(root, 'mine', 'ntu-copy'), { actions: 2, subjects: [1], frames: 4 }); // not a known name: found by content
    fs.mkdirSync(path.join(root, 'notes'));
    fs.writeFileSync(path.join(root, 'notes', 'readme.txt'), 'nothing to see');
    fs.writeFileSync(path.join(root, 'checksums.json'), '{}'); // the root itself is not a dataset
    const lines: string[] = [];
    const cmd = createInspectCommand({ out: (l) => lines.push(l), err: (l) => lines.push(l) });
    assert.equal(await cmd.run([root]), 0);
    const text = lines.join('\n');
    assert.match(text, /not a dataset itself \(.*checksums\.json.*\); 3 dataset folder\(s\) below it/);
    assert.match(text, /== .*nw-ucla\/all_sqe \(known dataset folder name 'nw-ucla\/all_sqe'\)\npath: .*\nformat: +NW-UCLA JSON/);
    assert.match(text, /== .*msr-action3d \(known dataset folder name 'msr-action3d'\)\npath: .*\nformat: +MSR Action3D/);
    assert.match(text, /== .*mine\/ntu-copy \(recognised content two levels down\)\npath: .*\nformat: +NTU RGB\+D/);
    assert.doesNotMatch(text, /notes/);
    // a damaged dataset folder keeps its own error: a valid subfolder is not summarised in its place
    const damaged = path.join(root, 'damaged-ntu');
    writeNtuFixture(damaged, { actions: 1, subjects: [1], frames: 4 });
    fs.writeFileSync(path.join(damaged, 'S001C001P002R001A001.skeleton'), 'garbage');
    writeNtuFixture(path.join(damaged, 'sub'), { actions: 1, subjects: [3], frames: 4 });
    const dl: string[] = [];
    assert.equal(await createInspectCommand({ out: (l) => dl.push(l), err: (l) => dl.push(l) }).run([damaged]), 1);
    assert.match(dl.join('\n'), /S001C001P002R001A001\.skeleton/);
    assert.doesNotMatch(dl.join('\n'), /dataset folder\(s\) below it/);
    // a folder with nothing recognisable below it keeps the plain error
    const empty = fs.mkdtempSync(path.join(root, 'empty-'));
    const errs: string[] = [];
    const cmd2 = createInspectCommand({ out: (l) => errs.push(l), err: (l) => errs.push(l) });
    assert.equal(await cmd2.run([empty]), 1);
    assert.match(errs.join('\n'), /no recognised files/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
