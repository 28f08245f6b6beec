#!/usr/bin/env bash
# The benchmarks and the WebGPU tests on a GPU machine, in one command, from the bundle that
# scripts/gpu-bundle.sh made (.gpu-bundle/: Node, the compiled code, the pruned node_modules, the
# Vulkan loader); the machine needs no registry, no Node and no npm, only its GPU driver (with its
# Vulkan ICD). See docs/gpu.md.
#   bash scripts/gpu-bench.sh          # from the checkout, with .gpu-bundle/ beside scripts/
#   ./run.sh                           # from a copy of the bundle alone
# Writes into $OUT (default ./gpu-out): bench_gpu.md (the device, the WebGPU adapter and its driver,
# stage-2 step and stage-1 throughput on every backend, the targets, the tests' outcome; copy it to
# results/), bench_backends.md (the tables alone) and gpu-bench.log (everything printed).
# Every phase has a time limit, so the whole run ends within 8.5 minutes (a runner's limit of 540 s
# holds), usually in a few: unpack 60 s, nvidia-smi 20 s, WebGPU probe 40 s, benchmarks 270 s (each
# backend's child process at most 120 s and what is left of the 255 s, the GPU backends first; a
# backend left without time is a row saying so), WebGPU tests 120 s.
# Environment: FSVAE_GPU_BACKENDS (the backends to measure, in order; default
# webgpu,tensorflow-gpu,wasm,tensorflow,cpu), FSVAE_GPU_WORK (where the bundle is unpacked; default
# /tmp/fsvae-gpu), FSVAE_GPU_QUICK=1 (halve the benchmark budgets), FSVAE_GPU_BUNDLED_VULKAN=1 (use the
# bundle's Vulkan loader even where the machine has one), FSVAE_GPU_TEST_TIMEOUT_S (the tests' limit, default
# 120; a software device needs up to 300).
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd -P)"
if [ -f "$HERE/payload.tar.xz" ]; then BUNDLE="$HERE"; else BUNDLE="$(cd "$HERE/.." && pwd -P)/.gpu-bundle"; fi
OUT="${OUT:-$PWD/gpu-out}"
mkdir -p "$OUT"
LOG="$OUT/gpu-bench.log"
exec > >(tee -a "$LOG") 2>&1
TEE_PID=$!
T0=$(date +%s)
say() { echo "[gpu-bench +$(($(date +%s) - T0))s] $*"; }

if [ ! -f "$BUNDLE/payload.tar.xz" ]; then
  say "no bundle at $BUNDLE: run 'bash scripts/gpu-bundle.sh' on a machine with the npm dependencies, and bring .gpu-bundle/ along"
  exit 1
fi
[ -f "$BUNDLE/MANIFEST" ] && sed 's/^/[bundle] /' "$BUNDLE/MANIFEST"

# --- unpack (60 s) ------------------------------------------------------------------------------
WORK="${FSVAE_GPU_WORK:-/tmp/fsvae-gpu}"
rm -rf "$WORK"
mkdir -p "$WORK"
say "unpacking the bundle into $WORK"
if command -v xz >/dev/null; then
  timeout 60 tar -C "$WORK" -xJf "$BUNDLE/payload.tar.xz"
else
  timeout 60 python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$BUNDLE/payload.tar.xz" "$WORK"
fi || { say "unpacking failed"; exit 1; }
export PATH="$WORK/bin:$PATH"
unset NODE_PATH NODE_OPTIONS FSVAE_BACKEND
APP="$WORK/app"
say "node $(node --version)"

# --- Vulkan: the loader, and the NVIDIA driver's ICD ----------------------------------------------
if [ "${FSVAE_GPU_BUNDLED_VULKAN:-0}" != 1 ] && ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  say "Vulkan loader: the machine's own"
else
  for deb in "$BUNDLE"/vulkan/*.deb; do
    [ -f "$deb" ] || continue
    if command -v dpkg-deb >/dev/null; then
      dpkg-deb -x "$deb" "$WORK/gl"
    else
      (mkdir -p "$WORK/gl/deb" && cd "$WORK/gl/deb" && ar x "$deb" && tar -C "$WORK/gl" -xf data.tar.*)
    fi
  done
  export LD_LIBRARY_PATH="$WORK/gl/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  say "Vulkan loader: the bundle's ($(ls "$WORK"/gl/usr/lib/x86_64-linux-gnu/libvulkan.so.1* 2>/dev/null | head -1))"
fi
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  [ -d "$d" ] && export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
done
if [ -z "${VK_DRIVER_FILES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then
      export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"
      break
    fi
  done
fi
ICD_LINE="${VK_DRIVER_FILES:-}"
[ -n "$ICD_LINE" ] || ICD_LINE="none named (the Vulkan loader searches its default folders)"
say "Vulkan ICD: $ICD_LINE"

# --- the device (60 s) ------------------------------------------------------------------------------
GPU_LINE="no nvidia-smi"
if command -v nvidia-smi >/dev/null; then
  GPU_LINE="$(timeout 20 nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 | head -1)"
  GPU_LINE="${GPU_LINE:-nvidia-smi printed nothing}"
fi
say "GPU: $GPU_LINE"
ADAPTER_LINE="$(cd "$APP" && timeout 40 node -e '
  const { probeWebGpu, describeAdapter } = require("./dist/lib/runtime/webgpu");
  probeWebGpu().then(({ adapter, note }) => {
    console.log(adapter ? describeAdapter(adapter) : `none: ${note}`);
    process.exit(0);
  }, (e) => { console.log(`probe failed: ${e.message}`); process.exit(0); });
' 2>>"$OUT/webgpu-probe.stderr" | tail -1)"
ADAPTER_LINE="${ADAPTER_LINE:-the probe printed nothing (timed out?)}"
say "WebGPU adapter: $ADAPTER_LINE"

# --- benchmarks (270 s) --------------------------------------------------------------------------
BACKENDS="${FSVAE_GPU_BACKENDS:-webgpu,tensorflow-gpu,wasm,tensorflow,cpu}"
QUICK=()
[ "${FSVAE_GPU_QUICK:-0}" = 1 ] && QUICK=(--quick)
say "benchmarks on $BACKENDS"
(cd "$APP" && FSVAE_BENCH_VERBOSE=1 FSVAE_BENCH_CHILD_TIMEOUT_S=120 timeout -k 5 270 \
  node dist/bench/backends.js "${QUICK[@]}" --backends "$BACKENDS" --time-limit-s 255 --out "$OUT/bench_backends.md")
BENCH_RC=$?
say "benchmarks ended (exit $BENCH_RC)"

# --- WebGPU tests (120 s) ------------------------------------------------------------------------
TEST_TIMEOUT="${FSVAE_GPU_TEST_TIMEOUT_S:-120}"
mapfile -t TESTS < <(cd "$APP" && find dist/test -type f -name 'webgpu*.test.js' | sort)
TEST_LINES=()
if [ "${#TESTS[@]}" -gt 0 ]; then
  say "tests: ${TESTS[*]}"
  (cd "$APP" && timeout -k 5 "$TEST_TIMEOUT" node --test --test-reporter=spec "${TESTS[@]}") >"$OUT/webgpu-tests.txt" 2>&1
  TEST_RC=$?
  cat "$OUT/webgpu-tests.txt"
  summary="$(grep -E '^ℹ (tests|pass|fail|skipped|cancelled|duration_ms) ' "$OUT/webgpu-tests.txt" | sed 's/^ℹ //' | paste -sd ',' | sed 's/,/, /g')"
  [ "$TEST_RC" = 124 ] && summary="timed out after $TEST_TIMEOUT s; ${summary}"
  TEST_LINES+=("- \`node --test ${TESTS[*]}\`: exit $TEST_RC; ${summary:-no summary}")
  # one line per test (the spec reporter repeats the failures after "failing tests:")
  while IFS= read -r l; do TEST_LINES+=("  - $l"); done < <(sed '/failing tests:/,$d' "$OUT/webgpu-tests.txt" | grep -E '^ *(✔|✖|﹣)' | head -60)
else
  TEST_LINES+=("- no WebGPU test files in the bundle")
fi

# --- the report ------------------------------------------------------------------------------------
{
  echo "# Benchmarks on a GPU machine"
  echo
  echo "- GPU (nvidia-smi: name, memory, driver): $GPU_LINE"
  echo "- WebGPU adapter (Dawn on Vulkan; its description carries the driver version): $ADAPTER_LINE"
  echo "- Vulkan ICD: $ICD_LINE"
  echo "- bundle: $(tr '\n' ';' <"$BUNDLE/MANIFEST" 2>/dev/null | sed 's/;$//; s/;/; /g')"
  echo "- command: bash scripts/gpu-bench.sh ($(($(date +%s) - T0)) s in all; benchmarks exit $BENCH_RC)"
  echo
  if [ -f "$OUT/bench_backends.md" ]; then
    sed '1s/^# .*/## Every tfjs backend (dist\/bench\/backends.js)/' "$OUT/bench_backends.md"
  else
    echo "_The benchmarks wrote no report: see gpu-bench.log._"
  fi
  echo
  echo "## WebGPU tests"
  echo
  printf '%s\n' "${TEST_LINES[@]}"
} >"$OUT/bench_gpu.md"
say "wrote $OUT/bench_gpu.md (copy it to results/bench_gpu.md)"
# let tee write the log's last lines before the command returns
exec >/dev/null 2>&1
wait "$TEE_PID" 2>/dev/null || true
