/**
 * Every schema-valid document of the reference samples parses with its model schema, through the
 * package's own XML parser (no fixtures invented here).
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { Datastore, Host, HostPool, Image, Vm, VmPool, VmTemplate, Vnet } from "../src/models/index.js";
import { parseXmlDocument } from "../src/xml/index.js";

const samplesDir = new URL("../../../docs/reference/opennebula/samples/", import.meta.url);
const read = (name: string) => parseXmlDocument(readFileSync(new URL(name, samplesDir)));

/** The schema of each root element found in the samples. */
const schemaByRoot: Record<string, z.ZodType> = {
  DATASTORE: Datastore,
  HOST: Host,
  HOST_POOL: HostPool,
  IMAGE: Image,
  VM: Vm,
  VM_POOL: VmPool,
  VMTEMPLATE: VmTemplate,
  VNET: Vnet,
};

describe("reference samples", () => {
  const files = readdirSync(samplesDir).filter((name) => name.endsWith(".xml"));

  it("finds the samples", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)("%s parses with the schema of its root element", (file) => {
    const doc = read(file);
    const [root, ...others] = Object.keys(doc);
    expect(others).toEqual([]);
    const schema = schemaByRoot[root ?? ""];
    expect(schema, `no schema for <${root}>`).toBeDefined();
    const result = schema!.safeParse(doc[root!]);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it("host: HOST_SHARE/DATASTORES/DS is an array, NUMA nodes typed, state named", () => {
    const host = Host.parse(read("host.xml").HOST);
    expect(host.STATE).toEqual({ value: 2, name: "MONITORED" });
    expect(host.HOST_SHARE.TOTAL_CPU).toBe(800);
    expect(host.HOST_SHARE.DATASTORES.DS).toEqual([
      expect.objectContaining({ ID: 0, FREE_MB: 412377, TOTAL_MB: 457862 }),
    ]);
    expect(host.HOST_SHARE.PCI_DEVICES.PCI).toEqual([]);
    expect(host.HOST_SHARE.NUMA_NODES.NODE[0]?.CORE).toHaveLength(4);
    expect(host.HOST_SHARE.NUMA_NODES.NODE[0]?.HUGEPAGE[1]?.SIZE).toBe(1048576);
    expect(host.VMS.ID).toEqual([42]);
    expect(host.MONITORING.CAPACITY?.FREE_MEMORY).toBe(27416220);
    expect(host.TEMPLATE.RESERVED_CPU).toBe("");
  });

  it("host pool: every host typed", () => {
    const hosts = HostPool.parse(read("host_pool.xml").HOST_POOL).HOST;
    expect(hosts.length).toBeGreaterThan(1);
    for (const host of hosts) {
      expect(typeof host.ID).toBe("number");
      expect(host.STATE.name).not.toBeNull();
    }
  });

  it("datastore: type, disk type and state named; CLUSTERS and IMAGES as ID arrays", () => {
    const ds = Datastore.parse(read("datastore.xml").DATASTORE);
    expect(ds.TYPE).toEqual({ value: 0, name: "IMAGE_DS" });
    expect(ds.DISK_TYPE).toEqual({ value: 3, name: "RBD" });
    expect(ds.STATE).toEqual({ value: 0, name: "READY" });
    expect(ds.CLUSTERS.ID).toEqual([0]);
    expect(ds.IMAGES.ID).toEqual([3, 4, 7]);
    expect(ds.FREE_MB).toBe(2684354);
  });

  it("image: USED with one VM, empty CLONES, snapshots without SNAPSHOT", () => {
    const image = Image.parse(read("image.xml").IMAGE);
    expect(image.STATE).toEqual({ value: 2, name: "USED" });
    expect(image.PREV_STATE.name).toBe("READY");
    expect(image.TYPE.name).toBe("OS");
    expect(image.VMS.ID).toEqual([42]);
    expect(image.CLONES.ID).toEqual([]);
    expect(image.SNAPSHOTS).toEqual({
      ALLOW_ORPHANS: "mixed",
      CURRENT_BASE: -1,
      NEXT_SNAPSHOT: 0,
      SNAPSHOT: [],
    });
  });

  it("vnet: address ranges with leases, VM ids as numbers", () => {
    const vnet = Vnet.parse(read("vnet.xml").VNET);
    expect(vnet.STATE).toEqual({ value: 1, name: "READY" });
    expect(vnet.VLAN_ID).toBe("");
    const [ar] = vnet.AR_POOL.AR;
    expect(ar).toMatchObject({ AR_ID: 0, TYPE: "IP4", SIZE: 50, IP: "192.168.10.100", USED_LEASES: 3 });
    expect(ar?.LEASES?.LEASE.map((lease) => lease.VM)).toEqual([42, 43, 44]);
  });

  it("vm template: DISK and NIC arrays, CONTEXT a record", () => {
    const template = VmTemplate.parse(read("vmtemplate.xml").VMTEMPLATE);
    expect(template.ID).toBe(5);
    expect(template.TEMPLATE.DISK).toHaveLength(1);
    expect(template.TEMPLATE.NIC).toHaveLength(1);
    expect(typeof template.TEMPLATE.CONTEXT).toBe("object");
  });

  it("vm pool (short bodies): summaries with named states and single HISTORY as an array", () => {
    const vms = VmPool.parse(read("vm_pool.xml").VM_POOL).VM;
    expect(vms.map((vm) => vm.ID)).toEqual([44, 43, 42]);
    expect(vms[0]?.STATE.name).toBe("PENDING");
    expect(vms[0]?.HISTORY_RECORDS.HISTORY).toEqual([]);
    expect(vms[1]?.STATE.name).toBe("POWEROFF");
    expect(vms[1]?.LOCK?.LOCKED).toBe(1);
    expect(vms[1]?.HISTORY_RECORDS.HISTORY).toEqual([
      {
        OID: 43,
        SEQ: 1,
        HOSTNAME: "node02",
        HID: 1,
        CID: 0,
        DS_ID: 0,
        VM_MAD: "kvm",
        TM_MAD: "ceph",
        ACTION: { value: 19, name: "POWEROFF_ACTION" },
      },
    ]);
  });
});
