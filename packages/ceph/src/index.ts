export { jwtExpiry } from "./auth.js";
export { type CephClient, type CephClientOptions, createCephClient } from "./client.js";
export type { CallResult, CephCallOptions, TaskProgress, TaskWaitOptions } from "./context.js";
export { type Endpoint, type EndpointResult, endpointKey, mediaType } from "./endpoint.js";
export { authEndpoints } from "./endpoints/auth.js";
export { type ConfigSection, clusterEndpoints } from "./endpoints/cluster.js";
export { healthEndpoints } from "./endpoints/health.js";
export { hostEndpoints } from "./endpoints/host.js";
export { monitorEndpoints } from "./endpoints/monitor.js";
export { osdEndpoints } from "./endpoints/osd.js";
export { type PoolQuery, poolEndpoints } from "./endpoints/pool.js";
export {
  imageSpec,
  type RbdListQuery,
  type RbdListResult,
  rbdImageEndpoints,
} from "./endpoints/rbd-image.js";
export { rbdSnapshotEndpoints } from "./endpoints/rbd-snapshot.js";
export { rbdTrashEndpoints, type TrashRef } from "./endpoints/rbd-trash.js";
export { taskEndpoints } from "./endpoints/task.js";
export {
  CephApiError,
  type CephApiErrorInit,
  CephTaskError,
  type CephTaskErrorInit,
  type CephTaskRef,
  isCephApiError,
  isCephTaskError,
} from "./errors.js";
export * from "./schemas/auth.js";
export * from "./schemas/cluster.js";
export * from "./schemas/health.js";
export * from "./schemas/host.js";
export * from "./schemas/monitor.js";
export * from "./schemas/osd.js";
export * from "./schemas/pool.js";
export * from "./schemas/rbd.js";
export * from "./schemas/summary.js";
export * from "./schemas/task.js";
export { type WaitForTaskOptions, waitForTask } from "./tasks.js";
