using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Model.Tests;

public class BundleIdSpecs
{
    [Fact]
    public void Bundles_of_more_than_1024_user_regions_stay_distinct_at_a_shared_hub()
    {
        // 1,100 user regions send long bundles to one hub with room for all of them at once, so the second bundle of
        // user region #0 and the first of #1024 are in service together (ids n × 1024 + index collided there).
        var users = Enumerable.Range(0, 1100).Select(i =>
            Users($"u{i}", 8, 1.0, Route("h", null, 1)) with { RealTimeShare = 1.0, PrefillShare = 0, SloTtftMs = 1e9 }).ToList();
        var spec = MMc(100_000, 1, 100) with { Users = users };
        spec = spec with { Hubs = [spec.Hubs[0] with { IdleMWPerServer = 0, FullMWPerServer = 1e-6 }] };
        var model = new SupplyChainModel(spec);
        var result = new SequentialExecutor().Run(model, Settings(2 * Minute));
        var s = SupplyChainSummary.From(model, result);
        Assert.True(s.RequestsConserved, s.RequestImbalance);
        Assert.True(s.Arrived > 2 * users.Count, $"arrived {s.Arrived}");
        Assert.Equal(0, s.Dropped);
        // Every bundle that arrived is still in service (100 s of tokens each) or done: none was lost or merged.
        Assert.Equal(s.HubReceived, s.HubServed + s.QueuedAtEnd);
    }
}
