#!/usr/bin/env bash
# Builds lib/, test/ and bench/ into dist/. First removes compiled files whose source is gone: tsc
# never deletes them, and Node would resolve a stale dist/lib/data/datasets.js before the folder
# dist/lib/data/datasets/ that replaced it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d dist ]; then
  find dist -type f \( -name '*.js' -o -name '*.d.ts' -o -name '*.js.map' \) | while read -r f; do
    rel="${f#dist/}"
    src="${rel%.js.map}"; src="${src%.d.ts}"; src="${src%.js}"
    [ -f "$src.ts" ] || [ -f "$src.json" ] || rm -f "$f"
  done
  find dist -type d -empty -delete
fi
npx tsc -p tsconfig.json
