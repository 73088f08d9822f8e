import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PoolFilter } from "../src/index.js";
import { type OneServer, okId, okText, startOneServer, vmgroupXml } from "./helpers/one-server.js";

let one: OneServer;

beforeAll(async () => {
  one = await startOneServer({
    "one.vmgroup.info": ([id]) => okText(vmgroupXml(id as number, "k8s")),
    "one.vmgroup.allocate": () => okId(4),
    "one.vmgroup.roleadd": ([id]) => okId(id as number),
    "one.vmgroup.roleupdate": ([id]) => okId(id as number),
    "one.vmgrouppool.info": () => okText("<VM_GROUP_POOL/>"),
  });
});
afterAll(() => one.close());

describe("one.vmgroup.*", () => {
  it("info → a validated VmGroup with its roles", async () => {
    const group = await one.client().vmgroup.info(4);
    expect(group.ROLES.ROLE.map((role) => [role.NAME, role.POLICY])).toEqual([
      ["control-plane", "ANTI_AFFINED"],
    ]);
  });

  it("allocate, roleadd (id, role_template), roleupdate (id, role_id, role_template)", async () => {
    const client = one.client();
    expect(await client.vmgroup.allocate('NAME="k8s" ROLE=[NAME="workers", POLICY="AFFINED"]')).toBe(4);
    await client.vmgroup.roleadd(4, 'ROLE=[NAME="db"]');
    await client.vmgroup.roleupdate(4, 1, 'POLICY="ANTI_AFFINED"');
    expect(one.calls().slice(-3)).toEqual([
      ["one.vmgroup.allocate", 'NAME="k8s" ROLE=[NAME="workers", POLICY="AFFINED"]'],
      ["one.vmgroup.roleadd", 4, 'ROLE=[NAME="db"]'],
      ["one.vmgroup.roleupdate", 4, 1, 'POLICY="ANTI_AFFINED"'],
    ]);
  });
});

describe("one.vmgrouppool.*", () => {
  it("an empty pool iterates to nothing in one call", async () => {
    const before = one.calls().length;
    const groups = [];
    for await (const group of one.client().vmgrouppool.iterate({ filter: PoolFilter.ALL, pageSize: 50 }))
      groups.push(group);
    expect(groups).toEqual([]);
    expect(one.calls().slice(before)).toEqual([["one.vmgrouppool.info", -2, 0, -50]]);
  });
});
