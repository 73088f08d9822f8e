import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import {
  formatFromFileName,
  InventoryParseError,
  readInventory,
  toAnsibleJson,
  toAnsibleList,
} from "@homelab-kit/kubespray-inventory";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type AnsibleResult, ansibleListAll, cleanupAnsible } from "./ansible.js";

/**
 * Byte-level oddities of inventory files (fixtures/encodings/, made by its make.py, see its README):
 * for each, `readInventory` must do what `ansible-inventory -i FILE --list` does — the same output,
 * byte for byte, or a refusal (InventoryParseError) carrying Ansible's reason at Ansible's line.
 */
const SRC = join(import.meta.dirname, "fixtures/encodings");
// Ansible wraps its warnings at 79 columns and breaks words longer than that: the fixtures are run
// from a short path so that the file name and its ":LINE:" are never cut
const DIR = mkdtempSync(join(tmpdir(), "ks-enc-"));

function fixtures(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? fixtures(join(dir, e.name))
        : /\.(py|md)$|^\./.test(e.name)
          ? []
          : [join(dir, e.name)],
    )
    .sort();
}
const names = fixtures(SRC).map((f) => relative(SRC, f));
const fileOf = (name: string) => join(DIR, basename(name));
let results = new Map<string, AnsibleResult>();

beforeAll(async () => {
  for (const name of names) copyFileSync(join(SRC, name), fileOf(name));
  results = await ansibleListAll(names.map(fileOf));
});

afterAll(() => {
  rmSync(DIR, { recursive: true, force: true });
  cleanupAnsible();
});

/** Python's textwrap re-joined: its white space is ASCII only (a no-break space or BOM is text). */
const flatten = (s: string) => s.replace(/[\t\n\v\f\r ]+/g, " ");

/**
 * The reason one plugin gave, from ansible-inventory's stderr (warnings joined back into one line):
 * the `yaml` plugin's for .yml, .yaml, .json files (our reader reports the YAML error there), the
 * `ini` plugin's for the others — also for a file without extension, which both plugins try.
 */
function ansibleReason(file: string, stderr: string): string {
  const plugin = formatFromFileName(file) === "yaml" ? "yaml" : "ini";
  const flat = flatten(stderr);
  // "s": a reason may quote a U+2028 or U+0085 from the file, which "." would not cross
  const m = new RegExp(` with ${plugin} plugin: (.*?)(?: \\[WARNING\\]| ERROR!|$)`, "s").exec(flat);
  if (!m) throw new Error(`no ${plugin} plugin failure in: ${flat}`);
  return m[1]!;
}

/** Our message without its `file:line:column: ` prefix, its hint and a trailing parenthesis; lone surrogates printed as Ansible prints them. */
function ourReason(err: InventoryParseError): string {
  const first = err.message.split("\n")[0]!.slice(`${err.file}:${err.line}:${err.column}: `.length);
  return first.replace(/ \([^()]*\)$/, "").replace(/[\uD800-\uDFFF]/g, "?");
}

/** The line Ansible names: `FILE:N:` (INI) or `line N, column C` (a YAML syntax error), if any. */
function ansibleLine(reason: string): number | undefined {
  const m = /:(\d+): /.exec(reason) ?? /line (\d+), column \d+/.exec(reason);
  return m ? Number(m[1]) : undefined;
}

describe("ansible-inventory --list vs readInventory() on encoding and byte-level oddities", () => {
  for (const name of names) {
    test(name, () => {
      const file = fileOf(name);
      const r = results.get(file)!;
      if (r.code === 0) {
        const inv = readInventory(file);
        expect(toAnsibleJson(toAnsibleList(inv))).toBe(r.stdout.trimEnd());
        return;
      }
      let err: unknown;
      try {
        readInventory(file);
      } catch (e) {
        err = e;
      }
      expect(err, `ansible-inventory refused it:\n${r.stderr}`).toBeInstanceOf(InventoryParseError);
      const e = err as InventoryParseError;
      const theirs = ansibleReason(file, r.stderr);
      expect(theirs).toContain(flatten(ourReason(e)));
      const line = ansibleLine(theirs);
      if (line !== undefined) expect(e.line).toBe(line);
      // libyaml's reader gives the offset (in UTF-8 bytes) of a character it refuses
      const position = /position (\d+)$/.exec(theirs) ?? /"<unicode string>", position (\d+)/.exec(theirs);
      if (position && /^unacceptable character/.test(ourReason(e)))
        expect(e.message).toContain(`(position ${position[1]})`);
    });
  }

  test("every kind of outcome is covered: accepted, refused by the INI plugin, by the YAML loader", () => {
    const codes = names.map((n) => results.get(fileOf(n))!.code);
    const accepted = codes.filter((c) => c === 0).length;
    // counts as ansible-core 2.14.18 (Debian bookworm) gives them; a change says which behaviour moved
    expect({ accepted, refused: codes.length - accepted }).toEqual({ accepted: 85, refused: 43 });
  });
});
