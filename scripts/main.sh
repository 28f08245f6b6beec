#!/usr/bin/env bash
# README command 1 (npm run main): from a fresh Debian machine to executed notebooks.
#   1. scripts/ensure-system.sh   apt packages for headless Jupyter on /usr/bin/python3 (skips when installed;
#                                 as non-root, prints the sudo apt-get command and stops)
#   2. scripts/ensure-npm.sh      npm install when node_modules is missing or stale
#   3. scripts/build.sh            builds lib/ (and tests, bench) into dist/
#   4. scripts/register-kernel.sh project-local tslab kernelspecs in .jupyter-home/ (skips when registered)
#   5. scripts/run-notebooks.sh   executes notebooks/*.ipynb in place, in lexical order; then
#      scripts/update-readme.js   regenerates the README's results block from results/*.json
#      scripts/check-html-export.js  with Chromium installed: each notebook's HTML export shows every
#                                 figure as an image (results/notebook_html_export.md); else says how to install it
#      scripts/check-notebooks-browser.js  every notebook opened in headless Chromium through a live Jupyter,
#                                 notebook 01 run through the UI (results/notebook_browser_check.md)
# Knobs: FSVAE_NOTEBOOKS="01-a.ipynb 03-c" runs a subset; FSVAE_NOTEBOOK_TIMEOUT=seconds per notebook
# (default 2400); FSVAE_NOTEBOOK_VERBOSE=1 prints every cell's time; FSVAE_JUPYTER_PYTHON (default /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
step() { echo; echo "== [main] $* ($(( $(date +%s) - t0 )) s)"; }

step "1/5 system packages"
bash scripts/ensure-system.sh
step "2/5 npm dependencies"
npm_log="$(mktemp)"
bash scripts/ensure-npm.sh | tee "$npm_log"
if [ -s "$npm_log" ]; then echo "[npm] ok: dependencies installed"; else echo "[npm] skip: node_modules up to date"; fi
rm -f "$npm_log"
step "3/5 build (scripts/build.sh: tsc -p tsconfig.json -> dist/)"
bash scripts/build.sh
echo "[build] ok"
step "4/5 tslab kernel"
bash scripts/register-kernel.sh
step "5/5 notebooks"
nb_log="$(mktemp)"
bash scripts/run-notebooks.sh | tee "$nb_log"
node scripts/update-readme.js
node scripts/check-html-export.js || echo "[html-export] WARNING: some figures do not show in the HTML export (see above)"
node scripts/check-notebooks-browser.js || echo "[browser] WARNING: some notebooks do not show as they should (results/notebook_browser_check.md)"
total=$(( $(date +%s) - t0 ))
# results/main_timing.md: this run's wall times (evidence cells already in data/cache/evidence make a
# re-run faster: the count of cached cells says how warm the caches were)
{
  echo "# Wall time of npm run main"
  echo
  echo "| step | seconds |"
  echo "| --- | --- |"
  grep -E '^\[notebooks\] .*: (ok|FAILED).* in [0-9.]+ s$' "$nb_log" | sed -E 's/^\[notebooks\] (.*): .* in ([0-9.]+) s$/| \1 | \2 |/' || true
  echo "| total (set-up included) | $total |"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit: $(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown); cores: $(nproc)"
  echo "- evidence cells in data/cache/evidence after the run: $(ls "${FSVAE_CACHE:-data/cache}/evidence" 2>/dev/null | wc -l) (a run from an empty cache trains every one)"
} > results/main_timing.md
rm -f "$nb_log"
echo
echo "== [main] done in $total s (results/main_timing.md)"
