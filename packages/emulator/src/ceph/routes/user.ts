/** Dashboard users and roles (`/api/user`, `/api/role`): enough for read-only users and token revocation. */
import type { Route } from "../../common/route-table.js";
import { ROLES } from "../fixtures.js";
import { cephRoute, dashboardError, notFound, reply, required } from "../http.js";
import type { CephState, UserState } from "../state.js";

/** The dashboard's default password policy, reduced: 8+ characters and enough variety. */
export function passwordCheck(password: string): { valid: boolean; credits: number; valuation: string } {
  if (password.length < 8) return { valid: false, credits: 0, valuation: "Password is too weak." };
  let credits = 0;
  for (const ch of password)
    credits += /[0-9]/.test(ch) ? 2 : /[a-z]/.test(ch) ? 1 : /[A-Z]/.test(ch) ? 2 : 3;
  if (credits < 10) return { valid: false, credits, valuation: "Password is too weak." };
  return { valid: true, credits, valuation: credits < 15 ? "Weak" : credits < 20 ? "OK" : "Strong" };
}

function userJson(user: UserState, extra: { name?: unknown; email?: unknown } = {}): Record<string, unknown> {
  return {
    username: user.username,
    roles: [...user.roles],
    name: extra.name ?? null,
    email: extra.email ?? null,
    lastUpdate: user.lastUpdate,
    enabled: user.enabled,
    pwdExpirationDate: null,
    pwdUpdateRequired: false,
  };
}

export function userRoutes(state: CephState): Route[] {
  const user = { scope: "user" } as const;
  const profiles = new Map<string, { name?: unknown; email?: unknown }>();
  return [
    cephRoute(state, { method: "GET", path: "/api/user", version: "1.0", ...user }, () =>
      reply(
        200,
        [...state.users.values()].map((u) => userJson(u, profiles.get(u.username))),
      ),
    ),
    cephRoute(
      state,
      { method: "GET", path: "/api/user/:username", version: "1.0", ...user },
      ({ request }) => {
        const found = state.users.get(request.params.username ?? "");
        if (found === undefined) throw notFound();
        return reply(200, userJson(found, profiles.get(found.username)));
      },
    ),
    cephRoute(state, { method: "POST", path: "/api/user/validate_password", version: "1.0" }, ({ body }) =>
      reply(200, passwordCheck(String(required(body, "password")))),
    ),
    cephRoute(
      state,
      { method: "POST", path: "/api/user", version: "1.0", ...user, permission: "create" },
      ({ body }) => {
        const username = String(required(body, "username"));
        const password = typeof body.password === "string" ? body.password : "";
        if (state.users.has(username)) {
          throw dashboardError("Username already exists", "username_already_exists", "user");
        }
        if (!passwordCheck(password).valid) {
          throw dashboardError("Password is too weak.", "password_policy_validation_failed", "user");
        }
        const roles = Array.isArray(body.roles) ? body.roles.map(String) : [];
        state.addUser({ username, password, roles });
        profiles.set(username, { name: body.name, email: body.email });
        return reply(201, userJson(state.users.get(username)!, profiles.get(username)));
      },
    ),
    cephRoute(
      state,
      { method: "DELETE", path: "/api/user/:username", version: "1.0", ...user, permission: "delete" },
      ({ request }) => {
        const name = request.params.username ?? "";
        if (!state.users.delete(name)) throw notFound();
        profiles.delete(name);
        return reply(204, undefined);
      },
    ),
    cephRoute(state, { method: "GET", path: "/api/role", version: "1.0", ...user }, () =>
      reply(200, structuredClone(ROLES)),
    ),
  ];
}
