using System.Globalization;
using System.Text.Json;
using GridActors.Model.SupplyChain;
using GridActors.Reports.Format;

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
        var runFile = Json.Read<RunFile>(runDir, RunFolderFiles.Run)!;
        var summaryFile = Json.Read<SummaryFile>(runDir, RunFolderFiles.Summary)!;
        var topologyFile = Json.Read<TopologyFile>(runDir, RunFolderFiles.Topology, required: false);
        var topology = topologyFile is null ? null : ReadTopology(topologyFile);
        var summary = ReadSummary(summaryFile);
        var info = ReadInfo(runFile, summaryFile, topology);

        // Every CSV is checked before the long reads, so a missing file fails fast.
        // Columns come from the model's sample types, which the writer uses too; older folders may lack the optional ones.
        var plants = CsvFile.Open(runDir, EntityKinds.Plant.Csv!, "available_mw");
        var links = CsvFile.Open(runDir, EntityKinds.Link.Csv!, "delivered_mw", "loss_mw");
        var hubs = CsvFile.Open(runDir, EntityKinds.Hub.Csv!, [.. HubSample.OptionalColumns]);
        var users = CsvFile.Open(runDir, EntityKinds.Users.Csv!, "completed", "dropped");
        var faultsCsv = CsvFile.Open(runDir, RunFolderFiles.Faults, [.. FaultStep.CsvColumns]);

        var interval = topology?.DispatchIntervalHours is double di && di > 0 ? di : 5.0 / 60;
        var grid = new TimeGrid(info.HorizonHours, interval);
        var hourGrid = new TimeGrid(info.HorizonHours, 1);

        var (byType, curtail, total) = ReadPlants(plants, grid, topology);
        var linkStats = ReadLinks(links, grid, topology);
        var (hubStats, totalTokens) = ReadHubs(hubs, grid, interval);
        var (userStats, overallSlo) = ReadUsers(users, hourGrid, summary);
        var faults = ReadFaults(faultsCsv, topology);
        var batch = File.Exists(Path.Combine(runDir, EntityKinds.Scheduler.Csv!.File)) ? ReadScheduler(CsvFile.Open(runDir, EntityKinds.Scheduler.Csv!), hourGrid) : null;

        return new RunData
        {
            Dir = runDir, Info = info, Summary = summary, Topology = topology, Faults = faults,
            GenerationByType = byType, Curtailment = curtail, TotalGeneration = total,
            Links = linkStats, Hubs = hubStats, TotalTokensPerSecond = totalTokens, Users = userStats, OverallSloRate = overallSlo,
            Batch = batch,
            Cables = File.Exists(Path.Combine(runDir, EntityKinds.Cable.Csv!.File)) ? ReadCables(CsvFile.Open(runDir, EntityKinds.Cable.Csv!), hourGrid) : [],
        };
    }

    /// <summary>Each cable's hourly utilisation and added latency, in the order of the file (cable id order).</summary>
    private static IReadOnlyList<(Series, Series)> ReadCables(CsvFile csv, TimeGrid grid)
    {
        int e = csv.Column("entity");
        var map = csv.Map<CableSample>();
        var acc = new Dictionary<string, (MeanSeries Util, MeanSeries Latency)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in csv.Rows())
        {
            var id = row.Text(e);
            if (!acc.TryGetValue(id, out var a)) { acc[id] = a = (new MeanSeries(grid), new MeanSeries(grid)); order.Add(id); }
            var sample = row.Sample<CableSample>(map);
            a.Util.Add(sample.Hour + 0.5, sample.Utilisation);
            a.Latency.Add(sample.Hour + 0.5, sample.AddedLatencyMs);
        }
        return [.. order.Select(id => (acc[id].Util.ToSeries(id), acc[id].Latency.ToSeries(id)))];
    }

    private static RunInfo ReadInfo(RunFile run, SummaryFile summary, Topology? topo)
    {
        var horizonSeconds = run.HorizonSeconds ?? summary.SimulatedSeconds ?? (topo?.HorizonHours * 3600);
        if (horizonSeconds is not > 0)
            throw new ReportException("run.json: no positive horizonSeconds (and summary.json has no simulatedSeconds)");
        static string? Text(string s) => string.IsNullOrEmpty(s) ? null : s;
        return new RunInfo(
            Text(run.RunId) ?? Text(summary.RunId) ?? "(no runId)",
            Text(run.Scenario) ?? Text(summary.Scenario) ?? "(unknown scenario)",
            (run.Seed != 0 ? run.Seed : summary.Seed).ToString(CultureInfo.InvariantCulture),
            Text(run.Executor) ?? Text(summary.Executor) ?? "?",
            run.Nodes.ToString(CultureInfo.InvariantCulture),
            run.Entities?.ToString(CultureInfo.InvariantCulture) ?? "?",
            horizonSeconds.Value / 3600, topo?.Name, topo?.Policy);
    }

    private static RunSummary ReadSummary(SummaryFile s) => new()
    {
        Network = s.Network,
        Digest = s.Digest,
        Events = s.Events,
        GeneratedMWh = s.Energy?.GeneratedMWh,
        ConsumedMWh = s.Energy?.ConsumedMWh,
        LossesMWh = s.Energy?.LossesMWh,
        CurtailedMWh = s.Energy?.CurtailedMWh,
        UnservedMWh = s.Energy?.UnservedMWh,
        HubMWh = s.Energy?.HubMWh,
        CarbonT = s.Energy?.CarbonT,
        RequestsArrived = s.Requests?.Arrived,
        RequestsServed = s.Requests?.Served,
        RequestsDropped = s.Requests?.Dropped,
        DroppedBy = (s.Requests?.DroppedBy ?? new Dictionary<string, double>()).Select(kv => (kv.Key, kv.Value)).ToList(),
        TokensServed = s.Tokens?.Served,
        TokensArrived = s.Tokens?.Arrived,
        EnergyPerTokenJ = s.EnergyPerTokenJ?.Facility,
        CostTotal = s.CostPerMillionTokensUsd?.Total,
        CostElectricity = s.CostPerMillionTokensUsd?.Electricity,
        CostCapital = s.CostPerMillionTokensUsd?.Capital,
        CostNetwork = s.CostPerMillionTokensUsd?.Network,
        Drivers = DriversOf(s, out var why),
        DriversUnavailable = why,
        P50 = s.LatencyMs?.P50,
        P95 = s.LatencyMs?.P95,
        P99 = s.LatencyMs?.P99,
        LatencyByRegion = (s.LatencyMsByRegion ?? new Dictionary<string, Percentiles>()).Select(kv => new RegionLatency(kv.Key, kv.Value.P50, kv.Value.P95, kv.Value.P99)).ToList(),
        SloViolationRate = s.SloViolationRate,
        Batch = s.Batch,
        Invariants = s.Invariants is not { } inv ? [] :
        [
            ("energyConserved", inv.EnergyConserved ? "true" : "false"), ("requestsConserved", inv.RequestsConserved ? "true" : "false"),
            ("energyImbalance", inv.EnergyImbalance ?? "—"), ("requestImbalance", inv.RequestImbalance ?? "—"),
        ],
        // Folders written before calibration targets existed have none.
        Calibration = [.. (s.Calibration ?? []).Select(c => c with { Id = c.Id ?? "", Metric = c.Metric ?? "", Scope = c.Scope ?? "", Source = c.Source ?? "" })],
        Carbon = s.Carbon is not { } c ? null : new CarbonInfo(c.GPerMillionTokens, c.MarginalGPerMillionTokens,
            PerToken(c.GPerTokenByHub, c.MarginalGPerTokenByHub), PerToken(c.GPerTokenByUserRegion, c.MarginalGPerTokenByUserRegion),
            c.AttributedT, c.MarginalAttributedT, c.UnattributedT, c.Tokens, c.IdleHubsT),
    };

    /// <summary>Grams per token by id (mean and marginal), in the order of the mean's map, then ids only the marginal's has.</summary>
    private static List<CarbonPerToken> PerToken(IReadOnlyDictionary<string, double>? mean, IReadOnlyDictionary<string, double>? marginal)
    {
        mean ??= new Dictionary<string, double>();
        marginal ??= new Dictionary<string, double>();
        return [.. mean.Keys.Concat(marginal.Keys.Where(k => !mean.ContainsKey(k))).Where(k => k is not null)
            .Select(k => new CarbonPerToken(k, mean.TryGetValue(k, out var g) ? g : null, marginal.TryGetValue(k, out var m) ? m : null))];
    }

    /// <summary>The cost drivers of summary.json, or null and why: the run had none (its reason), the folder predates them, or a
    /// driver is missing.</summary>
    public static CostDrivers? DriversOf(SummaryFile s, out string? why)
    {
        why = null;
        if (s.CostDrivers is not { } d)
        {
            why = s.CostDriversUnavailable ?? "summary.json has no costDrivers (written by a version before them)";
            return null;
        }
        if (d.ElectricityUsdPerMWh is not double pe || d.Pue is not double pue || d.MeanItWPerAccelerator is not double p || d.AcceleratorUsdPerHour is not double pa
            || d.WorkTokensPerBusyAcceleratorSecond is not double tau || d.Utilisation is not double u || d.CacheFactor is not double c)
        {
            why = "summary.json: costDrivers lacks a driver (electricityUsdPerMWh, pue, meanItWPerAccelerator, acceleratorUsdPerHour, " +
                "workTokensPerBusyAcceleratorSecond, utilisation and cacheFactor are required)";
            return null;
        }
        return new CostDrivers(pe, pue, p, pa, tau, u, c, d.Margin ?? 1);
    }

    /// <summary>The topology as written, with ids never null (older or hand-made files may lack some) and plant types normalised.</summary>
    internal static Topology ReadTopology(TopologyFile t) => t with
    {
        Plants = [.. t.Plants.Select(p => p with { Id = p.Id ?? "", Region = p.Region ?? "", Type = NormaliseType(p.Type ?? p.Id ?? "") })],
        Regions = [.. t.Regions.Select(r => r with { Id = r.Id ?? "" })],
        Links = [.. t.Links.Select(l => l with { Id = l.Id ?? "", From = l.From ?? "", To = l.To ?? "" })],
        Hubs = [.. t.Hubs.Select(h => h with { Id = h.Id ?? "", Region = h.Region ?? "", Role = h.Role ?? "" })],
        Cables = [.. t.Cables.Select(c => c with { Id = c.Id ?? "" })],
        Users = [.. t.Users.Select(u => u with { Id = u.Id ?? "", Routes = [.. (u.Routes ?? []).Select(r => r with { Hub = r.Hub ?? "" })] })],
        Faults = [.. t.Faults.Select(f => f with { Kind = f.Kind ?? "", Target = f.Target ?? "" })],
    };


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
        int e = csv.Column("entity");
        var map = csv.Map<PlantSample>();
        var typeOf = topo?.Plants.GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First().Type) ?? [];
        var byType = new Dictionary<string, GroupSumSeries>();
        var curtail = new GroupSumSeries(grid);
        var total = new GroupSumSeries(grid);
        string? lastEntity = null;
        GroupSumSeries? lastGroup = null;
        foreach (var row in csv.Rows())
        {
            var entity = row.Text(e);
            var p = row.Sample<PlantSample>(map);
            if (entity != lastEntity)
            {
                var type = typeOf.TryGetValue(entity, out var ty) ? ty : NormaliseType(entity);
                if (!byType.TryGetValue(type, out lastGroup)) byType[type] = lastGroup = new GroupSumSeries(grid);
                lastEntity = entity;
            }
            lastGroup!.Add(entity, p.Hours, p.DispatchedMW);
            total.Add(entity, p.Hours, p.DispatchedMW);
            curtail.Add(entity, p.Hours, p.CurtailedMW);
        }
        var series = PlantTypes.Where(byType.ContainsKey).Select(t => byType[t].ToSeries(t)).ToList();
        return (series, curtail.ToSeries("curtailment"), total.ToSeries("generation"));
    }

    private static IReadOnlyList<LinkStat> ReadLinks(CsvFile csv, TimeGrid grid, Topology? topo)
    {
        int e = csv.Column("entity");
        var map = csv.Map<LinkSample>();
        var acc = new Dictionary<string, LinkAcc>(StringComparer.Ordinal);
        foreach (var row in csv.Rows())
        {
            var id = row.Text(e);
            if (!acc.TryGetValue(id, out var a)) acc[id] = a = new LinkAcc(grid);
            var sample = row.Sample<LinkSample>(map);
            var t = sample.Hours;
            var sent = sample.SentMW;
            var capacity = sample.CapacityMW;
            if (double.IsNaN(sent)) continue;
            var u = capacity > 0 ? sent / capacity : 0;
            a.Util.Add(t, u);
            a.N++;
            a.SumUtil += u;
            a.SumSent += sent;
            a.Peak = Math.Max(a.Peak, u);
            a.MaxCap = Math.Max(a.MaxCap, double.IsNaN(capacity) ? 0 : capacity);
            if (!double.IsNaN(sample.LossMW)) a.SumLoss += sample.LossMW;
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
        int e = csv.Column("entity");
        var map = csv.Map<HubSample>();
        var acc = new Dictionary<string, HubAcc>(StringComparer.Ordinal);
        var total = new GroupSumSeries(grid);
        foreach (var row in csv.Rows())
        {
            var id = row.Text(e);
            if (!acc.TryGetValue(id, out var a)) acc[id] = a = new HubAcc(grid);
            var sample = row.Sample<HubSample>(map);
            var t = sample.Hours;
            var grant = sample.GrantMW;
            var usable = sample.UsableServers;
            var busy = sample.BusyServers;
            var queued = sample.QueuedRequests;
            var tokens = sample.TokensServed;
            a.Grant.Add(t, grant);
            a.Util.Add(t, usable > 0 ? busy / usable : 0);
            var serving = sample.ServingReplicas;
            a.Serving.Add(t, double.IsNaN(serving) ? double.NaN : usable > 0 ? serving / usable : 0);
            if (!double.IsNaN(serving)) { a.SumServing += serving; a.ServingN++; }
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
                kv.Value.Queue.ToSeries(kv.Key), kv.Value.Tps.ToSeries(kv.Key), kv.Value.Serving.ToSeries(kv.Key),
                kv.Value.ServingN > 0 ? kv.Value.SumServing / kv.Value.ServingN : double.NaN))
            .OrderByDescending(x => x.TokensServed).ThenBy(x => x.Id, StringComparer.Ordinal).ToList();
        return (hubs, total.ToSeries("tokens/s"));
    }

    private sealed class HubAcc(TimeGrid grid)
    {
        public readonly MeanSeries Grant = new(grid), Util = new(grid), Queue = new(grid), Tps = new(grid), Serving = new(grid);
        public int N, ServingN;
        public double SumGrant, SumUtil, PeakQueue, Tokens, LastT, SumServing;
    }

    private static (IReadOnlyList<UserStat>, Series) ReadUsers(CsvFile csv, TimeGrid grid, RunSummary summary)
    {
        int e = csv.Column("entity");
        var map = csv.Map<UserSample>();
        var acc = new Dictionary<string, UserAcc>(StringComparer.Ordinal);
        var overall = new RatioSeries(grid);
        foreach (var row in csv.Rows())
        {
            var id = row.Text(e);
            if (!acc.TryGetValue(id, out var a)) acc[id] = a = new UserAcc(grid);
            var sample = row.Sample<UserSample>(map);
            var x = sample.Hour + 0.5; // hour k covers [k, k+1): drawn at its middle
            var arrived = sample.Arrived;
            var slo = sample.SloViolations;
            var ttft = sample.MeanTtftMs;
            var completed = double.IsNaN(sample.Completed) ? arrived : sample.Completed;
            a.Slo.Add(x, slo, arrived);
            overall.Add(x, slo, arrived);
            if (!double.IsNaN(ttft) && completed > 0) a.Ttft.Add(x, ttft * completed, completed);
            if (!double.IsNaN(arrived)) a.Arrived += arrived;
            if (!double.IsNaN(slo)) a.Violations += slo;
            if (!double.IsNaN(sample.Dropped)) a.Dropped += sample.Dropped;
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

    /// <summary>scheduler.csv: one row per hour (its index in <c>hour</c>), stamped at the end of the hour and averaged per bucket
    /// when the run has more hours than a chart has points.</summary>
    private static BatchSeries ReadScheduler(CsvFile csv, TimeGrid grid)
    {
        var map = csv.Map<SchedulerSample>();
        var columns = SchedulerSample.Columns;
        var series = columns.Skip(1).Select(_ => new MeanSeries(grid)).ToArray();
        var values = new double[columns.Count];
        foreach (var row in csv.Rows())
        {
            for (int c = 0; c < columns.Count; c++) values[c] = map[c] < 0 ? double.NaN : row.Number(map[c]);
            if (double.IsNaN(values[0]))
                throw new ReportException($"{csv.Name}: line {row.Line}: hour must be a number");
            for (int c = 1; c < columns.Count; c++) series[c - 1].Add(values[0] + 1, values[c]);
        }
        return new BatchSeries(series[0].ToSeries("held requests"), series[1].ToSeries("held tokens"), series[2].ToSeries("released requests"),
            series[3].ToSeries("released to surplus hubs (tokens)"), series[4].ToSeries("missed requests"));
    }

    private static IReadOnlyList<FaultSpan> ReadFaults(CsvFile csv, Topology? topo)
    {
        var c = FaultStep.CsvColumns; // hours, fault, kind, target, event — as the run folder writes them
        int h = csv.Column(c[0]), f = csv.Column(c[1]), k = csv.Column(c[2]), tg = csv.Column(c[3]), ev = csv.Column(c[4]);
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
