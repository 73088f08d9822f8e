/** What `up` prints (a table or JSON) and the env file it writes. */
import { isAbsolute } from "node:path";
import type { EmulatorEndpoints } from "../world/emulator.js";

export function envKey(host: string): string {
  return host.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** One BMC as the env file names it: `ILO_<HOST>_URL`, `ILO_<HOST>_USERNAME`, `ILO_<HOST>_PASSWORD`. */
export interface IloEnvEndpoint {
  host: string;
  url: string;
  username: string;
  password: string;
}

/**
 * The BMCs an env file lists (`ILO_HOSTS`, then each host's URL and credentials), as `up` writes
 * them or a real stack's file does with the same names. A name that is missing or empty throws
 * `missing NAME in the environment`.
 */
export function iloEndpointsFromEnv(env: Readonly<Record<string, string | undefined>>): IloEnvEndpoint[] {
  const need = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === "")
      throw new Error(`missing ${name} in the environment (see the env file)`);
    return value;
  };
  return need("ILO_HOSTS")
    .split(",")
    .filter(Boolean)
    .map((host) => ({
      host,
      url: need(`ILO_${envKey(host)}_URL`),
      username: need(`ILO_${envKey(host)}_USERNAME`),
      password: need(`ILO_${envKey(host)}_PASSWORD`),
    }));
}

/** The scrape targets (prometheus-config.ts) as env lines: `CEPH_METRICS_URL`, `NODE_EXPORTER_<HOST>_URL`, `ILO_EXPORTER_URL`. */
export function metricsEnvLines(endpoints: EmulatorEndpoints): Array<[string, string]> {
  const m = endpoints.metrics;
  return [
    ...(m.cephMgr === undefined ? [] : [["CEPH_METRICS_URL", `${m.cephMgr}/metrics`] as [string, string]]),
    ["NODE_EXPORTER_HOSTS", m.node.map((n) => n.host).join(",")],
    ...m.node.map((n): [string, string] => [`NODE_EXPORTER_${envKey(n.host)}_URL`, `${n.url}/metrics`]),
    ["ILO_EXPORTER_URL", `${m.iloExporter}/metrics`],
  ];
}

/** The env file's variables, in order (`ILO_CA_FILE` only when there is a CA file to name). */
export function envEntries(endpoints: EmulatorEndpoints, caFile?: string): Array<[string, string]> {
  const lines: Array<[string, string]> = [
    ["EMULATOR_CONTROL_URL", endpoints.control.url],
    ["EMULATOR_TOKEN", endpoints.control.token],
  ];
  if (endpoints.ceph !== undefined) {
    lines.push(
      ["CEPH_URL", endpoints.ceph.url],
      ["CEPH_USERNAME", endpoints.ceph.username],
      ["CEPH_PASSWORD", endpoints.ceph.password],
    );
  }
  if (endpoints.opennebula !== undefined) {
    lines.push(
      ["ONE_XMLRPC", endpoints.opennebula.url],
      ["ONE_AUTH", `${endpoints.opennebula.username}:${endpoints.opennebula.password}`],
    );
  }
  lines.push(["ILO_HOSTS", endpoints.ilo.map((i) => i.host).join(",")]);
  if (caFile !== undefined) lines.push(["ILO_CA_FILE", caFile]);
  for (const ilo of endpoints.ilo) {
    const key = envKey(ilo.host);
    lines.push(
      [`ILO_${key}_URL`, ilo.url],
      [`ILO_${key}_USERNAME`, ilo.username],
      [`ILO_${key}_PASSWORD`, ilo.password],
    );
  }
  if (endpoints.cloudflare !== undefined) {
    lines.push(
      ["CLOUDFLARE_API_URL", endpoints.cloudflare.url],
      ["CLOUDFLARE_API_TOKEN", endpoints.cloudflare.token],
      ["CLOUDFLARE_ZONE", endpoints.cloudflare.zones[0] ?? ""],
    );
  }
  lines.push(...metricsEnvLines(endpoints));
  return lines;
}

/** `KEY=value` lines (values single-quoted for shells) for `source` or dotenv; `extra` comes last. */
export function envFileText(
  endpoints: EmulatorEndpoints,
  caFile: string,
  extra: ReadonlyArray<readonly [string, string]> = [],
): string {
  return `${[...envEntries(endpoints, caFile), ...extra]
    .map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`)
    .join("\n")}\n`;
}

/**
 * Reads an env file as `envFileText` writes it (`KEY='value'`, a quote in a value written `'\''`):
 * what a script in TypeScript does instead of `source`.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)='(.*)'$/.exec(line);
    if (match?.[1] !== undefined) env[match[1]] = (match[2] ?? "").replaceAll(`'\\''`, "'");
  }
  return env;
}

export function endpointsTable(
  endpoints: EmulatorEndpoints,
  envFile: string,
  extraRows: string[][] = [],
): string {
  const rows: string[][] = [["SERVICE", "URL", "USER", "PASSWORD"]];
  rows.push(["control API", endpoints.control.url, "Bearer token", endpoints.control.token]);
  if (endpoints.ceph !== undefined)
    rows.push(["Ceph dashboard", endpoints.ceph.url, endpoints.ceph.username, endpoints.ceph.password]);
  rows.push([
    "OpenNebula",
    endpoints.opennebula?.url ?? "(not in this topology)",
    endpoints.opennebula?.username ?? "",
    endpoints.opennebula?.password ?? "",
  ]);
  for (const ilo of endpoints.ilo)
    rows.push([`iLO ${ilo.host} (${ilo.generation})`, ilo.url, ilo.username, ilo.password]);
  if (endpoints.cloudflare !== undefined)
    rows.push(["Cloudflare API", endpoints.cloudflare.url, "Bearer token", endpoints.cloudflare.token]);
  rows.push(...extraRows);
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  const text = rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
  return `${text}\n\niLO certificates are self-signed: trust ILO_CA_FILE. Endpoints written to ${envFile}\n`;
}

/**
 * Where `up` wrote its run directory (env file with passwords, the iLO CA, run.json), and how to keep
 * it out of the user's repository: `git add -A` in the folder `up` ran in would commit the secrets.
 */
export function runDirNotice(runDir: string, asGiven: string): string {
  const advice = isAbsolute(asGiven) ? "" : `: add ${asGiven.replace(/\/+$/, "")}/ to your .gitignore`;
  return `homelab-emulator: run directory ${runDir} (env file with passwords, iLO CA, run.json); keep it out of version control${advice}\n`;
}
