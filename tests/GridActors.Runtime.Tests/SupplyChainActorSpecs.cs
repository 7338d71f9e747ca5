using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.TestSupport;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Runtime.Tests;

public class SupplyChainActorSpecs
{
    [Theory]
    [InlineData("latency-first", 1, false)]
    [InlineData("green-aware", 3, false)]
    [InlineData("cost-first", 3, true)]
    public async Task Actors_reproduce_the_sequential_digest_on_the_small_scenario_with_faults(string policy, int partitions, bool leases)
    {
        var spec = Small(RoutingPolicies.Get(policy),
            new FaultSpec("cable-cut", "apg", 30 * Minute, 30 * Minute),
            new FaultSpec("demand-spike", "all", 20 * Minute, 40 * Minute, Multiplier: 3),
            new FaultSpec("hub-failure", "zhongwei", 45 * Minute, 10 * Minute),
            new FaultSpec("link-trip", "lingzhou-shaoxing", 60 * Minute, 10 * Minute));
        var model = new SupplyChainModel(spec);
        var reference = new SequentialExecutor().Run(model, Settings(90 * Minute, 5));
        var actors = await new ActorExecutor(new ActorExecutorOptions(Partitions: partitions, Leases: leases)).RunAsync(model, Settings(90 * Minute, 5));
        Assert.Equal(reference.Digest, actors.Digest);
        var s = SupplyChainSummary.From(model, actors);
        Assert.True(s.EnergyConserved, s.EnergyImbalance);
        Assert.True(s.RequestsConserved, s.RequestImbalance);
        Assert.Equal(4, s.FaultLog.Count(f => f.Begin));
    }
}
