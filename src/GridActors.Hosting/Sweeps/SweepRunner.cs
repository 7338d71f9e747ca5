using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GridActors.Hosting.Cluster;
using GridActors.Model.SupplyChain;
using GridActors.Reports.Format;
using GridActors.Scenarios;

namespace GridActors.Hosting.Sweeps;

/// <summary>What a contingency sweep runs: the scenario file, which kinds of component to take out (entity kind names:
/// plant, link, hub, cable, landing-station, segment), how many cases at a time, where to write, and optional overrides of every
/// run's horizon and seed. <paramref name="Contingency"/>: <c>n-1</c> (one component out per run) or <c>n-2</c> (two);
/// <paramref name="Top"/> (N−2 only): pair only the K highest-ranked components of an N−1 sweep run first (null: all pairs).</summary>
public sealed record SweepOptions(string File, IReadOnlyList<string> Kinds, int Parallel, string? Out, string? Until, ulong? Seed,
    string Contingency = SweepRunner.N1, int? Top = null);

/// <summary>One component taken out for the whole horizon: the fault that does it and its target.</summary>
public sealed record SweepOutage(string Fault, string Target);

/// <summary>One case of a sweep: the base case (no outage), one component out (N−1) or two (N−2), for the whole horizon.
/// <see cref="Kind"/> and <see cref="Target"/> name them (joined by '+' for a pair).</summary>
public sealed record SweepCase(string Name, IReadOnlyList<SweepOutage> Outages)
{
    public SweepCase(string name, string? kind, string? target) : this(name, kind is null || target is null ? [] : [new SweepOutage(kind, target)]) { }

    public string? Kind => Outages.Count == 0 ? null : string.Join("+", Outages.Select(o => o.Fault));
    public string? Target => Outages.Count == 0 ? null : string.Join("+", Outages.Select(o => o.Target));
}

/// <summary>A finished case: its summary (what <c>run --json</c> printed), run folder and wall time.</summary>
public sealed record SweepOutcome(SweepCase Case, SummaryFile Summary, string RunDir, double WallSeconds);

/// <summary>One component's place in the ranking (see <see cref="SweepRanking"/>).</summary>
public sealed record SweepRow(int Rank, string Kind, string Component, double Score, double TokensLost, double TokensLostShare, double SloBase, double Slo,
    double SloChange, double MaxP99Change, string MaxP99Region, double CurtailedChange, double CostChange, string Digest, string RunDir,
    List<(string Region, double Base, double P99)> Regions)
{
    public Dictionary<string, object?> Json() => new()
    {
        ["rank"] = Rank, ["kind"] = Kind, ["component"] = Component, ["impactScore"] = Math.Round(Score, 6), ["tokensLost"] = TokensLost,
        ["tokensLostShare"] = Math.Round(TokensLostShare, 6), ["sloViolationRateChange"] = Math.Round(SloChange, 6),
        ["maxP99ChangeMs"] = Math.Round(MaxP99Change, 2), ["maxP99Region"] = MaxP99Region, ["curtailedMWhChange"] = Math.Round(CurtailedChange, 3),
        ["costPerMillionTokensChangeUsd"] = Math.Round(CostChange, 6), ["digest"] = Digest,
    };
}

/// <summary>A sweep's result: the ranking, where it was written, and how long it took.</summary>
public sealed record SweepResult(string Scenario, string Out, int Runs, int Parallel, double WallSeconds, double MedianRunWallSeconds, double BaseWallSeconds,
    IReadOnlyList<SweepRow> Ranking, string? Report)
{
    /// <summary>n-1 or n-2, and for n-2 the K of <c>--top</c> (null: all pairs).</summary>
    public string Contingency { get; init; } = SweepRunner.N1;
    public int? Top { get; init; }

    public Dictionary<string, object?> Json() => new()
    {
        ["scenario"] = Scenario, ["contingency"] = Contingency, ["top"] = Top, ["out"] = Out, ["runs"] = Runs, ["parallel"] = Parallel, ["wallSeconds"] = Math.Round(WallSeconds, 2),
        ["medianRunWallSeconds"] = Math.Round(MedianRunWallSeconds, 3), ["baseWallSeconds"] = Math.Round(BaseWallSeconds, 3),
        ["ranking"] = Ranking.Select(r => r.Json()).ToArray(),
    };
}

/// <summary>
/// Contingency sweeps. N−1: the base case plus one run per single component taken out for the whole horizon (<c>run --outage</c>);
/// N−2: the base case plus one run per pair of components (all pairs, or with <c>--top K</c> an N−1 sweep first and then the
/// pairs among its K highest-ranked components, its ranking kept as sweep-n1.csv). Each run in its own worker process, K at a
/// time; then the cases ranked by impact (<see cref="SweepRanking"/>), written as sweep.csv, sweep-regions.csv, sweep.json and
/// report.html in the output folder.
/// </summary>
public static class SweepRunner
{
    public const string N1 = "n-1", N2 = "n-2";

    /// <summary>The entity kinds a component of which can be taken out (a fault targets it alone), from the entity-kind table.</summary>
    public static IReadOnlyList<EntityKind> Kinds { get; } = [.. EntityKinds.All.Where(k => Outage(k.Name) is not null)];

    /// <summary>The fault that takes one entity of kind <paramref name="kind"/> out, or null for kinds no such fault targets.</summary>
    public static FaultKindInfo? Outage(string kind) => EntityKinds.ByName(kind)?.Faults.FirstOrDefault(f => !f.TargetsAll);

    public static async Task<SweepResult> RunAsync(SweepOptions o, Action<string> log, CancellationToken cancellation)
    {
        Scenario scenario;
        try { scenario = ScenarioLoader.LoadFile(o.File); }
        catch (ScenarioException ex) { throw new UserInputException(string.Join(Environment.NewLine, ex.Errors)); }
        if (o.Contingency is not (N1 or N2)) throw new UserInputException($"--contingency must be {N1} or {N2}; got '{o.Contingency}'");
        if (o.Top is not null && o.Contingency != N2) throw new UserInputException("--top applies to --contingency n-2 only");
        if (o.Top is < 2) throw new UserInputException("--top must be at least 2 (a pair needs two components)");
        var spec = scenario.Spec;
        var singles = new List<SweepOutage>();
        foreach (var kind in o.Kinds.Distinct())
        {
            var fault = Outage(kind)?.Name ?? throw new UserInputException($"--kinds: unknown kind '{kind}' (expected {string.Join(", ", Kinds.Select(k => k.Name))})");
            singles.AddRange(EntityKinds.ByName(kind)!.Ids(spec).Select(id => new SweepOutage(fault, id)));
        }
        string dir = o.Out ?? Path.Combine("runs", $"sweep-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{spec.Name}");
        Directory.CreateDirectory(Path.Combine(dir, "runs"));
        string db = Path.Combine(dir, "sweep.db");
        new Persistence.RunRegistry(Stores.Resolve(db, null, create: true)).EnsureSchema(); // once, before K processes open it
        var clock = Stopwatch.StartNew();
        var baseCase = new SweepCase("base", null, null);
        static string NameOf(SweepOutage x) => $"{x.Fault}-{x.Target}";
        var singleCases = singles.Select(x => new SweepCase(NameOf(x), [x])).ToList();
        List<SweepOutcome> outcomes;
        List<SweepRow> ranking;
        if (o.Contingency == N1)
        {
            log($"sweep of {scenario.Path}: base case + {singleCases.Count} single outages ({string.Join(",", o.Kinds.Distinct())}), {o.Parallel} at a time → {dir}");
            outcomes = await RunAll([baseCase, .. singleCases], o, scenario.Path, dir, db, log, cancellation).ConfigureAwait(false);
            ranking = SweepRanking.Rank(outcomes[0], outcomes.Skip(1).ToList());
        }
        else
        {
            var pool = singles;
            List<SweepOutcome> phase1 = [];
            if (o.Top is int k)
            {
                log($"sweep of {scenario.Path}, N−2 among the top {k}: first N−1, base case + {singleCases.Count} single outages ({string.Join(",", o.Kinds.Distinct())}), {o.Parallel} at a time → {dir}");
                phase1 = await RunAll([baseCase, .. singleCases], o, scenario.Path, dir, db, log, cancellation).ConfigureAwait(false);
                var n1 = SweepRanking.Rank(phase1[0], phase1.Skip(1).ToList());
                SweepRanking.WriteCsv(dir, n1, "sweep-n1");
                var byTarget = singles.ToDictionary(x => x.Fault + " " + x.Target);
                pool = [.. n1.Take(k).Select(r => byTarget[r.Kind + " " + r.Component])];
                log($"top {pool.Count} of the N−1 ranking: {string.Join(", ", pool.Select(x => x.Target))}");
            }
            var pairs = new List<SweepCase>();
            for (int i = 0; i < pool.Count; i++)
                for (int j = i + 1; j < pool.Count; j++)
                    pairs.Add(new SweepCase($"{NameOf(pool[i])}+{NameOf(pool[j])}", [pool[i], pool[j]]));
            log($"N−2: {(phase1.Count > 0 ? "" : "base case + ")}{pairs.Count} pairs of outages, {o.Parallel} at a time → {dir}");
            var second = await RunAll(phase1.Count > 0 ? pairs : [baseCase, .. pairs], o, scenario.Path, dir, db, log, cancellation).ConfigureAwait(false);
            outcomes = [.. phase1, .. second];
            ranking = SweepRanking.Rank(outcomes[0], phase1.Count > 0 ? second : second.Skip(1).ToList());
        }
        double wall = clock.Elapsed.TotalSeconds;
        SweepRanking.WriteCsv(dir, ranking);
        var runWalls = outcomes.Select(x => x.WallSeconds).Order().ToArray();
        string label = o.Contingency == N1 ? "N−1" : "N−2";
        string? report = RunReports.TryWrite(() => Reports.ReportBuilder.WriteSweepReport(dir, outcomes[0].RunDir, label), log);
        var result = new SweepResult(scenario.Path, dir, outcomes.Count, o.Parallel, wall, runWalls[runWalls.Length / 2], outcomes[0].WallSeconds, ranking, report)
        {
            Contingency = o.Contingency, Top = o.Top,
        };
        File.WriteAllText(Path.Combine(dir, "sweep.json"), JsonSerializer.Serialize(result.Json(), new JsonSerializerOptions { WriteIndented = true }));
        return result;
    }

    /// <summary>Runs <paramref name="cases"/> K at a time (the first is the base case when there is one), logging progress;
    /// throws when any failed.</summary>
    private static async Task<List<SweepOutcome>> RunAll(List<SweepCase> cases, SweepOptions o, string file, string dir, string db, Action<string> log, CancellationToken cancellation)
    {
        int total = cases.Count, done = 0;
        using var gate = new SemaphoreSlim(o.Parallel);
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(cases.Select(async c =>
        {
            await gate.WaitAsync(cancellation).ConfigureAwait(false);
            try
            {
                var outcome = await RunCase(c, o, file, dir, db, cancellation).ConfigureAwait(false);
                int n = Interlocked.Increment(ref done);
                lock (failures)
                {
                    if (outcome is null) failures.Add(c.Name);
                    double eta = n < total ? clock.Elapsed.TotalSeconds / n * (total - n) : 0;
                    log($"[{n}/{total}] {c.Name}: " + (outcome is null ? "FAILED" : $"{outcome.WallSeconds:0.0} s, {outcome.Summary.Tokens?.Served ?? 0:0.###e+0} tokens served")
                        + (n < total ? $" (about {eta:0} s to go)" : ""));
                }
                return outcome;
            }
            finally { gate.Release(); }
        })).ConfigureAwait(false);
        if (failures.Count > 0)
            throw new InvalidOperationException($"{failures.Count} of {total} runs failed ({string.Join(", ", failures.Take(5))}); their output is in {dir}/runs");
        return [.. outcomes.Select(x => x!)];
    }

    private static async Task<SweepOutcome?> RunCase(SweepCase c, SweepOptions o, string file, string dir, string db, CancellationToken cancellation)
    {
        string runDir = Path.Combine(dir, "runs", c.Name);
        var psi = SelfProcess.StartInfo();
        var args = new List<string> { "run", file, "--executor", "sequential", "--no-store", "--json", "--out", runDir, "--db", db };
        if (c.Name != "base") args.Add("--no-report");
        if (o.Until is not null) args.AddRange(["--until", o.Until]);
        if (o.Seed is ulong seed) args.AddRange(["--seed", seed.ToString(CultureInfo.InvariantCulture)]);
        foreach (var outage in c.Outages) args.AddRange(["--outage", $"{outage.Fault}:{outage.Target}"]);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start a run process");
        var stdout = p.StandardOutput.ReadToEndAsync(cancellation);
        var stderr = p.StandardError.ReadToEndAsync(cancellation);
        try
        {
            await p.WaitForExitAsync(cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        string output = await stdout.ConfigureAwait(false);
        string errors = await stderr.ConfigureAwait(false);
        if (p.ExitCode != 0)
        {
            File.WriteAllText(runDir + ".error.txt", $"exit {p.ExitCode}\n{errors}");
            return null;
        }
        var last = output.Trim().Split('\n').Last();
        var summary = JsonSerializer.Deserialize<SummaryFile>(last, RunFolderJson.Compact) ?? throw new InvalidDataException($"case {c.Name} printed no summary");
        return new SweepOutcome(c, summary, runDir, clock.Elapsed.TotalSeconds);
    }
}

/// <summary>
/// How a sweep ranks components. Impact = share of the base case's tokens lost + increase of the SLO violation rate + ¼ × the
/// worst relative p99 increase of any region (capped at 1): losing everything counts 1, missing every SLO counts 1, the worst
/// region's p99 doubling counts 0.25. Ties keep the order tokens lost, then component name.
/// </summary>
public static class SweepRanking
{
    public static List<SweepRow> Rank(SweepOutcome b, List<SweepOutcome> cases)
    {
        double Tokens(SummaryFile s) => s.Tokens?.Served ?? 0;
        double Slo(SummaryFile s) => s.SloViolationRate ?? 0;
        double Curtailed(SummaryFile s) => s.Energy?.CurtailedMWh ?? 0;
        double Cost(SummaryFile s) => s.CostPerMillionTokensUsd?.Total ?? 0;
        Dictionary<string, double> P99(SummaryFile s) => (s.LatencyMsByRegion ?? new Dictionary<string, Percentiles>()).ToDictionary(p => p.Key, p => p.Value.P99 ?? 0);
        var baseP99 = P99(b.Summary);
        double baseTokens = Tokens(b.Summary);
        var rows = cases.Select(o =>
        {
            var s = o.Summary;
            var p99 = P99(s);
            var regions = baseP99.Keys.Select(r => (r, baseP99[r], p99.GetValueOrDefault(r))).ToList();
            var worst = regions.OrderByDescending(x => x.Item3 - x.Item2).ThenBy(x => x.r, StringComparer.Ordinal).FirstOrDefault();
            double lost = baseTokens - Tokens(s);
            double share = baseTokens > 0 ? lost / baseTokens : 0;
            double slo = Slo(s) - Slo(b.Summary);
            double rel = worst.r is null || worst.Item2 <= 0 ? 0 : Math.Min(1, Math.Max(0, (worst.Item3 - worst.Item2) / worst.Item2));
            double score = Math.Max(0, share) + Math.Max(0, slo) + 0.25 * rel;
            return new SweepRow(0, o.Case.Kind!, o.Case.Target!, score, lost, share, Slo(b.Summary), Slo(s), slo, worst.r is null ? 0 : worst.Item3 - worst.Item2,
                worst.r ?? "", Curtailed(s) - Curtailed(b.Summary), Cost(s) - Cost(b.Summary), s.Digest ?? "", o.RunDir, regions);
        }).OrderByDescending(r => r.Score).ThenByDescending(r => r.TokensLost).ThenBy(r => r.Kind + " " + r.Component, StringComparer.Ordinal).ToList();
        return rows.Select((r, i) => r with { Rank = i + 1 }).ToList();
    }

    /// <summary>Writes <paramref name="name"/>.csv (the ranking) and <paramref name="name"/>-regions.csv (p99 by region) in <paramref name="dir"/>.</summary>
    public static void WriteCsv(string dir, List<SweepRow> ranking, string name = "sweep")
    {
        string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
        var sb = new StringBuilder("rank,kind,component,impact_score,tokens_lost,tokens_lost_share,slo_violation_rate_base,slo_violation_rate,slo_violation_rate_change,max_p99_change_ms,max_p99_region,curtailed_mwh_change,cost_per_m_tokens_change_usd,digest,run_dir\n");
        var regions = new StringBuilder("component,kind,region,p99_base_ms,p99_ms,p99_change_ms\n");
        foreach (var r in ranking)
        {
            sb.AppendJoin(',', r.Rank.ToString(CultureInfo.InvariantCulture), r.Kind, r.Component, F(r.Score), F(r.TokensLost), F(r.TokensLostShare), F(r.SloBase), F(r.Slo),
                F(r.SloChange), F(r.MaxP99Change), r.MaxP99Region, F(r.CurtailedChange), F(r.CostChange), r.Digest, Path.GetRelativePath(dir, r.RunDir)).Append('\n');
            foreach (var (region, p0, p1) in r.Regions)
                regions.AppendJoin(',', r.Component, r.Kind, region, F(p0), F(p1), F(p1 - p0)).Append('\n');
        }
        WriteAtomically(Path.Combine(dir, name + ".csv"), sb.ToString());
        WriteAtomically(Path.Combine(dir, name + "-regions.csv"), regions.ToString());
    }

    private static void WriteAtomically(string path, string text)
    {
        File.WriteAllText(path + ".partial", text);
        File.Move(path + ".partial", path, overwrite: true);
    }
}
