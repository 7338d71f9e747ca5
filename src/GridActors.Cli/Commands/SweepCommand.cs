using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GridActors.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridActors.Cli.Commands;

public sealed class SweepSettings : CommandSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("Scenario file (YAML).")]
    public string File { get; init; } = "";

    [CommandOption("--contingency <KIND>")]
    [Description("Contingency set: n-1 (one run per single component out for the whole horizon).")]
    public string? Contingency { get; init; }

    [CommandOption("--kinds <LIST>")]
    [Description("Components to take out, comma-separated: cable, link, hub, plant.")]
    [DefaultValue("cable,link,hub,plant")]
    public string Kinds { get; init; } = "cable,link,hub,plant";

    [CommandOption("--parallel <K>")]
    [Description("Runs at a time, each in its own worker process (default: the number of cores).")]
    public int? Parallel { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Output folder (default runs/sweep-<time>-<scenario>): sweep.csv, sweep-regions.csv, report.html, one run folder per case.")]
    public string? Out { get; init; }

    [CommandOption("--until <DURATION>")]
    [Description("Simulated duration of every run (default: the file's horizon).")]
    public string? Until { get; init; }

    [CommandOption("--seed <N>")]
    [Description("Seed of every run (default: the file's).")]
    public ulong? Seed { get; init; }

    [CommandOption("--json")]
    [Description("Print the ranking as JSON on stdout.")]
    public bool Json { get; init; }

    public static readonly Dictionary<string, string> KindNames = new()
    {
        ["cable"] = "cable-cut", ["link"] = "link-trip", ["hub"] = "hub-failure", ["plant"] = "plant-outage",
    };

    public override ValidationResult Validate()
    {
        if (Contingency is null) return ValidationResult.Error("--contingency is required (n-1)");
        if (Contingency != "n-1") return ValidationResult.Error($"--contingency must be n-1; got '{Contingency}'");
        foreach (var k in Kinds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            if (!KindNames.ContainsKey(k)) return ValidationResult.Error($"--kinds: unknown kind '{k}' (expected cable, link, hub, plant)");
        if (Kinds.Split(',', StringSplitOptions.RemoveEmptyEntries).Length == 0) return ValidationResult.Error("--kinds names no kind");
        if (Parallel is < 1) return ValidationResult.Error("--parallel must be at least 1");
        if (Until is not null && !Quantity.TryParseDuration(RunSettingsCli.InsertSpace(Until), out _, out var e)) return ValidationResult.Error("--until: " + e);
        return ValidationResult.Success();
    }
}

/// <summary>
/// <c>gridactors sweep FILE --contingency n-1</c>: the base case plus one run per single component taken out for the
/// whole horizon (<c>run --outage</c>), K worker processes at a time; then ranks the components by their impact.
/// </summary>
public sealed class SweepCommand : AsyncCommand<SweepSettings>
{
    private sealed record Case(string Name, string? Kind, string? Target);

    private sealed record Outcome(Case Case, JsonElement Summary, string RunDir, double WallSeconds);

    public override async Task<int> ExecuteAsync(CommandContext context, SweepSettings s, CancellationToken cancellation)
    {
        var scenario = ScenarioCli.Load(s.File);
        if (scenario is null) return 1;
        var spec = scenario.Spec;
        var cases = new List<Case> { new("base", null, null) };
        foreach (var k in s.Kinds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct())
        {
            var ids = k switch
            {
                "cable" => spec.Cables.Select(c => c.Id), "link" => spec.Links.Select(l => l.Id),
                "hub" => spec.Hubs.Select(h => h.Id), _ => spec.Plants.Select(p => p.Id),
            };
            cases.AddRange(ids.Select(id => new Case($"{SweepSettings.KindNames[k]}-{id}", SweepSettings.KindNames[k], id)));
        }
        string dir = s.Out ?? Path.Combine("runs", $"sweep-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{spec.Name}");
        Directory.CreateDirectory(Path.Combine(dir, "runs"));
        string db = Path.Combine(dir, "sweep.db");
        new GridActors.Persistence.RunRegistry(StoreOptions.Resolve(db, null, create: true)).EnsureSchema(); // once, before K processes open it
        int parallel = s.Parallel ?? Environment.ProcessorCount;
        int total = cases.Count, done = 0;
        Console.Error.WriteLine($"sweep of {scenario.Path}: base case + {total - 1} single outages ({s.Kinds}), {parallel} at a time → {dir}");

        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(parallel);
        var failures = new List<string>();
        var outcomes = await Task.WhenAll(cases.Select(async c =>
        {
            await gate.WaitAsync(cancellation).ConfigureAwait(false);
            try
            {
                var o = await RunCase(c, s, scenario.Path, dir, db, cancellation).ConfigureAwait(false);
                int n = Interlocked.Increment(ref done);
                lock (failures)
                {
                    if (o is null) failures.Add(c.Name);
                    Console.Error.WriteLine($"[{n}/{total}] {c.Name}: " + (o is null ? "FAILED" : $"{o.WallSeconds:0.0} s, {o.Summary.GetProperty("tokens").GetProperty("served").GetDouble():0.###e+0} tokens served"));
                }
                return o;
            }
            finally { gate.Release(); }
        })).ConfigureAwait(false);
        double wall = clock.Elapsed.TotalSeconds;
        if (failures.Count > 0)
            throw new InvalidOperationException($"{failures.Count} of {total} runs failed ({string.Join(", ", failures.Take(5))}); their output is in {dir}/runs");

        var ranking = Rank(outcomes[0]!, outcomes.Skip(1).Select(o => o!).ToList());
        WriteCsv(dir, ranking);
        var runWalls = outcomes.Select(o => o!.WallSeconds).Order().ToArray();
        var result = new Dictionary<string, object?>
        {
            ["scenario"] = scenario.Path, ["out"] = dir, ["runs"] = total, ["parallel"] = parallel, ["wallSeconds"] = Math.Round(wall, 2),
            ["medianRunWallSeconds"] = Math.Round(runWalls[runWalls.Length / 2], 3), ["baseWallSeconds"] = Math.Round(outcomes[0]!.WallSeconds, 3),
            ["ranking"] = ranking.Select(r => r.Json()).ToArray(),
        };
        File.WriteAllText(Path.Combine(dir, "sweep.json"), JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        string? report = SweepReport(dir, outcomes[0]!.RunDir);
        if (s.Json) Console.Out.WriteLine(JsonSerializer.Serialize(result));
        else
        {
            var t = new Table().AddColumn("#").AddColumn("component").AddColumn(new TableColumn("impact").RightAligned())
                .AddColumn(new TableColumn("tokens lost").RightAligned()).AddColumn(new TableColumn("Δ SLO violations").RightAligned())
                .AddColumn(new TableColumn("worst Δ p99").RightAligned()).AddColumn(new TableColumn("Δ curtailed MWh").RightAligned())
                .AddColumn(new TableColumn("Δ USD/M tokens").RightAligned());
            foreach (var r in ranking.Take(15))
                t.AddRow(r.Rank.ToString(CultureInfo.InvariantCulture), Markup.Escape($"{r.Kind} {r.Component}"), r.Score.ToString("0.0000", CultureInfo.InvariantCulture),
                    r.TokensLostShare.ToString("P2", CultureInfo.InvariantCulture), r.SloChange.ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture),
                    Markup.Escape($"{r.MaxP99Change:+0;-0} ms ({r.MaxP99Region})"), r.CurtailedChange.ToString("+0.0;-0.0", CultureInfo.InvariantCulture),
                    r.CostChange.ToString("+0.00000;-0.00000", CultureInfo.InvariantCulture));
            AnsiConsole.Write(t);
            Console.Out.WriteLine($"{total} runs in {wall:0.0} s with --parallel {parallel} (median run {result["medianRunWallSeconds"]} s); ranking in {Path.Combine(dir, "sweep.csv")}"
                + (report is null ? "" : $", report {report}"));
        }
        return 0;
    }

    private static string? SweepReport(string dir, string baseRunDir) =>
        RunReports.TryWrite(() => GridActors.Reports.ReportBuilder.WriteSweepReport(dir, baseRunDir), Console.Error.WriteLine);

    private static async Task<Outcome?> RunCase(Case c, SweepSettings s, string file, string dir, string db, CancellationToken cancellation)
    {
        string runDir = Path.Combine(dir, "runs", c.Name);
        var psi = SelfProcess.StartInfo();
        var args = new List<string> { "run", file, "--executor", "sequential", "--no-store", "--json", "--out", runDir, "--db", db };
        if (c.Name != "base") args.Add("--no-report");
        if (s.Until is not null) args.AddRange(["--until", s.Until]);
        if (s.Seed is ulong seed) args.AddRange(["--seed", seed.ToString(CultureInfo.InvariantCulture)]);
        if (c.Kind is not null) args.AddRange(["--outage", $"{c.Kind}:{c.Target}"]);
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
        return new Outcome(c, JsonDocument.Parse(last).RootElement.Clone(), runDir, clock.Elapsed.TotalSeconds);
    }

    private sealed record Row(int Rank, string Kind, string Component, double Score, double TokensLost, double TokensLostShare, double SloBase, double Slo,
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

    /// <summary>
    /// Impact = share of the base case's tokens lost + increase of the SLO violation rate + ¼ × the worst relative p99
    /// increase of any region (capped at 1): losing everything counts 1, missing every SLO counts 1, the worst region's
    /// p99 doubling counts 0.25. Ties keep the order tokens lost, then component name.
    /// </summary>
    private static List<Row> Rank(Outcome b, List<Outcome> cases)
    {
        double Tokens(JsonElement s) => s.GetProperty("tokens").GetProperty("served").GetDouble();
        double Slo(JsonElement s) => s.GetProperty("sloViolationRate").GetDouble();
        double Curtailed(JsonElement s) => s.GetProperty("energy").GetProperty("curtailedMWh").GetDouble();
        double Cost(JsonElement s) => s.GetProperty("costPerMillionTokensUsd").GetProperty("total").GetDouble();
        Dictionary<string, double> P99(JsonElement s) => s.GetProperty("latencyMsByRegion").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("p99").GetDouble());
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
            return new Row(0, o.Case.Kind!, o.Case.Target!, score, lost, share, Slo(b.Summary), Slo(s), slo, worst.r is null ? 0 : worst.Item3 - worst.Item2,
                worst.r ?? "", Curtailed(s) - Curtailed(b.Summary), Cost(s) - Cost(b.Summary), s.GetProperty("digest").GetString()!, o.RunDir, regions);
        }).OrderByDescending(r => r.Score).ThenByDescending(r => r.TokensLost).ThenBy(r => r.Kind + " " + r.Component, StringComparer.Ordinal).ToList();
        return rows.Select((r, i) => r with { Rank = i + 1 }).ToList();
    }

    private static void WriteCsv(string dir, List<Row> ranking)
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
        WriteAtomically(Path.Combine(dir, "sweep.csv"), sb.ToString());
        WriteAtomically(Path.Combine(dir, "sweep-regions.csv"), regions.ToString());
    }

    private static void WriteAtomically(string path, string text)
    {
        File.WriteAllText(path + ".partial", text);
        File.Move(path + ".partial", path, overwrite: true);
    }
}
