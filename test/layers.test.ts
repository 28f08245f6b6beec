/**
 * The import graph of lib/ runs downwards only: a module imports from its own folder or from a
 * folder of a LOWER layer, never from the same layer's other folders or from above.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../lib/data/paths';

/** Layers, lowest first. */
export const LAYERS: readonly (readonly string[])[] = [
  ['util'],
  ['runtime'],
  ['frequency', 'data'],
  ['report', 'text'],
  ['viz', 'model', 'losses'],
  ['train'],
  ['stage1'],
  ['eval'],
  ['pipeline'],
  ['experiments'],
  ['cli'],
];

function layerOf(folder: string): number {
  const i = LAYERS.findIndex((l) => l.includes(folder));
  if (i < 0) throw new Error(`lib/${folder}/ is in no layer of test/layers.test.ts; add it.`);
  return i;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

test('lib/ imports only run from a higher layer to a lower one', () => {
  const lib = path.join(repoRoot(), 'lib');
  const problems: string[] = [];
  for (const file of filesUnder(lib)) {
    const rel = path.relative(lib, file);
    if (!rel.includes(path.sep)) continue; // lib/index.ts re-exports everything
    const from = rel.split(path.sep)[0];
    const src = fs.readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:import|export)[^'"]*?from\s+'(\.{1,2}\/[^']+)'/g)) {
      const target = path.relative(lib, path.resolve(path.dirname(file), m[1]));
      if (target.startsWith('..')) continue;
      const to = target.split(path.sep)[0];
      if (to === from || !target.includes(path.sep)) continue;
      if (layerOf(to) >= layerOf(from)) problems.push(`lib/${rel} imports lib/${target} (${from} → ${to})`);
    }
  }
  assert.deepEqual(problems, [], `imports that run up or across the layers:\n${problems.join('\n')}`);
});
