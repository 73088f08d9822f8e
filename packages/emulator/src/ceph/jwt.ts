/**
 * The dashboard's JWTs: HS256, claims `iss: "ceph-dashboard"`, `jti`, `exp`, `iat`, `username`.
 * Logout revokes the `jti`; deleting or updating a user invalidates its older tokens.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { CephState, UserState } from "./state.js";

const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

function sign(state: CephState, data: string): string {
  return createHmac("sha256", state.jwtSecret).update(data).digest("base64url");
}

export function issueToken(state: CephState, username: string): { token: string; jti: string; exp: number } {
  const iat = Math.floor(state.now() / 1000);
  const jti = randomUUID();
  const exp = iat + state.jwtTtl;
  const payload = Buffer.from(JSON.stringify({ iss: "ceph-dashboard", jti, exp, iat, username })).toString(
    "base64url",
  );
  const data = `${HEADER}.${payload}`;
  return { token: `${data}.${sign(state, data)}`, jti, exp };
}

export interface TokenClaims {
  jti: string;
  exp: number;
  iat: number;
  username: string;
}

/** The claims of a valid token; `undefined` when forged, malformed or expired. */
export function decodeToken(state: CephState, token: string): TokenClaims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  const expected = Buffer.from(sign(state, `${header}.${payload}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Partial<TokenClaims>;
    if (
      typeof claims.exp !== "number" ||
      typeof claims.jti !== "string" ||
      typeof claims.username !== "string"
    ) {
      return undefined;
    }
    if (claims.exp * 1000 <= state.now()) return undefined;
    return claims as TokenClaims;
  } catch {
    return undefined;
  }
}

/** The user of a valid, unrevoked token whose user still exists and was not updated since. */
export function verifyToken(state: CephState, token: string): UserState | undefined {
  const claims = decodeToken(state, token);
  if (claims === undefined || state.revoked.has(claims.jti)) return undefined;
  const user = state.users.get(claims.username);
  if (user === undefined || !user.enabled || claims.iat < user.lastUpdate) return undefined;
  return user;
}
