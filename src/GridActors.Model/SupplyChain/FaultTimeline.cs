using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// The scripted timeline: at each fault's start and end it sends the fault to its target entity (or,
/// for a demand spike on <c>all</c>, to every user region). Effects travel only as messages. It records
/// what happened for the run's fault timeline.
/// </summary>
public sealed class Timeline(SupplyChainModel model) : Entity
{
    /// <summary>The timeline's id within its kind (one per model): its key is <c>timeline/faults</c>.</summary>
    public const string Id = "faults";

    private readonly Series<FaultStep> _log = new();

    public override void Init(IEventContext ctx)
    {
        var faults = model.Spec.Faults;
        for (int i = 0; i < faults.Count; i++)
        {
            ctx.ScheduleSelf(new SimTime(faults[i].StartMicros), new TimelineStep(i, true));
            if (faults[i].DurationMicros > 0)
                ctx.ScheduleSelf(new SimTime(faults[i].StartMicros + faults[i].DurationMicros), new TimelineStep(i, false));
        }
    }

    public override void Handle(IEventContext ctx, object? payload)
    {
        if (payload is not TimelineStep step) return;
        var f = model.Spec.Faults[step.Fault];
        var kind = FaultKinds.Parse(f.Kind);
        var signal = new FaultSignal(kind, step.Begin, f.Fraction, f.Multiplier, f.RampMicros, f.DurationMicros);
        foreach (int target in model.FaultTargets(f))
            ctx.Send(new EntityId(target), SupplyChainModel.MinNetworkDelay, signal, new ChannelId(SupplyChainModel.ChannelControl));
        _log.Add(new FaultStep(ctx.Now.TotalHours, step.Fault, step.Begin));
    }

    public override void Save(BinaryWriter w) => _log.Save(w);
    public override void Load(BinaryReader r) => _log.Load(r);
    public override void WriteReport(BinaryWriter w) => _log.Save(w);

    public override void Describe(IDictionary<string, object?> d) => d["faultSteps"] = _log.Rows.Count;
}

/// <summary>Fault number <see cref="Fault"/> of the scenario began or ended at <see cref="Hours"/> (saved as three numbers).</summary>
public readonly record struct FaultStep(double Hours, int Fault, bool Begin) : ISample<FaultStep>
{
    /// <summary>Columns as saved; the run folder's <c>faults.csv</c> adds the fault's kind and target (<see cref="CsvColumns"/>).</summary>
    public static IReadOnlyList<string> Columns { get; } = ["hours", "fault", "begin"];

    /// <summary>Header of the run folder's <c>faults.csv</c> (scenario and injected faults, by time).</summary>
    public static IReadOnlyList<string> CsvColumns { get; } = ["hours", "fault", "kind", "target", "event"];

    public double[] Values() => [Hours, Fault, Begin ? 1 : 0];

    public static FaultStep FromValues(ReadOnlySpan<double> v) => new(v[0], (int)v[1], v[2] > 0);
}

/// <summary>What the timeline reports: the fault steps that happened, in time order.</summary>
public sealed record TimelineReport(Series<FaultStep> Steps) : IEntityReport
{
    ISeries? IEntityReport.Series => null;

    public static TimelineReport Read(BinaryReader r) => new(Series<FaultStep>.Read(r));

    public void AddTo(SupplyChainSummary s, string id)
    {
        foreach (var row in Steps.Rows) s.FaultLog.Add((row.Hours, row.Fault, row.Begin));
    }
}

/// <summary>Kinds of faults; what each targets is declared in the entity-kind table (<see cref="EntityKind.Faults"/>).</summary>
public enum FaultKind : byte { PlantOutage, LinkTrip, CableCut, HubFailure, DemandSpike, LandingStationFailure, SegmentCut }

/// <summary>A fault kind: its name in scenario files and commands, and what it does.</summary>
/// <param name="TargetsAll">Whether the target may be <c>all</c> (every entity of its target kind).</param>
public sealed record FaultKindInfo(FaultKind Kind, string Name, string Help, bool TargetsAll = false)
{
    /// <summary>The kind of entity it targets (from the entity-kind table).</summary>
    public EntityKind Target => EntityKinds.TargetOf(Kind);
}

/// <summary>The fault kinds, by name as written in scenario files.</summary>
public static class FaultKinds
{
    public static readonly FaultKindInfo PlantOutage = new(FaultKind.PlantOutage, "plant-outage", "takes a share (fraction) of a plant's capacity out");
    public static readonly FaultKindInfo LinkTrip = new(FaultKind.LinkTrip, "link-trip", "trips a UHV link: it carries nothing");
    public static readonly FaultKindInfo CableCut = new(FaultKind.CableCut, "cable-cut", "cuts a cable: what is on it is lost, what reaches it is dropped, user regions reroute after the routing convergence; without a duration it lasts the cable's repair time");
    public static readonly FaultKindInfo HubFailure = new(FaultKind.HubFailure, "hub-failure", "takes a share (fraction) of a hub's serving units down");
    public static readonly FaultKindInfo DemandSpike = new(FaultKind.DemandSpike, "demand-spike", "multiplies a user region's arrival rate (target all: every user region)", TargetsAll: true);

    public static readonly FaultKindInfo LandingStationFailure = new(FaultKind.LandingStationFailure, "landing-station-failure",
        "takes a cable landing station out: every route through it is cut (without a duration: for the station's repair time)");
    public static readonly FaultKindInfo SegmentCut = new(FaultKind.SegmentCut, "segment-cut",
        "cuts a terrestrial segment (backhaul, cross-border fibre): every route through it is cut (without a duration: for the segment's repair time)");

    /// <summary>Every fault kind, in <see cref="FaultKind"/> order.</summary>
    public static readonly IReadOnlyList<FaultKindInfo> Infos = [PlantOutage, LinkTrip, CableCut, HubFailure, DemandSpike, LandingStationFailure, SegmentCut];

    /// <summary>Every fault kind's name.</summary>
    public static readonly string[] All = [.. Infos.Select(i => i.Name)];

    public static FaultKindInfo Info(FaultKind kind) => Infos[(int)kind];

    public static bool TryParse(string? name, out FaultKindInfo info)
    {
        info = Infos.FirstOrDefault(i => i.Name == name)!;
        return info is not null;
    }

    public static FaultKind Parse(string kind) => TryParse(kind, out var info)
        ? info.Kind
        : throw new ArgumentException($"unknown fault kind '{kind}' (expected {string.Join(", ", All)})");
}
