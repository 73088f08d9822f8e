// The iLO emulator (iLO 5 flavour: Redfish and RIBCL) in its own process for the bench, over HTTPS
// with the certificate given as argv[2] (cert) and argv[3] (key). Prints its port.
import { readFileSync } from "node:fs";
import { createIloEmulator } from "../../packages/emulator/dist/ilo/index.js";

const emulator = createIloEmulator({ generation: "ilo5", maxSessions: 16 });
const served = await emulator.listen({
  tls: { cert: readFileSync(process.argv[2], "utf8"), key: readFileSync(process.argv[3], "utf8") },
});
console.log(JSON.stringify({ port: served.port }));
process.on("SIGTERM", () => served.close().then(() => process.exit(0)));
