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

/// <summary>What a cable reports: the requests it carried towards hubs (no series, nothing for the summary).</summary>
public sealed record CableReport(double CarriedRequests) : IEntityReport
{
    ISeries? IEntityReport.Series => null;

    public static CableReport Read(BinaryReader r) => new(r.ReadDouble());

    public void AddTo(SupplyChainSummary s, string id) { }
}
