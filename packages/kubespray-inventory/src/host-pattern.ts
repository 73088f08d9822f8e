/**
 * Ansible host patterns: `name`, `name:port`, `[v6addr]:port` and ranges (`node[1:3]`,
 * `node[01:03]`, `x[a:c]`, `y[1:6:2]`, several per name), exactly as
 * `ansible.parsing.utils.addresses.parse_address` and `expand_hostname_range` read them.
 */

const numericRange = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const hexRange = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const alnumRange = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const v6c = `(?:[0-9a-f]{1,4}|${hexRange})`;
const v4c = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${numericRange})`;
const W = "[\\p{L}\\p{N}_]";
const label = String.raw`(?:${W}|${alnumRange})(?:[\p{L}\p{N}_-]|${alnumRange})*(?<![_-])`;

const BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/u;
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/u;
const IPV4 = new RegExp(`^(?:${v4c}\\.){3}${v4c}$`, "iu");
const IPV6 = new RegExp(
  `^(?:${[
    `(?:${v6c}:){7}${v6c}`,
    `(?:${v6c}:){1,6}:`,
    `(?:${v6c}:)(?::${v6c}){1,6}`,
    `(?:${v6c}:){2}(?::${v6c}){1,5}`,
    `(?:${v6c}:){3}(?::${v6c}){1,4}`,
    `(?:${v6c}:){4}(?::${v6c}){1,3}`,
    `(?:${v6c}:){5}(?::${v6c}){1,2}`,
    `(?:${v6c}:){6}(?::${v6c})`,
    `:(?::${v6c}){1,6}`,
    `${v6c}?::`,
    `(?:0:){6}(?:${v6c}\\.){3}${v6c}`,
    `::(?:ffff:)?(?:${v6c}\\.){3}${v6c}`,
    `(?:0:){5}ffff:(?:${v6c}\\.){3}${v6c}`,
  ].join("|")})$`,
  "iu",
);
const HOSTNAME = new RegExp(`^${label}(?:\\.${label})*$`, "iu");

/** Why a host pattern could not be expanded; the message is Ansible's. */
export class HostPatternError extends Error {}

export interface ExpandedHostPattern {
  hosts: string[];
  /** Port given with `host:port`, else undefined. */
  port: number | undefined;
}

/** Default cap on how many host names one pattern may expand to (`node[0:99999999]` is refused). */
export const DEFAULT_MAX_RANGE_HOSTS = 1_000_000;

/** `parse_address(pattern, allow_ranges=True)`; a pattern that is not an address is kept as written. */
export function parseAddress(address: string): { host: string; port: number | undefined } {
  let port: number | undefined;
  let rest = address;
  for (const re of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const m = re.exec(rest);
    if (m) {
      rest = m[1]!;
      port = Number(m[2]);
    }
  }
  if (HOSTNAME.test(rest) || IPV4.test(rest) || IPV6.test(rest)) return { host: rest, port };
  return { host: address, port: undefined };
}

/** Ansible's `_expand_hostpattern`: split off a port, then expand every `[a:b(:step)]` range. */
export function expandHostPattern(pattern: string, maxHosts = DEFAULT_MAX_RANGE_HOSTS): ExpandedHostPattern {
  // no ':' means no port, no '[' means no range: the name is used as written whatever the regexes say
  if (!pattern.includes(":") && !pattern.includes("[")) return { hosts: [pattern], port: undefined };
  const { host, port } = parseAddress(pattern);
  const hosts = host.includes("[") ? expandHostnameRange(host, maxHosts) : [host];
  return { hosts, port };
}

const ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Python `int()` on a string: optional sign and surrounding whitespace, `_` between digits. */
function pyInt(text: string): number {
  const t = text.trim();
  if (!/^[+-]?[0-9](?:_?[0-9])*$/.test(t))
    throw new HostPatternError(`invalid literal for int() with base 10: '${text}'`);
  return Number(t.replaceAll("_", ""));
}

/** `expand_hostname_range`: the first `[...]` is expanded, then the results recursively. */
export function expandHostnameRange(line: string, maxHosts = DEFAULT_MAX_RANGE_HOSTS): string[] {
  const out: string[] = [];
  const expand = (name: string): void => {
    const replaced = name.replace("[", "|").replace("]", "|");
    const parts = replaced.split("|");
    if (parts.length !== 3)
      throw new HostPatternError(`host range '${name}' must be written [begin:end] or [begin:end:step]`);
    const [head, nrange, tail] = parts as [string, string, string];
    const bounds = nrange.split(":");
    if (bounds.length !== 2 && bounds.length !== 3)
      throw new HostPatternError("host range must be begin:end or begin:end:step");
    const beg = bounds[0] || "0";
    const end = bounds[1]!;
    const step = bounds.length === 2 ? "1" : bounds[2]!;
    if (!end) throw new HostPatternError("host range must specify end value");
    let fill = (x: string | number) => String(x);
    if (beg[0] === "0" && beg.length > 1) {
      const rlen = beg.length;
      if (rlen !== end.length)
        throw new HostPatternError("host range must specify equal-length begin and end formats");
      fill = (x) => String(x).padStart(rlen, "0");
    }
    let seq: (string | number)[];
    const iBeg = ASCII_LETTERS.indexOf(beg);
    const iEnd = ASCII_LETTERS.indexOf(end);
    const stepN = pyInt(step);
    if (iBeg >= 0 && iEnd >= 0 && stepN > 0) {
      if (iBeg > iEnd) throw new HostPatternError("host range must have begin <= end");
      seq = [];
      for (let i = iBeg; i <= iEnd; i += stepN) seq.push(ASCII_LETTERS[i]!);
    } else {
      const b = pyInt(beg);
      const e = pyInt(end);
      if (stepN === 0) throw new HostPatternError("range() arg 3 must not be zero");
      const count = stepN > 0 ? Math.max(0, Math.ceil((e + 1 - b) / stepN)) : 0;
      if (out.length + count > maxHosts)
        throw new HostPatternError(`host range '${name}' expands to more than ${maxHosts} hosts`);
      seq = [];
      for (let i = b; stepN > 0 ? i <= e : false; i += stepN) seq.push(i);
    }
    for (const r of seq) {
      const hname = head + fill(r) + tail;
      if (hname.includes("[")) expand(hname);
      else {
        if (out.length >= maxHosts)
          throw new HostPatternError(`host range expands to more than ${maxHosts} hosts`);
        out.push(hname);
      }
    }
  };
  expand(line);
  return out;
}
