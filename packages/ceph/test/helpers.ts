import type { Transport } from "@homelab-kit/core";
import { type CephEmulator, type CephStateOptions, createCephEmulator } from "@homelab-kit/emulator/ceph";
import { createCephClient } from "../src/index.js";

export const ADMIN = { username: "admin", password: "Adm1n-Passw0rd!" };

export interface Harness {
  emulator: CephEmulator;
  ceph: ReturnType<typeof createCephClient>;
  /** Every request the client sent, as `METHOD path?query`. */
  calls: string[];
}

/** A client talking to a fresh in-process Ceph emulator (no sockets). */
export function harness(
  options: CephStateOptions = {},
  client: Partial<Parameters<typeof createCephClient>[0]> = {},
): Harness {
  const emulator = createCephEmulator(options);
  const inner = emulator.transport();
  const calls: string[] = [];
  const transport: Transport = (req) => {
    const url = new URL(req.url);
    calls.push(`${req.method} ${url.pathname}${url.search}`);
    return inner(req);
  };
  const ceph = createCephClient({ baseUrl: "http://ceph.test:8080", ...ADMIN, transport, ...client });
  return { emulator, ceph, calls };
}
