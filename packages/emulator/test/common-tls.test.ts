import { afterEach, describe, expect, it } from "vitest";
import { generateSelfSignedCertificate, route, type ServedRoutes, serve } from "../src/index.js";
import { fetchRaw } from "./common-http-client.js";

const servers: ServedRoutes[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((served) => served.close()));
});

const hello = [route("GET", "/redfish/v1", () => ({ body: { Name: "Root Service" } }))];

describe("serve() over TLS", () => {
  it("self-signed: accepted with the returned ca, rejected without it", async () => {
    const served = await serve(hello, { tls: "self-signed" });
    servers.push(served);
    expect(served.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(served.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);

    const trusted = await fetchRaw(`${served.url}/redfish/v1`, { ca: served.ca as string, agent: false });
    expect(trusted.status).toBe(200);
    expect(JSON.parse(trusted.text)).toEqual({ Name: "Root Service" });

    const byName = await fetchRaw(`https://localhost:${served.port}/redfish/v1`, {
      ca: served.ca as string,
      agent: false,
    });
    expect(byName.status).toBe(200);

    await expect(fetchRaw(`${served.url}/redfish/v1`, { agent: false })).rejects.toMatchObject({
      code: "DEPTH_ZERO_SELF_SIGNED_CERT",
    });
  });

  it("each self-signed server gets its own certificate: one server's ca does not verify another", async () => {
    const first = await serve(hello, { tls: "self-signed" });
    const second = await serve(hello, { tls: "self-signed" });
    servers.push(first, second);
    expect(first.ca).not.toBe(second.ca);
    await expect(
      fetchRaw(`${second.url}/redfish/v1`, { ca: first.ca as string, agent: false }),
    ).rejects.toMatchObject({
      code: "DEPTH_ZERO_SELF_SIGNED_CERT",
    });
  });

  it("accepts a caller's key and certificate", async () => {
    const credentials = await generateSelfSignedCertificate();
    const served = await serve(hello, { tls: { key: credentials.key, cert: credentials.cert } });
    servers.push(served);
    expect(served.ca).toBe(credentials.cert);
    const res = await fetchRaw(`${served.url}/redfish/v1`, { ca: credentials.cert, agent: false });
    expect(res.status).toBe(200);
  });

  it("survives a client that speaks plain HTTP to the TLS port", async () => {
    const served = await serve(hello, { tls: "self-signed" });
    servers.push(served);
    await expect(
      fetchRaw(`http://127.0.0.1:${served.port}/redfish/v1`, { agent: false }),
    ).rejects.toBeDefined();
    const res = await fetchRaw(`${served.url}/redfish/v1`, { ca: served.ca as string, agent: false });
    expect(res.status).toBe(200);
  });
});
