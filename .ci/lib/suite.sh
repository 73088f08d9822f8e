# Shell helpers shared by the peer suites in .ci/suites/ (sourced, never run: it lives outside the
# .ci/suites/*.sh glob that .ci/peers runs). Expects to be sourced from the repository root.

# apt_need PKG...: installs the Debian packages that are not installed yet (scripts/lib/apt.sh).
source scripts/lib/apt.sh

# build_emulator_if_stale DIST: installs node_modules if missing, and builds the emulator (and what it
# depends on) when DIST is missing or older than the sources. CI's build stage has built dist already.
build_emulator_if_stale() {
  local dist="$1"
  [ -d node_modules ] || pnpm install --frozen-lockfile
  if [ ! -f "$dist" ] || [ -n "$(find packages/emulator/src packages/core/src -newer "$dist" -print -quit)" ]; then
    pnpm --filter "@homelab-kit/emulator..." build >/dev/null
  fi
}

# suite_workdir: makes a temp dir "$work", removed on exit (with the server serve_emulator started).
suite_workdir() {
  work=$(mktemp -d)
  server_pid=""
  trap _suite_cleanup EXIT
}

# serve_emulator NAME OUT COMMAND...: runs COMMAND in the background with stdout to "$work/OUT" and
# stderr to "$work/server.log", and waits until OUT is written (exits 1 if the server dies first or
# never writes it). Needs suite_workdir first.
serve_emulator() {
  local name="$1" out="$2"
  shift 2
  "$@" >"$work/$out" 2>"$work/server.log" &
  server_pid=$!
  for _ in $(seq 1 100); do
    [ -s "$work/$out" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
    sleep 0.1
  done
  [ -s "$work/$out" ] || { echo "$name emulator did not start"; cat "$work/server.log"; exit 1; }
  echo "$name emulator: $(cat "$work/$out")"
}
_suite_cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}

# print_emulator_log: the server's stderr, when it wrote any.
print_emulator_log() {
  if [ -s "$work/server.log" ]; then echo "--- emulator log"; cat "$work/server.log"; fi
}

# pip_venv DIR SPEC MODULE [SPEC...]: makes sure the venv DIR (under the cache) has SPEC (and the
# further SPECs) installed from PyPI (checked by importing MODULE; several: "a, b"); made anew when
# missing or broken. Uses Debian's python3.
pip_venv() {
  local dir="$1" spec="$2" module="$3"
  shift 3
  if [ ! -x "$dir/bin/python" ] || ! "$dir/bin/python" -c "import $module" 2>/dev/null; then
    rm -rf "$dir"
    /usr/bin/python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$spec" "$@"
  fi
}
