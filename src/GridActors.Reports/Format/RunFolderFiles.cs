using System.Text.Json;
using System.Text.Json.Serialization;

namespace GridActors.Reports.Format;

// The run folder's JSON files, defined once: the application layer writes these records, the reports read them back
// (RunFolderJson's options: camelCase names). A field renamed here renames it on both sides or breaks the build.
// Numbers the reader may find missing in folders written by other versions are nullable.

/// <summary>run.json: which run this folder holds and how it was run.</summary>
public sealed record RunFile
{
    public string RunId { get; init; } = "";
    public string Scenario { get; init; } = "";
    public string ScenarioHash { get; init; } = "";
    public ulong Seed { get; init; }
    public string Executor { get; init; } = "";
    public string EngineVersion { get; init; } = "";
    public double? HorizonSeconds { get; init; }
    public int? Entities { get; init; }
    public int Nodes { get; init; } = 1;
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<NodePlacementInfo>? Placement { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<FailoverInfo>? Failovers { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public CrossNodeInfo? CrossNode { get; init; }
}

/// <summary>Energy over complete dispatch intervals (MWh) and carbon (t); curtailment by kind, the wind + solar
/// curtailment share by region (curtailed ÷ available), storage flows, and the start-up cost of thermal units (USD).</summary>
public sealed record EnergySummary(double? GeneratedMWh, double? ConsumedMWh, double? LossesMWh, double? CurtailedMWh, double? UnservedMWh, double? HubMWh, double? CarbonT,
    CurtailmentByType? CurtailedMWhByType = null, IReadOnlyDictionary<string, double>? CurtailmentShareByRegion = null, StorageSummary? Storage = null,
    double? StartupCostUsd = null, double? FlexShedMWh = null);

/// <summary>Curtailment by kind of generation (MWh): wind, solar, and hydro spill.</summary>
public sealed record CurtailmentByType(double Wind, double Solar, double HydroSpill);

/// <summary>Storage over complete dispatch intervals (MWh): taken from the grid, given to it, and lost on the way.</summary>
public sealed record StorageSummary(double ChargedMWh, double DischargedMWh, double LossesMWh);

/// <summary>Requests as the hubs counted them.</summary>
public sealed record HubRequestSummary(double Received, double Served, double Dropped);

/// <summary>Every request accounted for: served, dropped (by reason), queued at hubs or in flight at the end.</summary>
public sealed record RequestSummary(double? Arrived, double? Served, double? QueuedAtEnd, double? InFlightAtEnd, double? Dropped,
    IReadOnlyDictionary<string, double>? DroppedBy, double? Rerouted = null, HubRequestSummary? AtHubs = null);

public sealed record MeanSummary(double Mean);

/// <summary>Tokens served and arrived; at hubs on accelerators also input (prompt) tokens, of which cache hits, and output
/// tokens (null in folders written before them).</summary>
public sealed record TokenSummary(double? Served, double? Arrived)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Input { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Output { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? CacheHit { get; init; }
    /// <summary>Most KV tokens any simulated replica held at once ÷ its cache (above 1 only with live admission).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? KvPeakShare { get; init; }
}

/// <summary>Energy per token (J): <see cref="Facility"/> = hub (facility, PUE included) energy ÷ tokens served;
/// <see cref="Input"/> = IT energy drawn while prefilling ÷ input tokens; <see cref="Output"/> = the rest of the IT energy ÷
/// output tokens (both null without hubs on accelerators). Folders written before the split hold a number: it is read as
/// <see cref="Facility"/>.</summary>
[JsonConverter(typeof(EnergyPerTokenConverter))]
public sealed record EnergyPerToken(double? Facility, double? Input, double? Output);

public sealed class EnergyPerTokenConverter : JsonConverter<EnergyPerToken>
{
    public override EnergyPerToken? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number) return new EnergyPerToken(reader.GetDouble(), null, null);
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("energyPerTokenJ: a number or {facility, input, output}");
        double? facility = null, input = null, output = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString() ?? "";
            reader.Read();
            double? v = reader.TokenType == JsonTokenType.Null ? null : reader.GetDouble();
            switch (name)
            {
                case "facility": facility = v; break;
                case "input": input = v; break;
                case "output": output = v; break;
            }
        }
        return new EnergyPerToken(facility, input, output);
    }

    public override void Write(Utf8JsonWriter writer, EnergyPerToken value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        void W(string name, double? v) { if (v is double d) writer.WriteNumber(name, d); else writer.WriteNull(name); }
        W("facility", value.Facility);
        W("input", value.Input);
        W("output", value.Output);
        writer.WriteEndObject();
    }
}

/// <summary>Carbon per token (rules: <c>GridActors.Model.SupplyChain.HubCarbon</c>): the facility energy a hub draws in a dispatch
/// interval × its region's mean (or marginal) carbon intensity of that interval, attributed to the tokens the hub served in the
/// interval and on to the user regions whose tokens they were. Grams of CO₂ per token by hub and by user region, per million
/// tokens over all hubs, the same at the marginal intensity, the tonnes attributed to tokens (mean and marginal), the tonnes no
/// token carries (only when the run served none), the tokens attributed to (those of complete intervals), and the tonnes of
/// hubs that served no token (in the total, spread over every user region's tokens). Null in folders written before it.</summary>
public sealed record CarbonSummary(
    double? GPerMillionTokens, double? MarginalGPerMillionTokens,
    IReadOnlyDictionary<string, double>? GPerTokenByHub, IReadOnlyDictionary<string, double>? MarginalGPerTokenByHub,
    IReadOnlyDictionary<string, double>? GPerTokenByUserRegion, IReadOnlyDictionary<string, double>? MarginalGPerTokenByUserRegion,
    double? AttributedT, double? MarginalAttributedT, double? UnattributedT, double? Tokens, double? IdleHubsT = null);

/// <summary>One request class of one user region, served on replicas: time to first token and per output token (ms),
/// requests, and the share over an objective.</summary>
public sealed record ClassLatencyInfo(Percentiles Ttft, Percentiles Tpot, double Requests, double SloMissRate, double InputTokens, double OutputTokens);

/// <summary>USD per million tokens served, and its parts.</summary>
public sealed record CostSummary(double? Total, double? Electricity, double? Capital, double? Network);

/// <summary>The drivers of the cost per billed token (<c>GridActors.Model.SupplyChain.CostDrivers</c>, which states the model):
/// electricity USD/MWh (effective), PUE, mean IT W per provisioned accelerator, USD per accelerator-hour (effective), work tokens
/// per busy accelerator-second, utilisation, cache factor (billed ÷ work tokens), margin (revenue ÷ cost; 1 without list prices),
/// and the cost per million billed tokens they give (electricity + accelerators, no network). Written unrounded, so the cost
/// recomputed from the drivers equals <see cref="CostPerMillionTokens"/>.</summary>
public sealed record CostDriversInfo(double? ElectricityUsdPerMWh, double? Pue, double? MeanItWPerAccelerator, double? AcceleratorUsdPerHour,
    double? WorkTokensPerBusyAcceleratorSecond, double? Utilisation, double? CacheFactor, double? Margin, double? CostPerMillionTokens);

public sealed record Percentiles(double? P50, double? P95, double? P99);

/// <summary>The conservation checks every run makes.</summary>
public sealed record InvariantSummary(bool EnergyConserved, bool RequestsConserved, string? EnergyImbalance = null, string? RequestImbalance = null);

/// <summary>A calibration target of the scenario and what the run made of it: the metric's value (null when the run has
/// nothing to compute it from, which is a miss), the band (either end may be open) and where the band comes from.</summary>
public sealed record CalibrationInfo(string Id, string Metric, string Scope, double? Value, double? Low, double? High, bool Pass, string Source);

/// <summary>Batch work with deadlines (requests): taken in by the scheduler (<c>arrived</c>), released to hubs, still held
/// at the end (<c>waiting</c>), completed (<c>done</c>), and missed by reason (<c>late</c>: completed after the deadline;
/// <c>no-capacity</c>: dropped at the deadline because no hub could take it); arrived = released + waiting. The policy and
/// the shift are the scenario's.</summary>
public sealed record BatchSummary(string Policy, string Shift, double Arrived, double Released, double Waiting, double Done, IReadOnlyDictionary<string, double> Missed);

/// <summary>A fault injected into the run (times in simulated seconds since the start).</summary>
public sealed record InjectionInfo(int Index, string Kind, string Target, double AtSeconds, double DurationSeconds, double Fraction, double Multiplier);

/// <summary>summary.json: what <c>run --json</c> prints.</summary>
public sealed record SummaryFile
{
    public string RunId { get; init; } = "";
    public string Scenario { get; init; } = "";
    public string ScenarioHash { get; init; } = "";
    public ulong Seed { get; init; }
    public string Executor { get; init; } = "";
    public string EngineVersion { get; init; } = "";
    public string? Digest { get; init; }
    public long? Events { get; init; }
    public double? WallSeconds { get; init; }
    public double? SimulationWallSeconds { get; init; }
    public double? CheckpointWallSeconds { get; init; }
    public double? SimulatedSeconds { get; init; }
    public EnergySummary? Energy { get; init; }
    public RequestSummary? Requests { get; init; }
    public MeanSummary? HubWaitMs { get; init; }
    public TokenSummary? Tokens { get; init; }
    public EnergyPerToken? EnergyPerTokenJ { get; init; }
    public CostSummary? CostPerMillionTokensUsd { get; init; }
    /// <summary>Carbon per token (null in folders written before it).</summary>
    public CarbonSummary? Carbon { get; init; }
    /// <summary>The cost drivers (null in folders written before them, and when the run has none: see
    /// <see cref="CostDriversUnavailable"/>).</summary>
    public CostDriversInfo? CostDrivers { get; init; }
    /// <summary>Why the run has no cost drivers (no tokens, no accelerator-hours), or null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CostDriversUnavailable { get; init; }
    public Percentiles? LatencyMs { get; init; }
    public IReadOnlyDictionary<string, Percentiles>? LatencyMsByRegion { get; init; }
    /// <summary>By "user region/class" for request classes served on replicas (null in older folders).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyDictionary<string, ClassLatencyInfo>? LatencyMsByClass { get; init; }
    public Percentiles? BatchTurnaroundMs { get; init; }
    public IReadOnlyDictionary<string, Percentiles>? BatchTurnaroundMsByRegion { get; init; }
    public double? SloViolationRate { get; init; }
    /// <summary>Batch work with deadlines, when the scenario has a batch scheduler (null otherwise and in older folders).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public BatchSummary? Batch { get; init; }

    /// <summary>Cables: bytes and each cable's load and losses (null without cables and in older folders).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public NetworkSummary? Network { get; init; }
    public InvariantSummary? Invariants { get; init; }
    /// <summary>Every calibration target of the scenario, in its order (empty when it has none).</summary>
    public IReadOnlyList<CalibrationInfo> Calibration { get; init; } = [];
    public IReadOnlyList<InjectionInfo> Injections { get; init; } = [];
    public int Nodes { get; init; } = 1;
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<NodePlacementInfo>? Placement { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<FailoverInfo>? Failovers { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public CrossNodeInfo? CrossNode { get; init; }
}

public sealed record TopologyPlant(string Id, string Region, string Type, double CapacityMW, double? Lat, double? Lon);
public sealed record TopologyRegion(string Id, double BackgroundLoadMW, double? Lat, double? Lon);
public sealed record TopologyLink(string Id, string From, string To, double CapacityMW, double LengthKm);
public sealed record TopologyHub(string Id, string Region, string Role, double? Lat, double? Lon, double Servers);
public sealed record TopologyCable(string Id, double LengthKm, double CapacityTbps);
public sealed record TopologyRoute(string Hub, string? Cable)
{
    /// <summary>Landing stations and segments the route passes (null in older folders).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Via { get; init; }
}

/// <summary>A cable landing station (map: a diamond where it has a place).</summary>
public sealed record TopologyStation(string Id, double? Lat, double? Lon);

/// <summary>A terrestrial segment routes pass through.</summary>
public sealed record TopologySegment(string Id, double LengthKm);
public sealed record TopologyUser(string Id, double? Lat, double? Lon, double? SloTtftMs, IReadOnlyList<TopologyRoute> Routes);
/// <summary>A scenario fault or an injected one (<see cref="Source"/> <c>scenario</c> or <c>injected</c>); times in hours.</summary>
public sealed record TopologyFault(int Index, string Kind, string Target, double? StartHours, double? DurationHours, double? Fraction, double? Multiplier, string? Source);

/// <summary>topology.json: every element with its place (lat/lon) for the map, and every fault for the timeline.</summary>
public sealed record TopologyFile
{
    public string? Name { get; init; }
    public double? HorizonHours { get; init; }
    public double? DispatchIntervalHours { get; init; }
    public string? Policy { get; init; }
    public IReadOnlyList<TopologyPlant> Plants { get; init; } = [];
    public IReadOnlyList<TopologyRegion> Regions { get; init; } = [];
    public IReadOnlyList<TopologyLink> Links { get; init; } = [];
    public IReadOnlyList<TopologyHub> Hubs { get; init; } = [];
    public IReadOnlyList<TopologyCable> Cables { get; init; } = [];
    public IReadOnlyList<TopologyStation> LandingStations { get; init; } = [];
    public IReadOnlyList<TopologySegment> Segments { get; init; } = [];
    public IReadOnlyList<TopologyUser> Users { get; init; } = [];
    public IReadOnlyList<TopologyFault> Faults { get; init; } = [];
}

/// <summary>The file names of a run folder.</summary>
public static class RunFolderFiles
{
    public const string Run = "run.json";
    public const string Summary = "summary.json";
    public const string Topology = "topology.json";
    public const string Faults = "faults.csv";
    public const string Report = "report.html";
}

/// <summary>The cables over the run: bytes of requests put on them, carried and dropped, and each cable's row.</summary>
public sealed record NetworkSummary(double BytesSent, double BytesCarried, double BytesDropped, IReadOnlyDictionary<string, CableSummary> Cables)
{
    /// <summary>Tokens served to foreign user regions (complete intervals) and the share of them served by hubs in China.</summary>
    public double? ForeignTokens { get; init; }
    public double? ForeignTokensIntoChinaShare { get; init; }
}

/// <summary>One cable over the run (from cables.csv): mean and peak utilisation (all traffic ÷ design capacity), the largest
/// hourly mean queueing delay added to a request's round trip (ms), requests carried, dropped for congestion, lost to a
/// cut (in flight or before routing converged), dropped for a failed landing station or segment, hours cut.</summary>
public sealed record CableSummary(double MeanUtilisation, double PeakUtilisation, double MaxAddedLatencyMs, double Requests, double DroppedCongestion,
    double LostToCut, double DroppedPathDown, double HoursCut);
