import { type Document, isMap, isScalar, type Node, type YAMLMap } from "yaml";
import { InventoryError } from "./errors.js";
import { expandHostPattern } from "./host-pattern.js";
import { iniHostValue } from "./ini-writer.js";
import { type InventoryFormat, parseInventory } from "./read-inventory.js";
import { shlexSplit } from "./shlex.js";
import { pyStrip } from "./text.js";
import type { AnsibleValue, Vars } from "./values.js";
import { parseYamlDocument } from "./yaml-reader.js";
import { forYaml, quoteForPyYaml } from "./yaml-writer.js";

/** One change to an inventory file. */
export type InventoryEdit =
  | { op: "add-host"; host: string; vars?: Vars; groups: string[] }
  | { op: "remove-host"; host: string }
  | { op: "set-host-var"; host: string; key: string; value: AnsibleValue };

/**
 * Applies edits to inventory TEXT with the smallest change: only the lines of the hosts concerned are
 * added or removed (comments, order, spacing and every other host stay as they were). New hosts are
 * appended to their groups, so the first control plane never changes. The result is read back to
 * check every edit took effect (InventoryError EDIT_NOT_APPLIED otherwise). A host written as part of
 * a range (`node[1:3]`) cannot be removed alone: EDIT_HOST_IN_RANGE.
 */
export function editInventoryText(
  text: string,
  format: InventoryFormat,
  edits: readonly InventoryEdit[],
): string {
  const out = format === "ini" ? editIni(text, edits) : editYaml(text, edits);
  const inv = parseInventory(out, { format });
  for (const e of edits) {
    const ok =
      e.op === "remove-host"
        ? !inv.hosts.has(e.host)
        : e.op === "add-host"
          ? e.groups.every((g) => inv.groups.get(g)?.hosts.includes(e.host)) && inv.hosts.has(e.host)
          : inv.hostVars(e.host)[e.key] !== undefined;
    if (!ok) throw new InventoryError("EDIT_NOT_APPLIED", `edit ${e.op} ${e.host} did not take effect`);
  }
  return out;
}

// ---------------------------------------------------------------- INI

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/u;

interface IniLine {
  raw: string;
  group: string;
  state: string;
  kind: "blank" | "comment" | "header" | "entry";
}

function scanIni(lines: string[]): IniLine[] {
  let group = "ungrouped";
  let state = "hosts";
  return lines.map((raw) => {
    const t = pyStrip(raw).text;
    if (!t) return { raw, group, state, kind: "blank" };
    if (t[0] === "#" || t[0] === ";") return { raw, group, state, kind: "comment" };
    const m = SECTION.exec(t);
    if (m) {
      group = m[1]!;
      state = m[2] ?? "hosts";
      return { raw, group, state, kind: "header" };
    }
    return { raw, group, state, kind: "entry" };
  });
}

function hostsOfLine(raw: string): {
  hosts: string[];
  tokens: ReturnType<typeof shlexSplit>["tokens"];
  offset: number;
} {
  const { text, offset } = pyStrip(raw);
  const { tokens } = shlexSplit(text);
  return { hosts: tokens[0] ? expandHostPattern(tokens[0].value).hosts : [], tokens, offset };
}

function hostLine(host: string, vars: Vars | undefined): string {
  return [host, ...Object.entries(vars ?? {}).map(([k, v]) => `${k}=${iniHostValue(v, k)}`)].join(" ");
}

function editIni(text: string, edits: readonly InventoryEdit[]): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const finalNewline = lines[lines.length - 1] === "";
  if (finalNewline) lines.pop();
  /** Index after the last entry of the last `[group]` hosts section (or of the top area), or -1. */
  const insertionPoint = (group: string): number => {
    const scan = scanIni(lines);
    let last = -1;
    for (let i = 0; i < scan.length; i++) {
      const l = scan[i]!;
      if (
        l.group === group &&
        l.state === "hosts" &&
        (l.kind === "entry" || (l.kind === "header" && group !== "ungrouped"))
      )
        last = i;
    }
    return last === -1 ? -1 : last + 1;
  };
  for (const e of edits) {
    if (e.op === "add-host") {
      const scan = scanIni(lines);
      const topHasHosts = scan.some(
        (l) => l.group === "ungrouped" && l.kind === "entry" && l.state === "hosts",
      );
      const allSection = insertionPoint("all");
      let varsPlaced = false;
      if (topHasHosts) {
        lines.splice(insertionPoint("ungrouped"), 0, hostLine(e.host, e.vars));
        varsPlaced = true;
      } else if (allSection !== -1) {
        lines.splice(allSection, 0, hostLine(e.host, e.vars));
        varsPlaced = true;
      }
      e.groups.forEach((g, i) => {
        const line = !varsPlaced && i === 0 ? hostLine(e.host, e.vars) : e.host;
        const at = insertionPoint(g);
        if (at === -1) {
          if (lines.length && pyStrip(lines[lines.length - 1]!).text !== "") lines.push("");
          lines.push(`[${g}]`, line);
        } else lines.splice(at, 0, line);
      });
      if (!varsPlaced && e.groups.length === 0) lines.push(hostLine(e.host, e.vars));
    } else if (e.op === "remove-host") {
      const scan = scanIni(lines);
      for (let i = scan.length - 1; i >= 0; i--) {
        const l = scan[i]!;
        if (l.kind !== "entry" || l.state !== "hosts") continue;
        const { hosts } = hostsOfLine(l.raw);
        if (!hosts.includes(e.host)) continue;
        if (hosts.length > 1)
          throw new InventoryError(
            "EDIT_HOST_IN_RANGE",
            `line ${i + 1}: ${e.host} is part of a host range; expand the range first`,
          );
        lines.splice(i, 1);
      }
    } else {
      const scan = scanIni(lines);
      const idx = scan.findIndex(
        (l) => l.kind === "entry" && l.state === "hosts" && hostsOfLine(l.raw).hosts.includes(e.host),
      );
      if (idx === -1) throw new InventoryError("EDIT_UNKNOWN_HOST", `no host line for ${e.host}`);
      const raw = lines[idx]!;
      const { tokens, offset } = hostsOfLine(raw);
      const token = `${e.key}=${iniHostValue(e.value, e.key)}`;
      const existing = tokens.slice(1).find((t) => t.value.startsWith(`${e.key}=`));
      lines[idx] = existing
        ? raw.slice(0, offset + existing.offset) + token + raw.slice(offset + existing.end)
        : `${raw.slice(0, offset + tokens[tokens.length - 1]!.end)} ${token}${raw.slice(offset + tokens[tokens.length - 1]!.end)}`;
    }
  }
  return lines.join(eol) + (finalNewline ? eol : "");
}

// ---------------------------------------------------------------- YAML

function detectIndent(text: string): number {
  const m = /^( +)\S/m.exec(text);
  return m ? m[1]!.length : 2;
}

/** Every group body (map or null) in the document, with the map holding it, in document order. */
function groupBodies(doc: Document): { name: string; parent: YAMLMap; body: unknown }[] {
  const out: { name: string; parent: YAMLMap; body: unknown }[] = [];
  const walk = (map: unknown) => {
    if (!isMap(map)) return;
    for (const pair of map.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      out.push({ name, parent: map, body: pair.value });
      if (isMap(pair.value)) walk(getNode(pair.value, "children"));
    }
  };
  walk(doc.contents);
  return out;
}

const getNode = (map: YAMLMap, key: unknown): unknown => map.get(key, true) as unknown;

function editYaml(text: string, edits: readonly InventoryEdit[]): string {
  const { doc } = parseYamlDocument(text, undefined) as { doc: Document };
  const create = (v: unknown) => {
    const n = doc.createNode(forYaml(v)) as Node;
    quoteForPyYaml(n);
    return n;
  };
  const ensureMap = (parent: YAMLMap, key: string): YAMLMap => {
    let m = getNode(parent, key);
    if (!isMap(m)) {
      m = doc.createNode({}) as YAMLMap;
      parent.set(key, m);
    }
    const map = m as YAMLMap;
    if (map.items.length === 0) map.flow = false;
    return map;
  };
  for (const e of edits) {
    let root: unknown = doc.contents;
    if (!isMap(root)) {
      root = doc.createNode({}) as YAMLMap;
      doc.contents = root as YAMLMap;
    }
    if (e.op === "add-host") {
      let all = getNode(root as YAMLMap, "all");
      if (!isMap(all)) {
        all = doc.createNode({}) as YAMLMap;
        (root as YAMLMap).set("all", all);
      }
      const allHosts = ensureMap(all as YAMLMap, "hosts");
      allHosts.set(create(e.host), e.vars && Object.keys(e.vars).length ? create(e.vars) : null);
      for (const g of e.groups) {
        const found = groupBodies(doc).filter((b) => b.name === g);
        const target = found.find((b) => isMap(b.body) && (b.body as YAMLMap).has("hosts")) ?? found[0];
        if (target) {
          let body = target.body;
          if (!isMap(body)) {
            body = doc.createNode({}) as YAMLMap;
            target.parent.set(g, body);
          }
          ensureMap(body as YAMLMap, "hosts").set(create(e.host), null);
        } else {
          const children = ensureMap(all as YAMLMap, "children");
          children.set(g, create({ hosts: { [e.host]: null } }));
        }
      }
    } else if (e.op === "remove-host") {
      for (const b of groupBodies(doc)) {
        if (!isMap(b.body)) continue;
        const hosts = getNode(b.body, "hosts");
        if (!isMap(hosts)) continue;
        for (const pair of [...hosts.items]) {
          const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          const expanded = expandHostPattern(key).hosts;
          if (!expanded.includes(e.host)) continue;
          if (expanded.length > 1)
            throw new InventoryError(
              "EDIT_HOST_IN_RANGE",
              `${e.host} is part of host range ${key}; expand the range first`,
            );
          hosts.delete(pair.key);
        }
      }
    } else {
      const holders = groupBodies(doc)
        .map((b) => (isMap(b.body) ? getNode(b.body, "hosts") : undefined))
        .filter((h): h is YAMLMap => isMap(h));
      const holder = holders.find((h) => isMap(getNode(h, e.host))) ?? holders.find((h) => h.has(e.host));
      if (!holder) throw new InventoryError("EDIT_UNKNOWN_HOST", `no entry for host ${e.host}`);
      let vars = getNode(holder, e.host);
      if (!isMap(vars)) {
        vars = doc.createNode({}) as YAMLMap;
        holder.set(e.host, vars);
      }
      (vars as YAMLMap).set(e.key, create(e.value));
    }
  }
  return restoreCommentLayout(text, doc.toString({ indent: detectIndent(text), lineWidth: 0, nullStr: "" }));
}

/** A line with the blanks before an inline ` #` comment collapsed to one (how the `yaml` package prints it). */
const commentKey = (line: string) => line.replace(/(\S)[ ]+#/, "$1 #");

/**
 * The `yaml` package re-spaces comments it keeps: `a: 1  # c` comes out as `a: 1 # c`, and a
 * comment after a `key:` that opens a nested block moves to its own line under the key. Every output
 * line that differs from an original line only in that way is given back as it was written, so an
 * edit changes only the lines it has to.
 */
function restoreCommentLayout(original: string, printed: string): string {
  const unused = new Map<string, string[]>();
  for (const line of original.split("\n")) {
    const key = commentKey(line);
    if (key === line && !/^\s*\S.*:\s+#/.test(line)) continue;
    const list = unused.get(key);
    if (list) list.push(line);
    else unused.set(key, [line]);
  }
  if (unused.size === 0) return printed;
  const take = (key: string) => unused.get(key)?.shift();
  const lines = printed.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const moved = /^\s*(#.*)$/.exec(lines[i + 1] ?? "");
    if (moved && /^\s*\S.*:$/.test(line)) {
      const joined = take(`${line} ${moved[1]}`);
      if (joined !== undefined) {
        out.push(joined);
        i++;
        continue;
      }
    }
    out.push(take(commentKey(line)) ?? line);
  }
  return out.join("\n");
}
