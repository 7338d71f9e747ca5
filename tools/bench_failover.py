#!/usr/bin/env python3
"""Fail-over benchmark (issue 5): wall time from `kill -9` of a worker to the run progressing again.

    dotnet build src/GridActors.Cli -c Release
    python3 tools/bench_failover.py [--runs 3] [--nodes 3]

Runs the default scenario on N local nodes with hourly checkpoints, kills worker 1 with SIGKILL right after
checkpoint #2, and reports: seconds until the coordinator saw the node removed, until the next incarnation
started on the survivors, and until the next checkpoint completed after the kill; plus the final digest
(which must equal a fault-free run's)."""
import argparse, json, os, re, signal, statistics, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = os.path.join(ROOT, "src/GridActors.Cli/bin/Release/net10.0/gridactors")

def once(nodes):
    db = os.path.join(tempfile.mkdtemp(prefix="gridactors-failover-"), "f.db")
    p = subprocess.Popen([EXE, "run", "scenarios/china-token-supply-chain.yaml", "--nodes", str(nodes), "--json",
                          "--checkpoint-every", "1h", "--db", db], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    marks, worker, killed = {}, None, None
    for line in p.stderr:
        now = time.monotonic()
        m = re.search(r"worker 1 started: pid (\d+)", line)
        if m: worker = int(m.group(1))
        if killed is None and "checkpoint #2 complete" in line:
            os.kill(worker, signal.SIGKILL)
            killed = now
        elif killed is not None:
            if "lost" in line and "removed" not in marks: marks["removed"] = now - killed
            if "incarnation 2" in line and "restarted" not in marks: marks["restarted"] = now - killed
            if "checkpoint #" in line and "restarted" in marks and "checkpoint" not in marks: marks["checkpoint"] = now - killed
    out = p.stdout.read()
    p.wait()
    r = json.loads(out.strip().splitlines()[-1])
    return marks, r["digest"], r["failovers"]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--nodes", type=int, default=3)
    a = ap.parse_args()
    rows = [once(a.nodes) for _ in range(a.runs)]
    for marks, digest, failovers in rows:
        print(f"removed {marks.get('removed', float('nan')):6.2f} s  restarted {marks.get('restarted', float('nan')):6.2f} s  "
              f"next checkpoint {marks.get('checkpoint', float('nan')):6.2f} s  digest {digest[:12]}  failovers {json.dumps(failovers)}")
    for k in ("removed", "restarted", "checkpoint"):
        vals = [m[k] for m, _, _ in rows if k in m]
        if vals: print(f"median {k}: {statistics.median(vals):.2f} s")

if __name__ == "__main__":
    main()
