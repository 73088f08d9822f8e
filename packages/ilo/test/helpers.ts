import type { Transport } from "@homelab-kit/core";
import { createIloEmulator, type IloGeneration, manualClock } from "@homelab-kit/emulator/ilo";
import { createIloClient, type IloClientOptions, RedfishError } from "@homelab-kit/ilo";
import { expect } from "vitest";

export const PASSWORD = 'S3cret&<"pw';

/** An emulated iLO on a manual clock and a client talking to it in-process (no sockets). */
export function setup(generation: IloGeneration, options: Partial<IloClientOptions> = {}) {
  const clock = manualClock(1_700_000_000_000);
  const emulator = createIloEmulator({
    generation,
    clock,
    users: [{ login: "Administrator", password: PASSWORD }],
  });
  const transport = emulator.transport();
  const client = createIloClient({
    baseUrl: "https://ilo.test",
    username: "Administrator",
    password: PASSWORD,
    transport,
    ...options,
  });
  return { clock, emulator, state: emulator.state, transport, client };
}

/** A Redfish client (no detection) over `transport`, logged in as the emulator's Administrator. */
export function redfishClientOver(transport: Transport) {
  return createIloClient({
    baseUrl: "https://ilo.test",
    username: "Administrator",
    password: PASSWORD,
    transport,
    protocol: "redfish",
  });
}

/** The RedfishError `run()` rejects with (fails the test if it resolves or rejects otherwise). */
export async function redfishFailure(run: () => Promise<unknown>): Promise<RedfishError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RedfishError);
  return error as RedfishError;
}
