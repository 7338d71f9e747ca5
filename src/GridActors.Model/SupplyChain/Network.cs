using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// A subsea or cross-border cable. Requests and responses cross it after the propagation delay of the
/// stretch they travel (km on the cable × route factor × µs per km, carried by the bundle). While cut it carries nothing: what reaches it is dropped with
/// reason <c>cable-cut</c>, and it tells every user region so that they reroute.
/// </summary>
public sealed class Cable(SupplyChainModel model, int index) : Entity
{
    private readonly CableSpec _spec = model.Spec.Cables[index];
    private readonly int[] _subscribers = model.SubscribersOf(model.Spec.Cables[index].Id, cable: true);
    private bool _cut;
    private double _carriedRequests;

    public override void Init(IEventContext ctx) { }

    public override void Handle(IEventContext ctx, object? payload)
    {
        var net = new ChannelId(SupplyChainModel.ChannelNetwork);
        switch (payload)
        {
            case Bundle b when b.HubArrival == 0 && b.Done == 0:    // a request on its way to a hub
                if (_cut)
                {
                    ctx.Send(new EntityId(b.Origin), new SimTime(b.CableMicros), b with { Drop = DropReason.CableCut, Done = ctx.Now.Micros }, net);
                    ctx.AddMetric(M.NetResponsesSent, b.Requests);
                    ctx.AddMetric(M.NetRequestsReceived, b.Requests);
                    return;
                }
                _carriedRequests += b.Requests;
                ctx.Send(new EntityId(b.Hub), new SimTime((long)b.OneWayMicros), b, net);
                break;
            case Bundle b:                                           // a response on its way back
                var back = _cut && b.Drop == DropReason.None ? b with { Drop = DropReason.CableCut } : b;
                ctx.Send(new EntityId(b.Origin), new SimTime(b.CableMicros), back, net);
                break;
            case FaultSignal f when f.Kind == FaultKind.CableCut:
                _cut = f.Begin;
                ctx.Record(f.Begin ? "cable-cut" : "cable-restored", _spec.Id);
                foreach (int u in _subscribers)
                    ctx.Send(new EntityId(u), SupplyChainModel.MinNetworkDelay, new CableStatus(ctx.Self.Value, !_cut), new ChannelId(SupplyChainModel.ChannelControl));
                break;
        }
    }

    public override void Save(BinaryWriter w) { w.Write(_cut); w.Write(_carriedRequests); }
    public override void Load(BinaryReader r) { _cut = r.ReadBoolean(); _carriedRequests = r.ReadDouble(); }
    public override void WriteReport(BinaryWriter w) => w.Write(_carriedRequests);

    public override void Describe(IDictionary<string, object?> d)
    {
        d["cut"] = _cut;
        d["carriedRequests"] = _carriedRequests;
        d["capacityTbps"] = _spec.CapacityTbps;
    }
}

/// <summary>
/// The scripted timeline: at each fault's start and end it sends the fault to its target entity (or,
/// for a demand spike on <c>all</c>, to every user region). Effects travel only as messages. It records
/// what happened for the run's fault timeline.
/// </summary>
public sealed class Timeline(SupplyChainModel model) : Entity
{
    private readonly Series _log = new(); // hours, fault index, begin(1)/end(0)

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
        _log.Add(ctx.Now.Micros / 3.6e9, step.Fault, step.Begin ? 1 : 0);
    }

    public override void Save(BinaryWriter w) => _log.Save(w);
    public override void Load(BinaryReader r) => _log.Load(r);
    public override void WriteReport(BinaryWriter w) => _log.Save(w);

    public override void Describe(IDictionary<string, object?> d) => d["faultSteps"] = _log.Rows.Count;
}

/// <summary>Names of fault kinds as written in scenario files.</summary>
public static class FaultKinds
{
    public static readonly string[] All = ["plant-outage", "link-trip", "cable-cut", "hub-failure", "demand-spike"];

    public static FaultKind Parse(string kind) => kind switch
    {
        "plant-outage" => FaultKind.PlantOutage,
        "link-trip" => FaultKind.LinkTrip,
        "cable-cut" => FaultKind.CableCut,
        "hub-failure" => FaultKind.HubFailure,
        "demand-spike" => FaultKind.DemandSpike,
        _ => throw new ArgumentException($"unknown fault kind '{kind}' (expected {string.Join(", ", All)})"),
    };

    /// <summary>The entity-key prefix a fault kind targets.</summary>
    public static string TargetPrefix(FaultKind kind) => kind switch
    {
        FaultKind.PlantOutage => "plant/",
        FaultKind.LinkTrip => "link/",
        FaultKind.CableCut => "cable/",
        FaultKind.HubFailure => "hub/",
        _ => "users/",
    };
}
