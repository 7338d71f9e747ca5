using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Model.Serving;
using GridActors.Model.SupplyChain;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Model.Tests;

/// <summary>Locational prices paid by hubs (<see cref="HubPricing"/>) and carbon per token (<see cref="HubCarbon"/>).</summary>
public class CarbonPricingSpecs
{
    private const double IntervalHours = 5.0 / 60;
    private const double Tariff = 70, CoalCost = 40, CoalCarbon = 820;

    /// <summary>One region (UTC+8) with 1,000 MW of run-of-river hydro (renewable, free, always there) and 3,000 MW of coal at
    /// 40 USD/MWh; its load is 2,000 MW in local hours 0–11 (coal at the margin) and 500 MW in 12–23 (hydro alone, the rest
    /// spilled). One hub (serving units, or replicas) and two user regions.</summary>
    private static SupplyChainSpec OneRegion(HubPricing pricing, bool replicas)
    {
        var spec = Empty("carbon") with
        {
            Regions = [Region("r", 2000) with { LoadProfile = [.. Enumerable.Range(0, 24).Select(h => h >= 12 ? 0.25 : 1.0)], LoadShape = LoadShape.Step }],
            Plants =
            [
                Plant("hydro", "r", PlantType.Hydro, 1000, 30, 105) with { CapacityFactor = 1 },
                Plant("coal", "r", PlantType.Coal, 3000, 30, 105) with { MarginalCostUsdPerMWh = CoalCost, CarbonKgPerMWh = CoalCarbon },
            ],
            Hubs = [Hub("h", "r", 30, 105, east: true, 10, 20_000, 0.5, 1.2) with { Pue = 1.2, ElectricityUsdPerMWh = Tariff }],
            Users =
            [
                Users("near", 8, 2, Route("h", null, 2)) with { RequestsPerBundle = 10 },
                Users("far", -5, 1, Route("h", null, 20)) with { RequestsPerBundle = 10 },
            ],
            HubPricing = pricing,
        };
        if (!replicas) return spec;
        RequestClassSpec[] classes = [new("chat") { Share = 0.7, CacheHit = 0.5 }, new("batch") { Share = 0.3, RealTime = false }];
        return spec with
        {
            Accelerators = [ServingHubSpecs.H100],
            Hubs = [.. spec.Hubs.Select(h => h with { Servers = 0, Accelerator = "h100", Replicas = 4, SimulatedReplicas = 2 })],
            Users = [.. spec.Users.Select(u => u with { Classes = classes })],
        };
    }

    private static (SupplyChainSummary Summary, RunResult Result) Run(SupplyChainSpec spec, long horizon, ulong seed = 1)
    {
        var model = new SupplyChainModel(spec);
        var result = new SequentialExecutor().Run(model, Settings(horizon, seed));
        return (SupplyChainSummary.From(model, result), result);
    }

    /// <summary>The dispatch interval a region's sample belongs to (recorded a few seconds into it).</summary>
    private static long RegionInterval(RegionSample r) => (long)Math.Floor(r.Hours / IntervalHours + 1e-9);

    /// <summary>The interval a hub's row closes (rows are recorded at the start of the next one).</summary>
    private static long HubInterval(HubSample h) => (long)Math.Round(h.Hours / IntervalHours) - 1;

    private static void Close(double expected, double actual, double relative = 1e-9) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Prices_are_zero_where_the_region_curtails_and_the_marginal_plants_cost_otherwise_and_reach_the_hub()
    {
        // 00:00 UTC is 08:00 local: local noon falls 4 h in, so the 8 h run has both regimes.
        var (s, _) = Run(OneRegion(HubPricing.Locational, replicas: false), 8 * Hour);
        var regions = s.SeriesOf<RegionSample>("region/r");
        Assert.Equal(96, regions.Count);
        foreach (var r in regions)
        {
            bool surplus = RegionInterval(r) >= 48;   // local 12:00 onwards
            Assert.Equal(surplus, r.CurtailedMW > 1);
            Assert.Equal(surplus ? 0 : CoalCost, r.PriceUsdPerMWh, 9);
            Assert.Equal(surplus ? 0 : CoalCarbon, r.MarginalCarbonKgPerMWh, 9);
            Assert.Equal(surplus ? 0 : (r.LoadMW - 1000) * CoalCarbon / r.LoadMW, r.CarbonKgPerMWh, 6);
        }
        // The hub on locational pricing pays, interval by interval, the price of its region's interval.
        var price = regions.ToDictionary(RegionInterval, r => r.PriceUsdPerMWh);
        var hub = s.SeriesOf<HubSample>("hub/h");
        Assert.Equal(95, hub.Count);   // the interval the run ends in is still open
        Assert.All(hub, h => Assert.Equal(price[HubInterval(h)], h.PriceUsdPerMWh));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_hub_on_locational_pays_the_sum_of_each_intervals_energy_times_its_price_and_on_tariff_energy_times_the_tariff(bool replicas)
    {
        var (tariff, _) = Run(OneRegion(HubPricing.Tariff, replicas), 8 * Hour);
        var (locational, _) = Run(OneRegion(HubPricing.Locational, replicas), 8 * Hour);
        // Rows close intervals 0–94; the run ends in interval 95. Serving units pay for its grant on arrival (replicas pay for
        // what they drew at the next interval's start, which the run does not reach): the energy billed but in no row.
        double OpenMWh(SupplyChainSummary s) => s.HubMWh - s.SeriesOf<HubSample>("hub/h").Sum(h => h.EnergyMWh);
        foreach (var s in new[] { tariff, locational })
        {
            var rows = s.SeriesOf<HubSample>("hub/h");
            Assert.Equal(95, rows.Count);
            if (replicas) Close(0, OpenMWh(s));
            else Assert.InRange(OpenMWh(s), 0.5 * 10 * 1.2 * IntervalHours, 1.2 * 10 * 1.2 * IntervalHours * (1 + 1e-9));   // idle to full
            // A row's energy: on replicas the IT energy drawn × PUE, on serving units the power granted × the interval.
            if (replicas) Assert.All(rows, h => Assert.Equal(h.ItMWh * 1.2, h.EnergyMWh, 9));
            else Assert.All(rows, h => Assert.Equal(h.GrantMW * IntervalHours, h.EnergyMWh, 9));
        }
        Assert.True(tariff.HubMWh > 0);
        Close(tariff.HubMWh * Tariff, tariff.CostElectricity);
        Assert.All(tariff.SeriesOf<HubSample>("hub/h"), h => Assert.Equal(Tariff, h.PriceUsdPerMWh));

        var price = locational.SeriesOf<RegionSample>("region/r").ToDictionary(RegionInterval, r => r.PriceUsdPerMWh);
        var hub = locational.SeriesOf<HubSample>("hub/h");
        double expected = hub.Sum(h => h.EnergyMWh * price[HubInterval(h)]) + OpenMWh(locational) * price[95];
        Close(expected, locational.CostElectricity);
        // Morning energy at 40, afternoon energy free: the bill is 40 × the energy drawn before local noon.
        Close(CoalCost * hub.Where(h => HubInterval(h) < 48).Sum(h => h.EnergyMWh), locational.CostElectricity);
        Assert.True(locational.CostElectricity < 0.75 * CoalCost * locational.HubMWh, "the afternoon's surplus energy is free");
        // Billing at the next interval's price instead would differ at local noon (price 40 → 0).
        double shifted = hub.Sum(h => h.EnergyMWh * price.GetValueOrDefault(HubInterval(h) + 1, CoalCost));
        Assert.True(Math.Abs(shifted - locational.CostElectricity) > 1e-3, "the noon interval decides between the two");
    }

    [Fact]
    public void Locational_hubs_on_replicas_give_the_sequential_digest_windowed_and_after_a_resume()
    {
        var model = new SupplyChainModel(OneRegion(HubPricing.Locational, replicas: true));
        var settings = Settings(6 * Hour, 4);
        var reference = new SequentialExecutor().Run(model, settings);
        var first = new WindowedExecutor(new WindowedOptions(2, Leases: true, ShuffleSeed: 3, new CheckpointPlan(1 * Hour), EncodeBatches: true));
        Assert.Equal(reference.Digest, first.Run(model, settings).Digest);
        var cp = first.Checkpoints.First(c => c.TimeMicros >= 3 * Hour);
        var resumed = new WindowedExecutor(new WindowedOptions(2, Leases: true, ShuffleSeed: 4, new CheckpointPlan(1 * Hour, cp.K, cp.TimeMicros, Resume: true)));
        Assert.Equal(reference.Digest, resumed.Run(model, settings, cp).Digest);
    }

    /// <summary>Σ over user regions = Σ over hubs = Σ over hubs and closed intervals of energy × the region's intensity of the
    /// interval, for the mean and the marginal intensity.</summary>
    private static void AssertConserved(SupplyChainSummary s)
    {
        var c = s.Carbon;
        double drawn = 0, drawnMarginal = 0, mwh = 0, tokens = 0;
        foreach (var hub in s.Spec.Hubs)
        {
            var region = s.SeriesOf<RegionSample>("region/" + hub.Region).ToDictionary(RegionInterval);
            foreach (var h in s.SeriesOf<HubSample>("hub/" + hub.Id))
            {
                var r = region[HubInterval(h)];
                drawn += h.EnergyMWh * r.CarbonKgPerMWh;
                drawnMarginal += h.EnergyMWh * r.MarginalCarbonKgPerMWh;
                mwh += h.EnergyMWh;
                tokens += h.TokensServed;
            }
        }
        Assert.True(drawn > 0 && drawnMarginal > 0, $"drawn {drawn} kg, marginal {drawnMarginal} kg");
        Close(mwh, c.EnergyMWh);
        Close(drawn, c.DrawnKg);
        Close(drawnMarginal, c.DrawnMarginalKg);
        Assert.Equal(0, c.UnattributedKg);   // tokens were served
        Close(drawn, c.ByHub.Values.Sum(t => t.Kg));
        Close(drawn, c.ByUserRegion.Values.Sum(t => t.Kg));
        Close(drawnMarginal, c.ByHub.Values.Sum(t => t.MarginalKg));
        Close(drawnMarginal, c.ByUserRegion.Values.Sum(t => t.MarginalKg));
        Close(tokens, c.ByHub.Values.Sum(t => t.Tokens));
        Close(tokens, c.ByUserRegion.Values.Sum(t => t.Tokens));
        Assert.True(tokens <= s.TokensServed * (1 + 1e-12) && tokens > 0.95 * s.TokensServed, $"{tokens} of {s.TokensServed} tokens attributed");
        Close(c.AttributedKg * 1000 / c.Tokens * 1e6, c.GPerMillionTokens);
    }

    [Fact]
    public void Carbon_attributed_to_user_regions_and_to_hubs_adds_up_to_the_hubs_energy_times_their_regions_intensity()
    {
        // Two regions with different intensities (a western hub on solar, wind and coal; an eastern one on coal and
        // nuclear), three user regions; a hub failure leaves intervals without tokens, whose carbon is spread.
        var faults = new FaultSpec[] { new("hub-failure", "zhongwei", 2 * Hour, 1 * Hour, Fraction: 1) };
        foreach (var spec in new[] { Small(faults: faults), ServingHubSpecs.SmallOnReplicas(faults: faults) })
        {
            var (s, _) = Run(spec with { HubPricing = HubPricing.Locational }, 5 * Hour, 3);
            AssertConserved(s);
            Assert.Equal(new[] { "yrd", "zhongwei" }, s.Carbon.ByHub.Keys);
            Assert.Equal(new[] { "cn_east", "ne_asia", "north_america" }, s.Carbon.ByUserRegion.Keys);
            Assert.Equal(0, s.Carbon.UnattributedKg);
            Assert.All(s.Carbon.ByUserRegion.Values, t => Assert.True(t.Tokens > 0 && t.GPerToken > 0 && t.MarginalGPerToken > 0));
        }
    }

    [Fact]
    public void A_user_regions_carbon_is_that_of_the_hubs_and_intervals_that_served_its_tokens()
    {
        // One hub: every token carries the hub's carbon of the interval it was served in; both user regions send at flat
        // rates, so each interval's tokens split alike and each region's grams per token come out near the hub's.
        var (s, _) = Run(OneRegion(HubPricing.Tariff, replicas: false), 8 * Hour);
        AssertConserved(s);
        var hub = s.Carbon.ByHub["h"];
        Assert.Equal(hub.Tokens, s.Carbon.ByUserRegion.Values.Sum(t => t.Tokens), 6);
        // Only the morning intervals (coal) carry carbon: the afternoon's hydro is carbon-free at mean and marginal intensity.
        var rows = s.SeriesOf<HubSample>("hub/h");
        Assert.All(rows.Where(h => HubInterval(h) >= 48), h => Assert.Equal(0, h.CarbonKg));
        Assert.All(rows.Where(h => HubInterval(h) < 48), h => Assert.True(h.CarbonKg > 0 && h.MarginalCarbonKg == h.EnergyMWh * CoalCarbon));
        // With the same arrival rate share in every interval, each region gets the hub's mean grams per token.
        foreach (var t in s.Carbon.ByUserRegion.Values)
            Assert.InRange(t.GPerToken / hub.GPerToken, 0.9, 1.1);
    }

    [Fact]
    public void A_hub_that_serves_no_token_adds_its_carbon_to_every_user_regions_tokens_and_the_sums_still_hold()
    {
        // The idle hub (no route reaches it) sits in a region of its own, so the rest of the run is the same as without it
        // (entities of each kind keep their order, streams are keyed by name).
        var one = OneRegion(HubPricing.Tariff, replicas: false);
        var spec = one with
        {
            Regions = [.. one.Regions, Region("r2", 150)],
            Plants =
            [
                .. one.Plants, Plant("r2-hydro", "r2", PlantType.Hydro, 100, 30, 105) with { CapacityFactor = 1 },
                Plant("r2-coal", "r2", PlantType.Coal, 100, 30, 105) with { MarginalCostUsdPerMWh = CoalCost, CarbonKgPerMWh = CoalCarbon },
            ],
            Hubs = [.. one.Hubs, Hub("idle", "r2", 30, 105, east: false, 5, 20_000, 0.5, 1.2) with { Pue = 1.2 }],
        };
        var (s, _) = Run(spec, 4 * Hour);
        var (alone, _) = Run(one, 4 * Hour);
        AssertConserved(s);
        Assert.Equal(new[] { "h", "idle" }, s.Carbon.ByHub.Keys);
        Assert.Equal(0, s.Carbon.ByHub["idle"].Tokens);
        double idleKg = s.SeriesOf<HubSample>("hub/idle").Sum(h => h.CarbonKg);
        Assert.True(idleKg > 0);
        Close(idleKg, s.Carbon.ByHub["idle"].Kg);
        Close(idleKg, s.Carbon.IdleHubsKg);
        Assert.Equal(0, s.Carbon.UnattributedKg);
        // Each user region gets the idle hub's carbon in proportion to its tokens, on top of what it had without it.
        double tokens = s.Carbon.Tokens;
        foreach (var (user, t) in s.Carbon.ByUserRegion)
        {
            var before = alone.Carbon.ByUserRegion[user];
            Assert.Equal(before.Tokens, t.Tokens);
            Close(before.Kg + idleKg * t.Tokens / tokens, t.Kg);
        }
        Close((alone.Carbon.AttributedKg + idleKg) * 1000 / tokens * 1e6, s.Carbon.GPerMillionTokens);
    }
}
