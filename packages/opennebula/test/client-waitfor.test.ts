import { TimeoutError } from "@homelab-kit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isVmWaitError, VmLcmState, VmState, VmWaitError } from "../src/index.js";
import { type OneServer, okText, sample, startOneServer } from "./helpers/one-server.js";

const vmXml = sample("vm.xml");
/** The sample VM in a given STATE/LCM_STATE. */
const vmIn = (state: number, lcm: number) =>
  vmXml
    .replace("<STATE>3</STATE>", `<STATE>${state}</STATE>`)
    .replace("<LCM_STATE>3</LCM_STATE>", `<LCM_STATE>${lcm}</LCM_STATE>`);

let one: OneServer;
/** The states one.vm.info walks through, one per call; the last one repeats. */
let script: Array<[number, number]> = [];
let polls = 0;

beforeAll(async () => {
  one = await startOneServer({
    "one.vm.info": () => {
      const [state, lcm] = script[Math.min(polls, script.length - 1)]!;
      polls++;
      return okText(vmIn(state, lcm));
    },
  });
});
afterAll(() => one.close());

function run(states: Array<[number, number]>) {
  script = states;
  polls = 0;
}

const fast = { interval: 1 };

describe("one.vm.waitFor", () => {
  it("polls one.vm.info through PENDING, PROLOG and BOOT until RUNNING, and returns that status", async () => {
    run([
      [VmState.PENDING, 0],
      [VmState.ACTIVE, VmLcmState.PROLOG],
      [VmState.ACTIVE, VmLcmState.BOOT],
      [VmState.ACTIVE, VmLcmState.RUNNING],
    ]);
    const status = await one.client().vm.waitFor(42, (s) => s.lcmState === "RUNNING", fast);
    expect([status.state, status.lcmState, status.vm.ID]).toEqual(["ACTIVE", "RUNNING", 42]);
    expect(polls).toBe(4);
    expect(one.calls().at(-1)).toEqual(["one.vm.info", 42]);
  });

  it("passes through transient HOTPLUG states the predicate does not accept (docs/reference/opennebula/ISSUES.md #12)", async () => {
    run([
      [VmState.ACTIVE, VmLcmState.HOTPLUG],
      [VmState.ACTIVE, VmLcmState.HOTPLUG_NIC],
      [VmState.ACTIVE, VmLcmState.RUNNING],
    ]);
    const status = await one.client().vm.waitFor(42, (s) => s.lcmState === "RUNNING", fast);
    expect(status.lcmState).toBe("RUNNING");
    expect(polls).toBe(3);
  });

  it("fails fast on a failure LCM state, with the VM's states", async () => {
    run([
      [VmState.ACTIVE, VmLcmState.PROLOG],
      [VmState.ACTIVE, VmLcmState.PROLOG_FAILURE],
      [VmState.ACTIVE, VmLcmState.RUNNING],
    ]);
    const error = await one
      .client()
      .vm.waitFor(42, (s) => s.lcmState === "RUNNING", fast)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VmWaitError);
    expect(isVmWaitError(error)).toBe(true);
    expect(error).toMatchObject({ code: "VM_FAILED", vmId: 42, state: "ACTIVE", lcmState: "PROLOG_FAILURE" });
    expect(polls).toBe(2);
  });

  it("fails fast when the VM is DONE, unless the predicate wants DONE", async () => {
    run([[VmState.DONE, 0]]);
    await expect(one.client().vm.waitFor(42, (s) => s.state === "POWEROFF", fast)).rejects.toMatchObject({
      code: "VM_DONE",
    });
    run([[VmState.DONE, 0]]);
    expect((await one.client().vm.waitFor(42, (s) => s.state === "DONE", fast)).state).toBe("DONE");
  });

  it("with failFast: false keeps waiting through a failure state", async () => {
    run([
      [VmState.ACTIVE, VmLcmState.BOOT_FAILURE],
      [VmState.ACTIVE, VmLcmState.RUNNING],
    ]);
    const status = await one
      .client()
      .vm.waitFor(42, (s) => s.lcmState === "RUNNING", { ...fast, failFast: false });
    expect(status.lcmState).toBe("RUNNING");
  });

  it("times out with core's TimeoutError", async () => {
    run([[VmState.ACTIVE, VmLcmState.BOOT]]);
    const error = await one
      .client()
      .vm.waitFor(42, (s) => s.lcmState === "RUNNING", { interval: 20, timeout: 150 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(polls).toBeGreaterThan(1);
  });

  it("the caller's abort reason passes through untouched", async () => {
    run([[VmState.ACTIVE, VmLcmState.BOOT]]);
    const reason = new Error("stop");
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 50);
    await expect(
      one.client().vm.waitFor(42, () => false, { interval: 10, signal: controller.signal }),
    ).rejects.toBe(reason);
  });

  it("works on raw VMs too (validate: false)", async () => {
    run([[VmState.POWEROFF, 0]]);
    const status = await one.client({ validate: false }).vm.waitFor(42, (s) => s.state === "POWEROFF", fast);
    expect([status.stateValue, status.state]).toEqual([8, "POWEROFF"]);
  });
});
