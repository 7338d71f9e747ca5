using System.Globalization;
using System.Text;
using System.Text.Json;
using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Reports.Format;
using GridActors.Scenarios;

namespace GridActors.Hosting.Runs;

/// <summary>
/// Writes a run folder: run.json, summary.json (the records of <see cref="Reports.Format"/>, which the reports read back),
/// one CSV per entity kind that records series (columns from the kind's sample type), faults.csv and topology.json. Written
/// into <c>DIR.partial</c> and moved into place, so a folder is complete or absent.
/// </summary>
public static class RunFolderWriter
{
    public static void Write(string dir, SupplyChainModel model, RunFile run, SummaryFile summary, SupplyChainSummary s, long endMicros,
        IReadOnlyList<FaultSpec> injected)
    {
        var tmp = dir + ".partial";
        if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        Directory.CreateDirectory(tmp);
        File.WriteAllText(Path.Combine(tmp, RunFolderFiles.Run), JsonSerializer.Serialize(run, RunFolderJson.Indented));
        File.WriteAllText(Path.Combine(tmp, RunFolderFiles.Summary), JsonSerializer.Serialize(summary, RunFolderJson.Indented));
        foreach (var kind in EntityKinds.All)
            if (kind.Csv is { } csv) WriteCsv(tmp, csv, s, kind.Prefix);
        File.WriteAllText(Path.Combine(tmp, RunFolderFiles.Faults), FaultsCsv(model.Spec, s, endMicros, injected));
        File.WriteAllText(Path.Combine(tmp, RunFolderFiles.Topology), JsonSerializer.Serialize(Topology(model.Spec, endMicros, injected), RunFolderJson.Indented));
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.Move(tmp, dir);
    }

    /// <summary>The fault timeline: scenario faults as the timeline entity logged them, then injected ones (numbered after them),
    /// which begin and end exactly when injected.</summary>
    private static string FaultsCsv(SupplyChainSpec spec, SupplyChainSummary s, long endMicros, IReadOnlyList<FaultSpec> injected)
    {
        var faults = new StringBuilder().AppendJoin(',', FaultStep.CsvColumns).Append('\n');
        foreach (var (h, f, begin) in s.FaultLog)
        {
            var fault = spec.Faults[f];
            faults.Append(CultureInfo.InvariantCulture, $"{h:0.######},{f},{fault.Kind},{fault.Target},{(begin ? "begin" : "end")}\n");
        }
        int first = spec.Faults.Count;
        var steps = new List<(double Hours, int Fault, FaultSpec Spec, bool Begin)>();
        for (int i = 0; i < injected.Count; i++)
        {
            var f = injected[i];
            steps.Add((SimTime.ToHours(f.StartMicros), first + i, f, true));
            if (f.DurationMicros > 0 && f.StartMicros + f.DurationMicros < endMicros) steps.Add((SimTime.ToHours(f.StartMicros + f.DurationMicros), first + i, f, false));
        }
        foreach (var (h, f, fault, begin) in steps.OrderBy(x => x.Hours).ThenBy(x => x.Fault))
            faults.Append(CultureInfo.InvariantCulture, $"{h:0.######},{f},{fault.Kind},{fault.Target},{(begin ? "begin" : "end")}\n");
        return faults.ToString();
    }

    /// <summary>What the report's map and fault timeline need: every element with its place (regions sit at the mean of their
    /// plants and hubs; users where the scenario puts them, else null) and every fault, scenario and injected.</summary>
    public static TopologyFile Topology(SupplyChainSpec spec, long endMicros, IReadOnlyList<FaultSpec>? injected = null)
    {
        var places = spec.Plants.Select(p => (p.Region, p.Lat, p.Lon)).Concat(spec.Hubs.Select(h => (h.Region, h.Lat, h.Lon)))
            .GroupBy(x => x.Region).ToDictionary(g => g.Key, g => (Lat: g.Average(x => x.Lat), Lon: g.Average(x => x.Lon)));
        return new TopologyFile
        {
            Name = spec.Name,
            HorizonHours = SimTime.ToHours(endMicros),
            DispatchIntervalHours = SimTime.ToHours(spec.DispatchIntervalMicros),
            Policy = spec.Policy.Name,
            Plants = [.. spec.Plants.Select(p => new TopologyPlant(p.Id, p.Region, p.Type.ToString().ToLowerInvariant(), p.CapacityMW, p.Lat, p.Lon))],
            Regions = [.. spec.Regions.Select(g => new TopologyRegion(g.Id, g.BackgroundLoadMW,
                places.TryGetValue(g.Id, out var at) ? Math.Round(at.Lat, 4) : null, places.TryGetValue(g.Id, out var at2) ? Math.Round(at2.Lon, 4) : null))],
            Links = [.. spec.Links.Select(l => new TopologyLink(l.Id, l.From, l.To, l.CapacityMW, l.LengthKm))],
            Hubs = [.. spec.Hubs.Select(h => new TopologyHub(h.Id, h.Region, h.East ? "east" : "west", h.Lat, h.Lon, h.Servers))],
            Cables = [.. spec.Cables.Select(c => new TopologyCable(c.Id, c.LengthKm, c.CapacityTbps))],
            LandingStations = [.. spec.LandingStations.Select(x => new TopologyStation(x.Id, x.Lat, x.Lon))],
            Segments = [.. spec.Segments.Select(x => new TopologySegment(x.Id, x.LengthKm))],
            Users = [.. spec.Users.Select(u => new TopologyUser(u.Id, u.Lat, u.Lon, u.SloTtftMs,
                [.. u.Routes.Select(r => new TopologyRoute(r.Hub, r.Cable) { Via = r.Via.Count > 0 ? r.Via : null })]))],
            Faults = [.. spec.Faults.Select(f => (f, "scenario")).Concat((injected ?? []).Select(f => (f, "injected"))).Select((x, i) =>
                new TopologyFault(i, x.f.Kind, x.f.Target, SimTime.ToHours(x.f.StartMicros), SimTime.ToHours(x.f.DurationMicros), x.f.Fraction, x.f.Multiplier, x.Item2))],
        };
    }

    private static void WriteCsv(string dir, CsvTable csv, SupplyChainSummary s, string prefix)
    {
        var sb = new StringBuilder().AppendJoin(',', csv.Columns).Append('\n');
        foreach (var (key, series) in s.SeriesByEntity.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            foreach (var row in series.Samples)
                sb.Append(key[prefix.Length..]).Append(',').AppendJoin(',', row.Values().Select(v => v.ToString("0.######", CultureInfo.InvariantCulture))).Append('\n');
        File.WriteAllText(Path.Combine(dir, csv.File), sb.ToString());
    }
}

/// <summary>The run folder's summary (summary.json, <c>run --json</c>, the registry) from a run's result.</summary>
public static class RunSummaries
{
    public static SummaryFile Of(string runId, Scenario scenario, string executor, ulong seed, RunResult r, SupplyChainSummary s, double wall,
        IReadOnlyList<InjectionInfo> injections, ClusterInfo cluster)
    {
        static Percentiles P(LatencyHistogram h) => new(Math.Round(h.Percentile(0.5), 2), Math.Round(h.Percentile(0.95), 2), Math.Round(h.Percentile(0.99), 2));
        var (drivers, noDrivers) = DriversOf(s);
        return new SummaryFile
        {
            RunId = runId,
            Scenario = scenario.Path,
            ScenarioHash = scenario.Hash,
            Seed = seed,
            Executor = executor,
            EngineVersion = EngineInfo.Version,
            Digest = r.Digest,
            Events = r.Events,
            WallSeconds = Math.Round(wall, 3),
            SimulationWallSeconds = Math.Round(r.WallSeconds, 3),
            CheckpointWallSeconds = Math.Round(r.CheckpointSeconds, 3),
            SimulatedSeconds = r.End.TotalSeconds,
            Energy = new EnergySummary(Math.Round(s.GeneratedMWh, 3), Math.Round(s.ConsumedMWh, 3), Math.Round(s.LossesMWh, 3), Math.Round(s.CurtailedMWh, 3),
                Math.Round(s.UnservedMWh, 3), Math.Round(s.HubMWh, 3), Math.Round(s.CarbonT, 3),
                new CurtailmentByType(Math.Round(s.CurtailedWindMWh, 3), Math.Round(s.CurtailedSolarMWh, 3), Math.Round(s.HydroSpillMWh, 3)),
                s.CurtailmentShareByRegion.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 6)),
                new StorageSummary(Math.Round(s.StorageChargedMWh, 3), Math.Round(s.StorageDischargedMWh, 3), Math.Round(s.StorageLossesMWh, 3)),
                Math.Round(s.StartupCostUsd, 3), Math.Round(s.FlexShedMWh, 3)),
            Requests = new RequestSummary(s.Arrived, s.Served, s.QueuedAtEnd, s.InFlightAtEnd, s.Dropped, s.DroppedBy, s.Rerouted,
                new HubRequestSummary(s.HubReceived, s.HubServed, s.HubDropped)),
            HubWaitMs = new MeanSummary(Math.Round(s.HubWaitMsMean, 3)),
            Tokens = s.InputTokens + s.OutputTokens > 0
                ? new TokenSummary(s.TokensServed, s.TokensArrived)
                {
                    Input = Math.Round(s.InputTokens), Output = Math.Round(s.OutputTokens), CacheHit = Math.Round(s.CachedTokens), KvPeakShare = Math.Round(s.KvPeakShare, 6),
                }
                : new TokenSummary(s.TokensServed, s.TokensArrived),
            EnergyPerTokenJ = new EnergyPerToken(Math.Round(s.EnergyPerTokenJ, 6),
                s.InputTokens > 0 ? Math.Round(s.InputEnergyPerTokenJ, 6) : null, s.OutputTokens > 0 ? Math.Round(s.OutputEnergyPerTokenJ, 6) : null),
            CostPerMillionTokensUsd = new CostSummary(
                Math.Round(s.CostPerMillionTokens(s.CostElectricity + s.CostCapital + s.CostNetwork), 6), Math.Round(s.CostPerMillionTokens(s.CostElectricity), 6),
                Math.Round(s.CostPerMillionTokens(s.CostCapital), 6), Math.Round(s.CostPerMillionTokens(s.CostNetwork), 6)),
            Carbon = CarbonOf(s.Carbon),
            CostDrivers = drivers,
            CostDriversUnavailable = noDrivers,
            LatencyMs = new Percentiles(Math.Round(s.P50, 2), Math.Round(s.P95, 2), Math.Round(s.P99, 2)),
            LatencyMsByRegion = s.TtftByRegion.ToDictionary(kv => kv.Key, kv => P(kv.Value)),
            LatencyMsByClass = s.ByClass.Count == 0 ? null : s.ByClass.ToDictionary(kv => kv.Key, kv => new ClassLatencyInfo(P(kv.Value.Ttft), P(kv.Value.Tpot),
                Math.Round(kv.Value.Ttft.Total), kv.Value.Ttft.Total > 0 ? Math.Round(kv.Value.SloMisses / kv.Value.Ttft.Total, 6) : 0,
                Math.Round(kv.Value.InputTokens), Math.Round(kv.Value.OutputTokens))),
            BatchTurnaroundMs = P(s.BatchTurnaround),
            BatchTurnaroundMsByRegion = s.BatchTurnaroundByRegion.ToDictionary(kv => kv.Key, kv => P(kv.Value)),
            SloViolationRate = Math.Round(s.SloViolationRate, 6),
            Batch = scenario.Spec.Batch is { } batch
                ? new BatchSummary(batch.Policy switch { BatchPolicy.GreenAware => "green-aware", BatchPolicy.PriceAware => "price-aware", _ => "latency-first" },
                    batch.Shift switch { BatchShift.Time => "time", BatchShift.Space => "space", _ => "time+space" },
                    Math.Round(s.BatchHeld), Math.Round(s.BatchReleased), Math.Round(s.BatchHeldAtEnd), Math.Round(s.BatchDone),
                    new Dictionary<string, double> { ["late"] = Math.Round(s.BatchLate), ["no-capacity"] = Math.Round(s.BatchDropped) })
                : null,
            Network = s.Cables.Count == 0 ? null : new NetworkSummary(Math.Round(s.BytesSent), Math.Round(s.BytesCarried), Math.Round(s.BytesDropped),
                s.Cables.ToDictionary(kv => kv.Key, kv =>
                {
                    var rows = kv.Value.Series.Rows;
                    return new CableSummary(rows.Count == 0 ? 0 : Math.Round(rows.Average(x => x.Utilisation), 6), rows.Count == 0 ? 0 : Math.Round(rows.Max(x => x.PeakUtilisation), 6),
                        rows.Count == 0 ? 0 : Math.Round(rows.Max(x => x.AddedLatencyMs), 3), rows.Sum(x => x.Requests), rows.Sum(x => x.DroppedCongestion),
                        rows.Sum(x => x.LostToCut), rows.Sum(x => x.DroppedPathDown), rows.Count(x => x.Cut > 0));
                }))
                { ForeignTokens = Math.Round(s.ForeignTokens), ForeignTokensIntoChinaShare = Math.Round(s.ForeignTokensIntoChinaShare, 6) },
            Invariants = new InvariantSummary(s.EnergyConserved, s.RequestsConserved, s.EnergyImbalance, s.RequestImbalance),
            Calibration = CalibrationOf(scenario.Spec, s),
            Injections = injections,
            Nodes = cluster.Nodes,
            Placement = cluster.Placement,
            Failovers = cluster.Failovers,
            CrossNode = cluster.CrossNode,
        };
    }

    /// <summary>Carbon per token as summary.json writes it: grams to 9 significant digits (a token's are ~1e-4 g), tonnes to
    /// the gram.</summary>
    public static CarbonSummary CarbonOf(CarbonAttribution c)
    {
        static double G9(double v) => double.Parse(v.ToString("G9", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        static Dictionary<string, double> By(SortedDictionary<string, CarbonTally> d, Func<CarbonTally, double> f) =>
            d.Where(kv => kv.Value.Tokens > 0).ToDictionary(kv => kv.Key, kv => G9(f(kv.Value)), StringComparer.Ordinal);
        return new CarbonSummary(G9(c.GPerMillionTokens), G9(c.MarginalGPerMillionTokens),
            By(c.ByHub, t => t.GPerToken), By(c.ByHub, t => t.MarginalGPerToken),
            By(c.ByUserRegion, t => t.GPerToken), By(c.ByUserRegion, t => t.MarginalGPerToken),
            Math.Round(c.AttributedKg / 1000, 6), Math.Round(c.AttributedMarginalKg / 1000, 6), Math.Round(c.UnattributedKg / 1000, 6), Math.Round(c.Tokens),
            Math.Round(c.IdleHubsKg / 1000, 6));
    }

    /// <summary>The run's cost drivers, unrounded (a comparison recomputes the cost from them), or why it has none.</summary>
    public static (CostDriversInfo? Drivers, string? Unavailable) DriversOf(SupplyChainSummary s)
    {
        try
        {
            var d = CostDrivers.From(s);
            return (new CostDriversInfo(d.ElectricityUsdPerMWh, d.Pue, d.MeanItWPerAccelerator, d.AcceleratorUsdPerHour,
                d.WorkTokensPerBusyAcceleratorSecond, d.Utilisation, d.CacheFactor, d.Margin, d.CostPerMillionTokens), null);
        }
        catch (CostModelException ex)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>The scenario's calibration targets evaluated on the run (values to 9 significant digits).</summary>
    public static IReadOnlyList<CalibrationInfo> CalibrationOf(SupplyChainSpec spec, SupplyChainSummary s) =>
        [.. Calibration.Evaluate(spec, s).Select(r => new CalibrationInfo(r.Target.Id, r.Target.Metric, r.Target.ScopeText,
            r.Value is double v && double.IsFinite(v) ? double.Parse(v.ToString("G9", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : null,
            r.Target.Low, r.Target.High, r.Pass, r.Target.Source))];

    public static RunFile RunFileOf(SummaryFile summary, long endMicros, int entities) => new()
    {
        RunId = summary.RunId,
        Scenario = summary.Scenario,
        ScenarioHash = summary.ScenarioHash,
        Seed = summary.Seed,
        Executor = summary.Executor,
        EngineVersion = summary.EngineVersion,
        HorizonSeconds = endMicros / (double)SimTime.MicrosPerSecond,
        Entities = entities,
        Nodes = summary.Nodes,
        Placement = summary.Placement,
        Failovers = summary.Failovers,
        CrossNode = summary.CrossNode,
    };
}
