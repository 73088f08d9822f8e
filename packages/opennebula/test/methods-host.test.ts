import { InvalidRequestError } from "@homelab-kit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostStatus, isOpenNebulaError } from "../src/index.js";
import { type OneServer, okId, okText, sample, startOneServer } from "./helpers/one-server.js";
import { failure } from "./helpers/xmlrpc-server.js";

let one: OneServer;

beforeAll(async () => {
  one = await startOneServer({
    "one.host.info": ([id]) =>
      id === 0 ? okText(sample("host.xml")) : failure("[one.host.info] Error getting host [9].", 1024, 9),
    "one.host.allocate": () => okId(3),
    "one.host.status": ([id]) => okId(id as number),
    "one.host.monitoring": () =>
      okText(
        "<MONITORING_DATA><MONITORING><TIMESTAMP>1700000000</TIMESTAMP><ID>0</ID></MONITORING></MONITORING_DATA>",
      ),
    "one.hostpool.info": () => okText(sample("host_pool.xml")),
    "one.hostpool.monitoring": () => okText("<MONITORING_DATA/>"),
  });
});
afterAll(() => one.close());

describe("one.host.*", () => {
  it("info → a validated Host with its named state; an unknown host → NO_EXISTS with its ID", async () => {
    const client = one.client();
    const host = await client.host.info(0);
    expect(host.NAME).toBe("node01");
    expect(host.STATE).toEqual({ value: 2, name: "MONITORED" });
    const error = await client.host.info(9).catch((e: unknown) => e);
    expect(isOpenNebulaError(error) && error.code === "NO_EXISTS" && error.objectId).toBe(9);
  });

  it("allocate (name, im_mad, vm_mad, cluster_id) and status with HostStatus", async () => {
    const client = one.client();
    expect(await client.host.allocate("node04", "kvm", "kvm", -1)).toBe(3);
    expect(await client.host.status(1, HostStatus.OFFLINE)).toBe(1);
    expect(one.calls().slice(-2)).toEqual([
      ["one.host.allocate", "node04", "kvm", "kvm", -1],
      ["one.host.status", 1, 2],
    ]);
    await expect(client.host.status(1, 3 as never)).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it("monitoring answers the raw MONITORING_DATA document", async () => {
    const doc = await one.client().host.monitoring(0);
    expect(doc).toEqual({ MONITORING_DATA: { MONITORING: { TIMESTAMP: "1700000000", ID: "0" } } });
  });
});

describe("one.hostpool.*", () => {
  it("info takes no filter and returns every host", async () => {
    const hosts = await one.client().hostpool.info();
    expect(hosts.map((h) => [h.ID, h.NAME, h.STATE.name])).toEqual([
      [1, "node02", "DISABLED"],
      [0, "node01", "MONITORED"],
    ]);
    expect(one.calls().at(-1)).toEqual(["one.hostpool.info"]);
  });

  it("monitoring sends seconds only when given", async () => {
    const client = one.client();
    await client.hostpool.monitoring();
    await client.hostpool.monitoring(3600);
    expect(one.calls().slice(-2)).toEqual([["one.hostpool.monitoring"], ["one.hostpool.monitoring", 3600]]);
  });
});
