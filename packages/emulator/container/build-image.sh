#!/usr/bin/env bash
# Builds the emulator image from this checkout, with no image registry: the base (build-base.sh:
# Node.js and Debian's C/C++ runtime, cached by version), `homelab-emulator` bundled into one file
# (tsup, container/tsup.config.ts), then `docker build` (container/Dockerfile). Nothing changed
# since the last build: Docker's layer cache answers. Prints the image name last.
#   HOMELAB_EMULATOR_IMAGE  name:tag to build (default homelab-kit/emulator:<package version>;
#                           also tagged homelab-kit/emulator:latest)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || (cd ../.. && pnpm install --frozen-lockfile)

base=$(bash container/build-base.sh | tail -1)
pnpm exec tsup --config container/tsup.config.ts --silent
version=$(node -p 'require("./package.json").version')
image="${HOMELAB_EMULATOR_IMAGE:-homelab-kit/emulator:$version}"
docker build --quiet --build-arg "BASE_IMAGE=$base" --build-arg "VERSION=$version" \
  --tag "$image" --tag homelab-kit/emulator:latest --file container/Dockerfile container/.build >&2
echo "$image"
