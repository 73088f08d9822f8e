export type { RawXmlObject, RawXmlValue } from "./xml/index.js";
export { escapeXml, parseXmlDocument, XmlSyntaxError } from "./xml/index.js";
