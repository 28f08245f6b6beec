#!/usr/bin/env bash
# Opens the notebooks interactively (npm run notebook): Jupyter started at the repository root, so
# figures can load plotly.js from node_modules/, with the project's own tslab kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system.sh
bash scripts/ensure-npm.sh
npx tsc -p tsconfig.json
bash scripts/register-kernel.sh
eval "$(bash scripts/register-kernel.sh --print-env)"
exec /usr/bin/python3 -m notebook --notebook-dir="$PWD" "$@"
