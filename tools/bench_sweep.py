#!/usr/bin/env python3
"""N-1 sweep benchmark: the default scenario's cables and UHV links with --parallel K, against single runs.

    dotnet build src/GridActors.Cli -c Release
    python3 tools/bench_sweep.py [--runs 3] [--parallel 2] [--kinds cable,link]

Prints, for each repetition and as medians: the sweep's wall time, the number of runs, the median wall time of
one run inside the sweep, a standalone single run's wall time (same options: sequential, no store, no report),
and the per-run overhead of the sweep (sweep wall × parallel / runs − single run wall).
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = os.path.join(ROOT, "src/GridActors.Cli/bin/Release/net10.0/gridactors")
SCENARIO = os.path.join(ROOT, "scenarios/china-token-supply-chain.yaml")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--parallel", type=int, default=2)
    ap.add_argument("--kinds", default="cable,link")
    a = ap.parse_args()
    if not os.path.exists(EXE):
        sys.exit(f"{EXE} not found: dotnet build src/GridActors.Cli -c Release")
    work = tempfile.mkdtemp(prefix="gridactors-bench-sweep-")
    singles, sweeps = [], []
    try:
        for i in range(a.runs):
            t = time.perf_counter()
            subprocess.run([EXE, "run", SCENARIO, "--executor", "sequential", "--no-store", "--no-report", "--json",
                            "--db", os.path.join(work, "single.db"), "--out", os.path.join(work, f"single{i}")],
                           check=True, stdout=subprocess.DEVNULL)
            singles.append(time.perf_counter() - t)
            t = time.perf_counter()
            out = subprocess.run([EXE, "sweep", SCENARIO, "--contingency", "n-1", "--kinds", a.kinds, "--parallel", str(a.parallel),
                                  "--json", "--out", os.path.join(work, f"sweep{i}")], check=True, capture_output=True, text=True).stdout
            wall = time.perf_counter() - t
            r = json.loads(out.strip().splitlines()[-1])
            sweeps.append((wall, r))
            top = r["ranking"][0]
            print(f"rep {i + 1}: single run {singles[-1]:.2f} s; sweep {r['runs']} runs in {wall:.1f} s "
                  f"(median run inside {r['medianRunWallSeconds']:.2f} s); top: {top['kind']} {top['component']} "
                  f"(impact {top['impactScore']:.4f})", flush=True)
            shutil.rmtree(os.path.join(work, f"sweep{i}", "runs"), ignore_errors=True)
        single = statistics.median(singles)
        wall = statistics.median(w for w, _ in sweeps)
        runs = sweeps[0][1]["runs"]
        inside = statistics.median(r["medianRunWallSeconds"] for _, r in sweeps)
        per_run = wall * a.parallel / runs
        print(f"median of {a.runs}: sweep of {runs} runs (--parallel {a.parallel}) {wall:.1f} s; single run {single:.2f} s; "
              f"run inside the sweep {inside:.2f} s; sweep wall × parallel / runs = {per_run:.2f} s per run "
              f"→ overhead {per_run - single:+.2f} s per run ({(per_run / single - 1) * 100:+.0f} %); "
              f"speed-up over {runs} sequential single runs {runs * single / wall:.2f}×")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
