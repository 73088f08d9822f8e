/**
 * RIBCL response framing as iLO 3 1.82 writes it (samples/ribcl): several concatenated documents,
 * each `<?xml version="1.0"?>\r\n<RIBCL VERSION="2.23">\n<RESPONSE …/>\n[payload]\n</RIBCL>\n`, with
 * MESSAGE in single quotes (routes.ts sends them chunked, as iLO 3 does).
 */
import { clipText } from "../common/dispatch.js";

export const RIBCL_RESPONSE_VERSION = "2.23";

export interface RibclStatus {
  status: number;
  message: string;
}

export const OK: RibclStatus = { status: 0, message: "No error" };

/** Status codes real iLOs answer (docs/reference/ilo/PROTOCOLS.md §1.3). */
export const RibclStatuses = {
  syntaxError: 0x0001,
  passwordTooShort: 0x0004,
  userNotFound: 0x000a,
  noPrivilege: 0x0023,
  invalidVirtualMediaOption: 0x0035,
  featureNotSupported: 0x003c,
  loginFailed: 0x005f,
} as const;

export function hexStatus(status: number): string {
  return `0x${status.toString(16).toUpperCase().padStart(4, "0")}`;
}

export function ribclDocument(result: RibclStatus, payload?: string): string {
  // Messages may repeat a bit of the script (a syntax error's line): never more than clipText allows.
  const message = clipText(result.message)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/'/g, "&apos;");
  return (
    `<?xml version="1.0"?>\r\n<RIBCL VERSION="${RIBCL_RESPONSE_VERSION}">\n<RESPONSE\n` +
    `    STATUS="${hexStatus(result.status)}"\n    MESSAGE='${message}'\n     />\n` +
    (payload ? `${payload}\n` : "") +
    "</RIBCL>\n"
  );
}
