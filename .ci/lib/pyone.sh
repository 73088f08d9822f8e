# pyone (OpenNebula's Python binding, PyPI) in a venv cached under $CACHE, for the OpenNebula peer
# suites (sourced, never run). Expects CACHE set and Debian's python3-venv installed.

# pyone_venv VERSION: makes sure "$CACHE/opennebula-pyone-VERSION" has pyone==VERSION; sets "$venv".
pyone_venv() {
  venv="$CACHE/opennebula-pyone-$1"
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import pyone" 2>/dev/null; then
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pyone==$1"
  fi
}
