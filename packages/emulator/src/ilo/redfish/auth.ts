import { randomBytes, timingSafeEqual } from "node:crypto";
import { type IloSession, type IloState, type IloUser, touch } from "../state.js";

/** Who a request is authenticated as, or why it is not. */
export type Auth =
  | { ok: true; user: IloUser; session: IloSession | null }
  | { ok: false; reason: "no-credentials" | "bad-token" | "bad-password" };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Drops sessions idle for longer than the timeout (iLO's IdleConnectionTimeoutMinutes). */
export function expireSessions(state: IloState): void {
  const now = state.clock.now();
  for (const [token, s] of state.sessions) {
    if (now - s.lastUsedAt >= state.sessionIdleTimeoutMs) {
      state.sessions.delete(token);
      touch(state);
    }
  }
}

export function checkPassword(state: IloState, login: string, password: string): IloUser | null {
  const user = state.users.get(login);
  return user && sameSecret(user.password, password) ? user : null;
}

/** `X-Auth-Token` first (a session), then HTTP Basic, which iLO also accepts. */
export function authenticate(state: IloState, headers: Readonly<Record<string, string>>): Auth {
  const token = headers["x-auth-token"];
  if (token !== undefined) {
    expireSessions(state);
    const session = state.sessions.get(token);
    const user = session && state.users.get(session.login);
    if (!session || !user) return { ok: false, reason: "bad-token" };
    session.lastUsedAt = state.clock.now();
    return { ok: true, user, session };
  }
  const authorization = headers.authorization;
  if (authorization?.toLowerCase().startsWith("basic ")) {
    const decoded = Buffer.from(authorization.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const user = colon < 0 ? null : checkPassword(state, decoded.slice(0, colon), decoded.slice(colon + 1));
    return user ? { ok: true, user, session: null } : { ok: false, reason: "bad-password" };
  }
  return { ok: false, reason: "no-credentials" };
}

/** Opens a session, or returns null when every slot is taken. */
export function openSession(state: IloState, user: IloUser): IloSession | null {
  expireSessions(state);
  if (state.sessions.size >= state.maxSessions) return null;
  const now = state.clock.now();
  const id = `${user.login.toLowerCase().replace(/[^a-z0-9]/g, "")}${Math.floor(now / 1000)
    .toString(16)
    .padStart(16, "0")}${randomBytes(4).toString("hex")}`;
  const session: IloSession = {
    id,
    token: randomBytes(16).toString("hex"),
    login: user.login,
    createdAt: now,
    lastUsedAt: now,
  };
  state.sessions.set(session.token, session);
  touch(state);
  return session;
}

export function findSessionById(state: IloState, id: string): IloSession | undefined {
  expireSessions(state);
  for (const s of state.sessions.values()) if (s.id.toLowerCase() === id.toLowerCase()) return s;
  return undefined;
}
