#!/usr/bin/env bash
# Installs the peers the benchmarks compare against (idempotent; what is there is reused), with the
# peer suites' helpers (.ci/lib/suite.sh):
#   Debian: ansible-core (ansible-inventory), wrk (HTTP load), python3-venv, prometheus (bench/monitoring's
#   alert latency) and prometheus-node-exporter (the real node_exporter it compares ours with)
#   $HOMELAB_KIT_CACHE/bench-pyone-7.3.80: pyone 7.3.80, lxml 6.1.3 and the xmltodict pyone pulls (OpenNebula decode)
#   $HOMELAB_KIT_CACHE/sushy-tools-2.2.0: sushy-tools (iLO / Redfish), the venv .ci/suites/ilo-redfish.sh uses
# The Kubernetes binaries come from scripts/k8s/build-binaries.sh (bench/kubernetes/bench.mjs calls it).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
mkdir -p "$CACHE"
# shellcheck source=../.ci/lib/suite.sh
source .ci/lib/suite.sh
if ! apt_need ansible-core wrk python3-venv prometheus prometheus-node-exporter >/dev/null 2>&1; then
  apt-get update -qq
  apt_need ansible-core wrk python3-venv prometheus prometheus-node-exporter >/dev/null
fi
PYONE_VERSION=7.3.80
LXML_VERSION=6.1.3 # the lxml of the recorded runs (pyone alone would pull the newest)
venv="$CACHE/bench-pyone-$PYONE_VERSION"
pip_venv "$venv" "pyone==$PYONE_VERSION" "pyone, lxml, xmltodict"
"$venv/bin/python" -c "import lxml, sys; sys.exit(lxml.__version__ != '$LXML_VERSION')" ||
  "$venv/bin/pip" install --quiet --disable-pip-version-check "lxml==$LXML_VERSION"
SUSHY_TOOLS_VERSION=2.2.0
pip_venv "$CACHE/sushy-tools-$SUSHY_TOOLS_VERSION" "sushy-tools==$SUSHY_TOOLS_VERSION" sushy_tools
echo "bench peers ready: $(ansible-inventory --version | head -1), $(prometheus --version 2>&1 | head -1 | cut -d' ' -f1-3), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), pyone $PYONE_VERSION in $CACHE/bench-pyone-$PYONE_VERSION, sushy-tools $SUSHY_TOOLS_VERSION"
