import type { Options } from "tsup";

/** One build recipe for every package: ESM only, Node 20 target, bundled .d.ts, no minification. */
export function packageBuild(entry: string[] | Record<string, string>): Options {
  return {
    entry,
    format: ["esm"],
    target: "node20",
    platform: "node",
    dts: { compilerOptions: { composite: false, paths: {} } },
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    tsconfig: "../../tsconfig.base.json",
  };
}

/**
 * One build recipe for the examples: they run from a fresh checkout without building the packages
 * first — the workspace packages are bundled from their sources (the root tsconfig maps
 * `@homelab-kit/*` to `src/`); so are their dependencies (undici's CommonJS gets a real `require`).
 */
export function exampleBuild(entry: string[]): Options {
  return {
    entry,
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
  };
}
