/**
 * The client against the OpenNebula emulator of @homelab-kit/emulator, in-process
 * (`routesTransport`, no sockets): every document the emulator writes must validate against the
 * client's models, and a VM's life cycle runs on the emulator's clock.
 */
import { describe, expect, it } from "vitest";
import { isOpenNebulaError, PoolFilter } from "../src/index.js";
import { emulatorClients } from "./helpers/emulator.js";

const setup = emulatorClients({ start: 1_700_000_000_000 });

describe("client ↔ emulator", () => {
  it("reads every pool of the reference topology through the validated models", async () => {
    const { one } = setup();
    const hosts = await one.hostpool.info();
    expect(hosts.map((host) => host.NAME).sort()).toEqual(["node01", "node02", "node03"]);
    expect(hosts.every((host) => host.STATE.name !== null)).toBe(true);
    const host = await one.host.info(hosts[0]!.ID);
    expect(host.ID).toBe(hosts[0]!.ID);
    const datastores = await one.datastorepool.info();
    expect(datastores.length).toBeGreaterThan(0);
    expect((await one.datastore.info(datastores[0]!.ID)).NAME).toBe(datastores[0]!.NAME);
    const images = await one.imagepool.info(PoolFilter.ALL, -1, -1);
    const vnets = await one.vnpool.info(PoolFilter.ALL, -1, -1);
    const templates = await one.templatepool.info(PoolFilter.ALL, -1, -1);
    expect([images.length, vnets.length, templates.length].every((n) => n > 0)).toBe(true);
    expect((await one.vn.info(vnets[0]!.ID)).AR_POOL.AR.length).toBeGreaterThan(0);
    expect((await one.image.info(images[0]!.ID)).NAME).toBe(images[0]!.NAME);
    expect((await one.template.info(templates[0]!.ID)).NAME).toBe(templates[0]!.NAME);
    expect((await one.userpool.info()).USER.some((user) => user.NAME === "oneadmin")).toBe(true);
    expect((await one.grouppool.info()).GROUP.length).toBeGreaterThan(0);
    expect((await one.clusterpool.info()).length).toBeGreaterThan(0);
    expect(await one.system.version()).toBe("7.4.0");
  });

  it("instantiate → waitFor RUNNING → poweroff → waitFor POWEROFF → resume → terminate", async () => {
    const { clock, one } = setup();
    const [template] = await one.templatepool.info(PoolFilter.ALL, -1, -1);
    const id = await one.template.instantiate(template!.ID, "web-1");
    // the emulator's time moves while the client polls
    const ticker = setInterval(() => clock.advance(1_000), 2);
    try {
      const seen = new Set<string>();
      const running = await one.vm.waitFor(
        id,
        (s) => {
          seen.add(`${s.state}/${s.lcmState}`);
          return s.lcmState === "RUNNING";
        },
        { interval: 5, timeout: 20_000 },
      );
      expect(running.vm.NAME).toBe("web-1");
      expect(seen.size).toBeGreaterThan(1); // it passed through PENDING/PROLOG/BOOT on the way
      await one.vm.action("poweroff", id);
      await one.vm.waitFor(id, (s) => s.state === "POWEROFF", { interval: 5, timeout: 20_000 });
      await one.vm.action("resume", id);
      await one.vm.waitFor(id, (s) => s.lcmState === "RUNNING", { interval: 5, timeout: 20_000 });
      await one.vm.action("terminate-hard", id);
      const done = await one.vm.waitFor(id, (s) => s.state === "DONE", { interval: 5, timeout: 20_000 });
      expect(done.stateValue).toBe(6);
    } finally {
      clearInterval(ticker);
    }
  });

  it("a wrong password → AUTHENTICATION; an unknown VM → NO_EXISTS", async () => {
    const { one } = setup({ client: { password: "wrong" } });
    const auth = await one.vm.info(0).catch((e: unknown) => e);
    expect(isOpenNebulaError(auth) && auth.code).toBe("AUTHENTICATION");
    const { one: admin } = setup();
    const missing = await admin.vm.info(9999).catch((e: unknown) => e);
    expect(isOpenNebulaError(missing) && missing.code).toBe("NO_EXISTS");
  });

  it("login tokens: the client logs in with one.user.login and the emulator accepts the token", async () => {
    const { one } = setup({ client: { login: { ttl: 600 } } });
    const hosts = await one.hostpool.info();
    expect(hosts.length).toBe(3);
    const admin = await one.user.info(0);
    expect(admin.LOGIN_TOKEN.length).toBeGreaterThan(0);
  });
});

describe("client ↔ emulator: pagination", () => {
  it("vmpool.iterate pages through every VM the emulator holds, newest first", async () => {
    const { one } = setup();
    const [template] = await one.templatepool.info(PoolFilter.ALL, -1, -1);
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push(await one.template.instantiate(template!.ID, `vm-${i}`, true));
    const seen: number[] = [];
    for await (const vm of one.vmpool.iterate({ filter: PoolFilter.ALL, pageSize: 3 })) seen.push(vm.ID);
    expect(seen).toEqual([...ids].sort((a, b) => b - a));
    const held = await one.vm.waitFor(ids[0]!, (s) => s.state === "HOLD", { interval: 1 });
    expect(held.lcmState).toBe("LCM_INIT");
  });
});
