#!/usr/bin/env bash
# Kubernetes peer suite: builds (or reuses, from "$HOMELAB_KIT_CACHE/k8s/") kube-apiserver,
# kube-controller-manager, kube-scheduler, etcd and kwok, and kubectl of the same version, from the
# Go module proxy, then runs conformance/kubernetes against a real control plane started by the
# `binaries` provider (the cluster itself, the stand-ins: MetalLB, cert-manager, Ceph CSI,
# ingress-nginx, node health, and `homelab-emulator up` checked with kubectl and curl).
# Works on a fresh machine as root with CI=true and no stdin; exits non-zero on failure.
#   HOMELAB_KIT_K8S_ASSETS=/path  use an existing KUBEBUILDER_ASSETS-style folder (with kwok) instead
#   HOMELAB_KIT_KUBECTL=/path     use that kubectl instead of building one
set -euo pipefail
cd "$(dirname "$0")/../.."
export CI=true FORCE_COLOR=0 NO_COLOR=1
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
export HOMELAB_KIT_CACHE="$CACHE"
mkdir -p "$CACHE"

say() { echo "kubernetes suite: $*"; }

source .ci/lib/k8s.sh

# Components of a failed run must not outlive the suite: every cluster dir lives under this TMPDIR,
# and on exit any process whose command line names it is killed (by pid) before it is removed.
SUITE_TMP=$(mktemp -d "${TMPDIR:-/tmp}/homelab-kit-kubernetes-suite.XXXXXX")
export TMPDIR="$SUITE_TMP"
cleanup() {
  kill_leftovers "$SUITE_TMP/homelab-kit-k8s-"
  rm -rf "$SUITE_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(date +%s)
k8s_assets
say "binaries ready in $(( $(date +%s) - t0 )) s: $HOMELAB_KIT_K8S_ASSETS"
cat "$HOMELAB_KIT_K8S_ASSETS/versions.json" 2>/dev/null || true

# A real kubectl of the server's version (Debian bookworm's kubernetes-client is 1.20: sixteen
# minor versions behind, outside kubectl's skew policy), built like the binaries (cold: about 4 min
# with the Go build cache of the binaries, reused afterwards), and curl for the ingress checks.
if [ -z "${HOMELAB_KIT_KUBECTL:-}" ]; then
  ensure_go
  HOMELAB_KIT_KUBECTL="$(bash scripts/k8s/build-binaries.sh --kubectl | tail -1)/kubectl"
fi
export HOMELAB_KIT_KUBECTL
"$HOMELAB_KIT_KUBECTL" version --client
command -v curl >/dev/null || apt-get install -y -qq curl

[ -d node_modules/.pnpm ] || pnpm install --frozen-lockfile

t1=$(date +%s)
pnpm exec vitest run --config conformance/kubernetes/vitest.config.ts
say "conformance ran in $(( $(date +%s) - t1 )) s"

left=$(leftover_pids "$SUITE_TMP/homelab-kit-k8s-")
if [ -n "$left" ]; then
  say "FAILED: processes left running after the suite: $left"
  exit 1
fi
say "passed in $(( $(date +%s) - t0 )) s"
