#!/usr/bin/env bash
# Opens the notebooks interactively (npm run notebook): Jupyter started at the repository root, so
# figures can load plotly.js from node_modules/, with the project's own tslab kernel.
#   - binds to 127.0.0.1 only (FSVAE_NOTEBOOK_IP overrides, e.g. 0.0.0.0 inside a container you
#     reach through a published port), on the first free port from 8888 (FSVAE_NOTEBOOK_PORT);
#   - works as root (containers, cloud boxes: Jupyter's --allow-root is passed) and as a normal user;
#   - prints the URL with its access token before Jupyter starts;
#   - the notebooks npm run main executed are trusted for the user who ran it (signatures in
#     .jupyter-home/), so their figures are interactive at once.
# Extra arguments go to Jupyter (e.g. npm run notebook -- --no-browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system.sh
bash scripts/ensure-npm.sh
bash scripts/build.sh
bash scripts/register-kernel.sh
eval "$(bash scripts/register-kernel.sh --print-env)"
PY="${FSVAE_JUPYTER_PYTHON:-/usr/bin/python3}"
ip="${FSVAE_NOTEBOOK_IP:-127.0.0.1}"
port="$("$PY" - "${FSVAE_NOTEBOOK_PORT:-8888}" "$ip" <<'PY'
import socket, sys
start, ip = int(sys.argv[1]), sys.argv[2]
for p in range(start, start + 100):
    with socket.socket() as s:
        try:
            s.bind((ip, p))
        except OSError:
            continue
        print(p)
        break
else:
    sys.exit("no free port in %d-%d on %s" % (start, start + 99, ip))
PY
)"
token="$("$PY" -c 'import secrets; print(secrets.token_hex(24))')"
args=(--notebook-dir="$PWD" --ip="$ip" --port="$port" --port-retries=0 --NotebookApp.token="$token")
[ "$(id -u)" != 0 ] || args+=(--allow-root)
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || args+=(--no-browser)
host="$ip"
[ "$ip" != 0.0.0.0 ] || host=127.0.0.1
echo "[notebook] open http://$host:$port/tree/notebooks?token=$token (Ctrl-C stops the server)"
exec "$PY" -m notebook "${args[@]}" "$@"
