#!/usr/bin/env bash
# Real iLO clients against the iLO emulator: Debian's python3-hpilo, python3-proliantutils,
# python3-sushy and redfishtool drive the iLO 3 (RIBCL), iLO 4 and iLO 5 (Redfish + RIBCL) flavours
# served over HTTPS on loopback. Works on a fresh machine as root with no stdin.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive CI=true
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
mkdir -p "$CACHE"

source .ci/lib/suite.sh
apt_need python3-hpilo python3-proliantutils python3-sushy redfishtool
build_emulator_if_stale packages/emulator/dist/ilo/index.js

suite_workdir
serve_emulator iLO endpoints.json node conformance/ilo/serve.mjs "$work"

# Debian's clients live in /usr/lib/python3/dist-packages: use Debian's interpreter, not a pyenv one.
status=0
env -u REQUESTS_CA_BUNDLE -u CURL_CA_BUNDLE /usr/bin/python3 conformance/ilo/peers.py "$work/endpoints.json" </dev/null || status=$?
print_emulator_log
exit "$status"
