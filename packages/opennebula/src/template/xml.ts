/**
 * Writes templates as the XML document oned also accepts wherever a template string goes
 * (`one.vm.allocate`, `one.template.update`, …: a string starting with `<` is read as XML).
 * Values are entity-escaped text rather than CDATA: no `]]>` can end a section early (docs/reference/opennebula/ISSUES.md #7),
 * and `\r`, which an XML parser turns into `\n` even inside CDATA, is sent as `&#13;`. Every value
 * the text syntax refuses can be sent this way.
 */

import type { TemplateRecord } from "../models/template-record.js";
import { escapeXml } from "../xml/index.js";
import { TemplateValueError } from "./errors.js";
import { type NormalizedAttribute, normalizeTemplate } from "./normalize.js";
import type { TemplateInput } from "./types.js";

export function serializeTemplateXml(input: TemplateInput | TemplateRecord, root = "TEMPLATE"): string {
  if (!/^[A-Z][A-Z0-9_]*$/.test(root)) {
    throw new TemplateValueError([], `${JSON.stringify(root)} is not a valid root element name`);
  }
  const body = normalizeTemplate(input).map(writeElement).join("");
  return `<${root}>${body}</${root}>`;
}

function writeElement(attribute: NormalizedAttribute): string {
  if ("value" in attribute) return element(attribute.name, text(attribute.value));
  return element(attribute.name, attribute.vector.map(([key, value]) => element(key, text(value))).join(""));
}

function element(name: string, content: string): string {
  return `<${name}>${content}</${name}>`;
}

/** Element content: `a]]>b\r` → `a]]&gt;b&#13;`. */
function text(value: string): string {
  return escapeXml(value).replaceAll("\r", "&#13;");
}
