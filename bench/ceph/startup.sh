#!/usr/bin/env bash
# Times scripts/ceph/start.sh (from scratch, then again on the running cluster) and stop.sh, on
# their own data folder and ports. Root; the Debian packages are installed by start.sh if missing.
#   bash bench/ceph/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
export CEPH_DIR=/tmp/homelab-kit-ceph-bench CEPH_DASHBOARD_PORT=18280 CEPH_MON_V2_PORT=13500 CEPH_MON_V1_PORT=16989
trap 'bash scripts/ceph/stop.sh >/dev/null 2>&1 || true' EXIT
ms() { echo $((($(date +%s%N) - $1) / 1000000)); }
for run in $(seq 1 "${1:-2}"); do
  bash scripts/ceph/stop.sh >/dev/null 2>&1 || true
  t=$(date +%s%N); bash scripts/ceph/start.sh >/dev/null 2>&1; fresh=$(ms "$t")
  t=$(date +%s%N); bash scripts/ceph/start.sh >/dev/null 2>&1; again=$(ms "$t")
  t=$(date +%s%N); bash scripts/ceph/stop.sh >/dev/null 2>&1; stop=$(ms "$t")
  echo "run $run: start from scratch ${fresh} ms, start on a running cluster ${again} ms, stop + clean ${stop} ms"
done
