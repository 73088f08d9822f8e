import { describe, expect, it } from "vitest";
import { field, methodCall, readResponse } from "./opennebula-rpc.js";
import { setup2023 as setup } from "./opennebula-setup.js";

const ids = (xml: unknown) => [...String(xml).matchAll(/<VM><ID>(\d+)<\/ID>/g)].map((m) => Number(m[1]));

describe("OpenNebula emulator: users, authorization, pools", () => {
  it("wrong password, unknown user, disabled user and a malformed session → AUTHENTICATION", async () => {
    const s = setup();
    for (const session of ["oneadmin:nope", "ghost:x", "oneadmin", ":opennebula", "oneadmin:"]) {
      expect(await s.as(session).call("one.vm.info", 0)).toMatchObject({
        kind: "error",
        code: 0x100,
        respId: -1,
        message: "[one.vm.info] User couldn't be authenticated, aborting call.",
      });
    }
    s.emulator.state.users.get(0)!.enabled = false;
    expect(await s.call("one.system.version")).toMatchObject({ code: 0x100 });
  });

  it("never echoes the password of a failed session", async () => {
    const s = setup();
    const r = await s.as("oneadmin:S3cret-value").call("one.vm.info", 0);
    expect(r.raw).not.toContain("S3cret-value");
  });

  it("regular users: own objects only, AUTHORIZATION with oned's message, admin-only calls refused", async () => {
    const s = setup();
    const uid = Number(await s.ok("one.user.allocate", "alice", "pw", ""));
    const alice = s.as("alice:pw");
    const adminVm = Number(await s.ok("one.vm.allocate", "CPU=1\nMEMORY=64", true));
    const mine = Number(await alice.ok("one.vm.allocate", 'NAME="mine"\nCPU=1\nMEMORY=64', true));
    expect(await alice.call("one.vm.info", adminVm)).toMatchObject({
      // oned 7.4 answers AUTHORIZATION with resp_id -1 (conformance/opennebula-oned)
      code: 0x200,
      respId: -1,
      message: `[one.vm.info] User [${uid}] : Not authorized to perform USE VM [${adminVm}].`,
    });
    expect(await alice.call("one.vm.action", "terminate", adminVm)).toMatchObject({ code: 0x200 });
    expect(await alice.call("one.host.delete", 0)).toMatchObject({ code: 0x200 });
    expect(await alice.call("one.user.allocate", "bob", "pw", "")).toMatchObject({ code: 0x200 });
    expect(await alice.call("one.user.info", 0)).toMatchObject({ code: 0x200 });
    expect(ids(await alice.ok("one.vmpool.info", -2, -1, -1, -1))).toEqual([mine]);
    expect(ids(await s.ok("one.vmpool.info", -2, -1, -1, -1))).toEqual([mine, adminVm]);
    expect(ids(await s.ok("one.vmpool.info", -3, -1, -1, -1))).toEqual([adminVm]);
    expect(ids(await s.ok("one.vmpool.info", uid, -1, -1, -1))).toEqual([mine]);
    // the template and image are group-usable (GROUP_U) only for oneadmin's group: alice cannot use them
    expect(await alice.call("one.template.instantiate", 0, "", false, "", false)).toMatchObject({
      code: 0x200,
    });
    await s.ok("one.user.chgrp", uid, 0);
    expect(await alice.call("one.template.instantiate", 0, "", false, "", false)).toMatchObject({
      kind: "ok",
    });
    expect(field(String(await alice.ok("one.user.info", -1)), "NAME")).toBe("alice");
    expect(String(await alice.ok("one.user.info", -1))).not.toContain("<PASSWORD>pw</PASSWORD>");
  });

  it("login tokens authenticate until they expire on the clock; valid=0 revokes", async () => {
    const s = setup();
    const token = String(await s.ok("one.user.login", "oneadmin", "", 60, -1));
    expect(token).toMatch(/^[0-9a-f]{40}$/);
    expect(await s.as(`oneadmin:${token}`).call("one.system.version")).toMatchObject({ kind: "ok" });
    s.clock.advance(61_000);
    expect(await s.as(`oneadmin:${token}`).call("one.system.version")).toMatchObject({ code: 0x100 });
    const forever = String(await s.ok("one.user.login", "oneadmin", "mytoken", -1, -1));
    expect(forever).toBe("mytoken");
    s.clock.advance(10 ** 10);
    expect(await s.as("oneadmin:mytoken").call("one.system.version")).toMatchObject({ kind: "ok" });
    await s.ok("one.user.login", "oneadmin", "mytoken", 0, -1);
    expect(await s.as("oneadmin:mytoken").call("one.system.version")).toMatchObject({ code: 0x100 });
  });

  it("pages with (offset, -size) newest first, ranges with (start, end), ASC when configured", async () => {
    const s = setup();
    for (let i = 0; i < 5; i++) await s.ok("one.vm.allocate", `CPU=1\nMEMORY=64`, true);
    expect(ids(await s.ok("one.vmpool.info", -2, 0, -2, -1))).toEqual([4, 3]);
    expect(ids(await s.ok("one.vmpool.info", -2, 2, -2, -1))).toEqual([2, 1]);
    expect(ids(await s.ok("one.vmpool.info", -2, 4, -2, -1))).toEqual([0]);
    expect(ids(await s.ok("one.vmpool.info", -2, 1, 3, -1))).toEqual([3, 2, 1]);
    expect(ids(await s.ok("one.vmpool.info", -2, 3, -1, -1))).toEqual([4, 3]);
    expect(ids(await s.ok("one.vmpool.infoset", "0,2", false))).toEqual([2, 0]);
    const asc = setup({ listOrder: "ASC" });
    for (let i = 0; i < 3; i++) await asc.ok("one.vm.allocate", `CPU=1\nMEMORY=64`, true);
    expect(ids(await asc.ok("one.vmpool.info", -2, 0, -2, -1))).toEqual([0, 1]);
  });

  it("bad filter flag and state filter → RPC_API; JSON query matches on MySQL, INTERNAL on SQLite", async () => {
    const s = setup();
    expect(await s.call("one.vmpool.info", -5, -1, -1, -1)).toMatchObject({
      code: 0x1000,
      message: "[one.vmpool.info] Incorrect filter_flag.",
    });
    expect(await s.call("one.vmpool.info", -2, -1, -1, 12)).toMatchObject({ code: 0x1000 });
    await s.ok("one.vm.allocate", 'NAME="web-1"\nCPU=1\nMEMORY=64', true);
    await s.ok("one.vm.allocate", 'NAME="db-1"\nCPU=1\nMEMORY=64', true);
    expect(ids(await s.ok("one.vmpool.info", -2, -1, -1, -1, "VM.NAME=web"))).toEqual([0]);
    const sqlite = setup({ sqlBackend: "sqlite" });
    expect(await sqlite.call("one.vmpool.info", -2, -1, -1, -1, "VM.NAME=web")).toMatchObject({
      code: 0x2000,
      message: "[one.vmpool.info] JSON query search is not supported by the SQL backend",
    });
  });

  it("NO_EXISTS names each object as oned does", async () => {
    const s = setup();
    const cases: Array<[string, string]> = [
      ["one.vm.info", "virtual machine"],
      ["one.host.info", "host"],
      ["one.image.info", "image"],
      ["one.datastore.info", "datastore"],
      ["one.vn.info", "virtual network"],
      ["one.template.info", "virtual machine template"],
      ["one.user.info", "user"],
      ["one.group.info", "group"],
      ["one.cluster.info", "cluster"],
    ];
    for (const [method, obj] of cases) {
      expect(await s.call(method, 77)).toMatchObject({
        kind: "error",
        code: 0x400,
        respId: 77,
        message: `[${method}] Error getting ${obj} [77].`,
      });
    }
  });

  it("hosts, clusters, datastores, networks, users and groups can be created and deleted", async () => {
    const s = setup({ empty: true });
    const cid = Number(await s.ok("one.cluster.allocate", "edge"));
    const hid = Number(await s.ok("one.host.allocate", "edge01", "kvm", "kvm", cid));
    expect(await s.call("one.host.allocate", "edge01", "kvm", "kvm", -1)).toMatchObject({ code: 0x4000 });
    expect(String(await s.ok("one.cluster.info", cid))).toContain(`<HOSTS><ID>${hid}</ID></HOSTS>`);
    expect(await s.call("one.cluster.delete", cid)).toMatchObject({ code: 0x800 });
    await s.ok("one.host.status", hid, 1);
    expect(field(String(await s.ok("one.host.info", hid)), "STATE")).toBe("4");
    await s.ok("one.host.delete", hid);
    await s.ok("one.cluster.delete", cid);
    const ds = Number(await s.ok("one.datastore.allocate", 'NAME="img"\nDS_MAD="fs"\nTM_MAD="qcow2"', -1));
    expect(await s.call("one.datastore.allocate", 'NAME="x"', -1)).toMatchObject({ code: 0x2000 });
    const vn = Number(
      await s.ok("one.vn.allocate", 'NAME="n"\nVN_MAD="bridge"\nAR=[TYPE="ETHER", SIZE="4"]', -1),
    );
    await s.ok("one.vn.add_ar", vn, 'AR=[TYPE="IP4", IP="10.1.0.1", SIZE="8"]');
    expect(await s.call("one.vn.add_ar", vn, 'AR=[TYPE="IP4", IP="300.1.0.1", SIZE="8"]')).toMatchObject({
      code: 0x800,
    });
    await s.ok("one.vn.rm_ar", vn, 1);
    const gid = Number(await s.ok("one.group.allocate", "devs"));
    const uid = Number(await s.ok("one.user.allocate", "dev", "pw", "core"));
    await s.ok("one.user.chgrp", uid, gid);
    expect(await s.call("one.group.delete", gid)).toMatchObject({ code: 0x800 });
    await s.ok("one.user.delete", uid);
    await s.ok("one.group.delete", gid);
    await s.ok("one.vn.delete", vn);
    await s.ok("one.datastore.delete", ds);
    expect(String(await s.ok("one.hostpool.info"))).toBe("<HOST_POOL></HOST_POOL>");
  });

  it("serves on loopback: a 100 MB body gets 413 and the server keeps answering", async () => {
    const { emulator } = setup();
    const server = await emulator.listen();
    try {
      const big = new Uint8Array(100 * 1024 * 1024).fill(0x20);
      const res = await fetch(`${server.url}/RPC2`, {
        method: "POST",
        body: big,
        headers: { "content-type": "text/xml" },
      }).catch((e: unknown) => e as Error);
      // node:http may close the socket while fetch still uploads: a 413 or a reset, never a crash.
      if (res instanceof Error)
        expect(String(res.cause ?? res)).toMatch(/ECONNRESET|EPIPE|other side closed|fetch failed|socket/i);
      else expect(res.status).toBe(413);
      const ok = await fetch(`${server.url}/RPC2`, {
        method: "POST",
        headers: { "content-type": "text/xml" },
        body: methodCall("one.system.version", ["oneadmin:opennebula"]),
      });
      expect(readResponse(await ok.text())).toMatchObject({ kind: "ok", value: "7.4.0" });
      const get = await fetch(`${server.url}/RPC2`);
      expect(get.status).toBe(405);
    } finally {
      await server.close();
    }
  });
});
