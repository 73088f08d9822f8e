import { InvalidRequestError } from "@homelab-kit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenNebulaClient, PoolFilter, VmStateFilter } from "../src/index.js";
import { startXmlRpcServer, stringValue, success, type TestServer } from "./helpers/xmlrpc-server.js";

/** A short VM body (vm_pool.xsd) with the given ID. */
function vm(id: number, extended: boolean): string {
  return (
    `<VM><ID>${id}</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME>` +
    `<NAME>vm-${id}</NAME>${extended ? "<PERMISSIONS><OWNER_U>1</OWNER_U><OWNER_M>1</OWNER_M><OWNER_A>0</OWNER_A><GROUP_U>0</GROUP_U><GROUP_M>0</GROUP_M><GROUP_A>0</GROUP_A><OTHER_U>0</OTHER_U><OTHER_M>0</OTHER_M><OTHER_A>0</OTHER_A></PERMISSIONS>" : ""}` +
    `<LAST_POLL>0</LAST_POLL><STATE>3</STATE><LCM_STATE>3</LCM_STATE>` +
    `${extended ? "<PREV_STATE>3</PREV_STATE><PREV_LCM_STATE>3</PREV_LCM_STATE>" : ""}<RESCHED>0</RESCHED>` +
    `<STIME>1</STIME><ETIME>0</ETIME><DEPLOY_ID>one-${id}</DEPLOY_ID>` +
    `${extended ? "<MONITORING/>" : ""}<TEMPLATE><NIC><IP><![CDATA[10.0.0.${id % 250}]]></IP></NIC></TEMPLATE>` +
    `<USER_TEMPLATE/><HISTORY_RECORDS/></VM>`
  );
}

let server: TestServer;
const TOTAL = 450;

beforeAll(async () => {
  // oned's paging: (filter, offset, -pageSize, state), newest ID first (API_LIST_ORDER=DESC)
  server = await startXmlRpcServer((call) => {
    const [, , offset, end] = call.params as [string, number, number, number, number];
    const ids = Array.from({ length: TOTAL }, (_, i) => TOTAL - 1 - i);
    const page = end < -1 ? ids.slice(offset, offset - end) : ids;
    const extended = call.method === "one.vmpool.infoextended";
    return success(stringValue(`<VM_POOL>${page.map((id) => vm(id, extended)).join("")}</VM_POOL>`));
  });
});
afterAll(() => server.close());

describe("pool pagination", () => {
  it("iterates every VM page by page until a short page, as the OCAs do", async () => {
    server.calls.length = 0;
    const one = createOpenNebulaClient({ url: server.url, username: "u", password: "p", version: "7.4.0" });
    const ids: number[] = [];
    for await (const summary of one.vmpool.iterate({ filter: PoolFilter.ALL, state: VmStateFilter.ACTIVE })) {
      ids.push(summary.ID);
    }
    await one.close();
    expect(ids).toEqual(Array.from({ length: TOTAL }, (_, i) => TOTAL - 1 - i));
    expect(server.calls.map((c) => c.params.slice(1))).toEqual([
      [-2, 0, -200, 3],
      [-2, 200, -200, 3],
      [-2, 400, -200, 3],
    ]);
  });

  it("stops after an empty page when the pool is a multiple of the page size", async () => {
    server.calls.length = 0;
    const one = createOpenNebulaClient({ url: server.url, username: "u", password: "p", version: "7.4.0" });
    let count = 0;
    for await (const full of one.vmpool.iterateExtended({ filter: -1, pageSize: 150 })) {
      expect(full.PERMISSIONS.OWNER_U).toBe(1);
      count++;
    }
    await one.close();
    expect(count).toBe(TOTAL);
    expect(server.calls.map((c) => c.params[2])).toEqual([0, 150, 300, 450]);
    expect(server.calls.every((c) => c.method === "one.vmpool.infoextended" && c.params[4] === -1)).toBe(
      true,
    );
  });

  it("can stop early: breaking out makes no further calls", async () => {
    server.calls.length = 0;
    const one = createOpenNebulaClient({ url: server.url, username: "u", password: "p", version: "7.4.0" });
    for await (const summary of one.vmpool.iterate({ filter: -2, pageSize: 10 })) {
      if (summary.ID <= TOTAL - 15) break;
    }
    await one.close();
    expect(server.calls).toHaveLength(2);
  });

  it("refuses a bad page size", async () => {
    const one = createOpenNebulaClient({ url: server.url, username: "u", password: "p" });
    await expect(one.vmpool.iterate({ filter: -2, pageSize: 0 }).next()).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await one.close();
  });
});
