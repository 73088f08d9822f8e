/**
 * `homelab-emulator up` and Prometheus: it prints the scrape targets, writes them to the env file
 * and a ready `<run-dir>/prometheus.yml`, and every target answers over a real socket as its
 * exporter would (node_exporter of a host that is off: no answer).
 */
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main, parseCli, UsageError } from "@homelab-kit/emulator/cli";
import { parseExposition, sampleValue } from "@homelab-kit/emulator/metrics";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { captureIo, until } from "./cli-helpers.js";

interface ScrapeConfig {
  job_name: string;
  honor_labels?: boolean;
  metrics_path?: string;
  static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>;
  relabel_configs?: Array<Record<string, unknown>>;
}

describe("homelab-emulator up: Prometheus scrape targets", () => {
  it("prints the targets, writes prometheus.yml and the env file; every target answers as its exporter", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-prom-"));
    const { io, out, ctrlC } = captureIo(dir);
    const exit = main(["up", "--no-kubernetes", "--run-dir", "run"], io);
    const printed = await until(() =>
      out.some((t) => t.includes("scrape targets")) ? out.join("") : undefined,
    );
    expect(printed).toMatch(/ceph-mgr prometheus module {2}http:\/\/127\.0\.0\.1:\d+\/metrics/);
    expect(printed).toMatch(/node_exporter node3 +http:\/\/127\.0\.0\.1:\d+\/metrics/);
    expect(printed).toContain(`prometheus --config.file=${join(dir, "run", "prometheus.yml")}`);

    const file = join(dir, "run", "prometheus.yml");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "run", "rules")).isDirectory()).toBe(true);
    const config = parse(readFileSync(file, "utf8")) as {
      global: Record<string, string>;
      rule_files: string[];
      scrape_configs: ScrapeConfig[];
    };
    expect(config.rule_files).toEqual(["rules/*.yml"]);
    expect(config.scrape_configs.map((c) => c.job_name)).toEqual(["ceph", "node", "ilo"]);
    const [ceph, node, ilo] = config.scrape_configs as [ScrapeConfig, ScrapeConfig, ScrapeConfig];
    expect(ceph.honor_labels).toBe(true);
    expect(node.static_configs.map((s) => s.labels?.instance)).toEqual(["node1", "node2", "node3"]);
    expect(ilo.static_configs[0]?.targets).toEqual(["node1", "node2", "node3"]);

    const env = readFileSync(join(dir, "run", "env"), "utf8");
    const cephUrl = `http://${ceph.static_configs[0]?.targets[0]}/metrics`;
    expect(env).toContain(`CEPH_METRICS_URL='${cephUrl}'`);
    const cephRes = await fetch(cephUrl);
    expect(cephRes.headers.get("server")).toBe("Ceph-Prometheus");
    // the reference stack starts switched off: every OSD down
    const cephMetrics = parseExposition(await cephRes.text());
    expect(cephMetrics.get("ceph_osd_up")?.samples.map((s) => s.value)).toEqual([0, 0, 0, 0, 0, 0]);

    for (const target of node.static_configs)
      await expect(fetch(`http://${target.targets[0]}/metrics`)).rejects.toThrow();
    const exporter = ilo.relabel_configs?.find((r) => r.target_label === "__address__")?.replacement;
    const iloRes = await fetch(`http://${exporter}/metrics?host=node2`);
    expect(sampleValue(parseExposition(await iloRes.text()), "ilo_power_up", { host: "node2" })).toBe(0);

    ctrlC();
    expect(await exit).toBe(0);
  });

  it("--metrics-port takes a port number", () => {
    expect(parseCli(["up", "--metrics-port", "19283"])).toMatchObject({ metricsPort: 19283 });
    expect(parseCli(["up"])).toMatchObject({ metricsPort: 0 });
    expect(() => parseCli(["up", "--metrics-port", "x"])).toThrow(UsageError);
    expect(() => parseCli(["up", "--metrics-port", "70000"])).toThrow(
      /--metrics-port: expected a port number/,
    );
  });
});
