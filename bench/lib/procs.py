"""Runs whole processes and reports each one's own resource usage (wait4), for bench/lib/procs.mjs.

Input (stdin, JSON): {"rounds": R, "cases": [{"name", "argv", "cwd"?, "stdout"?: FILE, "env"?}]}.
The cases run one after the other, in an order rotated every round (interleaved: a change in the
machine's load weighs on every case alike). Each run's user + system CPU seconds and peak RSS come
from wait4() on that child alone, so neither this runner's start-up nor another run is counted.
Output (stdout, JSON): {"runs": {name: [{"wall", "cpu", "user", "sys", "rssMiB", "status"}]}}.
A run that exits non-zero stops the whole bench (its stderr is printed).
"""
import json
import os
import subprocess
import sys
import time


def run_one(case):
    out = open(case["stdout"], "wb") if case.get("stdout") else subprocess.DEVNULL
    env = dict(os.environ, **case.get("env", {}))
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        case["argv"], cwd=case.get("cwd"), stdout=out, stderr=subprocess.PIPE, env=env
    )
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if out is not subprocess.DEVNULL:
        out.close()
    if proc.returncode != 0:
        sys.stderr.write(f"{case['name']}: exit {proc.returncode}\n{err.decode(errors='replace')}\n")
        sys.exit(1)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "rssMiB": usage.ru_maxrss / 1024,
        "status": proc.returncode,
    }


def main():
    spec = json.load(sys.stdin)
    cases = spec["cases"]
    runs = {c["name"]: [] for c in cases}
    for r in range(spec["rounds"]):
        shift = r % len(cases)
        for case in cases[shift:] + cases[:shift]:
            runs[case["name"]].append(run_one(case))
    json.dump({"runs": runs}, sys.stdout)


main()
