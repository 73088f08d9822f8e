#!/usr/bin/env bash
# Our Redfish client (packages/ilo, through its public createIloClient) against Redfish servers we
# did not write: sushy-tools (OpenStack's Redfish emulator, PyPI, fake driver, HTTP Basic auth) and
# DMTF's Redfish-Mockup-Server serving its own public-rackmount1 mockup and the real iLO 5 1.45 dump
# in docs/reference/ilo/samples/redfish/ilo5-1.45-bl460c-gen10/. Prints the checks passed per
# server. Works on a fresh machine as root with no stdin.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive CI=true
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
mkdir -p "$CACHE"
# The newest sushy-tools; it installs on Debian 12's Python 3.11.
SUSHY_TOOLS_VERSION=2.2.0
# DMTF's Redfish-Mockup-Server 1.2.6 (BSD-3-Clause), the vendored archive CI hands to this suite;
# its sha256 is in the .sha256 file beside it.
REDFISH_MOCKUP_SERVER_TARBALL="${REDFISH_MOCKUP_SERVER_TARBALL:-$PWD/../shared/vendor/Redfish-Mockup-Server-1.2.6.tar.gz}"

source .ci/lib/suite.sh
apt_need python3 python3-venv
[ -d node_modules ] || pnpm install --frozen-lockfile

if [ ! -f "$REDFISH_MOCKUP_SERVER_TARBALL" ] || [ ! -f "$REDFISH_MOCKUP_SERVER_TARBALL.sha256" ]; then
  echo "ilo-redfish: no Redfish-Mockup-Server archive (and .sha256) at $REDFISH_MOCKUP_SERVER_TARBALL;" \
    "set REDFISH_MOCKUP_SERVER_TARBALL" >&2
  exit 1
fi
(cd "$(dirname "$REDFISH_MOCKUP_SERVER_TARBALL")" && sha256sum --check --quiet "$(basename "$REDFISH_MOCKUP_SERVER_TARBALL").sha256")

venv="$CACHE/sushy-tools-$SUSHY_TOOLS_VERSION"
pip_venv "$venv" "sushy-tools==$SUSHY_TOOLS_VERSION" sushy_tools

suite_workdir
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  _suite_cleanup
}
trap cleanup EXIT

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start NAME COMMAND... (with @PORT@ standing for the port): starts a server on a free port and waits
# until it answers GET /redfish/v1/; tries another port when the chosen one was taken meanwhile.
# Sets "$port".
start() {
  local name="$1"
  shift
  for _ in 1 2 3; do
    port=$(free_port)
    "${@//@PORT@/$port}" >"$work/$name.log" 2>&1 </dev/null &
    local pid=$!
    for _ in $(seq 1 300); do
      if ! kill -0 "$pid" 2>/dev/null; then break; fi
      if /usr/bin/python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
        "http://127.0.0.1:$port/redfish/v1/" 2>/dev/null; then
        pids+=("$pid")
        echo "$name: http://127.0.0.1:$port"
        return 0
      fi
      sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    echo "$name did not start on port $port:"
    cat "$work/$name.log"
  done
  exit 1
}

# sushy-tools: fake driver (its one system, 27946b59-…), HTTP Basic auth from an Apache-style file
# (bcrypt, the only digest it reads; few rounds, as it checks it on every request), state kept in this run's dir, and a storage controller with
# two drives for that system (without them its Storage link answers 500).
sushy_password='sushy-Pw&<1'
"$venv/bin/python" -c 'import bcrypt, sys; print("admin:" + bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(rounds=4)).decode())' \
  "$sushy_password" >"$work/htpasswd"
cat >"$work/sushy.conf" <<PY
SUSHY_EMULATOR_AUTH_FILE = "$work/htpasswd"
SUSHY_EMULATOR_STATE_DIR = "$work/sushy-state"
_SYSTEM = "27946b59-9e44-4fa7-8e91-f3527a1ef094"
SUSHY_EMULATOR_STORAGE = {_SYSTEM: [{
    "Id": "1", "Name": "Local Storage Controller",
    "StorageControllers": [{"MemberId": "0", "Name": "Contoso Integrated RAID", "SpeedGbps": 12}],
    "Drives": ["32ADF365C6C1B7BD", "3D58ECBC375FD9F2"],
}]}
SUSHY_EMULATOR_DRIVES = {(_SYSTEM, "1"): [
    {"Id": "32ADF365C6C1B7BD", "Name": "Drive Bay 1", "CapacityBytes": 899527000000, "Protocol": "SAS"},
    {"Id": "3D58ECBC375FD9F2", "Name": "Drive Bay 2", "CapacityBytes": 899527000000, "Protocol": "SAS"},
]}
PY
start sushy-tools "$venv/bin/sushy-emulator" --fake -i 127.0.0.1 -p @PORT@ --config "$work/sushy.conf"
sushy_port=$port

# Redfish-Mockup-Server, extracted for this run. It imports grequests (gevent) only to send
# EventService test events, which no check here asks for: a stub module that refuses stands in.
mkdir -p "$work/mockup" "$work/stub"
tar -xzf "$REDFISH_MOCKUP_SERVER_TARBALL" -C "$work/mockup" --strip-components=1
cat >"$work/stub/grequests.py" <<'PY'
"""Stand-in for grequests: Redfish-Mockup-Server imports it only to send EventService test events."""


def _refuse(*args, **kwargs):
    raise NotImplementedError("EventService test events are not used by the ilo-redfish suite")


post = map = _refuse
PY
export PYTHONPATH="$work/stub"
start mockup-rackmount1 /usr/bin/python3 "$work/mockup/redfishMockupServer.py" -H 127.0.0.1 -p @PORT@ \
  -S -D "$work/mockup/public-rackmount1"
rackmount_port=$port
start mockup-ilo5 /usr/bin/python3 "$work/mockup/redfishMockupServer.py" -H 127.0.0.1 -p @PORT@ \
  -D "$PWD/docs/reference/ilo/samples/redfish/ilo5-1.45-bl460c-gen10"
ilo5_port=$port

SUSHY_PASSWORD="$sushy_password" /usr/bin/python3 - "$work/servers.json" <<PY
import json, os, sys
json.dump({
    "sushy": {"name": "sushy-tools $SUSHY_TOOLS_VERSION --fake", "url": "http://127.0.0.1:$sushy_port",
              "username": "admin", "password": os.environ["SUSHY_PASSWORD"]},
    "rackmount1": {"name": "Redfish-Mockup-Server 1.2.6 public-rackmount1", "url": "http://127.0.0.1:$rackmount_port"},
    "ilo5": {"name": "Redfish-Mockup-Server 1.2.6 iLO 5 1.45 BL460c Gen10", "url": "http://127.0.0.1:$ilo5_port"},
}, open(sys.argv[1], "w"))
PY

status=0
ILO_REDFISH_SERVERS="$work/servers.json" pnpm vitest run --config conformance/ilo-redfish/vitest.config.ts \
  --reporter=default --reporter=json --outputFile.json="$work/report.json" </dev/null || status=$?
node conformance/ilo-redfish/per-server.mjs "$work/report.json" || status=1
for name in sushy-tools mockup-rackmount1 mockup-ilo5; do
  if grep -q "Traceback" "$work/$name.log"; then echo "--- $name log"; cat "$work/$name.log"; fi
done
exit "$status"
