import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OneServer, okId, okText, startOneServer } from "./helpers/one-server.js";

let one: OneServer;

beforeAll(async () => {
  one = await startOneServer({
    "one.acl.info": () =>
      okText(
        "<ACL_POOL><ACL><ID>0</ID><USER>@1</USER><RESOURCE>0x40000000000000</RESOURCE><RIGHTS>0x1</RIGHTS>" +
          "<ZONE>#0</ZONE><STRING>@1 HOST/* MANAGE #0</STRING></ACL></ACL_POOL>",
      ),
    "one.acl.addrule": () => okId(7),
    "one.acl.delrule": ([id]) => okId(id as number),
    "one.system.version": () => okText("7.4.0"),
    "one.system.config": () =>
      okText("<OPENNEBULA_CONFIGURATION><PORT>2633</PORT></OPENNEBULA_CONFIGURATION>"),
    "one.system.sqlquery": () =>
      okText("<SQL_COMMAND><RESULT><ROW><oid>0</oid></ROW></RESULT></SQL_COMMAND>"),
  });
});
afterAll(() => one.close());

describe("one.acl.*", () => {
  it("info → Acl[]; addrule sends the zone only when given; delrule", async () => {
    const client = one.client();
    expect((await client.acl.info()).map((rule) => rule.STRING)).toEqual(["@1 HOST/* MANAGE #0"]);
    expect(await client.acl.addrule("@1", "VM+NET/@104", "USE")).toBe(7);
    expect(await client.acl.addrule("#5", "IMAGE/*", "MANAGE", "#0")).toBe(7);
    expect(await client.acl.delrule(7)).toBe(7);
    expect(one.calls().slice(-4)).toEqual([
      ["one.acl.info"],
      ["one.acl.addrule", "@1", "VM+NET/@104", "USE"],
      ["one.acl.addrule", "#5", "IMAGE/*", "MANAGE", "#0"],
      ["one.acl.delrule", 7],
    ]);
  });
});

describe("one.system.*", () => {
  it("version → the release string; config and sqlquery → raw documents", async () => {
    const client = one.client();
    expect(await client.system.version()).toBe("7.4.0");
    expect(await client.system.config()).toEqual({ OPENNEBULA_CONFIGURATION: { PORT: "2633" } });
    expect(await client.system.sqlquery("SELECT oid FROM vm_pool")).toEqual({
      SQL_COMMAND: { RESULT: { ROW: { oid: "0" } } },
    });
  });
});
