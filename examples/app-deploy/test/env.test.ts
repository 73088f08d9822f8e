import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appHost, loadEnv, stackEnv } from "../src/env.js";
import { ConfigError } from "../src/errors.js";
import { UP_ENV } from "./up-env.js";

const dir = mkdtempSync(join(tmpdir(), "app-env-"));
const caFile = UP_ENV.INGRESS_CA_FILE;

describe("env", () => {
  it("reads env files as up writes them, in order, the process environment winning", () => {
    const a = join(dir, "a.env");
    const b = join(dir, "b.env");
    writeFileSync(a, "ONE_XMLRPC='http://one:2633/RPC2'\nCEPH_URL='http://a'\n# comment\n\nQUOTED='it''s'\n");
    writeFileSync(b, "CEPH_URL=http://b\nMYSQL_ADMIN_PASSWORD='p w'\n");
    const env = loadEnv([a, "b.env"], { CEPH_URL: "http://from-process" }, dir);
    expect(env.ONE_XMLRPC).toBe("http://one:2633/RPC2");
    expect(env.CEPH_URL).toBe("http://from-process");
    expect(env.MYSQL_ADMIN_PASSWORD).toBe("p w");
  });

  it("names an env file it cannot read", () => {
    expect(() => loadEnv(["missing.env"], {}, dir)).toThrow(
      /env file .*missing\.env cannot be read \(ENOENT\)/,
    );
  });

  it("types the stack: defaults, the override, the CA", () => {
    const stack = stackEnv(UP_ENV);
    expect(stack.opennebula).toEqual({
      url: UP_ENV.ONE_XMLRPC,
      username: "oneadmin",
      password: "opennebula",
    });
    expect(stack.mysql).toEqual({
      vm: "mysql",
      template: "mysql",
      port: 3306,
      adminUser: "root",
      adminPassword: "s3cret-admin",
      hostOverride: { host: "127.0.0.1", port: 33061 },
    });
    expect(stack.ingress).toMatchObject({ host: "127.0.0.1", httpsPort: 40443, caFile });
    expect(stack.ingress.ca).toContain("BEGIN CERTIFICATE");
    const real = stackEnv({
      ...UP_ENV,
      MYSQL_HOST_OVERRIDE: "",
      INGRESS_HOST: "",
      INGRESS_HTTPS_PORT: "",
      INGRESS_CA_FILE: "",
    });
    expect(real.mysql.hostOverride).toBeUndefined();
    expect(real.ingress).toEqual({ host: undefined, httpsPort: 443, ca: undefined, caFile: undefined });
    expect(stackEnv({ ...UP_ENV, MYSQL_HOST_OVERRIDE: "db.lan" }).mysql.hostOverride).toEqual({
      host: "db.lan",
      port: 3306,
    });
    expect(stackEnv({ ...UP_ENV, MYSQL_HOST_OVERRIDE: "[::1]:4000" }).mysql.hostOverride).toEqual({
      host: "::1",
      port: 4000,
    });
  });

  it("lists every missing or malformed name in one ConfigError, without the secrets", () => {
    const { ONE_XMLRPC: _, KUBECONFIG: __, ...partial } = UP_ENV;
    const bad = {
      ...partial,
      MYSQL_PORT: "99999",
      ONE_AUTH: "no-colon-s3cret",
      INGRESS_CA_FILE: join(dir, "none.pem"),
    };
    let error: unknown;
    try {
      stackEnv(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^environment: missing ONE_XMLRPC, KUBECONFIG; ONE_AUTH is not user:password; MYSQL_PORT is not a port number; INGRESS_CA_FILE .*none\.pem cannot be read \(ENOENT\)/,
    );
    expect(message).not.toContain("s3cret");
    expect(() => stackEnv({ ...UP_ENV, MYSQL_HOST_OVERRIDE: "a:b:c" })).toThrow(
      /MYSQL_HOST_OVERRIDE is not host\[:port\]/,
    );
  });

  it("gives the app's host from <APP>_HOST or the Cloudflare zone", () => {
    const stack = stackEnv(UP_ENV);
    expect(appHost(UP_ENV, "redmine", stack)).toBe("redmine.example.com");
    expect(appHost({ ...UP_ENV, BLOG_HOST: "notes.example.org" }, "blog", stack)).toBe("notes.example.org");
    const noZone = stackEnv({ ...UP_ENV, CLOUDFLARE_ZONE: "" });
    expect(() => appHost({}, "redmine", noZone)).toThrow(/missing REDMINE_HOST \(or CLOUDFLARE_ZONE/);
    expect(() => appHost({ REDMINE_HOST: "not a host" }, "redmine", stack)).toThrow(/is not a DNS name/);
  });
});
