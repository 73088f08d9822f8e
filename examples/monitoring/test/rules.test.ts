/**
 * The drill's Prometheus set-up, without Prometheus: the Ceph mixin's rules (the real file of
 * Debian's ceph-prometheus-alerts) with every `for:` shortened and nothing else changed, NodeDown
 * added, up's scrape jobs kept with the drill's interval; and the printed report. The drill itself
 * runs against a real Prometheus in conformance/monitoring (bash .ci/suites/monitoring.sh).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { rootDir } from "../../../vitest.shared.js";
import { type DrillReport, formatReport } from "../src/drill.js";
import { drillRules, writeDrillConfig } from "../src/rules.js";

const MIXIN = join(rootDir, "docs/reference/ceph/prometheus/ceph_default_alerts.yml");

type Rules = { groups: Array<{ name: string; rules: Array<Record<string, unknown>> }> };

describe("monitoring drill set-up", () => {
  it("shortens every for: of the mixin and changes nothing else", () => {
    const original = parse(readFileSync(MIXIN, "utf8")) as Rules;
    const drill = drillRules(readFileSync(MIXIN, "utf8"), "0s") as Rules;
    const all = (r: Rules) => r.groups.flatMap((g) => g.rules);
    expect(all(drill)).toHaveLength(all(original).length);
    const osdDown = all(drill).find((r) => r.alert === "CephOSDDown");
    expect(osdDown).toMatchObject({ expr: 'ceph_health_detail{name="OSD_DOWN"} == 1', for: "0s" });
    all(drill).forEach((rule, i) => {
      const { for: _drillFor, ...rest } = rule;
      const { for: originalFor, ...expected } = all(original)[i]!;
      expect(rest).toEqual(expected);
      if (originalFor === undefined) expect(rule.for).toBeUndefined();
    });
    expect(drillRules(readFileSync(MIXIN, "utf8"), undefined)).toEqual(original);
    expect(() => drillRules("not: rules", "0s")).toThrow(/no `groups` list/);
  });

  it("writes prometheus.yml with up's jobs, the drill interval, a self-scrape and the rule files", () => {
    const dir = mkdtempSync(join(tmpdir(), "drill-test-"));
    const upConfig = join(dir, "up.yml");
    writeFileSync(
      upConfig,
      "global: { scrape_interval: 15s, evaluation_interval: 15s }\nrule_files: [rules/*.yml]\nscrape_configs:\n  - { job_name: ceph, static_configs: [{ targets: ['127.0.0.1:1'] }] }\n",
    );
    const setup = writeDrillConfig({
      dir,
      upConfigFile: upConfig,
      mixinFile: MIXIN,
      interval: "1s",
      selfAddress: "127.0.0.1:9",
    });
    const config = parse(readFileSync(setup.configFile, "utf8")) as {
      global: Record<string, string>;
      rule_files: string[];
      scrape_configs: Array<{ job_name: string }>;
    };
    expect(config.global).toEqual({ scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" });
    expect(config.rule_files).toEqual(setup.ruleFiles);
    expect(config.scrape_configs.map((c) => c.job_name)).toEqual(["prometheus", "ceph"]);
    const node = parse(readFileSync(setup.ruleFiles[1]!, "utf8")) as Rules;
    expect(node.groups[0]?.rules[0]).toMatchObject({
      alert: "NodeDown",
      expr: 'up{job="node"} == 0',
      for: "0s",
    });
    expect(setup.alertCount).toBe(59);
  });

  it("prints what fired and cleared, and says loudly when the drill failed", () => {
    const report: DrillReport = {
      host: "node2",
      intervalMs: 1000,
      prometheus: "http://127.0.0.1:9",
      rules: [{ name: "osd", rules: 16 }],
      baseline: [],
      fired: [
        {
          alertname: "CephOSDDown",
          labels: { alertname: "CephOSDDown", name: "OSD_DOWN" },
          seenAfterMs: 1200,
          activeAfterMs: 1100,
        },
      ],
      nodeUp: 0,
      iloPowerUp: 0,
      cleared: [
        { alertname: "CephOSDDown", labels: { alertname: "CephOSDDown" }, clearedAfterMs: undefined },
      ],
      ok: false,
    };
    const text = formatReport(report);
    expect(text).toContain(
      "CephOSDDown                  seen after 1.20 s, active after 1.10 s (1.1 evaluation intervals)",
    );
    expect(text).toContain("still firing");
    expect(text).toContain("FAILED: CephOSDDown and NodeDown");
  });
});
