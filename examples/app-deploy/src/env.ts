/**
 * Where the stack is, from environment variables with the names `homelab-emulator up` writes to
 * its env file (packages/emulator/README.md, "The whole private cloud"), plus the MySQL names the
 * examples add (examples/redmine/README.md, "Environment"). A real stack sets the same names.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { registerSecret } from "@homelab-kit/core";
import { ConfigError } from "./errors.js";

export type Env = Record<string, string | undefined>;

export interface StackEnv {
  opennebula: { url: string; username: string; password: string };
  ceph: { url: string; username: string; password: string; ca: string | undefined };
  /** Path of the kubeconfig (cluster-admin or enough to manage the app's namespace). */
  kubeconfig: string;
  storageClass: string;
  ingressClass: string;
  clusterIssuer: string;
  /** Where this script reaches the ingress controller from (not what pods or the Ingress status show). */
  ingress: {
    host: string | undefined;
    httpsPort: number;
    ca: string | undefined;
    caFile: string | undefined;
  };
  /** The public DNS zone (the default app host is `<app>.<zone>`). */
  zone: string | undefined;
  mysql: MysqlEnv;
}

export interface MysqlEnv {
  /** The MySQL VM's name in OpenNebula, and the template it is made from when absent. */
  vm: string;
  template: string;
  /** The port MySQL listens on inside the VM (what the pods use). */
  port: number;
  adminUser: string;
  adminPassword: string;
  /** Where this script connects instead of `<VM address>:<port>` (a tunnel, NAT, the emulator's local server). */
  hostOverride: { host: string; port: number } | undefined;
}

/**
 * Reads env files as `homelab-emulator up` writes them (`KEY='value'` lines; `KEY=value` too), in
 * order; a name set in `base` (the process environment) wins over the files, as with
 * `node --env-file`. Relative paths are taken from `cwd`.
 */
export function loadEnv(files: readonly string[], base: Env = process.env, cwd = process.cwd()): Env {
  const merged: Env = {};
  for (const file of files) {
    const path = resolve(cwd, file);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new ConfigError(`env file ${path} cannot be read (${code ?? String(error)})`);
    }
    Object.assign(merged, parseEnv(text));
  }
  for (const [name, value] of Object.entries(base)) if (value !== undefined) merged[name] = value;
  return merged;
}

const REQUIRED = [
  "ONE_XMLRPC",
  "ONE_AUTH",
  "CEPH_URL",
  "CEPH_USERNAME",
  "CEPH_PASSWORD",
  "KUBECONFIG",
  "STORAGE_CLASS",
  "CERT_MANAGER_CLUSTER_ISSUER",
  "MYSQL_ADMIN_PASSWORD",
] as const;

/** Checks and types the environment; every missing or malformed name is listed in one ConfigError. */
export function stackEnv(env: Env): StackEnv {
  const problems: string[] = [];
  const missing = REQUIRED.filter((name) => (env[name] ?? "") === "");
  if (missing.length > 0) problems.push(`missing ${missing.join(", ")}`);
  const value = (name: string) => env[name] ?? "";
  const optional = (name: string) => (env[name] === undefined || env[name] === "" ? undefined : env[name]);

  const auth = value("ONE_AUTH");
  const colon = auth.indexOf(":");
  if (auth !== "" && colon <= 0) problems.push("ONE_AUTH is not user:password");
  const port = (name: string, fallback: number) => {
    const text = optional(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 65_535) {
      problems.push(`${name} is not a port number`);
      return fallback;
    }
    return n;
  };
  const httpsPort = port("INGRESS_HTTPS_PORT", 443);
  const mysqlPort = port("MYSQL_PORT", 3306);
  const override = optional("MYSQL_HOST_OVERRIDE");
  let hostOverride: MysqlEnv["hostOverride"];
  if (override !== undefined) {
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(override);
    const overridePort = Number(match?.[2] ?? 3306);
    if (match?.[1] === undefined || overridePort < 1 || overridePort > 65_535)
      problems.push("MYSQL_HOST_OVERRIDE is not host[:port]");
    else hostOverride = { host: match[1].replace(/^\[|\]$/g, ""), port: overridePort };
  }
  const readPem = (name: string) => {
    const file = optional(name);
    if (file === undefined) return undefined;
    try {
      return readFileSync(file, "utf8");
    } catch (error) {
      problems.push(`${name} ${file} cannot be read (${(error as { code?: string }).code ?? String(error)})`);
      return undefined;
    }
  };
  const ingressCa = readPem("INGRESS_CA_FILE");
  const cephCa = readPem("CEPH_CA_FILE");
  if (problems.length > 0)
    throw new ConfigError(
      `environment: ${problems.join("; ")} (pass --env-file: \`homelab-emulator up\` writes .homelab-emulator/env, scripts/mariadb/start.sh the MYSQL_* names)`,
    );
  const adminPassword = value("MYSQL_ADMIN_PASSWORD");
  registerSecret(adminPassword);
  registerSecret(value("CEPH_PASSWORD"));
  registerSecret(auth.slice(colon + 1));
  return {
    opennebula: { url: value("ONE_XMLRPC"), username: auth.slice(0, colon), password: auth.slice(colon + 1) },
    ceph: {
      url: value("CEPH_URL"),
      username: value("CEPH_USERNAME"),
      password: value("CEPH_PASSWORD"),
      ca: cephCa,
    },
    kubeconfig: value("KUBECONFIG"),
    storageClass: value("STORAGE_CLASS"),
    ingressClass: optional("INGRESS_CLASS") ?? "nginx",
    clusterIssuer: value("CERT_MANAGER_CLUSTER_ISSUER"),
    ingress: {
      host: optional("INGRESS_HOST"),
      httpsPort,
      ca: ingressCa,
      caFile: optional("INGRESS_CA_FILE"),
    },
    zone: optional("CLOUDFLARE_ZONE"),
    mysql: {
      vm: optional("MYSQL_VM") ?? "mysql",
      template: optional("MYSQL_TEMPLATE") ?? "mysql",
      port: mysqlPort,
      adminUser: optional("MYSQL_ADMIN_USER") ?? "root",
      adminPassword,
      hostOverride,
    },
  };
}

/** The app's public host name: `<PREFIX>_HOST`, else `<app>.<CLOUDFLARE_ZONE>`. */
export function appHost(env: Env, app: string, stack: StackEnv): string {
  const name = `${app.toUpperCase()}_HOST`;
  const host = env[name] || (stack.zone === undefined ? undefined : `${app}.${stack.zone}`);
  if (host === undefined)
    throw new ConfigError(`environment: missing ${name} (or CLOUDFLARE_ZONE for ${app}.<zone>)`);
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(host))
    throw new ConfigError(`environment: ${name} "${host}" is not a DNS name`);
  return host;
}
