using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using GridActors.Hosting;
using GridActors.Hosting.Sweeps;
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
    [Description("Contingency set: n-1 (one run per single component out for the whole horizon) or n-2 (one run per pair of components).")]
    public string? Contingency { get; init; }

    [CommandOption("--kinds <LIST>")]
    [Description("Components to take out, comma-separated: cable, landing-station, segment, link, hub, plant.")]
    [DefaultValue("cable,link,hub,plant")]
    public string Kinds { get; init; } = "cable,link,hub,plant";

    [CommandOption("--top <K>")]
    [Description("N−2 only: run an N−1 sweep first and pair only its K highest-ranked components (default: all pairs).")]
    public int? Top { get; init; }

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

    public override ValidationResult Validate()
    {
        if (Contingency is null) return ValidationResult.Error("--contingency is required (n-1 or n-2)");
        if (Contingency is not (SweepRunner.N1 or SweepRunner.N2)) return ValidationResult.Error($"--contingency must be n-1 or n-2; got '{Contingency}'");
        if (Top is not null && Contingency != SweepRunner.N2) return ValidationResult.Error("--top applies to --contingency n-2 only");
        if (Top is < 2) return ValidationResult.Error("--top must be at least 2 (a pair needs two components)");
        foreach (var k in Kinds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            if (SweepRunner.Outage(k) is null) return ValidationResult.Error($"--kinds: unknown kind '{k}' (expected {string.Join(", ", SweepRunner.Kinds.Select(x => x.Name))})");
        if (Kinds.Split(',', StringSplitOptions.RemoveEmptyEntries).Length == 0) return ValidationResult.Error("--kinds names no kind");
        if (Parallel is < 1) return ValidationResult.Error("--parallel must be at least 1");
        if (Until is not null && !Quantity.TryParseDuration(Durations.WithSpace(Until), out _, out var e)) return ValidationResult.Error("--until: " + e);
        return ValidationResult.Success();
    }
}

/// <summary>
/// <c>gridactors sweep FILE --contingency n-1|n-2 [--top K]</c>: the base case plus one run per single component (N−1) or pair
/// of components (N−2) taken out for the whole horizon, K worker processes at a time; then the cases ranked by their impact
/// (<see cref="SweepRanking"/>).
/// </summary>
public sealed class SweepCommand : AsyncCommand<SweepSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SweepSettings s, CancellationToken cancellation)
    {
        if (ScenarioCli.Load(s.File) is null) return 1; // every error, located, before anything is written
        var kinds = s.Kinds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        var result = await SweepRunner.RunAsync(new SweepOptions(s.File, kinds, s.Parallel ?? Environment.ProcessorCount, s.Out, s.Until, s.Seed, s.Contingency!, s.Top),
            Console.Error.WriteLine, cancellation).ConfigureAwait(false);
        if (s.Json) Console.Out.WriteLine(JsonSerializer.Serialize(result.Json()));
        else
        {
            var t = new Table().AddColumn("#").AddColumn("component").AddColumn(new TableColumn("impact").RightAligned())
                .AddColumn(new TableColumn("tokens lost").RightAligned()).AddColumn(new TableColumn("Δ SLO violations").RightAligned())
                .AddColumn(new TableColumn("worst Δ p99").RightAligned()).AddColumn(new TableColumn("Δ curtailed MWh").RightAligned())
                .AddColumn(new TableColumn("Δ USD/M tokens").RightAligned());
            foreach (var r in result.Ranking.Take(15))
                t.AddRow(r.Rank.ToString(CultureInfo.InvariantCulture), Markup.Escape($"{r.Kind} {r.Component}"), r.Score.ToString("0.0000", CultureInfo.InvariantCulture),
                    r.TokensLostShare.ToString("P2", CultureInfo.InvariantCulture), r.SloChange.ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture),
                    Markup.Escape($"{r.MaxP99Change:+0;-0} ms ({r.MaxP99Region})"), r.CurtailedChange.ToString("+0.0;-0.0", CultureInfo.InvariantCulture),
                    r.CostChange.ToString("+0.00000;-0.00000", CultureInfo.InvariantCulture));
            AnsiConsole.Write(t);
            Console.Out.WriteLine($"{result.Runs} runs in {result.WallSeconds:0.0} s with --parallel {result.Parallel} (median run {Math.Round(result.MedianRunWallSeconds, 3)} s); ranking in {Path.Combine(result.Out, "sweep.csv")}"
                + (result.Report is null ? "" : $", report {result.Report}"));
        }
        return 0;
    }
}
