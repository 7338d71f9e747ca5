namespace GridActors.Model.SupplyChain;

/// <summary>
/// A calibration target that travels with the scenario: a metric (national, or scoped to a grid region, a UHV link, a hub or
/// a plant type), the band its value must fall in (either end may be open) and the source of that band — a fact tag of
/// the shared facts files (<c>[K39]</c>) or a text starting with <c>ESTIMATE</c>. Every run evaluates its targets
/// (<see cref="Calibration.Evaluate"/>); the rules of a well-formed target are the scenario schema's.
/// </summary>
/// <param name="Region">A grid region (a user region for <c>p99_ttft_ms</c>), or null for all of them.</param>
/// <param name="PlantType">Wind or solar for <c>curtailment_share</c>, or null for both.</param>
/// <param name="Low">Lowest value in the band (null: no lower end), in the metric's <see cref="CalibrationMetric.Unit"/>.</param>
/// <param name="High">Highest value in the band (null: no upper end).</param>
/// <param name="Users">A kind of user region (<see cref="Calibration.Domestic"/> or <see cref="Calibration.Foreign"/>), or null for all.</param>
public sealed record CalibrationTarget(
    string Id, string Metric, string? Region, string? Link, string? Hub, PlantType? PlantType, double? Low, double? High, string Source,
    string? Users = null)
{
    /// <summary>The scope as text: <c>national</c>, or e.g. <c>region=qinghai, plant_type=solar</c>.</summary>
    public string ScopeText
    {
        get
        {
            var parts = new List<string>();
            if (Region is not null) parts.Add($"{CalibrationMetric.RegionKey}={Region}");
            if (Link is not null) parts.Add($"{CalibrationMetric.LinkKey}={Link}");
            if (Hub is not null) parts.Add($"{CalibrationMetric.HubKey}={Hub}");
            if (PlantType is { } t) parts.Add($"{CalibrationMetric.PlantTypeKey}={t.ToString().ToLowerInvariant()}");
            if (Users is not null) parts.Add($"{CalibrationMetric.UsersKey}={Users}");
            return parts.Count == 0 ? "national" : string.Join(", ", parts);
        }
    }

    /// <summary>Whether <paramref name="value"/> is within the band (a value the run could not compute never is).</summary>
    public bool Contains(double? value) => value is double v && double.IsFinite(v) && (Low is not double lo || v >= lo) && (High is not double hi || v <= hi);
}

/// <summary>What a target's metric came to in a run: its value (null when the run has nothing to compute it from, e.g. a
/// share of zero available energy) and whether it is within the band.</summary>
public sealed record CalibrationResult(CalibrationTarget Target, double? Value)
{
    public bool Pass => Target.Contains(Value);
}

/// <summary>Which scope keys a metric takes.</summary>
[Flags]
public enum CalibrationScopes
{
    None = 0,
    Region = 1,
    Link = 2,
    Hub = 4,
    PlantType = 8,
    Users = 16,
}

/// <summary>
/// One metric a calibration target can name: its unit (what <c>low</c> and <c>high</c> are written in), the scope keys it
/// takes (<see cref="Optional"/>) and needs (<see cref="Required"/>), what its <c>region</c> names (a grid region, or a user
/// region for latency), the plant types it accepts, and how a run's summary gives its value.
/// </summary>
/// <param name="Unit">Unit of the value: <c>""</c> for a share (0–1, written <c>3 %</c> or <c>0.03</c>), else <c>MW</c>, <c>h</c>,
/// <c>J</c>, <c>ms</c>, <c>tokens</c>, <c>tokens/day</c>, <c>USD</c>, <c>×</c> (a ratio).</param>
public sealed record CalibrationMetric(
    string Name, string Help, string Unit, CalibrationScopes Optional, CalibrationScopes Required, EntityKind RegionKind,
    IReadOnlyList<PlantType> PlantTypes, Func<CalibrationTarget, CalibrationInputs, double?> Evaluate)
{
    public const string RegionKey = "region", LinkKey = "link", HubKey = "hub", PlantTypeKey = "plant_type", UsersKey = "users";

    /// <summary>A share: a fraction in [0, 1].</summary>
    public bool IsShare => Unit.Length == 0;

    /// <summary>A value of this metric as people read it: shares in %, other values with their unit.</summary>
    public string Format(double v)
    {
        string F(double x, string format) => x.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
        return Unit switch
        {
            "" => F(v * 100, "0.###") + " %",
            "MW" => F(v, "#,0.#") + " MW",
            "h" => F(v, "0.##") + " h",
            "J" => F(v, "0.###") + " J",
            "ms" => F(v, "#,0.#") + " ms",
            "USD" => F(v, "0.0000") + " USD",
            "tokens" => F(v, "#,0") + " tokens",
            "tok/s" => F(v, "#,0") + " tok/s",
            "tokens/day" => F(v / 1e12, "#,0.###") + " T tokens/day",
            "×" => F(v, "0.###") + "×",
            _ => F(v, "G6") + " " + Unit,
        };
    }

    /// <summary>A band as people read it: <c>3 % – 10 %</c>, <c>≥ 8 %</c>, <c>≤ 0 h</c>, <c>= 2 h</c>.</summary>
    public string Band(double? low, double? high) => (low, high) switch
    {
        (double lo, double hi) when lo == hi => "= " + Format(lo),
        (double lo, double hi) => $"{Format(lo)} – {Format(hi)}",
        (double lo, null) => "≥ " + Format(lo),
        (null, double hi) => "≤ " + Format(hi),
        _ => "any",
    };

    /// <summary>Every scope key this metric takes (optional or required).</summary>
    public CalibrationScopes Takes => Optional | Required;

    /// <summary>The scope keys as a file writes them, for messages and documentation ("region", "link (required)").</summary>
    public string ScopeDoc
    {
        get
        {
            var parts = new List<string>();
            void Add(CalibrationScopes s, string key, string? what = null)
            {
                if ((Required & s) != 0) parts.Add($"{key} (required{(what is null ? "" : ", " + what)})");
                else if ((Optional & s) != 0) parts.Add(what is null ? key : $"{key} ({what})");
            }
            Add(CalibrationScopes.Region, RegionKey, RegionKind == EntityKinds.Region ? null : RegionKind.Noun);
            Add(CalibrationScopes.Link, LinkKey);
            Add(CalibrationScopes.Hub, HubKey);
            Add(CalibrationScopes.PlantType, PlantTypeKey, string.Join(" or ", PlantTypes.Select(t => t.ToString().ToLowerInvariant())));
            Add(CalibrationScopes.Users, UsersKey, string.Join(" or ", Calibration.UserKinds));
            return parts.Count == 0 ? "none" : string.Join(", ", parts);
        }
    }
}

/// <summary>
/// The metrics calibration targets can name, declared once (name, unit, scopes, evaluation), and the evaluation of a
/// scenario's targets against a run. Energy metrics use only complete dispatch intervals, as the summary's energy balance
/// does; request metrics are the summary's own figures. Pure: the same summary gives the same values wherever it was run.
/// </summary>
public static class Calibration
{
    /// <summary>Accelerators in a node, the unit per-node serving rates are quoted in (DeepSeek's 8-GPU H800 nodes [A5]).</summary>
    public const int NodeAccelerators = 8;

    /// <summary>A link counts as at capacity in an interval when it sends at least this share of its capacity.</summary>
    public const double AtCapacityShare = 0.99;

    private static readonly PlantType[] VariableRenewables = [PlantType.Wind, PlantType.Solar];

    /// <summary>The kinds of user region a target's <c>users</c> key names: <see cref="Domestic"/> ones reach every hub they
    /// route to over land (no route takes a cable), <see cref="Foreign"/> ones have a route over a cable.</summary>
    public const string Domestic = "domestic", Foreign = "foreign";

    public static readonly IReadOnlyList<string> UserKinds = [Domestic, Foreign];

    /// <summary>Whether user region <paramref name="u"/> is of kind <paramref name="kind"/> (null: any).</summary>
    public static bool IsOfKind(UserRegionSpec u, string? kind) => kind switch
    {
        null => true,
        Domestic => u.Routes.All(r => r.Cable is null),
        Foreign => u.Routes.Any(r => r.Cable is not null),
        _ => throw new ArgumentException($"unknown kind of user region '{kind}' ({string.Join(" or ", UserKinds)})"),
    };

    public static readonly IReadOnlyList<CalibrationMetric> Metrics =
    [
        new("unserved_share", "load not served ÷ load (energy, complete intervals); region: that grid region's", "",
            CalibrationScopes.Region, CalibrationScopes.None, EntityKinds.Region, [], (t, x) => x.UnservedShare(t.Region)),
        new("curtailment_share", "curtailed ÷ available energy of wind and solar plants (or of plant_type); region: that grid region's plants", "",
            CalibrationScopes.Region | CalibrationScopes.PlantType, CalibrationScopes.None, EntityKinds.Region, VariableRenewables,
            (t, x) => x.CurtailedShare(t.Region, t.PlantType is { } p ? [p] : VariableRenewables)),
        new("hydro_spill_share", "spilled (curtailed) ÷ available energy of hydro plants; region: that grid region's", "",
            CalibrationScopes.Region, CalibrationScopes.None, EntityKinds.Region, [], (t, x) => x.CurtailedShare(t.Region, [PlantType.Hydro])),
        new("link_mean_flow_mw", "mean power delivered by the link over complete intervals", "MW",
            CalibrationScopes.None, CalibrationScopes.Link, EntityKinds.Region, [], (t, x) => x.LinkMeanDeliveredMW(t.Link!)),
        new("link_hours_at_capacity", $"hours the link sends at least {AtCapacityShare:P0} of its capacity (complete intervals)", "h",
            CalibrationScopes.None, CalibrationScopes.Link, EntityKinds.Region, [], (t, x) => x.LinkHoursAtCapacity(t.Link!)),
        new("hub_throttled_hours", "hours the hub has fewer usable serving units than it has (short of power or failed; complete intervals)", "h",
            CalibrationScopes.None, CalibrationScopes.Hub, EntityKinds.Region, [], (t, x) => x.HubThrottledHours(t.Hub!)),
        new("tokens_served", "tokens served (summary.json); region: by the hubs of that grid region (hubs.csv)", "tokens",
            CalibrationScopes.Region, CalibrationScopes.None, EntityKinds.Region, [], (t, x) => x.TokensServed(t.Region)),
        new("energy_per_token_j", "hub energy ÷ tokens served (summary.json); region: that grid region's hubs (hubs.csv)", "J",
            CalibrationScopes.Region, CalibrationScopes.None, EntityKinds.Region, [], (t, x) => x.EnergyPerTokenJ(t.Region)),
        new("cost_per_million_tokens_usd", "electricity + capital + network cost per million tokens served (summary.json); region: that grid region's hubs (hubs.csv)", "USD",
            CalibrationScopes.Region, CalibrationScopes.None, EntityKinds.Region, [], (t, x) => x.CostPerMillionTokensUsd(t.Region)),
        new("p99_ttft_ms", "99th percentile of real-time time to first token (summary.json); region: a user region", "ms",
            CalibrationScopes.Region, CalibrationScopes.None, EntityKinds.Users, [], (t, x) => x.P99TtftMs(t.Region)),
        new("prefill_tokens_per_node_s", $"input tokens (cache hits included) per second of prefill per node of {NodeAccelerators} accelerators, at hubs on accelerators (hubs.csv); hub: that hub's", "tok/s",
            CalibrationScopes.Hub, CalibrationScopes.None, EntityKinds.Region, [], (t, x) => x.PrefillTokensPerNodeSecond(t.Hub)),
        new("decode_tokens_per_node_s", $"output tokens per second of decoding per node of {NodeAccelerators} accelerators, at hubs on accelerators (hubs.csv); hub: that hub's", "tok/s",
            CalibrationScopes.Hub, CalibrationScopes.None, EntityKinds.Region, [], (t, x) => x.DecodeTokensPerNodeSecond(t.Hub)),
        new("stream_tokens_per_s", "output tokens per second of one real-time request (1 ÷ median time per output token, summary.json); region: a user region", "tok/s",
            CalibrationScopes.Region, CalibrationScopes.None, EntityKinds.Users, [], (t, x) => x.StreamTokensPerSecond(t.Region)),
        new("it_energy_per_output_token_j", "IT energy drawn (before PUE) ÷ output tokens, at hubs on accelerators (hubs.csv); hub: that hub's", "J",
            CalibrationScopes.Hub, CalibrationScopes.None, EntityKinds.Region, [], (t, x) => x.ItEnergyPerOutputTokenJ(t.Hub)),
        new("tokens_per_day", "tokens (input and output) served to user regions, per 24 h of simulated time (summary.json latencyMsByClass: requests of classes served on replicas); region: a user region; users: domestic (no route takes a cable) or foreign (a route takes a cable) user regions", "tokens/day",
            CalibrationScopes.Region | CalibrationScopes.Users, CalibrationScopes.None, EntityKinds.Users, [], (t, x) => x.TokensPerDay(t.Region, t.Users)),
        new("serving_peak_to_mean", "tokens the hubs served in their busiest clock hour ÷ in their mean hour (hubs.csv, complete intervals); hub: that hub's", "×",
            CalibrationScopes.Hub, CalibrationScopes.None, EntityKinds.Region, [], (t, x) => x.ServingPeakToMean(t.Hub)),
    ];

    /// <summary>The metric named <paramref name="name"/>, or null.</summary>
    public static CalibrationMetric? Metric(string name) => Metrics.FirstOrDefault(m => m.Name == name);

    /// <summary>Every target of <paramref name="spec"/> evaluated on a run's summary, in the scenario's order.</summary>
    public static IReadOnlyList<CalibrationResult> Evaluate(SupplyChainSpec spec, SupplyChainSummary summary)
    {
        var inputs = new CalibrationInputs(spec, summary);
        return [.. spec.Calibration.Select(t => new CalibrationResult(t, Metric(t.Metric) is { } m
            ? m.Evaluate(t, inputs)
            : throw new ArgumentException($"calibration target '{t.Id}': unknown metric '{t.Metric}'")))];
    }
}

/// <summary>What the metrics are computed from: the topology (which plant, hub or link belongs where) and a run's summary
/// with every entity's series. Sums run in the topology's order, so they are the same on every executor.</summary>
public sealed class CalibrationInputs(SupplyChainSpec spec, SupplyChainSummary s)
{
    private IEnumerable<T> Rows<T>(EntityKind kind, string id) where T : ISample<T> =>
        s.SeriesByEntity.TryGetValue(kind.Key(id), out var series) ? ((Series<T>)series).Rows : [];

    /// <summary>Rows of dispatch intervals that completed before the end (a row is stamped inside its interval).</summary>
    private IEnumerable<T> Complete<T>(EntityKind kind, string id, Func<T, double> hours) where T : ISample<T> =>
        Rows<T>(kind, id).Where(r => s.IsComplete(hours(r)));

    private static double? Ratio(double part, double whole) => whole > 0 ? part / whole : null;

    public double? UnservedShare(string? region)
    {
        double load = 0, unserved = 0;
        foreach (var r in spec.Regions.Where(r => region is null || r.Id == region))
            foreach (var row in Complete<RegionSample>(EntityKinds.Region, r.Id, x => x.Hours))
            {
                load += row.LoadMW;
                unserved += row.LoadMW - row.ServedMW;
            }
        return Ratio(unserved, load);
    }

    public double? CurtailedShare(string? region, IReadOnlyList<PlantType> types)
    {
        double available = 0, curtailed = 0;
        foreach (var p in spec.Plants.Where(p => (region is null || p.Region == region) && types.Contains(p.Type)))
            foreach (var row in Complete<PlantSample>(EntityKinds.Plant, p.Id, x => x.Hours))
            {
                available += row.AvailableMW;
                curtailed += row.CurtailedMW;
            }
        return Ratio(curtailed, available);
    }

    public double? LinkMeanDeliveredMW(string link)
    {
        var rows = Complete<LinkSample>(EntityKinds.Link, link, x => x.Hours).ToList();
        return rows.Count == 0 ? null : rows.Sum(r => r.DeliveredMW) / rows.Count;
    }

    public double LinkHoursAtCapacity(string link)
    {
        double capacity = spec.Links.First(l => l.Id == link).CapacityMW;
        return Complete<LinkSample>(EntityKinds.Link, link, x => x.Hours).Count(r => r.SentMW >= Calibration.AtCapacityShare * capacity) * s.IntervalHours;
    }

    /// <summary>A hub records interval k−1 at the start of interval k (what its grant let it run), so a row counts when
    /// the interval before its stamp completed.</summary>
    public double HubThrottledHours(string hub)
    {
        var h = spec.Hubs.First(x => x.Id == hub);
        int servers = h.Accelerator is null ? h.Servers : h.Replicas;
        return Complete<HubSample>(EntityKinds.Hub, hub, x => x.Hours - s.IntervalHours).Count(r => r.UsableServers < servers) * s.IntervalHours;
    }

    private IEnumerable<(HubSpec Hub, HubSample Row)> HubRows(string region) =>
        spec.Hubs.Where(h => h.Region == region).SelectMany(h => Rows<HubSample>(EntityKinds.Hub, h.Id).Select(r => (h, r)));

    public double TokensServed(string? region) => region is null ? s.TokensServed : HubRows(region).Sum(x => x.Row.TokensServed);

    public double? EnergyPerTokenJ(string? region)
    {
        if (region is null) return s.TokensServed > 0 ? s.EnergyPerTokenJ : null;
        double mwh = 0, tokens = 0;
        foreach (var (hub, row) in HubRows(region))
        {
            mwh += hub.Accelerator is null ? row.GrantMW * s.IntervalHours : row.ItMWh * hub.Pue;
            tokens += row.TokensServed;
        }
        return tokens > 0 ? mwh * SupplyChainSummary.JoulesPerMWh / tokens : null;
    }

    /// <summary>For a region, the hubs' electricity (grant × price), capital (servers × hours × rate) and network cost of
    /// their recorded intervals, the way the hubs book them.</summary>
    public double? CostPerMillionTokensUsd(string? region)
    {
        if (region is null)
            return s.TokensServed > 0 ? s.CostPerMillionTokens(s.CostElectricity + s.CostCapital + s.CostNetwork) : null;
        double usd = 0, tokens = 0, h = s.IntervalHours;
        foreach (var (hub, row) in HubRows(region))
        {
            double mwh = hub.Accelerator is null ? row.GrantMW * h : row.ItMWh * hub.Pue;
            double capitalPerHour = hub.Accelerator is string type && spec.Accelerators.FirstOrDefault(a => a.Id == type) is { } acc
                ? (double)hub.Replicas * acc.PerReplica * acc.RentalUsdPerHour
                : hub.Servers * hub.CapitalUsdPerServerHour;
            usd += mwh * hub.ElectricityUsdPerMWh + capitalPerHour * h
                + row.TokensServed / SupplyChainSummary.TokensPerMillion * spec.NetworkUsdPerMillionTokens;
            tokens += row.TokensServed;
        }
        return tokens > 0 ? usd / tokens * SupplyChainSummary.TokensPerMillion : null;
    }

    /// <summary>Hubs on accelerators (or just <paramref name="hub"/>) with their catalogue entry and recorded rows.</summary>
    private IEnumerable<(Serving.AcceleratorSpec Acc, HubSample Row)> ServingRows(string? hub) =>
        spec.Hubs.Where(h => h.Accelerator is not null && (hub is null || h.Id == hub))
            .SelectMany(h => Rows<HubSample>(EntityKinds.Hub, h.Id).Select(r => (spec.Accelerators.First(a => a.Id == h.Accelerator), r)));

    public double? PrefillTokensPerNodeSecond(string? hub)
    {
        double input = 0, hours = 0;
        foreach (var (_, row) in ServingRows(hub)) { input += row.InputTokens; hours += row.PrefillAcceleratorHours; }
        return hours > 0 ? input / (hours * 3600 / Calibration.NodeAccelerators) : null;
    }

    /// <summary>Output tokens per node-second of decoding: a replica decodes while busy and not prefilling on all its
    /// accelerators, or while busy on its decode accelerators when it is disaggregated.</summary>
    public double? DecodeTokensPerNodeSecond(string? hub)
    {
        double output = 0, hours = 0;
        foreach (var (acc, row) in ServingRows(hub))
        {
            output += row.OutputTokens;
            double busyReplicaHours = row.BusyAcceleratorHours / acc.PerReplica;
            hours += acc.PrefillPerReplica > 0
                ? busyReplicaHours * (acc.PerReplica - acc.PrefillPerReplica)
                : Math.Max(0, busyReplicaHours - row.PrefillAcceleratorHours / acc.PerReplica) * acc.PerReplica;
        }
        return hours > 0 ? output / (hours * 3600 / Calibration.NodeAccelerators) : null;
    }

    public double? StreamTokensPerSecond(string? userRegion)
    {
        var tpot = new LatencyHistogram();
        foreach (var (key, l) in s.ByClass)
        {
            int slash = key.IndexOf('/');
            string region = key[..slash], cls = key[(slash + 1)..];
            var user = spec.Users.FirstOrDefault(u => u.Id == region);
            if (user is null || (userRegion is not null && region != userRegion) || !user.ServedClasses.Any(c => c.Name == cls && c.RealTime)) continue;
            tpot.Merge(l.Tpot);
        }
        return tpot.Total > 0 && tpot.Percentile(0.5) > 0 ? 1000 / tpot.Percentile(0.5) : null;
    }

    public double? ItEnergyPerOutputTokenJ(string? hub)
    {
        double mwh = 0, output = 0;
        foreach (var (_, row) in ServingRows(hub)) { mwh += row.ItMWh; output += row.OutputTokens; }
        return output > 0 ? mwh * SupplyChainSummary.JoulesPerMWh / output : null;
    }

    /// <summary>Input and output tokens of the class records of the user regions in scope, scaled to 24 h of simulated time;
    /// null when none of them has a class record (no requests of classes served on replicas).</summary>
    public double? TokensPerDay(string? userRegion, string? kind)
    {
        var users = spec.Users.Where(u => (userRegion is null || u.Id == userRegion) && Calibration.IsOfKind(u, kind))
            .Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        double tokens = 0;
        bool any = false;
        foreach (var (key, l) in s.ByClass)
        {
            if (!users.Contains(key[..key.IndexOf('/')])) continue;
            tokens += l.InputTokens + l.OutputTokens;
            any = true;
        }
        return any && s.SimulatedHours > 0 ? tokens * 24 / s.SimulatedHours : null;
    }

    /// <summary>The hubs' (or <paramref name="hub"/>'s) tokens served per dispatch interval, averaged within each clock hour
    /// since the start (a hub records interval k−1 at the start of interval k; complete intervals only): the largest hourly
    /// mean ÷ the mean over every interval. Null with fewer than two hours on record or no tokens.</summary>
    public double? ServingPeakToMean(string? hub)
    {
        var byInterval = new SortedDictionary<long, double>();
        foreach (var h in spec.Hubs.Where(h => hub is null || h.Id == hub))
            foreach (var row in Complete<HubSample>(EntityKinds.Hub, h.Id, x => x.Hours - s.IntervalHours))
            {
                long k = (long)Math.Round((row.Hours - s.IntervalHours) / s.IntervalHours);
                if (k < 0) continue;
                byInterval[k] = byInterval.GetValueOrDefault(k) + row.TokensServed;
            }
        var hours = byInterval.GroupBy(x => (long)Math.Floor(x.Key * s.IntervalHours + 1e-9)).Select(g => g.Average(x => x.Value)).ToList();
        if (hours.Count < 2) return null;
        double mean = byInterval.Values.Average();
        return mean > 0 ? hours.Max() / mean : null;
    }

    public double? P99TtftMs(string? userRegion)
    {
        if (userRegion is null) return s.RealTimeServed > 0 ? s.P99 : null;
        return s.TtftByRegion.TryGetValue(userRegion, out var h) && h.Total > 0 ? h.Percentile(0.99) : null;
    }
}
