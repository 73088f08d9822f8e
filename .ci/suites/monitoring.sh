#!/usr/bin/env bash
# Monitoring peer suite: a real Prometheus (Debian's `prometheus` package, with promtool) against
# `homelab-emulator up`: promtool checks every metrics endpoint, the prometheus.yml up writes and
# the drill's rules (conformance/monitoring), then the examples/monitoring power-off drill runs as
# a user runs it (the Ceph mixin's rules loaded; CephOSDDown and NodeDown must fire and clear).
# Every server it starts listens on free loopback ports and is stopped before it exits.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CI=true FORCE_COLOR=0 NO_COLOR=1 DEBIAN_FRONTEND=noninteractive
source .ci/lib/suite.sh

apt_need prometheus
promtool --version | head -1
# the suites start `homelab-emulator up` as a user does: the built CLI
build_emulator_if_stale packages/emulator/dist/cli/bin.js

s=$(date +%s)
pnpm vitest run --config conformance/monitoring/vitest.config.ts </dev/null
echo "::: monitoring: promtool checks and the drill test in $(($(date +%s) - s)) s"

s=$(date +%s)
pnpm --filter @homelab-kit/example-monitoring drill </dev/null
echo "::: monitoring: examples/monitoring drill in $(($(date +%s) - s)) s"
