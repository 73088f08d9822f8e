/**
 * `@homelab-kit/emulator/testcontainers`: the emulator image as a testcontainers module
 * (`testcontainers` 11.x is an optional peer dependency: install it yourself).
 */
export {
  type ControlClient,
  type ControlClientOptions,
  createControlClient,
  type EmulatorHealth,
} from "../control/client.js";
export {
  type CephEndpoint,
  HOMELAB_EMULATOR_IMAGE,
  HomelabEmulatorContainer,
  type IloEndpoint,
  type OpenNebulaEndpoint,
  StartedHomelabEmulatorContainer,
} from "./container.js";
export { CONTAINER_PORTS, type ContainerPorts, containerPorts, loopbackDockerHost } from "./ports.js";
