/** `/api/auth`: login (JWT + cookie), check, logout (revokes the token id). */
import type { Route } from "../../common/route-table.js";
import { ROLES } from "../fixtures.js";
import { authenticate, cephRoute, dashboardError, reply, required } from "../http.js";
import { decodeToken, issueToken, verifyToken } from "../jwt.js";
import type { CephState, UserState } from "../state.js";

/** Consecutive failed logins before the dashboard disables an account (ACCOUNT_LOCKOUT_ATTEMPTS). */
const LOCKOUT_ATTEMPTS = 10;

/**
 * The login's `permissions`: the union of the user's roles' `scopes_permissions`, in role order, as
 * the dashboard's `User.permissions_dict()` builds it (a read-only user has no `config-opt` and no
 * `dashboard-settings` scope).
 */
function permissions(user: UserState): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const role of ROLES) {
    if (!user.roles.includes(role.name)) continue;
    for (const [scope, perms] of Object.entries(role.scopes_permissions))
      out[scope] = out[scope] === undefined ? [...perms] : [...new Set([...out[scope], ...perms])];
  }
  return out;
}

export function authRoutes(state: CephState): Route[] {
  return [
    cephRoute(state, { method: "POST", path: "/api/auth", version: "1.0", auth: false }, ({ body }) => {
      const username = required<string>(body, "username");
      const password = required<string>(body, "password");
      const user = state.users.get(String(username));
      if (user === undefined || !user.enabled || user.password !== password) {
        if (user !== undefined && ++user.failures >= LOCKOUT_ATTEMPTS) user.enabled = false;
        throw dashboardError("Invalid credentials", "invalid_credentials", "auth");
      }
      user.failures = 0;
      const { token } = issueToken(state, user.username);
      return reply(
        201,
        {
          token,
          username: user.username,
          permissions: permissions(user),
          pwdExpirationDate: null,
          sso: false,
          pwdUpdateRequired: false,
        },
        "1.0",
        { "Set-Cookie": `token=${token}; HttpOnly; Path=/; SameSite=Strict` },
      );
    }),
    cephRoute(
      state,
      { method: "POST", path: "/api/auth/check", version: "1.0", auth: false },
      ({ request }) => {
        const token = request.query.token ?? "";
        const user = verifyToken(state, token);
        if (user === undefined) return reply(200, { login_url: "#/login", cluster_status: "POST_INSTALLED" });
        return reply(200, {
          username: user.username,
          permissions: permissions(user),
          sso: false,
          pwdUpdateRequired: false,
        });
      },
    ),
    cephRoute(
      state,
      { method: "POST", path: "/api/auth/logout", version: "1.0", auth: false },
      ({ request }) => {
        if (authenticate(state, request) !== undefined) {
          const header = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? "")?.[1];
          const cookie = /(?:^|;\s*)token=([^;]+)/.exec(request.headers.cookie ?? "")?.[1];
          const claims = decodeToken(state, (cookie ?? header ?? "").trim());
          if (claims !== undefined) state.revoked.add(claims.jti);
        }
        return reply(200, { redirect_url: "#/login" }, "1.0", {
          "Set-Cookie": "token=; expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
        });
      },
    ),
  ];
}
