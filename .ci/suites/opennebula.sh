#!/usr/bin/env bash
# Real OpenNebula clients against the OpenNebula emulator: every XML document type the
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

source .ci/lib/suite.sh
source .ci/lib/pyone.sh
apt_need libxml2-utils python3 python3-venv

pyone_venv "$PYONE_VERSION"

build_emulator_if_stale packages/emulator/dist/opennebula/index.js

status=0
echo "--- decode benchmark input (bench/opennebula: the emulator's one.vmpool.infoextended answer, 100 VMs)"
node bench/opennebula/generate.mjs 100 emulator || status=1

echo "--- XSD validation (xmllint)"
node conformance/opennebula/xsd.mjs || status=1

suite_workdir
serve_emulator OpenNebula endpoint.json node conformance/opennebula/serve.mjs

echo "--- pyone $PYONE_VERSION"
"$venv/bin/python" conformance/opennebula/pyone_peer.py "$work/endpoint.json" </dev/null || status=1
print_emulator_log
exit "$status"
