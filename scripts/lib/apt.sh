# Sourced by the scripts in scripts/ and .ci/ (never run): Debian packages on demand.

# apt_need PKG...: installs the Debian packages that are not installed yet (needs root). apt's output
# goes to stderr, so a script's stdout stays what the script prints (a folder, an env file). When
# the install fails (a fresh machine has no package lists yet), runs `apt-get update` and tries once
# more. Waits for a dpkg lock another install holds rather than failing.
apt_need() {
  local need=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
  done
  [ ${#need[@]} -gt 0 ] || return 0
  echo "apt-get install ${need[*]}" >&2
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o DPkg::Lock::Timeout=600)
  if ! "${apt[@]}" install --no-install-recommends "${need[@]}" >&2; then
    "${apt[@]}" update >&2
    "${apt[@]}" install --no-install-recommends "${need[@]}" >&2
  fi
}
