#!/usr/bin/env python3
"""Same-batch, interleaved before/after benchmark of two gridactors builds (e.g. the head of main against a worktree of an
older commit built with `dotnet build src/GridActors.Cli -c Release`).

    python3 tools/bench_ab.py BEFORE_EXE AFTER_EXE [--runs 5] [--only "PHOLD actors,PHOLD 2 nodes"] [--before-env K=V]

Runs, round-robin (run 1 of every configuration on both builds, then run 2 …, the two builds alternating first), the
standard PHOLD on the sequential and the actor executor, PHOLD on 2 local nodes, and the default scenario's day on the actor
executor (as `run` does it: hourly checkpoints into a fresh SQLite file, no report). Prints the median events/s of each
configuration on each build (events over the simulation's own wall time), every run, the ratio after/before of the medians
and the median of the run-by-run ratios, and the digests."""
import argparse, json, os, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHOLD = ["bench", "phold", "--lps", "2048", "--population", "16", "--remote", "0.25", "--mean", "1.0",
         "--lookahead", "0.1", "--end", "500", "--seed", "1", "--json"]

def run(exe, args, cwd, env=None):
    p = subprocess.run([exe] + args, capture_output=True, text=True, cwd=cwd, env=env)
    if p.returncode != 0:
        sys.exit(f"failed: {exe} {' '.join(args)}\n{p.stderr[-2000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])

def rate(r):
    return r["events"] / r.get("simulationWallSeconds", r["wallSeconds"])

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before"); ap.add_argument("after")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", help="comma-separated configuration names")
    ap.add_argument("--before-env", action="append", default=[], help="K=V set for the before build only (e.g. its transport)")
    a = ap.parse_args()
    before_env = dict(os.environ)
    for kv in a.before_env:
        k, v = kv.split("=", 1)
        before_env[k] = v
    tmp = tempfile.mkdtemp(prefix="gridactors-ab-")
    def day(tag, i):
        return ["run", os.path.join(ROOT, "scenarios/china-token-supply-chain.yaml"), "--json", "--no-report",
                "--db", os.path.join(tmp, f"{tag}-{i}.db"), "--out", os.path.join(tmp, f"{tag}-{i}")]
    configs = [("PHOLD sequential", lambda t, i: PHOLD + ["--executor", "sequential"]),
               ("PHOLD actors", lambda t, i: PHOLD + ["--executor", "actors"]),
               ("PHOLD 2 nodes", lambda t, i: PHOLD + ["--nodes", "2"]),
               ("default day actors", day)]
    if a.only:
        wanted = [w.strip() for w in a.only.split(",")]
        configs = [c for c in configs if c[0] in wanted]
    builds = [("before", a.before), ("after", a.after)]
    res = {(c, b): [] for c, _ in configs for b, _ in builds}
    for i in range(a.runs):
        for c, args in configs:
            for tag, exe in (builds if i % 2 == 0 else builds[::-1]):
                r = run(exe, args(tag, i), ROOT, before_env if tag == "before" else None)
                res[(c, tag)].append(r)
                print(f"  run {i + 1}/{a.runs} {c:20} {tag:6} {rate(r) / 1e6:6.3f} M events/s  digest {r['digest'][:12]}", file=sys.stderr, flush=True)
    print(f"{'configuration':20} {'before M/s':>11} {'after M/s':>10} {'after/before':>13} {'run by run':>11}  runs before | after")
    for c, _ in configs:
        b = [rate(r) for r in res[(c, "before")]]; f = [rate(r) for r in res[(c, "after")]]
        ratio = statistics.median(f) / statistics.median(b)
        rbr = statistics.median(x / y for x, y in zip(f, b))
        print(f"{c:20} {statistics.median(b) / 1e6:11.3f} {statistics.median(f) / 1e6:10.3f} {ratio:13.3f} {rbr:11.3f}  "
              f"{', '.join(f'{x / 1e6:.2f}' for x in b)} | {', '.join(f'{x / 1e6:.2f}' for x in f)}"
              f"  digests {res[(c, 'before')][0]['digest'][:12]} / {res[(c, 'after')][0]['digest'][:12]}")

if __name__ == "__main__":
    main()
