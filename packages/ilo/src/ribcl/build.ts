/**
 * RIBCL request scripts. Every attribute value is XML-escaped (iLO unescapes entities; an unescaped
 * `&` or `<` in a password would make the script malformed on a strict parser).
 */

export type RibclSection = "SERVER_INFO" | "RIB_INFO" | "USER_INFO";

export interface RibclCommand {
  section: RibclSection;
  mode: "read" | "write";
  name: string;
  attrs?: Record<string, string> | undefined;
  /** Child elements, e.g. `<VM_BOOT_OPTION VALUE="BOOT_ONCE"/>`. */
  children?: Array<{ name: string; attrs: Record<string, string> }> | undefined;
}

export function escapeAttribute(value: string): string {
  return value.replace(/[&<>"'\r\n\t]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const NAME = /^[A-Z][A-Z0-9_]*$/;

function element(name: string, attrs: Record<string, string> = {}, inner?: string): string {
  if (!NAME.test(name)) throw new TypeError(`not a RIBCL element name: ${JSON.stringify(name)}`);
  const a = Object.entries(attrs)
    .map(([k, v]) => {
      if (!NAME.test(k)) throw new TypeError(`not a RIBCL attribute name: ${JSON.stringify(k)}`);
      return ` ${k}="${escapeAttribute(v)}"`;
    })
    .join("");
  return inner === undefined ? `<${name}${a}/>` : `<${name}${a}>${inner}</${name}>`;
}

/** One script, one LOGIN; consecutive commands of the same section and mode share one section. */
export function buildRibclScript(login: string, password: string, commands: RibclCommand[]): string {
  let body = "";
  let open: { section: string; mode: string } | null = null;
  for (const c of commands) {
    if (!open || open.section !== c.section || open.mode !== c.mode) {
      if (open) body += `</${open.section}>`;
      body += `<${c.section} MODE="${c.mode}">`;
      open = { section: c.section, mode: c.mode };
    }
    const inner = c.children?.map((ch) => element(ch.name, ch.attrs)).join("");
    body += element(c.name, c.attrs, inner);
  }
  if (open) body += `</${open.section}>`;
  return `<?xml version="1.0"?>\r\n<RIBCL VERSION="2.0">${element("LOGIN", { USER_LOGIN: login, PASSWORD: password }, body)}</RIBCL>\r\n`;
}
