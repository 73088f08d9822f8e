/**
 * serve() refuses what a web page could forge against a loopback emulator (browser-guard.ts): a
 * rebound DNS name in Host, a cross-origin Origin, form and text/plain bodies, a body of another
 * type than the route declares — and accepts what the real clients send (python-hpilo's literal
 * `Host: localhost` and body without a Content-Type, pyone's text/xml, JSON with a charset).
 */
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type RouteTable, route, type ServedRoutes, serve } from "../src/index.js";
import { fetchRaw } from "./common-http-client.js";

const servers: ServedRoutes[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((served) => served.close()));
});

let handled = 0;
const table: RouteTable = [
  route("POST", "/RPC2", () => ({ body: { handled: ++handled } }), { bodyType: "text/xml" }),
  route("POST", "/api/auth", () => ({ body: { handled: ++handled } }), { bodyType: "json" }),
  route("POST", "/ribcl", () => ({ body: { handled: ++handled } })),
  route("GET", "/", () => ({ body: { handled: ++handled } })),
];

async function start(options: Parameters<typeof serve>[1] = {}): Promise<ServedRoutes> {
  const served = await serve(table, options);
  servers.push(served);
  return served;
}

/** Raw HTTP/1.1 so Host and every header are exactly what a client (or a browser) would send. */
function raw(port: number, text: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let received = "";
    const socket = connect(port, "127.0.0.1", () => socket.end(text));
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve({ status: Number(received.slice(9, 12)), text: received }));
  });
}

function post(path: string, headers: Record<string, string>, body: string): string {
  const lines = Object.entries({ ...headers, "Content-Length": String(Buffer.byteLength(body)) }).map(
    ([name, value]) => `${name}: ${value}`,
  );
  return `POST ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\nConnection: close\r\n\r\n${body}`;
}

describe("serve(): requests a web page could forge", () => {
  it("accepts what the real clients send", async () => {
    const { port } = await start();
    // python-hpilo: literal Host: localhost, no Content-Type, Connection: Close.
    expect((await raw(port, post("/ribcl", { Host: "localhost" }, "<RIBCL/>"))).status).toBe(200);
    // pyone and xmlrpc-c clients: text/xml (with a charset, too).
    expect(
      (await raw(port, post("/RPC2", { Host: `127.0.0.1:${port}`, "Content-Type": "text/xml" }, "<x/>")))
        .status,
    ).toBe(200);
    const utf8 = { Host: `localhost:${port}`, "Content-Type": "text/xml; charset=utf-8" };
    expect((await raw(port, post("/RPC2", utf8, "<x/>"))).status).toBe(200);
    // sushy, redfishtool, our clients: application/json; IPv6 literal hosts; *.localhost names.
    const jsonHeaders = { Host: `[::1]:${port}`, "Content-Type": "application/json; charset=UTF-8" };
    expect((await raw(port, post("/api/auth", jsonHeaders, "{}"))).status).toBe(200);
    expect(
      (
        await raw(
          port,
          post(
            "/api/auth",
            { Host: "ilo.localhost", "Content-Type": "application/vnd.ceph.api.v1.0+json" },
            "{}",
          ),
        )
      ).status,
    ).toBe(200);
    // A same-origin Origin (a page served by the emulator itself, or any loopback origin) is fine.
    const sameOrigin = {
      Host: `127.0.0.1:${port}`,
      Origin: `http://127.0.0.1:${port}`,
      "Content-Type": "application/json",
    };
    expect((await raw(port, post("/api/auth", sameOrigin, "{}"))).status).toBe(200);
  });

  it("refuses a DNS-rebound Host name before the handler runs", async () => {
    const { port } = await start();
    const before = handled;
    const rebound = await raw(
      port,
      `GET / HTTP/1.1\r\nHost: attacker.example:${port}\r\nConnection: close\r\n\r\n`,
    );
    expect(rebound.status).toBe(403);
    expect(rebound.text).toContain("DNS rebinding guard");
    expect(rebound.text).toContain("--allow-browser-requests");
    expect(handled).toBe(before);
  });

  it("refuses cross-origin requests, the null origin included", async () => {
    const { port } = await start();
    for (const origin of ["https://attacker.example", "http://203.0.113.5", "null"]) {
      const answer = await raw(
        port,
        post(
          "/ribcl",
          { Host: "127.0.0.1", Origin: origin },
          '<RIBCL><LOGIN USER_LOGIN="Administrator" PASSWORD="x"/></RIBCL>',
        ),
      );
      expect(answer.status, origin).toBe(403);
      expect(answer.text).toContain("cross-origin request");
    }
  });

  it("refuses the body types of a form or a simple cross-origin request, on every route", async () => {
    const { port } = await start();
    for (const type of [
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "text/plain;charset=UTF-8",
    ]) {
      for (const path of ["/RPC2", "/api/auth", "/ribcl"]) {
        const answer = await raw(port, post(path, { Host: "127.0.0.1", "Content-Type": type }, "a=1"));
        expect(answer.status, `${path} ${type}`).toBe(415);
      }
    }
  });

  it("holds each route to its declared body type; a route without a body is not concerned", async () => {
    const { port } = await start();
    const xmlRpcAsJson = await raw(
      port,
      post("/RPC2", { Host: "127.0.0.1", "Content-Type": "application/json" }, "{}"),
    );
    expect(xmlRpcAsJson.status).toBe(415);
    expect(xmlRpcAsJson.text).toContain("XML-RPC takes text/xml bodies");
    const xmlRpcUntyped = await raw(port, post("/RPC2", { Host: "127.0.0.1" }, "<x/>"));
    expect(xmlRpcUntyped.status).toBe(415);
    const jsonAsXml = await raw(
      port,
      post("/api/auth", { Host: "127.0.0.1", "Content-Type": "text/xml" }, "<x/>"),
    );
    expect(jsonAsXml.status).toBe(415);
    const empty = await raw(port, post("/api/auth", { Host: "127.0.0.1" }, ""));
    expect(empty.status).toBe(200);
  });

  it("accepts all of it with allowBrowserRequests, and extra host names with allowedHosts", async () => {
    const open = await start({ allowBrowserRequests: true });
    const headers = {
      Host: "attacker.example",
      Origin: "https://attacker.example",
      "Content-Type": "text/plain",
    };
    expect((await raw(open.port, post("/api/auth", headers, "{}"))).status).toBe(200);
    const named = await start({ allowedHosts: ["Ceph.Lab"] });
    expect(
      (await raw(named.port, `GET / HTTP/1.1\r\nHost: ceph.lab:8443\r\nConnection: close\r\n\r\n`)).status,
    ).toBe(200);
    expect(
      (await raw(named.port, `GET / HTTP/1.1\r\nHost: other.lab\r\nConnection: close\r\n\r\n`)).status,
    ).toBe(403);
  });

  it("does not apply in-process: routesTransport and msw have no browser to fear", async () => {
    const { routesTransport } = await import("../src/index.js");
    const transport = routesTransport(table);
    const answer = await transport({
      method: "POST",
      url: "http://attacker.example/api/auth",
      headers: { "content-type": "text/plain", origin: "https://attacker.example" },
      body: "{}",
    });
    expect(answer.status).toBe(200);
    const viaUrl = await fetchRaw(`${(await start()).url}/`);
    expect(viaUrl.status).toBe(200);
  });
});
