import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PoolFilter, VnRecoverOperation } from "../src/index.js";
import { type OneServer, okId, okText, sample, startOneServer } from "./helpers/one-server.js";

const vnetXml = sample("vnet.xml");
let one: OneServer;

beforeAll(async () => {
  one = await startOneServer({
    "one.vn.info": () => okText(vnetXml),
    "one.vn.add_ar": ([id]) => okId(id as number),
    "one.vn.rm_ar": ([id]) => okId(id as number),
    "one.vn.reserve": () => okId(5),
    "one.vn.hold": ([id]) => okId(id as number),
    "one.vn.recover": ([id]) => okId(id as number),
    "one.vnpool.info": () =>
      okText(`<VNET_POOL>${vnetXml}${vnetXml.replace("<ID>0</ID>", "<ID>1</ID>")}</VNET_POOL>`),
  });
});
afterAll(() => one.close());

describe("one.vn.*", () => {
  it("info → a validated Vnet with address ranges and leases as arrays", async () => {
    const vnet = await one.client().vn.info(0);
    expect(vnet.NAME).toBe("lan");
    const ar = vnet.AR_POOL.AR[0];
    expect(ar?.TYPE).toBe("IP4");
    expect(ar?.LEASES?.LEASE.map((lease) => lease.IP)).toEqual([
      "192.168.10.100",
      "192.168.10.101",
      "192.168.10.102",
    ]);
  });

  it("address ranges and leases: add_ar, rm_ar (force?), reserve, hold", async () => {
    const client = one.client();
    await client.vn.add_ar(0, 'AR=[TYPE="IP4", IP="192.168.10.200", SIZE="10"]');
    await client.vn.rm_ar(0, 1);
    await client.vn.rm_ar(0, 1, true);
    expect(await client.vn.reserve(0, 'SIZE="10" NAME="res"')).toBe(5);
    await client.vn.hold(0, 'LEASES=[IP="192.168.10.150"]');
    expect(one.calls().slice(-5)).toEqual([
      ["one.vn.add_ar", 0, 'AR=[TYPE="IP4", IP="192.168.10.200", SIZE="10"]'],
      ["one.vn.rm_ar", 0, 1],
      ["one.vn.rm_ar", 0, 1, true],
      ["one.vn.reserve", 0, 'SIZE="10" NAME="res"'],
      ["one.vn.hold", 0, 'LEASES=[IP="192.168.10.150"]'],
    ]);
  });

  it("recover (6.4+) with VnRecoverOperation; refused on 6.2 before sending", async () => {
    expect(await one.client().vn.recover(0, VnRecoverOperation.RETRY)).toBe(0);
    expect(one.calls().at(-1)).toEqual(["one.vn.recover", 0, 3]);
    await expect(one.client({ version: "6.2.0" }).vn.recover(0, 1)).rejects.toMatchObject({
      code: "UNSUPPORTED_BY_SERVER",
    });
    await expect(one.client().vn.recover(0, 4 as never)).rejects.toMatchObject({ code: "INVALID_PARAM" });
  });
});

describe("one.vnpool.*", () => {
  it("pool bodies as vnet_pool.xsd has them: address ranges without USED_LEASES or LEASES", async () => {
    const short = vnetXml
      .replace(/<LEASES>[\s\S]*?<\/LEASES>/, "")
      .replace(/(<AR>[\s\S]*?)<USED_LEASES>\d+<\/USED_LEASES>/, "$1");
    expect(short).not.toMatch(/<AR>[\s\S]*USED_LEASES[\s\S]*<\/AR>/);
    one.handle("one.vnpool.info", () => okText(`<VNET_POOL>${short}</VNET_POOL>`));
    try {
      const [vnet] = await one.client().vnpool.info(PoolFilter.ALL, -1, -1);
      expect(vnet?.AR_POOL.AR[0]?.USED_LEASES).toBeUndefined();
      expect(vnet?.AR_POOL.AR[0]?.IP).toBe("192.168.10.100");
      // the full body (one.vn.info) still requires it
      one.handle("one.vn.info", () => okText(short));
      await expect(one.client().vn.info(0)).rejects.toMatchObject({ name: "ResponseValidationError" });
    } finally {
      one.handle("one.vnpool.info", () =>
        okText(`<VNET_POOL>${vnetXml}${vnetXml.replace("<ID>0</ID>", "<ID>1</ID>")}</VNET_POOL>`),
      );
      one.handle("one.vn.info", () => okText(vnetXml));
    }
  });

  it("info and iterate", async () => {
    const client = one.client();
    expect((await client.vnpool.info(PoolFilter.ALL, -1, -1)).map((v) => v.ID)).toEqual([0, 1]);
    const ids: number[] = [];
    for await (const vnet of client.vnpool.iterate({ filter: PoolFilter.ALL })) ids.push(vnet.ID);
    expect(ids).toEqual([0, 1]);
    expect(one.calls().at(-1)).toEqual(["one.vnpool.info", -2, 0, -200]);
  });
});
