import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterXml, type OneServer, okId, okText, startOneServer } from "./helpers/one-server.js";

let one: OneServer;

beforeAll(async () => {
  one = await startOneServer({
    "one.cluster.info": ([id]) => okText(clusterXml(id as number, "default")),
    "one.cluster.addhost": ([id]) => okId(id as number),
    "one.cluster.addvnet": ([id]) => okId(id as number),
    "one.cluster.optimize": ([id]) => okId(id as number),
    "one.clusterpool.info": () => okText(`<CLUSTER_POOL>${clusterXml(0, "default")}</CLUSTER_POOL>`),
  });
});
afterAll(() => one.close());

describe("one.cluster.*", () => {
  it("info → a validated Cluster with ID lists", async () => {
    const cluster = await one.client().cluster.info(0);
    expect([cluster.HOSTS.ID, cluster.DATASTORES.ID, cluster.VNETS.ID]).toEqual([[0, 1], [0, 1], [0]]);
  });

  it("addhost (id, host_id) and addvnet (id, net_id)", async () => {
    const client = one.client();
    await client.cluster.addhost(0, 2);
    await client.cluster.addvnet(0, 1);
    expect(one.calls().slice(-2)).toEqual([
      ["one.cluster.addhost", 0, 2],
      ["one.cluster.addvnet", 0, 1],
    ]);
  });

  it("optimize (OneDRS) needs 7.0: asks the server's version when the client was not told", async () => {
    one.handle("one.system.version", () => okText("6.10.2"));
    const client = one.client({ version: undefined });
    await expect(client.cluster.optimize(0)).rejects.toMatchObject({ code: "UNSUPPORTED_BY_SERVER" });
    expect(one.calls().at(-1)).toEqual(["one.system.version"]);
    expect(await one.client().cluster.optimize(0)).toBe(0);
  });
});

describe("one.clusterpool.*", () => {
  it("info → Cluster[]", async () => {
    expect((await one.client().clusterpool.info()).map((c) => c.NAME)).toEqual(["default"]);
  });
});
