#!/usr/bin/env bash
# Runs bench/ilo/bench.mjs: installs sushy-tools (the peer) into a venv under the cache, builds the
# packages the bench imports, and prints the results table (see RESULTS.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
SUSHY_TOOLS_VERSION=2.2.0
venv="$CACHE/sushy-tools-$SUSHY_TOOLS_VERSION"
if [ ! -x "$venv/bin/sushy-emulator" ]; then
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "sushy-tools==$SUSHY_TOOLS_VERSION"
fi
[ -f packages/emulator/dist/ilo/index.js ] && [ -f packages/core/dist/index.js ] ||
  pnpm --filter "@homelab-kit/emulator..." build >/dev/null
SUSHY_EMULATOR="$venv/bin/sushy-emulator" SUSHY_TOOLS_VERSION="$SUSHY_TOOLS_VERSION" node bench/ilo/bench.mjs
