#!/usr/bin/env bash
# Real OpenNebula clients on the path a user takes: `homelab-emulator up` with the mixed iLO 3/4/5
# topology (conformance/topologies/mixed-ilo.yaml, whose OpenNebula part is the standalone
# emulator's reference state), then pyone (PyPI, venv cached under $HOMELAB_KIT_CACHE) driven at
# the ONE_XMLRPC / ONE_AUTH of the env file `up` writes, and the XSD scenarios of
# conformance/opennebula/xsd.mjs run over `up`'s XML-RPC and control API (documents validated with
# xmllint, Debian libxml2-utils). The same checks .ci/suites/opennebula.sh runs against the
# OpenNebula emulator served on its own. Works on a fresh machine as root with no stdin.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive CI=true
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
mkdir -p "$CACHE"
PYONE_VERSION=7.0.2

source .ci/lib/suite.sh
source .ci/lib/pyone.sh
source .ci/lib/emulator-up.sh
apt_need libxml2-utils python3 python3-venv

pyone_venv "$PYONE_VERSION"
build_emulator_if_stale packages/emulator/dist/cli/bin.js

suite_workdir
status=0

# XSD scenarios: the clock at x0.001, so that only the scenarios' own moves (control API) count.
emulator_up conformance/topologies/mixed-ilo.yaml 0.001
echo "--- XSD validation (xmllint) of the documents homelab-emulator up answers"
node conformance/opennebula/xsd.mjs "$up_json" </dev/null || status=1
print_emulator_log
emulator_down

# pyone: x20, so that a VM's life cycle (schedule 5 s, prolog 3 s, boot 2 s) takes about a second.
emulator_up conformance/topologies/mixed-ilo.yaml 20
(
  set -a
  source "$up_env"
  set +a
  /usr/bin/python3 -c 'import json, os, sys
user, _, password = os.environ["ONE_AUTH"].partition(":")
json.dump({"endpoint": os.environ["ONE_XMLRPC"], "user": user, "password": password}, open(sys.argv[1], "w"))' \
    "$work/one.json"
)
echo "--- pyone $PYONE_VERSION against homelab-emulator up (ONE_XMLRPC, ONE_AUTH from its env file)"
"$venv/bin/python" conformance/opennebula/pyone_peer.py "$work/one.json" </dev/null || status=1
print_emulator_log
exit "$status"
