namespace GridActors.Model.SupplyChain;

/// <summary>Cost drivers that cannot give a finite, positive cost per token (no tokens, no accelerator-hours, a zero or
/// non-finite driver), or a waterfall whose substitution passes through a zero cost. The message says which and why.</summary>
public sealed class CostModelException(string message) : Exception(message);

/// <summary>
/// The drivers of the cost per token of a run, and the cost model that combines them. With
/// H = accelerator-hours provisioned,
/// P̄ = <see cref="MeanItWPerAccelerator"/> (mean IT power per provisioned accelerator, W, idle and node overhead included),
/// PUE = <see cref="Pue"/> (facility ÷ IT energy),
/// p_e = <see cref="ElectricityUsdPerMWh"/> (effective: electricity cost ÷ facility MWh),
/// p_a = <see cref="AcceleratorUsdPerHour"/> (effective: accelerator/capital cost ÷ H),
/// u = <see cref="Utilisation"/> (busy accelerator-hours ÷ H),
/// τ = <see cref="WorkTokensPerBusyAcceleratorSecond"/> (work tokens W = output + uncached input tokens, per busy accelerator-second),
/// c = <see cref="CacheFactor"/> (billed ÷ work tokens = (input + output) ÷ (output + input·(1 − cacheHitShare)), ≥ 1) and
/// m = <see cref="Margin"/> (list-price revenue ÷ cost; 1 when the run has no list prices):
/// <code>
///   cost per token  C = (p_e·PUE·P̄/1e6 + p_a) / (3600·τ·c·u)    USD per billed token
///   price per token   = m·C
/// </code>
/// The numerator is USD per provisioned accelerator-hour, the denominator billed tokens per provisioned accelerator-hour, so
/// C = (electricity cost + accelerator cost) ÷ billed tokens exactly. Network cost is not a driver (it is per token already) and
/// is not in C; the margin is revenue over this C's cost.
/// </summary>
public sealed record CostDrivers(
    double ElectricityUsdPerMWh, double Pue, double MeanItWPerAccelerator, double AcceleratorUsdPerHour,
    double WorkTokensPerBusyAcceleratorSecond, double Utilisation, double CacheFactor, double Margin)
{
    /// <summary>Watts in a megawatt (P̄ is in W, p_e per MWh).</summary>
    public const double WattsPerMegawatt = 1e6;

    /// <summary>Seconds in an hour (τ is per second, p_a per hour).</summary>
    public const double SecondsPerHour = 3600;

    /// <summary>USD per provisioned accelerator-hour: electricity p_e·PUE·P̄/1e6 plus the accelerator p_a.</summary>
    public double UsdPerAcceleratorHour => ElectricityUsdPerMWh * Pue * MeanItWPerAccelerator / WattsPerMegawatt + AcceleratorUsdPerHour;

    /// <summary>Billed tokens per provisioned accelerator-hour: 3600·τ·c·u.</summary>
    public double BilledTokensPerAcceleratorHour => SecondsPerHour * WorkTokensPerBusyAcceleratorSecond * CacheFactor * Utilisation;

    /// <summary>C, USD per billed token.</summary>
    public double CostPerToken => UsdPerAcceleratorHour / BilledTokensPerAcceleratorHour;

    /// <summary>C × 1e6, USD per million billed tokens.</summary>
    public double CostPerMillionTokens => CostPerToken * SupplyChainSummary.TokensPerMillion;

    /// <summary>m·C × 1e6, the list price per million billed tokens (equal to the cost when there are no list prices).</summary>
    public double PricePerMillionTokens => Margin * CostPerMillionTokens;

    /// <summary>Checks that every driver lets C be finite and positive: p_e, P̄, p_a ≥ 0; PUE, τ, c, u, m &gt; 0; the numerator
    /// &gt; 0; all finite. Throws a <see cref="CostModelException"/> that starts with <paramref name="what"/> and names the
    /// driver otherwise.</summary>
    public CostDrivers Validated(string what)
    {
        void Check(string name, double v, bool positive)
        {
            if (!double.IsFinite(v)) throw new CostModelException($"{what}: {name} is {v}, not a finite number");
            if (positive ? v <= 0 : v < 0) throw new CostModelException($"{what}: {name} is {v}; it must be {(positive ? "positive" : "zero or more")}");
        }
        Check("electricity price (USD/MWh)", ElectricityUsdPerMWh, false);
        Check("PUE", Pue, true);
        Check("mean IT power per accelerator (W)", MeanItWPerAccelerator, false);
        Check("accelerator price (USD per accelerator-hour)", AcceleratorUsdPerHour, false);
        Check("work tokens per busy accelerator-second", WorkTokensPerBusyAcceleratorSecond, true);
        Check("utilisation", Utilisation, true);
        Check("cache factor", CacheFactor, true);
        Check("margin", Margin, true);
        if (!(UsdPerAcceleratorHour > 0))
            throw new CostModelException($"{what}: an accelerator-hour costs nothing (no electricity cost and no accelerator cost), so every ratio to this cost is undefined");
        return this;
    }

    /// <summary>
    /// The drivers of a run. Each comes from the serving model's metrics when it wrote them, else from the hub servers
    /// (a hub's serving units are then the "accelerators"):
    /// <list type="bullet">
    /// <item>H = <see cref="SupplyChainSummary.AcceleratorHours"/>, or Σ hub servers × started intervals × interval length;</item>
    /// <item>PUE = hub (facility) MWh ÷ <see cref="SupplyChainSummary.ItMWh"/>, or the hubs' spec PUE weighted by their energy
    /// (their series' granted MW × interval; by servers when no hub drew any), and IT MWh = hub MWh ÷ that PUE;</item>
    /// <item>p_e = electricity cost ÷ hub MWh (the hubs' spec prices weighted by servers when no energy was drawn: it then
    /// multiplies P̄ = 0); p_a = capital cost ÷ H; P̄ = IT MWh × 1e6 ÷ H;</item>
    /// <item>busy = <see cref="SupplyChainSummary.BusyAcceleratorHours"/>, or (with the fallback H) Σ the hub series' busy servers
    /// × interval length when that is positive, else H (u = 1);</item>
    /// <item>billed and work tokens from input, cached and output tokens, or both = tokens served when the run counted no
    /// input or output tokens (c = 1); m = revenue ÷ (electricity + capital cost), or 1 without revenue.</item>
    /// </list>
    /// Throws a <see cref="CostModelException"/> for a run without accelerator-hours, without tokens, or with tokens and no
    /// busy accelerator-hours.
    /// </summary>
    public static CostDrivers From(SupplyChainSummary s)
    {
        var hubs = s.Spec.Hubs;
        double servers = hubs.Sum(x => (double)x.Servers);
        double ServerWeighted(Func<HubSpec, double> f) => servers > 0 ? hubs.Sum(x => x.Servers * f(x)) / servers : 0;

        bool served = s.AcceleratorHours > 0;
        double hours = served ? s.AcceleratorHours : servers * s.StartedIntervals * s.IntervalHours;
        if (!(hours > 0))
            throw new CostModelException(served || servers > 0
                ? "no accelerator-hours: the run ended before its first dispatch interval, so cost per token is undefined"
                : "no accelerator-hours: the run has no hub servers, so cost per token is undefined");

        double facility = s.HubMWh;
        double pue;
        if (s.ItMWh > 0) pue = facility / s.ItMWh;
        else
        {
            double energy = 0, it = 0;
            foreach (var hub in hubs)
                if (s.SeriesByEntity.ContainsKey(EntityKinds.Hub.Key(hub.Id)))
                {
                    double e = s.SeriesOf<HubSample>(EntityKinds.Hub.Key(hub.Id)).Sum(r => r.GrantMW) * s.IntervalHours;
                    energy += e;
                    it += e / hub.Pue;
                }
            pue = it > 0 ? energy / it : ServerWeighted(x => x.Pue);
        }
        double itMWh = s.ItMWh > 0 ? s.ItMWh : pue > 0 ? facility / pue : 0;
        double pe = facility > 0 ? s.CostElectricity / facility : ServerWeighted(x => x.ElectricityUsdPerMWh);

        double busy = s.BusyAcceleratorHours;
        if (!served)
        {
            double sampled = hubs.Where(x => s.SeriesByEntity.ContainsKey(EntityKinds.Hub.Key(x.Id)))
                .Sum(x => s.SeriesOf<HubSample>(EntityKinds.Hub.Key(x.Id)).Sum(r => r.BusyServers)) * s.IntervalHours;
            busy = sampled > 0 ? Math.Min(sampled, hours) : hours;
        }

        bool counted = s.InputTokens + s.OutputTokens > 0;
        double billed = counted ? s.InputTokens + s.OutputTokens : s.TokensServed;
        double work = counted ? s.OutputTokens + s.InputTokens - s.CachedTokens : s.TokensServed;
        if (!(billed > 0)) throw new CostModelException("no tokens served: cost per token is undefined");
        if (!(work > 0)) throw new CostModelException($"no work tokens: every one of {billed} billed tokens is a cached input token, so tokens per busy accelerator-second is 0");
        if (!(busy > 0)) throw new CostModelException($"{billed} tokens served with no busy accelerator-hours: tokens per busy accelerator-second is undefined");

        double cost = s.CostElectricity + s.CostCapital;
        double margin = s.RevenueUsd > 0 && cost > 0 ? s.RevenueUsd / cost : 1;
        return new CostDrivers(pe, pue, itMWh * WattsPerMegawatt / hours, s.CostCapital / hours,
            work / (busy * SecondsPerHour), busy / hours, billed / work, margin).Validated("run");
    }
}

/// <summary>One step of a <see cref="CostWaterfall"/>: the driver's value in A and in B, the factor its substitution
/// multiplies the cost (or price) by, and the product of the factors up to and including this one.</summary>
public sealed record WaterfallStep(string Name, double A, double B, double Factor, double Cumulative);

/// <summary>
/// Decomposes B ÷ A of the cost per token into multiplicative factors by sequential substitution, in the order of
/// <see cref="Names"/>: factor k = V(first k drivers from B, the rest from A) ÷ V(first k − 1 from B), where V = m·C
/// (<see cref="CostDrivers"/>). The factors telescope: their product is V_B ÷ V_A. When neither run has list prices (both
/// margins 1) the margin factor is 1 and the total is the cost ratio C_B ÷ C_A (<see cref="Basis"/> "cost"); otherwise it is
/// the price ratio m_B·C_B ÷ (m_A·C_A) ("price"). The order matters: a factor is the effect of its driver given B's values of
/// the drivers before it and A's of those after.
/// </summary>
public sealed record CostWaterfall(CostDrivers A, CostDrivers B, string Basis, IReadOnlyList<WaterfallStep> Steps)
{
    /// <summary>The factors in substitution order.</summary>
    public static readonly IReadOnlyList<string> Names =
        ["electricity price", "PUE", "accelerator power", "accelerator price", "tokens per accelerator-second", "utilisation", "cache hits", "margin"];

    /// <summary>A's and B's cost per million tokens (USD).</summary>
    public double CostA => A.CostPerMillionTokens;
    public double CostB => B.CostPerMillionTokens;

    /// <summary>What the factors multiply to: B ÷ A of the cost per token, or of the price with margins.</summary>
    public double Ratio => Basis == "cost" ? CostB / CostA : B.PricePerMillionTokens / A.PricePerMillionTokens;

    private static double[] Vector(CostDrivers d) =>
        [d.ElectricityUsdPerMWh, d.Pue, d.MeanItWPerAccelerator, d.AcceleratorUsdPerHour, d.WorkTokensPerBusyAcceleratorSecond, d.Utilisation, d.CacheFactor, d.Margin];

    private static double Value(double[] x) => new CostDrivers(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]).PricePerMillionTokens;

    /// <summary>The waterfall from A to B; throws a <see cref="CostModelException"/> when a run's drivers are degenerate
    /// or an intermediate substitution costs nothing (A's accelerator price 0 with B's electricity term 0, say).</summary>
    public static CostWaterfall Of(CostDrivers a, CostDrivers b)
    {
        a.Validated("run A");
        b.Validated("run B");
        var va = Vector(a);
        var vb = Vector(b);
        var x = (double[])va.Clone();
        double previous = Value(x), cumulative = 1;
        var steps = new List<WaterfallStep>(Names.Count);
        for (int k = 0; k < Names.Count; k++)
        {
            x[k] = vb[k];
            double next = Value(x);
            if (!(next > 0) || !double.IsFinite(next))
                throw new CostModelException($"the substitution of {Names[k]} ({va[k]} → {vb[k]}) gives a cost of {next} with the drivers after it " +
                    "still A's: the waterfall has no finite factor there (an accelerator-hour costs nothing at that step)");
            double factor = next / previous;
            cumulative *= factor;
            steps.Add(new WaterfallStep(Names[k], va[k], vb[k], factor, cumulative));
            previous = next;
        }
        return new CostWaterfall(a, b, a.Margin == 1 && b.Margin == 1 ? "cost" : "price", steps);
    }
}
