#!/usr/bin/env bash
# Builds a KUBEBUILDER_ASSETS-style folder (kube-apiserver, kube-controller-manager, kube-scheduler,
# etcd, kwok) from the Go module proxy, into "$HOMELAB_KIT_CACHE/k8s/<versions>/", and prints that
# folder on stdout (the last line). A folder that is already complete is reused: nothing is built.
#
#   scripts/k8s/build-binaries.sh            # build or reuse; prints the folder
#   scripts/k8s/build-binaries.sh --print    # print the folder it would use; exit 1 if not built
#   scripts/k8s/build-binaries.sh --kubectl  # kubectl of the same Kubernetes version, into
#                                            # "$HOMELAB_KIT_CACHE/k8s/kubectl-<version>/" (same rules;
#                                            # also with --print)
#
# How: one throw-away wrapper Go module per project.
# - Kubernetes: requires k8s.io/kubernetes vX.Y.Z and replaces every staging module k8s.io/* (read
#   from that release's go.mod, where they point at ./staging/src/...) with its published v0.Y.Z;
#   the commands are declared as `tool` directives, so `go mod tidy` resolves exactly what they need.
#   Version variables are set with -ldflags -X, as hack/lib/version.sh does.
# - etcd: a 3-line main calling go.etcd.io/etcd/server/v3/etcdmain.Main (what etcd's own main.go
#   does; the root module go.etcd.io/etcd/v3 is not published for every release).
# - kwok: sigs.k8s.io/kwok/cmd/kwok at its tag, with its version variables.
#
# Environment (all optional):
#   HOMELAB_KIT_CACHE   cache root (default ${XDG_CACHE_HOME:-~/.cache}/homelab-kit)
#   K8S_VERSION         default v1.36.3     ETCD_VERSION  default v3.6.16     KWOK_VERSION default v0.8.0
#   K8S_BUILD_JOBS      go build -p (default: cores - 1, at least 1, so a core stays free)
#   K8S_BUILD_NICE      nice level of the build (default 19)
# Needs: go 1.26+ (.ci/suites/kubernetes.sh fetches one from the Go proxy when missing), flock, and
# GOPROXY reachable. Works as root, CI=true, no stdin.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.36.3}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
MODE=control-plane
if [ "${1:-}" = "--kubectl" ]; then MODE=kubectl; shift; fi
if [ "$MODE" = kubectl ]; then
  KEY="kubectl-${K8S_VERSION}"
  BINARIES=(kubectl)
else
  KEY="kubernetes-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}"
  BINARIES=(kube-apiserver kube-controller-manager kube-scheduler etcd kwok)
fi
OUT="$CACHE/k8s/$KEY"

complete() {
  [ -f "$OUT/versions.json" ] || return 1
  local b
  for b in "${BINARIES[@]}"; do [ -x "$OUT/$b" ] || return 1; done
}

log() { echo "build-binaries: $*" >&2; }

source "$(dirname "${BASH_SOURCE[0]}")/../lib/build-cache.sh"
build_cache_reuse "${1:-}"

command -v go >/dev/null || { log "go is not installed (needs Go 1.26+)"; exit 2; }

build_cache_lock "$CACHE/k8s" "$KEY"

cores=$(nproc 2>/dev/null || echo 2)
JOBS="${K8S_BUILD_JOBS:-$(( cores > 1 ? cores - 1 : 1 ))}"
NICE="${K8S_BUILD_NICE:-19}"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod GOMAXPROCS="$JOBS"
unset GOWORK || true

WORK=$(mktemp -d "$CACHE/k8s/.work-$KEY.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
STAGE="$WORK/out"
mkdir -p "$STAGE"

# gobuild NAME DIR LDFLAGS PKG...: go build into $STAGE, recording seconds and peak RSS. GNU time's
# %M is the largest RSS among the waited-for descendants (ru_maxrss of RUSAGE_CHILDREN), i.e. the
# biggest compile or link process; without GNU time (not in every image) it is recorded as 0.
gobuild() {
  local name=$1 dir=$2 ldflags=$3; shift 3
  local s; s=$(date +%s)
  local timecmd=()
  if [ -x /usr/bin/time ]; then timecmd=(/usr/bin/time -f "%M" -o "$WORK/$name.rss"); else echo 0 >"$WORK/$name.rss"; fi
  (cd "$dir" && "${timecmd[@]}" nice -n "$NICE" go build -trimpath -p "$JOBS" -ldflags "-s -w $ldflags" -o "$STAGE/" "$@")
  echo $(( $(date +%s) - s )) >"$WORK/$name.secs"
  log "$name built in $(cat "$WORK/$name.secs") s, peak RSS of the largest process $(( $(tail -1 "$WORK/$name.rss") / 1024 )) MiB"
}

proxy_info() { # proxy_info MODULE VERSION -> JSON of `go mod download -json`
  (cd "$WORK" && go mod download -json "$1@$2")
}

# --- Kubernetes --------------------------------------------------------------------------------
build_kubernetes() { # build_kubernetes CMD... (each k8s.io/kubernetes/cmd/CMD)
  local dir="$WORK/kubernetes" minor major gomod staging commit cmd
  mkdir -p "$dir"
  major=${K8S_VERSION#v}; major=${major%%.*}
  minor=${K8S_VERSION#v*.}; minor=${minor%%.*}
  log "Kubernetes $K8S_VERSION: reading the staging modules from its go.mod"
  printf 'module homelab-kit.local/build\n\ngo 1.26.0\n' >"$WORK/go.mod"
  gomod=$(proxy_info k8s.io/kubernetes "$K8S_VERSION" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')
  [ -f "$gomod" ] || { log "could not download k8s.io/kubernetes@$K8S_VERSION from the Go proxy"; return 1; }
  commit=$(proxy_info k8s.io/kubernetes "$K8S_VERSION" | sed -n 's/^\t\t"Hash": "\(.*\)",\{0,1\}$/\1/p' | head -1)
  staging=$(sed -n 's#^\t\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*#\1#p' "$gomod")
  [ -n "$staging" ] || { log "no staging replaces found in $gomod"; return 1; }
  {
    printf 'module homelab-kit.local/kubernetes-binaries\n\ngo 1.26.0\n\n'
    printf 'godebug default=go1.26\n\n'
    printf 'require k8s.io/kubernetes %s\n\n' "$K8S_VERSION"
    printf 'tool (\n'
    for cmd in "$@"; do printf '\tk8s.io/kubernetes/cmd/%s\n' "$cmd"; done
    printf ')\n\n'
    printf 'replace (\n'
    local m
    for m in $staging; do printf '\t%s => %s v0.%s.%s\n' "$m" "$m" "$minor" "${K8S_VERSION##*.}"; done
    printf ')\n'
  } >"$dir/go.mod"
  log "$(echo "$staging" | wc -l) staging modules replaced with v0.$minor.${K8S_VERSION##*.}"
  (cd "$dir" && nice -n "$NICE" go mod tidy)
  local ld="" pkg
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    ld+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    ld+=" -X $pkg.gitCommit=${commit:-unknown} -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  done
  local pkgs=()
  for cmd in "$@"; do pkgs+=("k8s.io/kubernetes/cmd/$cmd"); done
  gobuild kubernetes "$dir" "$ld" "${pkgs[@]}"
}

# --- etcd --------------------------------------------------------------------------------------
build_etcd() {
  local dir="$WORK/etcd"
  mkdir -p "$dir"
  cat >"$dir/go.mod" <<EOF
module homelab-kit.local/etcd

go 1.26.0

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
EOF
  cat >"$dir/main.go" <<'EOF'
// Command etcd is etcd's own main: go.etcd.io/etcd/server/v3/etcdmain.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  (cd "$dir" && nice -n "$NICE" go mod tidy)
  gobuild etcd "$dir" "-X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION" .
}

# --- kwok --------------------------------------------------------------------------------------
build_kwok() {
  local dir="$WORK/kwok"
  mkdir -p "$dir"
  printf 'module homelab-kit.local/kwok\n\ngo 1.26.0\n\nrequire sigs.k8s.io/kwok %s\n\ntool sigs.k8s.io/kwok/cmd/kwok\n' \
    "$KWOK_VERSION" >"$dir/go.mod"
  (cd "$dir" && nice -n "$NICE" go mod tidy)
  gobuild kwok "$dir" \
    "-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${K8S_VERSION#v}" \
    sigs.k8s.io/kwok/cmd/kwok
}

T0=$(date +%s)
log "building $KEY into $OUT (go build -p $JOBS, nice $NICE, $(go version | cut -d' ' -f3))"
if [ "$MODE" = kubectl ]; then
  build_kubernetes kubectl
  [ -x "$STAGE/kubectl" ] || { log "missing kubectl after the build"; exit 1; }
  "$STAGE/kubectl" version --client >&2
  cat >"$STAGE/versions.json" <<EOF
{
  "kubectl": "$K8S_VERSION",
  "go": "$(go env GOVERSION)",
  "builtAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "buildJobs": $JOBS,
  "buildSeconds": {"total": $(( $(date +%s) - T0 ))},
  "peakRssMiB": {"kubectl": $(( $(tail -1 "$WORK/kubernetes.rss") / 1024 ))},
  "sizeBytes": {"kubectl": $(stat -c %s "$STAGE/kubectl")}
}
EOF
else
build_etcd
build_kwok
build_kubernetes kube-apiserver kube-controller-manager kube-scheduler

for b in "${BINARIES[@]}"; do [ -x "$STAGE/$b" ] || { log "missing $b after the build"; exit 1; }; done
"$STAGE/etcd" --version >&2
"$STAGE/kube-apiserver" --version >&2
"$STAGE/kwok" --version >&2 || true

secs() { cat "$WORK/$1.secs"; }
mib() { echo $(( $(tail -1 "$WORK/$1.rss") / 1024 )); }
sizes=""
for b in "${BINARIES[@]}"; do
  sizes+="$(printf '"%s": %s, ' "$b" "$(stat -c %s "$STAGE/$b")")"
done
cat >"$STAGE/versions.json" <<EOF
{
  "kubernetes": "$K8S_VERSION",
  "etcd": "$ETCD_VERSION",
  "kwok": "$KWOK_VERSION",
  "go": "$(go env GOVERSION)",
  "builtAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "buildJobs": $JOBS,
  "buildSeconds": {"total": $(( $(date +%s) - T0 )), "kubernetes": $(secs kubernetes), "etcd": $(secs etcd), "kwok": $(secs kwok)},
  "peakRssMiB": {"kubernetes": $(mib kubernetes), "etcd": $(mib etcd), "kwok": $(mib kwok)},
  "sizeBytes": { ${sizes%, } }
}
EOF
fi
cat "$STAGE/versions.json" >&2

# Publish atomically: a reader sees either no folder or a complete one.
rm -rf "$OUT.old"
[ -d "$OUT" ] && mv "$OUT" "$OUT.old"
mv "$STAGE" "$OUT"
rm -rf "$OUT.old"
log "done in $(( $(date +%s) - T0 )) s: $OUT"
echo "$OUT"
