using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>What an entity reports at the end of a run (read back from <see cref="Entity.WriteReport"/>), and what it adds to the summary.</summary>
public interface IEntityReport
{
    /// <summary>The entity's time series (rows of its kind's CSV in the run folder), or null.</summary>
    ISeries? Series { get; }

    /// <summary>Adds this entity's part to the run summary; <paramref name="id"/> is the entity's id within its kind.</summary>
    void AddTo(SupplyChainSummary summary, string id);
}

/// <summary>A CSV file of the run folder with one row per entity and sample: <c>entity</c>, then the sample's columns.</summary>
public sealed record CsvTable(string File, IReadOnlyList<string> Columns)
{
    public static CsvTable Of<T>(string file) where T : ISample<T> => new(file, ["entity", .. T.Columns]);
}

/// <summary>
/// One kind of entity of the supply chain: everything that depends on an entity's kind is here, and nothing else in
/// the code decides a kind by id range or key prefix.
/// </summary>
/// <param name="Name">Key prefix without the slash (<c>plant</c> in <c>plant/gansu_wind</c>); also the kind shown by <c>inspect</c>.</param>
/// <param name="Noun">What messages call one of them ("UHV link").</param>
/// <param name="Weight">Rough events per entity relative to a plant, for placing entities on nodes.</param>
/// <param name="Ids">The ids of this kind in a topology, in entity-id order (their count is the kind's id range).</param>
/// <param name="Create">Builds entity number <c>index</c> of this kind.</param>
/// <param name="ReadReport">Reads back what the kind's entity wrote with <see cref="Entity.WriteReport"/>.</param>
/// <param name="Csv">The run-folder CSV of its series (columns from the sample type), or null.</param>
/// <param name="Faults">The fault kinds that target entities of this kind.</param>
public sealed record EntityKind(
    string Name,
    string Noun,
    double Weight,
    Func<SupplyChainSpec, IReadOnlyList<string>> Ids,
    Func<SupplyChainModel, int, Entity> Create,
    Func<BinaryReader, IEntityReport> ReadReport,
    CsvTable? Csv,
    IReadOnlyList<FaultKindInfo> Faults)
{
    /// <summary>Entity keys of this kind start with this (<c>plant/</c>).</summary>
    public string Prefix => Name + "/";

    /// <summary>The entity key of id <paramref name="id"/> of this kind.</summary>
    public string Key(string id) => Prefix + id;
}

/// <summary>The entity-kind table: one row per kind, in the order their ids are laid out in a model.</summary>
public static class EntityKinds
{
    public static readonly EntityKind Timeline = new("timeline", "fault timeline", 1,
        _ => [SupplyChain.Timeline.Id], (m, _) => new Timeline(m), TimelineReport.Read, null, []);

    public static readonly EntityKind Plant = new("plant", "plant", 1,
        s => [.. s.Plants.Select(p => p.Id)], (m, i) => new Plant(m, i), PlantReport.Read, CsvTable.Of<PlantSample>("plants.csv"),
        [FaultKinds.PlantOutage]);

    public static readonly EntityKind Region = new("region", "region", 3,
        s => [.. s.Regions.Select(r => r.Id)], (m, i) => new Region(m, i), RegionReport.Read, CsvTable.Of<RegionSample>("regions.csv"), []);

    public static readonly EntityKind Link = new("link", "UHV link", 1,
        s => [.. s.Links.Select(l => l.Id)], (m, i) => new Link(m, i), LinkReport.Read, CsvTable.Of<LinkSample>("links.csv"),
        [FaultKinds.LinkTrip]);

    public static readonly EntityKind Hub = new("hub", "hub", 8,
        s => [.. s.Hubs.Select(h => h.Id)], (m, i) => new Hub(m, i), HubReport.Read, CsvTable.Of<HubSample>("hubs.csv"),
        [FaultKinds.HubFailure]);

    public static readonly EntityKind Cable = new("cable", "cable", 4,
        s => [.. s.Cables.Select(c => c.Id)], (m, i) => new Cable(m, i), CableReport.Read, CsvTable.Of<CableSample>("cables.csv"),
        [FaultKinds.CableCut]);

    public static readonly EntityKind LandingStation = new("landing-station", "landing station", 1,
        s => [.. s.LandingStations.Select(x => x.Id)], (m, i) => new PathElement(m, i, station: true), PathElementReport.Read, null,
        [FaultKinds.LandingStationFailure]);

    public static readonly EntityKind Segment = new("segment", "terrestrial segment", 1,
        s => [.. s.Segments.Select(x => x.Id)], (m, i) => new PathElement(m, i, station: false), PathElementReport.Read, null,
        [FaultKinds.SegmentCut]);

    public static readonly EntityKind Users = new("users", "user region", 8,
        s => [.. s.Users.Select(u => u.Id)], (m, i) => new UserRegion(m, i), UserReport.Read, CsvTable.Of<UserSample>("users.csv"),
        [FaultKinds.DemandSpike]);

    public static readonly EntityKind Scheduler = new("scheduler", "batch scheduler", 4,
        s => s.Batch is null ? [] : [BatchScheduler.Id], (m, _) => new BatchScheduler(m), SchedulerReport.Read, CsvTable.Of<SchedulerSample>("scheduler.csv"), []);

    public static readonly EntityKind Storage = new("storage", "storage", 1,
        s => [.. s.Storage.Select(x => x.Id)], (m, i) => new Storage(m, i), StorageReport.Read, CsvTable.Of<StorageSample>("storage.csv"), []);

    /// <summary>Every kind, in id order: a model numbers its entities kind after kind in this order (storage, the
    /// scheduler, landing stations and segments last, so that the ids of topologies without them are those they had
    /// before they existed).</summary>
    public static readonly IReadOnlyList<EntityKind> All = [Timeline, Plant, Region, Link, Hub, Cable, Users, Storage, Scheduler, LandingStation, Segment];

    /// <summary>The kind named <paramref name="name"/> (<c>plant</c>), or null.</summary>
    public static EntityKind? ByName(string name) => All.FirstOrDefault(k => k.Name == name);

    /// <summary>The kind that faults of <paramref name="fault"/> target.</summary>
    public static EntityKind TargetOf(FaultKind fault) =>
        All.FirstOrDefault(k => k.Faults.Any(f => f.Kind == fault)) ?? throw new InvalidOperationException($"no entity kind is the target of {fault}");
}
