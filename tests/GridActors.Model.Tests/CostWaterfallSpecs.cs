using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Model.Tests;

public class CostWaterfallSpecs
{
    private static readonly CostDrivers Base = new(ElectricityUsdPerMWh: 60, Pue: 1.2, MeanItWPerAccelerator: 900, AcceleratorUsdPerHour: 2.5,
        WorkTokensPerBusyAcceleratorSecond: 1500, Utilisation: 0.6, CacheFactor: 1.3, Margin: 1);

    /// <summary>Drivers drawn from wide ranges (margins 1 or not, with the seed).</summary>
    private static CostDrivers Draw(Rng r, bool margin) => new(
        ElectricityUsdPerMWh: 5 + 300 * r.NextDouble(), Pue: 1 + r.NextDouble(), MeanItWPerAccelerator: 100 + 2000 * r.NextDouble(),
        AcceleratorUsdPerHour: 0.1 + 10 * r.NextDouble(), WorkTokensPerBusyAcceleratorSecond: 10 + 1e5 * r.NextDouble(),
        Utilisation: 0.01 + 0.99 * r.NextDouble(), CacheFactor: 1 + 4 * r.NextDouble(), Margin: margin ? 0.5 + 3 * r.NextDouble() : 1);

    /// <summary>Equal to a relative 1e-9.</summary>
    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-9 * Math.Abs(expected), $"expected {expected}, got {actual}");

    [Fact]
    public void The_factors_multiply_to_the_ratio_for_random_drivers()
    {
        for (int seed = 0; seed < 500; seed++)
        {
            var r = Rng.FromSeed((ulong)seed);
            bool margin = seed % 2 == 1;
            var a = Draw(r, margin);
            var b = Draw(r, margin);
            var w = CostWaterfall.Of(a, b);
            double product = w.Steps.Aggregate(1.0, (p, s) => p * s.Factor);
            double expected = b.PricePerMillionTokens / a.PricePerMillionTokens;
            Assert.True(Math.Abs(product / expected - 1) < 1e-9, $"seed {seed}: product {product} ≠ ratio {expected}");
            Assert.True(Math.Abs(w.Ratio / expected - 1) < 1e-12, $"seed {seed}");
            Assert.True(Math.Abs(w.Steps[^1].Cumulative / expected - 1) < 1e-9, $"seed {seed}: cumulative ends at {w.Steps[^1].Cumulative}");
            Assert.Equal(margin ? "price" : "cost", w.Basis);
            if (!margin) Assert.True(Math.Abs(product / (b.CostPerMillionTokens / a.CostPerMillionTokens) - 1) < 1e-9);
            Assert.Equal(CostWaterfall.Names, w.Steps.Select(s => s.Name));
        }
    }

    public static TheoryData<int> Drivers => [0, 1, 2, 3, 4, 5, 6, 7];

    private static CostDrivers With(CostDrivers d, int k, double v) => k switch
    {
        0 => d with { ElectricityUsdPerMWh = v },
        1 => d with { Pue = v },
        2 => d with { MeanItWPerAccelerator = v },
        3 => d with { AcceleratorUsdPerHour = v },
        4 => d with { WorkTokensPerBusyAcceleratorSecond = v },
        5 => d with { Utilisation = v },
        6 => d with { CacheFactor = v },
        _ => d with { Margin = v },
    };

    [Theory]
    [MemberData(nameof(Drivers))]
    public void Changing_one_driver_puts_the_whole_ratio_in_its_factor_and_one_in_the_others(int k)
    {
        var b = With(Base, k, k == 5 ? 0.9 : k == 6 ? 2.1 : k == 7 ? 1.4 : 1.7 * new[] { 60, 1.2, 900, 2.5, 1500 }[k]);
        var w = CostWaterfall.Of(Base, b);
        for (int i = 0; i < w.Steps.Count; i++)
            if (i == k) Assert.Equal(w.Ratio, w.Steps[i].Factor, 12);
            else Assert.Equal(1.0, w.Steps[i].Factor, 12);
        Assert.NotEqual(1.0, w.Ratio, 3);
    }

    [Fact]
    public void The_electricity_factor_alone_is_the_ratio_of_the_cost_per_accelerator_hour()
    {
        var b = Base with { ElectricityUsdPerMWh = 95 };
        var w = CostWaterfall.Of(Base, b);
        double pue = Base.Pue, p = Base.MeanItWPerAccelerator / 1e6, pa = Base.AcceleratorUsdPerHour;
        double expected = (95 * pue * p + pa) / (60 * pue * p + pa);
        Assert.Equal(expected, w.Steps[0].Factor, 12);
        Assert.Equal(expected, w.Ratio, 12);
        Assert.Equal("cost", w.Basis);
        Assert.Equal((60.0, 95.0), (w.Steps[0].A, w.Steps[0].B));
    }

    [Fact]
    public void Degenerate_drivers_give_a_precise_error()
    {
        var ex = Assert.Throws<CostModelException>(() => CostWaterfall.Of(Base, Base with { WorkTokensPerBusyAcceleratorSecond = 0 }));
        Assert.Equal("run B: work tokens per busy accelerator-second is 0; it must be positive", ex.Message);
        ex = Assert.Throws<CostModelException>(() => CostWaterfall.Of(Base with { Utilisation = double.NaN }, Base));
        Assert.Equal("run A: utilisation is NaN, not a finite number", ex.Message);
        ex = Assert.Throws<CostModelException>(() => CostWaterfall.Of(Base with { AcceleratorUsdPerHour = 0, ElectricityUsdPerMWh = 0 }, Base));
        Assert.StartsWith("run A: an accelerator-hour costs nothing", ex.Message);
        // A: electricity only; B: accelerators only. Substituting B's electricity price (0) first leaves nothing to pay.
        ex = Assert.Throws<CostModelException>(() => CostWaterfall.Of(Base with { AcceleratorUsdPerHour = 0 }, Base with { ElectricityUsdPerMWh = 0 }));
        Assert.StartsWith("the substitution of electricity price (60 → 0) gives a cost of 0", ex.Message);
    }

    [Fact]
    public void A_run_without_tokens_or_without_servers_has_no_drivers_and_says_why()
    {
        var idle = Small() with { Users = [] };
        var model = new SupplyChainModel(idle);
        var s = SupplyChainSummary.From(model, new SequentialExecutor().Run(model, Settings(30 * Minute)));
        Assert.Equal("no tokens served: cost per token is undefined", Assert.Throws<CostModelException>(() => CostDrivers.From(s)).Message);

        var noHubs = Small() with { Hubs = [], Users = [] };
        model = new SupplyChainModel(noHubs);
        s = SupplyChainSummary.From(model, new SequentialExecutor().Run(model, Settings(30 * Minute)));
        Assert.Equal("no accelerator-hours: the run has no hub servers, so cost per token is undefined",
            Assert.Throws<CostModelException>(() => CostDrivers.From(s)).Message);
    }

    [Fact]
    public void A_run_today_falls_back_to_the_hub_servers_and_its_drivers_reproduce_electricity_plus_capital_per_token()
    {
        var model = new SupplyChainModel(Small());
        var s = SupplyChainSummary.From(model, new SequentialExecutor().Run(model, Settings(2 * Hour)));
        var d = CostDrivers.From(s);
        // 80 servers × 24 started five-minute intervals.
        Assert.Equal(24, s.StartedIntervals);
        double hours = 80 * 24 * (5.0 / 60);
        Close(30, d.AcceleratorUsdPerHour);                    // capital ÷ H: both hubs cost 30 USD per server-hour
        Assert.Equal(s.CostElectricity / s.HubMWh, d.ElectricityUsdPerMWh, 12);
        Assert.InRange(d.Pue, 1.2, 1.25);                                   // energy-weighted spec PUE
        Close(s.HubMWh / d.Pue * 1e6 / hours, d.MeanItWPerAccelerator);
        Assert.Equal(1, d.CacheFactor);
        Assert.Equal(1, d.Margin);
        Assert.InRange(d.Utilisation, 1e-6, 1);                            // from the hubs' busy servers
        double expected = (s.CostElectricity + s.CostCapital) / s.TokensServed * 1e6;
        Close(expected, d.CostPerMillionTokens);
    }

    [Fact]
    public void The_serving_metrics_take_precedence_when_a_run_has_them()
    {
        var model = new SupplyChainModel(Small());
        var s = SupplyChainSummary.From(model, new SequentialExecutor().Run(model, Settings(1 * Hour)));
        s.AcceleratorHours = 1000;
        s.BusyAcceleratorHours = 400;
        s.ItMWh = s.HubMWh / 1.1;
        s.InputTokens = 3e9;
        s.CachedTokens = 1e9;
        s.OutputTokens = 1e9;
        s.RevenueUsd = 2 * (s.CostElectricity + s.CostCapital);
        var d = CostDrivers.From(s);
        Assert.Equal(1.1, d.Pue, 12);
        Assert.Equal(0.4, d.Utilisation, 12);
        Assert.Equal(4e9 / 3e9, d.CacheFactor, 12);                      // (3 + 1) ÷ (1 + 3 − 1)
        Close(3e9 / (400 * 3600), d.WorkTokensPerBusyAcceleratorSecond);
        Assert.Equal(2, d.Margin, 12);
        Close((s.CostElectricity + s.CostCapital) / 4e9 * 1e6, d.CostPerMillionTokens);
        Close(2 * d.CostPerMillionTokens, d.PricePerMillionTokens);
    }
}
