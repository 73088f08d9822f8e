/**
 * DRILL: a real Prometheus (Debian's 2.42) scrapes `homelab-emulator up` with the prometheus.yml
 * it wrote (interval 1 s), the community Ceph mixin's rules (Debian's ceph-prometheus-alerts of
 * 16.2.15, every `for:` set to 0 s) and NodeDown loaded. Powering node2 off through its iLO makes
 * CephOSDDown and NodeDown{instance="node2"} fire — within one scrape plus one evaluation interval
 * (the target's next scrape, then its rule group's next evaluation) — and `up` of node2's
 * node_exporter read 0; after power-on (and POST) they clear.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatReport, runDrill } from "../../examples/monitoring/src/drill.js";
import { rootDir } from "../../vitest.shared.js";
import { type Stack, startStack } from "./stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ powerOn: false });
});
afterAll(async () => {
  await stack?.up.stop();
});

describe("power-off drill with a real Prometheus and the Ceph mixin's rules", () => {
  it("CephOSDDown and NodeDown fire within a scrape plus an evaluation interval, and clear after power-on", async () => {
    const report = await runDrill({
      ilo: stack.up.endpoints.ilo,
      iloCa: stack.iloCa,
      upConfigFile: stack.up.endpoints.prometheusConfig,
      mixinFile: join(rootDir, "docs/reference/ceph/prometheus/ceph_default_alerts.yml"),
      host: "node2",
      interval: "1s",
      log: (line) => console.log(line),
    });
    console.log(formatReport(report));
    expect(report.rules.reduce((n, g) => n + g.rules, 0)).toBe(59);
    expect(report.nodeUp).toBe(0);
    expect(report.iloPowerUp).toBe(0);
    const fired = (name: string) => report.fired.find((f) => f.alertname === name);
    const bound = 2 * report.intervalMs + 250;
    for (const name of ["CephOSDDown", "NodeDown"]) {
      expect(fired(name), `${name} fired`).toBeDefined();
      expect(fired(name)?.activeAfterMs ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(bound);
    }
    expect(fired("NodeDown")?.labels.instance).toBe("node2");
    expect(report.cleared.filter((c) => c.clearedAfterMs === undefined)).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
