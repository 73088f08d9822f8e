#!/usr/bin/env bash
# Stops an oned started by scripts/opennebula/start-oned.sh and everything it started (onemonitord,
# the Ruby drivers, the dummy monitor clients): SIGTERM to oned, then any process whose command line
# names the run folder is killed by pid. Removes the run folder unless ONED_KEEP_DIR=1.
#
#   scripts/opennebula/stop-oned.sh ONED_DIR     (or ONED_DIR in the environment)
set -euo pipefail
dir="${1:-${ONED_DIR:-}}"
[ -n "$dir" ] && [ -d "$dir" ] || { echo "stop-oned: usage: stop-oned.sh ONED_DIR" >&2; exit 2; }
dir="$(cd "$dir" && pwd)"
[ -f "$dir/etc/oned.conf" ] || { echo "stop-oned: $dir is not an oned run folder" >&2; exit 2; }

leftovers() { # pids whose command line or working directory is in the run folder
  local p cmd cwd
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = "$$" ] && continue
    { cmd=$(tr '\0' ' ' <"$p/cmdline"); } 2>/dev/null || continue
    cwd=$(readlink "$p/cwd" 2>/dev/null || true)
    if [[ $cmd == *"$dir/"* || $cwd == "$dir" || $cwd == "$dir/"* ]]; then echo "${p#/proc/}"; fi
  done
  return 0
}

if [ -f "$dir/oned.pid" ]; then
  pid=$(cat "$dir/oned.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
fi
pids=$(leftovers)
if [ -n "$pids" ]; then
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  sleep 0.5
  pids=$(leftovers)
  # shellcheck disable=SC2086
  [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
fi
if [ "${ONED_KEEP_DIR:-}" != 1 ]; then rm -rf "$dir"; fi
echo "stop-oned: stopped ($dir)" >&2
