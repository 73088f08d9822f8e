#!/usr/bin/env bash
# The npm-import use case: packs every package (`pnpm pack`), installs the tarballs with npm into an
# empty temp project (no workspace links; their dependencies come from the npm registry), type-checks
# .ci/consumer/consumer.ts (every entry point, run against createEmulator()), consumer-msw.ts (the
# emulator's msw entry) and consumer-testcontainers.ts (with testcontainers installed) there with `strict`
# and `skipLibCheck: false`, and runs them. Needs
# `pnpm build` first. The project is left in $HOMELAB_KIT_CONSUMER_DIR when
# that is set (CI then runs the README's `npx homelab-emulator` commands in it), else removed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { echo "consumer: $*"; }

for pkg in packages/*/; do
  [ -f "$pkg/dist/index.js" ] && [ -f "$pkg/dist/index.d.ts" ] || { say "$pkg has no dist/: run pnpm build first"; exit 1; }
done

# Every entry point of every package is imported by a consumer file (a new one must be added there).
missing=$(node -e '
  const { readFileSync, readdirSync } = require("node:fs");
  const code = readdirSync(".ci/consumer").filter((f) => f.endsWith(".ts"))
    .map((f) => readFileSync(`.ci/consumer/${f}`, "utf8")).join("\n");
  for (const dir of readdirSync("packages")) {
    const pkg = JSON.parse(readFileSync(`packages/${dir}/package.json`, "utf8"));
    for (const sub of Object.keys(pkg.exports ?? {})) {
      if (sub.endsWith(".json")) continue;
      const spec = pkg.name + sub.slice(1);
      if (!code.includes(`from "${spec}"`)) console.log(spec);
    }
  }')
if [ -n "$missing" ]; then say "no consumer file imports: $missing (add them to .ci/consumer/)"; exit 1; fi

if [ -n "${HOMELAB_KIT_CONSUMER_DIR:-}" ]; then
  work=$HOMELAB_KIT_CONSUMER_DIR
  rm -rf "$work" && mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/tarballs" "$work/project"

for pkg in packages/*/; do
  (cd "$pkg" && pnpm pack --pack-destination "$work/tarballs" >/dev/null)
done
say "packed: $(cd "$work/tarballs" && echo *.tgz)"

# The same TypeScript and Node types the repository builds with; msw for the emulator's msw entry;
# @types/ws because @kubernetes/client-node's declarations import isomorphic-ws, whose declarations
# import "ws" (untyped: TS7016 under strict) — a strict consumer of @homelab-kit/emulator/kubernetes
# needs it too (packages/emulator/README.md says so).
version() { node -p "require('$1/package.json').version"; }
ts=$(version "$root/node_modules/typescript")
types_node=$(version "$root/node_modules/@types/node")
msw=$(version "$root/packages/emulator/node_modules/msw")
testcontainers=$(version "$root/packages/emulator/node_modules/testcontainers")
ws=$(node -p "require('$root/packages/emulator/node_modules/@kubernetes/client-node/package.json').dependencies.ws.replace(/^\\^?(\\d+).*/, '\$1')")

cd "$work/project"
printf '{ "name": "homelab-kit-consumer", "private": true, "type": "module" }\n' > package.json
npm install --no-fund --no-audit --loglevel=error "$work"/tarballs/*.tgz \
  "typescript@$ts" "@types/node@$types_node" "msw@$msw" "@types/ws@$ws" "testcontainers@$testcontainers"
say "installed: $(npm ls --depth=0 --parseable | sed 1d | sed 's|.*/node_modules/||' | tr '\n' ' ')"
cp "$root"/.ci/consumer/*.ts "$root"/.ci/consumer/tsconfig*.json .
# tsc skips the type arguments of inline `import("x").T<…>` types, which declaration emit writes
# wherever a type comes from another file: hoist them so every published declaration is checked.
node "$root/.ci/consumer/hoist-import-types.mjs" node_modules/@homelab-kit
say "tsc (strict, skipLibCheck false) $(npx tsc --version)"
npx tsc -p tsconfig.json
npx tsc -p tsconfig.msw.json
npx tsc -p tsconfig.testcontainers.json
node out/consumer.js
node out/consumer-msw.js
node out/consumer-testcontainers.js
