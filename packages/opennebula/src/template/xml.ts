/**
 * Writes templates as the XML document oned also accepts wherever a template string goes
 * (`one.vm.allocate`, `one.template.update`, …: a string starting with `<` is read as XML).
 * Values go in CDATA sections, as oned writes them, with any `]]>` split across two sections
 * (ISSUES.md #7), so every value the text syntax refuses can still be sent.
 */
import { TemplateValueError } from "./errors.js";
import { type NormalizedAttribute, normalizeTemplate } from "./normalize.js";
import type { TemplateInput } from "./types.js";

export function serializeTemplateXml(input: TemplateInput, root = "TEMPLATE"): string {
  if (!/^[A-Z][A-Z0-9_]*$/.test(root)) {
    throw new TemplateValueError([], `${JSON.stringify(root)} is not a valid root element name`);
  }
  const body = normalizeTemplate(input).map(writeElement).join("");
  return `<${root}>${body}</${root}>`;
}

function writeElement(attribute: NormalizedAttribute): string {
  if ("value" in attribute) return element(attribute.name, cdata(attribute.value));
  return element(attribute.name, attribute.vector.map(([key, value]) => element(key, cdata(value))).join(""));
}

function element(name: string, content: string): string {
  return `<${name}>${content}</${name}>`;
}

/** `a]]>b` → `<![CDATA[a]]]]><![CDATA[>b]]>`. */
export function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}
