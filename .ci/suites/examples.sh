#!/usr/bin/env bash
# The Redmine and blog examples (examples/redmine, examples/blog) against `homelab-emulator up` with
# its Kubernetes cluster, and a REAL MariaDB (Debian's mariadb-server, scripts/mariadb/start.sh: own
# datadir, 127.0.0.1 on a free port) playing the MySQL VM's database through MYSQL_HOST_OVERRIDE.
# 1. conformance/examples (vitest): the SQLite → MySQL migration, then both examples end to end,
#    idempotent runs, --dry-run, --destroy, and the bad-input lines, checked from outside.
# 2. As a user runs them: `homelab-emulator up` (built CLI), the bootstrap example, then
#    `pnpm example:redmine` and `pnpm example:blog` twice each (the second must change nothing),
#    then `--destroy --drop-data`.
# Builds (or reuses, from "$HOMELAB_KIT_CACHE/k8s/") the Kubernetes binaries as kubernetes.sh does.
# Every server it starts is stopped, and no cluster component may be left running.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CI=true FORCE_COLOR=0 NO_COLOR=1 DEBIAN_FRONTEND=noninteractive
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
export HOMELAB_KIT_CACHE="$CACHE"
mkdir -p "$CACHE"
say() { echo "examples suite: $*"; }
source .ci/lib/suite.sh
source .ci/lib/emulator-up.sh
source .ci/lib/k8s.sh

apt_need mariadb-server mariadb-client python3 curl
k8s_assets
build_emulator_if_stale packages/emulator/dist/cli/bin.js

suite_workdir
export TMPDIR="$work"
export MARIADB_DIR="$work/mariadb"
cleanup_examples() {
  emulator_down
  bash scripts/mariadb/stop.sh || true
  kill_leftovers "$work/homelab-kit-k8s-"
  _suite_cleanup
}
trap cleanup_examples EXIT
export MARIADB_ENV
MARIADB_ENV=$(bash scripts/mariadb/start.sh)

s=$(date +%s)
pnpm vitest run --config conformance/examples/vitest.config.ts </dev/null
say "conformance/examples in $(($(date +%s) - s)) s"

# 2. the user's path: up, bootstrap, the pnpm scripts with the env files
s=$(date +%s)
node packages/emulator/dist/cli/bin.js topology >"$work/reference.yaml"
emulator_up "$work/reference.yaml" 60
INVENTORY_FILE="$work/hosts.yaml" bash -c 'set -a; . "$1"; set +a; pnpm --filter @homelab-kit/example-bootstrap bootstrap' _ "$up_env" </dev/null >"$work/bootstrap.log" ||
  { cat "$work/bootstrap.log"; exit 1; }
status=0
for app in redmine blog; do
  extra=()
  [ "$app" = blog ] && extra=(--sqlite "$work/blog.sqlite") # not ./blog.sqlite in the clone
  for run in first second; do
    out="$work/$app-$run.log"
    if ! pnpm "example:$app" -- --env-file "$up_env" --env-file "$MARIADB_ENV" "${extra[@]}" --timeout 120 </dev/null >"$out" 2>&1; then
      cat "$out"; status=1; continue
    fi
    grep -E "^Summary|^  changes|^Done in" "$out" | sed "s/^/  $app $run run: /"
  done
  grep -q "changes: none, everything was already in place" "$work/$app-second.log" ||
    { say "FAILED: the second run of $app changed something"; cat "$work/$app-second.log"; status=1; }
  pnpm "example:$app" -- --env-file "$up_env" --env-file "$MARIADB_ENV" --destroy --drop-data </dev/null >"$work/$app-destroy.log" 2>&1 ||
    { cat "$work/$app-destroy.log"; status=1; }
done
print_emulator_log
emulator_down
say "the user's path in $(($(date +%s) - s)) s"

left=$(leftover_pids "$work/homelab-kit-k8s-")
if [ -n "$left" ]; then say "FAILED: cluster components left running: $left"; status=1; fi
exit "$status"
