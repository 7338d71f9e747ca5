using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Model.SupplyChain;
using Xunit.Abstractions;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Model.Tests;

/// <summary>Weather is spatially correlated, seeded by the run and the same whoever computes it; capacity factors are
/// the long-run mean output ÷ capacity.</summary>
public class WeatherSpecs(ITestOutputHelper output)
{
    private const long Day = 24 * Hour;

    /// <summary>Plants only (every one renewable, so the region just curtails what nobody takes), starting on
    /// <paramref name="startDay"/>, with the weather of <paramref name="weather"/> (default: the schema's).</summary>
    private static SupplyChainSpec Plants(int startDay, WeatherSpec? weather, params PlantSpec[] plants)
    {
        var empty = Empty("weather");
        return empty with
        {
            StartDayOfYear = startDay,
            Regions = [.. plants.Select(p => p.Region).Distinct().Select(r => Region(r))],
            Plants = plants,
            Weather = weather ?? empty.Weather,
        };
    }

    private static PlantSpec Wind(string id, double lat, double lon, double cf = 0.25) =>
        Plant(id, "r-" + id, PlantType.Wind, 1000, lat, lon) with { CapacityFactor = cf };

    private static PlantSpec Solar(string id, double lat, double lon, double cf = 0.18) =>
        Plant(id, "r-" + id, PlantType.Solar, 1000, lat, lon) with { CapacityFactor = cf };

    private static (SupplyChainSummary Summary, RunResult Result) Run(SupplyChainSpec spec, long horizon, ulong seed)
    {
        var model = new SupplyChainModel(spec);
        var result = new SequentialExecutor().Run(model, Settings(horizon, seed));
        return (SupplyChainSummary.From(model, result), result);
    }

    private static double[] Available(SupplyChainSummary s, string plant) =>
        [.. s.SeriesOf<PlantSample>("plant/" + plant).Select(r => r.AvailableMW)];

    private static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }

    [Fact]
    public void The_field_correlation_falls_with_distance_as_documented()
    {
        const double L = 400;
        // Along a meridian and along a parallel, from a site in Ningxia.
        double Along(double km, bool north) => north
            ? WeatherField.Correlation(37.5, 105.7, 37.5 + km / (WeatherField.EarthRadiusKm * Math.PI / 180), 105.7, L)
            : WeatherField.Correlation(37.5, 105.7, 37.5, 105.7 + km / (WeatherField.EarthRadiusKm * Math.PI / 180 * Math.Cos(37.5 * Math.PI / 180)), L);
        foreach (bool north in new[] { true, false })
        {
            Assert.Equal(1.0, Along(0, north), 9);
            Assert.InRange(Along(0.25 * L, north), 0.96, 1.0);
            Assert.InRange(Along(L, north), 0.76, 0.84);
            Assert.InRange(Along(2 * L, north), 0.42, 0.50);
            Assert.InRange(Along(3 * L, north), 0.15, 0.23);
            Assert.InRange(Along(5 * L, north), 0, 0.02);
            Assert.Equal(0, Along(7 * L, north)); // no node within reach of both
        }
        // The same at another latitude, across the 180° meridian, and near a pole (where rows are short).
        Assert.InRange(WeatherField.Correlation(-10, 179.5, -10, -176.85, L), 0.76, 0.84);   // 400 km across the date line
        Assert.InRange(WeatherField.Correlation(88, 0, 88, 180, L), 0.70, 0.80);              // 445 km across the pole
        var (nodes, weights) = WeatherField.Site(37.5, 105.7, L);
        Assert.InRange(nodes.Length, 100, 130);
        Assert.Equal(1.0, weights.Sum(w => w * w), 12);
        Assert.Equal(nodes.Length, nodes.Distinct().Count());
    }

    [Fact]
    public void Wind_levels_make_the_expected_output_the_capacity_factor()
    {
        // E[clamp(g + 0.8 cf z, 0, 1)] by brute-force quadrature over z.
        static double Expected(double g, double spread)
        {
            double sum = 0;
            const double dz = 1e-4;
            for (double z = -9; z < 9; z += dz)
                sum += Math.Clamp(g + spread * (z + dz / 2), 0, 1) * Math.Exp(-(z + dz / 2) * (z + dz / 2) / 2) * dz;
            return sum / Math.Sqrt(2 * Math.PI);
        }
        foreach (double cf in new[] { 0.05, 0.22, 0.26, 0.45, 0.7, 0.95 })
        {
            double g = CapacityFactors.WindLevel(cf);
            Assert.Equal(cf, Expected(g, SupplyChain.Plant.WindVariability * cf), 6);
            // The old model (g = cf) missed the capacity factor: clamping at calm raises the mean, at nameplate lowers it.
            Assert.True(Math.Abs(Expected(cf, SupplyChain.Plant.WindVariability * cf) - cf) > 0.01 * cf);
        }
        Assert.Equal(0, CapacityFactors.WindLevel(0));
        Assert.Equal(1, CapacityFactors.WindLevel(1));
        Assert.Equal(0.5, CapacityFactors.NormalCdf(0), 7);
        Assert.Equal(0.975002105, CapacityFactors.NormalCdf(1.96), 6);
    }

    [Fact]
    public void Solar_scales_make_the_expected_output_over_the_month_the_capacity_factor()
    {
        // Mean over every 5-minute interval of June (days 152-181) of min(1, k·sin⁺ elevation) × E[clearness], with
        // E[clearness] by quadrature.
        double clearness = 0;
        const double dz = 1e-4;
        for (double z = -9; z < 9; z += dz)
            clearness += Math.Clamp(SupplyChain.Plant.MeanClearness + SupplyChain.Plant.ClearnessSpread * (z + dz / 2), SupplyChain.Plant.MinClearness, 1) * Math.Exp(-(z + dz / 2) * (z + dz / 2) / 2) * dz;
        clearness /= Math.Sqrt(2 * Math.PI);
        Assert.Equal(clearness, CapacityFactors.MeanClearness, 6);
        foreach (var (lat, lon, cf) in new[] { (37.5, 105.7, 0.18), (43.8, 87.6, 0.17), (23.1, 113.3, 0.12), (-33.9, 151.2, 0.10), (60.0, 10.0, 0.25) })
            foreach (int start in new[] { 152, 172, 181 })
            {
                double k = CapacityFactors.SolarScale(cf, lat, lon, start, 5 * Minute);
                double sum = 0;
                int n = 0;
                for (int day = 152; day <= 181; day++)
                    for (int q = 0; q < 288; q++, n++)
                        sum += Math.Min(1, k * Math.Max(0, Sun.ElevationSine(day, (q + 0.5) / 12.0, lat, lon)));
                Assert.Equal(cf, sum / n * clearness, 5);
            }
        // A capacity factor the month's daylight cannot give saturates: output is then clearness whenever the sun is up.
        double most = CapacityFactors.SolarScale(0.9, 37.5, 105.7, 172, 5 * Minute);
        Assert.Equal(most, CapacityFactors.SolarScale(0.95, 37.5, 105.7, 172, 5 * Minute));
        Assert.Equal(0, CapacityFactors.SolarScale(0, 37.5, 105.7, 172, 5 * Minute));
        Assert.Equal((152, 181), Sun.Month(172));
        Assert.Equal((1, 31), Sun.Month(1));
        Assert.Equal((335, 365), Sun.Month(366));
    }

    [Fact]
    public void Neighbouring_provinces_wind_correlates_over_a_week_and_distant_provinces_do_not()
    {
        // Inner Mongolia and Hebei (Zhangbei) 255 km apart, Ningxia and Gansu (Lanzhou) 240 km apart; Guangdong is 2,040 km
        // from Inner Mongolia and Xinjiang (Urumqi) 1,660 km from Ningxia. Weather persists for hours, so one week holds only
        // ~20 independent samples (one pair's correlation over a week varies by ±0.14): the correlations are averaged over
        // twelve seeds (twelve independent weeks).
        var spec = Plants(172, null,
            Wind("inner_mongolia", 40.8, 111.7), Wind("hebei", 41.2, 114.7), Wind("ningxia", 37.5, 105.7),
            Wind("gansu", 36.1, 103.8), Wind("guangdong", 23.1, 113.3, 0.2), Wind("xinjiang", 43.8, 87.6));
        Assert.InRange(WeatherField.DistanceKm(40.8, 111.7, 23.1, 113.3), 1950, 2100);
        var uncorrelated = spec with { Weather = spec.Weather with { PlantNoise = 1 } };
        double near = 0, far = 0, nearWithoutField = 0;
        var seeds = Enumerable.Range(1, 12).Select(i => (ulong)i).ToArray();
        foreach (ulong seed in seeds)
        {
            var s = Run(spec, 7 * Day, seed).Summary;
            double n = (Correlation(Available(s, "inner_mongolia"), Available(s, "hebei")) + Correlation(Available(s, "ningxia"), Available(s, "gansu"))) / 2;
            double f = (Correlation(Available(s, "inner_mongolia"), Available(s, "guangdong")) + Correlation(Available(s, "ningxia"), Available(s, "xinjiang"))) / 2;
            Assert.True(n > f, $"seed {seed}: neighbours {n:0.00}, distant {f:0.00}");
            near += n / seeds.Length;
            far += f / seeds.Length;
            var u = Run(uncorrelated, 7 * Day, seed).Summary;
            nearWithoutField += Correlation(Available(u, "inner_mongolia"), Available(u, "hebei")) / seeds.Length;
        }
        output.WriteLine($"wind correlation over a week, mean of {seeds.Length} seeds: neighbours {near:0.000}, distant {far:0.000}, neighbours without a shared field {nearWithoutField:0.000}");
        Assert.True(near >= 0.5, $"neighbouring provinces' wind correlates {near:0.00}");
        Assert.True(Math.Abs(far) <= 0.2, $"distant provinces' wind correlates {far:0.00}");
        Assert.True(Math.Abs(nearWithoutField) <= 0.2, $"without a shared field neighbours correlate {nearWithoutField:0.00}");
    }

    [Fact]
    public void An_aggregates_wind_moves_smoothly_between_dispatch_intervals_and_still_varies_over_hours()
    {
        // The anomaly is low-pass filtered (τ = 1 h): a 5-minute step moves it by ≈ 0.04 sd, an hour by ≈ 0.4 sd. Without
        // the filter an AR(1) with φ = 0.98 moves by 0.2 sd every 5 minutes, which for a 84 GW provincial aggregate meant
        // swings of 5–7 GW between two intervals.
        Assert.Equal(1.0, GridActors.Model.SupplyChain.Plant.WeatherSmoothingHours);
        double a = Math.Exp(-5.0 / 60);
        // The scale that keeps the filtered anomaly at unit variance, checked against a long simulated series.
        var rng = Rng.FromSeed(7);
        double x = 0, y = 0, sum2 = 0;
        const int n = 400_000;
        for (int k = 0; k < n + 1000; k++)
        {
            double e = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            x = 0.98 * x + Math.Sqrt(1 - 0.98 * 0.98) * e;
            y = a * y + (1 - a) * x;
            if (k >= 1000) sum2 += y * y;
        }
        Assert.InRange(Math.Sqrt(sum2 / n) / PlantWeather.SmoothedSd(0.98, a), 0.95, 1.05);
        Assert.Equal(1.0, PlantWeather.SmoothedSd(GridActors.Model.SupplyChain.Plant.WindPersistence, 0), 12);
        var s = Run(Plants(172, null, Wind("w", 41.2, 114.7)), 7 * Day, 3).Summary;
        var cf = Available(s, "w").Select(x => x / 1000).ToArray();
        double sd = Math.Sqrt(cf.Select(x => (x - cf.Average()) * (x - cf.Average())).Average());
        double Step(int lag) => Math.Sqrt(Enumerable.Range(0, cf.Length - lag).Select(i => (cf[i + lag] - cf[i]) * (cf[i + lag] - cf[i])).Average());
        output.WriteLine($"capacity-factor sd {sd:0.000}; rms change over 5 min {Step(1):0.0000}, over 1 h {Step(12):0.0000}");
        Assert.True(Step(1) < 0.1 * sd, $"5-minute changes {Step(1):0.000} vs sd {sd:0.000}");
        Assert.True(Step(1) < 0.015, $"5-minute changes {Step(1):0.000} of capacity");
        Assert.True(Step(12) > 3 * Step(1), $"hourly changes {Step(12):0.000} vs 5-minute {Step(1):0.000}");
    }

    [Fact]
    public void The_mean_available_output_over_30_days_is_the_capacity_factor()
    {
        // June (30 days from day 152). Sites 2,000 km or more apart have independent weather; six seeds give 48
        // independent month-long series per type. Weather persists for hours: one wind plant's month varies by ±8 % (1 σ),
        // one solar plant's by ±3 %, so the mean over all of them is within ±1.1 % and ±0.4 % (1 σ).
        var sites = new[] { (37.5, 105.7), (23.1, 113.3), (47.0, 130.0), (43.8, 80.0), (50.0, 10.0), (35.0, -100.0), (-25.0, 135.0), (-15.0, -50.0) };
        var cf = new[] { 0.22, 0.26, 0.30, 0.18, 0.35, 0.40, 0.25, 0.20 };
        var plants = sites.SelectMany((x, i) => new[]
        {
            Wind($"w{i}", x.Item1, x.Item2, cf[i]),
            Solar($"s{i}", x.Item1, x.Item2, x.Item1 > 0 ? 0.15 + 0.01 * i : 0.12),
        }).ToArray();
        var spec = Plants(152, null, plants);
        var ratios = new Dictionary<PlantType, List<double>> { [PlantType.Wind] = [], [PlantType.Solar] = [] };
        foreach (ulong seed in new ulong[] { 1, 2, 3, 4, 5, 6 })
        {
            var s = Run(spec, 30 * Day, seed).Summary;
            foreach (var p in plants)
            {
                var rows = Available(s, p.Id);
                Assert.Equal(30 * 288, rows.Length);
                ratios[p.Type].Add(rows.Average() / p.CapacityMW / p.CapacityFactor);
            }
        }
        foreach (var (type, r) in ratios)
            output.WriteLine($"{type}: mean output ÷ capacity ÷ capacity factor over 30 days = {r.Average():0.0000} (plants {r.Min():0.000}-{r.Max():0.000})");
        Assert.InRange(ratios[PlantType.Solar].Average(), 0.98, 1.02);
        Assert.All(ratios[PlantType.Solar], r => Assert.InRange(r, 0.85, 1.15));
        Assert.InRange(ratios[PlantType.Wind].Average(), 0.96, 1.04);
        Assert.All(ratios[PlantType.Wind], r => Assert.InRange(r, 0.6, 1.4));
    }

    [Fact]
    public void Every_plant_computes_the_same_field_whatever_its_history_and_the_field_depends_on_the_run_seed()
    {
        // Without plant noise, plants at one site see the same weather: also one that missed intervals in a forced outage
        // (it catches up) and one that joined from a checkpoint (see the resume test in ProtocolDigestSpecs).
        var weather = new WeatherSpec(400, 150, 0);
        var spec = Plants(172, weather,
            Wind("a", 38, 106), Wind("b", 38, 106) with { Region = "r-a" },
            Wind("c", 38, 106) with { Region = "r-a", ForcedOutagesPerYear = 2000, OutageHours = 2 },
            Solar("d", 38, 106), Solar("e", 38, 106) with { Region = "r-d" });
        var s = Run(spec, 2 * Day, 5).Summary;
        Assert.Equal(Available(s, "a"), Available(s, "b"));
        Assert.Equal(Available(s, "d"), Available(s, "e"));
        var a = Available(s, "a");
        var c = Available(s, "c");
        int outages = c.Count(x => x == 0), same = 0;
        for (int i = 0; i < c.Length; i++)
            if (c[i] > 0 && c[i] == a[i]) same++;
        Assert.True(outages > 20 && same > 20 && same == c.Length - outages, $"{outages} intervals out, {same} equal to the others");
        // Another seed, another field.
        var other = Run(spec, 2 * Day, 6).Summary;
        Assert.NotEqual(Available(s, "a"), Available(other, "a"));
        Assert.True(Math.Abs(Correlation(Available(s, "a"), Available(other, "a"))) < 0.9);
    }

    [Fact]
    public void Weather_runs_give_the_same_digest_on_the_sequential_and_windowed_executors()
    {
        var spec = Small() with
        {
            Plants =
            [
                .. Small().Plants,
                Plant("ningxia-wind-2", "ningxia", PlantType.Wind, 800, 38.4, 106.3) with { CapacityFactor = 0.3, ForcedOutagesPerYear = 500, OutageHours = 1 },
                Plant("zhejiang-solar", "zhejiang", PlantType.Solar, 900, 30.2, 120.2) with { CapacityFactor = 0.13 },
            ],
        };
        var model = new SupplyChainModel(spec);
        var a = new SequentialExecutor().Run(model, Settings(3 * Hour, 9));
        Assert.Equal(a.Digest, new SequentialExecutor().Run(new SupplyChainModel(spec), Settings(3 * Hour, 9)).Digest);
        Assert.Equal(a.Digest, new WindowedExecutor(shuffleSeed: 4).Run(model, Settings(3 * Hour, 9)).Digest);
        var windowed = new WindowedExecutor(new WindowedOptions(Nodes: 3, Leases: true, ShuffleSeed: 7, Checkpoints: new CheckpointPlan(Hour), EncodeBatches: true));
        Assert.Equal(a.Digest, windowed.Run(model, Settings(3 * Hour, 9)).Digest);
        // Resumed from the checkpoint at 2 h, plants rebuild their node keys from the run seed and go on from their saved state.
        var cp = windowed.Checkpoints[1];
        Assert.Equal(2 * Hour, cp.TimeMicros);
        var resumed = new WindowedExecutor(new WindowedOptions(Nodes: 2, ShuffleSeed: 3, Checkpoints: new CheckpointPlan(Hour, cp.K, cp.TimeMicros, Resume: true)));
        Assert.Equal(a.Digest, resumed.Run(new SupplyChainModel(spec), Settings(3 * Hour, 9), cp).Digest);
        Assert.NotEqual(a.Digest, new SequentialExecutor().Run(model, Settings(3 * Hour, 10)).Digest);
        var s = SupplyChainSummary.From(model, a);
        Assert.True(s.EnergyConserved, s.EnergyImbalance);
    }
}
