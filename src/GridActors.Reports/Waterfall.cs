using System.Globalization;
using System.Text;
using GridActors.Model.SupplyChain;
using GridActors.Reports.Format;
using static GridActors.Reports.Html;

namespace GridActors.Reports;

/// <summary>The comparison's cost waterfall: B ÷ A of the cost per million tokens split into the multiplicative factors of
/// <see cref="CostWaterfall"/> (sequential substitution, in its order), as a chart and a table. Runs without cost drivers
/// (folders written before them, runs without tokens or accelerator-hours) get a note saying why instead.</summary>
internal static class WaterfallReport
{
    private const string ColorA = "#4e79a7", ColorB = "#f28e2b";

    /// <summary>Units and formats of the drivers, in <see cref="CostWaterfall.Names"/> order.</summary>
    private static readonly (string Unit, Func<double, string> Format)[] Drivers =
    [
        ("USD/MWh", v => Num(v, "#,0.##")),
        ("facility ÷ IT", v => Num(v, "0.###")),
        ("W per accelerator", v => Num(v, "#,0")),
        ("USD per accelerator-hour", v => Num(v, "#,0.####")),
        ("work tokens / busy s", v => Num(v, "#,0.#")),
        ("busy ÷ provisioned", v => Pct(v, "0.0")),
        ("billed ÷ work tokens", v => Num(v, "0.###")),
        ("revenue ÷ cost", v => Num(v, "0.###")),
    ];

    /// <summary>The waterfall of B against A, or a <see cref="ReportException"/> that says which run has no drivers and why.</summary>
    public static CostWaterfall Of(RunSummary a, RunSummary b)
    {
        if (a.Drivers is not { } da) throw new ReportException($"run A has no cost drivers: {a.DriversUnavailable}");
        if (b.Drivers is not { } db) throw new ReportException($"run B has no cost drivers: {b.DriversUnavailable}");
        try
        {
            return CostWaterfall.Of(da, db);
        }
        catch (CostModelException ex)
        {
            throw new ReportException("cost waterfall: " + ex.Message);
        }
    }

    /// <summary>The waterfall of two run folders, from their summary.json alone.</summary>
    public static CostWaterfall Of(string runDirA, string runDirB)
    {
        RunSummary Read(string dir)
        {
            if (string.IsNullOrWhiteSpace(dir)) throw new ReportException("run folder: no path given");
            if (!Directory.Exists(dir)) throw new ReportException($"run folder {dir}: directory not found");
            var s = Json.Read<SummaryFile>(dir, RunFolderFiles.Summary)!;
            return new RunSummary { Drivers = RunLoader.DriversOf(s, out var why), DriversUnavailable = why };
        }
        return Of(Read(runDirA), Read(runDirB));
    }

    public static string Section(RunData a, RunData b)
    {
        const string intro = "B ÷ A of the cost per million billed tokens, C = (p<sub>e</sub>·PUE·P̄/10⁶ + p<sub>a</sub>) ÷ (3600·τ·c·u) " +
            "(electricity and accelerators; network cost is not a driver), split by sequential substitution: each factor is the cost with " +
            "B's value of its driver and of every driver above it, A's of those below, over the cost one step before. The factors multiply " +
            "to the total; the order matters.";
        CostWaterfall w;
        try
        {
            w = Of(a.Summary, b.Summary);
        }
        catch (ReportException ex)
        {
            return Html.Section("waterfall", "Cost waterfall", $"<div class=\"callout\" data-callout=\"no-waterfall\">No cost waterfall: {E(ex.Message)}.</div>\n", intro);
        }
        var basis = w.Basis == "cost"
            ? "Neither run has list prices (margin 1): the total is the cost ratio."
            : "A run has list prices: with the margin factor the total is the ratio of the price per token (margin × cost).";
        var chart = Charts.Waterfall("cmp-waterfall", "Cost waterfall", "USD per million tokens",
            ("A", w.CostA, ColorA), [.. w.Steps.Select(s => (s.Name, s.Factor))], ("B", w.Basis == "cost" ? w.CostB : w.CostA * w.Ratio, ColorB));
        var rows = w.Steps.Select((s, i) => (IReadOnlyList<string>)
        [
            $"{E(s.Name)} <span class=\"unit\">({E(Drivers[i].Unit)})</span>", Drivers[i].Format(s.A), Drivers[i].Format(s.B),
            Factor(s.Factor), Factor(s.Cumulative),
        ]).ToList();
        rows.Insert(0, ["cost per million tokens (USD)", Usd(w.CostA), Usd(w.CostB), "", ""]);
        rows.Add([$"<b>total (B ÷ A, {w.Basis})</b>", "", "", $"<b>{Factor(w.Ratio)}</b>", Factor(w.Steps[^1].Cumulative)]);
        var sb = new StringBuilder();
        sb.Append(Figure(chart, $"A's cost per million tokens ({Usd(w.CostA)}), each factor's step (red raises the cost, green lowers it), " +
            $"B's ({Usd(w.Basis == "cost" ? w.CostB : w.CostA * w.Ratio)}{(w.Basis == "cost" ? "" : ", in A's cost units: A's cost × the price ratio")}). {basis}"));
        sb.Append(Table(["factor", "A", "B", "factor ×", "cumulative ×"], rows, attrs: "data-table=\"waterfall\"", numeric: new HashSet<int> { 1, 2, 3, 4 }));
        return Html.Section("waterfall", "Cost waterfall", sb.ToString(), intro);
    }

    private static string Factor(double f) => f.ToString("0.####", CultureInfo.InvariantCulture) + "×";
}
