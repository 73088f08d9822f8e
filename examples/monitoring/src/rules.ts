/**
 * The drill's Prometheus set-up, derived from what `homelab-emulator up` wrote: its
 * `prometheus.yml` with shorter scrape and evaluation intervals, and the alert rules — the
 * community Ceph mixin's (`ceph_default_alerts.yml`, as Debian's `ceph-prometheus-alerts` installs
 * it) plus a `NodeDown` rule over node_exporter's `up`. The mixin waits 5 to 15 minutes (`for:`)
 * before most alerts fire; a drill that should end in seconds sets every `for:` to `0s`
 * (`keepFor` keeps the mixin's own). The expressions stay the mixin's.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";

interface RuleFile {
  groups: Array<{ name: string; rules: Array<Record<string, unknown> & { alert?: string; for?: string }> }>;
}

/** `NodeDown`: node_exporter of a host does not answer (the host is off, in POST, or unreachable). */
export function nodeDownRules(forDuration: string): RuleFile {
  return {
    groups: [
      {
        name: "node",
        rules: [
          {
            alert: "NodeDown",
            expr: 'up{job="node"} == 0',
            for: forDuration,
            labels: { severity: "critical" },
            annotations: {
              summary: "Host {{ $labels.instance }} is down",
              description:
                "node_exporter on {{ $labels.instance }} has not answered (the host is off or unreachable).",
            },
          },
        ],
      },
    ],
  };
}

/** The mixin's rules with every `for:` set to `forDuration` (unchanged when undefined). */
export function drillRules(mixinYaml: string, forDuration: string | undefined): RuleFile {
  const rules = parse(mixinYaml) as RuleFile;
  if (!Array.isArray(rules?.groups)) throw new Error("not a Prometheus rule file: no `groups` list");
  if (forDuration === undefined) return rules;
  return {
    groups: rules.groups.map((g) => ({
      ...g,
      rules: g.rules.map((r) => (r.for === undefined ? r : { ...r, for: forDuration })),
    })),
  };
}

export interface DrillConfig {
  /** `--config.file` for Prometheus. */
  configFile: string;
  ruleFiles: string[];
  /** Alerting rules written, by file. */
  alertCount: number;
}

/**
 * Writes `<dir>/prometheus.yml` (up's scrape jobs, `interval` for scrapes and rule evaluation)
 * and `<dir>/rules/{ceph-mixin,node}.yml`.
 */
export function writeDrillConfig(options: {
  dir: string;
  /** The `prometheus.yml` homelab-emulator up wrote. */
  upConfigFile: string;
  /** The Ceph mixin's `ceph_default_alerts.yml`. */
  mixinFile: string;
  interval: string;
  keepFor?: boolean;
  /** `host:port` of the Prometheus itself: scraped as job `prometheus` (the mixin's PrometheusJobMissing wants it). */
  selfAddress?: string;
}): DrillConfig {
  const config = parse(readFileSync(options.upConfigFile, "utf8")) as Record<string, unknown> & {
    global?: Record<string, unknown>;
  };
  const rulesDir = join(options.dir, "rules");
  mkdirSync(rulesDir, { recursive: true });
  const forDuration = options.keepFor ? undefined : "0s";
  const mixin = drillRules(readFileSync(options.mixinFile, "utf8"), forDuration);
  const node = nodeDownRules(forDuration ?? "1m");
  const ruleFiles = [join(rulesDir, "ceph-mixin.yml"), join(rulesDir, "node.yml")];
  writeFileSync(ruleFiles[0]!, stringify(mixin));
  writeFileSync(ruleFiles[1]!, stringify(node));
  const drill = {
    ...config,
    global: {
      ...config.global,
      scrape_interval: options.interval,
      scrape_timeout: options.interval,
      evaluation_interval: options.interval,
    },
    rule_files: ruleFiles,
    scrape_configs: [
      ...(options.selfAddress === undefined
        ? []
        : [{ job_name: "prometheus", static_configs: [{ targets: [options.selfAddress] }] }]),
      ...((config.scrape_configs as unknown[] | undefined) ?? []),
    ],
  };
  const configFile = join(options.dir, "prometheus.yml");
  writeFileSync(configFile, stringify(drill));
  const alertCount = [mixin, node].reduce(
    (n, f) => n + f.groups.reduce((m, g) => m + g.rules.filter((r) => r.alert !== undefined).length, 0),
    0,
  );
  return { configFile, ruleFiles, alertCount };
}
