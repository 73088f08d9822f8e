/**
 * PROMTOOL: every metrics endpoint `homelab-emulator up` (the built CLI) serves goes through the real
 * `promtool check metrics` (Debian's prometheus 2.42), and so do the prometheus.yml it writes
 * (`check config`) and the drill's rules (`check rules`).
 *
 * `check metrics` parses the exposition (exit 1 on a format error) and lints the names (exit 3).
 * The names are the real exporters': Ceph's own break the lint rules 300+ times (counters without
 * `_total`, `ceph_prioritycache:*`, `_ms`), node_exporter's `node_memory_MemTotal_bytes` is
 * camelCase — promtool lints the real exporters' expositions the same way. So an endpoint passes
 * when it parses and every lint finding is one the real exporter's own exposition also gets
 * (recorded in docs/reference/; the real mgr's duplicate HELP bug, which the emulator does not
 * copy, is dropped from the recording before it is linted). The iLO exporter lints clean.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeDrillConfig } from "../../examples/monitoring/src/rules.js";
import { rootDir } from "../../vitest.shared.js";
import { promtool, type Stack, startStack } from "./stack.js";

const REF = join(rootDir, "docs/reference");
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ powerOn: true });
});
afterAll(async () => {
  await stack?.up.stop();
});

/** A recording with repeated HELP/TYPE lines dropped (the real mgr's ceph_pool_objects_repaired bug). */
function firstHelpOnly(text: string): string {
  const seen = new Set<string>();
  return text
    .split("\n")
    .filter((line) => {
      const m = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (m === null) return true;
      if (seen.has(line.slice(0, m[0].length))) return false;
      seen.add(line.slice(0, m[0].length));
      return true;
    })
    .join("\n");
}

const findings = (lines: string[]) => new Set(lines);

async function body(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.text();
}

describe("promtool check metrics on every endpoint of homelab-emulator up", () => {
  it("the ceph-mgr module: parses; lint findings only those of the real 16.2.15 mgr's names", async () => {
    const real = promtool(
      ["check", "metrics"],
      firstHelpOnly(readFileSync(join(REF, "ceph/prometheus/healthy.prom"), "utf8")),
    );
    expect(real.code).toBe(3);
    const ours = promtool(["check", "metrics"], await body(`${stack.up.endpoints.metrics.cephMgr}/metrics`));
    expect(ours.code, ours.lines.slice(0, 5).join("\n")).not.toBe(1);
    const allowed = findings(real.lines);
    expect(ours.lines.filter((l) => !allowed.has(l))).toEqual([]);
    expect(ours.lines.length).toBeGreaterThan(300);
    // and the real recording as it is fails to parse, on the module's duplicate HELP
    const raw = promtool(
      ["check", "metrics"],
      readFileSync(join(REF, "ceph/prometheus/healthy.prom"), "utf8"),
    );
    expect(raw.code).toBe(1);
    expect(raw.lines.join(" ")).toContain('second HELP line for metric name "ceph_pool_objects_repaired"');
  });

  it("node_exporter of every host: parses; lint findings only those of node_exporter 1.5's names", async () => {
    const real = promtool(
      ["check", "metrics"],
      readFileSync(join(REF, "node-exporter/debian-1.5.0.prom"), "utf8"),
    );
    const allowed = findings(real.lines);
    for (const node of stack.up.endpoints.metrics.node) {
      const ours = promtool(["check", "metrics"], await body(`${node.url}/metrics`));
      expect({ host: node.host, code: ours.code }).toEqual({ host: node.host, code: 3 });
      expect(ours.lines.filter((l) => !allowed.has(l))).toEqual([]);
    }
  });

  it("the iLO exporter for every host: parses and lints clean", async () => {
    for (const node of stack.up.endpoints.metrics.node) {
      const ours = promtool(
        ["check", "metrics"],
        await body(`${stack.up.endpoints.metrics.iloExporter}/metrics?host=${node.host}`),
      );
      expect({ host: node.host, ...ours }).toEqual({ host: node.host, code: 0, lines: [] });
    }
  });

  it("the prometheus.yml up wrote, and the drill's config and rules, pass promtool check config/rules", () => {
    const upConfig = stack.up.endpoints.prometheusConfig;
    const checked = promtool(["check", "config", upConfig]);
    expect(checked.code, checked.lines.join("\n")).toBe(0);
    const drill = writeDrillConfig({
      dir: join(stack.up.dir, "drill"),
      upConfigFile: upConfig,
      mixinFile: join(REF, "ceph/prometheus/ceph_default_alerts.yml"),
      interval: "1s",
      selfAddress: "127.0.0.1:9090",
    });
    const config = promtool(["check", "config", drill.configFile]);
    expect(config.code, config.lines.join("\n")).toBe(0);
    const rules = promtool(["check", "rules", ...drill.ruleFiles]);
    expect(rules.code, rules.lines.join("\n")).toBe(0);
    expect(rules.lines.join(" ")).toContain("SUCCESS: 58 rules found");
  });
});
