#!/usr/bin/env bash
# Real OpenNebula clients against the OpenNebula emulator (issue 4): every XML document type the
# emulator returns is validated against the official XSDs with xmllint (Debian libxml2-utils), then
# pyone (OpenNebula's Python binding, PyPI, in a venv cached under $HOMELAB_KIT_CACHE) drives the
# served emulator: VM life cycle, pagination, infos, AUTHENTICATION/AUTHORIZATION/NO_EXISTS, faults.
# Works on a fresh machine as root with no stdin.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive CI=true
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
mkdir -p "$CACHE"
PYONE_VERSION=7.0.2

need=()
for pkg in libxml2-utils python3 python3-venv; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 "${need[@]}"
fi

venv="$CACHE/opennebula-pyone-$PYONE_VERSION"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import pyone" 2>/dev/null; then
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "pyone==$PYONE_VERSION"
fi

[ -d node_modules ] || pnpm install --frozen-lockfile
dist=packages/emulator/dist/opennebula/index.js
if [ ! -f "$dist" ] || [ -n "$(find packages/emulator/src packages/core/src -newer "$dist" -print -quit)" ]; then
  pnpm --filter "@homelab-kit/emulator..." build >/dev/null
fi

status=0
echo "--- XSD validation (xmllint)"
node conformance/opennebula/xsd.mjs || status=1

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

node conformance/opennebula/serve.mjs >"$work/endpoint.json" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/endpoint.json" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done
[ -s "$work/endpoint.json" ] || { echo "OpenNebula emulator did not start"; cat "$work/server.log"; exit 1; }
echo "OpenNebula emulator: $(cat "$work/endpoint.json")"

echo "--- pyone $PYONE_VERSION"
"$venv/bin/python" conformance/opennebula/pyone_peer.py "$work/endpoint.json" </dev/null || status=1
if [ -s "$work/server.log" ]; then echo "--- emulator log"; cat "$work/server.log"; fi
exit "$status"
