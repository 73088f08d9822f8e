# Sourced by the build scripts (scripts/k8s/build-binaries.sh, scripts/opennebula/build-oned.sh),
# never run: a version-keyed build folder under the cache, built once and reused. The caller defines
# OUT (the folder), `complete` (true when OUT holds a finished build) and `log` (to stderr).

# build_cache_reuse [--print]: when OUT is complete, prints it and exits 0. With --print, exits 1
# (saying so) when it is not: nothing is built.
build_cache_reuse() {
  if [ "${1:-}" = "--print" ]; then
    complete || { log "not built yet: $OUT"; exit 1; }
    echo "$OUT"
    exit 0
  fi
  if complete; then
    log "reusing $OUT"
    echo "$OUT"
    exit 0
  fi
}

# build_cache_lock DIR KEY: one builder at a time per key (parallel suites would otherwise build
# twice): waits for another build of KEY, and exits 0 with OUT when that one finished it. The lock
# is held on fd 9 until the script exits.
build_cache_lock() {
  mkdir -p "$1"
  exec 9>"$1/.$2.lock"
  if ! flock -n 9; then
    log "another build of $2 is running; waiting for it"
    flock 9
  fi
  if complete; then
    log "reusing $OUT (built by the other process)"
    echo "$OUT"
    exit 0
  fi
}
