/** `one.system.sql/sqlquery`: no database behind the emulator, SELECTs answered from the state. */
import { describe, expect, it } from "vitest";
import { all } from "./opennebula-rpc.js";
import { setup, withAlice } from "./opennebula-setup.js";

describe("OpenNebula emulator: one.system.sql / sqlquery", () => {
  it("answers SELECTs over the object tables in oned's SQL_COMMAND shape, bodies in base64", async () => {
    const s = setup();
    const q = "SELECT oid, name FROM user_pool WHERE oid >= 0 ORDER BY oid DESC";
    const xml = String(await s.ok("one.system.sqlquery", q));
    expect(xml).toBe(
      `<SQL_COMMAND><QUERY><![CDATA[${q}]]></QUERY><RESULT><ROW><oid><![CDATA[1]]></oid><name><![CDATA[serveradmin]]></name></ROW><ROW><oid><![CDATA[0]]></oid><name><![CDATA[oneadmin]]></name></ROW></RESULT></SQL_COMMAND>`,
    );
    const bodies = String(
      await s.ok("one.system.sqlquery", "SELECT body FROM host_pool WHERE name = 'node02';"),
    );
    const b64 = /<body64><!\[CDATA\[([^\]]+)\]\]><\/body64>/.exec(bodies)?.[1];
    const host = Buffer.from(b64 ?? "", "base64").toString("utf8");
    expect(host).toMatch(/^<HOST><ID>1<\/ID><NAME>node02<\/NAME>/);
    const star = String(await s.ok("one.system.sqlquery", "select * from group_pool limit 1"));
    expect(all(star, "oid")).toEqual(["0"]);
    expect(star).toContain("<ROW><oid><![CDATA[0]]></oid><name><![CDATA[oneadmin]]></name><body64>");
    const empty = String(await s.ok("one.system.sqlquery", "SELECT oid FROM vm_pool WHERE state = 3"));
    expect(empty).toContain("<RESULT></RESULT>");
  });

  it("fails as a refused query for anything else, and is oneadmin-only", async () => {
    const s = await withAlice();
    for (const sql of [
      "DELETE FROM vm_pool",
      "SELECT oid FROM secrets",
      "SELECT nope FROM vm_pool",
      "SELECT",
    ]) {
      expect(await s.call("one.system.sqlquery", sql)).toMatchObject({
        kind: "error",
        code: 0x800,
        message: "[one.system.sqlquery] ",
        respId: 0x2000000,
      });
    }
    expect(await s.asAlice.call("one.system.sqlquery", "SELECT oid FROM user_pool")).toMatchObject({
      code: 0x200,
      message: `[one.system.sqlquery] User [${s.alice}] not authorized to perform action on -.`,
    });
    expect(await s.call("one.system.sqlquery", 1)).toMatchObject({ kind: "fault", faultCode: -501 });
  });

  it("one.system.sql: no database to write, so every statement is refused; oneadmin-only; typed", async () => {
    const s = await withAlice();
    expect(await s.call("one.system.sql", "UPDATE vm_pool SET name='x'", false)).toMatchObject({
      code: 0x800,
      message: "[one.system.sql] ",
      respId: 0x2000000,
    });
    expect(await s.asAlice.call("one.system.sql", "DELETE FROM acl", true)).toMatchObject({
      code: 0x200,
      message: `[one.system.sql] User [${s.alice}] not authorized to perform action on -.`,
    });
    expect(await s.call("one.system.sql", "X", 0)).toMatchObject({
      kind: "fault",
      faultCode: -501,
      faultString: "Parameter 2 that is supposed to be boolean is not (it is int)",
    });
  });
});
