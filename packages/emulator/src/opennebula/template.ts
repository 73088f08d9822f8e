/**
 * OpenNebula template documents as oned accepts them: the attribute syntax
 * (`NAME="x"\nDISK=[IMAGE_ID="3", SIZE=1024]`) or XML (`<TEMPLATE><NAME>x</NAME>…</TEMPLATE>`).
 * Attribute names are upper-cased as oned does; repeated names (DISK, NIC) keep their order.
 */
import { cdata, parseXml, XmlSyntaxError } from "./xml.js";

export type TemplateValue = string | Record<string, string>;
export type Template = Array<[name: string, value: TemplateValue]>;

export class TemplateSyntaxError extends Error {
  override readonly name = "TemplateSyntaxError";
}

const ATTR = /[A-Za-z_][\w-]*/y;

function parseSyntax(text: string): Template {
  const out: Template = [];
  let i = 0;
  const line = () => text.slice(0, i).split("\n").length;
  const fail = (what: string): never => {
    const near = text.slice(i, i + 20).split("\n")[0] ?? "";
    throw new TemplateSyntaxError(`Parse error: syntax error, ${what} at line ${line()}, near "${near}"`);
  };
  const skip = (newlines: boolean) => {
    for (;;) {
      const c = text[i];
      if (c === " " || c === "\t" || c === "\r" || (newlines && c === "\n")) i++;
      else if (c === "#") while (i < text.length && text[i] !== "\n") i++;
      else return;
    }
  };
  const name = () => {
    ATTR.lastIndex = i;
    const m = ATTR.exec(text);
    if (!m) fail("attribute name expected");
    i = ATTR.lastIndex;
    return m![0].toUpperCase();
  };
  const value = (inVector: boolean): string => {
    if (text[i] === '"') {
      let v = "";
      i++;
      for (;;) {
        if (i >= text.length) fail("unterminated string");
        const c = text[i]!;
        if (c === "\\" && i + 1 < text.length) {
          v += text[i + 1];
          i += 2;
        } else if (c === '"') {
          i++;
          return v;
        } else {
          v += c;
          i++;
        }
      }
    }
    const start = i;
    while (i < text.length && !/[\s,\]"[=]/.test(text[i]!)) i++;
    // oned's EQUAL_EMPTY: `NAME =` then the end of the line is an empty value (not at the end of the text).
    if (i === start && !inVector && text[i] !== "\n") fail("value expected");
    return text.slice(start, i);
  };
  for (;;) {
    skip(true);
    if (i >= text.length) return out;
    const key = name();
    skip(false);
    if (text[i] !== "=") fail("'=' expected");
    i++;
    skip(false);
    if (text[i] === "[") {
      i++;
      const vec: Record<string, string> = {};
      for (;;) {
        skip(true);
        if (text[i] === "]") {
          i++;
          break;
        }
        const k = name();
        skip(true);
        if (text[i] !== "=") fail("'=' expected");
        i++;
        skip(true);
        vec[k] = value(true);
        skip(true);
        if (text[i] === ",") i++;
        else if (text[i] !== "]") fail("',' or ']' expected");
      }
      out.push([key, vec]);
    } else {
      out.push([key, value(false)]);
    }
    // Attributes are separated by blanks or newlines alike (`CPU=2 VCPU=4` is one line of two).
  }
}

/** Parses a template in attribute syntax or XML; throws {@link TemplateSyntaxError}. */
export function parseTemplate(text: string): Template {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("<")) return parseSyntax(text);
  let root: ReturnType<typeof parseXml>;
  try {
    root = parseXml(trimmed);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new TemplateSyntaxError(`Parse error: ${e.message}`);
    throw e;
  }
  return root.children.map((c): [string, TemplateValue] => {
    if (c.children.length === 0) return [c.name.toUpperCase(), c.text];
    const vec: Record<string, string> = {};
    for (const k of c.children) vec[k.name.toUpperCase()] = k.text;
    return [c.name.toUpperCase(), vec];
  });
}

export function getAttr(t: Template, name: string): string | undefined {
  for (const [k, v] of t) if (k === name && typeof v === "string") return v;
  return undefined;
}

export function getVectors(t: Template, name: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const [k, v] of t) if (k === name && typeof v !== "string") out.push(v);
  return out;
}

export function setAttr(t: Template, name: string, value: TemplateValue): void {
  const at = t.findIndex(([k]) => k === name);
  if (at >= 0) t[at] = [name, value];
  else t.push([name, value]);
}

/** `update(…, append)`: 0 replaces the whole template, 1 merges (names in `patch` replace theirs). */
export function mergeTemplate(base: Template, patch: Template, append: boolean): Template {
  if (!append) return patch.map(([k, v]) => [k, typeof v === "string" ? v : { ...v }]);
  const names = new Set(patch.map(([k]) => k));
  return [...base.filter(([k]) => !names.has(k)), ...patch];
}

function renderValue(name: string, value: TemplateValue): string {
  if (typeof value === "string") return `<${name}>${cdata(value)}</${name}>`;
  const keys = Object.keys(value).sort();
  return `<${name}>${keys.map((k) => `<${k}>${cdata(value[k]!)}</${k}>`).join("")}</${name}>`;
}

/** Renders entries as oned does: sorted by name (stable for repeated names), values in CDATA. */
export function renderEntries(entries: Template): string {
  const sorted = entries
    .map((e, i) => [e, i] as const)
    .sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]));
  return sorted.map(([[k, v]]) => renderValue(k, v)).join("");
}

/** `<NAME>…entries…</NAME>`, or `<NAME/>` when empty. */
export function renderTemplate(name: string, entries: Template): string {
  const inner = renderEntries(entries);
  return inner === "" ? `<${name}/>` : `<${name}>${inner}</${name}>`;
}
