// OpenNebula, two parts (pnpm bench opennebula; --part=decode or --part=oned: one of them):
//   decode (decode.mjs, results.json): our XML-RPC and pool decoders against lxml and pyone;
//   oned (oned-startup.mjs, oned-startup.results.json): real oned's start against the emulator's.
// oned needs scripts/opennebula/build-oned.sh's build (the oned peer suite makes it; about an hour
// cold): by default the part runs when that build is there and says loudly that it does not run
// otherwise; asked for with --part=oned, a missing build fails the bench.
import { numbers, parts, QUICK, skipLoudly, writeResult } from "../lib/harness.mjs";
import { benchOnedStartup, onedHome } from "./oned-startup.mjs";

const built = onedHome() !== undefined;
const which = parts(["decode", "oned"], built ? ["decode", "oned"] : ["decode"]);
if (which.includes("oned") && !built)
  throw new Error("oned is not built: run bash scripts/opennebula/build-oned.sh (about an hour cold)");
if (!built)
  skipLoudly(
    "opennebula part oned (real oned's start against the emulator's)",
    "oned is not built (bash scripts/opennebula/build-oned.sh; pnpm bench opennebula --part=oned then)",
  );
if (which.includes("decode")) await import("./decode.mjs");
if (which.includes("oned")) {
  const [runs = QUICK ? 1 : 3] = which.includes("decode") ? [] : numbers;
  writeResult("opennebula", { ...(await benchOnedStartup(runs)), goals: [] }, "oned-startup");
}
