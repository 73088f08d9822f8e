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
    [ -s "$work/emulator.log" ] && { echo "--- emulator log"; cat "$work/emulator.log"; }
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
node packages/emulator/dist/cli/bin.js up --topology "$work/topology.yaml" --speed 20 --json \
  --run-dir "$work/emulator-run" >"$work/emulator.json" 2>"$work/emulator.log" </dev/null &
emulator_pid=$!
for _ in $(seq 1 200); do
  [ -s "$work/emulator.json" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { say "the emulator exited"; exit 1; }
  sleep 0.1
done
[ -s "$work/emulator.json" ] || { say "the emulator did not start"; exit 1; }
say "emulator: $(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).opennebula.url)' "$work/emulator.json")"

mkdir -p .tmp
t1=$(date +%s)
ONED_ENDPOINT_FILE="$work/oned.json" EMULATOR_ENDPOINT_FILE="$work/emulator.json" \
  ONED_DIFF_REPORT="$PWD/.tmp/oned-differential.json" \
  pnpm exec vitest run --config conformance/opennebula-oned/vitest.config.ts
say "conformance ran in $(( $(date +%s) - t1 )) s; $(tr -d '\n' <.tmp/oned-differential.json | sed 's/"byScenario".*//')"
say "passed in $(( $(date +%s) - t0 )) s"
