using System.ComponentModel;
using System.Text.Json;
using GridActors.Hosting;
using GridActors.Reports;
using GridActors.Reports.Format;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridActors.Cli.Commands;

public sealed class ReportSettings : CommandSettings
{
    [CommandArgument(0, "<RUN>")]
    [Description("Run id (its folder runs/<RUN>) or a run folder.")]
    public string Run { get; init; } = "";

    [CommandOption("--out <FILE>")]
    [Description("Where to write the page (default: report.html in the run folder).")]
    public string? Out { get; init; }
}

/// <summary><c>gridactors report RUN</c>: (re)writes a run's self-contained report.html.</summary>
public sealed class ReportCommand : Command<ReportSettings>
{
    public override int Execute(CommandContext context, ReportSettings s, CancellationToken cancellation)
    {
        // A folder that is not a complete run folder is a ReportException: the app reports it as bad input (exit 2).
        Console.Out.WriteLine(ReportBuilder.WriteRunReport(RunReports.Folder(s.Run), s.Out));
        return 0;
    }
}

public sealed class CompareSettings : CommandSettings
{
    [CommandArgument(0, "<RUN_A>")]
    [Description("First run: id or folder.")]
    public string RunA { get; init; } = "";

    [CommandArgument(1, "<RUN_B>")]
    [Description("Second run: id or folder.")]
    public string RunB { get; init; } = "";

    [CommandOption("--out <FILE>")]
    [Description("Where to write the page (default runs/compare-<A>-vs-<B>.html).")]
    public string? Out { get; init; }

    [CommandOption("--json")]
    [Description("Print one JSON object instead of writing the page: the cost waterfall (costPerMillionTokens {a, b}, ratio, basis, factors) and figures (curtailment absorbed, grid carbon, carbon and cost per M tokens, tokens, batch accounts of A and B).")]
    public bool Json { get; init; }

    public override ValidationResult Validate() =>
        Json && Out is not null ? ValidationResult.Error("--json prints to stdout and writes no page: it excludes --out") : ValidationResult.Success();
}

/// <summary><c>gridactors compare RUN_A RUN_B</c>: both runs side by side, with the differences, the cost ratio and its waterfall;
/// with <c>--json</c> the waterfall alone on stdout.</summary>
public sealed class CompareCommand : Command<CompareSettings>
{
    public override int Execute(CommandContext context, CompareSettings s, CancellationToken cancellation)
    {
        var a = RunReports.Folder(s.RunA);
        var b = RunReports.Folder(s.RunB);
        if (s.Json)
        {
            // A run without cost drivers is a ReportException: bad input (exit 2), with the run and the reason.
            var w = ReportBuilder.CostWaterfallOf(a, b);
            Console.Out.WriteLine(JsonSerializer.Serialize(new WaterfallOutput(new CostPair(w.CostA, w.CostB), w.Ratio, w.Basis,
                [.. w.Steps.Select(x => new FactorOutput(x.Name, x.A, x.B, x.Factor, x.Cumulative))], ReportBuilder.FiguresOf(a, b)), RunFolderJson.Compact));
            return 0;
        }
        string Name(string d) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(d)));
        var outFile = s.Out ?? Path.Combine("runs", $"compare-{Name(a)}-vs-{Name(b)}.html");
        var folder = Path.GetDirectoryName(Path.GetFullPath(outFile));
        if (folder is not null) Directory.CreateDirectory(folder);
        Console.Out.WriteLine(ReportBuilder.WriteComparison(a, b, outFile));
        return 0;
    }
}

/// <summary>A's and B's cost per million billed tokens (USD, from their cost drivers).</summary>
public sealed record CostPair(double A, double B);

/// <summary>One factor of the waterfall: the driver in A and B, its factor and the product of the factors up to it.</summary>
public sealed record FactorOutput(string Name, double A, double B, double Factor, double Cumulative);

/// <summary><c>compare --json</c>: the factors multiply to <see cref="Ratio"/>, B ÷ A of the cost per token (<see cref="Basis"/>
/// "cost") or, when a run has list prices, of the price per token ("price");
/// <see cref="Figures"/>: curtailment absorbed, grid emissions, carbon and cost per token, batch accounts of A and B.</summary>
public sealed record WaterfallOutput(CostPair CostPerMillionTokens, double Ratio, string Basis, IReadOnlyList<FactorOutput> Factors, ComparisonFigures Figures);
