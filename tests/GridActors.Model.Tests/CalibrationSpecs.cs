using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Model.Tests;

/// <summary>Calibration metrics computed from a run's summary, on a small grid whose flows are known exactly.</summary>
public class CalibrationSpecs
{
    /// <summary>
    /// Six regions, each showing one metric with a value known in advance:
    /// hydro-land: 1 GW of hydro at capacity factor 1 against 600 MW of load, exporting 300 MW (the tie's capacity) to city,
    ///   so 100 MW of 1,000 is spilled (10 %);
    /// city: 500 MW of load, served only by the tie's 300 × (1 − 3 %) = 291 MW, so 209 / 500 = 41.8 % is unserved;
    /// windy: wind and no load, so all of it is curtailed; sunny: solar far below its load, so none is;
    /// grid: coal and a hub with plenty of power (never throttled) serving one user region; desert: a hub with no power at
    /// all (throttled every interval).
    /// </summary>
    private static SupplyChainSpec Known(params CalibrationTarget[] targets) => Empty("known") with
    {
        Regions = [Region("hydro-land", 600), Region("city", 500), Region("windy"), Region("sunny", 10_000), Region("grid"), Region("desert")],
        Plants =
        [
            Plant("river", "hydro-land", PlantType.Hydro, 1000, 30, 103) with { CapacityFactor = 1.0 },
            Plant("gale", "windy", PlantType.Wind, 500, 41, 95) with { CapacityFactor = 0.5 },
            Plant("sun", "sunny", PlantType.Solar, 400, 37, 100) with { CapacityFactor = 0.2 },
            Plant("coal", "grid", PlantType.Coal, 1000, 30, 114),
        ],
        Links = [Link("tie", "hydro-land", "city", 300, 1000) with { LossPer1000Km = 0.03 }],
        Hubs =
        [
            Hub("lit", "grid", 30, 114, east: true, 4, 1000, 0.1, 0.2),
            Hub("dark", "desert", 40, 95, east: false, 4, 1000, 0.1, 0.2),
        ],
        Users = [Users("u", 8, 2, Route("lit", null, 1))],
        Calibration = targets,
    };

    private static CalibrationTarget T(string metric, string? region = null, string? link = null, string? hub = null, PlantType? type = null,
        double? low = null, double? high = null) => new(metric + "/" + (region ?? link ?? hub ?? "all") + (type is null ? "" : "/" + type), metric, region, link, hub, type, low, high, "ESTIMATE");

    private static (SupplyChainSummary Summary, string Digest) Run(SupplyChainSpec spec)
    {
        var model = new SupplyChainModel(spec);
        var result = new SequentialExecutor().Run(model, new RunSettings(1, new SimTime(2 * Hour)));
        return (SupplyChainSummary.From(model, result), result.Digest);
    }

    [Fact]
    public void Every_metric_gives_the_value_the_grid_was_built_to_show()
    {
        var targets = new[]
        {
            T("unserved_share", region: "city"), T("unserved_share", region: "hydro-land"), T("unserved_share", region: "windy"),
            T("hydro_spill_share"), T("hydro_spill_share", region: "hydro-land"),
            T("curtailment_share", region: "windy"), T("curtailment_share", type: PlantType.Wind), T("curtailment_share", type: PlantType.Solar),
            T("curtailment_share"),
            T("link_mean_flow_mw", link: "tie"), T("link_hours_at_capacity", link: "tie"),
            T("hub_throttled_hours", hub: "dark"), T("hub_throttled_hours", hub: "lit"),
            T("tokens_served"), T("tokens_served", region: "grid"), T("tokens_served", region: "desert"),
            T("energy_per_token_j"), T("energy_per_token_j", region: "desert"),
            T("cost_per_million_tokens_usd"), T("p99_ttft_ms"), T("p99_ttft_ms", region: "u"),
            T("tokens_per_day"), T("serving_peak_to_mean"),
        };
        var spec = Known(targets);
        var (s, _) = Run(spec);
        var v = Calibration.Evaluate(spec, s).ToDictionary(r => r.Target.Id, r => r.Value);
        Assert.Equal(targets.Length, v.Count);

        Assert.Equal(209.0 / 500, v["unserved_share/city"]!.Value, 9);
        Assert.Equal(0, v["unserved_share/hydro-land"]);
        Assert.Null(v["unserved_share/windy"]);                       // no load: nothing to be a share of
        Assert.Equal(0.1, v["hydro_spill_share/all"]!.Value, 9);
        Assert.Equal(0.1, v["hydro_spill_share/hydro-land"]!.Value, 9);
        Assert.Equal(1, v["curtailment_share/windy"]);
        Assert.Equal(1, v["curtailment_share/all/Wind"]);
        Assert.Equal(0, v["curtailment_share/all/Solar"]);
        // Wind and solar together: the wind's share of their available energy (all of it curtailed, none of the sun's).
        double wind = s.SeriesOf<PlantSample>("plant/gale").Where(r => s.IsComplete(r.Hours)).Sum(r => r.AvailableMW);
        double sun = s.SeriesOf<PlantSample>("plant/sun").Where(r => s.IsComplete(r.Hours)).Sum(r => r.AvailableMW);
        Assert.True(wind > 0 && sun > 0, $"wind {wind}, sun {sun}");
        Assert.Equal(wind / (wind + sun), v["curtailment_share/all"]!.Value, 12);

        // 24 complete intervals of 5 min, the tie full in each.
        Assert.Equal(24, s.CompleteIntervals);
        Assert.Equal(291, v["link_mean_flow_mw/tie"]!.Value, 9);
        Assert.Equal(2.0, v["link_hours_at_capacity/tie"]!.Value, 12);
        // A hub records an interval at the start of the next: 23 of the 24 complete intervals are on record by the end.
        Assert.Equal(23.0 / 12, v["hub_throttled_hours/dark"]!.Value, 12);
        Assert.Equal(0, v["hub_throttled_hours/lit"]);

        Assert.True(s.TokensServed > 0);
        Assert.Equal(s.TokensServed, v["tokens_served/all"]);
        var lit = s.SeriesOf<HubSample>("hub/lit");
        Assert.Equal(lit.Sum(r => r.TokensServed), v["tokens_served/grid"]);
        Assert.Equal(0, v["tokens_served/desert"]);
        Assert.Equal(s.EnergyPerTokenJ, v["energy_per_token_j/all"]);
        Assert.Null(v["energy_per_token_j/desert"]);                  // no tokens there
        Assert.Equal(s.CostPerMillionTokens(s.CostElectricity + s.CostCapital + s.CostNetwork), v["cost_per_million_tokens_usd/all"]);
        Assert.Equal(s.P99, v["p99_ttft_ms/all"]);
        Assert.Equal(s.TtftByRegion["u"].Percentile(0.99), v["p99_ttft_ms/u"]);
        Assert.Null(v["tokens_per_day/all"]);                         // hubs of serving units keep no class records
        Assert.True(v["serving_peak_to_mean/all"] >= 1, $"peak/mean {v["serving_peak_to_mean/all"]}");
    }

    [Fact]
    public void A_value_passes_within_its_band_ends_included_and_a_missing_value_never_passes()
    {
        var spec = Known(
            T("unserved_share", region: "city", low: 0.4, high: 0.5),
            T("link_mean_flow_mw", link: "tie", high: 290),
            T("link_hours_at_capacity", link: "tie", low: 2, high: 2),
            T("hydro_spill_share", region: "hydro-land", low: 0.2),
            T("unserved_share", region: "windy", low: 0));
        var results = Calibration.Evaluate(spec, Run(spec).Summary);
        Assert.Equal(spec.Calibration, results.Select(r => r.Target));  // in the scenario's order
        Assert.Equal([true, false, true, false, false], results.Select(r => r.Pass));
        Assert.Null(results[4].Value);
    }

    [Fact]
    public void Targets_change_nothing_in_the_run()
    {
        var without = Run(Known());
        var with = Run(Known(T("unserved_share", high: 0.01), T("link_mean_flow_mw", link: "tie", low: 1)));
        Assert.Equal(without.Digest, with.Digest);
        Assert.Equal(without.Summary.GeneratedMWh, with.Summary.GeneratedMWh);
        Assert.Empty(Calibration.Evaluate(Known(), without.Summary));
    }

    [Fact]
    public void The_scope_reads_as_text()
    {
        Assert.Equal("national", T("unserved_share").ScopeText);
        Assert.Equal("region=qinghai, plant_type=solar", T("curtailment_share", region: "qinghai", type: PlantType.Solar).ScopeText);
        Assert.Equal("link=tie", T("link_mean_flow_mw", link: "tie").ScopeText);
        Assert.Equal("users=foreign", (T("tokens_per_day") with { Users = Calibration.Foreign }).ScopeText);
    }

    private static CalibrationTarget Tokens(string? userRegion = null, string? users = null) =>
        new($"tokens/{userRegion ?? "all"}/{users ?? "any"}", "tokens_per_day", userRegion, null, null, null, null, null, "ESTIMATE", users);

    [Fact]
    public void Tokens_per_day_add_the_class_records_of_domestic_or_foreign_user_regions_over_a_day()
    {
        // The small scenario on replicas: cn_east reaches both hubs over land (domestic), ne_asia and north_america over
        // cables (foreign). Two hours, so a day is 12 times the tokens on record.
        var spec = ServingHubSpecs.SmallOnReplicas() with
        {
            Calibration = [Tokens(), Tokens(users: Calibration.Domestic), Tokens(users: Calibration.Foreign), Tokens("ne_asia"), Tokens("ne_asia", Calibration.Domestic)],
        };
        var (s, _) = Run(spec);
        var v = Calibration.Evaluate(spec, s).ToDictionary(r => r.Target.Id, r => r.Value);
        double Day(params string[] users) =>
            12 * s.ByClass.Where(x => users.Contains(x.Key[..x.Key.IndexOf('/')])).Sum(x => x.Value.InputTokens + x.Value.OutputTokens);
        Assert.Equal(2.0, s.SimulatedHours);
        Assert.Equal(Day("cn_east"), v["tokens/all/domestic"]!.Value, 1e-9 * Day("cn_east"));
        Assert.Equal(Day("ne_asia", "north_america"), v["tokens/all/foreign"]!.Value, 1e-9 * Day("ne_asia", "north_america"));
        Assert.Equal(v["tokens/all/domestic"]!.Value + v["tokens/all/foreign"]!.Value, v["tokens/all/any"]!.Value, 1e-9 * v["tokens/all/any"]!.Value);
        Assert.Equal(Day("ne_asia"), v["tokens/ne_asia/any"]!.Value, 1e-9 * Day("ne_asia"));
        Assert.Null(v["tokens/ne_asia/domestic"]);   // a foreign region is no domestic one: nothing to count
        // The value known in advance: cn_east sends 4 bundles of 10 requests a second at its classes' mean lengths, flat all
        // day; all but the requests still in service at the end come back served.
        var u = spec.Users[0];
        double perDay = u.BundlesPerSecond * u.RequestsPerBundle * 86_400 * u.Classes.Sum(c => c.Share * (c.MeanPrompt + c.MeanOutput));
        Assert.InRange(v["tokens/all/domestic"]!.Value / perDay, 0.97, 1.01);
    }

    [Fact]
    public void The_serving_peak_to_mean_is_the_busiest_hours_tokens_over_the_mean()
    {
        // Every user region at 1.2 × its rate in the first hour (UTC) and 0.8 × in the second: the hubs record 23 intervals
        // of 5 min (the 24th after the end), 12 at 1.2 and 11 at 0.8, so the mean is 23.2 / 23 and peak/mean 1.2 × 23 / 23.2 = 1.190.
        double[] diurnal = [1.2, 0.8, .. Enumerable.Repeat(1.0, 22)];
        var small = ServingHubSpecs.SmallOnReplicas();
        var spec = small with
        {
            Users = [.. small.Users.Select(u => u with { UtcOffsetHours = 0, Diurnal = diurnal })],
            Calibration =
            [
                new("all", "serving_peak_to_mean", null, null, null, null, null, null, "ESTIMATE"),
                new("yrd", "serving_peak_to_mean", null, null, "yrd", null, null, null, "ESTIMATE"),
            ],
        };
        var (s, _) = Run(spec);
        var v = Calibration.Evaluate(spec, s).ToDictionary(r => r.Target.Id, r => r.Value);
        Assert.Equal(23, s.SeriesOf<HubSample>("hub/yrd").Count(r => s.IsComplete(r.Hours - s.IntervalHours)));
        Assert.InRange(v["all"]!.Value, 0.98 * 1.2 * 23 / 23.2, 1.02 * 1.2 * 23 / 23.2);
        Assert.InRange(v["yrd"]!.Value, 0.95 * 1.2 * 23 / 23.2, 1.05 * 1.2 * 23 / 23.2);
        // Flat demand: peak/mean only as far above 1 as the hour-to-hour noise of the arrivals.
        var flat = ServingHubSpecs.SmallOnReplicas() with { Calibration = [spec.Calibration[0]] };
        Assert.InRange(Calibration.Evaluate(flat, Run(flat).Summary)[0].Value!.Value, 1.0, 1.03);
    }
}
