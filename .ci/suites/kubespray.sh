#!/usr/bin/env bash
# Real peer for @homelab-kit/kubespray-inventory: Debian's ansible-core (`ansible-inventory --list`)
# on every reference inventory, on the INI/YAML files our writers produce from them, on the
# hand-written encoding fixtures (conformance/kubespray/fixtures/encodings/), and on the inventory the
# bootstrap example writes against `homelab-emulator up` (the built CLI, as a user starts it).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive
source .ci/lib/suite.sh
apt_need ansible-core
ansible-inventory --version | sed -n 1p
build_emulator_if_stale packages/emulator/dist/cli/bin.js
pnpm vitest run --config conformance/kubespray/vitest.config.ts
