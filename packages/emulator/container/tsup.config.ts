import { defineConfig } from "tsup";

/**
 * The container image's application: `homelab-emulator` as one self-contained ESM file (every
 * dependency inlined, tree-shaken), so the image needs a Node runtime and this file only.
 * Built by `container/build-image.sh` into `container/.build/app/`.
 */
export default defineConfig({
  entry: { "homelab-emulator": "src/cli/bin.ts" },
  outDir: "container/.build/app",
  format: ["esm"],
  outExtension: () => ({ js: ".mjs" }),
  target: "node24",
  platform: "node",
  bundle: true,
  noExternal: [/.*/],
  splitting: false,
  treeshake: true,
  minify: false,
  sourcemap: false,
  dts: false,
  clean: true,
  tsconfig: "../../tsconfig.base.json",
  // From sources: the image does not depend on a prior `pnpm build` of core.
  esbuildOptions(options) {
    options.alias = { "@homelab-kit/core": "../core/src/index.ts" };
  },
  // CommonJS dependencies inlined into an ES module still call require() for Node's built-ins.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
  },
});
