import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { type BuildOptions, buildInventory, planChanges, type VmInput } from "./build.js";
import { type CliIo, EXIT, type Opts, UsageError } from "./cli.js";
import { editInventoryText, type InventoryEdit } from "./edit.js";
import { writeIni } from "./ini-writer.js";
import { migrateInventory } from "./migrate.js";
import { formatFromFileName, type InventoryFormat, parseInventory, readInventory } from "./read-inventory.js";
import { type ValidateOptions, validateInventory } from "./validate.js";
import { writeYaml } from "./yaml-writer.js";

// The CLI's validate, convert, migrate and build commands (cli.ts loads this module when one runs).

export function validate(path: string, o: Opts, io: CliIo): number {
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

export function convertOrMigrate(command: "convert" | "migrate", path: string, o: Opts, io: CliIo): number {
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

export function build(path: string, o: Opts, io: CliIo): number {
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
