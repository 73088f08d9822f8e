/**
 * What `up` tells Prometheus: the scrape targets (printed, and in the env file) and a ready
 * `<run-dir>/prometheus.yml` — `prometheus --config.file=<run-dir>/prometheus.yml` scrapes the
 * emulated stack as the reference stack's Prometheus VM scrapes the real one: the ceph-mgr module
 * (job `ceph`, `honor_labels` as Ceph's docs advise), node_exporter on every host (job `node`,
 * `instance` = the host name), and the iLO exporter with its target as a parameter (job `ilo`, the
 * relabelling of MauveSoftware/ilo_exporter's README). Alert rules go in `<run-dir>/rules/*.yml`.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { EmulatorEndpoints } from "../world/emulator.js";
import { writePrivate } from "./run-file.js";

export interface PrometheusConfigOptions {
  /** Default `15s` (Prometheus' own default is 1m; 15s is what most setups use). */
  scrapeInterval?: string;
  evaluationInterval?: string;
}

const hostPort = (url: string) => new URL(url).host;

/** The `prometheus.yml` text for these endpoints. */
export function prometheusConfigText(
  endpoints: EmulatorEndpoints,
  options: PrometheusConfigOptions = {},
): string {
  const m = endpoints.metrics;
  const interval = options.scrapeInterval ?? "15s";
  const config = {
    global: {
      scrape_interval: interval,
      scrape_timeout: "10s",
      evaluation_interval: options.evaluationInterval ?? interval,
    },
    rule_files: ["rules/*.yml"],
    scrape_configs: [
      ...(m.cephMgr === undefined
        ? []
        : [{ job_name: "ceph", honor_labels: true, static_configs: [{ targets: [hostPort(m.cephMgr)] }] }]),
      {
        job_name: "node",
        static_configs: m.node.map((n) => ({ targets: [hostPort(n.url)], labels: { instance: n.host } })),
      },
      {
        job_name: "ilo",
        metrics_path: "/metrics",
        static_configs: [{ targets: m.node.map((n) => n.host) }],
        relabel_configs: [
          { source_labels: ["__address__"], target_label: "__param_host" },
          { source_labels: ["__param_host"], target_label: "instance" },
          { target_label: "__address__", replacement: hostPort(m.iloExporter) },
        ],
      },
    ],
  };
  return `# Written by homelab-emulator up: prometheus --config.file=<this file> scrapes the emulated stack.\n${stringify(config)}`;
}

/** Writes `<runDir>/prometheus.yml` (and the `rules/` folder it loads); returns the file's path. */
export function writePrometheusConfig(runDir: string, endpoints: EmulatorEndpoints): string {
  const file = join(runDir, "prometheus.yml");
  mkdirSync(join(runDir, "rules"), { recursive: true, mode: 0o700 });
  writePrivate(file, prometheusConfigText(endpoints));
  return file;
}

/** What `up` prints about metrics (after the endpoints table). */
export function scrapeTargetsText(endpoints: EmulatorEndpoints, configFile: string): string {
  const m = endpoints.metrics;
  const rows: Array<[string, string]> = [
    ...(m.cephMgr === undefined
      ? []
      : [["ceph-mgr prometheus module", `${m.cephMgr}/metrics`] as [string, string]]),
    ...m.node.map((n): [string, string] => [`node_exporter ${n.host}`, `${n.url}/metrics`]),
    ["iLO exporter", `${m.iloExporter}/metrics?host=<host>`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = rows.map(([name, url]) => `  ${name.padEnd(width)}  ${url}`);
  return `\nPrometheus scrape targets (prometheus --config.file=${configFile}):\n${lines.join("\n")}\n`;
}
