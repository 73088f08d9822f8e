#!/usr/bin/env bash
# Starts a real OpenNebula oned (built by scripts/opennebula/build-oned.sh) on loopback, with SQLite,
# the `oneadmin` credentials and the dummy drivers (im via onemonitord, vmm, datastore, transfer),
# then creates the reference topology's OpenNebula objects (packages/emulator/src/topology/
# default-topology.ts): hosts node1..3, datastores ceph-images / ceph-system, network lan, image
# ubuntu-24.04, templates k8s-node / mysql / prometheus, VMs mysql (node1) and prometheus (node2).
#
#   scripts/opennebula/start-oned.sh            # prints the endpoint JSON (last line) once ready
#   scripts/opennebula/stop-oned.sh [ONED_DIR]  # stops it and removes ONED_DIR
#
# Environment (all optional):
#   ONED_DIR            run folder (ONE_LOCATION: etc/ and var/ of its own, bin/ lib/ share/ linked
#                       to the build); default: a new folder under ${TMPDIR:-/tmp}
#   ONED_PORT           XML-RPC port on 127.0.0.1 (default: a free port)
#   ONED_MONITOR_PORT   onemonitord's port on 127.0.0.1 (default: a free port)
#   ONED_HOOK_PORT, ONED_HOOK_LOG_PORT  the hook manager's ZeroMQ ports (default: free ports)
#   ONED_PASSWORD       oneadmin's password (default opennebula, the reference topology's)
#   ONED_TOPOLOGY       "reference" (default) or "none" (oned's bootstrap objects only)
#   ONED_HOME           the build (default: scripts/opennebula/build-oned.sh --print)
# Writes ONED_DIR/endpoint.json ({endpoint, user, password, dir, pid, startSeconds}) and ONED_DIR/oned.pid.
# Works as root with CI=true and no stdin. Only loopback addresses are used.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
log() { echo "start-oned: $*" >&2; }

# What the Ruby drivers need at run time (Debian's packages of the gems OpenNebula bundles): SQLite
# for the monitor probes' state, ZeroMQ for the hook manager, Nokogiri, and what OpenNebula's Ruby
# library (lib/ruby/opennebula.rb, loaded by the drivers) requires: treetop, parse-cron, xmlrpc.
RUNTIME_DEPS=(ruby ruby-sqlite3 ruby-ffi-rzmq ruby-nokogiri ruby-treetop ruby-parse-cron ruby-xmlrpc curl bc)
source "$here/../lib/apt.sh"
apt_need "${RUNTIME_DEPS[@]}"

ONED_HOME="${ONED_HOME:-$(bash "$here/build-oned.sh" --print)}"
[ -x "$ONED_HOME/bin/oned" ] || { log "no oned in $ONED_HOME (run scripts/opennebula/build-oned.sh)"; exit 2; }
PASSWORD="${ONED_PASSWORD:-opennebula}"
TOPOLOGY="${ONED_TOPOLOGY:-reference}"

free_port() { ruby -rsocket -e 's = TCPServer.new("127.0.0.1", 0); puts s.addr[1]; s.close'; }
PORT="${ONED_PORT:-$(free_port)}"
MPORT="${ONED_MONITOR_PORT:-$(free_port)}"
HM_PORT="${ONED_HOOK_PORT:-$(free_port)}"
HM_LOG_PORT="${ONED_HOOK_LOG_PORT:-$(free_port)}"
if [ -z "${ONED_DIR:-}" ]; then ONED_DIR=$(mktemp -d "${TMPDIR:-/tmp}/homelab-kit-oned.XXXXXX"); fi
mkdir -p "$ONED_DIR"
ONED_DIR="$(cd "$ONED_DIR" && pwd)"
[ -e "$ONED_DIR/oned.pid" ] && kill -0 "$(cat "$ONED_DIR/oned.pid")" 2>/dev/null && {
  log "oned already runs from $ONED_DIR (pid $(cat "$ONED_DIR/oned.pid"))"
  exit 1
}

# --- the ONE_LOCATION tree -------------------------------------------------------------------------
for d in bin lib share; do ln -sfn "$ONED_HOME/$d" "$ONED_DIR/$d"; done
rm -rf "$ONED_DIR/etc" "$ONED_DIR/var"
cp -r "$ONED_HOME/etc" "$ONED_DIR/etc"
mkdir -p "$ONED_DIR/var/lock" "$ONED_DIR/var/run" "$ONED_DIR/var/datastores" "$ONED_DIR/var/vms" "$ONED_DIR/remote-tmp"
# The remotes are copied: the dummy monitor probes keep their state beside them (status_dummy_<id>.db).
cp -r "$ONED_HOME/var/remotes" "$ONED_DIR/var/remotes"

# oned.conf: OpenNebula's default with our ports and SQLite, and these drivers:
#   VMM dummy (one_vmm_dummy); IM monitord with the dummy probes (monitord.conf below); datastore and
#   transfer drivers as configured by default (the dummy ones are among them);
#   hooks: one_hm on free loopback ports; scheduler: one_sched with the dummy placer and optimizer
#   (places nothing: VMs are deployed with one.vm.deploy); marketplaces: the http driver only, so the
#   default "OpenNebula Public" / "Linux Containers" marketplaces are never monitored (no Internet);
#   IPAM: the dummy driver only; no AUTH_MAD (oned's built-in core authentication).
drop_blocks() { # drop_blocks NAME... < conf > conf: removes NAME = [ ... ] blocks and NAME = value lines
  awk -v names=" $* " '
    skip { if ($0 ~ /\]/) skip = 0; next }
    /^[A-Z_]+[ \t]*=/ {
      name = $0; sub(/[ \t]*=.*/, "", name)
      if (index(names, " " name " ") > 0) {
        if ($0 ~ /=[ \t]*\[/ && $0 !~ /\]/) skip = 1
        next
      }
    }
    { print }'
}
drop_blocks LOG DB PORT LISTEN_ADDRESS GRPC_PORT GRPC_LISTEN_ADDRESS SCRIPTS_REMOTE_DIR IM_MAD VM_MAD \
  HM_MAD AUTH_MAD MARKET_MAD IPAM_MAD SCHED_MAD MONITORING_INTERVAL_MARKET <"$ONED_HOME/etc/oned.conf" >"$ONED_DIR/etc/oned.conf"
cat >>"$ONED_DIR/etc/oned.conf" <<CONF

# --- homelab-kit: scripts/opennebula/start-oned.sh ---
LOG = [ SYSTEM = "file", DEBUG_LEVEL = 3, USE_VMS_LOCATION = "NO" ]
DB = [ BACKEND = "sqlite", TIMEOUT = 2500 ]
PORT = $PORT
LISTEN_ADDRESS = "127.0.0.1"
SCRIPTS_REMOTE_DIR = "$ONED_DIR/remote-tmp"
IM_MAD = [ NAME = "monitord", EXECUTABLE = "onemonitord", ARGUMENTS = "-c monitord.conf", THREADS = 8 ]
VM_MAD = [ NAME = "dummy", SUNSTONE_NAME = "Testing", EXECUTABLE = "one_vmm_dummy", TYPE = "xml" ]
HM_MAD = [ EXECUTABLE = "one_hm", ARGUMENTS = "-p $HM_PORT -l $HM_LOG_PORT -b 127.0.0.1" ]
SCHED_MAD = [ EXECUTABLE = "one_sched", ARGUMENTS = "-t 15 -p dummy -o dummy" ]
MARKET_MAD = [ EXECUTABLE = "one_market", ARGUMENTS = "-t 15 -m http" ]
IPAM_MAD = [ EXECUTABLE = "one_ipam", ARGUMENTS = "-t 1 -i dummy" ]
MONITORING_INTERVAL_MARKET = 31536000
CONF
drop_blocks NETWORK IM_MAD PROBES_PERIOD <"$ONED_HOME/etc/monitord.conf" >"$ONED_DIR/etc/monitord.conf"
cat >>"$ONED_DIR/etc/monitord.conf" <<CONF

# --- homelab-kit: scripts/opennebula/start-oned.sh ---
NETWORK = [ ADDRESS = "127.0.0.1", MONITOR_ADDRESS = "127.0.0.1", PORT = $MPORT, THREADS = 2, PUBKEY = "", PRIKEY = "" ]
PROBES_PERIOD = [ BEACON_HOST = 30, SYSTEM_HOST = 60, MONITOR_HOST = 10, STATE_VM = 5, EXEC_VM = 5,
  MONITOR_VM = 10, SYNC_STATE_VM = 60 ]
IM_MAD = [ NAME = "dummy", SUNSTONE_NAME = "Dummy", EXECUTABLE = "one_im_sh", ARGUMENTS = "-r 3 -t 15 -w 90 dummy", THREADS = 0 ]
CONF
for conf in oned.conf monitord.conf; do
  grep -q "homelab-kit: scripts/opennebula/start-oned.sh" "$ONED_DIR/etc/$conf" || { log "could not write $conf"; exit 1; }
done
printf 'oneadmin:%s\n' "$PASSWORD" >"$ONED_DIR/one_auth"
chmod 600 "$ONED_DIR/one_auth"

# --- start ----------------------------------------------------------------------------------------
# The Ruby drivers `require 'load_opennebula_paths'` before they extend $LOAD_PATH (OpenNebula's
# packages put that file on Ruby's path). OpenNebula's own copy pins RubyGems to the gems its packages
# bundle (share/gems); here the gems are Debian's, so a shim of ours sets the same paths and leaves
# RubyGems alone. RUBYLIB puts it, then OpenNebula's Ruby libraries, on the path.
mkdir -p "$ONED_DIR/rubylib"
cat >"$ONED_DIR/rubylib/load_opennebula_paths.rb" <<'RUBY'
# scripts/opennebula/start-oned.sh: OpenNebula's paths for a self-contained ONE_LOCATION, with the
# system's (Debian's) gems instead of OpenNebula's bundled ones.
ONE_LOCATION = ENV['ONE_LOCATION'] unless defined?(ONE_LOCATION)
RUBY_LIB_LOCATION ||= ONE_LOCATION + '/lib/ruby'
GEMS_LOCATION     ||= ONE_LOCATION + '/share/gems'
$LOAD_PATH << RUBY_LIB_LOCATION
RUBY
export ONE_LOCATION="$ONED_DIR" ONE_AUTH="$ONED_DIR/one_auth"
export RUBYLIB="$ONED_DIR/rubylib:$ONED_DIR/lib/ruby${RUBYLIB:+:$RUBYLIB}"
t0=$(date +%s.%N)
(cd "$ONED_DIR" && exec setsid "$ONED_DIR/bin/oned" -f </dev/null >"$ONED_DIR/var/oned.stdout" 2>&1) &
pid=$!
echo "$pid" >"$ONED_DIR/oned.pid"
ENDPOINT="http://127.0.0.1:$PORT/RPC2"
SESSION="oneadmin:$PASSWORD"

xml_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }
# rpc METHOD ARG...: one XML-RPC call; an argument i:N is an int, b:0/1 a boolean, anything else a
# string. Prints the response body; exits non-zero on a transport error.
rpc() {
  local method=$1 body a
  shift
  body="<?xml version=\"1.0\"?><methodCall><methodName>$method</methodName><params>"
  body+="<param><value><string>$SESSION</string></value></param>"
  for a in "$@"; do
    case "$a" in
      i:*) body+="<param><value><int>${a#i:}</int></value></param>" ;;
      b:*) body+="<param><value><boolean>${a#b:}</boolean></value></param>" ;;
      *) body+="<param><value><string>$(printf '%s' "$a" | xml_escape)</string></value></param>" ;;
    esac
  done
  body+="</params></methodCall>"
  curl -fsS --max-time 30 -H 'Content-Type: text/xml' --data-binary "$body" "$ENDPOINT"
}
# call METHOD ARG...: rpc, and prints the id (<int>/<i4> of a successful answer); fails loudly otherwise.
call() {
  local out
  out=$(rpc "$@") || { log "$1: transport error"; return 1; }
  if ! grep -q '<boolean>1</boolean>' <<<"$out"; then
    log "$1 failed: $(sed -n 's:.*<string>\(.*\)</string>.*:\1:p' <<<"$out" | head -1)"
    return 1
  fi
  sed -n 's:.*<boolean>1</boolean></value>[^<]*<value><\(int\|i4\)>\([0-9-]*\)</\(int\|i4\)>.*:\2:p' <<<"$(tr -d '\n' <<<"$out")"
}

# A start that fails half-way stops what it started (the folder stays, with its logs).
started=""
stop_on_failure() {
  local rc=$?
  if [ -z "$started" ]; then ONED_KEEP_DIR=1 bash "$here/stop-oned.sh" "$ONED_DIR" >&2 || true; fi
  exit "$rc"
}
trap stop_on_failure EXIT

ready=""
for _ in $(seq 1 600); do
  if ! kill -0 "$pid" 2>/dev/null; then
    log "oned exited during start-up; its logs:"
    tail -40 "$ONED_DIR/var/oned.log" "$ONED_DIR/var/oned.stdout" 2>/dev/null >&2 || true
    exit 1
  fi
  if out=$(rpc one.system.version 2>/dev/null) && grep -q '<boolean>1</boolean>' <<<"$out"; then ready=1; break; fi
  sleep 0.1
done
[ -n "$ready" ] || { log "oned did not answer on $ENDPOINT within 60 s"; tail -40 "$ONED_DIR/var/oned.log" >&2; exit 1; }
start_secs=$(echo "$(date +%s.%N) - $t0" | bc)
log "oned $(sed -n 's:.*<string>\([0-9.]*\)</string>.*:\1:p' <<<"$out") answers on $ENDPOINT after ${start_secs}s (pid $pid)"

# --- the reference topology (dummy drivers) ----------------------------------------------------------
if [ "$TOPOLOGY" = reference ]; then
  # Only the topology's datastores, as in the emulator: oned's bootstrap ones (0 system, 1 default,
  # 2 files) are removed.
  for ds in 0 1 2; do call one.datastore.delete "i:$ds" >/dev/null; done
  for h in node1 node2 node3; do call one.host.allocate "$h" dummy dummy i:-1 >/dev/null; done
  # The Ceph attributes the emulator's datastores carry (POOL_NAME, CEPH_USER; state.ts addDatastore),
  # so that the disks inheriting them (INHERIT_DATASTORE_ATTR) compare; the drivers stay dummy.
  ds_images=$(call one.datastore.allocate $'NAME="ceph-images"\nTYPE="IMAGE_DS"\nDS_MAD="dummy"\nTM_MAD="dummy"\nPOOL_NAME="rbd"\nCEPH_USER="libvirt"' i:-1)
  call one.datastore.allocate $'NAME="ceph-system"\nTYPE="SYSTEM_DS"\nTM_MAD="dummy"\nPOOL_NAME="rbd"\nCEPH_USER="libvirt"' i:-1 >/dev/null
  lan=$(call one.vn.allocate $'NAME="lan"\nBRIDGE="br0"\nVN_MAD="bridge"\nAR=[TYPE="IP4",IP="192.168.1.100",SIZE="50"]' i:-1)
  # oned checks an image's size against the datastore's free space: wait for its first monitoring.
  for _ in $(seq 1 600); do
    rpc one.datastore.info "i:$ds_images" | grep -q '&lt;TOTAL_MB&gt;[1-9]' && break
    sleep 0.1
  done
  image=$(call one.image.allocate $'NAME="ubuntu-24.04"\nTYPE="OS"\nPATH="/dev/null"\nDEV_PREFIX="vd"' "i:$ds_images" b:0)
  nic="NIC=[NETWORK_ID=\"$lan\"]"
  disk="DISK=[IMAGE_ID=\"$image\"]"
  ctx='CONTEXT=[NETWORK="YES",SSH_PUBLIC_KEY="$USER[SSH_PUBLIC_KEY]"]'
  call one.template.allocate "NAME=\"k8s-node\""$'\n'"CPU=\"2\""$'\n'"VCPU=\"4\""$'\n'"MEMORY=\"8192\""$'\n'"$disk"$'\n'"$nic"$'\n'"$ctx"$'\n'"KUBESPRAY_ROLE=\"worker\"" >/dev/null
  mysql=$(call one.template.allocate "NAME=\"mysql\""$'\n'"CPU=\"1\""$'\n'"VCPU=\"2\""$'\n'"MEMORY=\"4096\""$'\n'"$disk"$'\n'"$nic"$'\n'"$ctx")
  prometheus=$(call one.template.allocate "NAME=\"prometheus\""$'\n'"CPU=\"1\""$'\n'"VCPU=\"2\""$'\n'"MEMORY=\"4096\""$'\n'"$disk"$'\n'"$nic"$'\n'"$ctx")
  # The image is LOCKED until the dummy datastore driver's cp answers; VMs wait for READY.
  for _ in $(seq 1 300); do
    rpc one.image.info "i:$image" | grep -q '&lt;STATE&gt;1&lt;/STATE&gt;' && break
    sleep 0.1
  done
  host_ids=$(rpc one.hostpool.info | tr -d '\n' | grep -o '&lt;HOST&gt;&lt;ID&gt;[0-9]*' | grep -o '[0-9]*$' | sort -n | tr '\n' ' ')
  read -r h1 h2 _ <<<"$host_ids"
  vm=$(call one.template.instantiate "i:$mysql" mysql b:1 "" b:0)
  call one.vm.deploy "i:$vm" "i:$h1" b:0 i:-1 >/dev/null
  vm=$(call one.template.instantiate "i:$prometheus" prometheus b:1 "" b:0)
  call one.vm.deploy "i:$vm" "i:$h2" b:0 i:-1 >/dev/null
  log "reference topology created (hosts $host_ids)"
fi

started=1
cat >"$ONED_DIR/endpoint.json" <<JSON
{"endpoint": "$ENDPOINT", "user": "oneadmin", "password": "$PASSWORD", "dir": "$ONED_DIR", "pid": $pid, "startSeconds": $start_secs}
JSON
cat "$ONED_DIR/endpoint.json"
