using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using GridActors.Reports.Format;
using GridActors.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridActors.Cli.Commands;

public sealed class TraceSynthSettings : CommandSettings
{
    [CommandOption("--out <FILE>")]
    [Description("Where to write the trace (CSV: TIMESTAMP,ContextTokens,GeneratedTokens); default: standard output.")]
    public string? Out { get; init; }

    [CommandOption("--rows <N>")]
    [Description("Requests in the trace.")]
    [DefaultValue(2000)]
    public int Rows { get; init; } = 2000;

    [CommandOption("--rate <PER_SECOND>")]
    [Description("Mean arrival rate, requests per second (Poisson arrivals).")]
    [DefaultValue(5.0)]
    public double Rate { get; init; } = 5.0;

    [CommandOption("--kind <KIND>")]
    [Description("conversation or code: whose prompt and output length medians and p90s the lognormal lengths match (Azure LLM inference trace 2023).")]
    [DefaultValue("conversation")]
    public string Kind { get; init; } = "conversation";

    [CommandOption("--seed <N>")]
    [Description("Seed of the generator's random streams: the same seed gives the same file.")]
    [DefaultValue(1UL)]
    public ulong Seed { get; init; } = 1;

    public override ValidationResult Validate()
    {
        if (Rows < 1) return ValidationResult.Error($"--rows must be at least 1, got {Rows}");
        if (!(Rate > 0) || !double.IsFinite(Rate)) return ValidationResult.Error($"--rate must be a positive number of requests per second, got {Rate.ToString(CultureInfo.InvariantCulture)}");
        if (!TraceSynth.TryParseKind(Kind, out _)) return ValidationResult.Error($"--kind must be conversation or code, got '{Kind}'");
        return ValidationResult.Success();
    }
}

/// <summary><c>gridactors trace synth</c>: a synthetic request trace (<see cref="TraceSynth"/>) in the Azure trace layout.</summary>
public sealed class TraceSynthCommand : Command<TraceSynthSettings>
{
    public override int Execute(CommandContext context, TraceSynthSettings settings, CancellationToken cancellation)
    {
        TraceSynth.TryParseKind(settings.Kind, out var kind);
        var trace = TraceSynth.Generate(kind, settings.Rows, settings.Rate, settings.Seed);
        if (settings.Out is null)
        {
            TraceFile.Write(Console.Out, trace);
            return 0;
        }
        var tmp = settings.Out + ".partial";
        using (var w = new StreamWriter(tmp)) TraceFile.Write(w, trace);
        File.Move(tmp, settings.Out, overwrite: true);
        Console.Error.WriteLine($"{settings.Out}: {TraceStatsCommand.Describe(trace.Stats)}");
        return 0;
    }
}

public sealed class TraceStatsSettings : CommandSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("Trace file (CSV: TIMESTAMP,ContextTokens,GeneratedTokens).")]
    public string File { get; init; } = "";

    [CommandOption("--json")]
    [Description("Print one JSON object: file, count, durationSeconds, meanRatePerSecond, context and generated (each with mean, median, p90, p99).")]
    public bool Json { get; init; }
}

/// <summary><c>gridactors trace stats FILE</c>: a trace's statistics, or every problem as FILE:LINE:COL: message (exit 1).</summary>
public sealed class TraceStatsCommand : Command<TraceStatsSettings>
{
    /// <summary>What <c>--json</c> prints.</summary>
    public sealed record Output(string File, int Count, double DurationSeconds, double MeanRatePerSecond, LengthStats Context, LengthStats Generated);

    public override int Execute(CommandContext context, TraceStatsSettings settings, CancellationToken cancellation)
    {
        Trace trace;
        try
        {
            trace = TraceFile.Load(settings.File);
        }
        catch (ScenarioException ex)
        {
            foreach (var e in ex.Errors) Console.Error.WriteLine(e.ToString());
            return 1;
        }
        var s = trace.Stats;
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new Output(settings.File, s.Count, s.DurationSeconds, s.MeanRatePerSecond, s.Context, s.Generated), RunFolderJson.Compact));
            return 0;
        }
        Console.Out.WriteLine($"{settings.File}: {Describe(s)}");
        Console.Out.WriteLine($"{"tokens",-10} {"mean",10} {"median",10} {"p90",10} {"p99",10}");
        Console.Out.WriteLine(Row("context", s.Context));
        Console.Out.WriteLine(Row("generated", s.Generated));
        return 0;
    }

    private static string N(double v, string format = "N0") => v.ToString(format, CultureInfo.InvariantCulture);

    private static string Row(string name, LengthStats l) =>
        $"{name,-10} {N(l.Mean, "N1"),10} {N(l.Median, "N1"),10} {N(l.P90, "N1"),10} {N(l.P99, "N1"),10}";

    /// <summary>One line: rows, duration and mean rate.</summary>
    public static string Describe(TraceStats s) =>
        $"{N(s.Count)} requests over {N(s.DurationSeconds, "N1")} s ({N(s.MeanRatePerSecond, "0.###")} per s)";
}
