# pyone (OpenNebula's Python binding, PyPI) in a venv cached under $CACHE, for the OpenNebula peer
# suites (sourced after .ci/lib/suite.sh, never run). Expects CACHE set and Debian's python3-venv installed.

# pyone_venv VERSION: makes sure "$CACHE/opennebula-pyone-VERSION" has pyone==VERSION; sets "$venv".
pyone_venv() {
  venv="$CACHE/opennebula-pyone-$1"
  pip_venv "$venv" "pyone==$1" pyone
}
