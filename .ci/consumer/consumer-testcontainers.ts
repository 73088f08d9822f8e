/**
 * The emulator's testcontainers entry point as a user with `testcontainers` installed (it is an
 * optional peer dependency) writes it: type-checked strict with `skipLibCheck: false` like
 * consumer.ts, and run without starting a container (no Docker is needed at this stage; the docker
 * peer suite starts real ones).
 */
import { strict as assert } from "node:assert";
import {
  CONTAINER_PORTS,
  containerPorts,
  HOMELAB_EMULATOR_IMAGE,
  HomelabEmulatorContainer,
} from "@homelab-kit/emulator/testcontainers";
import { defaultTopology } from "@homelab-kit/emulator/world";

const container = new HomelabEmulatorContainer(HOMELAB_EMULATOR_IMAGE)
  .withTopology(defaultTopology())
  .withSpeed(10);
assert.ok(container instanceof HomelabEmulatorContainer);
assert.equal(typeof CONTAINER_PORTS.control, "number");
assert.equal(containerPorts(defaultTopology()).ilo.length, defaultTopology().hosts.length);
console.log(`consumer-testcontainers: ${HOMELAB_EMULATOR_IMAGE}, control port ${CONTAINER_PORTS.control}`);
