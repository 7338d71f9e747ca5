using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>The weather variables solar and wind plants read; each has its own field (their noise is independent).</summary>
public enum WeatherVariable { Wind = 1, Cloudiness = 2 }

/// <summary>
/// Spatially correlated weather fields, one per <see cref="WeatherVariable"/>: a global grid of nodes, each with a
/// stationary AR(1) process in time whose innovations are counter-based noise — a hash of (run seed, variable, node,
/// interval) — so every plant computes the very same node values without talking to any other entity and without
/// shared mutable state (DESIGN §2.1: the values depend on the seed and their coordinates only, never on who computes
/// them, where or in which order). A site's field value is <c>Σ w_j X_j / √(Σ w_j²)</c> over the nodes within
/// <see cref="Reach"/> × L with weights <c>w_j = exp(−d_j / L)</c>, L the variable's correlation length: unit variance
/// at every site, and two sites share the nodes between them. The resulting correlation between two sites d apart is
/// ≈ 0.98 at 0.25 L, 0.80 at L, 0.46 at 2 L, 0.19 at 3 L and &lt; 0.01 at 5 L (measured on the grid; see
/// <see cref="Correlation"/>); a plant adds its own noise on top (<see cref="WeatherSpec.PlantNoise"/>).
/// </summary>
public static class WeatherField
{
    /// <summary>Distance between neighbouring nodes, in correlation lengths. At half a length the correlation of two
    /// sites depends on their distance only (within ±0.01 whatever their position relative to the grid).</summary>
    public const double NodeSpacing = 0.5;

    /// <summary>Nodes farther than this many correlation lengths from a site are left out (their weight is below e⁻³).</summary>
    public const double Reach = 3.0;

    /// <summary>Mean radius of the earth (km), for great-circle distances.</summary>
    public const double EarthRadiusKm = 6371.0;

    private const double Rad = Math.PI / 180;
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The nodes a site at (<paramref name="lat"/>, <paramref name="lon"/>) reads and their weights, normalised
    /// so that Σ w² = 1. A node is a row <c>i</c> (latitude i·Δ, Δ = spacing in degrees) and a position <c>j</c> in that
    /// row (longitude j·360°/n_i, n_i nodes around the row's circle), packed into one number.</summary>
    public static (long[] Nodes, double[] Weights) Site(double lat, double lon, double lengthKm)
    {
        if (!(lengthKm > 0)) throw new ArgumentOutOfRangeException(nameof(lengthKm), "a correlation length must be positive");
        double kmPerDegree = EarthRadiusKm * Rad;
        double step = NodeSpacing * lengthKm / kmPerDegree;       // degrees of latitude between rows
        double reach = Reach * lengthKm;
        double reachDeg = reach / kmPerDegree;
        int rowMax = (int)Math.Floor(90 / step);
        int first = Math.Max(-rowMax, (int)Math.Ceiling((lat - reachDeg) / step));
        int last = Math.Min(rowMax, (int)Math.Floor((lat + reachDeg) / step));
        var nodes = new List<long>();
        var weights = new List<double>();
        for (int i = first; i <= last; i++)
        {
            double rowLat = i * step;
            int n = (int)Math.Max(1, Math.Min(int.MaxValue / 2, Math.Floor(360 * Math.Cos(rowLat * Rad) / step)));
            double spacing = 360.0 / n;
            // Longitudes within reach: all of them when the site's circle of reach covers a pole, else ± the half-width.
            double halfWidth = reach / EarthRadiusKm >= Math.PI / 2 - Math.Abs(lat) * Rad
                ? 180
                : Math.Asin(Math.Min(1, Math.Sin(reach / EarthRadiusKm) / Math.Cos(lat * Rad))) / Rad;
            long lo = (long)Math.Floor((lon - halfWidth) / spacing), hi = (long)Math.Ceiling((lon + halfWidth) / spacing);
            if (hi - lo + 1 >= n) { lo = 0; hi = n - 1; }
            for (long jj = lo; jj <= hi; jj++)
            {
                int j = (int)(((jj % n) + n) % n);
                double d = DistanceKm(lat, lon, rowLat, j * spacing);
                if (d > reach) continue;
                nodes.Add(((long)i << 32) | (uint)j);
                weights.Add(Math.Exp(-d / lengthKm));
            }
        }
        double norm = Math.Sqrt(weights.Sum(w => w * w));
        return ([.. nodes], [.. weights.Select(w => w / norm)]);
    }

    /// <summary>Great-circle distance (km) between two points given in degrees (haversine).</summary>
    public static double DistanceKm(double lat1, double lon1, double lat2, double lon2)
    {
        double dLat = (lat2 - lat1) * Rad, dLon = (lon2 - lon1) * Rad;
        double a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(lat1 * Rad) * Math.Cos(lat2 * Rad) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// <summary>Correlation of the field (without plant noise) between two sites: Σ over shared nodes of the products of
    /// their normalised weights (the nodes are independent with unit variance).</summary>
    public static double Correlation(double lat1, double lon1, double lat2, double lon2, double lengthKm)
    {
        var (na, wa) = Site(lat1, lon1, lengthKm);
        var (nb, wb) = Site(lat2, lon2, lengthKm);
        var b = new Dictionary<long, double>();
        for (int k = 0; k < nb.Length; k++) b[nb[k]] = wb[k];
        double sum = 0;
        for (int k = 0; k < na.Length; k++)
            if (b.TryGetValue(na[k], out var w)) sum += wa[k] * w;
        return sum;
    }

    /// <summary>The key of a node's noise stream: a hash of the run seed, the variable and the node.</summary>
    public static ulong NodeKey(ulong runSeed, WeatherVariable variable, long node) =>
        Mix(Mix(runSeed + Golden) ^ Mix((ulong)node ^ ((ulong)variable * 0xD1B54A32D192ED03UL)));

    /// <summary>
    /// Noise number <paramref name="counter"/> of the node with <paramref name="key"/>: mean 0, variance 1, approximately
    /// normal (the sum of four 16-bit uniforms of one SplitMix64 output, Irwin–Hall; the field sums dozens of nodes over
    /// many intervals, so its values are normal to within what matters here). Counter 0 is the node's state at interval
    /// 0 (a draw from the stationary distribution); counter k &gt; 0 is the innovation of interval k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Noise(ulong key, long counter)
    {
        ulong h = Mix(key + (ulong)counter * Golden);
        long sum = (long)(h & 0xFFFF) + (long)((h >> 16) & 0xFFFF) + (long)((h >> 32) & 0xFFFF) + (long)(h >> 48);
        return (sum - 4 * 65535 / 2.0) * IrwinHallScale;
    }

    /// <summary>1 / standard deviation of the sum of four uniform integers in [0, 65535].</summary>
    private static readonly double IrwinHallScale = 1 / Math.Sqrt(4 * (65536.0 * 65536.0 - 1) / 12);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>The sun's path (Cooper's declination, solar time from longitude; no equation of time).</summary>
public static class Sun
{
    /// <summary>Sine of the solar elevation at (<paramref name="lat"/>, <paramref name="lon"/>) on day
    /// <paramref name="dayOfYear"/> at <paramref name="hourUtc"/> (0–24).</summary>
    public static double ElevationSine(int dayOfYear, double hourUtc, double lat, double lon)
    {
        double decl = Plant.AxialTiltDegrees * Math.PI / 180 * Math.Sin(2 * Math.PI * (284 + dayOfYear) / 365.0);
        double solarHour = (hourUtc + lon / 15.0 + 24) % 24;
        double hourAngle = (solarHour - 12) * 15 * Math.PI / 180;
        double phi = lat * Math.PI / 180;
        return Math.Sin(phi) * Math.Sin(decl) + Math.Cos(phi) * Math.Cos(decl) * Math.Cos(hourAngle);
    }

    /// <summary>Last day of each month of a non-leap year (day of the year, 1-based).</summary>
    private static readonly int[] MonthEnds = [31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

    /// <summary>First and last day of the year of the calendar month that holds <paramref name="dayOfYear"/>
    /// (a non-leap year; day 366 counts as December).</summary>
    public static (int First, int Last) Month(int dayOfYear)
    {
        int m = 0;
        while (m < 11 && dayOfYear > MonthEnds[m]) m++;
        return (m == 0 ? 1 : MonthEnds[m - 1] + 1, MonthEnds[m]);
    }
}

/// <summary>
/// Capacity factors that mean what they say: the expected output ÷ capacity of a solar or wind plant over the calendar
/// month of the scenario's start equals its <see cref="PlantSpec.CapacityFactor"/>. The weather anomaly z of a plant is
/// N(0, 1) (field and plant noise together), so expectations over it have closed forms; the sun's path over the month is
/// summed at the dispatch intervals' midpoints. Pure functions of the spec, computed once per site.
/// </summary>
public static class CapacityFactors
{
    /// <summary>E[clamp(<paramref name="mean"/> + <paramref name="sd"/>·Z, <paramref name="lo"/>, <paramref name="hi"/>)], Z ~ N(0, 1).</summary>
    public static double ExpectedClamped(double mean, double sd, double lo, double hi)
    {
        if (sd <= 0) return Math.Clamp(mean, lo, hi);
        // lo + E[(Y − lo)⁺] − E[(Y − hi)⁺], with E[(Y − c)⁺] = (μ − c) Φ((μ − c)/σ) + σ φ((μ − c)/σ).
        return lo + Excess(mean - lo, sd) - Excess(mean - hi, sd);
    }

    private static double Excess(double m, double sd)
    {
        double x = m / sd;
        return m * NormalCdf(x) + sd * Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI);
    }

    /// <summary>Φ, the standard normal distribution function (relative error below 1.2e-7: Numerical Recipes' erfc).</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    /// <summary>
    /// The level g of a wind plant's output <c>clamp(g + spread·z, 0, 1)</c> (share of capacity) whose expectation is
    /// <paramref name="capacityFactor"/>; spread = <see cref="Plant.WindVariability"/> × capacity factor. Clamping at 0
    /// (calm: raises the mean) and 1 (nameplate: lowers it) makes g differ from the capacity factor (the old model used
    /// g = capacity factor: its mean was 4 % above it at 0.25 and 11 % below it at 0.7).
    /// </summary>
    public static double WindLevel(double capacityFactor)
    {
        if (capacityFactor <= 0) return 0;
        if (capacityFactor >= 1) return 1;
        double spread = Plant.WindVariability * capacityFactor;
        double lo = -10 * spread, hi = 1 + 10 * spread;
        for (int k = 0; k < 200 && hi - lo > 1e-15; k++)
        {
            double g = (lo + hi) / 2;
            if (ExpectedClamped(g, spread, 0, 1) < capacityFactor) lo = g; else hi = g;
        }
        return (lo + hi) / 2;
    }

    /// <summary>Mean clearness of the sky, E[clamp(mean + spread·z, least, 1)].</summary>
    public static double MeanClearness =>
        ExpectedClamped(Plant.MeanClearness, Plant.ClearnessSpread, Plant.MinClearness, 1);

    /// <summary>
    /// The scale k of a solar plant's clear-sky output <c>min(1, k · max(0, sin elevation))</c> (share of capacity), to be
    /// multiplied by the clearness, such that the expected output over the calendar month holding
    /// <paramref name="startDayOfYear"/> is <paramref name="capacityFactor"/>: mean over the month's dispatch intervals of
    /// min(1, k·s⁺) = capacity factor ÷ mean clearness, solved on the sorted elevations. A capacity factor above what the
    /// month's daylight allows (share of daylight intervals × mean clearness) gets the largest useful k: the plant then
    /// produces nameplate × clearness whenever the sun is up.
    /// </summary>
    public static double SolarScale(double capacityFactor, double lat, double lon, int startDayOfYear, long intervalMicros)
    {
        if (capacityFactor <= 0) return 0;
        var (first, last) = Sun.Month(startDayOfYear);
        long day = 24 * SimTime.MicrosPerHour;
        int perDay = (int)Math.Max(1, day / intervalMicros);
        var s = new List<double>((last - first + 1) * perDay);
        int count = 0;
        for (int d = first; d <= last; d++)
            for (int q = 0; q < perDay; q++)
            {
                double hour = (q * (double)intervalMicros + intervalMicros / 2.0) / SimTime.MicrosPerHour;
                double e = Sun.ElevationSine(d, hour, lat, lon);
                if (e > 0) s.Add(e);
                count++;
            }
        if (s.Count == 0) return 0;
        s.Sort();
        var prefix = new double[s.Count + 1];
        for (int k = 0; k < s.Count; k++) prefix[k + 1] = prefix[k] + s[k];
        double target = capacityFactor / MeanClearness;
        // Mean of min(1, k s) over all intervals: the elevations below 1/k scale, the others are capped at 1.
        double Mean(double k)
        {
            int below = s.BinarySearch(1 / k);
            if (below < 0) below = ~below;
            return (k * prefix[below] + (s.Count - below)) / count;
        }
        double kMax = 1 / s[0];
        if (Mean(kMax) <= target) return kMax;
        double lo = 0, hi = kMax;
        for (int k = 0; k < 200 && hi - lo > 1e-15 * kMax; k++)
        {
            double mid = (lo + hi) / 2;
            if (Mean(mid) < target) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }
}

/// <summary>
/// The weather of one solar or wind plant: the states of the field nodes it reads, its own noise, and the calibrated
/// output. Each dispatch interval it steps every node's AR(1) (<c>X(k) = φ X(k−1) + √(1−φ²) ε(k)</c>, ε counter-based)
/// and its own AR(1) (from its entity stream), combines them into <c>x = √(1−p)·field + √p·own</c> (p = plant noise) and
/// passes x through a first-order low-pass filter (<c>y(k) = a·y(k−1) + (1−a)·x(k)</c>, <c>a = exp(−Δ/τ)</c>, τ =
/// <see cref="Plant.WeatherSmoothingHours"/>) scaled back to unit variance: the anomaly z = y ÷ sd(y) is N(0, 1),
/// correlated with its neighbours' by the field exactly as x is (the same linear filter on every plant), but smooth over
/// minutes — an AR(1) alone changes by 0.2 sd every 5 minutes, which for a provincial aggregate of wind farms means
/// swings of several GW between two dispatch intervals; the filtered anomaly changes by 0.04 sd in 5 minutes and 0.4 sd
/// in an hour.
/// Intervals it skipped (a forced outage) are caught up, so every plant holds the same node values at the same interval.
/// </summary>
public sealed class PlantWeather
{
    private readonly WeatherVariable _variable;
    private readonly Climate _climate;
    private readonly double _phi, _innovation, _shared, _own;
    private readonly double[] _state;
    private ulong[]? _keys;          // node noise keys for _keysSeed (derived from the run seed; not state)
    private ulong _keysSeed;
    private long _interval = -1;     // last interval stepped
    private double _local;           // the plant's own AR(1)
    private double _smooth = double.NaN; // the low-pass filter's state y (unscaled)
    private readonly double _a, _scale;  // the filter's coefficient and sd(y)

    /// <summary>The weather of plant <paramref name="plant"/> of <paramref name="spec"/>, or null for plants that have none.</summary>
    public static PlantWeather? For(SupplyChainSpec spec, PlantSpec plant) => plant.Type switch
    {
        PlantType.Wind => new PlantWeather(spec, plant, WeatherVariable.Wind, Plant.WindPersistence, spec.Weather.WindCorrelationKm),
        PlantType.Solar => new PlantWeather(spec, plant, WeatherVariable.Cloudiness, Plant.CloudinessPersistence, spec.Weather.SolarCorrelationKm),
        _ => null,
    };

    private PlantWeather(SupplyChainSpec spec, PlantSpec plant, WeatherVariable variable, double persistencePer5Min, double lengthKm)
    {
        _variable = variable;
        _climate = Climate.Of(spec, plant, variable, lengthKm);
        _phi = Math.Pow(persistencePer5Min, spec.DispatchIntervalMicros / (double)(5 * SimTime.MicrosPerMinute));
        _innovation = Math.Sqrt(1 - _phi * _phi);
        _shared = Math.Sqrt(1 - spec.Weather.PlantNoise);
        _own = Math.Sqrt(spec.Weather.PlantNoise);
        _state = new double[_climate.Nodes.Length];
        _a = Math.Exp(-spec.DispatchIntervalMicros / (Plant.WeatherSmoothingHours * SimTime.MicrosPerHour));
        _scale = SmoothedSd(_phi, _a);
    }

    /// <summary>Standard deviation of <c>y(k) = a·y(k−1) + (1−a)·x(k)</c> for a unit-variance AR(1) x with coefficient φ:
    /// √((1−a)² ÷ (1−a²) × (1+aφ) ÷ (1−aφ)); 1 without filtering (a = 0).</summary>
    public static double SmoothedSd(double phi, double a) => Math.Sqrt((1 - a) * (1 - a) / (1 - a * a) * (1 + a * phi) / (1 - a * phi));

    /// <summary>The anomaly z of the last interval stepped (0 before the first).</summary>
    public double Anomaly { get; private set; }

    /// <summary>Field nodes the plant reads.</summary>
    public int NodeCount => _state.Length;

    /// <summary>Steps the weather to <paramref name="interval"/> and returns the plant's available output as a share of
    /// capacity for that interval, whose midpoint is <paramref name="midMicros"/> (µs since the start day's 00:00 UTC).</summary>
    public double Output(IEventContext ctx, long interval, double midMicros)
    {
        double z = Advance(ctx, interval);
        if (_variable == WeatherVariable.Wind)
            return Math.Clamp(_climate.Level + _climate.Spread * z, 0, 1);
        double hoursUtc = midMicros / SimTime.MicrosPerHour;
        int day = _climate.StartDayOfYear + (int)Math.Floor(hoursUtc / 24);
        double sun = Sun.ElevationSine(day, hoursUtc % 24, _climate.Lat, _climate.Lon);
        if (sun <= 0) return 0;
        double clearness = Math.Clamp(Plant.MeanClearness + _climate.Spread * z, Plant.MinClearness, 1.0);
        return Math.Min(1, _climate.Level * sun) * clearness;
    }

    /// <summary>Steps every node and the plant's own noise from the last interval stepped to <paramref name="interval"/>.</summary>
    public double Advance(IEventContext ctx, long interval)
    {
        if (interval <= _interval) return Anomaly;
        var keys = Keys(ctx.RunSeed);
        if (_interval < 0)
        {
            for (int n = 0; n < _state.Length; n++) _state[n] = WeatherField.Noise(keys[n], 0);
            _local = Normal(ctx.Rng);
            _interval = 0;
        }
        if (double.IsNaN(_smooth)) _smooth = Mixed() * _scale;   // starts at x(0): N(0, 1) once scaled
        for (long k = _interval + 1; k <= interval; k++)
        {
            for (int n = 0; n < _state.Length; n++) _state[n] = _phi * _state[n] + _innovation * WeatherField.Noise(keys[n], k);
            _local = _phi * _local + _innovation * Normal(ctx.Rng);
            _smooth = _a * _smooth + (1 - _a) * Mixed();
        }
        _interval = interval;
        Anomaly = _smooth / _scale;
        return Anomaly;
    }

    /// <summary>x: the field at the site mixed with the plant's own noise.</summary>
    private double Mixed()
    {
        double field = 0;
        var w = _climate.Weights;
        for (int n = 0; n < _state.Length; n++) field += w[n] * _state[n];
        return _shared * field + _own * _local;
    }

    private ulong[] Keys(ulong seed)
    {
        if (_keys is null || _keysSeed != seed)
        {
            var nodes = _climate.Nodes;
            var keys = new ulong[nodes.Length];
            for (int n = 0; n < nodes.Length; n++) keys[n] = WeatherField.NodeKey(seed, _variable, nodes[n]);
            (_keys, _keysSeed) = (keys, seed);
        }
        return _keys;
    }

    private static double Normal(Rng rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public void Save(BinaryWriter w)
    {
        w.Write(_interval); w.Write(_local); w.Write(_smooth); w.Write(Anomaly);
        w.Write(_state.Length);
        foreach (var x in _state) w.Write(x);
    }

    public void Load(BinaryReader r)
    {
        _interval = r.ReadInt64(); _local = r.ReadDouble(); _smooth = r.ReadDouble(); Anomaly = r.ReadDouble();
        int n = r.ReadInt32();
        if (n != _state.Length) throw new InvalidDataException($"weather state has {n} nodes, the plant reads {_state.Length}");
        for (int k = 0; k < n; k++) _state[k] = r.ReadDouble();
    }

    /// <summary>What a site's weather needs besides its state, shared by the plants of one spec at the same site with the
    /// same capacity factor (scaled scenarios repeat sites thousands of times): field nodes and weights, and the
    /// calibrated level (wind: g; solar: the clear-sky scale k) and spread.</summary>
    private sealed record Climate(long[] Nodes, double[] Weights, double Level, double Spread, double Lat, double Lon, int StartDayOfYear)
    {
        private static readonly ConditionalWeakTable<SupplyChainSpec, ConcurrentDictionary<(WeatherVariable, double, double, double), Climate>> Cache = [];

        public static Climate Of(SupplyChainSpec spec, PlantSpec p, WeatherVariable v, double lengthKm) =>
            Cache.GetValue(spec, _ => new()).GetOrAdd((v, p.Lat, p.Lon, p.CapacityFactor), _ =>
            {
                var (nodes, weights) = WeatherField.Site(p.Lat, p.Lon, lengthKm);
                return v == WeatherVariable.Wind
                    ? new Climate(nodes, weights, CapacityFactors.WindLevel(p.CapacityFactor), Plant.WindVariability * p.CapacityFactor, p.Lat, p.Lon, spec.StartDayOfYear)
                    : new Climate(nodes, weights, CapacityFactors.SolarScale(p.CapacityFactor, p.Lat, p.Lon, spec.StartDayOfYear, spec.DispatchIntervalMicros),
                        Plant.ClearnessSpread, p.Lat, p.Lon, spec.StartDayOfYear);
            });
    }
}
