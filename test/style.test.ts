/** Lines a reader can see whole: no line of lib/, test/ or bench/ is longer than 160 characters (data blobs excepted, listed with their reason). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../lib/data/paths';

export const MAX_LINE = 160;

/** Files whose long lines are data, not code. */
const DATA_BLOBS: Readonly<Record<string, string>> = {
  'lib/runtime/kernels/simd-kernels-wasm.ts': 'the compiled WebAssembly kernels as one base64 string (generated)',
};

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** `file:line (length)` of every line longer than `max` characters (code points). */
export function longLines(text: string, file: string, max = MAX_LINE): string[] {
  return text.split('\n').flatMap((l, i) => ([...l].length > max ? [`${file}:${i + 1} (${[...l].length})`] : []));
}

test('longLines counts code points, not UTF-16 units or bytes (hand-made lines)', () => {
  assert.deepEqual(longLines(`${'x'.repeat(160)}\n${'x'.repeat(161)}`, 'f'), ['f:2 (161)']);
  assert.deepEqual(longLines('→'.repeat(160), 'f'), []); // 160 characters, 480 bytes
  assert.deepEqual(longLines('𝑥'.repeat(100), 'f'), []); // 100 characters, 200 UTF-16 units
});

test(`no line of lib/, test/ or bench/ is longer than ${MAX_LINE} characters`, () => {
  const root = repoRoot();
  for (const blob of Object.keys(DATA_BLOBS)) assert.ok(fs.existsSync(path.join(root, blob)), `${blob} is listed as a data blob but does not exist`);
  const long = ['lib', 'test', 'bench']
    .flatMap((d) => tsFiles(path.join(root, d)))
    .map((f) => path.relative(root, f))
    .filter((f) => !DATA_BLOBS[f])
    .flatMap((f) => longLines(fs.readFileSync(path.join(root, f), 'utf8'), f));
  assert.deepEqual(long, [], `lines over ${MAX_LINE} characters (break them; split long strings into '…' + '…' pieces):\n${long.join('\n')}`);
});
