#!/usr/bin/env bash
# DMTF's Redfish Protocol Validator (PyPI redfish-protocol-validator, in a venv cached under
# $HOMELAB_KIT_CACHE) against the emulator's iLO 4 and iLO 5 on the path a user takes:
# `homelab-emulator up` with conformance/topologies/mixed-ilo.yaml. Prints PASS / WARN / FAIL /
# NOT_TESTED per generation and every failure; fails when a generation has a failure that
# conformance/redfish-validator/expected-failures.json does not list with its reason (real iLO
# behaves so, cited, or out of scope), or when a listed failure no longer fails (the list is kept
# honest). Works on a fresh machine as root with no stdin.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive CI=true
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
mkdir -p "$CACHE"
# The newest release; it installs on Debian 12's Python 3.11.
VALIDATOR_VERSION=1.3.2

source .ci/lib/suite.sh
source .ci/lib/emulator-up.sh
apt_need python3 python3-venv
build_emulator_if_stale packages/emulator/dist/cli/bin.js

venv="$CACHE/redfish-protocol-validator-$VALIDATOR_VERSION"
pip_venv "$venv" "redfish-protocol-validator==$VALIDATOR_VERSION" redfish_protocol_validator

suite_workdir
# x20: power changes the validator provokes settle quickly; the validator does not wait for them.
emulator_up conformance/topologies/mixed-ilo.yaml 20

status=0
"$venv/bin/python" conformance/redfish-validator/run.py "$up_json" "$venv/bin/rf_protocol_validator" "$work" \
  conformance/redfish-validator/expected-failures.json </dev/null || status=$?
print_emulator_log
exit "$status"
