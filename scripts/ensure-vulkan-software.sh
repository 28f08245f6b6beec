#!/usr/bin/env bash
# Installs Mesa's lavapipe, a software Vulkan device on the CPU that Dawn (npm `webgpu`) accepts, so
# the WebGPU backend and its tests run on a machine without a GPU — for correctness, not speed.
# Only Mesa 25 works (bookworm's 22.3 lacks a feature Dawn needs and gives no adapter): it comes from
# Debian's bookworm-backports suite, which this script adds to apt's sources when missing.
# npm run main does not need it. As a normal user it prints the commands and exits 1.
# Afterwards: FSVAE_BACKEND=webgpu npx fsvae ... (the automatic choice never picks a software device).
set -euo pipefail
SOURCES=/etc/apt/sources.list.d/bookworm-backports.sources
have_mesa25() {
  local v
  v="$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)"
  [ -n "$v" ] && dpkg --compare-versions "$v" ge 25
}
if have_mesa25; then
  echo "[vulkan] skip: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) installed"
  exit 0
fi
if ! grep -qs '^VERSION_CODENAME=bookworm' /etc/os-release; then
  echo "[vulkan] this script knows Debian bookworm only; install Mesa >= 25 (mesa-vulkan-drivers) from your distribution" >&2
  exit 1
fi
cmds=()
SUITE='Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\n'
SUITE+='Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ || cmds+=("printf '$SUITE' > $SOURCES")
cmds+=("apt-get update -qq" "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1")
if [ "$(id -u)" -ne 0 ]; then
  echo "[vulkan] not root: run these as root (sudo sh -c '...'):" >&2
  printf '  %s\n' "${cmds[@]}" >&2
  exit 1
fi
for c in "${cmds[@]}"; do echo "[vulkan] $c"; sh -c "$c"; done
have_mesa25 || { echo "[vulkan] ERROR: mesa-vulkan-drivers >= 25 is still not installed" >&2; exit 1; }
echo "[vulkan] ok: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) (lavapipe)"
