import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PoolFilter } from "../src/index.js";
import { type OneServer, okText, sample, startOneServer } from "./helpers/one-server.js";

const hostXml = sample("host.xml");
let one: OneServer;

beforeAll(async () => {
  one = await startOneServer({
    "one.host.info": () => okText(hostXml.replace("<STATE>2</STATE>", "<STATE>two</STATE>")),
    "one.imagepool.info": () => okText(`<IMAGE_POOL>${sample("image.xml")}</IMAGE_POOL>`),
    "one.datastorepool.info": () => okText("<DATASTORE_POOL/>"),
    "one.hostpool.info": () => {
      // three hosts, the first and the last with a bad STATE
      const bad = hostXml.replace("<STATE>2</STATE>", "<STATE>x</STATE>");
      return okText(`<HOST_POOL>${bad}${hostXml}${bad}</HOST_POOL>`);
    },
  });
});
afterAll(() => one.close());

describe("pool validation (item by item)", () => {
  it("reports the issues of every bad item, each with its pool path", async () => {
    const error = await one
      .client()
      .hostpool.info()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ResponseValidationError" });
    const paths = (error as { issues: { path: PropertyKey[] }[] }).issues.map((issue) => issue.path);
    expect(paths).toEqual([
      ["HOST_POOL", "HOST", 0, "STATE"],
      ["HOST_POOL", "HOST", 2, "STATE"],
    ]);
    expect((error as Error).message).toContain("HOST_POOL.HOST.0.STATE");
  });
});

describe("validate: false", () => {
  it("skips zod: a value the model refuses comes back raw instead of failing", async () => {
    await expect(one.client().host.info(0)).rejects.toMatchObject({ name: "ResponseValidationError" });
    const raw = await one.client({ validate: false }).host.info(0);
    expect(raw.STATE as unknown).toBe("two");
    expect(raw.NAME).toBe("node01");
  });

  it("a pool's item list is still an array (one item, none)", async () => {
    const client = one.client({ validate: false });
    const images = await client.imagepool.info(PoolFilter.ALL, -1, -1);
    expect(Array.isArray(images)).toBe(true);
    expect(images.map((image) => image.ID as unknown)).toEqual(["3"]); // raw: numbers stay strings
    expect(await client.datastorepool.info()).toEqual([]);
  });

  it("must be a boolean", () => {
    expect(() => one.client({ validate: "no" as never })).toThrow(/validate must be a boolean/);
  });
});
