import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import * as emulator from "../src/index.js";
import * as mswEntry from "../src/msw/index.js";

const src = resolve(import.meta.dirname, "../src");

/** Every module reachable from `entry` through static imports and re-exports, with the bare specifiers each uses. */
function moduleGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (graph.has(file)) continue;
    const text = readFileSync(file, "utf8");
    const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/g)].map(
      (m) => m[1] as string,
    );
    graph.set(
      file,
      specifiers.filter((s) => !s.startsWith(".")),
    );
    for (const specifier of specifiers) {
      if (specifier.startsWith(".")) pending.push(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
    }
  }
  return graph;
}

describe("package entry points", () => {
  it("the main entry never imports msw (an optional peer): only @homelab-kit/emulator/msw does", () => {
    const main = moduleGraph(resolve(src, "index.ts"));
    expect(main.size).toBeGreaterThan(3);
    const importingMsw = [...main].filter(([, bare]) =>
      bare.some((s) => s === "msw" || s.startsWith("msw/")),
    );
    expect(importingMsw.map(([file]) => file)).toEqual([]);
    const msw = moduleGraph(resolve(src, "msw/index.ts"));
    expect([...msw.values()].flat()).toContain("msw");
  });

  it("exports the serving API from the main entry and toMswHandlers from the msw entry", () => {
    for (const name of ["serve", "routesTransport", "route", "RouteError", "generateSelfSignedCertificate"]) {
      expect(typeof (emulator as Record<string, unknown>)[name]).toBe("function");
    }
    expect(typeof mswEntry.toMswHandlers).toBe("function");
    expect("toMswHandlers" in emulator).toBe(false);
  });
});
