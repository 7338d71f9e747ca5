using System.ComponentModel;
using GridActors.Hosting;
using GridActors.Reports;
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
}

/// <summary><c>gridactors compare RUN_A RUN_B</c>: both runs side by side, with the differences and the cost ratio.</summary>
public sealed class CompareCommand : Command<CompareSettings>
{
    public override int Execute(CommandContext context, CompareSettings s, CancellationToken cancellation)
    {
        var a = RunReports.Folder(s.RunA);
        var b = RunReports.Folder(s.RunB);
        string Name(string d) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(d)));
        var outFile = s.Out ?? Path.Combine("runs", $"compare-{Name(a)}-vs-{Name(b)}.html");
        var folder = Path.GetDirectoryName(Path.GetFullPath(outFile));
        if (folder is not null) Directory.CreateDirectory(folder);
        Console.Out.WriteLine(ReportBuilder.WriteComparison(a, b, outFile));
        return 0;
    }
}
