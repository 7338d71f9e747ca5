using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// What a supply-chain run produced, read from the run result's metric totals and entity reports:
/// energy balance over complete dispatch intervals, request accounting, latency percentiles, costs,
/// and the two conservation invariants. Energy: generated (what plants could produce and were dispatched or
/// curtailed/spilled) = consumed + link losses + curtailed (wind, solar, hydro spill) + storage losses + change of
/// stored energy.
/// </summary>
public sealed class SupplyChainSummary
{
    public double GeneratedMWh, DispatchedMWh, ConsumedMWh, LossesMWh, CurtailedMWh, UnservedMWh, HubMWh, CarbonT;

    /// <summary>Hub load short regions shed as flexible demand (MWh; not counted as unserved).</summary>
    public double FlexShedMWh;
    /// <summary>Curtailment by kind of generation (MWh): wind, solar, and hydro spill (run-of-river output nobody took,
    /// reservoir water beyond a full reservoir); <see cref="CurtailedMWh"/> is their sum.</summary>
    public double CurtailedWindMWh, CurtailedSolarMWh, HydroSpillMWh;
    /// <summary>Wind + solar curtailed and available (MWh) by region, for <see cref="CurtailmentShareByRegion"/>.</summary>
    public SortedDictionary<string, (double Curtailed, double Available)> WindSolarByRegion = new(StringComparer.Ordinal);
    /// <summary>Storage: energy taken from the grid, given to it, lost on the way, and the change of what is stored (MWh).</summary>
    public double StorageChargedMWh, StorageDischargedMWh, StorageLossesMWh, StoredChangeMWh;
    /// <summary>Start-up cost of thermal units (USD).</summary>
    public double StartupCostUsd;
    public double Arrived, Served, Dropped, QueuedAtEnd, InFlightAtEnd, Rerouted;
    /// <summary>Requests as the hubs counted them: received, served and dropped there (queue overflow, hub down).</summary>
    public double HubReceived, HubServed, HubDropped;
    /// <summary>Mean wait before service (ms): of a bundle in the queue of a hub of serving units, of a request for admission
    /// to a replica at a hub on accelerators (each simulated request weighted by the requests it stands for).</summary>
    public double HubWaitMsMean;
    public Dictionary<string, double> DroppedBy = [];
    public double TokensServed, TokensArrived;
    public double CostElectricity, CostCapital, CostNetwork;
    /// <summary>The serving model's accounting (0 until it writes them; <see cref="CostDrivers.From"/> then falls back to the hub
    /// servers): IT energy drawn (MWh, facility energy ÷ PUE), accelerator-hours provisioned and busy, input tokens, the input tokens
    /// served from the prefix cache, output tokens, and list-price revenue (USD; 0: no list prices).</summary>
    public double ItMWh, AcceleratorHours, BusyAcceleratorHours, InputTokens, CachedTokens, OutputTokens, RevenueUsd;

    /// <summary>Batch work with deadlines (requests; see <see cref="BatchScheduler"/>): taken in and released by the
    /// scheduler, still held at the end, completed, completed after the deadline, dropped at the deadline.</summary>
    public double BatchHeld, BatchReleased, BatchHeldAtEnd, BatchDone, BatchLate, BatchDropped;

    /// <summary>The batch scheduler's hourly series, or null without one.</summary>
    public Series<SchedulerSample>? SchedulerSeries;
    /// <summary>IT energy drawn while prefilling, by the accelerators that prefill with their share of node overhead (MWh).</summary>
    public double PrefillItMWh;

    /// <summary>Most KV tokens any simulated replica held at once, as a share of its cache (above 1 only with live
    /// admission, where a real engine would preempt).</summary>
    public double KvPeakShare;

    /// <summary>IT energy per input token: what prefilling drew ÷ input tokens (J; 0 without hubs on accelerators).</summary>
    public double InputEnergyPerTokenJ => InputTokens > 0 ? PrefillItMWh * JoulesPerMWh / InputTokens : 0;

    /// <summary>IT energy per output token: the rest of the IT energy (decoding, idle, overhead) ÷ output tokens (J).</summary>
    public double OutputEnergyPerTokenJ => OutputTokens > 0 ? (ItMWh - PrefillItMWh) * JoulesPerMWh / OutputTokens : 0;
    public double P50, P95, P99, SloViolations, RealTimeServed;
    public bool EnergyConserved, RequestsConserved;
    public string? EnergyImbalance, RequestImbalance;
    public int CompleteIntervals;
    public Dictionary<string, LatencyHistogram> TtftByRegion = [];
    /// <summary>Requests of classes served on replicas, by "user region/class": TTFT, TPOT, objective misses, tokens.</summary>
    public SortedDictionary<string, ClassLatency> ByClass = new(StringComparer.Ordinal);

    /// <summary>Adds a hub's record of one user region's class; real-time classes also count in the region's TTFT.</summary>
    public void AddClassLatency(string region, string cls, bool realTime, ClassLatency l)
    {
        string key = region + "/" + cls;
        if (!ByClass.TryGetValue(key, out var all)) ByClass[key] = all = new ClassLatency();
        all.Merge(l);
        if (!realTime) return;
        if (!TtftByRegion.TryGetValue(region, out var h)) TtftByRegion[region] = h = new LatencyHistogram();
        h.Merge(l.Ttft);
    }
    /// <summary>Turnaround (creation to response) of batch requests, by user region and overall (ms).</summary>
    public Dictionary<string, LatencyHistogram> BatchTurnaroundByRegion = [];
    public LatencyHistogram BatchTurnaround = new();
    /// <summary>Carbon per token: hub carbon attributed to the tokens of each hub and user region (<see cref="HubCarbon"/>).</summary>
    public CarbonAttribution Carbon { get; } = new();
    /// <summary>Each entity's time series, by entity key (rows of its kind's run-folder CSV).</summary>
    public Dictionary<string, ISeries> SeriesByEntity = [];
    public List<(double Hours, int Fault, bool Begin)> FaultLog = [];

    /// <summary>Each cable's report (hourly utilisation, added latency, drops), by cable id.</summary>
    public SortedDictionary<string, CableReport> Cables = new(StringComparer.Ordinal);

    /// <summary>Bytes of requests put on cables, carried by them and dropped there (tokens × bytes per token), and the
    /// difference: bytes still crossing at the end (never negative when bytes are conserved).</summary>
    public double BytesSent, BytesCarried, BytesDropped;
    public double BytesInFlight => BytesSent - BytesCarried - BytesDropped;
    public bool BytesConserved => BytesInFlight >= -1e-6 * Math.Max(1, BytesSent);

    /// <summary>Tokens served to foreign user regions (a route of theirs takes a cable) by any hub, and by hubs in China
    /// (not <see cref="HubSpec.Overseas"/>), over complete dispatch intervals (from the carbon attribution's account).</summary>
    public double ForeignTokens, ForeignTokensInChina;

    /// <summary>Share of foreign users' tokens that crossed into China (1 when every hub is in China; 0 without foreign tokens).</summary>
    public double ForeignTokensIntoChinaShare => ForeignTokens > 0 ? ForeignTokensInChina / ForeignTokens : 0;


    /// <summary>The metrics this summary read, by name (every declared metric is read: a test checks it).</summary>
    public IReadOnlyCollection<string> MetricsRead => _metricsRead;
    private readonly SortedSet<string> _metricsRead = new(StringComparer.Ordinal);

    /// <summary>The topology the run simulated (reports look up their entity's spec in it).</summary>
    public SupplyChainSpec Spec { get; private set; } = null!;
    private Dictionary<string, PlantSpec> _plants = [];

    /// <summary>The spec of plant <paramref name="id"/>.</summary>
    public PlantSpec Plant(string id) => _plants[id];

    /// <summary>(wind + solar curtailed) ÷ (wind + solar available) by region, over regions with wind or solar.</summary>
    public SortedDictionary<string, double> CurtailmentShareByRegion =>
        new(WindSolarByRegion.Where(x => x.Value.Available > 0).ToDictionary(x => x.Key, x => x.Value.Curtailed / x.Value.Available), StringComparer.Ordinal);

    /// <summary>Simulated time the run covered (h).</summary>
    public double SimulatedHours { get; private set; }

    /// <summary>Length of a dispatch interval (h).</summary>
    public double IntervalHours { get; private set; }

    /// <summary>Dispatch intervals the run started (a hub ticks, and books its capital cost, at the start of each: ⌈end ÷ interval⌉).</summary>
    public long StartedIntervals { get; private set; }
    private long _intervalMicros;

    /// <summary>Joules in a megawatt-hour.</summary>
    public const double JoulesPerMWh = 3.6e9;

    /// <summary>Tokens in the unit costs are quoted per (a million).</summary>
    public const double TokensPerMillion = 1e6;

    public double EnergyPerTokenJ => TokensServed > 0 ? HubMWh * JoulesPerMWh / TokensServed : 0;
    public double CostPerMillionTokens(double usd) => TokensServed > 0 ? usd / TokensServed * TokensPerMillion : 0;
    public double SloViolationRate => RealTimeServed > 0 ? SloViolations / RealTimeServed : 0;

    /// <summary>Whether the dispatch interval of a sample at <paramref name="hours"/> completed before the end.</summary>
    public bool IsComplete(double hours) => (int)((long)Math.Round(hours * SimTime.MicrosPerHour) / _intervalMicros) < CompleteIntervals;

    /// <summary>The rows of one entity's series (e.g. <c>SeriesOf&lt;LinkSample&gt;("link/x")</c>).</summary>
    public IReadOnlyList<T> SeriesOf<T>(string key) where T : ISample<T> => ((Series<T>)SeriesByEntity[key]).Rows;

    public static SupplyChainSummary From(SupplyChainModel model, RunResult result)
    {
        var s = new SupplyChainSummary();
        var spec = model.Spec;
        double Metric(int id)
        {
            s._metricsRead.Add(result.MetricNames[id]);
            return result.MetricTotals[id];
        }
        s.Spec = spec;
        s._plants = spec.Plants.ToDictionary(p => p.Id, StringComparer.Ordinal);
        s._intervalMicros = spec.DispatchIntervalMicros;
        s.IntervalHours = model.IntervalHours;
        s.SimulatedHours = result.End.Micros / (double)SimTime.MicrosPerHour;
        // An interval's message rounds take ~7 energy delays; count only intervals completed before the end.
        long settle = 10 * SupplyChainModel.EnergyDelay.Micros;
        s.CompleteIntervals = (int)Math.Max(0, (result.End.Micros - settle) / spec.DispatchIntervalMicros + 1);
        s.StartedIntervals = (result.End.Micros + spec.DispatchIntervalMicros - 1) / spec.DispatchIntervalMicros;

        // Every entity adds its own report, in entity-id order (so sums are identical wherever entities ran).
        var reports = result.Reports;
        for (int id = 0; id < model.EntityCount; id++)
        {
            var kind = model.KindOf(id);
            using var r = new BinaryReader(new MemoryStream(reports[id]));
            var report = kind.ReadReport(r);
            string key = model.EntityKey(id);
            if (report.Series is { } series) s.SeriesByEntity[key] = series;
            report.AddTo(s, key[kind.Prefix.Length..]);
        }

        s.Carbon.SpreadIdleHubs();
        var foreign = spec.Users.Where(u => u.Routes.Any(r => r.Cable is not null)).Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        var overseas = spec.Hubs.Where(h => h.Overseas).Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var ((hub, user), tokens) in s.Carbon.TokensByHubAndUser)
        {
            if (!foreign.Contains(user)) continue;
            s.ForeignTokens += tokens;
            if (!overseas.Contains(hub)) s.ForeignTokensInChina += tokens;
        }

        s.HubMWh = Metric(M.HubEnergy);
        s.FlexShedMWh = Metric(M.FlexShed);
        s.CarbonT = Metric(M.Carbon);
        s.Arrived = Metric(M.Arrived);
        s.Served = Metric(M.Completed);
        s.DroppedBy = new Dictionary<string, double>
        {
            ["queue-overflow"] = Metric(M.DropQueue),
            ["hub-down"] = Metric(M.DropHubDown),
            ["no-route"] = Metric(M.DropNoRoute),
            ["cable-cut"] = Metric(M.DropCableCut),
            ["deadline-missed"] = Metric(M.DropDeadline),
            ["congestion"] = Metric(M.DropCongestion),
            ["lost-in-flight"] = Metric(M.DropLostInFlight),
            ["path-down"] = Metric(M.DropPathDown),
        };
        s.BytesSent = Metric(M.BytesSent);
        s.BytesCarried = Metric(M.BytesCarried);
        s.BytesDropped = Metric(M.BytesDropped);
        s.BatchHeld = Metric(M.BatchHeld);
        s.BatchReleased = Metric(M.BatchReleased);
        s.BatchDone = Metric(M.BatchDone);
        s.BatchLate = Metric(M.BatchLate);
        s.BatchDropped = Metric(M.DropDeadline);
        s.Dropped = s.DroppedBy.Values.Sum();
        s.InFlightAtEnd = (Metric(M.NetRequestsSent) - Metric(M.NetRequestsReceived)) + (Metric(M.NetResponsesSent) - Metric(M.NetResponsesReceived));
        s.TokensServed = Metric(M.TokensServed);
        s.TokensArrived = Metric(M.TokensArrived);
        s.CostElectricity = Metric(M.CostElectricity);
        s.CostCapital = Metric(M.CostCapital);
        s.CostNetwork = Metric(M.CostNetwork);
        s.SloViolations = Metric(M.SloViolations);
        s.Rerouted = Metric(M.Rerouted);
        s.HubReceived = Metric(M.HubReceived);
        s.HubServed = Metric(M.HubServed);
        s.HubDropped = Metric(M.HubDropped);
        double waits = Metric(M.WaitCount);
        s.HubWaitMsMean = waits > 0 ? Metric(M.WaitSum) / waits / 1000 : 0;
        s.StartupCostUsd = Metric(M.StartupCost);
        s.ItMWh = Metric(M.ItEnergy);
        s.PrefillItMWh = Metric(M.PrefillItEnergy);
        s.AcceleratorHours = Metric(M.AcceleratorHours);
        s.BusyAcceleratorHours = Metric(M.BusyAcceleratorHours);
        s.InputTokens = Metric(M.InputTokens);
        s.CachedTokens = Metric(M.CachedTokens);
        s.OutputTokens = Metric(M.OutputTokens);
        s.RevenueUsd = Metric(M.Revenue);

        foreach (var hist in s.BatchTurnaroundByRegion.Values) s.BatchTurnaround.Merge(hist);
        var all = new LatencyHistogram();
        foreach (var hist in s.TtftByRegion.Values) all.Merge(hist);
        s.RealTimeServed = all.Total;
        s.P50 = all.Percentile(0.50);
        s.P95 = all.Percentile(0.95);
        s.P99 = all.Percentile(0.99);

        double lhs = s.GeneratedMWh, rhs = s.ConsumedMWh + s.LossesMWh + s.CurtailedMWh + s.StorageLossesMWh + s.StoredChangeMWh;
        double tolerance = 1e-6 * Math.Max(1, Math.Abs(lhs));
        double byType = s.CurtailedWindMWh + s.CurtailedSolarMWh + s.HydroSpillMWh;
        bool storage = Math.Abs(s.StorageChargedMWh - s.StorageDischargedMWh - s.StorageLossesMWh - s.StoredChangeMWh) <= tolerance;
        s.EnergyConserved = Math.Abs(lhs - rhs) <= tolerance && Math.Abs(byType - s.CurtailedMWh) <= tolerance && storage;
        if (Math.Abs(lhs - rhs) > tolerance)
            s.EnergyImbalance = $"generated {lhs:F6} MWh ≠ consumed {s.ConsumedMWh:F6} + losses {s.LossesMWh:F6} + curtailed {s.CurtailedMWh:F6} + storage losses " +
                $"{s.StorageLossesMWh:F6} + stored {s.StoredChangeMWh:F6} = {rhs:F6} MWh";
        else if (!storage)
            s.EnergyImbalance = $"storage: charged {s.StorageChargedMWh:F6} MWh ≠ discharged {s.StorageDischargedMWh:F6} + losses {s.StorageLossesMWh:F6} + stored {s.StoredChangeMWh:F6} MWh";
        else if (!s.EnergyConserved)
            s.EnergyImbalance = $"curtailed {s.CurtailedMWh:F6} MWh ≠ wind {s.CurtailedWindMWh:F6} + solar {s.CurtailedSolarMWh:F6} + hydro spill {s.HydroSpillMWh:F6} MWh";
        double accounted = s.Served + s.Dropped + s.QueuedAtEnd + s.InFlightAtEnd;
        double atHubs = s.HubServed + s.HubDropped + s.QueuedAtEnd;
        bool users = Math.Abs(s.Arrived - accounted) < 0.5, hubs = Math.Abs(s.HubReceived - atHubs) < 0.5;
        // Batch work the scheduler took in: released, still held, or dropped at its deadline; no more done than released.
        double batchAccounted = s.BatchReleased + s.BatchHeldAtEnd + s.BatchDropped;
        bool batch = Math.Abs(s.BatchHeld - batchAccounted) < 0.5 && s.BatchDone <= s.BatchReleased + 0.5;
        s.RequestsConserved = users && hubs && batch && s.BytesConserved;
        if (!users)
            s.RequestImbalance = $"arrived {s.Arrived} ≠ served {s.Served} + dropped {s.Dropped} + queued {s.QueuedAtEnd} + in flight {s.InFlightAtEnd}";
        else if (!hubs)
            s.RequestImbalance = $"received at hubs {s.HubReceived} ≠ served there {s.HubServed} + dropped there {s.HubDropped} + queued {s.QueuedAtEnd}";
        else if (!batch)
            s.RequestImbalance = $"batch work held {s.BatchHeld} ≠ released {s.BatchReleased} + held at the end {s.BatchHeldAtEnd} + dropped at its deadline {s.BatchDropped}" +
                $" (done {s.BatchDone})";
        else if (!s.BytesConserved)
            s.RequestImbalance = $"bytes put on cables {s.BytesSent} < carried {s.BytesCarried} + dropped {s.BytesDropped}";
        return s;
    }
}
