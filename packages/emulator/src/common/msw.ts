import { type HttpHandler, HttpResponse, http } from "msw";
import { dispatchInProcess } from "./in-process.js";
import type { RouteTable } from "./route-table.js";
import { compileRoutes } from "./router.js";

export interface MswHandlerOptions {
  /**
   * Only answer requests under this origin (and path prefix, which is stripped before routing),
   * e.g. `"https://ceph.lab:8443"`. The table then owns that origin: unknown paths get its 404.
   * Default: any origin, and paths the table does not know fall through to the next handler.
   */
  baseUrl?: string;
  /** Largest request body in bytes, as `serve()`'s option. Default 1 MiB. */
  bodyLimit?: number;
}

/**
 * msw 2 handlers answering from a route table, for users who intercept `fetch` with
 * `setupServer(...toMswHandlers(routes))`. Matching, limits and errors are the table's own (one
 * find-my-way router, as `serve()`). Without `baseUrl`, a path the table does not know falls
 * through to the next handler (or msw's `onUnhandledRequest`); with it, it gets the table's 404.
 * Injected faults become `HttpResponse.error()` (fetch rejects with a TypeError).
 */
export function toMswHandlers(routes: RouteTable, options: MswHandlerOptions = {}): HttpHandler[] {
  const compiled = compileRoutes(routes);
  const base = options.baseUrl === undefined ? undefined : new URL(options.baseUrl);
  const prefix = base === undefined ? "" : base.pathname.replace(/\/+$/, "");
  const pattern = base === undefined ? "*" : `${base.origin}${prefix}/*`;

  return [
    http.all(pattern, async ({ request }) => {
      const url = new URL(request.url);
      if (prefix !== "" && !url.pathname.startsWith(`${prefix}/`)) return undefined;
      const target = `${url.pathname.slice(prefix.length)}${url.search}`;
      const method = request.method.toUpperCase();
      if (base === undefined && compiled.match(method, target).kind === "not-found") return undefined;

      const headers: Record<string, string> = { host: url.host };
      request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const body = new Uint8Array(await request.arrayBuffer());
      const result = await dispatchInProcess(
        compiled,
        { method, target, headers },
        body,
        request.signal,
        options.bodyLimit,
      );
      if (result.kind === "fault") return HttpResponse.error();
      const empty =
        result.body.byteLength === 0 || method === "HEAD" || result.status === 204 || result.status === 304;
      return new HttpResponse(empty ? null : result.body, {
        status: result.status,
        statusText: result.statusText,
        headers: result.headers,
      });
    }),
  ];
}
