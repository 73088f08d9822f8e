import { parseArgs } from "node:util";
import { isInventoryError } from "./errors.js";
import { replaceLoneSurrogates } from "./text.js";

// Only what every command needs is loaded with the CLI: parsing the command line and mapping errors
// to exit codes. Each command loads its own modules when it runs, so `--help` and `list` on an INI
// file never load the `yaml` package, zod or the writers.

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

/** A bad command line: printed with the usage text, exit code 64. */
export class UsageError extends Error {}

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
      case "list": {
        const [{ readInventory }, { toAnsibleList }, { toAnsibleJson }] = await Promise.all([
          import("./read-inventory.js"),
          import("./ansible-list.js"),
          import("./values.js"),
        ]);
        io.stdout(`${toAnsibleJson(toAnsibleList(readInventory(path)))}\n`);
        return EXIT.OK;
      }
      case "validate":
        return (await import("./cli-commands.js")).validate(path, o, io);
      case "convert":
      case "migrate":
        return (await import("./cli-commands.js")).convertOrMigrate(command, path, o, io);
      case "build":
        return (await import("./cli-commands.js")).build(path, o, io);
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

export type Opts = ReturnType<typeof parse>["values"];

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};
