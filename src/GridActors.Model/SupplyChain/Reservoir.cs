namespace GridActors.Model.SupplyChain;

/// <summary>
/// The water of a reservoir hydro plant (<see cref="HydroMode.Reservoir"/>), part of its <see cref="Plant"/>.
/// <list type="bullet">
/// <item>Budget: every local day (midnight of the plant's region) brings <c>daily</c> MWh that may be released that day;
///   the first, partial day of a run brings the share of it that is left. Each interval the plant offers up to its
///   available capacity, at most what the budget still holds.</item>
/// <item>Water value: the plant expects today's prices to repeat yesterday's and bids so that it runs in the dearest
///   hours it has water for: with budget B left, capacity C and H hours left in the day, it could run at full output for
///   x = B ÷ (C·H) of the remaining time, and bids the (1 − x)-quantile of the regional prices of the same H hours
///   yesterday (the lowest when x ≥ 1, the highest as the budget runs out). Until it has a day of prices it uses all it
///   has; before any price is known it bids its marginal cost.</item>
/// <item>Spill: the budget unused at midnight stays in the reservoir, up to <see cref="CarryOverDays"/> days of budget;
///   beyond that the reservoir is full and the rest is spilled (reported as the plant's curtailment in the first
///   interval of the new day, apart from wind and solar curtailment in the summary).</item>
/// </list>
/// </summary>
public sealed class Reservoir(double dailyMWh, int intervalsPerDay)
{
    /// <summary>Days of budget a reservoir holds beyond the current day before it spills. ESTIMATE: the large Jinsha
    /// reservoirs hold months of flow (calibration-facts §3, [K30]–[K33]), but a daily model keeps one day of
    /// head-pond flexibility so that a plant cannot hoard a whole day's water for a later day.</summary>
    public const double CarryOverDays = 1.0;

    private double _budget = double.NaN;   // MWh that may still be released today
    private long _day = long.MinValue;      // local day of the budget
    private readonly PriceHistory _prices = new(intervalsPerDay);

    /// <summary>The reservoir of <paramref name="plant"/>, or null unless it is reservoir hydro. Its daily budget is
    /// <see cref="PlantSpec.DailyEnergyMWh"/>, by default capacity × capacity factor × 24 h.</summary>
    public static Reservoir? For(SupplyChainModel model, PlantSpec plant) =>
        plant is { Type: PlantType.Hydro, HydroMode: HydroMode.Reservoir }
            ? new Reservoir(plant.DailyEnergyMWh ?? plant.CapacityMW * plant.CapacityFactor * 24, PriceHistory.IntervalsPerDay(model.Spec.DispatchIntervalMicros))
            : null;

    /// <summary>Energy that may still be released today (MWh).</summary>
    public double Budget => _budget;

    /// <summary>Starts the local day that <paramref name="localHours"/> (simulated hours plus the region's UTC offset, so
    /// local midnights fall on multiples of 24) lies in, if it is a new one. Returns the energy spilled (MWh).</summary>
    public double StartInterval(double localHours)
    {
        long day = (long)Math.Floor(localHours / 24);
        if (day == _day) return 0;
        double spill = 0;
        if (double.IsNaN(_budget)) _budget = dailyMWh * (1 - (localHours / 24 - day));
        else
        {
            double left = Math.Max(0, _budget), kept = Math.Min(left, CarryOverDays * dailyMWh);
            spill = left - kept;
            _budget = kept + dailyMWh;
        }
        _day = day;
        return spill;
    }

    /// <summary>What the plant can offer this interval (MW): its available capacity, at most the budget left.</summary>
    public double Offer(double capacityMW, double intervalHours) => Math.Max(0, Math.Min(capacityMW, _budget / intervalHours));

    /// <summary>The water value to bid (USD/MWh), see the class notes; <paramref name="hoursLeft"/> in the local day.</summary>
    public double WaterValue(double capacityMW, double hoursLeft, double intervalHours, double fallback)
    {
        if (_prices.Count == 0) return fallback;
        double full = capacityMW * hoursLeft;
        double x = full > 0 ? _budget / full : 1;
        int left = (int)Math.Ceiling(hoursLeft / intervalHours - 1e-9);
        return _prices.Quantile(1 - Math.Clamp(x, 0, 1), _prices.Full ? left : null);
    }

    /// <summary>Books the interval's release and the region's price.</summary>
    public void Released(double mw, double intervalHours, double price)
    {
        _budget = Math.Max(0, _budget - mw * intervalHours);
        _prices.Add(price);
    }

    public void Save(BinaryWriter w)
    {
        w.Write(_budget); w.Write(_day);
        _prices.Save(w);
    }

    public void Load(BinaryReader r)
    {
        _budget = r.ReadDouble(); _day = r.ReadInt64();
        _prices.Load(r);
    }
}
