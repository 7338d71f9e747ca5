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

    public override async Task<int> ExecuteAsync(CommandContext context, CalibrateSettings settings, CancellationToken cancellation)
    {
        var scenario = ScenarioCli.Load(settings.File);
        if (scenario is null) return 1;
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

    private static string Value(CalibrationInfo c) =>
        c.Value is not double v ? "no value (nothing to compute it from)" : Calibration.Metric(c.Metric)?.Format(v) ?? v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    private static string Band(CalibrationInfo c) => Calibration.Metric(c.Metric)?.Band(c.Low, c.High) ?? $"[{c.Low}, {c.High}]";

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
