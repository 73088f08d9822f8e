/**
 * The ingress-nginx stand-in's data plane: an HTTPS and an HTTP listener on loopback that serve
 * the class's Ingress rules. HTTPS picks the certificate by SNI from `spec.tls` (the Secret, e.g.
 * the one cert-manager issued; else ingress-nginx's "Kubernetes Ingress Controller Fake
 * Certificate"); both pick the rule by host and path (see `ingress-routing.ts`) and answer with
 * what nginx would proxy to: the backend Service and port and its ready endpoints (JSON), 503
 * when the Service has no ready endpoint, 404 when no rule matches. Plain HTTP to a host with TLS
 * is redirected to HTTPS (308), as ingress-nginx's `ssl-redirect` does.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createSecureContext, type SecureContext } from "node:tls";
import type { V1EndpointSlice, V1Ingress, V1Secret, V1Service } from "@kubernetes/client-node";
import { generate } from "selfsigned";
import { type IngressRoute, routeRequest, tlsFor } from "./ingress-routing.js";

export interface IngressListenOptions {
  /** Loopback address to bind (default 127.0.0.1). */
  host?: string;
  /** 0 (default): a free port. */
  httpsPort?: number;
  httpPort?: number;
}

export interface IngressEndpoints {
  https: { url: string; port: number };
  http: { url: string; port: number };
  /** PEM of the default ("fake") certificate served when no `spec.tls` entry matches. */
  defaultCertificate: string;
}

/** What the listener reads: the stand-in's informer caches. */
export interface IngressView {
  ingresses(): readonly V1Ingress[];
  service(namespace: string, name: string): V1Service | undefined;
  endpointSlices(namespace: string): readonly V1EndpointSlice[];
  secret(namespace: string, name: string): V1Secret | undefined;
}

export interface IngressListener {
  endpoints: IngressEndpoints;
  close(): Promise<void>;
}

const page = (status: number, title: string) =>
  `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

function hostOf(req: IncomingMessage): string {
  const raw = (req.headers.host ?? "").trim().toLowerCase();
  if (raw.startsWith("[")) return raw.slice(1, raw.indexOf("]"));
  return raw.replace(/:\d+$/, "");
}

/** The backend's port and ready endpoints, or why there are none (a 503). */
function resolveBackend(view: IngressView, route: IngressRoute) {
  const backend = route.backend.service;
  if (!backend) return { error: "the backend is not a Service" } as const;
  const service = view.service(route.namespace, backend.name);
  if (!service) return { error: `service "${route.namespace}/${backend.name}" does not exist` } as const;
  const port = (service.spec?.ports ?? []).find((p) =>
    backend.port?.number !== undefined ? p.port === backend.port.number : p.name === backend.port?.name,
  );
  if (!port)
    return {
      error: `service "${route.namespace}/${backend.name}" has no port ${backend.port?.number ?? backend.port?.name}`,
    } as const;
  const endpoints: string[] = [];
  for (const slice of view.endpointSlices(route.namespace)) {
    if (slice.metadata?.labels?.["kubernetes.io/service-name"] !== backend.name) continue;
    const slicePort = (slice.ports ?? []).find((p) => (p.name ?? "") === (port.name ?? ""));
    if (slicePort?.port === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.ready === false) continue;
      for (const address of endpoint.addresses ?? []) endpoints.push(`${address}:${slicePort.port}`);
    }
  }
  return { service: backend.name, port, endpoints } as const;
}

export async function startIngressListener(
  view: IngressView,
  options: IngressListenOptions = {},
  log: (line: string) => void = () => {},
): Promise<IngressListener> {
  const host = options.host ?? "127.0.0.1";
  const fake = await generate(
    [
      { name: "commonName", value: "Kubernetes Ingress Controller Fake Certificate" },
      { name: "organizationName", value: "Acme Co" },
    ],
    {
      // RSA, as ingress-nginx's: with an EC default certificate, OpenSSL keeps serving it in TLS 1.3
      // when the SNI callback switches to a context holding an RSA certificate (cert-manager's default).
      keyType: "rsa",
      keySize: 2048,
      algorithm: "sha256",
      extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "ingress.local" }] }],
    },
  );
  const defaultContext = createSecureContext({ key: fake.private, cert: fake.cert });
  const contexts = new Map<string, SecureContext>();

  const contextFor = (serverName: string): SecureContext => {
    const choice = tlsFor(view.ingresses(), serverName);
    if (!choice?.secretName) return defaultContext;
    const secret = view.secret(choice.namespace, choice.secretName);
    const cert = secret?.data?.["tls.crt"];
    const key = secret?.data?.["tls.key"];
    if (!cert || !key) return defaultContext;
    const id = `${choice.namespace}/${choice.secretName}@${secret.metadata?.resourceVersion}`;
    let context = contexts.get(id);
    if (!context) {
      try {
        context = createSecureContext({
          cert: Buffer.from(cert, "base64").toString("utf8"),
          key: Buffer.from(key, "base64").toString("utf8"),
        });
      } catch (error) {
        // ingress-nginx also falls back to its default certificate (and says so in its log)
        log(
          `ingress-nginx: Secret ${choice.namespace}/${choice.secretName} is not a usable certificate (${(error as Error).message}); serving the default one`,
        );
        return defaultContext;
      }
      contexts.set(id, context);
    }
    return context;
  };

  let httpsPort = 0;
  const answer = (req: IncomingMessage, res: ServerResponse, secure: boolean) => {
    req.resume();
    const name = hostOf(req);
    const target = req.url ?? "/";
    const path = target.split("?")[0] || "/";
    const ingresses = view.ingresses();
    if (!secure) {
      const tls = tlsFor(ingresses, name);
      const redirect = ingresses.find((i) => `${i.metadata?.namespace}/${i.metadata?.name}` === tls?.ingress)
        ?.metadata?.annotations?.["nginx.ingress.kubernetes.io/ssl-redirect"];
      if (tls && redirect !== "false") {
        const port = httpsPort === 443 ? "" : `:${httpsPort}`;
        res.writeHead(308, { location: `https://${name}${port}${target}`, "content-type": "text/html" });
        res.end(page(308, "Permanent Redirect"));
        return;
      }
    }
    const route = routeRequest(ingresses, name, path);
    if (!route) {
      res.writeHead(404, { "content-type": "text/html" });
      res.end(page(404, "Not Found"));
      return;
    }
    const resolved = resolveBackend(view, route);
    const headers = { "x-homelab-kit-ingress": route.ingress };
    if ("error" in resolved || resolved.endpoints.length === 0) {
      res.writeHead(503, {
        ...headers,
        "content-type": "text/html",
        "x-homelab-kit-reason": "error" in resolved ? resolved.error : "no ready endpoints",
      });
      res.end(page(503, "Service Temporarily Unavailable"));
      return;
    }
    const body = {
      ingress: route.ingress,
      host: route.host,
      path: route.path,
      pathType: route.pathType,
      service: {
        namespace: route.namespace,
        name: resolved.service,
        port: resolved.port.port,
        ...(resolved.port.name ? { portName: resolved.port.name } : {}),
      },
      endpoints: resolved.endpoints,
      request: { scheme: secure ? "https" : "http", host: name, uri: target, method: req.method },
    };
    res.writeHead(200, {
      ...headers,
      "content-type": "application/json",
      "x-homelab-kit-backend": `${route.namespace}/${resolved.service}:${resolved.port.port}`,
    });
    res.end(`${JSON.stringify(body)}\n`);
  };

  const https = createHttpsServer(
    {
      key: fake.private,
      cert: fake.cert,
      SNICallback: (serverName, callback) => {
        try {
          callback(null, contextFor(serverName));
        } catch (error) {
          callback(error as Error);
        }
      },
    },
    (req, res) => answer(req, res, true),
  );
  const http = createHttpServer((req, res) => answer(req, res, false));
  for (const server of [https, http]) {
    server.on("clientError", (_error, socket) => socket.destroy());
    server.keepAliveTimeout = 5_000;
  }
  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        const address = server.address();
        resolve(typeof address === "object" && address ? address.port : port);
      });
    });
  const close = (server: Server) =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  try {
    httpsPort = await listen(https, options.httpsPort ?? 0);
    const httpPort = await listen(http, options.httpPort ?? 0);
    const urlHost = host.includes(":") ? `[${host}]` : host;
    return {
      endpoints: {
        https: { url: `https://${urlHost}:${httpsPort}`, port: httpsPort },
        http: { url: `http://${urlHost}:${httpPort}`, port: httpPort },
        defaultCertificate: fake.cert,
      },
      close: async () => {
        await Promise.all([close(https), close(http)]);
      },
    };
  } catch (error) {
    await Promise.all([close(https), close(http)]);
    throw error;
  }
}
