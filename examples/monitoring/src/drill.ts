/**
 * The power-off drill: a real Prometheus scrapes the stack (`up`'s prometheus.yml, a short
 * interval) with the Ceph mixin's rules and NodeDown loaded; every host is powered on through its
 * iLO and the alerts settle; then one host is powered off through its iLO, and the drill records
 * which alerts fire and how long after the power-off (CephOSDDown and NodeDown for that host are
 * expected), powers it on again and records when they clear.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createIloClient, type IloClient } from "@homelab-kit/ilo";
import { freePort, type PrometheusAlert, type RunningPrometheus, startPrometheus } from "./prometheus.js";
import { writeDrillConfig } from "./rules.js";

export interface IloEndpoint {
  host: string;
  url: string;
  username: string;
  password: string;
}

export interface DrillOptions {
  ilo: IloEndpoint[];
  /** PEM the iLO certificates chain to. */
  iloCa?: string | undefined;
  /** The `prometheus.yml` homelab-emulator up wrote (its scrape jobs are used as they are). */
  upConfigFile: string;
  /** The Ceph mixin's `ceph_default_alerts.yml`. */
  mixinFile: string;
  /** The host to power off (default: the second one). */
  host?: string;
  /** Scrape and evaluation interval (default `1s`). */
  interval?: string;
  /** Keep the mixin's `for:` durations (the drill then takes 5 minutes and more). */
  keepFor?: boolean;
  prometheusBinary?: string;
  /** How long each phase may take (default 120 s). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface FiredAlert {
  alertname: string;
  labels: Record<string, string>;
  /** From the power-off request until the drill saw it firing. */
  seenAfterMs: number;
  /** From the power-off request until Prometheus made it active (its `activeAt`). */
  activeAfterMs: number | undefined;
}

export interface DrillReport {
  host: string;
  intervalMs: number;
  prometheus: string;
  rules: Array<{ name: string; rules: number }>;
  /** Alerts already firing with every host on (not caused by the drill). */
  baseline: string[];
  fired: FiredAlert[];
  /** `up{job="node",instance=<host>}` while the host was off. */
  nodeUp: number | undefined;
  /** `ilo_power_up{instance=<host>}` while the host was off (the iLO still answers). */
  iloPowerUp: number | undefined;
  /** Alerts that fired, with when they cleared after the power-on request (undefined: still firing). */
  cleared: Array<{ alertname: string; labels: Record<string, string>; clearedAfterMs: number | undefined }>;
  /** The two alerts the drill is about fired and cleared. */
  ok: boolean;
}

const EXPECTED = ["CephOSDDown", "NodeDown"];

function seconds(interval: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(interval);
  if (m === null) throw new Error(`interval "${interval}": expected e.g. 1s, 500ms, 1m`);
  const n = Number(m[1]);
  return m[2] === "ms" ? n / 1000 : m[2] === "m" ? n * 60 : n;
}

const key = (a: { labels: Record<string, string> }) =>
  `${a.labels.alertname}${JSON.stringify(Object.entries(a.labels).sort())}`;

async function poll<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`drill: ${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Alerts about `host`: NodeDown carries `instance=<host>`, Ceph's carry no host label. */
function isExpected(alert: PrometheusAlert, host: string): boolean {
  const name = alert.labels.alertname ?? "";
  if (name === "NodeDown") return alert.labels.instance === host;
  return EXPECTED.includes(name);
}

export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const log = options.log ?? (() => {});
  const interval = options.interval ?? "1s";
  const intervalMs = seconds(interval) * 1000;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const host = options.host ?? options.ilo[1]?.host ?? options.ilo[0]?.host;
  if (host === undefined) throw new Error("drill: no iLO endpoints");
  const target = options.ilo.find((i) => i.host === host);
  if (target === undefined)
    throw new Error(`drill: no iLO for host "${host}" (${options.ilo.map((i) => i.host).join(", ")})`);
  const clients = new Map<string, IloClient>(
    options.ilo.map((i) => [
      i.host,
      createIloClient({
        baseUrl: i.url,
        username: i.username,
        password: i.password,
        ...(options.iloCa === undefined ? {} : { tls: { ca: options.iloCa } }),
      }),
    ]),
  );
  const ilo = (name: string) => clients.get(name)!;
  const port = await freePort();
  const setup = writeDrillConfig({
    selfAddress: `127.0.0.1:${port}`,
    dir: mkdtempSync(join(tmpdir(), "monitoring-drill-")),
    upConfigFile: options.upConfigFile,
    mixinFile: options.mixinFile,
    interval,
    ...(options.keepFor === undefined ? {} : { keepFor: options.keepFor }),
  });
  let prometheus: RunningPrometheus | undefined;
  try {
    prometheus = await startPrometheus({
      configFile: setup.configFile,
      port,
      ...(options.prometheusBinary === undefined ? {} : { binary: options.prometheusBinary }),
    });
    const prom = prometheus;
    const rules = await prom.ruleGroups();
    log(
      `Prometheus ${prom.url}: ${rules.reduce((n, g) => n + g.rules, 0)} alerting rules in ${rules.length} groups, every ${interval}`,
    );

    for (const i of options.ilo) {
      if ((await ilo(i.host).power.get()) !== "On") {
        log(`powering ${i.host} on`);
        await ilo(i.host).power.on();
      }
    }
    const hosts = options.ilo.length;
    await poll("every host up, Ceph HEALTH_OK, no CephOSDDown/NodeDown", timeoutMs, async () => {
      const up = await prom.query('up{job="node"} == 1');
      const ok = await prom.query("ceph_health_status == 0");
      const firing = (await prom.alerts()).filter(
        (a) => a.state !== "inactive" && EXPECTED.includes(a.labels.alertname ?? ""),
      );
      return up.length === hosts && ok.length === 1 && firing.length === 0 ? true : undefined;
    });
    // rules evaluated before the first scrapes (absent(up{job="ceph"})) clear in the next rounds
    await new Promise((r) => setTimeout(r, 2 * intervalMs + 200));
    const baseline = new Set((await prom.alerts()).filter((a) => a.state === "firing").map(key));
    log(
      `stack up; ${baseline.size} alert(s) firing before the drill${baseline.size ? `: ${[...baseline].join(", ")}` : ""}`,
    );

    log(`powering ${host} off through its iLO`);
    const offAt = Date.now();
    await ilo(host).power.off();
    const firstSeen = new Map<string, number>();
    await poll(`CephOSDDown and NodeDown{instance="${host}"} firing`, timeoutMs, async () => {
      const firing = (await prom.alerts()).filter((a) => a.state === "firing");
      for (const a of firing) if (!firstSeen.has(key(a))) firstSeen.set(key(a), Date.now() - offAt);
      const names = new Set(firing.filter((a) => isExpected(a, host)).map((a) => a.labels.alertname));
      return EXPECTED.every((n) => names.has(n)) ? true : undefined;
    });
    // let the rest of what the power-off causes show up: two more rounds
    await new Promise((r) => setTimeout(r, 2 * intervalMs + 200));
    const firingNow = (await prom.alerts()).filter((a) => a.state === "firing" && !baseline.has(key(a)));
    const fired: FiredAlert[] = firingNow.map((a) => ({
      alertname: a.labels.alertname ?? "",
      labels: a.labels,
      seenAfterMs: firstSeen.get(key(a)) ?? Date.now() - offAt,
      activeAfterMs: a.activeAt === undefined ? undefined : Math.max(0, Date.parse(a.activeAt) - offAt),
    }));
    const nodeUp = (await prom.query(`up{job="node",instance="${host}"}`))[0]?.value;
    const iloPowerUp = (await prom.query(`ilo_power_up{instance="${host}"}`))[0]?.value;
    log(`${fired.length} alert(s) fired: ${fired.map((f) => f.alertname).join(", ")}`);

    log(`powering ${host} on again`);
    const onAt = Date.now();
    await ilo(host).power.on();
    const clearedAt = new Map<string, number>();
    const pending = new Set(fired.map((f) => key({ labels: f.labels })));
    await poll(`CephOSDDown and NodeDown{instance="${host}"} cleared`, timeoutMs, async () => {
      const active = new Set((await prom.alerts()).filter((a) => a.state !== "inactive").map(key));
      for (const k of pending) if (!active.has(k) && !clearedAt.has(k)) clearedAt.set(k, Date.now() - onAt);
      const expectedLeft = fired.filter(
        (f) => isExpected({ labels: f.labels, state: "firing" }, host) && !clearedAt.has(key(f)),
      );
      return expectedLeft.length === 0 ? true : undefined;
    });
    // the rest (Ceph's health, PGs) may take a few more rounds
    await poll("the other fired alerts cleared", Math.min(timeoutMs, 20 * intervalMs + 5_000), async () => {
      const active = new Set((await prom.alerts()).filter((a) => a.state !== "inactive").map(key));
      for (const k of pending) if (!active.has(k) && !clearedAt.has(k)) clearedAt.set(k, Date.now() - onAt);
      return clearedAt.size === pending.size ? true : undefined;
    }).catch(() => undefined);
    const cleared = fired.map((f) => ({
      alertname: f.alertname,
      labels: f.labels,
      clearedAfterMs: clearedAt.get(key(f)),
    }));
    const expectedFired = EXPECTED.every((n) =>
      fired.some((f) => f.alertname === n && isExpected({ labels: f.labels, state: "firing" }, host)),
    );
    const expectedCleared = cleared
      .filter((c) => isExpected({ labels: c.labels, state: "firing" }, host))
      .every((c) => c.clearedAfterMs !== undefined);
    return {
      host,
      intervalMs,
      prometheus: prom.url,
      rules,
      baseline: [...baseline],
      fired,
      nodeUp,
      iloPowerUp,
      cleared,
      ok: expectedFired && expectedCleared && nodeUp === 0,
    };
  } finally {
    await prometheus?.stop();
    await Promise.all([...clients.values()].map((c) => c.close()));
  }
}

/** The labels that tell two alerts of one rule apart (the host, the pool). */
function labelText(labels: Record<string, string>): string {
  const shown = ["instance", "name", "ceph_daemon"].filter(
    (k) => labels[k] !== undefined && !labels[k]?.includes(":"),
  );
  return shown.map((k) => `  ${k}=${labels[k]}`).join("");
}

/** The report as the example prints it. */
export function formatReport(report: DrillReport): string {
  const s = (ms: number | undefined) => (ms === undefined ? "—" : `${(ms / 1000).toFixed(2)} s`);
  const evals = (ms: number | undefined) =>
    ms === undefined ? "" : ` (${(ms / report.intervalMs).toFixed(1)} evaluation intervals)`;
  const lines = [
    `Power-off drill on ${report.host}, Prometheus scraping and evaluating every ${report.intervalMs / 1000} s`,
    `  rules loaded: ${report.rules.map((g) => `${g.name} (${g.rules})`).join(", ")}`,
    `  while ${report.host} was off: up{job="node",instance="${report.host}"} = ${report.nodeUp ?? "—"}, ilo_power_up = ${report.iloPowerUp ?? "—"}`,
    "  fired (after the power-off):",
    ...report.fired
      .sort((a, b) => a.seenAfterMs - b.seenAfterMs)
      .map(
        (f) =>
          `    ${f.alertname.padEnd(28)} seen after ${s(f.seenAfterMs)}, active after ${s(f.activeAfterMs)}${evals(f.activeAfterMs)}${labelText(f.labels)}`,
      ),
    "  cleared (after the power-on, which includes the host's POST):",
    ...report.cleared.map(
      (c) =>
        `    ${c.alertname.padEnd(28)} ${c.clearedAfterMs === undefined ? "still firing" : `after ${s(c.clearedAfterMs)}`}`,
    ),
    report.ok
      ? `  OK: CephOSDDown and NodeDown fired and cleared`
      : `  FAILED: CephOSDDown and NodeDown{instance="${report.host}"} did not both fire and clear`,
  ];
  return lines.join("\n");
}
