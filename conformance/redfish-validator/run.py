#!/usr/bin/python3
"""DMTF's Redfish Protocol Validator against the emulator's Redfish iLOs, as `homelab-emulator up` serves them.

Usage: run.py UP.json RF_PROTOCOL_VALIDATOR WORKDIR EXPECTED_FAILURES.json

UP.json is what `homelab-emulator up --json` printed (the topology needs an iLO 4 and an iLO 5 host,
e.g. conformance/topologies/mixed-ilo.yaml). For the first host of each Redfish generation the
validator runs with the CA `up` wrote (`--ca-bundle` and REQUESTS_CA_BUNDLE: some of its requests
do not take the option). Prints PASS / WARN / FAIL / NOT_TESTED per generation and every failure
with the reason EXPECTED_FAILURES.json gives it. Exits 1 when a failure is not listed there, or
when a listed failure did not happen (the list must say what is true now).
"""
import csv
import glob
import json
import os
import re
import subprocess
import sys

GENERATIONS = ("ilo4", "ilo5")
RESULTS = ("PASS", "WARN", "FAIL", "NOT_TESTED")


def run_validator(validator, ilo, ca, report_dir):
    os.makedirs(report_dir, exist_ok=True)
    env = dict(os.environ, REQUESTS_CA_BUNDLE=ca)
    # --avoid-http-redirect: the emulator's BMCs serve HTTPS only (no port 80 to redirect from).
    cmd = [validator, "--rhost", ilo["url"], "--user", ilo["username"], "--password", ilo["password"],
           "--report-dir", report_dir, "--report-type", "tsv", "--ca-bundle", ca, "--avoid-http-redirect"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    reports = sorted(glob.glob(os.path.join(report_dir, "*.tsv")))
    # It exits 1 when an assertion failed; only a run that wrote no report is broken.
    if not reports:
        # The password is the topology's test credential, not a secret; still keep it out of logs.
        out = (done.stdout + done.stderr).replace(ilo["password"], "***")
        raise SystemExit("rf_protocol_validator failed against %s (exit %s):\n%s" % (ilo["url"], done.returncode, out[-4000:]))
    with open(reports[-1], newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def matches(entry, generation, row):
    if generation not in entry["generations"]:
        return False
    if entry["assertion"] != row["Assertion"]:
        return False
    if "method" in entry and entry["method"] != row["Method"]:
        return False
    if "uri" in entry and not re.fullmatch(entry["uri"], row["URI"]):
        return False
    return True


def main():
    up_path, validator, workdir, expected_path = sys.argv[1:5]
    up = json.load(open(up_path))
    expected = json.load(open(expected_path))["failures"]
    ilos = {}
    for ilo in up["ilo"]:
        ilos.setdefault(ilo["generation"], ilo)
    missing = [g for g in GENERATIONS if g not in ilos]
    if missing:
        sys.exit("run.py: the topology has no host with %s; use conformance/topologies/mixed-ilo.yaml" % ", ".join(missing))

    status = 0
    used = set()
    summary = {}
    bad = set()
    for generation in GENERATIONS:
        ilo = ilos[generation]
        rows = run_validator(validator, ilo, up["iloCaFile"], os.path.join(workdir, "validator-" + generation))
        counts = {r: sum(1 for row in rows if row["Result"] == r) for r in RESULTS}
        summary[generation] = counts
        print("%s (%s, %s): %s" % (generation, ilo["host"], ilo["url"],
                                   ", ".join("%s %d" % (r, counts[r]) for r in RESULTS)), flush=True)
        for row in rows:
            if row["Result"] not in ("FAIL", "WARN"):
                continue
            reasons = [i for i, e in enumerate(expected) if matches(e, generation, row)]
            where = "%s %s %s %s" % (row["Assertion"], row["Method"], row["Status code"], row["URI"])
            if reasons:
                used.update((i, generation) for i in reasons)
                print("  %s (listed) %s\n      why: %s" % (row["Result"], where, expected[reasons[0]]["reason"]))
            elif row["Result"] == "WARN":
                print("  WARN %s: %s" % (where, row["Message"]))
            else:
                status = 1
                bad.add(generation)
                print("  FAIL (not listed) %s: %s" % (where, row["Message"]))
    for i, e in enumerate(expected):
        for generation in e["generations"]:
            if (i, generation) not in used:
                status = 1
                bad.add(generation)
                print("stale entry in %s: %s %s no longer fails on %s" % (
                    os.path.basename(expected_path), e["assertion"], e.get("method", ""), generation))
    print(json.dumps({"validator": summary}))
    # One check per generation: every failure listed with its reason, no stale entry.
    print("%d passed, %d failed" % (len(GENERATIONS) - len(bad), len(bad)))
    return status


if __name__ == "__main__":
    sys.exit(main())
