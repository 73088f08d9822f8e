import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupXml, type OneServer, okId, okText, startOneServer } from "./helpers/one-server.js";

let one: OneServer;

beforeAll(async () => {
  one = await startOneServer({
    "one.group.info": ([id]) => okText(groupXml(id as number, "users", [2, 3])),
    "one.group.allocate": () => okId(100),
    "one.group.addadmin": ([id]) => okId(id as number),
    "one.group.quota": ([id]) => okId(id as number),
    "one.group.vlan": ([id]) => okId(id as number),
    "one.grouppool.info": () =>
      okText(`<GROUP_POOL>${groupXml(0, "oneadmin", [0])}${groupXml(1, "users", [])}</GROUP_POOL>`),
  });
});
afterAll(() => one.close());

describe("one.group.*", () => {
  it("info → a validated Group with its members", async () => {
    const group = await one.client().group.info(1);
    expect([group.NAME, group.USERS.ID, group.ADMINS.ID]).toEqual(["users", [2, 3], []]);
  });

  it("allocate (gname), addadmin (id, user_id), quota (id, template)", async () => {
    const client = one.client();
    expect(await client.group.allocate("devs")).toBe(100);
    await client.group.addadmin(100, 2);
    await client.group.quota(100, 'VM=[CPU="8", MEMORY="16384"]');
    expect(one.calls().slice(-3)).toEqual([
      ["one.group.allocate", "devs"],
      ["one.group.addadmin", 100, 2],
      ["one.group.quota", 100, 'VM=[CPU="8", MEMORY="16384"]'],
    ]);
  });

  it("vlan is new in 7.4: sent to 7.4, refused for 6.10", async () => {
    expect(await one.client().group.vlan(100, 'RULE=[SCOPE="GROUP"]')).toBe(100);
    await expect(one.client({ version: "6.10.0" }).group.vlan(100, "")).rejects.toMatchObject({
      code: "UNSUPPORTED_BY_SERVER",
    });
  });
});

describe("one.grouppool.*", () => {
  it("info returns the whole GroupPool", async () => {
    const pool = await one.client().grouppool.info();
    expect(pool.GROUP.map((g) => [g.NAME, g.USERS.ID])).toEqual([
      ["oneadmin", [0]],
      ["users", []],
    ]);
    expect(pool.QUOTAS).toEqual([]);
  });
});
