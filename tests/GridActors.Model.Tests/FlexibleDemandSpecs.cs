using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Model.Tests;

/// <summary>Flexible demand at the region (<see cref="Region"/>): hubs offer load to add (absorbing output the region would
/// curtail) and load to shed (their power cap's saving) when the region is short.</summary>
public class FlexibleDemandSpecs
{
    /// <summary>Captures what an entity sends and the metrics it adds; nothing is delivered.</summary>
    private sealed class Capture(int self, ulong seed = 1) : IEventContext
    {
        public SimTime Now { get; set; }
        public EntityId Self { get; } = new(self);
        public Rng Rng { get; } = Rng.ForEntity(seed, "test");
        public ulong RunSeed => seed;
        public readonly List<(int Target, object? Payload)> Sent = [];
        public readonly Dictionary<int, double> Metrics = [];
        public void Send(EntityId target, SimTime delay, object? payload, ChannelId channel = default) => Sent.Add((target.Value, payload));
        public void ScheduleSelf(SimTime delay, object? payload) { }
        public void AddMetric(int metric, double delta) => Metrics[metric] = Metrics.GetValueOrDefault(metric) + delta;
        public void Record(string kind, string detail) { }
    }

    /// <summary>One region with a 100 MW plant, 80 MW of background load and two hubs; the hubs' demands as given.</summary>
    private static (Capture Ctx, SupplyChainModel Model) Clear(double plantMW, bool renewable, params Demand[] demands)
    {
        var spec = Empty("flex") with
        {
            Plants = [Plant("p", "r", PlantType.Hydro, 1000, 30, 105)],
            Regions = [Region("r", 80)],
            Hubs = [Hub("h1", "r", 30, 105, east: true, 10, 1000, 0.1, 0.2), Hub("h2", "r", 30, 105, east: true, 10, 1000, 0.1, 0.2)],
        };
        var model = new SupplyChainModel(spec);
        int regionId = model.RegionId("r");
        var region = model.CreateEntity(regionId);
        var ctx = new Capture(regionId);
        region.Init(ctx);
        region.Handle(ctx, Tick.Instance);
        int plant = model.IdsOf(EntityKinds.Plant).Single();
        region.Handle(ctx, new Offer(plant, 0, plantMW, renewable ? 0 : 10, renewable, 0));   // renewables bid their zero marginal cost
        int[] hubs = [.. model.IdsOf(EntityKinds.Hub)];
        for (int i = 0; i < demands.Length; i++) region.Handle(ctx, demands[i] with { Hub = hubs[i] });
        return (ctx, model);
    }

    private static PowerGrant GrantTo(Capture ctx, SupplyChainModel model, string hub) =>
        (PowerGrant)ctx.Sent.Single(s => s.Target == model.HubId(hub) && s.Payload is PowerGrant).Payload!;

    [Fact]
    public void A_short_region_sheds_the_hubs_offered_load_first_and_spreads_the_rest_of_the_shortfall_pro_rata()
    {
        // Load 80 + 50 + 30 = 160 MW against 100 MW supplied: 60 MW short. h1 offers 10 MW to shed, h2 nothing.
        var (ctx, model) = Clear(100, renewable: false, new Demand(0, 0, 50, FlexDownMW: 10), new Demand(0, 0, 30));
        double f = 100.0 / (160 - 10);   // the rest of the shortfall, spread pro rata over the remaining 150 MW
        Assert.Equal((50 - 10) * f, GrantTo(ctx, model, "h1").MW, 9);
        Assert.Equal(30 * f, GrantTo(ctx, model, "h2").MW, 9);
        // Background load gets 80 f — more than the 80 × 100/160 it would get without the shed — and nothing is lost.
        double background = 100 - GrantTo(ctx, model, "h1").MW - GrantTo(ctx, model, "h2").MW;
        Assert.Equal(80 * f, background, 9);
        Assert.True(background > 80 * 100.0 / 160);
        Assert.Equal(10 * model.IntervalHours, ctx.Metrics[M.FlexShed], 9);
    }

    [Fact]
    public void A_region_sheds_no_more_than_it_is_short_and_nothing_when_it_is_not()
    {
        // 165 MW supplied against 170 MW: 5 MW short, 20 MW offered — each hub sheds a quarter of its offer and the rest is served.
        var (ctx, model) = Clear(165, renewable: false, new Demand(0, 0, 50, FlexDownMW: 12), new Demand(0, 0, 40, FlexDownMW: 8));
        Assert.Equal(50 - 3, GrantTo(ctx, model, "h1").MW, 9);
        Assert.Equal(40 - 2, GrantTo(ctx, model, "h2").MW, 9);
        Assert.Equal(5 * model.IntervalHours, ctx.Metrics[M.FlexShed], 9);

        var (enough, m2) = Clear(500, renewable: false, new Demand(0, 0, 50, FlexDownMW: 12), new Demand(0, 0, 40, FlexDownMW: 8));
        Assert.Equal(50, GrantTo(enough, m2, "h1").MW, 9);
        Assert.Equal(40, GrantTo(enough, m2, "h2").MW, 9);
        Assert.False(enough.Metrics.ContainsKey(M.FlexShed));
    }

    [Fact]
    public void A_region_that_would_curtail_offers_the_surplus_to_its_hubs_pro_rata_to_the_load_they_could_add()
    {
        // 200 MW of renewable output against 80 + 30 + 20 = 130 MW of load: 70 MW would be curtailed, 100 MW could be added.
        var (ctx, model) = Clear(200, renewable: true, new Demand(0, 0, 30, FlexUpMW: 60), new Demand(0, 0, 20, FlexUpMW: 40));
        var h1 = GrantTo(ctx, model, "h1");
        var h2 = GrantTo(ctx, model, "h2");
        Assert.Equal(30, h1.MW, 9);
        Assert.Equal(70, h1.GreenSurplusMW, 9);
        Assert.Equal(60 * 0.7, h1.AbsorbableMW, 9);
        Assert.Equal(40 * 0.7, h2.AbsorbableMW, 9);
        Assert.Equal(0, h1.PriceUsdPerMWh, 9);   // a surplus interval: only renewables at the margin
        var (short_, m2) = Clear(100, renewable: false, new Demand(0, 0, 30, FlexUpMW: 60), new Demand(0, 0, 20, FlexUpMW: 40));
        Assert.Equal(0, GrantTo(short_, m2, "h1").AbsorbableMW);   // nothing to absorb when nothing would be curtailed
        Assert.Equal(10, GrantTo(short_, m2, "h1").PriceUsdPerMWh, 9);
    }
}
