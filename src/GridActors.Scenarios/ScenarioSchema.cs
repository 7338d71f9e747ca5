namespace GridActors.Scenarios;

/// <summary>Every key a scenario file may contain, declared once with help, default, unit and check.</summary>
public static class ScenarioSchema
{
    private static ParameterSpec Str(string key, string help, bool required = false) => new(key, help, Required: required);
    private static ParameterSpec Q(string key, string help, Dimension? dim, string? def, Func<double, string?>? check = null, bool required = false) =>
        new(key, help, dim, def, required, check);

    public static readonly ParameterSet Root = new("the scenario",
    [
        Str("name", "scenario name"),
        Str("time", "start date, horizon, dispatch interval, seed"),
        Str("policy", "routing policy: latency-first, cost-first or green-aware"),
        Str("network", "network-wide settings"),
        Str("regions", "grid regions (provinces)"),
        Str("plants", "generation aggregates"),
        Str("links", "UHV transmission links"),
        Str("hubs", "computing hubs"),
        Str("cables", "subsea and cross-border cables"),
        Str("users", "user regions and their routes"),
        Str("faults", "scripted faults and demand spikes"),
    ]);

    public static readonly ParameterSet Time = new("'time'",
    [
        Str("start", "start date (UTC), e.g. 2026-06-21"),
        Q("horizon", "simulated duration", Dimension.Duration, "24 h", ParameterSpec.Positive),
        Q("dispatch_interval", "energy dispatch interval", Dimension.Duration, "5 min", v => v >= 10 ? null : "must be at least 10 s"),
        Q("seed", "run seed", null, "1", v => v >= 0 && v == Math.Floor(v) ? null : "must be a non-negative integer"),
    ]);

    public static readonly ParameterSet Network = new("'network'",
    [
        Q("fiber_us_per_km", "fibre propagation delay per km (µs)", null, "4.9", ParameterSpec.Positive),
        Q("usd_per_million_tokens", "network cost per million tokens served (USD)", null, "0.001", ParameterSpec.NonNegative),
        Q("hub_status_period", "how often hubs publish their status to user regions", Dimension.Duration, "10 s", v => v >= 0.001 ? null : "must be at least 1 ms"),
    ]);

    public static readonly ParameterSet Region = new("a region",
    [
        Str("id", "region id", required: true),
        Q("background_load", "load other than hubs", Dimension.Power, "0 MW", ParameterSpec.NonNegative),
        Str("load_profile", "24 hourly multipliers of the background load (local time)"),
        Q("utc_offset", "local time offset (h)", null, "8"),
    ]);

    public static readonly ParameterSet Plant = new("a plant",
    [
        Str("id", "plant id", required: true),
        Str("region", "region the plant feeds", required: true),
        Str("type", "solar, wind, hydro, coal, nuclear or gas", required: true),
        Q("capacity", "nameplate capacity", Dimension.Power, null, ParameterSpec.Positive, required: true),
        Q("lat", "latitude (°)", null, "35", v => v is >= -90 and <= 90 ? null : "must be within [-90, 90]"),
        Q("lon", "longitude (°)", null, "105", v => v is >= -180 and <= 180 ? null : "must be within [-180, 180]"),
        Q("capacity_factor", "mean output ÷ capacity (renewables)", Dimension.Fraction, "0.2", ParameterSpec.UnitInterval),
        Q("marginal_cost", "marginal cost (USD/MWh)", null, "0", ParameterSpec.NonNegative),
        Q("carbon", "carbon intensity (kg CO2/MWh)", null, "0", ParameterSpec.NonNegative),
        Q("ramp_per_minute", "ramp limit per minute (dispatchable plants)", Dimension.Power, null, ParameterSpec.Positive),
        Q("forced_outages_per_year", "random forced outage rate", null, "0", ParameterSpec.NonNegative),
        Q("outage_duration", "mean forced outage duration", Dimension.Duration, "24 h", ParameterSpec.Positive),
    ]);

    public static readonly ParameterSet Link = new("a link",
    [
        Str("id", "link id", required: true),
        Str("from", "sending region", required: true),
        Str("to", "receiving region", required: true),
        Q("capacity", "transfer capacity", Dimension.Power, null, ParameterSpec.Positive, required: true),
        Q("length", "line length", Dimension.Length, null, ParameterSpec.Positive, required: true),
        Q("loss_per_1000km", "losses per 1000 km", Dimension.Fraction, "3 %", ParameterSpec.UnitInterval),
    ]);

    public static readonly ParameterSet Hub = new("a hub",
    [
        Str("id", "hub id", required: true),
        Str("region", "grid region supplying the hub", required: true),
        Str("role", "east (real-time) or west (batch)"),
        Q("lat", "latitude (°)", null, "35"),
        Q("lon", "longitude (°)", null, "110"),
        Q("servers", "serving units (scaled groups of accelerators)", null, null, v => v >= 1 && v == Math.Floor(v) ? null : "must be a positive integer", required: true),
        Q("tokens_per_second_per_server", "token throughput of one serving unit", null, null, ParameterSpec.Positive, required: true),
        Q("idle_power_per_server", "IT power of an idle serving unit", Dimension.Power, "0 MW", ParameterSpec.NonNegative),
        Q("full_power_per_server", "IT power of a busy serving unit", Dimension.Power, null, ParameterSpec.Positive, required: true),
        Q("pue", "power usage effectiveness", null, "1.25", v => v >= 1 ? null : "must be at least 1"),
        Q("electricity_price", "electricity price (USD/MWh)", null, "70", ParameterSpec.NonNegative),
        Q("capital_per_server_hour", "amortised capital cost per serving unit and hour (USD)", null, "0", ParameterSpec.NonNegative),
        Q("queue_limit", "bundles that may wait before new ones are dropped", null, "10000", v => v >= 1 ? null : "must be at least 1"),
    ]);

    public static readonly ParameterSet Cable = new("a cable",
    [
        Str("id", "cable id", required: true),
        Q("length", "cable length", Dimension.Length, null, ParameterSpec.Positive, required: true),
        Q("route_factor", "path length ÷ cable length", null, "1.35", v => v >= 1 ? null : "must be at least 1"),
        Q("capacity", "design capacity", Dimension.DataRate, "10 Tbps", ParameterSpec.Positive),
    ]);

    public static readonly ParameterSet User = new("a user region",
    [
        Str("id", "user region id", required: true),
        Q("utc_offset", "local time offset (h)", null, "8"),
        Q("bundles_per_second", "mean arrival rate of request bundles", null, null, ParameterSpec.Positive, required: true),
        Q("requests_per_bundle", "requests a bundle stands for", null, "1", v => v >= 1 ? null : "must be at least 1"),
        Q("realtime_share", "share of real-time (vs batch) bundles", Dimension.Fraction, "0.7", ParameterSpec.UnitInterval),
        Q("tokens_per_request", "mean tokens (input + output) per request", null, "1000", ParameterSpec.Positive),
        Q("prefill_share", "share of service time before the first token", Dimension.Fraction, "0.2", ParameterSpec.UnitInterval),
        Q("slo_ttft", "time-to-first-token objective", Dimension.Duration, "500 ms", ParameterSpec.Positive),
        Str("diurnal", "24 hourly demand multipliers (local time)"),
        Str("routes", "ways to the hubs: {hub, cable?, terrestrial}", required: true),
        Q("lat", "latitude of the users' centre (°), for the report's map", null, null, v => v is >= -90 and <= 90 ? null : "must be within [-90, 90]"),
        Q("lon", "longitude of the users' centre (°), for the report's map", null, null, v => v is >= -180 and <= 180 ? null : "must be within [-180, 180]"),
    ]);

    public static readonly ParameterSet Route = new("a route",
    [
        Str("hub", "destination hub", required: true),
        Str("cable", "cable crossed (none for domestic paths)"),
        Q("terrestrial", "one-way terrestrial latency", Dimension.Duration, "1 ms", ParameterSpec.Positive),
        Q("cable_km", "distance travelled on the cable (default: its length)", Dimension.Length, null, ParameterSpec.Positive),
    ]);

    public static readonly ParameterSet Fault = new("a fault",
    [
        Str("kind", "plant-outage, link-trip, cable-cut, hub-failure or demand-spike", required: true),
        Str("target", "id of the plant, link, cable, hub or user region (or 'all' for demand spikes)", required: true),
        Q("start", "start time after the run start", Dimension.Duration, null, ParameterSpec.NonNegative, required: true),
        Q("duration", "how long it lasts (0 = until the end)", Dimension.Duration, "0 s", ParameterSpec.NonNegative),
        Q("fraction", "capacity lost (plant derate, hub failure)", Dimension.Fraction, "100 %", ParameterSpec.UnitInterval),
        Q("multiplier", "demand multiplier (demand-spike)", null, "1", ParameterSpec.Positive),
        Q("ramp", "time to reach the full multiplier", Dimension.Duration, "0 s", ParameterSpec.NonNegative),
    ]);
}
