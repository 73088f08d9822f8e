/**
 * What a user of the published packages writes, in a project of its own: `.ci/consumer.sh` packs every
 * package (`pnpm pack`), installs the tarballs with npm into an empty temp project (no workspace links),
 * type-checks this file with `strict` and `skipLibCheck: false` (so every published `.d.ts` it reaches
 * is checked too: it imports every entry point of every package but the emulator's msw one, which
 * consumer-msw.ts covers), and runs it against `createEmulator()`. Exits 1 on the first expectation
 * that does not hold.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CephApiError, createCephClient } from "@homelab-kit/ceph";
import { HttpError, waitFor } from "@homelab-kit/core";
import { RouteError, route, routesTransport } from "@homelab-kit/emulator";
import { createCephEmulator } from "@homelab-kit/emulator/ceph";
import { parseCli } from "@homelab-kit/emulator/cli";
import { createCloudflareEmulator } from "@homelab-kit/emulator/cloudflare";
import { createIloEmulator } from "@homelab-kit/emulator/ilo";
import { isClusterError } from "@homelab-kit/emulator/kubernetes";
import { parseExposition } from "@homelab-kit/emulator/metrics";
import { createOpenNebulaEmulator } from "@homelab-kit/emulator/opennebula";
import { createEmulator, realClock } from "@homelab-kit/emulator/world";
import { createIloClient } from "@homelab-kit/ilo";
import { RedfishError } from "@homelab-kit/ilo/redfish";
import { buildRibclScript } from "@homelab-kit/ilo/ribcl";
import {
  buildInventory,
  readInventory,
  validateInventory,
  writeYaml,
} from "@homelab-kit/kubespray-inventory";
import { createOpenNebulaClient, isOpenNebulaError } from "@homelab-kit/opennebula";

const say = (line: string) => console.log(`consumer: ${line}`);

// Every subpath resolves at run time too (the types above only prove the .d.ts exist).
for (const [name, value] of Object.entries({
  route,
  routesTransport,
  createCephEmulator,
  createCloudflareEmulator,
  parseCli,
  createIloEmulator,
  isClusterError,
  parseExposition,
  createOpenNebulaEmulator,
  buildRibclScript,
}))
  assert.equal(typeof value, "function", `${name} is exported as a function`);
assert.equal(typeof RedfishError, "function");
assert.ok(new RouteError(404, "x") instanceof Error);

// Cloudflare: a zone lookup in-process, with the Bearer token cert-manager's DNS01 solver sends.
{
  const cloudflare = createCloudflareEmulator({
    zones: [{ name: "example.com" }],
    tokens: [{ name: "dns01", value: "consumer-token" }],
  });
  const res = await cloudflare.transport()({
    method: "GET",
    url: "http://cloudflare.test/client/v4/zones?name=example.com",
    headers: { authorization: "Bearer consumer-token" },
  });
  const zones = JSON.parse(new TextDecoder().decode(res.body)) as { success: boolean; result: unknown[] };
  assert.equal(res.status, 200);
  assert.ok(zones.success && zones.result.length === 1, "the zone is found");
}

const emulator = createEmulator({ clock: realClock({ speed: 60 }) });
const endpoints = await emulator.listen();
say(`emulator "${emulator.world.topology.name}" on ${endpoints.control.url}`);
const work = mkdtempSync(join(tmpdir(), "homelab-kit-consumer-"));
try {
  // iLO: power the first host on over HTTPS, trusting the emulator's CA.
  const first = endpoints.ilo[0];
  assert.ok(first, "the default topology has iLOs");
  const ilo = createIloClient({
    baseUrl: first.url,
    username: first.username,
    password: first.password,
    tls: { ca: endpoints.iloCa },
  });
  try {
    await ilo.power.on();
    await ilo.power.waitFor("On", { interval: 50, timeout: 30_000 });
    say(`iLO ${first.host} (${await ilo.protocol()}): ${await ilo.power.get()}`);
  } finally {
    await ilo.close();
  }

  // Ceph: health, then a typed error from a bad request; one copy of core's error classes.
  assert.ok(endpoints.ceph, "the default topology has Ceph");
  const ceph = createCephClient({
    baseUrl: endpoints.ceph.url,
    username: endpoints.ceph.username,
    password: endpoints.ceph.password,
  });
  try {
    const { health } = await ceph.health.minimal();
    assert.match(health.status, /^HEALTH_(OK|WARN|ERR)$/);
    say(`Ceph ${health.status}, ${(await ceph.osds.list()).length} OSDs`);
    const error = await ceph.pools.get("no-such-pool").then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof CephApiError, `CephApiError for a missing pool, got ${String(error)}`);
    assert.ok(error instanceof HttpError, "CephApiError is core's HttpError (one copy of core installed)");
    assert.equal(error.status, 404);
  } finally {
    await ceph.close();
  }

  // OpenNebula: hosts, and NO_EXISTS for a VM that is not there.
  assert.ok(endpoints.opennebula, "the default topology has OpenNebula");
  const one = createOpenNebulaClient(endpoints.opennebula);
  try {
    const hosts = await waitFor(
      async () => one.hostpool.info(),
      (h) => h.length > 0,
      {
        interval: 50,
        timeout: 30_000,
      },
    );
    say(`OpenNebula hosts: ${hosts.map((h) => `${h.NAME} ${h.STATE.name}`).join(", ")}`);
    const error = await one.vm.info(999_999).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isOpenNebulaError(error) && error.code === "NO_EXISTS", `NO_EXISTS, got ${String(error)}`);
  } finally {
    await one.close();
  }

  // Kubespray: build, validate, write, read back.
  const inventory = buildInventory([
    {
      name: "cp1",
      nics: [{ ip: "10.0.0.11", network: "k8s" }],
      labels: { "kubespray.role": "control-plane,etcd" },
    },
    { name: "w1", nics: [{ ip: "10.0.0.21", network: "k8s" }], labels: { "kubespray.role": "worker" } },
  ]);
  const errors = validateInventory(inventory).filter((f) => f.severity === "error");
  assert.deepEqual(errors, [], "the built inventory validates");
  const file = join(work, "hosts.yaml");
  writeFileSync(file, writeYaml(inventory));
  assert.deepEqual([...readInventory(file).hosts.keys()].sort(), ["cp1", "w1"]);
  say(`Kubespray inventory: ${readFileSync(file, "utf8").split("\n").length} lines, no errors`);
} finally {
  await emulator.close();
  rmSync(work, { recursive: true, force: true });
}
say("every package imported, type-checked and run from its tarball");
