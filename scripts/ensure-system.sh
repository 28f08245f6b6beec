#!/usr/bin/env bash
# Ensures the Debian packages that execute the notebooks headless are installed:
#   jupyter-nbconvert python3-nbclient jupyter-notebook python3-ipykernel chromium
# They provide Jupyter for Debian's /usr/bin/python3 (not for a pyenv/venv python3 on PATH), and the
# browser in which npm run main checks the notebooks as their user sees them.
#   - all installed (checked with dpkg-query): prints a skip line and exits at once;
#   - missing, as root: apt-get install -y (non-interactive); apt-get update runs first only when
#     the package lists are empty or lack a missing package, or when the first install attempt fails;
#   - missing, not root: prints the exact `sudo apt-get install -y ...` command and exits 1.
# Knobs (mostly for testing): FSVAE_APT_PACKAGES replaces the package list (space-separated);
# FSVAE_APT_SIMULATE=1 passes -s to apt-get install (prints what would be installed, changes nothing);
# FSVAE_JUPYTER_PYTHON (default /usr/bin/python3) is the interpreter checked for nbclient afterwards.
set -euo pipefail
read -r -a PKGS <<< "${FSVAE_APT_PACKAGES:-jupyter-nbconvert python3-nbclient jupyter-notebook python3-ipykernel chromium}"
PY="${FSVAE_JUPYTER_PYTHON:-/usr/bin/python3}"

check_python() {
  if ! "$PY" -c 'import nbclient, nbformat, jupyter_client' 2>/dev/null; then
    echo "[system] ERROR: $PY cannot import nbclient/nbformat/jupyter_client" >&2
    echo "[system] (Jupyter must belong to Debian's /usr/bin/python3; set FSVAE_JUPYTER_PYTHON to use another one)" >&2
    exit 1
  fi
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "[system] dpkg-query not found (not Debian?): checking $PY for Jupyter instead"
  check_python
  echo "[system] ok: $PY has nbclient"
  exit 0
fi

missing=()
for p in "${PKGS[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "[system] skip: apt packages already installed (${PKGS[*]})"
  [ "${FSVAE_APT_SIMULATE:-0}" = 1 ] || check_python
  exit 0
fi

echo "[system] missing apt packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "[system] not root: install them with" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  echo "[system] (if apt cannot find them: sudo apt-get update first), then re-run this command" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
sim=()
[ "${FSVAE_APT_SIMULATE:-0}" = 1 ] && sim=(-s)

# apt-get update only when needed: empty package lists, or some missing package has no candidate.
need_update=0
if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
  need_update=1
else
  for p in "${missing[@]}"; do
    cand="$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')"
    if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then need_update=1; break; fi
  done
fi
updated=0
if [ "$need_update" = 1 ]; then
  echo "[system] apt-get update"
  apt-get update -qq
  updated=1
fi
echo "[system] apt-get install -y ${missing[*]}"
if ! apt-get install -y -qq "${sim[@]}" "${missing[@]}"; then
  if [ "$updated" = 1 ]; then
    echo "[system] ERROR: apt-get install failed" >&2
    exit 1
  fi
  echo "[system] install failed; retrying after apt-get update"
  apt-get update -qq
  apt-get install -y -qq "${sim[@]}" "${missing[@]}" || { echo "[system] ERROR: apt-get install failed" >&2; exit 1; }
fi
[ "${FSVAE_APT_SIMULATE:-0}" = 1 ] || check_python
echo "[system] ok: installed ${missing[*]}$([ "${FSVAE_APT_SIMULATE:-0}" = 1 ] && echo " (simulated)")"
