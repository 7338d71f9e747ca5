using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Scenarios;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Model.Tests;

/// <summary>Cables with capacity and queueing, landing stations and segments as shared points of failure, repair times,
/// routing convergence and in-flight loss (issue 17).</summary>
public class NetworkSpecs
{
    private static string Repo([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    private static Scenarios.Scenario Shipped(string file) => ScenarioLoader.LoadFile(Path.Combine(Repo(), "scenarios", file));

    private static (SupplyChainModel Model, SupplyChainSummary Summary) Run(SupplyChainSpec spec, long horizon, ulong seed = 1)
    {
        var model = new SupplyChainModel(spec);
        return (model, SupplyChainSummary.From(model, new SequentialExecutor().Run(model, Settings(horizon, seed))));
    }

    [Fact]
    public void A_crossing_waits_the_MM1_time_of_its_queueing_term_capped_at_the_buffer()
    {
        var net = NetworkSpec.Default with { QueueingMicros = 2000, MaxQueueingMicros = 200_000 };
        Assert.Equal(0, GridActors.Model.SupplyChain.Cable.QueueingMicros(0, net));
        Assert.Equal(2000, GridActors.Model.SupplyChain.Cable.QueueingMicros(0.5, net));           // Q·ρ/(1−ρ) = Q at ρ = ½
        Assert.Equal(18_000, GridActors.Model.SupplyChain.Cable.QueueingMicros(0.9, net));         // 9 Q
        Assert.Equal(200_000, GridActors.Model.SupplyChain.Cable.QueueingMicros(0.995, net));      // 398 Q, capped
        Assert.Equal(200_000, GridActors.Model.SupplyChain.Cable.QueueingMicros(1.3, net));        // beyond capacity: the cap (and drops)
    }

    /// <summary>The small topology with North-East Asia's APG routes through landing station nanhui and a backhaul segment.</summary>
    private static SupplyChainSpec SmallWithLandings(params FaultSpec[] faults)
    {
        var s = Small(RoutingPolicies.LatencyFirst, faults) with
        {
            LandingStations = [new LandingStationSpec("nanhui", null, null, 0)],
            Segments = [new SegmentSpec("shanghai_backhaul", 100, 0)],
            Network = NetworkSpec.Default with { BytesPerToken = 150, ConvergenceMicros = 30_000_000 },
        };
        return s with { Users = [s.Users[0], s.Users[1] with { Routes = [.. s.Users[1].Routes.Select(r => r with { Via = ["nanhui", "shanghai_backhaul"] })] }, s.Users[2]] };
    }

    [Fact]
    public void A_segments_length_adds_its_propagation_delay_to_every_route_through_it()
    {
        var plain = new SupplyChainModel(Small());
        var via = new SupplyChainModel(SmallWithLandings());
        var a = plain.RoutesOf(1);
        var b = via.RoutesOf(1);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i].TerrestrialMicros + (long)Math.Round(100 * via.Spec.FiberMicrosPerKm), b[i].TerrestrialMicros);
            Assert.Equal([via.IdOf("landing-station/nanhui"), via.IdOf("segment/shanghai_backhaul")], b[i].Via);
        }
    }

    [Fact]
    public void A_landing_station_failure_cuts_every_route_through_it_and_is_routed_around_only_after_convergence()
    {
        // ne_asia reaches China only through nanhui: after the 30 s convergence it has no route at all (no-route drops);
        // during it, what it sends is dropped at the cable as path-down. north_america (APG and NCP, not via nanhui) is untouched.
        var (model, s) = Run(SmallWithLandings(new FaultSpec("landing-station-failure", "nanhui", 10 * Minute, 20 * Minute)), Hour);
        Assert.True(s.RequestsConserved, s.RequestImbalance);
        Assert.True(s.DroppedBy["path-down"] > 0, "sent into the failed station before routing converged");
        Assert.True(s.DroppedBy["no-route"] > 0, "routed around it after convergence: ne_asia has no other way");
        Assert.Equal(0, s.DroppedBy["cable-cut"] + s.DroppedBy["lost-in-flight"]);
        // ne_asia bundles arrive ~2/s: a 30 s window holds some, but far fewer than the 20 min of no-route drops.
        Assert.True(s.DroppedBy["path-down"] < s.DroppedBy["no-route"] / 10, $"path-down {s.DroppedBy["path-down"]}, no-route {s.DroppedBy["no-route"]}");
        var view = RoutingView.Of(model.RoutesOf(1), new SortedSet<int>(), new SortedSet<int> { model.IdOf("landing-station/nanhui") }, new Dictionary<int, HubStatus>(), 1);
        Assert.Null(view);   // every route of ne_asia passes the station
        Assert.NotNull(RoutingView.Of(model.RoutesOf(2), new SortedSet<int>(), new SortedSet<int> { model.IdOf("landing-station/nanhui") }, new Dictionary<int, HubStatus>(), 1));
    }

    [Fact]
    public void Requests_on_a_cable_when_it_is_cut_are_lost_in_flight_and_a_cut_without_duration_lasts_the_repair_time()
    {
        // North America at 30 bundles/s: a few are on the 86 ms crossing of NCP at any time.
        var spec = SmallWithLandings(new FaultSpec("cable-cut", "ncp", 10 * Minute, 0)) is var s
            ? s with { Cables = [s.Cables[0], s.Cables[1] with { RepairMicros = 20 * Minute }], Users = [s.Users[0], s.Users[1], s.Users[2] with { BundlesPerSecond = 30 }] } : null!;
        var (model, sum) = Run(spec, Hour + 30 * Minute);
        Assert.True(sum.RequestsConserved, sum.RequestImbalance);
        Assert.True(sum.DroppedBy["lost-in-flight"] > 0, "requests and responses crossing NCP at the cut");
        Assert.True(sum.DroppedBy["cable-cut"] > 0, "sent into NCP before routing converged");
        var ncp = sum.Cables["ncp"].Series.Rows;
        Assert.Equal(0, ncp[^1].Cut);                  // repaired 20 min after the cut, by the end of the run
        Assert.True(ncp[^1].Requests > 0, "North America uses NCP again after the repair");
        Assert.True(ncp[0].LostToCut > 0);
    }

    [Fact]
    public void Traffic_beyond_a_cables_capacity_is_dropped_for_congestion_in_the_share_one_minus_one_over_rho()
    {
        // APG at 150 % background: ρ ≈ 1.5, so a third of every cohort over it is dropped and each crossing waits the cap.
        var spec = SmallWithLandings() is var s ? s with { Cables = [s.Cables[0] with { BackgroundShare = 1.5 }, s.Cables[1]] } : null!;
        var (_, sum) = Run(spec, 30 * Minute);
        Assert.True(sum.RequestsConserved, sum.RequestImbalance);
        var apg = sum.Cables["apg"].Series.Rows.Single();
        double offered = apg.Requests + apg.DroppedCongestion;
        Assert.InRange(apg.DroppedCongestion / offered, 1 - 1 / 1.5 - 0.01, 1 - 1 / 1.5 + 0.01);
        Assert.InRange(apg.Utilisation, 1.5, 1.51);
        // Request and response crossings at the cap (the few responses the hubs dropped add no response crossing).
        Assert.InRange(apg.AddedLatencyMs, 0.99 * 2 * NetworkSpec.Default.MaxQueueingMicros / 1000.0, 2 * NetworkSpec.Default.MaxQueueingMicros / 1000.0);
        Assert.Equal(sum.DroppedBy["congestion"], apg.DroppedCongestion);
        Assert.True(sum.BytesDropped > 0 && sum.BytesCarried > 0 && sum.BytesConserved);
    }

    [Fact]
    public void Cutting_the_China_Pakistan_fibre_breaks_every_PEACE_route_of_the_default_scenario()
    {
        var scenario = Shipped("china-token-supply-chain.yaml");
        var model = new SupplyChainModel(scenario.Spec);
        int fibre = model.IdOf("segment/cn_pk_fiber"), peace = model.CableId("peace");
        int peaceRoutes = 0;
        for (int u = 0; u < scenario.Spec.Users.Count; u++)
        {
            var routes = model.RoutesOf(u);
            peaceRoutes += routes.Count(r => r.Cable == peace);
            Assert.All(routes.Where(r => r.Cable == peace), r => Assert.Contains(fibre, r.Via));
            var view = RoutingView.Of(routes, new SortedSet<int>(), new SortedSet<int> { fibre }, new Dictionary<int, HubStatus>(), 1);
            Assert.True(view is null || view.Usable.All(r => r.Cable != peace), scenario.Spec.Users[u].Id);
        }
        Assert.True(peaceRoutes >= 6, $"{peaceRoutes} PEACE routes (Europe and South Asia)");
        Assert.Contains(scenario.Spec.Users.Single(u => u.Id == "europe").Routes, r => r.Cable == "peace");

        // Run: with AAE-1 and SEA-ME-WE 3 cut from the start, Europe and South Asia reach China over PEACE (after the
        // convergence); the fibre cut at 10 min cuts PEACE's routes too: path-down until routing converges, then no route.
        FaultSpec[] others = [new("cable-cut", "aae1", 0, 0), new("cable-cut", "smw3", 0, 0)];
        var (_, s) = Run(scenario.Spec with { Faults = [.. others, new FaultSpec("segment-cut", "cn_pk_fiber", 10 * Minute, 0)] }, 30 * Minute, scenario.Seed);
        var (_, b) = Run(scenario.Spec with { Faults = others }, 30 * Minute, scenario.Seed);
        Assert.True(s.RequestsConserved, s.RequestImbalance);
        double carried = s.Cables["peace"].Series.Rows.Sum(r => r.Requests), carriedWithout = b.Cables["peace"].Series.Rows.Sum(r => r.Requests);
        Assert.True(carried > 0, "PEACE carries Europe and South Asia before the fibre is cut");
        Assert.True(carried < 0.5 * carriedWithout, $"PEACE carried {carried} with the fibre cut at 10 min, {carriedWithout} without");
        Assert.True(s.DroppedBy["path-down"] > 0, "sent over PEACE between the cut and routing convergence");
        Assert.True(s.DroppedBy["no-route"] > 0, "afterwards Europe and South Asia have no route into China");
        Assert.Equal(0, b.DroppedBy["no-route"] + b.DroppedBy["path-down"]);
    }

    [Fact]
    public void A_double_trans_Pacific_cut_pushes_AAG_past_capacity_at_the_evening_peak()
    {
        var scenario = Shipped("trans-pacific-double-cut.yaml");
        Assert.Equal(["ncp", "tpe"], scenario.Spec.Faults.Select(f => f.Target));
        var (_, s) = Run(scenario.Spec, 14 * Hour, scenario.Seed);
        Assert.True(s.RequestsConserved, s.RequestImbalance);
        var aag = s.Cables["aag"].Series.Rows;
        var before = aag.Single(r => r.Hour == 10);
        Assert.True(before.Utilisation < 0.5 && before.DroppedCongestion == 0, $"before the cuts: ρ {before.Utilisation}");
        foreach (var peak in aag.Where(r => r.Hour is 12 or 13))   // China's evening peak, 20:00–22:00 Beijing time
        {
            Assert.True(peak.Utilisation > 1, $"hour {peak.Hour}: ρ {peak.Utilisation}");
            Assert.True(peak.AddedLatencyMs >= 100, $"hour {peak.Hour}: +{peak.AddedLatencyMs} ms");
            Assert.True(peak.DroppedCongestion > 0 && peak.ReroutedTbps > 0);
        }
        Assert.True(s.DroppedBy["congestion"] > 0);
        // The same hours without the cuts: AAG well below capacity, nothing dropped.
        var (_, b) = Run(scenario.Spec with { Faults = [] }, 14 * Hour, scenario.Seed);
        Assert.All(b.Cables["aag"].Series.Rows, r => Assert.True(r.Utilisation < 0.6 && r.DroppedCongestion == 0));
        Assert.Equal(0, b.DroppedBy["congestion"]);
    }

    [Fact]
    public void A_Shanghai_landing_station_loses_more_than_any_single_cable_landing_there()
    {
        // Chongming lands APG, NCP and TPE [C3][C4][C5]: North America's and Latin America's NCP routes and North-East Asia's
        // TPE and APG routes pass it. Out from the start, it drops more requests (sent before routing converged) than
        // cutting any one of its cables, whose other routes keep working.
        var scenario = Shipped("china-token-supply-chain.yaml");
        double Lost(string kind, string target)
        {
            var (_, s) = Run(scenario.Spec with { Faults = [new FaultSpec(kind, target, 0, 0)] }, 20 * Minute, scenario.Seed);
            Assert.True(s.RequestsConserved, s.RequestImbalance);
            return s.DroppedBy["cable-cut"] + s.DroppedBy["lost-in-flight"] + s.DroppedBy["path-down"] + s.DroppedBy["no-route"] + s.DroppedBy["congestion"];
        }
        double station = Lost("landing-station-failure", "sh_chongming");
        Assert.True(station > 0);
        foreach (var cable in new[] { "apg", "ncp", "tpe" })
        {
            double lost = Lost("cable-cut", cable);
            Assert.True(station > lost, $"sh_chongming {station} ≤ {cable} {lost}");
        }
    }

    [Fact]
    public void Hosts_outside_China_serve_part_of_the_foreign_tokens_and_the_summary_says_which_share_crossed_into_China()
    {
        var hosting = Shipped("foreign-hosting.yaml");
        Assert.Equal(["eu-frankfurt", "us-ashburn"], hosting.Spec.Hubs.Where(h => h.Overseas).Select(h => h.Id).Order(StringComparer.Ordinal));
        var (_, s) = Run(hosting.Spec, Hour, hosting.Seed);
        Assert.True(s.RequestsConserved, s.RequestImbalance);
        Assert.True(s.ForeignTokens > 0);
        Assert.InRange(s.ForeignTokensIntoChinaShare, 0.05, 0.95);   // the overseas hosts take part, China the rest (batch at least)
        var overseas = s.Carbon.TokensByHubAndUser.Where(x => x.Key.Hub is "us-ashburn" or "eu-frankfurt").ToList();
        Assert.All(overseas, x => Assert.Contains(x.Key.User, new[] { "north_america", "latam_other", "europe" }));
        Assert.Equal(s.ForeignTokens * (1 - s.ForeignTokensIntoChinaShare), overseas.Sum(x => x.Value), 3);
        // In the default every hub is in China: every foreign token crosses into it.
        var standard = Shipped("china-token-supply-chain.yaml");
        var (_, d) = Run(standard.Spec, 20 * Minute, standard.Seed);
        Assert.True(d.ForeignTokens > 0);
        Assert.Equal(1.0, d.ForeignTokensIntoChinaShare);
    }
}
