import { fileURLToPath } from "node:url";
import type { Options } from "tsup";

/** The root tsconfig.json (tsup's config loader keeps `import.meta.url` this file's own). */
const rootTsconfig = fileURLToPath(new URL("tsconfig.json", import.meta.url));

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
 * A program bundled from this checkout's TypeScript sources, so it runs without `pnpm build`
 * (`pnpm demo`, `pnpm emulator`): the workspace packages come from their `src/` (the root
 * tsconfig.json maps `@homelab-kit/*` there) and so do their dependencies, except msw,
 * @kubernetes/client-node and `options.external`, which stay external and resolve from the output
 * folder's node_modules. CommonJS dependencies (undici) get a real `require`; the banner's import is
 * renamed so that bundled code importing `createRequire` itself (kubespray-inventory's lazy yaml)
 * does not declare it twice.
 */
export function sourceBundle(
  entry: Record<string, string> | string[],
  options: { external?: string[] } = {},
): Options {
  const external = ["msw", "@kubernetes/client-node", ...(options.external ?? [])];
  const escaped = external.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  return {
    entry,
    format: ["esm"],
    target: "node20",
    platform: "node",
    tsconfig: rootTsconfig,
    noExternal: [new RegExp(`^(?!${escaped.join("|")})`)],
    external,
    banner: {
      js: 'import { createRequire as __bannerCreateRequire } from "node:module"; const require = __bannerCreateRequire(import.meta.url);',
    },
    dts: false,
    sourcemap: true,
    clean: true,
    splitting: true,
  };
}

/**
 * One build recipe for the examples (`examples/<name>/`): a source bundle, see `sourceBundle()`
 * (the app examples keep mysql2 and sql.js external: sql.js loads its .wasm from beside its script).
 */
export function exampleBuild(entry: string[], options: { external?: string[] } = {}): Options {
  return sourceBundle(entry, options);
}
