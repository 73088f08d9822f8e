#!/usr/bin/env bash
# Real peer for @homelab-kit/kubespray-inventory: Debian's ansible-core (`ansible-inventory --list`)
# on every reference inventory, and on the INI/YAML files our writers produce from them.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive
if ! command -v ansible-inventory >/dev/null 2>&1; then
  apt-get install -y --no-install-recommends ansible-core >/dev/null
fi
ansible-inventory --version | sed -n 1p
pnpm vitest run --config conformance/kubespray/vitest.config.ts
