#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";
import { main } from "./cli.js";

// A run of the CLI is short: on V8's default budget the optimizing compiler (TurboFan) compiles the
// readers' and printers' hot functions on a background thread and the process ends before that pays
// back (`list` on 5,000 hosts spent about a quarter of its CPU time more with it; bench/kubespray).
// A larger budget leaves only the code that runs long enough, on inputs ten times that size, to it.
setFlagsFromString("--interrupt-budget=2000000");

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(
      `kubespray-inventory: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exitCode = 70;
  },
);
