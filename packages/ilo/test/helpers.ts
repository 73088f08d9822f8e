import { createIloEmulator, type IloGeneration, manualClock } from "@homelab-kit/emulator/ilo";
import { createIloClient, type IloClientOptions } from "@homelab-kit/ilo";

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
