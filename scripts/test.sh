#!/usr/bin/env bash
# The test command (README command 2, called by .ci/run): installs npm dependencies when they are
# missing, compiles the library and the tests, then runs every test file with Node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-npm.sh
npx tsc -p tsconfig.json
node --test --test-reporter=spec dist/test/
