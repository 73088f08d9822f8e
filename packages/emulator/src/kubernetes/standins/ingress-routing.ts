/**
 * How ingress-nginx routes a request, as pure code: the server is chosen by host (an exact host,
 * then the longest matching wildcard, then the catch-all server of rules without a host), and
 * within it the location by path — `Exact` paths first, then the longest matching prefix
 * (`Prefix` by path elements as the Ingress spec says, `ImplementationSpecific` as nginx's plain
 * prefix). Locations that appear in several Ingresses go to the oldest one, as ingress-nginx
 * merges them. The TLS certificate for a server name comes the same way from `spec.tls`.
 */
import type { V1Ingress, V1IngressBackend } from "@kubernetes/client-node";

export interface IngressRoute {
  /** `namespace/name` of the Ingress the matching rule is in. */
  ingress: string;
  namespace: string;
  /** The rule's host (`""` for a rule without host, or the Ingress's default backend). */
  host: string;
  path: string;
  pathType: "Exact" | "Prefix" | "ImplementationSpecific" | "DefaultBackend";
  backend: V1IngressBackend;
}

export interface TlsChoice {
  ingress: string;
  namespace: string;
  /** The Secret named in `spec.tls` (undefined: the entry names none, the default certificate serves). */
  secretName: string | undefined;
}

const created = (i: V1Ingress) => new Date(i.metadata?.creationTimestamp ?? 0).getTime();
const key = (i: V1Ingress) => `${i.metadata?.namespace ?? "default"}/${i.metadata?.name ?? ""}`;
/** Oldest first, then by namespace/name: the order in which ingress-nginx merges Ingresses. */
const oldestFirst = (a: V1Ingress, b: V1Ingress) => created(a) - created(b) || key(a).localeCompare(key(b));

/** Whether a host (no port, lower case) matches a rule or TLS host: exact, or `*.` for one label. */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  if (!p.startsWith("*.")) return p === host;
  const suffix = p.slice(1); // ".example.com"
  return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes(".") && host.length > suffix.length;
}

/** The server a host lands on: the exact host, the longest matching wildcard, else the catch-all (`""`). */
export function serverFor(hosts: Iterable<string>, host: string): string {
  let wildcard: string | undefined;
  for (const h of hosts) {
    if (h === host) return h;
    if (h.startsWith("*.") && hostMatches(h, host) && h.length > (wildcard?.length ?? 0)) wildcard = h;
  }
  return wildcard ?? "";
}

function pathMatches(type: IngressRoute["pathType"], location: string, path: string): boolean {
  if (type === "Exact") return path === location;
  if (type === "ImplementationSpecific") return path.startsWith(location);
  // Prefix: by elements; "/foo" and "/foo/" match "/foo", "/foo/" and "/foo/bar", not "/foobar".
  const base = location.replace(/\/+$/, "");
  return base === "" || path === base || path.startsWith(`${base}/`);
}

/** The rule serving `host` + `path` among the class's Ingresses, or undefined (ingress-nginx's 404). */
export function routeRequest(
  ingresses: readonly V1Ingress[],
  host: string,
  path: string,
): IngressRoute | undefined {
  const sorted = [...ingresses].sort(oldestFirst);
  const hosts = new Set<string>();
  for (const ing of sorted)
    for (const rule of ing.spec?.rules ?? []) if (rule.host) hosts.add(rule.host.toLowerCase());
  const server = serverFor(hosts, host.toLowerCase());
  const candidates: IngressRoute[] = [];
  for (const ing of sorted) {
    for (const rule of ing.spec?.rules ?? []) {
      if ((rule.host?.toLowerCase() ?? "") !== server) continue;
      for (const p of rule.http?.paths ?? []) {
        const pathType = (p.pathType ?? "ImplementationSpecific") as IngressRoute["pathType"];
        const location = p.path || "/";
        if (!pathMatches(pathType, location, path)) continue;
        candidates.push({
          ingress: key(ing),
          namespace: ing.metadata?.namespace ?? "default",
          host: server,
          path: location,
          pathType,
          backend: p.backend,
        });
      }
    }
  }
  // nginx: "=" locations first, then the longest prefix; equal ones go to the oldest Ingress (stable sort).
  const rank = (r: IngressRoute) => (r.pathType === "Exact" ? 1 : 0);
  candidates.sort(
    (a, b) => rank(b) - rank(a) || b.path.replace(/\/+$/, "").length - a.path.replace(/\/+$/, "").length,
  );
  if (candidates[0]) return candidates[0];
  if (server !== "") return undefined;
  // The catch-all server's "/" is the oldest Ingress's default backend, when one has it.
  const withDefault = sorted.find((i) => i.spec?.defaultBackend);
  return withDefault?.spec?.defaultBackend
    ? {
        ingress: key(withDefault),
        namespace: withDefault.metadata?.namespace ?? "default",
        host: "",
        path: "/",
        pathType: "DefaultBackend",
        backend: withDefault.spec.defaultBackend,
      }
    : undefined;
}

/** The `spec.tls` entry serving a TLS server name (the oldest Ingress's), or undefined. */
export function tlsFor(ingresses: readonly V1Ingress[], serverName: string): TlsChoice | undefined {
  const name = serverName.toLowerCase();
  for (const ing of [...ingresses].sort(oldestFirst)) {
    for (const tls of ing.spec?.tls ?? []) {
      if ((tls.hosts ?? []).some((h) => hostMatches(h, name)))
        return {
          ingress: key(ing),
          namespace: ing.metadata?.namespace ?? "default",
          secretName: tls.secretName,
        };
    }
  }
  return undefined;
}
