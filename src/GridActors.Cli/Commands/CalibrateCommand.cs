using System.ComponentModel;
using System.Text.Json;
using GridActors.Hosting;
using GridActors.Hosting.Runs;
using GridActors.Model.SupplyChain;
using GridActors.Reports.Format;
using GridActors.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridActors.Cli.Commands;

public sealed class CalibrateSettings : CommandSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("Scenario file (YAML) with a calibration: section.")]
    public string File { get; init; } = "";

    [CommandOption("--seed <N>")]
    [Description("Run seed (overrides the file's time.seed).")]
    public ulong? Seed { get; init; }

    [CommandOption("--seeds <LIST>")]
    [Description("Run several seeds, e.g. 1-8 or 1,3,10-12, and judge each target on the mean of its values (the table shows the range and how many seeds were in the band). Not with --seed or --out.")]
    public string? Seeds { get; init; }

    [CommandOption("--parallel <N>")]
    [Description("With --seeds: runs at once (default 1).")]
    public int Parallel { get; init; } = 1;

    [CommandOption("--until <DURATION>")]
    [Description("Simulated duration, e.g. 6h (overrides the file's time.horizon).")]
    public string? Until { get; init; }

    [CommandOption("--json")]
    [Description("Print one JSON object: scenario, seed, simulatedSeconds, digest, passed, missed and calibration (each target with value, band, pass and source).")]
    public bool Json { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Also write the run folder (summary.json, series, report.html) to DIR; without it nothing is written.")]
    public string? Out { get; init; }

    [CommandOption("--no-report")]
    [Description("With --out: do not write report.html.")]
    public bool NoReport { get; init; }

    public override ValidationResult Validate()
    {
        if (Until is not null && !Quantity.TryParseDuration(Durations.WithSpace(Until), out _, out var error))
            return ValidationResult.Error("--until: " + error);
        if (NoReport && Out is null) return ValidationResult.Error("--no-report needs --out (without it nothing is written)");
        if (Seeds is not null)
        {
            if (Seed is not null) return ValidationResult.Error("--seeds and --seed do not go together");
            if (Out is not null) return ValidationResult.Error("--seeds writes no run folder: leave out --out (calibrate one seed with --out to see its run)");
            if (!CalibrationService.TryParseSeeds(Seeds, out _, out var seedsError)) return ValidationResult.Error("--seeds: " + seedsError);
        }
        if (Parallel < 1 || Parallel > 64) return ValidationResult.Error($"--parallel must be between 1 and 64, got {Parallel}");
        return ValidationResult.Success();
    }
}

/// <summary>
/// <c>gridactors calibrate FILE</c>: runs the scenario on the sequential executor (no store; nothing written without
/// <c>--out</c>) and checks its calibration targets. Exit 0 when every target is within its band, 5 when any misses (each
/// listed on stderr), 1 on bad input, 3 if a conservation invariant fails.
/// </summary>
public sealed class CalibrateCommand : AsyncCommand<CalibrateSettings>
{
    public const int Missed = 5;

    /// <summary>What <c>--json</c> prints.</summary>
    public sealed record Output(string Scenario, string ScenarioHash, ulong Seed, double SimulatedSeconds, string Digest, bool Passed,
        IReadOnlyList<string> Missed, IReadOnlyList<CalibrationInfo> Calibration);

    /// <summary>What <c>--seeds … --json</c> prints.</summary>
    public sealed record SeedsOutput(string Scenario, string ScenarioHash, IReadOnlyList<ulong> Seeds, double SimulatedSeconds, IReadOnlyList<string> Digests,
        bool Passed, IReadOnlyList<string> Missed, IReadOnlyList<SeedsCalibrationInfo> Calibration);

    public override async Task<int> ExecuteAsync(CommandContext context, CalibrateSettings settings, CancellationToken cancellation)
    {
        var scenario = ScenarioCli.Load(settings.File);
        if (scenario is null) return 1;
        if (settings.Seeds is not null) return await Seeds(settings, scenario, cancellation).ConfigureAwait(false);
        var request = new CalibrationRequest(scenario, settings.Seed ?? scenario.Seed, settings.Until is null ? scenario.HorizonMicros : Durations.Parse("--until", settings.Until))
        {
            OutDir = settings.Out,
            Report = !settings.NoReport,
        };
        var observer = new ConsoleRunObserver(request.HorizonMicros, 1, settings.Json);
        var outcome = await CalibrationService.RunAsync(request, observer.Progress, observer.Log, cancellation).ConfigureAwait(false);
        observer.Finish();

        var missed = outcome.Missed;
        if (settings.Json)
            Console.Out.WriteLine(JsonSerializer.Serialize(new Output(scenario.Path, scenario.Hash, request.Seed, outcome.Result.End.TotalSeconds, outcome.Result.Digest,
                missed.Count == 0, [.. missed.Select(m => m.Id)], outcome.Targets), RunFolderJson.Compact));
        else
            Print(settings.File, outcome);

        if (outcome.Targets.Count == 0) Console.Error.WriteLine($"{settings.File} has no calibration targets (no calibration: section): nothing to check");
        foreach (var m in missed)
            Console.Error.WriteLine($"MISS {m.Id}: {m.Metric} ({m.Scope}) = {Value(m)}, band {Band(m)} (source: {m.Source})");
        if (!outcome.Conserved)
        {
            Console.Error.WriteLine("error: " + (outcome.Summary.EnergyImbalance ?? outcome.Summary.RequestImbalance ?? "a conservation invariant failed"));
            return 3;
        }
        return missed.Count > 0 ? Missed : 0;
    }

    private static async Task<int> Seeds(CalibrateSettings settings, Scenario scenario, CancellationToken cancellation)
    {
        CalibrationService.TryParseSeeds(settings.Seeds!, out var seeds, out _);
        long horizon = settings.Until is null ? scenario.HorizonMicros : Durations.Parse("--until", settings.Until);
        var outcomes = await CalibrationService.RunSeedsAsync(scenario, seeds, horizon, settings.Parallel,
            (seed, o) => { if (!settings.Json) Console.Error.WriteLine($"seed {seed}: {o.Targets.Count - o.Missed.Count} of {o.Targets.Count} targets met ({o.WallSeconds:0.0} s)"); },
            _ => { }, cancellation).ConfigureAwait(false);
        var targets = CalibrationService.Aggregate(outcomes);
        var missed = targets.Where(t => !t.Pass).ToList();
        if (settings.Json)
            Console.Out.WriteLine(JsonSerializer.Serialize(new SeedsOutput(scenario.Path, scenario.Hash, seeds, horizon / 1e6, [.. outcomes.Select(o => o.Result.Digest)],
                missed.Count == 0, [.. missed.Select(m => m.Id)], targets), RunFolderJson.Compact));
        else
        {
            var t = new Table().AddColumn("target").AddColumn("metric").AddColumn("scope").AddColumn(new TableColumn("mean").RightAligned())
                .AddColumn(new TableColumn("range").RightAligned()).AddColumn("band").AddColumn(new TableColumn("seeds in band").RightAligned()).AddColumn("result").AddColumn("source");
            foreach (var c in targets)
                t.AddRow(Markup.Escape(c.Id), Markup.Escape(c.Metric), Markup.Escape(c.Scope), Markup.Escape(Format(c.Metric, c.Mean, "–")),
                    Markup.Escape($"{Format(c.Metric, c.Min, "–")} – {Format(c.Metric, c.Max, "–")}"), Markup.Escape(Band(c.Metric, c.Low, c.High)),
                    $"{c.SeedsPassed} of {seeds.Count}", c.Pass ? "pass" : "MISS", Markup.Escape(c.Source));
            if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 220);
            if (targets.Count > 0) AnsiConsole.Write(t);
            Console.Out.WriteLine($"{settings.File}: {targets.Count - missed.Count} of {targets.Count} calibration targets met on the mean of {seeds.Count} seeds ({horizon / 3.6e9:0.##} simulated h each, sequential, {outcomes.Sum(o => o.WallSeconds):0.0} s of runs)");
        }
        if (targets.Count == 0) Console.Error.WriteLine($"{settings.File} has no calibration targets (no calibration: section): nothing to check");
        foreach (var m in missed)
            Console.Error.WriteLine($"MISS {m.Id}: {m.Metric} ({m.Scope}) mean = {Format(m.Metric, m.Mean, "no value on some seed")}, band {Band(m.Metric, m.Low, m.High)} ({m.SeedsPassed} of {seeds.Count} seeds in band; source: {m.Source})");
        var broken = outcomes.Select((o, i) => (o, seed: seeds[i])).FirstOrDefault(x => !x.o.Conserved);
        if (broken.o is not null)
        {
            Console.Error.WriteLine($"error: seed {broken.seed}: " + (broken.o.Summary.EnergyImbalance ?? broken.o.Summary.RequestImbalance ?? "a conservation invariant failed"));
            return 3;
        }
        return missed.Count > 0 ? Missed : 0;
    }

    /// <summary>A value of <paramref name="metric"/> in its unit, or <paramref name="none"/>.</summary>
    private static string Format(string metric, double? value, string none) =>
        value is not double v ? none : Calibration.Metric(metric)?.Format(v) ?? v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    private static string Band(string metric, double? low, double? high) => Calibration.Metric(metric)?.Band(low, high) ?? $"[{low}, {high}]";

    private static string Value(CalibrationInfo c) => Format(c.Metric, c.Value, "no value (nothing to compute it from)");

    private static string Band(CalibrationInfo c) => Band(c.Metric, c.Low, c.High);

    private static void Print(string file, CalibrationOutcome o)
    {
        var t = new Table().AddColumn("target").AddColumn("metric").AddColumn("scope").AddColumn(new TableColumn("model").RightAligned())
            .AddColumn("band").AddColumn("result").AddColumn("source");
        foreach (var c in o.Targets)
            t.AddRow(Markup.Escape(c.Id), Markup.Escape(c.Metric), Markup.Escape(c.Scope), Markup.Escape(Value(c)), Markup.Escape(Band(c)),
                c.Pass ? "pass" : "MISS", Markup.Escape(c.Source));
        // Redirected output has no terminal width (Spectre assumes 80 columns and wraps every cell): give the table room.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
        if (o.Targets.Count > 0) AnsiConsole.Write(t);
        int met = o.Targets.Count - o.Missed.Count;
        Console.Out.WriteLine($"{file}: {met} of {o.Targets.Count} calibration targets met ({o.Result.End.TotalSeconds / 3600:0.##} simulated h, seed {o.SummaryFile.Seed}, sequential, {o.WallSeconds:0.0} s)");
        Console.Out.WriteLine("digest " + o.Result.Digest);
        if (o.OutDir is not null) Console.Out.WriteLine("run folder " + o.OutDir);
        if (o.ReportPath is not null) Console.Out.WriteLine("report " + o.ReportPath);
    }
}
