#!/usr/bin/env bash
# Stops the throwaway Ceph started by start.sh (only the daemons in its pid files) and deletes its
# data folder. KEEP_CEPH_DIR=1 keeps the data (a later start.sh then reuses it).
set -uo pipefail
CEPH_DIR=${CEPH_DIR:-/tmp/homelab-kit-ceph}
[ -d "$CEPH_DIR/run" ] || exit 0
pids=()
for f in "$CEPH_DIR"/run/*.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" && pids+=("$pid"); fi
done
for _ in $(seq 1 50); do
  left=()
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left+=("$pid"); done
  [ ${#left[@]} -eq 0 ] && break
  sleep 0.2
done
for pid in "${left[@]}"; do echo "stop.sh: killing $pid" >&2; kill -KILL "$pid" 2>/dev/null; done
if [ "${KEEP_CEPH_DIR:-0}" != 1 ]; then rm -rf "$CEPH_DIR"; fi
echo "[ceph] stopped"
