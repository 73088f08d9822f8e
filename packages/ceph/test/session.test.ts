import { REDACTED } from "@homelab-kit/core";
import { describe, expect, it } from "vitest";
import { CephApiError } from "../src/index.js";
import { ADMIN, harness } from "./helpers.js";

function jti(token: string): string {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")).jti;
}

describe("ceph session", () => {
  it("logs in again once after a 401 (revoked token) and retries the call", async () => {
    const { ceph, emulator, calls } = harness();
    await ceph.health.minimal();
    const first = ceph.auth.token!;
    emulator.state.revoked.add(jti(first));
    await ceph.health.minimal();
    expect(ceph.auth.token).not.toBe(first);
    expect(calls).toEqual([
      "POST /api/auth",
      "GET /api/health/minimal",
      "GET /api/health/minimal",
      "POST /api/auth",
      "GET /api/health/minimal",
    ]);
  });

  it("shares one login between concurrent first calls", async () => {
    const { ceph, calls } = harness();
    await Promise.all([ceph.health.minimal(), ceph.pools.list(), ceph.osds.list(), ceph.hosts.list()]);
    expect(calls.filter((c) => c === "POST /api/auth")).toHaveLength(1);
    expect(calls).toHaveLength(5);
  });

  it("does not loop when the fresh token is refused too", async () => {
    const { ceph, emulator, calls } = harness();
    await ceph.health.minimal();
    // Every token issued before lastUpdate is refused: the re-login's token too (same second).
    emulator.state.users.get("admin")!.lastUpdate = Math.floor(Date.now() / 1000) + 60;
    const error = await ceph.health.minimal().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401 });
    expect(calls.filter((c) => c === "POST /api/auth")).toHaveLength(2);
  });

  it("logs in before the call when the token is about to expire (exp)", async () => {
    const { ceph, calls } = harness({ jwtTtl: 10 });
    await ceph.health.minimal();
    await ceph.health.minimal();
    expect(calls.filter((c) => c === "POST /api/auth")).toHaveLength(2);
    expect(calls.filter((c) => c.startsWith("GET"))).toHaveLength(2);
  });

  it("logs out (the server revokes the token) and logs in again on the next call", async () => {
    const { ceph, emulator } = harness();
    await ceph.auth.login();
    const token = ceph.auth.token!;
    await ceph.auth.logout();
    expect(ceph.auth.token).toBeUndefined();
    expect(emulator.state.revoked.has(jti(token))).toBe(true);
    expect((await ceph.auth.check(token)).login_url).toBe("#/login");
    await ceph.health.minimal();
    expect(ceph.auth.token).toBeDefined();
  });

  it("with a token and no credentials, a 401 is raised as it is", async () => {
    const other = harness();
    await other.ceph.auth.login();
    const token = other.ceph.auth.token!;
    const { ceph } = harness({}, { username: undefined, password: undefined, token });
    // A different emulator (another secret): the token is forged there.
    const error = await ceph.health.minimal().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CephApiError);
    expect(error).toMatchObject({ status: 401, detail: "You are not authorized to access that resource" });
  });

  it("raises invalid credentials without showing the password or the token", async () => {
    const { ceph } = harness({}, { password: "Wrong-Secret-9" });
    const error = await ceph.health.minimal().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: "invalid_credentials", component: "auth" });
    const text = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`;
    expect(text).not.toContain("Wrong-Secret-9");

    const ok = harness();
    await ok.ceph.auth.login();
    const token = ok.ceph.auth.token!;
    const failure = await ok.ceph.pools.get("missing").catch((e: unknown) => e);
    const rendered = `${JSON.stringify(failure)} ${(failure as Error).stack}`;
    expect(rendered).not.toContain(token);
    expect(rendered).not.toContain(ADMIN.password);
    expect((failure as CephApiError).request.headers.authorization).toBe(REDACTED);
    const check = await ok.ceph.auth.check("not.a.jwt");
    expect(check).toEqual({ login_url: "#/login", cluster_status: "POST_INSTALLED" });
  });

  it("read-only users get 403 on writes", async () => {
    const { ceph } = harness(
      { users: [{ username: "viewer", password: "View-Passw0rd", roles: ["read-only"] }] },
      { username: "viewer", password: "View-Passw0rd" },
    );
    expect((await ceph.pools.list()).length).toBe(2);
    await expect(ceph.pools.create({ pool: "x", pool_type: "replicated" })).rejects.toMatchObject({
      status: 403,
      detail: "You don't have permissions to access that resource",
    });
  });
});
