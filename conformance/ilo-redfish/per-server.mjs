// Prints how many of our Redfish client's checks passed against each independent server, from the
// vitest JSON report of conformance/ilo-redfish (each server is one top-level describe block).
// Usage: node conformance/ilo-redfish/per-server.mjs REPORT.json   (exits 1 if any check failed)
import { readFileSync } from "node:fs";

const report = JSON.parse(readFileSync(process.argv[2], "utf8"));
const servers = new Map();
for (const file of report.testResults) {
  for (const test of file.assertionResults) {
    const server = test.ancestorTitles[0] ?? "(no server)";
    const counts = servers.get(server) ?? { passed: 0, failed: 0, other: 0 };
    if (test.status === "passed") counts.passed++;
    else if (test.status === "failed") counts.failed++;
    else counts.other++;
    servers.set(server, counts);
  }
}
let failed = 0;
console.log("our Redfish client (createIloClient) against servers we did not write:");
for (const [server, c] of servers) {
  const total = c.passed + c.failed + c.other;
  console.log(`  ${c.passed}/${total} checks passed  ${server}${c.other ? ` (${c.other} not run)` : ""}`);
  failed += c.failed + c.other;
}
if (servers.size === 0) {
  console.log("  no checks ran");
  failed = 1;
}
process.exit(failed === 0 ? 0 : 1);
