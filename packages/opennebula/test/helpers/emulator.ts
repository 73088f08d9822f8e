/**
 * The client against the OpenNebula emulator of @homelab-kit/emulator, in-process (the emulator's
 * transport, no sockets): an emulator on a manual clock and a client as oneadmin, closed after
 * each test.
 */
import {
  createOpenNebulaEmulator,
  manualClock,
  type OpenNebulaStateOptions,
} from "@homelab-kit/emulator/opennebula";
import { afterEach } from "vitest";
import {
  createOpenNebulaClient,
  type OpenNebulaClient,
  type OpenNebulaClientOptions,
} from "../../src/index.js";

export interface EmulatorSetupOptions extends Omit<OpenNebulaStateOptions, "clock"> {
  /** Where the manual clock starts. Default 2025-07-30 08:00:00 UTC. */
  start?: number;
  /** Over the client's options (url http://frontend:2633/RPC2, oneadmin:opennebula, the emulator's transport). */
  client?: Partial<OpenNebulaClientOptions>;
}

/**
 * Call at a test file's top level: registers an `afterEach` that closes the clients made, and returns
 * `setup(options)` → `{ clock, emulator, one }`, with `defaults` under each call's options.
 */
export function emulatorClients(defaults: EmulatorSetupOptions = {}) {
  const clients: OpenNebulaClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
  });
  return function setup(options: EmulatorSetupOptions = {}) {
    const {
      start = 1_753_862_400_000,
      client,
      ...emulatorOptions
    } = { ...defaults, ...options, client: { ...defaults.client, ...options.client } };
    const clock = manualClock(start);
    const emulator = createOpenNebulaEmulator({ clock, ...emulatorOptions });
    const one = createOpenNebulaClient({
      url: "http://frontend:2633/RPC2",
      username: "oneadmin",
      password: "opennebula",
      transport: emulator.transport(),
      ...client,
    });
    clients.push(one);
    return { clock, emulator, one };
  };
}
