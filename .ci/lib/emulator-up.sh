# Shell helpers for the suites that run real peers against `homelab-emulator up`, the path a user
# takes (sourced after .ci/lib/suite.sh, never run: it lives outside the .ci/suites/*.sh glob).
# Expects to be sourced from the repository root.

# emulator_up TOPOLOGY SPEED: starts the built CLI, `homelab-emulator up --json --topology TOPOLOGY
# --speed SPEED`, in the background with its run dir under "$work" (needs suite_workdir first; the
# suite's cleanup stops it with SIGTERM, as Ctrl-C would), waits up to 60 s until it prints its
# endpoints, and sets "$up_json" (the JSON it printed) and "$up_env" (the env file it wrote).
emulator_up() {
  local topology="$1" speed="$2"
  up_json="$work/up.json"
  up_env="$work/run/env"
  # A second call reuses the paths: the previous run's files must not pass for this run's.
  rm -f "$up_json" "$up_env"
  node packages/emulator/dist/cli/bin.js up --json --topology "$topology" --speed "$speed" \
    --run-dir "$work/run" >"$up_json" 2>"$work/server.log" </dev/null &
  server_pid=$!
  for _ in $(seq 1 600); do
    # the whole line: the JSON ends with a newline
    [ -s "$up_json" ] && [ "$(tail -c 1 "$up_json" | od -An -c | tr -d ' ')" = '\n' ] && break
    kill -0 "$server_pid" 2>/dev/null || { echo "homelab-emulator up exited"; cat "$work/server.log"; exit 1; }
    sleep 0.1
  done
  [ -s "$up_json" ] || { echo "homelab-emulator up printed no endpoints in 60 s"; cat "$work/server.log"; exit 1; }
  [ -s "$up_env" ] || { echo "homelab-emulator up wrote no env file at $up_env"; exit 1; }
  # The endpoints without their credentials (the suites read those from "$up_json").
  echo "homelab-emulator up ($topology, x$speed):"
  node -e 'const u = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const i of u.ilo) console.log(`  iLO ${i.host} (${i.generation}) ${i.url}`);
    if (u.opennebula) console.log(`  OpenNebula ${u.opennebula.url}`);
    if (u.ceph) console.log(`  Ceph ${u.ceph.url}`);' "$up_json"
}

# emulator_down: stops the emulator emulator_up started (SIGTERM, as Ctrl-C would) and waits for it.
emulator_down() {
  if [ -n "${server_pid:-}" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
