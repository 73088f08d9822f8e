/**
 * The two servers the suite compares, from the files .ci/suites/oned.sh writes:
 * - ONED_ENDPOINT_FILE: scripts/opennebula/start-oned.sh's endpoint.json (real oned, dummy drivers);
 * - EMULATOR_ENDPOINT_FILE: `homelab-emulator up --json`'s output (the emulator as users start it).
 * Missing files are an error, loudly: this suite never runs against one side only.
 */
import { readFileSync } from "node:fs";
import type { Target } from "./rpc.js";

function readJson(variable: string): Record<string, unknown> {
  const file = process.env[variable];
  if (!file) throw new Error(`${variable} is not set: run this suite with bash .ci/suites/oned.sh`);
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}

export function onedTarget(): Target {
  const j = readJson("ONED_ENDPOINT_FILE") as { endpoint: string; user: string; password: string };
  return { name: "oned", endpoint: j.endpoint, user: j.user, password: j.password };
}

export function emulatorTarget(): Target {
  const j = readJson("EMULATOR_ENDPOINT_FILE") as {
    opennebula?: { url: string; username: string; password: string };
  };
  if (j.opennebula === undefined) throw new Error("the emulator serves no OpenNebula endpoint");
  const url = j.opennebula.url.replace(/\/$/, "");
  return {
    name: "emulator",
    endpoint: url.endsWith("/RPC2") ? url : `${url}/RPC2`,
    user: j.opennebula.username,
    password: j.opennebula.password,
  };
}
