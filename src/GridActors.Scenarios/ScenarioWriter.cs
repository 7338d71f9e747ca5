using GridActors.Model.SupplyChain;

namespace GridActors.Scenarios;

/// <summary>
/// Writes a <see cref="SupplyChainSpec"/> as a scenario file through the declarations of <see cref="ScenarioSchema"/>
/// (every key, in the unit the spec keeps it in, so loading what it writes gives an equal spec), and builds scaled
/// copies for scaling studies. Entries are flow mappings, one per line; an entry with a list of mappings (a user
/// region's routes) is written as a block.
/// </summary>
public static class ScenarioWriter
{
    public static void Write(SupplyChainSpec s, long horizonMicros, ulong seed, TextWriter w, string header)
    {
        foreach (var line in header.Split('\n')) w.WriteLine("# " + line.TrimEnd());
        foreach (var (key, value) in ScenarioSchema.Root.Write(new ScenarioSettings(s, horizonMicros, seed)).Entries)
        {
            switch (value)
            {
                case YamlMap section:
                    w.WriteLine(key + ":");
                    foreach (var (k, v) in section.Entries) w.WriteLine($"  {k}: {Flow(v)}");
                    break;
                case YamlList { Items.Count: 0 }:
                    w.WriteLine(key + ": []");
                    break;
                case YamlList list:
                    w.WriteLine(key + ":");
                    foreach (var item in list.Items) Entry(w, item, "  ");
                    break;
                default:
                    w.WriteLine($"{key}: {Flow(value)}");
                    break;
            }
        }
    }

    /// <summary>A list entry: a flow mapping on one line, or a block when it holds a list of mappings.</summary>
    private static void Entry(TextWriter w, YamlOut item, string indent)
    {
        if (item is not YamlMap map || !map.Entries.Any(e => e.Value is YamlList { Items: [YamlMap, ..] }))
        {
            w.WriteLine($"{indent}- {Flow(item)}");
            return;
        }
        string prefix = indent + "- ";
        foreach (var (k, v) in map.Entries)
        {
            if (v is YamlList { Items: [YamlMap, ..] } list)
            {
                w.WriteLine($"{prefix}{k}:");
                foreach (var sub in list.Items) Entry(w, sub, indent + "    ");
            }
            else w.WriteLine($"{prefix}{k}: {Flow(v)}");
            prefix = indent + "  ";
        }
    }

    private static string Flow(YamlOut value) => value switch
    {
        YamlScalar s => s.Text,
        YamlList l => "[" + string.Join(", ", l.Items.Select(Flow)) + "]",
        YamlMap m => "{" + string.Join(", ", m.Entries.Select(e => $"{e.Key}: {Flow(e.Value)}")) + "}",
        _ => throw new InvalidOperationException($"cannot write {value.GetType().Name}"),
    };

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
            Plants = copies.SelectMany(i => s.Plants.Select(p => p with
            {
                Id = C(p.Id, i), Region = C(p.Region, i), ExportLink = p.ExportLink is null ? null : C(p.ExportLink, i),
            })).ToList(),
            Storage = copies.SelectMany(i => s.Storage.Select(x => x with { Id = C(x.Id, i), Region = C(x.Region, i) })).ToList(),
            Links = copies.SelectMany(i => s.Links.Select(l => l with { Id = C(l.Id, i), From = C(l.From, i), To = C(l.To, i) })).ToList(),
            Hubs = copies.SelectMany(i => s.Hubs.Select(h => h with { Id = C(h.Id, i), Region = C(h.Region, i) })).ToList(),
            Cables = copies.SelectMany(i => s.Cables.Select(c => c with { Id = C(c.Id, i), Group = c.Group is null ? null : C(c.Group, i) })).ToList(),
            LandingStations = copies.SelectMany(i => s.LandingStations.Select(x => x with { Id = C(x.Id, i) })).ToList(),
            Segments = copies.SelectMany(i => s.Segments.Select(x => x with { Id = C(x.Id, i) })).ToList(),
            Users = copies.SelectMany(i => s.Users.Select(u => u with
            {
                Id = C(u.Id, i),
                Routes = u.Routes.Select(r => r with { Hub = C(r.Hub, i), Cable = r.Cable is null ? null : C(r.Cable, i), Via = [.. r.Via.Select(v => C(v, i))] }).ToList(),
            })).ToList(),
            // A fault on "all" user regions already reaches every copy: keep it once.
            Faults = s.Faults.Where(f => f.Target == "all")
                .Concat(copies.SelectMany(i => s.Faults.Where(f => f.Target != "all").Select(f => f with { Target = C(f.Target, i) }))).ToList(),
            // Calibration bands describe the original topology, not K copies of it.
            Calibration = k == 1 ? s.Calibration : [],
        };
    }
}
