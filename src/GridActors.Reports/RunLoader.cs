using System.Globalization;
using System.Text.Json;

namespace GridActors.Reports;

/// <summary>Reads a run folder into <see cref="RunData"/>: JSON files whole, CSV series streamed and bucketed.</summary>
internal static class RunLoader
{
    /// <summary>Stacking order of the generation mix: baseload at the bottom, variable renewables on top.</summary>
    public static readonly string[] PlantTypes = ["nuclear", "coal", "gas", "hydro", "wind", "solar", "other"];

    public static RunData Load(string runDir)
    {
        if (string.IsNullOrWhiteSpace(runDir)) throw new ReportException("run folder: no path given");
        if (!Directory.Exists(runDir)) throw new ReportException($"run folder {runDir}: directory not found");
        using var runDoc = Json.Load(runDir, "run.json");
        using var sumDoc = Json.Load(runDir, "summary.json");
        using var topoDoc = Json.Load(runDir, "topology.json", required: false);
        var topology = topoDoc.RootElement.ValueKind == JsonValueKind.Object ? ReadTopology(topoDoc.RootElement) : null;
        var summary = ReadSummary(sumDoc.RootElement);
        var info = ReadInfo(runDoc.RootElement, sumDoc.RootElement, topology);

        // Every CSV is checked before the long reads, so a missing file fails fast.
        var plants = CsvFile.Open(runDir, "plants.csv", "entity", "hours", "dispatched_mw", "curtailed_mw");
        var links = CsvFile.Open(runDir, "links.csv", "entity", "hours", "sent_mw", "capacity_mw");
        var hubs = CsvFile.Open(runDir, "hubs.csv", "entity", "hours", "grant_mw", "usable_servers", "busy_servers", "queued_requests", "tokens_served");
        var users = CsvFile.Open(runDir, "users.csv", "entity", "hour", "arrived", "slo_violations", "mean_ttft_ms");
        var faultsCsv = CsvFile.Open(runDir, "faults.csv", "hours", "fault", "kind", "target", "event");

        var interval = topology?.DispatchIntervalHours is double di && di > 0 ? di : 5.0 / 60;
        var grid = new TimeGrid(info.HorizonHours, interval);
        var hourGrid = new TimeGrid(info.HorizonHours, 1);

        var (byType, curtail, total) = ReadPlants(plants, grid, topology);
        var linkStats = ReadLinks(links, grid, topology);
        var (hubStats, totalTokens) = ReadHubs(hubs, grid, interval);
        var (userStats, overallSlo) = ReadUsers(users, hourGrid, summary);
        var faults = ReadFaults(faultsCsv, topology);

        return new RunData
        {
            Dir = runDir, Info = info, Summary = summary, Topology = topology, Faults = faults,
            GenerationByType = byType, Curtailment = curtail, TotalGeneration = total,
            Links = linkStats, Hubs = hubStats, TotalTokensPerSecond = totalTokens, Users = userStats, OverallSloRate = overallSlo,
        };
    }

    private static RunInfo ReadInfo(JsonElement run, JsonElement summary, Topology? topo)
    {
        var horizonSeconds = run.Num("horizonSeconds") ?? summary.Num("simulatedSeconds") ?? (topo?.HorizonHours * 3600);
        if (horizonSeconds is not > 0)
            throw new ReportException("run.json: no positive horizonSeconds (and summary.json has no simulatedSeconds)");
        return new RunInfo(
            run.Str("runId") ?? summary.Str("runId") ?? "(no runId)",
            run.Str("scenario") ?? summary.Str("scenario") ?? "(unknown scenario)",
            run.Str("seed") ?? summary.Str("seed") ?? "?",
            run.Str("executor") ?? summary.Str("executor") ?? "?",
            run.Str("nodes") ?? summary.Str("nodes") ?? "?",
            run.Str("entities") ?? "?",
            horizonSeconds.Value / 3600, topo?.Name, topo?.Policy);
    }

    private static RunSummary ReadSummary(JsonElement s) => new()
    {
        Digest = s.Str("digest"),
        Events = s.Num("events"),
        GeneratedMWh = s.Num("energy", "generatedMWh"),
        ConsumedMWh = s.Num("energy", "consumedMWh"),
        LossesMWh = s.Num("energy", "lossesMWh"),
        CurtailedMWh = s.Num("energy", "curtailedMWh"),
        UnservedMWh = s.Num("energy", "unservedMWh"),
        HubMWh = s.Num("energy", "hubMWh"),
        CarbonT = s.Num("energy", "carbonT"),
        RequestsArrived = s.Num("requests", "arrived"),
        RequestsServed = s.Num("requests", "served"),
        RequestsDropped = s.Num("requests", "dropped"),
        DroppedBy = s.Object("requests", "droppedBy").Select(kv => (kv.Key, kv.Value.ValueKind == JsonValueKind.Number ? kv.Value.GetDouble() : 0)).ToList(),
        TokensServed = s.Num("tokens", "served"),
        TokensArrived = s.Num("tokens", "arrived"),
        EnergyPerTokenJ = s.Num("energyPerTokenJ"),
        CostTotal = s.Num("costPerMillionTokensUsd", "total"),
        CostElectricity = s.Num("costPerMillionTokensUsd", "electricity"),
        CostCapital = s.Num("costPerMillionTokensUsd", "capital"),
        CostNetwork = s.Num("costPerMillionTokensUsd", "network"),
        P50 = s.Num("latencyMs", "p50"),
        P95 = s.Num("latencyMs", "p95"),
        P99 = s.Num("latencyMs", "p99"),
        LatencyByRegion = s.Object("latencyMsByRegion").Select(kv => new RegionLatency(kv.Key, kv.Value.Num("p50"), kv.Value.Num("p95"), kv.Value.Num("p99"))).ToList(),
        SloViolationRate = s.Num("sloViolationRate"),
        Invariants = s.Object("invariants").Select(kv => (kv.Key, kv.Value.ValueKind switch
        {
            JsonValueKind.Null => "—",
            JsonValueKind.String => kv.Value.GetString() ?? "",
            _ => kv.Value.GetRawText(),
        })).ToList(),
    };

    private static Topology ReadTopology(JsonElement t)
    {
        static string S(JsonElement e, string k) => e.Str(k) ?? "";
        static double D(JsonElement e, string k) => e.Num(k) ?? 0;
        return new Topology
        {
            Name = t.Str("name"),
            HorizonHours = t.Num("horizonHours"),
            DispatchIntervalHours = t.Num("dispatchIntervalHours"),
            Policy = t.Str("policy"),
            Plants = t.Array("plants").Select(p => new TopoPlant(S(p, "id"), S(p, "region"), NormaliseType(p.Str("type") ?? S(p, "id")), D(p, "capacityMW"), p.Num("lat"), p.Num("lon"))).ToList(),
            Regions = t.Array("regions").Select(r => new TopoRegion(S(r, "id"), D(r, "backgroundLoadMW"), r.Num("lat"), r.Num("lon"))).ToList(),
            Links = t.Array("links").Select(l => new TopoLink(S(l, "id"), S(l, "from"), S(l, "to"), D(l, "capacityMW"), D(l, "lengthKm"))).ToList(),
            Hubs = t.Array("hubs").Select(h => new TopoHub(S(h, "id"), S(h, "region"), S(h, "role"), h.Num("lat"), h.Num("lon"), D(h, "servers"))).ToList(),
            Cables = t.Array("cables").Select(c => new TopoCable(S(c, "id"), D(c, "lengthKm"), D(c, "capacityTbps"))).ToList(),
            Users = t.Array("users").Select(u => new TopoUser(S(u, "id"), u.Num("lat"), u.Num("lon"), u.Num("sloTtftMs"),
                u.Array("routes").Select(r => new TopoRoute(S(r, "hub"), r.Str("cable"))).ToList())).ToList(),
            Faults = t.Array("faults").Select((f, i) => new TopoFault((int)(f.Num("index") ?? i), S(f, "kind"), S(f, "target"), f.Num("startHours"),
                f.Num("durationHours"), f.Num("fraction"), f.Num("multiplier"), f.Str("source"))).ToList(),
        };
    }

    /// <summary>A plant type from topology.json, or guessed from the plant id when there is no topology.</summary>
    public static string NormaliseType(string typeOrId)
    {
        var s = typeOrId.ToLowerInvariant();
        foreach (var t in PlantTypes)
            if (s.Contains(t, StringComparison.Ordinal)) return t;
        if (s.Contains("thermal", StringComparison.Ordinal)) return "coal";
        if (s.Contains("pv", StringComparison.Ordinal)) return "solar";
        return "other";
    }

    private static (IReadOnlyList<Series>, Series, Series) ReadPlants(CsvFile csv, TimeGrid grid, Topology? topo)
    {
        int e = csv.Column("entity"), h = csv.Column("hours"), d = csv.Column("dispatched_mw"), c = csv.Column("curtailed_mw");
        var typeOf = topo?.Plants.GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First().Type) ?? [];
        var byType = new Dictionary<string, GroupSumSeries>();
        var curtail = new GroupSumSeries(grid);
        var total = new GroupSumSeries(grid);
        string? lastEntity = null;
        GroupSumSeries? lastGroup = null;
        foreach (var row in csv.Rows())
        {
            var entity = row.Text(e);
            var t = row.Number(h);
            if (entity != lastEntity)
            {
                var type = typeOf.TryGetValue(entity, out var ty) ? ty : NormaliseType(entity);
                if (!byType.TryGetValue(type, out lastGroup)) byType[type] = lastGroup = new GroupSumSeries(grid);
                lastEntity = entity;
            }
            var mw = row.Number(d);
            lastGroup!.Add(entity, t, mw);
            total.Add(entity, t, mw);
            curtail.Add(entity, t, row.Number(c));
        }
        var series = PlantTypes.Where(byType.ContainsKey).Select(t => byType[t].ToSeries(t)).ToList();
        return (series, curtail.ToSeries("curtailment"), total.ToSeries("generation"));
    }

    private static IReadOnlyList<LinkStat> ReadLinks(CsvFile csv, TimeGrid grid, Topology? topo)
    {
        int e = csv.Column("entity"), h = csv.Column("hours"), s = csv.Column("sent_mw"), cap = csv.Column("capacity_mw");
        var loss = csv.HasColumn("loss_mw") ? csv.Column("loss_mw") : -1;
        var acc = new Dictionary<string, LinkAcc>(StringComparer.Ordinal);
        foreach (var row in csv.Rows())
        {
            var id = row.Text(e);
            if (!acc.TryGetValue(id, out var a)) acc[id] = a = new LinkAcc(grid);
            var t = row.Number(h);
            var sent = row.Number(s);
            var capacity = row.Number(cap);
            if (double.IsNaN(sent)) continue;
            var u = capacity > 0 ? sent / capacity : 0;
            a.Util.Add(t, u);
            a.N++;
            a.SumUtil += u;
            a.SumSent += sent;
            a.Peak = Math.Max(a.Peak, u);
            a.MaxCap = Math.Max(a.MaxCap, double.IsNaN(capacity) ? 0 : capacity);
            if (loss >= 0 && row.Number(loss) is var l && !double.IsNaN(l)) a.SumLoss += l;
            var dt = t - a.LastT;
            if (u >= 0.95 && dt > 0) a.Congested += dt;
            a.LastT = t;
        }
        var nominal = topo?.Links.GroupBy(l => l.Id).ToDictionary(g => g.Key, g => g.First().CapacityMW) ?? [];
        return acc.Select(kv => new LinkStat(kv.Key, nominal.TryGetValue(kv.Key, out var c) && c > 0 ? c : kv.Value.MaxCap,
                kv.Value.SumSent / Math.Max(1, kv.Value.N), kv.Value.SumUtil / Math.Max(1, kv.Value.N), kv.Value.Peak,
                kv.Value.Congested, kv.Value.SumLoss / Math.Max(1, kv.Value.N), kv.Value.Util.ToSeries(kv.Key)))
            .OrderByDescending(l => l.MeanUtil).ThenBy(l => l.Id, StringComparer.Ordinal).ToList();
    }

    private sealed class LinkAcc(TimeGrid grid)
    {
        public readonly MeanSeries Util = new(grid);
        public int N;
        public double SumUtil, SumSent, Peak, MaxCap, SumLoss, Congested, LastT;
    }

    private static (IReadOnlyList<HubStat>, Series) ReadHubs(CsvFile csv, TimeGrid grid, double intervalHours)
    {
        int e = csv.Column("entity"), h = csv.Column("hours"), g = csv.Column("grant_mw"), us = csv.Column("usable_servers"),
            bs = csv.Column("busy_servers"), q = csv.Column("queued_requests"), tk = csv.Column("tokens_served");
        var acc = new Dictionary<string, HubAcc>(StringComparer.Ordinal);
        var total = new GroupSumSeries(grid);
        foreach (var row in csv.Rows())
        {
            var id = row.Text(e);
            if (!acc.TryGetValue(id, out var a)) acc[id] = a = new HubAcc(grid);
            var t = row.Number(h);
            var grant = row.Number(g);
            var usable = row.Number(us);
            var busy = row.Number(bs);
            var queued = row.Number(q);
            var tokens = row.Number(tk);
            a.Grant.Add(t, grant);
            a.Util.Add(t, usable > 0 ? busy / usable : 0);
            a.Queue.Add(t, queued);
            var dt = t - a.LastT;
            if (!(dt > 0)) dt = intervalHours;
            var tps = double.IsNaN(tokens) ? double.NaN : tokens / (dt * 3600);
            a.Tps.Add(t, tps);
            total.Add(id, t, tps);
            a.LastT = t;
            a.N++;
            if (!double.IsNaN(grant)) a.SumGrant += grant;
            a.SumUtil += usable > 0 ? busy / usable : 0;
            if (!double.IsNaN(queued)) a.PeakQueue = Math.Max(a.PeakQueue, queued);
            if (!double.IsNaN(tokens)) a.Tokens += tokens;
        }
        var hubs = acc.Select(kv => new HubStat(kv.Key, kv.Value.SumGrant / Math.Max(1, kv.Value.N), kv.Value.SumUtil / Math.Max(1, kv.Value.N),
                kv.Value.PeakQueue, kv.Value.Tokens, kv.Value.Grant.ToSeries(kv.Key), kv.Value.Util.ToSeries(kv.Key),
                kv.Value.Queue.ToSeries(kv.Key), kv.Value.Tps.ToSeries(kv.Key)))
            .OrderByDescending(x => x.TokensServed).ThenBy(x => x.Id, StringComparer.Ordinal).ToList();
        return (hubs, total.ToSeries("tokens/s"));
    }

    private sealed class HubAcc(TimeGrid grid)
    {
        public readonly MeanSeries Grant = new(grid), Util = new(grid), Queue = new(grid), Tps = new(grid);
        public int N;
        public double SumGrant, SumUtil, PeakQueue, Tokens, LastT;
    }

    private static (IReadOnlyList<UserStat>, Series) ReadUsers(CsvFile csv, TimeGrid grid, RunSummary summary)
    {
        int e = csv.Column("entity"), h = csv.Column("hour"), ar = csv.Column("arrived"), sv = csv.Column("slo_violations"), tt = csv.Column("mean_ttft_ms");
        var co = csv.HasColumn("completed") ? csv.Column("completed") : -1;
        var dr = csv.HasColumn("dropped") ? csv.Column("dropped") : -1;
        var acc = new Dictionary<string, UserAcc>(StringComparer.Ordinal);
        var overall = new RatioSeries(grid);
        foreach (var row in csv.Rows())
        {
            var id = row.Text(e);
            if (!acc.TryGetValue(id, out var a)) acc[id] = a = new UserAcc(grid);
            var x = row.Number(h) + 0.5; // hour k covers [k, k+1): drawn at its middle
            var arrived = row.Number(ar);
            var slo = row.Number(sv);
            var ttft = row.Number(tt);
            var completed = co >= 0 ? row.Number(co) : arrived;
            a.Slo.Add(x, slo, arrived);
            overall.Add(x, slo, arrived);
            if (!double.IsNaN(ttft) && completed > 0) a.Ttft.Add(x, ttft * completed, completed);
            if (!double.IsNaN(arrived)) a.Arrived += arrived;
            if (!double.IsNaN(slo)) a.Violations += slo;
            if (dr >= 0 && row.Number(dr) is var d && !double.IsNaN(d)) a.Dropped += d;
        }
        // Regions in the order summary.json lists them, then any others.
        var order = summary.LatencyByRegion.Select((r, i) => (r.Region, i)).ToDictionary(x => x.Region, x => x.i);
        var users = acc.OrderBy(kv => order.TryGetValue(kv.Key, out var i) ? i : int.MaxValue).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new UserStat(kv.Key, kv.Value.Arrived, kv.Value.Violations, kv.Value.Dropped, kv.Value.Slo.ToSeries(kv.Key), kv.Value.Ttft.ToSeries(kv.Key)))
            .ToList();
        return (users, overall.ToSeries("all regions"));
    }

    private sealed class UserAcc(TimeGrid grid)
    {
        public readonly RatioSeries Slo = new(grid), Ttft = new(grid);
        public double Arrived, Violations, Dropped;
    }

    private static IReadOnlyList<FaultSpan> ReadFaults(CsvFile csv, Topology? topo)
    {
        int h = csv.Column("hours"), f = csv.Column("fault"), k = csv.Column("kind"), tg = csv.Column("target"), ev = csv.Column("event");
        var specs = topo?.Faults.GroupBy(x => x.Index).ToDictionary(g => g.Key, g => g.First()) ?? [];
        var spans = new List<FaultSpan>();
        var open = new Dictionary<int, Queue<int>>();
        foreach (var row in csv.Rows())
        {
            var t = row.Number(h);
            var idxNum = row.Number(f);
            if (double.IsNaN(t) || double.IsNaN(idxNum))
                throw new ReportException($"faults.csv: line {row.Line}: hours and fault must be numbers");
            var idx = (int)idxNum;
            var evt = row.Text(ev).ToLowerInvariant();
            switch (evt)
            {
                case "begin":
                    specs.TryGetValue(idx, out var spec);
                    spans.Add(new FaultSpan(idx, row.Text(k), row.Text(tg), t, null, spec));
                    if (!open.TryGetValue(idx, out var qu)) open[idx] = qu = new Queue<int>();
                    qu.Enqueue(spans.Count - 1);
                    break;
                case "end":
                    if (open.TryGetValue(idx, out var q) && q.Count > 0)
                    {
                        var i = q.Dequeue();
                        spans[i] = spans[i] with { End = t };
                    }
                    break;
                default:
                    throw new ReportException($"faults.csv: line {row.Line}: event '{row.Text(ev)}' is neither begin nor end");
            }
        }
        return spans.OrderBy(s => s.Begin).ThenBy(s => s.Index).ToList();
    }

    internal static string Format(double v, string format = "0.###") => v.ToString(format, CultureInfo.InvariantCulture);
}
