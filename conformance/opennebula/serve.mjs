// Serves the OpenNebula emulator on loopback for the real-peer suite and prints its endpoint as JSON.
// Life-cycle delays are shortened (the real clock runs) so a VM reaches RUNNING in about a second.
import { createOpenNebulaEmulator } from "../../packages/emulator/dist/opennebula/index.js";

const emulator = createOpenNebulaEmulator({
  adminPassword: "opennebula",
  timings: {
    schedule: 300,
    prolog: 300,
    boot: 200,
    shutdown: 200,
    epilog: 100,
    save: 200,
    imageCopy: 200,
    hotplug: 100,
    backup: 300,
    exec: 100,
  },
});
const server = await emulator.listen({ onError: (e) => console.error("emulator error:", e) });
process.stdout.write(
  `${JSON.stringify({ endpoint: `${server.url}/RPC2`, user: "oneadmin", password: "opennebula" })}\n`,
);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
