using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Model.Tests;

public class EntityKindSpecs
{
    [Fact]
    public void A_model_with_every_kind_takes_each_entitys_kind_key_weight_and_report_from_the_table()
    {
        var spec = Small(RoutingPolicies.LatencyFirst, new FaultSpec("cable-cut", "apg", 10 * Minute, 10 * Minute)) with
        {
            Storage = [Storage("ningxia-battery", "ningxia", StorageType.Battery, 100, 400)],
            Batch = BatchSchedulerSpec.Default,
            LandingStations = [new LandingStationSpec("nanhui", null, null, 0)],
            Segments = [new SegmentSpec("shanghai_backhaul", 100, 0)],
        };
        spec = spec with { Users = [spec.Users[0], spec.Users[1] with { Routes = [spec.Users[1].Routes[0] with { Via = ["nanhui", "shanghai_backhaul"] }, spec.Users[1].Routes[1]] }, spec.Users[2]] };
        var model = new SupplyChainModel(spec);
        var result = new SequentialExecutor().Run(model, Settings(1 * Hour));
        var seen = new HashSet<EntityKind>();
        for (int id = 0; id < model.EntityCount; id++)
        {
            var kind = model.KindOf(id);
            seen.Add(kind);
            var key = model.EntityKey(id);
            Assert.StartsWith(kind.Prefix, key);
            Assert.Equal(id, model.IdOf(key));
            Assert.Equal(id, model.IdOf(kind, key[kind.Prefix.Length..]));
            Assert.Equal(kind.Ids(spec)[model.IndexInKind(id)], key[kind.Prefix.Length..]);
            Assert.Equal(kind.Weight, model.Weight(id));
            Assert.Equal(kind.Create(model, model.IndexInKind(id)).GetType(), model.CreateEntity(id).GetType());

            using var stream = new MemoryStream(result.Reports[id]);
            var report = kind.ReadReport(new BinaryReader(stream));
            Assert.True(stream.Position == stream.Length, $"{key}: its kind's report reader left {stream.Length - stream.Position} bytes unread");
            if (kind.Csv is { } csv)
            {
                Assert.NotNull(report.Series);
                Assert.Equal(csv.Columns.Skip(1), report.Series!.Columns);
                Assert.NotEmpty(report.Series.Samples);
                Assert.All(report.Series.Samples, row => Assert.Equal(csv.Columns.Count - 1, row.Values().Length));
            }
        }
        Assert.Equal(EntityKinds.All.ToHashSet(), seen);
        Assert.Equal(EntityKinds.All.Count, EntityKinds.All.Select(k => k.Name).Distinct().Count());
        Assert.Equal(EntityKinds.All.Sum(k => k.Ids(spec).Count), model.EntityCount);
    }

    [Fact]
    public void Every_fault_kind_targets_exactly_one_entity_kind_and_reaches_an_entity_of_it()
    {
        var model = new SupplyChainModel(Small() with { LandingStations = [new LandingStationSpec("nanhui", null, null, 0)], Segments = [new SegmentSpec("shanghai_backhaul", 100, 0)] });
        var targets = new Dictionary<FaultKind, string>
        {
            [FaultKind.PlantOutage] = "ningxia-coal", [FaultKind.LinkTrip] = "lingzhou-shaoxing", [FaultKind.CableCut] = "apg",
            [FaultKind.HubFailure] = "yrd", [FaultKind.DemandSpike] = "ne_asia", [FaultKind.LandingStationFailure] = "nanhui",
            [FaultKind.SegmentCut] = "shanghai_backhaul",
        };
        foreach (var info in FaultKinds.Infos)
        {
            Assert.Single(EntityKinds.All, k => k.Faults.Contains(info));
            var ids = model.FaultTargets(new FaultSpec(info.Name, targets[info.Kind], 0, 0)).ToList();
            Assert.Equal(info.Target, model.KindOf(Assert.Single(ids)));
        }
        Assert.Equal(model.IdsOf(EntityKinds.Users), model.FaultTargets(new FaultSpec("demand-spike", "all", 0, 0, Multiplier: 2)));
        var rules = FaultRules.For(model.Spec, Hour);
        Assert.Equal("plant-outage: no plant named 'atlantis' in scenario small (known: ningxia-solar, ningxia-wind, ningxia-coal, zhejiang-coal, zhejiang-nuclear)",
            rules.FirstProblem(new FaultSpec("plant-outage", "atlantis", 0, 0)));
        Assert.StartsWith("link-trip: no UHV link named 'x'", rules.FirstProblem(new FaultSpec("link-trip", "x", 0, 0)));
    }
}
