/**
 * Where the stack is: the endpoints and credentials the walk-through talks to. From the
 * emulator's env file (`homelab-emulator up` writes it) or a real stack's, with the same names.
 */
import { readFileSync } from "node:fs";
import { iloEndpointsFromEnv } from "@homelab-kit/emulator/cli";

export interface StackConfig {
  ilo: Array<{ host: string; url: string; username: string; password: string }>;
  /** PEM to trust for the iLO certificates (self-signed on real iLOs and the emulator). */
  iloCa: string | undefined;
  ceph: { url: string; username: string; password: string };
  opennebula: { url: string; username: string; password: string } | undefined;
}

function need(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (value === undefined || value === "")
    throw new Error(`missing ${name} in the environment (see the env file)`);
  return value;
}

/** Reads `CEPH_URL`, `ILO_HOSTS`, `ILO_<HOST>_URL`…, `ILO_CA_FILE`, `ONE_XMLRPC`, `ONE_AUTH`. */
export function configFromEnv(env: Record<string, string | undefined> = process.env): StackConfig {
  const oneAuth = env.ONE_AUTH;
  const colon = oneAuth?.indexOf(":") ?? -1;
  const caFile = env.ILO_CA_FILE;
  return {
    ilo: iloEndpointsFromEnv(env),
    iloCa: caFile ? readFileSync(caFile, "utf8") : undefined,
    ceph: {
      url: need(env, "CEPH_URL"),
      username: need(env, "CEPH_USERNAME"),
      password: need(env, "CEPH_PASSWORD"),
    },
    opennebula:
      env.ONE_XMLRPC && oneAuth && colon > 0
        ? { url: env.ONE_XMLRPC, username: oneAuth.slice(0, colon), password: oneAuth.slice(colon + 1) }
        : undefined,
  };
}
