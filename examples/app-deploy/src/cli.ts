/**
 * The command line both examples share: `[--env-file FILE]... [--dry-run] [--destroy [--drop-data]]
 * [--timeout SECONDS]`, plus the app's own options. It prints the progress, then a summary; on
 * failure what the run had changed, then one line naming the step and the cause, and exits 1
 * (2 for bad flags or env).
 */
import { parseArgs } from "node:util";
import { type AppDefinition, deployApp, destroyApp } from "./deploy-app.js";
import { type Env, loadEnv, type StackEnv, stackEnv } from "./env.js";
import { ConfigError, describeCause, isConfigError, isStepError } from "./errors.js";
import { formatDeploySummary, formatDestroySummary, formatLeftBehind } from "./summary.js";

export interface CliContext {
  env: Env;
  stack: StackEnv;
  /** The app's own option values. */
  values: Record<string, string | boolean | undefined>;
  /** Where relative paths are taken from: the caller's directory (pnpm's INIT_CWD under pnpm). */
  cwd: string;
}

export interface ExampleCli {
  name: string;
  /** Extra `--name VALUE` options and their help lines. */
  options?: Record<string, { help: string }>;
  define(context: CliContext): AppDefinition | Promise<AppDefinition>;
}

export interface CliIo {
  argv?: string[];
  env?: Env;
  cwd?: string;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

function usage(cli: ExampleCli): string {
  const extra = Object.entries(cli.options ?? {}).map(([name, o]) => `  --${name} VALUE`.padEnd(26) + o.help);
  return [
    `usage: ${cli.name} [--env-file FILE]... [--dry-run] [--destroy [--drop-data]] [--timeout SECONDS]`,
    "  --env-file FILE         KEY=value lines (homelab-emulator up's env file, scripts/mariadb/start.sh's); repeatable; the environment wins",
    "  --dry-run               print the plan, change nothing",
    "  --destroy               remove what a run made (the MySQL VM stays; the database too, unless --drop-data)",
    "  --drop-data             with --destroy: also drop the app's database",
    "  --timeout SECONDS       deadline of each wait (default 600)",
    ...extra,
  ].join("\n");
}

/** Runs the example; resolves to the exit code. */
export async function runExampleCli(cli: ExampleCli, io: CliIo = {}): Promise<number> {
  const out = io.out ?? ((line: string) => console.log(line));
  const err = io.err ?? ((line: string) => console.error(line));
  const cwd = io.cwd ?? process.env.INIT_CWD ?? process.cwd();
  let values: Record<string, string | boolean | string[] | undefined>;
  // `pnpm example:redmine -- --dry-run` hands the script a leading "--"
  const argv = io.argv ?? process.argv.slice(2);
  try {
    values = parseArgs({
      args: argv[0] === "--" ? argv.slice(1) : argv,
      options: {
        "env-file": { type: "string", multiple: true },
        "dry-run": { type: "boolean" },
        destroy: { type: "boolean" },
        "drop-data": { type: "boolean" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h" },
        ...Object.fromEntries(
          Object.keys(cli.options ?? {}).map((name) => [name, { type: "string" as const }]),
        ),
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error) {
    err(usage(cli));
    err(`${cli.name}: ${(error as Error).message}`);
    return 2;
  }
  if (values.help === true) {
    out(usage(cli));
    return 0;
  }
  let timeout = 600_000;
  try {
    if (values["drop-data"] === true && values.destroy !== true)
      throw new ConfigError("--drop-data goes with --destroy");
    if (typeof values.timeout === "string") {
      const seconds = Number(values.timeout);
      if (!(seconds > 0)) throw new ConfigError(`--timeout ${values.timeout} is not a number of seconds > 0`);
      timeout = seconds * 1000;
    }
  } catch (error) {
    err(`${cli.name}: ${(error as Error).message}`);
    return 2;
  }

  try {
    const env = loadEnv((values["env-file"] as string[] | undefined) ?? [], io.env ?? process.env, cwd);
    const stack = stackEnv(env);
    const definition = await cli.define({ env, stack, values: values as CliContext["values"], cwd });
    const options = { dryRun: values["dry-run"] === true, log: out, waits: { timeout } };
    const started = performance.now();
    if (values.destroy === true) {
      const summary = await destroyApp(definition, stack, {
        ...options,
        dropData: values["drop-data"] === true,
      });
      out("");
      out(formatDestroySummary(summary).trimEnd());
    } else {
      const summary = await deployApp(definition, stack, env, options);
      out("");
      out(formatDeploySummary(summary).trimEnd());
    }
    out(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    if (isConfigError(error)) {
      err(`${cli.name}: ${error.message}`);
      return 2;
    }
    if (isStepError(error)) {
      err(formatLeftBehind(error.changes));
      err(`${cli.name} failed: ${error.message}`);
      return 1;
    }
    err(`${cli.name} failed: ${describeCause(error)}`);
    return 1;
  }
}
