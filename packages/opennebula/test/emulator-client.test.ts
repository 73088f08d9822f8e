/**
 * The client against the OpenNebula emulator, in-process (no sockets): each side was written
 * without the other's codec, so a disagreement here is a bug in one of them.
 */
import { createOpenNebulaEmulator } from "@homelab-kit/emulator/opennebula";
import { describe, expect, it } from "vitest";
import { createOpenNebulaClient, OpenNebulaError, PoolFilter, VmStateFilter } from "../src/index.js";
import { emulatorClients } from "./helpers/emulator.js";

const setup = emulatorClients({ client: { url: "http://one.test:2633/RPC2" } });

describe("@homelab-kit/opennebula against the emulator", () => {
  it("detects the version, instantiates, and reads the VM through PROLOG, BOOT and RUNNING", async () => {
    const { one, clock } = setup();
    expect(await one.version()).toBe("7.4.0");
    const id = await one.template.instantiate(0, "web-01");
    const pending = await one.vm.info(id);
    expect([pending.NAME, pending.STATE.name]).toEqual(["web-01", "PENDING"]);
    clock.advance(5_000);
    expect((await one.vm.info(id)).LCM_STATE.name).toBe("PROLOG");
    clock.advance(5_000);
    const vm = await one.vm.info(id);
    expect([vm.STATE.name, vm.LCM_STATE.name]).toEqual(["ACTIVE", "RUNNING"]);
    expect(JSON.stringify(vm)).toContain("192.168.10.100");
    await one.vm.action("poweroff", id);
    clock.advance(2_000);
    expect((await one.vm.info(id)).STATE.name).toBe("POWEROFF");
    await one.vm.action("resume", id);
    clock.advance(2_000);
    await one.vm.action("terminate", id);
    clock.advance(3_000);
    expect((await one.vm.info(id)).STATE.name).toBe("DONE");
  });

  it("waits for RUNNING with waitFor on the emulator's real clock", async () => {
    const emulator = createOpenNebulaEmulator({
      timings: { schedule: 30, prolog: 30, boot: 30, shutdown: 30, epilog: 30, save: 30, imageCopy: 30 },
    });
    const one = createOpenNebulaClient({
      url: "http://one.test/RPC2",
      username: "oneadmin",
      password: "opennebula",
      transport: emulator.transport(),
    });
    try {
      const id = await one.template.instantiate(0, "w");
      const status = await one.vm.waitFor(id, (s) => s.lcmState === "RUNNING", { timeout: 5_000 });
      expect([status.state, status.lcmState]).toEqual(["ACTIVE", "RUNNING"]);
    } finally {
      await one.close();
    }
  });

  it("pages VM, image and network pools with the iterators", async () => {
    const { one } = setup();
    for (let i = 0; i < 7; i++) await one.vm.allocate(`NAME="v${i}"\nCPU="0.1"\nMEMORY="64"`, true);
    const names: string[] = [];
    for await (const vm of one.vmpool.iterate({
      filter: PoolFilter.ALL,
      pageSize: 3,
      state: VmStateFilter.ANY,
    }))
      names.push(vm.NAME);
    expect(names).toEqual(["v6", "v5", "v4", "v3", "v2", "v1", "v0"]);
    const full: number[] = [];
    for await (const vm of one.vmpool.iterateExtended({ filter: PoolFilter.ALL, pageSize: 5 }))
      full.push(vm.ID);
    expect(full).toEqual([6, 5, 4, 3, 2, 1, 0]);
    const images: string[] = [];
    for await (const image of one.imagepool.iterate({ filter: PoolFilter.ALL, pageSize: 1 }))
      images.push(image.NAME);
    expect(images).toEqual(["ubuntu-24.04"]);
  });

  it("parses host, image, datastore, network, template, cluster, user and group documents", async () => {
    const { one } = setup();
    const hosts = await one.hostpool.info();
    expect(JSON.stringify(hosts)).toContain("node03");
    expect((await one.host.info(0)).NAME).toBe("node01");
    expect((await one.image.info(0)).NAME).toBe("ubuntu-24.04");
    expect((await one.datastore.info(1)).NAME).toBe("ceph_images");
    expect(JSON.stringify(await one.vn.info(0))).toContain("192.168.10.100");
    expect((await one.template.info(0)).NAME).toBe("ubuntu-small");
    expect((await one.cluster.info(0)).NAME).toBe("default");
    expect((await one.user.info(0)).NAME).toBe("oneadmin");
    expect((await one.group.info(1)).NAME).toBe("users");
    await one.datastorepool.info();
    await one.clusterpool.info();
    await one.userpool.info();
    await one.grouppool.info();
  });

  it("maps the emulator's failures to typed errors", async () => {
    const { one } = setup();
    const missing = await one.vm.info(4242).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenNebulaError);
    expect(missing).toMatchObject({ code: "NO_EXISTS", objectId: 4242, method: "one.vm.info" });
    const id = await one.vm.allocate('CPU="1"\nMEMORY="64"', true);
    expect(await one.vm.action("poweroff", id).catch((e: unknown) => e)).toMatchObject({ code: "ACTION" });
    expect(await one.call("one.vm.savedisk", [1]).catch((e: unknown) => e)).toMatchObject({ kind: "fault" });
    const { one: bad } = setup({ client: { password: "wrong-password" } });
    expect(await bad.vm.info(0).catch((e: unknown) => e)).toMatchObject({ code: "AUTHENTICATION" });
  });

  it("changes ownership, permissions and capacity, migrates, and reads monitoring records", async () => {
    const { one, clock } = setup();
    const uid = await one.user.allocate("carol", "pw", "");
    const id = await one.template.instantiate(0, "mover");
    expect(await one.vm.resize(id, 'CPU="2"\nMEMORY="4096"')).toBe(id);
    clock.advance(10_000);
    const vm = await one.vm.info(id);
    expect(vm.LCM_STATE.name).toBe("RUNNING");
    expect(JSON.stringify(vm.TEMPLATE)).toContain("4096");
    expect(await one.vm.chown(id, uid, 1)).toBe(id);
    expect(await one.vm.chmod(id, -1, -1, -1, 1, -1, -1, -1, -1, -1)).toBe(id);
    const owned = await one.vm.info(id);
    expect([owned.UNAME, owned.GNAME]).toEqual(["carol", "users"]);
    const hid = Number(JSON.stringify(owned.HISTORY_RECORDS).match(/"HID":"?(\d+)/)?.[1]);
    const target = hid === 0 ? 1 : 0;
    expect(await one.vm.migrate(id, target, true, true)).toBe(id);
    expect((await one.vm.info(id)).LCM_STATE.name).toBe("MIGRATE");
    clock.advance(2_000);
    expect((await one.vm.info(id)).LCM_STATE.name).toBe("RUNNING");
    expect(await one.vm.migrate(id, target, true).catch((e: unknown) => e)).toMatchObject({
      code: "ACTION",
      method: "one.vm.migrate",
    });
    expect(await one.vm.resize(id, "CPU=1").catch((e: unknown) => e)).toMatchObject({ code: "ACTION" });
    clock.advance(300_000);
    expect(JSON.stringify(await one.vm.monitoring(id))).toMatch(/TIMESTAMP/);
    const hostRecords = JSON.stringify(await one.host.monitoring(target));
    expect(hostRecords).toContain("USED_CPU");
    expect(hostRecords).toContain("200");
  });

  it("hot-plugs a NIC and a disk, snapshots a disk, and manages security groups, VM groups and ACLs", async () => {
    const { one, clock } = setup();
    const id = await one.template.instantiate(0, "plugged");
    clock.advance(10_000);
    expect(await one.vm.attachnic(id, "NIC=[NETWORK_ID=0]")).toBe(id);
    expect((await one.vm.info(id)).LCM_STATE.name).toBe("HOTPLUG_NIC");
    clock.advance(1_000);
    expect(await one.vm.attach(id, 'DISK=[TYPE="fs", SIZE="512"]')).toBe(id);
    clock.advance(1_000);
    expect(await one.vm.disksnapshotcreate(id, 0, "base")).toBe(0);
    clock.advance(1_000);
    const vm = await one.vm.info(id);
    expect(vm.LCM_STATE.name).toBe("RUNNING");
    expect(JSON.stringify(vm.TEMPLATE)).toContain("192.168.10.101");
    expect(JSON.stringify(vm.SNAPSHOTS)).toContain("base");
    // no object ID in oned 7.4's answer (conformance/opennebula-oned)
    expect(await one.vm.detach(id, 9).catch((e: unknown) => e)).toMatchObject({
      code: "ACTION",
      message: expect.stringContaining("[one.vm.detach] VM disk does not exist"),
    });

    const sg = await one.secgroup.allocate(
      'NAME="ssh"\nRULE=[PROTOCOL="TCP", RULE_TYPE="INBOUND", RANGE="22"]',
    );
    expect((await one.secgroup.info(sg)).NAME).toBe("ssh");
    expect(JSON.stringify(await one.secgrouppool.info(-2, -1, -1))).toContain("default");
    expect(await one.secgroup.delete(0).catch((e: unknown) => e)).toMatchObject({ code: "ACTION" });

    const vg = await one.vmgroup.allocate('NAME="db"\nROLE=[NAME="primary", POLICY="ANTI_AFFINED"]');
    const group = await one.vmgroup.info(vg);
    expect(group.NAME).toBe("db");
    expect(JSON.stringify(group.ROLES)).toContain("ANTI_AFFINED");

    const rule = await one.acl.addrule("@1", "VM+NET/*", "USE+MANAGE");
    const rules = await one.acl.info();
    expect(JSON.stringify(rules)).toContain("@1 VM+NET/* USE+MANAGE #0");
    await one.acl.delrule(rule);
    expect(await one.acl.delrule(rule).catch((e: unknown) => e)).toMatchObject({ code: "INTERNAL" }); // "Rule N does not exist", as oned 7.4
  });
});
