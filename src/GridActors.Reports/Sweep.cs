using System.Globalization;
using System.Text;
using static GridActors.Reports.Html;

namespace GridActors.Reports;

internal sealed record SweepRow(int Rank, string Kind, string Component, double ImpactScore, double TokensLost, double TokensLostShare,
    double SloBase, double Slo, double SloChange, double MaxP99ChangeMs, string MaxP99Region, double CurtailedMWhChange,
    double CostChangeUsd, string Digest, string RunDir);

internal sealed record SweepRegionRow(string Component, string Kind, string Region, double P99BaseMs, double P99Ms, double P99ChangeMs);

/// <summary>An N−1 contingency sweep folder: sweep.csv (one row per contingency) and sweep-regions.csv (p99 per
/// contingency and user region).</summary>
internal sealed class SweepData
{
    public required IReadOnlyList<SweepRow> Rows { get; init; }
    public required IReadOnlyList<SweepRegionRow> Regions { get; init; }

    public static SweepData Load(string dir)
    {
        var csv = CsvFile.Open(dir, "sweep.csv", "rank", "kind", "component", "impact_score");
        int Opt(CsvFile f, string c) => f.HasColumn(c) ? f.Column(c) : -1;
        int rank = csv.Column("rank"), kind = csv.Column("kind"), comp = csv.Column("component"), impact = csv.Column("impact_score");
        int tl = Opt(csv, "tokens_lost"), tls = Opt(csv, "tokens_lost_share"), sb = Opt(csv, "slo_violation_rate_base"), sr = Opt(csv, "slo_violation_rate"),
            sc = Opt(csv, "slo_violation_rate_change"), mp = Opt(csv, "max_p99_change_ms"), mr = Opt(csv, "max_p99_region"),
            cu = Opt(csv, "curtailed_mwh_change"), co = Opt(csv, "cost_per_m_tokens_change_usd"), dg = Opt(csv, "digest"), rd = Opt(csv, "run_dir");
        var rows = new List<SweepRow>();
        foreach (var r in csv.Rows())
        {
            double N(int c) => c >= 0 ? r.Number(c) : double.NaN;
            string S(int c) => c >= 0 ? r.Text(c) : "";
            var rk = r.Number(rank);
            if (double.IsNaN(rk)) throw new ReportException($"sweep.csv: line {r.Line}: rank is empty");
            rows.Add(new SweepRow((int)rk, S(kind), S(comp), N(impact), N(tl), N(tls), N(sb), N(sr), N(sc), N(mp), S(mr), N(cu), N(co), S(dg), S(rd)));
        }
        var reg = CsvFile.Open(dir, "sweep-regions.csv", "component", "region", "p99_change_ms");
        int rc = reg.Column("component"), rr = reg.Column("region"), rch = reg.Column("p99_change_ms");
        int rkd = Opt(reg, "kind"), rb = Opt(reg, "p99_base_ms"), rp = Opt(reg, "p99_ms");
        var regions = new List<SweepRegionRow>();
        foreach (var r in reg.Rows())
            regions.Add(new SweepRegionRow(r.Text(rc), rkd >= 0 ? r.Text(rkd) : "", r.Text(rr), rb >= 0 ? r.Number(rb) : double.NaN,
                rp >= 0 ? r.Number(rp) : double.NaN, r.Number(rch)));
        return new SweepData { Rows = rows.OrderBy(x => x.Rank).ThenBy(x => x.Component, StringComparer.Ordinal).ToList(), Regions = regions };
    }
}

/// <summary>The "N−1 contingency ranking" section: ranking table, impact bars (top 20), p99 change heat map.</summary>
internal static class SweepReport
{
    public const int TopBars = 20;

    /// <summary>The section for a sweep of <paramref name="label"/> contingencies (N−1: single outages; N−2: pairs).</summary>
    public static string Section(SweepData s, string label = "N−1")
    {
        bool pairs = label != "N−1";
        var sb = new StringBuilder();
        var top = s.Rows.Take(TopBars).ToList();
        var bars = Charts.Bars("sweep-impact", "Impact score", "impact score", top.Select(r => $"{r.Rank}. {r.Kind} {r.Component}").ToList(),
            [new BarSet("impact score", top.Select(r => r.ImpactScore).ToList(), "#c0392b")], horizontal: true, labels: true, labelFormat: "{0:0.###}",
            height: Math.Max(160, 60 + 22 * top.Count));
        sb.Append(Figure(bars, $"Impact score of the {top.Count} highest-ranked contingencies (of {s.Rows.Count}); rank 1 is the worst {(pairs ? "pair of outages" : "single outage")}."));

        sb.Append("<h3>Ranking</h3>\n");
        var rows = s.Rows.Select(r => (IReadOnlyList<string>)
        [
            r.Rank.ToString(CultureInfo.InvariantCulture), E(r.Kind), E(r.Component), Num(r.ImpactScore, "0.####"), Si(r.TokensLost), Pct(r.TokensLostShare),
            $"{Pct(r.SloBase)} → {Pct(r.Slo)}", SignedPp(r.SloChange), Num(r.MaxP99ChangeMs, "+#,0;−#,0;0") + (r.MaxP99Region.Length > 0 ? $" ({E(r.MaxP99Region)})" : ""),
            Num(r.CurtailedMWhChange, "+#,0;−#,0;0"), Num(r.CostChangeUsd, "+0.0000;−0.0000;0"), E(r.RunDir),
        ]);
        sb.Append(Table(["rank", "kind", "component", "impact", "tokens lost", "share", "SLO violation rate", "Δ SLO", "max Δp99 ms (region)", "Δ curtailed MWh", "Δ USD / M tokens", "run folder"],
            rows, attrs: "data-table=\"sweep-ranking\"", numeric: Cols(0, 3, 4, 5, 7, 8, 9, 10)));

        sb.Append("<h3>p99 change by contingency and user region (ms)</h3>\n");
        sb.Append(HeatMap(s));
        return Html.Section("sweep", $"{label} contingency ranking", sb.ToString(),
            $"{s.Rows.Count} {(pairs ? "pairs of component outages (kinds and components joined by '+')" : "single-component outages")}, each run against the base case below, ranked by impact score (top first).");
    }

    private static string SignedPp(double v) => double.IsFinite(v) ? (v * 100).ToString("+0.00;−0.00;0", CultureInfo.InvariantCulture) + " pp" : "—";

    private static string HeatMap(SweepData s)
    {
        if (s.Regions.Count == 0) return "<p class=\"note\">sweep-regions.csv has no rows: no heat map.</p>\n";
        var regions = s.Regions.Select(r => r.Region).Distinct().ToList();
        var order = s.Rows.Select((r, i) => (r.Component, i)).GroupBy(x => x.Component).ToDictionary(g => g.Key, g => g.First().i);
        var components = s.Regions.Select(r => r.Component).Distinct()
            .OrderBy(c => order.TryGetValue(c, out var i) ? i : int.MaxValue).ThenBy(c => c, StringComparer.Ordinal).ToList();
        var cell = s.Regions.GroupBy(r => (r.Component, r.Region)).ToDictionary(g => g.Key, g => g.First());
        var maxAbs = Math.Max(1e-9, s.Regions.Select(r => Math.Abs(r.P99ChangeMs)).Where(double.IsFinite).DefaultIfEmpty(0).Max());
        var kindOf = s.Rows.GroupBy(r => r.Component).ToDictionary(g => g.Key, g => g.First().Kind);
        var sb = new StringBuilder("<div class=\"table-wrap\"><table class=\"heat\" data-table=\"sweep-heatmap\"><thead><tr><th>component</th>");
        foreach (var r in regions) sb.Append("<th class=\"num\">").Append(E(r)).Append("</th>");
        sb.Append("</tr></thead><tbody>\n");
        foreach (var c in components)
        {
            var kind = kindOf.TryGetValue(c, out var k) ? k : s.Regions.First(r => r.Component == c).Kind;
            sb.Append("<tr><td>").Append(E(c)).Append(kind.Length > 0 ? $" <span class=\"tile-sub\">{E(kind)}</span>" : "").Append("</td>");
            foreach (var r in regions)
            {
                if (!cell.TryGetValue((c, r), out var v) || !double.IsFinite(v.P99ChangeMs)) { sb.Append("<td class=\"num\">—</td>"); continue; }
                var x = v.P99ChangeMs / maxAbs;
                var bg = x >= 0 ? Mix(255, 255, 255, 214, 39, 40, x) : Mix(255, 255, 255, 31, 119, 180, -x);
                var fg = Math.Abs(x) > 0.55 ? "#ffffff" : "#222222";
                var title = $"{c} → {r}: p99 {Num(v.P99BaseMs, "#,0")} → {Num(v.P99Ms, "#,0")} ms";
                sb.Append(CultureInfo.InvariantCulture, $"<td class=\"num\" style=\"background:{bg};color:{fg}\" title=\"{E(title)}\">{Num(v.P99ChangeMs, "+#,0;−#,0;0")}</td>");
            }
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody></table></div>\n");
        sb.Append("<p class=\"intro\">Red: p99 went up (worse) under that outage; blue: down. Colour scale is relative to the largest absolute change ")
          .Append(E(Num(maxAbs, "#,0"))).Append(" ms.</p>\n");
        return sb.ToString();
    }

    private static string Mix(int r0, int g0, int b0, int r1, int g1, int b1, double t)
    {
        t = Math.Clamp(t, 0, 1);
        int L(int a, int b) => (int)Math.Round(a + (b - a) * t);
        return $"#{L(r0, r1):x2}{L(g0, g1):x2}{L(b0, b1):x2}";
    }
}
