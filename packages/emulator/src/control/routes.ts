/**
 * The control API, as LocalStack has for AWS: `GET /_emulator/health` (open: no secrets in it),
 * and behind `Authorization: Bearer <token>`: fault rules (HTTP rules, and world faults: a body
 * with `kind`, see `faults.ts`), the clock, snapshot/restore.
 */
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { DEFAULT_JSON_BUDGET, JsonBodyError, parseJsonBody } from "../common/json-body.js";
import {
  type Route,
  RouteError,
  type RouteOptions,
  type RouteRequest,
  route,
} from "../common/route-table.js";
import { postState, powerState } from "../ilo/power.js";
import { TopologyError } from "../topology/load.js";
import type { Emulator } from "../world/emulator.js";
import { restoreWorld, SnapshotError, snapshotWorld } from "../world/snapshot.js";
import { WorldFaultError } from "./faults.js";

const ClockBody = z.strictObject({
  advanceMs: z
    .number()
    .min(0)
    .max(366 * 86_400_000),
});

/**
 * Largest `PUT /_emulator/state` body: a snapshot of the reference topology is ~100 KiB and one of
 * 1,000 hosts a few MiB. Only read once the token has been checked (`beforeBody`).
 */
export const STATE_BODY_LIMIT = 64 * 1024 * 1024;

/** A snapshot is a large but shallow document. */
const STATE_JSON_BUDGET = { ...DEFAULT_JSON_BUDGET, maxValues: 20_000_000 };

function authorized(request: Pick<RouteRequest, "headers">, token: string): boolean {
  const given = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? "")?.[1]?.trim() ?? "";
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseBody<T>(schema: z.ZodType<T>, request: RouteRequest): T {
  const result = schema.safeParse(request.json());
  if (result.success) return result.data;
  throw new RouteError(400, "invalid request body", {
    error: "invalid request body",
    issues: result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
  });
}

export function createControlRoutes(emulator: Emulator): Route[] {
  const { world, faults, clock } = emulator;
  const unauthorized = () => ({
    status: 401,
    body: { error: "missing or wrong control token (Authorization: Bearer <token>)" },
  });
  // The token is checked on the head, before any body is read, and again by the handler (in-process
  // callers and any front end reach it the same way).
  const guard: RouteOptions = {
    bodyType: "json",
    beforeBody: (head) => (authorized(head, emulator.controlToken) ? undefined : unauthorized()),
  };
  const guarded =
    (handler: Route["handler"]): Route["handler"] =>
    (request) => {
      if (!authorized(request, emulator.controlToken)) return unauthorized();
      return handler(request);
    };
  return [
    route("GET", "/_emulator/health", async () => {
      world.sync();
      const sections = await emulator.healthSections();
      return {
        body: {
          status: "running",
          topology: world.topology.name,
          clock: { now: new Date(clock.now()).toISOString(), kind: clock.kind, speed: clock.speed },
          services: {
            ceph: world.ceph === undefined ? "absent" : "running",
            ilo: world.hosts.size,
            opennebula: world.opennebula === undefined ? "absent" : "running",
            cloudflare: world.cloudflare === undefined ? "absent" : "running",
          },
          hosts: [...world.hosts.values()].map((h) => ({
            name: h.name,
            power: powerState(h.ilo),
            post: postState(h.ilo),
            up: h.up,
          })),
          faults: faults.list().length + faults.listWorld().length,
          ...sections,
        },
      };
    }),
    route(
      "GET",
      "/_emulator/faults",
      guarded(() => ({ body: [...faults.list(), ...faults.listWorld()].sort((a, b) => a.id - b.id) })),
      guard,
    ),
    route(
      "POST",
      "/_emulator/faults",
      guarded((request) => {
        const input = request.json();
        try {
          const isWorld = input !== null && typeof input === "object" && "kind" in input;
          return {
            status: 201,
            body: isWorld
              ? faults.addWorld(input as Parameters<typeof faults.addWorld>[0])
              : faults.add(input as Parameters<typeof faults.add>[0]),
          };
        } catch (error) {
          if (error instanceof WorldFaultError)
            throw new RouteError(400, error.message, { error: "invalid fault", message: error.message });
          if (error instanceof z.ZodError)
            throw new RouteError(400, "invalid fault rule", {
              error: "invalid fault rule",
              issues: error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
            });
          throw error;
        }
      }),
      guard,
    ),
    route(
      "DELETE",
      "/_emulator/faults",
      guarded(() => {
        faults.clear();
        return { status: 204 };
      }),
      guard,
    ),
    route(
      "DELETE",
      "/_emulator/faults/:id",
      guarded((request) => {
        if (!faults.remove(Number(request.params.id)))
          throw new RouteError(404, `no fault rule ${request.params.id}`);
        return { status: 204 };
      }),
      guard,
    ),
    route(
      "POST",
      "/_emulator/clock",
      guarded((request) => {
        const { advanceMs } = parseBody(ClockBody, request);
        clock.advance(advanceMs);
        world.sync();
        return { body: { now: new Date(clock.now()).toISOString(), ms: clock.now() } };
      }),
      guard,
    ),
    route(
      "POST",
      "/_emulator/shutdown",
      guarded(() => {
        if (!emulator.canShutdown()) throw new RouteError(501, "this emulator was not started by the CLI");
        // answer first, then stop (the handler closes this very server)
        setImmediate(() => emulator.requestShutdown());
        return { status: 202, body: { status: "stopping" } };
      }),
      guard,
    ),
    route(
      "GET",
      "/_emulator/state",
      guarded(() => ({ body: snapshotWorld(world) })),
      guard,
    ),
    route(
      "PUT",
      "/_emulator/state",
      guarded((request) => {
        let snapshot: unknown;
        try {
          snapshot = parseJsonBody(request.text(), STATE_JSON_BUDGET);
        } catch (error) {
          if (error instanceof JsonBodyError) throw new RouteError(400, `invalid snapshot: ${error.message}`);
          throw error;
        }
        try {
          restoreWorld(world, snapshot);
        } catch (error) {
          if (error instanceof SnapshotError || error instanceof TopologyError)
            throw new RouteError(400, error.message);
          throw error;
        }
        return { status: 204 };
      }),
      { ...guard, bodyLimit: STATE_BODY_LIMIT },
    ),
  ];
}
