using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// A cable landing station or a terrestrial segment (backhaul, cross-border fibre) that routes pass through: a shared
/// point of failure. Traffic does not pass through it as events (a route's segments only add their propagation delay to
/// the route, so a chain of elements costs no events per request); it holds its state, receives its faults
/// (<c>landing-station-failure</c>, <c>segment-cut</c>) and tells the cables of the routes through it at once (they drop
/// what would cross it, <see cref="DropReason.PathDown"/>) and the user regions and batch scheduler after the routing
/// convergence (they route around it). A fault without a duration lasts the element's repair time (0: to the end).
/// </summary>
public sealed class PathElement : Entity
{
    private readonly SupplyChainModel _model;
    private readonly string _id;
    private readonly long _repairMicros;
    private readonly FaultKind _fault;
    private readonly int[] _users, _cables;
    private bool _down;
    private long _downSince;
    private double _downHours;
    private int _failures;

    public PathElement(SupplyChainModel model, int index, bool station)
    {
        _model = model;
        if (station)
        {
            var s = model.Spec.LandingStations[index];
            (_id, _repairMicros, _fault) = (s.Id, s.RepairMicros, FaultKind.LandingStationFailure);
        }
        else
        {
            var s = model.Spec.Segments[index];
            (_id, _repairMicros, _fault) = (s.Id, s.RepairMicros, FaultKind.SegmentCut);
        }
        (_users, _cables) = model.SubscribersOfElement(model.First(station ? EntityKinds.LandingStation : EntityKinds.Segment) + index);
    }

    public override void Init(IEventContext ctx) { }

    public override void Handle(IEventContext ctx, object? payload)
    {
        if (payload is not FaultSignal f || f.Kind != _fault || f.Begin == _down) return;
        long now = ctx.Now.Micros;
        if (_down) _downHours += SimTime.ToHours(now - _downSince);
        _down = f.Begin;
        _downSince = now;
        if (f.Begin) _failures++;
        string what = _fault == FaultKind.LandingStationFailure ? "landing-station" : "segment";
        ctx.Record(f.Begin ? what + "-down" : what + "-restored", _id);
        var status = new PathStatus(ctx.Self.Value, !_down);
        var control = new ChannelId(SupplyChainModel.ChannelControl);
        foreach (int c in _cables) ctx.Send(new EntityId(c), SupplyChainModel.MinNetworkDelay, status, control);
        foreach (int u in _users) ctx.Send(new EntityId(u), _model.Convergence, status, control);
        if (f.Begin && f.DurationMicros == 0 && _repairMicros > 0)
            ctx.ScheduleSelf(new SimTime(_repairMicros), f with { Begin = false });
    }

    public override void Save(BinaryWriter w) { w.Write(_down); w.Write(_downSince); w.Write(_downHours); w.Write(_failures); }

    public override void Load(BinaryReader r) { _down = r.ReadBoolean(); _downSince = r.ReadInt64(); _downHours = r.ReadDouble(); _failures = r.ReadInt32(); }

    public override void WriteReport(BinaryWriter w) { w.Write(_failures); w.Write(_down); }

    public override void Describe(IDictionary<string, object?> d)
    {
        d["down"] = _down;
        d["failures"] = _failures;
        d["downHoursBeforeLastChange"] = _downHours;
        d["routesThrough"] = _users.Length;
    }
}

/// <summary>What a landing station or segment reports: how often it failed and whether it was down at the end.</summary>
public sealed record PathElementReport(int Failures, bool DownAtEnd) : IEntityReport
{
    ISeries? IEntityReport.Series => null;

    public static PathElementReport Read(BinaryReader r) => new(r.ReadInt32(), r.ReadBoolean());

    public void AddTo(SupplyChainSummary s, string id) { }
}
