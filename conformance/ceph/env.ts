/** Where the real Ceph started by scripts/ceph/start.sh listens (its `$CEPH_DIR/env` file). */
import { readFileSync } from "node:fs";

export interface RealCeph {
  url: string;
  username: string;
  password: string;
}

function envFile(): Record<string, string> {
  const dir = process.env.CEPH_DIR ?? "/tmp/homelab-kit-ceph";
  const values: Record<string, string> = {};
  for (const line of readFileSync(`${dir}/env`, "utf8").split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) values[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return values;
}

/**
 * The mgr's prometheus module (start.sh with CEPH_PROMETHEUS_PORT) and the cluster's ceph.conf
 * (for the `ceph` CLI); undefined when the module was not enabled.
 */
export function realCephMetrics(): { url: string; conf: string; dir: string } | undefined {
  const values = envFile();
  const url = values.CEPH_PROMETHEUS_URL;
  const conf = values.CEPH_CONF;
  if (!url || !conf) return undefined;
  return { url, conf, dir: process.env.CEPH_DIR ?? "/tmp/homelab-kit-ceph" };
}

export function realCeph(): RealCeph {
  const dir = process.env.CEPH_DIR ?? "/tmp/homelab-kit-ceph";
  const values = envFile();
  const url = process.env.CEPH_URL ?? values.CEPH_URL;
  const username = process.env.CEPH_USER ?? values.CEPH_USER;
  const password = process.env.CEPH_PASSWORD ?? values.CEPH_PASSWORD;
  if (!url || !username || !password) throw new Error(`no real Ceph: run scripts/ceph/start.sh (${dir}/env)`);
  return { url, username, password };
}
