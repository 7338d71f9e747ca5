using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// A storage aggregate (pumped hydro or batteries) attached to a region. Every dispatch interval it bids to its region
/// what it can take and give and the cost at which it offers to discharge; the region answers with a charge or a
/// discharge and its price. Rules (simple, deterministic, documented):
/// <list type="bullet">
/// <item>Charging: only from surplus — must-run output and renewable output the region would otherwise back down or
///   curtail, after exports (see <see cref="Region"/>) — so storage absorbs curtailment and never buys from the merit
///   order.</item>
/// <item>Discharging: in the region's merit order at the median of the prices the region reported over the last 24 h,
///   so it displaces every plant dearer than a typical interval of the day (the net-load peak) and serves load that
///   would otherwise go unserved; before any price is known it bids <see cref="ShortageOnlyCost"/>, i.e. it discharges
///   only when the region is short. It serves only its own region's load (never exported).</item>
/// <item>Tapering: with less than <see cref="DischargeTaperHours"/> of full output left, it gives at most what it holds
///   spread over that time, so its output fades out instead of stopping dead.</item>
/// <item>Losses: the round-trip efficiency η is split evenly: a MWh from the grid stores √η MWh, a MWh to the grid
///   draws 1/√η MWh; the difference is booked as the storage's losses. The state of charge stays within [0, energy].</item>
/// </list>
/// </summary>
public sealed class Storage : Entity
{
    /// <summary>What a storage bids to discharge before it has seen a price (USD/MWh): a scarcity price above any
    /// plant's cost, so it discharges only when the region would otherwise be short. ESTIMATE.</summary>
    public const double ShortageOnlyCost = 10_000;

    private readonly SupplyChainModel _model;
    private readonly StorageSpec _spec;
    private readonly int _region;
    private readonly PriceHistory _prices;
    private double _soc;             // MWh stored
    private readonly Series<StorageSample> _series = new();

    public Storage(SupplyChainModel model, int index)
    {
        _model = model;
        _spec = model.Spec.Storage[index];
        _region = model.RegionId(_spec.Region);
        _prices = new PriceHistory(PriceHistory.IntervalsPerDay(model.Spec.DispatchIntervalMicros));
        _soc = Math.Clamp(_spec.InitialSoc, 0, 1) * _spec.EnergyMWh;
    }

    public Series<StorageSample> Series => _series;

    /// <summary>Share of the round trip lost on each way (η^½).</summary>
    private double OneWay => Math.Sqrt(Math.Clamp(_spec.Efficiency, 1e-9, 1));

    /// <summary>Most it can take from the grid this interval (MW).</summary>
    private double ChargeLimit => Math.Max(0, Math.Min(_spec.PowerMW, (_spec.EnergyMWh - _soc) / (OneWay * _model.IntervalHours)));

    /// <summary>Hours over which a storage spreads what it has left once that is less than this many hours at full power:
    /// it then gives at most (what it holds) ÷ this time, so its output tapers off (by Δ ÷ this time per interval, 17 %
    /// every 5 minutes) instead of dropping from full power to nothing in one interval, which no thermal fleet could
    /// follow at its ramp rate. ESTIMATE: operators keep storage from running dry at full output; not sourced.</summary>
    public const double DischargeTaperHours = 0.5;

    /// <summary>Most it can give to the grid this interval (MW): its power, at most what it holds spread over
    /// <see cref="DischargeTaperHours"/> (or over the interval, if that is longer).</summary>
    private double DischargeLimit => Math.Max(0, Math.Min(_spec.PowerMW, _soc * OneWay / Math.Max(_model.IntervalHours, DischargeTaperHours)));

    public override void Init(IEventContext ctx) => ctx.ScheduleSelf(SimTime.Zero, Tick.Instance);

    public override void Handle(IEventContext ctx, object? payload)
    {
        switch (payload)
        {
            case Tick:
                double cost = _prices.Count > 0 ? _prices.Quantile(0.5) : ShortageOnlyCost;
                ctx.Send(new EntityId(_region), SupplyChainModel.EnergyDelay,
                    new StorageBid(ctx.Self.Value, _model.IntervalOf(ctx.Now.Micros), ChargeLimit, DischargeLimit, cost), new ChannelId(SupplyChainModel.ChannelEnergy));
                ctx.ScheduleSelf(new SimTime(_model.Spec.DispatchIntervalMicros), Tick.Instance);
                break;
            case StorageDispatch d:
                double h = _model.IntervalHours, charged = 0, discharged = 0, loss = 0;
                if (d.MW > 0)
                {
                    discharged = Math.Min(d.MW, DischargeLimit);
                    loss = discharged * (1 / OneWay - 1);
                    _soc -= discharged * h / OneWay;
                }
                else if (d.MW < 0)
                {
                    charged = Math.Min(-d.MW, ChargeLimit);
                    loss = charged * (1 - OneWay);
                    _soc += charged * h * OneWay;
                }
                _soc = Math.Clamp(_soc, 0, _spec.EnergyMWh);
                _prices.Add(d.Price);
                _series.Add(new StorageSample(ctx.Now.TotalHours, charged, discharged, loss, _soc));
                break;
        }
    }

    public override void Save(BinaryWriter w)
    {
        w.Write(_soc);
        _prices.Save(w);
        _series.Save(w);
    }

    public override void Load(BinaryReader r)
    {
        _soc = r.ReadDouble();
        _prices.Load(r);
        _series.Load(r);
    }

    public override void WriteReport(BinaryWriter w) => _series.Save(w);

    public override void Describe(IDictionary<string, object?> d)
    {
        d["type"] = _spec.Type == StorageType.PumpedHydro ? "pumped-hydro" : "battery";
        d["powerMW"] = _spec.PowerMW;
        d["energyMWh"] = _spec.EnergyMWh;
        d["stateOfChargeMWh"] = _soc;
        d["chargeLimitMW"] = ChargeLimit;
        d["dischargeLimitMW"] = DischargeLimit;
    }
}

/// <summary>A storage's dispatch interval: power taken from the grid (charged) and given to it (discharged), the power
/// lost on the way (MW), and the energy stored at the end of the interval (MWh).</summary>
public readonly record struct StorageSample(double Hours, double ChargedMW, double DischargedMW, double LossMW, double StateOfChargeMWh)
    : ISample<StorageSample>
{
    public static IReadOnlyList<string> Columns { get; } = ["hours", "charged_mw", "discharged_mw", "loss_mw", "soc_mwh"];

    public double[] Values() => [Hours, ChargedMW, DischargedMW, LossMW, StateOfChargeMWh];

    public static StorageSample FromValues(ReadOnlySpan<double> v) => new(v[0], v[1], v[2], v[3], v[4]);
}

/// <summary>What a storage reports: its series; complete intervals add to charged, discharged, lost and stored energy.</summary>
public sealed record StorageReport(Series<StorageSample> Series) : IEntityReport
{
    ISeries IEntityReport.Series => Series;

    public static StorageReport Read(BinaryReader r) => new(Series<StorageSample>.Read(r));

    public void AddTo(SupplyChainSummary s, string id)
    {
        double h = s.IntervalHours;
        foreach (var row in Series.Rows.Where(x => s.IsComplete(x.Hours)))
        {
            s.StorageChargedMWh += row.ChargedMW * h;
            s.StorageDischargedMWh += row.DischargedMW * h;
            s.StorageLossesMWh += row.LossMW * h;
            s.StoredChangeMWh += (row.ChargedMW - row.DischargedMW - row.LossMW) * h;
        }
    }
}
