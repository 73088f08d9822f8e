import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { toAnsibleList } from "./ansible-list.js";
import { type BuildOptions, buildInventory, planChanges, type VmInput } from "./build.js";
import { editInventoryText, type InventoryEdit } from "./edit.js";
import { isInventoryError } from "./errors.js";
import { writeIni } from "./ini-writer.js";
import { migrateInventory } from "./migrate.js";
import { formatFromFileName, type InventoryFormat, parseInventory, readInventory } from "./read-inventory.js";
import { replaceLoneSurrogates } from "./text.js";
import { type ValidateOptions, validateInventory } from "./validate.js";
import { toAnsibleJson } from "./values.js";
import { writeYaml } from "./yaml-writer.js";

/** Exit codes scripts can rely on. */
export const EXIT = {
  /** Success; `validate`: no errors (warnings allowed unless --strict). */
  OK: 0,
  /** `validate`: the inventory has errors (or warnings with --strict). */
  FINDINGS: 1,
  /** The input cannot be read: syntax error, missing file, unwritable value. */
  INPUT: 2,
  /** Bad command line. */
  USAGE: 64,
} as const;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const USAGE = `Usage: kubespray-inventory <command> [options]

Commands:
  validate PATH      check Kubespray's static asserts (exit 1 on errors)
  list PATH          print what 'ansible-inventory -i PATH --list' prints
  convert PATH       write the inventory in Kubespray's canonical layout (--to ini|yaml)
  migrate PATH       rename legacy groups (kube-master, kube-node, ...) and report the changes
  build VMS.json     build an inventory from VMs: [{"name","nics":[{"ip","network"}],"labels"}]

Options:
  --json                      machine-readable output on stdout
  -o, --output FILE           write the inventory to FILE instead of stdout
  --to ini|yaml               output format (convert, migrate, build; default: input's or yaml)
  --kubespray-version X.Y     rules of this Kubespray release (validate; default 2.31)
  --operation OP              deploy|scale|upgrade|remove-node|reset (validate)
  --allow-even-etcd           report an even etcd count as a warning (validate)
  --strict                    warnings fail too (validate)
  --update FILE               build: add new VMs to FILE with a minimal edit instead of writing anew
  --remove-missing            build --update: also remove hosts that have no VM
  --control-planes N          build: control-plane count when no role label (default 2)
  --role-label L              build: label holding roles (default kubespray.role)
  --node-network NET          build: NIC network for 'ip'
  --access-network NET        build: NIC network for 'access_ip' and 'ansible_host'

Exit codes: 0 ok, 1 validation findings, 2 unreadable input, 64 usage error.
`;

class UsageError extends Error {}

/** Runs the CLI; returns the exit code (never calls process.exit, so it can be tested in-process). */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    io.stderr(`kubespray-inventory: ${(e as Error).message}\n\n${USAGE}`);
    return EXIT.USAGE;
  }
  const { values: o, positionals } = parsed;
  const [command, path] = positionals;
  if (o.help || !command) {
    (o.help ? io.stdout : io.stderr)(USAGE);
    return o.help ? EXIT.OK : EXIT.USAGE;
  }
  try {
    if (!path) throw new UsageError(`${command} needs a PATH`);
    switch (command) {
      case "list":
        io.stdout(`${toAnsibleJson(toAnsibleList(readInventory(path)))}\n`);
        return EXIT.OK;
      case "validate":
        return validate(path, o, io);
      case "convert":
      case "migrate":
        return convertOrMigrate(command, path, o, io);
      case "build":
        return build(path, o, io);
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`kubespray-inventory: ${e.message}\n\n${USAGE}`);
      return EXIT.USAGE;
    }
    if (isInventoryError(e) || (e as NodeJS.ErrnoException).code === "ENOENT") {
      const err = e as Error & {
        code?: string;
        line?: number;
        column?: number;
        file?: string;
        hint?: string;
      };
      if (o.json)
        io.stdout(
          `${JSON.stringify({ ok: false, error: { code: err.code, message: err.message, file: err.file, line: err.line, column: err.column, hint: err.hint } }, null, 2)}\n`,
        );
      // a byte that was not UTF-8 (a lone surrogate) is written as '?', as ansible-inventory writes it
      io.stderr(`kubespray-inventory: ${replaceLoneSurrogates(err.message)}\n`);
      return EXIT.INPUT;
    }
    throw e;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      output: { type: "string", short: "o" },
      to: { type: "string" },
      "kubespray-version": { type: "string" },
      operation: { type: "string" },
      "allow-even-etcd": { type: "boolean" },
      strict: { type: "boolean" },
      update: { type: "string" },
      "remove-missing": { type: "boolean" },
      "control-planes": { type: "string" },
      "role-label": { type: "string" },
      "node-network": { type: "string" },
      "access-network": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

type Opts = ReturnType<typeof parse>["values"];

function validate(path: string, o: Opts, io: CliIo): number {
  const op = o.operation;
  if (op !== undefined && !["deploy", "scale", "upgrade", "remove-node", "reset"].includes(op))
    throw new UsageError(`--operation must be deploy, scale, upgrade, remove-node or reset`);
  const opts: ValidateOptions = {
    kubesprayVersion: o["kubespray-version"] ?? "2.31",
    allowEvenEtcd: o["allow-even-etcd"] ?? false,
  };
  if (op) opts.operation = op as NonNullable<ValidateOptions["operation"]>;
  const findings = validateInventory(readInventory(path), opts);
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.length - errors;
  const failed = errors > 0 || (o.strict === true && warnings > 0);
  if (o.json) io.stdout(`${JSON.stringify({ ok: !failed, errors, warnings, findings }, null, 2)}\n`);
  else {
    for (const f of findings) {
      const where = f.location ? `${f.location.file ?? path}:${f.location.line}:${f.location.column}` : path;
      io.stdout(`${where}: ${f.severity} ${f.code}: ${f.message}\n    rule: ${f.rule}\n`);
    }
    io.stdout(`${errors} error(s), ${warnings} warning(s)\n`);
  }
  return failed ? EXIT.FINDINGS : EXIT.OK;
}

function outputFormat(o: Opts, fallback: InventoryFormat): InventoryFormat {
  const to = o.to ?? (o.output ? formatFromFileName(o.output) : undefined) ?? fallback;
  if (to !== "ini" && to !== "yaml") throw new UsageError(`--to must be ini or yaml`);
  return to;
}

function emit(text: string, o: Opts, io: CliIo, report?: unknown): void {
  if (o.output) writeFileSync(o.output, text);
  if (o.json)
    io.stdout(
      `${JSON.stringify({ ok: true, output: o.output ?? null, ...(report as object), ...(o.output ? {} : { inventory: text }) }, null, 2)}\n`,
    );
  else if (!o.output) io.stdout(text);
}

function convertOrMigrate(command: "convert" | "migrate", path: string, o: Opts, io: CliIo): number {
  const inv = readInventory(path);
  const format = outputFormat(o, formatFromFileName(inv.file ?? path) ?? "yaml");
  const { changes } = migrateInventory(inv);
  const text = format === "ini" ? writeIni(inv) : writeYaml(inv);
  if (command === "migrate" && !o.json) for (const c of changes) io.stderr(`${c.message}\n`);
  emit(text, o, io, command === "migrate" ? { changes } : undefined);
  return EXIT.OK;
}

function readVms(path: string): VmInput[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw e;
    throw Object.assign(new Error(`${path}: not JSON: ${(e as Error).message}`), {
      name: "InventoryError",
      code: "BUILD_BAD_INPUT",
    });
  }
  const list = Array.isArray(data) ? data : (data as { vms?: unknown })?.vms;
  const ok =
    Array.isArray(list) &&
    list.every(
      (v) =>
        typeof v?.name === "string" &&
        Array.isArray(v.nics) &&
        v.nics.every((n: { ip?: unknown }) => typeof n?.ip === "string"),
    );
  if (!ok)
    throw Object.assign(new Error(`${path}: expected a list of {name, nics: [{ip, network?}], labels?}`), {
      name: "InventoryError",
      code: "BUILD_BAD_INPUT",
    });
  return list as VmInput[];
}

function build(path: string, o: Opts, io: CliIo): number {
  const vms = readVms(path);
  const opts: BuildOptions = {};
  if (o["control-planes"] !== undefined) {
    const n = Number(o["control-planes"]);
    if (!Number.isInteger(n) || n < 1) throw new UsageError("--control-planes must be a positive integer");
    opts.controlPlaneCount = n;
  }
  if (o["role-label"]) opts.roleLabel = o["role-label"];
  if (o["node-network"]) opts.nodeNetwork = o["node-network"];
  if (o["access-network"]) opts.accessNetwork = o["access-network"];
  if (o.update) {
    if (!existsSync(o.update))
      throw Object.assign(new Error(`${o.update}: no such file`), { code: "ENOENT" });
    const text = readFileSync(o.update, "utf8");
    const format = formatFromFileName(o.update) ?? "yaml";
    const existing = parseInventory(text, { file: o.update, format });
    const plan = planChanges(existing, vms, { ...opts, removeMissing: o["remove-missing"] ?? false });
    const edits: InventoryEdit[] = [
      ...plan.add.map((a) => ({ op: "add-host" as const, ...a })),
      ...plan.remove.map((host) => ({ op: "remove-host" as const, host })),
    ];
    const out = edits.length ? editInventoryText(text, format, edits) : text;
    if (!o.output) o.output = o.update;
    if (!o.json) for (const e of edits) io.stderr(`${e.op} ${e.host}\n`);
    emit(out, o, io, { added: plan.add.map((a) => a.host), removed: plan.remove });
    return EXIT.OK;
  }
  const inv = buildInventory(vms, opts);
  const format = outputFormat(o, "yaml");
  emit(format === "ini" ? writeIni(inv) : writeYaml(inv), o, io, { hosts: [...inv.hosts.keys()] });
  return EXIT.OK;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};
