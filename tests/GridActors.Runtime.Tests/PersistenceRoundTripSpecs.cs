using Akka.Actor;
using Akka.TestKit.Xunit2;
using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Persistence;
using GridActors.TestSupport;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Runtime.Tests;

/// <summary>Write → stop → re-create → same state, for every entity kind and the coordinator's journal, on SQLite.</summary>
public class PersistenceRoundTripSpecs
{
    [Fact]
    public async Task Every_entity_kind_and_the_coordinator_come_back_from_the_store_as_they_were_saved()
    {
        var dir = Path.Combine(Path.GetTempPath(), "gridactors-roundtrip-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var store = Store.Sqlite(Path.Combine(dir, "rt.db"));
        var model = new SupplyChainModel(Small(RoutingPolicies.LatencyFirst,
            new FaultSpec("cable-cut", "apg", 10 * Minute, 0), new FaultSpec("hub-failure", "zhongwei", 12 * Minute, 0, Fraction: 0.5)));
        var settings = Settings(40 * Minute, 3);
        // Reference: each entity's complete state (with the events still waiting for it) at 40 minutes.
        var reference = new Dictionary<string, byte[]>();
        new WindowedExecutor { InspectHosts = (hosts, waiting) => { foreach (var h in hosts) reference[h.Key] = h.StateHash(waiting(h.Id)); } }.Run(model, settings);

        // A persistent actor run to 40 minutes: checkpoints at 20 min and (final) at 40 min.
        var run = await new ActorExecutor(new ActorExecutorOptions(Persistence: new PersistenceOptions("rt", store.AkkaConfig(), 20 * Minute)))
            .RunAsync(model, settings);
        Assert.Equal(new SequentialExecutor().Run(model, settings).Digest, run.Digest);

        // Re-create one actor of every kind in a new ActorSystem: each recovers from the store.
        var kinds = Enumerable.Range(0, model.EntityCount).GroupBy(id => model.EntityKey(id).Split('/')[0]).Select(g => g.First()).ToList();
        Assert.Equal(7, kinds.Count); // timeline, plant, region, link, hub, cable, users
        using (var kit = new TestKit(ActorExecutor.BaseConfig(1, 10).WithFallback(store.AkkaConfig()), "read"))
        {
            foreach (var id in kinds)
            {
                var key = model.EntityKey(id);
                var actor = kit.Sys.ActorOf(Props.Create(() => new PersistentEntityActor(model, id, settings, kit.TestActor, "run-rt/" + key)));
                actor.Tell(new FinalRequest([]), kit.TestActor);
                Assert.Equal(reference[key], kit.ExpectMsg<EntityFinalReport>(TimeSpan.FromSeconds(20)).Final.StateHash);
            }
        }
        var reader = new StoreReader(store);
        var markers = reader.Journal("rt", "coordinator");
        Assert.Equal([("checkpoint-complete", 20 * Minute, "1"), ("checkpoint-complete", 40 * Minute, "2")],
            markers.Select(m => (m.Kind, m.TimeMicros, m.Detail)).ToArray());
        Assert.Equal(2 * (model.EntityCount), reader.Snapshots("rt").Count);
    }

    [Fact]
    public void Every_entity_kind_round_trips_its_advanced_state_through_its_snapshot_bytes()
    {
        var model = new SupplyChainModel(Small(RoutingPolicies.GreenAware,
            new FaultSpec("cable-cut", "apg", 10 * Minute, 0), new FaultSpec("demand-spike", "all", 5 * Minute, 0, Multiplier: 2),
            new FaultSpec("plant-outage", "ningxia-coal", 5 * Minute, 0, Fraction: 0.3), new FaultSpec("link-trip", "lingzhou-shaoxing", 20 * Minute, 5 * Minute)));
        var settings = Settings(40 * Minute, 5);
        EntityHost[] hosts = [];
        new WindowedExecutor { InspectHosts = (h, _) => hosts = h }.Run(model, settings);
        foreach (var h in hosts)
        {
            using var ms = new MemoryStream();
            h.Save(new BinaryWriter(ms));
            ms.Position = 0;
            var copy = new EntityHost(model, h.Id, settings);
            copy.Load(new BinaryReader(ms));
            Assert.Equal(h.StateHash(), copy.StateHash());
            Assert.Equal(h.Describe().Select(kv => $"{kv.Key}={kv.Value}"), copy.Describe().Select(kv => $"{kv.Key}={kv.Value}"));
            Assert.True(h.EventsHandled > 0, h.Key);
        }
    }

    [Fact]
    public void Cables_landing_stations_and_segments_round_trip_their_advanced_state_through_their_snapshot_bytes()
    {
        // Cables in one group with background load (NCP's cut moves its background onto APG), North-East Asia's routes through
        // a landing station and a segment that fail, bytes counted: every new piece of cable and element state is non-trivial.
        var small = Small(RoutingPolicies.LatencyFirst,
            new FaultSpec("cable-cut", "ncp", 10 * Minute, 0), new FaultSpec("landing-station-failure", "nanhui", 20 * Minute, 0),
            new FaultSpec("segment-cut", "shanghai_backhaul", 25 * Minute, 5 * Minute));
        var spec = small with
        {
            Cables = [small.Cables[0] with { BackgroundShare = 0.4, Group = "pacific" }, small.Cables[1] with { BackgroundShare = 0.5, Group = "pacific", RepairMicros = 30 * Minute }],
            LandingStations = [new LandingStationSpec("nanhui", null, null, 0)],
            Segments = [new SegmentSpec("shanghai_backhaul", 100, 0)],
            Network = NetworkSpec.Default with { BytesPerToken = 150, ConvergenceMicros = 20_000_000, BackgroundReroute = 0.7 },
            Users = [small.Users[0], small.Users[1] with { Routes = [.. small.Users[1].Routes.Select(r => r with { Via = ["nanhui", "shanghai_backhaul"] })] }, small.Users[2]],
        };
        var model = new SupplyChainModel(spec);
        var settings = Settings(90 * Minute, 5);
        EntityHost[] hosts = [];
        new WindowedExecutor { InspectHosts = (h, _) => hosts = h }.Run(model, settings);
        var network = hosts.Where(h => h.Key.Split('/')[0] is "cable" or "landing-station" or "segment").ToList();
        Assert.Equal(4, network.Count);
        foreach (var h in network)
        {
            using var ms = new MemoryStream();
            h.Save(new BinaryWriter(ms));
            ms.Position = 0;
            var copy = new EntityHost(model, h.Id, settings);
            copy.Load(new BinaryReader(ms));
            Assert.Equal(h.StateHash(), copy.StateHash());
            Assert.Equal(h.Describe().Select(kv => $"{kv.Key}={kv.Value}"), copy.Describe().Select(kv => $"{kv.Key}={kv.Value}"));
            Assert.True(h.EventsHandled > 0, h.Key);
        }
        Assert.Equal(new SequentialExecutor().Run(model, settings).Digest, new WindowedExecutor().Run(model, settings).Digest);
    }
}
