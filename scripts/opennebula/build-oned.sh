#!/usr/bin/env bash
# Builds OpenNebula's oned (and what it needs to run with the dummy drivers: onemonitord, the Ruby
# drivers and their remotes, the XML schemas, the default configuration) from OpenNebula's public
# source release, into "$HOMELAB_KIT_CACHE/oned/<version>/" (a self-contained ONE_LOCATION tree), and
# prints that folder on stdout (the last line). A folder that is already complete is reused.
#
#   scripts/opennebula/build-oned.sh            # build or reuse; prints the folder
#   scripts/opennebula/build-oned.sh --print    # print the folder it would use; exit 1 if not built
#
# Source: the archive named by ONE_SOURCE_TARBALL (a `git archive` of the OpenNebula/one repository at
# tag release-$ONE_VERSION, as .ci passes it where it has one), else the tagged release downloaded from
# the public repository. Its sha256 is checked either way. Nothing of it is kept in this repository.
#
# How (OpenNebula's own build: SConstruct + install.sh, with Debian's build dependencies):
#   scons grpc=no mysql=no sqlite=yes svncterm=no fireedge=no rubygems=no context=no systemd=no
#   limited to the two programs oned needs (src/nebula/oned, src/monitor/src/monitor/onemonitord),
#   compiled with -O0 (no optimisation: a test peer, and it halves the compile on 2 cores);
#   then `install.sh -d <folder>` lays out the self-contained tree (programs not built, e.g. FireEdge,
#   Sunstone, svncterm or the rank scheduler, are simply absent; copy errors about them are expected).
#
# Environment (all optional):
#   HOMELAB_KIT_CACHE    cache root (default ${XDG_CACHE_HOME:-~/.cache}/homelab-kit)
#   ONE_SOURCE_TARBALL   path of one-release-$ONE_VERSION.tar.gz (else downloaded)
#   ONE_VERSION          default 7.4.0 (ONE_SOURCE_SHA256 must then match that release)
#   ONE_SOURCE_SHA256    expected sha256 of the archive
#   ONED_BUILD_JOBS      scons -j (default 2, never more: the machine is shared)
#   ONED_BUILD_NICE      nice level of the compile (default 10)
# Needs root for apt-get when a build dependency is missing (as CI has). Works with CI=true, no stdin.
set -euo pipefail

ONE_VERSION="${ONE_VERSION:-7.4.0}"
ONE_SOURCE_SHA256="${ONE_SOURCE_SHA256:-94e5e6dece7fe22a8b0d1a35770044eac3bd44cb8ab7e1d0061ffc0aacc8057c}"
ONE_SOURCE_URL="${ONE_SOURCE_URL:-https://github.com/OpenNebula/one/archive/refs/tags/release-${ONE_VERSION}.tar.gz}"
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
KEY="one-${ONE_VERSION}"
OUT="$CACHE/oned/$KEY"
JOBS="${ONED_BUILD_JOBS:-2}"
[ "$JOBS" -gt 2 ] && JOBS=2
NICE="${ONED_BUILD_NICE:-10}"
# Debian bookworm's build dependencies for this build (see the header); the Ruby drivers' run-time
# gems are installed by start-oned.sh.
APT_DEPS=(scons g++ pkg-config libxmlrpc-c++8-dev libxml2-dev libsqlite3-dev libssl-dev zlib1g-dev libcurl4-openssl-dev
  ruby curl ca-certificates)

log() { echo "build-oned: $*" >&2; }

complete() {
  [ -f "$OUT/build.json" ] && [ -x "$OUT/bin/oned" ] && [ -x "$OUT/lib/mads/onemonitord" ] &&
    [ -x "$OUT/lib/mads/one_vmm_dummy" ] && [ -f "$OUT/etc/oned.conf" ]
}

here="$(dirname "${BASH_SOURCE[0]}")"
source "$here/../lib/apt.sh"
source "$here/../lib/build-cache.sh"
build_cache_reuse "${1:-}"

build_cache_lock "$CACHE/oned" "$KEY"

apt_need "${APT_DEPS[@]}"

WORK=$(mktemp -d "$CACHE/oned/.work-$KEY.XXXXXX")
# ONED_KEEP_WORK=1 keeps the work folder of a failed build (to look at scons.log / install.log).
cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ "${ONED_KEEP_WORK:-}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

T0=$(date +%s)
archive="$WORK/one-release-$ONE_VERSION.tar.gz"
if [ -n "${ONE_SOURCE_TARBALL:-}" ]; then
  [ -f "$ONE_SOURCE_TARBALL" ] || { log "ONE_SOURCE_TARBALL=$ONE_SOURCE_TARBALL does not exist"; exit 2; }
  log "source: $ONE_SOURCE_TARBALL"
  cp "$ONE_SOURCE_TARBALL" "$archive"
else
  log "source: downloading $ONE_SOURCE_URL (set ONE_SOURCE_TARBALL to use a local archive)"
  curl -fsSL --retry 3 -o "$archive" "$ONE_SOURCE_URL" || { log "download failed: $ONE_SOURCE_URL"; exit 2; }
fi
sum=$(sha256sum "$archive" | cut -d' ' -f1)
if [ "$sum" != "$ONE_SOURCE_SHA256" ]; then
  log "sha256 mismatch for the OpenNebula $ONE_VERSION source: got $sum, expected $ONE_SOURCE_SHA256"
  exit 2
fi
log "sha256 ok ($sum)"
tar -xzf "$archive" -C "$WORK"
SRC="$WORK/one-release-$ONE_VERSION"
[ -f "$SRC/SConstruct" ] || { log "no SConstruct in the archive (expected one-release-$ONE_VERSION/)"; exit 2; }

# -O0 -g0: SConstruct adds "-g"; a later -g0 wins, and no optimisation keeps the compile short.
sed -i 's/^\(\s*\)"-g",$/\1"-g0", "-O0",/' "$SRC/SConstruct"
grep -q '"-g0", "-O0",' "$SRC/SConstruct" || { log "could not set -O0 -g0 in SConstruct"; exit 2; }

t_compile=$(date +%s)
log "compiling oned and onemonitord (scons -j$JOBS, nice $NICE, $(g++ --version | head -1))"
timecmd=()
[ -x /usr/bin/time ] && timecmd=(/usr/bin/time -f "%U %S %M" -o "$WORK/compile.time")
(cd "$SRC" && "${timecmd[@]}" nice -n "$NICE" scons -j"$JOBS" grpc=no mysql=no sqlite=yes svncterm=no \
  fireedge=no rubygems=no context=no systemd=no parsers=no \
  src/nebula/oned src/monitor/src/monitor/onemonitord) >"$WORK/scons.log" 2>&1 || {
  tail -50 "$WORK/scons.log" >&2
  log "scons failed (full log above, last 50 lines)"
  exit 1
}
compile_secs=$(( $(date +%s) - t_compile ))
log "compiled in $compile_secs s"

STAGE="$WORK/out"
mkdir -p "$STAGE"
# install.sh copies every file of the full product; those not built here fail to copy (expected).
(cd "$SRC" && bash ./install.sh -d "$STAGE") >"$WORK/install.log" 2>&1 || true
mkdir -p "$STAGE/share/gems" # load_opennebula_paths.rb resolves it with File.realpath
for f in bin/oned lib/mads/onemonitord etc/oned.conf etc/monitord.conf var/remotes/im/dummy.d \
  var/remotes/im/dummy-probes.d var/remotes/tm/dummy var/remotes/datastore/dummy \
  lib/ruby/OpenNebulaDriver.rb lib/mads/one_vmm_dummy lib/mads/one_im_exec share/schemas/xsd/vm.xsd; do
  [ -e "$STAGE/$f" ] || {
    grep -v "No such file" "$WORK/install.log" | tail -20 >&2
    log "install.sh did not lay out $f"
    exit 1
  }
done
rm -rf "$STAGE/lib/python" "$STAGE/lib/fireedge" "$STAGE/lib/sunstone" "$STAGE/share/oneprovision" 2>/dev/null || true
if grep -rIl -- "$STAGE" "$STAGE" >/dev/null 2>&1; then log "warning: the staging path is written in some files"; fi

# GNU time's last line (a failed command adds one before it): user s, system s, peak KiB.
read -r cpu_user cpu_sys peak_kib < <(tail -1 "$WORK/compile.time" 2>/dev/null) || { cpu_user=0; cpu_sys=0; peak_kib=0; }
cat >"$STAGE/build.json" <<JSON
{
  "opennebula": "$ONE_VERSION",
  "sourceSha256": "$sum",
  "compiler": "$(g++ --version | head -1)",
  "builtAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "buildJobs": $JOBS,
  "buildSeconds": {"total": $(( $(date +%s) - T0 )), "compile": $compile_secs},
  "compileCpuSeconds": {"user": ${cpu_user%.*}, "system": ${cpu_sys%.*}},
  "peakRssMiB": $(( ${peak_kib:-0} / 1024 ))
}
JSON
cat "$STAGE/build.json" >&2

# Publish atomically: a reader sees either no folder or a complete one.
rm -rf "$OUT.old"
[ -d "$OUT" ] && mv "$OUT" "$OUT.old"
mv "$STAGE" "$OUT"
rm -rf "$OUT.old"
log "done in $(( $(date +%s) - T0 )) s: $OUT"
echo "$OUT"
