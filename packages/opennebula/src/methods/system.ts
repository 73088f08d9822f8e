/** `one.system.*` of release-7.4.0 (docs/reference/opennebula/API.md §7). */

import { idCall, rawDocument } from "./common.js";
import { asDocument, asString, bool, method, str } from "./define.js";

export const systemMethods = {
  /** The release oned runs (`"7.4.0"`). The client asks it once by itself when a call needs it. */
  version: method<[]>()({ name: "one.system.version", params: [], idempotent: true, decode: asString }),
  /** oned.conf as oned read it (`<OPENNEBULA_CONFIGURATION>`), as a raw XML object. */
  config: rawDocument<[]>("one.system.config", []),
  /** Runs and replicates SQL on the backend (oneadmin; `federated` to every zone) → 0. */
  sql: idCall<[sql: string, federated: boolean]>("one.system.sql", [str("sql"), bool("federated")]),
  /** Runs a read-only SQL query → its `<SQL_COMMAND>` result document, raw. */
  sqlquery: method<[sql: string]>()({
    name: "one.system.sqlquery",
    params: [str("sql_str")],
    idempotent: true,
    decode: (value, context) => asDocument(value, context),
  }),
};
