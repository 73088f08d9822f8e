/**
 * `@homelab-kit/emulator/metrics`: Prometheus metrics of the emulated stack — the ceph-mgr
 * `prometheus` module, node_exporter per physical host, and an iLO exporter — as exposition text
 * and as route tables (served by `createEmulator().listen()` and `homelab-emulator up`).
 */
export {
  type CephMgrExporter,
  type CephMgrExporterOptions,
  createCephMgrExporter,
} from "./ceph-mgr.js";
export type { CephMgrFamily } from "./ceph-mgr-family.js";
export {
  type ExpositionChunk,
  ExpositionWriter,
  escapeLabelValue,
  type FloatStyle,
  goFloat,
  labelSet,
  type MetricType,
  pythonFloat,
  TEXT_FORMAT,
} from "./exposition.js";
export { createIloExporter, type IloExporter } from "./ilo-exporter.js";
export { createNodeExporter, type NodeExporter } from "./node-exporter.js";
export {
  ExpositionParseError,
  type ParsedFamily,
  type ParsedSample,
  parseExposition,
  sampleValue,
} from "./parse.js";
export { createCephMgrMetricsRoutes, createIloExporterRoutes, createNodeExporterRoutes } from "./routes.js";
export {
  createWorldMetrics,
  type MetricsEndpoints,
  type ServedMetrics,
  serveMetrics,
  type WorldMetrics,
} from "./world-metrics.js";
