/**
 * `pnpm drill` (in examples/monitoring): starts `homelab-emulator up` (the reference stack, its
 * clock 30 times faster so a POST takes a second), starts a real Prometheus on the
 * `prometheus.yml` it wrote with the Ceph mixin's rules and NodeDown, powers a host off through its
 * iLO, prints which alerts fired and cleared, and exits 1 unless CephOSDDown and NodeDown did.
 *
 *   --run-dir DIR    use the `homelab-emulator up` already running there (its env and prometheus.yml)
 *   --host NAME      the host to power off (default: the second)
 *   --interval 1s    scrape and evaluation interval
 *   --rules FILE     the Ceph mixin's alerts (default: docs/reference/ceph/prometheus/ceph_default_alerts.yml,
 *                    as Debian's ceph-prometheus-alerts installs it in /etc/prometheus/ceph/)
 *   --keep-for       keep the mixin's `for:` durations (5 min and more)
 *   --prometheus BIN the prometheus binary (default: prometheus on PATH)
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { iloEndpointsFromEnv, parseCli, parseEnvFile, startUp, type UpArgs } from "@homelab-kit/emulator/cli";
import { type DrillOptions, formatReport, runDrill } from "./drill.js";

const DEFAULT_RULES = resolve(
  import.meta.dirname,
  "../../../docs/reference/ceph/prometheus/ceph_default_alerts.yml",
);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      "run-dir": { type: "string" },
      host: { type: "string" },
      interval: { type: "string", default: "1s" },
      rules: { type: "string", default: DEFAULT_RULES },
      "keep-for": { type: "boolean", default: false },
      prometheus: { type: "string" },
    },
  });
  const common: Omit<DrillOptions, "ilo" | "iloCa" | "upConfigFile"> = {
    mixinFile: values.rules,
    interval: values.interval,
    keepFor: values["keep-for"],
    log: (line) => console.log(line),
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values.prometheus === undefined ? {} : { prometheusBinary: values.prometheus }),
  };
  if (values["run-dir"] !== undefined) {
    const dir = resolve(values["run-dir"]);
    const env = parseEnvFile(readFileSync(join(dir, "env"), "utf8"));
    const report = await runDrill({
      ...common,
      ilo: iloEndpointsFromEnv(env),
      iloCa: env.ILO_CA_FILE ? readFileSync(env.ILO_CA_FILE, "utf8") : undefined,
      upConfigFile: join(dir, "prometheus.yml"),
    });
    console.log(`\n${formatReport(report)}`);
    return report.ok ? 0 : 1;
  }
  const runDir = mkdtempSync(join(tmpdir(), "monitoring-up-"));
  const up = await startUp(
    parseCli(["up", "--no-kubernetes", "--run-dir", runDir, "--speed", "30"]) as UpArgs,
    {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      cwd: process.cwd(),
      onSignal: () => () => {},
    },
  );
  try {
    const report = await runDrill({
      ...common,
      ilo: up.endpoints.ilo,
      iloCa: up.endpoints.iloCa,
      upConfigFile: join(runDir, "prometheus.yml"),
    });
    console.log(`\n${formatReport(report)}`);
    return report.ok ? 0 : 1;
  } finally {
    await up.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`drill failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
