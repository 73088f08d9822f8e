#!/usr/bin/env bash
# copy-checkout.sh DEST: copies this checkout as a clone of it would be — the tracked files and new
# ones that are not ignored, without node_modules, dist, .tmp or .git — into DEST (created; must not
# exist yet). Used by CI (.ci/run) and bench/fresh-clone to run a clone alone in an empty folder.
set -euo pipefail
dest=${1:?usage: copy-checkout.sh DEST}
cd "$(dirname "$0")/.."
if [ -e "$dest" ]; then echo "copy-checkout: $dest exists already" >&2; exit 1; fi
mkdir -p "$dest"
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi; done |
  tar --null --no-recursion -T - -cf - | tar -xf - -C "$dest"
echo "copy-checkout: $(find "$dest" -type f | wc -l) files in $dest"
