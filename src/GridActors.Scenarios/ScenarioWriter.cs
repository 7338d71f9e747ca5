using System.Globalization;
using GridActors.Model.SupplyChain;

namespace GridActors.Scenarios;

/// <summary>
/// Writes a <see cref="SupplyChainSpec"/> as a scenario file in the schema <see cref="ScenarioLoader"/> reads
/// (loading what it writes gives the same model), and builds scaled copies for scaling studies.
/// </summary>
public static class ScenarioWriter
{
    private static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static void Write(SupplyChainSpec s, long horizonMicros, ulong seed, TextWriter w, string header)
    {
        foreach (var line in header.Split('\n')) w.WriteLine("# " + line.TrimEnd());
        w.WriteLine($"name: {s.Name}");
        var start = new DateOnly(2026, 1, 1).AddDays(s.StartDayOfYear - 1);
        w.WriteLine("time:");
        w.WriteLine($"  start: {start:yyyy-MM-dd}");
        w.WriteLine($"  horizon: {N(horizonMicros / 1e6)} s");
        w.WriteLine($"  dispatch_interval: {N(s.DispatchIntervalMicros / 1e6)} s");
        w.WriteLine($"  seed: {seed}");
        w.WriteLine($"policy: {s.Policy.Name}");
        w.WriteLine("network:");
        w.WriteLine($"  fiber_us_per_km: {N(s.FiberMicrosPerKm)}");
        w.WriteLine($"  usd_per_million_tokens: {N(s.NetworkUsdPerMillionTokens)}");
        w.WriteLine($"  hub_status_period: {N(s.HubStatusPeriodMicros / 1e6)} s");
        string List(double[] xs) => "[" + string.Join(", ", xs.Select(N)) + "]";
        w.WriteLine("regions:");
        foreach (var r in s.Regions)
            w.WriteLine($"  - {{id: {r.Id}, background_load: {N(r.BackgroundLoadMW)} MW, utc_offset: {N(r.UtcOffsetHours)}{(r.LoadProfile is { } p ? ", load_profile: " + List(p) : "")}}}");
        w.WriteLine("plants:");
        foreach (var p in s.Plants)
            w.WriteLine($"  - {{id: {p.Id}, region: {p.Region}, type: {p.Type.ToString().ToLowerInvariant()}, capacity: {N(p.CapacityMW)} MW, lat: {N(p.Lat)}, lon: {N(p.Lon)}, " +
                $"capacity_factor: {N(p.CapacityFactor)}, marginal_cost: {N(p.MarginalCostUsdPerMWh)}, carbon: {N(p.CarbonKgPerMWh)}" +
                (double.IsPositiveInfinity(p.RampMWPerMinute) ? "" : $", ramp_per_minute: {N(p.RampMWPerMinute)} MW") +
                $", forced_outages_per_year: {N(p.ForcedOutagesPerYear)}, outage_duration: {N(p.OutageHours)} h}}");
        w.WriteLine("links:");
        foreach (var l in s.Links)
            w.WriteLine($"  - {{id: {l.Id}, from: {l.From}, to: {l.To}, capacity: {N(l.CapacityMW)} MW, length: {N(l.LengthKm)} km, loss_per_1000km: {N(l.LossPer1000Km)}}}");
        w.WriteLine("hubs:");
        foreach (var h in s.Hubs)
            w.WriteLine($"  - {{id: {h.Id}, region: {h.Region}, role: {(h.East ? "east" : "west")}, lat: {N(h.Lat)}, lon: {N(h.Lon)}, servers: {h.Servers}, " +
                $"tokens_per_second_per_server: {N(h.TokensPerSecondPerServer)}, idle_power_per_server: {N(h.IdleMWPerServer)} MW, full_power_per_server: {N(h.FullMWPerServer)} MW, " +
                $"pue: {N(h.Pue)}, electricity_price: {N(h.ElectricityUsdPerMWh)}, capital_per_server_hour: {N(h.CapitalUsdPerServerHour)}, queue_limit: {h.QueueLimit}}}");
        w.WriteLine("cables:");
        foreach (var c in s.Cables)
            w.WriteLine($"  - {{id: {c.Id}, length: {N(c.LengthKm)} km, route_factor: {N(c.RouteFactor)}, capacity: {N(c.CapacityTbps)} Tbps}}");
        w.WriteLine("users:");
        foreach (var u in s.Users)
        {
            w.WriteLine($"  - id: {u.Id}");
            w.WriteLine($"    utc_offset: {N(u.UtcOffsetHours)}");
            w.WriteLine($"    bundles_per_second: {N(u.BundlesPerSecond)}");
            w.WriteLine($"    requests_per_bundle: {N(u.RequestsPerBundle)}");
            w.WriteLine($"    realtime_share: {N(u.RealTimeShare)}");
            w.WriteLine($"    tokens_per_request: {N(u.MeanTokensPerRequest)}");
            w.WriteLine($"    prefill_share: {N(u.PrefillShare)}");
            w.WriteLine($"    slo_ttft: {N(u.SloTtftMs)} ms");
            if (u.Diurnal is { } d) w.WriteLine($"    diurnal: {List(d)}");
            w.WriteLine("    routes:");
            foreach (var r in u.Routes)
                w.WriteLine($"      - {{hub: {r.Hub}{(r.Cable is null ? "" : ", cable: " + r.Cable)}{(r.CableKm is double km ? $", cable_km: {N(km)} km" : "")}, terrestrial: {N(r.TerrestrialMs)} ms}}");
        }
        if (s.Faults.Count == 0) w.WriteLine("faults: []");
        else
        {
            w.WriteLine("faults:");
            foreach (var f in s.Faults)
                w.WriteLine($"  - {{kind: {f.Kind}, target: {f.Target}, start: {N(f.StartMicros / 1e6)} s, duration: {N(f.DurationMicros / 1e6)} s, fraction: {N(f.Fraction)}, multiplier: {N(f.Multiplier)}, ramp: {N(f.RampMicros / 1e6)} s}}");
        }
    }

    /// <summary>
    /// <paramref name="k"/> copies of a topology side by side: every id gets the suffix <c>-cN</c> and every
    /// reference points into its own copy, so the structure is the same and the copies are independent.
    /// </summary>
    public static SupplyChainSpec Scale(SupplyChainSpec s, int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), "scale must be at least 1");
        string C(string id, int i) => k == 1 ? id : $"{id}-c{i}";
        var copies = Enumerable.Range(1, k).ToList();
        return s with
        {
            Name = k == 1 ? s.Name : $"{s.Name}-x{k}",
            Regions = copies.SelectMany(i => s.Regions.Select(r => r with { Id = C(r.Id, i) })).ToList(),
            Plants = copies.SelectMany(i => s.Plants.Select(p => p with { Id = C(p.Id, i), Region = C(p.Region, i) })).ToList(),
            Links = copies.SelectMany(i => s.Links.Select(l => l with { Id = C(l.Id, i), From = C(l.From, i), To = C(l.To, i) })).ToList(),
            Hubs = copies.SelectMany(i => s.Hubs.Select(h => h with { Id = C(h.Id, i), Region = C(h.Region, i) })).ToList(),
            Cables = copies.SelectMany(i => s.Cables.Select(c => c with { Id = C(c.Id, i) })).ToList(),
            Users = copies.SelectMany(i => s.Users.Select(u => u with
            {
                Id = C(u.Id, i),
                Routes = u.Routes.Select(r => r with { Hub = C(r.Hub, i), Cable = r.Cable is null ? null : C(r.Cable, i) }).ToList(),
            })).ToList(),
            // A fault on "all" user regions already reaches every copy: keep it once.
            Faults = s.Faults.Where(f => f.Target == "all")
                .Concat(copies.SelectMany(i => s.Faults.Where(f => f.Target != "all").Select(f => f with { Target = C(f.Target, i) }))).ToList(),
        };
    }
}
