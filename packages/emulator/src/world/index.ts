/** `@homelab-kit/emulator/world`: the World model, topologies, `createEmulator()` and the test helper. */

export {
  type ControllableClock,
  type EmulatorClock,
  type ManualClock,
  manualClock,
  type RealClockOptions,
  realClock,
  systemClock,
} from "../common/clock.js";
export {
  type ApiName,
  type FaultInjector,
  type FaultRule,
  type FaultRuleInit,
  type WorldFault,
  WorldFaultError,
  type WorldFaultInit,
} from "../control/faults.js";
export * from "../topology/index.js";
export {
  type ApiEndpoint,
  createEmulator,
  type Emulator,
  type EmulatorEndpoints,
  type EmulatorOptions,
  type ListenOptions,
} from "./emulator.js";
export { assertInvariants, checkInvariants, WorldInvariantError } from "./invariants.js";
export {
  restoreWorld,
  SNAPSHOT_FORMAT,
  SnapshotError,
  snapshotWorld,
  type WorldSnapshot,
} from "./snapshot.js";
export { type EmulatorHooks, useEmulator } from "./testing.js";
export {
  createWorld,
  type HostChangeEvent,
  type KubernetesNodeRecord,
  type PhysicalHost,
  World,
  type WorldOptions,
} from "./world.js";
