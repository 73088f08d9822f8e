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
