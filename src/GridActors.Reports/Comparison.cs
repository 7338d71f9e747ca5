using System.Globalization;
using System.Text;
using static GridActors.Reports.Html;

namespace GridActors.Reports;

/// <summary>The comparison page: run A against run B, key figures with deltas, the cost ratio and how much of the
/// difference the electricity component explains, the cost waterfall (<see cref="WaterfallReport"/>), and paired charts on shared axes.</summary>
internal static class Comparison
{
    private const string ColorA = "#4e79a7", ColorB = "#f28e2b";

    private sealed record Row(string Metric, double? A, double? B, Func<double?, string> Fmt, bool Percentage = false);

    public static string Page(RunData a, RunData b)
    {
        var header = new StringBuilder("<header class=\"top\">\n<h1>GridActors comparison: A vs B</h1>\n");
        foreach (var (tag, d) in new[] { ("A", a), ("B", b) })
            header.Append("<div class=\"meta\">")
                .Append($"<span><b>{tag}</b> {E(d.Info.RunId)}</span><span><b>scenario</b> {E(d.Info.Scenario)}</span><span><b>seed</b> {E(d.Info.Seed)}</span>")
                .Append($"<span><b>digest</b> <code>{E(d.Summary.Digest ?? "—")}</code></span></div>\n");
        header.Append("</header>\n");
        var nav = RunReport.Nav([("runs", "Runs"), ("figures", "Key figures"), ("waterfall", "Cost waterfall"), ("cmp-charts", "Charts")]);

        var body = new StringBuilder();
        body.Append(Runs(a, b));
        body.Append(Figures(a, b));
        body.Append(WaterfallReport.Section(a, b));
        body.Append(ChartsSection(a, b));
        return Html.Page($"GridActors comparison — {a.Info.RunId} vs {b.Info.RunId}", header + nav, body.ToString());
    }

    private static string Runs(RunData a, RunData b)
    {
        IReadOnlyList<string> R(string tag, RunData d) =>
        [
            $"<b>{tag}</b>", E(d.Info.RunId), E(d.Info.Scenario), E(d.Info.Seed), E($"{d.Info.Executor} × {d.Info.Nodes}"), Hours(d.HorizonHours),
            E(d.Info.Entities), d.Faults.Count == 0 ? "none" : E(string.Join(", ", d.Faults.Select(f => f.Label))), $"<code>{E(d.Summary.Digest ?? "—")}</code>",
        ];
        return Section("runs", "Runs compared",
            Table(["", "run", "scenario", "seed", "executor", "horizon", "entities", "faults", "digest"], [R("A", a), R("B", b)]),
            "A is the reference (left / first); B is compared against it. Δ = B − A; Δ% = (B − A) / A.");
    }

    private static string Figures(RunData a, RunData b)
    {
        var sa = a.Summary; var sb = b.Summary;
        var usd = (Func<double?, string>)(v => Usd(v));
        var rows = new List<Row>
        {
            new("Cost per M tokens — total (USD)", sa.CostTotal, sb.CostTotal, usd),
            new("… electricity (USD)", sa.CostElectricity, sb.CostElectricity, usd),
            new("… capital (USD)", sa.CostCapital, sb.CostCapital, usd),
            new("… network (USD)", sa.CostNetwork, sb.CostNetwork, usd),
            new("Energy per token (J)", sa.EnergyPerTokenJ, sb.EnergyPerTokenJ, v => Num(v, "0.####")),
            new("Tokens served", sa.TokensServed, sb.TokensServed, v => Si(v)),
            new("Requests served", sa.RequestsServed, sb.RequestsServed, v => Si(v)),
            new("Requests dropped", sa.RequestsDropped, sb.RequestsDropped, v => Si(v)),
            new("SLO violation rate", sa.SloViolationRate, sb.SloViolationRate, v => Pct(v), Percentage: true),
            new("Latency p50 (ms)", sa.P50, sb.P50, v => Num(v, "#,0.#")),
            new("Latency p95 (ms)", sa.P95, sb.P95, v => Num(v, "#,0.#")),
            new("Latency p99 (ms)", sa.P99, sb.P99, v => Num(v, "#,0.#")),
        };
        foreach (var region in Regions(a, b))
            rows.Add(new Row($"p99 {region} (ms)", sa.LatencyByRegion.FirstOrDefault(r => r.Region == region)?.P99,
                sb.LatencyByRegion.FirstOrDefault(r => r.Region == region)?.P99, v => Num(v, "#,0.#")));
        rows.AddRange(
        [
            new("Generated (MWh)", sa.GeneratedMWh, sb.GeneratedMWh, v => Num(v, "#,0")),
            new("Curtailed (MWh)", sa.CurtailedMWh, sb.CurtailedMWh, v => Num(v, "#,0")),
            new("Unserved load (MWh)", sa.UnservedMWh, sb.UnservedMWh, v => Num(v, "#,0")),
            new("Transmission losses (MWh)", sa.LossesMWh, sb.LossesMWh, v => Num(v, "#,0")),
            new("Hub energy (MWh)", sa.HubMWh, sb.HubMWh, v => Num(v, "#,0")),
            new("Grid emissions, all load (t CO₂)", sa.CarbonT, sb.CarbonT, v => Num(v, "#,0")),
            new("Carbon per M tokens (g CO₂)", sa.Carbon?.GPerMillionTokens, sb.Carbon?.GPerMillionTokens, v => Num(v, "#,0.##")),
            new("… at marginal intensity (g CO₂)", sa.Carbon?.MarginalGPerMillionTokens, sb.Carbon?.MarginalGPerMillionTokens, v => Num(v, "#,0.##")),
            new("Carbon attributed to tokens (t CO₂)", sa.Carbon?.AttributedT, sb.Carbon?.AttributedT, v => Num(v, "#,0.###")),
        ]);
        foreach (var user in UserRegionsWithCarbon(a, b))
            rows.Add(new Row($"Carbon per M tokens {user} (g CO₂)", PerMillion(sa, user), PerMillion(sb, user), v => Num(v, "#,0.##")));
        // Batch work with deadlines (runs with a batch scheduler): curtailment B absorbed against A, what waited, what missed.
        if (sa.Batch is not null || sb.Batch is not null)
        {
            double? absorbedByB = sa.CurtailedMWh is double ca && sb.CurtailedMWh is double cb ? ca - cb : null;
            rows.AddRange(
            [
                new("Curtailment absorbed by B (A − B, MWh)", 0, absorbedByB, v => Num(v, "#,0.#")),
                new("Batch requests arrived", sa.Batch?.Arrived, sb.Batch?.Arrived, v => Si(v)),
                new("Batch requests waiting at the end", sa.Batch?.Waiting, sb.Batch?.Waiting, v => Si(v)),
                new("Batch deadlines missed — late", sa.Batch?.Missed.GetValueOrDefault("late"), sb.Batch?.Missed.GetValueOrDefault("late"), v => Si(v)),
                new("Batch deadlines missed — no capacity", sa.Batch?.Missed.GetValueOrDefault("no-capacity"), sb.Batch?.Missed.GetValueOrDefault("no-capacity"), v => Si(v)),
            ]);
        }
        var table = Table(["metric", "A", "B", "Δ (B − A)", "Δ %", "B / A"], rows.Select(r =>
        {
            double? delta = r.A is double x && r.B is double y ? y - x : null;
            var deltaText = delta is double dd ? (r.Percentage ? (dd * 100).ToString("+0.00;-0.00;0", CultureInfo.InvariantCulture) + " pp" : Signed(dd, r.Fmt)) : "—";
            var rel = r.A is double x2 && r.B is double y2 && x2 != 0 ? (y2 - x2) / Math.Abs(x2) : (double?)null;
            var ratio = r.A is double x3 && r.B is double y3 && x3 != 0 ? y3 / x3 : (double?)null;
            var cls = delta is > 0 ? "pos" : delta is < 0 ? "neg" : "";
            return (IReadOnlyList<string>)
            [
                E(r.Metric), r.Fmt(r.A), r.Fmt(r.B), $"<span class=\"{cls}\">{deltaText}</span>",
                rel is double rr ? (Math.Abs(rr) < 0.0005 ? "0%" : (rr * 100).ToString("+0.0;−0.0;0", CultureInfo.InvariantCulture) + "%") : "—",
                ratio is double q ? q.ToString("0.###", CultureInfo.InvariantCulture) + "×" : "—",
            ];
        }), attrs: "data-table=\"comparison\"", numeric: Cols(1, 2, 3, 4, 5));
        return Section("figures", "Key figures", CostCallout(sa, sb) + table);
    }

    private static string Signed(double d, Func<double?, string> fmt)
    {
        var s = fmt(Math.Abs(d));
        return (d > 0 ? "+" : d < 0 ? "−" : "") + s;
    }

    /// <summary>The headline: B/A of the cost per million tokens and which share of the difference each component
    /// explains (Δcomponent / Δtotal).</summary>
    internal static string CostCallout(RunSummary a, RunSummary b)
    {
        if (a.CostTotal is not double ta || b.CostTotal is not double tb)
            return "<div class=\"callout\">Cost per million tokens is missing from one of the runs' summary.json.</div>\n";
        var sb = new StringBuilder("<div class=\"callout\" data-callout=\"cost-ratio\">");
        sb.Append(CultureInfo.InvariantCulture, $"Cost per million tokens: A {Usd(ta)}, B {Usd(tb)}");
        if (ta > 0) sb.Append(CultureInfo.InvariantCulture, $" — <b>B / A = {tb / ta:0.###}×</b>");
        var diff = tb - ta;
        sb.Append(CultureInfo.InvariantCulture, $"; difference B − A = {(diff < 0 ? "−" : "+")}{Usd(Math.Abs(diff))}.");
        if (Math.Abs(diff) > 1e-12)
        {
            var parts = new (string Name, double? A, double? B)[] { ("electricity", a.CostElectricity, b.CostElectricity), ("capital", a.CostCapital, b.CostCapital), ("network", a.CostNetwork, b.CostNetwork) };
            var shares = parts.Where(p => p.A is not null && p.B is not null).Select(p => (p.Name, Share: (p.B!.Value - p.A!.Value) / diff)).ToList();
            var elec = shares.FirstOrDefault(s => s.Name == "electricity");
            if (elec.Name is not null)
                sb.Append(CultureInfo.InvariantCulture, $" <b>Electricity explains {P1(elec.Share)} of the difference</b>");
            var others = shares.Where(s => s.Name != "electricity").Select(s => $"{s.Name} {P1(s.Share)}").ToList();
            if (others.Count > 0) sb.Append(" (").Append(string.Join(", ", others)).Append(')');
            sb.Append('.');
        }
        else sb.Append(" The two runs cost the same per million tokens.");
        sb.Append("</div>\n");
        return sb.ToString();
    }

    /// <summary>A share as a percentage with one decimal, never "-0%".</summary>
    private static string P1(double share)
    {
        var v = Math.Round(share * 100, 1);
        return (v == 0 ? 0 : v).ToString("0.#", CultureInfo.InvariantCulture) + "%";
    }

    private static List<string> UserRegionsWithCarbon(RunData a, RunData b) =>
        (a.Summary.Carbon?.ByUserRegion ?? []).Concat(b.Summary.Carbon?.ByUserRegion ?? []).Select(x => x.Id).Distinct().ToList();

    /// <summary>Grams of CO₂ per million tokens of <paramref name="user"/>'s tokens in a run (null: none).</summary>
    private static double? PerMillion(RunSummary s, string user) =>
        s.Carbon?.ByUserRegion.FirstOrDefault(x => x.Id == user)?.G is double g ? g * 1e6 : null;

    private static List<string> Regions(RunData a, RunData b) =>
        a.Summary.LatencyByRegion.Select(r => r.Region).Concat(b.Summary.LatencyByRegion.Select(r => r.Region)).Distinct().ToList();

    private static string ChartsSection(RunData a, RunData b)
    {
        var horizon = Math.Max(a.HorizonHours, b.HorizonHours);
        var faults = a.Faults.Select(f => f with { Kind = "A: " + f.Kind }).Concat(b.Faults.Select(f => f with { Kind = "B: " + f.Kind })).ToList();
        Trace TA(Series s) => new(s with { Name = "A" }, ColorA, 2);
        Trace TB(Series s) => new(s with { Name = "B" }, ColorB, 2, Dashed: true);
        var note = faults.Count > 0 ? " Red bands: faults of A and B (labels say which)." : "";
        var sb = new StringBuilder();
        sb.Append(Figure(Charts.Time("cmp-generation", "Total generation", "MW", [TA(a.TotalGeneration), TB(b.TotalGeneration)], faults, horizon),
            "Total dispatched generation, A (solid) vs B (dashed), MW." + note));
        sb.Append(Figure(Charts.Time("cmp-tokens", "Tokens per second", "tokens / s", [TA(a.TotalTokensPerSecond), TB(b.TotalTokensPerSecond)], faults, horizon),
            "Tokens served per second over all hubs, A vs B." + note));
        sb.Append(Figure(Charts.Time("cmp-curtailment", "Curtailment", "MW curtailed", [TA(a.Curtailment), TB(b.Curtailment)], faults, horizon),
            "Curtailed power, A vs B, MW." + note));
        if (a.Batch is not null || b.Batch is not null)
        {
            var empty = new Series("", []);
            sb.Append(Figure(Charts.Time("cmp-batch", "Batch work held", "requests held",
                    [TA(a.Batch?.HeldRequests ?? empty), TB(b.Batch?.HeldRequests ?? empty)], faults, horizon),
                "Batch requests the scheduler held at the end of each hour, A vs B (a run without a scheduler holds none)." + note));
        }
        sb.Append(Figure(Charts.Time("cmp-slo", "SLO violation rate", "violations / arrivals", [TA(a.OverallSloRate), TB(b.OverallSloRate)], faults, horizon, percent: true),
            "Hourly SLO violation rate over all user regions, A vs B." + note));
        var regions = Regions(a, b);
        sb.Append(Figure(Charts.Bars("cmp-p99", "p99 by region", "p99 TTFT ms", regions,
        [
            new BarSet("A", regions.Select(r => a.Summary.LatencyByRegion.FirstOrDefault(x => x.Region == r)?.P99 ?? 0).ToList(), ColorA),
            new BarSet("B", regions.Select(r => b.Summary.LatencyByRegion.FirstOrDefault(x => x.Region == r)?.P99 ?? 0).ToList(), ColorB),
        ]), "p99 time to first token per user region, A and B side by side (a region missing from a run shows 0)."));
        sb.Append("<div class=\"two-up\">");
        sb.Append(Figure(RunReport.CostChart("cmp-cost", ["A", "B"], [a.Summary, b.Summary]), "Cost per million tokens by component, A and B side by side."));
        sb.Append("<div>").Append(CostCallout(a.Summary, b.Summary)).Append("</div></div>");
        return Section("cmp-charts", "Paired charts", sb.ToString());
    }
}
