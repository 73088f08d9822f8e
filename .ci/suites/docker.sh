#!/usr/bin/env bash
# The emulator as a container, with a real Docker engine: installs Debian's docker.io and starts
# dockerd when no engine answers (and stops it again at the end), builds the image locally
# (packages/emulator/container/build-image.sh: no registry is reachable; the base is cached under
# "$HOMELAB_KIT_CACHE/docker/"), then runs
#   - conformance/docker (vitest): the image through @homelab-kit/emulator/testcontainers and
#     `docker run`, driven by our clients, python-hpilo/proliantutils/sushy/redfishtool and pyone;
#     the cleanup tests;
#   - the README's Python example: pytest + testcontainers (PyPI) + pyone + requests, in a venv
#     cached under "$HOMELAB_KIT_CACHE".
# Fails if a container it started is left behind. Works on a fresh machine as root with no stdin.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive CI=true FORCE_COLOR=0 NO_COLOR=1
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
export HOMELAB_KIT_CACHE="$CACHE"
mkdir -p "$CACHE"
PYONE_VERSION=7.0.2
PY_TESTCONTAINERS_VERSION=4.15.0
PYTEST_VERSION=9.2.0
# No image registry: testcontainers' Ryuk reaper image cannot be pulled (the module removes its
# containers itself on exit, SIGINT and SIGTERM; conformance/docker/cleanup.test.ts).
export TESTCONTAINERS_RYUK_DISABLED=true
# This machine is itself a container (/.dockerenv): testcontainers (Node and Python) would then look
# for the published ports at the bridge's gateway, while the module publishes on 127.0.0.1 only (and
# loopback is the only target here). Whether the bridge has a gateway on record depends on the
# engine's stored network state, so without this the module's start() timed out on some runs.
export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1

source .ci/lib/suite.sh
source .ci/lib/pyone.sh
say() { echo "docker suite: $*"; }

apt_need docker.io binutils python3 python3-venv python3-hpilo python3-proliantutils python3-sushy redfishtool

SUITE_TMP=$(mktemp -d "${TMPDIR:-/tmp}/homelab-kit-docker-suite.XXXXXX")
dockerd_pid=""
before="$SUITE_TMP/containers-before"
image=""
# Containers of the image made during the suite (others' containers are none of its business).
ours() { [ -z "$image" ] || docker ps --all --quiet --no-trunc --filter "ancestor=$image" | sort; }
cleanup() {
  local status=$?
  local left=""
  [ -f "$before" ] && left=$(comm -13 "$before" <(ours) || true)
  if [ -n "$left" ]; then
    say "FAILED: containers left behind by the suite (removed now): $(echo "$left" | cut -c1-12 | tr '\n' ' ')"
    echo "$left" | xargs -r docker rm --force --volumes >/dev/null || true
    status=1
  fi
  if [ -n "$dockerd_pid" ]; then
    say "stopping the dockerd this suite started (pid $dockerd_pid)"
    kill "$dockerd_pid" 2>/dev/null || true
    wait "$dockerd_pid" 2>/dev/null || true
  fi
  rm -rf "$SUITE_TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A Docker engine: the one running, else dockerd started here (stopped again on exit).
if ! docker info >/dev/null 2>&1; then
  say "no Docker engine answers: starting dockerd (log: $SUITE_TMP/dockerd.log)"
  dockerd >"$SUITE_TMP/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 150); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || { cat "$SUITE_TMP/dockerd.log"; exit 1; }
    sleep 0.2
  done
  docker info >/dev/null 2>&1 || { say "dockerd did not answer in 30 s"; tail -30 "$SUITE_TMP/dockerd.log"; exit 1; }
fi
say "Docker $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"


[ -d node_modules/.pnpm ] || pnpm install --frozen-lockfile

t0=$(date +%s)
image=$(bash packages/emulator/container/build-image.sh | tail -1)
export HOMELAB_EMULATOR_IMAGE="$image"
ours >"$before"
say "image $image built in $(( $(date +%s) - t0 )) s, $(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}')"

pyone_venv "$PYONE_VERSION"
export HOMELAB_KIT_PYONE_PYTHON="$venv/bin/python"

status=0
t1=$(date +%s)
pnpm exec vitest run --config conformance/docker/vitest.config.ts </dev/null || status=1
say "conformance/docker ran in $(( $(date +%s) - t1 )) s"

# The README's Python example, as a Python team would run it: its own venv, pytest, testcontainers.
pyvenv="$CACHE/python-testcontainers-$PY_TESTCONTAINERS_VERSION"
pip_venv "$pyvenv" "testcontainers==$PY_TESTCONTAINERS_VERSION" "testcontainers, pyone, requests, pytest" \
  "pytest==$PYTEST_VERSION" "pyone==$PYONE_VERSION" requests
say "pytest + testcontainers $PY_TESTCONTAINERS_VERSION (PyPI) against the image"
(cd packages/emulator/container/examples && "$pyvenv/bin/pytest" -p no:cacheprovider -W ignore::DeprecationWarning \
  test_emulator_pytest.py </dev/null) || status=1

exit "$status"
