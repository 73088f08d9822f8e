import { InventoryError, InventoryParseError, type SourceLocation } from "./errors.js";
import { expandHostPattern, HostPatternError } from "./host-pattern.js";
import { Inventory, UNGROUPED } from "./model.js";
import { literalEval } from "./python-literal.js";
import { ShlexError, shlexSplit } from "./shlex.js";
import { isPyWhitespace, pySplitLines, pyStrip } from "./text.js";
import type { AnsibleValue } from "./values.js";

export interface ReadOptions {
  /** File name used in error messages and locations. */
  file?: string;
  /** Cap on hosts one range pattern may produce (default 1,000,000). */
  maxRangeHosts?: number;
}

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/u;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/u;
/** A host line that is one plain name: none of shlex's whitespace, quotes, escapes or comments, no range or port. */
const PLAIN_HOST = /^[^\s'"\\#[:]+$/;
const KEY_VALUE_IN_COMMENT = /(?:^|\s)[A-Za-z_][A-Za-z0-9_]*=\S/;

/** Ansible's INI typing: `ast.literal_eval`, else the text itself. */
export function typeIniValue(text: string): AnsibleValue {
  const v = literalEval(text);
  return v === undefined ? text : v;
}

interface Pending {
  line: number;
  state: "vars" | "children";
  name: string;
  parents: string[];
}

/**
 * Reads an INI inventory exactly as Ansible's `ini` inventory plugin does (ansible-core 2.14–2.18),
 * then reconciles it (`ungrouped`, parentless groups under `all`). Throws `InventoryParseError`
 * (line, column, hint) wherever Ansible would refuse the file.
 */
export function parseIniInventory(text: string, options: ReadOptions = {}): Inventory {
  const inv = new Inventory();
  inv.file = options.file;
  readIniInto(inv, text, options);
  inv.reconcile();
  return inv;
}

/** Reads INI text into an existing inventory (no reconcile): what one `-i FILE` source adds. */
export function readIniInto(inv: Inventory, text: string, options: ReadOptions = {}): void {
  const file = options.file;
  const lines = pySplitLines(text);
  const pending = new Map<string, Pending>();
  let groupname = UNGROUPED;
  let state = "hosts";
  const at = (line: number, column: number): SourceLocation => ({ file, line, column });
  const fail = (code: string, line: number, column: number, message: string, hint: string): never => {
    throw new InventoryParseError(code, message, at(line, column), hint);
  };

  for (let index = 0; index < lines.length; index++) {
    const lineno = index + 1;
    const raw = lines[index]!;
    // most lines have nothing to strip: no {text, offset} object for them
    const { text: line, offset } =
      isPyWhitespace(raw[0]) || isPyWhitespace(raw[raw.length - 1]) ? pyStrip(raw) : { text: raw, offset: 0 };
    const col = offset + 1;
    if (!line || line[0] === "#" || line[0] === ";") continue;

    const m = line[0] === "[" ? SECTION.exec(line) : null;
    if (m) {
      groupname = m[1]!;
      const suffix = m[2] ?? "hosts";
      if (suffix !== "hosts" && suffix !== "children" && suffix !== "vars") {
        fail(
          "INI_SECTION_TYPE",
          lineno,
          col + 1 + groupname.length + 1,
          `Section [${groupname}:${suffix}] has unknown type: ${suffix}`,
          `a section is [group], [group:children] or [group:vars]`,
        );
      }
      state = suffix;
      if (!inv.groups.has(groupname)) {
        if (state === "vars" && !pending.has(groupname))
          pending.set(groupname, { line: lineno, state: "vars", name: groupname, parents: [] });
        inv.addGroup(groupname, at(lineno, col));
      }
      const p = pending.get(groupname);
      if (p && state !== "vars") {
        if (p.state === "children") addPendingChildren(inv, groupname, pending);
        else pending.delete(groupname);
      }
      continue;
    }
    if (line.startsWith("[") && line.endsWith("]")) {
      fail(
        "INI_SECTION_INVALID",
        lineno,
        col,
        `Invalid section entry: '${line}'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters`,
        "group names may not contain spaces, ':' or ']'; write [group], [group:children] or [group:vars]",
      );
    }

    if (state === "hosts") {
      if (PLAIN_HOST.test(line) && line !== "---") {
        // a bare host name (no variables, range, port, quote or comment): what readHostLine would do, without its parsing
        try {
          inv.addHost(line, groupname, undefined, inv.hosts.has(line) ? undefined : at(lineno, col));
        } catch (e) {
          rethrowAt(e, lineno, col);
        }
      } else readHostLine(inv, line, lineno, col, groupname, options);
    } else if (state === "vars") {
      const eq = line.indexOf("=");
      if (eq < 0)
        fail(
          "INI_VARS_EXPECTED_KV",
          lineno,
          col,
          `Expected key=value, got: ${line}`,
          `a [${groupname}:vars] section holds one 'name=value' per line`,
        );
      const key = pyStrip(line.slice(0, eq)).text;
      const raw = pyStrip(line.slice(eq + 1)).text;
      inv.setVariable(groupname, key, typeIniValue(raw), at(lineno, col));
    } else {
      const gm = GROUP_NAME.exec(line);
      if (!gm)
        fail(
          "INI_CHILDREN_EXPECTED_GROUP",
          lineno,
          col,
          `Expected group name, got: ${line}`,
          `a [${groupname}:children] section lists one group name per line (hosts go in [${groupname}])`,
        );
      const child = gm![1]!;
      if (!inv.groups.has(child)) {
        const p = pending.get(child);
        if (!p) pending.set(child, { line: lineno, state: "children", name: child, parents: [groupname] });
        else p.parents.push(groupname);
      } else {
        try {
          inv.addChild(groupname, child);
        } catch (e) {
          rethrowAt(e, lineno, col);
        }
      }
    }
  }

  for (const decl of pending.values()) {
    if (decl.state === "vars")
      fail(
        "INI_VARS_UNDEFINED_GROUP",
        decl.line,
        1,
        `Section [${decl.name}:vars] not valid for undefined group: ${decl.name}`,
        `declare the group with a [${decl.name}] or [${decl.name}:children] section, or fix the name`,
      );
    fail(
      "INI_UNDEFINED_CHILD_GROUP",
      decl.line,
      1,
      `Section [${decl.parents[decl.parents.length - 1]}:children] includes undefined group: ${decl.name}`,
      `declare [${decl.name}] somewhere in the file, or fix the name (legacy names such as kube-master must be declared too)`,
    );
  }

  function readHostLine(
    inv: Inventory,
    line: string,
    lineno: number,
    col: number,
    group: string,
    opts: ReadOptions,
  ): void {
    let split: ReturnType<typeof shlexSplit> = { tokens: [], commentAt: undefined };
    try {
      split = shlexSplit(line);
    } catch (e) {
      if (!(e instanceof ShlexError)) throw e;
      fail(
        "INI_HOST_QUOTING",
        lineno,
        col + e.offset,
        `Error parsing host definition '${line}': ${e.message}`,
        "close the quote; a value with spaces is written key=\"a b\" or key='a b'",
      );
    }
    const { tokens, commentAt } = split;
    if (commentAt !== undefined && KEY_VALUE_IN_COMMENT.test(line.slice(commentAt + 1))) {
      inv.warnings.push({
        code: "INI_VARS_IN_COMMENT",
        message: `host line has key=value pairs after '#': they are a comment and ignored (${line.slice(commentAt).trim()})`,
        location: at(lineno, col + commentAt),
      });
    }
    const first = tokens[0] ?? { value: "", offset: 0 };
    const pattern = first.value;
    let expanded: { hosts: string[]; port: number | undefined } = { hosts: [], port: undefined };
    try {
      expanded = expandHostPattern(pattern, opts.maxRangeHosts);
    } catch (e) {
      if (!(e instanceof HostPatternError)) throw e;
      fail(
        "INI_HOST_RANGE",
        lineno,
        col + first.offset,
        e.message,
        "ranges are written node[1:3], node[01:10] or node[a:c], with an optional :step",
      );
    }
    if (expanded.port === undefined && pattern.includes(":") && pyStrip(pattern).text.endsWith(":")) {
      const yamlish = /^[A-Za-z0-9_.-]+:$/.test(pattern);
      fail(
        "INI_HOST_PATTERN_COLON",
        lineno,
        col + first.offset + pattern.length - 1,
        `Invalid host pattern '${pattern}' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`,
        yamlish
          ? "this looks like YAML: name the file .yml/.yaml so it is read as a YAML inventory"
          : "write host:port with a number after ':'",
      );
    }
    for (const h of expanded.hosts) {
      if (h.length >= 3 && pyStrip(h).text === "---")
        fail(
          "INI_HOST_PATTERN_YAML",
          lineno,
          col + first.offset,
          `Invalid host pattern '${pattern}' supplied, '---' is normally a sign this is a YAML file.`,
          "name the file .yml/.yaml so it is read as a YAML inventory",
        );
    }
    const hostCol = col + first.offset;
    const keys: string[] = [];
    const values: AnsibleValue[] = [];
    const locs: SourceLocation[] = [];
    for (let ti = 1; ti < tokens.length; ti++) {
      const t = tokens[ti]!;
      const eq = t.value.indexOf("=");
      if (eq < 0)
        fail(
          "INI_HOST_EXPECTED_KV",
          lineno,
          col + t.offset,
          `Expected key=value host variable assignment, got: ${t.value}`,
          /:$/.test(pattern) || /^-/.test(pattern)
            ? "this looks like YAML: name the file .yml/.yaml"
            : "after the host name only key=value pairs may follow; quote values that contain spaces",
        );
      const key = t.value.slice(0, eq);
      const value = typeIniValue(t.value.slice(eq + 1));
      const seen = keys.indexOf(key); // a repeated key keeps its first place and its last value, as a dict does
      if (seen >= 0) {
        values[seen] = value;
        locs[seen] = at(lineno, col + t.offset);
      } else {
        keys.push(key);
        values.push(value);
        locs.push(at(lineno, col + t.offset));
      }
    }
    // the location objects are shared by every host of a range: they describe the same line
    for (const h of expanded.hosts) {
      try {
        inv.addHost(h, group, expanded.port, inv.hosts.has(h) ? undefined : at(lineno, hostCol));
      } catch (e) {
        rethrowAt(e, lineno, hostCol);
      }
      for (let i = 0; i < keys.length; i++) inv.setVariable(h, keys[i]!, values[i]!, locs[i]);
    }
  }

  function rethrowAt(e: unknown, line: number, column: number): never {
    if (e instanceof InventoryError && !(e instanceof InventoryParseError))
      throw new InventoryParseError(e.code, e.message, at(line, column), "fix the group structure", {
        cause: e,
      });
    throw e;
  }
}

function addPendingChildren(inv: Inventory, group: string, pending: Map<string, Pending>): void {
  const p = pending.get(group)!;
  for (const parent of p.parents) {
    inv.addChild(parent, group);
    const pp = pending.get(parent);
    if (pp && pp.state === "children") addPendingChildren(inv, parent, pending);
  }
  pending.delete(group);
}
