/** `@homelab-kit/emulator/cli`: the `homelab-emulator` commands as a function (the bin calls it). */
export { type CliArgs, parseCli, type UpArgs, USAGE, UsageError } from "./args.js";
export { EXIT, main, processIo } from "./main.js";
export {
  envFileText,
  envKey,
  type IloEnvEndpoint,
  iloEndpointsFromEnv,
  metricsEnvLines,
  parseEnvFile,
} from "./output.js";
export {
  type PrometheusConfigOptions,
  prometheusConfigText,
  writePrometheusConfig,
} from "./prometheus-config.js";
export { type CliIo, type RunningEmulator, startUp } from "./up.js";
