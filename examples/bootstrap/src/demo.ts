/**
 * `pnpm demo`: starts the emulator with the default topology (the reference stack of docs/DESIGN.md §1)
 * on loopback, with its clock 60 times faster than real time, and runs the bootstrap walk-through
 * against it over real sockets (iLO over HTTPS trusting the emulator's CA).
 */
import { resolve } from "node:path";
import { createEmulator, realClock } from "@homelab-kit/emulator/world";
import { formatSummary, runBootstrap } from "./bootstrap.js";
import type { StackConfig } from "./config.js";

const SPEED = 60;

async function demo(): Promise<void> {
  const started = performance.now();
  const emulator = createEmulator({ clock: realClock({ speed: SPEED }) });
  const endpoints = await emulator.listen();
  console.log(
    `Emulator up in ${Math.round(performance.now() - started)} ms (topology "${emulator.world.topology.name}", clock x${SPEED})`,
  );
  console.log(
    `  control ${endpoints.control.url}  Ceph ${endpoints.ceph?.url}  OpenNebula ${endpoints.opennebula?.url}`,
  );
  for (const ilo of endpoints.ilo) console.log(`  iLO ${ilo.host} (${ilo.generation}) ${ilo.url}`);
  if (endpoints.ceph === undefined) throw new Error("the default topology has Ceph");
  const config: StackConfig = {
    ilo: endpoints.ilo,
    iloCa: endpoints.iloCa,
    ceph: endpoints.ceph,
    opennebula: endpoints.opennebula,
  };
  try {
    const summary = await runBootstrap(config, {
      interval: 100,
      timeout: 60_000,
      inventoryFile: resolve(process.env.INVENTORY_FILE ?? "hosts.yaml"),
    });
    console.log(`\n${formatSummary(summary)}`);
    console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await emulator.close();
  }
}

demo().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
