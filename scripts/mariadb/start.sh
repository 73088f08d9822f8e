#!/usr/bin/env bash
# Starts (or reuses) a throwaway MariaDB server from Debian's mariadb-server, as root, without
# systemd: its own datadir, socket, pid file and log under $MARIADB_DIR, listening on 127.0.0.1 only,
# on $MARIADB_PORT (a free port when unset). It plays the database of the reference stack's MySQL VM
# (docs/DESIGN.md §1 and §7) for the Redmine and blog examples (examples/redmine/README.md).
# Creates root@127.0.0.1 with a generated password (as the MySQL Docker image's root@'%') and writes
# "$MARIADB_DIR/env" (mode 0600) with the names the examples read:
#   MYSQL_HOST_OVERRIDE=127.0.0.1:<port>  MYSQL_ADMIN_USER=root  MYSQL_ADMIN_PASSWORD=<generated>
# Re-running it with the same MARIADB_DIR reuses a server that is still up. Stop it with stop.sh.
#
#   MARIADB_DIR (default /tmp/homelab-kit-mariadb)   MARIADB_PORT (default: a free port)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
MARIADB_DIR=${MARIADB_DIR:-/tmp/homelab-kit-mariadb}
T0=$(date +%s%N)
log() {
  local ms=$((($(date +%s%N) - T0) / 1000000))
  printf '[mariadb %3d.%01ds] %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$*" >&2
}
if [ "$(id -u)" != 0 ]; then echo "start.sh: must run as root (apt-get, and mariadbd runs as root here)" >&2; exit 1; fi

# 1. packages (only if missing). The image's policy-rc.d, if any, keeps Debian's own service down;
# nothing here uses it (no port 3306, no /var/lib/mysql).
source "$(dirname "${BASH_SOURCE[0]}")/../lib/apt.sh"
apt_need mariadb-server mariadb-client

SOCK="$MARIADB_DIR/run/mysqld.sock"
PID_FILE="$MARIADB_DIR/run/mysqld.pid"
alive() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }
admin_sql() { mariadb --no-defaults --protocol=socket --socket="$SOCK" -uroot "$@"; }

if alive && [ -s "$MARIADB_DIR/env" ]; then
  log "already running (pid $(cat "$PID_FILE")): $MARIADB_DIR/env"
  echo "$MARIADB_DIR/env"
  exit 0
fi

mkdir -p "$MARIADB_DIR"/{run,log}
chmod 700 "$MARIADB_DIR"
# 2. datadir (first run only)
if [ ! -d "$MARIADB_DIR/data/mysql" ]; then
  log "creating datadir $MARIADB_DIR/data"
  rm -rf "$MARIADB_DIR/data"
  mariadb-install-db --no-defaults --user=root --datadir="$MARIADB_DIR/data" \
    --auth-root-authentication-method=socket --skip-test-db >"$MARIADB_DIR/log/install.log" 2>&1 ||
    { cat "$MARIADB_DIR/log/install.log" >&2; exit 1; }
fi

# 3. the server, on a free loopback port unless told
PORT=${MARIADB_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')}
log "starting mariadbd on 127.0.0.1:$PORT"
setsid mariadbd --no-defaults --user=root --datadir="$MARIADB_DIR/data" --socket="$SOCK" \
  --pid-file="$PID_FILE" --port="$PORT" --bind-address=127.0.0.1 --skip-name-resolve \
  --log-error="$MARIADB_DIR/log/error.log" --innodb-buffer-pool-size=64M --skip-log-bin \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci </dev/null >/dev/null 2>&1 &
for _ in $(seq 1 300); do
  mariadb-admin --no-defaults --socket="$SOCK" -uroot ping >/dev/null 2>&1 && break
  sleep 0.1
done
if ! mariadb-admin --no-defaults --socket="$SOCK" -uroot ping >/dev/null 2>&1; then
  echo "start.sh: mariadbd did not answer within 30 s; its log:" >&2
  tail -30 "$MARIADB_DIR/log/error.log" >&2
  exit 1
fi

# 4. the admin account the examples use over TCP (root over the socket stays socket-authenticated)
PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')
admin_sql <<SQL
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '$PASSWORD';
ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '$PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
DELETE FROM mysql.global_priv WHERE User = '';
FLUSH PRIVILEGES;
SQL
umask 077
cat >"$MARIADB_DIR/env" <<ENV
MYSQL_HOST_OVERRIDE='127.0.0.1:$PORT'
MYSQL_ADMIN_USER='root'
MYSQL_ADMIN_PASSWORD='$PASSWORD'
ENV
log "ready: $(admin_sql -N -e 'SELECT VERSION()'), env in $MARIADB_DIR/env"
echo "$MARIADB_DIR/env"
