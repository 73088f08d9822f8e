import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PoolFilter } from "../src/index.js";
import { type OneServer, okId, okText, secgroupXml, startOneServer } from "./helpers/one-server.js";

let one: OneServer;

beforeAll(async () => {
  one = await startOneServer({
    "one.secgroup.info": ([id]) => okText(secgroupXml(id as number, "web")),
    "one.secgroup.commit": ([id]) => okId(id as number),
    "one.secgroup.clone": () => okId(101),
    "one.secgrouppool.info": () =>
      okText(
        `<SECURITY_GROUP_POOL>${secgroupXml(100, "web")}${secgroupXml(0, "default")}</SECURITY_GROUP_POOL>`,
      ),
  });
});
afterAll(() => one.close());

describe("one.secgroup.*", () => {
  it("info → a validated SecurityGroup whose rules are an array", async () => {
    const sg = await one.client().secgroup.info(100);
    expect(sg.NAME).toBe("web");
    expect(sg.TEMPLATE.RULE).toEqual([{ PROTOCOL: "TCP", RULE_TYPE: "INBOUND", RANGE: "443" }]);
    expect(sg.UPDATED_VMS.ID).toEqual([42]);
  });

  it("commit (id, recovery) and clone (id, name)", async () => {
    const client = one.client();
    await client.secgroup.commit(100, true);
    expect(await client.secgroup.clone(100, "web-2")).toBe(101);
    expect(one.calls().slice(-2)).toEqual([
      ["one.secgroup.commit", 100, true],
      ["one.secgroup.clone", 100, "web-2"],
    ]);
  });
});

describe("one.secgrouppool.*", () => {
  it("info returns every group of the filter", async () => {
    const groups = await one.client().secgrouppool.info(PoolFilter.ALL, -1, -1);
    expect(groups.map((g) => g.NAME)).toEqual(["web", "default"]);
  });
});
