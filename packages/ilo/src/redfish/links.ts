/**
 * Reading the links a Redfish service gives: every resource this client touches is reached through
 * an `@odata.id` (a navigation property, `Links.*`, a collection's `Members`) or an action's
 * `target`, used exactly as the server wrote it. No path is ever built by appending to another
 * (servers differ: iLO writes `/redfish/v1/Systems/1/`, DMTF's own mockups `/redfish/v1/Systems/1`).
 */
import { RedfishError } from "../errors.js";

/** The `@odata.id` of a link object (`{"@odata.id": "…"}`), if it is one. */
export function linkOf(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const id = (value as Record<string, unknown>)["@odata.id"];
  return typeof id === "string" && id !== "" ? id : undefined;
}

/**
 * The link at a path of property names and array indexes: `linkAt(system, "Links", "Chassis", 0)`.
 * Undefined when any step is missing.
 */
export function linkAt(body: unknown, ...path: Array<string | number>): string | undefined {
  let at: unknown = body;
  for (const step of path) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string | number, unknown>)[step];
  }
  return linkOf(at);
}

/** `Oem.Hpe` on iLO 5+, `Oem.Hp` on iLO 4: whichever the body has (empty when neither). */
export function oemOf(body: {
  Oem?: { Hp?: Record<string, unknown> | undefined; Hpe?: Record<string, unknown> | undefined } | undefined;
}): Record<string, unknown> {
  return (body.Oem?.Hpe ?? body.Oem?.Hp ?? {}) as Record<string, unknown>;
}

/** The target of an action by name suffix (`#ComputerSystem.Reset`), in an `Actions` object. */
export function actionTarget(actions: unknown, suffix: string): string | undefined {
  if (actions === null || typeof actions !== "object") return undefined;
  for (const [name, value] of Object.entries(actions as Record<string, { target?: unknown }>)) {
    if (name.endsWith(suffix) && typeof value?.target === "string") return value.target;
  }
  return undefined;
}

/**
 * The typed error for a resource the service does not offer: `from` (a URL) links no `what`.
 * A `RedfishError` with status 404, as if the resource had been asked for and was not there, and
 * `code` naming what is missing (`REDFISH_NO_VIRTUAL_MEDIA`, `REDFISH_NOT_LINKED`, …).
 */
export function notLinked(
  from: string,
  what: string,
  code = "REDFISH_NOT_LINKED",
  hint?: string,
): RedfishError {
  const message = `the Redfish service offers no ${what} (not linked from ${pathOf(from)})${hint ? `: ${hint}` : ""}`;
  return new RedfishError({
    request: { method: "GET", url: from },
    response: { status: 404, body: message },
    code,
    message,
  });
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
