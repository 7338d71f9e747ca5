#!/usr/bin/env python3
"""Web console benchmark (issue 18).

    dotnet build src/GridActors.Cli -c Release
    python3 tools/bench_console.py [--runs 3] [--list 1000]     (--runs 0: only the runs list)

1. Overhead on a watched default-day run (scenarios/china-token-supply-chain.yaml, actors, hourly checkpoints). Three
   configurations, round-robin (run 1 of each, then run 2 of each, …) so a slow spell of the shared machine hits all alike:
     cli      `gridactors run …` from the shell, no console running
     console  launched through the console's API (POST /api/runs), no page open
     watched  launched the same way, with headless Chromium showing /runs/RUN (live stream, map, checkpoint charts) throughout
   Reported: the run's own wallSeconds (summary.json) and the wall time from start (process start / POST) to completion as
   seen from outside; medians.
2. Runs list with N registered runs: N rows copied into the registry (distinct ids, the default day's scenario text), then
   GET / and GET /api/runs timed with curl (medians of 7), and navigation timing of /, /?limit=0 (every run) and /launch in headless
   Chromium over the DevTools protocol (tools/page_timing.mjs, Node ≥ 20 with --experimental-websocket; medians of 4).
"""
import argparse, json, os, re, shutil, sqlite3, statistics, subprocess, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = os.path.join(ROOT, "src/GridActors.Cli/bin/Release/net10.0/gridactors")
SCENARIO = "china-token-supply-chain.yaml"
CHROMIUM = "/usr/bin/chromium"


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


def get(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.loads(r.read())


def wait_completed(base, run_id, bound=600):
    t0 = time.monotonic()
    while time.monotonic() - t0 < bound:
        live = get(f"{base}/api/runs/{run_id}")
        if live["run"]["status"] != "running":
            return live["run"]["status"]
        time.sleep(0.2)
    raise SystemExit(f"run {run_id} did not finish within {bound} s")


def chromium(url, profile):
    return subprocess.Popen([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                             "--disable-extensions", f"--user-data-dir={profile}", "--remote-debugging-port=0", url],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--list", type=int, default=1000)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="gridactors-bench-console-")
    db = os.path.join(work, "g.db")
    console = subprocess.Popen([EXE, "console", "--port", "0", "--db", db, "--scenarios", os.path.join(ROOT, "scenarios")], cwd=work,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = None
        for line in console.stdout:
            m = re.match(r"console listening on (http://\S+)", line)
            if m:
                base = m.group(1)
                break
        results = {"cli": [], "console": [], "watched": []}
        for i in range(a.runs):
            for conf in results:
                t0 = time.monotonic()
                if conf == "cli":
                    out = subprocess.run([EXE, "run", os.path.join(ROOT, "scenarios", SCENARIO), "--json", "--db", os.path.join(work, "cli.db"),
                                          "--out", os.path.join(work, f"cli-{i}")], cwd=work, capture_output=True, text=True, check=True)
                    outside = time.monotonic() - t0
                    summary = json.loads(out.stdout.strip().splitlines()[-1])
                else:
                    run_id = post(f"{base}/api/runs", {"scenario": SCENARIO})["runId"]
                    page = chromium(f"{base}/runs/{run_id}", os.path.join(work, f"profile-{i}")) if conf == "watched" else None
                    try:
                        status = wait_completed(base, run_id)
                    finally:
                        if page:
                            page.terminate()
                            page.wait()
                    outside = time.monotonic() - t0
                    if status != "completed":
                        raise SystemExit(f"{conf} run {run_id} ended {status}")
                    summary = json.load(open(os.path.join(work, "runs", run_id, "summary.json")))
                results[conf].append((summary["wallSeconds"], outside, summary["digest"]))
                print(f"run {i + 1} {conf:8s} wallSeconds {summary['wallSeconds']:7.2f}  start→completed {outside:7.2f} s  digest {summary['digest'][:12]}", flush=True)
        if a.runs == 0:
            # Only the list part: one short run of the default scenario to copy (its 93 KB scenario text travels with every row).
            subprocess.run([EXE, "run", os.path.join(ROOT, "scenarios", SCENARIO), "--until", "10min", "--executor", "sequential", "--no-report",
                            "--json", "--db", db], cwd=work, capture_output=True, text=True, check=True)
        print("\nmedians of", a.runs)
        for conf, rs in (results.items() if a.runs else []):
            print(f"  {conf:8s} wallSeconds {statistics.median(r[0] for r in rs):7.2f}  start→completed {statistics.median(r[1] for r in rs):7.2f}")
        digests = {r[2] for rs in results.values() for r in rs}
        if a.runs:
            print("  digests:", "identical" if len(digests) == 1 else f"DIFFER {digests}")

        # Runs list with N runs: copy the first console run's row N times.
        con = sqlite3.connect(db)
        row = con.execute("SELECT * FROM gridactors_runs ORDER BY created LIMIT 1").fetchone()
        cols = [d[0] for d in con.execute("SELECT * FROM gridactors_runs LIMIT 0").description]
        have = con.execute("SELECT COUNT(*) FROM gridactors_runs").fetchone()[0]
        rows = []
        for k in range(a.list - have):
            r = list(row)
            r[0] = f"{row[0]}-copy{k:04d}"
            r[cols.index("created")] = f"2026-01-01T00:00:{k % 60:02d}.{k:07d}Z"
            r[cols.index("owner")] = None
            rows.append(r)
        con.executemany(f"INSERT INTO gridactors_runs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
        con.commit()
        n = con.execute("SELECT COUNT(*) FROM gridactors_runs").fetchone()[0]
        con.close()

        def curl(path):
            out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{time_starttransfer} %{time_total} %{size_download}", base + path],
                                 capture_output=True, text=True, check=True).stdout.split()
            return float(out[0]), float(out[1]), int(out[2])
        for path in ["/", "/api/runs"]:
            curl(path)  # warm
            ms = [curl(path) for _ in range(7)]
            print(f"\n{n} runs, GET {path}: first byte {statistics.median(m[0] for m in ms) * 1000:.0f} ms, "
                  f"total {statistics.median(m[1] for m in ms) * 1000:.0f} ms, {ms[0][2] / 1024:.0f} KiB (medians of 7)")

        def timing(path, repeats=5):
            out = subprocess.run(["node", "--experimental-websocket", os.path.join(ROOT, "tools", "page_timing.mjs"), base + path, str(repeats)],
                                 capture_output=True, text=True, check=True).stdout
            loads = [json.loads(l) for l in out.splitlines() if l.startswith("{")][1:]  # the first load warms the browser's caches
            return {k: statistics.median(x[k] for x in loads) for k in ("responseEnd", "domContentLoaded", "load", "painted", "bytes", "rows")}
        for path in ["/", "/?limit=0", "/launch"]:
            t = timing(path)
            print(f"Chromium {path}: {t['rows']:.0f} rows, {t['bytes'] / 1024:.0f} KiB, response end {t['responseEnd']:.0f} ms, DOMContentLoaded "
                  f"{t['domContentLoaded']:.0f} ms, load {t['load']:.0f} ms, painted {t['painted']:.0f} ms (medians of 4 loads in fresh tabs)")
    finally:
        console.terminate()
        console.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
