/**
 * The Cloudflare API v4 emulator over HTTP (fetch against `listen()`), as cert-manager's DNS01
 * solver and a user's scripts call it: token verify, zones, DNS records, and Cloudflare's error
 * envelope for every failure. Also: the World serves it from the topology and keeps its records
 * in a snapshot.
 */
import { createCloudflareEmulator } from "@homelab-kit/emulator/cloudflare";
import { createEmulator, restoreWorld, snapshotWorld } from "@homelab-kit/emulator/world";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TOKEN = "token-for-everything-0001";
const SCOPED = "token-for-example-com-only";

interface Envelope<T = unknown> {
  success: boolean;
  errors: Array<{ code: number; message: string; error_chain?: Array<{ code: number; message: string }> }>;
  messages: unknown[];
  result: T;
  result_info?: { page: number; per_page: number; count: number; total_count: number; total_pages: number };
}

describe("Cloudflare API v4", () => {
  const cf = createCloudflareEmulator({
    zones: [{ name: "example.com" }, { name: "example.org" }],
    tokens: [
      { name: "all", value: TOKEN },
      { name: "scoped", value: SCOPED, zones: ["example.com"] },
    ],
  });
  let base = "";
  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    const served = await cf.listen();
    base = served.apiUrl;
    close = served.close;
  });
  afterAll(() => close());

  const call = async <T = unknown>(
    method: string,
    path: string,
    options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== null) headers.authorization = `Bearer ${options.token ?? TOKEN}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(options.body === undefined
        ? {}
        : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }),
    });
    return { status: res.status, body: (await res.json()) as Envelope<T> };
  };
  const zoneId = async (name: string) =>
    (await call<Array<{ id: string }>>("GET", `/zones?name=${name}`)).body.result[0]?.id ?? "";

  it("verifies a token", async () => {
    const ok = await call<{ id: string; status: string }>("GET", "/user/tokens/verify");
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ success: true, errors: [], result: { status: "active" } });
    expect(ok.body.result.id).toMatch(/^[0-9a-f]{32}$/);
    expect(ok.body.messages).toEqual([
      { code: 10000, message: "This API Token is valid and active", type: null },
    ]);
    const bad = await call("GET", "/user/tokens/verify", { token: "not-a-token-we-know" });
    expect(bad).toEqual({
      status: 401,
      body: {
        success: false,
        errors: [{ code: 1000, message: "Invalid API Token" }],
        messages: [],
        result: null,
      },
    });
  });

  it("lists and looks up zones, a scoped token seeing only its own", async () => {
    const all = await call<Array<{ name: string; status: string; account: { name: string } }>>(
      "GET",
      "/zones",
    );
    expect(all.body.result.map((z) => z.name)).toEqual(["example.com", "example.org"]);
    expect(all.body.result[0]).toMatchObject({ status: "active", account: { name: "homelab" } });
    expect(all.body.result_info).toEqual({ page: 1, per_page: 20, count: 2, total_count: 2, total_pages: 1 });
    const byName = await call<Array<{ name: string }>>("GET", "/zones?name=example.org");
    expect(byName.body.result.map((z) => z.name)).toEqual(["example.org"]);
    expect((await call<unknown[]>("GET", "/zones?name=example.net")).body.result).toEqual([]);
    const scoped = await call<Array<{ name: string }>>("GET", "/zones", { token: SCOPED });
    expect(scoped.body.result.map((z) => z.name)).toEqual(["example.com"]);
    const id = await zoneId("example.com");
    expect((await call<{ name: string }>("GET", `/zones/${id}`)).body.result.name).toBe("example.com");
    const hidden = await zoneId("example.org");
    const refused = await call("GET", `/zones/${hidden}/dns_records`, { token: SCOPED });
    expect(refused.status).toBe(403);
    expect(refused.body.errors).toEqual([
      { code: 9109, message: "Unauthorized to access requested resource" },
    ]);
  });

  it("creates, lists, reads and deletes DNS records", async () => {
    const id = await zoneId("example.com");
    type Rec = { id: string; zone_id: string; name: string; type: string; content: string; ttl: number };
    const created = await call<Rec>("POST", `/zones/${id}/dns_records`, {
      body: { type: "TXT", name: "_acme-challenge.redmine.example.com", content: "abc", ttl: 120 },
    });
    expect(created.status).toBe(200);
    expect(created.body.result).toMatchObject({
      zone_id: id,
      name: "_acme-challenge.redmine.example.com",
      type: "TXT",
      content: "abc",
      ttl: 120,
    });
    expect(cf.state.resolveTxt("_acme-challenge.redmine.example.com.")).toEqual(["abc"]);
    // A relative name is in the zone; "@" is the apex.
    const relative = await call<Rec>("POST", `/zones/${id}/dns_records`, {
      body: { type: "A", name: "www", content: "192.168.1.240" },
    });
    expect(relative.body.result).toMatchObject({ name: "www.example.com", ttl: 1 });
    const apex = await call<Rec>("POST", `/zones/${id}/dns_records`, {
      body: { type: "TXT", name: "@", content: "v=spf1 -all" },
    });
    expect(apex.body.result.name).toBe("example.com");

    const txt = await call<Rec[]>(
      "GET",
      `/zones/${id}/dns_records?per_page=100&type=TXT&name=_acme-challenge.redmine.example.com`,
    );
    expect(txt.body.result.map((r) => r.content)).toEqual(["abc"]);
    expect(txt.body.result_info).toMatchObject({ per_page: 100, count: 1, total_count: 1 });
    expect((await call<Rec[]>("GET", `/zones/${id}/dns_records`)).body.result).toHaveLength(3);
    const one = await call<Rec>("GET", `/zones/${id}/dns_records/${created.body.result.id}`);
    expect(one.body.result.content).toBe("abc");

    const deleted = await call<{ id: string }>(
      "DELETE",
      `/zones/${id}/dns_records/${created.body.result.id}`,
    );
    expect(deleted.body).toMatchObject({ success: true, result: { id: created.body.result.id } });
    expect(cf.state.resolveTxt("_acme-challenge.redmine.example.com")).toEqual([]);
    const again = await call("DELETE", `/zones/${id}/dns_records/${created.body.result.id}`);
    expect(again.status).toBe(404);
    expect(again.body.errors).toEqual([{ code: 81044, message: "Record does not exist." }]);
  });

  it("answers every failure in Cloudflare's envelope with its codes", async () => {
    const id = await zoneId("example.com");
    const none = await call("GET", "/zones", { token: null });
    expect(none.status).toBe(400);
    expect(none.body).toEqual({
      success: false,
      errors: [{ code: 9106, message: "Missing X-Auth-Key, X-Auth-Email or Authorization headers" }],
      messages: [],
      result: null,
    });
    const malformed = await call("GET", "/zones", { token: null, headers: { authorization: "Token abc" } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([
      {
        code: 6003,
        message: "Invalid request headers",
        error_chain: [{ code: 6111, message: "Invalid format for Authorization header" }],
      },
    ]);
    const unknown = await call("GET", "/zones", { token: "who-is-this-token" });
    expect(unknown.status).toBe(403);
    expect(unknown.body.errors).toEqual([{ code: 9109, message: "Invalid access token" }]);
    const key = await call("GET", "/zones", {
      token: null,
      headers: { "x-auth-key": "k", "x-auth-email": "a@b.c" },
    });
    expect(key.body.errors[0]?.code).toBe(9103);

    const badZone = await call("GET", "/zones/not-an-id/dns_records");
    expect(badZone.status).toBe(400);
    expect(badZone.body.errors[0]).toMatchObject({ code: 7003, error_chain: [{ code: 7000 }] });
    const route = await call("GET", "/accounts/x/workers");
    expect(route.status).toBe(404);
    expect(route.body.errors).toEqual([{ code: 7000, message: "No route for that URI" }]);

    const post = (body: unknown) => call("POST", `/zones/${id}/dns_records`, { body });
    expect((await post("{not json")).body.errors[0]?.code).toBe(9207);
    expect((await post([1])).body.errors[0]?.code).toBe(9207);
    expect((await post({ type: "BOGUS", name: "x", content: "y" })).body.errors[0]).toEqual({
      code: 9020,
      message: "Invalid DNS record type",
    });
    expect((await post({ type: "A", name: "x", content: "not-an-ip" })).body.errors[0]?.code).toBe(9005);
    expect((await post({ type: "TXT", name: "x", content: "y", ttl: 5 })).body.errors[0]?.code).toBe(9021);
    expect((await post({ type: "TXT", name: "bad name!", content: "y" })).body.errors[0]?.code).toBe(9000);
    expect((await post({ type: "TXT", name: "dup", content: "same" })).status).toBe(200);
    const dup = await post({ type: "TXT", name: "dup", content: "same" });
    expect(dup.status).toBe(400);
    expect(dup.body.errors[0]).toEqual({ code: 81058, message: "An identical record already exists." });
    expect((await post({ type: "CNAME", name: "www", content: "example.org" })).body.errors[0]?.code).toBe(
      81053,
    );
  });
});

describe("Cloudflare in the World", () => {
  const topology = {
    hosts: [{ name: "h1", memoryGiB: 8 }],
    cloudflare: {
      zones: [{ name: "example.com" }],
      tokens: [{ name: "ci", value: "emulator-token-abcdefgh" }],
    },
  };

  it("is served by listen() with its token in the endpoints, and its records are kept in a snapshot", async () => {
    const emulator = createEmulator({ topology });
    const endpoints = await emulator.listen();
    try {
      expect(endpoints.cloudflare).toMatchObject({
        token: "emulator-token-abcdefgh",
        zones: ["example.com"],
      });
      const url = endpoints.cloudflare?.url ?? "";
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/client\/v4$/);
      const auth = { authorization: `Bearer ${endpoints.cloudflare?.token}` };
      const zones = (await (await fetch(`${url}/zones`, { headers: auth })).json()) as Envelope<
        Array<{ id: string }>
      >;
      const res = await fetch(`${url}/zones/${zones.result[0]?.id}/dns_records`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ type: "A", name: "blog", content: "192.168.1.241" }),
      });
      expect(res.status).toBe(200);
      const health = (await (await fetch(`${endpoints.control.url}/_emulator/health`)).json()) as {
        services: Record<string, unknown>;
      };
      expect(health.services.cloudflare).toBe("running");
    } finally {
      await emulator.close();
    }
    const snapshot = JSON.parse(JSON.stringify(snapshotWorld(emulator.world)));
    const restored = createEmulator({ topology });
    restoreWorld(restored.world, snapshot);
    const records = [...(restored.world.cloudflare?.records.values() ?? [])];
    expect(records.map((r) => [r.name, r.type, r.content])).toEqual([
      ["blog.example.com", "A", "192.168.1.241"],
    ]);
  });

  it("takes fault rules like the other APIs", async () => {
    const emulator = createEmulator({ topology });
    emulator.faults.add({ api: "cloudflare", operation: "GET /client/v4/zones", status: 503, count: 1 });
    const transport = emulator.cloudflare?.transport();
    if (!transport) throw new Error("no Cloudflare");
    const get = () =>
      transport({
        method: "GET",
        url: "http://cf.test/client/v4/zones",
        headers: { authorization: "Bearer emulator-token-abcdefgh" },
      });
    expect((await get()).status).toBe(503);
    expect((await get()).status).toBe(200);
  });

  it("refuses a topology whose tokens or issuers name what does not exist", () => {
    expect(() =>
      createEmulator({
        topology: {
          ...topology,
          cloudflare: {
            zones: [{ name: "example.com" }],
            tokens: [{ name: "t", value: "0123456789abcdefgh", zones: ["example.net"] }],
          },
          kubernetes: {
            metallb: { pools: [{ name: "lan", addresses: ["10.0.0.300/24"] }] },
            certManager: {
              clusterIssuers: [{ name: "le", email: "a@example.com", cloudflareToken: "nope" }],
            },
          },
        },
      }),
    ).toThrow(
      /metallb\.pools\[0\]\.addresses\[0\]: "10\.0\.0\.300" is not an IPv4 address[\s\S]*cloudflareToken: unknown Cloudflare token "nope"[\s\S]*cloudflare\.tokens\[0\]\.zones\[0\]: unknown Cloudflare zone "example\.net"/,
    );
  });
});
