import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LIBRARY_ROOT, loadedModuleGraphFiles, loadedModuleGraphVersion } from '../../lib/util/code-version';

const rel = (files: string[]) => files.map((f) => path.relative(LIBRARY_ROOT, f).split(path.sep).join('/'));

test('the graph of the compiled zero-shot pipeline covers every module a stage-2-4 run executes, and nothing outside dist/lib', () => {
  const entry = require.resolve('../../lib/pipeline/zero-shot');
  const files = loadedModuleGraphFiles(entry);
  const names = rel(files);
  assert.equal(path.basename(LIBRARY_ROOT), 'lib');
  for (const f of [
    'pipeline/zero-shot.js',
    'pipeline/phase-worker.js',
    'train/stage2.js',
    'train/stage3.js',
    'train/fused-step.js',
    'train/adam.js',
    'train/config.js',
    'losses/index.js',
    'losses/pair-terms.js',
    'losses/alignment.js',
    'model/fsvae.js',
    'model/loss.js',
    'frequency/enhancer.js',
    'eval/gate.js',
    'eval/gzsl.js',
    'eval/logistic.js',
  ]) {
    assert.ok(names.includes(f), `${f} missing from the graph of zero-shot.js: ${names.join(', ')}`);
  }
  for (const f of files) {
    assert.ok(f.startsWith(LIBRARY_ROOT + path.sep), f);
    assert.ok(!f.split(path.sep).includes('node_modules'), f);
  }
  assert.deepEqual(files, [...new Set(files)].sort());
  // the same graph once the modules are loaded (the walk does not depend on load state)
  require(entry);
  assert.deepEqual(loadedModuleGraphFiles(entry), files);
  // the same version every call; a smaller graph gives another one
  const v = loadedModuleGraphVersion(entry);
  assert.match(v, /^[0-9a-f]{16}$/);
  assert.equal(loadedModuleGraphVersion(entry), v);
  assert.notEqual(loadedModuleGraphVersion(require.resolve('../../lib/losses/pair-terms')), v);
});

test('editing a module deep in the graph changes the version (also one only required lazily); editing one outside it does not', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-codever-'));
  try {
    const root = path.join(dir, 'lib');
    const w = (f: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), text);
    };
    w('pipeline/run.js', `"use strict";\nconst model_1 = require("../model/model");\nexports.run = (x) => model_1.forward(x);\n`);
    // the loss is required at load; the other term only inside a function that has not run yet
    w(
      'model/model.js',
      `"use strict";\nconst pair_1 = require("../losses/pair");\nexports.forward = (x) => pair_1.term(x, 1);\nexports.later = ` +
        `() => require("../losses/lazy").extra;\n`,
    );
    w('losses/pair.js', `"use strict";\nexports.term = (p, n) => Math.log1p(Math.exp(p - n));\n`);
    w('losses/lazy.js', `"use strict";\nexports.extra = 1;\n`);
    // outside the entry's graph, though it requires the loss too and is loaded FIRST (module.parent of losses/pair.js)
    w('other/early.js', `"use strict";\nconst pair_1 = require("../losses/pair");\nexports.early = () => pair_1.term(0, 0);\n`);
    w('other/outside.js', `"use strict";\nexports.unrelated = 1;\n`);
    const [entry, model, pair, lazy, early, outside] = [
      'pipeline/run.js',
      'model/model.js',
      'losses/pair.js',
      'losses/lazy.js',
      'other/early.js',
      'other/outside.js',
    ].map((f) => path.join(root, f));
    const all = [entry, model, pair, lazy, early, outside];
    const load = () => {
      for (const f of all) delete require.cache[f];
      require(early);
      require(outside);
      return require(entry) as { run(x: number): number };
    };
    const before = load();
    assert.ok(Number.isFinite(before.run(2)));
    assert.equal(require.cache[pair]!.parent?.filename, early);
    // a Module.children walk alone misses the lazy module: it is not even loaded
    assert.ok(!require.cache[model]!.children.some((c) => c.filename === lazy) && !require.cache[lazy]);
    assert.deepEqual(loadedModuleGraphFiles(entry, { root }), [lazy, pair, model, entry].sort());
    const v0 = loadedModuleGraphVersion(entry, { root });

    // a loss-like change deep in the graph (entry → model → pair)
    w('losses/pair.js', `"use strict";\nexports.term = (p, n) => Math.log1p(Math.exp(n - p));\n`);
    const after = load();
    assert.notEqual(after.run(2), before.run(2), 'the edited module is what runs now');
    const v1 = loadedModuleGraphVersion(entry, { root });
    assert.notEqual(v1, v0);
    // the lazily required module counts as well
    w('losses/lazy.js', `"use strict";\nexports.extra = 2;\n`);
    load();
    const v2 = loadedModuleGraphVersion(entry, { root });
    assert.notEqual(v2, v1);

    // modules outside the graph (loaded, but not reached from the entry)
    w('other/outside.js', `"use strict";\nexports.unrelated = 2;\n`);
    w('other/early.js', `"use strict";\nconst pair_1 = require("../losses/pair");\nexports.early = () => pair_1.term(1, 1);\n`);
    load();
    assert.equal(loadedModuleGraphVersion(entry, { root }), v2);

    // the version names files by their path under the root: the same tree elsewhere has the same version
    const copy = path.join(dir, 'copy');
    fs.cpSync(root, copy, { recursive: true });
    assert.equal(loadedModuleGraphVersion(path.join(copy, 'pipeline/run.js'), { root: copy }), v2);
    for (const f of all) delete require.cache[f];
    assert.throws(() => loadedModuleGraphFiles(path.join(dir, 'elsewhere.js'), { root }), /is not a module of/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("editing the library's real loss file (a copy of dist/lib) changes the evidence cells' code version; editing the notebook layer does not", () => {
  const lib = path.resolve(__dirname, '../../lib');
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-lib-'));
  try {
    fs.cpSync(lib, copy, { recursive: true });
    const entry = path.join(copy, 'pipeline', 'zero-shot.js');
    const before = loadedModuleGraphVersion(entry, { root: copy });
    // the copy has the same version as the library itself: the version depends on content, not location
    assert.equal(before, loadedModuleGraphVersion(path.join(lib, 'pipeline', 'zero-shot.js'), { root: lib }));
    fs.appendFileSync(path.join(copy, 'experiments', 'evidence-tables.js'), '\n// an edit outside the run\n');
    assert.equal(loadedModuleGraphVersion(entry, { root: copy }), before, 'a table module is not executed by a cell');
    fs.appendFileSync(path.join(copy, 'losses', 'pair-terms.js'), '\n// an edit of a loss term\n');
    assert.notEqual(loadedModuleGraphVersion(entry, { root: copy }), before, 'losses/pair-terms.js is executed by every cell');
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});
