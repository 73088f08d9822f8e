#!/usr/bin/env bash
# Starts (or repairs) a throwaway single-node Ceph from Debian's packages, as root, without systemd:
# 1 mon, 1 mgr with the dashboard on plain HTTP at 127.0.0.1, N bluestore OSDs on sparse files.
# Everything (ceph.conf, keyrings, data, pid files, sockets, logs) lives under $CEPH_DIR.
# Re-running it reuses the cluster and restarts dead daemons. See docs/reference/ceph/NOTES.md
# for the gotchas behind each setting. Writes "$CEPH_DIR/env" (CEPH_URL, CEPH_USER, CEPH_PASSWORD).
#
#   CEPH_DIR (default /tmp/homelab-kit-ceph)   CEPH_DASHBOARD_PORT (18080)   CEPH_OSDS (1)
#   CEPH_MON_V2_PORT (13300)   CEPH_MON_V1_PORT (16789)
#   CEPH_USER (admin)   CEPH_PASSWORD (a fixed test password: this cluster is throwaway and loopback-only)
#   CEPH_PROMETHEUS_PORT (unset: the mgr's prometheus module stays off; set: it is enabled on
#   127.0.0.1 at that port and "$CEPH_DIR/env" gets CEPH_PROMETHEUS_URL)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
CEPH_DIR=${CEPH_DIR:-/tmp/homelab-kit-ceph}
PORT=${CEPH_DASHBOARD_PORT:-18080}
OSDS=${CEPH_OSDS:-1}
DASH_USER=${CEPH_USER:-admin}
DASH_PASSWORD=${CEPH_PASSWORD:-Peer-Test-Passw0rd}
CONF="$CEPH_DIR/ceph.conf"
MON_V2_PORT=${CEPH_MON_V2_PORT:-13300}
MON_V1_PORT=${CEPH_MON_V1_PORT:-16789}
MON_ADDRS="[v2:127.0.0.1:$MON_V2_PORT,v1:127.0.0.1:$MON_V1_PORT]"
T0=$(date +%s%N)
log() {
  local ms=$((($(date +%s%N) - T0) / 1000000))
  printf '[ceph %3d.%01ds] %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$*"
}
ceph_() { timeout 60 ceph -c "$CONF" "$@"; }

if [ "$(id -u)" != 0 ]; then echo "start.sh: must run as root (daemons and apt-get)" >&2; exit 1; fi

# 1. packages (only if missing)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/apt.sh"
apt_need ceph-mon ceph-mgr ceph-osd ceph-mgr-dashboard ceph-common curl

alive() { local f="$CEPH_DIR/run/$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

mkdir -p "$CEPH_DIR"/{run,log}
# 2. config + mon (first run only)
if [ ! -f "$CEPH_DIR/mon.a/store.db/CURRENT" ] && [ ! -f "$CEPH_DIR/mon.a/kv_backend" ]; then
  log "creating cluster in $CEPH_DIR"
  rm -rf "$CEPH_DIR/mon.a"
  FSID=$(cat /proc/sys/kernel/random/uuid)
  cat >"$CONF" <<CONF
[global]
fsid = $FSID
mon host = $MON_ADDRS
mon initial members = a
public addr = 127.0.0.1
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $CEPH_DIR/\$name.keyring
run dir = $CEPH_DIR/run
admin socket = $CEPH_DIR/run/\$name.asok
pid file = $CEPH_DIR/run/\$name.pid
log file = $CEPH_DIR/log/\$name.log
mon cluster log file = default=$CEPH_DIR/log/ceph.\$channel.log cluster=$CEPH_DIR/log/ceph.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg autoscale mode = on
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
auth allow insecure global id reclaim = false
mon data avail warn = 2
mon data avail crit = 1
# read by the mon when it creates the mgr map: the dashboard is on from the first mgr start, and
# restful (which cannot load next to the dashboard on bookworm: PyO3, gotcha 2) is never enabled.
mgr initial modules = dashboard iostat
[mon]
mon data = $CEPH_DIR/\$name
keyring = $CEPH_DIR/\$name/keyring
[mgr]
mgr data = $CEPH_DIR/\$name
keyring = $CEPH_DIR/\$name/keyring
[osd]
osd data = $CEPH_DIR/\$name
keyring = $CEPH_DIR/\$name/keyring
osd objectstore = bluestore
bluestore block create = true
bluestore block size = 10737418240
osd memory target = 1073741824
CONF
  ceph-authtool --create-keyring "$CEPH_DIR/mon..keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool --create-keyring "$CEPH_DIR/client.admin.keyring" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool "$CEPH_DIR/mon..keyring" --import-keyring "$CEPH_DIR/client.admin.keyring" >/dev/null
  monmaptool --create --addv a "$MON_ADDRS" --fsid "$FSID" "$CEPH_DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$CEPH_DIR/monmap" --keyring "$CEPH_DIR/mon..keyring"
  FRESH=1
fi
if ! alive mon.a; then log "starting mon.a"; ceph-mon -c "$CONF" -i a; fi

# 3. central config (module options need --force before any mgr registered them: gotcha 1)
if [ "${FRESH:-0}" = 1 ]; then
  log "central config"
  for kv in "osd_pool_default_size 1" "osd_pool_default_min_size 1" "mon_allow_pool_size_one true" \
    "mon_allow_pool_delete true" "mon_warn_on_pool_no_redundancy false" \
    "auth_allow_insecure_global_id_reclaim false" "mon_data_avail_warn 2" "mon_data_avail_crit 1"; do
    # shellcheck disable=SC2086
    ceph_ config set global $kv
  done
  # pg_num/pgp_num changes (PUT /api/pool pg_num) step in at most 5 % misplaced objects by default,
  # which takes a minute on a fresh toy cluster; with one OSD nothing moves anyway: one step.
  ceph_ config set mgr target_max_misplaced_ratio 1
  ceph_ config set mgr mgr/dashboard/ssl false --force
  ceph_ config set mgr mgr/dashboard/server_addr 127.0.0.1 --force
  ceph_ config set mgr mgr/dashboard/server_port "$PORT" --force
  mkdir -p "$CEPH_DIR/mgr.x"
  ceph_ auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' -o "$CEPH_DIR/mgr.x/keyring"
fi
if ! alive mgr.x; then log "starting mgr.x"; ceph-mgr -c "$CONF" -i x; fi

# 4. OSDs (bluestore on a sparse file created by ceph-osd --mkfs)
for i in $(seq 0 $((OSDS - 1))); do
  if [ ! -f "$CEPH_DIR/osd.$i/ready" ]; then
    log "creating osd.$i"
    uuid=$(cat /proc/sys/kernel/random/uuid)
    secret=$(ceph-authtool --gen-print-key)
    id=$(echo "{\"cephx_secret\": \"$secret\"}" | ceph_ osd new "$uuid" -i -)
    [ "$id" = "$i" ] || { echo "start.sh: expected osd.$i, got osd.$id" >&2; exit 1; }
    rm -rf "$CEPH_DIR/osd.$i" && mkdir -p "$CEPH_DIR/osd.$i"
    ceph-authtool --create-keyring "$CEPH_DIR/osd.$i/keyring" --name "osd.$i" --add-key "$secret" >/dev/null
    ceph-osd -c "$CONF" -i "$i" --mkfs --osd-uuid "$uuid" >/dev/null 2>&1
  fi
  if ! alive "osd.$i"; then log "starting osd.$i"; ceph-osd -c "$CONF" -i "$i"; fi
done

# 5. pool rbd + dashboard user (first run only)
if ! ceph_ osd pool ls | grep -qx rbd; then
  log "pool rbd"
  ceph_ osd pool create rbd 8 >/dev/null 2>&1
  timeout 120 rbd -c "$CONF" pool init rbd
fi
log "waiting for the dashboard on 127.0.0.1:$PORT"
URL="http://127.0.0.1:$PORT"
ACCEPT="Accept: application/vnd.ceph.api.v1.0+json"
login() {
  curl -sf -m 5 -H "$ACCEPT" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$DASH_USER\",\"password\":\"$DASH_PASSWORD\"}" "$URL/api/auth" 2>/dev/null |
    sed -n 's/.*"token": *"\([^"]*\)".*/\1/p' || true
}
token=""
for _ in $(seq 1 90); do
  if curl -s -m 2 -o /dev/null "$URL/" 2>/dev/null; then
    token=$(login)
    if [ -z "$token" ]; then
      printf '%s' "$DASH_PASSWORD" >"$CEPH_DIR/dashboard.pw"
      ceph_ dashboard ac-user-create "$DASH_USER" -i "$CEPH_DIR/dashboard.pw" administrator --force-password >/dev/null 2>&1 ||
        ceph_ dashboard ac-user-set-password "$DASH_USER" -i "$CEPH_DIR/dashboard.pw" --force-password >/dev/null 2>&1 || true
      rm -f "$CEPH_DIR/dashboard.pw"
      token=$(login)
    fi
    if [ -n "$token" ] && curl -sf -m 5 -o /dev/null -H "$ACCEPT" -H "Authorization: Bearer $token" "$URL/api/health/minimal"; then
      break
    fi
  fi
  sleep 1
done
[ -n "$token" ] || { echo "start.sh: dashboard did not come up; see $CEPH_DIR/log/mgr.x.log" >&2; exit 1; }
log "dashboard up at $URL"
for _ in $(seq 1 30); do
  st=$(ceph_ health 2>/dev/null || true)
  case "$st" in HEALTH_OK*) break ;; esac
  sleep 1
done
log "health: $(ceph_ health 2>/dev/null || echo unknown)"
PROM_URL=""
if [ -n "${CEPH_PROMETHEUS_PORT:-}" ]; then
  # the mgr's prometheus module (9283 by default) on its own loopback port; --force: gotcha 1
  ceph_ config set mgr mgr/prometheus/server_addr 127.0.0.1 --force
  ceph_ config set mgr mgr/prometheus/server_port "$CEPH_PROMETHEUS_PORT" --force
  ceph_ mgr module enable prometheus >/dev/null 2>&1
  PROM_URL="http://127.0.0.1:$CEPH_PROMETHEUS_PORT"
  for _ in $(seq 1 60); do
    curl -sf -m 5 -o /dev/null "$PROM_URL/metrics" 2>/dev/null && break
    sleep 1
  done
  curl -sf -m 5 -o /dev/null "$PROM_URL/metrics" || { echo "start.sh: prometheus module did not answer at $PROM_URL" >&2; exit 1; }
  log "prometheus module at $PROM_URL/metrics"
fi
cat >"$CEPH_DIR/env" <<ENV
CEPH_URL=$URL
CEPH_USER=$DASH_USER
CEPH_PASSWORD=$DASH_PASSWORD
CEPH_CONF=$CONF
CEPH_PROMETHEUS_URL=$PROM_URL
ENV
log "ready (env in $CEPH_DIR/env)"
