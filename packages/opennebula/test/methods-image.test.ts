import { InvalidRequestError } from "@homelab-kit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PoolFilter } from "../src/index.js";
import { type OneServer, okId, okText, sample, startOneServer } from "./helpers/one-server.js";

const imageXml = sample("image.xml");
let one: OneServer;

beforeAll(async () => {
  one = await startOneServer({
    "one.image.info": () => okText(imageXml),
    "one.image.allocate": () => okId(7),
    "one.image.clone": () => okId(8),
    "one.image.chtype": ([id]) => okId(id as number),
    "one.image.persistent": ([id]) => okId(id as number),
    "one.image.restore": () => okText("12 13"),
    "one.imagepool.info": () => okText(`<IMAGE_POOL>${imageXml}</IMAGE_POOL>`),
  });
});
afterAll(() => one.close());

describe("one.image.*", () => {
  it("info → a validated Image with named state and type", async () => {
    const image = await one.client().image.info(3);
    expect(image.NAME).toBe("ubuntu-24.04");
    expect(image.STATE.name).toBe("USED");
  });

  it("allocate (template, ds_id, skip_capacity_check?), clone (id, name, ds_id?), persistent", async () => {
    const client = one.client();
    expect(await client.image.allocate('NAME="disk" SIZE="10240" TYPE="DATABLOCK"', 1)).toBe(7);
    expect(await client.image.allocate("NAME=x", 1, true)).toBe(7);
    expect(await client.image.clone(3, "copy")).toBe(8);
    expect(await client.image.persistent(3, true)).toBe(3);
    expect(one.calls().slice(-4)).toEqual([
      ["one.image.allocate", 'NAME="disk" SIZE="10240" TYPE="DATABLOCK"', 1],
      ["one.image.allocate", "NAME=x", 1, true],
      ["one.image.clone", 3, "copy"],
      ["one.image.persistent", 3, true],
    ]);
  });

  it("chtype takes oned's type names only", async () => {
    const client = one.client();
    expect(await client.image.chtype(3, "DATABLOCK")).toBe(3);
    await expect(client.image.chtype(3, "DISK" as never)).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it("restore (6.6+) answers oned's text, and is refused before sending to a 6.4 server", async () => {
    expect(await one.client().image.restore(20, 1, "")).toBe("12 13");
    const before = one.calls().length;
    const error = await one
      .client({ version: "6.4.0" })
      .image.restore(20, 1, "")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "UNSUPPORTED_BY_SERVER" });
    expect(one.calls()).toHaveLength(before);
  });
});

describe("one.imagepool.*", () => {
  it("info (filter, start, end) → Image[] even for a single image", async () => {
    const images = await one.client().imagepool.info(PoolFilter.MINE_AND_GROUPS, -1, -1);
    expect(images).toHaveLength(1);
    expect(images[0]?.ID).toBe(3);
    expect(one.calls().at(-1)).toEqual(["one.imagepool.info", -1, -1, -1]);
  });

  it("a filter below -4 is refused before sending (oned: RPC_API Incorrect filter_flag)", async () => {
    await expect(one.client().imagepool.info(-5, -1, -1)).rejects.toMatchObject({ code: "INVALID_PARAM" });
  });
});
