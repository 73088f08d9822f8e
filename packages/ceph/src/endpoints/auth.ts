import type { Endpoint } from "../endpoint.js";
import { AuthCheck, AuthResult, LogoutResult } from "../schemas/auth.js";

/** `/api/auth`: used by the session (auth.ts) and by `client.auth`. */
export const authEndpoints = {
  login: { method: "POST", path: "/api/auth", version: "1.0", response: AuthResult },
  check: { method: "POST", path: "/api/auth/check", version: "1.0", response: AuthCheck },
  logout: { method: "POST", path: "/api/auth/logout", version: "1.0", response: LogoutResult },
} as const satisfies Record<string, Endpoint>;
