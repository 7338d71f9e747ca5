using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Model.Tests;

public class MetricSpecs
{
    /// <summary>The small scenario with a fault of every kind, a short queue at the western hub, a start-up cost, the
    /// eastern hub on accelerators serving request classes (ServingHubSpecs) and a batch scheduler with a short deadline,
    /// so that every drop reason, a reroute, a start-up, late batch work and every other counter happens within two hours.</summary>
    public static SupplyChainSpec SmallWithFaults()
    {
        var small = Small(RoutingPolicies.LatencyFirst,
            new FaultSpec("demand-spike", "all", 10 * Minute, 60 * Minute, Multiplier: 3),
            new FaultSpec("cable-cut", "ncp", 20 * Minute, 30 * Minute),
            new FaultSpec("hub-failure", "yrd", 30 * Minute, 10 * Minute),
            new FaultSpec("cable-cut", "apg", 60 * Minute, 20 * Minute),
            new FaultSpec("plant-outage", "ningxia-coal", 15 * Minute, 30 * Minute, Fraction: 0.5),
            new FaultSpec("link-trip", "lingzhou-shaoxing", 70 * Minute, 10 * Minute),
            new FaultSpec("cable-cut", "ncp", 65 * Minute, 10 * Minute),    // with APG cut too, North America has no route
            new FaultSpec("landing-station-failure", "nanhui", 85 * Minute, 10 * Minute),   // North-East Asia's APG route lands there
            new FaultSpec("segment-cut", "shanghai_backhaul", 100 * Minute, 5 * Minute));
        // Cables: NCP and APG in one group, APG at 70 % background and NCP at 50 %, all of it rerouted: while NCP is cut APG
        // runs at (7 + 5) / 10 = 1.2 and drops a sixth of its requests for congestion; requests on a cable when it is cut are
        // lost in flight; convergence of 20 s lets regions send into a cut cable (cable-cut drops).
        // Start-ups: the Ningxia coal restarts the units lost in its outage.
        var replicas = ServingHubSpecs.SmallOnReplicas(cohort: 16, replicas: 4, simulated: 1);
        return small with
        {
            Accelerators = replicas.Accelerators,
            Users = [.. small.Users.Select((u, i) => u with
            {
                Classes = [.. replicas.Users[i].Classes.Select(c => c with { SloTtftMs = 30 })], CohortSize = 16, RequestsPerBundle = 10,
                PriceInputUsdPerM = 0.55, PriceCachedInputUsdPerM = 0.14, PriceOutputUsdPerM = 2.19,
            })],
            Hubs = [small.Hubs[0] with { QueueLimit = 5 }, replicas.Hubs[1] with { MaxWaitMicros = 50_000 }],
            Plants = [.. small.Plants.Select(p => p.Id == "ningxia-coal" ? p with { StartupCostUsdPerMW = 10 } : p)],
            // Batch held to a 20-minute deadline and released only then (late); at 65–75 min North America's is dropped.
            Batch = BatchSchedulerSpec.Default with { Policy = BatchPolicy.GreenAware, Shift = BatchShift.Time, DeadlineMicros = 20 * Minute, SlackMicros = 0 },
            Cables = [small.Cables[0] with { BackgroundShare = 0.7, Group = "pacific" }, small.Cables[1] with { BackgroundShare = 0.5, Group = "pacific" }],
            LandingStations = [new LandingStationSpec("nanhui", null, null, 0)],
            Segments = [new SegmentSpec("shanghai_backhaul", 100, 0)],
            Network = NetworkSpec.Default with { BytesPerToken = 150, ConvergenceMicros = 20_000_000, BackgroundReroute = 1 },
        } is var s ? s with
        {
            Users = [s.Users[0], s.Users[1] with { Routes = [.. s.Users[1].Routes.Select(r => r with { Via = ["nanhui", "shanghai_backhaul"] })] }, s.Users[2]],
        } : null!;
    }

    [Fact]
    public void Every_declared_metric_is_written_in_a_run_with_faults_and_read_by_the_summary()
    {
        var model = new SupplyChainModel(SmallWithFaults());
        var result = new SequentialExecutor().Run(model, Settings(2 * Hour, 3));
        var summary = SupplyChainSummary.From(model, result);
        var unwritten = M.Names.Where(n => result.Metric(n) == 0).ToList();
        Assert.True(unwritten.Count == 0, "never written: " + string.Join(", ", unwritten));
        var unread = M.Names.Except(summary.MetricsRead).ToList();
        Assert.True(unread.Count == 0, "never read by the summary: " + string.Join(", ", unread));
        Assert.Equal(M.Names.Length, M.Names.Distinct().Count());
        Assert.True(summary.RequestsConserved, summary.RequestImbalance);
        Assert.True(summary.EnergyConserved, summary.EnergyImbalance);
    }

    [Fact]
    public void Requests_balance_at_the_hubs_and_waits_and_reroutes_are_summarised()
    {
        var model = new SupplyChainModel(SmallWithFaults());
        var s = SupplyChainSummary.From(model, new SequentialExecutor().Run(model, Settings(2 * Hour, 3)));
        Assert.Equal(s.HubReceived, s.HubServed + s.HubDropped + s.QueuedAtEnd);
        Assert.True(s.HubDropped > 0 && s.HubDropped <= s.Dropped, $"dropped at hubs {s.HubDropped} of {s.Dropped}");
        Assert.True(s.Rerouted > 0, "north_america takes the APG route while NCP is cut");
        Assert.True(s.HubWaitMsMean > 0);
    }
}

public class BatchTurnaroundSpecs
{
    [Fact]
    public void Batch_turnaround_is_summarised_overall_and_by_user_region()
    {
        var model = new SupplyChainModel(Small());
        var s = SupplyChainSummary.From(model, new SequentialExecutor().Run(model, Settings(2 * Hour)));
        Assert.Equal(s.TtftByRegion.Keys, s.BatchTurnaroundByRegion.Keys);
        Assert.All(s.BatchTurnaroundByRegion.Values, h => Assert.True(h.Total > 0));
        Assert.Equal(s.BatchTurnaroundByRegion.Values.Sum(h => h.Total), s.BatchTurnaround.Total);
        // A batch request waits for its whole service (5 s of tokens per bundle here), a real-time one only for its first token.
        Assert.InRange(s.BatchTurnaround.Percentile(0.5), s.P50, 60_000);
        Assert.True(s.BatchTurnaround.Percentile(0.99) >= s.BatchTurnaround.Percentile(0.5));
    }
}
