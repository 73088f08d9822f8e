#!/usr/bin/env bash
# Installs the peers the benchmarks compare against (idempotent; what is there is reused):
#   Debian: ansible-core (ansible-inventory), wrk (HTTP load), python3-venv
#   $HOMELAB_KIT_CACHE/bench-venv: lxml, xmltodict, pyone (OpenNebula decode)
#   $HOMELAB_KIT_CACHE/sushy-tools-2.2.0: sushy-tools (iLO / Redfish)
# The Kubernetes binaries come from scripts/k8s/build-binaries.sh (bench/kubernetes/bench.mjs calls it).
set -euo pipefail
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
mkdir -p "$CACHE"
missing=()
command -v ansible-inventory >/dev/null || missing+=(ansible-core)
command -v wrk >/dev/null || missing+=(wrk)
/usr/bin/python3 -c "import ensurepip, venv" 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
venv="$CACHE/bench-venv"
if ! "$venv/bin/python" -c "import lxml, xmltodict, pyone" 2>/dev/null; then
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "lxml==6.1.3" "xmltodict==1.0.4" "pyone==7.3.80"
fi
SUSHY_TOOLS_VERSION=2.2.0
sushy="$CACHE/sushy-tools-$SUSHY_TOOLS_VERSION"
if [ ! -x "$sushy/bin/sushy-emulator" ]; then
  /usr/bin/python3 -m venv "$sushy"
  "$sushy/bin/pip" install --quiet "sushy-tools==$SUSHY_TOOLS_VERSION"
fi
echo "bench peers ready: $(ansible-inventory --version | head -1), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), lxml/pyone in $venv, sushy-tools in $sushy"
