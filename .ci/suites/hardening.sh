#!/usr/bin/env bash
# Hardening suite: the hostile probes of the hardening report (conformance/hardening/probes.mjs) and
# fast-check fuzzing of every request parser, replayed against `homelab-emulator up` — the built CLI
# in its own process, on free loopback ports. Needs nothing beyond Node and the workspace; builds the
# emulator first when its dist is missing or stale. About a minute on the 2-core CI machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CI=true FORCE_COLOR=0 NO_COLOR=1

source .ci/lib/suite.sh
build_emulator_if_stale packages/emulator/dist/cli/bin.js

pnpm vitest run --config conformance/hardening/vitest.config.ts </dev/null
