import { defineConfig } from "tsup";

/**
 * The example runs from a fresh checkout without building the packages first: the workspace
 * packages are bundled from their sources (the root tsconfig maps `@homelab-kit/*` to `src/`);
 * so are their dependencies (undici's CommonJS gets a real `require`).
 */
export default defineConfig({
  entry: ["src/main.ts", "src/drill.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  tsconfig: "../../tsconfig.json",
  noExternal: [/^(?!msw|@kubernetes)/],
  banner: {
    js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
  },
  external: ["msw", "@kubernetes/client-node"],
  dts: false,
  sourcemap: true,
  clean: true,
  splitting: true,
});
