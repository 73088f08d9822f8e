// Prints the goals of every area's last full run (bench/<area>/results.json) as the Markdown table of
// bench/README.md: node bench/summary.mjs
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
console.log("| area | goal | measured | met? | run (UTC, commit, load) | command |");
console.log("|---|---|---:|---|---|---|");
for (const area of readdirSync(here).sort()) {
  const file = join(here, area, "results.json");
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, "utf8"));
  const when = `${r.date.slice(0, 16).replace("T", " ")}, ${r.commit}, ${r.loadavg[0]}`;
  for (const g of r.goals ?? [])
    console.log(
      `| [${area}](${area}/RESULTS.md) | ${g.name} ${g.op === "<=" ? "≤" : "≥"} ${g.target}${g.unit} | ${g.value}${g.unit} | ${g.met ? "yes" : "**no**"} | ${when} | \`${g.command}\` |`,
    );
}
