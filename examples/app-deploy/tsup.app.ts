import { defineConfig } from "tsup";

/**
 * The tsup config of the app examples (redmine, blog): as examples/bootstrap, the workspace
 * packages are bundled from their sources (the root tsconfig maps `@homelab-kit/*` to `src/`).
 * Kept external: @kubernetes/client-node, mysql2 (CommonJS with optional parts) and sql.js (it loads
 * its .wasm file from beside its own script).
 */
export const appTsupConfig = defineConfig({
  entry: ["src/main.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  tsconfig: "../../tsconfig.json",
  noExternal: [/^(?!@kubernetes|mysql2|sql\.js)/],
  banner: {
    js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
  },
  external: ["@kubernetes/client-node", "mysql2", "sql.js"],
  dts: false,
  sourcemap: true,
  clean: true,
});
