#!/usr/bin/env bash
# Real iLO clients against the iLO emulator (issue 6): Debian's python3-hpilo, python3-proliantutils,
# python3-sushy and redfishtool drive the iLO 3 (RIBCL), iLO 4 and iLO 5 (Redfish + RIBCL) flavours
# served over HTTPS on loopback. Works on a fresh machine as root with no stdin.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive CI=true
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
mkdir -p "$CACHE"

need=()
for pkg in python3-hpilo python3-proliantutils python3-sushy redfishtool; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  # Other suites may hold the dpkg lock: wait for it rather than fail.
  apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 "${need[@]}"
fi

[ -d node_modules ] || pnpm install --frozen-lockfile
# CI's build stage has built dist already; rebuild only when it is missing or older than the sources.
dist=packages/emulator/dist/ilo/index.js
if [ ! -f "$dist" ] || [ -n "$(find packages/emulator/src packages/core/src -newer "$dist" -print -quit)" ]; then
  pnpm --filter "@homelab-kit/emulator..." build >/dev/null
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

node conformance/ilo/serve.mjs "$work" >"$work/endpoints.json" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/endpoints.json" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done
[ -s "$work/endpoints.json" ] || { echo "iLO emulator did not start"; cat "$work/server.log"; exit 1; }
echo "iLO emulator: $(cat "$work/endpoints.json")"

# Debian's clients live in /usr/lib/python3/dist-packages: use Debian's interpreter, not a pyenv one.
status=0
env -u REQUESTS_CA_BUNDLE -u CURL_CA_BUNDLE /usr/bin/python3 conformance/ilo/peers.py "$work/endpoints.json" </dev/null || status=$?
if [ -s "$work/server.log" ]; then echo "--- emulator log"; cat "$work/server.log"; fi
exit "$status"
