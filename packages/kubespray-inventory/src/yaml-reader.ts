import type { Node } from "yaml";
import { InventoryError, InventoryParseError, type SourceLocation } from "./errors.js";
import { fastParseYaml } from "./fast-yaml.js";
import { expandHostPattern, HostPatternError } from "./host-pattern.js";
import { asLibyamlError, prepareYamlText } from "./libyaml-parity.js";
import { Inventory } from "./model.js";
import type { AnsibleValue } from "./values.js";
import { isMap, isScalar, isSeq, yamlPackage } from "./yaml-nodes.js";
import {
  type ConvertContext,
  DEFAULT_MAX_ALIAS_NODES,
  deref,
  keyText,
  locate,
  mappingEntries,
  nodeValue,
} from "./yaml-values.js";

export interface YamlReadOptions {
  /** File name used in error messages and locations. */
  file?: string;
  /** Cap on hosts one range pattern may produce (default 1,000,000). */
  maxRangeHosts?: number;
  /** Cap on nodes produced by alias expansion (default 100,000). */
  maxAliasNodes?: number;
  /** Use the fast reader for plain block-style files (default true); false always uses the `yaml` package. */
  fast?: boolean;
}

/** Parses YAML text into a `yaml` Document with Ansible-compatible options; syntax errors become InventoryParseError. */
export function parseYamlDocument(text: string, file: string | undefined) {
  const { LineCounter, parseDocument } = yamlPackage();
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    version: "1.1",
    uniqueKeys: false,
    merge: true,
    lineCounter: lines,
    prettyErrors: false,
    keepSourceTokens: false,
  });
  const err = doc.errors[0];
  if (err) {
    const { message, offset } = asLibyamlError(err.code, err.message.split("\n")[0]!, text, err.pos[0]);
    const pos = lines.linePos(offset);
    throw new InventoryParseError(
      `YAML_${err.code}`,
      message,
      { file, line: pos.line, column: pos.col },
      err.code === "MULTIPLE_DOCS"
        ? "an inventory file holds one YAML document"
        : "fix the YAML syntax at this position",
    );
  }
  return { doc, lines };
}

/**
 * Reads a YAML inventory as Ansible's `yaml` inventory plugin does: top-level keys are groups, each
 * with optional `hosts` (host → vars or null), `vars` and `children` (group → body or null); host keys
 * may be ranges. Scalars are typed as PyYAML (YAML 1.1) types them; anchors, aliases and merge keys
 * work; alias expansion is bounded.
 */
export function parseYamlInventory(text: string, options: YamlReadOptions = {}): Inventory {
  const inv = new Inventory();
  inv.file = options.file;
  readYamlInto(inv, text, options);
  inv.reconcile();
  return inv;
}

export function readYamlInto(inv: Inventory, text: string, options: YamlReadOptions = {}): void {
  const file = options.file;
  const source = prepareYamlText(text, file);
  const { doc, lines } =
    (options.fast !== false ? fastParseYaml(source) : undefined) ?? parseYamlDocument(source, file);
  const ctx: ConvertContext = {
    doc,
    lines,
    file,
    aliasBudget: options.maxAliasNodes ?? DEFAULT_MAX_ALIAS_NODES,
    warn: (code, message, location) => inv.warnings.push({ code, message, location }),
  };
  const root = deref(doc.contents, ctx);
  const rootLoc = locate(ctx, root as Node);
  const fail = (code: string, message: string, loc: SourceLocation, hint: string): never => {
    throw new InventoryParseError(code, message, loc, hint);
  };
  if (root === null || (isScalar(root) && (root.value === null || root.value === ""))) {
    fail("YAML_EMPTY", "Parsed empty YAML file", rootLoc, "an inventory needs at least 'all:'");
  }
  if (!isMap(root))
    fail(
      "YAML_NOT_MAPPING",
      "YAML inventory has invalid structure, it should be a dictionary",
      rootLoc,
      "the top level maps group names to group bodies: all: {hosts: …, children: …}",
    );
  const top = mappingEntries(root, ctx);
  if (top.length === 0)
    fail("YAML_EMPTY", "Parsed empty YAML file", rootLoc, "an inventory needs at least 'all:'");
  if (top.some((e) => e.key === "plugin"))
    fail(
      "YAML_PLUGIN_CONFIG",
      "Plugin configuration YAML file, not YAML inventory",
      rootLoc,
      "this file configures a dynamic inventory plugin",
    );

  const rethrowAt = (e: unknown, loc: SourceLocation): never => {
    if (e instanceof InventoryError && !(e instanceof InventoryParseError))
      throw new InventoryParseError(e.code, e.message, loc, "fix the group structure", { cause: e });
    throw e;
  };
  const wrap = <T>(loc: SourceLocation, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      return rethrowAt(e, loc);
    }
  };

  const parseGroup = (groupKey: AnsibleValue, keyNode: unknown, bodyNode: unknown): string | undefined => {
    const keyLoc = locate(ctx, keyNode as Node);
    const body = deref(bodyNode, ctx);
    const isNull = body === null || body === undefined || (isScalar(body) && nodeValue(body, ctx) === null);
    if (!isNull && !isMap(body)) {
      inv.warnings.push({
        code: "YAML_GROUP_NOT_MAPPING",
        message: `Skipping '${keyText(groupKey)}' as this is not a valid group definition`,
        location: keyLoc,
      });
      return typeof groupKey === "string" ? groupKey : undefined;
    }
    if (typeof groupKey !== "string")
      fail(
        "YAML_GROUP_NAME_TYPE",
        `Unable to add group ${keyText(groupKey)}: Invalid group name supplied, expected a string`,
        keyLoc,
        "quote the group name",
      );
    const group = groupKey as string;
    wrap(keyLoc, () => inv.addGroup(group, keyLoc));
    if (isNull) return group;
    const sections = mappingEntries(body, ctx);
    const sectionNodes = new Map<string, unknown>();
    for (const s of sections) {
      const name = typeof s.key === "string" ? s.key : keyText(s.key);
      let v = deref(s.value, ctx);
      if (["vars", "children", "hosts"].includes(name)) {
        if (isScalar(v) && typeof nodeValue(v, ctx) === "string") v = { __single: v };
        else if (!(v === null || v === undefined || isMap(v) || (isScalar(v) && nodeValue(v, ctx) === null)))
          fail(
            "YAML_SECTION_NOT_MAPPING",
            `Invalid "${name}" entry for "${group}" group, requires a dictionary, found "${describe(v)}" instead.`,
            locate(ctx, (s.value ?? s.keyNode) as Node),
            name === "hosts"
              ? "hosts is a mapping: write 'node1:' (one per line), not '- node1'"
              : `${name} is a mapping of name: value`,
          );
      }
      sectionNodes.set(name, v);
      const keyLoc2 = locate(ctx, s.keyNode as Node);
      if (v === null || v === undefined || (isScalar(v) && nodeValue(v, ctx) === null)) continue;
      const entries = isSingle(v)
        ? [{ key: nodeValue(v.__single, ctx), keyNode: v.__single, value: null as unknown }]
        : isMap(v)
          ? mappingEntries(v, ctx)
          : undefined;
      if (!entries) {
        inv.warnings.push({
          code: "YAML_SKIPPED_KEY",
          message: `Skipping key (${name}) in group (${group}) as it is not a mapping`,
          location: keyLoc2,
        });
        continue;
      }
      if (name === "vars") {
        for (const e of entries)
          inv.setVariable(group, keyText(e.key), nodeValue(e.value, ctx), locate(ctx, e.keyNode as Node));
      } else if (name === "children") {
        for (const e of entries) {
          const sub = parseGroup(e.key, e.keyNode, e.value);
          if (sub !== undefined) wrap(locate(ctx, e.keyNode as Node), () => inv.addChild(group, sub));
        }
      } else if (name === "hosts") {
        for (const e of entries) {
          const loc = locate(ctx, e.keyNode as Node);
          if (typeof e.key !== "string")
            fail(
              "YAML_HOST_PATTERN_TYPE",
              `Host pattern ${keyText(e.key)} must be a string. Enclose integers/floats in quotation marks.`,
              loc,
              "quote the host name",
            );
          let expanded: { hosts: string[]; port: number | undefined };
          try {
            expanded = expandHostPattern(e.key as string, options.maxRangeHosts);
          } catch (err) {
            if (!(err instanceof HostPatternError)) throw err;
            return fail(
              "YAML_HOST_RANGE",
              err.message,
              loc,
              "ranges are written node[1:3], node[01:10] or node[a:c]",
            );
          }
          const hv = deref(e.value, ctx);
          const hostVarEntries =
            hv === null || hv === undefined ? [] : isMap(hv) ? mappingEntries(hv, ctx) : undefined;
          if (hostVarEntries === undefined) {
            const value = nodeValue(hv, ctx);
            if (
              value !== null &&
              value !== false &&
              value !== 0 &&
              value !== "" &&
              !(Array.isArray(value) && value.length === 0)
            )
              fail(
                "YAML_HOST_VARS_NOT_MAPPING",
                `Invalid data from file, expected dictionary and got: ${keyText(value)}`,
                locate(ctx, hv as Node),
                "a host's value is a mapping of variables (or empty)",
              );
          }
          const keys: string[] = [];
          const values: AnsibleValue[] = [];
          const locs: SourceLocation[] = [];
          for (const x of hostVarEntries ?? []) {
            keys.push(keyText(x.key));
            values.push(nodeValue(x.value, ctx));
            locs.push(locate(ctx, x.keyNode as Node));
          }
          for (const h of expanded.hosts) {
            try {
              inv.addHost(h, group, expanded.port, loc);
            } catch (err) {
              rethrowAt(err, loc);
            }
            for (let i = 0; i < keys.length; i++) inv.setVariable(h, keys[i]!, values[i]!, locs[i]);
          }
        }
      } else {
        inv.warnings.push({
          code: "YAML_UNEXPECTED_KEY",
          message: `Skipping unexpected key (${name}) in group (${group}), only "vars", "children" and "hosts" are valid`,
          location: keyLoc2,
        });
      }
    }
    return group;
  };

  for (const e of top) parseGroup(e.key, e.keyNode, e.value);
}

function isSingle(v: unknown): v is { __single: unknown } {
  return typeof v === "object" && v !== null && "__single" in v;
}

function describe(v: unknown): string {
  if (isScalar(v)) return typeof v.value;
  return isSeq(v) ? "list" : "value";
}
