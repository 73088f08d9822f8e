import { reindex, setHostReachable, sync } from "@homelab-kit/emulator/opennebula";
import { describe, expect, it } from "vitest";
import { field, stateOf } from "./opennebula-rpc.js";
import { running, setup2023 as setup } from "./opennebula-setup.js";

// Default timings: schedule 5 s, prolog 3 s, boot 2 s, shutdown 2 s, epilog 1 s, save 2 s.

describe("OpenNebula emulator: VM life cycle on the clock", () => {
  it("goes PENDING → PROLOG → BOOT → RUNNING with the scheduler and the configured delays", async () => {
    const s = setup();
    const id = Number(await s.ok("one.template.instantiate", 0, "web", false, "", false));
    expect(await s.vmState(id)).toEqual([1, 0]);
    s.clock.advance(4_999);
    expect(await s.vmState(id)).toEqual([1, 0]);
    s.clock.advance(1);
    expect(await s.vmState(id)).toEqual([3, 1]);
    s.clock.advance(3_000);
    expect(await s.vmState(id)).toEqual([3, 2]);
    s.clock.advance(2_000);
    const xml = String(await s.ok("one.vm.info", id));
    expect(stateOf(xml)).toEqual([3, 3]);
    expect(field(xml, "DEPLOY_ID")).toBe(`one-${id}`);
    expect(field(xml, "HOSTNAME")).toBe("node01");
    expect(field(xml, "IP")).toBe("192.168.10.100");
    expect(
      s.events.filter((e) => e.type === "vm-state").map((e) => e.type === "vm-state" && [e.state, e.lcm]),
    ).toEqual([
      [3, 1],
      [3, 2],
      [3, 3],
    ]);
  });

  it("applies transitions due in the past in time order when observed late", async () => {
    const s = setup();
    const id = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    s.clock.advance(60_000);
    expect(await s.vmState(id)).toEqual([3, 3]);
    const xml = String(await s.ok("one.vm.info", id));
    expect(Number(field(xml, "PSTIME"))).toBe(1_700_000_005);
  });

  it("powers off and resumes, suspends and resumes, reboots in place", async () => {
    const s = setup();
    const id = await running(s);
    await s.ok("one.vm.action", "poweroff", id);
    expect(await s.vmState(id)).toEqual([3, 18]);
    s.clock.advance(2_000);
    expect(await s.vmState(id)).toEqual([8, 0]);
    await s.ok("one.vm.action", "resume", id);
    expect(await s.vmState(id)).toEqual([3, 20]);
    s.clock.advance(2_000);
    expect(await s.vmState(id)).toEqual([3, 3]);
    await s.ok("one.vm.action", "suspend", id);
    expect(await s.vmState(id)).toEqual([3, 6]);
    s.clock.advance(2_000);
    expect(await s.vmState(id)).toEqual([5, 0]);
    await s.ok("one.vm.action", "resume", id);
    expect(await s.vmState(id)).toEqual([3, 21]);
    s.clock.advance(2_000);
    await s.ok("one.vm.action", "reboot", id);
    expect(await s.vmState(id)).toEqual([3, 3]);
    await s.ok("one.vm.action", "poweroff-hard", id);
    expect(await s.vmState(id)).toEqual([8, 0]);
  });

  it("opens a history record at every resume and hot-plug, as oned 7.4: the record left names the action and who asked", async () => {
    const s = setup();
    const id = await running(s);
    const records = async () =>
      [...String(await s.ok("one.vm.info", id)).matchAll(/<HISTORY>([\s\S]*?)<\/HISTORY>/g)].map((m) => {
        const r = m[1]!;
        const n = (name: string) => Number(field(r, name));
        return {
          seq: n("SEQ"),
          ds: n("DS_ID"),
          plan: n("PLAN_ID"),
          action: n("ACTION"),
          uid: n("UID"),
          request: n("REQUEST_ID"),
          ended: n("ETIME") > 0,
          retime: n("RETIME") > 0,
        };
      });
    // deployed: one record on the system datastore, nobody's action once RUNNING (clear_action)
    const systemDs = Number(
      /<ID>(\d+)<\/ID>(?:(?!<ID>)[\s\S])*?<TYPE>1<\/TYPE>/.exec(
        String(await s.ok("one.datastorepool.info", -2, -1, -1)),
      )![1],
    );
    expect(await records()).toEqual([
      { seq: 0, ds: systemDs, plan: -2, action: 0, uid: -1, request: -1, ended: false, retime: false },
    ]);
    await s.ok("one.vm.action", "poweroff", id);
    s.clock.advance(2_000);
    let r = await records();
    expect(r).toHaveLength(1);
    expect([r[0]!.action, r[0]!.uid, r[0]!.ended, r[0]!.retime]).toEqual([19, 0, false, true]);
    expect(r[0]!.request).toBeGreaterThanOrEqual(0);
    // resume ends the record and opens a copy on the same host (RESUME until it runs)
    await s.ok("one.vm.action", "resume", id);
    expect((await records())[1]).toMatchObject({ seq: 1, action: 11, uid: 0 });
    s.clock.advance(2_000);
    await s.ok("one.vm.action", "suspend", id);
    s.clock.advance(2_000);
    await s.ok("one.vm.action", "resume", id);
    s.clock.advance(2_000);
    // a hot-plug closes the running record with its action and copies it
    await s.ok("one.vm.attachnic", id, "NIC=[NETWORK_ID=0]");
    s.clock.advance(2_000);
    r = await records();
    expect(r.map((x) => [x.seq, x.action, x.uid, x.ended])).toEqual([
      [0, 19, 0, true],
      [1, 10, 0, true],
      [2, 23, 0, true],
      [3, 0, -1, false],
    ]);
    expect(r.every((x) => x.ds === systemDs && x.plan === -2)).toBe(true);
    expect(r[2]!.retime).toBe(true);
    expect(r[3]!.retime).toBe(false);
  });

  it("stop and undeploy free the host; resume goes back through the scheduler", async () => {
    const s = setup();
    const id = await running(s);
    const used = () => s.ok("one.host.info", 0).then((x) => Number(field(String(x), "CPU_USAGE")));
    expect(await used()).toBe(100);
    await s.ok("one.vm.action", "stop", id);
    expect(await s.vmState(id)).toEqual([3, 5]);
    s.clock.advance(2_000);
    expect(await s.vmState(id)).toEqual([3, 10]);
    s.clock.advance(1_000);
    expect(await s.vmState(id)).toEqual([4, 0]);
    expect(await used()).toBe(0);
    await s.ok("one.vm.action", "resume", id);
    expect(await s.vmState(id)).toEqual([1, 0]);
    s.clock.advance(10_000);
    expect(await s.vmState(id)).toEqual([3, 3]);
    await s.ok("one.vm.action", "undeploy", id);
    expect(await s.vmState(id)).toEqual([3, 29]);
    s.clock.advance(2_000);
    expect(await s.vmState(id)).toEqual([3, 30]);
    s.clock.advance(1_000);
    expect(await s.vmState(id)).toEqual([9, 0]);
    expect(await used()).toBe(0);
  });

  it("terminate: SHUTDOWN → EPILOG → DONE, lease and image released, VM kept for state filter -2", async () => {
    const s = setup();
    const id = await running(s);
    expect(field(String(await s.ok("one.image.info", 0)), "STATE")).toBe("2");
    await s.ok("one.vm.action", "terminate", id);
    expect(await s.vmState(id)).toEqual([3, 12]);
    s.clock.advance(2_000);
    expect(await s.vmState(id)).toEqual([3, 11]);
    s.clock.advance(1_000);
    const xml = String(await s.ok("one.vm.info", id));
    expect(stateOf(xml)).toEqual([6, 0]);
    expect(Number(field(xml, "ETIME"))).toBe(1_700_000_013);
    expect(String(await s.ok("one.vn.info", 0))).not.toContain("<LEASE>");
    expect(field(String(await s.ok("one.image.info", 0)), "STATE")).toBe("1");
    expect(String(await s.ok("one.vmpool.info", -2, -1, -1, -1))).toBe("<VM_POOL></VM_POOL>");
    expect(String(await s.ok("one.vmpool.info", -2, -1, -1, -2))).toContain(`<ID>${id}</ID>`);
    expect(String(await s.ok("one.vmpool.info", -2, -1, -1, 6))).toContain(`<ID>${id}</ID>`);
  });

  it("hold and release; instantiate on hold; terminate from PENDING is immediate", async () => {
    const s = setup();
    const held = Number(await s.ok("one.template.instantiate", 0, "", true, "", false));
    expect(await s.vmState(held)).toEqual([2, 0]);
    s.clock.advance(60_000);
    expect(await s.vmState(held)).toEqual([2, 0]);
    await s.ok("one.vm.action", "release", held);
    expect(await s.vmState(held)).toEqual([1, 0]);
    await s.ok("one.vm.action", "hold", held);
    expect(await s.vmState(held)).toEqual([2, 0]);
    await s.ok("one.vm.action", "terminate", held);
    expect(await s.vmState(held)).toEqual([6, 0]);
  });

  it("refuses actions in the wrong state with ACTION and oned's message", async () => {
    const s = setup();
    const id = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    s.clock.advance(5_000);
    expect(await s.call("one.vm.action", "poweroff", id)).toMatchObject({
      kind: "error",
      code: 0x800,
      respId: -1, // no object ID, as oned 7.4 answers (conformance/opennebula-oned)
      message:
        '[one.vm.action] Error performing action "poweroff": This action is not available for state PROLOG',
    });
    expect(await s.call("one.vm.action", "explode", id)).toMatchObject({
      kind: "error",
      code: 0x800,
      message: '[one.vm.action] Action "explode" is not supported',
    });
    expect(await s.call("one.vm.action", "release", id)).toMatchObject({ code: 0x800 });
    expect(await s.call("one.vm.deploy", id, 1)).toMatchObject({
      code: 0x800,
      message: "[one.vm.deploy] Deploy action is not available for state PROLOG",
    });
  });

  it("places VMs where CPU and memory are free and leaves the rest PENDING with SCHED_MESSAGE", async () => {
    const s = setup({ hosts: [{ name: "small", threads: 2, memoryGb: 4 }] });
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push(Number(await s.ok("one.vm.allocate", `NAME="v${i}"\nCPU="1"\nMEMORY="1024"`)));
    s.clock.advance(5_000);
    const states = await Promise.all(ids.map((id) => s.vmState(id)));
    expect(states.map(([st]) => st)).toEqual([3, 3, 1]);
    const pending = String(await s.ok("one.vm.info", ids[2]!));
    expect(pending).toContain("No host with enough capacity");
    const host = String(await s.ok("one.host.info", 0));
    expect([field(host, "CPU_USAGE"), field(host, "MEM_USAGE"), field(host, "RUNNING_VMS")]).toEqual([
      "200",
      String(2 * 1024 * 1024),
      "2",
    ]);
    s.clock.advance(5_000);
    expect(await s.vmState(ids[0]!)).toEqual([3, 3]);
    expect(await s.vmState(ids[2]!)).toEqual([1, 0]);
    await s.ok("one.vm.action", "terminate-hard", ids[0]!);
    s.clock.advance(1_000);
    expect(await s.vmState(ids[0]!)).toEqual([6, 0]);
    s.clock.advance(5_000);
    expect(await s.vmState(ids[2]!)).toEqual([3, 1]);
  });

  it("deploys by hand with enforce checking capacity", async () => {
    const s = setup();
    const big = Number(await s.ok("one.vm.allocate", 'CPU="1"\nMEMORY="65536"', true));
    expect(await s.call("one.vm.deploy", big, 0, true)).toMatchObject({ code: 0x800 });
    await s.ok("one.vm.deploy", big, 0, false);
    expect(await s.vmState(big)).toEqual([3, 1]);
  });

  it("an unreachable host goes to ERROR and its VMs to UNKNOWN, and back (World hook)", async () => {
    const s = setup();
    const id = await running(s);
    setHostReachable(s.emulator.state, "node01", false);
    expect(field(String(await s.ok("one.host.info", 0)), "STATE")).toBe("3");
    expect(await s.vmState(id)).toEqual([3, 16]);
    const other = Number(await s.ok("one.vm.allocate", 'CPU="1"\nMEMORY="64"'));
    s.clock.advance(10_000);
    expect(field(String(await s.ok("one.vm.info", other)), "HOSTNAME")).toBe("node02");
    await s.ok("one.vm.action", "poweroff-hard", id);
    expect(await s.vmState(id)).toEqual([8, 0]);
    setHostReachable(s.emulator.state, "node01", true);
    expect(field(String(await s.ok("one.host.info", 0)), "STATE")).toBe("2");
    expect(s.events.some((e) => e.type === "host-state" && e.state === 3)).toBe(true);
    expect(() => setHostReachable(s.emulator.state, "nope", false)).toThrow(/nope/);
  });

  it("a VM back from UNKNOWN is RUNNING again when its host returns", async () => {
    const s = setup();
    const id = await running(s);
    setHostReachable(s.emulator.state, "node01", false);
    setHostReachable(s.emulator.state, "node01", true);
    expect(await s.vmState(id)).toEqual([3, 3]);
  });

  it("leases come from the address range in order; exhaustion fails ALLOCATE without leaking", async () => {
    const s = setup();
    await s.ok(
      "one.vn.allocate",
      'NAME="tiny"\nVN_MAD="bridge"\nAR=[TYPE="IP4", IP="10.0.0.1", SIZE="2"]',
      -1,
    );
    const tmpl = 'CPU="0.1"\nMEMORY="64"\nNIC=[NETWORK="tiny"]';
    const a = Number(await s.ok("one.vm.allocate", tmpl));
    const b = Number(await s.ok("one.vm.allocate", tmpl));
    expect(field(String(await s.ok("one.vm.info", a)), "IP")).toBe("10.0.0.1");
    expect(field(String(await s.ok("one.vm.info", b)), "IP")).toBe("10.0.0.2");
    const r = await s.call("one.vm.allocate", `${tmpl}\nNIC=[NETWORK_ID="0"]`);
    expect(r).toMatchObject({
      kind: "error",
      code: 0x4000,
      message:
        "[one.vm.allocate] Error allocating a new virtual machine. Cannot get IP/MAC lease from virtual network 1.",
    });
    expect(String(await s.ok("one.vn.info", 0))).not.toContain("<LEASE>");
    await s.ok("one.vm.action", "terminate", a);
    const c = Number(await s.ok("one.vm.allocate", tmpl));
    expect(field(String(await s.ok("one.vm.info", c)), "IP")).toBe("10.0.0.1");
    await s.ok("one.vn.hold", 1, 'LEASES=[IP="10.0.0.2"]').catch(() => undefined);
    // outside every range: INTERNAL, as oned 7.4 answers (conformance/opennebula-oned)
    expect(await s.call("one.vn.hold", 1, 'LEASES=[IP="10.9.9.9"]')).toMatchObject({
      code: 0x2000,
      message: "[one.vn.hold] Address is not part of the address range or in use.",
      respId: -1,
    });
  });

  it("images: a Ceph datastore's POOL_NAME decides where the RBD image lives (SOURCE)", async () => {
    const s = setup();
    const rbdDs = Number(
      await s.ok(
        "one.datastore.allocate",
        'NAME="rbd-images"\nTYPE="IMAGE_DS"\nDS_MAD="ceph"\nTM_MAD="ceph"\nPOOL_NAME="rbd"',
        -1,
      ),
    );
    const inRbd = Number(
      await s.ok("one.image.allocate", 'NAME="data2"\nTYPE="DATABLOCK"\nSIZE="100"', rbdDs, false),
    );
    expect(field(String(await s.ok("one.image.info", inRbd)), "SOURCE")).toBe(`rbd/one-${inRbd}`);
  });

  it("images: LOCKED until copied, READY, USED while a VM has them; events for the World", async () => {
    const s = setup();
    const img = Number(
      await s.ok("one.image.allocate", 'NAME="data"\nTYPE="DATABLOCK"\nSIZE="100"', 1, false),
    );
    expect(field(String(await s.ok("one.image.info", img)), "STATE")).toBe("4");
    expect(field(String(await s.ok("one.image.info", img)), "SOURCE")).toBe(`one/one-${img}`);
    expect(await s.call("one.vm.allocate", `CPU=1\nMEMORY=64\nDISK=[IMAGE_ID="${img}"]`)).toMatchObject({
      code: 0x4000,
    });
    s.clock.advance(2_000);
    expect(field(String(await s.ok("one.image.info", img)), "STATE")).toBe("1");
    const vm = Number(await s.ok("one.vm.allocate", `CPU=1\nMEMORY=64\nDISK=[IMAGE_ID="${img}"]`));
    expect(field(String(await s.ok("one.image.info", img)), "STATE")).toBe("2");
    expect(await s.call("one.image.delete", img)).toMatchObject({ code: 0x800 });
    await s.ok("one.vm.action", "terminate", vm);
    await s.ok("one.image.delete", img);
    expect(s.events.filter((e) => e.type.startsWith("image")).map((e) => e.type)).toEqual([
      "image-created",
      "image-deleted",
    ]);
    expect(await s.call("one.image.info", img)).toMatchObject({
      code: 0x400,
      message: `[one.image.info] Error getting image [${img}].`,
    });
  });

  it("rejects templates oned would reject with ALLOCATE", async () => {
    const s = setup();
    expect(await s.call("one.vm.allocate", 'MEMORY="64"')).toMatchObject({
      code: 0x4000,
      message: expect.stringContaining("CPU attribute"),
    });
    expect(await s.call("one.vm.allocate", 'CPU="1"\nMEMORY="-5"')).toMatchObject({ code: 0x4000 });
    expect(await s.call("one.vm.allocate", 'CPU="1" MEMORY=')).toMatchObject({
      code: 0x4000,
      message: expect.stringContaining("Parse error"),
    });
    expect(await s.call("one.vm.allocate", 'CPU=1\nMEMORY=64\nDISK=[IMAGE_ID="99"]')).toMatchObject({
      code: 0x4000,
    });
    expect(
      await s.call("one.template.instantiate", 0, "", false, 'NIC=[NETWORK_ID="7"]', false),
    ).toMatchObject({ code: 0x4000 });
    expect(s.emulator.state.vms.size).toBe(0);
    // Blanks separate attributes as newlines do; `NAME =` at the end of a line is an empty value.
    const one = Number(await s.ok("one.vm.allocate", 'CPU=2 VCPU=4 MEMORY="128" LABELS=\nNAME="one-line"'));
    const doc = String(await s.ok("one.vm.info", one));
    expect([field(doc, "VCPU"), field(doc, "NAME"), field(doc, "LABELS")]).toEqual(["4", "one-line", ""]);
    expect(await s.call("one.vm.allocate", "CPU=1 MEMORY=64 = 3")).toMatchObject({
      code: 0x4000,
      message: expect.stringContaining("Parse error"),
    });
    const xml =
      "<TEMPLATE><NAME>x</NAME><CPU>1</CPU><MEMORY>64</MEMORY><NIC><NETWORK_ID>0</NETWORK_ID></NIC></TEMPLATE>";
    const id = Number(await s.ok("one.vm.allocate", xml));
    expect(field(String(await s.ok("one.vm.info", id)), "IP")).toBe("192.168.10.100");
  });

  it("reindex rebuilds the agenda and host capacity from the objects (for a World snapshot restore)", async () => {
    const s = setup();
    const a = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    s.clock.advance(5_000);
    expect(await s.vmState(a)).toEqual([3, 1]);
    const state = s.emulator.state;
    state.agenda.heap = [];
    for (const h of state.hosts.values()) h.usedCpu = 0;
    reindex(state);
    expect(state.hosts.get(0)!.usedCpu).toBe(100);
    s.clock.advance(5_000);
    expect(await s.vmState(a)).toEqual([3, 3]);
  });

  it("a step naming a hook the state was not given is an error, not skipped; every kind the emulator names is given", async () => {
    const s = setup();
    const a = Number(await s.ok("one.template.instantiate", 0, "", false, "", false));
    s.clock.advance(5_000);
    sync(s.emulator.state);
    const vm = s.emulator.state.vms.get(a)!;
    expect(vm.steps.map((step) => step.hook?.kind)).toEqual([undefined, "deployed"]);
    expect([...s.emulator.state.lifecycle.stepHooks.keys()].sort()).toEqual([
      "backup-done",
      "booted",
      "deployed",
      "disk-resized",
      "disk-saved",
      "epilog-start",
      "finish",
      "migrated",
      "prolog-migrate",
      "release-capacity",
      "running-end",
    ]);
    vm.steps[1]!.hook = { kind: "no-such-hook" };
    s.clock.advance(5_000);
    expect(() => sync(s.emulator.state)).toThrow(`VM ${a}: no step hook "no-such-hook"`);
  });

  it("keeps up with 2,000 VMs: instantiate, schedule and page them", async () => {
    const s = setup({ hosts: [{ name: "big", threads: 4000, memoryGb: 4096 }] });
    s.emulator.state.vnets.get(0)!.ars[0]!.size = 5000;
    const started = performance.now();
    for (let i = 0; i < 2000; i++) await s.ok("one.template.instantiate", 0, "", false, "", false);
    s.clock.advance(10_000);
    const page = String(await s.ok("one.vmpool.info", -2, 0, -100, -1));
    expect(page.match(/<VM><ID>/g)?.length).toBe(100);
    expect(field(String(await s.ok("one.host.info", 0)), "RUNNING_VMS")).toBe("2000");
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it("a locked VM refuses operations at or above the lock level (AUTHORIZATION, as oned 7.4); info still works", async () => {
    const s = setup();
    const id = await running(s);
    await s.ok("one.vm.lock", id, 2);
    expect(await s.call("one.vm.action", "poweroff", id)).toMatchObject({
      kind: "error",
      code: 0x200,
      respId: -1,
      message: `[one.vm.action] User [0] : VM is locked. [${id}].`,
    });
    expect(String(await s.ok("one.vm.info", id))).toContain("<LOCK><LOCKED>2</LOCKED>");
    // test=true on a locked VM answers ACTION with the lock's time; a wrong level is ACTION too
    expect(await s.call("one.vm.lock", id, 1, true)).toMatchObject({ code: 0x800 });
    expect(await s.call("one.vm.lock", id, 5)).toMatchObject({
      code: 0x800,
      message: "[one.vm.lock] Wrong lock level specified",
    });
    // the lock's owner may relock: 4 (ALL) is level 1, which refuses USE operations too
    await s.ok("one.vm.lock", id, 4);
    expect(String(await s.ok("one.vm.info", id))).toContain("<LOCK><LOCKED>1</LOCKED>");
    expect(await s.call("one.vm.attachnic", id, "NIC=[NETWORK_ID=0]")).toMatchObject({ code: 0x200 });
    await s.ok("one.vm.unlock", id);
    await s.ok("one.vm.action", "poweroff", id);
  });
});
