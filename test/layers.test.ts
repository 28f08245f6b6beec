/**
 * The import graph of lib/ runs downwards only: a module imports from its own folder or from a
 * folder of a LOWER layer, never from the same layer's other folders or from above; and no module
 * reaches itself through its imports (no circle, inside a folder either; type imports count).
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

/** The relative imports of a source file, as paths relative to lib/ without extension. */
function importsOf(lib: string, file: string): string[] {
  const src = fs.readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:import|export)[^'"]*?from\s+'(\.{1,2}\/[^']+)'/g)].map((m) => path.relative(lib, path.resolve(path.dirname(file), m[1])));
}

/** The module a relative import names (lib-relative, no extension): the .ts file, or the folder's index.ts. */
function moduleFile(lib: string, target: string): string | null {
  if (fs.existsSync(path.join(lib, `${target}.ts`))) return `${target}.ts`;
  if (fs.existsSync(path.join(lib, target, 'index.ts'))) return path.join(target, 'index.ts');
  return null;
}

/** Strongly connected components with more than one module, or a module importing itself (Tarjan). */
export function importCircles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(c.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return circles;
}

test('the circle finder: a 3-cycle, a self-import and a chain (worked by hand)', () => {
  const g = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a', 'd']],
    ['d', []],
    ['e', ['e']],
    ['f', ['d']],
  ]);
  assert.deepEqual(importCircles(g), [['a', 'b', 'c'], ['e']]);
  assert.deepEqual(
    importCircles(
      new Map([
        ['a', ['b']],
        ['b', []],
      ]),
    ),
    [],
  );
});

test('no import circle anywhere in lib/ (type imports included)', () => {
  const lib = path.join(repoRoot(), 'lib');
  const graph = new Map<string, string[]>();
  for (const file of filesUnder(lib)) {
    const rel = path.relative(lib, file);
    graph.set(
      rel,
      importsOf(lib, file)
        .map((t) => moduleFile(lib, t))
        .filter((t): t is string => t !== null),
    );
  }
  const circles = importCircles(graph);
  assert.deepEqual(circles, [], `import circles in lib/:\n${circles.map((c) => c.join(' ↔ ')).join('\n')}`);
});

test('lib/ imports only run from a higher layer to a lower one', () => {
  const lib = path.join(repoRoot(), 'lib');
  const problems: string[] = [];
  for (const file of filesUnder(lib)) {
    const rel = path.relative(lib, file);
    if (!rel.includes(path.sep)) continue; // lib/index.ts re-exports everything
    const from = rel.split(path.sep)[0];
    for (const target of importsOf(lib, file)) {
      if (target.startsWith('..')) continue;
      const to = target.split(path.sep)[0];
      if (to === from || !target.includes(path.sep)) continue;
      if (layerOf(to) >= layerOf(from)) problems.push(`lib/${rel} imports lib/${target} (${from} → ${to})`);
    }
  }
  assert.deepEqual(problems, [], `imports that run up or across the layers:\n${problems.join('\n')}`);
});

/**
 * The experiment runners the CLI may call (tables, sweeps, the preset selection, the feature
 * report, the pipeline's variants); data comes from lib/data and lib/pipeline.
 */
const CLI_EXPERIMENT_RUNNERS = [
  'experiments/shards',
  'experiments/evidence',
  'experiments/evidence-tables',
  'experiments/ablations',
  'experiments/variants',
  'experiments/small-data',
  'experiments/feature-quality',
];

test('lib/cli reaches lib/experiments only for experiment runners, never for data', () => {
  const lib = path.join(repoRoot(), 'lib');
  const problems = filesUnder(path.join(lib, 'cli')).flatMap((file) =>
    importsOf(lib, file)
      .filter((t) => t.startsWith(`experiments${path.sep}`) && !CLI_EXPERIMENT_RUNNERS.includes(t.split(path.sep).join('/')))
      .map((t) => `lib/${path.relative(lib, file)} imports lib/${t}`),
  );
  const why = 'lib/cli imports from lib/experiments/ that are not runners (read data through lib/data or lib/pipeline)';
  assert.deepEqual(problems, [], `${why}:\n${problems.join('\n')}`);
});
