#!/usr/bin/env bash
# Executes the notebooks headless, in place, on the project's tslab kernel (npm run notebooks; the
# last step of npm run main). For each notebook: nbclient on Debian's /usr/bin/python3 starts the
# kernel named in the notebook's metadata (tslab when none) with the notebook's folder as working
# directory, runs every cell, and on success writes the outputs back into the .ipynb. On failure the
# notebook file is left untouched, the failing cell and its error are printed, and the partially
# executed copy is saved under .jupyter-home/failed/. A notebook that ran is signed as trusted
# (Jupyter's signature store in .jupyter-home/). Prints per-notebook wall time and a summary;
# exits 1 when any notebook failed (the remaining ones still run).
#
# Usage: bash scripts/run-notebooks.sh [NOTEBOOK.ipynb ...]
#   no arguments: $FSVAE_NOTEBOOKS (space-separated; paths, or names under notebooks/ with or
#   without .ipynb), else every notebooks/*.ipynb in lexical (C locale) order.
# Knobs: FSVAE_NOTEBOOK_TIMEOUT  wall-clock seconds per notebook (default 2400: notebook 03 takes ~1450 s from an empty cache on 2 cores), enforced per cell
#                                against the notebook's deadline; on expiry the kernel is shut down
#        FSVAE_NOTEBOOK_VERBOSE=1  print every cell's time (default: only cells taking >= 10 s)
#        FSVAE_JUPYTER_PYTHON    Jupyter's interpreter (default /usr/bin/python3)
# Needs: scripts/ensure-system.sh (apt packages), node_modules, and, for notebooks that import
# ../dist, a build (npm run build); npm run main does all of these first.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd -P)"
PY="${FSVAE_JUPYTER_PYTHON:-/usr/bin/python3}"
TIMEOUT="${FSVAE_NOTEBOOK_TIMEOUT:-2400}"
if ! [[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]]; then
  echo "[notebooks] FSVAE_NOTEBOOK_TIMEOUT must be a positive integer (seconds), got '$TIMEOUT'" >&2
  exit 2
fi

# ---- which notebooks -------------------------------------------------------------------------
resolve() {  # prints the absolute path of a notebook given as a path or a name under notebooks/
  local x="$1" c
  for c in "$x" "$ROOT/notebooks/$x" "$ROOT/notebooks/$x.ipynb"; do
    if [ -f "$c" ]; then echo "$(cd "$(dirname "$c")" && pwd -P)/$(basename "$c")"; return 0; fi
  done
  echo "[notebooks] ERROR: notebook not found: $x" >&2
  return 1
}
NBS=()
if [ "$#" -gt 0 ]; then
  for a in "$@"; do NBS+=("$(resolve "$a")"); done
elif [ -n "${FSVAE_NOTEBOOKS:-}" ]; then
  read -r -a sel <<< "$FSVAE_NOTEBOOKS"
  for a in "${sel[@]}"; do NBS+=("$(resolve "$a")"); done
else
  while IFS= read -r -d '' f; do NBS+=("$f"); done < <(
    find "$ROOT/notebooks" -maxdepth 1 -type f -name '*.ipynb' -print0 2>/dev/null | LC_ALL=C sort -z)
fi
if [ "${#NBS[@]}" -eq 0 ]; then
  echo "[notebooks] no notebooks in notebooks/: nothing to run"
  exit 0
fi
if [ ! -f "$ROOT/dist/lib/index.js" ]; then
  echo "[notebooks] warning: dist/lib/index.js is missing (notebooks importing ../dist need 'npm run build')" >&2
fi

# ---- kernel ----------------------------------------------------------------------------------
bash "$ROOT/scripts/register-kernel.sh"
eval "$(bash "$ROOT/scripts/register-kernel.sh" --print-env)"
mkdir -p "$ROOT/.jupyter-home/failed"

# ---- runner (nbclient) -----------------------------------------------------------------------
# argv: notebook, timeout seconds, pid file (receives the kernel pid), path for the failed copy.
read -r -d '' RUNNER <<'PY' || true
import asyncio, os, re, signal, sys, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

path, timeout, pidfile, failcopy = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
verbose = os.environ.get("FSVAE_NOTEBOOK_VERBOSE") == "1"
nb = nbformat.read(path, as_version=4)
kernel = (nb.metadata.get("kernelspec") or {}).get("name") or "tslab"
ncode = sum(1 for c in nb.cells if c.cell_type == "code")
deadline = time.monotonic() + timeout
state = {"index": None, "n": 0, "t": 0.0, "pid": None}

def log(msg):
    print(msg, flush=True)

def on_notebook_start(notebook=None, **kw):
    prov = getattr(client.km, "provisioner", None)
    pid = getattr(prov, "pid", None) or getattr(getattr(client.km, "kernel", None), "pid", None)
    if pid:
        state["pid"] = pid
        with open(pidfile, "w") as f:
            f.write(str(pid))

def on_cell_start(cell=None, cell_index=None, **kw):
    state["index"], state["t"] = cell_index, time.monotonic()
    if cell.cell_type == "code":
        state["n"] += 1

def on_cell_executed(cell=None, cell_index=None, execute_reply=None, **kw):
    dt = time.monotonic() - state["t"]
    if verbose or dt >= 10:
        log("    cell %d (code cell %d/%d): %.1f s" % (cell_index + 1, state["n"], ncode, dt))

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

def tail(text, n):
    lines = ANSI.sub("", text).rstrip("\n").split("\n")
    return (["... (%d lines cut)" % (len(lines) - n)] if len(lines) > n else []) + lines[-n:]

def describe_cell(i):
    # Source and outputs of cell i (tslab reports errors, with the stack or the type errors, on stderr).
    cell = nb.cells[i]
    out = ["source:"] + ["  " + l for l in tail(cell.source, 20)]
    text = ""
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            text += o.text
        elif o.output_type == "error":
            text += "%s: %s\n%s\n" % (o.ename, o.evalue, "\n".join(o.traceback))
    out += ["output:"] + ["  " + l for l in tail(text, 40)] if text.strip() else ["output: (none)"]
    return "\n".join(out)

# Interrupts: nbclient would install asyncio handlers that race their own kernel cleanup (noisy
# tracebacks in nbclient 0.7). Refuse them (nbclient tolerates RuntimeError there) and turn SIGINT
# and SIGTERM into KeyboardInterrupt; nbclient's atexit hook then shuts the kernel down.
def _no_loop_signals(self, *args, **kwargs):
    raise RuntimeError("signals are handled by run-notebooks")
asyncio.SelectorEventLoop.add_signal_handler = _no_loop_signals
def _interrupt(signum, frame):
    # once only: Ctrl-C reaches us both from the terminal and forwarded by timeout(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt()
signal.signal(signal.SIGINT, _interrupt)
signal.signal(signal.SIGTERM, _interrupt)

client = NotebookClient(
    nb,
    kernel_name=kernel,
    timeout_func=lambda cell: max(1, int(deadline - time.monotonic() + 0.999)),
    startup_timeout=120,
    record_timing=False,
    resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
    on_notebook_start=on_notebook_start,
    on_cell_start=on_cell_start,
    on_cell_executed=on_cell_executed,
)

def where():
    i = state["index"]
    return "cell %d (code cell %d/%d)" % (i + 1, state["n"], ncode) if i is not None else "kernel start-up"

try:
    log("    kernel: %s, %d code cells" % (kernel, ncode))
    client.execute()
except BaseException as e:
    nbformat.write(nb, failcopy)
    if isinstance(e, CellTimeoutError):
        msg = "timed out in %s: the notebook exceeded its %d s budget (FSVAE_NOTEBOOK_TIMEOUT)" % (where(), timeout)
    elif isinstance(e, CellExecutionError):
        head = ": ".join(x for x in (e.ename, e.evalue) if x and x != "<Error>")
        msg = "error in %s%s" % (where(), (": " + head) if head else "")
    elif isinstance(e, DeadKernelError):
        msg = "the kernel died in %s: %s" % (where(), e)
    elif isinstance(e, KeyboardInterrupt):
        msg = "interrupted in %s" % where()
    else:
        msg = "%s in %s: %s" % (type(e).__name__, where(), e)
    if state["index"] is not None:
        msg += "\n" + describe_cell(state["index"])
    log("    FAILED: " + msg.replace("\n", "\n    | "))
    log("    partially executed copy: " + failcopy)
    if isinstance(e, KeyboardInterrupt):
        # Stop the kernel (its own process group) and leave at once: resuming nbclient's suspended
        # coroutines at exit would race its own cleanup and print tracebacks.
        try:
            os.killpg(state["pid"], signal.SIGKILL)
        except Exception:
            pass
        try:
            os.remove(client.km.connection_file)
        except Exception:
            pass
        sys.stdout.flush()
        os._exit(130)
    sys.exit(1)
tmp = path + ".tmp"
nbformat.write(nb, tmp)
os.replace(tmp, path)
# Trusted for the user who ran it: Jupyter's own signature store ($JUPYTER_DATA_DIR = .jupyter-home/),
# which npm run notebook uses too; untrusted copies still show every table, claim and static figure.
from nbformat.sign import NotebookNotary
NotebookNotary().sign(nbformat.read(path, as_version=4))
PY

# Kills the kernel's process group if the runner left it behind (the kernel runs in its own session).
reap_kernel() {
  local pid
  pid="$(cat "$1" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q tslab "/proc/$pid/cmdline" 2>/dev/null; then
    echo "    (stopping leftover kernel process group $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || true
    sleep 1
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

# Ctrl-C reaches the runner too (same process group: timeout --foreground), which shuts its kernel
# down; bash runs this trap once the runner has returned, and the loop then stops.
interrupted=0
trap 'interrupted=1' INT TERM

names=() results=() times=() failed=()
t_all=$(date +%s)
i=0
for nb in "${NBS[@]}"; do
  i=$((i + 1))
  rel="${nb#"$ROOT"/}"
  echo "[notebooks] ($i/${#NBS[@]}) $rel (timeout ${TIMEOUT} s)"
  pidfile="$(mktemp)"
  failcopy="$ROOT/.jupyter-home/failed/$(basename "$nb")"
  rm -f "$failcopy"
  t0=$(date +%s.%N)
  set +e
  # Outer guard in case the runner itself hangs (start-up and shutdown are outside the cell budget).
  ( cd "$(dirname "$nb")" && exec timeout --foreground -k 15 $((TIMEOUT + 180)) "$PY" -c "$RUNNER" "$nb" "$TIMEOUT" "$pidfile" "$failcopy" )
  rc=$?
  set -e
  [ "$rc" -ne 130 ] || interrupted=1
  dt=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  reap_kernel "$pidfile"
  if [ "$rc" -eq 0 ]; then
    status=ok
  elif [ "$rc" -eq 130 ]; then
    status=INTERRUPTED
  elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    status="FAILED (runner killed after $((TIMEOUT + 180)) s)"
  else
    status=FAILED
  fi
  echo "[notebooks] $rel: $status in ${dt} s"
  names+=("$rel") results+=("$status") times+=("$dt")
  [ "$rc" -eq 0 ] || failed+=("$rel")
  if [ "$interrupted" = 1 ]; then
    echo "[notebooks] interrupted: skipping the remaining notebooks" >&2
    break
  fi
done

echo "[notebooks] summary ($(( $(date +%s) - t_all )) s total):"
for k in "${!names[@]}"; do
  printf '  %-11s %8s s  %s\n' "${results[$k]%% *}" "${times[$k]}" "${names[$k]}"
done
[ "$interrupted" = 0 ] || exit 130
if [ "${#failed[@]}" -gt 0 ]; then
  echo "[notebooks] ${#failed[@]} of ${#NBS[@]} notebook(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "[notebooks] all ${#NBS[@]} notebook(s) executed; outputs written in place"
