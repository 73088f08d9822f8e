/**
 * The common setup of the OpenNebula emulator tests: an emulator on a manual clock, its events, the
 * raw XML-RPC client of `opennebula-rpc.ts` as oneadmin, document readers, the real client
 * (@homelab-kit/opennebula, whose zod models validate the documents), and a RUNNING VM or a
 * regular user on top of it.
 */
import {
  createOpenNebulaEmulator,
  manualClock,
  type OpenNebulaEvent,
  type OpenNebulaStateOptions,
} from "@homelab-kit/emulator/opennebula";
import { createOpenNebulaClient } from "@homelab-kit/opennebula";
import { expect } from "vitest";
import { rpcClient, stateOf } from "./opennebula-rpc.js";

/** 2025-07-30 08:00:00 UTC, a whole second. */
export const START = 1_753_862_400_000;
/** 2023-11-14 22:13:20 UTC, where the older tests' clock starts. */
export const START_2023 = 1_700_000_000_000;

export type SetupOptions = Omit<OpenNebulaStateOptions, "clock"> & { start?: number };

export function setup({ start = START, ...options }: SetupOptions = {}) {
  const clock = manualClock(start);
  const emulator = createOpenNebulaEmulator({ clock, ...options });
  const events: OpenNebulaEvent[] = [];
  emulator.state.subscribe((e) => events.push(e));
  const rpc = rpcClient(emulator.transport());
  /** The document `method` answers for an id, as text. */
  const doc = (method: string) => async (id: number) => String(await rpc.ok(method, id));
  const info = doc("one.vm.info");
  const vmState = async (id: number) => stateOf(await info(id));
  const one = createOpenNebulaClient({
    url: "http://frontend:2633/RPC2",
    username: "oneadmin",
    password: "opennebula",
    transport: emulator.transport(),
  });
  return {
    clock,
    emulator,
    events,
    one,
    info,
    vmState,
    image: doc("one.image.info"),
    datastore: doc("one.datastore.info"),
    template: doc("one.template.info"),
    host: doc("one.host.info"),
    ...rpc,
  };
}
export type Setup = ReturnType<typeof setup>;

/** `setup()` with the clock at START_2023, where the older tests' absolute times start. */
export const setup2023 = (options: SetupOptions = {}) => setup({ start: START_2023, ...options });

/**
 * A VM from template 0 (with `extra` merged into it), RUNNING after 10 s of the default timings
 * (schedule 5 s, prolog 3 s, boot 2 s).
 */
export async function running(s: Setup, extra = "") {
  const id = Number(await s.ok("one.template.instantiate", 0, "", false, extra, false));
  s.clock.advance(10_000);
  expect(await s.vmState(id)).toEqual([3, 3]);
  return id;
}

/** A `running` VM powered off (shutdown 2 s): POWEROFF. */
export async function poweredOff(s: Setup) {
  const id = await running(s);
  await s.ok("one.vm.action", "poweroff", id);
  s.clock.advance(2_000);
  expect(await s.vmState(id)).toEqual([8, 0]);
  return id;
}

/** A regular user made by oneadmin (so in group users, 1, core auth) and its session. */
export async function regularUser(s: Setup, name = "alice", password = "pw") {
  const id = Number(await s.ok("one.user.allocate", name, password, ""));
  return { id, rpc: s.as(`${name}:${password}`) };
}

/** `setup()` plus the regular user alice (password alice-pw, id 2): `alice` and `asAlice`. */
export async function withAlice(options: SetupOptions = {}) {
  const s = setup(options);
  const { id, rpc } = await regularUser(s, "alice", "alice-pw");
  return { ...s, alice: id, asAlice: rpc };
}
