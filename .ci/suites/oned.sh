#!/usr/bin/env bash
# Real OpenNebula as the peer: builds oned 7.4 from OpenNebula's source release (or reuses the build
# cached under "$HOMELAB_KIT_CACHE/oned/"), starts it on loopback with SQLite and the dummy drivers
# (scripts/opennebula/start-oned.sh), starts the emulator as users do (`homelab-emulator up`, the
# reference topology with its hosts powered on), and runs conformance/opennebula-oned: the
# differential scenarios (oned ↔ emulator) and the client's methods against oned.
# Works on a fresh machine as root with CI=true and no stdin; exits non-zero on failure.
#   ONE_SOURCE_TARBALL   the source archive (.ci/run sets it where ../shared/vendor has it)
set -euo pipefail
cd "$(dirname "$0")/../.."
export CI=true FORCE_COLOR=0 NO_COLOR=1
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
export HOMELAB_KIT_CACHE="$CACHE"
mkdir -p "$CACHE"
say() { echo "oned suite: $*"; }

source .ci/lib/suite.sh
# Run alone (pnpm test:peers), as .ci/run does: the archive beside the clone, where shared/ has it.
if [ -z "${ONE_SOURCE_TARBALL:-}" ] && [ -f ../shared/vendor/one-release-7.4.0.tar.gz ]; then
  export ONE_SOURCE_TARBALL="$PWD/../shared/vendor/one-release-7.4.0.tar.gz"
fi
t0=$(date +%s)
ONED_HOME=$(bash scripts/opennebula/build-oned.sh | tail -1)
export ONED_HOME
say "oned ready in $(( $(date +%s) - t0 )) s: $ONED_HOME"
cat "$ONED_HOME/build.json"

build_emulator_if_stale packages/emulator/dist/cli/bin.js

work=$(mktemp -d "${TMPDIR:-/tmp}/homelab-kit-oned-suite.XXXXXX")
emulator_pid=""
cleanup() {
  local rc=$?
  set +e
  if [ "$rc" -ne 0 ]; then
    [ -f "$work/oned/var/oned.log" ] && { echo "--- oned.log (last 60 lines)"; tail -60 "$work/oned/var/oned.log"; }
    [ -s "$work/server.log" ] && { echo "--- emulator log"; cat "$work/server.log"; }
  fi
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null; wait "$emulator_pid" 2>/dev/null; fi
  if [ -d "$work/oned" ]; then bash scripts/opennebula/stop-oned.sh "$work/oned"; fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ONED_DIR="$work/oned" bash scripts/opennebula/start-oned.sh | tail -1 >"$work/oned.json"
say "oned: $(cat "$work/oned.json")"

node packages/emulator/dist/cli/bin.js topology | sed 's/^\(\s*\)power: off$/\1power: on/' >"$work/topology.yaml"
grep -q "power: on" "$work/topology.yaml" || { say "could not power the reference topology's hosts on"; exit 1; }
serve_emulator OpenNebula emulator.json node packages/emulator/dist/cli/bin.js up --topology "$work/topology.yaml" \
  --speed 20 --json --run-dir "$work/emulator-run"
emulator_pid=$server_pid

mkdir -p .tmp
t1=$(date +%s)
export ONED_ENDPOINT_FILE="$work/oned.json" EMULATOR_ENDPOINT_FILE="$work/emulator.json"
# The differential scenarios first, on the fresh servers; then the client's methods (on oned only).
status=0
ONED_DIFF_REPORT="$PWD/.tmp/oned-differential.json" \
  pnpm exec vitest run --config conformance/opennebula-oned/vitest.config.ts differential.test.ts || status=1
pnpm exec vitest run --config conformance/opennebula-oned/vitest.config.ts client.test.ts || status=1
say "conformance ran in $(( $(date +%s) - t1 )) s; $(tr -d '\n' <.tmp/oned-differential.json | sed 's/"byScenario".*//')"
[ "$status" -eq 0 ] || { say "FAILED"; exit 1; }
say "passed in $(( $(date +%s) - t0 )) s"
