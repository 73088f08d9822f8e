import { InvalidRequestError } from "@homelab-kit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PoolFilter } from "../src/index.js";
import { type OneServer, okId, okText, sample, startOneServer } from "./helpers/one-server.js";

const templateXml = sample("vmtemplate.xml");
let one: OneServer;

beforeAll(async () => {
  one = await startOneServer({
    "one.template.info": () => okText(templateXml),
    "one.template.instantiate": () => okId(42),
    "one.template.clone": () => okId(6),
    "one.template.chmod": ([id]) => okId(id as number),
    "one.template.delete": ([id]) => okId(id as number),
    "one.templatepool.info": ([, offset, end]) => {
      // 5 templates, IDs 4..0 (oned's DESC order); a page when end < -1
      const ids = [4, 3, 2, 1, 0];
      const page =
        (end as number) < -1 ? ids.slice(offset as number, (offset as number) - (end as number)) : ids;
      return okText(
        `<VMTEMPLATE_POOL>${page.map((id) => templateXml.replace("<ID>5</ID>", `<ID>${id}</ID>`)).join("")}</VMTEMPLATE_POOL>`,
      );
    },
  });
});
afterAll(() => one.close());

describe("one.template.*", () => {
  it("info → a validated VmTemplate (the sample), extended and decrypt sent only when given", async () => {
    const client = one.client();
    const template = await client.template.info(5);
    expect(template.NAME).toBe("ubuntu-24.04-small");
    expect(template.TEMPLATE.CONTEXT).toBeDefined();
    await client.template.info(5, true);
    expect(one.calls().slice(-2)).toEqual([
      ["one.template.info", 5],
      ["one.template.info", 5, true],
    ]);
  });

  it("instantiate sends oned's order (id, name, hold, extra_template, persistent) and returns the VM ID", async () => {
    const client = one.client();
    expect(await client.template.instantiate(5, "web-1", false, 'MEMORY="4096"')).toBe(42);
    expect(await client.template.instantiate(5, "")).toBe(42);
    expect(one.calls().slice(-2)).toEqual([
      ["one.template.instantiate", 5, "web-1", false, 'MEMORY="4096"'],
      ["one.template.instantiate", 5, ""],
    ]);
  });

  it("chmod takes nine bits and an optional recursive flag; clone and delete their recursive flags", async () => {
    const client = one.client();
    await client.template.chmod(5, 1, 1, 0, 1, 0, 0, 0, 0, 0, true);
    await client.template.clone(5, "copy", true);
    await client.template.delete(5);
    expect(one.calls().slice(-3)).toEqual([
      ["one.template.chmod", 5, 1, 1, 0, 1, 0, 0, 0, 0, 0, true],
      ["one.template.clone", 5, "copy", true],
      ["one.template.delete", 5],
    ]);
  });

  it("refuses a permission bit that is not 1, 0 or -1 before sending", async () => {
    const before = one.calls().length;
    await expect(one.client().template.chmod(5, 2 as never, 1, 0, 1, 0, 0, 0, 0, 0)).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    expect(one.calls()).toHaveLength(before);
  });
});

describe("one.templatepool.*", () => {
  it("info returns the templates of the range", async () => {
    const templates = await one.client().templatepool.info(PoolFilter.ALL, -1, -1);
    expect(templates.map((t) => t.ID)).toEqual([4, 3, 2, 1, 0]);
  });

  it("iterate pages with (filter, offset, -pageSize) until a short page", async () => {
    const before = one.calls().length;
    const ids: number[] = [];
    for await (const template of one
      .client()
      .templatepool.iterate({ filter: PoolFilter.MINE, pageSize: 2 })) {
      ids.push(template.ID);
    }
    expect(ids).toEqual([4, 3, 2, 1, 0]);
    expect(one.calls().slice(before)).toEqual([
      ["one.templatepool.info", -3, 0, -2],
      ["one.templatepool.info", -3, 2, -2],
      ["one.templatepool.info", -3, 4, -2],
    ]);
  });
});
