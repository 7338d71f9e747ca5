#!/usr/bin/env python3
"""Cluster benchmarks (issue 5): PHOLD and the default scenario on 1, 2 and 3 local nodes, medians of N runs.

    dotnet build src/GridActors.Cli -c Release
    python3 tools/bench_cluster.py [--runs 3] [--only phold|scenario]

Prints one line per configuration: events/s (simulation wall time, without process start-up), wall seconds
including start-up, synchronisation rounds and cross-node messages (event batches and promises) per round, bytes per
cross-node event, the digest (which must be the same in every configuration of a model) and the rate relative to one
process (ratio of the medians, and the median of the run-by-run ratios). Configurations run round-robin, so a slow spell hits them all alike."""
import argparse, json, os, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = os.path.join(ROOT, "src/GridActors.Cli/bin/Release/net10.0/gridactors")

def run(args):
    p = subprocess.run([EXE] + args, capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{p.stderr[-2000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=["phold", "scenario"])
    a = ap.parse_args()
    phold = ["bench", "phold", "--lps", "2048", "--population", "16", "--remote", "0.25", "--mean", "1.0",
             "--lookahead", "0.1", "--end", "500", "--seed", "1", "--json"]
    db = os.path.join(tempfile.mkdtemp(prefix="gridactors-bench-"), "bench.db")
    scenario = ["run", "scenarios/china-token-supply-chain.yaml", "--json", "--checkpoint-every", "0", "--db", db]
    configs = []
    if a.only in (None, "phold"):
        configs += [("phold", "1 process (actors)", phold + ["--executor", "actors"])]
        configs += [("phold", f"{n} node(s)", phold + ["--nodes", str(n)]) for n in (1, 2, 3)]
    if a.only in (None, "scenario"):
        configs += [("default 24 h", "1 process (actors)", scenario)]
        configs += [("default 24 h", f"{n} node(s)", scenario + ["--nodes", str(n)]) for n in (1, 2, 3)]
    # Round-robin: run 1 of every configuration, then run 2 of every one, ... so that a slow spell of the machine
    # (same run 1.5-4.0 M events/s within minutes here) hits every configuration alike.
    results = {(model, label): [] for model, label, _ in configs}
    for i in range(a.runs):
        for model, label, args in configs:
            results[(model, label)].append(r := run(args))
            print(f"  run {i + 1}/{a.runs} {model} {label}: {rate(r) / 1e6:.2f} M events/s", file=sys.stderr, flush=True)
    for model, label, args in configs:
        rs = results[(model, label)]
        rates = [rate(r) for r in rs]
        walls = [r.get("wallSecondsWithStartup", r["wallSeconds"]) for r in rs]  # run: wallSeconds includes start-up
        med = statistics.median(rates)
        base = results[(model, "1 process (actors)")]
        # The ratio to one process, taken run by run (runs of the same round ran minutes apart at most).
        ratio = statistics.median(rate(r) / rate(b) for r, b in zip(rs, base))
        of_medians = med / statistics.median(rate(b) for b in base)
        r0 = rs[0]
        cross = r0.get("crossNode", {})
        print(f"{model:13} {label:20} events/s {med/1e6:6.2f} M ({', '.join(f'{x/1e6:.2f}' for x in rates)})  x1 process {of_medians:4.2f} (run by run {ratio:4.2f})  "
              f"wall {statistics.median(walls):7.2f} s  events {r0['events']:,}  "
              f"rounds {cross.get('rounds', 0):,}  messages/round {cross.get('batchesPerRound', 0)}  bytes/cross-event {cross.get('bytesPerEvent', 0)}  "
              f"cross events {cross.get('events', 0):,}  digest {r0['digest'][:12]}", flush=True)

def rate(r):
    return r["events"] / r.get("simulationWallSeconds", r["wallSeconds"])

if __name__ == "__main__":
    main()
