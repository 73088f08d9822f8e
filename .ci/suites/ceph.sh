#!/usr/bin/env bash
# Ceph peer suite: starts a throwaway single-node Ceph from Debian's packages
# (scripts/ceph/start.sh installs them when missing), runs conformance/ceph against it (the client's
# integration suite, the real-vs-emulator parity suite, whose emulators are `createCephEmulator`
# and the Ceph endpoint `homelab-emulator up` prints, and the prometheus module's metrics compared
# live with the emulator's), and always stops it (trap), so no ceph
# process survives. Its own data folder and ports, so a developer's cluster on the defaults is left
# alone. Works on a fresh machine as root with CI=true and no stdin; exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CI=true FORCE_COLOR=0 NO_COLOR=1 DEBIAN_FRONTEND=noninteractive
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
mkdir -p "$CACHE"

export CEPH_DIR="${CEPH_SUITE_DIR:-/tmp/homelab-kit-ceph-suite}"
export CEPH_DASHBOARD_PORT="${CEPH_SUITE_DASHBOARD_PORT:-18180}"
export CEPH_MON_V2_PORT="${CEPH_SUITE_MON_V2_PORT:-13400}"
export CEPH_MON_V1_PORT="${CEPH_SUITE_MON_V1_PORT:-16889}"
# the mgr's prometheus module, compared live with the emulator's (conformance/ceph/metrics.test.ts)
export CEPH_PROMETHEUS_PORT="${CEPH_SUITE_PROMETHEUS_PORT:-19283}"

cleanup() { bash scripts/ceph/stop.sh || true; }
trap cleanup EXIT
# A previous run that was killed hard may have left daemons behind: stop them (by their pid files).
bash scripts/ceph/stop.sh >/dev/null 2>&1 || true

s=$(date +%s)
bash scripts/ceph/start.sh </dev/null
echo "::: ceph: single-node cluster up in $(($(date +%s) - s)) s"

source .ci/lib/suite.sh
# the parity suite also runs against `homelab-emulator up` (the built CLI, as a user starts it)
build_emulator_if_stale packages/emulator/dist/cli/bin.js
pnpm vitest run --config conformance/ceph/vitest.config.ts </dev/null
