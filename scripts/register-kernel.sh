#!/usr/bin/env bash
# Registers the project's own tslab kernels ("tslab" = TypeScript, "jslab" = JavaScript) with
# Debian's Jupyter, without any global npm install and without touching global Jupyter dirs:
#   - the kernelspecs are written by node_modules/.bin/tslab install --prefix .jupyter-home
#     into .jupyter-home/share/jupyter/kernels/{tslab,jslab}/kernel.json (gitignored);
#   - each kernelspec starts the project's tslab by absolute path (node_modules/.bin/tslab);
#   - the install helper runs on Debian's /usr/bin/python3 (override: FSVAE_JUPYTER_PYTHON),
#     never on the pyenv python3 that may come first on PATH.
# Idempotent: skips when both kernelspecs already point at this checkout's tslab. After a fresh
# registration it starts the TypeScript kernel once and runs `1 + 1` (checks the zeromq prebuild).
#
# Usage: bash scripts/register-kernel.sh [--check] [--user] [--print-env]
#   --check      run the kernel smoke test even when nothing was (re)registered
#   --user       also register into the per-user Jupyter dir (~/.local/share/jupyter), for
#                interactive `jupyter notebook` sessions started without the env below
#   --print-env  only print the `export JUPYTER_...` lines that select .jupyter-home, then exit
# Interactive use without --user:  eval "$(bash scripts/register-kernel.sh --print-env)"; jupyter notebook
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd -P)"
PY="${FSVAE_JUPYTER_PYTHON:-/usr/bin/python3}"
JHOME="$ROOT/.jupyter-home"
KERNELS="$JHOME/share/jupyter/kernels"
TSLAB="$ROOT/node_modules/.bin/tslab"

check=0 user=0
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    --user) user=1 ;;
    --print-env)
      printf 'export JUPYTER_PATH=%q\nexport JUPYTER_DATA_DIR=%q\nexport JUPYTER_RUNTIME_DIR=%q\nexport JUPYTER_CONFIG_DIR=%q\n' \
        "$JHOME/share/jupyter" "$JHOME/share/jupyter" "$JHOME/runtime" "$JHOME/config"
      exit 0 ;;
    *) echo "[kernel] unknown argument: $arg" >&2; exit 2 ;;
  esac
done

if [ ! -x "$TSLAB" ]; then
  echo "[kernel] $TSLAB is missing; run 'bash scripts/ensure-npm.sh' first" >&2
  exit 1
fi
if [ ! -x "$PY" ]; then
  echo "[kernel] $PY not found; run 'bash scripts/ensure-system.sh' (Debian Jupyter packages) first" >&2
  exit 1
fi

# Project-local Jupyter dirs: kernelspecs are looked up here first; runtime/connection files and
# config stay inside the checkout too.
eval "$(bash "$0" --print-env)"
mkdir -p "$JHOME/runtime" "$JHOME/config"

# True when <kernels dir> holds tslab and jslab kernelspecs whose argv[0] is this checkout's tslab.
spec_ok() {
  node -e '
    const fs = require("fs"), path = require("path");
    const [dir, bin] = process.argv.slice(1);
    for (const name of ["tslab", "jslab"]) {
      try {
        const k = JSON.parse(fs.readFileSync(path.join(dir, name, "kernel.json"), "utf8"));
        if (!Array.isArray(k.argv) || k.argv[0] !== bin) process.exit(1);
      } catch (e) { process.exit(1); }
    }' "$1" "$TSLAB"
}

fresh=0
if spec_ok "$KERNELS"; then
  echo "[kernel] skip: tslab/jslab kernelspecs already registered in ${KERNELS#"$ROOT"/} -> $TSLAB"
else
  echo "[kernel] registering tslab/jslab kernelspecs in ${KERNELS#"$ROOT"/} (python: $PY)"
  rm -rf "$KERNELS/tslab" "$KERNELS/jslab"
  # --prefix P writes P/share/jupyter/kernels/{tslab,jslab}/kernel.json.
  "$TSLAB" install --python "$PY" --binary "$TSLAB" --prefix "$JHOME" >/dev/null
  if ! spec_ok "$KERNELS"; then
    echo "[kernel] ERROR: tslab install did not produce kernelspecs pointing at $TSLAB in $KERNELS" >&2
    exit 1
  fi
  fresh=1
fi

if [ "$user" = 1 ]; then
  udir="$(env -u JUPYTER_DATA_DIR -u JUPYTER_PATH "$PY" -c 'from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())')/kernels"
  if spec_ok "$udir"; then
    echo "[kernel] skip: per-user kernelspecs already registered in $udir"
  else
    echo "[kernel] registering tslab/jslab kernelspecs in $udir (per user)"
    env -u JUPYTER_DATA_DIR -u JUPYTER_PATH "$TSLAB" install --python "$PY" --binary "$TSLAB" --user >/dev/null
  fi
fi

# Smoke test: start the TypeScript kernel through Jupyter and evaluate one expression.
if [ "$fresh" = 1 ] || [ "$check" = 1 ]; then
  echo "[kernel] smoke test: starting the tslab kernel..."
  t0=$(date +%s)
  ( cd "$ROOT" && timeout -k 10 120 "$PY" -c '
import sys
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name="tslab", startup_timeout=90)
try:
    found = []
    def hook(msg):
        if msg["msg_type"] == "stream":
            found.append(msg["content"]["text"])
    reply = kc.execute_interactive("const x: number = 1 + 1; console.log(`tslab ok ${x}`)",
                                   timeout=90, output_hook=hook)
    text = "".join(found).strip()
    if reply["content"]["status"] != "ok" or text != "tslab ok 2":
        sys.exit("kernel replied %r with output %r" % (reply["content"]["status"], text))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    del kc, km  # avoid a noisy KernelClient.__del__ at interpreter shutdown
' ) || { echo "[kernel] ERROR: the tslab kernel did not start or evaluate 1 + 1 (see above)" >&2; exit 1; }
  echo "[kernel] smoke test passed ($(( $(date +%s) - t0 )) s)"
fi
