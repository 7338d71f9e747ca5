using System.Globalization;
using System.Text;
using static GridActors.Reports.Html;

namespace GridActors.Reports;

/// <summary>The sections of a one-run report.</summary>
internal static class RunReport
{
    /// <summary>Lines per time chart at most: the busiest ones, the caption says how many were left out.</summary>
    public const int MaxLines = 10;

    public static readonly (string Id, string Title)[] Toc =
    [
        ("generation", "Generation"), ("links", "UHV links"), ("hubs", "Hubs"), ("tokens", "Tokens"), ("latency", "Latency"),
        ("slo", "SLO"), ("cost", "Cost"), ("carbon", "Carbon"), ("batch", "Batch work"), ("faults", "Faults"), ("map", "Map"), ("cables", "Cables"), ("calibration", "Calibration"),
    ];

    public static string Header(RunData d, string heading, string? extraMeta = null)
    {
        var s = d.Summary;
        var sb = new StringBuilder();
        sb.Append("<header class=\"top\">\n<h1>").Append(E(heading)).Append("</h1>\n<div class=\"meta\">")
          .Append($"<span><b>run</b> {E(d.Info.RunId)}</span>")
          .Append($"<span><b>scenario</b> {E(d.Info.Scenario)}{(d.Info.ScenarioName is null ? "" : $" ({E(d.Info.ScenarioName)})")}</span>")
          .Append($"<span><b>seed</b> {E(d.Info.Seed)}</span>")
          .Append($"<span><b>executor</b> {E(d.Info.Executor)} × {E(d.Info.Nodes)} node(s)</span>")
          .Append($"<span><b>horizon</b> {Hours(d.HorizonHours)}</span>")
          .Append($"<span><b>entities</b> {E(d.Info.Entities)}</span>")
          .Append(d.Info.Policy is null ? "" : $"<span><b>policy</b> {E(d.Info.Policy)}</span>")
          .Append($"<span><b>digest</b> <code>{E(s.Digest ?? "—")}</code></span>")
          .Append(extraMeta ?? "")
          .Append("</div>\n</header>\n");
        return sb.ToString();
    }

    public static string Nav(IEnumerable<(string Id, string Title)> items) =>
        "<nav class=\"toc\">" + string.Concat(items.Select(i => $"<a href=\"#{i.Id}\">{E(i.Title)}</a>")) + "</nav>\n";

    public static string Tiles(RunData d)
    {
        var s = d.Summary;
        var sb = new StringBuilder("<div class=\"tiles\">");
        sb.Append(Tile("Cost per M tokens", Usd(s.CostTotal), $"elec {Usd(s.CostElectricity)} · cap {Usd(s.CostCapital)} · net {Usd(s.CostNetwork)}"));
        sb.Append(Tile("Tokens served", Si(s.TokensServed), s.TokensArrived is double ta ? $"of {Charts.Si(ta)} arrived" : null));
        sb.Append(Tile("Energy per token", s.EnergyPerTokenJ is double ept ? Num(ept, "0.###") + " J" : "—"));
        sb.Append(Tile("Latency p99 (TTFT)", $"{Num(s.P99, "#,0")} ms", $"p50 {Num(s.P50, "#,0")} · p95 {Num(s.P95, "#,0")} ms"));
        sb.Append(Tile("SLO violation rate", Pct(s.SloViolationRate), null, s.SloViolationRate > 0.05 ? "bad" : null));
        sb.Append(Tile("Requests", Si(s.RequestsServed) + " served", $"{Si(s.RequestsArrived)} arrived · {Si(s.RequestsDropped)} dropped", s.RequestsDropped > 0 ? "bad" : null));
        sb.Append(Tile("Generated", s.GeneratedMWh is double g ? Charts.Si(g) + " MWh" : "—", $"losses {Si(s.LossesMWh, "MWh")}"));
        sb.Append(Tile("Curtailed", s.CurtailedMWh is double c ? Charts.Si(c) + " MWh" : "—", s.GeneratedMWh is double g2 && g2 > 0 && s.CurtailedMWh is double c2 ? Pct(c2 / g2) + " of generation" : null));
        sb.Append(Tile("Unserved load", s.UnservedMWh is double u ? Charts.Si(u) + " MWh" : "—", null, s.UnservedMWh > 0 ? "bad" : null));
        sb.Append(Tile("Hub energy", s.HubMWh is double h ? Charts.Si(h) + " MWh" : "—"));
        sb.Append(Tile("Carbon", s.CarbonT is double ct ? Charts.Si(ct) + " t CO₂" : "—"));
        if (s.Carbon is { } carbon)
            sb.Append(Tile("Carbon per M tokens", Num(carbon.GPerMillionTokens, "#,0.#") + " g CO₂", $"marginal {Num(carbon.MarginalGPerMillionTokens, "#,0.#")} g"));
        sb.Append(Tile("Faults", d.Faults.Count.ToString(CultureInfo.InvariantCulture), d.Faults.Count == 0 ? "none" : string.Join(", ", d.Faults.Select(f => f.Kind).Distinct()), d.Faults.Count > 0 ? "bad" : null));
        if (s.Calibration.Count > 0)
        {
            var missed = s.Calibration.Where(c => !c.Pass).Select(c => c.Id).ToList();
            sb.Append(Tile("Calibration", $"{s.Calibration.Count - missed.Count} of {s.Calibration.Count} met",
                missed.Count == 0 ? "every target within its band" : "missed: " + string.Join(", ", missed), missed.Count == 0 ? "good" : "bad"));
        }
        if (s.Invariants.Count > 0)
        {
            var broken = s.Invariants.Where(i => i.Value == "false").Select(i => i.Name).ToList();
            sb.Append(Tile("Invariants", broken.Count == 0 ? "hold" : "BROKEN", string.Join(" · ", s.Invariants.Select(i => $"{i.Name}: {i.Value}")), broken.Count == 0 ? "good" : "bad"));
        }
        sb.Append("</div>\n");
        return sb.ToString();
    }

    public static string Body(RunData d)
    {
        var sb = new StringBuilder();
        sb.Append(Tiles(d));
        sb.Append(Generation(d));
        sb.Append(Links(d));
        sb.Append(Hubs(d));
        sb.Append(Tokens(d));
        sb.Append(Latency(d));
        sb.Append(Slo(d));
        sb.Append(Cost(d));
        sb.Append(Carbon(d));
        sb.Append(BatchWork(d));
        sb.Append(Faults(d));
        sb.Append(Map(d));
        sb.Append(Cables(d));
        sb.Append(CalibrationTargets(d));
        return sb.ToString();
    }

    /// <summary>Each cable's load and losses over the run (summary.json <c>network</c>; hourly rows in cables.csv).</summary>
    private static string Cables(RunData d)
    {
        if (d.Summary.Network is not { } n)
            return Section("cables", "12. Cables", "<p class=\"intro\">This run folder has no cable summary (no cables, or written before issue 17).</p>\n");
        var rows = n.Cables.OrderByDescending(c => c.Value.PeakUtilisation).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => (IReadOnlyList<string>)
        [
            E(c.Key), Pct(c.Value.MeanUtilisation, "0.0"), Pct(c.Value.PeakUtilisation, "0.0"), Num(c.Value.MaxAddedLatencyMs, "#,0.##"), Si(c.Value.Requests),
            Si(c.Value.DroppedCongestion), Si(c.Value.LostToCut), Si(c.Value.DroppedPathDown), Num(c.Value.HoursCut, "0"),
        ]);
        var table = Table(["cable", "mean utilisation", "peak utilisation", "max added latency ms (hour mean, round trip)", "requests carried",
            "dropped: congestion", "lost to a cut", "dropped: landing station / segment down", "hours cut"], rows, numeric: Cols(1, 2, 3, 4, 5, 6, 7, 8));
        string intro = $"Utilisation = (background + background rerouted from cut cables of the same corridor + AI traffic) ÷ design capacity; each crossing waits " +
            $"Q·ρ/(1−ρ) (M/M/1, capped), and beyond capacity the excess share of requests is dropped (congestion). Bytes of requests put on cables: " +
            $"{Charts.Si(n.BytesSent)}B, carried {Charts.Si(n.BytesCarried)}B, dropped {Charts.Si(n.BytesDropped)}B. Hourly rows: cables.csv." +
            (n.ForeignTokens is double ft && ft > 0 ? $" Foreign users' tokens: {Charts.Si(ft)}, of which {Pct(n.ForeignTokensIntoChinaShare, "0.0")} crossed into China (the rest served by overseas hosts)." : "");
        var figures = "";
        if (d.Cables.Count > 0)
        {
            var (util, n1) = Top(d.Cables.Select(c => c.Utilisation), x => x.Max, "cables", "peak");
            var (lat, n2) = Top(d.Cables.Select(c => c.AddedLatencyMs), x => x.Max, "cables", "peak");
            figures = Figure(Charts.Time("cable-utilisation", "Cable utilisation", "load / design capacity", util, d.Faults, d.HorizonHours, percent: true),
                    "Hourly utilisation of each cable (background + rerouted background + AI traffic ÷ design capacity); above 100 % the excess share of requests is dropped." + n1 + FaultNote(d))
                + Figure(Charts.Time("cable-latency", "Queueing delay added", "ms per round trip", lat, d.Faults, d.HorizonHours),
                    "Mean queueing delay the cables added to a request's round trip, by hour (M/M/1, capped)." + n2 + FaultNote(d));
        }
        return Section("cables", "12. Cables", figures + table, intro);
    }

    private static string FaultNote(RunData d) => d.Faults.Count == 0 ? "" : " Red bands: faults (begin → end), labelled with kind and target.";

    /// <summary>The busiest series by <paramref name="key"/> (at most <see cref="MaxLines"/>), each entity keeping the
    /// same colour in every chart of the report (its position in <paramref name="series"/>).</summary>
    private static (List<Trace> Traces, string Note) Top(IEnumerable<Series> series, Func<Series, double> key, string what, string measure = "mean")
    {
        var all = series.Select((s, i) => (S: s, Color: Charts.PaletteColor(i))).Where(x => x.S.Points.Count > 0).ToList();
        var top = all.OrderByDescending(x => key(x.S)).ThenBy(x => x.S.Name, StringComparer.Ordinal).Take(MaxLines).ToHashSet();
        var note = all.Count > top.Count ? $" Showing the {top.Count} {what} with the highest {measure} of {all.Count}." : "";
        return (all.Where(top.Contains).Select(x => new Trace(x.S, x.Color)).ToList(), note);
    }

    internal static string Generation(RunData d)
    {
        var stacked = d.GenerationByType.Select(s => new Trace(s, Charts.TypeColor(s.Name))).ToList();
        var curtail = new Trace(d.Curtailment with { Name = "curtailed (right axis)" }, "#d62728", 1.8);
        var svg = Charts.Time("generation-mix", "Generation mix", "MW dispatched", [], d.Faults, d.HorizonHours, stacked, right: [curtail], rightTitle: "MW curtailed");
        return Section("generation", "1. Generation mix over time",
            Figure(svg, "Dispatched power by plant type (stacked areas, left axis, MW) and curtailed power (red line, right axis, MW), mean per interval." + FaultNote(d)));
    }

    internal static string Links(RunData d)
    {
        var topLinks = d.Links.Take(8).ToList();
        var traces = topLinks.Select((l, i) => new Trace(l.Utilisation, Charts.PaletteColor(i))).ToList();
        var peak = Math.Max(1.0, topLinks.Select(l => l.PeakUtil).DefaultIfEmpty(1).Max() * 1.02);
        var svg = Charts.Time("link-utilisation", "UHV link utilisation", "utilisation (sent / capacity)", traces, d.Faults, d.HorizonHours,
            percent: true, yMax: peak);
        var topo = d.Topology?.Links.GroupBy(l => l.Id).ToDictionary(g => g.Key, g => g.First());
        var rows = d.Links.Select(l => (IReadOnlyList<string>)
        [
            E(l.Id), topo is not null && topo.TryGetValue(l.Id, out var t) ? E($"{t.From} → {t.To}") : "—", Num(l.CapacityMW, "#,0"), Num(l.MeanSentMW, "#,0"),
            Pct(l.MeanUtil, "0.0"), Pct(l.PeakUtil, "0.0"), Num(l.CongestedHours, "0.##"), Num(l.MeanLossMW, "#,0.#"),
        ]);
        var table = Table(["link", "from → to", "capacity MW", "mean sent MW", "mean utilisation", "peak utilisation", "hours ≥ 95%", "mean loss MW"], rows, numeric: Cols(2, 3, 4, 5, 6, 7));
        var more = d.Links.Count > topLinks.Count ? $" The {topLinks.Count} links with the highest mean utilisation of {d.Links.Count}; all are in the table." : "";
        return Section("links", "2. UHV link utilisation",
            Figure(svg, "Power sent / capacity per UHV link (mean per interval)." + more + FaultNote(d)) + table);
    }

    internal static string Hubs(RunData d)
    {
        var (grant, n1) = Top(d.Hubs.Select(h => h.Grant), s => s.Mean, "hubs");
        var (util, n2) = Top(d.Hubs.Select(h => h.Utilisation), s => s.Mean, "hubs");
        var (queue, n3) = Top(d.Hubs.Select(h => h.Queue), s => s.Max, "hubs", "peak");
        var sb = new StringBuilder();
        sb.Append(Figure(Charts.Time("hub-power", "Hub power", "MW granted", grant, d.Faults, d.HorizonHours),
            "Power granted to each computing hub (MW)." + n1 + FaultNote(d)));
        sb.Append(Figure(Charts.Time("hub-utilisation", "Hub server utilisation", "busy / usable servers", util, d.Faults, d.HorizonHours, percent: true, yMax: 1.02),
            "Busy servers / usable servers per hub (a failed hub has no usable servers and shows 0)." + n2 + FaultNote(d)));
        sb.Append(Figure(Charts.Time("hub-queue", "Queued requests", "queued requests", queue, d.Faults, d.HorizonHours),
            "Requests waiting in each hub's queue." + n3 + FaultNote(d)));
        if (d.Hubs.Any(h => !double.IsNaN(h.MeanServing) && h.Serving.Mean < 0.999))
        {
            var (serving, n4) = Top(d.Hubs.Select(h => h.Serving), s => 1 - s.Mean, "hubs", "parked share");
            sb.Append(Figure(Charts.Time("hub-serving", "Replicas serving", "serving / usable replicas", serving, d.Faults, d.HorizonHours, percent: true, yMax: 1.02),
                "Share of each hub's usable replicas serving requests; the rest are parked at idle power (a hub packs its work onto as few " +
                "replicas as keep each below 70 % of its capacity: scenario key 'dispatch')." + n4 + FaultNote(d)));
        }
        var servers = d.Topology?.Hubs.GroupBy(h => h.Id).ToDictionary(g => g.Key, g => g.First());
        var rows = d.Hubs.Select(h => (IReadOnlyList<string>)
        [
            E(h.Id), servers is not null && servers.TryGetValue(h.Id, out var t) ? E($"{t.Role}, {t.Region}") : "—",
            servers is not null && servers.TryGetValue(h.Id, out var t2) ? Num(t2.Servers, "#,0") : "—",
            Num(h.MeanGrantMW, "#,0.#"), Pct(h.MeanUtil, "0.0"), double.IsNaN(h.MeanServing) ? "—" : Num(h.MeanServing, "#,0"), Num(h.PeakQueue, "#,0"), Si(h.TokensServed),
        ]);
        sb.Append(Table(["hub", "role, region", "servers", "mean MW", "mean utilisation", "mean serving", "peak queue", "tokens served"], rows, numeric: Cols(2, 3, 4, 5, 6, 7)));
        return Section("hubs", "3. Computing hubs", sb.ToString());
    }

    private static string Tokens(RunData d)
    {
        var hubs = d.Hubs.Where(h => h.TokensPerSecond.Points.Count > 0).ToList();
        var shown = hubs.Take(MaxLines).ToList();
        var stacked = shown.Select((h, i) => new Trace(h.TokensPerSecond, Charts.PaletteColor(i))).ToList();
        var rest = hubs.Skip(MaxLines).ToList();
        var note = rest.Count > 0 ? $" The {rest.Count} smallest hubs are left out of the stack (the total line includes them)." : "";
        var total = new Trace(d.TotalTokensPerSecond with { Name = "total" }, "#222222", 1.4, Dashed: true);
        var svg = Charts.Time("hub-tokens", "Tokens per second", "tokens / s", [total], d.Faults, d.HorizonHours, stacked);
        return Section("tokens", "4. Tokens per second by hub",
            Figure(svg, "Tokens served per interval ÷ interval length, stacked by hub; dashed: total." + note + FaultNote(d)));
    }

    internal static string Latency(RunData d)
    {
        var regions = d.Summary.LatencyByRegion;
        var cats = regions.Select(r => r.Region).ToList();
        var bars = Charts.Bars("latency-by-region", "Latency percentiles by region", "TTFT ms", cats,
        [
            new BarSet("p50", regions.Select(r => r.P50 ?? 0).ToList(), "#76b7b2"),
            new BarSet("p95", regions.Select(r => r.P95 ?? 0).ToList(), "#4e79a7"),
            new BarSet("p99", regions.Select(r => r.P99 ?? 0).ToList(), "#1f3b57"),
        ]);
        var (ttft, note) = Top(d.Users.Select(u => u.Ttft), s => s.Mean, "regions");
        var slo = d.Topology?.Users.Where(u => u.SloTtftMs is not null).Select(u => u.SloTtftMs!.Value).Distinct().ToList();
        (double, string)? reference = slo is { Count: 1 } ? (slo[0], $"SLO {slo[0]:0} ms") : null;
        var line = Charts.Time("ttft-by-region", "Mean TTFT by region", "mean TTFT ms", ttft, d.Faults, d.HorizonHours, reference: reference);
        return Section("latency", "5. Latency by region",
            Figure(bars, "Time-to-first-token percentiles p50 / p95 / p99 per user region over the whole run (summary.json).") +
            Figure(line, "Mean time to first token per user region, per hour (users.csv)." + note + FaultNote(d)));
    }

    internal static string Slo(RunData d)
    {
        var (lines, note) = Top(d.Users.Select(u => u.SloRate), s => s.Mean, "regions");
        lines.Add(new Trace(d.OverallSloRate, "#222222", 2.6));
        (double, string)? reference = d.Summary.SloViolationRate is double r ? (r, $"whole run {Pct(r)}") : null;
        var svg = Charts.Time("slo-violations", "SLO violations", "violations / arrivals", lines, d.Faults, d.HorizonHours, percent: true, reference: reference);
        var lat = d.Summary.LatencyByRegion.ToDictionary(x => x.Region, x => x);
        var rows = d.Users.Select(u => (IReadOnlyList<string>)
        [
            E(u.Id), Si(u.Arrived), Si(u.SloViolations), Pct(u.Arrived > 0 ? u.SloViolations / u.Arrived : null), Si(u.Dropped),
            lat.TryGetValue(u.Id, out var l) ? Num(l.P50, "#,0") : "—", lat.TryGetValue(u.Id, out var l2) ? Num(l2.P95, "#,0") : "—",
            lat.TryGetValue(u.Id, out var l3) ? Num(l3.P99, "#,0") : "—",
        ]);
        var table = Table(["user region", "arrived", "SLO violations", "violation rate", "dropped", "p50 ms", "p95 ms", "p99 ms"], rows, numeric: Cols(1, 2, 3, 4, 5, 6, 7));
        return Section("slo", "6. SLO violations",
            Figure(svg, "Per hour: SLO violations ÷ arrivals per user region; thick black: all regions; dotted: the whole run's rate (summary.json)." + note + FaultNote(d)) + table,
            $"Overall SLO violation rate: <b>{Pct(d.Summary.SloViolationRate)}</b>.");
    }

    private static string Cost(RunData d)
    {
        var s = d.Summary;
        var svg = CostChart("cost-breakdown", ["this run"], [s]);
        var parts = new (string Name, double? V)[] { ("electricity", s.CostElectricity), ("capital", s.CostCapital), ("network", s.CostNetwork) };
        var rows = parts.Select(p => (IReadOnlyList<string>)[p.Name, Usd(p.V), Pct(s.CostTotal > 0 && p.V is double v ? v / s.CostTotal : null, "0.0")]).ToList();
        rows.Add(["<b>total</b>", $"<b>{Usd(s.CostTotal)}</b>", "100%"]);
        return Section("cost", "7. Cost per million tokens",
            "<div class=\"two-up\">" + Figure(svg, "USD per million tokens served, by component (stacked).") +
            "<div>" + Table(["component", "USD / M tokens", "share"], rows, numeric: Cols(1, 2)) + "</div></div>");
    }

    /// <summary>Carbon per token by hub and by user region (summary.json's <c>carbon</c>): a table and grouped bars (mean and
    /// marginal intensity) for each, in grams per million tokens.</summary>
    private static string Carbon(RunData d)
    {
        if (d.Summary.Carbon is not { } c)
            return Section("carbon", "8. Carbon per token",
                "<p class=\"note\" data-carbon=\"none\">This run folder has no carbon per token (summary.json written before it). Re-run the scenario to get it.</p>\n");
        var sb = new StringBuilder();
        foreach (var (what, name, rows, energy) in new[]
                 {
                     ("hub", "carbon-by-hub", c.ByHub, "its energy"),
                     ("user region", "carbon-by-user-region", c.ByUserRegion, "the energy of the hubs that served it"),
                 })
        {
            var cats = rows.Select(r => r.Id).ToList();
            var svg = Charts.Bars(name, $"Carbon per million tokens by {what}", "g CO₂ per million tokens", cats,
            [
                new BarSet("mean intensity", rows.Select(r => (r.G ?? 0) * PerMillion).ToList(), "#59a14f"),
                new BarSet("marginal intensity", rows.Select(r => (r.MarginalG ?? 0) * PerMillion).ToList(), "#9c755f"),
            ]);
            sb.Append(Figure(svg, $"Grams of CO₂ per million tokens served by each {what}: {energy} × the hub region's mean (green) or marginal (brown) intensity of each interval, per token."));
            sb.Append(Table([what, "g CO₂ / M tokens", "marginal g CO₂ / M tokens", "g CO₂ / token"], rows.Select(r => (IReadOnlyList<string>)
            [
                E(r.Id), Num(r.G * PerMillion, "#,0.##"), Num(r.MarginalG * PerMillion, "#,0.##"), Num(r.G, "0.###E+0"),
            ]), numeric: Cols(1, 2, 3), attrs: $"data-table=\"{name}\""));
        }
        var unattributed = (c.IdleHubsT is > 0 ? $" Hubs that served no token drew {Num(c.IdleHubsT, "#,0.###")} t of it, spread over every user region's tokens." : "")
            + (c.UnattributedT is > 0 ? $" {Num(c.UnattributedT, "#,0.###")} t reached no token." : "");
        return Section("carbon", "8. Carbon per token", sb.ToString(),
            $"Over all hubs: <b>{Num(c.GPerMillionTokens, "#,0.##")} g CO₂ per million tokens</b> at the regions' mean intensity, " +
            $"{Num(c.MarginalGPerMillionTokens, "#,0.##")} g at the marginal intensity; {Num(c.AttributedT, "#,0.###")} t attributed to " +
            $"{Si(c.Tokens)} tokens (the grid's whole emissions: {Num(d.Summary.CarbonT, "#,0")} t).{unattributed} " +
            "Each hub's energy of a dispatch interval × its region's intensity of that interval goes to the tokens it served in the interval, " +
            "and on to the user regions they came from; the carbon of intervals without tokens is spread over the hub's tokens of the run " +
            "(hubs that served none count in the total and the user regions, not in the hub table).");
    }

    private const double PerMillion = 1e6;

    /// <summary>Batch work with deadlines (summary.json's <c>batch</c>, scheduler.csv): the account, the work held over time
    /// against what was released, and the tokens released to hubs whose region would curtail renewables.</summary>
    private static string BatchWork(RunData d)
    {
        const string Title = "9. Batch work";
        if (d.Summary.Batch is not { } b)
            return Section("batch", Title, "<p class=\"note\" data-batch=\"none\">This run has no batch scheduler (no <code>batch:</code> section " +
                "in its scenario): batch requests went to the hubs on arrival.</p>\n");
        double late = b.Missed.GetValueOrDefault("late"), noCapacity = b.Missed.GetValueOrDefault("no-capacity");
        var table = Table(["policy", "shift", "arrived", "released", "done", "waiting at the end", "missed — late", "missed — no capacity"],
            [[E(b.Policy), E(b.Shift), Si(b.Arrived), Si(b.Released), Si(b.Done), Si(b.Waiting), Si(late), Si(noCapacity)]],
            numeric: Cols(2, 3, 4, 5, 6, 7), attrs: "data-table=\"batch\"");
        var sb = new StringBuilder(table);
        if (d.Batch is { } s)
        {
            sb.Append(Figure(Charts.Time("batch-held", "Batch work held and released", "requests held",
                    [new Trace(s.HeldRequests, "#4e79a7", 2)], d.Faults, d.HorizonHours,
                    right: [new Trace(s.ReleasedRequests, "#f28e2b"), new Trace(s.MissedRequests, "#d62728", 1.8, Dashed: true)], rightTitle: "requests per hour"),
                "Requests the scheduler held at the end of each hour (blue, left axis), and per hour the requests it released to hubs " +
                "(orange) and dropped at their deadline (red, dashed), right axis." + FaultNote(d)));
            sb.Append(Figure(Charts.Time("batch-green", "Batch tokens and surplus power", "tokens held",
                    [new Trace(s.HeldTokens, "#4e79a7", 2)], d.Faults, d.HorizonHours,
                    right: [new Trace(s.GreenReleasedTokens, "#59a14f")], rightTitle: "tokens per hour"),
                "Tokens of the held work (blue, left axis) and, per hour, tokens released to hubs because their region would curtail " +
                "renewable power (green, right axis)."));
        }
        else sb.Append("<p class=\"note\">This run folder has no scheduler.csv, so the work held over time is not shown.</p>\n");
        var missed = late + noCapacity;
        return Section("batch", Title, sb.ToString(),
            $"Policy <b>{E(b.Policy)}</b>, shift <b>{E(b.Shift)}</b>: {Si(b.Arrived)} batch requests arrived, {Si(b.Done)} were done, " +
            $"{Si(b.Waiting)} still waited at the end and <b>{Si(missed)} missed their deadline</b> ({Si(late)} finished late, " +
            $"{Si(noCapacity)} dropped at it for want of capacity). Arrived = released + waiting + dropped at the deadline; the late are " +
            "among the done; released work that a hub or cable dropped counts with the run's drops.");
    }

    public static readonly (string Name, string Color)[] CostParts = [("electricity", "#f28e2b"), ("capital", "#4e79a7"), ("network", "#59a14f")];

    public static string CostChart(string name, IReadOnlyList<string> categories, IReadOnlyList<RunSummary> runs) =>
        Charts.Bars(name, "Cost per million tokens", "USD per million tokens", categories,
        [
            new BarSet("electricity", runs.Select(r => r.CostElectricity ?? 0).ToList(), CostParts[0].Color),
            new BarSet("capital", runs.Select(r => r.CostCapital ?? 0).ToList(), CostParts[1].Color),
            new BarSet("network", runs.Select(r => r.CostNetwork ?? 0).ToList(), CostParts[2].Color),
        ], stacked: true, labels: true, labelFormat: "{0:0.0000}", height: 340, width: 560);

    private static string Faults(RunData d)
    {
        if (d.Faults.Count == 0)
            return Section("faults", "10. Faults", "<p class=\"intro\">No fault began in this run (faults.csv has no events).</p>\n");
        var rows = d.Faults.Select(f => (IReadOnlyList<string>)
        [
            Num(f.Index, "0"), E(f.Kind), E(f.Target), Hours(f.Begin), f.End is double e ? Hours(e) : $"— (until horizon, {Hours(d.HorizonHours)})",
            Hours((f.End ?? d.HorizonHours) - f.Begin), Num(f.Spec?.Fraction, "0.###"), Num(f.Spec?.Multiplier, "0.###"), E(f.Spec?.Source ?? "scenario"),
        ]);
        return Section("faults", "10. Faults",
            Table(["#", "kind", "target", "begin", "end", "duration", "fraction", "multiplier", "source"], rows, numeric: Cols(0, 3, 4, 5, 6, 7)),
            "Each fault is shaded as a red band on every time chart above (begin → end; a fault without an end lasts until the horizon).");
    }

    /// <summary>The scenario's calibration targets as summary.json evaluated them: model value vs band, pass or miss, source.</summary>
    private static string CalibrationTargets(RunData d)
    {
        var targets = d.Summary.Calibration;
        if (targets.Count == 0)
            return Section("calibration", "13. Calibration",
                "<p class=\"intro\" data-calibration=\"none\">This scenario has no calibration targets (no <code>calibration:</code> section in its file).</p>\n");
        var rows = targets.Select(c => (IReadOnlyList<string>)
        [
            E(c.Id), $"<code>{E(c.Metric)}</code>", E(c.Scope), c.Value is double v ? E(Measure(c.Metric, v)) : "— (no data)", E(Band(c)),
            c.Pass ? "<span class=\"pass\">pass</span>" : "<span class=\"miss\">MISS</span>", E(c.Source),
        ]);
        int met = targets.Count(c => c.Pass);
        return Section("calibration", "13. Calibration",
            Table(["target", "metric", "scope", "model", "band", "result", "source"], rows, numeric: Cols(3), attrs: "data-table=\"calibration\""),
            $"The scenario's calibration targets evaluated on this run (summary.json): <b>{met} of {targets.Count}</b> within their band. " +
            "Energy metrics cover complete dispatch intervals; a target without a value had nothing to be computed from and counts as missed.");
    }

    /// <summary>A metric's value in its unit (shares as percentages), as the model formats it.</summary>
    private static string Measure(string metric, double v) => Model.SupplyChain.Calibration.Metric(metric)?.Format(v) ?? Num(v, "0.######");

    private static string Band(Format.CalibrationInfo c) =>
        Model.SupplyChain.Calibration.Metric(c.Metric)?.Band(c.Low, c.High) ?? $"{Num(c.Low)} – {Num(c.High)}";

    private static string Map(RunData d)
    {
        if (d.Topology is null)
            return Section("map", "11. Topology map",
                "<p class=\"note\" data-map=\"skipped\">Map skipped: this run folder has no topology.json (runs written before it existed). Re-run the scenario to get the map.</p>\n");
        var svg = MapSvg.Build(d.Topology, d.Faults);
        return Section("map", "11. Topology map",
            Figure(svg, "Equirectangular projection fitted to the plants, hubs and regions. Plants: circles (area ∝ capacity, colour = type); hubs: squares; " +
                "regions: dots; UHV links: grey lines; subsea cables: curves from each user region to the hubs it reaches through that cable. " +
                "Red, dashed, ✕: elements that failed in this run. Hover an element for details.", "map"));
    }
}
