/**
 * `@homelab-kit/ilo/ribcl`: the RIBCL layer on its own, for scripts that send their own commands —
 * the script builder (with iLO's escaping), the tolerant multi-document answer parser, and the
 * `RibclError` its non-zero STATUS codes become.
 */
export { RibclError, type RibclErrorInit } from "../errors.js";
export { buildRibclScript, escapeAttribute, type RibclCommand, type RibclSection } from "./build.js";
export {
  childValue,
  parseRibclAnswer,
  payloadElement,
  type RibclAnswer,
  type RibclNode,
  repairRibclXml,
} from "./parse.js";
