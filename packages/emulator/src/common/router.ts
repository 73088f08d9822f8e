import type { HTTPMethod } from "find-my-way";
import FindMyWay from "find-my-way";
import type { Route } from "./route-table.js";

/** What matching a method and URL against a table gives. */
export type RouteMatch<R extends RoutePattern = Route> =
  | { kind: "found"; route: R; params: Record<string, string> }
  | { kind: "not-found" }
  | { kind: "method-not-allowed"; allow: string[] };

/**
 * What the router matches: a method and a pattern. A {@link Route} usually; an adapter that
 * dispatches within one of its routes (the iLO's `/redfish/*`, ilo/redfish/router.ts) compiles
 * its own entries with the same router.
 */
export type RoutePattern = Pick<Route, "method" | "path">;

/** A compiled route table: one find-my-way router shared by `serve()`, `routesTransport()` and msw. */
export interface CompiledRoutes<R extends RoutePattern = Route> {
  /** `url` is the request target: a path with an optional `?query` (the query is ignored). */
  match(method: string, url: string): RouteMatch<R>;
}

const EXPLICIT_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/**
 * Compiles a table; a GET route also answers HEAD unless the table has its own HEAD route. Throws a `TypeError` naming the route when two routes clash or a pattern
 * is invalid, so a broken adapter fails when it is built rather than on a request.
 */
export function compileRoutes<R extends RoutePattern = Route>(routes: readonly R[]): CompiledRoutes<R> {
  const router = FindMyWay({ ignoreTrailingSlash: false, caseSensitive: true, maxParamLength: 2048 });
  const methodsInUse = new Set<string>();
  for (const route of routes) {
    try {
      if (route.method === "ALL") {
        router.all(route.path, noop, route);
        for (const method of EXPLICIT_METHODS) methodsInUse.add(method);
      } else {
        router.on(route.method, route.path, noop, route);
        methodsInUse.add(route.method);
      }
    } catch (error) {
      throw new TypeError(`invalid route ${route.method} ${route.path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  // HEAD is answered wherever GET is (node:http drops the body; in-process front ends too).
  for (const route of routes) {
    if (route.method === "GET" && !router.hasRoute("HEAD", route.path)) {
      router.on("HEAD", route.path, noop, route);
      methodsInUse.add("HEAD");
    }
  }
  if (typeof router.compile === "function") router.compile();
  const methods = [...methodsInUse];

  return {
    match(method, url) {
      const found = router.find(method as HTTPMethod, url);
      if (found !== null) {
        return { kind: "found", route: found.store as R, params: found.params as Record<string, string> };
      }
      const allow = methods.filter(
        (other) => other !== method && router.find(other as HTTPMethod, url) !== null,
      );
      return allow.length > 0 ? { kind: "method-not-allowed", allow } : { kind: "not-found" };
    },
  };
}

function noop(): void {}
