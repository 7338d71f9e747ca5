using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// A directional UHV link: caps the flow offered over it at its capacity (zero while tripped), applies
/// length-derived losses, forwards offers downstream and acceptances upstream. A link with a day-ahead schedule
/// (<see cref="LinkSpec.Schedule"/>) is operated by its regions: the sender offers the schedule ± the deviation band
/// (its dedicated export bases first) and the receiver must take the lower band (the offer's floor, which the link
/// forwards like the rest); cost and carbon intensity per MWh delivered rise with the losses.
/// </summary>
public sealed class Link(SupplyChainModel model, int index) : Entity
{
    /// <summary>Largest share of the sent power a link may lose (keeps the arithmetic finite for absurd lengths).</summary>
    public const double MaxLossFraction = 0.99;

    private readonly LinkSpec _spec = model.Spec.Links[index];
    private bool _tripped;
    private double _offeredSent;
    private readonly Series<LinkSample> _series = new();

    private double LossFraction => Math.Clamp(_spec.LossPer1000Km * _spec.LengthKm / 1000.0, 0, MaxLossFraction);

    public override void Init(IEventContext ctx) { }

    public override void Handle(IEventContext ctx, object? payload)
    {
        var energy = new ChannelId(SupplyChainModel.ChannelEnergy);
        switch (payload)
        {
            case ExportOffer o:
                double cap = _tripped ? 0 : _spec.CapacityMW;
                _offeredSent = Math.Clamp(o.MW, 0, cap);
                double keep = 1 - LossFraction;
                ctx.Send(new EntityId(model.RegionId(_spec.To)), SupplyChainModel.EnergyDelay,
                    new ExportOffer(ctx.Self.Value, o.Interval, _offeredSent * keep, o.Cost / keep, Math.Clamp(o.FloorMW, 0, _offeredSent) * keep, o.CarbonKgPerMWh / keep), energy);
                break;
            case ImportAccept a:
                double delivered = Math.Clamp(a.MW, 0, _offeredSent * (1 - LossFraction));
                double sent = _offeredSent <= 0 ? 0 : delivered / (1 - LossFraction);
                double loss = sent - delivered;
                _series.Add(new LinkSample(ctx.Now.TotalHours, sent, delivered, loss, _tripped ? 0 : _spec.CapacityMW));
                ctx.Send(new EntityId(model.RegionId(_spec.From)), SupplyChainModel.EnergyDelay,
                    new ImportAccept(ctx.Self.Value, a.Interval, sent), energy);
                break;
            case FaultSignal f when f.Kind == FaultKind.LinkTrip:
                _tripped = f.Begin;
                ctx.Record(f.Begin ? "link-tripped" : "link-restored", _spec.Id);
                break;
        }
    }

    public override void Describe(IDictionary<string, object?> d)
    {
        d["tripped"] = _tripped;
        d["capacityMW"] = _spec.CapacityMW;
        d["lastOfferedMW"] = _offeredSent;
        if (_series.Rows.Count > 0) d["lastFlowMW"] = _series.Rows[^1].SentMW;
    }

    public override void Save(BinaryWriter w) { w.Write(_tripped); w.Write(_offeredSent); _series.Save(w); }
    public override void Load(BinaryReader r) { _tripped = r.ReadBoolean(); _offeredSent = r.ReadDouble(); _series.Load(r); }
    public override void WriteReport(BinaryWriter w) => _series.Save(w);
}

/// <summary>A link's dispatch interval: power sent, delivered and lost, and the capacity it had (MW).</summary>
public readonly record struct LinkSample(double Hours, double SentMW, double DeliveredMW, double LossMW, double CapacityMW) : ISample<LinkSample>
{
    public static IReadOnlyList<string> Columns { get; } = ["hours", "sent_mw", "delivered_mw", "loss_mw", "capacity_mw"];

    public double[] Values() => [Hours, SentMW, DeliveredMW, LossMW, CapacityMW];

    public static LinkSample FromValues(ReadOnlySpan<double> v) => new(v[0], v[1], v[2], v[3], v[4]);
}

/// <summary>What a link reports: its series; complete intervals add to the losses.</summary>
public sealed record LinkReport(Series<LinkSample> Series) : IEntityReport
{
    ISeries IEntityReport.Series => Series;

    public static LinkReport Read(BinaryReader r) => new(Series<LinkSample>.Read(r));

    public void AddTo(SupplyChainSummary s, string id)
    {
        foreach (var row in Series.Rows.Where(x => s.IsComplete(x.Hours))) s.LossesMWh += row.LossMW * s.IntervalHours;
    }
}
