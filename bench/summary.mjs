// Prints the goals of every area's last full run (bench/<area>/results.json, and <part>.results.json
// for an area's other parts) as the Markdown table of
// bench/README.md: node bench/summary.mjs
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
console.log("| area | goal | measured | met? | run (UTC, commit, load) | command |");
console.log("|---|---|---:|---|---|---|");
// An area's main results.json first, then its other parts' <part>.results.json.
const files = (area) => [
  ...(existsSync(join(here, area, "results.json")) ? ["results.json"] : []),
  ...readdirSync(join(here, area))
    .filter((f) => f.endsWith(".results.json"))
    .sort(),
];
for (const area of readdirSync(here).sort()) {
  if (!statSync(join(here, area)).isDirectory()) continue;
  for (const file of files(area)) row(area, JSON.parse(readFileSync(join(here, area, file), "utf8")));
}

function row(area, r) {
  const when = `${r.date.slice(0, 16).replace("T", " ")}, ${r.commit}, ${r.loadavg[0]}`;
  for (const g of r.goals ?? [])
    console.log(
      `| [${area}](${area}/RESULTS.md) | ${g.name} ${g.op === "<=" ? "≤" : "≥"} ${g.target}${g.unit} | ${g.value}${g.unit} | ${g.met ? "yes" : "**no**"} | ${when} | \`${g.command}\` |`,
    );
}
