/**
 * What oned 7.4 writes into objects on its own (checked against real oned by
 * conformance/opennebula-oned): datastore attributes from its transfer driver (TM_MAD_CONF), disk
 * attributes from the image and its datastore, the CONTEXT's ETH variables, a host's own
 * attributes, the image DEV_PREFIX default, and the refusals whose words differ by request.
 */
import { describe, expect, it } from "vitest";
import { elements, field } from "./opennebula-rpc.js";
import { regularUser, running, setup2023 as setup } from "./opennebula-setup.js";

const inTemplate = (xml: string, name: string) =>
  new RegExp(`<${name}><!\\[CDATA\\[([^\\]]*)\\]\\]></${name}>`).exec(xml)?.[1];

describe("OpenNebula emulator: what oned derives", () => {
  it("copies the transfer driver's TM_MAD_CONF entry and the default directories into a datastore", async () => {
    const s = setup();
    const image = Number(
      await s.ok("one.datastore.allocate", 'NAME="d1"\nTYPE="IMAGE_DS"\nDS_MAD="dummy"\nTM_MAD="dummy"', -1),
    );
    let xml = await s.datastore(image);
    expect(
      [
        "ALLOW_ORPHANS",
        "CLONE_TARGET",
        "LN_TARGET",
        "PERSISTENT_SNAPSHOTS",
        "RESTRICTED_DIRS",
        "SAFE_DIRS",
      ].map((n) => inTemplate(xml, n)),
    ).toEqual(["NO", "SYSTEM", "NONE", "YES", "/", "/var/tmp"]);
    expect(inTemplate(xml, "SHARED")).toBeUndefined();
    const system = Number(
      await s.ok("one.datastore.allocate", 'NAME="s1"\nTYPE="SYSTEM_DS"\nTM_MAD="ceph"', -1),
    );
    xml = await s.datastore(system);
    expect(
      ["SHARED", "DS_MIGRATE", "DS_LIVE_MIGRATE", "ALLOW_ORPHANS"].map((n) => inTemplate(xml, n)),
    ).toEqual(["YES", "NO", "NO", "mixed"]);
    expect(inTemplate(xml, "CLONE_TARGET")).toBeUndefined();
    // given directories replace the defaults; an unknown driver is refused as oned does
    const given = Number(
      await s.ok("one.datastore.allocate", 'NAME="d2"\nDS_MAD="dummy"\nTM_MAD="ssh"\nSAFE_DIRS="/srv"', -1),
    );
    xml = await s.datastore(given);
    expect([inTemplate(xml, "SAFE_DIRS"), inTemplate(xml, "RESTRICTED_DIRS")]).toEqual(["/srv", undefined]);
    expect(
      await s.call("one.datastore.allocate", 'NAME="d3"\nDS_MAD="dummy"\nTM_MAD="nope"', -1),
    ).toMatchObject({
      code: 0x2000,
      message: '[one.datastore.allocate] TM_MAD named "nope" is not defined in oned.conf',
    });
    // update to another driver takes its entry
    await s.ok("one.datastore.update", image, 'TM_MAD="ceph"', 1);
    xml = await s.datastore(image);
    expect([inTemplate(xml, "CLONE_TARGET"), inTemplate(xml, "TM_MAD_SYSTEM")]).toEqual(["SELF", "ssh"]);
  });

  it("fills a VM disk from the image and its datastore, and the CONTEXT with ETH variables", async () => {
    const s = setup();
    const id = await running(s);
    const xml = await s.info(id);
    const disk = elements(xml, "DISK")[0]!;
    const attrs = (names: string[]) => names.map((n) => inTemplate(disk, n));
    expect(
      attrs([
        "CLONE_TARGET",
        "LN_TARGET",
        "ALLOW_ORPHANS",
        "PERSISTENT_SNAPSHOTS",
        "CLUSTER_ID",
        "READONLY",
        "SAVE",
      ]),
    ).toEqual(["SELF", "NONE", "mixed", "YES", "0", "NO", "NO"]);
    expect(attrs(["DISK_SNAPSHOT_TOTAL_SIZE", "ORIGINAL_SIZE", "DISK_TYPE", "POOL_NAME"])).toEqual([
      "0",
      inTemplate(disk, "SIZE"),
      "RBD",
      "one",
    ]);
    // ETH<NIC_ID>_*: the NIC's own values, else its range's and network's, else empty
    const context = elements(xml, "CONTEXT")[0]!;
    expect(inTemplate(context, "ETH0_IP")).toBe(field(elements(xml, "NIC")[0]!, "IP"));
    expect(inTemplate(context, "ETH0_GATEWAY")).toBe("192.168.10.1");
    expect(inTemplate(context, "ETH0_MTU")).toBe("");
    expect(context.match(/<ETH0_[A-Z0-9_]+>/g)).toHaveLength(22);
    // an attached NIC adds ETH1_*, detaching it takes them away
    await s.ok("one.vm.attachnic", id, "NIC=[NETWORK_ID=0]");
    s.clock.advance(2_000);
    expect(elements(await s.info(id), "CONTEXT")[0]).toContain("<ETH1_IP>");
    await s.ok("one.vm.detachnic", id, 1);
    s.clock.advance(2_000);
    expect(elements(await s.info(id), "CONTEXT")[0]).not.toContain("<ETH1_IP>");
    // TM_MAD_SYSTEM is the system datastore's, once deployed
    expect(inTemplate(xml, "TM_MAD_SYSTEM")).toBe("ceph");
  });

  it("gives a volatile disk the system datastore's attributes and DEFAULT_DEVICE_PREFIX", async () => {
    const s = setup();
    const held = Number(
      await s.ok("one.template.instantiate", 0, "held", true, 'DISK=[TYPE="fs",SIZE="16"]', false),
    );
    let xml = await s.info(held);
    expect(inTemplate(xml, "TM_MAD_SYSTEM")).toBeUndefined();
    const id = await running(s);
    await s.ok("one.vm.attach", id, 'DISK=[TYPE="fs",SIZE="16"]');
    s.clock.advance(2_000);
    xml = await s.info(id);
    const volatile = elements(xml, "DISK").at(-1)!;
    expect(
      ["DATASTORE_ID", "TM_MAD", "DEV_PREFIX", "TARGET", "DRIVER", "TM_MAD_SYSTEM"].map((n) =>
        inTemplate(volatile, n),
      ),
    ).toEqual(["0", "ceph", "sd", "sda", "raw", "ceph"]);
  });

  it("writes DEV_PREFIX into an OS or DATABLOCK image given none, and PREV_STATE as the state", async () => {
    const s = setup();
    const img = Number(
      await s.ok("one.image.allocate", 'NAME="blank"\nTYPE="DATABLOCK"\nSIZE="8"', 1, false),
    );
    s.clock.advance(5_000);
    const xml = await s.image(img);
    expect(inTemplate(xml, "DEV_PREFIX")).toBe("sd");
    expect([field(xml, "STATE"), field(xml, "PREV_STATE")]).toEqual(["1", "1"]);
  });

  it("keeps a host's drivers and reservations in its template, and answers refusals as oned", async () => {
    const s = setup();
    const host = Number(await s.ok("one.host.allocate", "extra", "dummy", "dummy", -1));
    let xml = await s.host(host);
    expect(["IM_MAD", "VM_MAD", "RESERVED_CPU"].map((n) => inTemplate(xml, n))).toEqual([
      "dummy",
      "dummy",
      "",
    ]);
    await s.ok("one.host.update", host, 'RACK="r1"', 0);
    xml = await s.host(host);
    expect(["IM_MAD", "VM_MAD", "RACK"].map((n) => inTemplate(xml, n))).toEqual(["dummy", "dummy", "r1"]);
    const alice = await regularUser(s);
    expect(await alice.rpc.call("one.host.allocate", "x", "kvm", "kvm", -1)).toMatchObject({
      code: 0x200,
      message: `[one.host.allocate] User [${alice.id}] : Not authorized to perform CREATE HOST; Not authorized to perform ADMIN CLUSTER [0].`,
    });
    expect(await alice.rpc.call("one.datastore.delete", 1)).toMatchObject({
      code: 0x200,
      message: `[one.datastore.delete] User [${alice.id}] : Not authorized to perform MANAGE DATASTORE [1].`,
    });
    expect(await s.call("one.user.passwd", alice.id, "")).toMatchObject({
      code: 0x800,
      message: "[one.user.passwd] Invalid password, it cannot be empty",
      respId: -1,
    });
  });

  it("prints fractional quota usage with two decimals", async () => {
    const s = setup();
    const alice = await regularUser(s);
    await s.ok("one.user.quota", alice.id, 'VM=[VMS="4"]');
    await alice.rpc.ok("one.vm.allocate", 'NAME="q"\nCPU="0.5"\nMEMORY="64"', true);
    const xml = String(await s.ok("one.user.info", alice.id));
    expect(inTemplate(xml, "CPU_USED")).toBe("0.50");
    expect(inTemplate(xml, "MEMORY_USED")).toBe("64");
  });
});
