using System.Text;

namespace GridActors.Reports;

/// <summary>Turns run folders into self-contained HTML reports (inline SVG charts and CSS, nothing fetched).</summary>
public static class ReportBuilder
{
    /// <summary>Writes DIR/report.html for one run folder; returns the path.</summary>
    public static string WriteRunReport(string runDir, string? outFile = null)
    {
        var d = RunLoader.Load(runDir);
        var html = Html.Page($"GridActors report — {d.Info.RunId}",
            RunReport.Header(d, "GridActors run report") + RunReport.Nav(RunReport.Toc), RunReport.Body(d));
        return Write(outFile ?? Path.Combine(runDir, "report.html"), html);
    }

    /// <summary>Writes a comparison page of two run folders (A left/first, B right/second, plus a table of differences).</summary>
    public static string WriteComparison(string runDirA, string runDirB, string outFile)
    {
        var a = RunLoader.Load(runDirA);
        var b = RunLoader.Load(runDirB);
        return Write(outFile, Comparison.Page(a, b));
    }

    /// <summary>The cost waterfall of run B against run A (<see cref="Model.SupplyChain.CostWaterfall"/>) from the cost drivers in
    /// their summary.json; a <see cref="ReportException"/> names the run without drivers and why (written before them, no tokens,
    /// no accelerator-hours) or the degenerate substitution.</summary>
    public static Model.SupplyChain.CostWaterfall CostWaterfallOf(string runDirA, string runDirB) => WaterfallReport.Of(runDirA, runDirB);

    /// <summary>The comparison's headline figures of run B against run A from their summary.json: curtailment and what B
    /// absorbed against A, the grid's emissions, carbon and cost per million tokens, tokens served and the batch accounts.</summary>
    public static ComparisonFigures FiguresOf(string runDirA, string runDirB)
    {
        var a = Json.Read<Format.SummaryFile>(runDirA, Format.RunFolderFiles.Summary)!;
        var b = Json.Read<Format.SummaryFile>(runDirB, Format.RunFolderFiles.Summary)!;
        static Pair P(Format.SummaryFile x, Format.SummaryFile y, Func<Format.SummaryFile, double?> f) => new(f(x), f(y));
        var curtailed = P(a, b, s => s.Energy?.CurtailedMWh);
        return new ComparisonFigures(
            curtailed,
            curtailed.A is double ca && curtailed.B is double cb ? ca - cb : null,
            P(a, b, s => s.Energy?.CarbonT),
            P(a, b, s => s.Carbon?.GPerMillionTokens),
            P(a, b, s => s.Carbon?.MarginalGPerMillionTokens),
            P(a, b, s => s.CostPerMillionTokensUsd?.Total),
            P(a, b, s => s.Tokens?.Served),
            new BatchPair(a.Batch, b.Batch));
    }

    /// <summary>Writes SWEEPDIR/report.html: the base run's report sections plus a "N−1 contingency ranking" section built
    /// from SWEEPDIR/sweep.csv and SWEEPDIR/sweep-regions.csv; baseRunDir is the base case's run folder.</summary>
    public static string WriteSweepReport(string sweepDir, string baseRunDir, string contingency = "N−1")
    {
        if (string.IsNullOrWhiteSpace(sweepDir) || !Directory.Exists(sweepDir)) throw new ReportException($"sweep folder {sweepDir}: directory not found");
        var sweep = SweepData.Load(sweepDir);
        var d = RunLoader.Load(baseRunDir);
        var toc = new List<(string, string)> { ("sweep", $"{contingency} ranking") };
        toc.AddRange(RunReport.Toc);
        var header = RunReport.Header(d, $"GridActors {contingency} contingency sweep", $"<span><b>sweep</b> {Html.E(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(sweepDir))))} ({sweep.Rows.Count} contingencies)</span>");
        var body = new StringBuilder();
        body.Append(SweepReport.Section(sweep, contingency));
        body.Append("<p class=\"intro\">Below: the base case's run report.</p>\n");
        body.Append(RunReport.Body(d));
        var html = Html.Page($"GridActors {contingency} sweep — {d.Info.RunId}", header + RunReport.Nav(toc), body.ToString());
        return Write(Path.Combine(sweepDir, "report.html"), html);
    }

    private static string Write(string path, string html)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var tmp = full + ".tmp";
        File.WriteAllText(tmp, html, new UTF8Encoding(false));
        File.Move(tmp, full, overwrite: true);
        return full;
    }
}

/// <summary>A figure in run A and run B (null: the run's summary.json lacks it).</summary>
public sealed record Pair(double? A, double? B);

/// <summary>The batch accounts of A and B (null: the run had no batch scheduler).</summary>
public sealed record BatchPair(Format.BatchSummary? A, Format.BatchSummary? B);

/// <summary>What <c>compare --json</c> gives besides the waterfall: curtailment (MWh) and how much of it B absorbed against A
/// (A − B), the grid's whole emissions (t CO₂), carbon per million tokens at the mean and marginal intensities (g), the cost per
/// million tokens (USD, summary.json's total), tokens served, and the batch accounts.</summary>
public sealed record ComparisonFigures(Pair CurtailedMWh, double? CurtailmentAbsorbedMWh, Pair GridCarbonT, Pair CarbonGPerMillionTokens,
    Pair MarginalCarbonGPerMillionTokens, Pair CostPerMillionTokensUsd, Pair TokensServed, BatchPair Batch);
