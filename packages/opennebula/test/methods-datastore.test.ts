import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OneServer, okId, okText, sample, startOneServer } from "./helpers/one-server.js";

const datastoreXml = sample("datastore.xml");
let one: OneServer;

beforeAll(async () => {
  one = await startOneServer({
    "one.datastore.info": () => okText(datastoreXml),
    "one.datastore.allocate": () => okId(100),
    "one.datastore.enable": ([id]) => okId(id as number),
    "one.datastorepool.info": () => okText("<DATASTORE_POOL/>"),
  });
});
afterAll(() => one.close());

describe("one.datastore.*", () => {
  it("info → a validated Datastore with its named type", async () => {
    const datastore = await one.client().datastore.info(1);
    expect(datastore.NAME).toBe("ceph_images");
    expect(datastore.TYPE.name).toBe("IMAGE_DS");
  });

  it("allocate (template, cluster_id) and enable (id, bool)", async () => {
    const client = one.client();
    expect(await client.datastore.allocate('NAME="ceph_system" TYPE="SYSTEM_DS"', -1)).toBe(100);
    expect(await client.datastore.enable(1, false)).toBe(1);
    expect(one.calls().slice(-2)).toEqual([
      ["one.datastore.allocate", 'NAME="ceph_system" TYPE="SYSTEM_DS"', -1],
      ["one.datastore.enable", 1, false],
    ]);
  });
});

describe("one.datastorepool.*", () => {
  it("an empty pool (<DATASTORE_POOL/>) is an empty array", async () => {
    expect(await one.client().datastorepool.info()).toEqual([]);
  });
});
