#!/usr/bin/env bash
# Registers the project's own tslab kernels ("tslab" = TypeScript, "jslab" = JavaScript) with
# Debian's Jupyter, without any global npm install and without touching global Jupyter dirs:
#   - the kernelspecs are written by node_modules/.bin/tslab install --prefix .jupyter-home
#     into .jupyter-home/share/jupyter/kernels/{tslab,jslab}/kernel.json (gitignored), then their
#     argv[0] (the tslab binary) is replaced by `<absolute node> <repo>/scripts/tslab-kernel.js`;
#   - so each kernel runs the project's tslab through scripts/tslab-kernel.js, which keeps the
#     kernel's status "busy" while any request runs (tslab alone reports "idle" during a long cell
#     under Run All), e.g. <node> scripts/tslab-kernel.js kernel --config-path {connection_file} [--js];
#   - the install helper runs on Debian's /usr/bin/python3 (override: FSVAE_JUPYTER_PYTHON),
#     never on the pyenv python3 that may come first on PATH.
# Idempotent: skips when both kernelspecs already start this checkout's scripts/tslab-kernel.js with
# the node on PATH (older ones that start node_modules/.bin/tslab are rewritten). After a fresh
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
LAUNCHER="$ROOT/scripts/tslab-kernel.js"

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
if ! NODE="$(command -v node)" || [ -z "$NODE" ]; then
  echo "[kernel] node is not on PATH" >&2
  exit 1
fi
case "$NODE" in /*) ;; *) NODE="$(cd "$(dirname "$NODE")" && pwd -P)/$(basename "$NODE")" ;; esac
if [ ! -x "$PY" ]; then
  echo "[kernel] $PY not found; run 'bash scripts/ensure-system.sh' (Debian Jupyter packages) first" >&2
  exit 1
fi

# Project-local Jupyter dirs: kernelspecs are looked up here first; runtime/connection files and
# config stay inside the checkout too.
eval "$(bash "$0" --print-env)"
mkdir -p "$JHOME/runtime" "$JHOME/config"

# The argv of each kernelspec: <node> <launcher> kernel --config-path {connection_file} [--js], as
# `tslab install` writes it with the node and the launcher in place of the tslab binary.
# spec_ok <kernels dir>: true when tslab and jslab there have exactly that argv.
# spec_fix <kernels dir>: rewrites the argv of the kernelspecs that `tslab install --binary $TSLAB` wrote there.
spec_node() {
  node -e '
    const fs = require("fs"), path = require("path");
    const [mode, dir, tslab, node, launcher] = process.argv.slice(1);
    for (const name of ["tslab", "jslab"]) {
      const want = [node, launcher, "kernel", "--config-path", "{connection_file}", ...(name === "jslab" ? ["--js"] : [])];
      const file = path.join(dir, name, "kernel.json");
      let k;
      try { k = JSON.parse(fs.readFileSync(file, "utf8")); } catch (e) { process.exit(1); }
      if (mode === "fix") {
        const got = JSON.stringify(k.argv), from = JSON.stringify([tslab, ...want.slice(2)]);
        if (got !== from) { console.error(`[kernel] unexpected argv in ${file}: ${got}`); process.exit(1); }
        k.argv = want;
        fs.writeFileSync(file, JSON.stringify(k, null, 1) + "\n");
      } else if (JSON.stringify(k.argv) !== JSON.stringify(want)) process.exit(1);
    }' "$1" "$2" "$TSLAB" "$NODE" "$LAUNCHER"
}
spec_ok() { spec_node check "$1"; }
spec_fix() { spec_node fix "$1"; }

fresh=0
if spec_ok "$KERNELS"; then
  echo "[kernel] skip: tslab/jslab kernelspecs already registered in ${KERNELS#"$ROOT"/} -> $NODE ${LAUNCHER#"$ROOT"/}"
else
  echo "[kernel] registering tslab/jslab kernelspecs in ${KERNELS#"$ROOT"/} (python: $PY)"
  rm -rf "$KERNELS/tslab" "$KERNELS/jslab"
  # --prefix P writes P/share/jupyter/kernels/{tslab,jslab}/kernel.json.
  "$TSLAB" install --python "$PY" --binary "$TSLAB" --prefix "$JHOME" >/dev/null
  if ! spec_fix "$KERNELS" || ! spec_ok "$KERNELS"; then
    echo "[kernel] ERROR: could not write kernelspecs starting $NODE $LAUNCHER in $KERNELS" >&2
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
    if ! spec_fix "$udir" || ! spec_ok "$udir"; then
      echo "[kernel] ERROR: could not write kernelspecs starting $NODE $LAUNCHER in $udir" >&2
      exit 1
    fi
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
