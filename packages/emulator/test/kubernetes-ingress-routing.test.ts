/**
 * ingress-nginx's choice of rule (host, then path: exact, then longest prefix; the oldest Ingress
 * for a duplicate) and of TLS certificate, as pure functions; and the stand-in's listener over a
 * fixed view of the cluster, called over real HTTPS (SNI) and HTTP.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:tls";
import {
  createCsr,
  createIssuerCa,
  generatePrivateKey,
  hostMatches,
  type k8s,
  routeRequest,
  signCsr,
  tlsFor,
} from "@homelab-kit/emulator/kubernetes";
import { describe, expect, it } from "vitest";
import { startIngressListener } from "../src/kubernetes/standins/ingress-listener.js";

type Path = { path?: string; pathType?: string; service: string; port?: number | string };
const ingress = (
  name: string,
  created: string,
  rules: Array<{ host?: string; paths: Path[] }>,
  extra: Partial<k8s.V1IngressSpec> = {},
  annotations: Record<string, string> = {},
): k8s.V1Ingress => ({
  metadata: { name, namespace: "default", creationTimestamp: new Date(created), annotations },
  spec: {
    ingressClassName: "nginx",
    ...extra,
    rules: rules.map((r) => ({
      ...(r.host ? { host: r.host } : {}),
      http: {
        paths: r.paths.map((p) => ({
          ...(p.path === undefined ? {} : { path: p.path }),
          pathType: p.pathType ?? "Prefix",
          backend: {
            service: {
              name: p.service,
              port: typeof p.port === "string" ? { name: p.port } : { number: p.port ?? 80 },
            },
          },
        })),
      },
    })),
  },
});

const blog = ingress("blog", "2026-01-02T00:00:00Z", [
  {
    host: "blog.example.com",
    paths: [
      { path: "/", service: "blog" },
      { path: "/admin", service: "blog-admin" },
      { path: "/admin/login", pathType: "Exact", service: "login" },
      { path: "/static", pathType: "ImplementationSpecific", service: "static" },
    ],
  },
]);
const older = ingress("older", "2026-01-01T00:00:00Z", [
  { host: "blog.example.com", paths: [{ path: "/admin", service: "old-admin" }] },
  { host: "*.example.com", paths: [{ path: "/", service: "wildcard" }] },
  { paths: [{ path: "/", service: "catch-all" }] },
]);
const all = [blog, older];
const serviceOf = (host: string, path: string) => routeRequest(all, host, path)?.backend.service?.name;

describe("ingress-nginx routing", () => {
  it("takes exact paths first, then the longest prefix, by path elements for Prefix", () => {
    expect(serviceOf("blog.example.com", "/admin/login")).toBe("login");
    expect(serviceOf("blog.example.com", "/admin/login/x")).toBe("old-admin");
    expect(serviceOf("blog.example.com", "/adminx")).toBe("blog");
    expect(serviceOf("blog.example.com", "/static.css")).toBe("static"); // nginx's plain prefix
    expect(serviceOf("blog.example.com", "/")).toBe("blog");
    expect(routeRequest(all, "blog.example.com", "/admin/login")).toMatchObject({
      ingress: "default/blog",
      pathType: "Exact",
      path: "/admin/login",
      host: "blog.example.com",
    });
  });

  it("gives a location found in two Ingresses to the oldest", () => {
    expect(serviceOf("blog.example.com", "/admin")).toBe("old-admin");
    expect(routeRequest(all, "blog.example.com", "/admin")?.ingress).toBe("default/older");
  });

  it("chooses the server by exact host, then wildcard (one label), then the catch-all", () => {
    expect(serviceOf("www.example.com", "/x")).toBe("wildcard");
    expect(serviceOf("a.b.example.com", "/x")).toBe("catch-all");
    expect(serviceOf("other.org", "/")).toBe("catch-all");
    expect(hostMatches("*.example.com", "example.com")).toBe(false);
  });

  it("answers nothing (404) when the chosen server has no matching path", () => {
    const only = [
      ingress("a", "2026-01-01T00:00:00Z", [{ host: "a.test", paths: [{ path: "/api", service: "api" }] }]),
    ];
    expect(routeRequest(only, "a.test", "/")).toBeUndefined();
    expect(routeRequest(only, "b.test", "/")).toBeUndefined();
    const withDefault = [
      ingress("d", "2026-01-01T00:00:00Z", [], {
        defaultBackend: { service: { name: "fallback", port: { number: 8080 } } },
      }),
    ];
    expect(routeRequest(withDefault, "b.test", "/anything")).toMatchObject({
      pathType: "DefaultBackend",
      path: "/",
    });
  });

  it("picks the TLS entry for a server name from the oldest Ingress", () => {
    const a = ingress("a", "2026-01-02T00:00:00Z", [], {
      tls: [{ hosts: ["redmine.example.com"], secretName: "new" }],
    });
    const b = ingress("b", "2026-01-01T00:00:00Z", [], {
      tls: [{ hosts: ["redmine.example.com"], secretName: "old" }],
    });
    const c = ingress("c", "2026-01-03T00:00:00Z", [], {
      tls: [{ hosts: ["*.example.org"], secretName: "wild" }],
    });
    expect(tlsFor([a, b, c], "redmine.example.com")).toEqual({
      ingress: "default/b",
      namespace: "default",
      secretName: "old",
    });
    expect(tlsFor([a, b, c], "x.example.org")?.secretName).toBe("wild");
    expect(tlsFor([a, b, c], "example.net")).toBeUndefined();
  });
});

describe("ingress-nginx listener", () => {
  it("serves each rule over HTTPS with the Secret chosen by SNI, and HTTP with a redirect for TLS hosts", async () => {
    const ca = await createIssuerCa("test CA");
    const key = await generatePrivateKey({ algorithm: "ECDSA" });
    const now = new Date();
    const cert = await signCsr(
      await createCsr({ dnsNames: ["redmine.example.com"] }, key),
      { ca },
      {
        notBefore: new Date(now.getTime() - 60_000),
        notAfter: new Date(now.getTime() + 3600_000),
      },
    );
    const redmine = ingress(
      "redmine",
      "2026-01-01T00:00:00Z",
      [{ host: "redmine.example.com", paths: [{ path: "/", service: "redmine", port: "http" }] }],
      { tls: [{ hosts: ["redmine.example.com"], secretName: "redmine-tls" }] },
    );
    const down = ingress("down", "2026-01-01T00:00:00Z", [
      { host: "down.example.com", paths: [{ path: "/", service: "nobody" }] },
    ]);
    const listener = await startIngressListener({
      ingresses: () => [redmine, down],
      service: (_ns, name) =>
        ({
          redmine: { metadata: { name }, spec: { ports: [{ name: "http", port: 80 }] } },
          nobody: { metadata: { name }, spec: { ports: [{ port: 80 }] } },
        })[name],
      endpointSlices: () => [
        {
          addressType: "IPv4",
          metadata: { labels: { "kubernetes.io/service-name": "redmine" } },
          ports: [{ name: "http", port: 3000 }],
          endpoints: [
            { addresses: ["10.244.0.5"], conditions: { ready: true } },
            { addresses: ["10.244.0.6"], conditions: { ready: false } },
          ],
        },
      ],
      secret: (_ns, name) =>
        name === "redmine-tls"
          ? {
              metadata: { name, resourceVersion: "1" },
              data: {
                "tls.crt": Buffer.from(`${cert}${ca.cert}`).toString("base64"),
                "tls.key": Buffer.from(key).toString("base64"),
              },
            }
          : undefined,
    });
    const { https, http } = listener.endpoints;
    const get = (host: string, path: string, servername = host) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const req = httpsRequest(
          { host: "127.0.0.1", port: https.port, path, servername, headers: { host }, ca: ca.cert },
          (res) => {
            let body = "";
            res.on("data", (c) => {
              body += c;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          },
        );
        req.on("error", reject);
        req.end();
      });
    try {
      const ok = await get("redmine.example.com", "/issues?x=1");
      expect(ok.status).toBe(200);
      expect(ok.headers["x-homelab-kit-backend"]).toBe("default/redmine:80");
      expect(JSON.parse(ok.body)).toMatchObject({
        ingress: "default/redmine",
        service: { name: "redmine", port: 80, portName: "http" },
        endpoints: ["10.244.0.5:3000"],
        request: { scheme: "https", uri: "/issues?x=1" },
      });
      // An unknown name gets ingress-nginx's fake certificate (untrusted: not our CA).
      const fake = await new Promise<string>((resolve) => {
        const socket = connect(
          { host: "127.0.0.1", port: https.port, servername: "nobody.test", rejectUnauthorized: false },
          () => {
            resolve(String(socket.getPeerCertificate().subject?.CN ?? ""));
            socket.end();
          },
        );
      });
      expect(fake).toBe("Kubernetes Ingress Controller Fake Certificate");
      // fetch() cannot set Host: node:http can.
      const plain = (host: string, path: string) =>
        new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
          const req = httpRequest({ host: "127.0.0.1", port: http.port, path, headers: { host } }, (res) => {
            res.resume();
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
          });
          req.on("error", reject);
          req.end();
        });
      const unavailable = await plain("down.example.com", "/");
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers["x-homelab-kit-reason"]).toBe("no ready endpoints");
      expect((await plain("nowhere.example.com", "/")).status).toBe(404);
      const redirect = await plain("redmine.example.com:8080", "/login");
      expect(redirect.status).toBe(308);
      expect(redirect.headers.location).toBe(`https://redmine.example.com:${https.port}/login`);
    } finally {
      await listener.close();
    }
  });
});
