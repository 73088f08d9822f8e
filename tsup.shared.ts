import type { Options } from "tsup";

/**
 * One build recipe for every package: ESM only, Node 20 target, no minification. This is the
 * JavaScript half of `pnpm build`; the declarations come from `tsc -b tsconfig.build.json`, run first
 * by each package's `build` script: per-file `.d.ts` in `dist/`, read from the package's own `src/`
 * and its dependencies' declarations (project references), incremental (`dist/types.tsbuildinfo`).
 * So cleaning keeps the `.d.ts` and the build info; deleting `dist/` rebuilds both from scratch.
 */
export function packageBuild(entry: string[] | Record<string, string>): Options {
  return {
    entry,
    format: ["esm"],
    target: "node20",
    platform: "node",
    dts: false,
    sourcemap: true,
    clean: ["!**/*.d.ts", "!types.tsbuildinfo"],
    splitting: true,
    treeshake: true,
    tsconfig: "tsconfig.build.json",
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
