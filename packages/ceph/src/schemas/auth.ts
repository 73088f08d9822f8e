import { z } from "zod";

/** Scope → permissions (`{pool: ["create", "delete", "read", "update"]}`). */
export const Permissions = z.record(z.string(), z.array(z.string()));
export type Permissions = z.infer<typeof Permissions>;

/** `POST /api/auth` (201). */
export const AuthResult = z.looseObject({
  token: z.string(),
  username: z.string(),
  permissions: Permissions,
  pwdExpirationDate: z.number().nullish(),
  sso: z.boolean().optional(),
  pwdUpdateRequired: z.boolean().optional(),
});
export type AuthResult = z.infer<typeof AuthResult>;

/**
 * `POST /api/auth/check?token=` (always 200): the user and permissions for a valid token,
 * `{login_url, cluster_status}` for an invalid one.
 */
export const AuthCheck = z.looseObject({
  username: z.string().optional(),
  permissions: Permissions.optional(),
  login_url: z.string().optional(),
  cluster_status: z.string().optional(),
});
export type AuthCheck = z.infer<typeof AuthCheck>;

/** `POST /api/auth/logout`. */
export const LogoutResult = z.looseObject({ redirect_url: z.string() });
export type LogoutResult = z.infer<typeof LogoutResult>;
