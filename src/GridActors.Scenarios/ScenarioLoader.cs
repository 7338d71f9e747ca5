using System.Globalization;
using System.Security.Cryptography;
using GridActors.Model.SupplyChain;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GridActors.Scenarios;

/// <summary>A problem in a scenario file, located as <c>FILE:LINE:COL</c>.</summary>
public sealed record ScenarioError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>A loaded, validated scenario.</summary>
public sealed record Scenario(string Path, string Hash, SupplyChainSpec Spec, long HorizonMicros, ulong Seed, int LineCount)
{
    /// <summary>The YAML text the scenario was loaded from (nodes of a cluster rebuild the model from it).</summary>
    public string Text { get; init; } = "";

    public string Counts =>
        $"{Spec.Plants.Count} plants, {Spec.Regions.Count} regions, {Spec.Links.Count} links, {Spec.Hubs.Count} hubs, " +
        $"{Spec.Cables.Count} cables, {Spec.Users.Count} user regions, {Spec.Faults.Count} faults";
}

/// <summary>Thrown when a scenario file is invalid; carries every error found.</summary>
public sealed class ScenarioException(IReadOnlyList<ScenarioError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<ScenarioError> Errors { get; } = errors;
}

/// <summary>
/// Reads scenario YAML into a <see cref="SupplyChainSpec"/>. Every key is declared once in
/// <see cref="ScenarioSchema"/> (name, help, default, unit, check); validation and messages come from there.
/// Errors name the file, line and column: malformed YAML, unknown keys (with a suggestion), missing
/// fields, wrong types or units, duplicate ids, unknown references, non-positive capacities, faults on
/// unknown entities or outside the horizon.
/// </summary>
public sealed class ScenarioLoader
{
    private readonly string _file;
    private readonly List<ScenarioError> _errors = [];

    private ScenarioLoader(string file) => _file = file;

    public static Scenario LoadFile(string path)
    {
        if (!File.Exists(path)) throw new ScenarioException([new ScenarioError(path, 0, 0, "file not found")]);
        return Load(path, File.ReadAllText(path));
    }

    public static Scenario Load(string file, string text)
    {
        var loader = new ScenarioLoader(file);
        var spec = loader.Parse(text, out var horizon, out var seed);
        if (loader._errors.Count > 0 || spec is null) throw new ScenarioException(loader._errors);
        var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];
        return new Scenario(file, hash, spec, horizon, seed, text.Split('\n').Length) { Text = text };
    }

    private void Error(YamlNode? node, string message) =>
        _errors.Add(new ScenarioError(_file, node is null ? 1 : (int)node.Start.Line, node is null ? 1 : (int)node.Start.Column, message));

    private SupplyChainSpec? Parse(string text, out long horizon, out ulong seed)
    {
        horizon = 0;
        seed = 1;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            _errors.Add(new ScenarioError(_file, (int)ex.Start.Line, (int)ex.Start.Column, "malformed YAML: " + (ex.InnerException?.Message ?? ex.Message)));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way when the file ends inside a flow collection.
            int lines = text.TrimEnd('\n').Split('\n').Length;
            _errors.Add(new ScenarioError(_file, lines, 1, "malformed YAML: the file ends inside a '{…}' or '[…]' that is never closed"));
            return null;
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode, "a scenario must be a mapping with the sections " + string.Join(", ", ScenarioSchema.Root.Specs.Select(s => s.Key)));
            return null;
        }
        var top = Fields(root, ScenarioSchema.Root);
        var name = Text(top, "name", root) ?? "scenario";

        var time = Section(top, "time", ScenarioSchema.Time, root);
        long interval = (long)(Number(time, ScenarioSchema.Time, "dispatch_interval") * 1e6);
        horizon = (long)(Number(time, ScenarioSchema.Time, "horizon") * 1e6);
        seed = (ulong)Number(time, ScenarioSchema.Time, "seed");
        int startDay = 172;
        if (Text(time, "start", root) is string start)
        {
            if (DateOnly.TryParseExact(start, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                startDay = date.DayOfYear;
            else Error(time["start"], $"'start' must be a date like 2026-06-21, got '{start}'");
        }

        var policyText = Text(top, "policy", root) ?? RoutingPolicies.LatencyFirst.Name;
        if (!RoutingPolicies.TryGet(policyText, out var policy))
            policy = Fail(top["policy"], $"'policy' must be {RoutingPolicies.Names}, got '{policyText}'", RoutingPolicies.LatencyFirst);
        var network = Section(top, "network", ScenarioSchema.Network, root);

        var ids = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var regions = List(top, "regions", ScenarioSchema.Region, (f, n) => new RegionSpec(
            Id(f, n, "region", ids), Number(f, ScenarioSchema.Region, "background_load"), Profile(f, "load_profile"), Number(f, ScenarioSchema.Region, "utc_offset")));
        var regionIds = regions.Select(r => r.Id).ToHashSet();
        var plants = List(top, "plants", ScenarioSchema.Plant, (f, n) => new PlantSpec(
            Id(f, n, "plant", ids), Ref(f, n, "region", regionIds, "region"), PlantTypeOf(f, n),
            Number(f, ScenarioSchema.Plant, "capacity"), Number(f, ScenarioSchema.Plant, "lat"), Number(f, ScenarioSchema.Plant, "lon"),
            Number(f, ScenarioSchema.Plant, "capacity_factor"), Number(f, ScenarioSchema.Plant, "marginal_cost"), Number(f, ScenarioSchema.Plant, "carbon"),
            f.ContainsKey("ramp_per_minute") ? Number(f, ScenarioSchema.Plant, "ramp_per_minute") : double.PositiveInfinity,
            Number(f, ScenarioSchema.Plant, "forced_outages_per_year"), Number(f, ScenarioSchema.Plant, "outage_duration") / 3600));
        var links = List(top, "links", ScenarioSchema.Link, (f, n) => new LinkSpec(
            Id(f, n, "link", ids), Ref(f, n, "from", regionIds, "region"), Ref(f, n, "to", regionIds, "region"),
            Number(f, ScenarioSchema.Link, "capacity"), Number(f, ScenarioSchema.Link, "length"), Number(f, ScenarioSchema.Link, "loss_per_1000km")));
        var hubs = List(top, "hubs", ScenarioSchema.Hub, (f, n) => new HubSpec(
            Id(f, n, "hub", ids), Ref(f, n, "region", regionIds, "region"), Number(f, ScenarioSchema.Hub, "lat"), Number(f, ScenarioSchema.Hub, "lon"),
            RoleIsEast(f, n), (int)Number(f, ScenarioSchema.Hub, "servers"), Number(f, ScenarioSchema.Hub, "tokens_per_second_per_server"),
            Number(f, ScenarioSchema.Hub, "idle_power_per_server"), Number(f, ScenarioSchema.Hub, "full_power_per_server"),
            Number(f, ScenarioSchema.Hub, "pue"), Number(f, ScenarioSchema.Hub, "electricity_price"), Number(f, ScenarioSchema.Hub, "capital_per_server_hour"),
            (int)Number(f, ScenarioSchema.Hub, "queue_limit")));
        var hubIds = hubs.Select(h => h.Id).ToHashSet();
        var cables = List(top, "cables", ScenarioSchema.Cable, (f, n) => new CableSpec(
            Id(f, n, "cable", ids), Number(f, ScenarioSchema.Cable, "length"), Number(f, ScenarioSchema.Cable, "route_factor"), Number(f, ScenarioSchema.Cable, "capacity")));
        var cableIds = cables.Select(c => c.Id).ToHashSet();
        var users = List(top, "users", ScenarioSchema.User, (f, n) => new UserRegionSpec(
            Id(f, n, "user region", ids), Number(f, ScenarioSchema.User, "utc_offset"), Number(f, ScenarioSchema.User, "bundles_per_second"),
            Number(f, ScenarioSchema.User, "requests_per_bundle"), Number(f, ScenarioSchema.User, "realtime_share"),
            Number(f, ScenarioSchema.User, "tokens_per_request"), Number(f, ScenarioSchema.User, "prefill_share"),
            Number(f, ScenarioSchema.User, "slo_ttft") * 1000, Routes(f, n, hubIds, cableIds), Profile(f, "diurnal"))
        {
            Lat = f.ContainsKey("lat") ? Number(f, ScenarioSchema.User, "lat") : null,
            Lon = f.ContainsKey("lon") ? Number(f, ScenarioSchema.User, "lon") : null,
        });
        var known = new Dictionary<string, HashSet<string>>
        {
            ["plant-outage"] = plants.Select(p => p.Id).ToHashSet(),
            ["link-trip"] = links.Select(l => l.Id).ToHashSet(),
            ["cable-cut"] = cableIds,
            ["hub-failure"] = hubIds,
            ["demand-spike"] = users.Select(u => u.Id).Append("all").ToHashSet(),
        };
        long h = horizon;
        var faults = List(top, "faults", ScenarioSchema.Fault, (f, n) => Fault(f, n, known, h));

        if (_errors.Count > 0) return null;
        return new SupplyChainSpec(name, interval, startDay, plants, regions, links, hubs, cables, users, faults, policy,
            Number(network, ScenarioSchema.Network, "usd_per_million_tokens"), (long)(Number(network, ScenarioSchema.Network, "hub_status_period") * 1e6),
            Number(network, ScenarioSchema.Network, "fiber_us_per_km"));
    }

    private T Fail<T>(YamlNode node, string message, T fallback)
    {
        Error(node, message);
        return fallback;
    }

    /// <summary>Reads a mapping's keys, reporting undeclared ones (with a suggestion) and missing required ones.</summary>
    private Dictionary<string, YamlNode> Fields(YamlMappingNode map, ParameterSet set)
    {
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            if (k is not YamlScalarNode { Value: string key })
            {
                Error(k, $"keys in {set.Owner} must be plain names");
                continue;
            }
            if (set.Find(key) is null) Error(k, set.UnknownKey(key));
            else if (!result.TryAdd(key, v)) Error(k, $"key '{key}' appears twice in {set.Owner}");
        }
        foreach (var spec in set.Specs.Where(s => s.Required && !result.ContainsKey(s.Key)))
            Error(map, $"{set.Owner} is missing '{spec.Key}' ({spec.Help})");
        result[""] = map;
        return result;
    }

    private Dictionary<string, YamlNode> Section(Dictionary<string, YamlNode> top, string key, ParameterSet set, YamlNode parent)
    {
        if (!top.TryGetValue(key, out var node)) return Fields(new YamlMappingNode(), set);
        if (node is YamlMappingNode map) return Fields(map, set);
        Error(node, $"'{key}' must be a mapping");
        return new Dictionary<string, YamlNode> { [""] = parent };
    }

    private List<T> List<T>(Dictionary<string, YamlNode> top, string key, ParameterSet set, Func<Dictionary<string, YamlNode>, YamlNode, T> build)
    {
        var result = new List<T>();
        if (!top.TryGetValue(key, out var node)) return result;
        if (node is not YamlSequenceNode seq)
        {
            Error(node, $"'{key}' must be a list");
            return result;
        }
        foreach (var item in seq.Children)
        {
            if (item is not YamlMappingNode map)
            {
                Error(item, $"each entry of '{key}' must be a mapping");
                continue;
            }
            int before = _errors.Count;
            var fields = Fields(map, set);
            var value = build(fields, map);
            if (_errors.Count == before) result.Add(value);
        }
        return result;
    }

    private string? Text(Dictionary<string, YamlNode> f, string key, YamlNode parent)
    {
        if (!f.TryGetValue(key, out var node)) return null;
        if (node is YamlScalarNode s) return s.Value;
        Error(node, $"'{key}' must be a single value");
        return null;
    }

    private double Number(Dictionary<string, YamlNode> f, ParameterSet set, string key)
    {
        var spec = set.Find(key) ?? throw new InvalidOperationException($"undeclared parameter {key}");
        f.TryGetValue(key, out var node);
        if (node is not null and not YamlScalarNode)
        {
            Error(node, $"'{key}' must be a single value");
            return 0;
        }
        if (!spec.TryRead((node as YamlScalarNode)?.Value, out var value, out var error))
        {
            Error(node ?? f[""], error!);
            return 0;
        }
        return value;
    }

    private string Id(Dictionary<string, YamlNode> f, YamlNode map, string what, Dictionary<string, YamlNode> seen)
    {
        var id = Text(f, "id", map);
        if (string.IsNullOrWhiteSpace(id)) return "";
        if (!System.Text.RegularExpressions.Regex.IsMatch(id, "^[A-Za-z0-9_.-]+$"))
            Error(f["id"], $"{what} id '{id}' may only contain letters, digits, '_', '-' and '.'");
        if (seen.TryGetValue(what + "/" + id, out var first))
            Error(f["id"], $"duplicate {what} id '{id}' (first defined at line {first.Start.Line})");
        else seen[what + "/" + id] = f["id"];
        return id;
    }

    private string Ref(Dictionary<string, YamlNode> f, YamlNode map, string key, HashSet<string> known, string what)
    {
        var value = Text(f, key, map);
        if (value is null) return "";
        if (!known.Contains(value))
        {
            var near = known.OrderBy(k => ParameterSet.Levenshtein(value, k)).ThenBy(k => k, StringComparer.Ordinal).FirstOrDefault();
            var hint = near is not null && ParameterSet.Levenshtein(value, near) <= Math.Max(2, value.Length / 3) ? $"; did you mean '{near}'?" : "";
            Error(f[key], $"'{key}' refers to unknown {what} '{value}'{hint}");
        }
        return value;
    }

    private PlantType PlantTypeOf(Dictionary<string, YamlNode> f, YamlNode map)
    {
        var t = Text(f, "type", map);
        return t switch
        {
            "solar" => PlantType.Solar,
            "wind" => PlantType.Wind,
            "hydro" => PlantType.Hydro,
            "coal" => PlantType.Coal,
            "nuclear" => PlantType.Nuclear,
            "gas" => PlantType.Gas,
            null => PlantType.Coal,
            _ => Fail(f["type"], $"'type' must be solar, wind, hydro, coal, nuclear or gas, got '{t}'", PlantType.Coal),
        };
    }

    private bool RoleIsEast(Dictionary<string, YamlNode> f, YamlNode map)
    {
        var role = Text(f, "role", map) ?? "east";
        if (role is not ("east" or "west")) Error(f["role"], $"'role' must be east or west, got '{role}'");
        return role == "east";
    }

    private double[]? Profile(Dictionary<string, YamlNode> f, string key)
    {
        if (!f.TryGetValue(key, out var node)) return null;
        if (node is not YamlSequenceNode seq || seq.Children.Count != 24)
        {
            Error(node, $"'{key}' must be a list of 24 hourly multipliers");
            return null;
        }
        var values = new double[24];
        for (int i = 0; i < 24; i++)
        {
            if (seq.Children[i] is not YamlScalarNode s || !double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || values[i] < 0)
                Error(seq.Children[i], $"'{key}' entry {i} must be a non-negative number");
        }
        return values;
    }

    private List<RouteSpec> Routes(Dictionary<string, YamlNode> f, YamlNode map, HashSet<string> hubs, HashSet<string> cables)
    {
        var routes = new List<RouteSpec>();
        if (!f.TryGetValue("routes", out var node) || node is not YamlSequenceNode seq || seq.Children.Count == 0)
        {
            Error(node ?? map, "'routes' must list at least one route ({hub, cable?, terrestrial})");
            return routes;
        }
        foreach (var item in seq.Children)
        {
            if (item is not YamlMappingNode m) { Error(item, "each route must be a mapping"); continue; }
            var rf = Fields(m, ScenarioSchema.Route);
            var hub = Ref(rf, m, "hub", hubs, "hub");
            string? cable = rf.ContainsKey("cable") ? Ref(rf, m, "cable", cables, "cable") : null;
            double? km = rf.ContainsKey("cable_km") ? Number(rf, ScenarioSchema.Route, "cable_km") : null;
            if (km is not null && cable is null) Error(rf["cable_km"], "'cable_km' needs a 'cable'");
            routes.Add(new RouteSpec(hub, cable, Number(rf, ScenarioSchema.Route, "terrestrial") * 1000, km));
        }
        return routes;
    }

    private FaultSpec Fault(Dictionary<string, YamlNode> f, YamlNode map, Dictionary<string, HashSet<string>> known, long horizon)
    {
        var kind = Text(f, "kind", map) ?? "";
        var target = Text(f, "target", map) ?? "";
        if (!known.TryGetValue(kind, out var targets))
            Error(f.GetValueOrDefault("kind") ?? map, $"'kind' must be one of {string.Join(", ", FaultKinds.All)}, got '{kind}'");
        else if (!targets.Contains(target))
            Error(f.GetValueOrDefault("target") ?? map, $"fault '{kind}' names unknown target '{target}'");
        long start = (long)(Number(f, ScenarioSchema.Fault, "start") * 1e6);
        long duration = (long)(Number(f, ScenarioSchema.Fault, "duration") * 1e6);
        if (start >= horizon) Error(f.GetValueOrDefault("start") ?? map, $"fault starts at {start / 3.6e9:0.##} h, outside the horizon of {horizon / 3.6e9:0.##} h");
        return new FaultSpec(kind, target, start, duration, Number(f, ScenarioSchema.Fault, "fraction"),
            Number(f, ScenarioSchema.Fault, "multiplier"), (long)(Number(f, ScenarioSchema.Fault, "ramp") * 1e6));
    }
}
