#!/usr/bin/env node
// The node_modules files that the GPU bundle (scripts/gpu-bundle.sh) needs: every file reachable by
// require/import from the given compiled entry files, followed through node_modules, plus the
// packages that lib/runtime/backend.ts and lib/runtime/webgpu.ts load lazily by name (tfjs backends,
// Dawn's binding) and their binary assets: the tfjs-backend-wasm .wasm files and Dawn's dawn.node
// for linux-x64 only. Prints one path a line, relative to the repository root.
// Usage: node scripts/gpu-bundle-files.js <entry.js> ...
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { builtinModules, createRequire } = require('node:module');

const root = path.join(__dirname, '..');
const builtins = new Set(builtinModules);
/** what the backends load by name at run time (no literal require in the compiled code) */
const LAZY = ['@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'webgpu'];
/** files read at run time rather than required */
const ASSETS = [
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
  'node_modules/webgpu/dist/linux-x64/dawn.node',
];
const SPEC = /\brequire\(\s*(['"])([^'"\n]+)\1\s*\)|\bfrom\s*(['"])([^'"\n]+)\3|\bimport\(\s*(['"])([^'"\n]+)\5\s*\)|^\s*import\s*(['"])([^'"\n]+)\7/gm;

const files = new Set();
const queue = [];
const missing = new Set();

function add(file) {
  if (files.has(file)) return;
  files.add(file);
  if (/\.(c|m)?js$/.test(file)) queue.push(file);
}

/** the package.json of the package holding `file` (inside node_modules), added too */
function addPackageJson(file) {
  let dir = path.dirname(file);
  while (dir.includes(`${path.sep}node_modules${path.sep}`)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      files.add(pj);
      const name = JSON.parse(fs.readFileSync(pj, 'utf8')).name;
      // a nested package.json ({"type": "module"} of a subfolder) has no name: keep looking for the package's own
      if (name) return;
    }
    dir = path.dirname(dir);
  }
}

function resolveFrom(file, spec) {
  if (spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0])) return null;
  try {
    return createRequire(file).resolve(spec);
  } catch {
    missing.add(`${spec} (from ${path.relative(root, file)})`);
    return null;
  }
}

for (const entry of process.argv.slice(2)) add(path.resolve(entry));
for (const pkg of LAZY) {
  const r = resolveFrom(path.join(root, 'package.json'), pkg);
  if (r) add(r);
}
for (const a of ASSETS) if (fs.existsSync(path.join(root, a))) add(path.join(root, a));

while (queue.length) {
  const file = queue.pop();
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(SPEC)) {
    const spec = m[2] ?? m[4] ?? m[6] ?? m[8];
    const r = resolveFrom(file, spec);
    if (r && path.isAbsolute(r)) add(r);
  }
}
for (const f of [...files]) if (f.includes(`${path.sep}node_modules${path.sep}`)) addPackageJson(f);

const out = [...files].filter((f) => f.includes(`${path.sep}node_modules${path.sep}`)).map((f) => path.relative(root, f));
out.sort();
process.stdout.write(out.join('\n') + '\n');
// optional requires inside try/catch (node-fetch's encoding) and words in strings that look like imports stay unresolved
const real = [...missing].filter((m) => /^(@[a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]* \(from node_modules\//.test(m));
if (real.length) process.stderr.write(`[bundle] not resolved (optional, loaded inside try/catch): ${real.join(', ')}\n`);
