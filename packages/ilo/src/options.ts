import type { CallOptions, TlsOptions, Transport } from "@homelab-kit/core";
import type { RedfishAuth } from "./redfish/http.js";
import type { IloGeneration, IloProtocol } from "./types.js";

export interface IloClientOptions {
  /** `https://ilo-node1.example` (a port is allowed: `https://127.0.0.1:8443`). */
  baseUrl: string;
  username: string;
  /** Never appears in errors or logs (registered with core's redaction). */
  password: string;
  /**
   * `"auto"` (default) reads the unauthenticated `/xmldata?item=all` once and picks Redfish for
   * iLO 4 ≥2.30 and later, RIBCL otherwise.
   */
  protocol?: IloProtocol | "auto" | undefined;
  /** Skip detection when you know the generation (RIBCL for iLO 2/3, Redfish for iLO 5+). */
  generation?: IloGeneration | undefined;
  /** Redfish: a session with X-Auth-Token (default, logged out on close) or HTTP Basic per request. */
  redfishAuth?: RedfishAuth | undefined;
  /**
   * TLS for the default undici transport. Verification is ON by default: pass the iLO's CA (`ca`),
   * pin its certificate (`fingerprint`, SHA-256), or opt out explicitly with `insecure: true`.
   * Old iLO 3 firmware may need `minVersion: "TLSv1"` and `ciphers: "DEFAULT:@SECLEVEL=0"`
   * (README: "Talking to an old iLO 3").
   */
  tls?: TlsOptions | undefined;
  /** Explicit opt-out of certificate verification (self-signed iLO certificates you cannot pin). */
  insecure?: boolean | undefined;
  /** Bring your own transport (the emulator's `routesTransport()`, `fetchTransport()`); not closed by us. */
  transport?: Transport | undefined;
  /** Defaults for every call: `{timeout, retry, signal}`. */
  defaults?: CallOptions | undefined;
}
