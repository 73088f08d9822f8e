/**
 * The client (@homelab-kit/opennebula) against real oned (scripts/opennebula/start-oned.sh): every
 * namespace's methods on oned's own documents, through the client's validated models, and the typed
 * errors oned's failures become. Run by `bash .ci/suites/oned.sh` (ONED_ENDPOINT_FILE).
 */
import {
  createOpenNebulaClient,
  HostStatus,
  isOpenNebulaError,
  type OpenNebulaClient,
  PoolFilter,
} from "@homelab-kit/opennebula";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onedTarget } from "./targets.js";

const target = onedTarget();
let one: OpenNebulaClient;
const clients: OpenNebulaClient[] = [];

function client(username = target.user, password = target.password): OpenNebulaClient {
  const c = createOpenNebulaClient({ url: target.endpoint, username, password });
  clients.push(c);
  return c;
}

async function failure(p: Promise<unknown>) {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isOpenNebulaError(error)) throw new Error(`expected an OpenNebula error, got ${String(error)}`);
  return error;
}

beforeAll(() => {
  one = client();
});
afterAll(async () => {
  for (const c of clients) await c.close();
});

describe("client ↔ real oned 7.4 (dummy drivers)", () => {
  it("system: version and config", async () => {
    expect(await one.system.version()).toBe("7.4.0");
    const config = await one.system.config();
    expect(JSON.stringify(config)).toContain("DB");
  });

  it("reads every pool and the reference topology's objects through the validated models", async () => {
    const hosts = await one.hostpool.info();
    expect(hosts.map((h) => h.NAME)).toEqual(expect.arrayContaining(["node1", "node2", "node3"]));
    const node1 = hosts.find((h) => h.NAME === "node1")!;
    expect((await one.host.info(node1.ID)).VM_MAD).toBe("dummy");
    const datastores = await one.datastorepool.info();
    expect(datastores.map((d) => d.NAME)).toEqual(expect.arrayContaining(["ceph-images", "ceph-system"]));
    const images = await one.imagepool.info(PoolFilter.ALL, -1, -1);
    expect(images.map((i) => i.NAME)).toContain("ubuntu-24.04");
    const vnets = await one.vnpool.info(PoolFilter.ALL, -1, -1);
    const lan = vnets.find((v) => v.NAME === "lan")!;
    expect((await one.vn.info(lan.ID)).AR_POOL.AR[0]?.SIZE).toBe(50);
    const templates = await one.templatepool.info(PoolFilter.ALL, -1, -1);
    expect(templates.map((t) => t.NAME)).toEqual(expect.arrayContaining(["k8s-node", "mysql", "prometheus"]));
    const vms = await one.vmpool.info(PoolFilter.ALL, -1, -1, -1);
    expect(vms.map((v) => v.NAME)).toEqual(expect.arrayContaining(["mysql", "prometheus"]));
    const extended = await one.vmpool.infoextended(PoolFilter.ALL, -1, -1, -1);
    expect(extended.every((vm) => Array.isArray(vm.TEMPLATE.NIC))).toBe(true);
    expect((await one.userpool.info()).USER.map((u) => u.NAME)).toContain("oneadmin");
    expect((await one.grouppool.info()).GROUP.map((g) => g.NAME)).toEqual(
      expect.arrayContaining(["oneadmin", "users"]),
    );
    expect((await one.clusterpool.info()).map((c) => c.NAME)).toContain("default");
    expect((await one.secgrouppool.info(PoolFilter.ALL, -1, -1)).map((s) => s.NAME)).toContain("default");
    expect(await one.vmgrouppool.info(PoolFilter.ALL, -1, -1)).toEqual(expect.any(Array));
    expect((await one.acl.info()).length).toBeGreaterThan(0);
  });

  it("host: allocate, update, status, rename, delete; NO_EXISTS with the object's ID", async () => {
    const id = await one.host.allocate("client-host", "dummy", "dummy", -1);
    await one.host.update(id, 'RACK="r1"', 1);
    expect(await one.host.status(id, HostStatus.DISABLED)).toBe(id);
    const host = await one.host.info(id);
    expect([host.NAME, host.STATE.name, host.TEMPLATE.RACK]).toEqual(["client-host", "DISABLED", "r1"]);
    await one.host.rename(id, "client-host-2");
    await one.host.delete(id);
    const error = await failure(one.host.info(id));
    expect([error.code, error.objectId]).toEqual(["NO_EXISTS", id]);
  });

  it("datastore, image, network, template: the whole allocate → info → update → delete cycle", async () => {
    const ds = await one.datastore.allocate(
      'NAME="client-ds"\nTYPE="IMAGE_DS"\nDS_MAD="dummy"\nTM_MAD="dummy"',
      -1,
    );
    expect((await one.datastore.info(ds)).TYPE).toMatchObject({ value: 0 });
    // oned checks the size against the datastore's free space: wait for its first monitoring
    for (let i = 0; i < 300 && (await one.datastore.info(ds)).TOTAL_MB === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    const image = await one.image.allocate('NAME="client-img"\nTYPE="DATABLOCK"\nSIZE="8"', ds);
    for (let i = 0; i < 100 && (await one.image.info(image)).STATE.name !== "READY"; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await one.image.info(image)).STATE.name).toBe("READY");
    await one.image.update(image, 'DESCRIPTION="client"', 1);
    await one.image.delete(image);
    const vn = await one.vn.allocate(
      'NAME="client-net"\nBRIDGE="br9"\nVN_MAD="bridge"\nAR=[TYPE="IP4",IP="192.168.9.1",SIZE="4"]',
      -1,
    );
    // LOCK_CREATE until the network driver's create action answers
    for (let i = 0; i < 300 && (await one.vn.info(vn)).STATE.name !== "READY"; i++)
      await new Promise((r) => setTimeout(r, 100));
    await one.vn.hold(vn, 'LEASES=[IP="192.168.9.2"]');
    expect((await one.vn.info(vn)).AR_POOL.AR[0]?.USED_LEASES).toBe(1);
    await one.vn.release(vn, 'LEASES=[IP="192.168.9.2"]');
    await one.vn.delete(vn);
    const tpl = await one.template.allocate('NAME="client-tpl"\nCPU="1"\nMEMORY="64"');
    await one.template.update(tpl, 'DESCRIPTION="client"', 1);
    expect((await one.template.info(tpl)).TEMPLATE.DESCRIPTION).toBe("client");
    await one.template.delete(tpl);
    for (let i = 0; i < 100; i++) {
      const left = (await one.imagepool.info(PoolFilter.ALL, -1, -1)).some((im) => im.ID === image);
      if (!left) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await one.datastore.delete(ds);
  });

  it("users, groups, quotas, login tokens; a wrong password is AUTHENTICATION", async () => {
    const group = await one.group.allocate("client-group");
    const user = await one.user.allocate("client-user", "client-pass", "core", [group]);
    await one.user.quota(
      user,
      'VM=[VMS="2",CPU="-1",MEMORY="-1",RUNNING_VMS="-1",RUNNING_CPU="-1",RUNNING_MEMORY="-1",SYSTEM_DISK_SIZE="-1"]',
    );
    const info = await one.user.info(user);
    expect(info.GID).toBe(group);
    expect(JSON.stringify(info.VM_QUOTA)).toContain('"VMS":"2"');
    // a full token (every group) only for the user's own session: oneadmin asking gets RPC_API
    const asAdmin = await failure(one.user.login("client-user", "", 60));
    expect(asAdmin.code).toBe("RPC_API");
    const token = await client("client-user", "client-pass").user.login("client-user", "", 60);
    const tokenClient = createOpenNebulaClient({ url: target.endpoint, username: "client-user", token });
    clients.push(tokenClient);
    expect((await tokenClient.user.info(-1)).NAME).toBe("client-user");
    expect((await failure(client("client-user", "wrong").user.info(-1))).code).toBe("AUTHENTICATION");
    const denied = await failure(
      client("client-user", "client-pass").host.allocate("x", "dummy", "dummy", -1),
    );
    expect(denied.code).toBe("AUTHORIZATION");
    await one.user.delete(user);
    await one.group.delete(group);
  });

  it("cluster, security group, VM group and ACL rules", async () => {
    const cluster = await one.cluster.allocate("client-cluster");
    expect((await one.cluster.info(cluster)).NAME).toBe("client-cluster");
    await one.cluster.delete(cluster);
    const sg = await one.secgroup.allocate(
      'NAME="client-sg"\nRULE=[PROTOCOL="TCP",RULE_TYPE="INBOUND",RANGE="22"]',
    );
    expect((await one.secgroup.info(sg)).NAME).toBe("client-sg");
    await one.secgroup.delete(sg);
    const vmg = await one.vmgroup.allocate('NAME="client-vmg"\nROLE=[NAME="web",POLICY="AFFINED"]');
    expect((await one.vmgroup.info(vmg)).ROLES.ROLE.map((r) => r.NAME)).toEqual(["web"]);
    await one.vmgroup.delete(vmg);
    const rule = await one.acl.addrule("0x100000001", "0x2400000000", "0x1");
    expect((await one.acl.info()).some((r) => r.ID === rule)).toBe(true);
    await one.acl.delrule(rule);
  });

  it("a VM: instantiate on hold, deploy, waitFor RUNNING, poweroff, resume, hot-plug a NIC, terminate", async () => {
    const [node1] = (await one.hostpool.info()).filter((h) => h.NAME === "node1");
    const [mysql] = (await one.templatepool.info(PoolFilter.ALL, -1, -1)).filter((t) => t.NAME === "mysql");
    const lan = (await one.vnpool.info(PoolFilter.ALL, -1, -1)).find((v) => v.NAME === "lan")!;
    const id = await one.template.instantiate(mysql!.ID, "client-vm", true);
    expect((await one.vm.info(id)).STATE.name).toBe("HOLD");
    await one.vm.deploy(id, node1!.ID);
    const running = await one.vm.waitFor(id, (s) => s.lcmState === "RUNNING", {
      interval: 200,
      timeout: 60_000,
    });
    expect(running.vm.HISTORY_RECORDS.HISTORY.at(-1)?.HOSTNAME).toBe("node1");
    await one.vm.action("poweroff", id);
    await one.vm.waitFor(id, (s) => s.state === "POWEROFF", { interval: 200, timeout: 60_000 });
    const wrong = await failure(one.vm.action("suspend", id));
    expect(wrong.code).toBe("ACTION");
    await one.vm.action("resume", id);
    await one.vm.waitFor(id, (s) => s.lcmState === "RUNNING", { interval: 200, timeout: 60_000 });
    await one.vm.attachnic(id, `NIC=[NETWORK_ID="${lan.ID}"]`);
    const withNic = await one.vm.waitFor(id, (s) => s.lcmState === "RUNNING", {
      interval: 200,
      timeout: 60_000,
    });
    expect(withNic.vm.TEMPLATE.NIC.length).toBe(2);
    const monitoring = await one.vm.monitoring(id);
    expect(monitoring).toHaveProperty("MONITORING_DATA");
    await one.vm.action("terminate-hard", id);
    const done = await one.vm.waitFor(id, (s) => s.state === "DONE", { interval: 200, timeout: 60_000 });
    expect(done.stateValue).toBe(6);
    const accounting = await one.vmpool.accounting(PoolFilter.ALL, -1, -1);
    expect(JSON.stringify(accounting)).toContain("client-vm");
  });
});
