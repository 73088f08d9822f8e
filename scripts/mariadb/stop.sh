#!/usr/bin/env bash
# Stops the throwaway MariaDB started by start.sh (only the server in its pid file) and deletes its
# folder. KEEP_MARIADB_DIR=1 keeps the data (a later start.sh then reuses it).
set -uo pipefail
MARIADB_DIR=${MARIADB_DIR:-/tmp/homelab-kit-mariadb}
PID_FILE="$MARIADB_DIR/run/mysqld.pid"
if [ -f "$PID_FILE" ]; then
  pid=$(cat "$PID_FILE")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then echo "stop.sh: killing $pid" >&2; kill -KILL "$pid" 2>/dev/null; fi
  fi
fi
if [ "${KEEP_MARIADB_DIR:-0}" != 1 ]; then rm -rf "$MARIADB_DIR"; fi
echo "[mariadb] stopped" >&2
