# For the suites that run a Kubernetes cluster from the binaries (kubernetes.sh, examples.sh):
# Go to build them, and the check that no component outlives the suite. Sourced, never run.
# Expects CACHE set and a `say` function.
GO_MIN=1.26
GO_TOOLCHAIN_VERSION=go1.26.8

# ensure_go: Go 1.26+: the machine's, else a toolchain from the Go module proxy (golang.org/toolchain
# is a module like any other), cached under "$CACHE/go/<version>".
ensure_go() {
  if command -v go >/dev/null; then
    local v; v=$(go env GOVERSION 2>/dev/null | sed 's/^go//')
    if [ "$(printf '%s\n%s\n' "$GO_MIN" "$v" | sort -V | head -1)" = "$GO_MIN" ]; then return 0; fi
    say "go $v is older than $GO_MIN"
  fi
  local dir="$CACHE/go/$GO_TOOLCHAIN_VERSION"
  if [ ! -x "$dir/bin/go" ]; then
    local mod="golang.org/toolchain/@v/v0.0.1-${GO_TOOLCHAIN_VERSION}.linux-amd64.zip"
    say "fetching $GO_TOOLCHAIN_VERSION from ${GOPROXY_URL:-https://proxy.golang.org}/$mod"
    local tmp; tmp=$(mktemp -d)
    curl -fsSL --retry 3 -o "$tmp/go.zip" "${GOPROXY_URL:-https://proxy.golang.org}/$mod"
    if command -v python3 >/dev/null; then python3 -m zipfile -e "$tmp/go.zip" "$tmp/x"; else unzip -q "$tmp/go.zip" -d "$tmp/x"; fi
    rm -rf "$dir" && mkdir -p "$(dirname "$dir")"
    mv "$tmp/x/golang.org/toolchain@v0.0.1-${GO_TOOLCHAIN_VERSION}.linux-amd64" "$dir"
    chmod +x "$dir"/bin/* "$dir"/pkg/tool/*/*
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
}

# leftover_pids PATTERN: pids (but this shell's) whose command line contains PATTERN: components of
# a cluster whose dir lives under the suite's TMPDIR.
leftover_pids() {
  local p cmd
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = "$$" ] && continue
    cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
    if [[ $cmd == *"$1"* ]]; then echo "${p#/proc/}"; fi
  done
  return 0
}

# kill_leftovers PATTERN: kills (by pid) what leftover_pids finds, saying so.
kill_leftovers() {
  local pids; pids=$(leftover_pids "$1")
  if [ -n "$pids" ]; then
    say "killing leftover components: $pids"
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
  fi
}

# k8s_assets: sets and exports HOMELAB_KIT_K8S_ASSETS, building the binaries (cached) when unset.
k8s_assets() {
  if [ -z "${HOMELAB_KIT_K8S_ASSETS:-}" ]; then
    ensure_go
    HOMELAB_KIT_K8S_ASSETS=$(bash scripts/k8s/build-binaries.sh | tail -1)
  fi
  export HOMELAB_KIT_K8S_ASSETS
}
