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
///   yesterday (the lowest when x ≥ 1, the highest as the budget runs out).</item>
/// <item>Until it has a full day of prices (the first day of a run) it bids its marginal cost and offers the share of
///   the budget left that its profile gives this interval: budget × f(now) ÷ Σ f over the day's remaining intervals, at
///   most its capacity, where f is the export link's day-ahead schedule for a base bound to a scheduled link, otherwise
///   its region's load profile (flat without one). Water not taken stays in the budget and raises the later shares. So
///   the first day's water lasts to midnight in the shape of the load (or the schedule) instead of going in the run's
///   first hours. ESTIMATE: operators shape a reservoir's release on the load curve; the exact shape is not sourced.
///   The rest of what it could give (capacity, at most the budget left) it holds as a reserve for shortage, offered at
///   <see cref="ScarcityWaterValue"/> to its region's own load only: water is released beyond the shape rather than load
///   being shed (a base bound to a link holds no reserve: its water follows the link's schedule).</item>
/// <item>Spill: the budget unused at midnight stays in the reservoir, up to <see cref="CarryOverDays"/> days of budget;
///   beyond that the reservoir is full and the rest is spilled (reported as the plant's curtailment in the first
///   interval of the new day, apart from wind and solar curtailment in the summary).</item>
/// </list>
/// </summary>
public sealed class Reservoir(double dailyMWh, int intervalsPerDay, double[]? profile = null)
{
    /// <summary>Days of budget a reservoir holds beyond the current day before it spills. ESTIMATE: the large Jinsha
    /// reservoirs hold months of flow (calibration-facts §3, [K30]–[K33]), but a daily model keeps one day of
    /// head-pond flexibility so that a plant cannot hoard a whole day's water for a later day.</summary>
    public const double CarryOverDays = 1.0;

    private double _budget = double.NaN;   // MWh that may still be released today
    private long _day = long.MinValue;      // local day of the budget
    private readonly PriceHistory _prices = new(intervalsPerDay);

    /// <summary>The reservoir of <paramref name="plant"/>, or null unless it is reservoir hydro. Its daily budget is
    /// <see cref="PlantSpec.DailyEnergyMWh"/>, by default capacity × capacity factor × 24 h; its first-day profile is its
    /// export link's schedule, or else its region's load profile.</summary>
    public static Reservoir? For(SupplyChainModel model, PlantSpec plant)
    {
        if (plant is not { Type: PlantType.Hydro, HydroMode: HydroMode.Reservoir }) return null;
        double[]? profile = plant.ExportLink is { } link ? model.Spec.Links.FirstOrDefault(l => l.Id == link)?.Schedule : null;
        profile ??= model.Spec.Regions.FirstOrDefault(r => r.Id == plant.Region)?.LoadProfile;
        return new Reservoir(plant.DailyEnergyMWh ?? plant.CapacityMW * plant.CapacityFactor * 24,
            PriceHistory.IntervalsPerDay(model.Spec.DispatchIntervalMicros), profile);
    }

    /// <summary>The price (USD/MWh) at which a reservoir offers its reserve on a run's first day: above the marginal cost of
    /// every plant in the shipped scenarios (gas 90, "other supply" 60) and below storage's shortage-only bid, so it is
    /// used only when the region would otherwise be short. ESTIMATE (a scarcity value of water, not sourced).</summary>
    public const double ScarcityWaterValue = 500;

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

    /// <summary>What the plant can offer this interval (MW): its available capacity — on a day without a full day of
    /// prices only the share the load profile gives this interval (see the class notes) — at most the budget left.
    /// <paramref name="localHours"/> as for <see cref="StartInterval"/>.</summary>
    public double Offer(double capacityMW, double intervalHours, double localHours)
    {
        double share = _prices.Full ? 1 : FirstDayShare(capacityMW, intervalHours, localHours);
        return Math.Max(0, Math.Min(capacityMW * share, _budget / intervalHours));
    }

    /// <summary>What the plant holds back for shortage this interval (MW) beside an offer of <paramref name="offeredMW"/>:
    /// on a run's first day, the rest of its capacity up to the budget left; none once it bids water values (it then
    /// offers its whole capacity).</summary>
    public double Reserve(double capacityMW, double intervalHours, double offeredMW) =>
        _prices.Full ? 0 : Math.Max(0, Math.Min(capacityMW, _budget / intervalHours) - offeredMW);

    private double FirstDayShare(double capacityMW, double intervalHours, double localHours)
    {
        if (capacityMW <= 0 || _budget <= 0) return 0;
        double hourOfDay = localHours - 24 * Math.Floor(localHours / 24);
        int left = Math.Max(1, (int)Math.Ceiling((24 - hourOfDay) / intervalHours - 1e-9));
        double Factor(double h) => profile is { Length: 24 } p ? Math.Max(0, p[(int)Math.Floor(h + 1e-9) % 24]) : 1.0;
        double sum = 0;
        for (int i = 0; i < left; i++) sum += Factor(hourOfDay + i * intervalHours);
        double releaseMW = sum > 0 ? _budget * Factor(hourOfDay) / sum / intervalHours : _budget / (left * intervalHours);
        return Math.Clamp(releaseMW / capacityMW, 0, 1);
    }

    /// <summary>The water value to bid (USD/MWh), see the class notes; <paramref name="hoursLeft"/> in the local day.</summary>
    public double WaterValue(double capacityMW, double hoursLeft, double intervalHours, double fallback)
    {
        if (!_prices.Full) return fallback;
        double full = capacityMW * hoursLeft;
        double x = full > 0 ? _budget / full : 1;
        int left = (int)Math.Ceiling(hoursLeft / intervalHours - 1e-9);
        return _prices.Quantile(1 - Math.Clamp(x, 0, 1), left);
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
