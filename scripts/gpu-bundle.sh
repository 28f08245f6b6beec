#!/usr/bin/env bash
# Packs what scripts/gpu-bench.sh needs on a bare GPU machine (no package registry, no Node, maybe no
# Vulkan loader) into .gpu-bundle/ (ignored by git), small enough to travel with the working tree
# (64 MiB in all, the tracked files included). Run it here, where npm install has run:
#   bash scripts/gpu-bundle.sh            # builds dist/ first (scripts/build.sh)
#   FSVAE_BUNDLE_DIST=<dir> bash scripts/gpu-bundle.sh   # takes an already compiled tree instead
# The bundle holds:
#   payload.tar.xz  bin/node (this machine's Node binary), app/dist/{lib,bench,test} (compiled; the
#                   WebGPU test files are run there), app/node_modules pruned to the files they load
#                   (scripts/gpu-bundle-files.js: tfjs and its backends, Dawn's binding for
#                   linux-x64 only), app/package.json;
#   vulkan/*.deb    the Vulkan loader (libvulkan1, from apt-get download), unpacked there only when
#                   the machine has none;
#   gpu-bench.sh    a copy of scripts/gpu-bench.sh, and run.sh to start it from the bundle alone.
# Check it here without the repository: cp -r .gpu-bundle /tmp/x && cd /tmp/x && ./run.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd -P)"
cd "$ROOT"
BUNDLE="${FSVAE_BUNDLE_DIR:-$ROOT/.gpu-bundle}"
LIMIT_MIB=64

DIST="${FSVAE_BUNDLE_DIST:-}"
if [ -z "$DIST" ]; then
  bash scripts/build.sh
  DIST=dist
fi
DIST="$(cd "$DIST" && pwd -P)"
[ -f "$DIST/bench/backends.js" ] || { echo "[bundle] $DIST/bench/backends.js is missing: build first" >&2; exit 1; }
[ -f node_modules/webgpu/dist/linux-x64/dawn.node ] || { echo "[bundle] node_modules/webgpu is missing: npm install first" >&2; exit 1; }

NODE_BIN="$(readlink -f "$(command -v node)")"
NODE_VERSION="$("$NODE_BIN" --version)"
case "$NODE_VERSION" in
  v2[0-9].*) ;;
  *) echo "[bundle] Node $NODE_VERSION: the bundle needs Node 20 or later (require of the ES module webgpu)" >&2; exit 1 ;;
esac

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
APP="$STAGE/app"
mkdir -p "$APP/dist" "$STAGE/bin"

# compiled code: lib, bench and test (JavaScript and JSON, no maps or declarations; the tests are about 1 MiB, and the
# WebGPU test files, test/**/webgpu*.test.ts, import helpers and fixtures from anywhere in test/)
(cd "$DIST" && find lib bench test -type f \( -name '*.js' -o -name '*.json' \) | sort) >"$STAGE/dist-files"
tar -C "$DIST" -cf - -T "$STAGE/dist-files" | tar -C "$APP/dist" -xf -
mapfile -t TESTS < <(cd "$APP" && find dist/test -type f -name 'webgpu*.test.js' | sort)
echo "[bundle] compiled files: $(wc -l <"$STAGE/dist-files") from $DIST; WebGPU tests: ${TESTS[*]:-none}"

# node_modules: the files reachable from the entries (bench, tests), followed through require/import
ENTRIES=("$DIST/bench/backends.js" "$DIST/bench/run.js")
for t in "${TESTS[@]}"; do ENTRIES+=("$DIST/${t#dist/}"); done
node scripts/gpu-bundle-files.js "${ENTRIES[@]}" >"$STAGE/module-files"
tar -cf - -T "$STAGE/module-files" | tar -C "$APP" -xf -
# a package.json at the top, without dependencies (nothing is installed there)
node -e "const p = require('./package.json'); console.log(JSON.stringify({ name: p.name, version: p.version, private: true }, null, 2))" \
  >"$APP/package.json"
echo "[bundle] node_modules: $(wc -l <"$STAGE/module-files") files, $(du -sh "$APP/node_modules" | cut -f1) unpacked"

cp "$NODE_BIN" "$STAGE/bin/node"
echo "[bundle] node $NODE_VERSION from $NODE_BIN"

rm -rf "$BUNDLE"
mkdir -p "$BUNDLE/vulkan"
echo "[bundle] compressing (xz; about a minute on two cores)"
tar -C "$STAGE" -cf - bin app | xz -T0 -6e >"$BUNDLE/payload.tar.xz"

# the Vulkan loader (Dawn dlopens libvulkan.so.1); the GPU driver's own ICD is on the GPU machine
if ! (cd "$BUNDLE/vulkan" && apt-get download libvulkan1 >/dev/null 2>"$STAGE/apt.err"); then
  cat "$STAGE/apt.err" >&2
  echo "[bundle] WARNING: apt-get download libvulkan1 failed: the bundle works only where the GPU machine has a Vulkan loader" >&2
fi
cp scripts/gpu-bench.sh "$BUNDLE/gpu-bench.sh"
cat >"$BUNDLE/run.sh" <<'EOF'
#!/usr/bin/env bash
# Runs the GPU benchmark from this bundle alone (see gpu-bench.sh beside it).
exec bash "$(dirname "$0")/gpu-bench.sh" "$@"
EOF
chmod +x "$BUNDLE/run.sh" "$BUNDLE/gpu-bench.sh"
{
  echo "commit: $(git rev-parse HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) from $DIST"
  echo "node: $NODE_VERSION"
  echo "tests: ${TESTS[*]:-none}"
} >"$BUNDLE/MANIFEST"

bundle_bytes=$(du -sb "$BUNDLE" | cut -f1)
tree_bytes=$(git ls-files -z --cached --others --exclude-standard | xargs -0 -r du -cb 2>/dev/null | awk 'END { print $1 + 0 }')
total=$((bundle_bytes + tree_bytes))
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "[bundle] $BUNDLE: $(mib "$bundle_bytes"); with the working tree that travels beside it ($(mib "$tree_bytes")): $(mib "$total") of $LIMIT_MIB MiB"
if [ "$total" -gt $((LIMIT_MIB * 1048576)) ]; then
  echo "[bundle] ERROR: over $LIMIT_MIB MiB: remove untracked files from the checkout, or prune the bundle" >&2
  exit 1
fi
