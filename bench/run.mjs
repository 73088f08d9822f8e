// Runs the benchmarks: `pnpm bench` (every area), `pnpm bench <area>…` (some), `--quick` (small inputs,
// one round: what CI runs so that a bench that breaks fails CI; its figures are not results).
// Each area is bench/<area>/bench.mjs; it writes bench/<area>/results.json (quick: .tmp/bench/).
// Build first (`pnpm build`); the peers are installed by `bash bench/setup-peers.sh`.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const all = readdirSync(here).filter((d) => existsSync(join(here, d, "bench.mjs")));
const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith("--"));
const named = args.filter((a) => !a.startsWith("--") && !/^\d/.test(a));
const numbers = args.filter((a) => /^\d/.test(a));
const unknown = named.filter((a) => !all.includes(a));
if (unknown.length) {
  console.error(`unknown bench area(s): ${unknown.join(", ")}; areas: ${all.join(", ")}`);
  process.exit(64);
}
const areas = named.length ? named : all;
const failed = [];
const t0 = Date.now();
for (const area of areas) {
  const t = Date.now();
  console.log(`::: bench ${area} ${flags.join(" ")}`);
  const r = spawnSync(process.execPath, [join(here, area, "bench.mjs"), ...numbers, ...flags], {
    stdio: "inherit",
  });
  console.log(
    `::: bench ${area} ${r.status === 0 ? "ok" : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );
  if (r.status !== 0) failed.push(area);
}
console.log(
  `::: ${areas.length - failed.length} passed, ${failed.length} failed (bench areas, ${((Date.now() - t0) / 1000).toFixed(0)} s)`,
);
process.exit(failed.length ? 1 : 0);
