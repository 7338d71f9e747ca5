namespace GridActors.Reports;

/// <summary>One drawn series: (hours, value) points in time order.</summary>
internal sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points)
{
    public double Mean => Points.Count == 0 ? 0 : Points.Average(p => p.Y);
    public double Max => Points.Count == 0 ? 0 : Points.Max(p => p.Y);
}

internal sealed record RunInfo(string RunId, string Scenario, string Seed, string Executor, string Nodes, string Entities,
    double HorizonHours, string? ScenarioName, string? Policy);

internal sealed record RegionLatency(string Region, double? P50, double? P95, double? P99);

/// <summary>Grams of CO₂ per token of one hub or user region, at the mean and the marginal intensity.</summary>
internal sealed record CarbonPerToken(string Id, double? G, double? MarginalG);

/// <summary>summary.json's carbon per token (see <see cref="Format.CarbonSummary"/>).</summary>
internal sealed record CarbonInfo(double? GPerMillionTokens, double? MarginalGPerMillionTokens, IReadOnlyList<CarbonPerToken> ByHub,
    IReadOnlyList<CarbonPerToken> ByUserRegion, double? AttributedT, double? MarginalAttributedT, double? UnattributedT, double? Tokens, double? IdleHubsT);

internal sealed class RunSummary
{
    /// <summary>Cables' load and losses (summary.json <c>network</c>; null in older folders and without cables).</summary>
    public Format.NetworkSummary? Network { get; init; }
    public string? Digest { get; init; }
    public double? Events { get; init; }
    public double? GeneratedMWh { get; init; }
    public double? ConsumedMWh { get; init; }
    public double? LossesMWh { get; init; }
    public double? CurtailedMWh { get; init; }
    public double? UnservedMWh { get; init; }
    public double? HubMWh { get; init; }
    public double? CarbonT { get; init; }
    /// <summary>summary.json's batch section (a run with a batch scheduler), or null.</summary>
    public Format.BatchSummary? Batch { get; init; }
    public double? RequestsArrived { get; init; }
    public double? RequestsServed { get; init; }
    public double? RequestsDropped { get; init; }
    public IReadOnlyList<(string Cause, double Count)> DroppedBy { get; init; } = [];
    public double? TokensServed { get; init; }
    public double? TokensArrived { get; init; }
    public double? EnergyPerTokenJ { get; init; }
    public double? CostTotal { get; init; }
    public double? CostElectricity { get; init; }
    public double? CostCapital { get; init; }
    public double? CostNetwork { get; init; }
    /// <summary>The cost drivers, or null with <see cref="DriversUnavailable"/> saying why.</summary>
    public GridActors.Model.SupplyChain.CostDrivers? Drivers { get; init; }
    public string? DriversUnavailable { get; init; }
    public double? P50 { get; init; }
    public double? P95 { get; init; }
    public double? P99 { get; init; }
    public IReadOnlyList<RegionLatency> LatencyByRegion { get; init; } = [];
    public double? SloViolationRate { get; init; }
    public IReadOnlyList<(string Name, string Value)> Invariants { get; init; } = [];
    public IReadOnlyList<Format.CalibrationInfo> Calibration { get; init; } = [];
    /// <summary>Carbon per token, or null (folders written before it).</summary>
    public CarbonInfo? Carbon { get; init; }
}

/// <summary>One fault as it happened in the run (faults.csv): begin → end, or open until the horizon.</summary>
internal sealed record FaultSpan(int Index, string Kind, string Target, double Begin, double? End, TopoFault? Spec)
{
    public string Label => $"{Kind} {Target}";
}

internal sealed record LinkStat(string Id, double CapacityMW, double MeanSentMW, double MeanUtil, double PeakUtil, double CongestedHours, double MeanLossMW, Series Utilisation);

/// <summary>A hub's figures; <see cref="Serving"/>: the share of its usable replicas serving (the rest parked), and
/// <see cref="MeanServing"/> their mean count (NaN in folders written before packing).</summary>
internal sealed record HubStat(string Id, double MeanGrantMW, double MeanUtil, double PeakQueue, double TokensServed,
    Series Grant, Series Utilisation, Series Queue, Series TokensPerSecond, Series Serving, double MeanServing);

/// <summary>The batch scheduler's hours (scheduler.csv), each stamped at the end of its hour: requests and tokens held, requests
/// released in the hour, tokens released to hubs whose region would curtail renewables, requests dropped at their deadline.</summary>
internal sealed record BatchSeries(Series HeldRequests, Series HeldTokens, Series ReleasedRequests, Series GreenReleasedTokens, Series MissedRequests);

internal sealed record UserStat(string Id, double Arrived, double SloViolations, double Dropped, Series SloRate, Series Ttft);

/// <summary>Everything a report shows about one run, aggregated and downsampled from the run folder.</summary>
internal sealed class RunData
{
    public required string Dir { get; init; }
    public required RunInfo Info { get; init; }
    public required RunSummary Summary { get; init; }
    public Topology? Topology { get; init; }
    public required IReadOnlyList<FaultSpan> Faults { get; init; }
    public required IReadOnlyList<Series> GenerationByType { get; init; }
    public required Series Curtailment { get; init; }
    public required Series TotalGeneration { get; init; }
    public required IReadOnlyList<LinkStat> Links { get; init; }
    public required IReadOnlyList<HubStat> Hubs { get; init; }
    public required Series TotalTokensPerSecond { get; init; }
    public required IReadOnlyList<UserStat> Users { get; init; }
    public required Series OverallSloRate { get; init; }
    /// <summary>The batch scheduler's series, or null: the run had no scheduler (no scheduler.csv).</summary>
    public BatchSeries? Batch { get; init; }

    /// <summary>Each cable's hourly utilisation and added round-trip latency (ms) from cables.csv (empty in older folders).</summary>
    public IReadOnlyList<(Series Utilisation, Series AddedLatencyMs)> Cables { get; init; } = [];
    public double HorizonHours => Info.HorizonHours;
}
