#!/usr/bin/env bash
# Real iLO clients on the path a user takes: `homelab-emulator up` with a topology holding an iLO 3,
# an iLO 4 and an iLO 5 host (conformance/topologies/mixed-ilo.yaml), then Debian's python3-hpilo,
# python3-proliantutils, python3-sushy and redfishtool pointed at the endpoints it prints, through
# the emulator's BMC fleet (the same checks as .ci/suites/ilo.sh runs against one server per
# flavour). Works on a fresh machine as root with no stdin.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive CI=true

source .ci/lib/suite.sh
source .ci/lib/emulator-up.sh
apt_need python3-hpilo python3-proliantutils python3-sushy redfishtool
build_emulator_if_stale packages/emulator/dist/cli/bin.js

suite_workdir
# x20: a 30 s POST takes 1.5 s, so power read-backs need only a little polling.
emulator_up conformance/topologies/mixed-ilo.yaml 20

# Debian's clients live in /usr/lib/python3/dist-packages: use Debian's interpreter, not a pyenv one.
status=0
env -u REQUESTS_CA_BUNDLE -u CURL_CA_BUNDLE /usr/bin/python3 conformance/ilo/peers.py "$up_json" </dev/null || status=$?
print_emulator_log
exit "$status"
