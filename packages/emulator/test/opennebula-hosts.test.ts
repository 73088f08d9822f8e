/**
 * Hosts from `one.host.allocate`: INIT until their first monitoring, then MONITORED, as real oned
 * with the dummy IM driver answers (conformance/opennebula-oned, scenario "host").
 */
import { describe, expect, it } from "vitest";
import { field } from "./opennebula-rpc.js";
import { setup } from "./opennebula-setup.js";

describe("OpenNebula emulator: a new host's first monitoring", () => {
  it("is INIT after allocate and MONITORED once timings.monitor has passed, with a host-state event", async () => {
    const s = setup();
    const id = Number(await s.ok("one.host.allocate", "edge01", "dummy", "dummy", -1));
    expect(field(await s.host(id), "STATE")).toBe("0");
    s.clock.advance(2_999);
    expect(field(await s.host(id), "STATE")).toBe("0");
    s.clock.advance(1);
    const xml = await s.host(id);
    expect([field(xml, "STATE"), field(xml, "PREV_STATE")]).toEqual(["2", "2"]);
    expect(
      s.events.filter((e) => e.type === "host-state").map((e) => e.type === "host-state" && e.state),
    ).toEqual([2]);
  });

  it("leaves a host disabled while INIT as the status call set it", async () => {
    const s = setup({ timings: { monitor: 500 } });
    const id = Number(await s.ok("one.host.allocate", "edge01", "dummy", "dummy", -1));
    await s.ok("one.host.status", id, 1);
    s.clock.advance(1_000);
    expect(field(await s.host(id), "STATE")).toBe("4");
  });

  it("refuses renaming a host to another host's name, as oned 7.4 does", async () => {
    const s = setup();
    const id = Number(await s.ok("one.host.allocate", "edge01", "dummy", "dummy", -1));
    expect(await s.call("one.host.rename", id, "node01")).toMatchObject({
      code: 0x800,
      message: "[one.host.rename] host cannot be renamed to node01 because it collides with host 0",
    });
    await s.ok("one.host.rename", id, "edge02");
  });

  it("answers a bad status with INTERNAL and leaves PREV_STATE at the state it set", async () => {
    const s = setup();
    expect(await s.call("one.host.status", 0, 7)).toMatchObject({
      code: 0x2000,
      message: "[one.host.status] Wrong status code",
    });
    await s.ok("one.host.status", 0, 1);
    const xml = await s.host(0);
    expect([field(xml, "STATE"), field(xml, "PREV_STATE")]).toEqual(["4", "4"]);
  });
});
