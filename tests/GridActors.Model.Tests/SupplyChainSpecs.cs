using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.TestSupport;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Model.Tests;

public class SupplyChainSpecs
{
    private static (SupplyChainModel Model, RunResult Result, SupplyChainSummary Summary) Run(SupplyChainSpec spec, long horizon, ulong seed = 1)
    {
        var model = new SupplyChainModel(spec);
        var result = new SequentialExecutor().Run(model, Settings(horizon, seed));
        return (model, result, SupplyChainSummary.From(model, result));
    }

    [Fact]
    public void Energy_and_requests_are_conserved_and_the_chain_does_work()
    {
        var (_, result, s) = Run(Small(), 3 * Hour);
        Assert.True(s.EnergyConserved, s.EnergyImbalance);
        Assert.True(s.RequestsConserved, s.RequestImbalance);
        Assert.True(s.GeneratedMWh > 1000, $"generated {s.GeneratedMWh}");
        Assert.True(s.LossesMWh > 0, "the UHV link carried nothing");
        Assert.True(s.Served > 0.8 * s.Arrived, $"served {s.Served} of {s.Arrived}");
        Assert.True(s.TokensServed > 0 && s.EnergyPerTokenJ > 0);
        Assert.InRange(s.P50, 500, 20_000);
        Assert.True(s.P99 >= s.P95 && s.P95 >= s.P50);
        Assert.True(result.Events > 10_000);
    }

    [Fact]
    public void The_windowed_executor_reproduces_the_sequential_digest()
    {
        var faults = new FaultSpec[]
        {
            new("cable-cut", "ncp", 40 * Minute, 30 * Minute),
            new("demand-spike", "all", 20 * Minute, 40 * Minute, Multiplier: 2.5, RampMicros: 5 * Minute),
            new("plant-outage", "ningxia-coal", 10 * Minute, 60 * Minute, Fraction: 0.5),
            new("hub-failure", "yrd", 50 * Minute, 20 * Minute, Fraction: 0.5),
            new("link-trip", "lingzhou-shaoxing", 70 * Minute, 15 * Minute),
        };
        foreach (var policy in RoutingPolicies.All)
        {
            var model = new SupplyChainModel(Small(policy, faults));
            var a = new SequentialExecutor().Run(model, Settings(2 * Hour, 3));
            var b = new WindowedExecutor().Run(model, Settings(2 * Hour, 3));
            var c = new WindowedExecutor(shuffleSeed: 11).Run(model, Settings(2 * Hour, 3));
            Assert.Equal(a.Digest, b.Digest);
            Assert.Equal(a.Digest, c.Digest);
            var s = SupplyChainSummary.From(model, a);
            Assert.True(s.EnergyConserved, s.EnergyImbalance);
            Assert.True(s.RequestsConserved, s.RequestImbalance);
        }
    }

    [Fact]
    public void A_hub_with_poisson_arrivals_and_exponential_service_matches_the_erlang_c_mean_wait()
    {
        const int c = 4;
        const double lambda = 3.2, meanService = 1.0; // ρ = 0.8
        var (_, result, _) = Run(MMc(c, lambda, meanService), 150 * Hour, seed: 7);
        double measured = result.Metric("hub.wait_us_sum") / result.Metric("hub.wait_count") / 1e6;
        double expected = ErlangCWait(c, lambda, 1 / meanService);
        Assert.True(result.Metric("hub.wait_count") > 1_500_000);
        Assert.InRange(measured, expected * 0.97, expected * 1.03);
    }

    private static double ErlangCWait(int c, double lambda, double mu)
    {
        double a = lambda / mu, rho = a / c;
        double sum = 0, term = 1;
        for (int k = 0; k < c; k++) { if (k > 0) term *= a / k; sum += term; }
        double last = term * a / c; // a^c / c!
        double pWait = last / (1 - rho) / (sum + last / (1 - rho));
        return pWait / (c * mu - lambda);
    }

    [Fact]
    public void A_link_never_carries_more_than_its_capacity()
    {
        // A deficit in the east and a big renewable surplus in the west push the link to its limit.
        var spec = Small() with
        {
            Regions = [Region("ningxia", 0), Region("zhejiang", 6000)],
            Plants = [.. Small().Plants, Plant("ningxia-hydro", "ningxia", PlantType.Hydro, 5000, 37, 105) with { CapacityFactor = 0.8 }],
        };
        var (_, _, s) = Run(spec, 2 * Hour);
        var rows = s.SeriesOf<LinkSample>("link/lingzhou-shaoxing");
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.True(r.SentMW <= 1200 + 1e-6, $"sent {r.SentMW} MW over a 1200 MW link"));
        Assert.Contains(rows, r => r.SentMW > 1199);
        Assert.True(s.EnergyConserved, s.EnergyImbalance);
    }

    [Fact]
    public void A_tripped_link_carries_nothing()
    {
        var (_, _, s) = Run(Small(RoutingPolicies.LatencyFirst, new FaultSpec("link-trip", "lingzhou-shaoxing", 0, 0)), 1 * Hour);
        Assert.All(s.SeriesOf<LinkSample>("link/lingzhou-shaoxing"), r => Assert.Equal(0, r.SentMW));
        Assert.Equal(0, s.LossesMWh);
    }

    [Fact]
    public void A_cut_cable_carries_nothing_and_its_traffic_reroutes_or_is_dropped_with_a_reason()
    {
        var model = new SupplyChainModel(Small(RoutingPolicies.LatencyFirst, new FaultSpec("cable-cut", "apg", 0, 0)));
        var result = new SequentialExecutor().Run(model, Settings(1 * Hour));
        var s = SupplyChainSummary.From(model, result);
        using var r = new BinaryReader(new MemoryStream(result.Reports[model.CableId("apg")]));
        Assert.Equal(0, r.ReadDouble());
        Assert.True(s.DroppedBy["no-route"] > 0, "ne_asia has no route without apg");
        Assert.True(s.RequestsConserved, s.RequestImbalance);
    }

    [Fact]
    public void A_failed_hub_serves_nothing()
    {
        var spec = MMc(4, 2, 1) with { Faults = [new FaultSpec("hub-failure", "h", 0, 0)] };
        var (_, result, s) = Run(spec, 1 * Hour);
        Assert.Equal(0, result.Metric("tokens.served"));
        Assert.Equal(0, s.Served);
        // Requests sent before users heard of the failure are dropped by the hub; later ones find no route.
        Assert.True(s.DroppedBy["no-route"] > 0);
        Assert.Equal(s.Arrived, s.Dropped + s.InFlightAtEnd);
    }

    [Fact]
    public void A_demand_spike_raises_arrivals_by_its_multiplier()
    {
        var baseline = Run(MMc(64, 20, 0.1), 4 * Hour).Summary;
        var spiked = Run(MMc(64, 20, 0.1) with { Faults = [new FaultSpec("demand-spike", "u", 1 * Hour, 2 * Hour, Multiplier: 3)] }, 4 * Hour).Summary;
        double Arrivals(SupplyChainSummary s, int hour) => s.SeriesOf<UserSample>("users/u").Single(r => r.Hour == hour).Arrived;
        for (int hour = 1; hour <= 2; hour++)
            Assert.InRange(Arrivals(spiked, hour) / Arrivals(baseline, hour), 2.85, 3.15);
        Assert.InRange(Arrivals(spiked, 3) / Arrivals(baseline, 3), 0.95, 1.05);
    }
}
