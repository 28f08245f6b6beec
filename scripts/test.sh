#!/usr/bin/env bash
# The test command (README command 2, called by .ci/run): installs npm dependencies when they are
# missing, compiles the library and the tests, then runs every test file with Node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-npm.sh
# Jupyter for the notebook smoke test (installs as root, skips fast when present; the test is
# skipped with a message when Jupyter cannot be installed)
bash scripts/ensure-system.sh || echo "[test] Jupyter is not available: the notebook smoke test will be skipped"
# formatting and lint of lib/, test/ and bench/ (biome.jsonc); `npm run format` fixes what it can
npx biome ci --error-on-warnings
bash scripts/build.sh
# the project's tslab kernels (the notebook, kernel-status and browser tests need them; skips fast when registered)
if /usr/bin/python3 -c 'import jupyter_client' 2>/dev/null; then
  bash scripts/register-kernel.sh || echo "[test] the tslab kernels could not be registered: the notebook tests will fail or skip"
fi
node --test --test-reporter=spec dist/test/
