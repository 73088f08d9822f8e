import { syntaxError } from "./errors.js";

/**
 * Decodes the five predefined XML entities and character references in `src[start, end)`.
 * Any other entity is an error: documents carry no DTD, and nothing is ever expanded.
 */
export function decodeEntities(src: string, start: number, end: number): string {
  let out = "";
  let from = start;
  let amp = src.indexOf("&", start);
  while (amp !== -1 && amp < end) {
    const semi = src.indexOf(";", amp + 1);
    if (semi === -1 || semi >= end || semi - amp > 12) throw syntaxError(src, amp, "unterminated entity");
    out += src.slice(from, amp);
    const c1 = src.charCodeAt(amp + 1);
    if (c1 === 0x23 /* # */) {
      const hex = src.charCodeAt(amp + 2) === 0x78; /* x */
      const digits = src.slice(amp + (hex ? 3 : 2), semi);
      const valid = hex ? /^[0-9a-fA-F]+$/.test(digits) : /^[0-9]+$/.test(digits);
      const cp = valid ? Number.parseInt(digits, hex ? 16 : 10) : -1;
      if (!isXmlChar(cp))
        throw syntaxError(src, amp, `invalid character reference "${src.slice(amp, semi + 1)}"`);
      out += String.fromCodePoint(cp);
    } else {
      const name = src.slice(amp + 1, semi);
      const ch = PREDEFINED[name];
      if (ch === undefined)
        throw syntaxError(src, amp, `undefined entity "&${name};" (DTDs are not supported)`);
      out += ch;
    }
    from = semi + 1;
    amp = src.indexOf("&", from);
  }
  return out + src.slice(from, end);
}

const PREDEFINED: Record<string, string | undefined> = Object.assign(Object.create(null), {
  lt: "<",
  gt: ">",
  amp: "&",
  quot: '"',
  apos: "'",
});

/** XML 1.0 `Char` production. */
export function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** Escapes text for element content (and attribute values): `&`, `<`, `>` and `"`. */
export function escapeXml(text: string): string {
  if (!/[&<>"]/.test(text)) return text;
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
