export { escapeXml } from "./entities.js";
export { XmlSyntaxError } from "./errors.js";
export type { RawXmlObject, RawXmlValue } from "./parse.js";
export { parseXmlDocument } from "./parse.js";
